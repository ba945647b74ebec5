package arm64

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pacCases: words assembled by aarch64-linux-gnu-as -march=armv8.3-a from
// the source in text, which is also how aarch64-linux-gnu-objdump -d
// prints them.
var pacCases = []struct {
	word uint32
	text string
	want Inst
}{
	{0xdac10041, "pacia\tx1, x2", Inst{Op: PACIA, Sf: true, Rd: 1, Rn: 2}},
	{0xdac103e1, "pacia\tx1, sp", Inst{Op: PACIA, Sf: true, Rd: 1, Rn: SP}},
	{0xdac1007f, "pacia\txzr, x3", Inst{Op: PACIA, Sf: true, Rd: ZR, Rn: 3}},
	{0xdac10441, "pacib\tx1, x2", Inst{Op: PACIB, Sf: true, Rd: 1, Rn: 2}},
	{0xdac10841, "pacda\tx1, x2", Inst{Op: PACDA, Sf: true, Rd: 1, Rn: 2}},
	{0xdac10c41, "pacdb\tx1, x2", Inst{Op: PACDB, Sf: true, Rd: 1, Rn: 2}},
	{0xdac11041, "autia\tx1, x2", Inst{Op: AUTIA, Sf: true, Rd: 1, Rn: 2}},
	{0xdac11441, "autib\tx1, x2", Inst{Op: AUTIB, Sf: true, Rd: 1, Rn: 2}},
	{0xdac11841, "autda\tx1, x2", Inst{Op: AUTDA, Sf: true, Rd: 1, Rn: 2}},
	{0xdac11fde, "autdb\tx30, x30", Inst{Op: AUTDB, Sf: true, Rd: 30, Rn: 30}},
	{0xdac123e5, "paciza\tx5", Inst{Op: PACIZA, Sf: true, Rd: 5}},
	{0xdac127e5, "pacizb\tx5", Inst{Op: PACIZB, Sf: true, Rd: 5}},
	{0xdac12be5, "pacdza\tx5", Inst{Op: PACDZA, Sf: true, Rd: 5}},
	{0xdac12fff, "pacdzb\txzr", Inst{Op: PACDZB, Sf: true, Rd: ZR}},
	{0xdac133e5, "autiza\tx5", Inst{Op: AUTIZA, Sf: true, Rd: 5}},
	{0xdac137e5, "autizb\tx5", Inst{Op: AUTIZB, Sf: true, Rd: 5}},
	{0xdac13be5, "autdza\tx5", Inst{Op: AUTDZA, Sf: true, Rd: 5}},
	{0xdac13fe5, "autdzb\tx5", Inst{Op: AUTDZB, Sf: true, Rd: 5}},
	{0xdac143e7, "xpaci\tx7", Inst{Op: XPACI, Sf: true, Rd: 7}},
	{0xdac147ff, "xpacd\txzr", Inst{Op: XPACD, Sf: true, Rd: ZR}},
	{0x9ac33041, "pacga\tx1, x2, x3", Inst{Op: PACGA, Sf: true, Rd: 1, Rn: 2, Rm: 3}},
	{0x9adf3041, "pacga\tx1, x2, sp", Inst{Op: PACGA, Sf: true, Rd: 1, Rn: 2, Rm: SP}},
	{0x9ac333ff, "pacga\txzr, xzr, x3", Inst{Op: PACGA, Sf: true, Rd: ZR, Rn: ZR, Rm: 3}},
	{0xf8200420, "ldraa\tx0, [x1]", Inst{Op: LDRAA, Sf: true, Size: 3, Rt: 0, Rn: 1, Mode: AddrOffset}},
	{0xf8201420, "ldraa\tx0, [x1, #8]", Inst{Op: LDRAA, Sf: true, Size: 3, Rt: 0, Rn: 1, Imm: 8, Mode: AddrOffset}},
	{0xf8600420, "ldraa\tx0, [x1, #-4096]", Inst{Op: LDRAA, Sf: true, Size: 3, Rt: 0, Rn: 1, Imm: -4096, Mode: AddrOffset}},
	{0xf83ff420, "ldraa\tx0, [x1, #4088]", Inst{Op: LDRAA, Sf: true, Size: 3, Rt: 0, Rn: 1, Imm: 4088, Mode: AddrOffset}},
	{0xf87fffe0, "ldraa\tx0, [sp, #-8]!", Inst{Op: LDRAA, Sf: true, Size: 3, Rt: 0, Rn: SP, Imm: -8, Mode: AddrPreIndex}},
	{0xf8a02c3f, "ldrab\txzr, [x1, #16]!", Inst{Op: LDRAB, Sf: true, Size: 3, Rt: ZR, Rn: 1, Imm: 16, Mode: AddrPreIndex}},
	{0xf8a00c20, "ldrab\tx0, [x1]!", Inst{Op: LDRAB, Sf: true, Size: 3, Rt: 0, Rn: 1, Mode: AddrPreIndex}},
	{0xf8a00420, "ldrab\tx0, [x1]", Inst{Op: LDRAB, Sf: true, Size: 3, Rt: 0, Rn: 1, Mode: AddrOffset}},
}

