package emu

import (
	"math/bits"

	"github.com/kpemu/kpemu/arm64"
)

// Executors of the data processing (immediate) class, after the Arm ARM
// pseudocode of each instruction (C6.2). The 32-bit forms write their result
// zero-extended to 64 bits. Register operands index c.x directly: the
// decoder has resolved encoding 31 to ZR (x[31], which reads as zero) or SP
// (x[32]) per operand.
//
// ADD/SUB (immediate) are the hottest instructions of the interpreter (loop
// counters, stack adjustment), so their executors are as small as they can
// be: no branches beyond the width, chosen once by dpBySf.

func init() {
	defineExec(arm64.ADR, execADR)
	defineExec(arm64.ADRP, execADRP)
	defineExecSelect(arm64.ADDimm, dpBySf(execADDimm64, execADDimm32))
	defineExecSelect(arm64.ADDSimm, dpBySf(execADDSimm64, execADDSimm32))
	defineExecSelect(arm64.SUBimm, dpBySf(execSUBimm64, execSUBimm32))
	defineExecSelect(arm64.SUBSimm, dpBySf(execSUBSimm64, execSUBSimm32))
	// AND needs no 32-bit variant: the decoded 32-bit mask has its upper
	// half clear, so the result is already zero-extended.
	defineExec(arm64.ANDimm, execANDimm)
	defineExecSelect(arm64.ORRimm, dpBySf(execORRimm64, execORRimm32))
	defineExecSelect(arm64.EORimm, dpBySf(execEORimm64, execEORimm32))
	defineExecSelect(arm64.ANDSimm, dpBySf(execANDSimm64, execANDSimm32))
	defineExec(arm64.MOVZ, execMOVZ)
	defineExecSelect(arm64.MOVN, dpBySf(execMOVN64, execMOVN32))
	defineExecSelect(arm64.MOVK, dpBySf(execMOVK64, execMOVK32))
	defineExecSelect(arm64.SBFM, dpBySf(execSBFM64, execSBFM32))
	defineExecSelect(arm64.BFM, dpBySf(execBFM64, execBFM32))
	defineExecSelect(arm64.UBFM, dpBySf(execUBFM64, execUBFM32))
	defineExecSelect(arm64.EXTR, dpBySf(execEXTR64, execEXTR32))
}

// dpBySf returns a selector that picks the 64-bit or the 32-bit executor
// by the instruction's sf bit.
func dpBySf(f64, f32 execFn) func(in *arm64.Inst) execFn {
	return func(in *arm64.Inst) execFn {
		if in.Sf {
			return f64
		}
		return f32
	}
}

// ADR: X[d] = PC + imm. ADRP: X[d] = PC with the low 12 bits cleared +
// imm (a multiple of 4 KiB).
func execADR(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.pc + uint64(in.Imm)
	c.pc += 4
}

func execADRP(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.pc&^0xfff + uint64(in.Imm)
	c.pc += 4
}

// ADD/SUB (immediate): Rd and Rn may be SP, which x[32] holds.

func execADDimm64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] + uint64(in.Imm)
	c.pc += 4
}

func execADDimm32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) + uint32(in.Imm))
	c.pc += 4
}

func execSUBimm64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] - uint64(in.Imm)
	c.pc += 4
}

func execSUBimm32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) - uint32(in.Imm))
	c.pc += 4
}

// ADDS/SUBS (immediate): AddWithCarry(Rn, imm, 0) and AddWithCarry(Rn,
// NOT(imm), 1).

func execADDSimm64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], uint64(in.Imm), 0)
	c.pc += 4
}

func execADDSimm32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], uint64(in.Imm), 0)
	c.pc += 4
}

func execSUBSimm64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry64(c.x[in.Rn], ^uint64(in.Imm), 1)
	c.pc += 4
}

func execSUBSimm32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd], c.nzcv = addWithCarry32(c.x[in.Rn], ^uint64(in.Imm), 1)
	c.pc += 4
}

// Logical (immediate): Imm is the expanded bitmask. AND, ORR and EOR may
// write SP; ANDS sets N and Z from the result and clears C and V.

func execANDimm(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] & uint64(in.Imm)
	c.pc += 4
}

func execORRimm64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] | uint64(in.Imm)
	c.pc += 4
}

func execORRimm32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) | uint32(in.Imm))
	c.pc += 4
}

func execEORimm64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rn] ^ uint64(in.Imm)
	c.pc += 4
}

func execEORimm32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rn]) ^ uint32(in.Imm))
	c.pc += 4
}

func execANDSimm64(c *CPU, in *arm64.Inst) {
	r := c.x[in.Rn] & uint64(in.Imm)
	c.x[in.Rd], c.nzcv = r, logicFlags(r, true)
	c.pc += 4
}

func execANDSimm32(c *CPU, in *arm64.Inst) {
	r := c.x[in.Rn] & uint64(in.Imm)
	c.x[in.Rd], c.nzcv = r, logicFlags(r, false)
	c.pc += 4
}

// Move wide: Imm is imm16, Imm2 the shift (0 or 16 for the 32-bit forms).
// MOVZ needs no 32-bit variant: imm16<<16 fits in 32 bits.

func execMOVZ(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(in.Imm) << uint(in.Imm2)
	c.pc += 4
}

