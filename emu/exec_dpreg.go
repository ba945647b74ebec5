package emu

import (
	"hash/crc32"
	"math/bits"

	"github.com/kpemu/kpemu/arm64"
)

// Executors of the data processing (register) class, after the Arm ARM
// pseudocode of each instruction (C6.2). The 32-bit forms write their
// result zero-extended to 64 bits. Every executor reads its sources before
// it writes Rd, which may be any of them.

func init() {
	// Logical and add/subtract (shifted register): the unshifted forms
	// (MOV, TST, CMP, plain ADD/SUB...) skip ShiftReg.
	dpDefineShifted(arm64.ANDshift, execANDshift64, execANDshift32, execAND64, execAND32)
	dpDefineShifted(arm64.BICshift, execBICshift64, execBICshift32, nil, nil)
	dpDefineShifted(arm64.ORRshift, execORRshift64, execORRshift32, execORR64, execORR32)
	dpDefineShifted(arm64.ORNshift, execORNshift64, execORNshift32, nil, nil)
	dpDefineShifted(arm64.EORshift, execEORshift64, execEORshift32, execEOR64, execEOR32)
	dpDefineShifted(arm64.EONshift, execEONshift64, execEONshift32, nil, nil)
	dpDefineShifted(arm64.ANDSshift, execANDSshift64, execANDSshift32, execANDS64, execANDS32)
	dpDefineShifted(arm64.BICSshift, execBICSshift64, execBICSshift32, nil, nil)
	dpDefineShifted(arm64.ADDshift, execADDshift64, execADDshift32, execADD64, execADD32)
	dpDefineShifted(arm64.ADDSshift, execADDSshift64, execADDSshift32, nil, nil)
	dpDefineShifted(arm64.SUBshift, execSUBshift64, execSUBshift32, execSUB64, execSUB32)
	dpDefineShifted(arm64.SUBSshift, execSUBSshift64, execSUBSshift32, execSUBS64, execSUBS32)

	defineExecSelect(arm64.ADDext, dpBySf(execADDext64, execADDext32))
	defineExecSelect(arm64.ADDSext, dpBySf(execADDSext64, execADDSext32))
	defineExecSelect(arm64.SUBext, dpBySf(execSUBext64, execSUBext32))
	defineExecSelect(arm64.SUBSext, dpBySf(execSUBSext64, execSUBSext32))

	defineExecSelect(arm64.ADC, dpBySf(execADC64, execADC32))
	defineExecSelect(arm64.ADCS, dpBySf(execADCS64, execADCS32))
	defineExecSelect(arm64.SBC, dpBySf(execSBC64, execSBC32))
	defineExecSelect(arm64.SBCS, dpBySf(execSBCS64, execSBCS32))

	defineExec(arm64.CCMNreg, execCCMNreg)
	defineExec(arm64.CCMPreg, execCCMPreg)
	defineExec(arm64.CCMNimm, execCCMNimm)
	defineExec(arm64.CCMPimm, execCCMPimm)

	defineExecSelect(arm64.CSEL, dpBySf(execCSEL64, execCSEL32))
	defineExecSelect(arm64.CSINC, dpBySf(execCSINC64, execCSINC32))
	defineExecSelect(arm64.CSINV, dpBySf(execCSINV64, execCSINV32))
	defineExecSelect(arm64.CSNEG, dpBySf(execCSNEG64, execCSNEG32))

	defineExecSelect(arm64.RBIT, dpBySf(execRBIT64, execRBIT32))
	defineExecSelect(arm64.REV16, dpBySf(execREV16_64, execREV16_32))
	defineExec(arm64.REV32, execREV32)
	defineExecSelect(arm64.REV, dpBySf(execREV64, execREV32w))
	defineExecSelect(arm64.CLZ, dpBySf(execCLZ64, execCLZ32))
	defineExecSelect(arm64.CLS, dpBySf(execCLS64, execCLS32))

	defineExecSelect(arm64.UDIV, dpBySf(execUDIV64, execUDIV32))
	defineExecSelect(arm64.SDIV, dpBySf(execSDIV64, execSDIV32))
	defineExecSelect(arm64.LSLV, dpBySf(execLSLV64, execLSLV32))
	defineExecSelect(arm64.LSRV, dpBySf(execLSRV64, execLSRV32))
	defineExecSelect(arm64.ASRV, dpBySf(execASRV64, execASRV32))
	defineExecSelect(arm64.RORV, dpBySf(execRORV64, execRORV32))
	crcFeature := func(f *Features) bool { return f.CRC32 }
	defineExecFeature(arm64.CRC32, crcFeature, execCRC32)
	defineExecFeature(arm64.CRC32C, crcFeature, execCRC32C)

	defineExecSelect(arm64.MADD, dpBySf(execMADD64, execMADD32))
	defineExecSelect(arm64.MSUB, dpBySf(execMSUB64, execMSUB32))
	defineExec(arm64.SMADDL, execSMADDL)
	defineExec(arm64.SMSUBL, execSMSUBL)
	defineExec(arm64.UMADDL, execUMADDL)
	defineExec(arm64.UMSUBL, execUMSUBL)
	defineExec(arm64.SMULH, execSMULH)
	defineExec(arm64.UMULH, execUMULH)
}

