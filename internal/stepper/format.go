package stepper

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
	"github.com/kpemu/kpemu/kprobe"
)

// symOff is "sym+0xoff" for an address a symbol covers (with " [mod]" for
// a module symbol), "" otherwise: the name part of %pS without the size,
// which the session prints next to every address.
func symOff(t *symbols.Table, addr uint64) string {
	loc, ok := t.LookupAddr(addr)
	if !ok {
		return ""
	}
	return locText(loc)
}

// locText is gdb's "sym+0xoff", with " [mod]" for a module symbol.
func locText(loc symbols.Location) string {
	s := fmt.Sprintf("%s+%#x", loc.Symbol.Name, loc.Offset)
	if loc.Symbol.Module != "" {
		s += " [" + loc.Symbol.Module + "]"
	}
	return s
}

// symAddr is "0xaddr <sym+0xoff>", or "0xaddr" when no symbol covers it.
// The call-return sentinel is named as such.
func symAddr(t *symbols.Table, addr uint64) string {
	if addr == emu.ReturnAddress {
		return fmt.Sprintf("%#x <call return>", addr)
	}
	if s := symOff(t, addr); s != "" {
		return fmt.Sprintf("%#x <%s>", addr, s)
	}
	return fmt.Sprintf("%#x", addr)
}

// symAt is "sym+0xoff" or "0xaddr": the shortest name of an address.
func symAt(t *symbols.Table, addr uint64) string {
	if s := symOff(t, addr); s != "" {
		return s
	}
	return fmt.Sprintf("%#x", addr)
}

// brkWord is the encoding of BRK #imm.
func brkWord(imm uint16) uint32 { return 0xd4200000 | uint32(imm)<<5 }

// brkImm reports whether w is a BRK and its immediate.
func brkImm(w uint32) (uint16, bool) {
	if w&0xffe0001f != 0xd4200000 {
		return 0, false
	}
	return uint16(w >> 5), true
}

// disasmWord is the instruction as objdump prints it at pc, with branch
// targets named by symbol, the mnemonic padded to a column.
func (s *Stepper) disasmWord(w uint32, pc uint64) string {
	in, _ := arm64.Decode(w) // an undefined word prints as ".inst ... ; undefined"
	text := arm64.Disasm(in, pc, func(a uint64) (string, bool) {
		n := symOff(s.syms, a)
		n = strings.TrimSuffix(n, "+0x0")
		return n, n != ""
	})
	if mn, ops, ok := strings.Cut(text, "\t"); ok {
		return fmt.Sprintf("%-7s %s", mn, ops)
	}
	return text
}

// annotate says what the session knows about the word at addr: an armed
// kprobe's BRK and the instruction it replaced, a raw BRK written by
// patch.
func (s *Stepper) annotate(addr uint64, w uint32) string {
	if imm, ok := brkImm(w); ok {
		if p := s.kp.GetKprobe(addr); p != nil && imm == kprobe.KPROBES_BRK_IMM {
			return "; kprobe, replaces: " + s.disasmWord(p.Opcode(), addr)
		}
		if orig, ok := s.patches[addr]; ok {
			return "; patched, replaces: " + s.disasmWord(orig, addr)
		}
	}
	return ""
}

// insnLine is one line of an instruction listing: a marker for the PC,
// the address with its symbol, the word and the instruction.
func (s *Stepper) insnLine(addr uint64, label string) string {
	mark := "   "
	if addr == s.cpu.PC() {
		mark = "=> "
	}
	at := fmt.Sprintf("%s%#x", mark, addr)
	if label != "" {
		at += " " + label
	}
	w, err := s.m.Memory().ReadU32(addr)
	if err != nil {
		return fmt.Sprintf("%s:\tCannot access memory at address %#x", at, addr)
	}
	line := fmt.Sprintf("%s:\t%08x  %s", at, w, s.disasmWord(w, addr))
	if a := s.annotate(addr, w); a != "" {
		line += "    " + a
	}
	return line
}

// printLocation prints where the CPU is: the next instruction.
func (s *Stepper) printLocation() {
	pc := s.cpu.PC()
	if pc == emu.ReturnAddress {
		s.printf("   %s\n", symAddr(s.syms, pc))
		return
	}
	label := ""
	if n := symOff(s.syms, pc); n != "" {
		label = "<" + n + ">"
	}
	s.printf("%s\n", s.insnLine(pc, label))
}

// errnoText is "-22 (EINVAL): reason" for a kprobe API error.
func errnoText(err error) string {
	if ke, ok := err.(*kprobe.Error); ok {
		return fmt.Sprintf("%d (%s): %s: %s", -int(ke.Errno), ke.Errno, ke.Op, ke.Reason)
	}
	return err.Error()
}
