package emu

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The encodings in these tests were assembled with aarch64-linux-gnu-as
// from the source in the comment beside each word.

// stepUnhandled executes one instruction that must raise an exception
// nobody handles, and returns the *ExceptionError the run ends with.
func stepUnhandled(t *testing.T, m *Machine) *ExceptionError {
	t.Helper()
	_, err := m.Step(context.Background(), 0, 1)
	var ee *ExceptionError
	require.True(t, errors.As(err, &ee), "want an *ExceptionError, got %v", err)
	return ee
}

func TestBranchImmediate(t *testing.T) {
	for _, tt := range []struct {
		word   uint32
		asm    string
		at     uint64 // offset of the instruction from testCode
		target uint64 // offset of the next PC
		link   bool
	}{
		{0x14000004, "b .+0x10", 0x100, 0x110, false},
		{0x17fffffe, "b .-0x8", 0x100, 0xf8, false},
		{0x94000008, "bl .+0x20", 0x100, 0x120, true},
		{0x97ffffc0, "bl .-0x100", 0x100, 0x000, true},
	} {
		t.Run(tt.asm, func(t *testing.T) {
			m := newTestMachine(t, nil)
			writeWords(t, m, testCode+tt.at, tt.word)
			c := m.CPU(0)
			c.SetPC(testCode + tt.at)
			c.SetX(30, 0x5555)
			stepN(t, m, 1)
			assert.Equal(t, testCode+tt.target, c.PC())
			if tt.link {
				assert.Equal(t, testCode+tt.at+4, c.X(30), "X30 = the instruction after the BL")
			} else {
				assert.Equal(t, uint64(0x5555), c.X(30), "B leaves X30 alone")
			}
		})
	}
}

// condByManual is ConditionHolds as the Arm ARM's condition table (C1.2.4)
// states it, written independently of the executor's per-condition code.
func condByManual(cond arm64.Cond, nzcv uint64) bool {
	n, z, c, v := nzcv&PSR_N != 0, nzcv&PSR_Z != 0, nzcv&PSR_C != 0, nzcv&PSR_V != 0
	switch cond {
	case arm64.EQ:
		return z
	case arm64.NE:
		return !z
	case arm64.CS:
		return c
	case arm64.CC:
		return !c
	case arm64.MI:
		return n
	case arm64.PL:
		return !n
	case arm64.VS:
		return v
	case arm64.VC:
		return !v
	case arm64.HI:
		return c && !z
	case arm64.LS:
		return !c || z
	case arm64.GE:
		return n == v
	case arm64.LT:
		return n != v
	case arm64.GT:
		return !z && n == v
	case arm64.LE:
		return z || n != v
	}
	return true // AL, NV
}

func TestBranchCond(t *testing.T) {
	m := newTestMachine(t, nil)
	c := m.CPU(0)
	taken := 0
	for cond := arm64.Cond(0); cond < 16; cond++ {
		// b.<cond> .+0x40 is 0x54000200 | cond (0x54000200 is b.eq .+0x40).
		writeWords(t, m, testCode, 0x54000200|uint32(cond))
		for flags := uint64(0); flags < 16; flags++ {
			c.SetPC(testCode)
			c.SetNZCV(flags << 28)
			stepN(t, m, 1)
			want := testCode + 4
			if condByManual(cond, flags<<28) {
				want = testCode + 0x40
				taken++
			}
			assert.Equal(t, want, c.PC(), "b.%v with NZCV=%04b", cond, flags)
			assert.Equal(t, flags<<28, c.NZCV(), "B.cond leaves the flags alone")
		}
	}
	// Each pair of opposite conditions splits the 16 flag values, and AL
	// and NV always branch: 7*16 + 2*16.
	assert.Equal(t, 7*16+2*16, taken)
}

func TestBranchCondBackward(t *testing.T) {
	m := newTestMachine(t, nil)
	writeWords(t, m, testCode+0x100, 0x54fffe01) // b.ne .-0x40
	c := m.CPU(0)
	c.SetPC(testCode + 0x100)
	c.SetNZCV(0)
	stepN(t, m, 1)
	assert.Equal(t, testCode+0xc0, c.PC())
}

