package emu

import (
	"context"
	"fmt"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The encodings in these tests were assembled with aarch64-linux-gnu-as
// (-march=armv8.5-a+sb+ssbs+memtag) from the source beside each word.

// sysState is the architectural state a NOP must leave alone.
type sysState struct {
	x      [31]uint64
	sp     uint64
	pstate uint64
}

func sysStateOf(c *CPU) sysState {
	var s sysState
	for i := range s.x {
		s.x[i] = c.X(i)
	}
	s.sp, s.pstate = c.SP(), c.PSTATE()
	return s
}

// TestHintsAreNOPs runs every hint encoding (CRm:op2 0..127): NOP, YIELD,
// WFE, WFI (no interrupts to wait for), SEV, SEVL, the PAC hints (no
// FEAT_PAuth), BTI, CSDB, ESB, PSB, the unallocated ones: all change
// nothing but PC.
func TestHintsAreNOPs(t *testing.T) {
	m := newTestMachine(t, nil)
	c := m.CPU(0)
	for i := range 31 {
		c.SetX(i, 0x1111_0000_0000_0000+uint64(i)*0x1234_5678)
	}
	c.SetNZCV(PSR_N | PSR_V)
	for imm := uint32(0); imm < 128; imm++ {
		w := 0xd503201f | imm<<5 // hint #imm
		writeWords(t, m, testCode, w)
		c.SetPC(testCode)
		before := sysStateOf(c)
		stepN(t, m, 1)
		assert.Equal(t, testCode+4, c.PC(), "hint #%d", imm)
		assert.Equal(t, before, sysStateOf(c), "hint #%d", imm)
	}
}

func TestWFxTrapAtEL0(t *testing.T) {
	for _, tt := range []struct {
		word uint32
		asm  string
		bit  uint64 // SCTLR_EL1.nTWI or nTWE
		esr  uint64
	}{
		{0xd503207f, "wfi", 1 << 16, 0x07e00000}, // EC 0x01, IL, CV, COND 0b1110, TI 0
		{0xd503205f, "wfe", 1 << 18, 0x07e00001}, // TI 1
	} {
		t.Run(tt.asm, func(t *testing.T) {
			m := newTestMachine(t, nil)
			u := excUserCode(t, m, tt.word, tt.word)
			c := m.CPU(0)
			require.NotZero(t, c.SCTLR()&tt.bit, "Linux runs with the trap off")
			stepN(t, m, 1)
			assert.Equal(t, u+4, c.PC(), "completes at EL0 when not trapped")
			c.SetSCTLR(c.SCTLR() &^ tt.bit)
			ee := stepUnhandled(t, m)
			assert.Equal(t, ECWFx, ee.EC)
			assert.Equal(t, tt.esr, ee.ESR())
			assert.Equal(t, u+4, ee.ELR)

			// At EL1 the control does not apply.
			m = newTestMachine(t, nil, tt.word)
			m.CPU(0).SetSCTLR(m.CPU(0).SCTLR() &^ tt.bit)
			stepN(t, m, 1)
		})
	}
}

func TestBarriers(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd5033f9f, // dsb sy
		0xd5033bbf, // dmb ish
		0xd5033fdf, // isb
		0xd503309f, // ssbb
		0xd503349f, // pssbb
	)
	c := m.CPU(0)
	before := sysStateOf(c)
	stepN(t, m, 5)
	assert.Equal(t, before, sysStateOf(c))
	assert.Equal(t, testCode+20, c.PC())
}

func TestCLREX(t *testing.T) {
	m := newTestMachine(t, nil, 0xd5033f5f) // clrex
	c := m.CPU(0)
	c.exclValid, c.exclAddr, c.exclSize = true, testData, 3
	stepN(t, m, 1)
	assert.False(t, c.exclValid)
}

