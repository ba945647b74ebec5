package emu

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Exception entry and return, vectors, Go handlers, software step and
// illegal exception return, driven by the exception generating, ERET and
// system instructions. The encodings were assembled with
// aarch64-linux-gnu-as from the source beside each word.

// User memory for EL0 tests: a code page and a stack page EL0 can access.
const (
	excUser      uint64 = 0x40_0000
	excUserStack uint64 = 0x7f_0000
)

// excUserCode maps the user pages, writes words at excUser and puts CPU 0
// at EL0 (EL0t, DAIF clear) with PC there and SP at the top of the user
// stack. It returns excUser.
func excUserCode(t *testing.T, m *Machine, words ...uint32) uint64 {
	t.Helper()
	require.NoError(t, m.Map(excUser, PageSize, PermRX|PermUser))
	require.NoError(t, m.Map(excUserStack, PageSize, PermRW|PermUser))
	writeWords(t, m, excUser, words...)
	c := m.CPU(0)
	c.SetPSTATE(PSR_EL0t)
	require.Equal(t, 0, c.EL())
	c.SetSP(excUserStack + PageSize)
	c.SetPC(excUser)
	return excUser
}

// excVBAR is a vector table base (2 KiB aligned) inside the test code area.
const excVBAR = testCode + 0x8000

// TestBRKToGoHandler checks the state exception entry leaves for a Go
// handler (Arm ARM D1.3.x, AArch64.TakeException) and the ERET after it.
func TestBRKToGoHandler(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd4200080, // brk #0x4
		0x91000400, // add x0, x0, #1
	)
	c := m.CPU(0)
	c.SetVBAR(excVBAR)
	c.SetDAIF(0)
	c.SetNZCV(PSR_Z | PSR_C)
	before := c.PSTATE()
	require.Equal(t, uint64(PSR_Z|PSR_C|PSR_EL1h), before)
	sp := c.SP()

	calls := 0
	m.HandleException(ECBRK64, func(c *CPU, e *Exception) (bool, error) {
		calls++
		assert.Equal(t, uint64(0xf2000004), c.ESR(), "EC 0x3C, IL, ISS = imm16")
		assert.Equal(t, uint16(4), e.Imm16())
		assert.Equal(t, testCode, c.ELR(), "ELR is the BRK itself")
		assert.Equal(t, before, c.SPSR(), "SPSR_EL1 holds the previous PSTATE")
		assert.Equal(t, uint64(PSR_Z|PSR_C|PSR_EL1h|PSR_DAIF), c.PSTATE(), "EL1h, DAIF masked, flags kept")
		assert.Equal(t, excVBAR+0x200, c.PC(), "current EL with SP_ELx: VBAR + 0x200")
		assert.Equal(t, uint64(0x200), e.Vector)
		assert.Equal(t, 1, e.FromEL)
		assert.Equal(t, sp, c.SP())
		c.SetELR(c.ELR() + 4)
		return true, nil
	})
	stepN(t, m, 2)
	assert.Equal(t, 1, calls)
	assert.Equal(t, testCode+8, c.PC())
	assert.Equal(t, uint64(1), c.X(0))
	assert.Equal(t, before, c.PSTATE(), "ERET restored PSTATE from SPSR_EL1")
}

// TestBRKVectorOffsets: the vector is VBAR + 0x000 from EL1t, 0x200 from
// EL1h and 0x400 from EL0 (Arm ARM D1.3.1, "Exception vectors").
func TestBRKVectorOffsets(t *testing.T) {
	type seen struct {
		pc, spsr, sp uint64
		fromEL       int
	}
	run := func(t *testing.T, m *Machine) seen {
		var s seen
		m.HandleException(ECBRK64, func(c *CPU, e *Exception) (bool, error) {
			s = seen{c.PC(), c.SPSR(), c.SP(), e.FromEL}
			c.SetELR(c.ELR() + 4)
			return true, nil
		})
		m.CPU(0).SetVBAR(excVBAR)
		stepN(t, m, 1)
		return s
	}
	const spEL1 = testStack + testArea
	t.Run("EL1h", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xd4200000) // brk #0
		s := run(t, m)
		assert.Equal(t, seen{excVBAR + 0x200, PSR_EL1h | PSR_DAIF, spEL1, 1}, s)
	})
	t.Run("EL1t", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xd4200000) // brk #0
		c := m.CPU(0)
		c.SetSPSel(0)
		c.SetSP(testStack + 0x8000) // SP_EL0
		s := run(t, m)
		assert.Equal(t, seen{excVBAR + 0x000, PSR_EL1t | PSR_DAIF, spEL1, 1}, s,
			"the handler runs on SP_EL1")
		assert.Equal(t, testStack+0x8000, c.SP(), "back on SP_EL0")
		assert.Equal(t, uint64(PSR_EL1t|PSR_DAIF), c.PSTATE())
	})
	t.Run("EL0", func(t *testing.T) {
		m := newTestMachine(t, nil)
		u := excUserCode(t, m, 0xd4200000) // brk #0
		c := m.CPU(0)
		s := run(t, m)
		assert.Equal(t, seen{excVBAR + 0x400, PSR_EL0t, spEL1, 0}, s)
		assert.Equal(t, u+4, c.PC())
		assert.Equal(t, 0, c.EL())
		assert.Equal(t, excUserStack+PageSize, c.SP())
	})
}

