package difftest

import (
	"fmt"
	"strings"
)

// State is the architectural state both engines share and the tester
// compares after every instruction: what a program can observe. PSTATE
// beyond NZCV (EL1h, DAIF masked) is fixed by the engines' setup and is not
// part of it.
type State struct {
	X    [31]uint64
	SP   uint64 // SP_EL1, the current stack pointer at EL1h
	PC   uint64
	NZCV uint64 // bits 31:28
	V    [32][2]uint64
	FPCR uint64
	FPSR uint64
	// The thread pointers that the compared MRS/MSR forms reach.
	TPIDR   uint64 // TPIDR_EL0
	TPIDRRO uint64 // TPIDRRO_EL0
	TPIDR1  uint64 // TPIDR_EL1
}

// FieldDiff is one field that differs between two states.
type FieldDiff struct {
	Field string
	A, B  string
}

func (d FieldDiff) String() string { return fmt.Sprintf("%s: %s != %s", d.Field, d.A, d.B) }

// Diff lists the fields in which a and b differ, in a fixed order.
func Diff(a, b *State) []FieldDiff {
	var out []FieldDiff
	u64 := func(name string, x, y uint64) {
		if x != y {
			out = append(out, FieldDiff{name, fmt.Sprintf("%#x", x), fmt.Sprintf("%#x", y)})
		}
	}
	for i := range a.X {
		u64(fmt.Sprintf("x%d", i), a.X[i], b.X[i])
	}
	u64("sp", a.SP, b.SP)
	u64("pc", a.PC, b.PC)
	u64("nzcv", a.NZCV, b.NZCV)
	for i := range a.V {
		if a.V[i] != b.V[i] {
			out = append(out, FieldDiff{fmt.Sprintf("v%d", i), vhex(a.V[i]), vhex(b.V[i])})
		}
	}
	u64("fpcr", a.FPCR, b.FPCR)
	u64("fpsr", a.FPSR, b.FPSR)
	u64("tpidr_el0", a.TPIDR, b.TPIDR)
	u64("tpidrro_el0", a.TPIDRRO, b.TPIDRRO)
	u64("tpidr_el1", a.TPIDR1, b.TPIDR1)
	return out
}

func vhex(v [2]uint64) string { return fmt.Sprintf("%#016x_%016x", v[1], v[0]) }

// String prints the non-zero fields of s, one register per line, as the
// reproduction of a mismatch shows the initial state.
func (s *State) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pc   %#x\nsp   %#x\nnzcv %#x\n", s.PC, s.SP, s.NZCV)
	for i, x := range s.X {
		if x != 0 {
			fmt.Fprintf(&b, "x%-3d %#x\n", i, x)
		}
	}
	for i, v := range s.V {
		if v != [2]uint64{} {
			fmt.Fprintf(&b, "v%-3d %s\n", i, vhex(v))
		}
	}
	for _, f := range []struct {
		name string
		v    uint64
	}{{"fpcr", s.FPCR}, {"fpsr", s.FPSR}, {"tpidr_el0", s.TPIDR}, {"tpidrro_el0", s.TPIDRRO}, {"tpidr_el1", s.TPIDR1}} {
		if f.v != 0 {
			fmt.Fprintf(&b, "%s %#x\n", f.name, f.v)
		}
	}
	return b.String()
}
