package emu

import (
	"context"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Exclusives, acquire/release and LSE atomics. Words were assembled with
// aarch64-linux-gnu-as -march=armv8.2-a+lse+rcpc; the assembly is beside
// each. The helpers (ldstMachine, ldstFault, ...) are in exec_ldst_test.go.

const (
	wLdxrX  = 0xc85f7c20 // ldxr x0, [x1]
	wLdxrB  = 0x085f7c20 // ldxrb w0, [x1]
	wStxrX  = 0xc8027c20 // stxr w2, x0, [x1]
	wStxrB  = 0x08027c20 // stxrb w2, w0, [x1]
	wLdaxrW = 0x885ffc20 // ldaxr w0, [x1]
	wStlxrW = 0x8802fc20 // stlxr w2, w0, [x1]
)

func TestAtomicExclusiveSequences(t *testing.T) {
	t.Run("success then monitor cleared", func(t *testing.T) {
		m, c := ldstMachine(t, nil, wLdxrX, wStxrX, wStxrX)
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x8786858483828180), c.X(0))
		c.SetX(0, 0x55)
		c.SetX(2, 7)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0), c.X(2), "status: success")
		v, _ := m.Memory().ReadU64(ldstBuf)
		assert.Equal(t, uint64(0x55), v)
		c.SetX(0, 0x66)
		stepN(t, m, 1)
		assert.Equal(t, uint64(1), c.X(2), "the first store-exclusive cleared the monitor")
		v, _ = m.Memory().ReadU64(ldstBuf)
		assert.Equal(t, uint64(0x55), v, "a failed store-exclusive writes nothing")
	})
	t.Run("no load-exclusive", func(t *testing.T) {
		m, c := ldstMachine(t, nil, wStxrX)
		c.SetX(0, 1)
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		assert.Equal(t, uint64(1), c.X(2))
		assert.Equal(t, ldstPattern, ldstBytes(t, m, ldstBuf, 16))
	})
	t.Run("other address", func(t *testing.T) {
		m, c := ldstMachine(t, nil, wLdxrX, wStxrX)
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		c.SetX(1, ldstBuf+8)
		stepN(t, m, 1)
		assert.Equal(t, uint64(1), c.X(2))
		assert.Equal(t, ldstPattern, ldstBytes(t, m, ldstBuf, 16))
	})
	t.Run("other size", func(t *testing.T) {
		m, c := ldstMachine(t, nil, wLdxrX, wStxrB)
		c.SetX(1, ldstBuf)
		stepN(t, m, 2)
		assert.Equal(t, uint64(1), c.X(2))
		assert.Equal(t, ldstPattern, ldstBytes(t, m, ldstBuf, 16))
	})
	t.Run("bytes and acquire/release", func(t *testing.T) {
		m, c := ldstMachine(t, nil, wLdxrB, wStxrB, wLdaxrW, wStlxrW)
		c.SetX(1, ldstBuf+3)
		c.SetX(0, ^uint64(0))
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x83), c.X(0), "zero-extended byte")
		c.SetX(0, 0x1ff)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0), c.X(2))
		assert.Equal(t, []byte{0x82, 0xff, 0x84}, ldstBytes(t, m, ldstBuf+2, 3))
		c.SetX(1, ldstBuf+8)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x0b0a0908), c.X(0))
		stepN(t, m, 1)
		assert.Equal(t, uint64(0), c.X(2))
	})
	t.Run("pairs", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0xc87f1424, // ldxp x4, x5, [x1]
			0xc8221424, // stxp w2, x4, x5, [x1]
			0x887f1424, // ldxp w4, w5, [x1]
			0x88221424, // stxp w2, w4, w5, [x1]
		)
		c.SetX(1, ldstBuf)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0x8786858483828180), c.X(4))
		assert.Equal(t, uint64(0x0f0e0d0c0b0a0908), c.X(5))
		c.SetX(4, 1)
		c.SetX(5, 2)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0), c.X(2))
		a, _ := m.Memory().ReadU64(ldstBuf)
		b, _ := m.Memory().ReadU64(ldstBuf + 8)
		assert.Equal(t, []uint64{1, 2}, []uint64{a, b})
		c.SetX(1, ldstBuf+8)
		stepN(t, m, 1)
		assert.Equal(t, uint64(2), c.X(4))
		assert.Equal(t, uint64(0), c.X(5))
		c.SetX(4, 0xaaaa_aaaa_0000_0003) // only the low words are stored
		c.SetX(5, 4)
		stepN(t, m, 1)
		assert.Equal(t, uint64(0), c.X(2))
		b, _ = m.Memory().ReadU64(ldstBuf + 8)
		assert.Equal(t, uint64(4<<32|3), b)
	})
	t.Run("single-register store after pair load fails", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0xc87f1424, // ldxp x4, x5, [x1]
			wStxrX,
		)
		c.SetX(1, ldstBuf)
		stepN(t, m, 2)
		assert.Equal(t, uint64(1), c.X(2))
	})
}

