package arm64

import (
	"errors"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ldstCases are words assembled by aarch64-linux-gnu-as (binutils 2.40,
// -march=armv8.2-a+lse+rcpc) with the text objdump prints for them; for
// the literal forms objdump's absolute target is written as the offset
// from the instruction, as our printer gives it.
var ldstCases = []struct {
	word uint32
	text string
	want Inst
}{
	// Unsigned scaled offset.
	{0xf9400020, "ldr\tx0, [x1]", Inst{Op: LDRimm, Rt: 0, Rn: 1, Size: 3, Sf: true, Mode: AddrOffset}},
	{0xf9400420, "ldr\tx0, [x1, #8]", Inst{Op: LDRimm, Rt: 0, Rn: 1, Size: 3, Sf: true, Imm: 8, Mode: AddrOffset}},
	{0xb97fffe2, "ldr\tw2, [sp, #16380]", Inst{Op: LDRimm, Rt: 2, Rn: SP, Size: 2, Imm: 16380, Mode: AddrOffset}},
	{0x397ffc83, "ldrb\tw3, [x4, #4095]", Inst{Op: LDRimm, Rt: 3, Rn: 4, Size: 0, Imm: 4095, Mode: AddrOffset}},
	{0x794004c5, "ldrh\tw5, [x6, #2]", Inst{Op: LDRimm, Rt: 5, Rn: 6, Size: 1, Imm: 2, Mode: AddrOffset}},
	{0x39c00507, "ldrsb\tw7, [x8, #1]", Inst{Op: LDRimm, Rt: 7, Rn: 8, Size: 0, Signed: true, Imm: 1, Mode: AddrOffset}},
	{0x39800507, "ldrsb\tx7, [x8, #1]", Inst{Op: LDRimm, Rt: 7, Rn: 8, Size: 0, Signed: true, Sf: true, Imm: 1, Mode: AddrOffset}},
	{0x79c00149, "ldrsh\tw9, [x10]", Inst{Op: LDRimm, Rt: 9, Rn: 10, Size: 1, Signed: true, Mode: AddrOffset}},
	{0x79000bff, "strh\twzr, [sp, #4]", Inst{Op: STRimm, Rt: ZR, Rn: SP, Size: 1, Imm: 4, Mode: AddrOffset}},
	// Pre- and post-index.
	{0x789fed49, "ldrsh\tx9, [x10, #-2]!", Inst{Op: LDRimm, Rt: 9, Rn: 10, Size: 1, Signed: true, Sf: true, Imm: -2, Mode: AddrPreIndex}},
	{0xb890058b, "ldrsw\tx11, [x12], #-256", Inst{Op: LDRimm, Rt: 11, Rn: 12, Size: 2, Signed: true, Sf: true, Imm: -256, Mode: AddrPostIndex}},
	{0xf84ffdcd, "ldr\tx13, [x14, #255]!", Inst{Op: LDRimm, Rt: 13, Rn: 14, Size: 3, Sf: true, Imm: 255, Mode: AddrPreIndex}},
	{0xf800860f, "str\tx15, [x16], #8", Inst{Op: STRimm, Rt: 15, Rn: 16, Size: 3, Sf: true, Imm: 8, Mode: AddrPostIndex}},
	{0x381ffe51, "strb\tw17, [x18, #-1]!", Inst{Op: STRimm, Rt: 17, Rn: 18, Size: 0, Imm: -1, Mode: AddrPreIndex}},
	// Unscaled and unprivileged.
	{0xf85f8020, "ldur\tx0, [x1, #-8]", Inst{Op: LDUR, Rt: 0, Rn: 1, Size: 3, Sf: true, Imm: -8, Mode: AddrOffset}},
	{0xb8801062, "ldursw\tx2, [x3, #1]", Inst{Op: LDUR, Rt: 2, Rn: 3, Size: 2, Signed: true, Sf: true, Imm: 1, Mode: AddrOffset}},
	{0x781010a4, "sturh\tw4, [x5, #-255]", Inst{Op: STUR, Rt: 4, Rn: 5, Size: 1, Imm: -255, Mode: AddrOffset}},
	{0xf8408820, "ldtr\tx0, [x1, #8]", Inst{Op: LDTR, Rt: 0, Rn: 1, Size: 3, Sf: true, Imm: 8, Mode: AddrOffset}},
	{0x38c00862, "ldtrsb\tw2, [x3]", Inst{Op: LDTR, Rt: 2, Rn: 3, Size: 0, Signed: true, Mode: AddrOffset}},
	{0x381ff8a4, "sttrb\tw4, [x5, #-1]", Inst{Op: STTR, Rt: 4, Rn: 5, Size: 0, Imm: -1, Mode: AddrOffset}},
	// Register offset.
	{0xf8626820, "ldr\tx0, [x1, x2]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 3, Sf: true, Ext: UXTX, Mode: AddrRegOffset}},
	{0xf8627820, "ldr\tx0, [x1, x2, lsl #3]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 3, Sf: true, Ext: UXTX, Amount: 3, Mode: AddrRegOffset}},
	{0xb8625820, "ldr\tw0, [x1, w2, uxtw #2]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 2, Ext: UXTW, Amount: 2, Mode: AddrRegOffset}},
	{0x38a2c820, "ldrsb\tx0, [x1, w2, sxtw]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 0, Signed: true, Sf: true, Ext: SXTW, Mode: AddrRegOffset}},
	{0x7862f820, "ldrh\tw0, [x1, x2, sxtx #1]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 1, Ext: SXTX, Amount: 1, Mode: AddrRegOffset}},
	{0x38227820, "strb\tw0, [x1, x2, lsl #0]", Inst{Op: STRreg, Rt: 0, Rn: 1, Rm: 2, Size: 0, Ext: UXTX, Imm2: 1, Mode: AddrRegOffset}},
	{0x38a2d820, "ldrsb\tx0, [x1, w2, sxtw #0]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 0, Signed: true, Sf: true, Ext: SXTW, Imm2: 1, Mode: AddrRegOffset}},
	// Literal.
	{0x58000040, "ldr\tx0, .+0x8", Inst{Op: LDRlit, Rt: 0, Size: 3, Sf: true, Imm: 8, Mode: AddrLiteral}},
	{0x98ffffe1, "ldrsw\tx1, .-0x4", Inst{Op: LDRlit, Rt: 1, Size: 2, Sf: true, Signed: true, Imm: -4, Mode: AddrLiteral}},
	{0x18000003, "ldr\tw3, .+0x0", Inst{Op: LDRlit, Rt: 3, Size: 2, Mode: AddrLiteral}},
	// Prefetch: prfop in Imm2.
	{0xd8000020, "prfm\tpldl1keep, .+0x4", Inst{Op: PRFMlit, Size: 3, Imm: 4, Mode: AddrLiteral}},
	{0xf9800000, "prfm\tpldl1keep, [x0]", Inst{Op: PRFMimm, Size: 3, Mode: AddrOffset}},
	{0xf98007f3, "prfm\tpstl2strm, [sp, #8]", Inst{Op: PRFMimm, Rn: SP, Size: 3, Imm: 8, Imm2: 0x13, Mode: AddrOffset}},
	{0xf89ff00c, "prfum\tplil3keep, [x0, #-1]", Inst{Op: PRFUM, Size: 3, Imm: -1, Imm2: 0x0c, Mode: AddrOffset}},
	{0xf8a17800, "prfm\tpldl1keep, [x0, x1, lsl #3]", Inst{Op: PRFMreg, Rm: 1, Size: 3, Ext: UXTX, Amount: 3, Mode: AddrRegOffset}},
	{0xf9800018, "prfm\t#0x18, [x0]", Inst{Op: PRFMimm, Size: 3, Imm2: 0x18, Mode: AddrOffset}},
	// Pairs.
	{0xa8c17bfd, "ldp\tx29, x30, [sp], #16", Inst{Op: LDP, Rt: 29, Rt2: 30, Rn: SP, Size: 3, Sf: true, Imm: 16, Mode: AddrPostIndex}},
	{0xa9bf7bfd, "stp\tx29, x30, [sp, #-16]!", Inst{Op: STP, Rt: 29, Rt2: 30, Rn: SP, Size: 3, Sf: true, Imm: -16, Mode: AddrPreIndex}},
	{0x29600440, "ldp\tw0, w1, [x2, #-256]", Inst{Op: LDP, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Imm: -256, Mode: AddrOffset}},
	{0x695f8440, "ldpsw\tx0, x1, [x2, #252]", Inst{Op: LDP, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Sf: true, Signed: true, Imm: 252, Mode: AddrOffset}},
	{0xa85f8440, "ldnp\tx0, x1, [x2, #504]", Inst{Op: LDNP, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Sf: true, Imm: 504, Mode: AddrOffset}},
	{0x28000440, "stnp\tw0, w1, [x2]", Inst{Op: STNP, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Mode: AddrOffset}},
	// Exclusives and ordered.
	{0xc85f7c20, "ldxr\tx0, [x1]", Inst{Op: LDXR, Rt: 0, Rn: 1, Size: 3, Sf: true}},
	{0x085ffc20, "ldaxrb\tw0, [x1]", Inst{Op: LDXR, Rt: 0, Rn: 1, Size: 0, Acquire: true}},
	{0xc8027c20, "stxr\tw2, x0, [x1]", Inst{Op: STXR, Rs: 2, Rt: 0, Rn: 1, Size: 3, Sf: true}},
	{0x4802ffe0, "stlxrh\tw2, w0, [sp]", Inst{Op: STXR, Rs: 2, Rt: 0, Rn: SP, Size: 1, Release: true}},
	{0xc87f0440, "ldxp\tx0, x1, [x2]", Inst{Op: LDXP, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Sf: true}},
	{0x887f8440, "ldaxp\tw0, w1, [x2]", Inst{Op: LDXP, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Acquire: true}},
	{0xc8230440, "stxp\tw3, x0, x1, [x2]", Inst{Op: STXP, Rs: 3, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Sf: true}},
	{0x88238440, "stlxp\tw3, w0, w1, [x2]", Inst{Op: STXP, Rs: 3, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Release: true}},
	{0xc8dffc20, "ldar\tx0, [x1]", Inst{Op: LDAR, Rt: 0, Rn: 1, Size: 3, Sf: true, Acquire: true}},
	{0x08dffc20, "ldarb\tw0, [x1]", Inst{Op: LDAR, Rt: 0, Rn: 1, Size: 0, Acquire: true}},
	{0x889ffc20, "stlr\tw0, [x1]", Inst{Op: STLR, Rt: 0, Rn: 1, Size: 2, Release: true}},
	{0x489ffc20, "stlrh\tw0, [x1]", Inst{Op: STLR, Rt: 0, Rn: 1, Size: 1, Release: true}},
	{0xf8bfc020, "ldapr\tx0, [x1]", Inst{Op: LDAPR, Rt: 0, Rn: 1, Size: 3, Sf: true, Acquire: true}},
	{0x78bfc020, "ldaprh\tw0, [x1]", Inst{Op: LDAPR, Rt: 0, Rn: 1, Size: 1, Acquire: true}},
	// Should-be-one fields: ignored in LDXR, and in bit 20 of LDAR, as objdump does.
	{0x88407c20, "ldxr\tw0, [x1]", Inst{Op: LDXR, Rt: 0, Rn: 1, Size: 2}},
	{0x88cffc20, "ldar\tw0, [x1]", Inst{Op: LDAR, Rt: 0, Rn: 1, Size: 2, Acquire: true}},
	// Compare and swap.
	{0xc8a07c41, "cas\tx0, x1, [x2]", Inst{Op: CAS, Rs: 0, Rt: 1, Rn: 2, Size: 3, Sf: true}},
	{0x08e0fc41, "casalb\tw0, w1, [x2]", Inst{Op: CAS, Rs: 0, Rt: 1, Rn: 2, Size: 0, Acquire: true, Release: true}},
	{0x48e07fe1, "casah\tw0, w1, [sp]", Inst{Op: CAS, Rs: 0, Rt: 1, Rn: SP, Size: 1, Acquire: true}},
	{0x88a0fc41, "casl\tw0, w1, [x2]", Inst{Op: CAS, Rs: 0, Rt: 1, Rn: 2, Size: 2, Release: true}},
	{0x48207c82, "casp\tx0, x1, x2, x3, [x4]", Inst{Op: CASP, Rs: 0, Rt: 2, Rt2: 3, Rn: 4, Size: 3, Sf: true}},
	{0x0864fd06, "caspal\tw4, w5, w6, w7, [x8]", Inst{Op: CASP, Rs: 4, Rt: 6, Rt2: 7, Rn: 8, Size: 2, Acquire: true, Release: true}},
	{0x483e7c9c, "casp\tx30, xzr, x28, x29, [x4]", Inst{Op: CASP, Rs: 30, Rt: 28, Rt2: 29, Rn: 4, Size: 3, Sf: true}},
	// Atomic memory operations, with the ST aliases objdump prefers.
	{0xf8200041, "ldadd\tx0, x1, [x2]", Inst{Op: LDADD, Rs: 0, Rt: 1, Rn: 2, Size: 3, Sf: true}},
	{0x38e00041, "ldaddalb\tw0, w1, [x2]", Inst{Op: LDADD, Rs: 0, Rt: 1, Rn: 2, Size: 0, Acquire: true, Release: true}},
	{0xb820005f, "stadd\tw0, [x2]", Inst{Op: LDADD, Rs: 0, Rt: ZR, Rn: 2, Size: 2}},
	{0x7860005f, "staddlh\tw0, [x2]", Inst{Op: LDADD, Rs: 0, Rt: ZR, Rn: 2, Size: 1, Release: true}},
	{0xf8a0005f, "ldadda\tx0, xzr, [x2]", Inst{Op: LDADD, Rs: 0, Rt: ZR, Rn: 2, Size: 3, Sf: true, Acquire: true}},
	{0xf8601041, "ldclrl\tx0, x1, [x2]", Inst{Op: LDCLR, Rs: 0, Rt: 1, Rn: 2, Size: 3, Sf: true, Release: true}},
	{0x78a02041, "ldeorah\tw0, w1, [x2]", Inst{Op: LDEOR, Rs: 0, Rt: 1, Rn: 2, Size: 1, Acquire: true}},
	{0xf8203041, "ldset\tx0, x1, [x2]", Inst{Op: LDSET, Rs: 0, Rt: 1, Rn: 2, Size: 3, Sf: true}},
	{0x38204041, "ldsmaxb\tw0, w1, [x2]", Inst{Op: LDSMAX, Rs: 0, Rt: 1, Rn: 2, Size: 0}},
	{0xf820503f, "stsmin\tx0, [x1]", Inst{Op: LDSMIN, Rs: 0, Rt: ZR, Rn: 1, Size: 3, Sf: true}},
	{0xb8206041, "ldumax\tw0, w1, [x2]", Inst{Op: LDUMAX, Rs: 0, Rt: 1, Rn: 2, Size: 2}},
	{0xf8e073e1, "lduminal\tx0, x1, [sp]", Inst{Op: LDUMIN, Rs: 0, Rt: 1, Rn: SP, Size: 3, Sf: true, Acquire: true, Release: true}},
	{0xf8208041, "swp\tx0, x1, [x2]", Inst{Op: SWP, Rs: 0, Rt: 1, Rn: 2, Size: 3, Sf: true}},
	{0x38e08041, "swpalb\tw0, w1, [x2]", Inst{Op: SWP, Rs: 0, Rt: 1, Rn: 2, Size: 0, Acquire: true, Release: true}},
}

func TestDecodeLdSt(t *testing.T) {
	for _, tc := range ldstCases {
		in, err := Decode(tc.word)
		require.NoError(t, err, "%08x %s", tc.word, tc.text)
		want := tc.want
		want.Word = tc.word
		assert.Equal(t, want, in, "%08x %s", tc.word, tc.text)
		assert.Equal(t, ClassLdSt, in.Op.Class(), "%08x", tc.word)
		assert.Equal(t, tc.text, GNUSyntax(in), "%08x", tc.word)
		in.Word = 0 // as an assembler builds it
		assert.Equal(t, tc.text, GNUSyntax(in), "%08x printed from the fields", tc.word)
	}
}

// Encodings the manual reserves, that belong to features kpemu does not
// model, or that GNU objdump calls undefined where the architecture allows
// UNDEFINED: all must be errors naming the class.
func TestDecodeLdStUnallocated(t *testing.T) {
	for _, tc := range []struct {
		word uint32
		why  string
	}{
		{0xb8c04c20, "LDRSW with opc 11 (size 10)"},
		{0xf8800c20, "prefetch pre-indexed (size 11, opc 10)"},
		{0xf8800820, "prefetch unprivileged"},
		{0xf8600820, "register offset with option 000"},
		{0xf8602820, "register offset with option 001"},
		{0xe9400000, "pair with opc 11"},
		{0x68400000, "LDPSW non-temporal"},
		{0x69000000, "STGP (FEAT_MTE)"},
		{0x48217c82, "CASP with odd Rs"},
		{0x48207c83, "CASP with odd Rt"},
		{0x88a00c41, "CAS with Rt2 != 11111"},
		{0xf8a0c020, "LDAPR with Rs != 11111"},
		{0x88c0fc20, "LDAR with Rs != 11111"},
		{0x48cffc20, "LDARH with Rs = 01111 (objdump: undefined)"},
		{0x88df8020, "LDAR with Rt2 != 11111"},
		{0x88df7c20, "LDLAR (FEAT_LOR)"},
		{0x889f7c20, "STLLR (FEAT_LOR)"},
		{0x99400020, "LDAPUR (FEAT_LRCPC2)"},
		{0xb8200420, "LDRAA with size 10"},
		{0xd9200000, "STZGM (FEAT_MTE)"},
		{0x19000000, "STLURB (FEAT_LRCPC2)"},
		{0x19010440, "CPYFP (FEAT_MOPS)"},
	} {
		_, err := Decode(tc.word)
		var ue *UndefinedError
		require.True(t, errors.As(err, &ue), "%08x %s: want UndefinedError, got %v", tc.word, tc.why, err)
		assert.Equal(t, ClassLdSt, ue.Class, "%08x %s", tc.word, tc.why)
		assert.Equal(t, tc.word, ue.Word)
	}
}

func TestLdStLoadExclusive(t *testing.T) {
	for _, op := range []Op{LDXR, LDXP} {
		assert.True(t, op.IsLoadExclusive(), "%v", op)
	}
	for _, op := range []Op{STXR, STXP, LDAR, LDAPR, LDRimm, CAS, LDADD} {
		assert.False(t, op.IsLoadExclusive(), "%v", op)
	}
}

// Every row's random words decode to the row's op (or are refused), print
// without a placeholder, and decode again to the same Inst.
func TestDecodeLdStRows(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	rows := Encodings(ClassLdSt)
	require.NotEmpty(t, rows)
	decoded := map[Op]int{}
	for _, r := range rows {
		for i := 0; i < 500; i++ {
			w := r.Value | rng.Uint32()&^r.Mask
			in, err := Decode(w)
			if err != nil {
				continue
			}
			decoded[in.Op]++
			require.Equal(t, ClassLdSt, in.Op.Class(), "%08x", w)
			s := GNUSyntax(in)
			assert.NotContains(t, s, ".inst", "%08x %v", w, in.Op)
			assert.NotContains(t, s, "?", "%08x %v", w, in.Op)
			again, err := Decode(w)
			require.NoError(t, err)
			assert.Equal(t, in, again)
		}
	}
	for _, r := range rows {
		assert.NotZero(t, decoded[r.Op], "row %08x/%08x never decodes to %v", r.Mask, r.Value, r.Op)
	}
}

func FuzzDecodeLdSt(f *testing.F) {
	for _, tc := range ldstCases {
		f.Add(tc.word)
	}
	f.Add(uint32(0x48217c82))
	f.Add(uint32(0xb8c04c20))
	f.Fuzz(func(t *testing.T, w uint32) {
		// Steer most inputs into the class: op0 = x1x0 with V = 0.
		w = w&^(1<<25|1<<26) | 1<<27
		in, err := Decode(w)
		if err != nil {
			var ue *UndefinedError
			if !errors.As(err, &ue) {
				t.Fatalf("%08x: error %v is not an UndefinedError", w, err)
			}
			return
		}
		if in.Op.Class() != ClassLdSt || in.Word != w {
			t.Fatalf("%08x: decoded to %v of class %v", w, in.Op, in.Op.Class())
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
