//go:build unicorn

package unicorn

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Memory layout used by every test.
const (
	codeBase = 0x10000
	codeSize = 0x10000
	dataBase = 0x40000
	dataSize = 0x10000
	scratch  = codeBase + 0xff00 // spare executable word for SwitchPSTATE
)

// Instruction words (checked with aarch64-linux-gnu-as).
const (
	insnNOP        = 0xd503201f // nop
	insnSVC0       = 0xd4000001 // svc #0
	insnSVC42      = 0xd4000841 // svc #0x42
	insnBRK7       = 0xd42000e0 // brk #0x7
	insnHVC1       = 0xd4000022 // hvc #0x1
	insnSMC1       = 0xd4000023 // smc #0x1
	insnUDF0       = 0x00000000 // udf #0
	insnUDF1234    = 0x00001234 // udf #0x1234
	insnMovX0_1    = 0xd2800020 // mov x0, #0x1
	insnMovX0_7    = 0xd28000e0 // mov x0, #0x7
	insnMovX0_9    = 0xd2800120 // mov x0, #0x9
	insnAddX1X0_2  = 0x91000801 // add x1, x0, #0x2
	insnAddX0X0_1  = 0x91000400 // add x0, x0, #0x1
	insnAddX4X4X0  = 0x8b000084 // add x4, x4, x0
	insnRet        = 0xd65f03c0 // ret
	insnBSelf      = 0x14000000 // b .
	insnBRX1       = 0xd61f0020 // br x1
	insnLdrX0X1    = 0xf9400020 // ldr x0, [x1]
	insnStrX0X1    = 0xf9000020 // str x0, [x1]
	insnStrW2X1    = 0xb9000022 // str w2, [x1]
	insnLdrX0SP    = 0xf94003e0 // ldr x0, [sp]
	insnLdxrX0X1   = 0xc85f7c20 // ldxr x0, [x1]
	insnLdaxrX0X1  = 0xc85ffc20 // ldaxr x0, [x1]
	insnLdxrW0X1   = 0x885f7c20 // ldxr w0, [x1]
	insnLdaddX0X1  = 0xf8200041 // ldadd x0, x1, [x2]
	insnPaciasp    = 0xd503233f // paciasp
	insnAutiasp    = 0xd50323bf // autiasp
	insnPaciaX0X1  = 0xdac10020 // pacia x0, x1
	insnMrsCurEL   = 0xd5384240 // mrs x0, CurrentEL
	insnMrsX1Tpid1 = 0xd538d081 // mrs x1, tpidr_el1
	insnMrsX0Sctlr = 0xd5381000 // mrs x0, sctlr_el1
	insnOrrEnIA    = 0xb2610000 // orr x0, x0, #0x80000000
	insnMsrSctlrX0 = 0xd5181000 // msr sctlr_el1, x0
	insnMsrCpacrZR = 0xd518105f // msr cpacr_el1, xzr
	insnISB        = 0xd5033fdf // isb
	insnFmovD0X0   = 0x9e670000 // fmov d0, x0
	insnFaddD1     = 0x1e602801 // fadd d1, d0, d0
	insnFmovX1D1   = 0x9e660021 // fmov x1, d1
	insnMovX0SP    = 0x910003e0 // mov x0, sp
)

func words(ws ...uint32) []byte {
	b := make([]byte, 4*len(ws))
	for i, w := range ws {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b
}

// newEngine opens an engine, maps code (RWX) and data (RW) and loads code
// at codeBase. The engine is closed when the test ends.
func newEngine(t *testing.T, m CPUModel, code ...uint32) *Engine {
	t.Helper()
	e, err := New(m)
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close() })
	require.NoError(t, e.Map(codeBase, codeSize, PermAll))
	require.NoError(t, e.Map(dataBase, dataSize, PermRW))
	if len(code) > 0 {
		require.NoError(t, e.WriteMem(codeBase, words(code...)))
	}
	return e
}

// run executes the first n instructions' worth of code at codeBase.
func run(e *Engine, n int) error {
	return e.Start(codeBase, codeBase+4*uint64(n), 2*time.Second, 0)
}

func reg(t *testing.T, e *Engine, r Reg) uint64 {
	t.Helper()
	v, err := e.RegRead(r)
	require.NoError(t, err)
	return v
}

func sysreg(t *testing.T, e *Engine, s SysReg) uint64 {
	t.Helper()
	v, err := e.ReadSysReg(s)
	require.NoError(t, err)
	return v
}

// mustReg is reg for hook callbacks, where require must not be used.
func mustReg(e *Engine, r Reg) uint64 {
	v, err := e.RegRead(r)
	if err != nil {
		panic(err)
	}
	return v
}

// intrRecord is one HookInterrupt call with the state seen inside it.
type intrRecord struct {
	intno    uint32
	pc       uint64
	esr, elr uint64
	pstate   uint64
}

// recordIntr installs an interrupt hook that records each call and stops
// emulation (after limit calls, or at the first if limit == 0).
func recordIntr(t *testing.T, e *Engine, limit int) *[]intrRecord {
	t.Helper()
	var recs []intrRecord
	_, err := e.HookInterrupt(func(intno uint32) {
		recs = append(recs, intrRecord{
			intno:  intno,
			pc:     mustReg(e, PC),
			esr:    mustReg(e, ESR_EL1),
			elr:    mustReg(e, ELR_EL1),
			pstate: mustReg(e, PSTATE),
		})
		if len(recs) >= limit {
			assert.NoError(t, e.Stop())
		}
	})
	require.NoError(t, err)
	return &recs
}

// enablePAuth makes PAC instructions usable at EL1 on models with
// FEAT_PAuth: SCR_EL3.{NS,RW,APK,API} and HCR_EL2.{RW,APK,API} through
// CP_REG, then SCTLR_EL1.EnIA by guest code (see TestPACRequiresHflagsRebuild).
// It returns the code prefix that sets EnIA.
func enablePAuth(t *testing.T, e *Engine) []uint32 {
	t.Helper()
	require.NoError(t, e.WriteSysReg(SysHCR_EL2, 1<<41|1<<40|1<<31))
	require.NoError(t, e.WriteSysReg(SysSCR_EL3, 1<<17|1<<16|1<<10|1))
	return []uint32{insnMrsX0Sctlr, insnOrrEnIA, insnMsrSctlrX0, insnISB}
}

// ---------------------------------------------------------------------------
// Engine basics

func TestVersion(t *testing.T) {
	assert.Equal(t, uint32(0x020001ff), Version(), "tests pin Unicorn 2.0.1 behaviour")
}

