package emu

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Instruction words in these tests were assembled with aarch64-linux-gnu-as
// (binutils 2.40, -march=armv8.2-a+lse+rcpc); the assembly is beside each.

// ldstBuf is the data the load/store tests work on, inside the test data
// area; ldstPattern is what it holds at the start of each test: a negative
// doubleword (every byte has its top bit set) and a positive one.
const ldstBuf = testData + 0x100

var ldstPattern = []byte{
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
}

// Addresses of the other test mappings: a user code and data page for EL0,
// and two pages to cross between.
const (
	ldstUserCode uint64 = 0x0000_0000_0040_0000
	ldstUserData uint64 = 0x0000_0000_0050_0000
	ldstCross    uint64 = 0xffff_8000_4000_0000
)

// ldstMachine returns a test machine running words, with ldstPattern at
// ldstBuf, user pages mapped and two pages at ldstCross.
func ldstMachine(t *testing.T, cfg *Config, words ...uint32) (*Machine, *CPU) {
	t.Helper()
	m := newTestMachine(t, cfg, words...)
	require.NoError(t, m.Map(ldstUserCode, PageSize, PermRX|PermUser))
	require.NoError(t, m.Map(ldstUserData, PageSize, PermRW|PermUser))
	require.NoError(t, m.Map(ldstCross, 2*PageSize, PermRW))
	require.NoError(t, m.Memory().Write(ldstBuf, ldstPattern))
	return m, m.CPU(0)
}

// ldstBytes reads n bytes of guest memory.
func ldstBytes(t *testing.T, m *Machine, addr uint64, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	require.NoError(t, m.Memory().Read(addr, b))
	return b
}

// ldstFault executes one instruction that must raise an exception nobody
// handles, and returns it. The CPU is left at the faulting instruction.
func ldstFault(t *testing.T, m *Machine) *ExceptionError {
	t.Helper()
	_, err := m.Step(context.Background(), 0, 1)
	var ee *ExceptionError
	require.ErrorAs(t, err, &ee)
	return ee
}

// assertDataAbort checks a Data Abort's class, fault status, WnR and FAR.
func assertDataAbort(t *testing.T, ee *ExceptionError, ec EC, fsc uint32, write bool, far uint64) {
	t.Helper()
	assert.Equal(t, ec, ee.EC, "EC")
	assert.Equal(t, fsc, ee.ISS&0x3f, "DFSC")
	assert.Equal(t, write, ee.ISS&ESR_ELx_WNR != 0, "WnR")
	assert.True(t, ee.FARValid, "FAR valid")
	assert.Equal(t, far, ee.FAR, "FAR")
}