func TestCompareBranch(t *testing.T) {
	const upper = 0xffff_ffff_0000_0000 // zero in W3, not in X3
	for _, tt := range []struct {
		word  uint32
		asm   string
		x3    uint64
		taken bool
	}{
		{0x34000203, "cbz w3, .+0x40", 0, true},
		{0x34000203, "cbz w3, .+0x40", upper, true}, // the upper half is ignored
		{0x34000203, "cbz w3, .+0x40", 1, false},
		{0x34000203, "cbz w3, .+0x40", 0x8000_0000, false},
		{0xb4000203, "cbz x3, .+0x40", 0, true},
		{0xb4000203, "cbz x3, .+0x40", upper, false},
		{0x35000203, "cbnz w3, .+0x40", upper, false},
		{0x35000203, "cbnz w3, .+0x40", 2, true},
		{0xb5000203, "cbnz x3, .+0x40", upper, true},
		{0xb5000203, "cbnz x3, .+0x40", 0, false},
	} {
		t.Run(fmt.Sprintf("%s/%#x", tt.asm, tt.x3), func(t *testing.T) {
			m := newTestMachine(t, nil, tt.word)
			c := m.CPU(0)
			c.SetX(3, tt.x3)
			stepN(t, m, 1)
			want := testCode + 4
			if tt.taken {
				want = testCode + 0x40
			}
			assert.Equal(t, want, c.PC())
			assert.Equal(t, tt.x3, c.X(3))
		})
	}
	t.Run("backward", func(t *testing.T) {
		m := newTestMachine(t, nil)
		writeWords(t, m, testCode+0x40, 0x34fffe03) // cbz w3, .-0x40
		c := m.CPU(0)
		c.SetPC(testCode + 0x40)
		stepN(t, m, 1)
		assert.Equal(t, testCode, c.PC())
	})
}

func TestTestBranch(t *testing.T) {
	for _, tt := range []struct {
		word  uint32
		asm   string
		x5    uint64
		taken bool
	}{
		{0xb6f80205, "tbz x5, #63, .+0x40", 1 << 63, false},
		{0xb6f80205, "tbz x5, #63, .+0x40", 1<<63 - 1, true},
		{0xb7f80205, "tbnz x5, #63, .+0x40", 1 << 63, true},
		{0xb7f80205, "tbnz x5, #63, .+0x40", 1<<63 - 1, false},
		{0x36000205, "tbz w5, #0, .+0x40", 0xfffffffe, true},
		{0x36000205, "tbz w5, #0, .+0x40", 1, false},
		{0x37f80205, "tbnz w5, #31, .+0x40", 0x8000_0000, true},
		{0x37f80205, "tbnz w5, #31, .+0x40", 0x1_7fff_ffff, false},
		{0xb600021f, "tbz xzr, #32, .+0x40", 0, true},
		{0x3738021f, "tbnz xzr, #7, .+0x40", 0, false},
	} {
		t.Run(fmt.Sprintf("%s/%#x", tt.asm, tt.x5), func(t *testing.T) {
			m := newTestMachine(t, nil, tt.word)
			c := m.CPU(0)
			c.SetX(5, tt.x5)
			stepN(t, m, 1)
			want := testCode + 4
			if tt.taken {
				want = testCode + 0x40
			}
			assert.Equal(t, want, c.PC())
		})
	}
}