// An LL/SC loop incrementing a counter, as the kernel's atomics do without
// LSE. It needs ADD, CBNZ, SUBS and B.cond from other classes.
func TestAtomicLLSCLoop(t *testing.T) {
	words := []uint32{
		0xc85f7c20, // loop: ldxr x0, [x1]
		0x91000400, //       add x0, x0, #1
		0xc8027c20, //       stxr w2, x0, [x1]
		0x35ffffa2, //       cbnz w2, loop
		0xf1000463, //       subs x3, x3, #1
		0x54ffff61, //       b.ne loop
		0xd503201f, //       nop
	}
	m, c := ldstMachine(t, nil, words...)
	for _, w := range words {
		in, err := arm64.Decode(w)
		if err != nil || !m.Executes(in.Op) {
			t.Skipf("%08x is not executable yet (%v): its class is not in this build", w, err)
		}
	}
	require.NoError(t, m.Memory().WriteU64(ldstBuf, 1000))
	c.SetX(1, ldstBuf)
	c.SetX(3, 25)
	_, err := m.Run(context.Background(), &RunOptions{StopAt: []uint64{testCode + 24}, Budget: 10000})
	require.NoError(t, err)
	v, _ := m.Memory().ReadU64(ldstBuf)
	assert.Equal(t, uint64(1025), v)
	assert.Equal(t, uint64(0), c.X(3))
}

// A store-exclusive by another CPU to the granule clears this CPU's mark.
func TestAtomicExclusiveTwoCPUs(t *testing.T) {
	m, c0 := ldstMachine(t, &Config{CPUs: 2}, wLdxrX, wStxrX)
	c1 := m.CPU(1)
	c1.SetPC(testCode)
	c0.SetX(1, ldstBuf)
	c1.SetX(1, ldstBuf+8)
	stepN(t, m, 1) // CPU 0 marks ldstBuf
	_, err := m.Step(context.Background(), 1, 2)
	require.NoError(t, err)
	assert.Equal(t, uint64(0), c1.X(2), "CPU 1's own sequence succeeds")
	stepN(t, m, 1)
	assert.Equal(t, uint64(1), c0.X(2), "CPU 0's mark was cleared by CPU 1's store")
}

func TestAtomicAlignment(t *testing.T) {
	for _, tc := range []struct {
		asm   string
		word  uint32
		addr  uint64
		write bool
	}{
		{"ldxr x0, [x1]", wLdxrX, ldstBuf + 4, false},
		{"ldaxr w0, [x1]", wLdaxrW, ldstBuf + 2, false},
		{"stxr w2, x0, [x1]", wStxrX, ldstBuf + 1, true},
		{"ldxp x4, x5, [x1]", 0xc87f1424, ldstBuf + 8, false},
		{"stxp w2, w4, w5, [x1]", 0x88221424, ldstBuf + 4, true},
		{"ldar x0, [x1]", 0xc8dffc20, ldstBuf + 1, false},
		{"ldarh w0, [x1]", 0x48dffc20, ldstBuf + 1, false},
		{"stlr x0, [x1]", 0xc89ffc20, ldstBuf + 4, true},
		{"ldapr w0, [x1]", 0xb8bfc020, ldstBuf + 2, false},
		{"ldadd x2, x0, [x1]", 0xf8220020, ldstBuf + 4, false},
		{"ldaddh w2, w0, [x1]", 0x78220020, ldstBuf + 1, false},
		{"cas x2, x3, [x1]", 0xc8a27c23, ldstBuf + 8 + 4, false},
		{"casp x2, x3, x4, x5, [x1]", 0x48227c24, ldstBuf + 8, false},
	} {
		t.Run(tc.asm, func(t *testing.T) {
			m, c := ldstMachine(t, nil, tc.word)
			c.SetX(0, 0x77)
			c.SetX(1, tc.addr)
			c.SetX(2, 0x99)
			ee := ldstFault(t, m)
			assertDataAbort(t, ee, ECDataAbortCur, faultAlignment, tc.write, tc.addr)
			assert.Equal(t, uint64(0x77), c.X(0))
			assert.Equal(t, uint64(0x99), c.X(2), "status or source register unchanged")
			assert.Equal(t, ldstPattern, ldstBytes(t, m, ldstBuf, 16))
		})
	}
}

