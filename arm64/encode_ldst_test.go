package arm64

import (
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lsRoundTripWords is how many accepted random words each decode row must
// round-trip.
const lsRoundTripWords = 20000

// lsIgnored describes, for one op, the bits of a word the decoder
// deliberately ignores: canon returns the word with those bits in the
// canonical form Encode writes, so Encode(Decode(w)) == canon(w).
type lsIgnored struct {
	canon func(w uint32) uint32
	why   string
}

// lsSetBits is the canon of should-be-one fields: mask's bits set.
func lsSetBits(mask uint32) func(uint32) uint32 { return func(w uint32) uint32 { return w | mask } }

// lsLdStIgnored: the should-be-one fields of the exclusives and the
// ordered forms (decode_atomic.go, decodeExclusive), encoded as ones.
var lsLdStIgnored = map[Op]lsIgnored{
	LDXR: {lsSetBits(0x001f7c00), "Rs (20:16) and Rt2 (14:10) are should-be-one"},
	STXR: {lsSetBits(0x00007c00), "Rt2 (14:10) is should-be-one"},
	LDXP: {lsSetBits(0x001f0000), "Rs (20:16) is should-be-one"},
	STLR: {lsSetBits(0x001f7c00), "Rs (20:16) and Rt2 (14:10) are should-be-one"},
	LDAR: {lsSetBits(0x00100000), "Rs bit 4 (bit 20) is should-be-one, ignored except for LDARH"},
}

// lsFirstRow returns the index of the first row of rows that w matches.
func lsFirstRow(rows []Encoding, w uint32) int {
	for i, r := range rows {
		if w&r.Mask == r.Value {
			return i
		}
	}
	return -1
}

// lsRoundTrip checks, for every decode row of class c, lsRoundTripWords
// random words with the row's fixed bits that Decode accepts (and that no
// earlier row claims): Encode(Decode(w)) is w with the op's ignored bits in
// canonical form, and decodes to the same Inst.
func lsRoundTrip(t *testing.T, c Class, seed int64, ignored map[Op]lsIgnored) {
	rng := rand.New(rand.NewSource(seed))
	rows := Encodings(c)
	require.NotEmpty(t, rows)
	for i, r := range rows {
		t.Run(fmt.Sprintf("%v/%08x", r.Op, r.Value), func(t *testing.T) {
			ign := ignored[r.Op]
			exact, tries := 0, 0
			for exact < lsRoundTripWords && tries < 200*lsRoundTripWords {
				tries++
				w := r.Value | rng.Uint32()&^r.Mask
				if lsFirstRow(rows, w) != i {
					continue
				}
				in, err := Decode(w)
				if err != nil {
					continue
				}
				// Plain comparisons first: testify's are slow for a
				// million words.
				if in.Op != r.Op {
					require.Equal(t, r.Op, in.Op, "%08x", w)
				}
				got, err := Encode(in)
				if err != nil {
					require.NoError(t, err, "%08x %s: %+v", w, GNUSyntax(in), in)
				}
				again, err := Decode(got)
				again.Word = w
				if err != nil || again != in {
					require.NoError(t, err, "%08x encoded as %08x", w, got)
					require.Equal(t, in, again, "%08x %s encoded as %08x", w, GNUSyntax(in), got)
				}
				want := w
				if ign.canon != nil {
					want = ign.canon(w)
				}
				if got != want {
					require.Failf(t, "round trip", "%08x %s: encoded %08x, want %08x", w, GNUSyntax(in), got, want)
				}
				exact++
			}
			require.Equal(t, lsRoundTripWords, exact, "row %08x/%08x: too few words decode (%d tries)", r.Mask, r.Value, tries)
			t.Logf("%v %08x/%08x: %d exact, %d tries", r.Op, r.Mask, r.Value, exact, tries)
		})
	}
}

// lsMutate sets one randomly chosen field of in to a random value, most of
// them near valid ones, some out of any range.
func lsMutate(rng *rand.Rand, in *Inst) {
	reg := func() Reg { return Reg(rng.Intn(35)) } // 33, 34: no register
	switch rng.Intn(20) {
	case 0:
		in.Rd = reg()
	case 1:
		in.Rn = reg()
	case 2:
		in.Rm = reg()
	case 3:
		in.Ra = reg()
	case 4:
		in.Rt = reg()
	case 5:
		in.Rt2 = reg()
	case 6:
		in.Rs = reg()
	case 7:
		in.Sf = !in.Sf
	case 8:
		in.Size = uint8(rng.Intn(6))
	case 9:
		switch rng.Intn(4) {
		case 0:
			in.Imm += int64(rng.Intn(35) - 17)
		case 1:
			in.Imm = int64(rng.Intn(1<<22) - 1<<21)
		case 2:
			in.Imm = -in.Imm
		default:
			in.Imm = int64(rng.Intn(2048)-1024) << rng.Intn(5)
		}
	case 10:
		in.Imm2 = int64(rng.Intn(36) - 2)
	case 11:
		in.Shift = Shift(rng.Intn(4))
	case 12:
		in.Amount = uint8(rng.Intn(6))
	case 13:
		in.Ext = Extend(rng.Intn(8))
	case 14:
		in.Cond = Cond(rng.Intn(16))
	case 15:
		in.Mode = AddrMode(rng.Intn(7))
	case 16:
		in.Acquire = !in.Acquire
	case 17:
		in.Release = !in.Release
	case 18:
		in.Signed = !in.Signed
	default:
		in.SysReg = SysReg(rng.Intn(1 << 16))
	}
}

// lsMutations checks that Encode accepts an Inst only when the word it
// gives decodes to that very Inst: for Insts decoded from random words of
// every row of class c, with one to three fields changed, Encode either
// returns an EncodeError or a word that decodes back to the changed Inst.
// So an encoder cannot drop or truncate an operand it does not check.
func lsMutations(t *testing.T, c Class, seed int64, perRow int) {
	rng := rand.New(rand.NewSource(seed))
	rows := Encodings(c)
	require.NotEmpty(t, rows)
	accepted, rejected := 0, 0
	for _, r := range rows {
		for i := 0; i < perRow; i++ {
			var in Inst
			var err error
			for tries := 0; tries < 1000; tries++ {
				if in, err = Decode(r.Value | rng.Uint32()&^r.Mask); err == nil {
					break
				}
			}
			require.NoError(t, err, "row %08x/%08x", r.Mask, r.Value)
			for n := 1 + rng.Intn(3); n > 0; n-- {
				lsMutate(rng, &in)
			}
			in.Word = 0
			w, err := Encode(in)
			if err != nil {
				var ee *EncodeError
				require.True(t, errors.As(err, &ee), "%+v: %v is not an EncodeError", in, err)
				rejected++
				continue
			}
			back, derr := Decode(w)
			back.Word = 0
			if derr != nil || back != in {
				require.NoError(t, derr, "%+v encoded as %08x", in, w)
				require.Equal(t, in, back, "encoded as %08x", w)
			}
			accepted++
		}
	}
	t.Logf("%v: %d changed Insts encoded exactly, %d refused", c, accepted, rejected)
	assert.NotZero(t, accepted)
	assert.NotZero(t, rejected)
}

func TestEncodeLdStMutations(t *testing.T) { lsMutations(t, ClassLdSt, 21, 2000) }

func TestEncodeLdStRoundTrip(t *testing.T) {
	lsRoundTrip(t, ClassLdSt, 11, lsLdStIgnored)
}

// Every op of the class has an encoder.
func TestEncodeLdStCoverage(t *testing.T) {
	n := 0
	for _, op := range Ops() {
		if op.Class() == ClassLdSt {
			assert.NotNil(t, encoders[op], "%v has no encoder", op)
			n++
		}
	}
	assert.Equal(t, 37, n, "ops of the class")
}

// The decode test's words (assembled by GNU as) encode back from their
// Inst; those with ignored fields in their canonical form.
func TestEncodeLdStCases(t *testing.T) {
	require.NotEmpty(t, ldstCases)
	for _, tc := range ldstCases {
		want := tc.word
		if ign, ok := lsLdStIgnored[tc.want.Op]; ok {
			want = ign.canon(want)
		}
		got, err := Encode(tc.want)
		require.NoError(t, err, "%s", tc.text)
		assert.Equal(t, want, got, "%s: got %08x, want %08x", tc.text, got, want)
	}
}

// Words written out here were assembled with aarch64-linux-gnu-as.
func TestEncodeLdStExamples(t *testing.T) {
	for _, tc := range []struct {
		text string
		in   Inst
		want uint32
	}{
		{"ldr x0, [x1, #32760]", Inst{Op: LDRimm, Rt: 0, Rn: 1, Size: 3, Sf: true, Imm: 32760, Mode: AddrOffset}, 0xf97ffc20},
		{"ldrsb w2, [sp, #-256]!", Inst{Op: LDRimm, Rt: 2, Rn: SP, Size: 0, Signed: true, Imm: -256, Mode: AddrPreIndex}, 0x38d00fe2},
		{"strb w0, [x1, x2]", Inst{Op: STRreg, Rt: 0, Rn: 1, Rm: 2, Ext: UXTX, Mode: AddrRegOffset}, 0x38226820},
		{"strb w0, [x1, x2, lsl #0]", Inst{Op: STRreg, Rt: 0, Rn: 1, Rm: 2, Ext: UXTX, Imm2: 1, Mode: AddrRegOffset}, 0x38227820},
		{"ldrsb x0, [x1, w2, sxtw #0]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Sf: true, Signed: true, Ext: SXTW, Imm2: 1, Mode: AddrRegOffset}, 0x38a2d820},
		{"prfm pldl1keep, [x1, x2, lsl #3]", Inst{Op: PRFMreg, Rn: 1, Rm: 2, Size: 3, Ext: UXTX, Amount: 3, Mode: AddrRegOffset}, 0xf8a27820},
		{"ldr w0, [x1, w2, sxtw]", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 2, Ext: SXTW, Mode: AddrRegOffset}, 0xb862c820},
		{"ldr x3, .-1048576", Inst{Op: LDRlit, Rt: 3, Size: 3, Sf: true, Imm: -1 << 20, Mode: AddrLiteral}, 0x58800003},
		{"ldp x0, x1, [x2, #504]!", Inst{Op: LDP, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Sf: true, Imm: 504, Mode: AddrPreIndex}, 0xa9df8440},
		{"stp w0, wzr, [x2], #-256", Inst{Op: STP, Rt: 0, Rt2: ZR, Rn: 2, Size: 2, Imm: -256, Mode: AddrPostIndex}, 0x28a07c40},
		{"prfum pstl1strm, [x0, #255]", Inst{Op: PRFUM, Size: 3, Imm: 255, Imm2: 0x11, Mode: AddrOffset}, 0xf88ff011},
		{"casp x30, xzr, x28, x29, [x4]", Inst{Op: CASP, Rs: 30, Rt: 28, Rt2: 29, Rn: 4, Size: 3, Sf: true}, 0x483e7c9c},
		{"casp x0, x1, x30, xzr, [x4]", Inst{Op: CASP, Rs: 0, Rt: 30, Rt2: ZR, Rn: 4, Size: 3, Sf: true}, 0x48207c9e},
		{"stlxp w3, x0, x1, [sp]", Inst{Op: STXP, Rs: 3, Rt: 0, Rt2: 1, Rn: SP, Size: 3, Sf: true, Release: true}, 0xc82387e0},
		{"ldaxrh w0, [x1]", Inst{Op: LDXR, Rt: 0, Rn: 1, Size: 1, Acquire: true}, 0x485ffc20},
		{"ldaprb w0, [x1]", Inst{Op: LDAPR, Rt: 0, Rn: 1, Size: 0, Acquire: true}, 0x38bfc020},
		{"stumaxl x0, [x1]", Inst{Op: LDUMAX, Rs: 0, Rt: ZR, Rn: 1, Size: 3, Sf: true, Release: true}, 0xf860603f},
	} {
		got, err := Encode(tc.in)
		require.NoError(t, err, tc.text)
		assert.Equal(t, tc.want, got, "%s: got %08x", tc.text, got)
	}
}

// Operands that do not fit: each case names what the error must say.
func TestEncodeLdStErrors(t *testing.T) {
	ldrX := Inst{Op: LDRimm, Rt: 0, Rn: 1, Size: 3, Sf: true, Mode: AddrOffset}
	with := func(in Inst, f func(*Inst)) Inst { f(&in); return in }
	pairX := Inst{Op: LDP, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Sf: true, Mode: AddrOffset}
	regX := Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 3, Sf: true, Ext: UXTX, Mode: AddrRegOffset}
	lit := Inst{Op: LDRlit, Rt: 0, Size: 3, Sf: true, Mode: AddrLiteral}
	for _, tc := range []struct {
		name string
		in   Inst
		want string
	}{
		// Register kinds.
		{"base is ZR", with(ldrX, func(i *Inst) { i.Rn = ZR }), "base register Rn is xzr, want x0..x30 or sp"},
		{"base out of range", with(ldrX, func(i *Inst) { i.Rn = 40 }), "base register Rn is Reg(40), want x0..x30 or sp"},
		{"Rt is SP", with(ldrX, func(i *Inst) { i.Rt = SP }), "transfer register Rt is sp, want x0..x30 or xzr"},
		{"Rm is SP", with(regX, func(i *Inst) { i.Rm = SP }), "offset register Rm is sp, want x0..x30 or xzr"},
		{"Rt2 is SP", with(pairX, func(i *Inst) { i.Rt2 = SP }), "second transfer register Rt2 is sp"},
		{"STXR Rs is SP", Inst{Op: STXR, Rs: SP, Rt: 0, Rn: 1, Size: 2}, "status register Rs is sp"},
		{"CAS Rs is SP", Inst{Op: CAS, Rs: SP, Rt: 0, Rn: 1, Size: 2}, "compare register Rs is sp"},
		{"LDADD Rs is SP", Inst{Op: LDADD, Rs: SP, Rt: 0, Rn: 1, Size: 2}, "source register Rs is sp"},
		{"LDADD base is ZR", Inst{Op: LDADD, Rs: 0, Rt: 0, Rn: ZR, Size: 2}, "base register Rn is xzr"},
		{"CASP odd Rs", Inst{Op: CASP, Rs: 1, Rt: 2, Rt2: 3, Rn: 4, Size: 3, Sf: true}, "compare register Rs is x1, want an even register"},
		{"CASP odd Rt", Inst{Op: CASP, Rs: 0, Rt: 3, Rt2: 4, Rn: 4, Size: 3, Sf: true}, "transfer register Rt is x3, want an even register"},
		{"CASP Rt2 not Rt+1", Inst{Op: CASP, Rs: 0, Rt: 2, Rt2: 5, Rn: 4, Size: 3, Sf: true}, "Rt2 is x5, want x3 (Rt+1)"},
		{"CASP Rs is ZR", Inst{Op: CASP, Rs: ZR, Rt: 2, Rt2: 3, Rn: 4, Size: 3, Sf: true}, "compare register Rs is xzr, want an even register"},
		// Addressing modes.
		{"LDUR pre-index", Inst{Op: LDUR, Rt: 0, Rn: 1, Size: 3, Sf: true, Mode: AddrPreIndex}, "addressing mode pre-index, want offset"},
		{"LDRimm register offset", with(ldrX, func(i *Inst) { i.Mode = AddrRegOffset }), "addressing mode register offset, want offset, pre-index, post-index"},
		{"LDRreg offset", with(regX, func(i *Inst) { i.Mode = AddrOffset }), "addressing mode offset, want register offset"},
		{"LDNP pre-index", Inst{Op: LDNP, Rt: 0, Rt2: 1, Rn: 2, Size: 3, Sf: true, Mode: AddrPreIndex}, "addressing mode pre-index, want offset"},
		{"LDXR offset", Inst{Op: LDXR, Rt: 0, Rn: 1, Size: 3, Sf: true, Mode: AddrOffset}, "addressing mode offset, want none"},
		{"LDRlit offset", with(lit, func(i *Inst) { i.Mode = AddrOffset }), "addressing mode offset, want literal"},
		{"PRFMlit offset", Inst{Op: PRFMlit, Size: 3, Mode: AddrOffset}, "addressing mode offset, want literal"},
		// Scaled unsigned offsets.
		{"imm12 not a multiple", with(ldrX, func(i *Inst) { i.Imm = 4097 }), "offset 4097 is not a multiple of 8 in 0..32760"},
		{"imm12 too large", with(ldrX, func(i *Inst) { i.Imm = 32768 }), "offset 32768 is not a multiple of 8 in 0..32760"},
		{"imm12 negative", with(ldrX, func(i *Inst) { i.Imm = -8 }), "offset -8 is not a multiple of 8 in 0..32760"},
		{"imm12 byte too large", Inst{Op: STRimm, Rt: 0, Rn: 1, Imm: 4096, Mode: AddrOffset}, "offset 4096 is not in 0..4095"},
		{"PRFM imm12", Inst{Op: PRFMimm, Size: 3, Imm: 4, Mode: AddrOffset}, "offset 4 is not a multiple of 8 in 0..32760"},
		// Unscaled offsets.
		{"pre-index 256", with(ldrX, func(i *Inst) { i.Imm, i.Mode = 256, AddrPreIndex }), "offset 256 is not in -256..255"},
		{"post-index -257", with(ldrX, func(i *Inst) { i.Imm, i.Mode = -257, AddrPostIndex }), "offset -257 is not in -256..255"},
		{"LDUR 256", Inst{Op: LDUR, Rt: 0, Rn: 1, Size: 3, Sf: true, Imm: 256, Mode: AddrOffset}, "offset 256 is not in -256..255"},
		{"STTR -257", Inst{Op: STTR, Rt: 0, Rn: 1, Imm: -257, Mode: AddrOffset}, "offset -257 is not in -256..255"},
		{"PRFUM 300", Inst{Op: PRFUM, Size: 3, Imm: 300, Mode: AddrOffset}, "offset 300 is not in -256..255"},
		// Pair offsets.
		{"pair not a multiple", with(pairX, func(i *Inst) { i.Imm = 4 }), "offset 4 is not a multiple of 8 in -512..504"},
		{"pair too large", with(pairX, func(i *Inst) { i.Imm = 512 }), "offset 512 is not a multiple of 8 in -512..504"},
		{"pair too small", with(pairX, func(i *Inst) { i.Imm = -520 }), "offset -520 is not a multiple of 8 in -512..504"},
		{"W pair", Inst{Op: STNP, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Imm: 256, Mode: AddrOffset}, "offset 256 is not a multiple of 4 in -256..252"},
		// Literal offsets.
		{"literal not a multiple", with(lit, func(i *Inst) { i.Imm = 2 }), "literal offset 2 is not a multiple of 4 in -1048576..1048572"},
		{"literal too far", with(lit, func(i *Inst) { i.Imm = 1 << 20 }), "literal offset 1048576 is not a multiple of 4 in -1048576..1048572"},
		{"literal too far back", with(lit, func(i *Inst) { i.Imm = -1<<20 - 4 }), "literal offset -1048580 is not a multiple of 4"},
		{"PRFM literal", Inst{Op: PRFMlit, Size: 3, Imm: 6, Mode: AddrLiteral}, "literal offset 6 is not a multiple of 4"},
		// Register offset extend and amount.
		{"extend UXTB", with(regX, func(i *Inst) { i.Ext = UXTB }), "offset extend uxtb, want uxtw, lsl (uxtx), sxtw or sxtx"},
		{"extend SXTH", with(regX, func(i *Inst) { i.Ext = SXTH }), "offset extend sxth"},
		{"amount 2 for X", with(regX, func(i *Inst) { i.Amount = 2 }), "offset shift amount 2, want 0 or 3"},
		{"amount 1 for byte", Inst{Op: STRreg, Rt: 0, Rn: 1, Rm: 2, Ext: UXTW, Amount: 1, Mode: AddrRegOffset}, "offset shift amount 1, want 0 or 0"},
		{"PRFM amount 2", Inst{Op: PRFMreg, Rm: 1, Size: 3, Ext: UXTX, Amount: 2, Mode: AddrRegOffset}, "offset shift amount 2, want 0 or 3"},
		{"byte S for a word", Inst{Op: LDRreg, Rt: 0, Rn: 1, Rm: 2, Size: 2, Ext: UXTW, Imm2: 1, Mode: AddrRegOffset}, "Imm2 1 (S of a byte access) with Size 2"},
		{"byte S 2", Inst{Op: STRreg, Rt: 0, Rn: 1, Rm: 2, Ext: UXTW, Imm2: 2, Mode: AddrRegOffset}, "Imm2 2, want 0, or 1 for S = 1 of a byte access"},
		{"byte S negative", Inst{Op: STRreg, Rt: 0, Rn: 1, Rm: 2, Ext: UXTW, Imm2: -1, Mode: AddrRegOffset}, "Imm2 -1, want 0, or 1"},
		// Size, signedness and register width.
		{"size 4", with(ldrX, func(i *Inst) { i.Size = 4 }), "Size 4, want 0..3"},
		{"signed store", Inst{Op: STRimm, Rt: 0, Rn: 1, Signed: true, Mode: AddrOffset}, "a store cannot be Signed"},
		{"signed doubleword", with(ldrX, func(i *Inst) { i.Signed = true }), "no sign-extending doubleword load"},
		{"LDRSW to W", Inst{Op: LDUR, Rt: 0, Rn: 1, Size: 2, Signed: true, Mode: AddrOffset}, "LDRSW targets an X register"},
		{"X register word", Inst{Op: LDRimm, Rt: 0, Rn: 1, Size: 2, Sf: true, Mode: AddrOffset}, "Sf true with Size 2"},
		{"W register doubleword", with(ldrX, func(i *Inst) { i.Sf = false }), "Sf false with Size 3"},
		{"literal halfword", Inst{Op: LDRlit, Rt: 0, Size: 1, Mode: AddrLiteral}, "Size 1, Sf false, Signed false"},
		{"STP signed", Inst{Op: STP, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Sf: true, Signed: true, Mode: AddrOffset}, "want a W pair (Size 2), an X pair (Size 3, Sf)"},
		{"LDNP signed", Inst{Op: LDNP, Rt: 0, Rt2: 1, Rn: 2, Size: 2, Sf: true, Signed: true, Mode: AddrOffset}, "Signed true"},
		{"pair of halfwords", Inst{Op: LDP, Rt: 0, Rt2: 1, Rn: 2, Size: 1, Mode: AddrOffset}, "Size 1, Sf false, Signed false: want a W pair"},
		{"LDXP bytes", Inst{Op: LDXP, Rt: 0, Rt2: 1, Rn: 2, Size: 0}, "Size 0, want 2 (W pair) or 3 (X pair)"},
		{"CASP halfwords", Inst{Op: CASP, Rs: 0, Rt: 2, Rt2: 3, Rn: 4, Size: 1}, "Size 1, want 2 (W pair) or 3 (X pair)"},
		{"CAS size 4", Inst{Op: CAS, Rs: 0, Rt: 2, Rn: 4, Size: 4}, "Size 4, want 0..3"},
		{"LDADD Sf mismatch", Inst{Op: LDADD, Rs: 0, Rt: 2, Rn: 4, Size: 2, Sf: true}, "Sf true with Size 2"},
		{"PRFM size 0", Inst{Op: PRFMimm, Mode: AddrOffset}, "Size 0, want 3"},
		{"prfop 32", Inst{Op: PRFMimm, Size: 3, Imm2: 32, Mode: AddrOffset}, "prefetch operation Imm2 32 is not in 0..31"},
		{"prfop negative", Inst{Op: PRFMlit, Size: 3, Imm2: -1, Mode: AddrLiteral}, "prefetch operation Imm2 -1 is not in 0..31"},
		// Ordering.
		{"LDAR without acquire", Inst{Op: LDAR, Rt: 0, Rn: 1, Size: 2}, "Acquire must be set"},
		{"STLR without release", Inst{Op: STLR, Rt: 0, Rn: 1, Size: 2}, "Release must be set"},
		{"STLR acquire", Inst{Op: STLR, Rt: 0, Rn: 1, Size: 2, Acquire: true, Release: true}, "has no acquire form"},
		{"LDXR release", Inst{Op: LDXR, Rt: 0, Rn: 1, Size: 2, Release: true}, "has no release form"},
		{"STXP acquire", Inst{Op: STXP, Rt: 0, Rt2: 1, Rn: 1, Size: 2, Acquire: true}, "has no acquire form"},
		{"LDAPR release", Inst{Op: LDAPR, Rt: 0, Rn: 1, Size: 2, Acquire: true, Release: true}, "has no such operand: Release is set"},
		{"LDAPR without acquire", Inst{Op: LDAPR, Rt: 0, Rn: 1, Size: 2}, "Acquire must be set"},
		// Operands the op does not have.
		{"LDRimm with Rm", with(ldrX, func(i *Inst) { i.Rm = 3 }), "has no such operand: Rm x3 is set"},
		{"LDUR with Ext", Inst{Op: LDUR, Rt: 0, Rn: 1, Size: 3, Sf: true, Ext: SXTW, Mode: AddrOffset}, "Ext sxtw is set"},
		{"PRFM with Rt", Inst{Op: PRFMimm, Rt: 1, Size: 3, Mode: AddrOffset}, "Rt x1 is set"},
		{"LDRlit with base", with(lit, func(i *Inst) { i.Rn = 3 }), "Rn x3 is set"},
		{"LDXR with Rs", Inst{Op: LDXR, Rs: 3, Rt: 0, Rn: 1, Size: 2}, "Rs x3 is set"},
		{"LDXR with Rt2", Inst{Op: LDXR, Rt2: 3, Rt: 0, Rn: 1, Size: 2}, "Rt2 x3 is set"},
		{"CAS with Rt2", Inst{Op: CAS, Rt2: 3, Rt: 0, Rn: 1, Size: 2}, "Rt2 x3 is set"},
		{"LDADD with Imm", Inst{Op: LDADD, Rt: 0, Rn: 1, Size: 2, Imm: 8}, "Imm 8 is set"},
		{"pair with Amount", with(pairX, func(i *Inst) { i.Amount = 3 }), "Amount 3 is set"},
	} {
		_, err := Encode(tc.in)
		var ee *EncodeError
		if assert.True(t, errors.As(err, &ee), "%s: want an EncodeError, got %v", tc.name, err) {
			assert.Equal(t, tc.in.Op, ee.Op, tc.name)
			assert.Contains(t, ee.Error(), tc.want, tc.name)
		}
	}
}
