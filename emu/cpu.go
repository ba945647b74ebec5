package emu

import (
	"fmt"

	"github.com/kpemu/kpemu/arm64"
)

// CPU is one processing element: its registers, PSTATE, system registers,
// exclusive monitor and translation caches. CPUs of a machine share memory
// and the decoded-instruction cache.
type CPU struct {
	m  *Machine
	id int

	// x holds X0..X30 at 0..30, the zero register at 31 (the run loop
	// clears it after every instruction, so executors may write to it
	// freely as long as they read all sources first) and the current
	// stack pointer (SP_EL0 or SP_ELx, per PSTATE.SPSel) at 32. Indexing
	// by arm64.Reg therefore needs no test for ZR or SP.
	x  [33]uint64
	pc uint64

	// PSTATE, split into fields. nzcv is kept in place (bits 31:28).
	nzcv  uint64
	daif  uint64 // bits 9:6, as in DAIF and SPSR
	el    uint8  // 0 or 1
	spsel uint8  // 0: SP_EL0, 1: SP_ELx
	ss    bool   // PSTATE.SS (software step)
	il    bool   // PSTATE.IL (illegal execution state)
	btype uint8  // PSTATE.BTYPE
	pan   bool
	uao   bool
	ssbs  bool

	// The stack pointer not currently selected (the selected one is x[32]).
	spEL0, spEL1 uint64

	// FP/SIMD: V0..V31 as low and high 64-bit halves.
	v    [32][2]uint64
	fpcr uint64
	fpsr uint64

	sys sysRegs

	// Exclusive monitor (local): the address and size of the last
	// load-exclusive, valid until a store-exclusive, CLREX or exception
	// return clears it.
	exclValid bool
	exclAddr  uint64
	exclSize  uint8

	// Software translation cache and the instruction fetch page.
	tlb        [tlbSize]tlbEntry
	accessNeed Perm // PermUser at EL0, 0 at EL1: added to every access check
	fetchBase  uint64
	fetchPage  *page
	fetchCode  *codePage

	// Run loop communication: events tells the loop after an instruction
	// that something needs attention (an exception, a stop request, a
	// software step).
	events     uint32
	pending    Exception  // the exception an executor raised, when evException
	stopErr    error      // the error that ends the run
	stopReason StopReason // why the run stops, when it stops without error
	calls      int        // nesting depth of Call on this CPU

	// retired counts the instructions this CPU executed; it drives the
	// deterministic counters.
	retired uint64

	// Exception frames handed to hooks and handlers (handleEvents).
	excFrames []*Exception
	excDepth  int
}

// CPU.events bits.
const (
	evException uint32 = 1 << iota // pending holds an exception to take
	evStop                         // stop the run after this instruction
	evStep                         // software step is active: check after each instruction
)

const tlbSize = 256

type tlbEntry struct {
	vpn uint64
	p   *page
}

func (c *CPU) flushTLB() {
	for i := range c.tlb {
		c.tlb[i] = tlbEntry{vpn: ^uint64(0)}
	}
	c.fetchBase = ^uint64(0)
	c.fetchPage, c.fetchCode = nil, nil
}

// ID returns the CPU's number in its machine (MPIDR_EL1.Aff0).
func (c *CPU) ID() int { return c.id }

// Machine returns the machine the CPU belongs to.
func (c *CPU) Machine() *Machine { return c.m }

// X returns general-purpose register n (0..30); n == 31 reads as zero.
func (c *CPU) X(n int) uint64 {
	if n < 0 || n > 31 {
		panic(fmt.Sprintf("emu: X%d out of range", n))
	}
	if n == 31 {
		return 0
	}
	return c.x[n]
}

// SetX sets general-purpose register n (0..30); writing 31 does nothing.
func (c *CPU) SetX(n int, v uint64) {
	if n < 0 || n > 31 {
		panic(fmt.Sprintf("emu: X%d out of range", n))
	}
	if n < 31 {
		c.x[n] = v
	}
}