func TestLdStLoadImmediateAndRegister(t *testing.T) {
	const junk = 0xdead_beef_dead_beef
	for _, tc := range []struct {
		asm    string
		word   uint32
		x1, x2 uint64 // x1 0 means ldstBuf
		want   uint64 // x0 after
		wantX1 uint64 // 0 means unchanged
	}{
		{"ldr x0, [x1]", 0xf9400020, 0, 0, 0x8786858483828180, 0},
		{"ldr x0, [x1, #8]", 0xf9400420, 0, 0, 0x0f0e0d0c0b0a0908, 0},
		{"ldr w0, [x1]", 0xb9400020, 0, 0, 0x83828180, 0},
		{"ldrb w0, [x1]", 0x39400020, 0, 0, 0x80, 0},
		{"ldrh w0, [x1]", 0x79400020, 0, 0, 0x8180, 0},
		{"ldrsb w0, [x1]", 0x39c00020, 0, 0, 0xffffff80, 0},
		{"ldrsb x0, [x1]", 0x39800020, 0, 0, 0xffffffffffffff80, 0},
		{"ldrsh w0, [x1]", 0x79c00020, 0, 0, 0xffff8180, 0},
		{"ldrsh x0, [x1]", 0x79800020, 0, 0, 0xffffffffffff8180, 0},
		{"ldrsw x0, [x1]", 0xb9800020, 0, 0, 0xffffffff83828180, 0},
		{"ldrsb w0, [x1, #8]", 0x39c02020, 0, 0, 0x08, 0},
		{"ldrsw x0, [x1, #8]", 0xb9800820, 0, 0, 0x0b0a0908, 0},
		{"ldr x0, [x1, #8]!", 0xf8408c20, 0, 0, 0x0f0e0d0c0b0a0908, ldstBuf + 8},
		{"ldr x0, [x1], #8", 0xf8408420, 0, 0, 0x8786858483828180, ldstBuf + 8},
		{"ldrsh x0, [x1, #-2]!", 0x789fec20, ldstBuf + 2, 0, 0xffffffffffff8180, ldstBuf},
		{"ldrsb w0, [x1], #-1", 0x38dff420, ldstBuf + 8, 0, 0x08, ldstBuf + 7},
		{"ldur x0, [x1, #-8]", 0xf85f8020, ldstBuf + 8, 0, 0x8786858483828180, 0},
		{"ldursh w0, [x1, #-7]", 0x78df9020, ldstBuf + 8, 0, 0xffff8281, 0},
		{"ldr x0, [x1, x2, lsl #3]", 0xf8627820, 0, 1, 0x0f0e0d0c0b0a0908, 0},
		{"ldr w0, [x1, w2, sxtw #2]", 0xb862d820, ldstBuf + 8, 0xffff_fffe, 0x83828180, 0},
		{"ldrb w0, [x1, w2, uxtw]", 0x38624820, 0, 0xffff_ffff_0000_0009, 0x09, 0},
		{"ldrsb x0, [x1, x2]", 0x38a26820, 0, 3, 0xffffffffffffff83, 0},
		// S = 1 of a byte access shifts by 0, as S = 0 does.
		{"ldrb w0, [x1, x2, lsl #0]", 0x38627820, 0, 9, 0x09, 0},
		{"ldrsb x0, [x1, w2, sxtw #0]", 0x38a2d820, ldstBuf + 8, 0xffff_fffd, 0xffffffffffffff85, 0},
		{"ldrsh w0, [x1, x2, sxtx #1]", 0x78e2f820, ldstBuf + 8, ^uint64(3), 0xffff8180, 0},
	} {
		t.Run(tc.asm, func(t *testing.T) {
			m, c := ldstMachine(t, nil, tc.word)
			x1 := tc.x1
			if x1 == 0 {
				x1 = ldstBuf
			}
			c.SetX(0, junk)
			c.SetX(1, x1)
			c.SetX(2, tc.x2)
			stepN(t, m, 1)
			assert.Equal(t, tc.want, c.X(0), "x0")
			wantX1 := tc.wantX1
			if wantX1 == 0 {
				wantX1 = x1
			}
			assert.Equal(t, wantX1, c.X(1), "x1")
			assert.Equal(t, tc.x2, c.X(2), "x2")
			assert.Equal(t, testCode+4, c.PC())
		})
	}
}

func TestLdStStore(t *testing.T) {
	const x0 = 0x1122_3344_5566_7788
	for _, tc := range []struct {
		asm    string
		word   uint32
		x1, x2 uint64 // x1 0 means ldstBuf
		off    int    // where the store lands in ldstBuf
		size   int    // bytes stored
		wantX1 uint64 // 0 means unchanged
	}{
		{"str x0, [x1]", 0xf9000020, 0, 0, 0, 8, 0},
		{"str w0, [x1]", 0xb9000020, 0, 0, 0, 4, 0},
		{"strb w0, [x1, #1]", 0x39000420, 0, 0, 1, 1, 0},
		{"strh w0, [x1, #2]", 0x79000420, 0, 0, 2, 2, 0},
		{"str x0, [x1, #8]!", 0xf8008c20, 0, 0, 8, 8, ldstBuf + 8},
		{"str x0, [x1], #-8", 0xf81f8420, ldstBuf + 8, 0, 8, 8, ldstBuf},
		{"stur w0, [x1, #-4]", 0xb81fc020, ldstBuf + 8, 0, 4, 4, 0},
		{"str x0, [x1, w2, sxtw #3]", 0xf822d820, ldstBuf + 8, 0xffff_ffff, 0, 8, 0},
		{"strh w0, [x1, x2]", 0x78226820, 0, 6, 6, 2, 0},
		{"strb w0, [x1, x2, lsl #0]", 0x38227820, 0, 5, 5, 1, 0},
	} {
		t.Run(tc.asm, func(t *testing.T) {
			m, c := ldstMachine(t, nil, tc.word)
			x1 := tc.x1
			if x1 == 0 {
				x1 = ldstBuf
			}
			c.SetX(0, x0)
			c.SetX(1, x1)
			c.SetX(2, tc.x2)
			stepN(t, m, 1)
			want := append([]byte(nil), ldstPattern...)
			var v [8]byte
			binary.LittleEndian.PutUint64(v[:], x0)
			copy(want[tc.off:tc.off+tc.size], v[:tc.size])
			assert.Equal(t, want, ldstBytes(t, m, ldstBuf, 16))
			wantX1 := tc.wantX1
			if wantX1 == 0 {
				wantX1 = x1
			}
			assert.Equal(t, wantX1, c.X(1), "x1")
			assert.Equal(t, uint64(x0), c.X(0), "x0")
		})
	}
}