func TestSVCFromEL0(t *testing.T) {
	m := newTestMachine(t, nil)
	u := excUserCode(t, m,
		0xd4000001, // svc #0
		0x91000400, // add x0, x0, #1
	)
	c := m.CPU(0)
	c.SetVBAR(excVBAR)
	c.SetNZCV(PSR_N)
	var esr, elr, spsr, pc uint64
	m.HandleException(ECSVC64, func(c *CPU, e *Exception) (bool, error) {
		esr, elr, spsr, pc = c.ESR(), c.ELR(), c.SPSR(), c.PC()
		assert.Equal(t, 1, c.EL())
		c.SetX(0, 41) // the system call's return value
		return true, nil
	})
	stepN(t, m, 2)
	assert.Equal(t, uint64(0x56000000), esr, "EC 0x15, IL, imm16 0")
	assert.Equal(t, u+4, elr, "ELR is the instruction after the SVC")
	assert.Equal(t, uint64(PSR_N|PSR_EL0t), spsr)
	assert.Equal(t, excVBAR+0x400, pc, "lower EL using AArch64: VBAR + 0x400")
	assert.Equal(t, uint64(42), c.X(0))
	assert.Equal(t, 0, c.EL())
	assert.Equal(t, u+8, c.PC())
}

func TestUnhandledBRK(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd503201f, // nop
		0xd4207d00, // brk #0x3e8
	)
	c := m.CPU(0)
	_, err := m.Run(context.Background(), &RunOptions{Budget: 1000})
	var ee *ExceptionError
	require.True(t, errors.As(err, &ee), "%v", err)
	assert.Equal(t, ECBRK64, ee.EC)
	assert.Equal(t, uint64(0xf20003e8), ee.ESR())
	assert.Equal(t, testCode+4, ee.Where.PC)
	assert.Equal(t, uint32(0xd4207d00), ee.Where.Word)
	assert.Equal(t, "brk\t#0x3e8", ee.Where.Disasm)
	msg := err.Error()
	assert.Contains(t, msg, "BRK")
	assert.Contains(t, msg, "f20003e8")
	assert.Contains(t, msg, "ffff800010000004")
	assert.Contains(t, msg, "brk\t#0x3e8")
	// The CPU is left at the BRK, as if a handler had done nothing.
	assert.Equal(t, testCode+4, c.PC())
	assert.Equal(t, uint64(PSR_EL1h|PSR_DAIF), c.PSTATE())
	assert.Equal(t, uint64(0xf20003e8), c.ESR())
	assert.Equal(t, testCode+4, c.ELR())
}

func TestUnhandledSVCNamesTheSVC(t *testing.T) {
	m := newTestMachine(t, nil, 0xd4000001) // svc #0
	ee := stepUnhandled(t, m)
	assert.Equal(t, ECSVC64, ee.EC)
	assert.Equal(t, testCode+4, ee.ELR)
	assert.Equal(t, testCode, ee.Where.PC, "the error points at the svc")
	assert.Equal(t, "svc\t#0x0", ee.Where.Disasm)
}