func TestNewSelectsModel(t *testing.T) {
	midr := map[CPUModel]uint64{
		CPUA57: 0x411fd070,
		CPUA53: 0x410fd034,
		CPUA72: 0x410fd083,
		CPUMax: 0x000f0510,
	}
	for m, want := range midr {
		t.Run(m.String(), func(t *testing.T) {
			e := newEngine(t, m)
			assert.Equal(t, m, e.Model())
			assert.Equal(t, want, sysreg(t, e, SysMIDR_EL1))
		})
	}
	_, err := New(CPUModel(42))
	assert.ErrorIs(t, err, ErrArg)
}

func TestCloseTwice(t *testing.T) {
	e, err := New(CPUA72)
	require.NoError(t, err)
	require.NoError(t, e.Close())
	err = e.Close()
	assert.ErrorIs(t, err, ErrHandle)
	_, err = e.RegRead(X0)
	assert.ErrorIs(t, err, ErrHandle)
}

func TestErrorType(t *testing.T) {
	e := newEngine(t, CPUA72)
	err := e.Map(0x100000, 0x100, PermAll) // not page aligned
	var ue *Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, ErrArg, ue.Code)
	assert.Equal(t, "uc_mem_map", ue.Op)
	assert.Equal(t, "Invalid argument (UC_ERR_ARG)", ue.Text)
	assert.True(t, errors.Is(err, ErrArg))
	assert.Equal(t, "UC_ERR_ARG", ErrArg.Name())

	err = e.Map(codeBase, codeSize, PermAll) // overlaps
	assert.ErrorIs(t, err, ErrMap)
}

// Unicorn's arm64 target page is 1 KiB, not 4 KiB.
func TestPageSizeIs1K(t *testing.T) {
	e := newEngine(t, CPUMax)
	ps, err := e.PageSize()
	require.NoError(t, err)
	assert.Equal(t, uint32(1024), ps)
	require.NoError(t, e.Map(0x200400, 0x400, PermR))
	regs, err := e.Regions()
	require.NoError(t, err)
	assert.Contains(t, regs, Region{Begin: 0x200400, End: 0x2007ff, Perm: PermR})
}

func TestMemoryReadWriteUnmapProtect(t *testing.T) {
	e := newEngine(t, CPUA72)
	data := []byte("hello, unicorn")
	require.NoError(t, e.WriteMem(dataBase+3, data))
	got := make([]byte, len(data))
	require.NoError(t, e.ReadMem(dataBase+3, got))
	assert.Equal(t, data, got)

	// ReadMem/WriteMem ignore permissions.
	require.NoError(t, e.Protect(dataBase, 0x400, PermNone))
	require.NoError(t, e.ReadMem(dataBase+3, got))
	assert.Equal(t, data, got)

	require.NoError(t, e.Unmap(dataBase, 0x400))
	assert.ErrorIs(t, e.ReadMem(dataBase, got), ErrReadUnmapped)
	assert.ErrorIs(t, e.WriteMem(dataBase, got), ErrWriteUnmapped)
	require.NoError(t, e.ReadMem(dataBase+0x400, got))
}

// ---------------------------------------------------------------------------
// Registers

func TestArithmeticProgram(t *testing.T) {
	e := newEngine(t, CPUA72,
		0xd28000a0, // mov x0, #5
		0xd28000e1, // mov x1, #7
		0x8b010002, // add x2, x0, x1
		0xcb010003, // sub x3, x0, x1
		0x9b017c44, // mul x4, x2, x1
		0xeb01001f, // cmp x0, x1
	)
	require.NoError(t, run(e, 6))
	assert.Equal(t, uint64(12), reg(t, e, X2))
	assert.Equal(t, uint64(0xfffffffffffffffe), reg(t, e, X3))
	assert.Equal(t, uint64(84), reg(t, e, X4))
	assert.Equal(t, uint64(0x80000000), reg(t, e, NZCV), "N set, C clear for 5-7")
	assert.Equal(t, uint64(codeBase+24), reg(t, e, PC))
}

func TestGPRRoundTrip(t *testing.T) {
	e := newEngine(t, CPUA72)
	for n := 0; n <= 30; n++ {
		require.NoError(t, e.RegWrite(XReg(n), 0x1111111111111111*uint64(n%15+1)))
	}
	for n := 0; n <= 30; n++ {
		assert.Equal(t, 0x1111111111111111*uint64(n%15+1), reg(t, e, XReg(n)), "X%d", n)
	}
	assert.Equal(t, X29, FP)
	assert.Equal(t, X30, LR)
	assert.Equal(t, XZR, XReg(31))
	require.NoError(t, e.RegWrite(XZR, 5))
	assert.Equal(t, uint64(0), reg(t, e, XZR))

	_, err := e.RegRead(V3)
	assert.ErrorIs(t, err, ErrArg, "V registers need VRegRead")
}

func TestSystemRegistersRoundTrip(t *testing.T) {
	e := newEngine(t, CPUMax)
	cases := []struct {
		r Reg
		s SysReg
	}{
		{TPIDR_EL0, SysTPIDR_EL0},
		{TPIDRRO_EL0, SysTPIDRRO_EL0},
		{TPIDR_EL1, SysTPIDR_EL1},
		{ELR_EL1, SysELR_EL1},
		{ESR_EL1, SysESR_EL1},
		{FAR_EL1, SysFAR_EL1},
		{VBAR_EL1, SysVBAR_EL1},
	}
	for i, c := range cases {
		v := uint64(0x1000 + 0x100*i)
		require.NoError(t, e.RegWrite(c.r, v))
		assert.Equal(t, v, reg(t, e, c.r))
		assert.Equal(t, v, sysreg(t, e, c.s), "%v via CP_REG", c.s)
		require.NoError(t, e.WriteSysReg(c.s, v+0x10000)) // VBAR_EL1[10:0] are RES0
		assert.Equal(t, v+0x10000, reg(t, e, c.r), "%v via Reg", c.s)
	}
	// The legacy VBAR_EL1 id does not mask the RES0 bits, CP_REG does.
	require.NoError(t, e.RegWrite(VBAR_EL1, 0x1601))
	assert.Equal(t, uint64(0x1601), reg(t, e, VBAR_EL1))
	require.NoError(t, e.WriteSysReg(SysVBAR_EL1, 0x1601))
	assert.Equal(t, uint64(0x1600), reg(t, e, VBAR_EL1))

	// SPSR_EL1 has no Reg id in 2.0.1; CP_REG reaches it.
	require.NoError(t, e.WriteSysReg(SysSPSR_EL1, 0x3c4))
	assert.Equal(t, uint64(0x3c4), sysreg(t, e, SysSPSR_EL1))
	v, err := e.SysRegRead(3, 0, 4, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, uint64(0x3c4), v)

	require.NoError(t, e.RegWrite(FPCR, 0x03000000)) // RMode=RZ
	assert.Equal(t, uint64(0x03000000), reg(t, e, FPCR))
	require.NoError(t, e.RegWrite(FPSR, 0x1f))
	assert.Equal(t, uint64(0x1f), reg(t, e, FPSR))

	_, err = e.SysRegRead(3, 7, 15, 15, 7) // unallocated
	assert.ErrorIs(t, err, ErrArg)
}

