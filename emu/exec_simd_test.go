package emu

import (
	"context"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the FP/SIMD loads and stores and of the Advanced SIMD subset.
// Every word was assembled with aarch64-linux-gnu-as from the text beside
// it; the expected values were worked out by hand from the Arm ARM's
// description of each instruction.

// simdAll is a V register value that makes zeroed bits visible.
var simdAll = [2]uint64{^uint64(0), ^uint64(0)}

// Byte patterns: simdA holds bytes 0x00..0x0f, simdB bytes 0x10..0x1f.
var (
	simdA = [2]uint64{0x0706050403020100, 0x0f0e0d0c0b0a0908}
	simdB = [2]uint64{0x1716151413121110, 0x1f1e1d1c1b1a1918}
)

func vget(c *CPU, n int) [2]uint64 {
	lo, hi := c.V(n)
	return [2]uint64{lo, hi}
}

func vset(c *CPU, n int, v [2]uint64) { c.SetV(n, v[0], v[1]) }

// simdPattern returns n bytes counting up from first.
func simdPattern(first byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = first + byte(i)
	}
	return b
}

// simdFault runs one instruction that must fault and returns the
// exception the run stopped with.
func simdFault(t *testing.T, m *Machine) *ExceptionError {
	t.Helper()
	_, err := m.Step(context.Background(), 0, 1)
	var ee *ExceptionError
	require.ErrorAs(t, err, &ee)
	return ee
}

func readMem(t *testing.T, m *Machine, addr uint64, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	require.NoError(t, m.Memory().Read(addr, b))
	return b
}

// Every op of both classes has an executor.
func TestSIMDOpsExecute(t *testing.T) {
	m := newTestMachine(t, nil)
	for _, op := range arm64.Ops() {
		if c := op.Class(); c == arm64.ClassSIMD || c == arm64.ClassSIMDLdSt {
			assert.True(t, m.Executes(op), "%v has no executor", op)
		}
	}
}

func TestSIMDLoadZeroesUpperBits(t *testing.T) {
	m := newTestMachine(t, nil,
		0x3d400000, // ldr b0, [x0]
		0x7d400001, // ldr h1, [x0]
		0xbd400002, // ldr s2, [x0]
		0xfd400003, // ldr d3, [x0]
		0x3dc00004, // ldr q4, [x0]
	)
	require.NoError(t, m.Memory().Write(testData, simdPattern(0x10, 16)))
	c := m.CPU(0)
	c.SetX(0, testData)
	for i := range 5 {
		vset(c, i, simdAll)
	}
	stepN(t, m, 5)
	assert.Equal(t, [2]uint64{0x10, 0}, vget(c, 0))
	assert.Equal(t, [2]uint64{0x1110, 0}, vget(c, 1))
	assert.Equal(t, [2]uint64{0x13121110, 0}, vget(c, 2))
	assert.Equal(t, [2]uint64{0x1716151413121110, 0}, vget(c, 3))
	assert.Equal(t, [2]uint64{0x1716151413121110, 0x1f1e1d1c1b1a1918}, vget(c, 4))
	assert.Equal(t, testCode+20, c.PC())
}

func TestSIMDStoreSizes(t *testing.T) {
	m := newTestMachine(t, nil,
		0x3d000005, // str b5, [x0]
		0x7d000405, // str h5, [x0, #2]
		0xbd000405, // str s5, [x0, #4]
		0xfd000405, // str d5, [x0, #8]
		0x3d800405, // str q5, [x0, #16]
	)
	fill := make([]byte, 40)
	for i := range fill {
		fill[i] = 0xaa
	}
	require.NoError(t, m.Memory().Write(testData, fill))
	c := m.CPU(0)
	c.SetX(0, testData)
	vset(c, 5, [2]uint64{0x8877665544332211, 0xffeeddccbbaa9988})
	stepN(t, m, 5)
	assert.Equal(t, []byte{
		0x11, 0xaa, 0x11, 0x22, 0x11, 0x22, 0x33, 0x44,
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
		0xaa,
	}, readMem(t, m, testData, 33))
}

// S = 1 of a B register access ("lsl #0") shifts the offset by 0, as S = 0
// does (Arm ARM C7.2 LDR (register, SIMD&FP)).
func TestSIMDByteRegisterOffsetS(t *testing.T) {
	m := newTestMachine(t, nil,
		0x3c627820, // ldr b0, [x1, x2, lsl #0]
		0x3c227860, // str b0, [x3, x2, lsl #0]
	)
	require.NoError(t, m.Memory().Write(testData, simdPattern(0x40, 16)))
	require.NoError(t, m.Memory().Write(testData+0x100, make([]byte, 8)))
	c := m.CPU(0)
	c.SetX(1, testData)
	c.SetX(2, 5)
	c.SetX(3, testData+0x100)
	vset(c, 0, simdAll)
	stepN(t, m, 2)
	assert.Equal(t, [2]uint64{0x45, 0}, vget(c, 0))
	assert.Equal(t, []byte{0, 0, 0, 0, 0, 0x45, 0, 0}, readMem(t, m, testData+0x100, 8))
}

func TestSIMDAddressingModes(t *testing.T) {
	m := newTestMachine(t, nil,
		0x3cc10c00, // ldr q0, [x0, #16]!
		0xfc5f8401, // ldr d1, [x0], #-8
		0xbc5fc002, // ldur s2, [x0, #-4]
		0x7c61d803, // ldr h3, [x0, w1, sxtw #1]
		0x3c626804, // ldr b4, [x0, x2]
		0x3ca27860, // str q0, [x3, x2, lsl #4]
		0xfc1f8c61, // str d1, [x3, #-8]!
		0xbc004462, // str s2, [x3], #4
		0x7c1fe063, // stur h3, [x3, #-2]
	)
	require.NoError(t, m.Memory().Write(testData, simdPattern(0, 64)))
	c := m.CPU(0)
	c.SetX(0, testData)
	c.SetX(1, uint64(0xffff_ffff_ffff_fffe)) // w1 = -2
	c.SetX(2, 3)
	c.SetX(3, testData+0x100)
	for i := range 5 {
		vset(c, i, simdAll)
	}

	stepN(t, m, 1) // pre-index: address and new base testData+16
	assert.Equal(t, [2]uint64{0x1716151413121110, 0x1f1e1d1c1b1a1918}, vget(c, 0))
	assert.Equal(t, testData+16, c.X(0))
	stepN(t, m, 1) // post-index: loads at testData+16, base becomes testData+8
	assert.Equal(t, [2]uint64{0x1716151413121110, 0}, vget(c, 1))
	assert.Equal(t, testData+8, c.X(0))
	stepN(t, m, 1) // unscaled: testData+4, no writeback
	assert.Equal(t, [2]uint64{0x07060504, 0}, vget(c, 2))
	assert.Equal(t, testData+8, c.X(0))
	stepN(t, m, 1) // testData+8 + (-2 << 1)
	assert.Equal(t, [2]uint64{0x0504, 0}, vget(c, 3))
	stepN(t, m, 1) // testData+8 + 3
	assert.Equal(t, [2]uint64{0x0b, 0}, vget(c, 4))

	stepN(t, m, 1) // q0 to testData+0x100 + 3<<4
	assert.Equal(t, simdPattern(0x10, 16), readMem(t, m, testData+0x130, 16))
	assert.Equal(t, testData+0x100, c.X(3))
	stepN(t, m, 1) // d1 to testData+0xf8, base updated
	assert.Equal(t, simdPattern(0x10, 8), readMem(t, m, testData+0xf8, 8))
	assert.Equal(t, testData+0xf8, c.X(3))
	stepN(t, m, 1) // s2 to testData+0xf8, then base +4
	assert.Equal(t, []byte{4, 5, 6, 7, 0x14, 0x15, 0x16, 0x17}, readMem(t, m, testData+0xf8, 8))
	assert.Equal(t, testData+0xfc, c.X(3))
	stepN(t, m, 1) // h3 to testData+0xfa
	assert.Equal(t, []byte{4, 5, 4, 5, 0x14, 0x15}, readMem(t, m, testData+0xf8, 6))
	assert.Equal(t, testData+0xfc, c.X(3))
}

