package emu

import "github.com/kpemu/kpemu/arm64"

// Executors of the branches and exception generating instructions (Arm ARM
// C6.2, the instruction pages named beside each function).
//
// Branches set c.pc themselves instead of adding 4. B.cond and B end most
// loops, so they are as small as they can be: B.cond gets one function per
// condition, chosen when the instruction enters the decoded-instruction
// cache, that tests the flags directly.
//
// PSTATE.BTYPE is not tracked: FEAT_BTI is off by default, and kpemu has no
// guarded pages, so no Branch Target exception can ever be taken; with it
// on, BTI executes as a NOP like the rest of the hint space.

func init() {
	defineExec(arm64.B, execB)
	defineExec(arm64.BL, execBL)
	defineExecSelect(arm64.Bcond, func(in *arm64.Inst) execFn { return bcondExec[in.Cond&15] })
	defineExecSelect(arm64.CBZ, func(in *arm64.Inst) execFn {
		if in.Sf {
			return execCBZ64
		}
		return execCBZ32
	})
	defineExecSelect(arm64.CBNZ, func(in *arm64.Inst) execFn {
		if in.Sf {
			return execCBNZ64
		}
		return execCBNZ32
	})
	defineExec(arm64.TBZ, execTBZ)
	defineExec(arm64.TBNZ, execTBNZ)
	defineExec(arm64.BR, execBR)
	defineExec(arm64.BLR, execBLR)
	defineExec(arm64.RET, execBR) // RET is BR with a return hint (C6.2.255)
	defineExec(arm64.ERET, execERET)

	// The pointer authentication branches exist only with FEAT_PAuth,
	// which kpemu does not implement (New refuses it): without it they are
	// UNDEFINED (C6.2.38 BRAA: "if !IsFeatureImplemented(FEAT_PAuth) then
	// UNDEFINED"). The executor is the same UNDEFINED for the day the
	// feature table is built with it on by mistake.
	for _, op := range []arm64.Op{arm64.BRAA, arm64.BRAAZ, arm64.BRAB, arm64.BRABZ,
		arm64.BLRAA, arm64.BLRAAZ, arm64.BLRAB, arm64.BLRABZ,
		arm64.RETAA, arm64.RETAB, arm64.ERETAA, arm64.ERETAB} {
		defineExecFeature(op, func(f *Features) bool { return f.PAuth }, execUndefined)
	}

	defineExec(arm64.SVC, execSVC)
	defineExec(arm64.BRK, execBRK)
	// HVC is UNDEFINED when EL2 is not implemented, SMC when EL3 is not
	// (C6.2.122 HVC, C6.2.274 SMC); kpemu models EL0 and EL1 only.
	defineExec(arm64.HVC, execUndefined)
	defineExec(arm64.SMC, execUndefined)
	// HLT is UNDEFINED when halting is not allowed (C6.2.121: EDSCR.HDE is
	// 0, as without an external debugger), DCPS1..3 and DRPS outside Debug
	// state (C6.2.80, C6.2.83), UDF always (C6.2.387).
	defineExec(arm64.HLT, execUndefined)
	defineExec(arm64.DCPS1, execUndefined)
	defineExec(arm64.DCPS2, execUndefined)
	defineExec(arm64.DCPS3, execUndefined)
	defineExec(arm64.DRPS, execUndefined)
	defineExec(arm64.UDF, execUndefined)
}

// branchIf is BranchTo(PC + offset) when taken, else the next instruction.
func branchIf(c *CPU, in *arm64.Inst, taken bool) {
	if taken {
		c.pc += uint64(in.Imm)
		return
	}
	c.pc += 4
}

// execB: B <label> (C6.2.26).
func execB(c *CPU, in *arm64.Inst) { c.pc += uint64(in.Imm) }

// execBL: BL <label> (C6.2.35): X30 = PC + 4.
func execBL(c *CPU, in *arm64.Inst) {
	c.x[30] = c.pc + 4
	c.pc += uint64(in.Imm)
}

