package diagram

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/kprobe"
)

// esrText decodes an ESR_EL1 of the exceptions a hit takes (reference
// §1.2): EC in bits 31:26, IL bit 25, ISS below.
func esrText(esr uint64) string {
	ec := esr >> 26 & 0x3f
	il := ""
	if esr>>25&1 != 0 {
		il = ", IL"
	}
	switch ec {
	case 0x3c:
		imm := esr & 0xffff
		name := map[uint64]string{4: "KPROBES_BRK_IMM", 6: "KPROBES_BRK_SS_IMM", 7: "KRETPROBES_BRK_IMM"}[imm]
		if name != "" {
			name = " " + name
		}
		return fmt.Sprintf("%#x: EC 0x3c (BRK64)%s, imm16 %#x%s", esr, il, imm, name)
	case 0x32, 0x33:
		el := "same EL"
		if ec == 0x32 {
			el = "lower EL"
		}
		return fmt.Sprintf("%#x: EC %#x (Software Step, %s)%s, ISV %d, EX %d", esr, ec, el, il, esr>>24&1, esr>>6&1)
	case 0x24, 0x25:
		el := "same EL"
		if ec == 0x24 {
			el = "lower EL"
		}
		return fmt.Sprintf("%#x: EC %#x (Data Abort, %s)%s, ISS %#x", esr, ec, el, il, esr&0x1ffffff)
	}
	return fmt.Sprintf("%#x: EC %#x%s, ISS %#x", esr, ec, il, esr&0x1ffffff)
}

// daif shows PSTATE's D, A, I and F bits and which are set.
func daif(v uint64) string {
	var set []string
	for _, b := range []struct {
		bit  uint64
		name string
	}{{0x200, "D"}, {0x100, "A"}, {0x80, "I"}, {0x40, "F"}} {
		if v&b.bit != 0 {
			set = append(set, b.name)
		}
	}
	if len(set) == 0 {
		return fmt.Sprintf("%#x (none masked)", v&0x3c0)
	}
	return fmt.Sprintf("%#x (%s)", v&0x3c0, strings.Join(set, " "))
}

func changes(ch []kprobe.RegChange) []string {
	if len(ch) == 0 {
		return nil
	}
	parts := make([]string, len(ch))
	for i, c := range ch {
		parts[i] = fmt.Sprintf("%s %#x -> %#x", c.Name, c.Old, c.New)
	}
	return []string{strings.Join(parts, ", ")}
}

func disasm(w uint32) string {
	in, err := arm64.Decode(w)
	if err != nil {
		return fmt.Sprintf(".inst %#08x", w)
	}
	return strings.ReplaceAll(arm64.GNUSyntax(in), "\t", " ")
}

func symOr(e kprobe.PhaseEvent) string {
	if e.Sym != "" {
		return fmt.Sprintf("%s (%#x)", e.Sym, e.PC)
	}
	return fmt.Sprintf("%#x", e.PC)
}

// funcName is the symbol of a %pS string.
func funcName(sym string) string {
	if name, _, ok := strings.Cut(sym, "+"); ok {
		return name
	}
	if sym == "" {
		return "the function"
	}
	return sym
}
