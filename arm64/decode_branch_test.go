package arm64

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeBranchSystem decodes one word of each row of the branch,
// exception generating and system class. The words were assembled with
// aarch64-linux-gnu-as (-march=armv8.5-a+sb+ssbs+memtag+predres) from the
// source in the second column; the third column is what
// aarch64-linux-gnu-objdump -d prints for the word, except that PC-relative
// targets are written relative to the instruction (".+0x10"), since
// GNUSyntax does not know the instruction's address.
func TestDecodeBranchSystem(t *testing.T) {
	tests := []struct {
		word uint32
		asm  string
		gnu  string
		want Inst
	}{
		{0x14000004, "b .+0x10", "b\t.+0x10", Inst{Op: B, Imm: 0x10}},
		{0x17fffffe, "b .-0x8", "b\t.-0x8", Inst{Op: B, Imm: -8}},
		{0x95ffffff, "bl .+0x7fffffc", "bl\t.+0x7fffffc", Inst{Op: BL, Imm: 0x7fffffc}},
		{0x54ffffe1, "b.ne .-0x4", "b.ne\t.-0x4  // b.any", Inst{Op: Bcond, Cond: NE, Imm: -4}},
		{0x5400080e, "b.al .+0x100", "b.al\t.+0x100", Inst{Op: Bcond, Cond: AL, Imm: 0x100}},
		{0x34000103, "cbz w3, .+0x20", "cbz\tw3, .+0x20", Inst{Op: CBZ, Rt: R(3), Imm: 0x20}},
		{0xb580001e, "cbnz x30, .-0x100000", "cbnz\tx30, .-0x100000", Inst{Op: CBNZ, Rt: R(30), Sf: true, Imm: -0x100000}},
		{0x36f80040, "tbz w0, #31, .+0x8", "tbz\tw0, #31, .+0x8", Inst{Op: TBZ, Rt: R(0), Imm2: 31, Imm: 8}},
		{0xb7fc0005, "tbnz x5, #63, .-0x8000", "tbnz\tx5, #63, .-0x8000", Inst{Op: TBNZ, Rt: R(5), Sf: true, Imm2: 63, Imm: -0x8000}},
		{0xb600003f, "tbz xzr, #32, .+4", "tbz\txzr, #32, .+0x4", Inst{Op: TBZ, Rt: ZR, Sf: true, Imm2: 32, Imm: 4}},
		{0xd61f0020, "br x1", "br\tx1", Inst{Op: BR, Rn: R(1)}},
		{0xd63f03c0, "blr x30", "blr\tx30", Inst{Op: BLR, Rn: R(30)}},
		{0xd65f03c0, "ret", "ret", Inst{Op: RET, Rn: R(30)}},
		{0xd65f0040, "ret x2", "ret\tx2", Inst{Op: RET, Rn: R(2)}},
		{0xd61f03e0, "br xzr", "br\txzr", Inst{Op: BR, Rn: ZR}},
		{0xd71f0822, "braa x1, x2", "braa\tx1, x2", Inst{Op: BRAA, Rn: R(1), Rm: R(2)}},
		{0xd71f0c7f, "brab x3, sp", "brab\tx3, sp", Inst{Op: BRAB, Rn: R(3), Rm: SP}},
		{0xd73f0885, "blraa x4, x5", "blraa\tx4, x5", Inst{Op: BLRAA, Rn: R(4), Rm: R(5)}},
		{0xd73f0cc7, "blrab x6, x7", "blrab\tx6, x7", Inst{Op: BLRAB, Rn: R(6), Rm: R(7)}},
		{0xd61f091f, "braaz x8", "braaz\tx8", Inst{Op: BRAAZ, Rn: R(8)}},
		{0xd61f0d3f, "brabz x9", "brabz\tx9", Inst{Op: BRABZ, Rn: R(9)}},
		{0xd63f095f, "blraaz x10", "blraaz\tx10", Inst{Op: BLRAAZ, Rn: R(10)}},
		{0xd63f0d7f, "blrabz x11", "blrabz\tx11", Inst{Op: BLRABZ, Rn: R(11)}},
		{0xd65f0bff, "retaa", "retaa", Inst{Op: RETAA}},
		{0xd65f0fff, "retab", "retab", Inst{Op: RETAB}},
		{0xd69f03e0, "eret", "eret", Inst{Op: ERET}},
		{0xd69f0bff, "eretaa", "eretaa", Inst{Op: ERETAA}},
		{0xd69f0fff, "eretab", "eretab", Inst{Op: ERETAB}},
		{0xd6bf03e0, "drps", "drps", Inst{Op: DRPS}},
		{0xd4000001, "svc #0", "svc\t#0x0", Inst{Op: SVC, Imm: 0}},
		{0xd41fffe1, "svc #0xffff", "svc\t#0xffff", Inst{Op: SVC, Imm: 0xffff}},
		{0xd4000022, "hvc #1", "hvc\t#0x1", Inst{Op: HVC, Imm: 1}},
		{0xd4000043, "smc #2", "smc\t#0x2", Inst{Op: SMC, Imm: 2}},
		{0xd4200080, "brk #0x4", "brk\t#0x4", Inst{Op: BRK, Imm: 4}},
		{0xd4207d00, "brk #0x3e8", "brk\t#0x3e8", Inst{Op: BRK, Imm: 0x3e8}},
		{0xd45e0000, "hlt #0xf000", "hlt\t#0xf000", Inst{Op: HLT, Imm: 0xf000}},
		{0xd4a00001, "dcps1", "dcps1", Inst{Op: DCPS1, Imm: 0}},
		{0xd4a000a2, "dcps2 #5", "dcps2\t#0x5", Inst{Op: DCPS2, Imm: 5}},
		{0xd4a00003, "dcps3", "dcps3", Inst{Op: DCPS3, Imm: 0}},
		{0x00000000, "udf #0", "udf\t#0", Inst{Op: UDF, Imm: 0}},
		{0x00001234, "udf #4660", "udf\t#4660", Inst{Op: UDF, Imm: 0x1234}},
		{0xd503201f, "nop", "nop", Inst{Op: HINT, Imm2: 0}},
		{0xd503203f, "yield", "yield", Inst{Op: HINT, Imm2: 1}},
		{0xd503205f, "wfe", "wfe", Inst{Op: HINT, Imm2: 2}},
		{0xd503207f, "wfi", "wfi", Inst{Op: HINT, Imm2: 3}},
		{0xd503209f, "sev", "sev", Inst{Op: HINT, Imm2: 4}},
		{0xd50320bf, "sevl", "sevl", Inst{Op: HINT, Imm2: 5}},
		{0xd50320df, "hint #6", "hint\t#0x6", Inst{Op: HINT, Imm2: 6}},
		{0xd50320ff, "xpaclri", "xpaclri", Inst{Op: HINT, Imm2: 7}},
		{0xd503233f, "paciasp", "paciasp", Inst{Op: HINT, Imm2: 25}},
		{0xd50323bf, "autiasp", "autiasp", Inst{Op: HINT, Imm2: 29}},
		{0xd503237f, "pacibsp", "pacibsp", Inst{Op: HINT, Imm2: 27}},
		{0xd503245f, "bti c", "bti\tc", Inst{Op: HINT, Imm2: 34}},
		{0xd503249f, "bti j", "bti\tj", Inst{Op: HINT, Imm2: 36}},
		{0xd50324df, "bti jc", "bti\tjc", Inst{Op: HINT, Imm2: 38}},
		{0xd503241f, "bti", "bti", Inst{Op: HINT, Imm2: 32}},
		{0xd503229f, "csdb", "csdb", Inst{Op: HINT, Imm2: 20}},
		{0xd503221f, "esb", "esb", Inst{Op: HINT, Imm2: 16}},
		{0xd503223f, "psb csync", "psb\tcsync", Inst{Op: HINT, Imm2: 17}},
		{0xd503255f, "hint #0x2a", "hint\t#0x2a", Inst{Op: HINT, Imm2: 42}},
		{0xd5032fff, "hint #0x7f", "hint\t#0x7f", Inst{Op: HINT, Imm2: 127}},
		{0xd5033f5f, "clrex", "clrex", Inst{Op: CLREX, Imm2: 15}},
		{0xd503315f, "clrex #1", "clrex\t#0x1", Inst{Op: CLREX, Imm2: 1}},
		{0xd5033f9f, "dsb sy", "dsb\tsy", Inst{Op: DSB, Imm2: 15}},
		{0xd5033b9f, "dsb ish", "dsb\tish", Inst{Op: DSB, Imm2: 11}},
		{0xd503389f, "dsb #0x8", "dsb\t#0x08", Inst{Op: DSB, Imm2: 8}},
		{0xd503309f, "ssbb", "ssbb", Inst{Op: DSB, Imm2: 0}},
		{0xd503349f, "pssbb", "pssbb", Inst{Op: DSB, Imm2: 4}},
		{0xd50339bf, "dmb ishld", "dmb\tishld", Inst{Op: DMB, Imm2: 9}},
		{0xd50330bf, "dmb #0", "dmb\t#0x00", Inst{Op: DMB, Imm2: 0}},
		{0xd5033fdf, "isb", "isb", Inst{Op: ISB, Imm2: 15}},
		{0xd50331df, "isb #1", "isb\t#0x1", Inst{Op: ISB, Imm2: 1}},
		{0xd50330ff, "sb", "sb", Inst{Op: SB}},
		{0xd50041bf, "msr spsel, #1", "msr\tspsel, #0x1", Inst{Op: MSRimm, Imm: 1, Imm2: PStateSPSel}},
		{0xd50342df, "msr daifset, #2", "msr\tdaifset, #0x2", Inst{Op: MSRimm, Imm: 2, Imm2: PStateDAIFSet}},
		{0xd5034fff, "msr daifclr, #0xf", "msr\tdaifclr, #0xf", Inst{Op: MSRimm, Imm: 0xf, Imm2: PStateDAIFClr}},
		{0xd500419f, "msr pan, #1", "msr\tpan, #0x1", Inst{Op: MSRimm, Imm: 1, Imm2: PStatePAN}},
		{0xd500407f, "msr uao, #0", "msr\tuao, #0x0", Inst{Op: MSRimm, Imm: 0, Imm2: PStateUAO}},
		{0xd503413f, "msr ssbs, #1", "msr\tssbs, #0x1", Inst{Op: MSRimm, Imm: 1, Imm2: PStateSSBS}},
		{0xd503415f, "msr dit, #1", "msr\tdit, #0x1", Inst{Op: MSRimm, Imm: 1, Imm2: PStateDIT}},
		{0xd50b7420, "dc zva, x0", "dc\tzva, x0", Inst{Op: SYS, SysReg: MakeSysReg(1, 3, 7, 4, 1), Rt: R(0)}},
		{0xd50b7e21, "dc civac, x1", "dc\tcivac, x1", Inst{Op: SYS, SysReg: MakeSysReg(1, 3, 7, 14, 1), Rt: R(1)}},
		{0xd50b7b22, "dc cvau, x2", "dc\tcvau, x2", Inst{Op: SYS, SysReg: MakeSysReg(1, 3, 7, 11, 1), Rt: R(2)}},
		{0xd50b7a23, "dc cvac, x3", "dc\tcvac, x3", Inst{Op: SYS, SysReg: MakeSysReg(1, 3, 7, 10, 1), Rt: R(3)}},
		{0xd5087624, "dc ivac, x4", "dc\tivac, x4", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 7, 6, 1), Rt: R(4)}},
		{0xd50b7c25, "dc cvap, x5", "dc\tcvap, x5", Inst{Op: SYS, SysReg: MakeSysReg(1, 3, 7, 12, 1), Rt: R(5)}},
		{0xd5087646, "dc isw, x6", "dc\tisw, x6", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 7, 6, 2), Rt: R(6)}},
		{0xd50b7527, "ic ivau, x7", "ic\tivau, x7", Inst{Op: SYS, SysReg: MakeSysReg(1, 3, 7, 5, 1), Rt: R(7)}},
		{0xd508751f, "ic iallu", "ic\tiallu", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 7, 5, 0), Rt: ZR}},
		{0xd508711f, "ic ialluis", "ic\tialluis", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 7, 1, 0), Rt: ZR}},
		{0xd508831f, "tlbi vmalle1is", "tlbi\tvmalle1is", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 8, 3, 0), Rt: ZR}},
		{0xd5088728, "tlbi vae1, x8", "tlbi\tvae1, x8", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 8, 7, 1), Rt: R(8)}},
		{0xd50883a9, "tlbi vale1is, x9", "tlbi\tvale1is, x9", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 8, 3, 5), Rt: R(9)}},
		{0xd508780a, "at s1e1r, x10", "at\ts1e1r, x10", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 7, 8, 0), Rt: R(10)}},
		{0xd508786b, "at s1e0w, x11", "at\ts1e0w, x11", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 7, 8, 3), Rt: R(11)}},
		{0xd508f20c, "sys #0, c15, c2, #0, x12", "sys\t#0, C15, C2, #0, x12", Inst{Op: SYS, SysReg: MakeSysReg(1, 0, 15, 2, 0), Rt: R(12)}},
		{0xd528f20d, "sysl x13, #0, c15, c2, #0", "sysl\tx13, #0, C15, C2, #0", Inst{Op: SYSL, Rt: R(13), SysReg: MakeSysReg(1, 0, 15, 2, 0)}},
		{0xd5380000, "mrs x0, midr_el1", "mrs\tx0, midr_el1", Inst{Op: MRS, Rt: R(0), SysReg: MakeSysReg(3, 0, 0, 0, 0)}},
		{0xd5384241, "mrs x1, currentel", "mrs\tx1, currentel", Inst{Op: MRS, Rt: R(1), SysReg: MakeSysReg(3, 0, 4, 2, 2)}},
		{0xd53be042, "mrs x2, cntvct_el0", "mrs\tx2, cntvct_el0", Inst{Op: MRS, Rt: R(2), SysReg: MakeSysReg(3, 3, 14, 0, 2)}},
		{0xd53b4223, "mrs x3, daif", "mrs\tx3, daif", Inst{Op: MRS, Rt: R(3), SysReg: MakeSysReg(3, 3, 4, 2, 1)}},
		{0xd51b4224, "msr daif, x4", "msr\tdaif, x4", Inst{Op: MSRreg, Rt: R(4), SysReg: MakeSysReg(3, 3, 4, 2, 1)}},
		{0xd51b421f, "msr nzcv, xzr", "msr\tnzcv, xzr", Inst{Op: MSRreg, Rt: ZR, SysReg: MakeSysReg(3, 3, 4, 2, 0)}},
		{0xd5100245, "msr mdscr_el1, x5", "msr\tmdscr_el1, x5", Inst{Op: MSRreg, Rt: R(5), SysReg: MakeSysReg(2, 0, 0, 2, 2)}},
		{0xd538f206, "mrs x6, s3_0_c15_c2_0", "mrs\tx6, s3_0_c15_c2_0", Inst{Op: MRS, Rt: R(6), SysReg: MakeSysReg(3, 0, 15, 2, 0)}},
		{0xd519f227, "msr s3_1_c15_c2_1, x7", "msr\ts3_1_c15_c2_1, x7", Inst{Op: MSRreg, Rt: R(7), SysReg: MakeSysReg(3, 1, 15, 2, 1)}},
		{0xd53bd048, "mrs x8, tpidr_el0", "mrs\tx8, tpidr_el0", Inst{Op: MRS, Rt: R(8), SysReg: MakeSysReg(3, 3, 13, 0, 2)}},
		{0xd518c009, "msr vbar_el1, x9", "msr\tvbar_el1, x9", Inst{Op: MSRreg, Rt: R(9), SysReg: MakeSysReg(3, 0, 12, 0, 0)}},
	}
	seen := map[Op]bool{}
	for _, tt := range tests {
		t.Run(tt.asm, func(t *testing.T) {
			got, err := Decode(tt.word)
			require.NoError(t, err)
			tt.want.Word = tt.word
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.gnu, GNUSyntax(got))
			assert.Equal(t, ClassBranch, got.Op.Class())
		})
		seen[tt.want.Op] = true
	}
	// Every op of the class has a row above.
	for _, op := range Ops() {
		if op.Class() == ClassBranch {
			assert.True(t, seen[op], "no decode test for %v", op)
		}
	}
}

