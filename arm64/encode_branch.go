package arm64

// Encoders of the branches and exception generating instructions (Arm ARM
// C4.1.65, "Branches, Exception Generating and System instructions"), the
// inverse of decode_branch.go, and the constructors the kprobe model uses
// to write instructions into memory. Branch offsets are in bytes from the
// instruction, as Inst holds them.

func init() {
	// B <label>
	registerEncoder(B, encodeBranchImm(0x14000000))
	// BL <label>
	registerEncoder(BL, encodeBranchImm(0x94000000))
	// B.<cond> <label>
	registerEncoder(Bcond, encodeBranchCond)

	// CBZ <Wt>, <label> (and the X form)
	registerEncoder(CBZ, encodeCompareBranch(0x34000000))
	// CBNZ <Wt>, <label>
	registerEncoder(CBNZ, encodeCompareBranch(0x35000000))
	// TBZ <R><t>, #<imm>, <label>
	registerEncoder(TBZ, encodeTestBranch(0x36000000))
	// TBNZ <R><t>, #<imm>, <label>
	registerEncoder(TBNZ, encodeTestBranch(0x37000000))

	// BR <Xn>
	registerEncoder(BR, encodeBranchReg(0xd61f0000))
	// BLR <Xn>
	registerEncoder(BLR, encodeBranchReg(0xd63f0000))
	// RET {<Xn>}
	registerEncoder(RET, encodeBranchReg(0xd65f0000))
	// BRAAZ <Xn>
	registerEncoder(BRAAZ, encodeBranchReg(0xd61f081f))
	// BRABZ <Xn>
	registerEncoder(BRABZ, encodeBranchReg(0xd61f0c1f))
	// BLRAAZ <Xn>
	registerEncoder(BLRAAZ, encodeBranchReg(0xd63f081f))
	// BLRABZ <Xn>
	registerEncoder(BLRABZ, encodeBranchReg(0xd63f0c1f))
	// BRAA <Xn>, <Xm|SP>
	registerEncoder(BRAA, encodeBranchRegMod(0xd71f0800))
	// BRAB <Xn>, <Xm|SP>
	registerEncoder(BRAB, encodeBranchRegMod(0xd71f0c00))
	// BLRAA <Xn>, <Xm|SP>
	registerEncoder(BLRAA, encodeBranchRegMod(0xd73f0800))
	// BLRAB <Xn>, <Xm|SP>
	registerEncoder(BLRAB, encodeBranchRegMod(0xd73f0c00))
	// RETAA
	registerEncoder(RETAA, encodeFixed(0xd65f0bff))
	// RETAB
	registerEncoder(RETAB, encodeFixed(0xd65f0fff))
	// ERET
	registerEncoder(ERET, encodeFixed(0xd69f03e0))
	// ERETAA
	registerEncoder(ERETAA, encodeFixed(0xd69f0bff))
	// ERETAB
	registerEncoder(ERETAB, encodeFixed(0xd69f0fff))
	// DRPS
	registerEncoder(DRPS, encodeFixed(0xd6bf03e0))

	// SVC #<imm>
	registerEncoder(SVC, encodeImm16(0xd4000001, 5))
	// HVC #<imm>
	registerEncoder(HVC, encodeImm16(0xd4000002, 5))
	// SMC #<imm>
	registerEncoder(SMC, encodeImm16(0xd4000003, 5))
	// BRK #<imm>
	registerEncoder(BRK, encodeImm16(0xd4200000, 5))
	// HLT #<imm>
	registerEncoder(HLT, encodeImm16(0xd4400000, 5))
	// DCPS1 {#<imm>}
	registerEncoder(DCPS1, encodeImm16(0xd4a00001, 5))
	// DCPS2 {#<imm>}
	registerEncoder(DCPS2, encodeImm16(0xd4a00002, 5))
	// DCPS3 {#<imm>}
	registerEncoder(DCPS3, encodeImm16(0xd4a00003, 5))
	// UDF #<imm> (imm16 in bits 15:0)
	registerEncoder(UDF, encodeImm16(0x00000000, 0))
}

// encodeBranchImm: B, BL (Arm ARM C6.2, B and BL): imm26, a word offset
// (±128 MiB).
func encodeBranchImm(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.put(e.offset("branch offset", in.Imm, 26, 2), 0)
		return e.done()
	}
}