func TestMSRThenRegRead(t *testing.T) {
	e := newEngine(t, CPUA72,
		0xd51bd040, // msr tpidr_el0, x0
		0xd53bd041, // mrs x1, tpidr_el0
	)
	require.NoError(t, e.RegWrite(X0, 0xfeedface))
	require.NoError(t, run(e, 2))
	assert.Equal(t, uint64(0xfeedface), reg(t, e, TPIDR_EL0))
	assert.Equal(t, uint64(0xfeedface), reg(t, e, X1))
}

func TestVectorRegisters(t *testing.T) {
	e := newEngine(t, CPUA72,
		0x3dc00020, // ldr q0, [x1]
		0x3d800420, // str q0, [x1, #16]
		insnFmovD0X0,
		insnFaddD1,
		insnFmovX1D1,
	)
	var b [16]byte
	for i := range b {
		b[i] = byte(i + 1)
	}
	require.NoError(t, e.VRegWrite(31, b))
	got, err := e.VRegRead(31)
	require.NoError(t, err)
	assert.Equal(t, b, got)
	pair, err := e.RegRead128(V31)
	require.NoError(t, err)
	assert.Equal(t, [2]uint64{0x0807060504030201, 0x100f0e0d0c0b0a09}, pair)

	require.NoError(t, e.WriteMem(dataBase, b[:]))
	require.NoError(t, e.RegWrite(X1, dataBase))
	require.NoError(t, run(e, 2))
	got, err = e.VRegRead(0)
	require.NoError(t, err)
	assert.Equal(t, b, got, "ldr q0 loads memory order into VRegRead order")
	mem := make([]byte, 16)
	require.NoError(t, e.ReadMem(dataBase+16, mem))
	assert.Equal(t, b[:], mem)

	require.NoError(t, e.RegWrite(X0, 0x4000000000000000)) // 2.0
	require.NoError(t, e.Start(codeBase+8, codeBase+20, time.Second, 0))
	assert.Equal(t, uint64(0x4010000000000000), reg(t, e, X1)) // 4.0
	pair, err = e.RegRead128(V1)
	require.NoError(t, err)
	assert.Equal(t, [2]uint64{0x4010000000000000, 0}, pair)

	require.NoError(t, e.RegWrite128(V2, [2]uint64{1, 2}))
	got, err = e.VRegRead(2)
	require.NoError(t, err)
	assert.Equal(t, [16]byte{0: 1, 8: 2}, got)
	_, err = e.VRegRead(32)
	assert.ErrorIs(t, err, ErrArg)
}

// Unicorn resets arm64 to EL1h with DAIF masked and, because QEMU stores Z
// inverted, with the Z flag set. SP, SP_EL0, SP_EL1 start at 0.
func TestResetState(t *testing.T) {
	for _, m := range []CPUModel{CPUA57, CPUA53, CPUA72, CPUMax} {
		t.Run(m.String(), func(t *testing.T) {
			e := newEngine(t, m, insnMrsCurEL)
			assert.Equal(t, uint64(0x400003c5), reg(t, e, PSTATE))
			assert.Equal(t, uint64(0x40000000), reg(t, e, NZCV))
			assert.Equal(t, uint64(0), reg(t, e, SP))
			assert.Equal(t, uint64(0), reg(t, e, SP_EL0))
			assert.Equal(t, uint64(0), reg(t, e, SP_EL1))
			assert.Equal(t, uint64(0), reg(t, e, FPCR))
			assert.Equal(t, uint64(0), reg(t, e, FPSR))
			for n := 0; n <= 30; n++ {
				assert.Equal(t, uint64(0), reg(t, e, XReg(n)), "X%d", n)
			}
			assert.Equal(t, uint64(0xc50838), sysreg(t, e, SysSCTLR_EL1), "MMU off, A=0, SA=1, EnIA=0")
			// ID_AA64PFR0_EL1 advertises EL0..EL3 (AArch64+AArch32) even
			// though Unicorn runs at EL1.
			assert.Equal(t, uint64(0x2222), sysreg(t, e, SysID_AA64PFR0_EL1)&0xffff)
			require.NoError(t, run(e, 1))
			assert.Equal(t, uint64(1<<2), reg(t, e, X0), "CurrentEL = EL1")
		})
	}
}

// ---------------------------------------------------------------------------
// FP/SIMD enable

// Unicorn resets SCR_EL3 to 0: RW = 0 claims EL1 is AArch32, so an ERET
// to EL1 is an illegal exception return (PSTATE.IL set, EL unchanged). New
// sets SCR_EL3.RW to make EL1 returns legal.
func TestResetSCRMakesERETToEL1Illegal(t *testing.T) {
	raw, err := open(CPUMax, false)
	require.NoError(t, err)
	t.Cleanup(func() { _ = raw.Close() })
	require.NoError(t, raw.Map(codeBase, codeSize, PermAll))
	assert.Equal(t, uint64(0), sysreg(t, raw, SysSCR_EL3))
	require.NoError(t, raw.RegWrite(PC, codeBase))
	err = raw.SwitchPSTATE(scratch, PstateEL1t)
	assert.ErrorIs(t, err, ErrArg)
	assert.Equal(t, uint64(1<<20|0x3c5), reg(t, raw, PSTATE)&^0xf0000000, "IL set, still EL1h")

	e := newEngine(t, CPUMax)
	assert.Equal(t, uint64(1<<10), sysreg(t, e, SysSCR_EL3)&(1<<10))
	require.NoError(t, e.RegWrite(PC, codeBase))
	require.NoError(t, e.SwitchPSTATE(scratch, PstateEL1t))
}

// Unicorn 2.0.1 resets CPACR_EL1 to 0 but never traps FP/SIMD anyway, at
// EL1 or EL0. New still sets FPEN = 0b11 so the architectural state allows
// FP everywhere.
func TestCPACRFPENNotEnforced(t *testing.T) {
	raw, err := open(CPUMax, false)
	require.NoError(t, err)
	cpacr, err := raw.ReadSysReg(SysCPACR_EL1)
	require.NoError(t, err)
	assert.Equal(t, uint64(0), cpacr, "reset CPACR_EL1")
	require.NoError(t, raw.Close())

	e := newEngine(t, CPUMax, insnMsrCpacrZR, insnISB, insnFmovD0X0, insnNOP)
	assert.Equal(t, uint64(3<<20), sysreg(t, e, SysCPACR_EL1), "New sets FPEN")
	assert.Equal(t, uint64(3<<20), reg(t, e, CPACR_EL1))
	recs := recordIntr(t, e, 1)
	require.NoError(t, e.RegWrite(X0, 0x1234))
	require.NoError(t, run(e, 4))
	assert.Empty(t, *recs, "fmov with CPACR_EL1.FPEN=0 at EL1 does not trap")
	v, err := e.RegRead128(V0)
	require.NoError(t, err)
	assert.Equal(t, uint64(0x1234), v[0])

	// Same at EL0, entered with a real ERET.
	e = newEngine(t, CPUMax, insnFmovD0X0, insnNOP)
	require.NoError(t, e.WriteSysReg(SysCPACR_EL1, 0))
	require.NoError(t, e.RegWrite(PC, codeBase))
	require.NoError(t, e.SwitchPSTATE(scratch, PstateEL0t))
	recs = recordIntr(t, e, 1)
	require.NoError(t, run(e, 2))
	assert.Empty(t, *recs, "fmov with CPACR_EL1.FPEN=0 at EL0 does not trap")
}

