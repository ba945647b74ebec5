package emu

import (
	"context"
	"errors"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	_ "github.com/kpemu/kpemu/internal/golden" // defines -update for this package's tests
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Instruction words used by the core tests (GNU as 2.40).
const (
	wAddX0_1   = 0x91000400 // add x0, x0, #0x1
	wBSelf     = 0x14000000 // b .
	wRet       = 0xd65f03c0 // ret
	wBrk0      = 0xd4200000 // brk #0x0
	wStrW1X2   = 0xb9000041 // str w1, [x2]
	wNop       = 0xd503201f // nop
	wMovX0_42  = 0xd2800540 // mov x0, #0x2a
	wLdrX3X2   = 0xf9400043 // ldr x3, [x2]
	wIcIvauX2  = 0xd50b7522 // ic ivau, x2
	wIsb       = 0xd5033fdf // isb
	wDsbIsh    = 0xd5033b9f // dsb ish
	wUdf0      = 0x00000000 // udf #0
	wAddX0X0X7 = 0x8b070000 // add x0, x0, x7
	wLdrX0Sp   = 0xf94003e0 // ldr x0, [sp]
	wLdrX1Sp8  = 0xf94007e1 // ldr x1, [sp, #8]
	wAddX0X0X1 = 0x8b010000 // add x0, x0, x1
	wSvc0      = 0xd4000001 // svc #0x0
	wAddX0X1X2 = 0x8b020020 // add x0, x1, x2
	wBrk4      = 0xd4200080 // brk #0x4
	wMovX1_7   = 0xd28000e1 // mov x1, #0x7
	wStrX3X2   = 0xf9000043 // str x3, [x2]
)

var bg = context.Background()

func TestMapRejectsBadRanges(t *testing.T) {
	m, err := New(nil)
	require.NoError(t, err)
	var me *MapError
	assert.ErrorAs(t, m.Map(0x1001, 0x1000, PermRW), &me, "unaligned address")
	assert.ErrorAs(t, m.Map(0x1000, 0x800, PermRW), &me, "unaligned size")
	assert.ErrorAs(t, m.Map(0x1000, 0, PermRW), &me, "empty")
	assert.ErrorAs(t, m.Map(0x0001_0000_0000_0000, 0x1000, PermRW), &me, "non-canonical")
	require.NoError(t, m.Map(0x1000, 0x2000, PermRW))
	assert.ErrorAs(t, m.Map(0x2000, 0x1000, PermRW), &me, "overlap")
	assert.ErrorAs(t, m.Memory().Protect(0x1000, 0x3000, PermRead), &me, "protect beyond the mapping")
	require.NoError(t, m.Map(0x3000, 0x1000, PermRX))
	require.NoError(t, m.Map(0xffff_8000_0000_0000, 0x1000, PermRX))
	assert.Equal(t, []Region{
		{0x1000, 0x2000, PermRW},
		{0x3000, 0x1000, PermRX},
		{0xffff_8000_0000_0000, 0x1000, PermRX},
	}, m.Memory().Regions())
	require.NoError(t, m.Memory().Unmap(0x2000, 0x1000))
	_, ok := m.Memory().Mapped(0x2000)
	assert.False(t, ok)
}

func TestMemoryReadWriteAcrossPages(t *testing.T) {
	m, err := New(nil)
	require.NoError(t, err)
	require.NoError(t, m.Map(0x1000, 0x2000, PermRead))
	data := []byte("crosses a page boundary")
	require.NoError(t, m.Memory().Write(0x1ff8, data), "the debugger's view ignores permissions")
	got := make([]byte, len(data))
	require.NoError(t, m.Memory().Read(0x1ff8, got))
	assert.Equal(t, data, got)

	var ae *AccessError
	require.ErrorAs(t, m.Memory().Write(0x2ffc, []byte("12345678")), &ae)
	assert.Equal(t, uint64(0x3000), ae.Addr)
	tail := make([]byte, 4)
	require.NoError(t, m.Memory().Read(0x2ffc, tail))
	assert.Equal(t, []byte{0, 0, 0, 0}, tail, "a failed Write changes nothing")
}

func TestDataAbortSyndrome(t *testing.T) {
	m := newTestMachine(t, nil, wStrW1X2)
	c := m.CPU(0)
	c.SetX(2, 0xffff_8000_4000_0010) // unmapped
	_, err := m.Run(bg, &RunOptions{Budget: 10})
	var ee *ExceptionError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ECDataAbortCur, ee.EC)
	// EC 0x25, IL, WnR (a store), DFSC level-3 translation fault.
	assert.Equal(t, uint64(0x9600_0047), c.ESR())
	assert.Equal(t, uint64(0xffff_8000_4000_0010), c.FAR())
	assert.Equal(t, testCode, c.ELR())
	assert.Equal(t, testCode, c.PC(), "the CPU is left at the faulting instruction")
	assert.Equal(t, 1, c.EL())

	// A store to read-only text is a permission fault.
	c.SetPC(testCode)
	c.SetX(2, testCode)
	_, err = m.Run(bg, &RunOptions{Budget: 10})
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, uint64(0x9600_004f), c.ESR())
}

