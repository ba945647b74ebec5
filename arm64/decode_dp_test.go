package arm64

import (
	"errors"
	mbits "math/bits"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The words below were assembled with aarch64-linux-gnu-as
// (-march=armv8.2-a+crc); the comment is the source line, the printed form
// (objdump's) where it differs is checked in TestDPPrinters.
var dpDecodeTests = []struct {
	word uint32
	asm  string
	want Inst // Word is filled in by the test
}{
	// PC-relative addressing: Imm is the offset in bytes (pages for ADRP).
	{0x100091a3, "adr x3, .+0x1234", Inst{Op: ADR, Sf: true, Rd: 3, Imm: 0x1234}},
	{0x10fffffe, "adr x30, .-4", Inst{Op: ADR, Sf: true, Rd: 30, Imm: -4}},
	{0xb0000020, "adrp x0, .+0x5000 (page offset 5)", Inst{Op: ADRP, Sf: true, Rd: 0, Imm: 0x5000}},
	{0xf0ffffff, "adrp xzr, .-0x1000", Inst{Op: ADRP, Sf: true, Rd: ZR, Imm: -0x1000}},

	// Add/subtract (immediate): Rn is SP-capable, Rd too unless S.
	{0x91000420, "add x0, x1, #1", Inst{Op: ADDimm, Sf: true, Rd: 0, Rn: 1, Imm: 1}},
	{0x910043ff, "add sp, sp, #0x10", Inst{Op: ADDimm, Sf: true, Rd: SP, Rn: SP, Imm: 0x10}},
	{0x910003fd, "mov x29, sp", Inst{Op: ADDimm, Sf: true, Rd: 29, Rn: SP}},
	{0x113fffe2, "add w2, wsp, #4095", Inst{Op: ADDimm, Rd: 2, Rn: SP, Imm: 4095}},
	{0x91400483, "add x3, x4, #1, lsl #12", Inst{Op: ADDimm, Sf: true, Rd: 3, Rn: 4, Imm: 0x1000, Amount: 12}},
	{0xb10023e0, "adds x0, sp, #8", Inst{Op: ADDSimm, Sf: true, Rd: 0, Rn: SP, Imm: 8}},
	{0x31000c3f, "cmn w1, #3", Inst{Op: ADDSimm, Rd: ZR, Rn: 1, Imm: 3}},
	{0xd10083ff, "sub sp, sp, #0x20", Inst{Op: SUBimm, Sf: true, Rd: SP, Rn: SP, Imm: 0x20}},
	{0xf1000421, "subs x1, x1, #1", Inst{Op: SUBSimm, Sf: true, Rd: 1, Rn: 1, Imm: 1}},
	{0xf1400c5f, "cmp x2, #0x3, lsl #12", Inst{Op: SUBSimm, Sf: true, Rd: ZR, Rn: 2, Imm: 0x3000, Amount: 12}},

	// Logical (immediate): Imm is the expanded mask; Rd is SP-capable
	// except for ANDS, Rn is ZR.
	{0x92401c20, "and x0, x1, #0xff", Inst{Op: ANDimm, Sf: true, Rd: 0, Rn: 1, Imm: 0xff}},
	{0x927cec5f, "and sp, x2, #0xfffffffffffffff0", Inst{Op: ANDimm, Sf: true, Rd: SP, Rn: 2, Imm: -16}},
	{0x3200f3e0, "orr w0, wzr, #0x55555555", Inst{Op: ORRimm, Rd: 0, Rn: ZR, Imm: 0x55555555}},
	{0xb200f3e1, "mov x1, #0x5555555555555555", Inst{Op: ORRimm, Sf: true, Rd: 1, Rn: ZR, Imm: 0x5555555555555555}},
	{0xd2410483, "eor x3, x4, #0x8000000000000001", Inst{Op: EORimm, Sf: true, Rd: 3, Rn: 4, Imm: -0x7fffffffffffffff}},
	{0x720000c5, "ands w5, w6, #0x1", Inst{Op: ANDSimm, Rd: 5, Rn: 6, Imm: 1}},
	{0xf24008ff, "tst x7, #0x7", Inst{Op: ANDSimm, Sf: true, Rd: ZR, Rn: 7, Imm: 7}},

	// Move wide: Imm is imm16, Imm2 the shift.
	{0x92a00240, "movn x0, #0x12, lsl #16", Inst{Op: MOVN, Sf: true, Rd: 0, Imm: 0x12, Imm2: 16}},
	{0x12800001, "mov w1, #-1", Inst{Op: MOVN, Rd: 1}},
	{0xd2f7dde2, "movz x2, #0xbeef, lsl #48", Inst{Op: MOVZ, Sf: true, Rd: 2, Imm: 0xbeef, Imm2: 48}},
	{0x52a00023, "mov w3, #0x10000", Inst{Op: MOVZ, Rd: 3, Imm: 1, Imm2: 16}},
	{0xf2d95fc4, "movk x4, #0xcafe, lsl #32", Inst{Op: MOVK, Sf: true, Rd: 4, Imm: 0xcafe, Imm2: 32}},
	{0x72824685, "movk w5, #0x1234", Inst{Op: MOVK, Rd: 5, Imm: 0x1234}},

	// Bitfield: Imm is immr, Imm2 imms; the aliases all decode to the
	// three base ops.
	{0x93432820, "sbfm x0, x1, #3, #10", Inst{Op: SBFM, Sf: true, Rd: 0, Rn: 1, Imm: 3, Imm2: 10}},
	{0x13057c62, "asr w2, w3, #5", Inst{Op: SBFM, Rd: 2, Rn: 3, Imm: 5, Imm2: 31}},
	{0x93407ca4, "sxtw x4, w5", Inst{Op: SBFM, Sf: true, Rd: 4, Rn: 5, Imm: 0, Imm2: 31}},
	{0xb37c0ce6, "bfm x6, x7, #60, #3", Inst{Op: BFM, Sf: true, Rd: 6, Rn: 7, Imm: 60, Imm2: 3}},
	{0x331c1d28, "bfi w8, w9, #4, #8", Inst{Op: BFM, Rd: 8, Rn: 9, Imm: 28, Imm2: 7}},
	{0xb342196a, "bfxil x10, x11, #2, #5", Inst{Op: BFM, Sf: true, Rd: 10, Rn: 11, Imm: 2, Imm2: 6}},
	{0xb3780fec, "bfc x12, #8, #4", Inst{Op: BFM, Sf: true, Rd: 12, Rn: ZR, Imm: 56, Imm2: 3}},
	{0x531f79cd, "ubfm w13, w14, #31, #30", Inst{Op: UBFM, Rd: 13, Rn: 14, Imm: 31, Imm2: 30}},
	{0xd379e20f, "lsl x15, x16, #7", Inst{Op: UBFM, Sf: true, Rd: 15, Rn: 16, Imm: 57, Imm2: 56}},
	{0x53097e51, "lsr w17, w18, #9", Inst{Op: UBFM, Rd: 17, Rn: 18, Imm: 9, Imm2: 31}},
	{0xd3444e93, "ubfx x19, x20, #4, #16", Inst{Op: UBFM, Sf: true, Rd: 19, Rn: 20, Imm: 4, Imm2: 19}},
	{0x53001ed5, "uxtb w21, w22", Inst{Op: UBFM, Rd: 21, Rn: 22, Imm: 0, Imm2: 7}},

	// Extract: Imm2 is lsb; ROR (immediate) is EXTR with Rn == Rm.
	{0x93c24420, "extr x0, x1, x2, #17", Inst{Op: EXTR, Sf: true, Rd: 0, Rn: 1, Rm: 2, Imm2: 17}},
	{0x13847c83, "ror w3, w4, #31", Inst{Op: EXTR, Rd: 3, Rn: 4, Rm: 4, Imm2: 31}},

	// Logical (shifted register).
	{0x8a020c20, "and x0, x1, x2, lsl #3", Inst{Op: ANDshift, Sf: true, Rd: 0, Rn: 1, Rm: 2, Shift: LSL, Amount: 3}},
	{0x0ae57c83, "bic w3, w4, w5, ror #31", Inst{Op: BICshift, Rd: 3, Rn: 4, Rm: 5, Shift: ROR, Amount: 31}},
	{0xaa0703e6, "orr x6, xzr, x7", Inst{Op: ORRshift, Sf: true, Rd: 6, Rn: ZR, Rm: 7}},
	{0x2a0903e8, "mov w8, w9", Inst{Op: ORRshift, Rd: 8, Rn: ZR, Rm: 9}},
	{0xaaacfd6a, "orn x10, x11, x12, asr #63", Inst{Op: ORNshift, Sf: true, Rd: 10, Rn: 11, Rm: 12, Shift: ASR, Amount: 63}},
	{0x2a2e03ed, "mvn w13, w14", Inst{Op: ORNshift, Rd: 13, Rn: ZR, Rm: 14}},
	{0xca51060f, "eor x15, x16, x17, lsr #1", Inst{Op: EORshift, Sf: true, Rd: 15, Rn: 16, Rm: 17, Shift: LSR, Amount: 1}},
	{0x4a340272, "eon w18, w19, w20", Inst{Op: EONshift, Rd: 18, Rn: 19, Rm: 20}},
	{0xea1702d5, "ands x21, x22, x23", Inst{Op: ANDSshift, Sf: true, Rd: 21, Rn: 22, Rm: 23}},
	{0x6a190b1f, "tst w24, w25, lsl #2", Inst{Op: ANDSshift, Rd: ZR, Rn: 24, Rm: 25, Amount: 2}},
	{0xea7cf37a, "bics x26, x27, x28, lsr #60", Inst{Op: BICSshift, Sf: true, Rd: 26, Rn: 27, Rm: 28, Shift: LSR, Amount: 60}},

	// Add/subtract (shifted register): encoding 31 is ZR everywhere.
	{0x8b020020, "add x0, x1, x2", Inst{Op: ADDshift, Sf: true, Rd: 0, Rn: 1, Rm: 2}},
	{0x0b057c83, "add w3, w4, w5, lsl #31", Inst{Op: ADDshift, Rd: 3, Rn: 4, Rm: 5, Amount: 31}},
	{0xab88fce6, "adds x6, x7, x8, asr #63", Inst{Op: ADDSshift, Sf: true, Rd: 6, Rn: 7, Rm: 8, Shift: ASR, Amount: 63}},
	{0xcb4b1149, "sub x9, x10, x11, lsr #4", Inst{Op: SUBshift, Sf: true, Rd: 9, Rn: 10, Rm: 11, Shift: LSR, Amount: 4}},
	{0xcb0d03ec, "neg x12, x13", Inst{Op: SUBshift, Sf: true, Rd: 12, Rn: ZR, Rm: 13}},
	{0x6b1001ee, "subs w14, w15, w16", Inst{Op: SUBSshift, Rd: 14, Rn: 15, Rm: 16}},
	{0xeb12163f, "cmp x17, x18, lsl #5", Inst{Op: SUBSshift, Sf: true, Rd: ZR, Rn: 17, Rm: 18, Amount: 5}},
	{0x6b1403f3, "negs w19, w20", Inst{Op: SUBSshift, Rd: 19, Rn: ZR, Rm: 20}},

	// Add/subtract (extended register): Rn is SP, Rd is SP for ADD/SUB
	// and ZR for ADDS/SUBS.
	{0x8b2163e0, "add x0, sp, x1", Inst{Op: ADDext, Sf: true, Rd: 0, Rn: SP, Rm: 1, Ext: UXTX}},
	{0x8b23485f, "add sp, x2, w3, uxtw #2", Inst{Op: ADDext, Sf: true, Rd: SP, Rn: 2, Rm: 3, Ext: UXTW, Amount: 2}},
	{0x0b25a7e4, "add w4, wsp, w5, sxth #1", Inst{Op: ADDext, Rd: 4, Rn: SP, Rm: 5, Ext: SXTH, Amount: 1}},
	{0xab28c0e6, "adds x6, x7, w8, sxtw", Inst{Op: ADDSext, Sf: true, Rd: 6, Rn: 7, Rm: 8, Ext: SXTW}},
	{0xab2973ff, "cmn sp, x9, uxtx #4", Inst{Op: ADDSext, Sf: true, Rd: ZR, Rn: SP, Rm: 9, Ext: UXTX, Amount: 4}},
	{0xcb2ae3ff, "sub sp, sp, x10, sxtx", Inst{Op: SUBext, Sf: true, Rd: SP, Rn: SP, Rm: 10, Ext: SXTX}},
	{0xeb2c03eb, "subs x11, sp, w12, uxtb", Inst{Op: SUBSext, Sf: true, Rd: 11, Rn: SP, Rm: 12, Ext: UXTB}},
	{0x6b2e2dbf, "cmp w13, w14, uxth #3", Inst{Op: SUBSext, Rd: ZR, Rn: 13, Rm: 14, Ext: UXTH, Amount: 3}},

	// Add/subtract with carry.
	{0x9a020020, "adc x0, x1, x2", Inst{Op: ADC, Sf: true, Rd: 0, Rn: 1, Rm: 2}},
	{0x3a050083, "adcs w3, w4, w5", Inst{Op: ADCS, Rd: 3, Rn: 4, Rm: 5}},
	{0xda0800e6, "sbc x6, x7, x8", Inst{Op: SBC, Sf: true, Rd: 6, Rn: 7, Rm: 8}},
	{0x5a0a03e9, "ngc w9, w10", Inst{Op: SBC, Rd: 9, Rn: ZR, Rm: 10}},
	{0xfa0d018b, "sbcs x11, x12, x13", Inst{Op: SBCS, Sf: true, Rd: 11, Rn: 12, Rm: 13}},
	{0xfa0f03ee, "ngcs x14, x15", Inst{Op: SBCS, Sf: true, Rd: 14, Rn: ZR, Rm: 15}},

	// Conditional compare: Imm2 is nzcv, Imm the immediate.
	{0xba410004, "ccmn x0, x1, #0x4, eq", Inst{Op: CCMNreg, Sf: true, Rn: 0, Rm: 1, Cond: EQ, Imm2: 4}},
	{0x7a43f04f, "ccmp w2, w3, #0xf, nv", Inst{Op: CCMPreg, Rn: 2, Rm: 3, Cond: NV, Imm2: 15}},
	{0x3a5f8880, "ccmn w4, #0x1f, #0x0, hi", Inst{Op: CCMNimm, Rn: 4, Imm: 31, Cond: HI}},
	{0xfa40b8a8, "ccmp x5, #0x0, #0x8, lt", Inst{Op: CCMPimm, Sf: true, Rn: 5, Cond: LT, Imm2: 8}},

	// Conditional select (the aliases keep the base op and encoded cond).
	{0x9a820020, "csel x0, x1, x2, eq", Inst{Op: CSEL, Sf: true, Rd: 0, Rn: 1, Rm: 2, Cond: EQ}},
	{0x1a851483, "csinc w3, w4, w5, ne", Inst{Op: CSINC, Rd: 3, Rn: 4, Rm: 5, Cond: NE}},
	{0x9a9f37e6, "cset x6, cs", Inst{Op: CSINC, Sf: true, Rd: 6, Rn: ZR, Rm: ZR, Cond: CC}},
	{0x1a885507, "cinc w7, w8, mi", Inst{Op: CSINC, Rd: 7, Rn: 8, Rm: 8, Cond: PL}},
	{0xda8ba149, "csinv x9, x10, x11, ge", Inst{Op: CSINV, Sf: true, Rd: 9, Rn: 10, Rm: 11, Cond: GE}},
	{0x5a9fa3ec, "csetm w12, lt", Inst{Op: CSINV, Rd: 12, Rn: ZR, Rm: ZR, Cond: GE}},
	{0xda8ed1cd, "cinv x13, x14, gt", Inst{Op: CSINV, Sf: true, Rd: 13, Rn: 14, Rm: 14, Cond: LE}},
	{0x5a91d60f, "csneg w15, w16, w17, le", Inst{Op: CSNEG, Rd: 15, Rn: 16, Rm: 17, Cond: LE}},
	{0xda937672, "cneg x18, x19, vs", Inst{Op: CSNEG, Sf: true, Rd: 18, Rn: 19, Rm: 19, Cond: VC}},

	// Data-processing (1 source).
	{0xdac00020, "rbit x0, x1", Inst{Op: RBIT, Sf: true, Rd: 0, Rn: 1}},
	{0x5ac00062, "rbit w2, w3", Inst{Op: RBIT, Rd: 2, Rn: 3}},
	{0xdac004a4, "rev16 x4, x5", Inst{Op: REV16, Sf: true, Rd: 4, Rn: 5}},
	{0x5ac004e6, "rev16 w6, w7", Inst{Op: REV16, Rd: 6, Rn: 7}},
	{0xdac00928, "rev32 x8, x9", Inst{Op: REV32, Sf: true, Rd: 8, Rn: 9}},
	{0x5ac0096a, "rev w10, w11", Inst{Op: REV, Rd: 10, Rn: 11}},
	{0xdac00dac, "rev x12, x13", Inst{Op: REV, Sf: true, Rd: 12, Rn: 13}},
	{0xdac011ee, "clz x14, x15", Inst{Op: CLZ, Sf: true, Rd: 14, Rn: 15}},
	{0x5ac01230, "clz w16, w17", Inst{Op: CLZ, Rd: 16, Rn: 17}},
	{0xdac01672, "cls x18, x19", Inst{Op: CLS, Sf: true, Rd: 18, Rn: 19}},
	{0x5ac016b4, "cls w20, w21", Inst{Op: CLS, Rd: 20, Rn: 21}},

	// Data-processing (2 source).
	{0x9ac20820, "udiv x0, x1, x2", Inst{Op: UDIV, Sf: true, Rd: 0, Rn: 1, Rm: 2}},
	{0x1ac50883, "udiv w3, w4, w5", Inst{Op: UDIV, Rd: 3, Rn: 4, Rm: 5}},
	{0x9ac80ce6, "sdiv x6, x7, x8", Inst{Op: SDIV, Sf: true, Rd: 6, Rn: 7, Rm: 8}},
	{0x1acb0d49, "sdiv w9, w10, w11", Inst{Op: SDIV, Rd: 9, Rn: 10, Rm: 11}},
	{0x9ace21ac, "lsl x12, x13, x14", Inst{Op: LSLV, Sf: true, Rd: 12, Rn: 13, Rm: 14}},
	{0x1ad1260f, "lsr w15, w16, w17", Inst{Op: LSRV, Rd: 15, Rn: 16, Rm: 17}},
	{0x9ad42a72, "asr x18, x19, x20", Inst{Op: ASRV, Sf: true, Rd: 18, Rn: 19, Rm: 20}},
	{0x1ad72ed5, "ror w21, w22, w23", Inst{Op: RORV, Rd: 21, Rn: 22, Rm: 23}},
	{0x1ac24020, "crc32b w0, w1, w2", Inst{Op: CRC32, Rd: 0, Rn: 1, Rm: 2, Size: 0}},
	{0x1ac54483, "crc32h w3, w4, w5", Inst{Op: CRC32, Rd: 3, Rn: 4, Rm: 5, Size: 1}},
	{0x1ac848e6, "crc32w w6, w7, w8", Inst{Op: CRC32, Rd: 6, Rn: 7, Rm: 8, Size: 2}},
	{0x9acb4d49, "crc32x w9, w10, x11", Inst{Op: CRC32, Sf: true, Rd: 9, Rn: 10, Rm: 11, Size: 3}},
	{0x1ace51ac, "crc32cb w12, w13, w14", Inst{Op: CRC32C, Rd: 12, Rn: 13, Rm: 14, Size: 0}},
	{0x1ad1560f, "crc32ch w15, w16, w17", Inst{Op: CRC32C, Rd: 15, Rn: 16, Rm: 17, Size: 1}},
	{0x1ad45a72, "crc32cw w18, w19, w20", Inst{Op: CRC32C, Rd: 18, Rn: 19, Rm: 20, Size: 2}},
	{0x9ad75ed5, "crc32cx w21, w22, x23", Inst{Op: CRC32C, Sf: true, Rd: 21, Rn: 22, Rm: 23, Size: 3}},

	// Data-processing (3 source).
	{0x9b020c20, "madd x0, x1, x2, x3", Inst{Op: MADD, Sf: true, Rd: 0, Rn: 1, Rm: 2, Ra: 3}},
	{0x1b061ca4, "madd w4, w5, w6, w7", Inst{Op: MADD, Rd: 4, Rn: 5, Rm: 6, Ra: 7}},
	{0x9b0a7d28, "mul x8, x9, x10", Inst{Op: MADD, Sf: true, Rd: 8, Rn: 9, Rm: 10, Ra: ZR}},
	{0x1b0db98b, "msub w11, w12, w13, w14", Inst{Op: MSUB, Rd: 11, Rn: 12, Rm: 13, Ra: 14}},
	{0x9b11fe0f, "mneg x15, x16, x17", Inst{Op: MSUB, Sf: true, Rd: 15, Rn: 16, Rm: 17, Ra: ZR}},
	{0x9b345672, "smaddl x18, w19, w20, x21", Inst{Op: SMADDL, Sf: true, Rd: 18, Rn: 19, Rm: 20, Ra: 21}},
	{0x9b387ef6, "smull x22, w23, w24", Inst{Op: SMADDL, Sf: true, Rd: 22, Rn: 23, Rm: 24, Ra: ZR}},
	{0x9b3bf359, "smsubl x25, w26, w27, x28", Inst{Op: SMSUBL, Sf: true, Rd: 25, Rn: 26, Rm: 27, Ra: 28}},
	{0x9b20ffdd, "smnegl x29, w30, w0", Inst{Op: SMSUBL, Sf: true, Rd: 29, Rn: 30, Rm: 0, Ra: ZR}},
	{0x9ba31041, "umaddl x1, w2, w3, x4", Inst{Op: UMADDL, Sf: true, Rd: 1, Rn: 2, Rm: 3, Ra: 4}},
	{0x9ba77cc5, "umull x5, w6, w7", Inst{Op: UMADDL, Sf: true, Rd: 5, Rn: 6, Rm: 7, Ra: ZR}},
	{0x9baaad28, "umsubl x8, w9, w10, x11", Inst{Op: UMSUBL, Sf: true, Rd: 8, Rn: 9, Rm: 10, Ra: 11}},
	{0x9baefdac, "umnegl x12, w13, w14", Inst{Op: UMSUBL, Sf: true, Rd: 12, Rn: 13, Rm: 14, Ra: ZR}},
	{0x9b517e0f, "smulh x15, x16, x17", Inst{Op: SMULH, Sf: true, Rd: 15, Rn: 16, Rm: 17}},
	{0x9bd47e72, "umulh x18, x19, x20", Inst{Op: UMULH, Sf: true, Rd: 18, Rn: 19, Rm: 20}},
}

func TestDecodeDP(t *testing.T) {
	for _, tc := range dpDecodeTests {
		t.Run(tc.asm, func(t *testing.T) {
			got, err := Decode(tc.word)
			require.NoError(t, err)
			want := tc.want
			want.Word = tc.word
			assert.Equal(t, want, got)
		})
	}
}

// Every row of both classes is exercised by the table above, or for the
// PAC forms by pacCases (decode_pac_test.go).
func TestDecodeDPCoversEveryRow(t *testing.T) {
	var words []uint32
	for _, tc := range dpDecodeTests {
		words = append(words, tc.word)
	}
	for _, tc := range pacCases {
		words = append(words, tc.word)
	}
	for _, c := range []Class{ClassDPImm, ClassDPReg} {
		for _, e := range Encodings(c) {
			found := false
			for _, w := range words {
				if w&e.Mask == e.Value {
					found = true
					break
				}
			}
			assert.True(t, found, "no decode test for the %v row %#08x/%#08x", e.Op, e.Mask, e.Value)
		}
	}
}

// dpUnallocated are words of the two classes that the manual reserves, or
// that belong to forms kpemu does not implement (MTE, CSSC, FlagM).
var dpUnallocated = []struct {
	word  uint32
	class Class
	why   string
}{
	{0x92400000 | 0x3f<<10, ClassDPImm, "and x0, x0, #imms=111111 N=1: all-ones element"},
	{0x12000000 | 0x3d<<10, ClassDPImm, "and w0, w0, N=0 imms=111101: all-ones 2-bit element"},
	{0x12000000 | 0x3e<<10, ClassDPImm, "N=0 imms=11111x: len < 1"},
	{0x12400000, ClassDPImm, "and w0, w0 with N=1 (32-bit)"},
	{0x32800000, ClassDPImm, "move wide opc=01"},
	{0xb2800000, ClassDPImm, "move wide opc=01, 64-bit"},
	{0x12c00000, ClassDPImm, "movn w0 with hw=2"},
	{0x52c00000, ClassDPImm, "movz w0 with hw=2"},
	{0x12e00000, ClassDPImm, "movn w0 with hw=3"},
	{0x93000000, ClassDPImm, "sbfm x with N=0"},
	{0x13400000, ClassDPImm, "sbfm w with N=1"},
	{0x13200000, ClassDPImm, "sbfm w with immr=32"},
	{0x53008000, ClassDPImm, "ubfm w with imms=32"},
	{0x73000000, ClassDPImm, "bitfield opc=11"},
	{0x93800000, ClassDPImm, "extr x with N=0"},
	{0x13808000, ClassDPImm, "extr w with lsb=32"},
	{0x13a00000, ClassDPImm, "extract op21=01"},
	{0x13800000 | 1<<21, ClassDPImm, "extract o0=1"},
	{0x91800000, ClassDPImm, "addg (FEAT_MTE)"},
	{0x11c00000, ClassDPImm, "smax w0, w0, #0 (FEAT_CSSC)"},

	{0x0a008000, ClassDPReg, "and w0, w0, w0, lsl #32"},
	{0x0bc00000, ClassDPReg, "add with shift=ROR"},
	{0x4b008000, ClassDPReg, "sub w0, w0, w0, lsl #32"},
	{0x8b201400, ClassDPReg, "add (extended) with imm3=5"},
	{0x8b601c00, ClassDPReg, "add (extended) with opt=01"},
	{0x1a000400, ClassDPReg, "adc with opcode2 != 0"},
	{0x1a400000, ClassDPReg, "ccmp with S=0"},
	{0x7a400010, ClassDPReg, "ccmp with o3=1"},
	{0x7a400400, ClassDPReg, "ccmp with o2=1"},
	{0x3a800000, ClassDPReg, "csel with S=1"},
	{0x1a800800, ClassDPReg, "csel with op2=10"},
	{0x5ac00c00, ClassDPReg, "rev with opc=11 and sf=0"},
	{0x5ac01800, ClassDPReg, "ctz (FEAT_CSSC)"},
	{0xdac12003, ClassDPReg, "paciza with Rn != 11111"},
	{0xdac14803, ClassDPReg, "1-source opcode2=00001, opcode=010010"},
	{0x1ac43041, ClassDPReg, "pacga with sf=0"},
	{0x9ac01000, ClassDPReg, "irg (FEAT_MTE)"},
	{0xba000400, ClassDPReg, "rmif (FEAT_FlagM)"},
	{0x3a00080d, ClassDPReg, "setf8 (FEAT_FlagM)"},
	{0x1ac04c00, ClassDPReg, "crc32x with sf=0"},
	{0x9ac04000, ClassDPReg, "crc32b with sf=1"},
	{0x3ac00800, ClassDPReg, "udiv with S=1"},
	{0x1ac00000, ClassDPReg, "2-source opcode 000000"},
	{0x1b200000, ClassDPReg, "smaddl with sf=0"},
	{0x9b408000, ClassDPReg, "smulh with o0=1"},
	{0x9b600000, ClassDPReg, "3-source op31=011"},
	{0xbb000000, ClassDPReg, "3-source op54=01"},
}

func TestDecodeDPUnallocated(t *testing.T) {
	for _, tc := range dpUnallocated {
		t.Run(tc.why, func(t *testing.T) {
			require.Equal(t, tc.class, ClassOf(tc.word), "test word in the wrong class")
			in, err := Decode(tc.word)
			var ue *UndefinedError
			require.True(t, errors.As(err, &ue), "want UndefinedError, got %v (%v)", err, in.Op)
			assert.Equal(t, tc.word, ue.Word)
			assert.Equal(t, tc.class, ue.Class)
			assert.Contains(t, err.Error(), tc.class.String())
			assert.Equal(t, OpInvalid, in.Op)
		})
	}
}

// TestDecodeBitMasks checks DecodeBitMasks against the definition run
// backwards: every element size, run of ones and rotation, replicated,
// must come from exactly one encoding; everything else is reserved.
func TestDecodeBitMasks(t *testing.T) {
	want := map[[3]uint32]uint64{} // N, immr, imms -> mask
	for esize := uint32(2); esize <= 64; esize *= 2 {
		for ones := uint32(1); ones < esize; ones++ {
			for rot := uint32(0); rot < esize; rot++ {
				elem := uint64(1)<<ones - 1
				elem = (elem>>rot | elem<<(esize-rot)) & (uint64(1)<<esize - 1)
				v := elem
				for e := esize; e < 64; e *= 2 {
					v |= v << e
				}
				// imms: the size prefix (ones then a zero, from
				// bit 5 down) with ones-1 in the low bits.
				n := uint32(0)
				imms := (^(esize*2 - 1) & 0x3f) | (ones - 1)
				if esize == 64 {
					n, imms = 1, ones-1
				}
				want[[3]uint32{n, rot, imms}] = v
			}
		}
	}
	require.Len(t, want, 5334, "the number of 64-bit logical immediates")
	valid32 := map[uint64]bool{}
	for n := uint32(0); n < 2; n++ {
		for immr := uint32(0); immr < 64; immr++ {
			for imms := uint32(0); imms < 64; imms++ {
				got, ok := decodeBitMasks(n == 1, imms, immr, 64)
				// immr bits above the element size are ignored.
				key := [3]uint32{n, immr, imms}
				esize := uint32(64)
				if v := imms ^ 0x3f; n == 0 && v != 0 {
					esize = 1 << (mbits.Len32(v) - 1)
				} else if n == 0 {
					esize = 1 // no element: reserved
				}
				key[1] = immr & (esize - 1)
				w, exists := want[key]
				if !assert.Equal(t, exists, ok, "N=%d immr=%d imms=%d", n, immr, imms) {
					continue
				}
				assert.Equal(t, w, got, "N=%d immr=%d imms=%d", n, immr, imms)
				if ok && n == 0 {
					got32, ok32 := decodeBitMasks(false, imms, immr, 32)
					require.True(t, ok32)
					assert.Equal(t, uint64(uint32(w)), got32)
					if immr < 32 {
						valid32[got32] = true
					}
				}
			}
		}
	}
	assert.Len(t, valid32, 1302, "the number of 32-bit logical immediates")
}

// dpRandomWord returns a random word of one of the two classes.
func dpRandomWord(r *rand.Rand) uint32 {
	for {
		w := r.Uint32()
		if c := ClassOf(w); c == ClassDPImm || c == ClassDPReg {
			return w
		}
	}
}

// TestDecodeDPRandom decodes a few million random words of the two
// classes: no panic, the result is an op of the word's class or an
// UndefinedError naming the class, and decoding is a function of the word.
func TestDecodeDPRandom(t *testing.T) {
	n := 3_000_000
	if testing.Short() {
		n = 200_000
	}
	r := rand.New(rand.NewSource(1))
	decoded := map[Op]int{}
	for i := 0; i < n; i++ {
		w := dpRandomWord(r)
		in, err := Decode(w)
		if err != nil {
			var ue *UndefinedError
			if !errors.As(err, &ue) || ue.Class != ClassOf(w) || ue.Word != w {
				t.Fatalf("%#08x: %v", w, err)
			}
			continue
		}
		if in.Op.Class() != ClassOf(w) || in.Word != w {
			t.Fatalf("%#08x decoded to %v of %v", w, in.Op, in.Op.Class())
		}
		decoded[in.Op]++
	}
	// Every op of the classes shows up among random words, but the PAC
	// ops, whose rows fix 22 to 27 bits (TestPACRoundTrip enumerates
	// them).
	for _, op := range Ops() {
		if c := op.Class(); (c == ClassDPImm || c == ClassDPReg) && op-classBase(c) < pacOpsBase {
			assert.NotZero(t, decoded[op], "%v never decoded from random words", op)
		}
	}
}

// FuzzDecodeDP: any word decodes without panicking, and decoding is
// deterministic (a decoded word decodes to the same Inst again, and its
// printer does not panic either).
func FuzzDecodeDP(f *testing.F) {
	for _, tc := range dpDecodeTests {
		f.Add(tc.word)
	}
	for _, tc := range dpUnallocated {
		f.Add(tc.word)
	}
	f.Fuzz(func(t *testing.T, w uint32) {
		in, err := Decode(w)
		if err != nil {
			var ue *UndefinedError
			require.True(t, errors.As(err, &ue), "%#08x: %v", w, err)
			return
		}
		again, err := Decode(in.Word)
		require.NoError(t, err)
		require.Equal(t, in, again)
		_ = GNUSyntax(in)
	})
}

// TestDPPrinters checks our printers (the forms where arm64asm disagrees
// with objdump) against aarch64-linux-gnu-objdump -d's output for the same
// words, verbatim.
func TestDPPrinters(t *testing.T) {
	for _, tc := range []struct {
		word uint32
		want string
	}{
		{0xb25a07ff, "mov\tsp, #0xc000000000          \t// #824633720832"},
		{0xb25a07e1, "orr\tx1, xzr, #0xc000000000"},
		{0xb277dfe1, "orr\tx1, xzr, #0xfffffffffffffe01"},
		{0xb277dfff, "mov\tsp, #0xfffffffffffffe01    \t// #-511"},
		{0xb200f3e1, "mov\tx1, #0x5555555555555555    \t// #6148914691236517205"},
		{0x32003fff, "mov\twsp, #0xffff                \t// #65535"},
		{0x32003fe1, "orr\tw1, wzr, #0xffff"},
		{0x32103fe1, "orr\tw1, wzr, #0xffff0000"},
		{0x321f7be1, "orr\tw1, wzr, #0xfffffffe"},
		{0x320c1fe1, "orr\tw1, wzr, #0xff00000"},
		{0xb2407fe1, "mov\tx1, #0xffffffff            \t// #4294967295"},
		{0xb2003fe1, "mov\tx1, #0xffff0000ffff        \t// #281470681808895"},
		{0x3200f3e0, "mov\tw0, #0x55555555            \t// #1431655765"},
		{0xb2400c41, "orr\tx1, x2, #0xf"},
		{0xb37c0ce6, "bfi\tx6, x7, #4, #4"},
		{0x331c1d28, "bfi\tw8, w9, #4, #8"},
		{0xb342196a, "bfxil\tx10, x11, #2, #5"},
		{0xb3780fec, "bfc\tx12, #8, #4"},
		{0x330c07f5, "bfc\tw21, #20, #2"},
		{0xb36783e3, "bfc\tx3, #25, #33"},
		{0xba410004, "ccmn\tx0, x1, #0x4, eq\t// eq = none"},
		{0x7a43f04f, "ccmp\tw2, w3, #0xf, nv"},
		{0x3a5f8880, "ccmn\tw4, #0x1f, #0x0, hi\t// hi = pmore"},
		{0xfa40b8a8, "ccmp\tx5, #0x0, #0x8, lt\t// lt = tstop"},
		{0x3a5dfb65, "ccmn\tw27, #0x1d, #0x5, nv"},
		{0x9a820020, "csel\tx0, x1, x2, eq\t// eq = none"},
		{0x9a83f1f1, "csel\tx17, x15, x3, nv"},
		{0x1a851483, "csinc\tw3, w4, w5, ne\t// ne = any"},
		{0x9a9f37e6, "cset\tx6, cs\t// cs = hs, nlast"},
		{0x1a885507, "cinc\tw7, w8, mi\t// mi = first"},
		{0x9a9df649, "csinc\tx9, x18, x29, nv"},
		{0xda8ba149, "csinv\tx9, x10, x11, ge\t// ge = tcont"},
		{0x5a9fa3ec, "csetm\tw12, lt\t// lt = tstop"},
		{0xda8ed1cd, "cinv\tx13, x14, gt"},
		{0x5a91d60f, "csneg\tw15, w16, w17, le"},
		{0xda937672, "cneg\tx18, x19, vs"},
		{0x5a92e497, "csneg\tw23, w4, w18, al"},
	} {
		in, err := Decode(tc.word)
		require.NoError(t, err, "%#08x", tc.word)
		assert.Equal(t, tc.want, GNUSyntax(in), "%#08x", tc.word)
	}
}