func TestSIMDLoadLiteral(t *testing.T) {
	m := newTestMachine(t, nil,
		0x9c000080,                                     // ldr q0, .+16
		0x5c000061,                                     // ldr d1, .+12
		0x1c0000a2,                                     // ldr s2, .+20
		0x00000000,                                     // (not executed)
		0x33221100, 0x77665544, 0xbbaa9988, 0xffeeddcc, // (the literal pool)
	)
	c := m.CPU(0)
	for i := range 3 {
		vset(c, i, simdAll)
	}
	stepN(t, m, 3)
	assert.Equal(t, [2]uint64{0x7766554433221100, 0xffeeddccbbaa9988}, vget(c, 0))
	assert.Equal(t, [2]uint64{0x7766554433221100, 0}, vget(c, 1))
	assert.Equal(t, [2]uint64{0xffeeddcc, 0}, vget(c, 2))
}

func TestSIMDPairs(t *testing.T) {
	m := newTestMachine(t, nil,
		0xadbf07e0, // stp q0, q1, [sp, #-32]!
		0xacc10fe2, // ldp q2, q3, [sp], #32
		0x2d011404, // stp s4, s5, [x0, #8]
		0x6d401c06, // ldp d6, d7, [x0]
		0x6c012008, // stnp d8, d8, [x0, #16]
		0x2c42a409, // ldnp s9, s9, [x0, #20]
	)
	c := m.CPU(0)
	sp := c.SP()
	c.SetX(0, testData)
	vset(c, 0, simdA)
	vset(c, 1, simdB)
	vset(c, 4, [2]uint64{0x11111111, 0xdead})
	vset(c, 5, [2]uint64{0x22222222, 0xbeef})
	vset(c, 8, [2]uint64{0x0807060504030201, 0xdead})
	for _, n := range []int{2, 3, 6, 7, 9} {
		vset(c, n, simdAll)
	}
	stepN(t, m, 1)
	assert.Equal(t, sp-32, c.SP())
	assert.Equal(t, append(simdPattern(0, 16), simdPattern(0x10, 16)...), readMem(t, m, sp-32, 32))
	stepN(t, m, 1)
	assert.Equal(t, sp, c.SP())
	assert.Equal(t, simdA, vget(c, 2))
	assert.Equal(t, simdB, vget(c, 3))

	stepN(t, m, 2) // s4, s5 at testData+8; d6, d7 from testData
	assert.Equal(t, [2]uint64{0, 0}, vget(c, 6))
	assert.Equal(t, [2]uint64{0x2222222211111111, 0}, vget(c, 7))
	stepN(t, m, 2) // d8 twice at testData+16; s9 from testData+20, then +24
	assert.Equal(t, simdPattern(1, 8), readMem(t, m, testData+16, 8))
	assert.Equal(t, simdPattern(1, 8), readMem(t, m, testData+24, 8))
	assert.Equal(t, [2]uint64{0x04030201, 0}, vget(c, 9), "Rt == Rt2: the second load wins")
	assert.Equal(t, testData, c.X(0))
}

func TestSIMDSPAlignment(t *testing.T) {
	m := newTestMachine(t, nil,
		0x3dc003e0, // ldr q0, [sp]
		0x4c4073e1, // ld1 {v1.16b}, [sp]
		0x4d40c3e2, // ld1r {v2.16b}, [sp]
	)
	c := m.CPU(0)
	sp := c.SP() - 8
	c.SetSP(sp)
	for _, pc := range []uint64{testCode, testCode + 4, testCode + 8} {
		c.SetPC(pc)
		n := int(pc-testCode) / 4
		vset(c, n, simdAll)
		ee := simdFault(t, m)
		assert.Equal(t, ECSPAlign, ee.EC, "%#x", pc)
		assert.Equal(t, pc, ee.ELR)
		assert.Equal(t, simdAll, vget(c, n))
		assert.Equal(t, sp, c.SP())
	}

	// An aligned SP is fine.
	c.SetSP(sp - 8)
	c.SetPC(testCode)
	stepN(t, m, 3)
}

func TestSIMDLoadMultiple(t *testing.T) {
	m := newTestMachine(t, nil,
		0x4cc22000, // ld1 {v0.16b-v3.16b}, [x0], x2
		0x0c402004, // ld1 {v4.8b-v7.8b}, [x0]
		0x4cdfa43f, // ld1 {v31.8h, v0.8h}, [x1], #32
		0x4c9f2820, // st1 {v0.4s-v3.4s}, [x1], #64
		0x0c9f7c28, // st1 {v8.1d}, [x1], #8
	)
	require.NoError(t, m.Memory().Write(testData, simdPattern(0, 200)))
	c := m.CPU(0)
	c.SetX(0, testData)
	c.SetX(1, testData+0x20)
	c.SetX(2, 100)
	for i := range 32 {
		vset(c, i, simdAll)
	}
	stepN(t, m, 1)
	for r := range 4 {
		b := byte(16 * r)
		want := [2]uint64{leU64(simdPattern(b, 8)), leU64(simdPattern(b+8, 8))}
		assert.Equal(t, want, vget(c, r), "v%d", r)
	}
	assert.Equal(t, testData+100, c.X(0))
	stepN(t, m, 1) // four 8-byte registers from testData+100, upper halves zeroed
	for r := range 4 {
		assert.Equal(t, [2]uint64{leU64(simdPattern(byte(100+8*r), 8)), 0}, vget(c, 4+r), "v%d", 4+r)
	}
	stepN(t, m, 1) // the list wraps from v31 to v0
	assert.Equal(t, [2]uint64{leU64(simdPattern(0x20, 8)), leU64(simdPattern(0x28, 8))}, vget(c, 31))
	assert.Equal(t, [2]uint64{leU64(simdPattern(0x30, 8)), leU64(simdPattern(0x38, 8))}, vget(c, 0))
	assert.Equal(t, testData+0x40, c.X(1))

	vset(c, 0, simdA)
	vset(c, 1, simdB)
	vset(c, 2, simdA)
	vset(c, 3, simdB)
	vset(c, 8, [2]uint64{0x8877665544332211, 0xdead})
	stepN(t, m, 2)
	got := readMem(t, m, testData+0x40, 72)
	assert.Equal(t, simdPattern(0, 32), got[:32])
	assert.Equal(t, simdPattern(0, 32), got[32:64])
	assert.Equal(t, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, got[64:])
	assert.Equal(t, testData+0x40+72, c.X(1))
}