// TestGuestVectors: with VBAR_EL1 set and no Go handler, the guest's vector
// code runs; it reads the syndrome, moves ELR past the BRK and returns.
func TestGuestVectors(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd42000e0, // brk #0x7
		0x91000400, // add x0, x0, #1
	)
	writeWords(t, m, excVBAR+0x200,
		0xd5384029, // mrs x9, elr_el1
		0x91001129, // add x9, x9, #4
		0xd5184029, // msr elr_el1, x9
		0xd538520a, // mrs x10, esr_el1
		0xd538400b, // mrs x11, spsr_el1
		0xd69f03e0, // eret
	)
	c := m.CPU(0)
	c.SetVBAR(excVBAR)
	c.SetDAIF(0)
	r, err := m.Run(context.Background(), &RunOptions{Budget: 100000, StopAt: []uint64{testCode + 8}})
	require.NoError(t, err)
	assert.Equal(t, StopAddress, r.Reason)
	assert.Equal(t, uint64(1+6+1), r.Executed, "brk, the six vector instructions, add")
	assert.Equal(t, testCode+4, c.X(9))
	assert.Equal(t, uint64(0xf2000007), c.X(10))
	assert.Equal(t, uint64(PSR_EL1h), c.X(11))
	assert.Equal(t, uint64(1), c.X(0))
	assert.Equal(t, uint64(PSR_EL1h), c.PSTATE(), "DAIF unmasked again by the ERET")
}

func TestGuestVectorSVCFromEL0(t *testing.T) {
	m := newTestMachine(t, nil)
	writeWords(t, m, excVBAR+0x400,
		0xd538520a, // mrs x10, esr_el1
		0xd2800540, // mov x0, #42
		0xd69f03e0, // eret
	)
	u := excUserCode(t, m,
		0xd4000001, // svc #0
		0x91000400, // add x0, x0, #1
	)
	c := m.CPU(0)
	c.SetVBAR(excVBAR)
	r, err := m.Run(context.Background(), &RunOptions{Budget: 100000, StopAt: []uint64{u + 8}})
	require.NoError(t, err)
	assert.Equal(t, StopAddress, r.Reason)
	assert.Equal(t, uint64(0x56000000), c.X(10))
	assert.Equal(t, uint64(43), c.X(0))
	assert.Equal(t, 0, c.EL())
}

// Software step, as Linux kprobes before v5.10 stepped the out-of-line
// copy: MDSCR_EL1.{SS,KDE} set, SPSR_EL1.SS set and D clear, ERET into the
// instruction; after it, the Software Step exception (EC 0x33 from EL1,
// ISS.ISV set, IFSC 0x22) with ELR the next instruction (Arm ARM D2.12).
const (
	excStepESR  = 0xcf000022 // EC 0x33, IL, ISV, IFSC 0x22
	excStepSPSR = PSR_EL1h | PSR_A | PSR_I | PSR_F | PSR_SS
)

type stepRecord struct {
	esr, elr, spsr, x5 uint64
}

// handleStep records the Software Step exceptions and turns stepping off,
// as the kernel's single step handler does.
func handleStep(m *Machine, ec EC, rec *[]stepRecord) {
	m.HandleException(ec, func(c *CPU, e *Exception) (bool, error) {
		*rec = append(*rec, stepRecord{c.ESR(), c.ELR(), c.SPSR(), c.X(5)})
		c.SetMDSCR(0)
		return true, nil
	})
}

func TestSoftwareStepThroughMSR(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd2840020, // mov x0, #0x2001
		0xd5100240, // msr mdscr_el1, x0
		0xd28038a2, // movz x2, #0x1c5
		0xf2a00402, // movk x2, #0x20, lsl #16
		0x10000081, // adr x1, target
		0xd5184002, // msr spsr_el1, x2
		0xd5184021, // msr elr_el1, x1
		0xd69f03e0, // eret
		// target:
		0x910004a5, // add x5, x5, #1
		0x910004a5, // add x5, x5, #1
	)
	const target = testCode + 32
	var rec []stepRecord
	handleStep(m, ECSoftStepCur, &rec)
	c := m.CPU(0)
	_, err := m.Run(context.Background(), &RunOptions{Budget: 100000, StopAt: []uint64{target + 8}})
	require.NoError(t, err)
	require.Len(t, rec, 1)
	assert.Equal(t, stepRecord{excStepESR, target + 4, PSR_EL1h | PSR_A | PSR_I | PSR_F, 1}, rec[0],
		"one instruction stepped; SPSR.SS is 0 (active-pending) and D clear")
	assert.Equal(t, uint64(2), c.X(5))
}

