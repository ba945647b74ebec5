package arm64_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
)

// TestEncodeRoundTripBranch covers the branch, exception generating and
// system rows (one class). No op of the class has an ignored field: the
// rows fix the should-be-one Rt and op4 fields, so a word outside them
// does not decode.
func TestEncodeRoundTripBranch(t *testing.T) {
	checkEveryOpEncodes(t, arm64.ClassBranch)
	logCounts(t, checkRoundTrip(t, arm64.ClassBranch))
}

// TestEncodeBranchSystem encodes Inst values as an assembler builds them;
// the words are aarch64-linux-gnu-as output
// (-march=armv8.5-a+crc) for the source in the comment.
func TestEncodeBranchSystem(t *testing.T) {
	for _, tc := range []struct {
		in   arm64.Inst
		want uint32
		asm  string
	}{
		{arm64.Inst{Op: arm64.B, Imm: 0x100}, 0x14000040, "b .+0x100"},
		{arm64.Inst{Op: arm64.B, Imm: 0x7fffffc}, 0x15ffffff, "b .+0x7fffffc"},
		{arm64.Inst{Op: arm64.BL, Imm: -0x8000000}, 0x96000000, "bl .-0x8000000"},
		{arm64.Inst{Op: arm64.Bcond, Cond: arm64.NE, Imm: -4}, 0x54ffffe1, "b.ne .-4"},
		{arm64.Inst{Op: arm64.TBZ, Sf: true, Rt: 3, Imm2: 3, Imm: 8}, 0x36180043, "tbz x3, #3, .+8 (b5 = 0: prints as w3)"},
		{arm64.Inst{Op: arm64.TBZ, Sf: true, Rt: 3, Imm2: 40, Imm: 8}, 0xb6400043, "tbz x3, #40, .+8"},
		{arm64.Inst{Op: arm64.RET, Rn: 30}, 0xd65f03c0, "ret"},
		{arm64.Inst{Op: arm64.BRAA, Rn: 1, Rm: arm64.SP}, 0xd71f083f, "braa x1, sp"},
		{arm64.Inst{Op: arm64.SVC, Imm: 0}, 0xd4000001, "svc #0"},
		{arm64.Inst{Op: arm64.BRK, Imm: 6}, 0xd42000c0, "brk #0x6"},
		{arm64.Inst{Op: arm64.UDF, Imm: 0xffff}, 0x0000ffff, "udf #65535"},
		{arm64.Inst{Op: arm64.HINT, Imm2: 25}, 0xd503233f, "paciasp"},
		{arm64.Inst{Op: arm64.HINT, Imm2: 34}, 0xd503245f, "bti c"},
		{arm64.Inst{Op: arm64.DSB, Imm2: 11}, 0xd5033b9f, "dsb ish"},
		{arm64.Inst{Op: arm64.MSRimm, Imm2: arm64.PStatePAN, Imm: 1}, 0xd500419f, "msr pan, #1"},
		{arm64.Inst{Op: arm64.MSRimm, Imm2: arm64.PStateDAIFSet, Imm: 15}, 0xd5034fdf, "msr daifset, #0xf"},
		{arm64.Inst{Op: arm64.SYS, SysReg: arm64.MakeSysReg(1, 0, 7, 5, 0), Rt: arm64.ZR}, 0xd508751f, "ic iallu"},
		{arm64.Inst{Op: arm64.MRS, Rt: 0, SysReg: arm64.MakeSysReg(3, 0, 13, 0, 4)}, 0xd538d080, "mrs x0, tpidr_el1"},
		{arm64.Inst{Op: arm64.MSRreg, Rt: 1, SysReg: arm64.MakeSysReg(3, 0, 1, 0, 0)}, 0xd5181001, "msr sctlr_el1, x1"},
	} {
		got, err := arm64.Encode(tc.in)
		if assert.NoError(t, err, tc.asm) {
			assert.Equalf(t, tc.want, got, "%s: got %08x", tc.asm, got)
		}
	}
}