func leU64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func TestSIMDInterleaved(t *testing.T) {
	m := newTestMachine(t, nil,
		0x4c404000, // ld3 {v0.16b-v2.16b}, [x0]
		0x0c408403, // ld2 {v3.4h, v4.4h}, [x0]
		0x4c400805, // ld4 {v5.4s-v8.4s}, [x0]
		0x4c008423, // st2 {v3.8h, v4.8h}, [x1]
		0x4c9f4829, // st3 {v9.4s-v11.4s}, [x1], #48
	)
	require.NoError(t, m.Memory().Write(testData, simdPattern(0, 64)))
	c := m.CPU(0)
	c.SetX(0, testData)
	c.SetX(1, testData+0x100)
	for i := range 12 {
		vset(c, i, simdAll)
	}
	stepN(t, m, 1) // v0 = bytes 0, 3, 6, ..., v1 = 1, 4, ..., v2 = 2, 5, ...
	assert.Equal(t, [2]uint64{0x15120f0c09060300, 0x2d2a2724211e1b18}, vget(c, 0))
	assert.Equal(t, [2]uint64{0x1613100d0a070401, 0x2e2b2825221f1c19}, vget(c, 1))
	assert.Equal(t, [2]uint64{0x1714110e0b080502, 0x2f2c292623201d1a}, vget(c, 2))
	stepN(t, m, 1) // halfwords 0, 2, 4, 6 and 1, 3, 5, 7; upper halves zeroed
	assert.Equal(t, [2]uint64{0x0d0c090805040100, 0}, vget(c, 3))
	assert.Equal(t, [2]uint64{0x0f0e0b0a07060302, 0}, vget(c, 4))
	stepN(t, m, 1) // words 0, 4, 8, 12 / 1, 5, 9, 13 / ...
	assert.Equal(t, [2]uint64{0x1312111003020100, 0x3332313023222120}, vget(c, 5))
	assert.Equal(t, [2]uint64{0x1716151407060504, 0x3736353427262524}, vget(c, 6))
	assert.Equal(t, [2]uint64{0x1f1e1d1c0f0e0d0c, 0x3f3e3d3c2f2e2d2c}, vget(c, 8))

	// st2 of two 8h registers interleaves their halfwords: v3 = {h0, h2,
	// h4, h6, 0...}, v4 = {h1, h3, h5, h7, 0...}.
	stepN(t, m, 1)
	want := append(simdPattern(0, 16), make([]byte, 16)...)
	assert.Equal(t, want, readMem(t, m, testData+0x100, 32))

	vset(c, 9, [2]uint64{0x0000000100000000, 0x0000000300000002})
	vset(c, 10, [2]uint64{0x0000001100000010, 0x0000001300000012})
	vset(c, 11, [2]uint64{0x0000002100000020, 0x0000002300000022})
	stepN(t, m, 1)
	assert.Equal(t, []byte{
		0x00, 0, 0, 0, 0x10, 0, 0, 0, 0x20, 0, 0, 0,
		0x01, 0, 0, 0, 0x11, 0, 0, 0, 0x21, 0, 0, 0,
		0x02, 0, 0, 0, 0x12, 0, 0, 0, 0x22, 0, 0, 0,
		0x03, 0, 0, 0, 0x13, 0, 0, 0, 0x23, 0, 0, 0,
	}, readMem(t, m, testData+0x100, 48))
	assert.Equal(t, testData+0x130, c.X(1))
}

func TestSIMDSingleStructure(t *testing.T) {
	m := newTestMachine(t, nil,
		0x4d409000, // ld1 {v0.s}[3], [x0]
		0x4d001c21, // st1 {v1.b}[15], [x1]
		0x0d40c402, // ld1r {v2.4h}, [x0]
		0x4ddfcc03, // ld1r {v3.2d}, [x0], #8
		0x4d602404, // ld4 {v4.b-v7.b}[9], [x0]
		0x0de2c408, // ld2r {v8.4h, v9.4h}, [x0], x2
		0x4da0843e, // st2 {v30.d, v31.d}[1], [x1], x0
	)
	require.NoError(t, m.Memory().Write(testData, simdPattern(0x40, 32)))
	c := m.CPU(0)
	c.SetX(0, testData)
	c.SetX(1, testData+0x100)
	c.SetX(2, 6)
	for i := range 32 {
		vset(c, i, simdAll)
	}
	vset(c, 1, simdA)
	stepN(t, m, 1) // lane 3 only; the other lanes are kept
	assert.Equal(t, [2]uint64{^uint64(0), 0x43424140ffffffff}, vget(c, 0))
	stepN(t, m, 1)
	assert.Equal(t, []byte{0x0f, 0}, readMem(t, m, testData+0x100, 2))
	stepN(t, m, 1)
	assert.Equal(t, [2]uint64{0x4140414041404140, 0}, vget(c, 2))
	stepN(t, m, 1)
	assert.Equal(t, [2]uint64{0x4746454443424140, 0x4746454443424140}, vget(c, 3))
	assert.Equal(t, testData+8, c.X(0))
	stepN(t, m, 1) // four bytes from testData+8 into lane 9 of v4..v7
	for s := range 4 {
		assert.Equal(t, [2]uint64{^uint64(0), 0xffffffffffff00ff | uint64(0x48+s)<<8}, vget(c, 4+s), "v%d", 4+s)
	}
	stepN(t, m, 1) // two halfwords from testData+8, each replicated; then +x2
	assert.Equal(t, [2]uint64{0x4948494849484948, 0}, vget(c, 8))
	assert.Equal(t, [2]uint64{0x4b4a4b4a4b4a4b4a, 0}, vget(c, 9))
	assert.Equal(t, testData+14, c.X(0))

	c.SetX(0, 16)
	vset(c, 30, [2]uint64{1, 0x1111111111111111})
	vset(c, 31, [2]uint64{2, 0x2222222222222222})
	stepN(t, m, 1)
	assert.Equal(t, []byte{
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	}, readMem(t, m, testData+0x100, 16))
	assert.Equal(t, testData+0x110, c.X(1))
}

func TestSIMDPageCrossing(t *testing.T) {
	m := newTestMachine(t, nil,
		0x3dc00000, // ldr q0, [x0]
		0xad400801, // ldp q1, q2, [x0]
		0x4c402003, // ld1 {v3.16b-v6.16b}, [x0]
		0x4c002003, // st1 {v3.16b-v6.16b}, [x0]
	)
	base := testData + PageSize - 8
	require.NoError(t, m.Memory().Write(base, simdPattern(0, 64)))
	c := m.CPU(0)
	c.SetX(0, base)
	stepN(t, m, 3)
	assert.Equal(t, simdA, vget(c, 0))
	assert.Equal(t, simdA, vget(c, 1))
	assert.Equal(t, simdB, vget(c, 2))
	assert.Equal(t, simdA, vget(c, 3))
	assert.Equal(t, [2]uint64{leU64(simdPattern(0x30, 8)), leU64(simdPattern(0x38, 8))}, vget(c, 6))
	vset(c, 3, simdB)
	stepN(t, m, 1)
	assert.Equal(t, simdPattern(0x10, 16), readMem(t, m, base, 16))
}