func TestBranchRegister(t *testing.T) {
	const target = testCode + 0x800
	t.Run("br x7", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xd61f00e0) // br x7
		c := m.CPU(0)
		c.SetX(7, target)
		c.SetX(30, 0x1234)
		stepN(t, m, 1)
		assert.Equal(t, target, c.PC())
		assert.Equal(t, uint64(0x1234), c.X(30))
	})
	t.Run("blr x7", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xd63f00e0) // blr x7
		c := m.CPU(0)
		c.SetX(7, target)
		stepN(t, m, 1)
		assert.Equal(t, target, c.PC())
		assert.Equal(t, testCode+4, c.X(30))
	})
	t.Run("blr x30", func(t *testing.T) {
		// The target is the old X30; X30 then holds the return address.
		m := newTestMachine(t, nil, 0xd63f03c0) // blr x30
		c := m.CPU(0)
		c.SetX(30, target)
		stepN(t, m, 1)
		assert.Equal(t, target, c.PC())
		assert.Equal(t, testCode+4, c.X(30))
	})
	t.Run("ret", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xd65f03c0) // ret
		c := m.CPU(0)
		c.SetX(30, target)
		stepN(t, m, 1)
		assert.Equal(t, target, c.PC())
	})
	t.Run("ret x2", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xd65f0040) // ret x2
		c := m.CPU(0)
		c.SetX(2, target+8)
		c.SetX(30, target)
		stepN(t, m, 1)
		assert.Equal(t, target+8, c.PC())
		assert.Equal(t, target, c.X(30), "RET does not write X30")
	})
	t.Run("br xzr", func(t *testing.T) {
		// XZR reads as zero: the branch goes to address 0, which is not
		// mapped, and the fetch there takes an Instruction Abort.
		m := newTestMachine(t, nil, 0xd61f03e0) // br xzr
		stepN(t, m, 1)
		assert.Equal(t, uint64(0), m.CPU(0).PC())
		ee := stepUnhandled(t, m)
		assert.Equal(t, ECInstAbortCur, ee.EC)
	})
	t.Run("misaligned target", func(t *testing.T) {
		// The branch itself completes; the PC alignment fault is taken when
		// the target is fetched, with FAR and ELR the misaligned address.
		m := newTestMachine(t, nil, 0xd61f00e0) // br x7
		c := m.CPU(0)
		c.SetX(7, target+2)
		stepN(t, m, 1)
		require.Equal(t, target+2, c.PC())
		ee := stepUnhandled(t, m)
		assert.Equal(t, ECPCAlign, ee.EC)
		assert.Equal(t, target+2, ee.ELR)
	})
}

// The pointer authentication branches decode but are UNDEFINED: kpemu has
// no FEAT_PAuth.
func TestBranchPAuthUndefined(t *testing.T) {
	for _, tt := range []struct {
		word uint32
		asm  string
		op   arm64.Op
	}{
		{0xd71f0822, "braa x1, x2", arm64.BRAA},
		{0xd71f0c22, "brab x1, x2", arm64.BRAB},
		{0xd61f083f, "braaz x1", arm64.BRAAZ},
		{0xd61f0c7f, "brabz x3", arm64.BRABZ},
		{0xd73f089f, "blraa x4, sp", arm64.BLRAA},
		{0xd73f0c22, "blrab x1, x2", arm64.BLRAB},
		{0xd63f083f, "blraaz x1", arm64.BLRAAZ},
		{0xd63f0c3f, "blrabz x1", arm64.BLRABZ},
		{0xd65f0bff, "retaa", arm64.RETAA},
		{0xd65f0fff, "retab", arm64.RETAB},
		{0xd69f0bff, "eretaa", arm64.ERETAA},
		{0xd69f0fff, "eretab", arm64.ERETAB},
	} {
		t.Run(tt.asm, func(t *testing.T) {
			in, err := arm64.Decode(tt.word)
			require.NoError(t, err)
			require.Equal(t, tt.op, in.Op)
			m := newTestMachine(t, nil, tt.word)
			assert.False(t, m.Executes(tt.op))
			c := m.CPU(0)
			c.SetX(1, testCode+0x40)
			c.SetX(30, testCode+0x80)
			ee := stepUnhandled(t, m)
			assert.Equal(t, ECUnknown, ee.EC)
			assert.Equal(t, uint64(ESR_ELx_IL), ee.ESR()&^(0x3f<<ESR_ELx_EC_SHIFT))
			assert.Equal(t, testCode, ee.ELR)
			assert.Equal(t, testCode, c.PC())
			assert.Equal(t, testCode+0x80, c.X(30), "no link written")
		})
	}
}

