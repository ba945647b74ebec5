package difftest

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/arm64"
)

// Disasm returns w in GNU syntax, or why it does not decode.
func Disasm(w uint32) string {
	in, err := arm64.Decode(w)
	if err != nil {
		return fmt.Sprintf(".inst\t%#08x (%v)", w, err)
	}
	return arm64.GNUSyntax(in)
}

// String is the reproduction of a mismatch: the model, the program with
// its disassembly (the differing instruction marked), the initial state,
// the non-zero memory, the PCs executed, and the differences.
func (m *Mismatch) String() string {
	var b strings.Builder
	p := m.Program
	fmt.Fprintf(&b, "mismatch on %v (%v program) at step %d, pc %#x\n", p.Model, p.Class, m.Step, m.PC)
	b.WriteString("program:\n")
	for i, w := range p.Words {
		addr := CodeBase + 4*uint64(i)
		mark := "  "
		if addr == m.PC {
			mark = "=>"
		}
		fmt.Fprintf(&b, "%s %#x: %08x  %s\n", mark, addr, w, Disasm(w))
	}
	if _, ok := m.Word(); !ok {
		fmt.Fprintf(&b, "=> %#x is outside the program\n", m.PC)
	}
	b.WriteString("initial state:\n")
	for _, l := range strings.Split(strings.TrimRight(p.Init.String(), "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString(memSummary(p.Mem))
	fmt.Fprintf(&b, "executed: %s\n", pcs(m.Trace))
	fmt.Fprintf(&b, "exception: %s: %v; %s: %v\n", m.A, m.ExcA, m.B, m.ExcB)
	if m.Why != "" {
		fmt.Fprintf(&b, "differ: %s\n", m.Why)
	}
	for _, d := range m.Fields {
		fmt.Fprintf(&b, "differ: %s (%s != %s)\n", d, m.A, m.B)
	}
	for _, d := range m.Mem {
		fmt.Fprintf(&b, "differ: %s (%s != %s)\n", d, m.A, m.B)
	}
	return b.String()
}

func pcs(trace []uint64) string {
	s := make([]string, len(trace))
	for i, pc := range trace {
		s[i] = fmt.Sprintf("%#x", pc)
	}
	return strings.Join(s, " ")
}

// memSummary lists the non-zero doublewords of the initial data window
// (at most 32). The read-only page is ROContent, always.
func memSummary(mem []byte) string {
	var b strings.Builder
	n := 0
	for off := 0; off+8 <= len(mem); off += 8 {
		v := binary.LittleEndian.Uint64(mem[off:])
		if v == 0 {
			continue
		}
		if n == 32 {
			b.WriteString("  ...\n")
			break
		}
		fmt.Fprintf(&b, "  [%#x] %#016x\n", DataBase+uint64(off), v)
		n++
	}
	if n == 0 {
		return "initial memory: all zero\n"
	}
	return "initial memory (non-zero doublewords):\n" + b.String()
}
