package emu

import (
	"fmt"
)

// EC is an exception class, the ESR_ELx.EC field (Arm ARM D17.2.37).
type EC uint8

const (
	ECUnknown          EC = 0x00 // Undefined Instruction and other unknown reasons
	ECWFx              EC = 0x01 // trapped WFI/WFE
	ECFPAccess         EC = 0x07 // FP/SIMD access trapped by CPACR_EL1.FPEN
	ECBTI              EC = 0x0d // Branch Target Exception
	ECIllegalState     EC = 0x0e // Illegal Execution state
	ECSVC64            EC = 0x15 // SVC in AArch64
	ECHVC64            EC = 0x16
	ECSMC64            EC = 0x17
	ECSysReg           EC = 0x18 // trapped MSR, MRS or system instruction
	ECPAC              EC = 0x1c // pointer authentication failure
	ECInstAbortLow     EC = 0x20 // Instruction Abort from EL0
	ECInstAbortCur     EC = 0x21 // Instruction Abort from EL1
	ECPCAlign          EC = 0x22 // PC alignment fault
	ECDataAbortLow     EC = 0x24 // Data Abort from EL0
	ECDataAbortCur     EC = 0x25 // Data Abort from EL1
	ECSPAlign          EC = 0x26 // SP alignment fault
	ECFPExc64          EC = 0x2c
	ECSError           EC = 0x2f
	ECBreakptLow       EC = 0x30 // hardware breakpoint from EL0
	ECBreakptCur       EC = 0x31
	ECSoftStepLow      EC = 0x32 // Software Step from EL0
	ECSoftStepCur      EC = 0x33 // Software Step from EL1
	ECWatchptLow       EC = 0x34
	ECWatchptCur       EC = 0x35
	ECBRK64            EC = 0x3c // BRK in AArch64
	ecIRQPseudo        EC = 0xff // not an EC: marks an asynchronous exception
	ESR_ELx_IL            = 1 << 25
	ESR_ELx_EC_SHIFT      = 26
	ESR_ELx_WNR           = 1 << 6  // Data Abort: write not read
	ESR_ELx_ISV           = 1 << 24 // Software Step: instruction syndrome valid
	ESR_ELx_EX            = 1 << 6  // Software Step: stepped a load-exclusive
	faultTranslationL3    = 0x07    // DFSC/IFSC: translation fault, level 3
	faultTranslationL0    = 0x04    // translation fault, level 0 (address out of range)
	faultPermissionL3     = 0x0f    // permission fault, level 3
	faultAlignment        = 0x21    // alignment fault
	softStepIFSC          = 0x22    // Software Step: the IFSC field value
)

var ecNames = map[EC]string{
	ECUnknown: "Unknown/Undefined", ECWFx: "WFx", ECFPAccess: "FP/SIMD access",
	ECBTI: "BTI", ECIllegalState: "Illegal Execution state", ECSVC64: "SVC64",
	ECHVC64: "HVC64", ECSMC64: "SMC64", ECSysReg: "MSR/MRS trap", ECPAC: "PAC",
	ECInstAbortLow: "IABT (lower EL)", ECInstAbortCur: "IABT (current EL)",
	ECPCAlign: "PC Alignment", ECDataAbortLow: "DABT (lower EL)",
	ECDataAbortCur: "DABT (current EL)", ECSPAlign: "SP Alignment",
	ECFPExc64: "FP (AArch64)", ECSError: "SError",
	ECBreakptLow: "Breakpoint (lower EL)", ECBreakptCur: "Breakpoint (current EL)",
	ECSoftStepLow: "Software Step (lower EL)", ECSoftStepCur: "Software Step (current EL)",
	ECWatchptLow: "Watchpoint (lower EL)", ECWatchptCur: "Watchpoint (current EL)",
	ECBRK64: "BRK (AArch64)",
}

// String names the class as Linux's esr_class_str does.
func (ec EC) String() string {
	if n, ok := ecNames[ec]; ok {
		return n
	}
	return fmt.Sprintf("UNRECOGNIZED EC %#x", uint8(ec))
}

// Exception is a synchronous exception as the CPU takes it to EL1: the
// syndrome it writes to ESR_EL1, the return address to ELR_EL1, the fault
// address to FAR_EL1 (when FARValid).
type Exception struct {
	EC       EC
	ISS      uint32 // instruction specific syndrome, ESR bits 24:0
	ELR      uint64 // preferred return address
	FAR      uint64
	FARValid bool
	FromEL   int    // the exception level it was taken from
	PSTATE   uint64 // PSTATE before the exception (as saved in SPSR_EL1)
	Vector   uint64 // offset into the vector table: 0x000, 0x200 or 0x400
}

// ESR returns the value written to ESR_EL1.
func (e *Exception) ESR() uint64 {
	return uint64(e.EC)<<ESR_ELx_EC_SHIFT | ESR_ELx_IL | uint64(e.ISS&0x1ff_ffff)
}

// Imm16 returns the immediate of a BRK, SVC, HVC or SMC (ISS bits 15:0).
func (e *Exception) Imm16() uint16 { return uint16(e.ISS) }

