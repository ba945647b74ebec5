package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// Bitfield moves, extract and shifts (Arm ARM C6.2: SBFM, BFM, UBFM and
// their aliases ASR, LSL, LSR (immediate), SXTB, SXTH, SXTW, UXTB, UXTH,
// SBFX, UBFX, SBFIZ, UBFIZ, BFI, BFXIL, BFC; EXTR and ROR (immediate);
// LSLV, LSRV, ASRV, RORV and LSL, LSR, ASR, ROR (register)).
//
// The aliases compute immr and imms as the manual's alias descriptions
// say; GNU as checks lsb against 0..width-1 first, then the field width
// against 1..width-lsb, and so do we.

func init() {
	for mn, op := range map[string]arm64.Op{"sbfm": arm64.SBFM, "bfm": arm64.BFM, "ubfm": arm64.UBFM} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 4, 4); err != nil {
				return arm64.Inst{}, err
			}
			r, sf, err := dpRegs(c, o, WithZR, WithZR)
			if err != nil {
				return arm64.Inst{}, err
			}
			max := int64(wideWidth(sf) - 1)
			immr, err := c.ImmRange(o[2], 0, max)
			if err != nil {
				return arm64.Inst{}, err
			}
			imms, err := c.ImmRange(o[3], 0, max)
			if err != nil {
				return arm64.Inst{}, err
			}
			return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1], Imm: immr, Imm2: imms}, nil
		})
	}

	// ASR, LSL, LSR, ROR: the immediate forms are SBFM, UBFM and EXTR,
	// the register forms ASRV, LSLV, LSRV, RORV.
	register("asr", dpShiftInsn(arm64.ASR))
	register("lsl", dpShiftInsn(arm64.LSL))
	register("lsr", dpShiftInsn(arm64.LSR))
	register("ror", dpShiftInsn(arm64.ROR))
	for mn, op := range map[string]arm64.Op{"lslv": arm64.LSLV, "lsrv": arm64.LSRV, "asrv": arm64.ASRV, "rorv": arm64.RORV} {
		register(mn, dpRRR(op))
	}

	// SXTB, SXTH <Rd>, <Wn> are SBFM #0, #7 and #0, #15 (C6.2 SXTB,
	// SXTH), SXTW <Xd>, <Wn> is SBFM #0, #31. UXTB and UXTH exist only
	// as 32-bit UBFM (C6.2 UXTB); GNU as also takes an x destination and
	// assembles the w form, and assembles UXTW <Xd>, <Wn> as MOV <Wd>,
	// <Wn> (ORR), which zero-extends just the same.
	register("sxtb", dpExtend(arm64.SBFM, 7, true))
	register("sxth", dpExtend(arm64.SBFM, 15, true))
	register("sxtw", dpExtend(arm64.SBFM, 31, true))
	register("uxtb", dpExtend(arm64.UBFM, 7, false))
	register("uxth", dpExtend(arm64.UBFM, 15, false))
	register("uxtw", dpExtend(arm64.ORRshift, 31, false))

	// <op> <Rd>, <Rn>, #<lsb>, #<width>.
	register("sbfx", dpField(arm64.SBFM, false, false))
	register("ubfx", dpField(arm64.UBFM, false, false))
	register("bfxil", dpField(arm64.BFM, false, false))
	register("sbfiz", dpField(arm64.SBFM, true, false))
	register("ubfiz", dpField(arm64.UBFM, true, false))
	register("bfi", dpField(arm64.BFM, true, false))
	register("bfc", dpField(arm64.BFM, true, true))

	// EXTR <Rd>, <Rn>, <Rm>, #<lsb> (C6.2 EXTR).
	register("extr", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 4, 4); err != nil {
			return arm64.Inst{}, err
		}
		r, sf, err := dpRegs(c, o, WithZR, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		lsb, err := c.ImmRange(o[3], 0, int64(wideWidth(sf)-1))
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: arm64.EXTR, Sf: sf, Rd: r[0], Rn: r[1], Rm: r[2], Imm2: lsb}, nil
	})
}

