package arm64

import (
	"errors"
	mbits "math/bits"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Copy (Arm ARM C7.2 DUP (general), INS (element)): the imm5 bits above
// the element size of DUP (general) and the imm4 bits below the element
// size of INS (element) are "x" in the manual's encoding table; the
// decoder ignores them and Encode writes zeros.
var lsSIMDIgnored = map[Op]lsIgnored{
	DUPgen: {
		canon: func(w uint32) uint32 {
			imm5 := bits(w, 20, 16)
			return w&^(0x1f<<16) | imm5&-imm5<<16
		},
		why: "imm5 bits above the lowest set bit (no index)",
	},
	INSelem: {
		canon: func(w uint32) uint32 {
			size := uint(mbits.TrailingZeros32(bits(w, 20, 16)))
			return w &^ ((1<<size - 1) << 11)
		},
		why: "imm4 bits below the element size",
	},
}

// The FP/SIMD loads and stores ignore no bits.
func TestEncodeSIMDLdStRoundTrip(t *testing.T) {
	lsRoundTrip(t, ClassSIMDLdSt, 12, nil)
}

func TestEncodeSIMDRoundTrip(t *testing.T) {
	lsRoundTrip(t, ClassSIMD, 13, lsSIMDIgnored)
}

func TestEncodeSIMDMutations(t *testing.T) {
	lsMutations(t, ClassSIMDLdSt, 22, 2000)
	lsMutations(t, ClassSIMD, 23, 2000)
}

// Every op of both classes has an encoder.
func TestEncodeSIMDCoverage(t *testing.T) {
	n := map[Class]int{}
	for _, op := range Ops() {
		if c := op.Class(); c == ClassSIMD || c == ClassSIMDLdSt {
			assert.NotNil(t, encoders[op], "%v has no encoder", op)
			n[c]++
		}
	}
	assert.Equal(t, 31, n[ClassSIMDLdSt], "ops of the FP/SIMD load/store class")
	assert.Equal(t, 83, n[ClassSIMD], "ops of the SIMD class")
}

// The decode tests' words (assembled by GNU as) encode back from their
// Inst, ignored fields in their canonical form.
func TestEncodeSIMDCases(t *testing.T) {
	cases := append(append([]simdCase{}, simdLdStCases...), simdDataCases...)
	require.NotEmpty(t, cases)
	for _, tc := range cases {
		got, err := Encode(tc.want)
		require.NoError(t, err, tc.asm)
		want := tc.word
		if ign, ok := lsSIMDIgnored[tc.want.Op]; ok {
			want = ign.canon(want)
		}
		assert.Equal(t, want, got, "%s: got %08x, want %08x", tc.asm, got, want)
	}
}

// Words written out here were assembled with aarch64-linux-gnu-as.
func TestEncodeSIMDExamples(t *testing.T) {
	for _, tc := range []struct {
		text string
		in   Inst
		want uint32
	}{
		{"ldr q1, [x2, #65520]", Inst{Op: LDRimmFP, Rt: 1, Rn: 2, Size: 4, Imm: 65520, Mode: AddrOffset}, 0x3dfffc41},
		{"str b0, [x1, x2]", Inst{Op: STRregFP, Rt: 0, Rn: 1, Rm: 2, Ext: UXTX, Mode: AddrRegOffset}, 0x3c226820},
		{"str b0, [x1, x2, lsl #0]", Inst{Op: STRregFP, Rt: 0, Rn: 1, Rm: 2, Ext: UXTX, Imm2: 1, Mode: AddrRegOffset}, 0x3c227820},
		{"ldr b3, [x4, w5, uxtw #0]", Inst{Op: LDRregFP, Rt: 3, Rn: 4, Rm: 5, Ext: UXTW, Imm2: 1, Mode: AddrRegOffset}, 0x3c655883},
		{"ldr q0, [x1, w2, uxtw #4]", Inst{Op: LDRregFP, Rt: 0, Rn: 1, Rm: 2, Size: 4, Ext: UXTW, Amount: 4, Mode: AddrRegOffset}, 0x3ce25820},
		{"ldp q0, q1, [x2, #1008]", Inst{Op: LDPFP, Rt: 0, Rt2: 1, Rn: 2, Size: 4, Imm: 1008, Mode: AddrOffset}, 0xad5f8440},
		{"ldr q31, .-1048576", Inst{Op: LDRlitFP, Rt: 31, Size: 4, Imm: -1 << 20, Mode: AddrLiteral}, 0x9c80001f},
		{"st1 {v31.1d, v0.1d}, [sp], #16", Inst{Op: ST1mult, Rt: 31, Rn: SP, Rm: ZR, Size: 3, Imm: 16, Imm2: 2, Mode: AddrPostIndex}, 0x0c9fafff},
		{"ld4 {v1.d-v4.d}[1], [x0], #32", Inst{Op: LD4single, Rt: 1, Rn: 0, Rm: ZR, Size: 3, Imm2: 1, Imm: 32, Mode: AddrPostIndex}, 0x4dffa401},
		{"ld1r {v0.16b}, [x1], x30", Inst{Op: LD1R, Rt: 0, Rn: 1, Rm: 30, Size: 0, Sf: true, Mode: AddrPostIndex}, 0x4ddec020},
		{"movi v0.4s, #0", Inst{Op: MOVI, Rd: 0, Size: 2, Sf: true}, 0x4f000400},
		{"movi v0.4s, #0x0, lsl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Sf: true, Imm2: 0x0200}, 0x4f002400},
		{"movi v0.2s, #0xff, msl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x0000ffff0000ffff, Imm2: 0x0cff}, 0x0f07c7e0},
		{"movi v0.2s, #0, msl #16", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x0000ffff0000ffff, Imm2: 0x0d00}, 0x0f00d400},
		{"movi v0.2s, #0, msl #8", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x000000ff000000ff, Imm2: 0x0c00}, 0x0f00c400},
		{"movi v1.4h, #0, lsl #8", Inst{Op: MOVI, Rd: 1, Size: 1, Imm2: 0x0a00}, 0x0f00a401},
		{"mvni v1.8h, #0xff", Inst{Op: MVNI, Rd: 1, Size: 1, Sf: true, Imm: 0x00ff00ff00ff00ff, Imm2: 0x18ff}, 0x6f0787e1},
		{"mvni v2.8h, #0x0, lsl #8", Inst{Op: MVNI, Rd: 2, Size: 1, Sf: true, Imm2: 0x1a00}, 0x6f00a402},
		{"orr v3.4s, #0, lsl #24", Inst{Op: ORRvecImm, Rd: 3, Size: 2, Sf: true, Imm2: 0x0700}, 0x4f007403},
		{"bic v4.4h, #0x0, lsl #8", Inst{Op: BICvecImm, Rd: 4, Size: 1, Imm2: 0x1b00}, 0x2f00b404},
		{"fmov v2.2s, #-31.0", Inst{Op: FMOVvecImm, Rd: 2, Size: 2, Imm: -0x3e07ffff3e080000, Imm2: 0x0fbf}, 0x0f05f7e2},
		{"fmov s3, #0.125", Inst{Op: FMOVimm, Rd: 3, Size: 2, Imm: 0x3e000000, Imm2: 0x40}, 0x1e281003},
		{"dup v0.8h, w1", Inst{Op: DUPgen, Rd: 0, Rn: 1, Size: 1, Sf: true}, 0x4e020c20},
		{"mov v0.h[7], v1.h[3]", Inst{Op: INSelem, Rd: 0, Rn: 1, Size: 1, Imm: 7, Imm2: 3}, 0x6e1e3420},
		{"umov w0, v31.h[7]", Inst{Op: UMOV, Rd: 0, Rn: 31, Size: 1, Imm: 7}, 0x0e1e3fe0},
		{"ushr v0.16b, v1.16b, #1", Inst{Op: USHR, Rd: 0, Rn: 1, Size: 0, Sf: true, Imm: 1}, 0x6f0f0420},
		{"shl v0.2d, v1.2d, #63", Inst{Op: SHL, Rd: 0, Rn: 1, Size: 3, Sf: true, Imm: 63}, 0x4f7f5420},
		{"shrn2 v0.4s, v1.2d, #32", Inst{Op: SHRN, Rd: 0, Rn: 1, Size: 2, Sf: true, Imm: 32}, 0x4f208420},
		{"cmhs d31, d30, d29", Inst{Op: CMHS, Rd: 31, Rn: 30, Rm: 29, Size: 3}, 0x7efd3fdf},
		{"tbx v0.16b, {v31.16b, v0.16b, v1.16b, v2.16b}, v3.16b", Inst{Op: TBX, Rd: 0, Rn: 31, Rm: 3, Sf: true, Imm2: 4}, 0x4e0373e0},
	} {
		got, err := Encode(tc.in)
		require.NoError(t, err, tc.text)
		assert.Equal(t, tc.want, got, "%s: got %08x", tc.text, got)
	}
}

// Operands that do not fit: each case names what the error must say.
func TestEncodeSIMDErrors(t *testing.T) {
	with := func(in Inst, f func(*Inst)) Inst { f(&in); return in }
	ldrQ := Inst{Op: LDRimmFP, Rt: 0, Rn: 1, Size: 4, Mode: AddrOffset}
	pairD := Inst{Op: STPFP, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Mode: AddrOffset}
	ld1 := Inst{Op: LD1mult, Rt: 0, Rn: 1, Size: 0, Sf: true, Imm2: 2, Mode: AddrNone}
	ld2s := Inst{Op: LD2single, Rt: 0, Rn: 1, Size: 2, Imm2: 3, Mode: AddrNone}
	add := Inst{Op: ADDvec, Rd: 0, Rn: 1, Rm: 2, Size: 2, Sf: true}
	for _, tc := range []struct {
		name string
		in   Inst
		want string
	}{
		// FP/SIMD loads and stores: registers.
		{"base is ZR", with(ldrQ, func(i *Inst) { i.Rn = ZR }), "base register Rn is xzr, want x0..x30 or sp"},
		{"Rt not a V register", with(ldrQ, func(i *Inst) { i.Rt = SP }), "transfer register Rt is Reg(32), want v0..v31"},
		{"Rt2 not a V register", with(pairD, func(i *Inst) { i.Rt2 = 40 }), "second transfer register Rt2 is Reg(40)"},
		{"offset Rm is SP", Inst{Op: LDRregFP, Rt: 0, Rn: 1, Rm: SP, Size: 3, Ext: UXTX, Mode: AddrRegOffset}, "offset register Rm is sp"},
		{"post-index Rm is SP", with(ld1, func(i *Inst) { i.Rm, i.Mode = SP, AddrPostIndex }), "post-index register Rm is sp"},
		// Sizes and modes.
		{"size 5", with(ldrQ, func(i *Inst) { i.Size = 5 }), "Size 5, want 0..4 (B, H, S, D, Q)"},
		{"LDUR register offset", Inst{Op: LDURFP, Rt: 0, Rn: 1, Size: 4, Mode: AddrRegOffset}, "addressing mode register offset, want offset"},
		{"literal of H", Inst{Op: LDRlitFP, Rt: 0, Size: 1, Mode: AddrLiteral}, "Size 1, want 2..4 (S, D, Q)"},
		{"pair of B", with(pairD, func(i *Inst) { i.Size = 0 }), "Size 0, want 2..4 (S, D, Q pair)"},
		{"STNP pre-index", Inst{Op: STNPFP, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Mode: AddrPreIndex}, "addressing mode pre-index, want offset"},
		{"LD1 offset mode", with(ld1, func(i *Inst) { i.Mode = AddrOffset }), "addressing mode offset, want none, post-index"},
		{"FP load with Sf", with(ldrQ, func(i *Inst) { i.Sf = true }), "has no such operand: Sf is set"},
		{"FP load with Signed", with(ldrQ, func(i *Inst) { i.Signed = true }), "Signed is set"},
		// Offsets.
		{"Q offset not a multiple", with(ldrQ, func(i *Inst) { i.Imm = 8 }), "offset 8 is not a multiple of 16 in 0..65520"},
		{"Q offset too large", with(ldrQ, func(i *Inst) { i.Imm = 65536 }), "offset 65536 is not a multiple of 16 in 0..65520"},
		{"pre-index too far", with(ldrQ, func(i *Inst) { i.Imm, i.Mode = -257, AddrPreIndex }), "offset -257 is not in -256..255"},
		{"D pair not a multiple", with(pairD, func(i *Inst) { i.Imm = 12 }), "offset 12 is not a multiple of 8 in -512..504"},
		{"Q pair too far", Inst{Op: LDPFP, Rt: 0, Rt2: 1, Rn: 2, Size: 4, Imm: 1024, Mode: AddrOffset}, "offset 1024 is not a multiple of 16 in -1024..1008"},
		{"literal not a multiple", Inst{Op: LDRlitFP, Rt: 0, Size: 3, Imm: 6, Mode: AddrLiteral}, "literal offset 6 is not a multiple of 4 in -1048576..1048572"},
		{"extend sxtb", Inst{Op: STRregFP, Rt: 0, Rn: 1, Rm: 2, Size: 3, Ext: SXTB, Mode: AddrRegOffset}, "offset extend sxtb"},
		{"amount 3 for Q", Inst{Op: STRregFP, Rt: 0, Rn: 1, Rm: 2, Size: 4, Ext: UXTX, Amount: 3, Mode: AddrRegOffset}, "offset shift amount 3, want 0 or 4"},
		// Structures.
		{"LD1 five registers", with(ld1, func(i *Inst) { i.Imm2 = 5 }), "register count Imm2 5, want 1..4"},
		{"LD3 two registers", Inst{Op: LD3mult, Rt: 0, Rn: 1, Imm2: 2}, "register count Imm2 2, want 3"},
		{"LD2 1D", Inst{Op: LD2mult, Rt: 0, Rn: 1, Size: 3, Imm2: 2}, "arrangement 1D (Size 3 without Sf): only LD1/ST1 have it"},
		{"post-index wrong bytes", with(ld1, func(i *Inst) { i.Rm, i.Imm, i.Mode = ZR, 16, AddrPostIndex }), "post-index immediate 16, want 32 (the bytes transferred)"},
		{"register post-index with Imm", with(ld1, func(i *Inst) { i.Rm, i.Imm, i.Mode = 3, 32, AddrPostIndex }), "post-index by register x3 with Imm 32"},
		{"no-offset with Rm", with(ld1, func(i *Inst) { i.Rm = 3 }), "without post-index there is no increment: Rm x3"},
		{"lane out of range", with(ld2s, func(i *Inst) { i.Imm2 = 4 }), "lane index Imm2 4 is not in 0..3"},
		{"lane negative", with(ld2s, func(i *Inst) { i.Imm2 = -1 }), "lane index Imm2 -1 is not in 0..3"},
		{"single with Sf", with(ld2s, func(i *Inst) { i.Sf = true }), "Sf is set"},
		{"single post-index bytes", with(ld2s, func(i *Inst) { i.Rm, i.Imm, i.Mode = ZR, 16, AddrPostIndex }), "post-index immediate 16, want 8"},
		{"LD3R post-index bytes", Inst{Op: LD3R, Rt: 0, Rn: 1, Rm: ZR, Size: 1, Imm: 8, Mode: AddrPostIndex}, "post-index immediate 8, want 6"},
		{"LD1R size 4", Inst{Op: LD1R, Rt: 0, Rn: 1, Size: 4}, "element Size 4, want 0..3"},
		// Data processing: registers.
		{"Vd out of range", with(add, func(i *Inst) { i.Rd = SP }), "destination Vd is Reg(32), want v0..v31"},
		{"Vm out of range", with(add, func(i *Inst) { i.Rm = 33 }), "source Vm is Reg(33)"},
		{"DUP general from SP", Inst{Op: DUPgen, Rd: 0, Rn: SP, Size: 2, Sf: true}, "source Rn is sp, want x0..x30 or xzr"},
		{"UMOV to SP", Inst{Op: UMOV, Rd: SP, Rn: 1, Size: 2}, "destination Rd is sp, want x0..x30 or xzr"},
		{"FMOV to SP", Inst{Op: FMOVgen, Rd: SP, Rn: 1, Size: 3, Sf: true, Imm: 1}, "destination Rd is sp"},
		{"FMOV from SP", Inst{Op: FMOVgen, Rd: 1, Rn: SP, Size: 2}, "source Rn is sp"},
		// Arrangements and sizes.
		{"1D without scalar form", Inst{Op: ADDPvec, Rd: 0, Rn: 1, Rm: 2, Size: 3}, "arrangement 1D (Size 3 without Sf) is reserved"},
		{"SMAX of D", Inst{Op: SMAXvec, Rd: 0, Rn: 1, Rm: 2, Size: 3, Sf: true}, "element Size 3, want 0..2"},
		{"AND with Size", Inst{Op: ANDvec, Rd: 0, Rn: 1, Rm: 2, Size: 1}, "has no such operand: Size 1 is set"},
		{"REV32 of S", Inst{Op: REV32vec, Rd: 0, Rn: 1, Size: 2, Sf: true}, "element Size 2, want 0..1"},
		{"XTN of D", Inst{Op: XTN, Rd: 0, Rn: 1, Size: 3}, "narrow element Size 3, want 0..2"},
		{"ADDV 2S", Inst{Op: ADDV, Rd: 0, Rn: 1, Size: 2}, "arrangement 2S has no across-lanes form"},
		{"ADDP scalar of S", Inst{Op: ADDPscalar, Rd: 0, Rn: 1, Size: 2}, "element Size 2, want 3 (D)"},
		{"FMOV general bad combination", Inst{Op: FMOVgen, Rd: 0, Rn: 1, Size: 2, Sf: true}, "Sf true, Size 2, Imm2 0"},
		{"FMOV general bad direction", Inst{Op: FMOVgen, Rd: 0, Rn: 1, Size: 2, Imm: 2}, "direction Imm 2"},
		{"FMOV register half", Inst{Op: FMOVreg, Rd: 0, Rn: 1, Size: 1}, "Size 1, want 2 (single) or 3 (double)"},
		// Immediates.
		{"FMOV not representable", Inst{Op: FMOVimm, Rd: 0, Size: 2, Imm: 0x3f800001}, "value 0x3f800001 is not an FMOV immediate"},
		{"FMOV zero", Inst{Op: FMOVimm, Rd: 0, Size: 3, Imm: 0}, "value 0x0 is not an FMOV immediate"},
		{"FMOV imm8 mismatch", Inst{Op: FMOVimm, Rd: 0, Size: 2, Imm: 0x3f800000, Imm2: 1}, "imm8 Imm2 1 does not match the value 0x3f800000 (imm8 112)"},
		{"MOVI pattern not the expansion", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x0000120100001201, Imm2: 0x0012}, "pattern Imm 0x120100001201 is not the expansion 0x1200000012 of op:cmode:imm8 Imm2 0x12"},
		{"MOVI pattern without Imm2", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x0000001200000012}, "pattern Imm 0x1200000012 is not the expansion 0x0"},
		{"MOVI shift lost", Inst{Op: MOVI, Rd: 0, Size: 2, Imm: 0x0000120000001200, Imm2: 0x0012}, "is not the expansion 0x1200000012"},
		{"MOVI 64-bit byte mask", Inst{Op: MOVI, Rd: 0, Size: 3, Sf: true, Imm: 0x0100, Imm2: 0x1e02}, "is not the expansion 0xff00"},
		{"MOVI cmode of ORR", Inst{Op: MOVI, Rd: 0, Size: 2, Imm2: 0x0100}, "op 0 cmode 0001 is not a form of element Size 2"},
		{"MOVI op of MVNI", Inst{Op: MOVI, Rd: 0, Size: 2, Imm2: 0x1000}, "op 1 cmode 0000 is not a form of element Size 2"},
		{"MOVI cmode of another size", Inst{Op: MOVI, Rd: 0, Size: 1, Imm2: 0x0200}, "op 0 cmode 0010 is not a form of element Size 1"},
		{"MVNI cmode of the 64-bit MOVI", Inst{Op: MVNI, Rd: 0, Size: 1, Imm2: 0x1e00}, "op 1 cmode 1110 is not a form of element Size 1"},
		{"FMOV vector cmode of MOVI", Inst{Op: FMOVvecImm, Rd: 0, Size: 2, Imm2: 0x0e70}, "op 0 cmode 1110 is not a form of element Size 2"},
		{"Imm2 too wide", Inst{Op: MOVI, Rd: 0, Size: 2, Imm2: 0x2000}, "op:cmode:imm8 Imm2 0x2000 does not fit 13 bits"},
		{"Imm2 negative", Inst{Op: BICvecImm, Rd: 0, Size: 2, Imm2: -1}, "op:cmode:imm8 Imm2 -0x1 does not fit 13 bits"},
		{"ORR of bytes", Inst{Op: ORRvecImm, Rd: 0, Size: 0, Imm: 0x0101010101010101, Imm2: 0x0e01}, "element Size 0 has no immediate form"},
		{"MVNI of D", Inst{Op: MVNI, Rd: 0, Size: 3, Sf: true}, "element Size 3 has no immediate form"},
		{"FMOV vector double 1D", Inst{Op: FMOVvecImm, Rd: 0, Size: 3, Imm: 0x3ff0000000000000, Imm2: 0x1f70}, "double precision needs the 2D arrangement"},
		{"shift right 0", Inst{Op: SSHR, Rd: 0, Rn: 1, Size: 2, Sf: true, Imm: 0}, "shift Imm 0 is not in 1..32"},
		{"shift right too far", Inst{Op: USRA, Rd: 0, Rn: 1, Size: 3, Imm: 65}, "shift Imm 65 is not in 1..64"},
		{"shift left too far", Inst{Op: SHL, Rd: 0, Rn: 1, Size: 0, Imm: 8}, "shift Imm 8 is not in 0..7"},
		{"SSHLL of D", Inst{Op: SSHLL, Rd: 0, Rn: 1, Size: 3, Imm: 1}, "element Size 3, want 0..2"},
		{"SHRN shift too far", Inst{Op: SHRN, Rd: 0, Rn: 1, Size: 1, Imm: 17}, "shift Imm 17 is not in 1..16"},
		{"EXT 8B index 8", Inst{Op: EXT, Rd: 0, Rn: 1, Rm: 2, Imm: 8}, "byte index Imm 8 is not in 0..7"},
		{"TBL five registers", Inst{Op: TBL, Rd: 0, Rn: 1, Rm: 2, Imm2: 5}, "table register count Imm2 5 is not in 1..4"},
		{"TBL no registers", Inst{Op: TBL, Rd: 0, Rn: 1, Rm: 2}, "table register count Imm2 0 is not in 1..4"},
		// Element indexes.
		{"DUP index too large", Inst{Op: DUPelem, Rd: 0, Rn: 1, Size: 2, Sf: true, Imm: 4}, "index Imm 4 is not in 0..3"},
		{"DUP 1D", Inst{Op: DUPelem, Rd: 0, Rn: 1, Size: 3}, "arrangement 1D (Size 3 without Sf) is reserved"},
		{"DUP general with index", Inst{Op: DUPgen, Rd: 0, Rn: 1, Size: 0, Imm: 1}, "has no index: Imm 1"},
		{"INS source index", Inst{Op: INSelem, Rd: 0, Rn: 1, Size: 3, Imm: 1, Imm2: 2}, "source index Imm2 2 is not in 0..1"},
		{"INS with Sf", Inst{Op: INSgen, Rd: 0, Rn: 1, Size: 0, Sf: true}, "Sf is set"},
		{"SMOV of S to W", Inst{Op: SMOV, Rd: 0, Rn: 1, Size: 2}, "element Size 2 with Sf false"},
		{"SMOV of D", Inst{Op: SMOV, Rd: 0, Rn: 1, Size: 3, Sf: true}, "element Size 3 with Sf true"},
		{"UMOV of D to W", Inst{Op: UMOV, Rd: 0, Rn: 1, Size: 3}, "element Size 3 with Sf false"},
		{"UMOV of B to X", Inst{Op: UMOV, Rd: 0, Rn: 1, Size: 0, Sf: true}, "element Size 0 with Sf true"},
		{"copy size 4", Inst{Op: DUPscalar, Rd: 0, Rn: 1, Size: 4}, "element Size 4, want 0..3"},
	} {
		_, err := Encode(tc.in)
		var ee *EncodeError
		if assert.True(t, errors.As(err, &ee), "%s: want an EncodeError, got %v", tc.name, err) {
			assert.Equal(t, tc.in.Op, ee.Op, tc.name)
			assert.Contains(t, ee.Error(), tc.want, tc.name)
		}
	}
}