// TestDecodePAC checks the decoded fields, the printed text and the
// encoding of every case, and that every PAC op has one.
func TestDecodePAC(t *testing.T) {
	seen := map[Op]bool{}
	for _, tc := range pacCases {
		t.Run(tc.text, func(t *testing.T) {
			got, err := Decode(tc.word)
			require.NoError(t, err)
			want := tc.want
			want.Word = tc.word
			assert.Equal(t, want, got)
			assert.Equal(t, tc.text, GNUSyntax(got))
			w, err := Encode(tc.want)
			require.NoError(t, err)
			assert.Equalf(t, tc.word, w, "Encode: %08x", w)
		})
		seen[tc.want.Op] = true
	}
	for _, op := range pacOps() {
		assert.True(t, seen[op], "no case for %v", op)
	}
}

// pacOps lists the ops of decode_pac.go.
func pacOps() []Op {
	var ops []Op
	for op := PACIA; op <= PACGA; op++ {
		ops = append(ops, op)
	}
	return append(ops, LDRAA, LDRAB)
}

// TestPACOpsAreSeparate: the PAC ops are named, of their classes, and
// clear of the classes' other ops (the blocks below pacOpsBase).
func TestPACOpsAreSeparate(t *testing.T) {
	assert.Equal(t, "PACIA", PACIA.String())
	assert.Equal(t, "XPACD", XPACD.String())
	assert.Equal(t, "PACGA", PACGA.String())
	assert.Equal(t, "LDRAB", LDRAB.String())
	for _, op := range pacOps() {
		assert.GreaterOrEqual(t, int(op-classBase(op.Class())), pacOpsBase, "%v", op)
	}
	assert.Equal(t, ClassDPReg, PACGA.Class())
	assert.Equal(t, ClassLdSt, LDRAA.Class())
	assert.Less(t, UMULH, PACIA, "the DPReg ops end below the PAC block")
	assert.Less(t, SWP, LDRAA, "the LdSt ops end below the PAC block")
}

// TestDecodePACUnallocated: the encodings next to the PAC forms that the
// manual leaves unallocated are refused.
func TestDecodePACUnallocated(t *testing.T) {
	for _, tc := range []struct {
		word uint32
		why  string
	}{
		{0xdac12003, "paciza with Rn != 11111"},
		{0xdac14003, "xpaci with Rn != 11111"},
		{0xdac14803, "1-source opcode2=00001 opcode=010010"},
		{0x5ac10003, "pacia with sf=0"},
		{0xfac10003, "pacia with S=1"},
		{0x1ac43041, "pacga with sf=0"},
		{0xbac43041, "pacga with S=1"},
		{0xb8200420, "ldraa with size=10"},
		{0xfc200420, "ldraa with V=1"},
	} {
		in, err := Decode(tc.word)
		var ue *UndefinedError
		assert.Truef(t, errors.As(err, &ue), "%s (%08x): want an UndefinedError, got %v", tc.why, tc.word, in.Op)
	}
}