func TestInstructionAbort(t *testing.T) {
	m := newTestMachine(t, nil)
	c := m.CPU(0)
	c.SetPC(0xffff_8000_5000_0000)
	_, err := m.Run(bg, &RunOptions{Budget: 10})
	var ee *ExceptionError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ECInstAbortCur, ee.EC)
	assert.Equal(t, uint64(0x8600_0007), c.ESR())
	assert.Equal(t, uint64(0xffff_8000_5000_0000), c.FAR())

	// EL1 may not execute a user page (PXN, as Linux maps user memory).
	require.NoError(t, m.Map(0x40_0000, PageSize, PermRX|PermUser))
	writeWords(t, m, 0x40_0000, wNop)
	c.SetPC(0x40_0000)
	_, err = m.Run(bg, &RunOptions{Budget: 10})
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, uint64(0x8600_000f), c.ESR(), "permission fault")

	// A misaligned PC is a PC alignment fault.
	c.SetPC(testCode + 2)
	_, err = m.Run(bg, &RunOptions{Budget: 10})
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ECPCAlign, ee.EC)
}

func TestUndefinedInstructionStopsWithWhere(t *testing.T) {
	m := newTestMachine(t, nil, wNop, wUdf0)
	_, err := m.Run(bg, &RunOptions{Budget: 10})
	var ee *ExceptionError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ECUnknown, ee.EC)
	assert.Equal(t, testCode+4, ee.Where.PC)
	assert.True(t, ee.Where.Fetch)
	assert.Equal(t, uint32(0), ee.Where.Word)
	assert.Contains(t, err.Error(), "Unknown/Undefined")
	assert.Contains(t, err.Error(), "udf")
}

func TestUnhandledBRKNamesTheInstruction(t *testing.T) {
	m := newTestMachine(t, nil, wNop, wBrk4)
	_, err := m.Run(bg, nil)
	var ee *ExceptionError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ECBRK64, ee.EC)
	assert.Equal(t, uint16(4), ee.Imm16())
	assert.Equal(t, uint64(0xf200_0004), ee.ESR())
	assert.Equal(t, testCode+4, m.CPU(0).PC())
	assert.Contains(t, err.Error(), "brk\t#0x4")
}

func TestBudgetStopsRunawayLoop(t *testing.T) {
	m := newTestMachine(t, nil, wBSelf)
	r, err := m.Run(bg, &RunOptions{Budget: 100_000})
	require.ErrorIs(t, err, ErrBudget)
	var be *BudgetError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, testCode, be.Where.PC)
	assert.Equal(t, uint64(100_000), r.Executed)
	assert.Contains(t, err.Error(), "budget of 100000")
}

func TestContextCancelStopsRun(t *testing.T) {
	m := newTestMachine(t, nil, wBSelf)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err := m.Run(ctx, nil)
	require.ErrorIs(t, err, context.Canceled)
	var ce *CanceledError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, testCode, ce.Where.PC)
}

func TestStopAddressAndContinue(t *testing.T) {
	m := newTestMachine(t, nil, wAddX0_1, wAddX0_1, wAddX0_1, wBrk0)
	c := m.CPU(0)
	r, err := m.Run(bg, &RunOptions{StopAt: []uint64{testCode + 8}})
	require.NoError(t, err)
	assert.Equal(t, StopAddress, r.Reason)
	assert.Equal(t, testCode+8, r.PC)
	assert.Equal(t, uint64(2), r.Executed)
	assert.Equal(t, uint64(2), c.X(0))
	// Continuing from a stop address executes it.
	r, err = m.Run(bg, &RunOptions{StopAt: []uint64{testCode + 8, testCode + 12}})
	require.NoError(t, err)
	assert.Equal(t, testCode+12, r.PC)
	assert.Equal(t, uint64(3), c.X(0))
}

