package arm64_test

import (
	"errors"
	"fmt"
	"maps"
	mbits "math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
)

// encodeIgnored lists, per op, the fields of a word that the decoder
// ignores, and how Encode writes them (the canonical form). For every
// other bit, Encode(Decode(w)) must give w back.
var encodeIgnored = map[arm64.Op]struct {
	fields    string
	canonical func(w uint32) uint32
}{
	// Arm ARM C6.2, SMULH/UMULH: Ra (bits 14:10) is should-be-one, (1)(1)(1)(1)(1).
	arm64.SMULH: {"Ra (14:10), should-be-one: 11111", setRa},
	arm64.UMULH: {"Ra (14:10), should-be-one: 11111", setRa},
	// DecodeBitMasks uses only the low log2(esize) bits of immr (the
	// rotation within an element): the bits above are ignored, Encode
	// writes them as 0 (as GNU as does).
	arm64.ANDimm:  {"immr (21:16) bits at and above log2(element size): 0", clearHighImmr},
	arm64.ORRimm:  {"immr (21:16) bits at and above log2(element size): 0", clearHighImmr},
	arm64.EORimm:  {"immr (21:16) bits at and above log2(element size): 0", clearHighImmr},
	arm64.ANDSimm: {"immr (21:16) bits at and above log2(element size): 0", clearHighImmr},
}

func setRa(w uint32) uint32 { return w | 0x1f<<10 }

func clearHighImmr(w uint32) uint32 {
	// The element size is 2^len, len the highest set bit of N:NOT(imms).
	v := ^(w>>10)&0x3f | (w>>22&1)<<6
	esize := uint32(1) << (mbits.Len32(v) - 1)
	immr := (w >> 16) & 0x3f
	return w&^(0x3f<<16) | (immr&(esize-1))<<16
}

// roundTripTarget is the number of accepted random words per decode row;
// rows with at most roundTripEnumerate free bits are enumerated instead.
const (
	roundTripTarget    = 20000
	roundTripEnumerate = 16
)

// checkRoundTrip checks Encode(Decode(w)) == canonical(w) for words of
// every decode row of class c: all the words of a row with few free bits,
// else roundTripTarget random words that Decode accepts as the row's op.
// It also checks that the canonical word decodes as w does, which is what
// makes a field "ignored". It returns the words checked per row.
func checkRoundTrip(t *testing.T, c arm64.Class) map[string]int {
	t.Helper()
	counts := map[string]int{}
	rows := arm64.Encodings(c)
	require.NotEmpty(t, rows)
	for _, row := range rows {
		name := fmt.Sprintf("%v_%08x", row.Op, row.Value)
		t.Run(name, func(t *testing.T) {
			free := ^row.Mask
			nfree := mbits.OnesCount32(free)
			checked, failures := 0, 0
			check := func(w uint32) {
				in, err := arm64.Decode(w)
				if err != nil || in.Op != row.Op {
					return // reserved, or an earlier row's word
				}
				checked++
				want := w
				if ig, ok := encodeIgnored[row.Op]; ok {
					want = ig.canonical(w)
					again, err := arm64.Decode(want)
					again.Word = in.Word
					if err != nil || again != in {
						failures++
						if failures <= 5 {
							t.Errorf("%08x: canonical %08x does not decode the same: %+v, %v", w, want, again, err)
						}
					}
				}
				got, err := arm64.Encode(in)
				if err != nil || got != want {
					failures++
					if failures <= 5 {
						t.Errorf("%08x (%s): Encode = %08x, %v; want %08x (%+v)", w, arm64.GNUSyntax(in), got, err, want, in)
					}
				}
			}
			if nfree <= roundTripEnumerate {
				for k := uint32(0); k < 1<<nfree; k++ {
					check(row.Value | deposit(k, free))
				}
				require.Positive(t, checked, "no word of the row decodes to %v", row.Op)
			} else {
				rng := rand.New(rand.NewPCG(uint64(row.Value), uint64(row.Mask)))
				for tries := 0; checked < roundTripTarget && tries < 64*roundTripTarget; tries++ {
					check(row.Value | rng.Uint32()&free)
				}
				require.GreaterOrEqual(t, checked, roundTripTarget, "too few words decode to %v", row.Op)
			}
			assert.Zero(t, failures, "%d of %d words do not round-trip", failures, checked)
			counts[name] = checked
		})
	}
	return counts
}