func execMOVN64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = ^(uint64(in.Imm) << uint(in.Imm2))
	c.pc += 4
}

func execMOVN32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(^(uint32(in.Imm) << uint(in.Imm2)))
	c.pc += 4
}

// MOVK replaces one halfword of Rd and keeps the others.
func execMOVK64(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = c.x[in.Rd]&^(0xffff<<uint(in.Imm2)) | uint64(in.Imm)<<uint(in.Imm2)
	c.pc += 4
}

func execMOVK32(c *CPU, in *arm64.Inst) {
	c.x[in.Rd] = uint64(uint32(c.x[in.Rd])&^(0xffff<<uint(in.Imm2)) | uint32(in.Imm)<<uint(in.Imm2))
	c.pc += 4
}

// Bitfield moves. The manual computes (wmask, tmask) = DecodeBitMasks(N,
// imms, immr, FALSE, datasize); with N == sf and immr, imms below the
// width, the element is the whole register, so
//
//	wmask = ROR(Ones(imms+1), immr)
//	tmask = Ones(((imms - immr) MOD datasize) + 1)
//
// and then
//
//	bot = ROR(src, immr) AND wmask
//	SBFM: X[d] = (Replicate(src<imms>) AND NOT tmask) OR (bot AND tmask)
//	BFM:  bot = (dst AND NOT wmask) OR bot
//	      X[d] = (dst AND NOT tmask) OR (bot AND tmask)
//	UBFM: X[d] = bot AND tmask
//
// Go shifts by the full width give 0, so Ones(64) = 1<<64 - 1 needs no
// special case.

func bitfieldMasks64(immr, imms uint) (wmask, tmask uint64) {
	wmask = bits.RotateLeft64(uint64(1)<<(imms+1)-1, -int(immr))
	tmask = uint64(1)<<((imms-immr)&63+1) - 1
	return
}

func bitfieldMasks32(immr, imms uint) (wmask, tmask uint32) {
	wmask = bits.RotateLeft32(uint32(1)<<(imms+1)-1, -int(immr))
	tmask = uint32(1)<<((imms-immr)&31+1) - 1
	return
}

func execSBFM64(c *CPU, in *arm64.Inst) {
	r, s := uint(in.Imm), uint(in.Imm2)
	src := c.x[in.Rn]
	wmask, tmask := bitfieldMasks64(r, s)
	bot := bits.RotateLeft64(src, -int(r)) & wmask
	top := uint64(int64(src<<(63-s)) >> 63)
	c.x[in.Rd] = top&^tmask | bot&tmask
	c.pc += 4
}

func execSBFM32(c *CPU, in *arm64.Inst) {
	r, s := uint(in.Imm), uint(in.Imm2)
	src := uint32(c.x[in.Rn])
	wmask, tmask := bitfieldMasks32(r, s)
	bot := bits.RotateLeft32(src, -int(r)) & wmask
	top := uint32(int32(src<<(31-s)) >> 31)
	c.x[in.Rd] = uint64(top&^tmask | bot&tmask)
	c.pc += 4
}

func execBFM64(c *CPU, in *arm64.Inst) {
	r, s := uint(in.Imm), uint(in.Imm2)
	src, dst := c.x[in.Rn], c.x[in.Rd]
	wmask, tmask := bitfieldMasks64(r, s)
	bot := dst&^wmask | bits.RotateLeft64(src, -int(r))&wmask
	c.x[in.Rd] = dst&^tmask | bot&tmask
	c.pc += 4
}

func execBFM32(c *CPU, in *arm64.Inst) {
	r, s := uint(in.Imm), uint(in.Imm2)
	src, dst := uint32(c.x[in.Rn]), uint32(c.x[in.Rd])
	wmask, tmask := bitfieldMasks32(r, s)
	bot := dst&^wmask | bits.RotateLeft32(src, -int(r))&wmask
	c.x[in.Rd] = uint64(dst&^tmask | bot&tmask)
	c.pc += 4
}

func execUBFM64(c *CPU, in *arm64.Inst) {
	r, s := uint(in.Imm), uint(in.Imm2)
	wmask, tmask := bitfieldMasks64(r, s)
	c.x[in.Rd] = bits.RotateLeft64(c.x[in.Rn], -int(r)) & wmask & tmask
	c.pc += 4
}

func execUBFM32(c *CPU, in *arm64.Inst) {
	r, s := uint(in.Imm), uint(in.Imm2)
	wmask, tmask := bitfieldMasks32(r, s)
	c.x[in.Rd] = uint64(bits.RotateLeft32(uint32(c.x[in.Rn]), -int(r)) & wmask & tmask)
	c.pc += 4
}

// EXTR: the low datasize bits of Rn:Rm shifted right by lsb (Imm2). With
// lsb = 0 the result is Rm: the shift of Rn by the full width gives 0.

func execEXTR64(c *CPU, in *arm64.Inst) {
	lsb := uint(in.Imm2)
	c.x[in.Rd] = c.x[in.Rm]>>lsb | c.x[in.Rn]<<(64-lsb)
	c.pc += 4
}

func execEXTR32(c *CPU, in *arm64.Inst) {
	lsb := uint(in.Imm2)
	c.x[in.Rd] = uint64(uint32(c.x[in.Rm])>>lsb | uint32(c.x[in.Rn])<<(32-lsb))
	c.pc += 4
}