func TestAtomicLoadAcquireStoreRelease(t *testing.T) {
	m, c := ldstMachine(t, nil,
		0xc8dffc20, // ldar x0, [x1]
		0x48dffc20, // ldarh w0, [x1]
		0xc89ffc20, // stlr x0, [x1]
		0x089ffc20, // stlrb w0, [x1]
		0xb8bfc020, // ldapr w0, [x1]
	)
	c.SetX(1, ldstBuf)
	stepN(t, m, 1)
	assert.Equal(t, uint64(0x8786858483828180), c.X(0))
	stepN(t, m, 1)
	assert.Equal(t, uint64(0x8180), c.X(0))
	c.SetX(0, 0x1122_3344_5566_7788)
	c.SetX(1, ldstBuf+8)
	stepN(t, m, 1)
	c.SetX(0, 0xaa)
	stepN(t, m, 1)
	v, _ := m.Memory().ReadU64(ldstBuf + 8)
	assert.Equal(t, uint64(0x1122_3344_5566_77aa), v)
	stepN(t, m, 1)
	assert.Equal(t, uint64(0x556677aa), c.X(0))
}

// Every LSE operation: the memory it leaves and the old value it returns,
// with the signed and unsigned comparisons on bytes, halfwords and words.
func TestAtomicLSEOps(t *testing.T) {
	for _, tc := range []struct {
		asm      string
		word     uint32
		mem, rs  uint64 // memory (at ldstBuf+8) and Rs (x2) before
		wantMem  uint64 // memory after (the whole doubleword)
		wantOld  uint64 // x0 after
		noResult bool   // Rt is XZR: x0 keeps its value
	}{
		{"ldadd x2, x0, [x1]", 0xf8220020, 5, 3, 8, 5, false},
		{"ldadd x2, x0, [x1] wraps", 0xf8220020, ^uint64(0), 2, 1, ^uint64(0), false},
		{"ldaddb w2, w0, [x1]", 0x38220020, 0x11ff, 1, 0x1100, 0xff, false},
		{"ldaddh w2, w0, [x1]", 0x78220020, 0x2_ffff, 0x1_0002, 0x2_0001, 0xffff, false},
		{"ldadd w2, w0, [x1]", 0xb8220020, 0x7_ffff_ffff, 1, 0x7_0000_0000, 0xffff_ffff, false},
		{"ldclr x2, x0, [x1]", 0xf8221020, 0xff, 0x0f, 0xf0, 0xff, false},
		{"ldeor x2, x0, [x1]", 0xf8222020, 0xff, 0x0f, 0xf0, 0xff, false},
		{"ldset x2, x0, [x1]", 0xf8223020, 0xf0, 0x0f, 0xff, 0xf0, false},
		{"ldsmaxb -128 vs 1", 0x38224020, 0x80, 0x01, 0x01, 0x80, false},
		{"ldsmaxb 127 vs -1", 0x38224020, 0x7f, 0xff, 0x7f, 0x7f, false},
		{"ldsminb 1 vs -128", 0x38225020, 0x01, 0x80, 0x80, 0x01, false},
		{"ldsminb -1 vs 127", 0x38225020, 0xff, 0x7f, 0xff, 0xff, false},
		{"ldumaxb 0x80 vs 1", 0x38226020, 0x80, 0x01, 0x80, 0x80, false},
		{"lduminb 0x80 vs 1", 0x38227020, 0x80, 0x01, 0x01, 0x80, false},
		{"ldsmax w: Rs upper half ignored", 0xb8224020, 0xffff_fffe, 0xffff_ffff_0000_0001, 1, 0xffff_fffe, false},
		{"ldsminh -1 vs 2", 0x78225020, 0xffff, 2, 0xffff, 0xffff, false},
		{"ldumin x", 0xf8227020, 0x8000_0000_0000_0000, 7, 7, 0x8000_0000_0000_0000, false},
		{"ldsmax x", 0xf8224020, 0x8000_0000_0000_0000, 7, 7, 0x8000_0000_0000_0000, false},
		{"swp x2, x0, [x1]", 0xf8228020, 0x1234, 0x5678, 0x5678, 0x1234, false},
		{"swpalh w2, w0, [x1]", 0x78e28020, 0x1_1234, 0xffff_5678, 0x1_5678, 0x1234, false},
		{"stadd x2, [x1]", 0xf822003f, 40, 2, 42, 0, true},
	} {
		t.Run(tc.asm, func(t *testing.T) {
			m, c := ldstMachine(t, nil, tc.word)
			require.NoError(t, m.Memory().WriteU64(ldstBuf+8, tc.mem))
			c.SetX(0, 0x5555)
			c.SetX(1, ldstBuf+8)
			c.SetX(2, tc.rs)
			stepN(t, m, 1)
			v, _ := m.Memory().ReadU64(ldstBuf + 8)
			assert.Equal(t, tc.wantMem, v, "memory")
			if tc.noResult {
				assert.Equal(t, uint64(0x5555), c.X(0))
			} else {
				assert.Equal(t, tc.wantOld, c.X(0), "old value")
			}
			assert.Equal(t, tc.rs, c.X(2), "Rs unchanged")
			assert.Equal(t, ldstPattern[:8], ldstBytes(t, m, ldstBuf, 8), "neighbours unchanged")
		})
	}
}