// deposit spreads the low bits of k over the set bits of mask (PDEP).
func deposit(k, mask uint32) uint32 {
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

// checkEveryOpEncodes checks that the class's rows cover all its ops, so
// that the round trip has reached every encoder.
func checkEveryOpEncodes(t *testing.T, c arm64.Class) {
	t.Helper()
	inRows := map[arm64.Op]bool{}
	for _, r := range arm64.Encodings(c) {
		inRows[r.Op] = true
	}
	for _, op := range arm64.Ops() {
		if op.Class() == c {
			assert.True(t, inRows[op], "%v has no decode row", op)
		}
	}
}

func logCounts(t *testing.T, counts map[string]int) {
	total := 0
	for _, n := range counts {
		total += n
	}
	t.Logf("%d rows, %d words round-tripped", len(counts), total)
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		t.Logf("  %-24s %6d", name, counts[name])
	}
}

func TestEncodeRoundTripDPImm(t *testing.T) {
	checkEveryOpEncodes(t, arm64.ClassDPImm)
	logCounts(t, checkRoundTrip(t, arm64.ClassDPImm))
}

func TestEncodeRoundTripDPReg(t *testing.T) {
	checkEveryOpEncodes(t, arm64.ClassDPReg)
	logCounts(t, checkRoundTrip(t, arm64.ClassDPReg))
}

// TestEncodeCanonicalFields checks the ignored fields' canonical forms on
// words assembled by aarch64-linux-gnu-as, which writes them the same way.
func TestEncodeCanonicalFields(t *testing.T) {
	for _, tc := range []struct {
		odd, gas uint32
		asm      string
	}{
		{0x9b420020, 0x9b427c20, "smulh x0, x1, x2 (Ra = 0 in the odd word)"},
		{0x9bc21420, 0x9bc27c20, "umulh x0, x1, x2 (Ra = 5)"},
		// 0x5555...: element of 2 bits (imms 111100), immr ignored above bit 0.
		{0xb23ef020, 0xb200f020, "orr x0, x1, #0x5555555555555555 (immr = 62)"},
		{0x3221f020, 0x3201f020, "orr w0, w1, #0xaaaaaaaa (immr = 33)"},
	} {
		in, err := arm64.Decode(tc.odd)
		require.NoError(t, err, tc.asm)
		got, err := arm64.Encode(in)
		require.NoError(t, err, tc.asm)
		assert.Equalf(t, tc.gas, got, "%s: got %08x", tc.asm, got)
	}
}

