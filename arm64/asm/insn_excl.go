package asm

import (
	"strings"

	"github.com/kpemu/kpemu/arm64"
)

// Exclusive and ordered loads and stores (Arm ARM C6.2: LDXR, LDXRB,
// LDXRH, LDAXR{,B,H}, STXR{,B,H}, STLXR{,B,H}, LDXP, LDAXP, STXP, STLXP,
// LDAR{,B,H}, STLR{,B,H}, LDAPR{,B,H}). Their memory operand is
// [<Xn|SP>{, #0}].

// exclMn is one mnemonic of the class.
type exclMn struct {
	name             string
	op               arm64.Op
	size             int // log2 of the access size; -1: from the register (W 2, X 3)
	acquire, release bool
}

func init() {
	type base struct {
		name             string
		op               arm64.Op
		acquire, release bool
	}
	for _, b := range []base{
		{"ldxr", arm64.LDXR, false, false}, {"ldaxr", arm64.LDXR, true, false},
		{"stxr", arm64.STXR, false, false}, {"stlxr", arm64.STXR, false, true},
		{"ldar", arm64.LDAR, true, false}, {"stlr", arm64.STLR, false, true},
		{"ldapr", arm64.LDAPR, true, false},
	} {
		for _, sz := range []struct {
			suffix string
			size   int
		}{{"", -1}, {"b", 0}, {"h", 1}} {
			mn := exclMn{b.name + sz.suffix, b.op, sz.size, b.acquire, b.release}
			register(mn.name, func(c *Ctx, o []Operand) (arm64.Inst, error) { return exclusive(c, mn, o) })
		}
	}
	for _, p := range []exclMn{
		{"ldxp", arm64.LDXP, -1, false, false}, {"ldaxp", arm64.LDXP, -1, true, false},
		{"stxp", arm64.STXP, -1, false, false}, {"stlxp", arm64.STXP, -1, false, true},
	} {
		register(p.name, func(c *Ctx, o []Operand) (arm64.Inst, error) { return exclusivePair(c, p, o) })
	}
}

// BaseOnly checks a memory operand of the synchronization instructions:
// [<Xn|SP>] or [<Xn|SP>, #0]. GNU as takes only the number 0 written as
// such ("#0", "0"), not an expression worth 0 ("#0x0", "#1-1"), so
// neither does this.
func (c *Ctx) BaseOnly(o Operand) (arm64.Reg, error) {
	m, n, err := c.MemBase(o)
	if err != nil {
		return 0, err
	}
	if m.Mode != arm64.AddrOffset {
		return 0, c.Expected(o, "[xn] or [xn, #0]")
	}
	if m.Offset != nil {
		off := *m.Offset
		text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(off.Text), "#"))
		if off.Reloc != RelocNone || text != "0" {
			return 0, c.Expected(off, "#0 (the only offset of this instruction)")
		}
	}
	return n, nil
}

// exclusive: LDXR/LDAXR/LDAR/LDAPR{,B,H} <Rt>, [<Xn|SP>{, #0}],
// STLR{,B,H} <Rt>, [<Xn|SP>{, #0}] and STXR/STLXR{,B,H} <Ws>, <Rt>,
// [<Xn|SP>{, #0}]. The B and H forms take W registers.
func exclusive(c *Ctx, mn exclMn, o []Operand) (arm64.Inst, error) {
	status := mn.op == arm64.STXR
	n := 2
	if status {
		n = 3
	}
	if err := c.Want(o, n, n); err != nil {
		return arm64.Inst{}, err
	}
	in := arm64.Inst{Op: mn.op, Acquire: mn.acquire, Release: mn.release}
	if status {
		s, err := c.GPRSized(o[0], WithZR, false)
		if err != nil {
			return arm64.Inst{}, err
		}
		in.Rs = s
	}
	to := o[n-2]
	var err error
	if mn.size < 0 {
		in.Rt, in.Sf, err = c.GPR(to, WithZR)
		in.Size = 2
		if in.Sf {
			in.Size = 3
		}
	} else {
		in.Rt, err = c.GPRSized(to, WithZR, false)
		in.Size = uint8(mn.size)
	}
	if err != nil {
		return arm64.Inst{}, err
	}
	in.Rn, err = c.BaseOnly(o[n-1])
	return in, err
}

// exclusivePair: LDXP/LDAXP <Rt1>, <Rt2>, [<Xn|SP>{, #0}] and
// STXP/STLXP <Ws>, <Rt1>, <Rt2>, [<Xn|SP>{, #0}], of W or X registers.
func exclusivePair(c *Ctx, mn exclMn, o []Operand) (arm64.Inst, error) {
	status := mn.op == arm64.STXP
	n := 3
	if status {
		n = 4
	}
	if err := c.Want(o, n, n); err != nil {
		return arm64.Inst{}, err
	}
	in := arm64.Inst{Op: mn.op, Acquire: mn.acquire, Release: mn.release}
	if status {
		s, err := c.GPRSized(o[0], WithZR, false)
		if err != nil {
			return arm64.Inst{}, err
		}
		in.Rs = s
	}
	t, sf, err := c.GPR(o[n-3], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	t2, err := c.GPRSized(o[n-2], WithZR, sf)
	if err != nil {
		return arm64.Inst{}, err
	}
	in.Rt, in.Rt2, in.Sf, in.Size = t, t2, sf, 2
	if sf {
		in.Size = 3
	}
	in.Rn, err = c.BaseOnly(o[n-1])
	return in, err
}
