package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// Multiply and divide (Arm ARM C6.2: MADD, MSUB and their aliases MUL,
// MNEG; SMADDL, SMSUBL, UMADDL, UMSUBL and their aliases SMULL, SMNEGL,
// UMULL, UMNEGL; SMULH, UMULH; UDIV, SDIV).

func init() {
	// MADD <Rd>, <Rn>, <Rm>, <Ra>; MUL <Rd>, <Rn>, <Rm> is MADD with
	// Ra = ZR (C6.2 MUL), MNEG is MSUB with Ra = ZR.
	for mn, op := range map[string]arm64.Op{"madd": arm64.MADD, "msub": arm64.MSUB} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 4, 4); err != nil {
				return arm64.Inst{}, err
			}
			r, sf, err := dpRegs(c, o, WithZR, WithZR, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1], Rm: r[2], Ra: r[3]}, nil
		})
	}
	for mn, op := range map[string]arm64.Op{"mul": arm64.MADD, "mneg": arm64.MSUB} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 3, 3); err != nil {
				return arm64.Inst{}, err
			}
			r, sf, err := dpRegs(c, o, WithZR, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1], Rm: r[2], Ra: arm64.ZR}, nil
		})
	}

	// SMADDL <Xd>, <Wn>, <Wm>, <Xa> (C6.2 SMADDL) and its siblings;
	// SMULL <Xd>, <Wn>, <Wm> is SMADDL with Ra = ZR, SMNEGL is SMSUBL,
	// and the same for the unsigned forms.
	long := map[string]arm64.Op{"smaddl": arm64.SMADDL, "smsubl": arm64.SMSUBL, "umaddl": arm64.UMADDL, "umsubl": arm64.UMSUBL}
	for mn, op := range long {
		register(mn, dpMulLong(op, false))
	}
	for mn, op := range map[string]arm64.Op{"smull": arm64.SMADDL, "smnegl": arm64.SMSUBL, "umull": arm64.UMADDL, "umnegl": arm64.UMSUBL} {
		register(mn, dpMulLong(op, true))
	}

	// SMULH, UMULH <Xd>, <Xn>, <Xm> (C6.2 SMULH): 64-bit only. The Ra
	// field is should-be-one and the decoder leaves Ra unset.
	for mn, op := range map[string]arm64.Op{"smulh": arm64.SMULH, "umulh": arm64.UMULH} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 3, 3); err != nil {
				return arm64.Inst{}, err
			}
			r, err := dpRegsSized(c, o, true, WithZR, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: true, Rd: r[0], Rn: r[1], Rm: r[2]}, nil
		})
	}

	// UDIV, SDIV <Rd>, <Rn>, <Rm> (C6.2 UDIV).
	register("udiv", dpRRR(arm64.UDIV))
	register("sdiv", dpRRR(arm64.SDIV))
}

// dpMulLong: <op> <Xd>, <Wn>, <Wm>{, <Xa>}; the three-operand aliases
// (noAcc) have Ra = ZR.
func dpMulLong(op arm64.Op, noAcc bool) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		n := 4
		if noAcc {
			n = 3
		}
		if err := c.Want(o, n, n); err != nil {
			return arm64.Inst{}, err
		}
		d, err := c.X(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		r, err := dpRegsSized(c, o[1:3], false, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		a := arm64.ZR
		if !noAcc {
			if a, err = c.X(o[3], WithZR); err != nil {
				return arm64.Inst{}, err
			}
		}
		return arm64.Inst{Op: op, Sf: true, Rd: d, Rn: r[0], Rm: r[1], Ra: a}, nil
	}
}