// TestDecodeBranchSystemUnallocated checks encodings of the class that
// kpemu leaves undecoded (features it does not model, reserved values):
// they must be an *UndefinedError, never a wrong instruction.
func TestDecodeBranchSystemUnallocated(t *testing.T) {
	for _, tt := range []struct {
		word uint32
		what string
	}{
		{0x54000010, "bc.eq .+0 (FEAT_HBC)"},
		{0x55000000, "conditional branch with o1 = 1"},
		{0xd500401f, "cfinv (FEAT_FlagM)"},
		{0xd500403f, "xaflag (FEAT_FlagM2)"},
		{0xd500405f, "axflag (FEAT_FlagM2)"},
		{0xd503409f, "msr tco, #0 (FEAT_MTE)"},
		{0xd503427f, "smstart (msr svcrsm, FEAT_SME)"},
		{0xd501401f, "msr allint, #0 (FEAT_NMI)"},
		{0xd503323f, "dsb oshnxs (FEAT_XS)"},
		{0xd503307f, "tcommit (FEAT_TME)"},
		{0xd5031000, "wfet x0 (FEAT_WFxT)"},
		{0xd4600000, "tcancel #0 (FEAT_TME)"},
		{0xd4200001, "exception generation opc 001 with LL 01"},
		{0xd4000000, "exception generation opc 000 with LL 00"},
		{0xd4800000, "exception generation opc 100"},
		{0xd4000004, "exception generation with op2 != 0"},
		{0xd5001000, "system instruction space op0 = 0, CRn = 1"},
		{0xd61f0001, "br with op4 != 0"},
		{0xd61f0400, "unconditional branch (register) with op3 = 000001"},
		{0xd69f0000, "eret with Rn != 31"},
		{0xd6ff03e0, "unconditional branch (register) opc 0111"},
	} {
		in, err := Decode(tt.word)
		var ue *UndefinedError
		if assert.ErrorAs(t, err, &ue, "%s (%#08x) decoded as %v", tt.what, tt.word, in.Op) {
			assert.Equal(t, tt.word, ue.Word)
			assert.Equal(t, ClassBranch, ue.Class, tt.what)
		}
	}
}