func TestAtomicLSESameRegister(t *testing.T) {
	m, c := ldstMachine(t, nil, 0xf8200020) // ldadd x0, x0, [x1]
	require.NoError(t, m.Memory().WriteU64(ldstBuf, 10))
	c.SetX(0, 5)
	c.SetX(1, ldstBuf)
	stepN(t, m, 1)
	v, _ := m.Memory().ReadU64(ldstBuf)
	assert.Equal(t, uint64(15), v)
	assert.Equal(t, uint64(10), c.X(0))
}

func TestAtomicCAS(t *testing.T) {
	for _, tc := range []struct {
		asm              string
		word             uint32
		mem, rs, rt      uint64
		wantMem, wantOld uint64
	}{
		{"cas x2, x3, [x1] equal", 0xc8a27c23, 10, 10, 20, 20, 10},
		{"cas x2, x3, [x1] differs", 0xc8a27c23, 11, 10, 20, 11, 11},
		{"casb compares one byte", 0x08a27c23, 0x1280, 0xffff_ff80, 0x7f, 0x127f, 0x80},
		{"casb differs", 0x08a27c23, 0x1281, 0x80, 0x7f, 0x1281, 0x81},
		{"casal w equal", 0x88e2fc23, 0x9_0000_0005, 0xff_0000_0005, 6, 0x9_0000_0006, 5},
	} {
		t.Run(tc.asm, func(t *testing.T) {
			m, c := ldstMachine(t, nil, tc.word)
			require.NoError(t, m.Memory().WriteU64(ldstBuf+8, tc.mem))
			c.SetX(1, ldstBuf+8)
			c.SetX(2, tc.rs)
			c.SetX(3, tc.rt)
			stepN(t, m, 1)
			v, _ := m.Memory().ReadU64(ldstBuf + 8)
			assert.Equal(t, tc.wantMem, v, "memory")
			assert.Equal(t, tc.wantOld, c.X(2), "Rs gets the old value")
			assert.Equal(t, tc.rt, c.X(3))
		})
	}
}

