package arm64

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simdCase is a word assembled by aarch64-linux-gnu-as (binutils 2.40) from
// asm, the text aarch64-linux-gnu-objdump -d prints for it, and the decoded
// instruction (Word is filled in by the test). For the literal loads
// objdump's absolute target is written as the offset from the instruction,
// as GNUSyntax prints it.
type simdCase struct {
	word uint32
	asm  string
	gnu  string
	want Inst
}

var simdLdStCases = []simdCase{
	{0x3d401441, "ldr b1, [x2, #5]", "ldr\tb1, [x2, #5]", Inst{Op: LDRimmFP, Rt: 1, Rn: R(2), Size: 0, Imm: 5, Mode: AddrOffset}},
	{0x7d400c41, "ldr h1, [x2, #6]", "ldr\th1, [x2, #6]", Inst{Op: LDRimmFP, Rt: 1, Rn: R(2), Size: 1, Imm: 6, Mode: AddrOffset}},
	{0xbd3fffe3, "str s3, [sp, #16380]", "str\ts3, [sp, #16380]", Inst{Op: STRimmFP, Rt: 3, Rn: SP, Size: 2, Imm: 16380, Mode: AddrOffset}},
	{0xfd7ffca4, "ldr d4, [x5, #32760]", "ldr\td4, [x5, #32760]", Inst{Op: LDRimmFP, Rt: 4, Rn: R(5), Size: 3, Imm: 32760, Mode: AddrOffset}},
	{0x3dc00400, "ldr q0, [x0, #16]", "ldr\tq0, [x0, #16]", Inst{Op: LDRimmFP, Rt: 0, Rn: R(0), Size: 4, Imm: 16, Mode: AddrOffset}},
	{0x3d8003df, "str q31, [x30]", "str\tq31, [x30]", Inst{Op: STRimmFP, Rt: 31, Rn: R(30), Size: 4, Imm: 0, Mode: AddrOffset}},
	{0x3cdfd000, "ldur q0, [x0, #-3]", "ldur\tq0, [x0, #-3]", Inst{Op: LDURFP, Rt: 0, Rn: R(0), Size: 4, Imm: -3, Mode: AddrOffset}},
	{0xfc0ff3e1, "stur d1, [sp, #255]", "stur\td1, [sp, #255]", Inst{Op: STURFP, Rt: 1, Rn: SP, Size: 3, Imm: 255, Mode: AddrOffset}},
	{0x3cc10c00, "ldr q0, [x0, #16]!", "ldr\tq0, [x0, #16]!", Inst{Op: LDRimmFP, Rt: 0, Rn: R(0), Size: 4, Imm: 16, Mode: AddrPreIndex}},
	{0x3c100462, "str b2, [x3], #-256", "str\tb2, [x3], #-256", Inst{Op: STRimmFP, Rt: 2, Rn: R(3), Size: 0, Imm: -256, Mode: AddrPostIndex}},
	{0xbc4044c5, "ldr s5, [x6], #4", "ldr\ts5, [x6], #4", Inst{Op: LDRimmFP, Rt: 5, Rn: R(6), Size: 2, Imm: 4, Mode: AddrPostIndex}},
	{0x7c1fefe7, "str h7, [sp, #-2]!", "str\th7, [sp, #-2]!", Inst{Op: STRimmFP, Rt: 7, Rn: SP, Size: 1, Imm: -2, Mode: AddrPreIndex}},
	{0x3c626820, "ldr b0, [x1, x2]", "ldr\tb0, [x1, x2]", Inst{Op: LDRregFP, Rt: 0, Rn: R(1), Rm: R(2), Size: 0, Ext: UXTX, Mode: AddrRegOffset}},
	{0x3c627820, "ldr b0, [x1, x2, lsl #0]", "ldr\tb0, [x1, x2, lsl #0]", Inst{Op: LDRregFP, Rt: 0, Rn: R(1), Rm: R(2), Size: 0, Ext: UXTX, Imm2: 1, Mode: AddrRegOffset}},
	{0x7c62d820, "ldr h0, [x1, w2, sxtw #1]", "ldr\th0, [x1, w2, sxtw #1]", Inst{Op: LDRregFP, Rt: 0, Rn: R(1), Rm: R(2), Size: 1, Ext: SXTW, Amount: 1, Mode: AddrRegOffset}},
	{0x3cbff883, "str q3, [x4, xzr, sxtx #4]", "str\tq3, [x4, xzr, sxtx #4]", Inst{Op: STRregFP, Rt: 3, Rn: R(4), Rm: ZR, Size: 4, Ext: SXTX, Amount: 4, Mode: AddrRegOffset}},
	{0xfc624be0, "ldr d0, [sp, w2, uxtw]", "ldr\td0, [sp, w2, uxtw]", Inst{Op: LDRregFP, Rt: 0, Rn: SP, Rm: R(2), Size: 3, Ext: UXTW, Mode: AddrRegOffset}},
	{0xbc227829, "str s9, [x1, x2, lsl #2]", "str\ts9, [x1, x2, lsl #2]", Inst{Op: STRregFP, Rt: 9, Rn: R(1), Rm: R(2), Size: 2, Ext: UXTX, Amount: 2, Mode: AddrRegOffset}},
	{0x9c000020, "ldr q0, .+4", "ldr\tq0, .+0x4", Inst{Op: LDRlitFP, Rt: 0, Size: 4, Imm: 4, Mode: AddrLiteral}},
	{0x1cffffc1, "ldr s1, .-8", "ldr\ts1, .-0x8", Inst{Op: LDRlitFP, Rt: 1, Size: 2, Imm: -8, Mode: AddrLiteral}},
	{0x5c7fffe2, "ldr d2, .+0xffffc", "ldr\td2, .+0xffffc", Inst{Op: LDRlitFP, Rt: 2, Size: 3, Imm: 0xffffc, Mode: AddrLiteral}},
	{0xadff07e0, "ldp q0, q1, [sp, #-32]!", "ldp\tq0, q1, [sp, #-32]!", Inst{Op: LDPFP, Rt: 0, Rt2: 1, Rn: SP, Size: 4, Imm: -32, Mode: AddrPreIndex}},
	{0x2ca00c82, "stp s2, s3, [x4], #-256", "stp\ts2, s3, [x4], #-256", Inst{Op: STPFP, Rt: 2, Rt2: 3, Rn: R(4), Size: 2, Imm: -256, Mode: AddrPostIndex}},
	{0x6d5f98e5, "ldp d5, d6, [x7, #504]", "ldp\td5, d6, [x7, #504]", Inst{Op: LDPFP, Rt: 5, Rt2: 6, Rn: R(7), Size: 3, Imm: 504, Mode: AddrOffset}},
	{0xacc10fe2, "ldp q2, q3, [sp], #32", "ldp\tq2, q3, [sp], #32", Inst{Op: LDPFP, Rt: 2, Rt2: 3, Rn: SP, Size: 4, Imm: 32, Mode: AddrPostIndex}},
	{0xad200400, "stp q0, q1, [x0, #-1024]", "stp\tq0, q1, [x0, #-1024]", Inst{Op: STPFP, Rt: 0, Rt2: 1, Rn: R(0), Size: 4, Imm: -1024, Mode: AddrOffset}},
	{0x6dbf0400, "stp d0, d1, [x0, #-16]!", "stp\td0, d1, [x0, #-16]!", Inst{Op: STPFP, Rt: 0, Rt2: 1, Rn: R(0), Size: 3, Imm: -16, Mode: AddrPreIndex}},
	{0xac1fa548, "stnp q8, q9, [x10, #1008]", "stnp\tq8, q9, [x10, #1008]", Inst{Op: STNPFP, Rt: 8, Rt2: 9, Rn: R(10), Size: 4, Imm: 1008, Mode: AddrOffset}},
	{0x2c400440, "ldnp s0, s1, [x2]", "ldnp\ts0, s1, [x2]", Inst{Op: LDNPFP, Rt: 0, Rt2: 1, Rn: R(2), Size: 2, Imm: 0, Mode: AddrOffset}},
	{0x4c407000, "ld1 {v0.16b}, [x0]", "ld1\t{v0.16b}, [x0]", Inst{Op: LD1mult, Rt: 0, Rn: R(0), Size: 0, Sf: true, Imm2: 1, Mode: AddrNone}},
	{0x4cdfa000, "ld1 {v0.16b, v1.16b}, [x0], #32", "ld1\t{v0.16b, v1.16b}, [x0], #32", Inst{Op: LD1mult, Rt: 0, Rn: R(0), Rm: ZR, Size: 0, Sf: true, Imm: 32, Imm2: 2, Mode: AddrPostIndex}},
	{0x4cc32000, "ld1 {v0.16b-v3.16b}, [x0], x3", "ld1\t{v0.16b-v3.16b}, [x0], x3", Inst{Op: LD1mult, Rt: 0, Rn: R(0), Rm: R(3), Size: 0, Sf: true, Imm2: 4, Mode: AddrPostIndex}},
	{0x0c406bfe, "ld1 {v30.2s, v31.2s, v0.2s}, [sp]", "ld1\t{v30.2s, v31.2s, v0.2s}, [sp]", Inst{Op: LD1mult, Rt: 30, Rn: SP, Size: 2, Imm2: 3, Mode: AddrNone}},
	{0x0c9f7c20, "st1 {v0.1d}, [x1], #8", "st1\t{v0.1d}, [x1], #8", Inst{Op: ST1mult, Rt: 0, Rn: R(1), Rm: ZR, Size: 3, Imm: 8, Imm2: 1, Mode: AddrPostIndex}},
	{0x4c002444, "st1 {v4.8h-v7.8h}, [x2]", "st1\t{v4.8h-v7.8h}, [x2]", Inst{Op: ST1mult, Rt: 4, Rn: R(2), Size: 1, Sf: true, Imm2: 4, Mode: AddrNone}},
	{0x0c896444, "st1 {v4.4h-v6.4h}, [x2], x9", "st1\t{v4.4h-v6.4h}, [x2], x9", Inst{Op: ST1mult, Rt: 4, Rn: R(2), Rm: R(9), Size: 1, Imm2: 3, Mode: AddrPostIndex}},
	{0x4c40ac41, "ld1 {v1.2d, v2.2d}, [x2]", "ld1\t{v1.2d, v2.2d}, [x2]", Inst{Op: LD1mult, Rt: 1, Rn: R(2), Size: 3, Sf: true, Imm2: 2, Mode: AddrNone}},
	{0x4c408820, "ld2 {v0.4s, v1.4s}, [x1]", "ld2\t{v0.4s, v1.4s}, [x1]", Inst{Op: LD2mult, Rt: 0, Rn: R(1), Size: 2, Sf: true, Imm2: 2, Mode: AddrNone}},
	{0x0cdf4020, "ld3 {v0.8b-v2.8b}, [x1], #24", "ld3\t{v0.8b-v2.8b}, [x1], #24", Inst{Op: LD3mult, Rt: 0, Rn: R(1), Rm: ZR, Size: 0, Imm: 24, Imm2: 3, Mode: AddrPostIndex}},
	{0x4cc20c20, "ld4 {v0.2d-v3.2d}, [x1], x2", "ld4\t{v0.2d-v3.2d}, [x1], x2", Inst{Op: LD4mult, Rt: 0, Rn: R(1), Rm: R(2), Size: 3, Sf: true, Imm2: 4, Mode: AddrPostIndex}},
	{0x4c9f8400, "st2 {v0.8h, v1.8h}, [x0], #32", "st2\t{v0.8h, v1.8h}, [x0], #32", Inst{Op: ST2mult, Rt: 0, Rn: R(0), Rm: ZR, Size: 1, Sf: true, Imm: 32, Imm2: 2, Mode: AddrPostIndex}},
	{0x0c004401, "st3 {v1.4h-v3.4h}, [x0]", "st3\t{v1.4h-v3.4h}, [x0]", Inst{Op: ST3mult, Rt: 1, Rn: R(0), Size: 1, Imm2: 3, Mode: AddrNone}},
	{0x4c9f0000, "st4 {v0.16b-v3.16b}, [x0], #64", "st4\t{v0.16b-v3.16b}, [x0], #64", Inst{Op: ST4mult, Rt: 0, Rn: R(0), Rm: ZR, Size: 0, Sf: true, Imm: 64, Imm2: 4, Mode: AddrPostIndex}},
	{0x0cc48020, "ld2 {v0.8b, v1.8b}, [x1], x4", "ld2\t{v0.8b, v1.8b}, [x1], x4", Inst{Op: LD2mult, Rt: 0, Rn: R(1), Rm: R(4), Size: 0, Imm2: 2, Mode: AddrPostIndex}},
	{0x4c404825, "ld3 {v5.4s-v7.4s}, [x1]", "ld3\t{v5.4s-v7.4s}, [x1]", Inst{Op: LD3mult, Rt: 5, Rn: R(1), Size: 2, Sf: true, Imm2: 3, Mode: AddrNone}},
	{0x0c400020, "ld4 {v0.8b-v3.8b}, [x1]", "ld4\t{v0.8b-v3.8b}, [x1]", Inst{Op: LD4mult, Rt: 0, Rn: R(1), Size: 0, Imm2: 4, Mode: AddrNone}},
	{0x0c008820, "st2 {v0.2s, v1.2s}, [x1]", "st2\t{v0.2s, v1.2s}, [x1]", Inst{Op: ST2mult, Rt: 0, Rn: R(1), Size: 2, Imm2: 2, Mode: AddrNone}},
	{0x4c834c20, "st3 {v0.2d-v2.2d}, [x1], x3", "st3\t{v0.2d-v2.2d}, [x1], x3", Inst{Op: ST3mult, Rt: 0, Rn: R(1), Rm: R(3), Size: 3, Sf: true, Imm2: 3, Mode: AddrPostIndex}},
	{0x4c000820, "st4 {v0.4s-v3.4s}, [x1]", "st4\t{v0.4s-v3.4s}, [x1]", Inst{Op: ST4mult, Rt: 0, Rn: R(1), Size: 2, Sf: true, Imm2: 4, Mode: AddrNone}},
	{0x0d409003, "ld1 {v3.s}[1], [x0]", "ld1\t{v3.s}[1], [x0]", Inst{Op: LD1single, Rt: 3, Rn: R(0), Size: 2, Imm2: 1, Mode: AddrNone}},
	{0x4ddf1c03, "ld1 {v3.b}[15], [x0], #1", "ld1\t{v3.b}[15], [x0], #1", Inst{Op: LD1single, Rt: 3, Rn: R(0), Rm: ZR, Size: 0, Imm: 1, Imm2: 15, Mode: AddrPostIndex}},
	{0x4dc58403, "ld1 {v3.d}[1], [x0], x5", "ld1\t{v3.d}[1], [x0], x5", Inst{Op: LD1single, Rt: 3, Rn: R(0), Rm: R(5), Size: 3, Imm2: 1, Mode: AddrPostIndex}},
	{0x4d005be3, "st1 {v3.h}[7], [sp]", "st1\t{v3.h}[7], [sp]", Inst{Op: ST1single, Rt: 3, Rn: SP, Size: 1, Imm2: 7, Mode: AddrNone}},
	{0x4d9f8003, "st1 {v3.s}[2], [x0], #4", "st1\t{v3.s}[2], [x0], #4", Inst{Op: ST1single, Rt: 3, Rn: R(0), Rm: ZR, Size: 2, Imm: 4, Imm2: 2, Mode: AddrPostIndex}},
	{0x0d605800, "ld2 {v0.h, v1.h}[3], [x0]", "ld2\t{v0.h, v1.h}[3], [x0]", Inst{Op: LD2single, Rt: 0, Rn: R(0), Size: 1, Imm2: 3, Mode: AddrNone}},
	{0x4dff9000, "ld2 {v0.s, v1.s}[3], [x0], #8", "ld2\t{v0.s, v1.s}[3], [x0], #8", Inst{Op: LD2single, Rt: 0, Rn: R(0), Rm: ZR, Size: 2, Imm: 8, Imm2: 3, Mode: AddrPostIndex}},
	{0x0d200800, "st2 {v0.b, v1.b}[2], [x0]", "st2\t{v0.b, v1.b}[2], [x0]", Inst{Op: ST2single, Rt: 0, Rn: R(0), Size: 0, Imm2: 2, Mode: AddrNone}},
	{0x4da18400, "st2 {v0.d, v1.d}[1], [x0], x1", "st2\t{v0.d, v1.d}[1], [x0], x1", Inst{Op: ST2single, Rt: 0, Rn: R(0), Rm: R(1), Size: 3, Imm2: 1, Mode: AddrPostIndex}},
	{0x0ddfa400, "ld3 {v0.d-v2.d}[0], [x0], #24", "ld3\t{v0.d-v2.d}[0], [x0], #24", Inst{Op: LD3single, Rt: 0, Rn: R(0), Rm: ZR, Size: 3, Imm: 24, Imm2: 0, Mode: AddrPostIndex}},
	{0x0d403400, "ld3 {v0.b-v2.b}[5], [x0]", "ld3\t{v0.b-v2.b}[5], [x0]", Inst{Op: LD3single, Rt: 0, Rn: R(0), Size: 0, Imm2: 5, Mode: AddrNone}},
	{0x0d00201e, "st3 {v30.b, v31.b, v0.b}[0], [x0]", "st3\t{v30.b, v31.b, v0.b}[0], [x0]", Inst{Op: ST3single, Rt: 30, Rn: R(0), Size: 0, Imm2: 0, Mode: AddrNone}},
	{0x4d9f6001, "st3 {v1.h-v3.h}[4], [x0], #6", "st3\t{v1.h-v3.h}[4], [x0], #6", Inst{Op: ST3single, Rt: 1, Rn: R(0), Rm: ZR, Size: 1, Imm: 6, Imm2: 4, Mode: AddrPostIndex}},
	{0x4dff2400, "ld4 {v0.b-v3.b}[9], [x0], #4", "ld4\t{v0.b-v3.b}[9], [x0], #4", Inst{Op: LD4single, Rt: 0, Rn: R(0), Rm: ZR, Size: 0, Imm: 4, Imm2: 9, Mode: AddrPostIndex}},
	{0x0d60a000, "ld4 {v0.s-v3.s}[0], [x0]", "ld4\t{v0.s-v3.s}[0], [x0]", Inst{Op: LD4single, Rt: 0, Rn: R(0), Size: 2, Imm2: 0, Mode: AddrNone}},
	{0x4dbfb000, "st4 {v0.s-v3.s}[3], [x0], #16", "st4\t{v0.s-v3.s}[3], [x0], #16", Inst{Op: ST4single, Rt: 0, Rn: R(0), Rm: ZR, Size: 2, Imm: 16, Imm2: 3, Mode: AddrPostIndex}},
	{0x4d20a400, "st4 {v0.d-v3.d}[1], [x0]", "st4\t{v0.d-v3.d}[1], [x0]", Inst{Op: ST4single, Rt: 0, Rn: R(0), Size: 3, Imm2: 1, Mode: AddrNone}},
	{0x4ddfc403, "ld1r {v3.8h}, [x0], #2", "ld1r\t{v3.8h}, [x0], #2", Inst{Op: LD1R, Rt: 3, Rn: R(0), Rm: ZR, Size: 1, Sf: true, Imm: 2, Mode: AddrPostIndex}},
	{0x0d40cc20, "ld1r {v0.1d}, [x1]", "ld1r\t{v0.1d}, [x1]", Inst{Op: LD1R, Rt: 0, Rn: R(1), Size: 3, Mode: AddrNone}},
	{0x4de2c820, "ld2r {v0.4s, v1.4s}, [x1], x2", "ld2r\t{v0.4s, v1.4s}, [x1], x2", Inst{Op: LD2R, Rt: 0, Rn: R(1), Rm: R(2), Size: 2, Sf: true, Mode: AddrPostIndex}},
	{0x0d60c020, "ld2r {v0.8b, v1.8b}, [x1]", "ld2r\t{v0.8b, v1.8b}, [x1]", Inst{Op: LD2R, Rt: 0, Rn: R(1), Size: 0, Mode: AddrNone}},
	{0x0d40e020, "ld3r {v0.8b-v2.8b}, [x1]", "ld3r\t{v0.8b-v2.8b}, [x1]", Inst{Op: LD3R, Rt: 0, Rn: R(1), Size: 0, Mode: AddrNone}},
	{0x0ddfe420, "ld3r {v0.4h-v2.4h}, [x1], #6", "ld3r\t{v0.4h-v2.4h}, [x1], #6", Inst{Op: LD3R, Rt: 0, Rn: R(1), Rm: ZR, Size: 1, Imm: 6, Mode: AddrPostIndex}},
	{0x4dffec20, "ld4r {v0.2d-v3.2d}, [x1], #32", "ld4r\t{v0.2d-v3.2d}, [x1], #32", Inst{Op: LD4R, Rt: 0, Rn: R(1), Rm: ZR, Size: 3, Sf: true, Imm: 32, Mode: AddrPostIndex}},
	{0x0d60ebe0, "ld4r {v0.2s-v3.2s}, [sp]", "ld4r\t{v0.2s-v3.2s}, [sp]", Inst{Op: LD4R, Rt: 0, Rn: SP, Size: 2, Mode: AddrNone}},
}