func TestSBNeedsFeature(t *testing.T) {
	m := newTestMachine(t, nil, 0xd50330ff) // sb
	assert.False(t, m.Executes(arm64.SB))
	ee := stepUnhandled(t, m)
	assert.Equal(t, ECUnknown, ee.EC)

	f := DefaultFeatures
	f.SB = true
	m = newTestMachine(t, &Config{Features: &f}, 0xd50330ff) // sb
	stepN(t, m, 1)
	assert.Equal(t, testCode+4, m.CPU(0).PC())
}

func TestMSRDAIF(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd5034fff, // msr daifclr, #0xf
		0xd53b4220, // mrs x0, daif
		0xd50342df, // msr daifset, #2
		0xd53b4220, // mrs x0, daif
		0xd51b4221, // msr daif, x1
		0xd53b4220, // mrs x0, daif
	)
	c := m.CPU(0)
	require.Equal(t, uint64(PSR_DAIF), c.DAIF())
	c.SetX(1, PSR_D|PSR_F|0xffff_0000_0000_0000)
	stepN(t, m, 2)
	assert.Equal(t, uint64(0), c.X(0))
	stepN(t, m, 2)
	assert.Equal(t, uint64(PSR_I), c.X(0), "daifset #2 sets I (bit 7)")
	stepN(t, m, 2)
	assert.Equal(t, uint64(PSR_D|PSR_F), c.X(0), "MSR DAIF takes bits 9:6")
}

func TestMSRDAIFAtEL0(t *testing.T) {
	m := newTestMachine(t, nil)
	u := excUserCode(t, m,
		0xd50342df, // msr daifset, #2
		0xd53b4220, // mrs x0, daif
		0xd5034fff, // msr daifclr, #0xf
	)
	c := m.CPU(0)
	require.Zero(t, c.SCTLR()&sctlrUMA)
	ee := stepUnhandled(t, m)
	assert.Equal(t, ECSysReg, ee.EC)
	// ISS: Op0 0, Op2 110, Op1 011, CRn 0100, Rt 11111, CRm 0010, write.
	assert.Equal(t, uint64(0x620cd3e4), ee.ESR())
	assert.Equal(t, u, ee.ELR)
	assert.Equal(t, uint64(0), c.DAIF())

	c.SetSCTLR(c.SCTLR() | sctlrUMA)
	stepN(t, m, 2)
	assert.Equal(t, uint64(PSR_I), c.X(0))
	stepN(t, m, 1)
	assert.Equal(t, uint64(0), c.DAIF())
}

func TestMSRSPSel(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd50040bf, // msr spsel, #0
		0xd5384200, // mrs x0, spsel
		0xd50041bf, // msr spsel, #1
		0xd5384200, // mrs x0, spsel
	)
	c := m.CPU(0)
	spEL1 := c.SP()
	c.SetSPEL(0, testStack+0x100)
	stepN(t, m, 2)
	assert.Equal(t, uint64(0), c.X(0))
	assert.Equal(t, testStack+0x100, c.SP(), "SP is SP_EL0")
	assert.Equal(t, uint64(PSR_EL1t), c.PSTATE()&PSR_MODE)
	stepN(t, m, 2)
	assert.Equal(t, uint64(1), c.X(0))
	assert.Equal(t, spEL1, c.SP())
}