// TestEncodeDP encodes Inst values as an assembler builds them; the words
// are aarch64-linux-gnu-as output for the source in the comment.
func TestEncodeDP(t *testing.T) {
	for _, tc := range []struct {
		in   arm64.Inst
		want uint32
		asm  string
	}{
		{arm64.Inst{Op: arm64.ADR, Sf: true, Rd: 3, Imm: 0x1234}, 0x100091a3, "adr x3, .+0x1234"},
		{arm64.Inst{Op: arm64.ADRP, Sf: true, Rd: arm64.ZR, Imm: -0x1000}, 0xf0ffffff, "adrp xzr, .-0x1000"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: arm64.SP, Rn: arm64.SP, Imm: 0x10}, 0x910043ff, "add sp, sp, #0x10"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: 0, Rn: arm64.SP, Imm: 0xfff000, Amount: 12}, 0x917fffe0, "add x0, sp, #0xfff, lsl #12"},
		{arm64.Inst{Op: arm64.SUBSimm, Sf: true, Rd: arm64.ZR, Rn: 2, Imm: 0x3000, Amount: 12}, 0xf1400c5f, "cmp x2, #0x3, lsl #12"},
		{arm64.Inst{Op: arm64.ANDimm, Rd: 0, Rn: 1, Imm: -16}, 0x121c6c20, "and w0, w1, #-16"},
		{arm64.Inst{Op: arm64.ANDimm, Rd: 0, Rn: 1, Imm: 0xfffffff0}, 0x121c6c20, "and w0, w1, #0xfffffff0"},
		{arm64.Inst{Op: arm64.ANDimm, Sf: true, Rd: arm64.SP, Rn: 2, Imm: -16}, 0x927cec5f, "and sp, x2, #0xfffffffffffffff0"},
		{arm64.Inst{Op: arm64.ORRimm, Sf: true, Rd: 1, Rn: arm64.ZR, Imm: 0x5555555555555555}, 0xb200f3e1, "mov x1, #0x5555555555555555"},
		{arm64.Inst{Op: arm64.EORimm, Sf: true, Rd: 3, Rn: 4, Imm: -0x7fffffffffffffff}, 0xd2410483, "eor x3, x4, #0x8000000000000001"},
		{arm64.Inst{Op: arm64.MOVZ, Sf: true, Rd: 2, Imm: 0xbeef, Imm2: 48}, 0xd2f7dde2, "movz x2, #0xbeef, lsl #48"},
		{arm64.Inst{Op: arm64.MOVN, Rd: 1}, 0x12800001, "mov w1, #-1"},
		{arm64.Inst{Op: arm64.SBFM, Rd: 2, Rn: 3, Imm: 5, Imm2: 31}, 0x13057c62, "asr w2, w3, #5"},
		{arm64.Inst{Op: arm64.EXTR, Sf: true, Rd: 0, Rn: 1, Rm: 2, Imm2: 63}, 0x93c2fc20, "extr x0, x1, x2, #63"},
		{arm64.Inst{Op: arm64.ORRshift, Sf: true, Rd: 29, Rn: arm64.ZR, Rm: 30}, 0xaa1e03fd, "mov x29, x30"},
		{arm64.Inst{Op: arm64.EONshift, Rd: 0, Rn: 1, Rm: 2, Shift: arm64.ROR, Amount: 31}, 0x4ae27c20, "eon w0, w1, w2, ror #31"},
		{arm64.Inst{Op: arm64.SUBSshift, Sf: true, Rd: arm64.ZR, Rn: 1, Rm: 2, Shift: arm64.ASR, Amount: 63}, 0xeb82fc3f, "cmp x1, x2, asr #63"},
		{arm64.Inst{Op: arm64.ADDext, Sf: true, Rd: arm64.SP, Rn: arm64.SP, Rm: 1, Ext: arm64.UXTW, Amount: 2}, 0x8b214bff, "add sp, sp, w1, uxtw #2"},
		{arm64.Inst{Op: arm64.CCMPimm, Sf: true, Rn: 1, Imm: 31, Imm2: 15, Cond: arm64.NE}, 0xfa5f182f, "ccmp x1, #31, #15, ne"},
		{arm64.Inst{Op: arm64.CSINC, Rd: 0, Rn: arm64.ZR, Rm: arm64.ZR, Cond: arm64.NE}, 0x1a9f17e0, "cset w0, eq"},
		{arm64.Inst{Op: arm64.REV, Sf: true, Rd: 0, Rn: 1}, 0xdac00c20, "rev x0, x1"},
		{arm64.Inst{Op: arm64.REV, Rd: 0, Rn: 1}, 0x5ac00820, "rev w0, w1"},
		{arm64.Inst{Op: arm64.REV32, Sf: true, Rd: 0, Rn: 1}, 0xdac00820, "rev32 x0, x1"},
		{arm64.Inst{Op: arm64.CRC32C, Sf: true, Size: 3, Rd: 1, Rn: 2, Rm: 3}, 0x9ac35c41, "crc32cx w1, w2, x3"},
		{arm64.Inst{Op: arm64.SMADDL, Sf: true, Rd: 0, Rn: 1, Rm: 2, Ra: 3}, 0x9b220c20, "smaddl x0, w1, w2, x3"},
		{arm64.Inst{Op: arm64.SMULH, Sf: true, Rd: 0, Rn: 1, Rm: 2}, 0x9b427c20, "smulh x0, x1, x2"},
	} {
		got, err := arm64.Encode(tc.in)
		if assert.NoError(t, err, tc.asm) {
			assert.Equalf(t, tc.want, got, "%s: got %08x", tc.asm, got)
		}
	}
}