// bcondExec holds B.cond (C6.2.27) for each condition, each the manual's
// ConditionHolds written out for its cond (N is bit 31, Z 30, C 29, V 28).
var bcondExec = [16]execFn{
	arm64.EQ: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_Z != 0) },
	arm64.NE: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_Z == 0) },
	arm64.CS: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_C != 0) },
	arm64.CC: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_C == 0) },
	arm64.MI: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_N != 0) },
	arm64.PL: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_N == 0) },
	arm64.VS: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_V != 0) },
	arm64.VC: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_V == 0) },
	arm64.HI: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&(PSR_C|PSR_Z) == PSR_C) },
	arm64.LS: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&(PSR_C|PSR_Z) != PSR_C) },
	arm64.GE: func(c *CPU, in *arm64.Inst) { branchIf(c, in, nEqualsV(c.nzcv)) },
	arm64.LT: func(c *CPU, in *arm64.Inst) { branchIf(c, in, !nEqualsV(c.nzcv)) },
	arm64.GT: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_Z == 0 && nEqualsV(c.nzcv)) },
	arm64.LE: func(c *CPU, in *arm64.Inst) { branchIf(c, in, c.nzcv&PSR_Z != 0 || !nEqualsV(c.nzcv)) },
	arm64.AL: execB,
	arm64.NV: execB, // NV is "always" in A64 (C1.2.4)
}

func nEqualsV(nzcv uint64) bool { return (nzcv>>31^nzcv>>28)&1 == 0 }

// CBZ and CBNZ (C6.2.60, C6.2.59): the 32-bit forms test only the W
// register.
func execCBZ64(c *CPU, in *arm64.Inst)  { branchIf(c, in, c.x[in.Rt] == 0) }
func execCBZ32(c *CPU, in *arm64.Inst)  { branchIf(c, in, uint32(c.x[in.Rt]) == 0) }
func execCBNZ64(c *CPU, in *arm64.Inst) { branchIf(c, in, c.x[in.Rt] != 0) }
func execCBNZ32(c *CPU, in *arm64.Inst) { branchIf(c, in, uint32(c.x[in.Rt]) != 0) }

// TBZ and TBNZ (C6.2.375, C6.2.374): Imm2 is the bit number.
func execTBZ(c *CPU, in *arm64.Inst)  { branchIf(c, in, c.x[in.Rt]>>uint(in.Imm2&63)&1 == 0) }
func execTBNZ(c *CPU, in *arm64.Inst) { branchIf(c, in, c.x[in.Rt]>>uint(in.Imm2&63)&1 != 0) }

// execBR: BR <Xn> and RET {<Xn>} (C6.2.37, C6.2.255). A misaligned target
// takes the PC alignment fault when it is fetched, as the architecture
// says.
func execBR(c *CPU, in *arm64.Inst) { c.pc = c.x[in.Rn] }

// execBLR: BLR <Xn> (C6.2.36). The target is read before X30 is written,
// so BLR X30 branches to the old X30.
func execBLR(c *CPU, in *arm64.Inst) {
	target := c.x[in.Rn]
	c.x[30] = c.pc + 4
	c.pc = target
}

// execERET: ERET (C6.2.91) is UNDEFINED at EL0; at EL1 it restores PSTATE
// from SPSR_EL1 (an illegal return sets PSTATE.IL) and branches to ELR_EL1.
func execERET(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.eret()
}

// execSVC: SVC #imm (C6.2.365) takes the Supervisor Call exception to EL1
// with ISS = imm16 and the preferred return address the next instruction.
func execSVC(c *CPU, in *arm64.Inst) { c.raise(ECSVC64, uint32(in.Imm), c.pc+4) }

// execBRK: BRK #imm (C6.2.40) takes the Breakpoint Instruction exception
// with ISS = imm16 and the preferred return address the BRK itself.
func execBRK(c *CPU, in *arm64.Inst) { c.raise(ECBRK64, uint32(in.Imm), c.pc) }
