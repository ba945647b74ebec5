package arm64

// Encoders of data processing - register (Arm ARM C4.1, "Data Processing
// -- Register"), the inverse of decode_dpreg.go. Every register field is
// ZR-capable except the SP operands of add/subtract (extended register).

func init() {
	// AND <Wd>, <Wn>, <Wm>{, <shift> #<amount>} (and the X forms)
	registerEncoder(ANDshift, encodeLogicalShift(0x0a000000))
	// BIC <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(BICshift, encodeLogicalShift(0x0a200000))
	// ORR <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(ORRshift, encodeLogicalShift(0x2a000000))
	// ORN <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(ORNshift, encodeLogicalShift(0x2a200000))
	// EOR <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(EORshift, encodeLogicalShift(0x4a000000))
	// EON <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(EONshift, encodeLogicalShift(0x4a200000))
	// ANDS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(ANDSshift, encodeLogicalShift(0x6a000000))
	// BICS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(BICSshift, encodeLogicalShift(0x6a200000))

	// ADD <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(ADDshift, encodeAddSubShift(0x0b000000))
	// ADDS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(ADDSshift, encodeAddSubShift(0x2b000000))
	// SUB <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(SUBshift, encodeAddSubShift(0x4b000000))
	// SUBS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
	registerEncoder(SUBSshift, encodeAddSubShift(0x6b000000))

	// ADD <Wd|WSP>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
	registerEncoder(ADDext, encodeAddSubExt(0x0b200000))
	// ADDS <Wd>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
	registerEncoder(ADDSext, encodeAddSubExt(0x2b200000))
	// SUB <Wd|WSP>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
	registerEncoder(SUBext, encodeAddSubExt(0x4b200000))
	// SUBS <Wd>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
	registerEncoder(SUBSext, encodeAddSubExt(0x6b200000))

	// ADC <Wd>, <Wn>, <Wm>
	registerEncoder(ADC, encodeRdRnRm(0x1a000000))
	// ADCS <Wd>, <Wn>, <Wm>
	registerEncoder(ADCS, encodeRdRnRm(0x3a000000))
	// SBC <Wd>, <Wn>, <Wm>
	registerEncoder(SBC, encodeRdRnRm(0x5a000000))
	// SBCS <Wd>, <Wn>, <Wm>
	registerEncoder(SBCS, encodeRdRnRm(0x7a000000))

	// CCMN <Wn>, <Wm>, #<nzcv>, <cond>
	registerEncoder(CCMNreg, encodeCondCompare(0x3a400000))
	// CCMP <Wn>, <Wm>, #<nzcv>, <cond>
	registerEncoder(CCMPreg, encodeCondCompare(0x7a400000))
	// CCMN <Wn>, #<imm>, #<nzcv>, <cond>
	registerEncoder(CCMNimm, encodeCondCompare(0x3a400800))
	// CCMP <Wn>, #<imm>, #<nzcv>, <cond>
	registerEncoder(CCMPimm, encodeCondCompare(0x7a400800))

	// CSEL <Wd>, <Wn>, <Wm>, <cond>
	registerEncoder(CSEL, encodeCondSelect(0x1a800000))
	// CSINC <Wd>, <Wn>, <Wm>, <cond>
	registerEncoder(CSINC, encodeCondSelect(0x1a800400))
	// CSINV <Wd>, <Wn>, <Wm>, <cond>
	registerEncoder(CSINV, encodeCondSelect(0x5a800000))
	// CSNEG <Wd>, <Wn>, <Wm>, <cond>
	registerEncoder(CSNEG, encodeCondSelect(0x5a800400))

	// RBIT <Wd>, <Wn>
	registerEncoder(RBIT, encodeRdRn(0x5ac00000))
	// REV16 <Wd>, <Wn>
	registerEncoder(REV16, encodeRdRn(0x5ac00400))
	// REV32 <Xd>, <Xn>
	registerEncoder(REV32, encodeRdRn64(0xdac00800))
	// REV <Wd>, <Wn> (opc=10) and REV <Xd>, <Xn> (opc=11)
	registerEncoder(REV, encodeREV)
	// CLZ <Wd>, <Wn>
	registerEncoder(CLZ, encodeRdRn(0x5ac01000))
	// CLS <Wd>, <Wn>
	registerEncoder(CLS, encodeRdRn(0x5ac01400))

	// UDIV <Wd>, <Wn>, <Wm>
	registerEncoder(UDIV, encodeRdRnRm(0x1ac00800))
	// SDIV <Wd>, <Wn>, <Wm>
	registerEncoder(SDIV, encodeRdRnRm(0x1ac00c00))
	// LSLV <Wd>, <Wn>, <Wm>
	registerEncoder(LSLV, encodeRdRnRm(0x1ac02000))
	// LSRV <Wd>, <Wn>, <Wm>
	registerEncoder(LSRV, encodeRdRnRm(0x1ac02400))
	// ASRV <Wd>, <Wn>, <Wm>
	registerEncoder(ASRV, encodeRdRnRm(0x1ac02800))
	// RORV <Wd>, <Wn>, <Wm>
	registerEncoder(RORV, encodeRdRnRm(0x1ac02c00))
	// CRC32B <Wd>, <Wn>, <Wm> .. CRC32X <Wd>, <Wn>, <Xm>
	registerEncoder(CRC32, encodeCRC32(0x1ac04000))
	// CRC32CB <Wd>, <Wn>, <Wm> .. CRC32CX <Wd>, <Wn>, <Xm>
	registerEncoder(CRC32C, encodeCRC32(0x1ac05000))

	// MADD <Wd>, <Wn>, <Wm>, <Wa>
	registerEncoder(MADD, encodeMulAdd(0x1b000000))
	// MSUB <Wd>, <Wn>, <Wm>, <Wa>
	registerEncoder(MSUB, encodeMulAdd(0x1b008000))
	// SMADDL <Xd>, <Wn>, <Wm>, <Xa>
	registerEncoder(SMADDL, encodeMulAddLong(0x9b200000))
	// SMSUBL <Xd>, <Wn>, <Wm>, <Xa>
	registerEncoder(SMSUBL, encodeMulAddLong(0x9b208000))
	// UMADDL <Xd>, <Wn>, <Wm>, <Xa>
	registerEncoder(UMADDL, encodeMulAddLong(0x9ba00000))
	// UMSUBL <Xd>, <Wn>, <Wm>, <Xa>
	registerEncoder(UMSUBL, encodeMulAddLong(0x9ba08000))
	// SMULH <Xd>, <Xn>, <Xm> (Ra is should-be-one: written as 11111)
	registerEncoder(SMULH, encodeRdRn64Rm(0x9b400000|0x1f<<10))
	// UMULH <Xd>, <Xn>, <Xm> (Ra is should-be-one: written as 11111)
	registerEncoder(UMULH, encodeRdRn64Rm(0x9bc00000|0x1f<<10))
}