// allBitmasks returns every logical immediate of a register width, by
// decoding every N:immr:imms.
func allBitmasks(t *testing.T, sf bool) map[uint64]bool {
	t.Helper()
	set := map[uint64]bool{}
	for f := uint32(0); f < 1<<13; f++ { // N:immr:imms
		w := 0x12000020 | f<<10 // and w0, w1, #...
		if sf {
			w |= 1 << 31
		}
		if in, err := arm64.Decode(w); err == nil {
			set[uint64(in.Imm)] = true
		}
	}
	return set
}

// TestEncodeBitmaskImmediate checks the inverse of DecodeBitMasks on
// every encodable value (each one must encode, to a word that decodes to
// it) and on values around them and random ones (each must encode exactly
// when it is one of them).
func TestEncodeBitmaskImmediate(t *testing.T) {
	for _, sf := range []bool{false, true} {
		set := allBitmasks(t, sf)
		want := 5334 // the number of 64-bit logical immediates
		if !sf {
			want = 1302
		}
		require.Len(t, set, want, "sf=%t", sf)
		try := func(v uint64) {
			in := arm64.Inst{Op: arm64.ANDimm, Sf: sf, Rd: 0, Rn: 1, Imm: int64(v)}
			w, err := arm64.Encode(in)
			if !set[v] {
				assert.Error(t, err, "%#x (sf=%t) is not a bitmask immediate", v, sf)
				return
			}
			if assert.NoError(t, err, "%#x (sf=%t)", v, sf) {
				back, err := arm64.Decode(w)
				require.NoError(t, err)
				assert.Equal(t, v, uint64(back.Imm), "%08x", w)
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for v := range set {
			try(v)
			try(v + 1)
			try(v ^ 1<<rng.IntN(32))
		}
		for range 20000 {
			v := rng.Uint64()
			if !sf {
				v = uint64(uint32(v))
			}
			try(v)
		}
	}
}

// TestEncodeDPErrors checks that operands that do not fit are refused,
// with a reason that names the operand and its range.
func TestEncodeDPErrors(t *testing.T) {
	for _, tc := range []struct {
		in     arm64.Inst
		reason string
	}{
		{arm64.Inst{Op: arm64.ADR, Rd: 0, Imm: 4}, "no 32-bit form"},
		{arm64.Inst{Op: arm64.ADR, Sf: true, Rd: 0, Imm: 1 << 20}, "offset 0x100000 out of range -0x100000..0xfffff"},
		{arm64.Inst{Op: arm64.ADR, Sf: true, Rd: arm64.SP}, "register sp not allowed as Rd (x0-x30 or xzr)"},
		{arm64.Inst{Op: arm64.ADRP, Sf: true, Rd: 0, Imm: 0x1800}, "offset 0x1800 is not a multiple of 4096"},
		{arm64.Inst{Op: arm64.ADRP, Sf: true, Rd: 0, Imm: 1 << 32}, "offset 0x100000000 out of range -0x100000000..0xfffff000"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: 0, Rn: 1, Imm: 4096}, "immediate 4096 out of range 0..4095"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: 0, Rn: 1, Imm: -1}, "immediate -1 out of range 0..4095"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: 0, Rn: 1, Imm: 0x1001, Amount: 12}, "immediate 0x1001 with lsl #12 is not a multiple of 0x1000"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: 0, Rn: 1, Imm: 0x1000000, Amount: 12}, "immediate 0x1000000 out of range 0x0..0xfff000"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: 0, Rn: 1, Imm: 1, Amount: 1}, "shift amount 1 not allowed (lsl #0 or lsl #12)"},
		{arm64.Inst{Op: arm64.ADDimm, Sf: true, Rd: arm64.ZR, Rn: 1}, "register xzr not allowed as Rd (x0-x30 or sp)"},
		{arm64.Inst{Op: arm64.ADDimm, Rd: 1, Rn: arm64.ZR}, "register wzr not allowed as Rn (w0-w30 or wsp)"},
		{arm64.Inst{Op: arm64.ADDSimm, Sf: true, Rd: arm64.SP, Rn: 1}, "register sp not allowed as Rd (x0-x30 or xzr)"},
		{arm64.Inst{Op: arm64.SUBimm, Sf: true, Rd: 40, Rn: 1}, "invalid register number 40 as Rd"},
		{arm64.Inst{Op: arm64.ANDimm, Sf: true, Rd: 0, Rn: 1, Imm: 0x5}, "immediate 0x5 is not a valid bitmask immediate"},
		{arm64.Inst{Op: arm64.ANDimm, Sf: true, Rd: 0, Rn: 1, Imm: 0}, "immediate 0x0 is not a valid bitmask immediate"},
		{arm64.Inst{Op: arm64.ORRimm, Sf: true, Rd: 0, Rn: 1, Imm: -1}, "immediate 0xffffffffffffffff is not a valid bitmask immediate"},
		{arm64.Inst{Op: arm64.ORRimm, Rd: 0, Rn: 1, Imm: 0xffffffff}, "immediate 0xffffffff is not a valid bitmask immediate"},
		{arm64.Inst{Op: arm64.EORimm, Rd: 0, Rn: 1, Imm: 0x1_0000_00ff}, "immediate 0x1000000ff does not fit a 32-bit register"},
		{arm64.Inst{Op: arm64.EORimm, Rd: 0, Rn: 1, Imm: -0x1_0000_0000}, "does not fit a 32-bit register"},
		{arm64.Inst{Op: arm64.ANDSimm, Sf: true, Rd: arm64.SP, Rn: 1, Imm: 1}, "register sp not allowed as Rd"},
		{arm64.Inst{Op: arm64.ORRimm, Sf: true, Rd: 0, Rn: arm64.SP, Imm: 1}, "register sp not allowed as Rn (x0-x30 or xzr)"},
		{arm64.Inst{Op: arm64.MOVZ, Sf: true, Rd: 0, Imm: 0x10000}, "immediate 65536 out of range 0..65535"},
		{arm64.Inst{Op: arm64.MOVK, Rd: 0, Imm: 1, Imm2: 32}, "shift lsl #32 not allowed for a 32-bit register (0 or 16)"},
		{arm64.Inst{Op: arm64.MOVN, Sf: true, Rd: 0, Imm: 1, Imm2: 8}, "shift lsl #8 not allowed (0, 16, 32 or 48)"},
		{arm64.Inst{Op: arm64.MOVZ, Sf: true, Rd: arm64.SP, Imm: 1}, "register sp not allowed as Rd"},
		{arm64.Inst{Op: arm64.UBFM, Rd: 0, Rn: 1, Imm: 32, Imm2: 31}, "immr 32 out of range 0..31"},
		{arm64.Inst{Op: arm64.SBFM, Sf: true, Rd: 0, Rn: 1, Imm: 0, Imm2: 64}, "imms 64 out of range 0..63"},
		{arm64.Inst{Op: arm64.EXTR, Rd: 0, Rn: 1, Rm: 2, Imm2: 32}, "lsb 32 out of range 0..31"},
		{arm64.Inst{Op: arm64.ANDshift, Rd: 0, Rn: 1, Rm: 2, Amount: 32}, "shift amount 32 out of range 0..31"},
		{arm64.Inst{Op: arm64.ANDshift, Sf: true, Rd: 0, Rn: 1, Rm: 2, Shift: 4}, "invalid shift type 4"},
		{arm64.Inst{Op: arm64.ADDshift, Sf: true, Rd: 0, Rn: 1, Rm: 2, Shift: arm64.ROR, Amount: 1}, "shift ror not allowed (lsl, lsr or asr)"},
		{arm64.Inst{Op: arm64.ADDshift, Sf: true, Rd: arm64.SP, Rn: 1, Rm: 2}, "register sp not allowed as Rd (x0-x30 or xzr)"},
		{arm64.Inst{Op: arm64.SUBshift, Sf: true, Rd: 0, Rn: 1, Rm: 2, Amount: 64}, "shift amount 64 out of range 0..63"},
		{arm64.Inst{Op: arm64.ADDext, Sf: true, Rd: 0, Rn: 1, Rm: 2, Ext: arm64.UXTX, Amount: 5}, "shift amount 5 out of range 0..4"},
		{arm64.Inst{Op: arm64.ADDext, Sf: true, Rd: 0, Rn: 1, Rm: 2, Ext: 8}, "invalid extend 8"},
		{arm64.Inst{Op: arm64.SUBSext, Sf: true, Rd: arm64.SP, Rn: 1, Rm: 2}, "register sp not allowed as Rd"},
		{arm64.Inst{Op: arm64.SUBext, Sf: true, Rd: 0, Rn: arm64.ZR, Rm: 2}, "register xzr not allowed as Rn (x0-x30 or sp)"},
		{arm64.Inst{Op: arm64.ADDext, Sf: true, Rd: 0, Rn: 1, Rm: arm64.SP}, "register sp not allowed as Rm"},
		{arm64.Inst{Op: arm64.ADC, Rd: 0, Rn: arm64.SP, Rm: 2}, "register wsp not allowed as Rn (w0-w30 or wzr)"},
		{arm64.Inst{Op: arm64.CCMPimm, Sf: true, Rn: 1, Imm: 32}, "immediate 32 out of range 0..31"},
		{arm64.Inst{Op: arm64.CCMNreg, Sf: true, Rn: 1, Rm: 2, Imm2: 16}, "nzcv 16 out of range 0..15"},
		{arm64.Inst{Op: arm64.CSEL, Sf: true, Rd: 0, Rn: 1, Rm: 2, Cond: 16}, "invalid condition 16"},
		{arm64.Inst{Op: arm64.REV32, Rd: 0, Rn: 1}, "no 32-bit form"},
		{arm64.Inst{Op: arm64.CLZ, Sf: true, Rd: arm64.SP, Rn: 1}, "register sp not allowed as Rd"},
		{arm64.Inst{Op: arm64.CRC32, Size: 3, Rd: 0, Rn: 1, Rm: 2}, "size 3 (the x form) needs a 64-bit Rm"},
		{arm64.Inst{Op: arm64.CRC32, Sf: true, Size: 2, Rd: 0, Rn: 1, Rm: 2}, "not allowed with size 2"},
		{arm64.Inst{Op: arm64.CRC32C, Size: 4, Rd: 0, Rn: 1, Rm: 2}, "size 4 out of range 0..3"},
		{arm64.Inst{Op: arm64.MADD, Sf: true, Rd: 0, Rn: 1, Rm: 2, Ra: arm64.SP}, "register sp not allowed as Ra"},
		{arm64.Inst{Op: arm64.UMADDL, Rd: 0, Rn: 1, Rm: 2, Ra: 3}, "no 32-bit form"},
		{arm64.Inst{Op: arm64.SMSUBL, Sf: true, Rd: 0, Rn: arm64.SP, Rm: 2, Ra: 3}, "register wsp not allowed as Rn"},
		{arm64.Inst{Op: arm64.UMULH, Rd: 0, Rn: 1, Rm: 2}, "no 32-bit form"},
	} {
		checkEncodeError(t, tc.in, tc.reason)
	}
}