// TestEncodeBranchErrors: misaligned and out-of-range offsets, bad
// registers and immediates.
func TestEncodeBranchErrors(t *testing.T) {
	for _, tc := range []struct {
		in     arm64.Inst
		reason string
	}{
		{arm64.Inst{Op: arm64.B, Imm: 2}, "branch offset 0x2 is not a multiple of 4"},
		{arm64.Inst{Op: arm64.B, Imm: 0x8000000}, "branch offset 0x8000000 out of range -0x8000000..0x7fffffc"},
		{arm64.Inst{Op: arm64.BL, Imm: -0x8000004}, "branch offset -0x8000004 out of range -0x8000000..0x7fffffc"},
		{arm64.Inst{Op: arm64.Bcond, Imm: 0x100000}, "branch offset 0x100000 out of range -0x100000..0xffffc"},
		{arm64.Inst{Op: arm64.Bcond, Imm: -3}, "branch offset -0x3 is not a multiple of 4"},
		{arm64.Inst{Op: arm64.Bcond, Cond: 16}, "invalid condition 16"},
		{arm64.Inst{Op: arm64.CBZ, Sf: true, Rt: arm64.SP}, "register sp not allowed as Rt (x0-x30 or xzr)"},
		{arm64.Inst{Op: arm64.CBNZ, Imm: 0x100000}, "branch offset 0x100000 out of range -0x100000..0xffffc"},
		{arm64.Inst{Op: arm64.TBZ, Imm: 0x8000}, "branch offset 0x8000 out of range -0x8000..0x7ffc"},
		{arm64.Inst{Op: arm64.TBNZ, Imm: 6}, "branch offset 0x6 is not a multiple of 4"},
		{arm64.Inst{Op: arm64.TBZ, Imm2: 32}, "bit number 32 out of range 0..31 for a w register"},
		{arm64.Inst{Op: arm64.TBZ, Imm2: -1}, "bit number -1 out of range 0..31"},
		{arm64.Inst{Op: arm64.TBNZ, Sf: true, Imm2: 64}, "bit number 64 out of range 0..63"},
		{arm64.Inst{Op: arm64.BR, Rn: arm64.SP}, "register sp not allowed as Rn (x0-x30 or xzr)"},
		{arm64.Inst{Op: arm64.BLRAAZ, Rn: 33}, "invalid register number 33 as Rn"},
		{arm64.Inst{Op: arm64.BLRAB, Rn: 1, Rm: arm64.ZR}, "register xzr not allowed as Rm (x0-x30 or sp)"},
		{arm64.Inst{Op: arm64.SVC, Imm: 0x10000}, "immediate 65536 out of range 0..65535"},
		{arm64.Inst{Op: arm64.BRK, Imm: -1}, "immediate -1 out of range 0..65535"},
		{arm64.Inst{Op: arm64.UDF, Imm: 0x10000}, "immediate 65536 out of range 0..65535"},
		{arm64.Inst{Op: arm64.HINT, Imm2: 128}, "hint number 128 out of range 0..127"},
		{arm64.Inst{Op: arm64.DMB, Imm2: 16}, "immediate 16 out of range 0..15"},
		{arm64.Inst{Op: arm64.MSRimm, Imm2: arm64.PStateSPSel, Imm: 16}, "immediate 16 out of range 0..15"},
		{arm64.Inst{Op: arm64.MSRimm, Imm2: 0b001_000}, "PSTATE field op1:op2 = 010 not supported"},
		{arm64.Inst{Op: arm64.SYS, SysReg: arm64.MakeSysReg(3, 0, 7, 5, 0)}, "op0 = 3 not allowed for SYS (op0 = 1)"},
		{arm64.Inst{Op: arm64.SYSL, SysReg: arm64.MakeSysReg(0, 0, 7, 5, 0)}, "op0 = 0 not allowed for SYSL (op0 = 1)"},
		{arm64.Inst{Op: arm64.MRS, SysReg: arm64.MakeSysReg(1, 0, 7, 5, 0)}, "op0 = 1 not allowed for MRS (op0 = 2 or 3)"},
		{arm64.Inst{Op: arm64.MSRreg, Rt: arm64.SP, SysReg: arm64.MakeSysReg(3, 0, 1, 0, 0)}, "register sp not allowed as Rt (x0-x30 or xzr)"},
	} {
		checkEncodeError(t, tc.in, tc.reason)
	}
}