// dpShiftInsn: <shift> <Rd>, <Rn>, <Rm> (LSLV and its siblings, C6.2
// LSL (register)) or <shift> <Rd>, <Rn>, #<amount>, 0..width-1:
//
//	ASR #s  SBFM <Rd>, <Rn>, #s, #width-1        (C6.2 ASR (immediate))
//	LSR #s  UBFM <Rd>, <Rn>, #s, #width-1        (C6.2 LSR (immediate))
//	LSL #s  UBFM <Rd>, <Rn>, #(-s MOD width), #width-1-s (C6.2 LSL (immediate))
//	ROR #s  EXTR <Rd>, <Rn>, <Rn>, #s            (C6.2 ROR (immediate))
func dpShiftInsn(shift arm64.Shift) Handler {
	regOp := map[arm64.Shift]arm64.Op{arm64.LSL: arm64.LSLV, arm64.LSR: arm64.LSRV, arm64.ASR: arm64.ASRV, arm64.ROR: arm64.RORV}[shift]
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 3, 3); err != nil {
			return arm64.Inst{}, err
		}
		if o[2].Kind == KindGPR {
			return dpRRR(regOp)(c, o)
		}
		r, sf, err := dpRegs(c, o, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		width := int64(wideWidth(sf))
		s, err := c.ImmRange(o[2], 0, width-1)
		if err != nil {
			return arm64.Inst{}, err
		}
		in := arm64.Inst{Sf: sf, Rd: r[0], Rn: r[1]}
		switch shift {
		case arm64.ASR:
			in.Op, in.Imm, in.Imm2 = arm64.SBFM, s, width-1
		case arm64.LSR:
			in.Op, in.Imm, in.Imm2 = arm64.UBFM, s, width-1
		case arm64.LSL:
			in.Op, in.Imm, in.Imm2 = arm64.UBFM, (width-s)&(width-1), width-1-s
		default:
			in.Op, in.Rm, in.Imm2 = arm64.EXTR, r[1], s
		}
		return in, nil
	}
}

// dpExtend: SXTB, SXTH, SXTW, UXTB, UXTH, UXTW <Rd>, <Wn>. imms is the
// top bit of the source field; signed extends may write an x register
// (SXTW only an x register), unsigned ones always assemble the w form.
func dpExtend(op arm64.Op, imms int64, signed bool) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		var d arm64.Reg
		var sf bool
		var err error
		if imms == 31 && signed {
			d, err = c.X(o[0], WithZR)
			sf = true
		} else {
			d, sf, err = c.GPR(o[0], WithZR)
		}
		if err != nil {
			return arm64.Inst{}, err
		}
		n, err := c.GPRSized(o[1], WithZR, false)
		if err != nil {
			return arm64.Inst{}, err
		}
		if !signed {
			sf = false
			if op == arm64.ORRshift {
				return arm64.Inst{Op: op, Rd: d, Rn: arm64.ZR, Rm: n}, nil
			}
		}
		return arm64.Inst{Op: op, Sf: sf, Rd: d, Rn: n, Imm2: imms}, nil
	}
}

// dpField: the bitfield aliases with #<lsb>, #<width>, lsb in
// 0..size-1 and width in 1..size-lsb (C6.2 SBFX, SBFIZ, BFI, BFXIL, BFC,
// UBFX, UBFIZ):
//
//	extract (SBFX, UBFX, BFXIL): immr = lsb, imms = lsb+width-1
//	insert (SBFIZ, UBFIZ, BFI, BFC): immr = -lsb MOD size, imms = width-1
//
// BFC <Rd>, #<lsb>, #<width> (noRn) is BFI with Rn = ZR.
func dpField(op arm64.Op, insert, noRn bool) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		nregs := 2
		if noRn {
			nregs = 1
		}
		if err := c.Want(o, nregs+2, nregs+2); err != nil {
			return arm64.Inst{}, err
		}
		r31 := []R31{WithZR, WithZR}[:nregs]
		r, sf, err := dpRegs(c, o, r31...)
		if err != nil {
			return arm64.Inst{}, err
		}
		d, n := r[0], arm64.ZR
		if !noRn {
			n = r[1]
		}
		o = o[nregs:]
		size := int64(wideWidth(sf))
		lsb, err := c.ImmRange(o[0], 0, size-1)
		if err != nil {
			return arm64.Inst{}, err
		}
		width, err := c.ImmRange(o[1], 1, size-lsb)
		if err != nil {
			return arm64.Inst{}, err
		}
		in := arm64.Inst{Op: op, Sf: sf, Rd: d, Rn: n}
		if insert {
			in.Imm, in.Imm2 = (size-lsb)&(size-1), width-1
		} else {
			in.Imm, in.Imm2 = lsb, lsb+width-1
		}
		return in, nil
	}
}