func TestSIMDFaults(t *testing.T) {
	end := testData + testArea // the first unmapped address
	t.Run("load crossing into unmapped", func(t *testing.T) {
		m := newTestMachine(t, nil, 0x3cc10c00) // ldr q0, [x0, #16]!
		c := m.CPU(0)
		c.SetX(0, end-24)
		vset(c, 0, simdAll)
		ee := simdFault(t, m)
		assert.Equal(t, ECDataAbortCur, ee.EC)
		assert.Equal(t, end, ee.FAR)
		assert.Equal(t, uint32(faultTranslationL3), ee.ISS&0x3f)
		assert.Zero(t, ee.ISS&ESR_ELx_WNR)
		assert.Equal(t, simdAll, vget(c, 0), "no register written")
		assert.Equal(t, end-24, c.X(0), "no writeback")
		assert.Equal(t, testCode, c.PC())
	})
	t.Run("ld4 crossing into unmapped", func(t *testing.T) {
		m := newTestMachine(t, nil, 0x4cdf0000) // ld4 {v0.16b-v3.16b}, [x0], #64
		c := m.CPU(0)
		c.SetX(0, end-48)
		for i := range 4 {
			vset(c, i, simdAll)
		}
		ee := simdFault(t, m)
		assert.Equal(t, ECDataAbortCur, ee.EC)
		for i := range 4 {
			assert.Equal(t, simdAll, vget(c, i))
		}
		assert.Equal(t, end-48, c.X(0))
	})
	t.Run("store crossing into unmapped writes nothing", func(t *testing.T) {
		m := newTestMachine(t, nil, 0x4c9fa000) // st1 {v0.16b, v1.16b}, [x0], #32
		c := m.CPU(0)
		c.SetX(0, end-16)
		vset(c, 0, simdA)
		vset(c, 1, simdB)
		ee := simdFault(t, m)
		assert.Equal(t, ECDataAbortCur, ee.EC)
		assert.NotZero(t, ee.ISS&ESR_ELx_WNR)
		assert.Equal(t, make([]byte, 16), readMem(t, m, end-16, 16))
		assert.Equal(t, end-16, c.X(0))
	})
	t.Run("store to read-only text", func(t *testing.T) {
		m := newTestMachine(t, nil, 0xad000440) // stp q0, q1, [x2]
		c := m.CPU(0)
		c.SetX(2, testCode+0x100)
		ee := simdFault(t, m)
		assert.Equal(t, ECDataAbortCur, ee.EC)
		assert.Equal(t, uint32(ESR_ELx_WNR|faultPermissionL3), ee.ISS)
		assert.Equal(t, testCode+0x100, ee.FAR)
	})
}

// Multi-register accesses report one access per register to the hooks.
func TestSIMDMemHooks(t *testing.T) {
	m := newTestMachine(t, nil,
		0x4c402000, // ld1 {v0.16b-v3.16b}, [x0]
		0xad000440, // stp q0, q1, [x2]
	)
	require.NoError(t, m.Memory().Write(testData, simdPattern(0, 64)))
	c := m.CPU(0)
	c.SetX(0, testData)
	c.SetX(2, testData+0x100)
	var seen []MemAccess
	hook := func(c *CPU, a MemAccess) { seen = append(seen, a) }
	m.AddMemHook(false, testData, testData+PageSize, hook)
	m.AddMemHook(true, testData, testData+PageSize, hook)
	stepN(t, m, 2)
	require.Len(t, seen, 6)
	for r := range 4 {
		assert.Equal(t, MemAccess{Addr: testData + uint64(16*r), Size: 16,
			Value: leU64(simdPattern(byte(16*r), 8)), High: leU64(simdPattern(byte(16*r+8), 8)), PC: testCode}, seen[r])
	}
	assert.Equal(t, MemAccess{Write: true, Addr: testData + 0x110, Size: 16, Value: simdB[0], High: simdB[1], PC: testCode + 4}, seen[5])
}

// Operands of the bitwise cases.
var (
	simdL1 = [2]uint64{0xff00ff00f0f0cccc, 0xaaaa5555aaaa5555}
	simdL2 = [2]uint64{0x0ff00ff00ff0ff00, 0x0000ffff0000ffff}
	simdM  = [2]uint64{0xffff0000ffff0000, 0x00ff00ff00ff00ff}
)

// simdOpCase runs one instruction with every V register preset to
// simdAll (so that zeroed upper halves show), then v and x applied, and
// checks the registers in want and wantX.
type simdOpCase struct {
	word  uint32
	asm   string
	v     map[int][2]uint64
	x     map[int]uint64
	want  map[int][2]uint64
	wantX map[int]uint64
}

type vm = map[int][2]uint64
type xm = map[int]uint64