func TestSoftwareStepFromGo(t *testing.T) {
	stepped := []uint32{
		0x910004a5, // add x5, x5, #1
		0x910004a5, // add x5, x5, #1
	}
	t.Run("ERET", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xd69f03e0) // eret
		writeWords(t, m, testCode+0x100, stepped...)
		var rec []stepRecord
		handleStep(m, ECSoftStepCur, &rec)
		c := m.CPU(0)
		c.SetMDSCR(mdscrSS | mdscrKDE)
		c.SetSPSR(excStepSPSR)
		c.SetELR(testCode + 0x100)
		stepN(t, m, 2) // the ERET, then the stepped add with its step exception
		require.Len(t, rec, 1)
		assert.Equal(t, stepRecord{excStepESR, testCode + 0x104, excStepSPSR &^ PSR_SS, 1}, rec[0])
		stepN(t, m, 1) // stepping is off: the second add runs freely
		assert.Equal(t, uint64(2), c.X(5))
		assert.Len(t, rec, 1)
	})
	t.Run("PSTATE", func(t *testing.T) {
		m := newTestMachine(t, nil, stepped...)
		var rec []stepRecord
		handleStep(m, ECSoftStepCur, &rec)
		c := m.CPU(0)
		c.SetMDSCR(mdscrSS | mdscrKDE)
		c.SetPSTATE(excStepSPSR)
		stepN(t, m, 1)
		require.Len(t, rec, 1)
		assert.Equal(t, stepRecord{excStepESR, testCode + 4, excStepSPSR &^ PSR_SS, 1}, rec[0])
	})
	t.Run("no step while D is masked", func(t *testing.T) {
		m := newTestMachine(t, nil, stepped...)
		var rec []stepRecord
		handleStep(m, ECSoftStepCur, &rec)
		c := m.CPU(0)
		c.SetMDSCR(mdscrSS | mdscrKDE)
		c.SetPSTATE(excStepSPSR | PSR_D)
		stepN(t, m, 2)
		assert.Empty(t, rec)
		assert.Equal(t, uint64(2), c.X(5))
	})
	t.Run("EL0", func(t *testing.T) {
		// Stepping EL0 needs MDSCR_EL1.SS only; the exception is EC 0x32.
		m := newTestMachine(t, nil, 0xd69f03e0) // eret
		require.NoError(t, m.Map(excUser, PageSize, PermRX|PermUser))
		writeWords(t, m, excUser, stepped...)
		var rec []stepRecord
		handleStep(m, ECSoftStepLow, &rec)
		c := m.CPU(0)
		c.SetMDSCR(mdscrSS)
		c.SetSPSR(PSR_EL0t | PSR_SS)
		c.SetELR(excUser)
		c.SetVBAR(excVBAR)
		stepN(t, m, 2)
		require.Len(t, rec, 1)
		assert.Equal(t, stepRecord{0xcb000022, excUser + 4, PSR_EL0t, 1}, rec[0])
		assert.Equal(t, 0, c.EL())
		assert.Equal(t, excUser+4, c.PC())
	})
}

// TestSoftwareStepOverSVC steps an instruction that takes an exception:
// the SVC is taken with SPSR_EL1.SS = 0, and returning from it, the step
// is active-pending, so the Software Step exception comes before the next
// instruction executes (Arm ARM D2.12.x, "Stepping an instruction that
// generates a synchronous exception").
func TestSoftwareStepOverSVC(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd4000001, // svc #0
		0x910004a5, // add x5, x5, #1
	)
	var order []EC
	var svcSPSR uint64
	m.HandleException(ECSVC64, func(c *CPU, e *Exception) (bool, error) {
		order = append(order, e.EC)
		svcSPSR = c.SPSR()
		return true, nil
	})
	var rec []stepRecord
	handleStep(m, ECSoftStepCur, &rec)
	m.AddExceptionHook(func(c *CPU, e *Exception) {
		if e.EC == ECSoftStepCur {
			order = append(order, e.EC)
		}
	})
	c := m.CPU(0)
	c.SetMDSCR(mdscrSS | mdscrKDE)
	c.SetPSTATE(excStepSPSR)
	_, err := m.Run(context.Background(), &RunOptions{Budget: 100000, StopAt: []uint64{testCode + 8}})
	require.NoError(t, err)
	assert.Equal(t, []EC{ECSVC64, ECSoftStepCur}, order)
	assert.Equal(t, uint64(excStepSPSR&^PSR_SS), svcSPSR)
	require.Len(t, rec, 1)
	assert.Equal(t, stepRecord{excStepESR, testCode + 4, excStepSPSR &^ PSR_SS, 0}, rec[0],
		"the step exception comes before the add")
	assert.Equal(t, uint64(1), c.X(5))
}

