package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// Pointer authentication outside the hint space (FEAT_PAuth): the
// authenticated loads LDRAA and LDRAB (Arm ARM C6.2 LDRAA, LDRAB) and the
// authenticated branches BRAA, BRAAZ, BRAB, BRABZ, BLRAA, BLRAAZ, BLRAB,
// BLRABZ, RETAA, RETAB, ERETAA, ERETAB (C6.2 BRAA, BLRAA, RETAA,
// ERETAA).

func init() {
	register("ldraa", func(c *Ctx, o []Operand) (arm64.Inst, error) { return loadAuth(c, arm64.LDRAA, o) })
	register("ldrab", func(c *Ctx, o []Operand) (arm64.Inst, error) { return loadAuth(c, arm64.LDRAB, o) })

	for name, op := range map[string]arm64.Op{"braa": arm64.BRAA, "brab": arm64.BRAB,
		"blraa": arm64.BLRAA, "blrab": arm64.BLRAB} {
		register(name, branchAuth(op))
	}
	for name, op := range map[string]arm64.Op{"braaz": arm64.BRAAZ, "brabz": arm64.BRABZ,
		"blraaz": arm64.BLRAAZ, "blrabz": arm64.BLRABZ} {
		register(name, branchReg(op))
	}
	for name, op := range map[string]arm64.Op{"retaa": arm64.RETAA, "retab": arm64.RETAB,
		"eretaa": arm64.ERETAA, "eretab": arm64.ERETAB} {
		register(name, fixed(arm64.Inst{Op: op}))
	}
}

// loadAuth: LDRAA/LDRAB <Xt>, [<Xn|SP>{, #<simm>}] and the pre-index form
// [<Xn|SP>, #<simm>]!: the offset is a multiple of 8 from -4096 to 4088
// (S:imm9 scaled by 8).
func loadAuth(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	t, err := c.X(o[0], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	m, n, err := c.MemBase(o[1])
	if err != nil {
		return arm64.Inst{}, err
	}
	if m.Mode != arm64.AddrOffset && m.Mode != arm64.AddrPreIndex {
		return arm64.Inst{}, c.Expected(o[1], "[xn{, #imm}] or [xn, #imm]!")
	}
	v, err := c.MemOffset(m, 0)
	if err != nil {
		return arm64.Inst{}, err
	}
	if v%8 != 0 || v < -4096 || v > 4088 {
		return c.immOutOfRange(*m.Offset, "a multiple of 8 from -4096 to 4088")
	}
	return arm64.Inst{Op: op, Sf: true, Size: 3, Rt: t, Rn: n, Imm: v, Mode: m.Mode}, nil
}

// branchAuth: BRAA, BRAB, BLRAA, BLRAB <Xn>, <Xm|SP> (the modifier).
func branchAuth(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		n, err := c.X(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		m, err := c.X(o[1], WithSP)
		return arm64.Inst{Op: op, Rn: n, Rm: m}, err
	}
}