// encodeBranchCond: B.cond (Arm ARM C6.2, B.cond): imm19 (±1 MiB), cond.
func encodeBranchCond(in *Inst) (uint32, error) {
	e := newFieldEnc(in, 0x54000000)
	e.put(e.offset("branch offset", in.Imm, 19, 2), 5)
	e.cond(in.Cond, 0)
	return e.done()
}

// encodeCompareBranch: CBZ, CBNZ (Arm ARM C6.2, CBZ): sf, imm19, Rt.
func encodeCompareBranch(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		e.put(e.offset("branch offset", in.Imm, 19, 2), 5)
		e.regZR("Rt", in.Rt, in.Sf, 0)
		return e.done()
	}
}

// encodeTestBranch: TBZ, TBNZ (Arm ARM C6.2, TBZ): b5:b40 the bit number,
// imm14 (±32 KiB), Rt. A W register (Sf clear) has bits 0..31; an X
// register any bit, b5 being the top bit of the number (GNU as encodes
// "tbz x0, #3" with b5 = 0, which disassembles as w0).
func encodeTestBranch(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		if in.Sf {
			e.uimm("bit number", in.Imm2, 63)
		} else if in.Imm2 >= 32 && in.Imm2 <= 63 {
			e.failf("bit number %d out of range 0..31 for a w register", in.Imm2)
		} else {
			e.uimm("bit number", in.Imm2, 31)
		}
		bitNum := uint32(in.Imm2) & 63
		e.put(bitNum>>5, 31)
		e.put(bitNum&31, 19)
		e.put(e.offset("branch offset", in.Imm, 14, 2), 5)
		e.regZR("Rt", in.Rt, in.Sf, 0)
		return e.done()
	}
}

// encodeBranchReg: BR, BLR, RET and the PAC forms with a zero modifier
// (Arm ARM C6.2, BR, BRAA): Rn, an X register where 31 is XZR.
func encodeBranchReg(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.regZR("Rn", in.Rn, true, 5)
		return e.done()
	}
}

// encodeBranchRegMod: BRAA, BRAB, BLRAA, BLRAB (Arm ARM C6.2, BRAA): Rn
// and the modifier Rm in bits 4:0, which is SP for 31 ("<Xm|SP>").
func encodeBranchRegMod(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.regZR("Rn", in.Rn, true, 5)
		e.regSP("Rm", in.Rm, true, 0)
		return e.done()
	}
}

// encodeFixed: an instruction without operands.
func encodeFixed(word uint32) func(in *Inst) (uint32, error) {
	return func(*Inst) (uint32, error) { return word, nil }
}

// encodeImm16: the exception generating instructions (Arm ARM C6.2, SVC)
// and UDF: imm16 at bit lo.
func encodeImm16(base uint32, lo uint) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.put(e.uimm("immediate", in.Imm, 0xffff), lo)
		return e.done()
	}
}

// EncodeBRK returns BRK #imm (Arm ARM C6.2, BRK), the breakpoint a kprobe
// writes over the probed instruction.
func EncodeBRK(imm uint16) uint32 { return 0xd4200000 | uint32(imm)<<5 }

// EncodeNOP returns NOP (HINT #0, Arm ARM C6.2, NOP).
func EncodeNOP() uint32 { return 0xd503201f }

// EncodeB returns B from the address from to the address to: the offset
// must be a multiple of 4 within ±128 MiB (Arm ARM C6.2, B). The error is
// an *EncodeError that names both addresses.
func EncodeB(from, to uint64) (uint32, error) { return encodeBranchTo(B, from, to) }

// EncodeBL returns BL from the address from to the address to, under the
// same rules as EncodeB.
func EncodeBL(from, to uint64) (uint32, error) { return encodeBranchTo(BL, from, to) }

func encodeBranchTo(op Op, from, to uint64) (uint32, error) {
	// The difference modulo 2^64, as the processor adds the offset.
	w, err := Encode(Inst{Op: op, Imm: int64(to - from)})
	if err != nil {
		return 0, encodeError(op, "from %#x to %#x: %s", from, to, err.(*EncodeError).Reason)
	}
	return w, nil
}
