package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// Conditional select and compare (Arm ARM C6.2: CSEL, CSINC, CSINV,
// CSNEG and their aliases CSET, CSETM, CINC, CINV, CNEG; CCMP, CCMN in
// the register and immediate forms).

func init() {
	for mn, op := range map[string]arm64.Op{"csel": arm64.CSEL, "csinc": arm64.CSINC, "csinv": arm64.CSINV, "csneg": arm64.CSNEG} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 4, 4); err != nil {
				return arm64.Inst{}, err
			}
			r, sf, err := dpRegs(c, o, WithZR, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			cond, err := c.Cond(o[3])
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1], Rm: r[2], Cond: cond}, nil
		})
	}

	// CSET <Rd>, <cond> is CSINC <Rd>, ZR, ZR, invert(cond) (C6.2 CSET);
	// CSETM is CSINV.
	for mn, op := range map[string]arm64.Op{"cset": arm64.CSINC, "csetm": arm64.CSINV} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 2, 2); err != nil {
				return arm64.Inst{}, err
			}
			d, sf, err := c.GPR(o[0], WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			cond, err := dpCondNotALNV(c, o[1])
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: sf, Rd: d, Rn: arm64.ZR, Rm: arm64.ZR, Cond: cond.Invert()}, nil
		})
	}

	// CINC <Rd>, <Rn>, <cond> is CSINC <Rd>, <Rn>, <Rn>, invert(cond)
	// (C6.2 CINC); CINV is CSINV, CNEG is CSNEG.
	for mn, op := range map[string]arm64.Op{"cinc": arm64.CSINC, "cinv": arm64.CSINV, "cneg": arm64.CSNEG} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 3, 3); err != nil {
				return arm64.Inst{}, err
			}
			r, sf, err := dpRegs(c, o, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			cond, err := dpCondNotALNV(c, o[2])
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1], Rm: r[1], Cond: cond.Invert()}, nil
		})
	}

	register("ccmp", dpCondCompare(arm64.CCMPreg, arm64.CCMPimm))
	register("ccmn", dpCondCompare(arm64.CCMNreg, arm64.CCMNimm))
}

// dpCondNotALNV checks the condition of the aliases that invert it: AL
// and NV are excluded (C6.2 CSET: "one of the standard conditions,
// excluding AL and NV"), and GNU as refuses them.
func dpCondNotALNV(c *Ctx, o Operand) (arm64.Cond, error) {
	cond, err := c.Cond(o)
	if err != nil {
		return 0, err
	}
	if cond == arm64.AL || cond == arm64.NV {
		return 0, c.Errorf(o, "condition '%s' is not allowed here: expected one of the standard conditions, excluding al and nv", o.Text)
	}
	return cond, nil
}

// dpCondCompare: CCMP/CCMN <Rn>, <Rm>, #<nzcv>, <cond> (C6.2 CCMP
// (register)) or <Rn>, #<imm5>, #<nzcv>, <cond> (C6.2 CCMP (immediate)).
// GNU as takes the nzcv with or without '#'; any condition, AL and NV
// included.
func dpCondCompare(regOp, immOp arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 4, 4); err != nil {
			return arm64.Inst{}, err
		}
		n, sf, err := c.GPR(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		in := arm64.Inst{Op: regOp, Sf: sf, Rn: n}
		if o[1].Kind == KindGPR {
			if in.Rm, err = c.GPRSized(o[1], WithZR, sf); err != nil {
				return arm64.Inst{}, err
			}
		} else {
			if o[1].Kind != KindImm && o[1].Kind != KindName {
				return arm64.Inst{}, c.Expected(o[1], "a register or an immediate")
			}
			in.Op = immOp
			if in.Imm, err = c.ImmRange(o[1], 0, 31); err != nil {
				return arm64.Inst{}, err
			}
		}
		if in.Imm2, err = c.ImmRange(o[2], 0, 15); err != nil {
			return arm64.Inst{}, err
		}
		if in.Cond, err = c.Cond(o[3]); err != nil {
			return arm64.Inst{}, err
		}
		return in, nil
	}
}