// dpDefineShifted registers a shifted-register op: the 64- or 32-bit
// executor, or, when the shift amount is 0 and plain variants are given,
// the variant that does not shift (any shift type by 0 is the identity).
func dpDefineShifted(op arm64.Op, shift64, shift32, plain64, plain32 execFn) {
	defineExecSelect(op, func(in *arm64.Inst) execFn {
		switch {
		case in.Amount == 0 && plain64 != nil && in.Sf:
			return plain64
		case in.Amount == 0 && plain32 != nil && !in.Sf:
			return plain32
		case in.Sf:
			return shift64
		}
		return shift32
	})
}

// op2 of the shifted-register forms: ShiftReg(m, shift_type, amount).
func dpShifted64(c *CPU, in *arm64.Inst) uint64 {
	return shiftReg(c.x[in.Rm], in.Shift, in.Amount, true)
}

func dpShifted32(c *CPU, in *arm64.Inst) uint32 {
	return uint32(shiftReg(c.x[in.Rm], in.Shift, in.Amount, false))
}

// Logical (shifted register): AND, BIC (AND NOT), ORR, ORN (OR NOT), EOR,
// EON (EOR NOT); ANDS and BICS set N and Z and clear C and V.

func execANDshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] & dpShifted64(c, in)
	c.pc += 4
}

func execANDshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) & dpShifted32(c, in))
	c.pc += 4
}

func execAND64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] & c.x[in.Rm]
	c.pc += 4
}

func execAND32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn] & c.x[in.Rm]))
	c.pc += 4
}

func execBICshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] &^ dpShifted64(c, in)
	c.pc += 4
}

func execBICshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) &^ dpShifted32(c, in))
	c.pc += 4
}

func execORRshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] | dpShifted64(c, in)
	c.pc += 4
}

func execORRshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) | dpShifted32(c, in))
	c.pc += 4
}

func execORR64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] | c.x[in.Rm]
	c.pc += 4
}

func execORR32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn] | c.x[in.Rm]))
	c.pc += 4
}

func execORNshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] | ^dpShifted64(c, in)
	c.pc += 4
}

func execORNshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) | ^dpShifted32(c, in))
	c.pc += 4
}

func execEORshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] ^ dpShifted64(c, in)
	c.pc += 4
}

func execEORshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) ^ dpShifted32(c, in))
	c.pc += 4
}

func execEOR64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] ^ c.x[in.Rm]
	c.pc += 4
}

func execEOR32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn] ^ c.x[in.Rm]))
	c.pc += 4
}

func execEONshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] ^ ^dpShifted64(c, in)
	c.pc += 4
}

func execEONshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) ^ ^dpShifted32(c, in))
	c.pc += 4
}

func execANDSshift64(c *CPU, in *arm64.Inst) {
	r := c.x[in.Rn] & dpShifted64(c, in)
	c.x[in.Rd], c.nzcv = r, logicFlags(r, true)
	c.pc += 4
}

func execANDSshift32(c *CPU, in *arm64.Inst) {
	r := uint64(uint32(c.x[in.Rn]) & dpShifted32(c, in))
	c.x[in.Rd], c.nzcv = r, logicFlags(r, false)
	c.pc += 4
}

func execANDS64(c *CPU, in *arm64.Inst) {
	r := c.x[in.Rn] & c.x[in.Rm]
	c.x[in.Rd], c.nzcv = r, logicFlags(r, true)
	c.pc += 4
}

func execANDS32(c *CPU, in *arm64.Inst) {
	r := uint64(uint32(c.x[in.Rn] & c.x[in.Rm]))
	c.x[in.Rd], c.nzcv = r, logicFlags(r, false)
	c.pc += 4
}

func execBICSshift64(c *CPU, in *arm64.Inst) {
	r := c.x[in.Rn] &^ dpShifted64(c, in)
	c.x[in.Rd], c.nzcv = r, logicFlags(r, true)
	c.pc += 4
}

func execBICSshift32(c *CPU, in *arm64.Inst) {
	r := uint64(uint32(c.x[in.Rn]) &^ dpShifted32(c, in))
	c.x[in.Rd], c.nzcv = r, logicFlags(r, false)
	c.pc += 4
}

// Add/subtract (shifted register). SUB is Rn + NOT(op2) + 1, the flags of
// SUBS come from AddWithCarry(Rn, NOT(op2), 1).

func execADDshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] + dpShifted64(c, in)
	c.pc += 4
}

func execADDshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) + dpShifted32(c, in))
	c.pc += 4
}

func execADD64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] + c.x[in.Rm]
	c.pc += 4
}

func execADD32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn] + c.x[in.Rm]))
	c.pc += 4
}

func execADDSshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], dpShifted64(c, in), 0)
	c.pc += 4
}

func execADDSshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], uint64(dpShifted32(c, in)), 0)
	c.pc += 4
}

func execSUBshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] - dpShifted64(c, in)
	c.pc += 4
}

func execSUBshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) - dpShifted32(c, in))
	c.pc += 4
}

func execSUB64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] - c.x[in.Rm]
	c.pc += 4
}

func execSUB32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn] - c.x[in.Rm]))
	c.pc += 4
}

func execSUBSshift64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], ^dpShifted64(c, in), 1)
	c.pc += 4
}

func execSUBSshift32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], uint64(^dpShifted32(c, in)), 1)
	c.pc += 4
}

func execSUBS64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], ^c.x[in.Rm], 1)
	c.pc += 4
}

func execSUBS32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], ^c.x[in.Rm], 1)
	c.pc += 4
}

// Add/subtract (extended register): op2 = ExtendReg(m, extend_type,
// shift). Rn may be SP (x[32]); so may Rd of ADD and SUB.

func dpExtended(c *CPU, in *arm64.Inst) uint64 {
	return extendReg(c.x[in.Rm], in.Ext, in.Amount)
}

func execADDext64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] + dpExtended(c, in)
	c.pc += 4
}

func execADDext32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn] + dpExtended(c, in)))
	c.pc += 4
}

func execADDSext64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], dpExtended(c, in), 0)
	c.pc += 4
}

func execADDSext32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], dpExtended(c, in), 0)
	c.pc += 4
}

func execSUBext64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] - dpExtended(c, in)
	c.pc += 4
}

func execSUBext32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn] - dpExtended(c, in)))
	c.pc += 4
}