func TestMSRPANUAOSSBS(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd500419f, // msr pan, #1
		0xd5384260, // mrs x0, pan
		0xd500409f, // msr pan, #0
		0xd500417f, // msr uao, #1
		0xd5384280, // mrs x0, uao
		0xd500407f, // msr uao, #0
		0xd503413f, // msr ssbs, #1
		0xd503403f, // msr ssbs, #0
		0xd500439f, // msr pan, #3 (CRm = 3: the field takes CRm<0>)
	)
	c := m.CPU(0)
	c.SetSCTLR(c.SCTLR() | 1<<23) // SPAN: exception entry leaves PAN alone
	stepN(t, m, 1)
	assert.Equal(t, uint64(PSR_PAN), c.PSTATE()&PSR_PAN)
	stepN(t, m, 1)
	assert.Equal(t, uint64(PSR_PAN), c.X(0))
	stepN(t, m, 1)
	assert.Zero(t, c.PSTATE()&PSR_PAN)
	stepN(t, m, 1)
	assert.Equal(t, uint64(PSR_UAO), c.PSTATE()&PSR_UAO)
	stepN(t, m, 1)
	assert.Equal(t, uint64(PSR_UAO), c.X(0))
	stepN(t, m, 1)
	assert.Zero(t, c.PSTATE()&PSR_UAO)
	stepN(t, m, 1)
	assert.Equal(t, uint64(PSR_SSBS), c.PSTATE()&PSR_SSBS)
	stepN(t, m, 1)
	assert.Zero(t, c.PSTATE()&PSR_SSBS)
	stepN(t, m, 1)
	assert.Equal(t, uint64(PSR_PAN), c.PSTATE()&PSR_PAN)
}

// At EL0, MSR (immediate) of SPSel, PAN and UAO is UNDEFINED (their op1 is
// 000: EL1 at least); SSBS is allowed. DIT is UNDEFINED everywhere: kpemu
// has no FEAT_DIT.
func TestMSRImmAccess(t *testing.T) {
	for _, tt := range []struct {
		word   uint32
		asm    string
		el0    bool // executes at EL0
		el1    bool // executes at EL1
		pstate uint64
	}{
		{0xd50041bf, "msr spsel, #1", false, true, 0},
		{0xd500419f, "msr pan, #1", false, true, PSR_PAN},
		{0xd500417f, "msr uao, #1", false, true, PSR_UAO},
		{0xd503413f, "msr ssbs, #1", true, true, PSR_SSBS},
		{0xd503415f, "msr dit, #1", false, false, 0},
	} {
		t.Run(tt.asm, func(t *testing.T) {
			m := newTestMachine(t, nil)
			u := excUserCode(t, m, tt.word)
			if tt.el0 {
				stepN(t, m, 1)
				assert.Equal(t, tt.pstate, m.CPU(0).PSTATE()&tt.pstate)
			} else {
				ee := stepUnhandled(t, m)
				assert.Equal(t, ECUnknown, ee.EC)
				assert.Equal(t, u, ee.ELR)
			}
			m = newTestMachine(t, nil, tt.word)
			if tt.el1 {
				stepN(t, m, 1)
			} else {
				ee := stepUnhandled(t, m)
				assert.Equal(t, ECUnknown, ee.EC)
			}
		})
	}
}

func TestMRSMSRRegister(t *testing.T) {
	m := newTestMachine(t, nil,
		0xd518d081, // msr tpidr_el1, x1
		0xd538d082, // mrs x2, tpidr_el1
		0xd538001f, // mrs xzr, midr_el1
		0xd5380004, // mrs x4, midr_el1
	)
	c := m.CPU(0)
	c.SetX(1, 0xfeed_f00d_dead_beef)
	stepN(t, m, 4)
	assert.Equal(t, uint64(0xfeed_f00d_dead_beef), c.X(2))
	assert.Equal(t, uint64(0xfeed_f00d_dead_beef), c.TPIDR(1))
	assert.Equal(t, uint64(0x414fd0c1), c.X(4), "the default MIDR_EL1")

	for _, tt := range []struct {
		word uint32
		asm  string
	}{
		{0xd538f200, "mrs x0, s3_0_c15_c2_0"}, // not implemented
		{0xd5180000, "msr midr_el1, x0"},      // read-only
	} {
		t.Run(tt.asm, func(t *testing.T) {
			m := newTestMachine(t, nil, tt.word)
			m.CPU(0).SetX(0, 99)
			ee := stepUnhandled(t, m)
			assert.Equal(t, ECUnknown, ee.EC)
			assert.Equal(t, uint64(99), m.CPU(0).X(0))
		})
	}
}