// ---------------------------------------------------------------------------
// Exception levels

// Writing PSTATE changes the value read back but not the EL Unicorn
// translates for: CurrentEL still reads EL1 and EL1 registers stay
// accessible, even after a CP_REG write or a TB flush.
func TestPSTATEWriteDoesNotChangeEL(t *testing.T) {
	e := newEngine(t, CPUMax, insnMrsCurEL, insnMrsX1Tpid1)
	require.NoError(t, e.RegWrite(TPIDR_EL1, 0x77))
	require.NoError(t, e.RegWrite(PSTATE, PstateEL0t))
	require.NoError(t, e.WriteSysReg(SysTPIDR_EL1, 0x77))
	require.NoError(t, e.FlushTB())
	assert.Equal(t, PstateEL0t, reg(t, e, PSTATE))
	recs := recordIntr(t, e, 1)
	require.NoError(t, run(e, 2))
	assert.Empty(t, *recs)
	assert.Equal(t, uint64(1<<2), reg(t, e, X0), "still EL1")
	assert.Equal(t, uint64(0x77), reg(t, e, X1))
}

// SwitchPSTATE (an ERET) really enters EL0: CurrentEL and TPIDR_EL1 become
// UNDEFINED (intno 1), SP switches to SP_EL0, and RestoreContext goes back.
func TestSwitchPSTATEToEL0AndBack(t *testing.T) {
	e := newEngine(t, CPUMax, insnMrsCurEL, insnNOP)
	require.NoError(t, e.RegWrite(SP, 0x4560))
	require.NoError(t, e.RegWrite(SP_EL0, 0x1230))
	assert.Equal(t, uint64(0), reg(t, e, SP_EL1), "SP_EL1 is the banked copy, stale while at EL1h")
	ctx, err := e.SaveContext()
	require.NoError(t, err)

	require.NoError(t, e.RegWrite(PC, codeBase))
	require.NoError(t, e.SwitchPSTATE(scratch, PstateEL0t))
	assert.Equal(t, PstateEL0t, reg(t, e, PSTATE))
	assert.Equal(t, uint64(codeBase), reg(t, e, PC))
	assert.Equal(t, uint64(0x1230), reg(t, e, SP), "SP is SP_EL0 at EL0t")
	assert.Equal(t, uint64(0x4560), reg(t, e, SP_EL1), "EL1 SP banked on ERET")
	scratchWord := make([]byte, 4)
	require.NoError(t, e.ReadMem(scratch, scratchWord))
	assert.Equal(t, []byte{0, 0, 0, 0}, scratchWord, "scratch restored")

	recs := recordIntr(t, e, 1)
	require.NoError(t, run(e, 2))
	require.Len(t, *recs, 1)
	assert.Equal(t, IntUDEF, (*recs)[0].intno, "mrs CurrentEL is UNDEFINED at EL0")
	assert.Equal(t, uint64(codeBase), (*recs)[0].pc)

	// No way back by ERET (UNDEFINED at EL0): restore the snapshot.
	assert.ErrorIs(t, e.SwitchPSTATE(scratch, PstateEL1h), ErrArg)
	require.NoError(t, e.RestoreContext(ctx))
	require.NoError(t, run(e, 2))
	assert.Equal(t, uint64(1<<2), reg(t, e, X0))
	assert.Equal(t, uint64(0x400003c5), reg(t, e, PSTATE))
	assert.Equal(t, uint64(0x4560), reg(t, e, SP))
}

func TestSwitchPSTATEToEL1t(t *testing.T) {
	e := newEngine(t, CPUA72, insnMrsCurEL, insnMovX0SP)
	require.NoError(t, e.RegWrite(SP, 0x4560))
	require.NoError(t, e.RegWrite(SP_EL0, 0x1230))
	require.NoError(t, e.RegWrite(PC, codeBase))
	require.NoError(t, e.SwitchPSTATE(scratch, PstateEL1t|0xf0000000))
	assert.Equal(t, PstateEL1t|0xf0000000, reg(t, e, PSTATE), "NZCV comes from SPSR too")
	require.NoError(t, e.Start(codeBase, codeBase+4, time.Second, 0))
	assert.Equal(t, uint64(1<<2), reg(t, e, X0))
	require.NoError(t, e.Start(codeBase+4, codeBase+8, time.Second, 0))
	assert.Equal(t, uint64(0x1230), reg(t, e, X0), "EL1t uses SP_EL0")
}

// ---------------------------------------------------------------------------
// SVC, BRK, HVC, SMC, UDF

// SVC calls the interrupt hook with intno 2 (EXCP_SWI) and PC already past
// the svc. No exception is taken: ESR_EL1, ELR_EL1 and PSTATE are unchanged
// and execution continues after the svc when the hook returns.
func TestSVC(t *testing.T) {
	e := newEngine(t, CPUMax, insnMovX0_1, insnSVC42, insnAddX1X0_2)
	require.NoError(t, e.RegWrite(ESR_EL1, 0xdead))
	var recs []intrRecord
	_, err := e.HookInterrupt(func(intno uint32) {
		recs = append(recs, intrRecord{intno: intno, pc: mustReg(e, PC), esr: mustReg(e, ESR_EL1),
			elr: mustReg(e, ELR_EL1), pstate: mustReg(e, PSTATE)})
	})
	require.NoError(t, err)
	require.NoError(t, run(e, 3))
	require.Len(t, recs, 1)
	assert.Equal(t, IntSWI, recs[0].intno)
	assert.Equal(t, uint32(2), recs[0].intno, "EXCP_SWI")
	assert.Equal(t, uint64(codeBase+8), recs[0].pc, "PC is past the svc")
	assert.Equal(t, uint64(0xdead), recs[0].esr, "ESR_EL1 not written")
	assert.Equal(t, uint64(0), recs[0].elr, "ELR_EL1 not written")
	assert.Equal(t, uint64(0x000003c5), recs[0].pstate&0x3ff, "still EL1h")
	assert.Equal(t, uint64(3), reg(t, e, X1), "resumed after the svc")

	// The syndrome is nowhere: the SVC immediate must be decoded from
	// memory at PC-4.
	insn := make([]byte, 4)
	require.NoError(t, e.ReadMem(recs[0].pc-4, insn))
	assert.Equal(t, uint32(0x42), binary.LittleEndian.Uint32(insn)>>5&0xffff)
}

