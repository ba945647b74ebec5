package asm

import (
	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// MOV of general-purpose registers and immediates, and the move-wide
// instructions (Arm ARM C6.2: MOV (to/from SP) is ADD #0; MOV (register)
// is ORR with ZR; MOV (wide immediate) is MOVZ; MOV (inverted wide
// immediate) is MOVN; MOV (bitmask immediate) is ORR (immediate); MOVZ,
// MOVN, MOVK).

func init() {
	register("mov", assembleMOV)
	register("movz", func(c *Ctx, o []Operand) (arm64.Inst, error) { return moveWide(c, arm64.MOVZ, o) })
	register("movn", func(c *Ctx, o []Operand) (arm64.Inst, error) { return moveWide(c, arm64.MOVN, o) })
	register("movk", func(c *Ctx, o []Operand) (arm64.Inst, error) { return moveWide(c, arm64.MOVK, o) })
}

// assembleMOV picks the instruction for MOV as GNU as does: for an
// immediate MOVZ, then MOVN, then ORR (bitmask immediate), the first that
// can make the value (only ORR can write SP); between registers ADD #0
// when SP is one of them, else ORR with ZR.
func assembleMOV(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	if o[0].Kind != KindGPR {
		return arm64.Inst{}, c.Expected(o[0], "a register (x0-x30, sp, xzr, w0-w30, wsp, wzr)")
	}
	sf := !o[0].W
	switch o[1].Kind {
	case KindGPR:
		if o[0].Reg == arm64.SP || o[1].Reg == arm64.SP {
			d, err := c.GPRSized(o[0], WithSP, sf)
			if err != nil {
				return arm64.Inst{}, err
			}
			n, err := c.GPRSized(o[1], WithSP, sf)
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: arm64.ADDimm, Sf: sf, Rd: d, Rn: n}, nil
		}
		m, err := c.GPRSized(o[1], WithZR, sf)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: arm64.ORRshift, Sf: sf, Rd: o[0].Reg, Rn: arm64.ZR, Rm: m}, nil
	case KindImm, KindName:
		v, err := c.Imm(o[1])
		if err != nil {
			return arm64.Inst{}, err
		}
		u, ok := logicalValue(v, sf)
		if !ok {
			return c.immOutOfRange(o[1], "a 32-bit value for a w register")
		}
		width := wideWidth(sf)
		mask := ^uint64(0) >> (64 - width)
		if o[0].Reg != arm64.SP {
			if imm, shift, ok := wideImm(u, width); ok {
				return arm64.Inst{Op: arm64.MOVZ, Sf: sf, Rd: o[0].Reg, Imm: imm, Imm2: shift}, nil
			}
			if imm, shift, ok := wideImm(^u&mask, width); ok {
				return arm64.Inst{Op: arm64.MOVN, Sf: sf, Rd: o[0].Reg, Imm: imm, Imm2: shift}, nil
			}
		}
		if o[0].Reg != arm64.ZR && logicalImm(u, width) {
			return arm64.Inst{Op: arm64.ORRimm, Sf: sf, Rd: o[0].Reg, Rn: arm64.ZR, Imm: int64(u)}, nil
		}
		_, err = c.fail1(c.Errorf(o[1], "immediate '%s' cannot be moved by a single instruction (use movz and movk, or ldr %s, =value)", o[1].Text, o[0].Text))
		return arm64.Inst{}, err
	}
	return arm64.Inst{}, c.Expected(o[1], "a register or an immediate")
}

// movwRelocs maps the :abs_gN: operators to their relocation and the
// 16-bit group they select.
var movwRelocs = map[RelocOp]struct {
	typ   obj.RelocType
	group int64
	check bool // the relocation checks that the value fits (no _nc)
}{
	RelocAbsG0: {obj.R_AARCH64_MOVW_UABS_G0, 0, true}, RelocAbsG0NC: {obj.R_AARCH64_MOVW_UABS_G0_NC, 0, false},
	RelocAbsG1: {obj.R_AARCH64_MOVW_UABS_G1, 1, true}, RelocAbsG1NC: {obj.R_AARCH64_MOVW_UABS_G1_NC, 1, false},
	RelocAbsG2: {obj.R_AARCH64_MOVW_UABS_G2, 2, true}, RelocAbsG2NC: {obj.R_AARCH64_MOVW_UABS_G2_NC, 2, false},
	RelocAbsG3: {obj.R_AARCH64_MOVW_UABS_G3, 3, true},
}

// moveWide: MOVZ/MOVN/MOVK <Rd>, #<imm16>{, LSL #<shift>}, or with
// #:abs_gN:sym, where the group selects the shift.
func moveWide(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 3); err != nil {
		return arm64.Inst{}, err
	}
	d, sf, err := c.GPR(o[0], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	imm := o[1]
	if imm.Kind != KindImm && imm.Kind != KindName {
		return arm64.Inst{}, c.Expected(imm, "an immediate (#imm16 or #:abs_g0:symbol)")
	}
	in := arm64.Inst{Op: op, Sf: sf, Rd: d}
	if imm.Reloc != RelocNone {
		r, ok := movwRelocs[imm.Reloc]
		if !ok {
			return arm64.Inst{}, c.Errorf(imm, "relocation operator %v is not allowed here (use :abs_g0: to :abs_g3:)", imm.Reloc)
		}
		if len(o) == 3 {
			return arm64.Inst{}, c.Errorf(o[2], "no shift may follow %v: the group sets it", imm.Reloc)
		}
		if !sf && r.group > 1 {
			return arm64.Inst{}, c.Errorf(imm, "%v selects bits beyond a w register (use an x register)", imm.Reloc)
		}
		v, err := c.Abs(imm.Expr, r.typ)
		if err != nil {
			return arm64.Inst{}, err
		}
		if r.check && r.group < 3 && uint64(v)>>(16*(r.group+1)) != 0 {
			return c.immOutOfRange(imm, "a value whose bits above the group are zero")
		}
		in.Imm, in.Imm2 = int64(uint64(v)>>(16*r.group)&0xffff), 16*r.group
		return in, nil
	}
	v, err := c.Imm(imm)
	if err != nil {
		return arm64.Inst{}, err
	}
	if v < 0 || v > 0xffff {
		return c.immOutOfRange(imm, "0 to 65535")
	}
	in.Imm = v
	if len(o) == 3 {
		sh := o[2]
		if sh.Kind != KindShift || sh.MSL || sh.Shift != arm64.LSL {
			return arm64.Inst{}, c.Expected(sh, "'lsl #0', 'lsl #16', 'lsl #32' or 'lsl #48'")
		}
		amount, err := c.ShiftAmount(sh, int64(wideWidth(sf)-16))
		if err != nil {
			return arm64.Inst{}, err
		}
		if amount%16 != 0 {
			return arm64.Inst{}, c.Errorf(sh, "shift amount %d is not a multiple of 16", amount)
		}
		in.Imm2 = amount
	}
	return in, nil
}