// fillData writes n bytes of 0xff at testData+off.
func fillData(t *testing.T, m *Machine, off uint64, n int) {
	t.Helper()
	b := make([]byte, n)
	for i := range b {
		b[i] = 0xff
	}
	require.NoError(t, m.Memory().Write(testData+off, b))
}

func TestDCZVA(t *testing.T) {
	m := newTestMachine(t, nil, 0xd50b7420) // dc zva, x0
	fillData(t, m, 0, 256)
	var writes []MemAccess
	m.AddMemHook(true, 0, ^uint64(0), func(c *CPU, a MemAccess) { writes = append(writes, a) })
	c := m.CPU(0)
	c.SetX(0, testData+0x48)
	stepN(t, m, 1)
	got := make([]byte, 256)
	require.NoError(t, m.Memory().Read(testData, got))
	for i, b := range got {
		want := byte(0xff)
		if i >= 0x40 && i < 0x80 {
			want = 0
		}
		require.Equal(t, want, b, "byte %#x", i)
	}
	require.Len(t, writes, 8, "the zeroes go through the store path")
	for i, w := range writes {
		assert.Equal(t, MemAccess{Write: true, Addr: testData + 0x40 + uint64(i)*8, Size: 8, PC: testCode}, w)
	}
	assert.Equal(t, testData+0x48, c.X(0))
}

func TestDCZVAFaults(t *testing.T) {
	for _, tt := range []struct {
		name string
		addr uint64
		esr  uint64
	}{
		// EC 0x25, IL, WnR, CM clear: DC ZVA is a store.
		{"read-only page", testCode + 0x1008, 0x9600004f},
		{"unmapped", testData + testArea + 0x10, 0x96000047},
		{"non-canonical", 0x0001_0000_0000_0000, 0x96000044},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t, nil, 0xd50b7420) // dc zva, x0
			m.CPU(0).SetX(0, tt.addr)
			ee := stepUnhandled(t, m)
			assert.Equal(t, tt.esr, ee.ESR())
			assert.True(t, ee.FARValid)
			assert.Equal(t, tt.addr, ee.FAR, "FAR is the register argument")
			assert.Equal(t, testCode, ee.ELR)
		})
	}
}

func TestDCZVAAtEL0(t *testing.T) {
	m := newTestMachine(t, nil)
	require.NoError(t, m.Map(excUserStack-PageSize, PageSize, PermRW|PermUser))
	b := make([]byte, 64)
	for i := range b {
		b[i] = 0xee
	}
	require.NoError(t, m.Memory().Write(excUserStack-PageSize, b))
	u := excUserCode(t, m,
		0xd50b7420, // dc zva, x0
		0xd50b7420, // dc zva, x0
	)
	c := m.CPU(0)
	c.SetX(0, excUserStack-PageSize+8)
	stepN(t, m, 1)
	v, err := m.Memory().ReadU64(excUserStack - PageSize + 8)
	require.NoError(t, err)
	assert.Zero(t, v, "SCTLR_EL1.DZE is set: EL0 may zero")

	c.SetX(0, testData) // a kernel page: permission fault from EL0
	ee := stepUnhandled(t, m)
	assert.Equal(t, uint64(0x9200004f), ee.ESR(), "EC 0x24 (lower EL), WnR, permission fault L3")

	c.SetSCTLR(c.SCTLR() &^ sctlrDZE)
	c.SetX(0, excUserStack-PageSize)
	ee = stepUnhandled(t, m)
	assert.Equal(t, ECSysReg, ee.EC)
	// ISS: Op0 01, Op2 001, Op1 011, CRn 0111, Rt 0, CRm 0100, write.
	assert.Equal(t, uint64(0x6212dc08), ee.ESR())
	assert.Equal(t, u+4, ee.ELR)
}

