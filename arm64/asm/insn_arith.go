package asm

import (
	"math"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// Add and subtract (immediate, shifted register, extended register), the
// CMP, CMN and TST aliases (Arm ARM C6.2: ADD, ADDS, SUB, SUBS in their
// three forms; CMP, CMN: SUBS/ADDS with Rd = ZR; TST: ANDS with Rd = ZR).

// addSubOps are the ops of one of the four add/subtract mnemonics in its
// three forms, and the mnemonic with the opposite sign (GNU as assembles
// "add x0, x1, #-8" as "sub x0, x1, #8").
type addSubOps struct {
	imm, shift, ext arm64.Op
	flags           bool
	opposite        *addSubOps
}

var (
	opsADD  = &addSubOps{imm: arm64.ADDimm, shift: arm64.ADDshift, ext: arm64.ADDext}
	opsSUB  = &addSubOps{imm: arm64.SUBimm, shift: arm64.SUBshift, ext: arm64.SUBext}
	opsADDS = &addSubOps{imm: arm64.ADDSimm, shift: arm64.ADDSshift, ext: arm64.ADDSext, flags: true}
	opsSUBS = &addSubOps{imm: arm64.SUBSimm, shift: arm64.SUBSshift, ext: arm64.SUBSext, flags: true}
)

func init() {
	opsADD.opposite, opsSUB.opposite = opsSUB, opsADD
	opsADDS.opposite, opsSUBS.opposite = opsSUBS, opsADDS

	for mn, ops := range map[string]*addSubOps{"add": opsADD, "sub": opsSUB, "adds": opsADDS, "subs": opsSUBS} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 3, 4); err != nil {
				return arm64.Inst{}, err
			}
			// Rd is checked with the form: SP is allowed in the
			// immediate and extended forms, ZR in the shifted one.
			if o[0].Kind != KindGPR {
				return arm64.Inst{}, c.Expected(o[0], gprWhat(WithSP, 0))
			}
			return addSub(c, ops, &o[0], o[1], o[2:])
		})
	}
	// CMP <Xn|SP>, ... is SUBS XZR, ...; CMN is ADDS XZR, ...
	for mn, ops := range map[string]*addSubOps{"cmp": opsSUBS, "cmn": opsADDS} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 2, 3); err != nil {
				return arm64.Inst{}, err
			}
			return addSub(c, ops, nil, o[0], o[1:])
		})
	}
	register("tst", assembleTST)
}

// addSub assembles ADD/SUB/ADDS/SUBS; rd is nil for CMP/CMN (ZR of Rn's
// width). rest is the third operand and an optional shift or extend.
func addSub(c *Ctx, ops *addSubOps, rd *Operand, rn Operand, rest []Operand) (arm64.Inst, error) {
	if rest[0].Kind == KindGPR {
		return addSubReg(c, ops, rd, rn, rest)
	}
	return addSubImm(c, ops, rd, rn, rest)
}

// destination returns Rd and its width, ZR of Rn's width for CMP/CMN.
func addSubDest(c *Ctx, rd *Operand, r31 R31, rnW bool) (arm64.Reg, bool, error) {
	if rd == nil {
		return arm64.ZR, !rnW, nil
	}
	return c.GPR(*rd, r31)
}