// checkEncodeError checks that in does not encode, with an *EncodeError
// for its op whose reason contains reason.
func checkEncodeError(t *testing.T, in arm64.Inst, reason string) {
	t.Helper()
	w, err := arm64.Encode(in)
	var ee *arm64.EncodeError
	if !assert.Truef(t, errors.As(err, &ee), "%+v: got %08x, %v; want an *EncodeError (%s)", in, w, err, reason) {
		return
	}
	assert.Equal(t, in.Op, ee.Op)
	assert.Contains(t, ee.Reason, reason)
	assert.Contains(t, err.Error(), in.Op.String())
	assert.Zero(t, w)
}

// TestEncodeNoEncoder: the zero Inst, and ops no class defines, do not
// encode.
func TestEncodeNoEncoder(t *testing.T) {
	for _, op := range []arm64.Op{arm64.OpInvalid, arm64.UMULH + 1, arm64.Op(arm64.NumOps), arm64.Op(0xffff)} {
		_, err := arm64.Encode(arm64.Inst{Op: op})
		var ee *arm64.EncodeError
		if assert.ErrorAs(t, err, &ee, "op %d", op) {
			assert.Equal(t, op, ee.Op)
			assert.Contains(t, ee.Reason, "no encoder")
		}
	}
}

// instField is one operand field of Inst, for tests that change one field
// at a time.
type instField struct {
	name   string
	isZero func(in *arm64.Inst) bool
	set    func(in *arm64.Inst, rng *rand.Rand)
}