// encodeLogicalShift: AND..BICS (shifted register) (Arm ARM C6.2, AND
// (shifted register)): sf, shift (any of LSL, LSR, ASR, ROR), Rm, imm6
// (the amount, below the register width), Rn, Rd.
func encodeLogicalShift(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.rdRnRm(in)
		if in.Shift > ROR {
			e.failf("invalid shift type %d", in.Shift)
		}
		e.put(uint32(in.Shift&3), 22)
		e.put(e.uimm("shift amount", int64(in.Amount), e.regWidth(in.Sf)-1), 10)
		return e.done()
	}
}

// encodeAddSubShift: ADD..SUBS (shifted register) (Arm ARM C6.2, ADD
// (shifted register)): as the logical forms, but ROR is reserved.
func encodeAddSubShift(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.rdRnRm(in)
		if in.Shift > ASR {
			e.failf("shift %v not allowed (lsl, lsr or asr)", in.Shift)
		}
		e.put(uint32(in.Shift&3), 22)
		e.put(e.uimm("shift amount", int64(in.Amount), e.regWidth(in.Sf)-1), 10)
		return e.done()
	}
}

// encodeAddSubExt: ADD..SUBS (extended register) (Arm ARM C6.2, ADD
// (extended register)): sf, Rm, option (the extend), imm3 (the left
// shift, 0..4), Rn (SP-capable), Rd (SP-capable unless S).
func encodeAddSubExt(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		if base&(1<<29) != 0 { // S
			e.regZR("Rd", in.Rd, in.Sf, 0)
		} else {
			e.regSP("Rd", in.Rd, in.Sf, 0)
		}
		e.regSP("Rn", in.Rn, in.Sf, 5)
		// Rm is a W register for the extends of 32 bits or less; the
		// field does not say which, so any width names it.
		e.regZR("Rm", in.Rm, in.Sf, 16)
		if in.Ext > SXTX {
			e.failf("invalid extend %d", in.Ext)
		}
		e.put(uint32(in.Ext&7), 13)
		e.put(e.uimm("shift amount", int64(in.Amount), 4), 10)
		return e.done()
	}
}