// ModImmEncoding finds, for the pattern of every modified-immediate word,
// an op:cmode:imm8 of the same op and element size that Encode accepts
// and that expands to the pattern: the word's own, except for the imm8 0
// encodings that an earlier form of simdModImmForms also gives (0 with a
// shift, MSL #8 of 0 is 0xff, MSL #16 of 0 is MSL #8 of 0xff).
func TestModImmEncoding(t *testing.T) {
	words, other := 0, 0
	for v := uint32(0); v < 1<<13; v++ {
		for _, q := range []uint32{0, 1} {
			w := 0x0f000400 | q<<30 | v>>12<<29 | v>>8&15<<12 | v>>5&7<<16 | v&31<<5
			in, err := Decode(w)
			if err != nil {
				continue
			}
			require.Contains(t, []Op{MOVI, MVNI, ORRvecImm, BICvecImm, FMOVvecImm}, in.Op, "%08x", w)
			require.Equal(t, int64(v), in.Imm2, "%08x", w)
			words++
			imm2, ok := ModImmEncoding(in.Op, in.Size, uint64(in.Imm))
			require.True(t, ok, "%08x %s", w, GNUSyntax(in))
			assert.Equal(t, uint64(in.Imm), ModImmPattern(imm2), "%08x", w)
			canon := in
			canon.Imm2 = imm2
			got, err := Encode(canon)
			require.NoError(t, err, "%08x", w)
			if imm2 != in.Imm2 {
				other++
				assert.Zero(t, v&0xff, "%08x %s: another encoding %08x", w, GNUSyntax(in), got)
			} else {
				assert.Equal(t, w, got)
			}
		}
	}
	t.Logf("%d words, %d with an earlier encoding of their pattern", words, other)
	assert.NotZero(t, other)

	for _, tc := range []struct {
		op      Op
		size    uint8
		pattern uint64
	}{
		{MOVI, 2, 0x0000120100001201},
		{MOVI, 2, 0x12},
		{MOVI, 3, 0x0100},
		{ORRvecImm, 0, 0x0101010101010101},
		{FMOVvecImm, 2, 0x3f8000013f800001},
	} {
		_, ok := ModImmEncoding(tc.op, tc.size, tc.pattern)
		assert.False(t, ok, "%v size %d %#x", tc.op, tc.size, tc.pattern)
	}
	imm2, ok := ModImmEncoding(MOVI, 2, 0x0000ffff0000ffff)
	assert.True(t, ok)
	assert.Equal(t, int64(0x0cff), imm2, "msl #8 of 0xff before msl #16 of 0")
}
