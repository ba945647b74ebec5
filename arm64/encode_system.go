package arm64

// Encoders of the system instructions (Arm ARM C4.1.65, "System
// instructions" and "System register move" groups), the inverse of
// decode_system.go. Their Rt field is fixed at 11111 where the
// instruction has no register, as the decoder requires it.

func init() {
	// HINT #<imm> (NOP, YIELD, WFE, ..., BTI, PACIASP, ...)
	registerEncoder(HINT, encodeHint)

	// CLREX {#<imm>}
	registerEncoder(CLREX, encodeBarrier(0xd503305f))
	// DSB <option>|#<imm>
	registerEncoder(DSB, encodeBarrier(0xd503309f))
	// DMB <option>|#<imm>
	registerEncoder(DMB, encodeBarrier(0xd50330bf))
	// ISB {<option>|#<imm>}
	registerEncoder(ISB, encodeBarrier(0xd50330df))
	// SB
	registerEncoder(SB, encodeFixed(0xd50330ff))

	// MSR <pstatefield>, #<imm>
	registerEncoder(MSRimm, encodeMSRImm)

	// SYS #<op1>, <Cn>, <Cm>, #<op2>{, <Xt>}
	registerEncoder(SYS, encodeSystem(0xd5000000, "SYS", 1, 1))
	// SYSL <Xt>, #<op1>, <Cn>, <Cm>, #<op2>
	registerEncoder(SYSL, encodeSystem(0xd5200000, "SYSL", 1, 1))
	// MSR (<systemreg>|S<op0>_<op1>_<Cn>_<Cm>_<op2>), <Xt>
	registerEncoder(MSRreg, encodeSystem(0xd5000000, "MSR", 2, 3))
	// MRS <Xt>, (<systemreg>|S<op0>_<op1>_<Cn>_<Cm>_<op2>)
	registerEncoder(MRS, encodeSystem(0xd5200000, "MRS", 2, 3))
}

// encodeHint: HINT (Arm ARM C6.2, HINT): CRm:op2, a 7-bit number.
func encodeHint(in *Inst) (uint32, error) {
	e := newFieldEnc(in, 0xd503201f)
	e.put(e.uimm("hint number", in.Imm2, 127), 5)
	return e.done()
}

// encodeBarrier: CLREX, DSB, DMB, ISB (Arm ARM C6.2, DMB): CRm, the
// option or immediate 0..15.
func encodeBarrier(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.put(e.uimm("immediate", in.Imm2, 15), 8)
		return e.done()
	}
}

// encodeMSRImm: MSR (immediate) (Arm ARM C6.2, MSR (immediate)): op1,
// CRm, op2. Imm2 is op1:op2, one of the PSTATE fields the decoder knows;
// Imm is CRm. The one-bit fields (PAN, UAO, SPSel, SSBS, DIT) take 0 or
// 1 in GNU as, but the encoding holds any CRm and the decoder accepts
// it, so the encoder does too.
func encodeMSRImm(in *Inst) (uint32, error) {
	e := newFieldEnc(in, 0xd500401f)
	if _, ok := pstateFieldNames[in.Imm2]; !ok {
		e.failf("PSTATE field op1:op2 = %#o not supported (uao, pan, spsel, ssbs, dit, daifset, daifclr)", in.Imm2)
	}
	e.put(uint32(in.Imm2>>3)&7, 16)
	e.put(uint32(in.Imm2)&7, 5)
	e.put(e.uimm("immediate", in.Imm, 15), 8)
	return e.done()
}

// encodeSystem: SYS, SYSL, MSR (register), MRS (Arm ARM C6.2, SYS, MRS):
// op0:op1:CRn:CRm:op2 in bits 20:5 as SysReg packs them, and Rt (XZR for
// 31). SYS and SYSL have op0 = 1, the register moves op0 = 2 or 3.
func encodeSystem(base uint32, name string, op0lo, op0hi int) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		if op0, _, _, _, _ := in.SysReg.Fields(); op0 < op0lo || op0 > op0hi {
			if op0lo == op0hi {
				e.failf("system register encoding op0 = %d not allowed for %s (op0 = %d)", op0, name, op0lo)
			} else {
				e.failf("system register encoding op0 = %d not allowed for %s (op0 = %d or %d)", op0, name, op0lo, op0hi)
			}
		}
		e.put(uint32(in.SysReg), 5)
		e.regZR("Rt", in.Rt, true, 0)
		return e.done()
	}
}
