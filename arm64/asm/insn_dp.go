package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// Data processing (register and immediate) beyond the pilot's add/sub and
// mov: the operand helpers shared by insn_logic.go, insn_bitfield.go,
// insn_condsel.go and insn_muldiv.go, and the 1-source operations (Arm
// ARM C6.2: RBIT, REV16, REV32, REV, REV64 (the REV alias for X), CLZ,
// CLS), CRC32 and the pointer authentication data-processing forms
// (PACIA..XPACD, PACGA; FEAT_PAuth, which GNU as accepts at armv8.3-a and
// later).

func init() {
	for mn, op := range map[string]arm64.Op{"rbit": arm64.RBIT, "rev16": arm64.REV16, "rev": arm64.REV,
		"clz": arm64.CLZ, "cls": arm64.CLS} {
		register(mn, dpRR(op))
	}
	// REV32 <Xd>, <Xn> has no 32-bit form (opc=10 with sf=0 is REV);
	// REV64 <Xd>, <Xn> is REV (C6.2 REV64: an alias of REV in the 64-bit
	// form only).
	register("rev32", dpRR64(arm64.REV32))
	register("rev64", dpRR64(arm64.REV))

	// CRC32B/H/W <Wd>, <Wn>, <Wm> and CRC32X <Wd>, <Wn>, <Xm> (C6.2
	// CRC32B..CRC32X): sz is the data size; only X takes an X register.
	for i, sz := range []string{"b", "h", "w", "x"} {
		register("crc32"+sz, dpCRC(arm64.CRC32, uint8(i)))
		register("crc32c"+sz, dpCRC(arm64.CRC32C, uint8(i)))
	}

	// PACIA <Xd>, <Xn|SP> and its siblings: the modifier may be SP
	// (C6.2 PACIA).
	for i, op := 0, arm64.PACIA; op <= arm64.AUTDB; i, op = i+1, op+1 {
		register(pacMnemonics[i], dpPACMod(op))
	}
	// PACIZA <Xd> .. AUTDZB <Xd>, XPACI <Xd>, XPACD <Xd>.
	for i, op := 8, arm64.PACIZA; op <= arm64.XPACD; i, op = i+1, op+1 {
		register(pacMnemonics[i], dpPACRd(op))
	}
	// PACGA <Xd>, <Xn>, <Xm|SP> (C6.2 PACGA).
	register("pacga", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 3, 3); err != nil {
			return arm64.Inst{}, err
		}
		r, err := dpRegsSized(c, o, true, WithZR, WithZR, WithSP)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: arm64.PACGA, Sf: true, Rd: r[0], Rn: r[1], Rm: r[2]}, nil
	})
}

// pacMnemonics are the mnemonics of PACIA..XPACD in op order (the
// 1-source opcode field, C4.1 "Data-processing (1 source)").
var pacMnemonics = [...]string{
	"pacia", "pacib", "pacda", "pacdb", "autia", "autib", "autda", "autdb",
	"paciza", "pacizb", "pacdza", "pacdzb", "autiza", "autizb", "autdza", "autdzb",
	"xpaci", "xpacd",
}

// dpRegs checks register operands of one width: the first decides the
// width (w or x), the others must match it. r31 says, operand by operand,
// whether number 31 is the zero register or SP. It returns the registers
// and sf.
func dpRegs(c *Ctx, ops []Operand, r31 ...R31) ([]arm64.Reg, bool, error) {
	_, sf, err := c.GPR(ops[0], r31[0])
	if err != nil {
		return nil, false, err
	}
	r, err := dpRegsSized(c, ops, sf, r31...)
	return r, sf, err
}

// dpRegsSized checks register operands that must all have the width sf
// says.
func dpRegsSized(c *Ctx, ops []Operand, sf bool, r31 ...R31) ([]arm64.Reg, error) {
	out := make([]arm64.Reg, len(r31))
	for i := range r31 {
		r, err := c.GPRSized(ops[i], r31[i], sf)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// dpShift reads the optional shift at ops[i] of a shifted register
// operand: lsl, lsr, asr (and ror where allowed) with an amount below the
// register width (C6.2 AND (shifted register): imm6 with sf=0 below 32).
func dpShift(c *Ctx, ops []Operand, i int, ror bool, sf bool) (arm64.Shift, uint8, error) {
	if len(ops) <= i {
		return arm64.LSL, 0, nil
	}
	o := ops[i]
	what := "a shift (lsl, lsr, asr) with an amount"
	if ror {
		what = "a shift (lsl, lsr, asr, ror) with an amount"
	}
	if o.Kind != KindShift || o.MSL {
		return 0, 0, c.Expected(o, what)
	}
	if o.Shift == arm64.ROR && !ror {
		return 0, 0, c.Errorf(o, "'ror' is not allowed here: expected lsl, lsr or asr")
	}
	amount, err := c.ShiftAmount(o, int64(wideWidth(sf)-1))
	if err != nil {
		return 0, 0, err
	}
	return o.Shift, uint8(amount), nil
}

// dpRR: a 1-source operation of either width, <Rd>, <Rn>.
func dpRR(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		r, sf, err := dpRegs(c, o, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1]}, nil
	}
}

// dpRR64: a 1-source operation with only the 64-bit form, <Xd>, <Xn>.
func dpRR64(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		r, err := dpRegsSized(c, o, true, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: op, Sf: true, Rd: r[0], Rn: r[1]}, nil
	}
}

// dpCRC: CRC32{C}B/H/W <Wd>, <Wn>, <Wm> and CRC32{C}X <Wd>, <Wn>, <Xm>.
func dpCRC(op arm64.Op, size uint8) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 3, 3); err != nil {
			return arm64.Inst{}, err
		}
		r, err := dpRegsSized(c, o[:2], false, WithZR, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		sf := size == 3
		m, err := c.GPRSized(o[2], WithZR, sf)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: op, Sf: sf, Rd: r[0], Rn: r[1], Rm: m, Size: size}, nil
	}
}

// dpPACMod: PACIA..AUTDB <Xd>, <Xn|SP>.
func dpPACMod(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		r, err := dpRegsSized(c, o, true, WithZR, WithSP)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: op, Sf: true, Rd: r[0], Rn: r[1]}, nil
	}
}

// dpPACRd: PACIZA..AUTDZB, XPACI, XPACD <Xd>.
func dpPACRd(op arm64.Op) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 1, 1); err != nil {
			return arm64.Inst{}, err
		}
		d, err := c.X(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		return arm64.Inst{Op: op, Sf: true, Rd: d}, nil
	}
}