func regField(name string, p func(in *arm64.Inst) *arm64.Reg) instField {
	return instField{name,
		func(in *arm64.Inst) bool { return *p(in) == 0 },
		func(in *arm64.Inst, rng *rand.Rand) { *p(in) = arm64.Reg(rng.IntN(40)) }} // 33..39: no register
}

func byteField(name string, p func(in *arm64.Inst) *uint8) instField {
	return instField{name,
		func(in *arm64.Inst) bool { return *p(in) == 0 },
		func(in *arm64.Inst, rng *rand.Rand) {
			if rng.IntN(2) == 0 {
				*p(in) = uint8(rng.IntN(20))
			} else {
				*p(in) = uint8(rng.IntN(256))
			}
		}}
}

// randomImm returns values around the edges of every field width and
// alignment: small numbers, ±2^k and its neighbours, multiples of 4 and
// 4096, anything.
func randomImm(rng *rand.Rand) int64 {
	k := rng.IntN(64)
	switch rng.IntN(6) {
	case 0:
		return rng.Int64N(200) - 100
	case 1:
		return int64(1)<<k + rng.Int64N(3) - 1
	case 2:
		return -(int64(1) << k) + rng.Int64N(3) - 1
	case 3:
		return (rng.Int64N(1<<22) - 1<<21) * 4
	case 4:
		return (rng.Int64N(1<<22) - 1<<21) * 4096
	}
	return int64(rng.Uint64())
}