func TestSVCWithoutHook(t *testing.T) {
	e := newEngine(t, CPUMax, insnMovX0_1, insnSVC42, insnAddX1X0_2)
	err := run(e, 3)
	assert.ErrorIs(t, err, ErrException)
	assert.Equal(t, uint64(codeBase+8), reg(t, e, PC))
	assert.Equal(t, uint64(0), reg(t, e, X1))
}

// BRK calls the interrupt hook with intno 7 (EXCP_BKPT) and PC at the brk.
// Returning without moving PC re-executes the brk (an endless loop).
func TestBRK(t *testing.T) {
	e := newEngine(t, CPUMax, insnMovX0_1, insnBRK7, insnAddX1X0_2)
	require.NoError(t, e.RegWrite(ESR_EL1, 0xdead))
	recs := recordIntr(t, e, 3)
	require.NoError(t, run(e, 3))
	require.Len(t, *recs, 3, "brk re-executed until the hook stopped")
	for _, r := range *recs {
		assert.Equal(t, IntBKPT, r.intno)
		assert.Equal(t, uint64(codeBase+4), r.pc, "PC at the brk")
		assert.Equal(t, uint64(0xdead), r.esr)
	}
	assert.Equal(t, uint64(codeBase+4), reg(t, e, PC))
	assert.Equal(t, uint64(0), reg(t, e, X1))

	// Skipping the brk from the hook.
	e = newEngine(t, CPUMax, insnMovX0_1, insnBRK7, insnAddX1X0_2)
	_, err := e.HookInterrupt(func(intno uint32) {
		assert.NoError(t, e.RegWrite(PC, mustReg(e, PC)+4))
	})
	require.NoError(t, err)
	require.NoError(t, run(e, 3))
	assert.Equal(t, uint64(3), reg(t, e, X1))

	e = newEngine(t, CPUMax, insnMovX0_1, insnBRK7, insnAddX1X0_2)
	assert.ErrorIs(t, run(e, 3), ErrException)
	assert.Equal(t, uint64(codeBase+4), reg(t, e, PC))
}

// At Unicorn's EL1 (Secure, SCR_EL3.HCE=0) HVC is UNDEFINED (intno 1, PC at
// the hvc); SMC raises intno 13 (EXCP_SMC) with PC past the smc.
func TestHVCAndSMC(t *testing.T) {
	e := newEngine(t, CPUMax, insnHVC1, insnNOP)
	recs := recordIntr(t, e, 1)
	require.NoError(t, run(e, 2))
	require.Len(t, *recs, 1)
	assert.Equal(t, IntUDEF, (*recs)[0].intno)
	assert.Equal(t, uint64(codeBase), (*recs)[0].pc)

	e = newEngine(t, CPUMax, insnSMC1, insnNOP)
	recs = recordIntr(t, e, 1)
	require.NoError(t, run(e, 2))
	require.Len(t, *recs, 1)
	assert.Equal(t, IntSMC, (*recs)[0].intno)
	assert.Equal(t, uint64(codeBase+4), (*recs)[0].pc)
}

// An undefined instruction ends Start with UC_ERR_EXCEPTION (not
// UC_ERR_INSN_INVALID), PC at the instruction; with an interrupt hook it is
// reported as intno 1 (EXCP_UDEF). HookInsnInvalid is never called.
func TestUDF(t *testing.T) {
	for _, w := range []uint32{insnUDF0, insnUDF1234} {
		e := newEngine(t, CPUMax, insnMovX0_1, w, insnNOP)
		insnInvalidCalls := 0
		_, err := e.HookInsnInvalid(func() bool { insnInvalidCalls++; return false })
		require.NoError(t, err)
		err = run(e, 3)
		assert.ErrorIs(t, err, ErrException)
		assert.NotErrorIs(t, err, ErrInsnInvalid)
		assert.Equal(t, uint64(codeBase+4), reg(t, e, PC))
		assert.Equal(t, 0, insnInvalidCalls)

		e = newEngine(t, CPUMax, insnMovX0_1, w, insnNOP)
		require.NoError(t, e.RegWrite(ESR_EL1, 0xdead))
		recs := recordIntr(t, e, 1)
		require.NoError(t, run(e, 3))
		require.Len(t, *recs, 1)
		assert.Equal(t, IntUDEF, (*recs)[0].intno)
		assert.Equal(t, uint64(codeBase+4), (*recs)[0].pc)
		assert.Equal(t, uint64(0xdead), (*recs)[0].esr)
	}
}

// ---------------------------------------------------------------------------
// Memory faults

func TestFetchUnmapped(t *testing.T) {
	e := newEngine(t, CPUMax)
	err := e.Start(0x800000, 0x800008, time.Second, 0)
	assert.ErrorIs(t, err, ErrFetchUnmapped)
	assert.Equal(t, uint64(0x800000), reg(t, e, PC))

	type fault struct {
		access MemAccess
		addr   uint64
		size   int
		pc     uint64
	}
	for _, c := range []struct {
		target uint64
		access MemAccess
		err    ErrCode
	}{
		{0x900000, MemFetchUnmapped, ErrFetchUnmapped},
		{dataBase, MemFetchProt, ErrFetchProt}, // mapped RW, not X
	} {
		e := newEngine(t, CPUMax, insnBRX1)
		require.NoError(t, e.RegWrite(X1, c.target))
		var faults []fault
		_, err := e.HookMemInvalid(func(a MemAccess, addr uint64, size int, _ int64) bool {
			faults = append(faults, fault{a, addr, size, mustReg(e, PC)})
			return false
		})
		require.NoError(t, err)
		err = e.Start(codeBase, 0x900008, time.Second, 0)
		assert.ErrorIs(t, err, c.err)
		assert.Equal(t, []fault{{c.access, c.target, 4, c.target}}, faults)
		assert.Equal(t, c.target, reg(t, e, PC), "PC at the unfetchable address")
		assert.Equal(t, uint64(0), reg(t, e, FAR_EL1), "FAR_EL1 not written")
	}
}