// addSubImm: ADD (immediate) and siblings, C6.2 ADD (immediate): imm12,
// optionally shifted left by 12. Values that only fit shifted are shifted
// automatically, negative ones switch to the opposite operation, and
// ":lo12:sym" makes an R_AARCH64_ADD_ABS_LO12_NC relocation, as in GNU as.
func addSubImm(c *Ctx, ops *addSubOps, rd *Operand, rn Operand, rest []Operand) (arm64.Inst, error) {
	imm := rest[0]
	if imm.Kind != KindImm && imm.Kind != KindName {
		return arm64.Inst{}, c.Expected(imm, "a register or an immediate")
	}
	rdR31 := WithSP
	if ops.flags {
		rdR31 = WithZR
	}
	n, sf, err := c.GPR(rn, WithSP)
	if err != nil {
		return arm64.Inst{}, err
	}
	d, dsf, err := addSubDest(c, rd, rdR31, !sf)
	if err != nil {
		return arm64.Inst{}, err
	}
	if dsf != sf {
		return arm64.Inst{}, c.Expected(rn, gprWhat(WithSP, wideWidth(dsf)))
	}
	shift12 := false
	if len(rest) == 2 {
		sh := rest[1]
		if sh.Kind != KindShift || sh.MSL || sh.Shift != arm64.LSL {
			return arm64.Inst{}, c.Expected(sh, "'lsl #0' or 'lsl #12'")
		}
		amount, err := c.ShiftAmount(sh, 12)
		if err != nil {
			return arm64.Inst{}, err
		}
		if amount != 0 && amount != 12 {
			return arm64.Inst{}, c.Errorf(sh, "shift amount %d is invalid: the immediate may only be shifted by 0 or 12", amount)
		}
		shift12 = amount == 12
	}
	var v int64
	switch imm.Reloc {
	case RelocNone:
		if v, err = c.Const(imm.Expr); err != nil {
			return arm64.Inst{}, err
		}
	case RelocLo12:
		if ops.flags || ops.imm == arm64.SUBimm || shift12 {
			return arm64.Inst{}, c.Errorf(imm, "':lo12:' is only allowed with add (immediate), unshifted")
		}
		if v, err = c.Abs(imm.Expr, obj.R_AARCH64_ADD_ABS_LO12_NC); err != nil {
			return arm64.Inst{}, err
		}
		v &= 0xfff
	default:
		return arm64.Inst{}, c.Errorf(imm, "relocation operator %v is not allowed here", imm.Reloc)
	}
	if v < 0 && v != math.MinInt64 {
		ops, v = ops.opposite, -v
	}
	in := arm64.Inst{Op: ops.imm, Sf: sf, Rd: d, Rn: n}
	switch {
	case shift12 && v >= 0 && v <= 0xfff:
		in.Imm, in.Amount = v<<12, 12
	case !shift12 && v >= 0 && v <= 0xfff:
		in.Imm = v
	case !shift12 && v > 0 && v&0xfff == 0 && v>>12 <= 0xfff:
		in.Imm, in.Amount = v, 12
	default:
		return c.immOutOfRange(imm, "0 to 4095, or a multiple of 4096 up to 0xfff000 (or their negatives)")
	}
	return in, nil
}

func (c *Ctx) immOutOfRange(o Operand, what string) (arm64.Inst, error) {
	_, err := c.fail1(c.Errorf(o, "immediate '%s' is out of range: expected %s", o.Text, what))
	return arm64.Inst{}, err
}

