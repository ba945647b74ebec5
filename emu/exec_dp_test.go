package emu

import (
	"context"
	"errors"
	"math/big"
	"math/rand"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dpRegs gives register values: X0..X30 by number, and arm64.SP.
type dpRegs map[arm64.Reg]uint64

// dpKeep as the expected flags means "the flags are not changed".
const dpKeep = ^uint64(0)

// dpSP is SP as newTestMachine sets it.
const dpSP = testStack + testArea

// dpMarker is the value of a register a test does not set, so that a write
// to the wrong register shows.
func dpMarker(r int) uint64 { return 0x5a5a_0000_0000_0000 | uint64(r)<<8 | uint64(r) }

type dpCase struct {
	name  string // the assembly (words verified with aarch64-linux-gnu-as)
	words []uint32
	regs  dpRegs // initial values of the registers the case uses
	nzcv  uint64 // initial flags
	want  dpRegs // registers that change
	flags uint64 // expected flags, or dpKeep
}

func dpWords(ws ...uint32) []uint32 { return ws }

// dpNeg is -v in two's complement (a constant -uint64(v) does not compile).
func dpNeg(v uint64) uint64 { return -v }

// The cases were checked by hand against the Arm ARM pseudocode.
var dpCases = []dpCase{
	// ADD/SUB (immediate): wraparound at both widths, SP as operand.
	{"add x0, x1, #1 wraps", dpWords(0x91000420), dpRegs{1: ^uint64(0)}, PSR_N | PSR_C, dpRegs{0: 0}, dpKeep},
	{"add w0, w1, #1 wraps in 32 bits", dpWords(0x11000420), dpRegs{1: 0x1_ffff_ffff}, 0, dpRegs{0: 0}, dpKeep},
	{"add w2, wsp, #4095 (low word of SP 0x30010000)", dpWords(0x113fffe2), nil, 0, dpRegs{2: 0x3001_0fff}, dpKeep},
	{"add sp, sp, #0x10", dpWords(0x910043ff), nil, 0, dpRegs{arm64.SP: dpSP + 0x10}, dpKeep},
	{"sub sp, sp, #0x20", dpWords(0xd10083ff), nil, 0, dpRegs{arm64.SP: dpSP - 0x20}, dpKeep},
	{"mov x29, sp", dpWords(0x910003fd), nil, 0, dpRegs{29: dpSP}, dpKeep},
	{"add x3, x4, #1, lsl #12", dpWords(0x91400483), dpRegs{4: 0x10}, 0, dpRegs{3: 0x1010}, dpKeep},
	{"sub w0, w1, #1 borrows in 32 bits", dpWords(0x51000420), dpRegs{1: 0xffff_ffff_0000_0000}, 0, dpRegs{0: 0xffff_ffff}, dpKeep},

	// ADDS/SUBS (immediate): the four flags.
	{"adds x0, x1, #1 overflows", dpWords(0xb1000420), dpRegs{1: 0x7fff_ffff_ffff_ffff}, 0, dpRegs{0: 1 << 63}, PSR_N | PSR_V},
	{"adds x0, x1, #1 carries to zero", dpWords(0xb1000420), dpRegs{1: ^uint64(0)}, 0, dpRegs{0: 0}, PSR_Z | PSR_C},
	{"adds w0, w1, #1 overflows in 32 bits", dpWords(0x31000420), dpRegs{1: 0xffff_ffff_7fff_ffff}, 0, dpRegs{0: 0x8000_0000}, PSR_N | PSR_V},
	{"adds w0, w1, #1 carries in 32 bits", dpWords(0x31000420), dpRegs{1: 0x1234_5678_ffff_ffff}, 0, dpRegs{0: 0}, PSR_Z | PSR_C},
	{"subs x1, x1, #1 to zero", dpWords(0xf1000421), dpRegs{1: 1}, PSR_N, dpRegs{1: 0}, PSR_Z | PSR_C},
	{"subs x1, x1, #1 borrows", dpWords(0xf1000421), dpRegs{1: 0}, 0, dpRegs{1: ^uint64(0)}, PSR_N},
	{"subs w1, w1, #1 borrows in 32 bits", dpWords(0x71000421), dpRegs{1: 0x1_0000_0000}, 0, dpRegs{1: 0xffff_ffff}, PSR_N},
	{"subs x0, x1, #1 overflows", dpWords(0xf1000420), dpRegs{1: 1 << 63}, 0, dpRegs{0: 0x7fff_ffff_ffff_ffff}, PSR_C | PSR_V},
	{"cmp x2, #0x3, lsl #12", dpWords(0xf1400c5f), dpRegs{2: 0x3000}, 0, nil, PSR_Z | PSR_C},
	{"cmn w1, #3", dpWords(0x31000c3f), dpRegs{1: 0xffff_fffd}, 0, nil, PSR_Z | PSR_C},
	{"adds x0, sp, #8", dpWords(0xb10023e0), nil, PSR_Z, dpRegs{0: dpSP + 8}, PSR_N},

	// Logical (immediate).
	{"and sp, x2, #0xfffffffffffffff0", dpWords(0x927cec5f), dpRegs{2: 0xffff_8000_2000_123f}, 0, dpRegs{arm64.SP: 0xffff_8000_2000_1230}, dpKeep},
	{"orr w0, wzr, #0x55555555", dpWords(0x3200f3e0), nil, 0, dpRegs{0: 0x5555_5555}, dpKeep},
	{"orr x0, x1, #0xff00", dpWords(0xb2781c20), dpRegs{1: 0x1_0000_00ff}, 0, dpRegs{0: 0x1_0000_ffff}, dpKeep},
	{"eor x3, x4, #0x8000000000000001", dpWords(0xd2410483), dpRegs{4: 1 << 63}, 0, dpRegs{3: 1}, dpKeep},
	{"eor w3, w4, #0xff clears the upper half", dpWords(0x52001c83), dpRegs{4: 0xffff_ffff_0000_00f0}, 0, dpRegs{3: 0x0f}, dpKeep},
	{"ands w5, w6, #0x1 clears C and V", dpWords(0x720000c5), dpRegs{6: 0xffff_ffff_ffff_fffe}, PSR_C | PSR_V, dpRegs{5: 0}, PSR_Z},
	{"tst x7, #0x8000000000000001", dpWords(0xf24104ff), dpRegs{7: 1 << 63}, PSR_Z | PSR_C | PSR_V, nil, PSR_N},

	// Move wide.
	{"movn x0, #0x12, lsl #16", dpWords(0x92a00240), nil, 0, dpRegs{0: 0xffff_ffff_ffed_ffff}, dpKeep},
	{"mov w1, #-1", dpWords(0x12800001), nil, 0, dpRegs{1: 0xffff_ffff}, dpKeep},
	{"movn w0, #0x1, lsl #16", dpWords(0x12a00020), nil, 0, dpRegs{0: 0xfffe_ffff}, dpKeep},
	{"movz x2, #0xbeef, lsl #48", dpWords(0xd2f7dde2), nil, 0, dpRegs{2: 0xbeef_0000_0000_0000}, dpKeep},
	{"movk x4, #0xcafe, lsl #32 keeps the rest", dpWords(0xf2d95fc4), dpRegs{4: 0x1111_2222_3333_4444}, 0, dpRegs{4: 0x1111_cafe_3333_4444}, dpKeep},
	{"movk w5, #0x1234 clears the upper half", dpWords(0x72824685), dpRegs{5: 0xffff_ffff_aaaa_bbbb}, 0, dpRegs{5: 0xaaaa_1234}, dpKeep},

	// Bitfield moves through their aliases, shifts by 0 and width-1.
	{"sbfx x0, x1, #3, #8", dpWords(0x93432820), dpRegs{1: 0x400}, 0, dpRegs{0: 0xffff_ffff_ffff_ff80}, dpKeep},
	{"asr w2, w3, #5", dpWords(0x13057c62), dpRegs{3: 0x8000_0000}, 0, dpRegs{2: 0xfc00_0000}, dpKeep},
	{"sxtw x4, w5", dpWords(0x93407ca4), dpRegs{5: 0x1234_5678_8765_4321}, 0, dpRegs{4: 0xffff_ffff_8765_4321}, dpKeep},
	{"bfi x6, x7, #4, #4", dpWords(0xb37c0ce6), dpRegs{6: ^uint64(0), 7: 0x5}, 0, dpRegs{6: 0xffff_ffff_ffff_ff5f}, dpKeep},
	{"bfi w8, w9, #4, #8", dpWords(0x331c1d28), dpRegs{8: 0xaaaa_aaaa_ffff_ffff, 9: 0x12}, 0, dpRegs{8: 0xffff_f12f}, dpKeep},
	{"bfxil x10, x11, #2, #5", dpWords(0xb342196a), dpRegs{10: 0xff00, 11: 0x7c}, 0, dpRegs{10: 0xff1f}, dpKeep},
	{"bfc x12, #8, #4", dpWords(0xb3780fec), dpRegs{12: ^uint64(0)}, 0, dpRegs{12: 0xffff_ffff_ffff_f0ff}, dpKeep},
	{"lsl w13, w14, #1", dpWords(0x531f79cd), dpRegs{14: 0x1_c000_0001}, 0, dpRegs{13: 0x8000_0002}, dpKeep},
	{"lsl x15, x16, #7", dpWords(0xd379e20f), dpRegs{16: 0x0300_0000_0000_0001}, 0, dpRegs{15: 0x8000_0000_0000_0080}, dpKeep},
	{"lsr w17, w18, #9", dpWords(0x53097e51), dpRegs{18: 0xffff_ffff_8000_0000}, 0, dpRegs{17: 0x40_0000}, dpKeep},
	{"ubfx x19, x20, #4, #16", dpWords(0xd3444e93), dpRegs{20: 0x1_2345_6789}, 0, dpRegs{19: 0x5678}, dpKeep},
	{"uxtb w21, w22", dpWords(0x53001ed5), dpRegs{22: 0xfff}, 0, dpRegs{21: 0xff}, dpKeep},
	{"lsr x0, x1, #0", dpWords(0xd340fc20), dpRegs{1: 0x8123_4567_89ab_cdef}, 0, dpRegs{0: 0x8123_4567_89ab_cdef}, dpKeep},
	{"lsl x0, x1, #63", dpWords(0xd3410020), dpRegs{1: 3}, 0, dpRegs{0: 1 << 63}, dpKeep},
	{"lsr x0, x1, #63", dpWords(0xd37ffc20), dpRegs{1: 1 << 63}, 0, dpRegs{0: 1}, dpKeep},
	{"asr x0, x1, #63", dpWords(0x937ffc20), dpRegs{1: 1 << 63}, 0, dpRegs{0: ^uint64(0)}, dpKeep},
	{"asr w0, w1, #0", dpWords(0x13007c20), dpRegs{1: 0xffff_ffff_8000_0000}, 0, dpRegs{0: 0x8000_0000}, dpKeep},
	{"asr w0, w1, #31", dpWords(0x131f7c20), dpRegs{1: 0x8000_0000}, 0, dpRegs{0: 0xffff_ffff}, dpKeep},
	{"sbfiz x0, x1, #8, #4", dpWords(0x93780c20), dpRegs{1: 0x8}, 0, dpRegs{0: 0xffff_ffff_ffff_f800}, dpKeep},
	{"ubfiz w0, w1, #28, #4", dpWords(0x53040c20), dpRegs{1: 0xfff}, 0, dpRegs{0: 0xf000_0000}, dpKeep},

	// EXTR.
	{"extr x0, x1, x2, #17", dpWords(0x93c24420), dpRegs{1: 1, 2: 0}, 0, dpRegs{0: 1 << 47}, dpKeep},
	{"ror w3, w4, #31", dpWords(0x13847c83), dpRegs{4: 0xffff_ffff_0000_0001}, 0, dpRegs{3: 2}, dpKeep},
	{"extr x0, x1, x2, #0", dpWords(0x93c20020), dpRegs{1: ^uint64(0), 2: 0x1234}, 0, dpRegs{0: 0x1234}, dpKeep},
	{"extr w0, w1, w2, #8", dpWords(0x13822020), dpRegs{1: 0xab, 2: 0x1234_5678}, 0, dpRegs{0: 0xab12_3456}, dpKeep},

	// Logical (shifted register), all shift types.
	{"and x0, x1, x2, lsl #3", dpWords(0x8a020c20), dpRegs{1: ^uint64(0), 2: 1}, 0, dpRegs{0: 8}, dpKeep},
	{"bic w3, w4, w5, ror #31", dpWords(0x0ae57c83), dpRegs{4: 0xffff_ffff, 5: 0x8000_0000}, 0, dpRegs{3: 0xffff_fffe}, dpKeep},
	{"mov x6, x7", dpWords(0xaa0703e6), dpRegs{7: 0x8123_4567_89ab_cdef}, 0, dpRegs{6: 0x8123_4567_89ab_cdef}, dpKeep},
	{"mov w8, w9", dpWords(0x2a0903e8), dpRegs{9: 0xffff_ffff_1234_5678}, 0, dpRegs{8: 0x1234_5678}, dpKeep},
	{"orn x10, x11, x12, asr #63", dpWords(0xaaacfd6a), dpRegs{11: 0, 12: 1 << 62}, 0, dpRegs{10: ^uint64(0)}, dpKeep},
	{"mvn w13, w14", dpWords(0x2a2e03ed), dpRegs{14: 0x0f0f_0f0f}, 0, dpRegs{13: 0xf0f0_f0f0}, dpKeep},
	{"eor x15, x16, x17, lsr #1", dpWords(0xca51060f), dpRegs{16: 0xff, 17: 2}, 0, dpRegs{15: 0xfe}, dpKeep},
	{"eon w18, w19, w20", dpWords(0x4a340272), dpRegs{19: 0, 20: 0xffff_0000}, 0, dpRegs{18: 0xffff}, dpKeep},
	{"ands x21, x22, x23", dpWords(0xea1702d5), dpRegs{22: 1<<63 | 1, 23: 1 << 63}, PSR_C | PSR_V, dpRegs{21: 1 << 63}, PSR_N},
	{"tst w24, w25, lsl #2 ignores the upper half", dpWords(0x6a190b1f), dpRegs{24: 0xffff_ffff_7fff_ffff, 25: 0x2000_0000}, 0, nil, PSR_Z},
	{"bics x26, x27, x28, lsr #60", dpWords(0xea7cf37a), dpRegs{27: 0xf, 28: 0xf << 60}, PSR_N, dpRegs{26: 0}, PSR_Z},
	{"orr x0, xzr, x1, ror #4", dpWords(0xaac113e0), dpRegs{1: 1}, 0, dpRegs{0: 1 << 60}, dpKeep},

	// Add/subtract (shifted register).
	{"add x0, x1, x2", dpWords(0x8b020020), dpRegs{1: 5, 2: 7}, 0, dpRegs{0: 12}, dpKeep},
	{"add w3, w4, w5, lsl #31", dpWords(0x0b057c83), dpRegs{4: 1, 5: 1}, 0, dpRegs{3: 0x8000_0001}, dpKeep},
	{"adds x6, x7, x8, asr #63", dpWords(0xab88fce6), dpRegs{7: 1, 8: 1 << 63}, 0, dpRegs{6: 0}, PSR_Z | PSR_C},
	{"sub x9, x10, x11, lsr #4", dpWords(0xcb4b1149), dpRegs{10: 0x100, 11: 0x100}, 0, dpRegs{9: 0xf0}, dpKeep},
	{"neg x12, x13", dpWords(0xcb0d03ec), dpRegs{13: 1}, 0, dpRegs{12: ^uint64(0)}, dpKeep},
	{"subs w14, w15, w16 overflows", dpWords(0x6b1001ee), dpRegs{15: 0x8000_0000, 16: 1}, 0, dpRegs{14: 0x7fff_ffff}, PSR_C | PSR_V},
	{"cmp x17, x18, lsl #5", dpWords(0xeb12163f), dpRegs{17: 0x20, 18: 1}, 0, nil, PSR_Z | PSR_C},
	{"negs w19, w20 overflows", dpWords(0x6b1403f3), dpRegs{20: 0x8000_0000}, 0, dpRegs{19: 0x8000_0000}, PSR_N | PSR_V},
	{"negs w19, wzr sets C", dpWords(0x6b1f03f3), nil, 0, dpRegs{19: 0}, PSR_Z | PSR_C},

	// Add/subtract (extended register), with SP.
	{"add x0, sp, x1", dpWords(0x8b2163e0), dpRegs{1: 0x10}, 0, dpRegs{0: dpSP + 0x10}, dpKeep},
	{"add sp, x2, w3, uxtw #2", dpWords(0x8b23485f), dpRegs{2: 0x1000, 3: 0xffff_ffff_0000_0004}, 0, dpRegs{arm64.SP: 0x1010}, dpKeep},
	{"add w4, wsp, w5, sxth #1 (0x30010000 + 0xffff0000)", dpWords(0x0b25a7e4), dpRegs{5: 0x8000}, 0, dpRegs{4: 0x3000_0000}, dpKeep},
	{"adds x6, x7, w8, sxtw", dpWords(0xab28c0e6), dpRegs{7: 0, 8: 0xffff_ffff}, 0, dpRegs{6: ^uint64(0)}, PSR_N},
	{"cmn sp, x9, lsl #4", dpWords(0xab2973ff), dpRegs{9: (^dpSP + 1) >> 4}, 0, nil, PSR_Z | PSR_C},
	{"sub sp, sp, x10, sxtx", dpWords(0xcb2ae3ff), dpRegs{10: 0x100}, 0, dpRegs{arm64.SP: dpSP - 0x100}, dpKeep},
	{"subs x11, sp, w12, uxtb", dpWords(0xeb2c03eb), dpRegs{12: 0x1ff}, 0, dpRegs{11: dpSP - 0xff}, PSR_N | PSR_C},
	{"cmp w13, w14, uxth #3", dpWords(0x6b2e2dbf), dpRegs{13: 0x80000, 14: 0xffff_0000_0001}, 0, nil, PSR_C},

	// Add/subtract with carry.
	{"adc x0, x1, x2 with C", dpWords(0x9a020020), dpRegs{1: 1, 2: 2}, PSR_C, dpRegs{0: 4}, dpKeep},
	{"adcs w3, w4, w5 carries out", dpWords(0x3a050083), dpRegs{4: 0xffff_ffff, 5: 0}, PSR_C, dpRegs{3: 0}, PSR_Z | PSR_C},
	{"sbc x6, x7, x8 without C", dpWords(0xda0800e6), dpRegs{7: 5, 8: 3}, 0, dpRegs{6: 1}, dpKeep},
	{"sbcs x11, x12, x13 with C", dpWords(0xfa0d018b), dpRegs{12: 3, 13: 3}, PSR_C, dpRegs{11: 0}, PSR_Z | PSR_C},
	{"sbcs x11, x12, x13 without C", dpWords(0xfa0d018b), dpRegs{12: 3, 13: 3}, 0, dpRegs{11: ^uint64(0)}, PSR_N},
	{"ngc w9, w10", dpWords(0x5a0a03e9), dpRegs{10: 1}, PSR_C, dpRegs{9: 0xffff_ffff}, dpKeep},

	// Conditional compare, taken and not taken.
	{"ccmp x5, #0, #8, lt taken", dpWords(0xfa40b8a8), dpRegs{5: 0}, PSR_N, nil, PSR_Z | PSR_C},
	{"ccmp x5, #0, #8, lt not taken", dpWords(0xfa40b8a8), dpRegs{5: 0}, 0, nil, PSR_N},
	{"ccmn w4, #31, #0, hi taken", dpWords(0x3a5f8880), dpRegs{4: 0xffff_ffe1}, PSR_C, nil, PSR_Z | PSR_C},
	{"ccmn w4, #31, #0, hi not taken", dpWords(0x3a5f8880), dpRegs{4: 0xffff_ffe1}, PSR_C | PSR_Z, nil, 0},
	{"ccmp w2, w3, #15, nv is always taken", dpWords(0x7a43f04f), dpRegs{2: 1, 3: 2}, 0, nil, PSR_N},
	{"ccmn x0, x1, #4, eq taken", dpWords(0xba410004), dpRegs{0: 0x7fff_ffff_ffff_ffff, 1: 1}, PSR_Z, nil, PSR_N | PSR_V},
	{"ccmn x0, x1, #4, eq not taken", dpWords(0xba410004), dpRegs{0: 0x7fff_ffff_ffff_ffff, 1: 1}, 0, nil, PSR_Z},

	// Conditional select.
	{"csel x0, x1, x2, eq taken", dpWords(0x9a820020), dpRegs{1: 1, 2: 2}, PSR_Z, dpRegs{0: 1}, dpKeep},
	{"csel x0, x1, x2, eq not taken", dpWords(0x9a820020), dpRegs{1: 1, 2: 2}, 0, dpRegs{0: 2}, dpKeep},
	{"csinc w3, w4, w5, ne not taken wraps", dpWords(0x1a851483), dpRegs{4: 7, 5: 0xffff_ffff}, PSR_Z, dpRegs{3: 0}, dpKeep},
	{"csinc w3, w4, w5, ne taken", dpWords(0x1a851483), dpRegs{4: 0xffff_ffff_0000_0007, 5: 0}, 0, dpRegs{3: 7}, dpKeep},
	{"cset x6, cs with C", dpWords(0x9a9f37e6), nil, PSR_C, dpRegs{6: 1}, dpKeep},
	{"cset x6, cs without C", dpWords(0x9a9f37e6), nil, 0, dpRegs{6: 0}, dpKeep},
	{"csinv x9, x10, x11, ge not taken", dpWords(0xda8ba149), dpRegs{10: 1, 11: 0xf0}, PSR_N, dpRegs{9: ^uint64(0xf0)}, dpKeep},
	{"csetm w12, lt", dpWords(0x5a9fa3ec), nil, PSR_N, dpRegs{12: 0xffff_ffff}, dpKeep},
	{"cneg x18, x19, vs", dpWords(0xda937672), dpRegs{19: 5}, PSR_V, dpRegs{18: dpNeg(5)}, dpKeep},
	{"csneg w15, w16, w17, le not taken", dpWords(0x5a91d60f), dpRegs{16: 3, 17: 1}, 0, dpRegs{15: 0xffff_ffff}, dpKeep},

	// Data-processing (1 source).
	{"rbit x0, x1", dpWords(0xdac00020), dpRegs{1: 1}, 0, dpRegs{0: 1 << 63}, dpKeep},
	{"rbit w2, w3", dpWords(0x5ac00062), dpRegs{3: 0xffff_ffff_0000_0001}, 0, dpRegs{2: 0x8000_0000}, dpKeep},
	{"rev16 x4, x5", dpWords(0xdac004a4), dpRegs{5: 0x0102_0304_0506_0708}, 0, dpRegs{4: 0x0201_0403_0605_0807}, dpKeep},
	{"rev16 w6, w7", dpWords(0x5ac004e6), dpRegs{7: 0xaabb_ccdd_1122_3344}, 0, dpRegs{6: 0x2211_4433}, dpKeep},
	{"rev32 x8, x9", dpWords(0xdac00928), dpRegs{9: 0x0102_0304_0506_0708}, 0, dpRegs{8: 0x0403_0201_0807_0605}, dpKeep},
	{"rev w10, w11", dpWords(0x5ac0096a), dpRegs{11: 0xffff_ffff_1122_3344}, 0, dpRegs{10: 0x4433_2211}, dpKeep},
	{"rev x12, x13", dpWords(0xdac00dac), dpRegs{13: 0x0102_0304_0506_0708}, 0, dpRegs{12: 0x0807_0605_0403_0201}, dpKeep},
	{"clz x14, x15 of 0", dpWords(0xdac011ee), dpRegs{15: 0}, 0, dpRegs{14: 64}, dpKeep},
	{"clz x14, x15 of 1", dpWords(0xdac011ee), dpRegs{15: 1}, 0, dpRegs{14: 63}, dpKeep},
	{"clz w16, w17 ignores the upper half", dpWords(0x5ac01230), dpRegs{17: 0xffff_ffff_0000_0000}, 0, dpRegs{16: 32}, dpKeep},
	{"clz w16, w17 of 0x8000", dpWords(0x5ac01230), dpRegs{17: 0x8000}, 0, dpRegs{16: 16}, dpKeep},
	{"cls x18, x19 of 0", dpWords(0xdac01672), dpRegs{19: 0}, 0, dpRegs{18: 63}, dpKeep},
	{"cls x18, x19 of -1", dpWords(0xdac01672), dpRegs{19: ^uint64(0)}, 0, dpRegs{18: 63}, dpKeep},
	{"cls x18, x19 of 1", dpWords(0xdac01672), dpRegs{19: 1}, 0, dpRegs{18: 62}, dpKeep},
	{"cls x18, x19 of MinInt64", dpWords(0xdac01672), dpRegs{19: 1 << 63}, 0, dpRegs{18: 0}, dpKeep},
	{"cls x18, x19 of 0xc000...", dpWords(0xdac01672), dpRegs{19: 3 << 62}, 0, dpRegs{18: 1}, dpKeep},
	{"cls w20, w21 of 0", dpWords(0x5ac016b4), dpRegs{21: 0}, 0, dpRegs{20: 31}, dpKeep},
	{"cls w20, w21 of -1", dpWords(0x5ac016b4), dpRegs{21: 0xffff_ffff}, 0, dpRegs{20: 31}, dpKeep},
	{"cls w20, w21 of 0xffff", dpWords(0x5ac016b4), dpRegs{21: 0xffff_ffff_0000_ffff}, 0, dpRegs{20: 15}, dpKeep},

	// Data-processing (2 source): division corner cases, shift amounts
	// taken modulo the width.
	{"udiv x0, x1, x2", dpWords(0x9ac20820), dpRegs{1: 7, 2: 2}, 0, dpRegs{0: 3}, dpKeep},
	{"udiv x0, x1, x2 by zero", dpWords(0x9ac20820), dpRegs{1: 7, 2: 0}, 0, dpRegs{0: 0}, dpKeep},
	{"udiv w3, w4, w5 by a zero low word", dpWords(0x1ac50883), dpRegs{4: 0x1_0000_0010, 5: 0x1_0000_0000}, 0, dpRegs{3: 0}, dpKeep},
	{"udiv w3, w4, w5", dpWords(0x1ac50883), dpRegs{4: 0xffff_ffff, 5: 0x10}, 0, dpRegs{3: 0x0fff_ffff}, dpKeep},
	{"sdiv x6, x7, x8 rounds to zero", dpWords(0x9ac80ce6), dpRegs{7: dpNeg(7), 8: 2}, 0, dpRegs{6: dpNeg(3)}, dpKeep},
	{"sdiv x6, x7, x8 MinInt64 by -1", dpWords(0x9ac80ce6), dpRegs{7: 1 << 63, 8: ^uint64(0)}, 0, dpRegs{6: 1 << 63}, dpKeep},
	{"sdiv x6, x7, x8 by zero", dpWords(0x9ac80ce6), dpRegs{7: 1 << 63, 8: 0}, 0, dpRegs{6: 0}, dpKeep},
	{"sdiv w9, w10, w11 MinInt32 by -1", dpWords(0x1acb0d49), dpRegs{10: 0x8000_0000, 11: 0xffff_ffff}, 0, dpRegs{9: 0x8000_0000}, dpKeep},
	{"sdiv w9, w10, w11 rounds to zero", dpWords(0x1acb0d49), dpRegs{10: 0xffff_fff9, 11: 2}, 0, dpRegs{9: 0xffff_fffd}, dpKeep},
	{"lsl x12, x13, x14 by 65", dpWords(0x9ace21ac), dpRegs{13: 1, 14: 65}, 0, dpRegs{12: 2}, dpKeep},
	{"lsl x12, x13, x14 by 64", dpWords(0x9ace21ac), dpRegs{13: 1, 14: 64}, 0, dpRegs{12: 1}, dpKeep},
	{"lsr w15, w16, w17 by 33", dpWords(0x1ad1260f), dpRegs{16: 0x8000_0000, 17: 33}, 0, dpRegs{15: 0x4000_0000}, dpKeep},
	{"asr x18, x19, x20 by 63", dpWords(0x9ad42a72), dpRegs{19: 1 << 63, 20: 63}, 0, dpRegs{18: ^uint64(0)}, dpKeep},
	{"asr w18, w19, w20 by 4", dpWords(0x1ad42a72), dpRegs{19: 0x8000_0000, 20: 4}, 0, dpRegs{18: 0xf800_0000}, dpKeep},
	{"ror w21, w22, w23 by 36", dpWords(0x1ad72ed5), dpRegs{22: 1, 23: 36}, 0, dpRegs{21: 0x1000_0000}, dpKeep},

	// CRC32 and CRC32C of "123456789" with the usual inversions before
	// and after: the check values 0xCBF43926 and 0xE3069283. The upper
	// bits of the operands must be ignored.
	{"crc32x w0, w0, x1; crc32b w0, w0, w2", dpWords(0x9ac14c00, 0x1ac24000),
		dpRegs{0: 0xdead_0000_ffff_ffff, 1: 0x3837_3635_3433_3231, 2: 0xffff_ff39}, 0,
		dpRegs{0: ^uint64(0xcbf4_3926) & 0xffff_ffff}, dpKeep},
	{"crc32w, crc32h, crc32b, crc32h", dpWords(0x1ac14800, 0x1ac24400, 0x1ac34000, 0x1ac44400),
		dpRegs{0: 0xffff_ffff, 1: 0xffff_ffff_3433_3231, 2: 0xffff_3635, 3: 0xff37, 4: 0x1_3938}, 0,
		dpRegs{0: ^uint64(0xcbf4_3926) & 0xffff_ffff}, dpKeep},
	{"crc32cx w0, w0, x1; crc32cb w0, w0, w2", dpWords(0x9ac15c00, 0x1ac25000),
		dpRegs{0: 0xffff_ffff, 1: 0x3837_3635_3433_3231, 2: 0x39}, 0,
		dpRegs{0: ^uint64(0xe306_9283) & 0xffff_ffff}, dpKeep},
	{"crc32cw, crc32ch, crc32cb, crc32ch", dpWords(0x1ac15800, 0x1ac25400, 0x1ac35000, 0x1ac45400),
		dpRegs{0: 0xffff_ffff, 1: 0x3433_3231, 2: 0x3635, 3: 0x37, 4: 0x3938}, 0,
		dpRegs{0: ^uint64(0xe306_9283) & 0xffff_ffff}, dpKeep},

	// Data-processing (3 source).
	{"madd x0, x1, x2, x3", dpWords(0x9b020c20), dpRegs{1: 3, 2: 4, 3: 5}, 0, dpRegs{0: 17}, dpKeep},
	{"madd w4, w5, w6, w7 wraps in 32 bits", dpWords(0x1b061ca4), dpRegs{5: 0x10000, 6: 0x10000, 7: 0x1_0000_0005}, 0, dpRegs{4: 5}, dpKeep},
	{"mul x8, x9, x10 wraps", dpWords(0x9b0a7d28), dpRegs{9: 1 << 63, 10: 3}, 0, dpRegs{8: 1 << 63}, dpKeep},
	{"msub w11, w12, w13, w14", dpWords(0x1b0db98b), dpRegs{12: 3, 13: 4, 14: 10}, 0, dpRegs{11: 0xffff_fffe}, dpKeep},
	{"mneg x15, x16, x17", dpWords(0x9b11fe0f), dpRegs{16: 3, 17: 5}, 0, dpRegs{15: dpNeg(15)}, dpKeep},
	{"smaddl x18, w19, w20, x21", dpWords(0x9b345672), dpRegs{19: 0x1234_5678_ffff_ffff, 20: 2, 21: 10}, 0, dpRegs{18: 8}, dpKeep},
	{"smull x22, w23, w24", dpWords(0x9b387ef6), dpRegs{23: 0x8000_0000, 24: 0x8000_0000}, 0, dpRegs{22: 1 << 62}, dpKeep},
	{"smsubl x25, w26, w27, x28", dpWords(0x9b3bf359), dpRegs{26: 0xffff_ffff, 27: 0xffff_ffff, 28: 10}, 0, dpRegs{25: 9}, dpKeep},
	{"umaddl x1, w2, w3, x4", dpWords(0x9ba31041), dpRegs{2: 0xffff_ffff, 3: 0xffff_ffff, 4: 1}, 0, dpRegs{1: 0xffff_fffe_0000_0002}, dpKeep},
	{"umsubl x8, w9, w10, x11", dpWords(0x9baaad28), dpRegs{9: 0x1_0000_0002, 10: 3, 11: 0}, 0, dpRegs{8: dpNeg(6)}, dpKeep},
	{"smulh x15, x16, x17 of -1, -1", dpWords(0x9b517e0f), dpRegs{16: ^uint64(0), 17: ^uint64(0)}, 0, dpRegs{15: 0}, dpKeep},
	{"smulh x15, x16, x17 of -1, 1", dpWords(0x9b517e0f), dpRegs{16: ^uint64(0), 17: 1}, 0, dpRegs{15: ^uint64(0)}, dpKeep},
	{"smulh x15, x16, x17 of MinInt64 squared", dpWords(0x9b517e0f), dpRegs{16: 1 << 63, 17: 1 << 63}, 0, dpRegs{15: 1 << 62}, dpKeep},
	{"umulh x18, x19, x20", dpWords(0x9bd47e72), dpRegs{19: ^uint64(0), 20: ^uint64(0)}, 0, dpRegs{18: 0xffff_ffff_ffff_fffe}, dpKeep},
}

func TestExecDP(t *testing.T) {
	for _, tc := range dpCases {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, nil, tc.words...)
			c := m.CPU(0)
			for r := 0; r < 31; r++ {
				c.SetX(r, dpMarker(r))
			}
			for r, v := range tc.regs {
				dpSetReg(c, r, v)
			}
			c.SetNZCV(tc.nzcv)
			stepN(t, m, uint64(len(tc.words)))

			assert.Equal(t, testCode+4*uint64(len(tc.words)), c.PC(), "PC")
			for r := arm64.Reg(0); r <= arm64.SP; r++ {
				if r == arm64.ZR {
					continue
				}
				want, ok := tc.want[r]
				if !ok {
					want, ok = tc.regs[r]
				}
				if !ok {
					want = dpMarker(int(r))
					if r == arm64.SP {
						want = dpSP
					}
				}
				assert.Equal(t, want, dpGetReg(c, r), "%v", r)
			}
			flags := tc.flags
			if flags == dpKeep {
				flags = tc.nzcv
			}
			assert.Equal(t, flags, c.NZCV(), "NZCV")
		})
	}
}