func TestDataFaults(t *testing.T) {
	for _, c := range []struct {
		name   string
		insn   uint32
		addr   uint64
		access MemAccess
		err    ErrCode
	}{
		{"read unmapped", insnLdrX0X1, 0x900000, MemReadUnmapped, ErrReadUnmapped},
		{"write unmapped", insnStrX0X1, 0x900000, MemWriteUnmapped, ErrWriteUnmapped},
		{"read prot", insnLdrX0X1, dataBase, MemReadProt, ErrReadProt},
		{"write prot", insnStrX0X1, dataBase, MemWriteProt, ErrWriteProt},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEngine(t, CPUMax, c.insn, insnNOP)
			require.NoError(t, e.Protect(dataBase, dataSize, PermNone))
			require.NoError(t, e.RegWrite(X1, c.addr))
			require.NoError(t, e.RegWrite(X0, 0x55))
			var got []MemAccess
			var vals []int64
			_, err := e.HookMemInvalid(func(a MemAccess, addr uint64, size int, v int64) bool {
				got = append(got, a)
				vals = append(vals, v)
				assert.Equal(t, c.addr, addr)
				assert.Equal(t, 8, size)
				assert.Equal(t, uint64(codeBase), mustReg(e, PC), "PC at the faulting instruction")
				return false
			})
			require.NoError(t, err)
			assert.ErrorIs(t, run(e, 2), c.err)
			assert.Equal(t, []MemAccess{c.access}, got)
			if c.insn == insnStrX0X1 {
				assert.Equal(t, []int64{0x55}, vals, "store value is reported")
			}
			assert.Equal(t, uint64(codeBase), reg(t, e, PC))
			assert.Equal(t, uint64(0), reg(t, e, FAR_EL1))
			assert.Equal(t, uint64(0), reg(t, e, ESR_EL1))
		})
	}
}

// A HookMemInvalid callback may map the page and return true: the access
// is retried and succeeds.
func TestMemInvalidHookMapsPage(t *testing.T) {
	e := newEngine(t, CPUMax, insnLdrX0X1, insnNOP)
	require.NoError(t, e.RegWrite(X1, 0x900010))
	_, err := e.HookMemInvalid(func(a MemAccess, addr uint64, size int, v int64) bool {
		if a != MemReadUnmapped {
			return false
		}
		page := addr &^ 0x3ff
		if !assert.NoError(t, e.Map(page, 0x400, PermRW)) {
			return false
		}
		assert.NoError(t, e.WriteMem(addr, []byte{0xef, 0xbe, 0xad, 0xde}))
		return true
	})
	require.NoError(t, err)
	require.NoError(t, run(e, 2))
	assert.Equal(t, uint64(0xdeadbeef), reg(t, e, X0))
}

// ---------------------------------------------------------------------------
// Exclusives, SP alignment

// An unaligned LDXR/LDAXR raises intno 4 (EXCP_DATA_ABORT, an alignment
// fault) through the interrupt hook, not the memory hooks; without a hook
// Start fails with UC_ERR_EXCEPTION. A plain unaligned LDR is fine.
func TestUnalignedExclusiveFaults(t *testing.T) {
	for _, w := range []uint32{insnLdxrX0X1, insnLdaxrX0X1, insnLdxrW0X1} {
		e := newEngine(t, CPUMax, w, insnNOP)
		require.NoError(t, e.RegWrite(X1, dataBase+3))
		memHookCalls := 0
		_, err := e.HookMemInvalid(func(MemAccess, uint64, int, int64) bool { memHookCalls++; return false })
		require.NoError(t, err)
		recs := recordIntr(t, e, 1)
		require.NoError(t, run(e, 2))
		require.Len(t, *recs, 1, "%#x", w)
		assert.Equal(t, IntData, (*recs)[0].intno)
		assert.Equal(t, uint64(codeBase), (*recs)[0].pc)
		assert.Equal(t, 0, memHookCalls)
		assert.Equal(t, uint64(0), reg(t, e, FAR_EL1))

		e = newEngine(t, CPUMax, w, insnNOP)
		require.NoError(t, e.RegWrite(X1, dataBase+3))
		assert.ErrorIs(t, run(e, 2), ErrException)
		assert.Equal(t, uint64(codeBase), reg(t, e, PC))
	}
	e := newEngine(t, CPUMax, insnLdrX0X1, insnNOP)
	require.NoError(t, e.WriteMem(dataBase, []byte{0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}))
	require.NoError(t, e.RegWrite(X1, dataBase+3))
	require.NoError(t, run(e, 2))
	assert.Equal(t, uint64(0x0807060504030201), reg(t, e, X0))
}

// SCTLR_EL1.SA is 1 at reset but a misaligned SP used as a base register
// does not fault.
func TestSPAlignmentNotChecked(t *testing.T) {
	e := newEngine(t, CPUMax, insnLdrX0SP, insnNOP)
	require.Equal(t, uint64(1<<3), sysreg(t, e, SysSCTLR_EL1)&(1<<3), "SCTLR_EL1.SA")
	require.NoError(t, e.WriteMem(dataBase+4, []byte{0x2a}))
	require.NoError(t, e.RegWrite(SP, dataBase+4))
	recs := recordIntr(t, e, 1)
	require.NoError(t, run(e, 2))
	assert.Empty(t, *recs)
	assert.Equal(t, uint64(0x2a), reg(t, e, X0))
}

// ---------------------------------------------------------------------------
// Feature differences between models

// PACIASP is a NOP on A72 (no FEAT_PAuth). On MAX it is also a NOP at reset
// because SCTLR_EL1.EnIA = 0; with PAuth enabled it signs X30.
func TestPACIASP(t *testing.T) {
	const lr = 0x12340
	for _, m := range []CPUModel{CPUA72, CPUMax} {
		e := newEngine(t, m, insnPaciasp, insnNOP)
		require.NoError(t, e.RegWrite(X30, lr))
		require.NoError(t, e.RegWrite(SP, dataBase+0x1000))
		recs := recordIntr(t, e, 1)
		require.NoError(t, run(e, 2))
		assert.Empty(t, *recs, "%v", m)
		assert.Equal(t, uint64(lr), reg(t, e, X30), "%v at reset: NOP", m)
	}

	// A72: the PACIA (non-hint) form is UNDEFINED.
	e := newEngine(t, CPUA72, insnPaciaX0X1, insnNOP)
	recs := recordIntr(t, e, 1)
	require.NoError(t, run(e, 2))
	require.Len(t, *recs, 1)
	assert.Equal(t, IntUDEF, (*recs)[0].intno)

	// With PAuth enabled: MAX signs, A72 still NOPs.
	for _, m := range []CPUModel{CPUA72, CPUMax} {
		e := newEngine(t, m)
		code := append(enablePAuth(t, e), insnPaciasp, insnNOP, insnAutiasp, insnNOP)
		require.NoError(t, e.WriteMem(codeBase, words(code...)))
		require.NoError(t, e.RegWrite(X30, lr))
		require.NoError(t, e.RegWrite(SP, dataBase+0x1000))
		recs := recordIntr(t, e, 1)
		require.NoError(t, run(e, 6))
		require.Empty(t, *recs)
		signed := reg(t, e, X30)
		if m == CPUMax {
			assert.NotEqual(t, uint64(lr), signed, "MAX: X30 signed")
			assert.Equal(t, uint64(lr), signed&0xffffffffffff, "PAC only in the top bits")
		} else {
			assert.Equal(t, uint64(lr), signed, "A72: NOP")
		}
		require.NoError(t, e.Start(codeBase+24, codeBase+32, time.Second, 0))
		assert.Equal(t, uint64(lr), reg(t, e, X30), "%v: autiasp restores", m)
	}
}