// HVC, SMC (no EL2, no EL3), HLT (halting not allowed), DCPS1..3 and DRPS
// (not in Debug state) and UDF are UNDEFINED.
func TestExceptionGeneratingUndefined(t *testing.T) {
	for _, tt := range []struct {
		word uint32
		asm  string
	}{
		{0xd4000002, "hvc #0"},
		{0xd4000003, "smc #0"},
		{0xd4400000, "hlt #0"},
		{0x00000001, "udf #1"},
		{0xd4a00001, "dcps1"},
		{0xd4a00002, "dcps2"},
		{0xd4a00003, "dcps3"},
		{0xd6bf03e0, "drps"},
	} {
		t.Run(tt.asm, func(t *testing.T) {
			m := newTestMachine(t, nil, tt.word)
			ee := stepUnhandled(t, m)
			assert.Equal(t, ECUnknown, ee.EC)
			assert.Equal(t, testCode, ee.ELR, "ELR is the instruction itself")
			assert.Equal(t, testCode, ee.Where.PC)
			assert.Equal(t, testCode, m.CPU(0).PC())
		})
	}
}

func TestERETAtEL0IsUndefined(t *testing.T) {
	m := newTestMachine(t, nil)
	u := excUserCode(t, m, 0xd69f03e0) // eret
	c := m.CPU(0)
	c.SetELR(testCode + 0x40)
	c.SetSPSR(PSR_EL1h)
	ee := stepUnhandled(t, m)
	assert.Equal(t, ECUnknown, ee.EC)
	assert.Equal(t, u, ee.ELR)
	assert.Equal(t, 0, ee.FromEL)
	assert.Equal(t, 0, c.EL(), "still at EL0")
}

func TestSVCAndBRKRaise(t *testing.T) {
	m := newTestMachine(t, nil, 0xd4001001, 0xd43fffe0) // svc #0x80; brk #0xffff
	var got []Exception
	record := func(c *CPU, e *Exception) (bool, error) {
		got = append(got, *e)
		if e.EC == ECBRK64 {
			c.SetELR(c.ELR() + 4) // step over the BRK, as a debugger would
		}
		return true, nil
	}
	m.HandleException(ECSVC64, record)
	m.HandleException(ECBRK64, record)
	_, err := m.Run(context.Background(), &RunOptions{Budget: 100000, StopAt: []uint64{testCode + 8}})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, ECSVC64, got[0].EC)
	assert.Equal(t, uint16(0x80), got[0].Imm16())
	assert.Equal(t, testCode+4, got[0].ELR, "SVC returns to the next instruction")
	assert.Equal(t, uint64(0x56000080), got[0].ESR())
	assert.Equal(t, ECBRK64, got[1].EC)
	assert.Equal(t, uint16(0xffff), got[1].Imm16())
	assert.Equal(t, testCode+4, got[1].ELR, "BRK's ELR is the BRK itself")
	assert.Equal(t, uint64(0xf200ffff), got[1].ESR())
	assert.Equal(t, testCode+8, m.CPU(0).PC())
}

// TestBranchLoop runs a countdown loop ending in B.NE, as the benchmark
// does, to check the branch in a long run of the fast path.
func TestBranchLoop(t *testing.T) {
	m := newTestMachine(t, nil,
		// 1:
		0x91000400, // add x0, x0, #1
		0xf1000421, // subs x1, x1, #1
		0x54ffffc1, // b.ne 1b
		0xd4200000, // brk #0
	)
	c := m.CPU(0)
	c.SetX(1, 1000)
	r, err := m.Run(context.Background(), &RunOptions{Budget: 100000, StopAt: []uint64{testCode + 12}})
	require.NoError(t, err)
	assert.Equal(t, StopAddress, r.Reason)
	assert.Equal(t, uint64(1000), c.X(0))
	assert.Equal(t, uint64(3000), r.Executed)
}

// TestStepEndsWithException: Step's contract is that "an exception taken
// to a Go handler, with its ERET, is part of the instruction that raised
// it": when the last instruction of a Step raises an exception on the fast
// path (CPU.loop), the exception is taken before the Step returns
// (regression test: it was left pending until the next run).
func TestStepEndsWithException(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd503201f, // nop
		0xd4200000, // brk #0
	)
	calls := 0
	m.HandleException(ECBRK64, func(c *CPU, e *Exception) (bool, error) {
		calls++
		c.SetELR(c.ELR() + 4)
		return true, nil
	})
	stepN(t, m, 2)
	assert.Equal(t, 1, calls, "the BRK's exception was taken within the Step")
	assert.Equal(t, testCode+8, m.CPU(0).PC())
}
