package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// Logical operations (Arm ARM C6.2: AND, ORR, EOR, ANDS (immediate and
// shifted register), BIC, BICS, ORN, EON (shifted register), the BIC
// (immediate) pseudo-instruction of GNU as, MVN: ORN with ZR), negation
// (NEG, NEGS: SUB/SUBS (shifted register) from ZR; NGC, NGCS: SBC/SBCS
// from ZR) and add/subtract with carry (ADC, ADCS, SBC, SBCS).

// dpLogicalOps are the ops of one logical mnemonic: its immediate form
// (0 when it has none) and its shifted register form. invert says that
// the immediate is complemented into the immediate op (BIC #imm is AND
// #~imm, as GNU as assembles it).
type dpLogicalOps struct {
	imm, shift arm64.Op
	invert     bool
	flags      bool // ANDS: Rd of the immediate form is ZR, not SP
}

func init() {
	for mn, ops := range map[string]dpLogicalOps{
		"and":  {imm: arm64.ANDimm, shift: arm64.ANDshift},
		"orr":  {imm: arm64.ORRimm, shift: arm64.ORRshift},
		"eor":  {imm: arm64.EORimm, shift: arm64.EORshift},
		"ands": {imm: arm64.ANDSimm, shift: arm64.ANDSshift, flags: true},
		"bic":  {imm: arm64.ANDimm, shift: arm64.BICshift, invert: true},
		"bics": {shift: arm64.BICSshift},
		"orn":  {shift: arm64.ORNshift},
		"eon":  {shift: arm64.EONshift},
	} {
		register(mn, dpLogical(ops))
	}

	// MVN <Rd>, <Rm>{, <shift> #<amount>} is ORN <Rd>, ZR, <Rm>, ...
	// (C6.2 MVN); NEG and NEGS are SUB and SUBS (shifted register) with
	// Rn = ZR (C6.2 NEG (shifted register)), which take no ROR.
	register("mvn", dpFromZR(arm64.ORNshift, true))
	register("neg", dpFromZR(arm64.SUBshift, false))
	register("negs", dpFromZR(arm64.SUBSshift, false))

	for mn, op := range map[string]arm64.Op{"adc": arm64.ADC, "adcs": arm64.ADCS, "sbc": arm64.SBC, "sbcs": arm64.SBCS} {
		register(mn, dpRRR(op))
	}
	// NGC <Rd>, <Rm> is SBC <Rd>, ZR, <Rm> (C6.2 NGC); NGCS is SBCS.
	for mn, op := range map[string]arm64.Op{"ngc": arm64.SBC, "ngcs": arm64.SBCS} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 2, 2); err != nil {
				return arm64.Inst{}, err
			}
			r, sf, err := dpRegs(c, o, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: arm64.ZR, Rm: r[1]}, nil
		})
	}
}

// dpLogical: <op> <Rd>, <Rn>, <Rm>{, <shift> #<amount>} (all four
// shifts, C6.2 AND (shifted register)) or <op> <Rd|SP>, <Rn>, #<bitmask>
// (C6.2 AND (immediate): Rd may be SP except for ANDS).
func dpLogical(ops dpLogicalOps) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 3, 4); err != nil {
			return arm64.Inst{}, err
		}
		if o[2].Kind == KindGPR || ops.imm == 0 {
			r, sf, err := dpRegs(c, o, WithZR, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			shift, amount, err := dpShift(c, o, 3, true, sf)
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: ops.shift, Sf: sf, Rd: r[0], Rn: r[1], Rm: r[2], Shift: shift, Amount: amount}, nil
		}
		if err := c.Want(o, 3, 3); err != nil {
			return arm64.Inst{}, err
		}
		rd31 := WithSP
		if ops.flags {
			rd31 = WithZR
		}
		r, sf, err := dpRegs(c, o, rd31, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		u, err := dpBitmask(c, o[2], sf, ops.invert)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: ops.imm, Sf: sf, Rd: r[0], Rn: r[1], Imm: int64(u)}, nil
	}
}

// dpBitmask evaluates the immediate of a logical (immediate) operation
// and checks that it is a bitmask immediate (C6.2 AND (immediate),
// DecodeBitMasks) of the register width. For a w register GNU as takes a
// 64-bit value whose upper 32 bits are all zeros or all ones (#-16 and
// #0xfffffffffffffff0 are 0xfffffff0), and so do we. invert complements
// the value first (BIC #imm).
func dpBitmask(c *Ctx, o Operand, sf, invert bool) (uint64, error) {
	if o.Kind != KindImm && o.Kind != KindName {
		return 0, c.Expected(o, "a register or a bitmask immediate")
	}
	v, err := c.Imm(o)
	if err != nil {
		return 0, err
	}
	u := uint64(v)
	width := wideWidth(sf)
	if !sf {
		if hi := u >> 32; hi != 0 && hi != 0xffffffff {
			_, err := c.fail1(c.Errorf(o, "immediate out of range: '%s' does not fit a w register", o.Text))
			return 0, err
		}
		u = uint64(uint32(u))
	}
	if invert {
		u = ^u & (^uint64(0) >> (64 - width))
	}
	if !logicalImm(u, width) {
		_, err := c.fail1(c.Errorf(o, "immediate out of range: '%s' is not a bitmask immediate (a replicated element of 2 to %d bits holding a rotated run of ones, neither all zeros nor all ones)", o.Text, width))
		return 0, err
	}
	return u, nil
}

// dpFromZR: MVN, NEG, NEGS <Rd>, <Rm>{, <shift> #<amount>}: the shifted
// register op with Rn = ZR.
func dpFromZR(op arm64.Op, ror bool) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 3); err != nil {
			return arm64.Inst{}, err
		}
		r, sf, err := dpRegs(c, o, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		shift, amount, err := dpShift(c, o, 2, ror, sf)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: arm64.ZR, Rm: r[1], Shift: shift, Amount: amount}, nil
	}
}

// dpRRR: three registers of one width, <Rd>, <Rn>, <Rm> (ADC..SBCS, the
// 2-source operations).
func dpRRR(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 3, 3); err != nil {
			return arm64.Inst{}, err
		}
		r, sf, err := dpRegs(c, o, WithZR, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1], Rm: r[2]}, nil
	}
}