// Writeback into the transfer register is CONSTRAINED UNPREDICTABLE; kpemu
// does as QEMU: a load's writeback wins, a store stores the old value.
func TestLdStWritebackOverlap(t *testing.T) {
	m, c := ldstMachine(t, nil,
		0xf8008c21, // str x1, [x1, #8]!
		0xf8408421, // ldr x1, [x1], #8
		0xf8408c21, // ldr x1, [x1, #8]!
	)
	c.SetX(1, ldstBuf)
	stepN(t, m, 1)
	assert.Equal(t, ldstBuf+8, c.X(1))
	got, err := m.Memory().ReadU64(ldstBuf + 8)
	require.NoError(t, err)
	assert.Equal(t, ldstBuf, got, "the store writes the base before writeback")
	stepN(t, m, 1)
	assert.Equal(t, ldstBuf+16, c.X(1), "post-index load: writeback wins")
	c.SetX(1, ldstBuf)
	stepN(t, m, 1)
	assert.Equal(t, ldstBuf+8, c.X(1), "pre-index load: writeback wins")
}

func TestLdStLiteral(t *testing.T) {
	m, c := ldstMachine(t, nil,
		0x58000080, // ldr x0, .+16
		0x98000061, // ldrsw x1, .+12
		0x18000042, // ldr w2, .+8
		0xd8000020, // prfm pldl1keep, .+4
		0x83828180, 0x87868584,
	)
	c.SetX(2, ^uint64(0))
	stepN(t, m, 4)
	assert.Equal(t, uint64(0x8786858483828180), c.X(0))
	assert.Equal(t, uint64(0xffffffff83828180), c.X(1))
	assert.Equal(t, uint64(0x83828180), c.X(2))
	assert.Equal(t, testCode+16, c.PC())
}

func TestLdStPairs(t *testing.T) {
	t.Run("loads", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0xa9400c22, // ldp x2, x3, [x1]
			0x29400c22, // ldp w2, w3, [x1]
			0x69400c22, // ldpsw x2, x3, [x1]
			0xa8400c22, // ldnp x2, x3, [x1]
		)
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x8786858483828180), c.X(2))
		assert.Equal(t, uint64(0x0f0e0d0c0b0a0908), c.X(3))
		c.SetX(2, ^uint64(0))
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x83828180), c.X(2))
		assert.Equal(t, uint64(0x87868584), c.X(3))
		stepN(t, m, 1)
		assert.Equal(t, uint64(0xffffffff83828180), c.X(2))
		assert.Equal(t, uint64(0xffffffff87868584), c.X(3))
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x8786858483828180), c.X(2))
		assert.Equal(t, uint64(0x0f0e0d0c0b0a0908), c.X(3))
		assert.Equal(t, ldstBuf, c.X(1))
	})
	t.Run("writeback", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0xa9c10c22, // ldp x2, x3, [x1, #16]!
			0xa8ff0c22, // ldp x2, x3, [x1], #-16
		)
		c.SetX(1, ldstBuf-16)
		stepN(t, m, 1)
		assert.Equal(t, ldstBuf, c.X(1))
		assert.Equal(t, uint64(0x8786858483828180), c.X(2))
		stepN(t, m, 1)
		assert.Equal(t, ldstBuf-16, c.X(1))
		assert.Equal(t, uint64(0x8786858483828180), c.X(2))
		assert.Equal(t, uint64(0x0f0e0d0c0b0a0908), c.X(3))
	})
	t.Run("overlap", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0xa8c10821, // ldp x1, x2, [x1], #16 (writeback wins)
			0xa9400822, // ldp x2, x2, [x1] (x2 gets the lower word)
		)
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		assert.Equal(t, ldstBuf+16, c.X(1))
		assert.Equal(t, uint64(0x0f0e0d0c0b0a0908), c.X(2))
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x8786858483828180), c.X(2))
	})
	t.Run("stores", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0xa9000c22, // stp x2, x3, [x1]
			0x29bf0c22, // stp w2, w3, [x1, #-8]!
			0xa8810c22, // stp x2, x3, [x1], #16
			0x28000c22, // stnp w2, w3, [x1]
			0xa9810821, // stp x1, x2, [x1, #16]!
		)
		c.SetX(1, ldstBuf+8)
		c.SetX(2, 0x1111_1111_2222_2222)
		c.SetX(3, 0x3333_3333_4444_4444)
		stepN(t, m, 1)
		x, _ := m.Memory().ReadU64(ldstBuf + 8)
		y, _ := m.Memory().ReadU64(ldstBuf + 16)
		assert.Equal(t, uint64(0x1111_1111_2222_2222), x)
		assert.Equal(t, uint64(0x3333_3333_4444_4444), y)
		stepN(t, m, 1)
		assert.Equal(t, ldstBuf, c.X(1))
		x, _ = m.Memory().ReadU64(ldstBuf)
		assert.Equal(t, uint64(0x4444_4444_2222_2222), x)
		stepN(t, m, 1)
		assert.Equal(t, ldstBuf+16, c.X(1))
		y, _ = m.Memory().ReadU64(ldstBuf + 8)
		assert.Equal(t, uint64(0x3333_3333_4444_4444), y)
		c.SetX(2, 5)
		c.SetX(3, 6)
		stepN(t, m, 1)
		x, _ = m.Memory().ReadU64(ldstBuf + 16)
		assert.Equal(t, uint64(6<<32|5), x)
		stepN(t, m, 1)
		assert.Equal(t, ldstBuf+32, c.X(1))
		x, _ = m.Memory().ReadU64(ldstBuf + 32)
		assert.Equal(t, ldstBuf+16, x, "a store pair writes the base before writeback")
	})
	t.Run("stack", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
			0xa8c17bfd, // ldp x29, x30, [sp], #16
		)
		top := c.SP()
		c.SetX(29, 0x29)
		c.SetX(30, 0x30)
		stepN(t, m, 1)
		assert.Equal(t, top-16, c.SP())
		c.SetX(29, 0)
		c.SetX(30, 0)
		stepN(t, m, 1)
		assert.Equal(t, top, c.SP())
		assert.Equal(t, uint64(0x29), c.X(29))
		assert.Equal(t, uint64(0x30), c.X(30))
	})
}