// pacRows returns the decode rows of the PAC ops.
func pacRows() []Encoding {
	var rows []Encoding
	for _, c := range []Class{ClassDPReg, ClassLdSt} {
		for _, r := range Encodings(c) {
			if r.Op-classBase(c) >= pacOpsBase && r.Op-classBase(c) < pacOpsBase+32 {
				rows = append(rows, r)
			}
		}
	}
	return rows
}

// pacRowWords returns every word of a row with at most 15 free bits, else
// n random words of it.
func pacRowWords(rng *rand.Rand, r Encoding, n int) []uint32 {
	free := ^r.Mask
	var words []uint32
	if nfree := popcount(free); nfree <= 15 {
		for k := uint32(0); k < 1<<nfree; k++ {
			words = append(words, r.Value|spread(k, free))
		}
		return words
	}
	for range n {
		words = append(words, r.Value|rng.Uint32()&free)
	}
	return words
}

func popcount(x uint32) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// spread puts the low bits of k into the set bits of mask, lowest first.
func spread(k, mask uint32) uint32 {
	var w uint32
	for b := uint32(1); mask != 0; b <<= 1 {
		low := mask & -mask
		if k&b != 0 {
			w |= low
		}
		mask &^= low
	}
	return w
}

// TestPACRoundTrip: every word of the PAC rows (the rows of LDRAA/LDRAB
// have 20 free bits: 20000 random words each) decodes to its row's op,
// encodes back to itself, and no earlier row of its class claims it.
func TestPACRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x706163, 1))
	rows := pacRows()
	require.Len(t, rows, 23)
	total := 0
	for _, r := range rows {
		failures := 0
		for _, w := range pacRowWords(rng, r, 20000) {
			in, err := Decode(w)
			if err != nil || in.Op != r.Op {
				failures++
				if failures <= 3 {
					t.Errorf("%08x: decoded as %v, %v; want %v", w, in.Op, err, r.Op)
				}
				continue
			}
			got, err := Encode(in)
			if err != nil || got != w {
				failures++
				if failures <= 3 {
					t.Errorf("%08x %s: Encode = %08x, %v", w, GNUSyntax(in), got, err)
				}
			}
			total++
		}
		assert.Zero(t, failures, "row %v %08x/%08x", r.Op, r.Mask, r.Value)
	}
	t.Logf("%d words round-tripped", total)
}