// TestDCByVA: the cache maintenance instructions have no data effect but
// translate their address: a Data Abort with CM and WnR set, FAR the
// register argument (Arm ARM D7.5.9.2).
func TestDCByVA(t *testing.T) {
	unmapped := testData + testArea + 0x123
	for _, tt := range []struct {
		word uint32
		asm  string
		addr uint64
		esr  uint64 // 0: no fault
	}{
		{0xd50b7e20, "dc civac, x0", testData + 0x10, 0},
		{0xd50b7e20, "dc civac, x0", unmapped, 0x96000147},
		{0xd50b7b20, "dc cvau, x0", testCode + 0x20, 0}, // read-only: no permission fault at EL1
		{0xd50b7b20, "dc cvau, x0", unmapped, 0x96000147},
		{0xd50b7a20, "dc cvac, x0", unmapped, 0x96000147},
		{0xd50b7c20, "dc cvap, x0", unmapped, 0x96000147},
		{0xd50b7c20, "dc cvap, x0", 0xffff_0000_0000_0000 - 1, 0x96000144}, // non-canonical
		{0xd5087620, "dc ivac, x0", testData, 0},
		{0xd5087620, "dc ivac, x0", testCode, 0x9600014f}, // needs write permission
		{0xd5087640, "dc isw, x0", unmapped, 0},           // set/way: no address
		{0xd50b7520, "ic ivau, x0", testCode, 0},
		{0xd50b7520, "ic ivau, x0", unmapped, 0x96000147},
	} {
		t.Run(fmt.Sprintf("%s/%#x", tt.asm, tt.addr), func(t *testing.T) {
			m := newTestMachine(t, nil, tt.word)
			fillData(t, m, 0, 64)
			c := m.CPU(0)
			c.SetX(0, tt.addr)
			if tt.esr == 0 {
				stepN(t, m, 1)
				v, err := m.Memory().ReadU64(testData + 0x10)
				require.NoError(t, err)
				assert.Equal(t, ^uint64(0), v, "no data effect")
				return
			}
			ee := stepUnhandled(t, m)
			assert.Equal(t, tt.esr, ee.ESR())
			assert.Equal(t, tt.addr, ee.FAR)
			assert.Equal(t, testCode, ee.ELR)
		})
	}
}

func TestCacheMaintenanceAtEL0(t *testing.T) {
	for _, tt := range []struct {
		word uint32
		asm  string
		iss  uint64 // of the trap with SCTLR_EL1.UCI = 0
	}{
		// Op0 01, Op1 011, CRn 0111, Rt 0, Op2 001, CRm as below.
		{0xd50b7e20, "dc civac, x0", 0x12dc1c}, // CRm 1110
		{0xd50b7b20, "dc cvau, x0", 0x12dc16},  // CRm 1011
		{0xd50b7a20, "dc cvac, x0", 0x12dc14},  // CRm 1010
		{0xd50b7c20, "dc cvap, x0", 0x12dc18},  // CRm 1100
		{0xd50b7520, "ic ivau, x0", 0x12dc0a},  // CRm 0101
	} {
		t.Run(tt.asm, func(t *testing.T) {
			m := newTestMachine(t, nil)
			u := excUserCode(t, m, tt.word, tt.word, tt.word)
			c := m.CPU(0)
			c.SetX(0, u)
			stepN(t, m, 1) // a user page, readable at EL0

			c.SetX(0, testData) // not accessible at EL0: permission fault
			ee := stepUnhandled(t, m)
			assert.Equal(t, uint64(0x9200014f), ee.ESR(), "EC 0x24, CM, WnR, permission L3")
			assert.Equal(t, testData, ee.FAR)

			c.SetSCTLR(c.SCTLR() &^ sctlrUCI)
			c.SetX(0, u)
			ee = stepUnhandled(t, m)
			assert.Equal(t, ECSysReg, ee.EC)
			assert.Equal(t, tt.iss, ee.ESR()&0x1ff_ffff)
			assert.Equal(t, u+4, ee.ELR)
		})
	}
	// The rest of the cache, TLB and address translation operations are
	// UNDEFINED at EL0.
	for _, tt := range []struct {
		word uint32
		asm  string
	}{
		{0xd5087620, "dc ivac, x0"},
		{0xd5087640, "dc isw, x0"},
		{0xd508751f, "ic iallu"},
		{0xd508711f, "ic ialluis"},
		{0xd5087800, "at s1e1r, x0"},
		{0xd5087840, "at s1e0r, x0"},
		{0xd508831f, "tlbi vmalle1is"},
		{0xd5088720, "tlbi vae1, x0"},
	} {
		t.Run(tt.asm+"/EL0", func(t *testing.T) {
			m := newTestMachine(t, nil)
			u := excUserCode(t, m, tt.word)
			m.CPU(0).SetX(0, u)
			ee := stepUnhandled(t, m)
			assert.Equal(t, ECUnknown, ee.EC)
		})
	}
}