// Xs copies X0..X30 into dst, and SetXs sets them from src: the bulk
// forms of X and SetX, for code that saves and restores the whole
// register file (the kernel's pt_regs).
func (c *CPU) Xs(dst *[31]uint64)    { copy(dst[:], c.x[:31]) }
func (c *CPU) SetXs(src *[31]uint64) { copy(c.x[:31], src[:]) }

// Reg reads a register operand as an executor sees it (ZR reads zero, SP
// the current stack pointer).
func (c *CPU) Reg(r arm64.Reg) uint64 {
	if r == arm64.ZR {
		return 0
	}
	return c.x[r]
}

// SP returns the current stack pointer (SP_EL0 or SP_EL1 per PSTATE).
func (c *CPU) SP() uint64 { return c.x[32] }

// SetSP sets the current stack pointer.
func (c *CPU) SetSP(v uint64) { c.x[32] = v }

// SPEL returns SP_EL0 (el 0) or SP_EL1 (el 1), whichever is selected.
func (c *CPU) SPEL(el int) uint64 {
	if c.curSPIs(el) {
		return c.x[32]
	}
	if el == 0 {
		return c.spEL0
	}
	return c.spEL1
}

// SetSPEL sets SP_EL0 or SP_EL1.
func (c *CPU) SetSPEL(el int, v uint64) {
	switch {
	case c.curSPIs(el):
		c.x[32] = v
	case el == 0:
		c.spEL0 = v
	default:
		c.spEL1 = v
	}
}

func (c *CPU) curSPIs(el int) bool {
	if c.spsel == 0 {
		return el == 0
	}
	return el == int(c.el)
}

// PC returns the program counter.
func (c *CPU) PC() uint64 { return c.pc }

// SetPC sets the program counter.
func (c *CPU) SetPC(v uint64) { c.pc = v }

// EL returns the current exception level, 0 or 1.
func (c *CPU) EL() int { return int(c.el) }

// NZCV returns the condition flags in place (bits 31:28).
func (c *CPU) NZCV() uint64 { return c.nzcv }

// SetNZCV sets the condition flags from bits 31:28 of v.
func (c *CPU) SetNZCV(v uint64) { c.nzcv = v & 0xf000_0000 }

// DAIF returns the interrupt mask bits in place (bits 9:6).
func (c *CPU) DAIF() uint64 { return c.daif }

// SetDAIF sets the interrupt mask bits from bits 9:6 of v.
func (c *CPU) SetDAIF(v uint64) {
	c.daif = v & 0x3c0
	c.updateStep()
}

// V returns FP/SIMD register n as its low and high 64 bits.
func (c *CPU) V(n int) (lo, hi uint64) { return c.v[n][0], c.v[n][1] }

// SetV sets FP/SIMD register n.
func (c *CPU) SetV(n int, lo, hi uint64) { c.v[n] = [2]uint64{lo, hi} }

// FPCRImplemented and FPSRImplemented are the bits of FPCR and FPSR the
// modelled CPU implements; the others are RES0 and read as zero. FPCR:
// AHP, DN, FZ and RMode (no FEAT_FP16, so no FZ16; no AArch32, so no Len
// and Stride; no trapped floating-point exceptions, so no trap enables).
// FPSR: QC and the cumulative exception flags IDC, IXC, UFC, OFC, DZC, IOC
// (no AArch32, so no N, Z, C, V).
const (
	FPCRImplemented = 0x07c0_0000
	FPSRImplemented = 0x0800_009f
)

// FPCR and FPSR.
func (c *CPU) FPCR() uint64     { return c.fpcr }
func (c *CPU) FPSR() uint64     { return c.fpsr }
func (c *CPU) SetFPCR(v uint64) { c.fpcr = v & FPCRImplemented }
func (c *CPU) SetFPSR(v uint64) { c.fpsr = v & FPSRImplemented }

// Retired returns the number of instructions this CPU has executed.
func (c *CPU) Retired() uint64 { return c.retired }