func TestLdStPrefetchNeverFaults(t *testing.T) {
	m, c := ldstMachine(t, nil,
		0xf98003e0, // prfm pldl1keep, [sp]
		0xf9800020, // prfm pldl1keep, [x1]
		0xf89fd031, // prfum pstl1strm, [x1, #-3]
		0xf8a26820, // prfm pldl1keep, [x1, x2]
	)
	c.SetSP(c.SP() - 8) // misaligned: prefetches skip the SP check
	c.SetX(1, 0x1234_5678_9abc_def0)
	c.SetX(2, 8)
	stepN(t, m, 4)
	assert.Equal(t, testCode+16, c.PC())
}

func TestLdStFaults(t *testing.T) {
	unmapped := testData + testArea + 0x10
	t.Run("load unmapped", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf8408420) // ldr x0, [x1], #8
		c.SetX(0, 7)
		c.SetX(1, unmapped)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultTranslationL3, false, unmapped)
		assert.Equal(t, testCode, ee.ELR)
		assert.Equal(t, testCode, c.PC())
		assert.Equal(t, uint64(7), c.X(0), "no register written")
		assert.Equal(t, unmapped, c.X(1), "no writeback")
	})
	t.Run("store unmapped", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf8008c20) // str x0, [x1, #8]!
		c.SetX(1, unmapped-8)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultTranslationL3, true, unmapped)
		assert.Equal(t, unmapped-8, c.X(1), "no writeback")
	})
	t.Run("store to code", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf9000020) // str x0, [x1]
		c.SetX(0, 0)
		c.SetX(1, testCode)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultPermissionL3, true, testCode)
		w, err := m.Memory().ReadU32(testCode)
		require.NoError(t, err)
		assert.Equal(t, uint32(0xf9000020), w, "code unchanged")
	})
	t.Run("EL0 load from kernel page", func(t *testing.T) {
		m, c := ldstMachine(t, nil)
		writeWords(t, m, ldstUserCode,
			0xf9400020, // ldr x0, [x1]
			0xf9400020, // ldr x0, [x1]
		)
		c.SetEL(0)
		c.SetPC(ldstUserCode)
		c.SetX(1, ldstUserData)
		stepN(t, m, 1)
		c.SetX(1, ldstBuf)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortLow, faultPermissionL3, false, ldstBuf)
		assert.Equal(t, 0, ee.FromEL)
		assert.Equal(t, 0, c.EL())
	})
	t.Run("SP alignment", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf94003e0) // ldr x0, [sp]
		c.SetSP(c.SP() - 8)
		ee := ldstFault(t, m)
		assert.Equal(t, ECSPAlign, ee.EC)
		assert.Equal(t, testCode, ee.ELR)
	})
	t.Run("pair second half", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xa9400c22) // ldp x2, x3, [x1]
		require.NoError(t, m.Memory().Unmap(ldstCross+PageSize, PageSize))
		c.SetX(1, ldstCross+PageSize-8)
		c.SetX(2, 2)
		c.SetX(3, 3)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultTranslationL3, false, ldstCross+PageSize)
		assert.Equal(t, uint64(2), c.X(2), "no register written")
		assert.Equal(t, uint64(3), c.X(3))
	})
}