func dpSetReg(c *CPU, r arm64.Reg, v uint64) {
	if r == arm64.SP {
		c.SetSP(v)
		return
	}
	c.SetX(int(r), v)
}

func dpGetReg(c *CPU, r arm64.Reg) uint64 {
	if r == arm64.SP {
		return c.SP()
	}
	return c.X(int(r))
}

// dpExec runs one word on m's CPU 0 from testCode with the given
// registers and flags (for property tests over many values).
func dpExec(t *testing.T, m *Machine, word uint32, regs dpRegs, nzcv uint64) *CPU {
	t.Helper()
	writeWords(t, m, testCode, word)
	c := m.CPU(0)
	c.SetPC(testCode)
	for r, v := range regs {
		dpSetReg(c, r, v)
	}
	c.SetNZCV(nzcv)
	stepN(t, m, 1)
	return c
}

// TestExecDPAddSubFlags checks ADDS, SUBS, ADCS and SBCS on random and
// boundary operands against the definition of the flags in integers: N
// and Z from the result, C when the unsigned sum does not fit, V when the
// signed one does not.
func TestExecDPAddSubFlags(t *testing.T) {
	m := newTestMachine(t, nil)
	r := rand.New(rand.NewSource(1))
	edges := []uint64{0, 1, 2, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x1_0000_0000,
		1<<63 - 1, 1 << 63, ^uint64(0), ^uint64(1)}
	pick := func() uint64 {
		if r.Intn(3) == 0 {
			return edges[r.Intn(len(edges))]
		}
		return r.Uint64()
	}
	// adds/subs/adcs/sbcs x0, x1, x2 and w0, w1, w2.
	ops := []struct {
		name     string
		word     uint32
		sub, adc bool
		sf       bool
	}{
		{"adds x", 0xab020020, false, false, true},
		{"subs x", 0xeb020020, true, false, true},
		{"adcs x", 0xba020020, false, true, true},
		{"sbcs x", 0xfa020020, true, true, true},
		{"adds w", 0x2b020020, false, false, false},
		{"subs w", 0x6b020020, true, false, false},
		{"adcs w", 0x3a020020, false, true, false},
		{"sbcs w", 0x7a020020, true, true, false},
	}
	for i := 0; i < 4000; i++ {
		op := ops[i%len(ops)]
		x, y := pick(), pick()
		nzcv := uint64(r.Intn(16)) << 28
		c := dpExec(t, m, op.word, dpRegs{1: x, 2: y}, nzcv)

		bitsN := uint(64)
		if !op.sf {
			bitsN = 32
			x, y = uint64(uint32(x)), uint64(uint32(y))
		}
		carry := int64(0)
		switch {
		case op.adc:
			carry = int64(nzcv>>29) & 1
		case op.sub:
			carry = 1
		}
		if op.sub {
			y = ^y
			if !op.sf {
				y = uint64(uint32(y))
			}
		}
		mod := new(big.Int).Lsh(big.NewInt(1), bitsN)
		usum := new(big.Int).SetUint64(x)
		usum.Add(usum, new(big.Int).SetUint64(y)).Add(usum, big.NewInt(carry))
		signed := func(v uint64) *big.Int {
			b := new(big.Int).SetUint64(v)
			if v>>(bitsN-1)&1 != 0 {
				b.Sub(b, mod)
			}
			return b
		}
		ssum := new(big.Int).Add(signed(x), signed(y))
		ssum.Add(ssum, big.NewInt(carry))
		result := new(big.Int).Mod(usum, mod).Uint64()
		var want uint64
		if result>>(bitsN-1)&1 != 0 {
			want |= PSR_N
		}
		if result == 0 {
			want |= PSR_Z
		}
		if usum.Cmp(mod) >= 0 {
			want |= PSR_C
		}
		if ssum.Cmp(signed(result)) != 0 {
			want |= PSR_V
		}
		require.Equal(t, result, c.X(0), "%s %#x, %#x (nzcv %#x)", op.name, x, y, nzcv)
		require.Equal(t, want, c.NZCV(), "%s %#x, %#x (nzcv %#x)", op.name, x, y, nzcv)
	}
}