// PSTATE bits in the SPSR layout (Arm ARM, "SPSR_EL1").
const (
	PSR_N      = 1 << 31
	PSR_Z      = 1 << 30
	PSR_C      = 1 << 29
	PSR_V      = 1 << 28
	PSR_UAO    = 1 << 23
	PSR_PAN    = 1 << 22
	PSR_SS     = 1 << 21
	PSR_IL     = 1 << 20
	PSR_SSBS   = 1 << 12
	PSR_BTYPE  = 3 << 10
	PSR_D      = 1 << 9
	PSR_A      = 1 << 8
	PSR_I      = 1 << 7
	PSR_F      = 1 << 6
	PSR_DAIF   = PSR_D | PSR_A | PSR_I | PSR_F
	PSR_MODE   = 0xf // M[3:0]; M[4] is 0 for AArch64
	PSR_EL0t   = 0b0000
	PSR_EL1t   = 0b0100
	PSR_EL1h   = 0b0101
	psrMValid  = PSR_EL0t | PSR_EL1t | PSR_EL1h
	psrKnown   = 0xf000_0000 | PSR_UAO | PSR_PAN | PSR_SS | PSR_IL | PSR_SSBS | PSR_BTYPE | PSR_DAIF | PSR_MODE
	psrFlagsOK = psrKnown
)

// PSTATE returns PSTATE in the SPSR layout, as an exception would save it.
func (c *CPU) PSTATE() uint64 {
	v := c.nzcv | c.daif | uint64(c.btype)<<10 | uint64(c.el)<<2 | uint64(c.spsel)
	if c.ss {
		v |= PSR_SS
	}
	if c.il {
		v |= PSR_IL
	}
	if c.pan {
		v |= PSR_PAN
	}
	if c.uao {
		v |= PSR_UAO
	}
	if c.ssbs {
		v |= PSR_SSBS
	}
	return v
}

// SetPSTATE sets PSTATE from the SPSR layout, as an exception return does,
// switching the exception level and stack pointer. A mode that is not
// EL0t, EL1t or EL1h (kpemu models EL0 and EL1 in AArch64) is an illegal
// exception return: PSTATE.IL is set and the mode is kept, as the
// architecture's IllegalExceptionReturn does.
func (c *CPU) SetPSTATE(v uint64) {
	mode := v & PSR_MODE
	illegal := mode != PSR_EL0t && mode != PSR_EL1t && mode != PSR_EL1h || v&0x10 != 0
	if !illegal {
		c.switchSP(uint8(mode>>2), uint8(mode&1))
	}
	c.nzcv = v & 0xf000_0000
	c.daif = v & PSR_DAIF
	c.btype = uint8(v>>10) & 3
	c.ss = v&PSR_SS != 0
	c.il = v&PSR_IL != 0
	c.pan = v&PSR_PAN != 0
	c.uao = v&PSR_UAO != 0
	c.ssbs = v&PSR_SSBS != 0
	if illegal {
		// SetPSTATEFromPSR: everything but the mode comes from the SPSR,
		// and PSTATE.IL is set.
		c.il = true
	}
	c.updateStep()
}

// switchSP changes the exception level and SPSel, banking the stack pointer.
func (c *CPU) switchSP(el, spsel uint8) {
	// Save the current SP to its bank.
	if c.spsel == 0 || c.el == 0 {
		c.spEL0 = c.x[32]
	} else {
		c.spEL1 = c.x[32]
	}
	if el == 0 {
		spsel = 0
	}
	if el != c.el {
		c.el = el
		c.accessNeed = 0
		if el == 0 {
			c.accessNeed = PermUser
		}
		c.fetchBase = ^uint64(0)
	}
	c.spsel = spsel
	if spsel == 0 {
		c.x[32] = c.spEL0
	} else {
		c.x[32] = c.spEL1
	}
}

// SetSPSel selects SP_EL0 (0) or SP_ELx (1) at the current level, as
// MSR SPSel does.
func (c *CPU) SetSPSel(v int) { c.switchSP(c.el, uint8(v&1)) }

// SetEL changes the exception level and selects SP_ELx at EL1, for setting
// up a call (it is not an exception: no state is saved).
func (c *CPU) SetEL(el int) {
	c.switchSP(uint8(el&1), 1)
	c.updateStep()
}
