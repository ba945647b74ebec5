package asm

import (
	"strings"
	"sync"

	"github.com/kpemu/kpemu/arm64"
)

// Operand checks for handlers: each returns the operand's value in the
// form arm64.Inst wants, or an error at the operand saying what was
// expected and what was found.

// R31 says what register number 31 means in an operand: the zero
// register or the stack pointer (the manual's <Xn|SP> versus <Xn>).
type R31 uint8

const (
	WithZR R31 = iota // x0-x30, xzr (w0-w30, wzr)
	WithSP            // x0-x30, sp (w0-w30, wsp)
)

func gprWhat(r31 R31, width int) string {
	switch width {
	case 64:
		if r31 == WithSP {
			return "a 64-bit register (x0-x30, sp)"
		}
		return "a 64-bit register (x0-x30, xzr)"
	case 32:
		if r31 == WithSP {
			return "a 32-bit register (w0-w30, wsp)"
		}
		return "a 32-bit register (w0-w30, wzr)"
	}
	if r31 == WithSP {
		return "a register (x0-x30, sp, w0-w30, wsp)"
	}
	return "a register (x0-x30, xzr, w0-w30, wzr)"
}

// GPR checks a general-purpose register operand of either width and
// returns it and whether it is 64-bit.
func (c *Ctx) GPR(o Operand, r31 R31) (arm64.Reg, bool, error) {
	if o.Kind != KindGPR || (o.Reg == arm64.SP && r31 == WithZR) || (o.Reg == arm64.ZR && r31 == WithSP) {
		return 0, false, c.Expected(o, gprWhat(r31, 0))
	}
	return o.Reg, !o.W, nil
}

// GPRSized checks a general-purpose register operand of the given width
// (sf: 64-bit).
func (c *Ctx) GPRSized(o Operand, r31 R31, sf bool) (arm64.Reg, error) {
	width := 32
	if sf {
		width = 64
	}
	if o.Kind != KindGPR || o.W == sf || (o.Reg == arm64.SP && r31 == WithZR) || (o.Reg == arm64.ZR && r31 == WithSP) {
		return 0, c.Expected(o, gprWhat(r31, width))
	}
	return o.Reg, nil
}

// X checks a 64-bit register operand.
func (c *Ctx) X(o Operand, r31 R31) (arm64.Reg, error) { return c.GPRSized(o, r31, true) }

// Imm evaluates an immediate operand that must be a number: #expr, or an
// expression or name without '#' (GNU as makes '#' optional).
func (c *Ctx) Imm(o Operand) (int64, error) {
	if o.Kind != KindImm && o.Kind != KindName {
		return 0, c.Expected(o, "an immediate")
	}
	if o.Reloc != RelocNone {
		return 0, c.Errorf(o, "relocation operator %v is not allowed here", o.Reloc)
	}
	return c.Const(o.Expr)
}

// ImmRange evaluates an immediate that must lie in lo..hi.
func (c *Ctx) ImmRange(o Operand, lo, hi int64) (int64, error) {
	v, err := c.Imm(o)
	if err != nil {
		return 0, err
	}
	if v < lo || v > hi {
		return c.fail1(c.Errorf(o, "immediate %d is out of range %d to %d", v, lo, hi))
	}
	return v, nil
}

var condNames = map[string]arm64.Cond{
	"eq": arm64.EQ, "ne": arm64.NE, "cs": arm64.CS, "hs": arm64.CS, "cc": arm64.CC, "lo": arm64.CC,
	"mi": arm64.MI, "pl": arm64.PL, "vs": arm64.VS, "vc": arm64.VC, "hi": arm64.HI, "ls": arm64.LS,
	"ge": arm64.GE, "lt": arm64.LT, "gt": arm64.GT, "le": arm64.LE, "al": arm64.AL, "nv": arm64.NV,
}

// Cond checks a condition operand (eq, ne, cs/hs, cc/lo, ...).
func (c *Ctx) Cond(o Operand) (arm64.Cond, error) {
	if o.Kind == KindName {
		if cond, ok := condNames[o.Name]; ok {
			return cond, nil
		}
	}
	return 0, c.Expected(o, "a condition (eq, ne, cs, hs, cc, lo, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv)")
}

// Label returns the expression of a branch or literal target operand: a
// label, or any expression ("1f", ".+8", "sym+4"), with or without '#'.
func (c *Ctx) Label(o Operand) (*Expr, error) {
	if (o.Kind == KindImm || o.Kind == KindName) && o.Reloc == RelocNone {
		return o.Expr, nil
	}
	return nil, c.Expected(o, "a label")
}

// ShiftAmount evaluates the amount of a shift or extend operand, 0 when
// none was written, and checks it against 0..max.
func (c *Ctx) ShiftAmount(o Operand, max int64) (int64, error) {
	if o.Amount == nil {
		return 0, nil
	}
	v, err := c.Const(o.Amount)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > max {
		return c.fail1(errorAt(o.Amount.pos, "shift amount %d is out of range 0 to %d", v, max))
	}
	return v, nil
}