func (e *Exception) String() string {
	s := fmt.Sprintf("%v (ESR 0x%08x) at %#x from EL%d", e.EC, e.ESR(), e.ELR, e.FromEL)
	if e.FARValid {
		s += fmt.Sprintf(", FAR %#x", e.FAR)
	}
	return s
}

// raise records a synchronous exception for the run loop to take after the
// executor returns. Executors call it instead of changing PC.
func (c *CPU) raise(ec EC, iss uint32, elr uint64) {
	c.pending = Exception{EC: ec, ISS: iss, ELR: elr}
	c.events |= evException
}

// raiseFault records an abort with its fault address.
func (c *CPU) raiseFault(ec EC, iss uint32, elr, far uint64) {
	c.pending = Exception{EC: ec, ISS: iss, ELR: elr, FAR: far, FARValid: true}
	c.events |= evException
}

// undefined raises the Undefined Instruction exception for the current
// instruction (EC 0, ELR the instruction itself).
func (c *CPU) undefined() { c.raise(ECUnknown, 0, c.pc) }

// dataAbort raises a Data Abort for an access to addr by the current
// instruction.
func (c *CPU) dataAbort(addr uint64, write bool, fsc uint32) {
	ec := ECDataAbortCur
	if c.el == 0 {
		ec = ECDataAbortLow
	}
	iss := fsc
	if write {
		iss |= ESR_ELx_WNR
	}
	c.raiseFault(ec, iss, c.pc, addr)
}

// take performs exception entry to EL1 (Arm ARM, AArch64.TakeException):
// it saves PSTATE to SPSR_EL1 and the return address to ELR_EL1, writes
// ESR_EL1 (and FAR_EL1 for aborts), then moves to EL1 using SP_EL1 with all
// of DAIF masked, PSTATE.SS, IL and BTYPE cleared. PC is set to the vector;
// delivery decides whether the guest's vector runs or a Go handler.
func (c *CPU) take(e *Exception) {
	e.FromEL = int(c.el)
	e.PSTATE = c.PSTATE()
	switch {
	case c.el == 0:
		e.Vector = 0x400
	case c.spsel == 0:
		e.Vector = 0x000
	default:
		e.Vector = 0x200
	}
	c.sys.spsr = e.PSTATE
	c.sys.elr = e.ELR
	c.sys.esr = e.ESR()
	if e.FARValid {
		c.sys.far = e.FAR
	}
	c.switchSP(1, 1)
	c.daif = PSR_DAIF
	c.ss, c.il, c.btype = false, false, 0
	if c.sys.sctlr&(1<<23) == 0 { // SCTLR_EL1.SPAN == 0: set PAN
		c.pan = true
	}
	c.exclValid = false
	c.pc = c.sys.vbar + e.Vector
	c.m.mem.synchronize()
	c.updateStep()
}

// eret performs an exception return from EL1 (Arm ARM, AArch64.ExceptionReturn):
// PSTATE from SPSR_EL1, PC from ELR_EL1, the exclusive monitor cleared.
func (c *CPU) eret() {
	spsr := c.sys.spsr
	c.SetPSTATE(spsr)
	c.pc = c.sys.elr
	c.exclValid = false
	c.m.mem.synchronize()
}

// Software step (Arm ARM D2.12). Stepping is active when MDSCR_EL1.SS is
// set and debug exceptions are enabled from the current level: always at
// EL0, and at EL1 only with MDSCR_EL1.KDE set and PSTATE.D clear (kpemu
// has no EL2, so EL1 is the debug target). While active, PSTATE.SS = 1 is
// "active-not-pending": one instruction executes, PSTATE.SS becomes 0, and
// the next instruction boundary takes the Software Step exception
// ("active-pending") before executing anything.
const (
	mdscrSS  = 1 << 0
	mdscrKDE = 1 << 13
	mdscrMDE = 1 << 15
)

func (c *CPU) stepActive() bool {
	if c.sys.mdscr&mdscrSS == 0 {
		return false
	}
	if c.el == 0 {
		return true
	}
	return c.sys.mdscr&mdscrKDE != 0 && c.daif&PSR_D == 0
}

// updateStep recomputes whether the run loop must watch for software step.
//
// PSTATE.IL (after an illegal exception return) uses the same slow path:
// the next instruction takes the Illegal Execution state exception.
func (c *CPU) updateStep() {
	if c.stepActive() || c.il {
		c.events |= evStep
	} else {
		c.events &^= evStep
	}
}

// softwareStep raises the Software Step exception at an instruction
// boundary: ELR is the next instruction to execute, ISS has ISV set and
// EX telling whether the stepped instruction was a load-exclusive.
func (c *CPU) softwareStep(exclusive bool) {
	ec := ECSoftStepCur
	if c.el == 0 {
		ec = ECSoftStepLow
	}
	iss := uint32(ESR_ELx_ISV | softStepIFSC)
	if exclusive {
		iss |= ESR_ELx_EX
	}
	c.raise(ec, iss, c.pc)
}