// PAuth enablement is cached in Unicorn's translation flags, which CP_REG
// writes do not rebuild: setting SCTLR_EL1.EnIA through WriteSysReg has no
// effect on PACIASP, while the same bit set by an MSR does (TestPACIASP).
// Also, with SCR_EL3.NS = 0 (Unicorn's reset state) PAC traps as UNDEFINED.
func TestPACRequiresHflagsRebuild(t *testing.T) {
	const lr = 0x12340
	e := newEngine(t, CPUMax, insnPaciasp, insnNOP)
	_ = enablePAuth(t, e)
	require.NoError(t, e.WriteSysReg(SysSCTLR_EL1, sysreg(t, e, SysSCTLR_EL1)|1<<31))
	require.NoError(t, e.RegWrite(X30, lr))
	require.NoError(t, run(e, 2))
	assert.Equal(t, uint64(lr), reg(t, e, X30))

	e = newEngine(t, CPUMax)
	require.NoError(t, e.WriteSysReg(SysHCR_EL2, 1<<41|1<<40|1<<31))
	require.NoError(t, e.SysRegWrite(3, 6, 1, 1, 0, 1<<17|1<<16|1<<10)) // SCR_EL3 without NS
	require.NoError(t, e.WriteMem(codeBase, words(insnMrsX0Sctlr, insnOrrEnIA, insnMsrSctlrX0, insnISB, insnPaciasp, insnNOP)))
	require.NoError(t, e.RegWrite(X30, lr))
	recs := recordIntr(t, e, 1)
	require.NoError(t, run(e, 6))
	require.Len(t, *recs, 1)
	assert.Equal(t, IntUDEF, (*recs)[0].intno)
	assert.Equal(t, uint64(codeBase+16), (*recs)[0].pc)
}

// LDADD (FEAT_LSE, v8.1) is UNDEFINED on the v8.0 models and executes on MAX.
func TestLSEAtomics(t *testing.T) {
	for _, m := range []CPUModel{CPUA57, CPUA53, CPUA72, CPUMax} {
		t.Run(m.String(), func(t *testing.T) {
			e := newEngine(t, m, insnLdaddX0X1, insnNOP)
			require.NoError(t, e.RegWrite(X0, 5))
			require.NoError(t, e.RegWrite(X2, dataBase))
			require.NoError(t, e.WriteMem(dataBase, []byte{7, 0, 0, 0, 0, 0, 0, 0}))
			recs := recordIntr(t, e, 1)
			require.NoError(t, run(e, 2))
			mem := make([]byte, 8)
			require.NoError(t, e.ReadMem(dataBase, mem))
			if m == CPUMax {
				assert.Empty(t, *recs)
				assert.Equal(t, uint64(7), reg(t, e, X1))
				assert.Equal(t, byte(12), mem[0])
				return
			}
			require.Len(t, *recs, 1)
			assert.Equal(t, IntUDEF, (*recs)[0].intno)
			assert.Equal(t, uint64(codeBase), (*recs)[0].pc)
			assert.Equal(t, byte(7), mem[0])
		})
	}
	e := newEngine(t, CPUA72, insnLdaddX0X1)
	require.NoError(t, e.RegWrite(X2, dataBase))
	assert.ErrorIs(t, run(e, 1), ErrException)
}

// ---------------------------------------------------------------------------
// Translation cache and code writes

// Program for the code-write tests: main at codeBase+0x100 calls f twice
// and accumulates f's result in x4; f at codeBase is "mov x0,#7; add x4,
// x4,x0; ret". Patching f's first word to "mov x0,#9" between the calls
// gives x4 = 16 if the patch is seen, 14 if the stale block runs.
func newSMCEngine(t *testing.T, middle uint32) *Engine {
	e := newEngine(t, CPUMax, insnMovX0_7, insnAddX4X4X0, insnRet)
	require.NoError(t, e.WriteMem(codeBase+0x100, words(
		0x97ffffc0, // bl codeBase
		middle,
		0x97ffffbe, // bl codeBase
		insnNOP,
	)))
	require.NoError(t, e.RegWrite(X1, codeBase))
	require.NoError(t, e.RegWrite(X2, insnMovX0_9))
	return e
}

func runSMC(e *Engine) error {
	return e.Start(codeBase+0x100, codeBase+0x10c, 2*time.Second, 0)
}

// A guest store into already-translated code is detected (x4 = 16).
func TestGuestStoreToCodeIsSeen(t *testing.T) {
	e := newSMCEngine(t, insnStrW2X1)
	require.NoError(t, runSMC(e))
	assert.Equal(t, uint64(16), reg(t, e, X4))
}

// WriteMem to already-executed code between two Start calls is seen
// without any flush.
func TestWriteMemBetweenStartsIsSeen(t *testing.T) {
	e := newEngine(t, CPUMax, insnMovX0_7, insnNOP)
	require.NoError(t, run(e, 2))
	assert.Equal(t, uint64(7), reg(t, e, X0))
	require.NoError(t, e.WriteMem(codeBase, words(insnMovX0_9)))
	require.NoError(t, run(e, 2))
	assert.Equal(t, uint64(9), reg(t, e, X0))
}

// WriteMem from a hook while emulation runs is NOT seen: the stale block
// keeps running, even after Stop and a new Start. InvalidateTB (from the
// hook) or FlushTB (between Starts) fixes it; FlushTB from a hook is
// refused because Unicorn 2.0.1 segfaults on it.
func TestWriteMemFromHookIsStale(t *testing.T) {
	patch := func(e *Engine, then func()) {
		_, err := e.HookCode(codeBase+0x104, codeBase+0x104, func(uint64, uint32) {
			assert.NoError(t, e.WriteMem(codeBase, words(insnMovX0_9)))
			then()
		})
		require.NoError(t, err)
	}

	e := newSMCEngine(t, insnNOP)
	patch(e, func() {})
	require.NoError(t, runSMC(e))
	assert.Equal(t, uint64(14), reg(t, e, X4), "stale translation")

	e = newSMCEngine(t, insnNOP)
	patch(e, func() { assert.NoError(t, e.Stop()) })
	require.NoError(t, runSMC(e))
	require.Equal(t, uint64(codeBase+0x104), reg(t, e, PC))
	require.NoError(t, e.Start(codeBase+0x108, codeBase+0x10c, time.Second, 0))
	assert.Equal(t, uint64(14), reg(t, e, X4), "still stale after a new Start")

	e = newSMCEngine(t, insnNOP)
	patch(e, func() { assert.NoError(t, e.Stop()) })
	require.NoError(t, runSMC(e))
	require.NoError(t, e.FlushTB())
	require.NoError(t, e.Start(codeBase+0x108, codeBase+0x10c, time.Second, 0))
	assert.Equal(t, uint64(16), reg(t, e, X4), "FlushTB between Starts")

	e = newSMCEngine(t, insnNOP)
	patch(e, func() { assert.NoError(t, e.InvalidateTB(codeBase, codeBase+4)) })
	require.NoError(t, runSMC(e))
	assert.Equal(t, uint64(16), reg(t, e, X4), "InvalidateTB from the hook")

	e = newSMCEngine(t, insnNOP)
	var flushErr error
	patch(e, func() { flushErr = e.FlushTB() })
	require.NoError(t, runSMC(e))
	assert.ErrorIs(t, flushErr, ErrArg)
}