var simdOpCases = []simdOpCase{
	// Add, subtract: lanes do not carry into each other; 64-bit forms and
	// the scalar D forms zero bits 127:64.
	{0x4e228420, "add v0.16b, v1.16b, v2.16b", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1e1c1a1816141210, 0x2e2c2a2826242220}}, nil},
	{0x0e228420, "add v0.8b, v1.8b, v2.8b", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1e1c1a1816141210, 0}}, nil},
	{0x4ea28420, "add v0.4s, v1.4s, v2.4s", vm{1: {^uint64(0), 0}, 2: {0x0000000100000001, 1}}, nil, vm{0: {0, 1}}, nil},
	{0x5ee28420, "add d0, d1, d2", vm{1: {^uint64(0), 5}, 2: {2, 7}}, nil, vm{0: {1, 0}}, nil},
	{0x6ee28420, "sub v0.2d, v1.2d, v2.2d", vm{1: {0, 5}, 2: {1, 3}}, nil, vm{0: {^uint64(0), 2}}, nil},
	{0x6e628420, "sub v0.8h, v1.8h, v2.8h", vm{1: simdA, 2: simdB}, nil, vm{0: {0xeff0eff0eff0eff0, 0xeff0eff0eff0eff0}}, nil},
	{0x7ee58483, "sub d3, d4, d5", vm{4: {0, 1}, 5: {1, 1}}, nil, vm{3: {^uint64(0), 0}}, nil},

	// Compares.
	{0x6e228c20, "cmeq v0.16b, v1.16b, v2.16b", vm{1: simdA, 2: {0x0706fa0403fd0100, 0x0f0e0d0c0b0a0908}}, nil,
		vm{0: {0xffff00ffff00ffff, ^uint64(0)}}, nil},
	{0x7ee28c20, "cmeq d0, d1, d2", vm{1: {5, 1}, 2: {5, 2}}, nil, vm{0: {^uint64(0), 0}}, nil},
	{0x0e628c20, "cmtst v0.4h, v1.4h, v2.4h", vm{1: {0x00010000800000f0, 1}, 2: {0x0001ffff0001000f, 1}}, nil,
		vm{0: {0xffff000000000000, 0}}, nil},
	{0x5ee28c20, "cmtst d0, d1, d2", vm{1: {6, 0}, 2: {1, 0}}, nil, vm{0: {0, 0}}, nil},
	{0x4ea23420, "cmgt v0.4s, v1.4s, v2.4s", vm{1: {0x8000000000000001, 0x7fffffffffffffff}, 2: {0x7fffffff00000000, 0x8000000000000000}}, nil,
		vm{0: {0x00000000ffffffff, 0xffffffff00000000}}, nil},
	{0x5ee23420, "cmgt d0, d1, d2", vm{1: {^uint64(0), 0}, 2: {1, 0}}, nil, vm{0: {0, 0}}, nil},
	{0x6e223420, "cmhi v0.16b, v1.16b, v2.16b", vm{1: {0x80ff, 0}, 2: {0xff7f, 0}}, nil, vm{0: {0xff, 0}}, nil},
	{0x7ee23420, "cmhi d0, d1, d2", vm{1: {^uint64(0), 0}, 2: {1, 0}}, nil, vm{0: {^uint64(0), 0}}, nil},
	{0x6ee23c20, "cmhs v0.2d, v1.2d, v2.2d", vm{1: {5, 4}, 2: {5, 5}}, nil, vm{0: {^uint64(0), 0}}, nil},
	{0x7ee23c20, "cmhs d0, d1, d2", vm{1: {1, 0}, 2: {^uint64(0), 0}}, nil, vm{0: {0, 0}}, nil},
	{0x4ee23c20, "cmge v0.2d, v1.2d, v2.2d", vm{1: {^uint64(0), 0}, 2: {0, ^uint64(0)}}, nil, vm{0: {0, ^uint64(0)}}, nil},
	{0x5ee23c20, "cmge d0, d1, d2", vm{1: {2, 0}, 2: {2, 0}}, nil, vm{0: {^uint64(0), 0}}, nil},
	// "hello\0world!\0\0ab": the zero bytes are 5, 12 and 13.
	{0x4e209820, "cmeq v0.16b, v1.16b, #0", vm{1: {0x6f77006f6c6c6568, 0x6261000021646c72}}, nil,
		vm{0: {0x0000ff0000000000, 0x0000ffff00000000}}, nil},
	{0x5ee09820, "cmeq d0, d1, #0", vm{1: {0, 5}}, nil, vm{0: {^uint64(0), 0}}, nil},
	{0x4e608820, "cmgt v0.8h, v1.8h, #0", vm{1: {0x800000010000ffff, 0x7fff000000000002}}, nil,
		vm{0: {0x0000ffff00000000, 0xffff00000000ffff}}, nil},
	{0x5ee08820, "cmgt d0, d1, #0", vm{1: {1, 0}}, nil, vm{0: {^uint64(0), 0}}, nil},
	{0x2ea08820, "cmge v0.2s, v1.2s, #0", vm{1: {0x8000000000000000, 0}}, nil, vm{0: {0x00000000ffffffff, 0}}, nil},
	{0x7ee08820, "cmge d0, d1, #0", vm{1: {0x8000000000000000, 0}}, nil, vm{0: {0, 0}}, nil},
	{0x6ee09820, "cmle v0.2d, v1.2d, #0", vm{1: {0, 1}}, nil, vm{0: {^uint64(0), 0}}, nil},
	{0x7ee09820, "cmle d0, d1, #0", vm{1: {1, 0}}, nil, vm{0: {0, 0}}, nil},
	{0x0e20a820, "cmlt v0.8b, v1.8b, #0", vm{1: {0x0180ff7f00fe8001, 0}}, nil, vm{0: {0x00ffff0000ffff00, 0}}, nil},
	{0x5ee0a820, "cmlt d0, d1, #0", vm{1: {0x8000000000000000, 0}}, nil, vm{0: {^uint64(0), 0}}, nil},

	// Maximum and minimum, element-wise and pairwise.
	{0x4e626420, "smax v0.8h, v1.8h, v2.8h", vm{1: {0x80007fff0001ffff, 0}, 2: {0x0000800000020000, ^uint64(0)}}, nil,
		vm{0: {0x00007fff00020000, 0}}, nil},
	{0x0ea26c20, "smin v0.2s, v1.2s, v2.2s", vm{1: {0x8000000000000005, 0}, 2: {0x00000001fffffffb, 0}}, nil,
		vm{0: {0x80000000fffffffb, 0}}, nil},
	{0x6e226420, "umax v0.16b, v1.16b, v2.16b", vm{1: simdA, 2: {0x00ff0000000000ff, 0x1000000000000000}}, nil,
		vm{0: {0x07ff0504030201ff, 0x100e0d0c0b0a0908}}, nil},
	{0x6ea26c20, "umin v0.4s, v1.4s, v2.4s", vm{1: {0xffffffff00000005, 0x7fffffff80000000}, 2: {0x0000000100000007, 0x800000007fffffff}}, nil,
		vm{0: {0x0000000100000005, 0x7fffffff7fffffff}}, nil},
	{0x0e22a420, "smaxp v0.8b, v1.8b, v2.8b", vm{1: {0x2010fe0001ff7f80, 0}, 2: {0x0102030405060708, 0}}, nil,
		vm{0: {0x020406082000017f, 0}}, nil},
	{0x4ea2ac20, "sminp v0.4s, v1.4s, v2.4s", vm{1: {0x00000002ffffffff, 0x800000007fffffff}, 2: {0x0000000300000004, 0}}, nil,
		vm{0: {0x80000000ffffffff, 0x0000000000000003}}, nil},
	{0x6e22a420, "umaxp v0.16b, v1.16b, v2.16b", vm{1: simdA, 2: simdB}, nil, vm{0: {0x0f0d0b0907050301, 0x1f1d1b1917151311}}, nil},
	{0x2e62ac20, "uminp v0.4h, v1.4h, v2.4h", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1514111005040100, 0}}, nil},
	{0x4ea2bc20, "addp v0.4s, v1.4s, v2.4s", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1a1816140a080604, 0x3a3836342a282624}}, nil},
	{0x4ee2bc20, "addp v0.2d, v1.2d, v2.2d", vm{1: {1, 2}, 2: {^uint64(0), 5}}, nil, vm{0: {3, 4}}, nil},
	{0x5ef1b820, "addp d0, v1.2d", vm{1: simdA}, nil, vm{0: {0x161412100e0c0a08, 0}}, nil},

	// One-source element-wise operations.
	{0x4ea0b820, "abs v0.4s, v1.4s", vm{1: {0x80000000ffffffff, 0x000000057fffffff}}, nil,
		vm{0: {0x8000000000000001, 0x000000057fffffff}}, nil},
	{0x5ee0b820, "abs d0, d1", vm{1: {0xfffffffffffffffb, 9}}, nil, vm{0: {5, 0}}, nil},
	{0x6ee0b820, "neg v0.2d, v1.2d", vm{1: {1, 0x8000000000000000}}, nil, vm{0: {^uint64(0), 0x8000000000000000}}, nil},
	{0x7ee0b820, "neg d0, d1", vm{1: {0, 3}}, nil, vm{0: {0, 0}}, nil},
	{0x0e205820, "cnt v0.8b, v1.8b", vm{1: simdA}, nil, vm{0: {0x0302020102010100, 0}}, nil},
	{0x4e205820, "cnt v0.16b, v1.16b", vm{1: {^uint64(0), 0x8001}}, nil, vm{0: {0x0808080808080808, 0x0101}}, nil},
	{0x6e205820, "mvn v0.16b, v1.16b", vm{1: simdA}, nil, vm{0: {^simdA[0], ^simdA[1]}}, nil},
	{0x2e605820, "rbit v0.8b, v1.8b", vm{1: {0x80400102, 0}}, nil, vm{0: {0x01028040, 0}}, nil},
	{0x4ea04820, "cls v0.4s, v1.4s", vm{1: {0xffffffff00000000, 0xc000000000010000}}, nil,
		vm{0: {0x0000001f0000001f, 0x000000010000000e}}, nil},
	{0x6e604820, "clz v0.8h, v1.8h", vm{1: {0x00ff800000010000, 0}}, nil, vm{0: {0x00080000000f0010, 0x0010001000100010}}, nil},
	{0x4e201820, "rev16 v0.16b, v1.16b", vm{1: simdA}, nil, vm{0: {0x0607040502030001, 0x0e0f0c0d0a0b0809}}, nil},
	{0x2e600820, "rev32 v0.4h, v1.4h", vm{1: simdA}, nil, vm{0: {0x0504070601000302, 0}}, nil},
	{0x4ea00820, "rev64 v0.4s, v1.4s", vm{1: simdA}, nil, vm{0: {0x0302010007060504, 0x0b0a09080f0e0d0c}}, nil},
	{0x4e200820, "rev64 v0.16b, v1.16b", vm{1: simdA}, nil, vm{0: {0x0001020304050607, 0x08090a0b0c0d0e0f}}, nil},
	{0x0e212820, "xtn v0.8b, v1.8h", vm{1: simdA}, nil, vm{0: {0x0e0c0a0806040200, 0}}, nil},
	{0x4ea12820, "xtn2 v0.4s, v1.2d", vm{0: {0x1111, 0x2222}, 1: {0xaaaaaaaa12345678, 0xbbbbbbbb9abcdef0}}, nil,
		vm{0: {0x1111, 0x9abcdef012345678}}, nil},

	// Across lanes.
	{0x4eb1b820, "addv s0, v1.4s", vm{1: {0x0000000200000001, 0x00000004ffffffff}}, nil, vm{0: {6, 0}}, nil},
	{0x0e31b820, "addv b0, v1.8b", vm{1: simdA}, nil, vm{0: {0x1c, 0}}, nil},
	{0x4e703820, "saddlv s0, v1.8h", vm{1: simdAll}, nil, vm{0: {0xfffffff8, 0}}, nil},
	{0x6e303820, "uaddlv h0, v1.16b", vm{1: simdAll}, nil, vm{0: {0xff0, 0}}, nil},
	{0x0e70a820, "smaxv h0, v1.4h", vm{1: {0x8000fffe0003ffff, 0x7fff}}, nil, vm{0: {3, 0}}, nil},
	{0x6e30a820, "umaxv b0, v1.16b", vm{1: {0x6f77006f6c6c6568, 0x6261000021646c72}}, nil, vm{0: {0x77, 0}}, nil},
	{0x4eb1a820, "sminv s0, v1.4s", vm{1: {0x00000005fffffffe, 0x8000000100000003}}, nil, vm{0: {0x80000001, 0}}, nil},
	{0x6e71a820, "uminv h0, v1.8h", vm{1: simdA}, nil, vm{0: {0x100, 0}}, nil},

	// Element moves.
	{0x4e140420, "dup v0.4s, v1.s[2]", vm{1: simdA}, nil, vm{0: {0x0b0a09080b0a0908, 0x0b0a09080b0a0908}}, nil},
	{0x0e1f0420, "dup v0.8b, v1.b[15]", vm{1: simdA}, nil, vm{0: {0x0f0f0f0f0f0f0f0f, 0}}, nil},
	{0x5e070420, "mov b0, v1.b[3]", vm{1: simdA}, nil, vm{0: {3, 0}}, nil},
	{0x5e180420, "mov d0, v1.d[1]", vm{1: simdA}, nil, vm{0: {simdA[1], 0}}, nil},
	{0x4e010c20, "dup v0.16b, w1", nil, xm{1: 0x12345678}, vm{0: {0x7878787878787878, 0x7878787878787878}}, nil},
	{0x4e080fe0, "dup v0.2d, xzr", nil, nil, vm{0: {0, 0}}, nil},
	{0x4e0c1c60, "mov v0.s[1], w3", nil, xm{3: 0xaaaaaaaa12345678}, vm{0: {0x12345678ffffffff, ^uint64(0)}}, nil},
	{0x4e181c60, "mov v0.d[1], x3", nil, xm{3: 0xaaaaaaaa12345678}, vm{0: {^uint64(0), 0xaaaaaaaa12345678}}, nil},
	{0x6e0c0460, "mov v0.s[1], v3.s[0]", vm{3: {0xdeadbeef, 0}}, nil, vm{0: {0xdeadbeefffffffff, ^uint64(0)}}, nil},
	{0x6e1f3c60, "mov v0.b[15], v3.b[7]", vm{3: simdA}, nil, vm{0: {^uint64(0), 0x07ffffffffffffff}}, nil},
	{0x0e053c20, "umov w0, v1.b[2]", vm{1: simdA}, xm{0: ^uint64(0)}, nil, xm{0: 2}},
	{0x0e0c3c20, "mov w0, v1.s[1]", vm{1: simdA}, xm{0: ^uint64(0)}, nil, xm{0: 0x07060504}},
	{0x4e183c20, "mov x0, v1.d[1]", vm{1: simdA}, nil, nil, xm{0: simdA[1]}},
	{0x4e0c2c20, "smov x0, v1.s[1]", vm{1: {0x8000000000000000, 0}}, nil, nil, xm{0: 0xffffffff80000000}},
	{0x0e1e2c20, "smov w0, v1.h[7]", vm{1: {0, 0x8001000000000000}}, xm{0: ^uint64(0)}, nil, xm{0: 0xffff8001}},

	// EXT, TBL, TBX.
	{0x6e021820, "ext v0.16b, v1.16b, v2.16b, #3", vm{1: simdA, 2: simdB}, nil, vm{0: {0x0a09080706050403, 0x1211100f0e0d0c0b}}, nil},
	{0x2e023820, "ext v0.8b, v1.8b, v2.8b, #7", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1615141312111007, 0}}, nil},
	// Out-of-range indexes (0x10, 0xff, 0x20, 0x40, 0x11 with one table
	// register) give 0.
	{0x4e020020, "tbl v0.16b, {v1.16b}, v2.16b", vm{1: simdB, 2: {0x010e2005ff00100f, 0x110d0c0b0a400908}}, nil,
		vm{0: {0x111e00150010001f, 0x001d1c1b1a001918}}, nil},
	// TBX keeps Vd's byte instead; the 64-bit form still zeroes the upper half.
	{0x0e033020, "tbx v0.8b, {v1.16b, v2.16b}, v3.8b", vm{0: {0x7766554433221100, 0x99}, 1: simdA, 2: simdB, 3: {0x0f401100ff201f10, 0}}, nil,
		vm{0: {0x0f66110033221f10, 0}}, nil},
	// The table wraps from v31 to v0 and includes the destination, which
	// is read before it is written.
	{0x4e0263c0, "tbl v0.16b, {v30.16b, v31.16b, v0.16b, v1.16b}, v2.16b",
		vm{30: simdA, 31: simdB, 0: {0x2726252423222120, 0x2f2e2d2c2b2a2928}, 1: {0x3736353433323130, 0x3f3e3d3c3b3a3938},
			2: {0x3010211f4000203f, 0}}, nil,
		vm{0: {0x3010211f0000203f, 0}}, nil},

	// Permutes.
	{0x4e023820, "zip1 v0.16b, v1.16b, v2.16b", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1303120211011000, 0x1707160615051404}}, nil},
	{0x0e427820, "zip2 v0.4h, v1.4h, v2.4h", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1716070615140504, 0}}, nil},
	{0x4ec21820, "uzp1 v0.2d, v1.2d, v2.2d", vm{1: simdA, 2: simdB}, nil, vm{0: {simdA[0], simdB[0]}}, nil},
	{0x4e825820, "uzp2 v0.4s, v1.4s, v2.4s", vm{1: simdA, 2: simdB}, nil, vm{0: {0x0f0e0d0c07060504, 0x1f1e1d1c17161514}}, nil},
	{0x0e022820, "trn1 v0.8b, v1.8b, v2.8b", vm{1: simdA, 2: simdB}, nil, vm{0: {0x1606140412021000, 0}}, nil},
	{0x4ec26820, "trn2 v0.2d, v1.2d, v2.2d", vm{1: simdA, 2: simdB}, nil, vm{0: {simdA[1], simdB[1]}}, nil},

	// Shifts by immediate.
	{0x4f3d0420, "sshr v0.4s, v1.4s, #3", vm{1: {0x8000000000000040, 0xfffffff87fffffff}}, nil,
		vm{0: {0xf000000000000008, 0xffffffff0fffffff}}, nil},
	{0x5f400420, "sshr d0, d1, #64", vm{1: {0x8000000000000000, 0}}, nil, vm{0: {^uint64(0), 0}}, nil},
	{0x6f7d0420, "ushr v0.2d, v1.2d, #3", vm{1: simdA}, nil, vm{0: {0x00e0c0a080604020, 0x01e1c1a181614121}}, nil},
	{0x7f7f0420, "ushr d0, d1, #1", vm{1: {^uint64(0), 5}}, nil, vm{0: {0x7fffffffffffffff, 0}}, nil},
	{0x4f101420, "ssra v0.8h, v1.8h, #16", vm{0: {0x0001000100010001, 0x0001000100010001}, 1: {0x80007fffffff0000, 0}}, nil,
		vm{0: {0x0000000100000001, 0x0001000100010001}}, nil},
	{0x5f7d1420, "ssra d0, d1, #3", vm{0: {100, ^uint64(0)}, 1: {0xfffffffffffffff0, 0}}, nil, vm{0: {98, 0}}, nil},
	{0x2f081420, "usra v0.8b, v1.8b, #8", vm{0: {0x0102030405060708, ^uint64(0)}}, nil, vm{0: {0x0102030405060708, 0}}, nil},
	{0x7f401420, "usra d0, d1, #64", vm{0: {7, 1}}, nil, vm{0: {7, 0}}, nil},
	{0x6f084420, "sri v0.16b, v1.16b, #8", vm{0: {0x1234, 0x5678}}, nil, vm{0: {0x1234, 0x5678}}, nil},
	{0x7f404420, "sri d0, d1, #64", vm{0: {0x1234, 9}}, nil, vm{0: {0x1234, 0}}, nil},
	{0x6f3c4420, "sri v0.4s, v1.4s, #4", vm{0: {0xaaaaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaaaa}, 1: {0x123456789abcdef0, 0}}, nil,
		vm{0: {0xa1234567a9abcdef, 0xa0000000a0000000}}, nil},
	{0x4f135420, "shl v0.8h, v1.8h, #3", vm{1: simdA}, nil, vm{0: {0x3830282018100800, 0x7870686058504840}}, nil},
	{0x5f7f5420, "shl d0, d1, #63", vm{1: {3, 0}}, nil, vm{0: {0x8000000000000000, 0}}, nil},
	{0x6f3f5420, "sli v0.4s, v1.4s, #31", vm{0: {0x123456789abcdef0, 0xffffffff00000000}, 1: {0x0000000100000003, 1}}, nil,
		vm{0: {0x923456789abcdef0, 0x7fffffff80000000}}, nil},
	{0x7f405420, "sli d0, d1, #0", vm{0: {5, 7}, 1: {0x1234, 0}}, nil, vm{0: {0x1234, 0}}, nil},
	{0x0f0c8420, "shrn v0.8b, v1.8h, #4", vm{1: simdA}, nil, vm{0: {0xf0d0b09070503010, 0}}, nil},
	{0x4f108420, "shrn2 v0.8h, v1.4s, #16", vm{0: {0x1111, 0x2222}, 1: simdA}, nil, vm{0: {0x1111, 0x0f0e0b0a07060302}}, nil},
	{0x0f1fa420, "sshll v0.4s, v1.4h, #15", vm{1: {0x80000001ffff0002, 0}}, nil, vm{0: {0xffff800000010000, 0xc000000000008000}}, nil},
	{0x0f08a420, "sxtl v0.8h, v1.8b", vm{1: {0x807fff000102fe81, 0}}, nil, vm{0: {0x00010002fffeff81, 0xff80007fffff0000}}, nil},
	{0x6f0aa420, "ushll2 v0.8h, v1.16b, #2", vm{1: simdA}, nil, vm{0: {0x002c002800240020, 0x003c003800340030}}, nil},
	{0x6f20a420, "uxtl2 v0.2d, v1.4s", vm{1: simdA}, nil, vm{0: {0x0b0a0908, 0x0f0e0d0c}}, nil},

	// FMOV between register files, and of immediates.
	{0x1e260041, "fmov w1, s2", vm{2: simdA}, xm{1: ^uint64(0)}, nil, xm{1: 0x03020100}},
	{0x1e2703e2, "fmov s2, wzr", nil, nil, vm{2: {0, 0}}, nil},
	{0x9e660001, "fmov x1, d0", vm{0: simdA}, nil, nil, xm{1: simdA[0]}},
	{0x9e670020, "fmov d0, x1", nil, xm{1: 0x123}, vm{0: {0x123, 0}}, nil},
	{0x9eae0083, "fmov x3, v4.d[1]", vm{4: simdA}, nil, nil, xm{3: simdA[1]}},
	{0x9eaf0060, "fmov v0.d[1], x3", nil, xm{3: 5}, vm{0: {^uint64(0), 5}}, nil},
	{0x1e270060, "fmov s0, w3", nil, xm{3: 0xaaaaaaaa12345678}, vm{0: {0x12345678, 0}}, nil},
	{0x1e604041, "fmov d1, d2", vm{2: simdA}, nil, vm{1: {simdA[0], 0}}, nil},
	{0x1e204041, "fmov s1, s2", vm{2: simdA}, nil, vm{1: {0x03020100, 0}}, nil},
	{0x1e2e1000, "fmov s0, #1.0", nil, nil, vm{0: {0x3f800000, 0}}, nil},
	{0x1e70901f, "fmov d31, #-2.5", nil, nil, vm{31: {0xc004000000000000, 0}}, nil},

	// Modified immediates.
	{0x6f00e400, "movi v0.2d, #0", nil, nil, vm{0: {0, 0}}, nil},
	{0x2f00e4a0, "movi d0, #0xff00ff", nil, nil, vm{0: {0xff00ff, 0}}, nil},
	{0x4f002640, "movi v0.4s, #0x12, lsl #8", nil, nil, vm{0: {0x0000120000001200, 0x0000120000001200}}, nil},
	{0x4f00c640, "movi v0.4s, #0x12, msl #8", nil, nil, vm{0: {0x000012ff000012ff, 0x000012ff000012ff}}, nil},
	{0x4f00e640, "movi v0.16b, #0x12", nil, nil, vm{0: {0x1212121212121212, 0x1212121212121212}}, nil},
	{0x0f058561, "movi v1.4h, #0xab", nil, nil, vm{1: {0x00ab00ab00ab00ab, 0}}, nil},
	{0x0f056562, "movi v2.2s, #0xab, lsl #24", nil, nil, vm{2: {0xab000000ab000000, 0}}, nil},
	{0x6f00a640, "mvni v0.8h, #0x12, lsl #8", nil, nil, vm{0: {0xedffedffedffedff, 0xedffedffedffedff}}, nil},
	{0x2f00d420, "mvni v0.2s, #0x1, msl #16", nil, nil, vm{0: {0xfffe0000fffe0000, 0}}, nil},
	{0x6f004420, "mvni v0.4s, #0x1, lsl #16", nil, nil, vm{0: {0xfffefffffffeffff, 0xfffefffffffeffff}}, nil},
	{0x6f003640, "bic v0.4s, #0x12, lsl #8", nil, nil, vm{0: {0xffffedffffffedff, 0xffffedffffffedff}}, nil},
	{0x2f0797e0, "bic v0.4h, #0xff", vm{0: {0x1234567890abcdef, 0x1111}}, nil, vm{0: {0x120056009000cd00, 0}}, nil},
	{0x4f001640, "orr v0.4s, #0x12", vm{0: {0x100, 0x200}}, nil, vm{0: {0x0000001200000112, 0x0000001200000212}}, nil},
	{0x0f04b403, "orr v3.4h, #0x80, lsl #8", vm{3: {0x0001000200030004, 5}}, nil, vm{3: {0x8001800280038004, 0}}, nil},
	{0x4f03f600, "fmov v0.4s, #1.0", nil, nil, vm{0: {0x3f8000003f800000, 0x3f8000003f800000}}, nil},
	{0x6f04f400, "fmov v0.2d, #-2.0", nil, nil, vm{0: {0xc000000000000000, 0xc000000000000000}}, nil},
	// Encodings whose pattern another encoding also gives.
	{0x4f002400, "movi v0.4s, #0x0, lsl #8", nil, nil, vm{0: {0, 0}}, nil},
	{0x0f00c400, "movi v0.2s, #0x0, msl #8", nil, nil, vm{0: {0x000000ff000000ff, 0}}, nil},
	{0x0f00d400, "movi v0.2s, #0x0, msl #16", nil, nil, vm{0: {0x0000ffff0000ffff, 0}}, nil},
	{0x6f00a402, "mvni v2.8h, #0x0, lsl #8", nil, nil, vm{2: {^uint64(0), ^uint64(0)}}, nil},
	{0x2f00b404, "bic v4.4h, #0x0, lsl #8", vm{4: {0x1234, 0x5678}}, nil, vm{4: {0x1234, 0}}, nil},

	// Bitwise.
	{0x4e221c20, "and v0.16b, v1.16b, v2.16b", vm{1: simdL1, 2: simdL2}, nil, vm{0: {simdL1[0] & simdL2[0], simdL1[1] & simdL2[1]}}, nil},
	{0x0e621c20, "bic v0.8b, v1.8b, v2.8b", vm{1: simdL1, 2: simdL2}, nil, vm{0: {simdL1[0] &^ simdL2[0], 0}}, nil},
	{0x4ea11c20, "mov v0.16b, v1.16b", vm{1: simdL1}, nil, vm{0: simdL1}, nil},
	{0x0ea21c20, "orr v0.8b, v1.8b, v2.8b", vm{1: simdL1, 2: simdL2}, nil, vm{0: {simdL1[0] | simdL2[0], 0}}, nil},
	{0x4ee21c20, "orn v0.16b, v1.16b, v2.16b", vm{1: simdL1, 2: simdL2}, nil, vm{0: {simdL1[0] | ^simdL2[0], simdL1[1] | ^simdL2[1]}}, nil},
	{0x6e251c83, "eor v3.16b, v4.16b, v5.16b", vm{4: simdL1, 5: simdL2}, nil, vm{3: {simdL1[0] ^ simdL2[0], simdL1[1] ^ simdL2[1]}}, nil},
	{0x6e621c20, "bsl v0.16b, v1.16b, v2.16b", vm{0: simdM, 1: simdL1, 2: simdL2}, nil,
		vm{0: {simdM[0]&simdL1[0] | ^simdM[0]&simdL2[0], simdM[1]&simdL1[1] | ^simdM[1]&simdL2[1]}}, nil},
	{0x2ea21c20, "bit v0.8b, v1.8b, v2.8b", vm{0: simdM, 1: simdL1, 2: simdL2}, nil,
		vm{0: {simdM[0]&^simdL2[0] | simdL1[0]&simdL2[0], 0}}, nil},
	{0x6ee21c20, "bif v0.16b, v1.16b, v2.16b", vm{0: simdM, 1: simdL1, 2: simdL2}, nil,
		vm{0: {simdM[0]&simdL2[0] | simdL1[0]&^simdL2[0], simdM[1]&simdL2[1] | simdL1[1]&^simdL2[1]}}, nil},
}