var instFields = []instField{
	regField("Rd", func(in *arm64.Inst) *arm64.Reg { return &in.Rd }),
	regField("Rn", func(in *arm64.Inst) *arm64.Reg { return &in.Rn }),
	regField("Rm", func(in *arm64.Inst) *arm64.Reg { return &in.Rm }),
	regField("Ra", func(in *arm64.Inst) *arm64.Reg { return &in.Ra }),
	regField("Rt", func(in *arm64.Inst) *arm64.Reg { return &in.Rt }),
	{"Sf", func(in *arm64.Inst) bool { return !in.Sf }, func(in *arm64.Inst, _ *rand.Rand) { in.Sf = !in.Sf }},
	byteField("Size", func(in *arm64.Inst) *uint8 { return &in.Size }),
	{"Imm", func(in *arm64.Inst) bool { return in.Imm == 0 }, func(in *arm64.Inst, rng *rand.Rand) { in.Imm = randomImm(rng) }},
	{"Imm2", func(in *arm64.Inst) bool { return in.Imm2 == 0 }, func(in *arm64.Inst, rng *rand.Rand) { in.Imm2 = randomImm(rng) }},
	byteField("Shift", func(in *arm64.Inst) *uint8 { return (*uint8)(&in.Shift) }),
	byteField("Amount", func(in *arm64.Inst) *uint8 { return &in.Amount }),
	byteField("Ext", func(in *arm64.Inst) *uint8 { return (*uint8)(&in.Ext) }),
	byteField("Cond", func(in *arm64.Inst) *uint8 { return (*uint8)(&in.Cond) }),
	{"SysReg", func(in *arm64.Inst) bool { return in.SysReg == 0 }, func(in *arm64.Inst, rng *rand.Rand) { in.SysReg = arm64.SysReg(rng.Uint32()) }},
}