// TestICIVAUStrictICache patches a function and calls it again: with a
// strict instruction cache the old instruction runs until IC IVAU and ISB
// (or IC IALLU and ISB) make the new one visible; without it, the store is
// seen at once.
func TestICIVAUStrictICache(t *testing.T) {
	const code uint64 = 0xffff_8000_4000_0000 // rwx, for the patch
	prog := func(inval uint32) []uint32 {
		return []uint32{
			// start:
			0x9400000b, // bl f
			0xb9000041, // str w1, [x2]
			0x94000009, // bl f
			0xaa0003e3, // mov x3, x0
			0xd50b7b22, // dc cvau, x2
			0xd5033b9f, // dsb ish
			inval,      // ic ivau, x2 | ic iallu | nop
			0xd5033b9f, // dsb ish
			0xd5033fdf, // isb
			0x94000002, // bl f
			0xd4200000, // brk #0
			// f:
			0xd2800020, // mov x0, #1
			0xd65f03c0, // ret
		}
	}
	const f = code + 11*4
	for _, tt := range []struct {
		name         string
		strict       bool
		inval        uint32
		stale, final uint64
	}{
		{"coherent", false, 0xd503201f, 2, 2},       // nop
		{"strict ic ivau", true, 0xd50b7522, 1, 2},  // ic ivau, x2
		{"strict ic iallu", true, 0xd508751f, 1, 2}, // ic iallu
		{"strict no ic", true, 0xd503201f, 1, 1},    // nop
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMachine(t, &Config{StrictICache: tt.strict})
			require.NoError(t, m.Map(code, PageSize, PermRWX))
			writeWords(t, m, code, prog(tt.inval)...)
			c := m.CPU(0)
			c.SetPC(code)
			c.SetX(1, 0xd2800040) // mov x0, #2
			c.SetX(2, f)
			r, err := m.Run(context.Background(), &RunOptions{Budget: 100000, StopAt: []uint64{code + 10*4}})
			require.NoError(t, err)
			require.Equal(t, StopAddress, r.Reason)
			assert.Equal(t, tt.stale, c.X(3), "after the store")
			assert.Equal(t, tt.final, c.X(0), "after the maintenance")
		})
	}
}