// TestExecDPBitfield checks SBFM, BFM and UBFM of both widths and every
// immr/imms against a bit-by-bit reading of their aliases: imms >= immr
// extracts bits imms..immr to the bottom (SBFX/BFXIL/UBFX), imms < immr
// inserts bits imms..0 at position width-immr (SBFIZ/BFI/UBFIZ).
func TestExecDPBitfield(t *testing.T) {
	m := newTestMachine(t, nil)
	r := rand.New(rand.NewSource(2))
	for _, sf := range []bool{false, true} {
		width := uint(32)
		if sf {
			width = 64
		}
		for opc := uint32(0); opc < 3; opc++ {
			for i := 0; i < 600; i++ {
				immr, imms := uint(r.Intn(int(width))), uint(r.Intn(int(width)))
				word := opc<<29 | 0x13000000 | uint32(immr)<<16 | uint32(imms)<<10 | 1<<5 | 0
				if sf {
					word |= 1<<31 | 1<<22
				}
				src, dst := r.Uint64(), r.Uint64()
				c := dpExec(t, m, word, dpRegs{0: dst, 1: src}, 0)

				// Source bits [from, from+n) go to destination bits
				// [to, to+n); the bits above to+n are the sign
				// (SBFM), zero (UBFM) or kept (BFM); the bits below
				// to are zero, or kept for BFM.
				from, to, n := immr, uint(0), imms-immr+1
				if imms < immr {
					from, to, n = 0, width-immr, imms+1
				}
				var want uint64
				for b := uint(0); b < width; b++ {
					var v uint64
					switch {
					case b >= to && b < to+n:
						v = src >> (from + b - to) & 1
					case opc == 1: // BFM keeps the other bits
						v = dst >> b & 1
					case b >= to+n && opc == 0: // SBFM: the field's sign
						v = src >> (from + n - 1) & 1
					}
					want |= v << b
				}
				require.Equal(t, want, c.X(0), "%#08x: src %#x dst %#x", word, src, dst)
			}
		}
	}
}