// TestEncodeKprobeConstructors checks the constructors against
// aarch64-linux-gnu-as output and against Encode.
func TestEncodeKprobeConstructors(t *testing.T) {
	assert.Equal(t, uint32(0xd4200080), arm64.EncodeBRK(4)) // brk #0x4
	assert.Equal(t, uint32(0xd42000c0), arm64.EncodeBRK(6)) // brk #0x6
	assert.Equal(t, uint32(0xd43fffe0), arm64.EncodeBRK(0xffff))
	assert.Equal(t, uint32(0xd503201f), arm64.EncodeNOP()) // nop
	for _, imm := range []uint16{0, 4, 6, 0x8000, 0xffff} {
		w, err := arm64.Encode(arm64.Inst{Op: arm64.BRK, Imm: int64(imm)})
		require.NoError(t, err)
		assert.Equal(t, w, arm64.EncodeBRK(imm))
	}
	nop, err := arm64.Decode(arm64.EncodeNOP())
	require.NoError(t, err)
	assert.Equal(t, arm64.HINT, nop.Op)
	assert.Equal(t, int64(arm64.HintNOP), nop.Imm2)

	for _, tc := range []struct {
		from, to uint64
		b, bl    uint32
	}{
		{0x1000, 0x1100, 0x14000040, 0x94000040},                         // b .+0x100, bl .+0x100
		{0x10000, 0xf000, 0x17fffc00, 0x97fffc00},                        // b .-0x1000
		{0x4000000, 0xbfffffc, 0x15ffffff, 0x95ffffff},                   // b .+0x7fffffc
		{0x8000000, 0, 0x16000000, 0x96000000},                           // b .-0x8000000
		{0xffffffffffffff00, 0x100, 0x14000080, 0x94000080},              // wraps: .+0x200
		{0x100, 0xffffffffffffff00, 0x17ffff80, 0x97ffff80},              // wraps: .-0x200
		{0xffff800008000000, 0xffff800008000000, 0x14000000, 0x94000000}, // b .
	} {
		b, err := arm64.EncodeB(tc.from, tc.to)
		if assert.NoError(t, err) {
			assert.Equalf(t, tc.b, b, "b from %#x to %#x: %08x", tc.from, tc.to, b)
		}
		bl, err := arm64.EncodeBL(tc.from, tc.to)
		if assert.NoError(t, err) {
			assert.Equalf(t, tc.bl, bl, "bl from %#x to %#x: %08x", tc.from, tc.to, bl)
		}
		// The decoder and PCTarget give the target back.
		in, err := arm64.Decode(b)
		require.NoError(t, err)
		target, ok := arm64.PCTarget(in, tc.from)
		assert.True(t, ok)
		assert.Equal(t, tc.to, target)
	}

	for _, tc := range []struct {
		from, to uint64
		reason   string
	}{
		{0x1000, 0x1002, "from 0x1000 to 0x1002: branch offset 0x2 is not a multiple of 4"},
		{0, 0x8000000, "from 0x0 to 0x8000000: branch offset 0x8000000 out of range -0x8000000..0x7fffffc"},
		{0x8000004, 0, "branch offset -0x8000004 out of range"},
		{0xffff800000000000, 0x400000, "out of range"},
	} {
		for _, enc := range []struct {
			op arm64.Op
			fn func(from, to uint64) (uint32, error)
		}{{arm64.B, arm64.EncodeB}, {arm64.BL, arm64.EncodeBL}} {
			w, err := enc.fn(tc.from, tc.to)
			var ee *arm64.EncodeError
			if assert.ErrorAs(t, err, &ee, "%v from %#x to %#x", enc.op, tc.from, tc.to) {
				assert.Equal(t, enc.op, ee.Op)
				assert.Contains(t, ee.Reason, tc.reason)
			}
			assert.Zero(t, w)
		}
	}
}

// A kprobe writes BRK over the probed instruction; the immediate tells
// the exception handler which of the kernel's BRK users it is.
func ExampleEncodeBRK() {
	const kprobesBRKImm = 0x004 // KPROBES_BRK_IMM in Linux arch/arm64/include/asm/brk-imm.h
	fmt.Printf("%08x\n", arm64.EncodeBRK(kprobesBRKImm))
	in, _ := arm64.Decode(arm64.EncodeBRK(kprobesBRKImm))
	fmt.Println(arm64.GNUSyntax(in))
	// Output:
	// d4200080
	// brk	#0x4
}

func ExampleEncodeNOP() {
	fmt.Printf("%08x\n", arm64.EncodeNOP())
	// Output:
	// d503201f
}

// A branch is encoded from its own address and its target's.
func ExampleEncodeB() {
	w, err := arm64.EncodeB(0xffff800010001000, 0xffff800010000f00)
	fmt.Printf("%08x %v\n", w, err)
	in, _ := arm64.Decode(w)
	fmt.Println(arm64.Disasm(in, 0xffff800010001000, nil))

	_, err = arm64.EncodeB(0x1000, 0x1002)
	fmt.Println(err)
	// Output:
	// 17ffffc0 <nil>
	// b	0xffff800010000f00
	// cannot encode B: from 0x1000 to 0x1002: branch offset 0x2 is not a multiple of 4
}

func ExampleEncodeBL() {
	w, err := arm64.EncodeBL(0x400000, 0x400100)
	fmt.Printf("%08x %v\n", w, err)

	_, err = arm64.EncodeBL(0x400000, 0x8400000)
	fmt.Println(err)
	// Output:
	// 94000040 <nil>
	// cannot encode BL: from 0x400000 to 0x8400000: branch offset 0x8000000 out of range -0x8000000..0x7fffffc
}