func TestAT(t *testing.T) {
	const (
		ok      = 0xff00_0000_0000_0980 // ATTR 0xff, RES1, SH Inner; add the PA
		tFault  = 0x80f                 // F, FST translation L3, RES1
		t0Fault = 0x809                 // F, FST translation L0
		pFault  = 0x81f                 // F, FST permission L3
	)
	pa := func(va uint64) uint64 { return va & 0x0000_ffff_ffff_f000 }
	for _, tt := range []struct {
		word uint32
		asm  string
		addr uint64
		pan  bool
		par  uint64
	}{
		{0xd5087800, "at s1e1r, x0", testData + 0x123, false, ok | pa(testData)},
		{0xd5087800, "at s1e1r, x0", testData + testArea, false, tFault},
		{0xd5087800, "at s1e1r, x0", 0x0000_8000_0000_0000, false, t0Fault},
		{0xd5087820, "at s1e1w, x0", testCode + 0x2000, false, pFault},
		{0xd5087820, "at s1e1w, x0", testStack + 8, false, ok | pa(testStack)},
		{0xd5087840, "at s1e0r, x0", testData, false, pFault},
		{0xd5087840, "at s1e0r, x0", excUser + 4, false, ok | pa(excUser)},
		{0xd5087860, "at s1e0w, x0", excUser, false, pFault},
		{0xd5087860, "at s1e0w, x0", excUserStack, false, ok | pa(excUserStack)},
		{0xd5087800, "at s1e1r, x0", excUser, true, ok | pa(excUser)}, // PAN not applied
		{0xd5087900, "at s1e1rp, x0", excUser, true, pFault},
		{0xd5087900, "at s1e1rp, x0", excUser, false, ok | pa(excUser)},
		{0xd5087920, "at s1e1wp, x0", excUserStack, true, pFault},
		{0xd5087900, "at s1e1rp, x0", testData, true, ok | pa(testData)},
	} {
		t.Run(fmt.Sprintf("%s/%#x/pan=%v", tt.asm, tt.addr, tt.pan), func(t *testing.T) {
			m := newTestMachine(t, nil, tt.word, 0xd5387401) // at ...; mrs x1, par_el1
			require.NoError(t, m.Map(excUser, PageSize, PermRX|PermUser))
			require.NoError(t, m.Map(excUserStack, PageSize, PermRW|PermUser))
			c := m.CPU(0)
			c.SetX(0, tt.addr)
			if tt.pan {
				c.SetPSTATE(c.PSTATE() | PSR_PAN)
			}
			stepN(t, m, 2)
			assert.Equal(t, tt.par, c.X(1))
		})
	}
}

func TestTLBI(t *testing.T) {
	m := newTestMachine(t, &Config{CPUs: 2},
		0xf9400005, // ldr x5, [x0]
		0xd5088720, // tlbi vae1, x0
		0xf9400005, // ldr x5, [x0]
		0xd508831f, // tlbi vmalle1is
	)
	c0, c1 := m.CPU(0), m.CPU(1)
	c0.SetX(0, testData)
	_, ok := c1.Load(testData, 8) // fills CPU 1's TLB
	require.True(t, ok)
	cached := func(c *CPU) bool {
		e := c.tlb[(testData>>pageShift)&(tlbSize-1)]
		return e.vpn == testData>>pageShift
	}
	stepN(t, m, 1)
	require.True(t, cached(c0))
	stepN(t, m, 1)
	assert.False(t, cached(c0), "TLBI VAE1 drops this CPU's translations")
	assert.True(t, cached(c1), "and only this CPU's")
	stepN(t, m, 2)
	assert.False(t, cached(c0))
	assert.False(t, cached(c1), "TLBI VMALLE1IS reaches every CPU")
}

func TestSYSUndefined(t *testing.T) {
	for _, tt := range []struct {
		word uint32
		asm  string
	}{
		{0xd508f20c, "sys #0, c15, c2, #0, x12"},
		{0xd528f20d, "sysl x13, #0, c15, c2, #0"},
		{0xd50c871f, "tlbi alle2"},      // no EL2
		{0xd5088120, "tlbi vae1os, x0"}, // no FEAT_TLBIOS
		{0xd50c7800, "at s1e2r, x0"},    // no EL2
		{0xd50b7d20, "dc cvadp, x0"},    // no FEAT_DPB2
		{0xd50b7460, "dc gva, x0"},      // no FEAT_MTE
	} {
		t.Run(tt.asm, func(t *testing.T) {
			m := newTestMachine(t, nil, tt.word)
			m.CPU(0).SetX(0, testData)
			ee := stepUnhandled(t, m)
			assert.Equal(t, ECUnknown, ee.EC)
			assert.Equal(t, testCode, ee.ELR)
		})
	}
}