func execSUBSext64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], ^dpExtended(c, in), 1)
	c.pc += 4
}

func execSUBSext32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], ^dpExtended(c, in), 1)
	c.pc += 4
}

// Add/subtract with carry: AddWithCarry(Rn, Rm, C) and AddWithCarry(Rn,
// NOT(Rm), C).

func dpCarry(c *CPU) uint64 { return c.nzcv >> 29 & 1 }

func execADC64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], _ = addWithCarry64(c.x[in.Rn], c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

func execADC32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], _ = addWithCarry32(c.x[in.Rn], c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

func execADCS64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

func execADCS32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

func execSBC64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], _ = addWithCarry64(c.x[in.Rn], ^c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

func execSBC32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], _ = addWithCarry32(c.x[in.Rn], ^c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

func execSBCS64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], ^c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

func execSBCS32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], ^c.x[in.Rm], dpCarry(c))
	c.pc += 4
}

// Conditional compare: when the condition holds, the flags of CMN (Rn +
// op2) or CMP (Rn - op2); otherwise the flags are the nzcv immediate (Imm2).

func dpCondCompare(c *CPU, in *arm64.Inst, y, carry uint64) {
	switch {
	case !c.condHolds(in.Cond):
		c.nzcv = uint64(in.Imm2&15) << 28
	case in.Sf:
		_, c.nzcv = addWithCarry64(c.x[in.Rn], y, carry)
	default:
		_, c.nzcv = addWithCarry32(c.x[in.Rn], y, carry)
	}
	c.pc += 4
}

func execCCMNreg(c *CPU, in *arm64.Inst) { dpCondCompare(c, in, c.x[in.Rm], 0) }
func execCCMPreg(c *CPU, in *arm64.Inst) { dpCondCompare(c, in, ^c.x[in.Rm], 1) }
func execCCMNimm(c *CPU, in *arm64.Inst) { dpCondCompare(c, in, uint64(in.Imm), 0) }
func execCCMPimm(c *CPU, in *arm64.Inst) { dpCondCompare(c, in, ^uint64(in.Imm), 1) }

// Conditional select: Rn when the condition holds, else Rm, Rm + 1,
// NOT(Rm) or -Rm.

func execCSEL64(c *CPU, in *arm64.Inst) {
	v := c.x[in.Rm]
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = v
	c.pc += 4
}

func execCSEL32(c *CPU, in *arm64.Inst) {
	v := c.x[in.Rm]
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = uint64(uint32(v))
	c.pc += 4
}

func execCSINC64(c *CPU, in *arm64.Inst) {
	v := c.x[in.Rm] + 1
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = v
	c.pc += 4
}

func execCSINC32(c *CPU, in *arm64.Inst) {
	v := c.x[in.Rm] + 1
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = uint64(uint32(v))
	c.pc += 4
}

func execCSINV64(c *CPU, in *arm64.Inst) {
	v := ^c.x[in.Rm]
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = v
	c.pc += 4
}

func execCSINV32(c *CPU, in *arm64.Inst) {
	v := ^c.x[in.Rm]
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = uint64(uint32(v))
	c.pc += 4
}

func execCSNEG64(c *CPU, in *arm64.Inst) {
	v := -c.x[in.Rm]
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = v
	c.pc += 4
}

func execCSNEG32(c *CPU, in *arm64.Inst) {
	v := -c.x[in.Rm]
	if c.condHolds(in.Cond) {
		v = c.x[in.Rn]
	}
	c.x[in.Rd] = uint64(uint32(v))
	c.pc += 4
}

// Data-processing (1 source).

func execRBIT64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = bits.Reverse64(c.x[in.Rn])
	c.pc += 4
}

func execRBIT32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(bits.Reverse32(uint32(c.x[in.Rn])))
	c.pc += 4
}

// REV16 reverses the bytes of each halfword.
func execREV16_64(c *CPU, in *arm64.Inst) {
	const lo = 0x00ff_00ff_00ff_00ff
	v := c.x[in.Rn]
	c.x[in.Rd] = v&lo<<8 | v>>8&lo
	c.pc += 4
}