// Unaligned accesses are allowed (SCTLR_EL1.A is 0) and may cross pages;
// a store that faults on its second page writes nothing.
func TestLdStPageCrossing(t *testing.T) {
	edge := ldstCross + PageSize
	t.Run("load", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf9400020) // ldr x0, [x1]
		require.NoError(t, m.Memory().Write(edge-3, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
		c.SetX(1, edge-3)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x0807060504030201), c.X(0))
	})
	t.Run("store", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf9000020) // str x0, [x1]
		c.SetX(0, 0x0807060504030201)
		c.SetX(1, edge-3)
		stepN(t, m, 1)
		assert.Equal(t, []byte{1, 2, 3, 4, 5, 6, 7, 8}, ldstBytes(t, m, edge-3, 8))
	})
	t.Run("store faults on second page", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf9000020) // str x0, [x1]
		require.NoError(t, m.Memory().Protect(edge, PageSize, PermRead))
		c.SetX(0, ^uint64(0))
		c.SetX(1, edge-3)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultPermissionL3, true, edge)
		assert.Equal(t, make([]byte, 8), ldstBytes(t, m, edge-3, 8), "nothing written")
	})
	t.Run("store pair faults on second page", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xa9000c22) // stp x2, x3, [x1]
		require.NoError(t, m.Memory().Unmap(edge, PageSize))
		c.SetX(1, edge-8)
		c.SetX(2, ^uint64(0))
		c.SetX(3, ^uint64(0))
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultTranslationL3, true, edge)
		assert.Equal(t, make([]byte, 8), ldstBytes(t, m, edge-8, 8), "first half not written")
	})
}

// LDTR/STTR at EL1 access memory with EL0's permissions, unless
// PSTATE.UAO is set.
func TestLdStUnprivileged(t *testing.T) {
	words := []uint32{
		0xf8400820, // ldtr x0, [x1]
		0xf8000820, // sttr x0, [x1]
		0x78800820, // ldtrsh x0, [x1]
	}
	t.Run("user page at EL1", func(t *testing.T) {
		m, c := ldstMachine(t, nil, words...)
		require.NoError(t, m.Memory().WriteU64(ldstUserData, 0x8000))
		c.SetX(1, ldstUserData)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x8000), c.X(0))
		c.SetX(0, 0xfff0)
		stepN(t, m, 2)
		assert.Equal(t, ^uint64(0xf), c.X(0), "sign-extended halfword")
		v, _ := m.Memory().ReadU64(ldstUserData)
		assert.Equal(t, uint64(0xfff0), v)
	})
	t.Run("kernel page at EL1 faults", func(t *testing.T) {
		m, c := ldstMachine(t, nil, words...)
		c.SetX(0, 5)
		c.SetX(1, ldstBuf)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultPermissionL3, false, ldstBuf)
		assert.Equal(t, uint64(5), c.X(0))
		c.SetPC(testCode + 4)
		ee = ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortCur, faultPermissionL3, true, ldstBuf)
		// The permission override ended with the instruction.
		assert.Equal(t, Perm(0), c.accessNeed)
	})
	t.Run("kernel page with UAO", func(t *testing.T) {
		m, c := ldstMachine(t, nil, words...)
		c.SetPSTATE(PSR_EL1h | PSR_DAIF | PSR_UAO)
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x8786858483828180), c.X(0))
	})
	t.Run("EL0", func(t *testing.T) {
		m, c := ldstMachine(t, nil)
		writeWords(t, m, ldstUserCode, words...)
		c.SetEL(0)
		c.SetPC(ldstUserCode)
		require.NoError(t, m.Memory().WriteU64(ldstUserData, 42))
		c.SetX(1, ldstUserData)
		stepN(t, m, 1)
		assert.Equal(t, uint64(42), c.X(0))
		c.SetX(0, 43)
		stepN(t, m, 1)
		v, _ := m.Memory().ReadU64(ldstUserData)
		assert.Equal(t, uint64(43), v)
		c.SetPC(ldstUserCode)
		c.SetX(1, ldstBuf)
		ee := ldstFault(t, m)
		assertDataAbort(t, ee, ECDataAbortLow, faultPermissionL3, false, ldstBuf)
	})
}