// TestDecodeBranchSystemRandom decodes random words of the class: none may
// panic, every word that decodes prints with our own printer (arm64asm
// does not know most of the class), and the fields are in range.
func TestDecodeBranchSystemRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	decoded := 0
	for i := 0; i < 100000; i++ {
		w := r.Uint32()&^(7<<26) | 5<<26 // op0 = x101: the class
		if i%16 == 0 {
			w = 0xd5000000 | r.Uint32()&0x3fffff // the system instruction space
		}
		in, err := Decode(w)
		if err != nil {
			continue
		}
		decoded++
		require.Equal(t, ClassBranch, in.Op.Class(), "%#08x", w)
		s := GNUSyntax(in)
		require.NotContains(t, s, ".inst", "%#08x %v", w, in.Op)
		require.False(t, strings.HasPrefix(s, " "), "%#08x", w)
		require.LessOrEqual(t, in.Rt, SP)
		require.LessOrEqual(t, in.Rn, SP)
	}
	assert.Greater(t, decoded, 5000)
}

func TestSysRegNames(t *testing.T) {
	for s, name := range sysRegNames {
		got, ok := LookupSysReg(name)
		require.True(t, ok, name)
		assert.Equal(t, s, got, name)
		got, ok = LookupSysReg(strings.ToLower(name))
		require.True(t, ok, name)
		assert.Equal(t, s, got, name)
		assert.Equal(t, name, SysRegName(s))
	}
	assert.Equal(t, "MIDR_EL1", SysRegName(MakeSysReg(3, 0, 0, 0, 0)))
	assert.Equal(t, "CurrentEL", SysRegName(MakeSysReg(3, 0, 4, 2, 2)))
	assert.Equal(t, "DBGBCR15_EL1", SysRegName(MakeSysReg(2, 0, 0, 15, 5)))
	assert.Equal(t, "PMEVTYPER30_EL0", SysRegName(MakeSysReg(3, 3, 14, 15, 6)))
	assert.Equal(t, "S3_0_C15_C2_0", SysRegName(MakeSysReg(3, 0, 15, 2, 0)))

	s, ok := LookupSysReg("s3_0_c15_c2_0")
	require.True(t, ok)
	assert.Equal(t, MakeSysReg(3, 0, 15, 2, 0), s)
	s, ok = LookupSysReg("S3_3_C4_C2_1") // a named register by its generic name
	require.True(t, ok)
	assert.Equal(t, MakeSysReg(3, 3, 4, 2, 1), s)
	for _, bad := range []string{"", "x0", "s1_0_c7_c5_0", "s3_8_c0_c0_0", "s3_0_c16_c0_0",
		"s3_0_c0_c0_8", "s3_0_c0_c0_0x", "s3_0_c00_c0_0", "midr_el2"} {
		_, ok := LookupSysReg(bad)
		assert.False(t, ok, bad)
	}
}

func TestSysOpName(t *testing.T) {
	assert.Equal(t, "dc zva", SysOpName(MakeSysReg(1, 3, 7, 4, 1)))
	assert.Equal(t, "ic ivau", SysOpName(MakeSysReg(1, 3, 7, 5, 1)))
	assert.Equal(t, "tlbi vmalle1is", SysOpName(MakeSysReg(1, 0, 8, 3, 0)))
	assert.Equal(t, "", SysOpName(MakeSysReg(1, 0, 15, 2, 0)))
}