func TestSIMDDataOps(t *testing.T) {
	for _, tc := range simdOpCases {
		t.Run(tc.asm, func(t *testing.T) {
			m := newTestMachine(t, nil, tc.word)
			c := m.CPU(0)
			for i := range 32 {
				vset(c, i, simdAll)
			}
			for n, v := range tc.v {
				vset(c, n, v)
			}
			for n, v := range tc.x {
				c.SetX(n, v)
			}
			stepN(t, m, 1)
			assert.Equal(t, testCode+4, c.PC())
			require.NotEmpty(t, len(tc.want)+len(tc.wantX), "the case checks nothing")
			for n, want := range tc.want {
				assert.Equal(t, want, vget(c, n), "v%d: want %#x", n, want)
			}
			for n, want := range tc.wantX {
				assert.Equal(t, want, c.X(n), "x%d", n)
			}
		})
	}
}

// Every data-processing op has at least one case above.
func TestSIMDDataOpsCovered(t *testing.T) {
	seen := map[arm64.Op]bool{}
	for _, tc := range simdOpCases {
		in, err := arm64.Decode(tc.word)
		require.NoError(t, err, tc.asm)
		seen[in.Op] = true
	}
	for _, op := range arm64.Ops() {
		if op.Class() == arm64.ClassSIMD {
			assert.True(t, seen[op], "no execution test for %v", op)
		}
	}
}