// TestEncodePACErrors: operands the encodings cannot hold are refused with
// a reason naming the operand.
func TestEncodePACErrors(t *testing.T) {
	ldraa := Inst{Op: LDRAA, Sf: true, Size: 3, Rt: 0, Rn: 1, Mode: AddrOffset}
	with := func(in Inst, f func(*Inst)) Inst { f(&in); return in }
	for _, tc := range []struct {
		in     Inst
		reason string
	}{
		{Inst{Op: PACIA, Rd: 1, Rn: 2}, "no 32-bit form"},
		{Inst{Op: PACIA, Sf: true, Rd: SP, Rn: 2}, "register sp not allowed as Rd (x0-x30 or xzr)"},
		{Inst{Op: AUTDB, Sf: true, Rd: 1, Rn: ZR}, "register xzr not allowed as Rn (x0-x30 or sp)"},
		{Inst{Op: PACIA, Sf: true, Rd: 1, Rn: 40}, "invalid register number 40 as Rn"},
		{Inst{Op: PACIZA, Sf: true, Rd: 1, Rn: 2}, "Rn x2 is not an operand of PACIZA"},
		{Inst{Op: XPACI, Sf: true, Rd: 1, Imm: 4}, "Imm 4 is not an operand of XPACI"},
		{Inst{Op: PACGA, Sf: true, Rd: 1, Rn: SP, Rm: 3}, "register sp not allowed as Rn"},
		{Inst{Op: PACGA, Sf: true, Rd: 1, Rn: 2, Rm: ZR}, "register xzr not allowed as Rm"},
		{with(ldraa, func(in *Inst) { in.Sf = false }), "no 32-bit form"},
		{with(ldraa, func(in *Inst) { in.Size = 2 }), "size 2 not allowed"},
		{with(ldraa, func(in *Inst) { in.Mode = AddrPostIndex }), "addressing mode 3 not allowed"},
		{with(ldraa, func(in *Inst) { in.Imm = 12 }), "offset 0xc is not a multiple of 8"},
		{with(ldraa, func(in *Inst) { in.Imm = 4096 }), "offset 0x1000 out of range -0x1000..0xff8"},
		{with(ldraa, func(in *Inst) { in.Imm = -4104 }), "out of range"},
		{with(ldraa, func(in *Inst) { in.Rt = SP }), "register sp not allowed as Rt"},
		{with(ldraa, func(in *Inst) { in.Rn = ZR }), "register xzr not allowed as Rn"},
		{with(ldraa, func(in *Inst) { in.Signed = true }), "Signed true is not an operand of LDRAA"},
		{with(ldraa, func(in *Inst) { in.Rt2 = 3 }), "Rt2 x3 is not an operand of LDRAA"},
	} {
		w, err := Encode(tc.in)
		var ee *EncodeError
		if assert.Truef(t, errors.As(err, &ee), "%+v: got %08x, %v", tc.in, w, err) {
			assert.Equal(t, tc.in.Op, ee.Op)
			assert.Contains(t, ee.Reason, tc.reason)
		}
	}
}

// TestPACObjdump compares our decoding and printing with objdump on every
// word of the encoding spaces the PAC forms live in: the 1-source space
// with opcode2=00001 and the PACGA encodings (every sf, S, opcode, Rn and a
// few Rd and Rm), and random words of the "load/store register (pac)"
// space with every size and V. A word decodes to a PAC op exactly when
// objdump prints it as that instruction, and then prints the same.
func TestPACObjdump(t *testing.T) {
	tool := objdumpTool(t, "go test ./arm64 -run PACObjdump")
	var words []uint32
	for hi := uint32(0); hi < 4; hi++ { // sf, S
		for low := uint32(0); low < 1<<11; low++ { // opcode, Rn
			for _, d := range []uint32{0, 17, 31} {
				words = append(words, 0x5ac10000|(hi>>1)<<31|(hi&1)<<29|low<<5|d)
				for _, m := range []uint32{4, 31} {
					words = append(words, 0x1ac00000|(hi>>1)<<31|(hi&1)<<29|m<<16|low<<5|d)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(0x706163, 2))
	for range 40000 {
		// size 111 V 00 M S 1 imm9 W 1 Rn Rt
		words = append(words, 0x38200400|rng.Uint32()&^0x3f200400)
	}
	for _, r := range pacRows() {
		words = append(words, pacRowWords(rng, r, 2000)...)
	}
	texts := objdumpWords(t, tool, words, objdumpBase)

	pac := map[Op]bool{}
	for _, op := range pacOps() {
		pac[op] = true
	}
	pacMnemonic := map[string]bool{"pacga": true, "ldraa": true, "ldrab": true}
	for _, n := range pacDPNames {
		pacMnemonic[n] = true
	}
	decoded, failures := map[Op]int{}, 0
	for i, w := range words {
		in, err := Decode(w)
		ours := err == nil && pac[in.Op]
		theirs := pacMnemonic[mnemonicOf(texts[i])]
		var got string
		if ours {
			decoded[in.Op]++
			got = Disasm(in, objdumpBase+4*uint64(i), nil)
		}
		if ours != theirs || got != texts[i] && ours {
			failures++
			if failures <= 10 {
				t.Errorf("%08x: ours %v %q (%v), objdump %q", w, in.Op, got, err, texts[i])
			}
		}
	}
	assert.Zero(t, failures, "of %d words", len(words))
	for _, op := range pacOps() {
		assert.Positive(t, decoded[op], "%v never compared", op)
	}
}
