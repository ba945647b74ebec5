package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// The LSE atomics other than LDADD (Arm ARM C6.2: LDCLR, LDEOR, LDSET,
// LDSMAX, LDSMIN, LDUMAX, LDUMIN and their ST<op> aliases, SWP, CAS,
// CASP), each with the orderings A, AL, L and the B and H sizes where the
// manual has them. LDADD and STADD are in insn_atomic.go, whose
// registerAtomic builds the LD<op>/ST<op> families here too.

// lseOrders are the ordering suffixes of SWP, CAS and CASP.
var lseOrders = []struct {
	suffix           string
	acquire, release bool
}{{"", false, false}, {"a", true, false}, {"al", true, true}, {"l", false, true}}

func init() {
	for _, a := range []struct {
		name string
		op   arm64.Op
	}{
		{"clr", arm64.LDCLR}, {"eor", arm64.LDEOR}, {"set", arm64.LDSET},
		{"smax", arm64.LDSMAX}, {"smin", arm64.LDSMIN}, {"umax", arm64.LDUMAX}, {"umin", arm64.LDUMIN},
	} {
		registerAtomic(a.name, a.op)
	}

	for _, order := range lseOrders {
		// SWP{A,AL,L}{B,H} <Rs>, <Rt>, [<Xn|SP>] and CAS{A,AL,L}{B,H}
		// <Rs>, <Rt>, [<Xn|SP>{, #0}]: the operands of LDADD, without a
		// store alias.
		for _, sz := range []struct {
			suffix string
			size   int
		}{{"", -1}, {"b", 0}, {"h", 1}} {
			for _, f := range []struct {
				name string
				op   arm64.Op
			}{{"swp", arm64.SWP}, {"cas", arm64.CAS}} {
				spec := atomicSpec{op: f.op, acquire: order.acquire, release: order.release, size: sz.size}
				register(f.name+order.suffix+sz.suffix, func(c *Ctx, o []Operand) (arm64.Inst, error) {
					return strictAtomic(c, spec, o)
				})
			}
		}
		acquire, release := order.acquire, order.release
		register("casp"+order.suffix, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			return compareSwapPair(c, acquire, release, o)
		})
	}
}

// strictAtomic is atomicOp with GNU as's rule for the offset: atomicOp
// takes any expression worth 0 ("#1-1"), GNU as only the number 0.
func strictAtomic(c *Ctx, spec atomicSpec, o []Operand) (arm64.Inst, error) {
	in, err := atomicOp(c, spec, o, false)
	if err != nil {
		return in, err
	}
	if _, err := c.BaseOnly(o[2]); err != nil {
		return arm64.Inst{}, err
	}
	return in, nil
}

// compareSwapPair: CASP{A,AL,L} <Rs>, <R(s+1)>, <Rt>, <R(t+1)>,
// [<Xn|SP>{, #0}] of W or X registers. Each pair starts at an even
// register and is consecutive; the pair of x30 is xzr (Arm ARM C6.2
// CASP: "<X(s+1)>").
func compareSwapPair(c *Ctx, acquire, release bool, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 5, 5); err != nil {
		return arm64.Inst{}, err
	}
	s, sf, err := c.GPR(o[0], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	var regs [4]arm64.Reg
	regs[0] = s
	for i := 1; i < 4; i++ {
		if regs[i], err = c.GPRSized(o[i], WithZR, sf); err != nil {
			return arm64.Inst{}, err
		}
	}
	for i := 0; i < 4; i += 2 {
		if regs[i]&1 != 0 {
			return arm64.Inst{}, c.Errorf(o[i], "a register pair must start at an even register, not '%s'", o[i].Text)
		}
		if regs[i+1] != regs[i]+1 {
			return arm64.Inst{}, c.Errorf(o[i+1], "expected the register after '%s' (pairs are consecutive) but found '%s'", o[i].Text, o[i+1].Text)
		}
	}
	n, err := c.BaseOnly(o[4])
	if err != nil {
		return arm64.Inst{}, err
	}
	size := uint8(2)
	if sf {
		size = 3
	}
	return arm64.Inst{Op: arm64.CASP, Size: size, Sf: sf, Rs: regs[0], Rt: regs[2], Rt2: regs[3], Rn: n,
		Acquire: acquire, Release: release}, nil
}