func TestCodeHooksOrderAndStop(t *testing.T) {
	m := newTestMachine(t, nil, wAddX0_1, wAddX0_1, wAddX0_1, wBrk0)
	var order []string
	m.AddCodeHook(0, ^uint64(0), func(c *CPU, pc uint64, in *arm64.Inst) {
		order = append(order, "first")
	})
	h := m.AddCodeHook(testCode+8, testCode+8, func(c *CPU, pc uint64, in *arm64.Inst) {
		order = append(order, "second")
		c.RequestStop()
	})
	r, err := m.Run(bg, nil)
	require.NoError(t, err)
	assert.Equal(t, StopRequested, r.Reason)
	assert.Equal(t, testCode+8, r.PC, "a stop from a code hook comes before the instruction")
	assert.Equal(t, uint64(2), m.CPU(0).X(0))
	assert.Equal(t, []string{"first", "first", "first", "second"}, order)

	m.RemoveHook(h)
	m.RemoveHook(h) // harmless
	_, err = m.Run(bg, &RunOptions{StopAt: []uint64{testCode + 12}})
	require.NoError(t, err)
	assert.Equal(t, uint64(3), m.CPU(0).X(0))
}

func TestMemHooksSeeAccesses(t *testing.T) {
	m := newTestMachine(t, nil, wStrW1X2, wLdrX3X2, wBrk0)
	c := m.CPU(0)
	c.SetX(1, 0x1234_5678_9abc_def0)
	c.SetX(2, testData+8)
	var seen []MemAccess
	m.AddMemHook(true, testData, testData+PageSize, func(c *CPU, a MemAccess) { seen = append(seen, a) })
	m.AddMemHook(false, testData, testData+PageSize, func(c *CPU, a MemAccess) { seen = append(seen, a) })
	stepN(t, m, 2)
	require.Len(t, seen, 2)
	assert.Equal(t, MemAccess{Write: true, Addr: testData + 8, Size: 4, Value: 0x9abc_def0, PC: testCode}, seen[0])
	assert.Equal(t, MemAccess{Addr: testData + 8, Size: 8, Value: 0x9abc_def0, PC: testCode + 4}, seen[1])
	assert.Equal(t, uint64(0x9abc_def0), c.X(3))
}

func TestHookPanicIsContained(t *testing.T) {
	m := newTestMachine(t, nil, wNop, wNop)
	m.AddCodeHook(testCode+4, testCode+4, func(c *CPU, pc uint64, in *arm64.Inst) { panic("hook bug") })
	_, err := m.Run(bg, nil)
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "hook bug", pe.Value)
	assert.Equal(t, testCode+4, pe.Where.PC)
}

// patchProgram stores the word in w1 over the instruction at x2 (the add).
func patchProgram(t *testing.T, cfg *Config, maintenance bool) *CPU {
	words := []uint32{wStrW1X2}
	if maintenance {
		words = append(words, wDsbIsh, wIcIvauX2, wDsbIsh, wIsb)
	}
	target := testCode + uint64(4*len(words))
	words = append(words, wAddX0_1, wBrk0)
	m, err := New(cfg)
	require.NoError(t, err)
	require.NoError(t, m.Map(testCode, PageSize, PermRWX))
	require.NoError(t, m.Map(testStack, testArea, PermRW))
	writeWords(t, m, testCode, words...)
	c := m.CPU(0)
	// Execute the add once so that it sits in the decoded-instruction cache.
	c.SetPC(target)
	stepN(t, m, 1)
	require.Equal(t, uint64(1), c.X(0))
	c.SetX(1, wMovX0_42)
	c.SetX(2, target)
	c.SetPC(testCode)
	_, err = m.Run(bg, &RunOptions{StopAt: []uint64{target + 4}})
	require.NoError(t, err)
	return c
}

func TestCodeWriteIsSeenByFetch(t *testing.T) {
	c := patchProgram(t, nil, false)
	assert.Equal(t, uint64(42), c.X(0), "the patched instruction executed")
}