// encodeNormal is what Decode gives back for an Inst that Encode accepts
// in a form the decoder never produces: a 32-bit logical immediate given
// sign-extended, a TBZ/TBNZ on an X register with a bit number below 32.
func encodeNormal(in arm64.Inst) arm64.Inst {
	switch in.Op {
	case arm64.ANDimm, arm64.ORRimm, arm64.EORimm, arm64.ANDSimm:
		if !in.Sf {
			in.Imm = int64(uint32(in.Imm))
		}
	case arm64.TBZ, arm64.TBNZ:
		in.Sf = in.Imm2 >= 32
	}
	return in
}

// TestEncodeRangeChecks changes one operand of decoded instructions at a
// time, to random and edge values, and checks that Encode either refuses
// the Inst with an *EncodeError or encodes it to a word that decodes to
// the same Inst: an encoder never truncates an operand or drops a field
// the op uses. (The fields an op uses are those its decoded samples ever
// set; changing any other must leave the word alone.)
func TestEncodeRangeChecks(t *testing.T) {
	type rowSamples struct {
		row     arm64.Encoding
		samples []arm64.Inst
	}
	var rows []rowSamples
	used := map[arm64.Op][]bool{} // by op: the same op may have several rows (REV)
	for _, c := range []arm64.Class{arm64.ClassDPImm, arm64.ClassDPReg, arm64.ClassBranch} {
		for _, row := range arm64.Encodings(c) {
			rng := rand.New(rand.NewPCG(uint64(row.Value), 7))
			rs := rowSamples{row: row}
			for tries := 0; len(rs.samples) < 200 && tries < 20000; tries++ {
				if in, err := arm64.Decode(row.Value | rng.Uint32()&^row.Mask); err == nil && in.Op == row.Op {
					rs.samples = append(rs.samples, in)
				}
			}
			require.NotEmpty(t, rs.samples, "%v", row.Op)
			if used[row.Op] == nil {
				used[row.Op] = make([]bool, len(instFields))
			}
			for i, f := range instFields {
				for _, in := range rs.samples {
					used[row.Op][i] = used[row.Op][i] || !f.isZero(&in)
				}
			}
			rows = append(rows, rs)
		}
	}
	for _, rs := range rows {
		row := rs.row
		rng := rand.New(rand.NewPCG(uint64(row.Value), 8))
		accepted, refused, failures := 0, 0, 0
		for _, orig := range rs.samples {
			origWord, err := arm64.Encode(orig)
			require.NoError(t, err)
			for range 20 {
				i := rng.IntN(len(instFields))
				in := orig
				instFields[i].set(&in, rng)
				w, err := arm64.Encode(in)
				if err != nil {
					var ee *arm64.EncodeError
					require.ErrorAs(t, err, &ee)
					refused++
					continue
				}
				accepted++
				ok := w == origWord
				if used[row.Op][i] {
					back, derr := arm64.Decode(w)
					want := encodeNormal(in)
					want.Word = w
					ok = derr == nil && back == want
				}
				if !ok {
					failures++
					if failures <= 5 {
						t.Errorf("%v: %s changed: %+v encodes to %08x (%s), which decodes differently",
							row.Op, instFields[i].name, in, w, arm64.GNUSyntax(mustDecode(w)))
					}
				}
			}
		}
		assert.Zero(t, failures, "%v %08x: %d accepted, %d refused", row.Op, row.Value, accepted, refused)
		if slices.Contains(used[row.Op], true) { // an op with operands
			assert.Positive(t, refused, "%v %08x: no change refused", row.Op, row.Value)
		}
	}
}

func mustDecode(w uint32) arm64.Inst {
	in, _ := arm64.Decode(w)
	return in
}