// FP checks a scalar FP/SIMD register (b0, h1, s2, d3, q4) whose width in
// bits is one of widths (any width when none is given), and returns its
// number and width.
func (c *Ctx) FP(o Operand, widths ...int) (int, int, error) {
	if o.Kind == KindFP && (len(widths) == 0 || containsInt(widths, o.Width)) {
		return o.Num, o.Width, nil
	}
	what := "a scalar FP/SIMD register"
	if len(widths) > 0 {
		var names []string
		for _, w := range widths {
			names = append(names, map[int]string{8: "b", 16: "h", 32: "s", 64: "d", 128: "q"}[w]+"n")
		}
		what += " (" + strings.Join(names, ", ") + ")"
	}
	return 0, 0, c.Expected(o, what)
}

// Vector checks a vector register with one of the arrangements arrs
// ("16b", "4s", ...; any when none is given) and no lane index, and
// returns its number and arrangement.
func (c *Ctx) Vector(o Operand, arrs ...string) (int, string, error) {
	if o.Kind == KindVector && o.Index < 0 && o.Arr != "" && len(o.Arr) > 1 && (len(arrs) == 0 || containsString(arrs, o.Arr)) {
		return o.Num, o.Arr, nil
	}
	what := "a vector register with an arrangement (v0.16b, v1.4s, ...)"
	if len(arrs) > 0 {
		what = "a vector register v<n>." + strings.Join(arrs, ", .")
	}
	return 0, "", c.Expected(o, what)
}

// Element checks a vector element with a lane index ("v1.s[2]") whose
// element size is one of sizes ("b", "h", "s", "d"; any when none is
// given), and returns the register, the size and the index.
func (c *Ctx) Element(o Operand, sizes ...string) (int, string, int, error) {
	if o.Kind == KindVector && o.Index >= 0 && len(o.Arr) == 1 && (len(sizes) == 0 || containsString(sizes, o.Arr)) {
		return o.Num, o.Arr, o.Index, nil
	}
	return 0, "", 0, c.Expected(o, "a vector element (v<n>."+strings.Join(append([]string{}, sizes...), "|")+"[<index>])")
}

// FloatImm returns the value of a floating-point immediate (#1.5,
// #-0.25); an integer is accepted too (#2), as GNU as does.
func (c *Ctx) FloatImm(o Operand) (float64, error) {
	if o.Kind != KindImm || o.Reloc != RelocNone {
		return 0, c.Expected(o, "a floating-point immediate (#1.5)")
	}
	if f, ok := o.Expr.Float(); ok {
		return f, nil
	}
	v, err := c.Const(o.Expr)
	return float64(v), err
}

// barrierOptions are the <option> names of DMB and DSB (Arm ARM C6.2
// DMB): the CRm field.
var barrierOptions = map[string]int64{
	"oshld": 1, "oshst": 2, "osh": 3, "nshld": 5, "nshst": 6, "nsh": 7,
	"ishld": 9, "ishst": 10, "ish": 11, "ld": 13, "st": 14, "sy": 15,
}

// Barrier checks a barrier option: a name (sy, ish, ishld, ...) or #0-15,
// and returns CRm.
func (c *Ctx) Barrier(o Operand) (int64, error) {
	if o.Kind == KindName {
		if v, ok := barrierOptions[o.Name]; ok {
			return v, nil
		}
	}
	if o.Kind == KindImm && o.Hash {
		return c.ImmRange(o, 0, 15)
	}
	return 0, c.Expected(o, "a barrier option (sy, ish, ishld, ishst, nsh, osh, ld, st, ...) or #0-15")
}

var (
	sysOpsOnce sync.Once
	sysOpNames map[string]arm64.SysReg // "dc zva" -> op0=1:op1:CRn:CRm:op2
)

// SysOp checks the operation of a SYS alias: alias is "dc", "ic", "at" or
// "tlbi" (or "cfp", "dvp", "cpp"), o the operation ("zva", "vae1is").
// It returns the SYS encoding as a SysReg (op0 = 1, as arm64 decodes SYS)
// and whether the operation takes a register: the ones that do not are
// the "all" operations (IC IALLU, TLBI VMALLE1, ALLE2, ...; Arm ARM C5.3).
func (c *Ctx) SysOp(alias string, o Operand) (arm64.SysReg, bool, error) {
	sysOpsOnce.Do(func() {
		sysOpNames = map[string]arm64.SysReg{}
		for op1 := 0; op1 < 8; op1++ {
			for crn := 0; crn < 16; crn++ {
				for crm := 0; crm < 16; crm++ {
					for op2 := 0; op2 < 8; op2++ {
						s := arm64.MakeSysReg(1, op1, crn, crm, op2)
						if n := arm64.SysOpName(s); n != "" {
							sysOpNames[n] = s
						}
					}
				}
			}
		}
	})
	if o.Kind == KindName {
		if s, ok := sysOpNames[alias+" "+o.Name]; ok {
			return s, !strings.Contains(o.Name, "all"), nil
		}
	}
	article := "a "
	if alias != "" && strings.ContainsRune("aeiou", rune(alias[0])) {
		article = "an "
	}
	return 0, false, c.Expected(o, article+strings.ToUpper(alias)+" operation")
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