// ---------------------------------------------------------------------------
// Hooks and control

func TestHookCodeAndRemove(t *testing.T) {
	e := newEngine(t, CPUA72, insnMovX0_1, insnAddX0X0_1, insnAddX0X0_1, insnNOP)
	var addrs []uint64
	h, err := e.HookCode(1, 0, func(addr uint64, size uint32) {
		assert.Equal(t, uint32(4), size)
		addrs = append(addrs, addr)
	})
	require.NoError(t, err)
	var ranged []uint64
	_, err = e.HookCode(codeBase+4, codeBase+8, func(addr uint64, _ uint32) { ranged = append(ranged, addr) })
	require.NoError(t, err)
	var blocks []uint64
	_, err = e.HookBlock(1, 0, func(addr uint64, _ uint32) { blocks = append(blocks, addr) })
	require.NoError(t, err)
	require.NoError(t, run(e, 4))
	assert.Equal(t, []uint64{codeBase, codeBase + 4, codeBase + 8, codeBase + 12}, addrs)
	assert.Equal(t, []uint64{codeBase + 4, codeBase + 8}, ranged)
	assert.Equal(t, []uint64{codeBase}, blocks)
	assert.Equal(t, uint64(3), reg(t, e, X0))

	require.NoError(t, e.RemoveHook(h))
	assert.ErrorIs(t, e.RemoveHook(h), ErrArg)
	addrs = nil
	require.NoError(t, run(e, 4))
	assert.Empty(t, addrs)
}

// A code hook added after the code was translated still fires.
func TestHookAddedAfterTranslation(t *testing.T) {
	e := newEngine(t, CPUA72, insnNOP, insnNOP)
	require.NoError(t, run(e, 2))
	n := 0
	_, err := e.HookCode(1, 0, func(uint64, uint32) { n++ })
	require.NoError(t, err)
	require.NoError(t, run(e, 2))
	assert.Equal(t, 2, n)
}

// HookMem reports valid reads (before, value 0), reads after (with the
// data) and writes (with the data). UC_HOOK_MEM_FETCH never fires.
func TestHookMem(t *testing.T) {
	e := newEngine(t, CPUMax,
		0xf9400029, // ldr x9, [x1]
		insnStrX0X1,
		insnNOP,
	)
	require.NoError(t, e.RegWrite(X1, dataBase))
	require.NoError(t, e.RegWrite(X0, 0x55))
	require.NoError(t, e.WriteMem(dataBase, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
	type ev struct {
		a    MemAccess
		addr uint64
		size int
		v    int64
	}
	var evs []ev
	_, err := e.HookMem(HookMemRead|HookMemWrite|HookMemFetch|HookMemReadAfter, 1, 0,
		func(a MemAccess, addr uint64, size int, v int64) { evs = append(evs, ev{a, addr, size, v}) })
	require.NoError(t, err)
	require.NoError(t, run(e, 3))
	assert.Equal(t, []ev{
		{MemRead, dataBase, 8, 0},
		{MemReadAfter, dataBase, 8, 0x0807060504030201},
		{MemWrite, dataBase, 8, 0x55},
	}, evs)

	_, err = e.HookMem(0, 1, 0, func(MemAccess, uint64, int, int64) {})
	assert.ErrorIs(t, err, ErrArg)
}

// Stop from a code hook: Start returns nil, the hooked instruction is not
// executed and PC points at it.
func TestStopFromHook(t *testing.T) {
	e := newEngine(t, CPUA72, insnMovX0_1, insnAddX0X0_1, insnAddX0X0_1, insnNOP)
	_, err := e.HookCode(codeBase+4, codeBase+4, func(uint64, uint32) {
		assert.NoError(t, e.Stop())
	})
	require.NoError(t, err)
	require.NoError(t, run(e, 4))
	assert.Equal(t, uint64(1), reg(t, e, X0), "the hooked instruction is not executed")
	assert.Equal(t, uint64(codeBase+4), reg(t, e, PC))
}

// RegWrite(PC) from a code hook redirects execution.
func TestRedirectFromHook(t *testing.T) {
	e := newEngine(t, CPUA72, insnMovX0_1, insnAddX0X0_1, insnAddX0X0_1, insnNOP)
	_, err := e.HookCode(codeBase+4, codeBase+4, func(uint64, uint32) {
		assert.NoError(t, e.RegWrite(PC, codeBase+12))
	})
	require.NoError(t, err)
	require.NoError(t, run(e, 4))
	assert.Equal(t, uint64(1), reg(t, e, X0))
}

func TestPanicInHookPropagates(t *testing.T) {
	e := newEngine(t, CPUA72, insnNOP, insnNOP, insnNOP)
	_, err := e.HookCode(codeBase+4, codeBase+4, func(uint64, uint32) { panic("boom") })
	require.NoError(t, err)
	assert.PanicsWithValue(t, "boom", func() { _ = run(e, 3) })
	assert.Equal(t, uint64(codeBase+4), reg(t, e, PC))
	// The engine is still usable.
	_, err = e.HookCode(codeBase+4, codeBase+4, func(uint64, uint32) {})
	require.NoError(t, err)
}

func TestTimeoutAndCount(t *testing.T) {
	e := newEngine(t, CPUA72, insnBSelf)
	start := time.Now()
	err := e.Start(codeBase, codeBase+4, 50*time.Millisecond, 0)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	assert.Equal(t, uint64(codeBase), reg(t, e, PC))

	e = newEngine(t, CPUA72, insnAddX0X0_1, insnAddX0X0_1, insnAddX0X0_1, insnAddX0X0_1)
	require.NoError(t, e.Start(codeBase, codeBase+16, 0, 3))
	assert.Equal(t, uint64(3), reg(t, e, X0))
	assert.Equal(t, uint64(codeBase+12), reg(t, e, PC))
}

func TestCloseFromHookRefused(t *testing.T) {
	e := newEngine(t, CPUA72, insnNOP)
	var closeErr error
	_, err := e.HookCode(1, 0, func(uint64, uint32) { closeErr = e.Close() })
	require.NoError(t, err)
	require.NoError(t, run(e, 1))
	assert.ErrorIs(t, closeErr, ErrArg)
}