func execREV16_32(c *CPU, in *arm64.Inst) {
	const lo = 0x00ff_00ff
	v := uint32(c.x[in.Rn])
	c.x[in.Rd] = uint64(v&lo<<8 | v>>8&lo)
	c.pc += 4
}

// REV32 reverses the bytes of each word: reversing all eight bytes also
// swaps the words, which the rotation undoes.
func execREV32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = bits.RotateLeft64(bits.ReverseBytes64(c.x[in.Rn]), 32)
	c.pc += 4
}

func execREV64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = bits.ReverseBytes64(c.x[in.Rn])
	c.pc += 4
}

// execREV32w is REV <Wd>, <Wn> (not to be confused with REV32).
func execREV32w(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(bits.ReverseBytes32(uint32(c.x[in.Rn])))
	c.pc += 4
}

func execCLZ64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(bits.LeadingZeros64(c.x[in.Rn]))
	c.pc += 4
}

func execCLZ32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(bits.LeadingZeros32(uint32(c.x[in.Rn])))
	c.pc += 4
}

// CLS is CountLeadingSignBits(x) = CountLeadingZeroBits(x<N-1:1> EOR
// x<N-2:0>): the leading zeros of an N-1 bit value, hence the -1 after
// counting it in N bits.
func execCLS64(c *CPU, in *arm64.Inst) {
	v := c.x[in.Rn]
	c.x[in.Rd] = uint64(bits.LeadingZeros64(v>>1^v&(1<<63-1)) - 1)
	c.pc += 4
}

func execCLS32(c *CPU, in *arm64.Inst) {
	v := uint32(c.x[in.Rn])
	c.x[in.Rd] = uint64(bits.LeadingZeros32(v>>1^v&(1<<31-1)) - 1)
	c.pc += 4
}

// Data-processing (2 source).
//
// Division by zero gives 0 (the manual: "if IsZero(operand2) then result
// = 0"). SDIV of the most negative value by -1 overflows to the most
// negative value; Go's division does the same (the spec defines
// MinInt64 / -1 == MinInt64), so only zero needs a test.

func execUDIV64(c *CPU, in *arm64.Inst) {
	n, m := c.x[in.Rn], c.x[in.Rm]
	var q uint64
	if m != 0 {
		q = n / m
	}
	c.x[in.Rd] = q
	c.pc += 4
}

func execUDIV32(c *CPU, in *arm64.Inst) {
	n, m := uint32(c.x[in.Rn]), uint32(c.x[in.Rm])
	var q uint32
	if m != 0 {
		q = n / m
	}
	c.x[in.Rd] = uint64(q)
	c.pc += 4
}

func execSDIV64(c *CPU, in *arm64.Inst) {
	n, m := int64(c.x[in.Rn]), int64(c.x[in.Rm])
	var q int64
	if m != 0 {
		q = n / m
	}
	c.x[in.Rd] = uint64(q)
	c.pc += 4
}

func execSDIV32(c *CPU, in *arm64.Inst) {
	n, m := int32(c.x[in.Rn]), int32(c.x[in.Rm])
	var q int32
	if m != 0 {
		q = n / m
	}
	c.x[in.Rd] = uint64(uint32(q))
	c.pc += 4
}

// Variable shifts: the amount is Rm MOD datasize.

func execLSLV64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] << (c.x[in.Rm] & 63)
	c.pc += 4
}

func execLSLV32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) << (c.x[in.Rm] & 31))
	c.pc += 4
}

func execLSRV64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] >> (c.x[in.Rm] & 63)
	c.pc += 4
}

func execLSRV32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) >> (c.x[in.Rm] & 31))
	c.pc += 4
}

func execASRV64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(int64(c.x[in.Rn]) >> (c.x[in.Rm] & 63))
	c.pc += 4
}