func TestStrictICacheNeedsMaintenance(t *testing.T) {
	c := patchProgram(t, &Config{StrictICache: true}, false)
	assert.Equal(t, uint64(2), c.X(0), "without IC IVAU + ISB the stale add executed")
	c = patchProgram(t, &Config{StrictICache: true}, true)
	assert.Equal(t, uint64(42), c.X(0), "after IC IVAU + ISB the patched instruction executed")
}

func TestCallPassesStackArguments(t *testing.T) {
	m := newTestMachine(t, nil, wLdrX0Sp, wLdrX1Sp8, wAddX0X0X1, wAddX0X0X7, wRet)
	args := []uint64{1, 2, 3, 4, 5, 6, 7, 100, 1000, 10000}
	x0, err := m.Call(bg, testCode, args, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(11100), x0, "ninth and tenth on the stack, eighth in x7")
	assert.Equal(t, ReturnAddress, m.CPU(0).X(30))
	assert.Equal(t, testStack+testArea-16, m.CPU(0).SP())
}

func TestCallRunawayIsBudgetError(t *testing.T) {
	m := newTestMachine(t, nil, wBSelf)
	_, err := m.Call(bg, testCode, nil, &CallOptions{Budget: 1000})
	require.ErrorIs(t, err, ErrBudget)
}

func TestDeterministicTrace(t *testing.T) {
	trace := func() []uint64 {
		m := newTestMachine(t, nil, wMovX1_7, wAddX0_1, wStrX3X2, wAddX0X1X2, wRet)
		m.CPU(0).SetX(2, testData)
		var pcs []uint64
		m.AddCodeHook(0, ^uint64(0), func(c *CPU, pc uint64, in *arm64.Inst) {
			pcs = append(pcs, pc, c.X(0), c.X(1), c.Retired())
		})
		_, err := m.Call(bg, testCode, []uint64{5}, nil)
		require.NoError(t, err)
		return pcs
	}
	assert.Equal(t, trace(), trace())
}

func TestCPUsShareMemoryNotRegisters(t *testing.T) {
	m := newTestMachine(t, &Config{CPUs: 2}, wStrX3X2, wBrk0)
	c0, c1 := m.CPU(0), m.CPU(1)
	mpidr := arm64.MakeSysReg(3, 0, 0, 0, 5)
	v0, _ := c0.SysReg(mpidr)
	v1, _ := c1.SysReg(mpidr)
	assert.NotEqual(t, v0, v1, "MPIDR_EL1 tells the CPUs apart")
	c1.SetPC(testCode)
	c1.SetSP(testStack + 0x8000)
	c1.SetX(2, testData)
	c1.SetX(3, 0xfeed)
	_, err := m.Step(bg, 1, 1)
	require.NoError(t, err)
	got, err := m.Memory().ReadU64(testData)
	require.NoError(t, err)
	assert.Equal(t, uint64(0xfeed), got)
	assert.Equal(t, uint64(0), c0.X(3))
	assert.Equal(t, testCode, c0.PC())
}

func TestNoPAuthByDefaultAndRefused(t *testing.T) {
	_, err := New(&Config{Features: &Features{PAuth: true}})
	require.Error(t, err)
	m, err := New(nil)
	require.NoError(t, err)
	isar1, ok := m.CPU(0).SysReg(arm64.MakeSysReg(3, 0, 0, 6, 1))
	require.True(t, ok)
	assert.Zero(t, isar1&0xff0, "ID_AA64ISAR1_EL1 APA/API say no PAuth")
	isar0, _ := m.CPU(0).SysReg(arm64.MakeSysReg(3, 0, 0, 6, 0))
	assert.Equal(t, uint64(2), isar0>>20&0xf, "LSE atomics")
}

func TestExceptionErrorIsNotBudget(t *testing.T) {
	m := newTestMachine(t, nil, wSvc0)
	_, err := m.Run(bg, nil)
	assert.False(t, errors.Is(err, ErrBudget))
	var ee *ExceptionError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ECSVC64, ee.EC)
	assert.Equal(t, testCode, ee.Where.PC, "the error names the svc itself")
	assert.Equal(t, testCode+4, m.CPU(0).PC(), "the CPU resumes after the svc")
}