// TestIllegalExceptionReturn: ERET with SPSR_EL1.M = EL2h (no EL2) is an
// illegal exception return: PC from ELR, PSTATE.IL set, the mode kept, and
// the next instruction takes the Illegal Execution state exception (EC
// 0x0E) instead of executing (Arm ARM D1.4.x, "Illegal return events").
func TestIllegalExceptionReturn(t *testing.T) {
	m := newTestMachine(t, nil, 0xd69f03e0)     // eret
	writeWords(t, m, testCode+0x40, 0x910004a5) // add x5, x5, #1
	c := m.CPU(0)
	const el2h = 0b1001
	c.SetSPSR(PSR_Z | el2h)
	c.SetELR(testCode + 0x40)
	var got []uint64
	m.HandleException(ECIllegalState, func(c *CPU, e *Exception) (bool, error) {
		got = append(got, c.ESR(), c.ELR(), c.SPSR(), c.X(5))
		c.SetSPSR(c.SPSR() &^ PSR_IL) // the handler's job: clear IL to resume
		return true, nil
	})
	stepN(t, m, 1)
	assert.Equal(t, testCode+0x40, c.PC())
	assert.Equal(t, 1, c.EL())
	assert.Equal(t, uint64(PSR_Z|PSR_IL|PSR_EL1h), c.PSTATE(), "NZCV and DAIF from SPSR, mode kept, IL set")
	// The exception is taken before the add executes; after the handler's
	// ERET the add runs (the exception does not count as an instruction).
	stepN(t, m, 1)
	require.Len(t, got, 4)
	assert.Equal(t, []uint64{0x3a000000, testCode + 0x40, PSR_Z | PSR_IL | PSR_EL1h, 0}, got,
		"EC 0x0E at the first instruction, which did not execute")
	assert.Equal(t, uint64(1), c.X(5))
	assert.Equal(t, testCode+0x44, c.PC())
}

// TestIllegalExceptionReturnPAN: the architecture restores PSTATE.PAN from
// SPSR even on an illegal exception return (SetPSTATEFromPSR: NZCV, PAN and
// DAIF are "reinstated regardless of illegal exception return").
func TestIllegalExceptionReturnPAN(t *testing.T) {
	m := newTestMachine(t, nil, 0xd69f03e0) // eret
	c := m.CPU(0)
	c.SetSPSR(PSR_PAN | 0b1001)
	c.SetELR(testCode + 0x40)
	stepN(t, m, 1)
	assert.Equal(t, uint64(PSR_PAN), c.PSTATE()&PSR_PAN)
}

func TestMRSCurrentEL(t *testing.T) {
	m := newTestMachine(t, nil, 0xd5384243) // mrs x3, currentel
	stepN(t, m, 1)
	assert.Equal(t, uint64(4), m.CPU(0).X(3), "EL1 in bits 3:2")

	m = newTestMachine(t, nil)
	u := excUserCode(t, m, 0xd5384243) // mrs x3, currentel
	m.CPU(0).SetX(3, 77)
	ee := stepUnhandled(t, m)
	assert.Equal(t, ECUnknown, ee.EC, "CurrentEL is not accessible at EL0")
	assert.Equal(t, u, ee.ELR)
	assert.Equal(t, uint64(77), m.CPU(0).X(3))
}

// TestCNTVCTDeterministic: the virtual counter is a function of the
// instructions retired, so two identical runs read the same values, and it
// increases.
func TestCNTVCTDeterministic(t *testing.T) {
	read := func() (uint64, uint64) {
		m := newTestMachine(t, nil,
			0xd53be040, // mrs x0, cntvct_el0
			0xd503201f, // nop
			0xd503201f, // nop
			0xd53be041, // mrs x1, cntvct_el0
		)
		stepN(t, m, 4)
		return m.CPU(0).X(0), m.CPU(0).X(1)
	}
	a0, a1 := read()
	b0, b1 := read()
	assert.Equal(t, a0, b0)
	assert.Equal(t, a1, b1)
	assert.Greater(t, a1, a0)

	m := newTestMachine(t, nil)
	excUserCode(t, m,
		0xd53be040, // mrs x0, cntvct_el0
		0xd53be041, // mrs x1, cntvct_el0
	)
	stepN(t, m, 2)
	assert.Greater(t, m.CPU(0).X(1), m.CPU(0).X(0), "readable at EL0")
}