func execASRV32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(int32(c.x[in.Rn]) >> (c.x[in.Rm] & 31)))
	c.pc += 4
}

func execRORV64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = bits.RotateLeft64(c.x[in.Rn], -int(c.x[in.Rm]&63))
	c.pc += 4
}

func execRORV32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(bits.RotateLeft32(uint32(c.x[in.Rn]), -int(c.x[in.Rm]&31)))
	c.pc += 4
}

// CRC32 and CRC32C (FEAT_CRC32): the manual's
//
//	BitReverse(Poly32Mod2(BitReverse(acc):Zeros(size) EOR
//	                      BitReverse(val):Zeros(32), poly))
//
// is the bit-reflected CRC of the size/8 bytes of val, least significant
// first, continuing from acc, without the inversions before and after
// that the usual CRC-32 adds: the byte-wise table update below. The
// tables are those of the reflected polynomials of 0x04C11DB7 (CRC-32)
// and 0x1EDC6F41 (CRC-32C, Castagnoli).
var (
	dpCRC32Table  = crc32.IEEETable
	dpCRC32CTable = crc32.MakeTable(crc32.Castagnoli)
)

func dpCRC(tab *crc32.Table, acc uint32, val uint64, size uint8) uint32 {
	for i := 0; i < 1<<size; i++ {
		acc = tab[byte(acc)^byte(val)] ^ acc>>8
		val >>= 8
	}
	return acc
}

func execCRC32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(dpCRC(dpCRC32Table, uint32(c.x[in.Rn]), c.x[in.Rm], in.Size))
	c.pc += 4
}

func execCRC32C(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(dpCRC(dpCRC32CTable, uint32(c.x[in.Rn]), c.x[in.Rm], in.Size))
	c.pc += 4
}

// Data-processing (3 source): multiply-add and -subtract, the long forms
// from 32-bit operands, and the high halves of 128-bit products.

func execMADD64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Ra] + c.x[in.Rn]*c.x[in.Rm]
	c.pc += 4
}

func execMADD32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Ra] + c.x[in.Rn]*c.x[in.Rm]))
	c.pc += 4
}

func execMSUB64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Ra] - c.x[in.Rn]*c.x[in.Rm]
	c.pc += 4
}

func execMSUB32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Ra] - c.x[in.Rn]*c.x[in.Rm]))
	c.pc += 4
}

func dpSignedProduct(c *CPU, in *arm64.Inst) uint64 {
	return uint64(int64(int32(c.x[in.Rn])) * int64(int32(c.x[in.Rm])))
}

func dpUnsignedProduct(c *CPU, in *arm64.Inst) uint64 {
	return uint64(uint32(c.x[in.Rn])) * uint64(uint32(c.x[in.Rm]))
}

func execSMADDL(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Ra] + dpSignedProduct(c, in)
	c.pc += 4
}

func execSMSUBL(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Ra] - dpSignedProduct(c, in)
	c.pc += 4
}

func execUMADDL(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Ra] + dpUnsignedProduct(c, in)
	c.pc += 4
}

func execUMSUBL(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Ra] - dpUnsignedProduct(c, in)
	c.pc += 4
}

func execUMULH(c *CPU, in *arm64.Inst) {
	hi, _ := bits.Mul64(c.x[in.Rn], c.x[in.Rm])
	c.x[in.Rd] = hi
	c.pc += 4
}

// SMULH: the signed high half is the unsigned one corrected for each
// negative operand: as unsigned, a negative n stands for n + 2^64, which
// adds m*2^64 to the product, that is m to its high half (and likewise).
func execSMULH(c *CPU, in *arm64.Inst) {
	n, m := c.x[in.Rn], c.x[in.Rm]
	hi, _ := bits.Mul64(n, m)
	hi -= m & uint64(int64(n)>>63)
	hi -= n & uint64(int64(m)>>63)
	c.x[in.Rd] = hi
	c.pc += 4
}
