package asm

import (
	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// Branches and PC-relative addresses (Arm ARM C6.2: B, BL, B.cond, CBZ,
// CBNZ, TBZ, TBNZ, BR, BLR, RET, ADR, ADRP).

func init() {
	register("b", branchImm(arm64.B, obj.R_AARCH64_JUMP26))
	register("bl", branchImm(arm64.BL, obj.R_AARCH64_CALL26))
	// B.<cond>, and B<cond> without the dot, which GNU as accepts too.
	for name, cond := range condNames {
		cond := cond
		h := func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 1, 1); err != nil {
				return arm64.Inst{}, err
			}
			off, err := branchTarget(c, o[0], obj.R_AARCH64_CONDBR19, 19)
			return arm64.Inst{Op: arm64.Bcond, Cond: cond, Imm: off}, err
		}
		register("b."+name, h)
		if cond != arm64.AL && cond != arm64.NV {
			register("b"+name, h) // GNU as has no "bal" and "bnv"
		}
	}
	register("cbz", compareBranch(arm64.CBZ))
	register("cbnz", compareBranch(arm64.CBNZ))
	register("tbz", testBranch(arm64.TBZ))
	register("tbnz", testBranch(arm64.TBNZ))
	register("br", branchReg(arm64.BR))
	register("blr", branchReg(arm64.BLR))
	register("ret", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 0, 1); err != nil {
			return arm64.Inst{}, err
		}
		if len(o) == 0 {
			return arm64.Inst{Op: arm64.RET, Rn: 30}, nil
		}
		n, err := c.X(o[0], WithZR)
		return arm64.Inst{Op: arm64.RET, Rn: n}, err
	})
	register("adr", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		d, err := c.X(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		off, err := pcRelTarget(c, o[1], obj.R_AARCH64_ADR_PREL_LO21, 21, 1)
		return arm64.Inst{Op: arm64.ADR, Sf: true, Rd: d, Imm: off}, err
	})
	register("adrp", assembleADRP)
}

// branchTarget evaluates a branch target whose offset is a signed field
// of bits words: the offset from here to a local label, or 0 with a
// relocation.
func branchTarget(c *Ctx, o Operand, typ obj.RelocType, bits uint) (int64, error) {
	return pcRelTarget(c, o, typ, bits, 4)
}

// pcRelTarget evaluates a PC-relative target held in a signed field of
// bits units of scale bytes, and checks the range and alignment.
func pcRelTarget(c *Ctx, o Operand, typ obj.RelocType, bits uint, scale int64) (int64, error) {
	e, err := c.Label(o)
	if err != nil {
		return 0, err
	}
	off, err := c.PCRel(e, typ)
	if err != nil {
		return 0, err
	}
	limit := int64(1) << (bits - 1) * scale
	if off%scale != 0 {
		return c.fail1(c.Errorf(o, "target '%s' is not a multiple of %d bytes away", o.Text, scale))
	}
	if off < -limit || off >= limit {
		return c.fail1(c.Errorf(o, "target '%s' is out of range: %d bytes away, the limit is ±%d", o.Text, off, limit))
	}
	return off, nil
}

func branchImm(op arm64.Op, typ obj.RelocType) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 1, 1); err != nil {
			return arm64.Inst{}, err
		}
		off, err := branchTarget(c, o[0], typ, 26)
		return arm64.Inst{Op: op, Imm: off}, err
	}
}

// compareBranch: CBZ/CBNZ <R><t>, <label>.
func compareBranch(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		t, sf, err := c.GPR(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		off, err := branchTarget(c, o[1], obj.R_AARCH64_CONDBR19, 19)
		return arm64.Inst{Op: op, Rt: t, Sf: sf, Imm: off}, err
	}
}

// testBranch: TBZ/TBNZ <R><t>, #<imm>, <label>. The bit number's top bit
// is the b5 field, so an X register with a bit below 32 encodes as the W
// register (as GNU as does).
func testBranch(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 3, 3); err != nil {
			return arm64.Inst{}, err
		}
		t, sf, err := c.GPR(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		bit, err := c.Imm(o[1])
		if err != nil {
			return arm64.Inst{}, err
		}
		if bit < 0 || bit >= int64(wideWidth(sf)) {
			_, err := c.fail1(c.Errorf(o[1], "bit number %d is out of range 0 to %d", bit, wideWidth(sf)-1))
			return arm64.Inst{}, err
		}
		off, err := branchTarget(c, o[2], obj.R_AARCH64_TSTBR14, 14)
		return arm64.Inst{Op: op, Rt: t, Sf: bit >= 32, Imm: off, Imm2: bit}, err
	}
}

// branchReg: BR/BLR <Xn>.
func branchReg(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 1, 1); err != nil {
			return arm64.Inst{}, err
		}
		n, err := c.X(o[0], WithZR)
		return arm64.Inst{Op: op, Rn: n}, err
	}
}

// assembleADRP: ADRP <Xd>, <label>. The page of a symbol is only known at
// link time, so the target is always a relocation (ADR_PREL_PG_HI21, or
// the _NC one for ":pg_hi21_nc:"), even within the section, as in GNU as.
func assembleADRP(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	d, err := c.X(o[0], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	t := o[1]
	if (t.Kind != KindImm && t.Kind != KindName) || t.Hash {
		return arm64.Inst{}, c.Expected(t, "a symbol (adrp x0, sym or adrp x0, :pg_hi21:sym)")
	}
	typ := obj.R_AARCH64_ADR_PREL_PG_HI21
	switch t.Reloc {
	case RelocNone, RelocPgHi21:
	case RelocPgHi21NC:
		typ = obj.R_AARCH64_ADR_PREL_PG_HI21_NC
	default:
		return arm64.Inst{}, c.Errorf(t, "relocation operator %v is not allowed with adrp (use :pg_hi21:)", t.Reloc)
	}
	return arm64.Inst{Op: arm64.ADRP, Sf: true, Rd: d}, c.Reloc(t.Expr, typ)
}