func TestAtomicCASP(t *testing.T) {
	t.Run("x pair", func(t *testing.T) {
		m, c := ldstMachine(t, nil,
			0x48227c24, // casp x2, x3, x4, x5, [x1]
			0x48227c24,
		)
		c.SetX(1, ldstBuf)
		c.SetX(2, 0x8786858483828180)
		c.SetX(3, 0x0f0e0d0c0b0a0908)
		c.SetX(4, 1)
		c.SetX(5, 2)
		stepN(t, m, 1)
		a, _ := m.Memory().ReadU64(ldstBuf)
		b, _ := m.Memory().ReadU64(ldstBuf + 8)
		assert.Equal(t, []uint64{1, 2}, []uint64{a, b})
		assert.Equal(t, uint64(0x8786858483828180), c.X(2))
		assert.Equal(t, uint64(0x0f0e0d0c0b0a0908), c.X(3))
		// Now the second word differs: no store, old values returned.
		c.SetX(2, 1)
		c.SetX(3, 3)
		c.SetX(4, 7)
		c.SetX(5, 7)
		stepN(t, m, 1)
		a, _ = m.Memory().ReadU64(ldstBuf)
		b, _ = m.Memory().ReadU64(ldstBuf + 8)
		assert.Equal(t, []uint64{1, 2}, []uint64{a, b})
		assert.Equal(t, uint64(1), c.X(2))
		assert.Equal(t, uint64(2), c.X(3))
	})
	t.Run("w pair", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0x08227c24) // casp w2, w3, w4, w5, [x1]
		c.SetX(1, ldstBuf+8)
		c.SetX(2, 0xffff_ffff_0b0a_0908) // upper halves are ignored
		c.SetX(3, 0x0f0e_0d0c)
		c.SetX(4, 0x1111_1111)
		c.SetX(5, 0xffff_ffff_2222_2222)
		stepN(t, m, 1)
		v, _ := m.Memory().ReadU64(ldstBuf + 8)
		assert.Equal(t, uint64(0x2222_2222_1111_1111), v)
		assert.Equal(t, uint64(0x0b0a_0908), c.X(2))
		assert.Equal(t, uint64(0x0f0e_0d0c), c.X(3))
	})
	t.Run("x30 and xzr", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0x483e7c24) // casp x30, xzr, x4, x5, [x1]
		require.NoError(t, m.Memory().WriteU64(ldstBuf, 9))
		require.NoError(t, m.Memory().WriteU64(ldstBuf+8, 0))
		c.SetX(1, ldstBuf)
		c.SetX(30, 9)
		c.SetX(4, 4)
		c.SetX(5, 5)
		stepN(t, m, 1)
		a, _ := m.Memory().ReadU64(ldstBuf)
		b, _ := m.Memory().ReadU64(ldstBuf + 8)
		assert.Equal(t, []uint64{4, 5}, []uint64{a, b}, "xzr compares as zero")
		assert.Equal(t, uint64(9), c.X(30))
	})
}

// Atomics need read and write permission; WnR is 0 when a read would have
// faulted too, 1 when only the write does (ESR_ELx ISS, WnR).
func TestAtomicFaults(t *testing.T) {
	unmapped := testData + testArea
	for _, tc := range []struct {
		asm   string
		word  uint32
		addr  uint64
		fsc   uint32
		write bool
	}{
		{"ldadd unmapped", 0xf8220020, unmapped, faultTranslationL3, false},
		{"ldadd read-only", 0xf8220020, testCode, faultPermissionL3, true},
		{"swp read-only", 0xf8228020, testCode, faultPermissionL3, true},
		{"cas read-only, compare fails", 0xc8a27c23, testCode, faultPermissionL3, true},
		{"casp unmapped", 0x48227c24, unmapped, faultTranslationL3, false},
	} {
		t.Run(tc.asm, func(t *testing.T) {
			m, c := ldstMachine(t, nil, tc.word)
			c.SetX(0, 0x77)
			c.SetX(1, tc.addr)
			c.SetX(2, 0x99)
			ee := ldstFault(t, m)
			assertDataAbort(t, ee, ECDataAbortCur, tc.fsc, tc.write, tc.addr)
			assert.Equal(t, uint64(0x77), c.X(0))
			assert.Equal(t, uint64(0x99), c.X(2))
			w, err := m.Memory().ReadU32(testCode)
			require.NoError(t, err)
			assert.Equal(t, tc.word, w, "memory unchanged")
		})
	}
	t.Run("SP base misaligned", func(t *testing.T) {
		m, c := ldstMachine(t, nil, 0xf82203e0) // ldadd x2, x0, [sp]
		c.SetSP(c.SP() - 8)
		ee := ldstFault(t, m)
		assert.Equal(t, ECSPAlign, ee.EC)
	})
}

// Without FEAT_LSE the atomics are UNDEFINED, without FEAT_LRCPC LDAPR.
func TestAtomicFeatures(t *testing.T) {
	for _, w := range []uint32{
		0xf8220020, // ldadd x2, x0, [x1]
		0xc8a27c23, // cas x2, x3, [x1]
		0x48227c24, // casp x2, x3, x4, x5, [x1]
		0xf8228020, // swp x2, x0, [x1]
		0xb8bfc020, // ldapr w0, [x1]
	} {
		m, c := ldstMachine(t, &Config{Features: &Features{}}, w)
		c.SetX(1, ldstBuf)
		ee := ldstFault(t, m)
		assert.Equal(t, ECUnknown, ee.EC, "%08x", w)
		assert.Equal(t, ldstPattern, ldstBytes(t, m, ldstBuf, 16))
	}
	m, c := ldstMachine(t, &Config{Features: &Features{LRCPC: true}}, 0xb8bfc020)
	c.SetX(1, ldstBuf)
	stepN(t, m, 1)
	assert.Equal(t, uint64(0x83828180), c.X(0))
}