// TestExecDPMulHigh checks SMULH and UMULH against big integers.
func TestExecDPMulHigh(t *testing.T) {
	m := newTestMachine(t, nil)
	r := rand.New(rand.NewSource(3))
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	for i := 0; i < 2000; i++ {
		x, y := r.Uint64(), r.Uint64()
		if i%4 == 0 {
			x |= 1 << 63
		}
		// smulh x0, x1, x2 and umulh x0, x1, x2.
		c := dpExec(t, m, 0x9b427c20, dpRegs{1: x, 2: y}, 0)
		p := new(big.Int).Mul(big.NewInt(int64(x)), big.NewInt(int64(y)))
		p.Rsh(p, 64) // floor: the high half of the two's complement product
		p.Mod(p, two64)
		require.Equal(t, p.Uint64(), c.X(0), "smulh %#x, %#x", x, y)

		c = dpExec(t, m, 0x9bc27c20, dpRegs{1: x, 2: y}, 0)
		p = new(big.Int).Mul(new(big.Int).SetUint64(x), new(big.Int).SetUint64(y))
		require.Equal(t, new(big.Int).Rsh(p, 64).Uint64(), c.X(0), "umulh %#x, %#x", x, y)
	}
}

// Without FEAT_CRC32 the CRC32 instructions are UNDEFINED; so are the
// forms of the classes kpemu does not implement (here PACIA).
func TestExecDPUndefined(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  *Config
		word uint32
	}{
		{"crc32b w0, w1, w2 without CRC32", &Config{Features: &Features{}}, 0x1ac24020},
		{"crc32cx w21, w22, x23 without CRC32", &Config{Features: &Features{}}, 0x9ad75ed5},
		{"pacia x4, x6", nil, 0xdac100c4},
		{"rmif x0, #0, #0", nil, 0xba000400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, tc.cfg, tc.word)
			c := m.CPU(0)
			c.SetX(0, 0x1234)
			_, err := m.Step(context.Background(), 0, 1)
			var ee *ExceptionError
			require.True(t, errors.As(err, &ee), "want an ExceptionError, got %v", err)
			assert.Equal(t, ECUnknown, ee.EC)
			assert.Equal(t, testCode, ee.ELR)
			assert.Equal(t, testCode, c.PC())
			assert.Equal(t, uint64(0x1234), c.X(0))
		})
	}
	m := newTestMachine(t, nil)
	assert.True(t, m.Executes(arm64.CRC32), "CRC32 is in the default features")
}