// The strlen idiom of glibc and the kernel: compare 16 bytes with zero,
// reduce to see whether any matched, then narrow the byte mask to a nibble
// mask whose lowest set bit tells where the zero byte is.
func TestSIMDStrlenIdiom(t *testing.T) {
	m := newTestMachine(t, nil,
		0x4c407000, // ld1 {v0.16b}, [x0]
		0x4e209801, // cmeq v1.16b, v0.16b, #0
		0x6e30a822, // umaxv b2, v1.16b
		0x1e260043, // fmov w3, s2
		0x0f0c8421, // shrn v1.8b, v1.8h, #4
		0x9e660024, // fmov x4, d1
	)
	require.NoError(t, m.Memory().Write(testData, []byte("hello, world\x00xyz")))
	require.NoError(t, m.Memory().Write(testData+16, []byte("no zero byte here")))
	c := m.CPU(0)

	c.SetX(0, testData)
	stepN(t, m, 6)
	assert.Equal(t, uint64(0xff), c.X(3), "a zero byte was found")
	// Byte i of the compare becomes nibble i: byte 12 is the first zero.
	assert.Equal(t, uint64(0x000f000000000000), c.X(4))

	c.SetPC(testCode)
	c.SetX(0, testData+16)
	stepN(t, m, 6)
	assert.Equal(t, uint64(0), c.X(3), "no zero byte")
	assert.Equal(t, uint64(0), c.X(4))
}