// addSubReg: the shifted register form (C6.2 ADD (shifted register)), or
// the extended register form (C6.2 ADD (extended register)) when an
// extend is written or SP is an operand (where "lsl #n" means UXTX/UXTW).
func addSubReg(c *Ctx, ops *addSubOps, rd *Operand, rn Operand, rest []Operand) (arm64.Inst, error) {
	rm := rest[0]
	var mod *Operand
	if len(rest) == 2 {
		mod = &rest[1]
		if mod.Kind != KindShift && mod.Kind != KindExtend {
			return arm64.Inst{}, c.Expected(*mod, "a shift (lsl, lsr, asr) or an extend (uxtb..sxtx)")
		}
	}
	spUsed := rn.Kind == KindGPR && rn.Reg == arm64.SP || rd != nil && rd.Kind == KindGPR && rd.Reg == arm64.SP
	if spUsed || mod != nil && mod.Kind == KindExtend {
		return addSubExt(c, ops, rd, rn, rm, mod)
	}
	n, sf, err := c.GPR(rn, WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	d, dsf, err := addSubDest(c, rd, WithZR, !sf)
	if err != nil {
		return arm64.Inst{}, err
	}
	if dsf != sf {
		return arm64.Inst{}, c.Expected(rn, gprWhat(WithZR, wideWidth(dsf)))
	}
	m, err := c.GPRSized(rm, WithZR, sf)
	if err != nil {
		return arm64.Inst{}, err
	}
	in := arm64.Inst{Op: ops.shift, Sf: sf, Rd: d, Rn: n, Rm: m}
	if mod != nil {
		if mod.MSL || mod.Shift == arm64.ROR {
			return arm64.Inst{}, c.Expected(*mod, "lsl, lsr or asr (add and subtract take no ror)")
		}
		amount, err := c.ShiftAmount(*mod, int64(wideWidth(sf)-1))
		if err != nil {
			return arm64.Inst{}, err
		}
		in.Shift, in.Amount = mod.Shift, uint8(amount)
	}
	return in, nil
}

func addSubExt(c *Ctx, ops *addSubOps, rd *Operand, rn Operand, rm Operand, mod *Operand) (arm64.Inst, error) {
	rdR31 := WithSP
	if ops.flags {
		rdR31 = WithZR
	}
	n, sf, err := c.GPR(rn, WithSP)
	if err != nil {
		return arm64.Inst{}, err
	}
	d, dsf, err := addSubDest(c, rd, rdR31, !sf)
	if err != nil {
		return arm64.Inst{}, err
	}
	if dsf != sf {
		return arm64.Inst{}, c.Expected(rn, gprWhat(WithSP, wideWidth(dsf)))
	}
	// GNU as accepts Rm of either width whatever the extend; the
	// encoding has only its number.
	m, _, err := c.GPR(rm, WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	ext := arm64.UXTW
	if sf {
		ext = arm64.UXTX
	}
	var amount int64
	if mod != nil {
		if mod.Kind == KindShift && (mod.MSL || mod.Shift != arm64.LSL) {
			return arm64.Inst{}, c.Expected(*mod, "lsl or an extend (uxtb..sxtx) with the stack pointer")
		}
		if mod.Kind == KindExtend {
			ext = mod.Extend
		}
		if amount, err = c.ShiftAmount(*mod, 4); err != nil {
			return arm64.Inst{}, err
		}
	}
	return arm64.Inst{Op: ops.ext, Sf: sf, Rd: d, Rn: n, Rm: m, Ext: ext, Amount: uint8(amount)}, nil
}

// assembleTST: TST <Rn>, #<imm> (ANDS with Rd = ZR, C6.2 TST
// (immediate)) and TST <Rn>, <Rm>{, <shift> #<amount>} (C6.2 TST
// (shifted register)).
func assembleTST(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 3); err != nil {
		return arm64.Inst{}, err
	}
	n, sf, err := c.GPR(o[0], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	if o[1].Kind == KindGPR {
		m, err := c.GPRSized(o[1], WithZR, sf)
		if err != nil {
			return arm64.Inst{}, err
		}
		in := arm64.Inst{Op: arm64.ANDSshift, Sf: sf, Rd: arm64.ZR, Rn: n, Rm: m}
		if len(o) == 3 {
			if o[2].Kind != KindShift || o[2].MSL {
				return arm64.Inst{}, c.Expected(o[2], "a shift (lsl, lsr, asr, ror)")
			}
			amount, err := c.ShiftAmount(o[2], int64(wideWidth(sf)-1))
			if err != nil {
				return arm64.Inst{}, err
			}
			in.Shift, in.Amount = o[2].Shift, uint8(amount)
		}
		return in, nil
	}
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	v, err := c.Imm(o[1])
	if err != nil {
		return arm64.Inst{}, err
	}
	u, ok := logicalValue(v, sf)
	if !ok || !logicalImm(u, wideWidth(sf)) {
		_, err := c.fail1(c.Errorf(o[1], "immediate '%s' is not a bitmask immediate (a repeated, rotated run of ones)", o[1].Text))
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: arm64.ANDSimm, Sf: sf, Rd: arm64.ZR, Rn: n, Imm: int64(u)}, nil
}