// encodeCondCompare: CCMN/CCMP (register and immediate) (Arm ARM C6.2,
// CCMP (register), CCMP (immediate)): sf, Rm or imm5, cond, Rn, nzcv.
func encodeCondCompare(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		e.regZR("Rn", in.Rn, in.Sf, 5)
		if base&(1<<11) != 0 {
			e.put(e.uimm("immediate", in.Imm, 31), 16)
		} else {
			e.regZR("Rm", in.Rm, in.Sf, 16)
		}
		e.cond(in.Cond, 12)
		e.put(e.uimm("nzcv", in.Imm2, 15), 0)
		return e.done()
	}
}

// encodeCondSelect: CSEL/CSINC/CSINV/CSNEG (Arm ARM C6.2, CSEL): sf, Rm,
// cond, Rn, Rd.
func encodeCondSelect(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.rdRnRm(in)
		e.cond(in.Cond, 12)
		return e.done()
	}
}

// encodeRdRn: the 1-source operations with both widths (Arm ARM C4.1,
// "Data-processing (1 source)"): sf, Rn, Rd.
func encodeRdRn(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		e.regZR("Rd", in.Rd, in.Sf, 0)
		e.regZR("Rn", in.Rn, in.Sf, 5)
		return e.done()
	}
}

// encodeRdRn64: a 1-source operation with only the 64-bit form (REV32).
func encodeRdRn64(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.only64(in.Sf)
		e.regZR("Rd", in.Rd, true, 0)
		e.regZR("Rn", in.Rn, true, 5)
		return e.done()
	}
}

// encodeREV: REV (Arm ARM C6.2, REV): its opc is 10 in the 32-bit form
// and 11 in the 64-bit form (opc 10 with sf=1 is REV32).
func encodeREV(in *Inst) (uint32, error) {
	base := uint32(0x5ac00800)
	if in.Sf {
		base = 0xdac00c00
	}
	return encodeRdRn(base)(in)
}

// encodeRdRnRm: three registers of the same width (ADC..SBCS and the
// 2-source operations): sf, Rm, Rn, Rd.
func encodeRdRnRm(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.rdRnRm(in)
		return e.done()
	}
}

// encodeCRC32: CRC32B..CRC32X and CRC32CB..CRC32CX (Arm ARM C6.2,
// CRC32B): sf, Rm, sz, Rn, Rd. Size is sz; only the X forms (Size 3) are
// 64-bit, and there Sf is set (Rm is an X register, Rd and Rn W).
func encodeCRC32(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.put(e.uimm("size", int64(in.Size), 3), 10)
		switch {
		case in.Size == 3 && !in.Sf:
			e.failf("size 3 (the x form) needs a 64-bit Rm (Sf set)")
		case in.Size < 3 && in.Sf:
			e.failf("64-bit Rm (Sf set) not allowed with size %d (only with size 3)", in.Size)
		}
		e.sf(in.Sf)
		e.regZR("Rd", in.Rd, false, 0)
		e.regZR("Rn", in.Rn, false, 5)
		e.regZR("Rm", in.Rm, in.Sf, 16)
		return e.done()
	}
}

// encodeMulAdd: MADD, MSUB (Arm ARM C6.2, MADD): sf, Rm, Ra, Rn, Rd.
func encodeMulAdd(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.rdRnRm(in)
		e.regZR("Ra", in.Ra, in.Sf, 10)
		return e.done()
	}
}

// encodeMulAddLong: SMADDL..UMSUBL (Arm ARM C6.2, SMADDL): 64-bit only;
// Rn and Rm are W registers, Rd and Ra X registers.
func encodeMulAddLong(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.only64(in.Sf)
		e.regZR("Rd", in.Rd, true, 0)
		e.regZR("Rn", in.Rn, false, 5)
		e.regZR("Rm", in.Rm, false, 16)
		e.regZR("Ra", in.Ra, true, 10)
		return e.done()
	}
}

// encodeRdRn64Rm: SMULH, UMULH (Arm ARM C6.2, SMULH): 64-bit only, Rm,
// Rn, Rd; base holds the should-be-one Ra field.
func encodeRdRn64Rm(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.only64(in.Sf)
		e.regZR("Rd", in.Rd, true, 0)
		e.regZR("Rn", in.Rn, true, 5)
		e.regZR("Rm", in.Rm, true, 16)
		return e.done()
	}
}

// rdRnRm puts sf and three ZR-capable registers of the same width.
func (e *fieldEnc) rdRnRm(in *Inst) {
	e.sf(in.Sf)
	e.regZR("Rd", in.Rd, in.Sf, 0)
	e.regZR("Rn", in.Rn, in.Sf, 5)
	e.regZR("Rm", in.Rm, in.Sf, 16)
}

// cond puts a 4-bit condition field.
func (e *fieldEnc) cond(c Cond, lo uint) {
	if c > NV {
		e.failf("invalid condition %d", c)
		return
	}
	e.put(uint32(c), lo)
}