var simdDataCases = []simdCase{
	{0x1e260041, "fmov w1, s2", "fmov\tw1, s2", Inst{Op: FMOVgen, Rd: 1, Rn: 2, Size: 2, Imm: 1}},
	{0x1e2703e2, "fmov s2, wzr", "fmov\ts2, wzr", Inst{Op: FMOVgen, Rd: 2, Rn: ZR, Size: 2}},
	{0x9e660001, "fmov x1, d0", "fmov\tx1, d0", Inst{Op: FMOVgen, Rd: 1, Rn: 0, Size: 3, Sf: true, Imm: 1}},
	{0x9e670020, "fmov d0, x1", "fmov\td0, x1", Inst{Op: FMOVgen, Rd: 0, Rn: 1, Size: 3, Sf: true}},
	{0x9eae0083, "fmov x3, v4.d[1]", "fmov\tx3, v4.d[1]", Inst{Op: FMOVgen, Rd: 3, Rn: 4, Size: 3, Sf: true, Imm: 1, Imm2: 1}},
	{0x9eaf0060, "fmov v0.d[1], x3", "fmov\tv0.d[1], x3", Inst{Op: FMOVgen, Rd: 0, Rn: 3, Size: 3, Sf: true, Imm2: 1}},
	{0x1e604041, "fmov d1, d2", "fmov\td1, d2", Inst{Op: FMOVreg, Rd: 1, Rn: 2, Size: 3}},
	{0x1e204041, "fmov s1, s2", "fmov\ts1, s2", Inst{Op: FMOVreg, Rd: 1, Rn: 2, Size: 2}},
	{0x1e2e1000, "fmov s0, #1.0", "fmov\ts0, #1.000000000000000000e+00", Inst{Op: FMOVimm, Rd: 0, Size: 2, Imm: 0x3f800000, Imm2: 0x70}},
	{0x1e70901f, "fmov d31, #-2.5", "fmov\td31, #-2.500000000000000000e+00", Inst{Op: FMOVimm, Rd: 31, Size: 3, Imm: -0x3ffc000000000000, Imm2: 0x84}},
	{0x6f00e400, "movi v0.2d, #0", "movi\tv0.2d, #0x0", Inst{Op: MOVI, Rd: 0, Size: 3, Sf: true, Imm: 0, Imm2: 0x1e00}},
	{0x2f00e4a0, "movi d0, #0xff00ff", "movi\td0, #0xff00ff", Inst{Op: MOVI, Rd: 0, Size: 3, Imm: 0xff00ff, Imm2: 0x1e05}},
	{0x4f002640, "movi v0.4s, #0x12, lsl #8", "movi\tv0.4s, #0x12, lsl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Sf: true, Imm: 0x0000120000001200, Imm2: 0x0212}},
	{0x4f00c640, "movi v0.4s, #0x12, msl #8", "movi\tv0.4s, #0x12, msl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Sf: true, Imm: 0x000012ff000012ff, Imm2: 0x0c12}},
	{0x4f00e640, "movi v0.16b, #0x12", "movi\tv0.16b, #0x12", Inst{Op: MOVI, Rd: 0, Size: 0, Sf: true, Imm: 0x1212121212121212, Imm2: 0x0e12}},
	{0x0f058561, "movi v1.4h, #0xab", "movi\tv1.4h, #0xab", Inst{Op: MOVI, Rd: 1, Size: 1, Imm: 0x00ab00ab00ab00ab, Imm2: 0x08ab}},
	{0x0f056562, "movi v2.2s, #0xab, lsl #24", "movi\tv2.2s, #0xab, lsl #24", Inst{Op: MOVI, Rd: 2, Size: 2, Imm: -0x54ffffff55000000, Imm2: 0x06ab}},
	{0x6f00a640, "mvni v0.8h, #0x12, lsl #8", "mvni\tv0.8h, #0x12, lsl #8", Inst{Op: MVNI, Rd: 0, Size: 1, Sf: true, Imm: 0x1200120012001200, Imm2: 0x1a12}},
	{0x2f00d420, "mvni v0.2s, #0x1, msl #16", "mvni\tv0.2s, #0x1, msl #16", Inst{Op: MVNI, Rd: 0, Size: 2, Imm: 0x0001ffff0001ffff, Imm2: 0x1d01}},
	{0x6f004420, "mvni v0.4s, #0x1, lsl #16", "mvni\tv0.4s, #0x1, lsl #16", Inst{Op: MVNI, Rd: 0, Size: 2, Sf: true, Imm: 0x0001000000010000, Imm2: 0x1401}},
	{0x6f003640, "bic v0.4s, #0x12, lsl #8", "bic\tv0.4s, #0x12, lsl #8", Inst{Op: BICvecImm, Rd: 0, Size: 2, Sf: true, Imm: 0x0000120000001200, Imm2: 0x1312}},
	{0x2f0797e0, "bic v0.4h, #0xff", "bic\tv0.4h, #0xff", Inst{Op: BICvecImm, Rd: 0, Size: 1, Imm: 0x00ff00ff00ff00ff, Imm2: 0x19ff}},
	{0x4f001640, "orr v0.4s, #0x12", "orr\tv0.4s, #0x12", Inst{Op: ORRvecImm, Rd: 0, Size: 2, Sf: true, Imm: 0x0000001200000012, Imm2: 0x0112}},
	{0x0f04b403, "orr v3.4h, #0x80, lsl #8", "orr\tv3.4h, #0x80, lsl #8", Inst{Op: ORRvecImm, Rd: 3, Size: 1, Imm: -0x7fff7fff7fff8000, Imm2: 0x0b80}},
	{0x4f03f600, "fmov v0.4s, #1.0", "fmov\tv0.4s, #1.000000000000000000e+00", Inst{Op: FMOVvecImm, Rd: 0, Size: 2, Sf: true, Imm: 0x3f8000003f800000, Imm2: 0x0f70}},
	{0x6f04f400, "fmov v0.2d, #-2.0", "fmov\tv0.2d, #-2.000000000000000000e+00", Inst{Op: FMOVvecImm, Rd: 0, Size: 3, Sf: true, Imm: -0x4000000000000000, Imm2: 0x1f80}},
	// Encodings of a pattern that another encoding also gives: Imm2 tells
	// them apart.
	{0x4f002400, "movi v0.4s, #0x0, lsl #8", "movi\tv0.4s, #0x0, lsl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Sf: true, Imm: 0, Imm2: 0x0200}},
	{0x0f00c400, "movi v0.2s, #0, msl #8", "movi\tv0.2s, #0x0, msl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x000000ff000000ff, Imm2: 0x0c00}},
	{0x0f00d400, "movi v0.2s, #0, msl #16", "movi\tv0.2s, #0x0, msl #16", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x0000ffff0000ffff, Imm2: 0x0d00}},
	{0x0f07c7e0, "movi v0.2s, #0xff, msl #8", "movi\tv0.2s, #0xff, msl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x0000ffff0000ffff, Imm2: 0x0cff}},
	{0x2f00b404, "bic v4.4h, #0x0, lsl #8", "bic\tv4.4h, #0x0, lsl #8", Inst{Op: BICvecImm, Rd: 4, Size: 1, Imm: 0, Imm2: 0x1b00}},
	{0x4e221c20, "and v0.16b, v1.16b, v2.16b", "and\tv0.16b, v1.16b, v2.16b", Inst{Op: ANDvec, Rd: 0, Rn: 1, Rm: 2, Sf: true}},
	{0x0e621c20, "bic v0.8b, v1.8b, v2.8b", "bic\tv0.8b, v1.8b, v2.8b", Inst{Op: BICvecReg, Rd: 0, Rn: 1, Rm: 2}},
	{0x4ea11c20, "mov v0.16b, v1.16b", "mov\tv0.16b, v1.16b", Inst{Op: ORRvecReg, Rd: 0, Rn: 1, Rm: 1, Sf: true}},
	{0x0ea21c20, "orr v0.8b, v1.8b, v2.8b", "orr\tv0.8b, v1.8b, v2.8b", Inst{Op: ORRvecReg, Rd: 0, Rn: 1, Rm: 2}},
	{0x4ee21c20, "orn v0.16b, v1.16b, v2.16b", "orn\tv0.16b, v1.16b, v2.16b", Inst{Op: ORNvec, Rd: 0, Rn: 1, Rm: 2, Sf: true}},
	{0x6e251c83, "eor v3.16b, v4.16b, v5.16b", "eor\tv3.16b, v4.16b, v5.16b", Inst{Op: EORvec, Rd: 3, Rn: 4, Rm: 5, Sf: true}},
	{0x6e621c20, "bsl v0.16b, v1.16b, v2.16b", "bsl\tv0.16b, v1.16b, v2.16b", Inst{Op: BSL, Rd: 0, Rn: 1, Rm: 2, Sf: true}},
	{0x2ea21c20, "bit v0.8b, v1.8b, v2.8b", "bit\tv0.8b, v1.8b, v2.8b", Inst{Op: BIT, Rd: 0, Rn: 1, Rm: 2}},
	{0x6ee21c20, "bif v0.16b, v1.16b, v2.16b", "bif\tv0.16b, v1.16b, v2.16b", Inst{Op: BIF, Rd: 0, Rn: 1, Rm: 2, Sf: true}},
	{0x4ea28420, "add v0.4s, v1.4s, v2.4s", "add\tv0.4s, v1.4s, v2.4s", Inst{Op: ADDvec, Rd: 0, Rn: 1, Rm: 2, Size: 2, Sf: true}},
	{0x0e228420, "add v0.8b, v1.8b, v2.8b", "add\tv0.8b, v1.8b, v2.8b", Inst{Op: ADDvec, Rd: 0, Rn: 1, Rm: 2, Size: 0}},
	{0x5ee28420, "add d0, d1, d2", "add\td0, d1, d2", Inst{Op: ADDvec, Rd: 0, Rn: 1, Rm: 2, Size: 3}},
	{0x6ee28420, "sub v0.2d, v1.2d, v2.2d", "sub\tv0.2d, v1.2d, v2.2d", Inst{Op: SUBvec, Rd: 0, Rn: 1, Rm: 2, Size: 3, Sf: true}},
	{0x7ee58483, "sub d3, d4, d5", "sub\td3, d4, d5", Inst{Op: SUBvec, Rd: 3, Rn: 4, Rm: 5, Size: 3}},
	{0x6e228c20, "cmeq v0.16b, v1.16b, v2.16b", "cmeq\tv0.16b, v1.16b, v2.16b", Inst{Op: CMEQreg, Rd: 0, Rn: 1, Rm: 2, Size: 0, Sf: true}},
	{0x7ee28c20, "cmeq d0, d1, d2", "cmeq\td0, d1, d2", Inst{Op: CMEQreg, Rd: 0, Rn: 1, Rm: 2, Size: 3}},
	{0x0e628c20, "cmtst v0.4h, v1.4h, v2.4h", "cmtst\tv0.4h, v1.4h, v2.4h", Inst{Op: CMTST, Rd: 0, Rn: 1, Rm: 2, Size: 1}},
	{0x5ee28c20, "cmtst d0, d1, d2", "cmtst\td0, d1, d2", Inst{Op: CMTST, Rd: 0, Rn: 1, Rm: 2, Size: 3}},
	{0x4ea23420, "cmgt v0.4s, v1.4s, v2.4s", "cmgt\tv0.4s, v1.4s, v2.4s", Inst{Op: CMGTreg, Rd: 0, Rn: 1, Rm: 2, Size: 2, Sf: true}},
	{0x5ee23420, "cmgt d0, d1, d2", "cmgt\td0, d1, d2", Inst{Op: CMGTreg, Rd: 0, Rn: 1, Rm: 2, Size: 3}},
	{0x4ee23c20, "cmge v0.2d, v1.2d, v2.2d", "cmge\tv0.2d, v1.2d, v2.2d", Inst{Op: CMGEreg, Rd: 0, Rn: 1, Rm: 2, Size: 3, Sf: true}},
	{0x5ee23c20, "cmge d0, d1, d2", "cmge\td0, d1, d2", Inst{Op: CMGEreg, Rd: 0, Rn: 1, Rm: 2, Size: 3}},
	{0x6e223420, "cmhi v0.16b, v1.16b, v2.16b", "cmhi\tv0.16b, v1.16b, v2.16b", Inst{Op: CMHI, Rd: 0, Rn: 1, Rm: 2, Size: 0, Sf: true}},
	{0x7ee23420, "cmhi d0, d1, d2", "cmhi\td0, d1, d2", Inst{Op: CMHI, Rd: 0, Rn: 1, Rm: 2, Size: 3}},
	{0x6ee23c20, "cmhs v0.2d, v1.2d, v2.2d", "cmhs\tv0.2d, v1.2d, v2.2d", Inst{Op: CMHS, Rd: 0, Rn: 1, Rm: 2, Size: 3, Sf: true}},
	{0x7ee23c20, "cmhs d0, d1, d2", "cmhs\td0, d1, d2", Inst{Op: CMHS, Rd: 0, Rn: 1, Rm: 2, Size: 3}},
	{0x4e626420, "smax v0.8h, v1.8h, v2.8h", "smax\tv0.8h, v1.8h, v2.8h", Inst{Op: SMAXvec, Rd: 0, Rn: 1, Rm: 2, Size: 1, Sf: true}},
	{0x0ea26c20, "smin v0.2s, v1.2s, v2.2s", "smin\tv0.2s, v1.2s, v2.2s", Inst{Op: SMINvec, Rd: 0, Rn: 1, Rm: 2, Size: 2}},
	{0x6e226420, "umax v0.16b, v1.16b, v2.16b", "umax\tv0.16b, v1.16b, v2.16b", Inst{Op: UMAXvec, Rd: 0, Rn: 1, Rm: 2, Size: 0, Sf: true}},
	{0x6ea26c20, "umin v0.4s, v1.4s, v2.4s", "umin\tv0.4s, v1.4s, v2.4s", Inst{Op: UMINvec, Rd: 0, Rn: 1, Rm: 2, Size: 2, Sf: true}},
	{0x0e22a420, "smaxp v0.8b, v1.8b, v2.8b", "smaxp\tv0.8b, v1.8b, v2.8b", Inst{Op: SMAXP, Rd: 0, Rn: 1, Rm: 2, Size: 0}},
	{0x4ea2ac20, "sminp v0.4s, v1.4s, v2.4s", "sminp\tv0.4s, v1.4s, v2.4s", Inst{Op: SMINP, Rd: 0, Rn: 1, Rm: 2, Size: 2, Sf: true}},
	{0x6e22a420, "umaxp v0.16b, v1.16b, v2.16b", "umaxp\tv0.16b, v1.16b, v2.16b", Inst{Op: UMAXP, Rd: 0, Rn: 1, Rm: 2, Size: 0, Sf: true}},
	{0x2e62ac20, "uminp v0.4h, v1.4h, v2.4h", "uminp\tv0.4h, v1.4h, v2.4h", Inst{Op: UMINP, Rd: 0, Rn: 1, Rm: 2, Size: 1}},
	{0x4ea2bc20, "addp v0.4s, v1.4s, v2.4s", "addp\tv0.4s, v1.4s, v2.4s", Inst{Op: ADDPvec, Rd: 0, Rn: 1, Rm: 2, Size: 2, Sf: true}},
	{0x4ee2bc20, "addp v0.2d, v1.2d, v2.2d", "addp\tv0.2d, v1.2d, v2.2d", Inst{Op: ADDPvec, Rd: 0, Rn: 1, Rm: 2, Size: 3, Sf: true}},
	{0x5ef1b820, "addp d0, v1.2d", "addp\td0, v1.2d", Inst{Op: ADDPscalar, Rd: 0, Rn: 1, Size: 3}},
	{0x4e209820, "cmeq v0.16b, v1.16b, #0", "cmeq\tv0.16b, v1.16b, #0", Inst{Op: CMEQzero, Rd: 0, Rn: 1, Size: 0, Sf: true}},
	{0x5ee09820, "cmeq d0, d1, #0", "cmeq\td0, d1, #0", Inst{Op: CMEQzero, Rd: 0, Rn: 1, Size: 3}},
	{0x4e608820, "cmgt v0.8h, v1.8h, #0", "cmgt\tv0.8h, v1.8h, #0", Inst{Op: CMGTzero, Rd: 0, Rn: 1, Size: 1, Sf: true}},
	{0x5ee08820, "cmgt d0, d1, #0", "cmgt\td0, d1, #0", Inst{Op: CMGTzero, Rd: 0, Rn: 1, Size: 3}},
	{0x2ea08820, "cmge v0.2s, v1.2s, #0", "cmge\tv0.2s, v1.2s, #0", Inst{Op: CMGEzero, Rd: 0, Rn: 1, Size: 2}},
	{0x7ee08820, "cmge d0, d1, #0", "cmge\td0, d1, #0", Inst{Op: CMGEzero, Rd: 0, Rn: 1, Size: 3}},
	{0x6ee09820, "cmle v0.2d, v1.2d, #0", "cmle\tv0.2d, v1.2d, #0", Inst{Op: CMLEzero, Rd: 0, Rn: 1, Size: 3, Sf: true}},
	{0x7ee09820, "cmle d0, d1, #0", "cmle\td0, d1, #0", Inst{Op: CMLEzero, Rd: 0, Rn: 1, Size: 3}},
	{0x0e20a820, "cmlt v0.8b, v1.8b, #0", "cmlt\tv0.8b, v1.8b, #0", Inst{Op: CMLTzero, Rd: 0, Rn: 1, Size: 0}},
	{0x5ee0a820, "cmlt d0, d1, #0", "cmlt\td0, d1, #0", Inst{Op: CMLTzero, Rd: 0, Rn: 1, Size: 3}},
	{0x4ea0b820, "abs v0.4s, v1.4s", "abs\tv0.4s, v1.4s", Inst{Op: ABSvec, Rd: 0, Rn: 1, Size: 2, Sf: true}},
	{0x5ee0b820, "abs d0, d1", "abs\td0, d1", Inst{Op: ABSvec, Rd: 0, Rn: 1, Size: 3}},
	{0x6ee0b820, "neg v0.2d, v1.2d", "neg\tv0.2d, v1.2d", Inst{Op: NEGvec, Rd: 0, Rn: 1, Size: 3, Sf: true}},
	{0x7ee0b820, "neg d0, d1", "neg\td0, d1", Inst{Op: NEGvec, Rd: 0, Rn: 1, Size: 3}},
	{0x0e205820, "cnt v0.8b, v1.8b", "cnt\tv0.8b, v1.8b", Inst{Op: CNTvec, Rd: 0, Rn: 1, Size: 0}},
	{0x6e205820, "mvn v0.16b, v1.16b", "mvn\tv0.16b, v1.16b", Inst{Op: NOTvec, Rd: 0, Rn: 1, Size: 0, Sf: true}},
	{0x2e605820, "rbit v0.8b, v1.8b", "rbit\tv0.8b, v1.8b", Inst{Op: RBITvec, Rd: 0, Rn: 1}},
	{0x4ea04820, "cls v0.4s, v1.4s", "cls\tv0.4s, v1.4s", Inst{Op: CLSvec, Rd: 0, Rn: 1, Size: 2, Sf: true}},
	{0x6e604820, "clz v0.8h, v1.8h", "clz\tv0.8h, v1.8h", Inst{Op: CLZvec, Rd: 0, Rn: 1, Size: 1, Sf: true}},
	{0x4e201820, "rev16 v0.16b, v1.16b", "rev16\tv0.16b, v1.16b", Inst{Op: REV16vec, Rd: 0, Rn: 1, Size: 0, Sf: true}},
	{0x2e600820, "rev32 v0.4h, v1.4h", "rev32\tv0.4h, v1.4h", Inst{Op: REV32vec, Rd: 0, Rn: 1, Size: 1}},
	{0x4ea00820, "rev64 v0.4s, v1.4s", "rev64\tv0.4s, v1.4s", Inst{Op: REV64vec, Rd: 0, Rn: 1, Size: 2, Sf: true}},
	{0x0e212820, "xtn v0.8b, v1.8h", "xtn\tv0.8b, v1.8h", Inst{Op: XTN, Rd: 0, Rn: 1, Size: 0}},
	{0x4ea12820, "xtn2 v0.4s, v1.2d", "xtn2\tv0.4s, v1.2d", Inst{Op: XTN, Rd: 0, Rn: 1, Size: 2, Sf: true}},
	{0x4eb1b820, "addv s0, v1.4s", "addv\ts0, v1.4s", Inst{Op: ADDV, Rd: 0, Rn: 1, Size: 2, Sf: true}},
	{0x0e31b820, "addv b0, v1.8b", "addv\tb0, v1.8b", Inst{Op: ADDV, Rd: 0, Rn: 1, Size: 0}},
	{0x4e703820, "saddlv s0, v1.8h", "saddlv\ts0, v1.8h", Inst{Op: SADDLV, Rd: 0, Rn: 1, Size: 1, Sf: true}},
	{0x6e303820, "uaddlv h0, v1.16b", "uaddlv\th0, v1.16b", Inst{Op: UADDLV, Rd: 0, Rn: 1, Size: 0, Sf: true}},
	{0x0e70a820, "smaxv h0, v1.4h", "smaxv\th0, v1.4h", Inst{Op: SMAXV, Rd: 0, Rn: 1, Size: 1}},
	{0x6e30a820, "umaxv b0, v1.16b", "umaxv\tb0, v1.16b", Inst{Op: UMAXV, Rd: 0, Rn: 1, Size: 0, Sf: true}},
	{0x4eb1a820, "sminv s0, v1.4s", "sminv\ts0, v1.4s", Inst{Op: SMINV, Rd: 0, Rn: 1, Size: 2, Sf: true}},
	{0x6e71a820, "uminv h0, v1.8h", "uminv\th0, v1.8h", Inst{Op: UMINV, Rd: 0, Rn: 1, Size: 1, Sf: true}},
	{0x4e140420, "dup v0.4s, v1.s[2]", "dup\tv0.4s, v1.s[2]", Inst{Op: DUPelem, Rd: 0, Rn: 1, Size: 2, Sf: true, Imm: 2}},
	{0x0e1f0420, "dup v0.8b, v1.b[15]", "dup\tv0.8b, v1.b[15]", Inst{Op: DUPelem, Rd: 0, Rn: 1, Size: 0, Imm: 15}},
	{0x5e070420, "mov b0, v1.b[3]", "mov\tb0, v1.b[3]", Inst{Op: DUPscalar, Rd: 0, Rn: 1, Size: 0, Imm: 3}},
	{0x5e180420, "mov d0, v1.d[1]", "mov\td0, v1.d[1]", Inst{Op: DUPscalar, Rd: 0, Rn: 1, Size: 3, Imm: 1}},
	{0x4e010c20, "dup v0.16b, w1", "dup\tv0.16b, w1", Inst{Op: DUPgen, Rd: 0, Rn: R(1), Size: 0, Sf: true}},
	{0x4e080fe0, "dup v0.2d, xzr", "dup\tv0.2d, xzr", Inst{Op: DUPgen, Rd: 0, Rn: ZR, Size: 3, Sf: true}},
	{0x4e0c1c60, "mov v0.s[1], w3", "mov\tv0.s[1], w3", Inst{Op: INSgen, Rd: 0, Rn: R(3), Size: 2, Imm: 1}},
	{0x4e181c60, "mov v0.d[1], x3", "mov\tv0.d[1], x3", Inst{Op: INSgen, Rd: 0, Rn: R(3), Size: 3, Imm: 1}},
	{0x6e0c0460, "mov v0.s[1], v3.s[0]", "mov\tv0.s[1], v3.s[0]", Inst{Op: INSelem, Rd: 0, Rn: 3, Size: 2, Imm: 1, Imm2: 0}},
	{0x6e1f3c60, "mov v0.b[15], v3.b[7]", "mov\tv0.b[15], v3.b[7]", Inst{Op: INSelem, Rd: 0, Rn: 3, Size: 0, Imm: 15, Imm2: 7}},
	{0x0e053c20, "umov w0, v1.b[2]", "umov\tw0, v1.b[2]", Inst{Op: UMOV, Rd: R(0), Rn: 1, Size: 0, Imm: 2}},
	{0x0e0c3c20, "mov w0, v1.s[1]", "mov\tw0, v1.s[1]", Inst{Op: UMOV, Rd: R(0), Rn: 1, Size: 2, Imm: 1}},
	{0x4e183c3f, "mov xzr, v1.d[1]", "mov\txzr, v1.d[1]", Inst{Op: UMOV, Rd: ZR, Rn: 1, Size: 3, Sf: true, Imm: 1}},
	{0x4e0c2c20, "smov x0, v1.s[1]", "smov\tx0, v1.s[1]", Inst{Op: SMOV, Rd: R(0), Rn: 1, Size: 2, Sf: true, Imm: 1}},
	{0x0e1e2c20, "smov w0, v1.h[7]", "smov\tw0, v1.h[7]", Inst{Op: SMOV, Rd: R(0), Rn: 1, Size: 1, Imm: 7}},
	{0x6e021820, "ext v0.16b, v1.16b, v2.16b, #3", "ext\tv0.16b, v1.16b, v2.16b, #3", Inst{Op: EXT, Rd: 0, Rn: 1, Rm: 2, Sf: true, Imm: 3}},
	{0x2e023820, "ext v0.8b, v1.8b, v2.8b, #7", "ext\tv0.8b, v1.8b, v2.8b, #7", Inst{Op: EXT, Rd: 0, Rn: 1, Rm: 2, Imm: 7}},
	{0x4e020020, "tbl v0.16b, {v1.16b}, v2.16b", "tbl\tv0.16b, {v1.16b}, v2.16b", Inst{Op: TBL, Rd: 0, Rn: 1, Rm: 2, Sf: true, Imm2: 1}},
	{0x4e0263c0, "tbl v0.16b, {v30.16b, v31.16b, v0.16b, v1.16b}, v2.16b", "tbl\tv0.16b, {v30.16b, v31.16b, v0.16b, v1.16b}, v2.16b", Inst{Op: TBL, Rd: 0, Rn: 30, Rm: 2, Sf: true, Imm2: 4}},
	{0x0e044020, "tbl v0.8b, {v1.16b-v3.16b}, v4.8b", "tbl\tv0.8b, {v1.16b-v3.16b}, v4.8b", Inst{Op: TBL, Rd: 0, Rn: 1, Rm: 4, Imm2: 3}},
	{0x0e023020, "tbx v0.8b, {v1.16b, v2.16b}, v2.8b", "tbx\tv0.8b, {v1.16b, v2.16b}, v2.8b", Inst{Op: TBX, Rd: 0, Rn: 1, Rm: 2, Imm2: 2}},
	{0x4e023820, "zip1 v0.16b, v1.16b, v2.16b", "zip1\tv0.16b, v1.16b, v2.16b", Inst{Op: ZIP1, Rd: 0, Rn: 1, Rm: 2, Size: 0, Sf: true}},
	{0x0e427820, "zip2 v0.4h, v1.4h, v2.4h", "zip2\tv0.4h, v1.4h, v2.4h", Inst{Op: ZIP2, Rd: 0, Rn: 1, Rm: 2, Size: 1}},
	{0x4ec21820, "uzp1 v0.2d, v1.2d, v2.2d", "uzp1\tv0.2d, v1.2d, v2.2d", Inst{Op: UZP1, Rd: 0, Rn: 1, Rm: 2, Size: 3, Sf: true}},
	{0x4e825820, "uzp2 v0.4s, v1.4s, v2.4s", "uzp2\tv0.4s, v1.4s, v2.4s", Inst{Op: UZP2, Rd: 0, Rn: 1, Rm: 2, Size: 2, Sf: true}},
	{0x0e022820, "trn1 v0.8b, v1.8b, v2.8b", "trn1\tv0.8b, v1.8b, v2.8b", Inst{Op: TRN1, Rd: 0, Rn: 1, Rm: 2, Size: 0}},
	{0x4ec26820, "trn2 v0.2d, v1.2d, v2.2d", "trn2\tv0.2d, v1.2d, v2.2d", Inst{Op: TRN2, Rd: 0, Rn: 1, Rm: 2, Size: 3, Sf: true}},
	{0x4f3d0420, "sshr v0.4s, v1.4s, #3", "sshr\tv0.4s, v1.4s, #3", Inst{Op: SSHR, Rd: 0, Rn: 1, Size: 2, Sf: true, Imm: 3}},
	{0x5f400420, "sshr d0, d1, #64", "sshr\td0, d1, #64", Inst{Op: SSHR, Rd: 0, Rn: 1, Size: 3, Imm: 64}},
	{0x6f7d0420, "ushr v0.2d, v1.2d, #3", "ushr\tv0.2d, v1.2d, #3", Inst{Op: USHR, Rd: 0, Rn: 1, Size: 3, Sf: true, Imm: 3}},
	{0x7f7f0420, "ushr d0, d1, #1", "ushr\td0, d1, #1", Inst{Op: USHR, Rd: 0, Rn: 1, Size: 3, Imm: 1}},
	{0x4f101420, "ssra v0.8h, v1.8h, #16", "ssra\tv0.8h, v1.8h, #16", Inst{Op: SSRA, Rd: 0, Rn: 1, Size: 1, Sf: true, Imm: 16}},
	{0x5f7d1420, "ssra d0, d1, #3", "ssra\td0, d1, #3", Inst{Op: SSRA, Rd: 0, Rn: 1, Size: 3, Imm: 3}},
	{0x2f081420, "usra v0.8b, v1.8b, #8", "usra\tv0.8b, v1.8b, #8", Inst{Op: USRA, Rd: 0, Rn: 1, Size: 0, Imm: 8}},
	{0x7f401420, "usra d0, d1, #64", "usra\td0, d1, #64", Inst{Op: USRA, Rd: 0, Rn: 1, Size: 3, Imm: 64}},
	{0x6f084420, "sri v0.16b, v1.16b, #8", "sri\tv0.16b, v1.16b, #8", Inst{Op: SRI, Rd: 0, Rn: 1, Size: 0, Sf: true, Imm: 8}},
	{0x7f404420, "sri d0, d1, #64", "sri\td0, d1, #64", Inst{Op: SRI, Rd: 0, Rn: 1, Size: 3, Imm: 64}},
	{0x4f135420, "shl v0.8h, v1.8h, #3", "shl\tv0.8h, v1.8h, #3", Inst{Op: SHL, Rd: 0, Rn: 1, Size: 1, Sf: true, Imm: 3}},
	{0x5f7f5420, "shl d0, d1, #63", "shl\td0, d1, #63", Inst{Op: SHL, Rd: 0, Rn: 1, Size: 3, Imm: 63}},
	{0x6f3f5420, "sli v0.4s, v1.4s, #31", "sli\tv0.4s, v1.4s, #31", Inst{Op: SLI, Rd: 0, Rn: 1, Size: 2, Sf: true, Imm: 31}},
	{0x7f405420, "sli d0, d1, #0", "sli\td0, d1, #0", Inst{Op: SLI, Rd: 0, Rn: 1, Size: 3, Imm: 0}},
	{0x0f0c8420, "shrn v0.8b, v1.8h, #4", "shrn\tv0.8b, v1.8h, #4", Inst{Op: SHRN, Rd: 0, Rn: 1, Size: 0, Imm: 4}},
	{0x4f108420, "shrn2 v0.8h, v1.4s, #16", "shrn2\tv0.8h, v1.4s, #16", Inst{Op: SHRN, Rd: 0, Rn: 1, Size: 1, Sf: true, Imm: 16}},
	{0x0f1fa420, "sshll v0.4s, v1.4h, #15", "sshll\tv0.4s, v1.4h, #15", Inst{Op: SSHLL, Rd: 0, Rn: 1, Size: 1, Imm: 15}},
	{0x0f08a420, "sxtl v0.8h, v1.8b", "sxtl\tv0.8h, v1.8b", Inst{Op: SSHLL, Rd: 0, Rn: 1, Size: 0}},
	{0x6f0aa420, "ushll2 v0.8h, v1.16b, #2", "ushll2\tv0.8h, v1.16b, #2", Inst{Op: USHLL, Rd: 0, Rn: 1, Size: 0, Sf: true, Imm: 2}},
	{0x6f20a420, "uxtl2 v0.2d, v1.4s", "uxtl2\tv0.2d, v1.4s", Inst{Op: USHLL, Rd: 0, Rn: 1, Size: 2, Sf: true}},
}

func TestDecodeSIMD(t *testing.T) {
	for _, tc := range append(append([]simdCase{}, simdLdStCases...), simdDataCases...) {
		t.Run(tc.asm, func(t *testing.T) {
			got, err := Decode(tc.word)
			require.NoError(t, err)
			want := tc.want
			want.Word = tc.word
			assert.Equal(t, want, got)
			assert.Equal(t, tc.gnu, GNUSyntax(got))
			got.Word = 0 // as an assembler builds it
			assert.Equal(t, tc.gnu, GNUSyntax(got), "printed from the fields")
		})
	}
}

// Every row of both classes is exercised by the tables above.
func TestDecodeSIMDCoversEveryRow(t *testing.T) {
	all := append(append([]simdCase{}, simdLdStCases...), simdDataCases...)
	for _, c := range []Class{ClassSIMDLdSt, ClassSIMD} {
		for _, e := range Encodings(c) {
			found := false
			for _, tc := range all {
				if tc.word&e.Mask == e.Value {
					found = true
					break
				}
			}
			assert.True(t, found, "no decode test for the %v row %#08x/%#08x", e.Op, e.Mask, e.Value)
		}
	}
}

// simdUnallocated are words of the two classes that the manual reserves,
// or that belong to forms kpemu does not implement.
var simdUnallocated = []struct {
	word uint32
	why  string
}{
	{0x3dc00400 | 1<<30, "ldr with opc<1> = 1 and size 01"},
	{0x3c600c00 | 1<<23 | 1<<31, "ldr pre-index with opc<1> = 1 and size 10"},
	{0x3c620820, "ldr (register) with option 000"},
	{0x3c000800, "str (unprivileged) has no SIMD form"},
	{0xdc000000, "ldr (literal) with opc 11"},
	{0xec400000, "ldnp with opc 11"},
	{0xed400000, "ldp with opc 11"},
	{0x0c400c00, "ld4 with arrangement 1d (size 11, Q 0)"},
	{0x0c401000, "load multiple structures opcode 0001"},
	{0x0c40b000, "load multiple structures opcode 1011"},
	{0x0c40f000, "load multiple structures opcode 1111"},
	{0x0d404400, "ld1 single structure H with size<0> = 1"},
	{0x0d408800, "ld1 single structure S with size<1> = 1"},
	{0x0d409400, "ld1 single structure D with S = 1"},
	{0x0d00c000, "st1 single structure opcode 110"},
	{0x0d40d000, "ld1r with S = 1"},
	{0x38200000 | 1<<26, "atomic memory operation with V = 1"},
	{0x1d800000, "FEAT_MOPS cpyfp (not modelled)"},

	{0x1ee00000, "fmov (general) half precision (FEAT_FP16)"},
	{0x1e260000 | 1<<31, "fmov x from s (sf 1 ftype 00)"},
	{0x1e202800, "fadd s0, s0, s0 (FP arithmetic not modelled)"},
	{0x1ee04000, "fmov h0, h0 (FEAT_FP16)"},
	{0x1e601000 | 1<<5, "fmov immediate with imm5 != 0"},
	{0x0f00fc00, "fmov v0.4h, #imm (FEAT_FP16, o2 = 1)"},
	{0x2f00f400, "fmov (vector, immediate) double with Q 0"},
	{0x0ee08400, "add v0.1d (size 11, Q 0)"},
	{0x4ee06400, "smax with size 11"},
	{0x0ee0bc00, "addp 1d"},
	{0x5e208400, "add (scalar) with size 00"},
	{0x5e208800, "cmgt (scalar, zero) with size 00"},
	{0x5e31b800 &^ (3 << 22), "addp (scalar) with size 00"},
	{0x4ee00800, "rev64 with size 11"},
	{0x6ea00800, "rev32 with size 10"},
	{0x4e601800, "rev16 with size 01"},
	{0x4e605800, "cnt with size 01"},
	{0x0ee12800, "xtn with size 11"},
	{0x0eb1b800, "addv 2s"},
	{0x4ef1b800, "addv with size 11"},
	{0x0e000400, "dup (element) with imm5 = 0"},
	{0x0e080400, "dup (element) 1d"},
	{0x0e080c00, "dup (general) 1d"},
	{0x0e042c00, "smov w from s"},
	{0x4e082c00, "smov from d"},
	{0x0e083c00, "umov w from d"},
	{0x4e043c00, "umov x from s"},
	{0x2e004000, "ext 8b with index 8"},
	{0x0f000400 | 1<<11, "modified immediate op 0, o2 = 1, cmode 0000"},
	{0x0f400400, "sshr 1d (immh 1xxx, Q 0)"},
	{0x0f408400, "shrn from d (immh 1xxx)"},
	{0x4f40a400, "sshll from d (immh 1xxx)"},
	{0x5f080400, "sshr (scalar) with immh 0001"},
	{0x0e200000, "saddl (three different, not modelled)"},
	{0x0e209c00, "mul (not modelled)"},
	{0x4e284800, "aese (crypto, not modelled)"},
}

func TestDecodeSIMDUnallocated(t *testing.T) {
	for _, tc := range simdUnallocated {
		c := ClassOf(tc.word)
		require.Contains(t, []Class{ClassSIMD, ClassSIMDLdSt}, c, "%#08x %s", tc.word, tc.why)
		in, err := Decode(tc.word)
		var ue *UndefinedError
		if assert.ErrorAs(t, err, &ue, "%#08x (%s) decoded to %v", tc.word, tc.why, in.Op) {
			assert.Equal(t, c, ue.Class)
			assert.Equal(t, tc.word, ue.Word)
		}
	}
}

// Random words of every row decode to an op of the class, print without
// falling back to ".inst", and decode the same way twice. (The printed
// text was compared with objdump for several thousand words of each row
// while the printers were written.)
func TestDecodeSIMDRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	for _, c := range []Class{ClassSIMDLdSt, ClassSIMD} {
		decoded := map[Op]int{}
		rows := Encodings(c)
		require.NotEmpty(t, rows)
		for _, r := range rows {
			for range 300 {
				w := r.Value | rng.Uint32()&^r.Mask
				in, err := Decode(w)
				if err != nil {
					continue
				}
				decoded[in.Op]++
				require.Equal(t, c, in.Op.Class(), "%08x", w)
				s := GNUSyntax(in)
				assert.NotContains(t, s, ".inst", "%08x %v", w, in.Op)
				again, err := Decode(w)
				require.NoError(t, err)
				assert.Equal(t, in, again)
			}
		}
		for _, r := range rows {
			assert.NotZero(t, decoded[r.Op], "row %08x/%08x never decodes to %v", r.Mask, r.Value, r.Op)
		}
	}
}

// The helpers the printers and executors share: StructRegs, the expanded
// immediates.
func TestSIMDHelpers(t *testing.T) {
	assert.Equal(t, 1, StructRegs(LD1mult))
	assert.Equal(t, 4, StructRegs(ST4mult))
	assert.Equal(t, 3, StructRegs(LD3single))
	assert.Equal(t, 2, StructRegs(ST2single))
	assert.Equal(t, 4, StructRegs(LD4R))
	assert.Equal(t, 0, StructRegs(LDRimmFP))

	// VFPExpandImm: imm8 0x70 is 1.0, 0x00 is 2.0, 0x7f is 1.9375 and
	// 0xff is -1.9375 (Arm ARM table "Floating-point constant values").
	assert.Equal(t, uint64(0x3f800000), vfpExpandImm(0x70, 2))
	assert.Equal(t, uint64(0x40000000), vfpExpandImm(0x00, 2))
	assert.Equal(t, uint64(0x3ff0000000000000), vfpExpandImm(0x70, 3))
	assert.Equal(t, uint64(0x3fff000000000000), vfpExpandImm(0x7f, 3))
	assert.Equal(t, uint64(0xbfff000000000000), vfpExpandImm(0xff, 3))
	assert.Equal(t, uint64(0x3e000000), vfpExpandImm(0x40, 2), "0.125")

	// AdvSIMDExpandImm, one per cmode group.
	assert.Equal(t, uint64(0x000000ab000000ab), advSIMDExpandImm(false, 0b0000, 0xab))
	assert.Equal(t, uint64(0xab000000ab000000), advSIMDExpandImm(false, 0b0110, 0xab))
	assert.Equal(t, uint64(0xab00ab00ab00ab00), advSIMDExpandImm(false, 0b1010, 0xab))
	assert.Equal(t, uint64(0x00abffff00abffff), advSIMDExpandImm(true, 0b1101, 0xab))
	assert.Equal(t, uint64(0xabababababababab), advSIMDExpandImm(false, 0b1110, 0xab))
	assert.Equal(t, uint64(0xff00ff0000ffff00), advSIMDExpandImm(true, 0b1110, 0b10100110))
}

// FuzzDecodeSIMD: any word of the two classes decodes without panicking;
// a decoded word belongs to its class, prints, and decodes the same way
// again.
func FuzzDecodeSIMD(f *testing.F) {
	for _, tc := range simdLdStCases {
		f.Add(tc.word)
	}
	for _, tc := range simdDataCases {
		f.Add(tc.word)
	}
	for _, tc := range simdUnallocated {
		f.Add(tc.word)
	}
	f.Fuzz(func(t *testing.T, w uint32) {
		// Steer inputs into the two classes: op0 = x111 (SIMD data
		// processing) or x1x0 with V = 1 (SIMD loads and stores).
		if w&1 == 0 {
			w |= 0b0111 << 25
		} else {
			w = w&^(1<<25) | 1<<27 | 1<<26
		}
		in, err := Decode(w)
		if err != nil {
			var ue *UndefinedError
			if !errors.As(err, &ue) {
				t.Fatalf("%08x: error %v is not an UndefinedError", w, err)
			}
			return
		}
		if c := in.Op.Class(); c != ClassOf(w) || in.Word != w {
			t.Fatalf("%08x: decoded to %v of class %v", w, in.Op, c)
		}
		if s := GNUSyntax(in); s == "" {
			t.Fatalf("%08x: empty disassembly", w)
		}
		again, err := Decode(w)
		if err != nil || again != in {
			t.Fatalf("%08x: decodes differently the second time: %+v, %v", w, again, err)
		}
	})
}
