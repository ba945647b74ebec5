package obj

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestApplyRangeEdgesMatchGNULD places branch and address targets exactly
// at the ends of each PC-relative range with ld --section-start, and checks
// that Apply computes the words ld wrote.
func TestApplyRangeEdgesMatchGNULD(t *testing.T) {
	const text = 0x20000000
	const src = `
	.text
	bl	f_hi		// P = T+0,  S = P + 2^27 - 4
	b	f_lo		// P = T+4,  S = P - 2^27
	b.ne	c_hi		// P = T+8,  S = P + 2^20 - 4
	cbz	x1, c_lo	// P = T+12, S = P - 2^20
	tbnz	w2, #5, t_hi	// P = T+16, S = P + 2^15 - 4
	ldr	x3, l_lo	// P = T+20, S = P - 2^20
	adr	x4, a_hi	// P = T+24, S = P + 2^20 - 1
	adrp	x5, p_hi	// P = T+28, Page(S) = Page(P) + 2^32 - 4096
	.section .t.f_hi, "ax"
f_hi:	ret
	.section .t.f_lo, "ax"
f_lo:	ret
	.section .t.c_hi, "ax"
c_hi:	ret
	.section .t.c_lo, "ax"
c_lo:	ret
	.section .t.t_hi, "ax"
t_hi:	ret
	.section .t.l_lo, "a"
l_lo:	.quad 0
	.section .t.a_hi, "a"
a_hi:	.byte 0
	.section .t.p_hi, "a"
p_hi:	.byte 0
`
	starts := map[string]uint64{
		".text":   text,
		".t.f_hi": text + 0 + 1<<27 - 4,
		".t.f_lo": text + 4 - 1<<27,
		".t.c_hi": text + 8 + 1<<20 - 4,
		".t.c_lo": text + 12 - 1<<20,
		".t.t_hi": text + 16 + 1<<15 - 4,
		".t.l_lo": text + 20 - 1<<20,
		".t.a_hi": text + 24 + 1<<20 - 1,
		".t.p_hi": text + 1<<32 - 4096,
	}
	o, path := asmObject(t, "edges", src)
	args := []string{"--no-relax", "-z", "norelro", "-z", "noexecstack", "-e", "0"}
	for name, addr := range starts {
		args = append(args, fmt.Sprintf("--section-start=%s=%#x", name, addr))
	}
	ref := gnuLink(t, args, path)

	symAddr := func(s *Symbol) uint64 {
		if s.Kind == SymSection {
			// gas relocates against the section of a local label.
			for _, sec := range ref.Sections {
				if sec.Name == s.Name {
					return sec.Addr + s.Value
				}
			}
		}
		is, ok := ref.Lookup(s.Name)
		require.True(t, ok, s.Name)
		return is.Addr
	}
	text0 := o.Sections[0]
	require.Equal(t, ".text", text0.Name)
	n := 0
	for _, r := range o.Relocs {
		if r.Section != 0 {
			continue
		}
		sym := o.Symbols[r.Symbol]
		P := text + r.Offset
		place := append([]byte(nil), text0.Data[r.Offset:r.Offset+4]...)
		require.NoError(t, Apply(r.Type, place, symAddr(sym), uint64(r.Addend), P), "%v against %s", r.Type, sym.Name)
		assert.Equal(t, imageBytes(t, ref, P, 4), place, "%v against %s at %#x", r.Type, sym.Name, P)
		n++
	}
	assert.Equal(t, 8, n)
}

// word encodes an instruction word as the 4 bytes of a place.
func word(w uint32) []byte {
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, w)
	return b
}

// TestApplyOverflow checks one past each end of each checked range: the
// error names the relocation and says why, and the place is unchanged.
func TestApplyOverflow(t *testing.T) {
	const P = 0x10000000
	tests := []struct {
		typ     RelocType
		S, A    uint64
		size    int
		wantErr string // "" means it must apply
	}{
		{R_AARCH64_CALL26, P + 1<<27 - 4, 0, 4, ""},
		{R_AARCH64_CALL26, P + 1<<27, 0, 4, "R_AARCH64_CALL26: target 0x18000000 out of range of 0x10000000 (+-128MiB)"},
		{R_AARCH64_JUMP26, P - 1<<27, 0, 4, ""},
		{R_AARCH64_JUMP26, P - 1<<27 - 4, 0, 4, "R_AARCH64_JUMP26: target 0x7fffffc out of range of 0x10000000 (+-128MiB)"},
		{R_AARCH64_CALL26, P + 2, 0, 4, "R_AARCH64_CALL26: target 0x10000002 is not 4-byte aligned"},
		{R_AARCH64_CONDBR19, P + 1<<20 - 4, 0, 4, ""},
		{R_AARCH64_CONDBR19, P + 1<<20, 0, 4, "R_AARCH64_CONDBR19: target 0x10100000 out of range of 0x10000000 (+-1MiB)"},
		{R_AARCH64_CONDBR19, P, 1<<64 - 1<<20 - 4, 4, "out of range"},
		{R_AARCH64_TSTBR14, P + 1<<15 - 4, 0, 4, ""},
		{R_AARCH64_TSTBR14, P + 1<<15, 0, 4, "R_AARCH64_TSTBR14: target 0x10008000 out of range of 0x10000000 (+-32KiB)"},
		{R_AARCH64_TSTBR14, P - 1<<15, 0, 4, ""},
		{R_AARCH64_TSTBR14, P - 1<<15 - 4, 0, 4, "(+-32KiB)"},
		{R_AARCH64_LD_PREL_LO19, P - 1<<20, 0, 4, ""},
		{R_AARCH64_LD_PREL_LO19, P - 1<<20 - 4, 0, 4, "R_AARCH64_LD_PREL_LO19: target 0xfeffffc out of range"},
		{R_AARCH64_LD_PREL_LO19, P + 6, 0, 4, "not 4-byte aligned"},
		{R_AARCH64_ADR_PREL_LO21, P + 1<<20 - 1, 0, 4, ""},
		{R_AARCH64_ADR_PREL_LO21, P + 1<<20, 0, 4, "R_AARCH64_ADR_PREL_LO21: target 0x10100000 out of range of 0x10000000 (+-1MiB)"},
		{R_AARCH64_ADR_PREL_PG_HI21, P + 1<<32 - 1, 0, 4, ""},
		{R_AARCH64_ADR_PREL_PG_HI21, P + 1<<32, 0, 4, "R_AARCH64_ADR_PREL_PG_HI21: target 0x110000000 out of range of 0x10000000 (+-4GiB)"},
		{R_AARCH64_ADR_PREL_PG_HI21_NC, P + 1<<40, 0, 4, ""},
		{R_AARCH64_ABS32, 0xffffffff, 0, 4, ""},
		{R_AARCH64_ABS32, 1 << 32, 0, 4, "R_AARCH64_ABS32: value 0x100000000 does not fit in 32 bits (-0x80000000 to 0xffffffff)"},
		{R_AARCH64_ABS32, 1<<64 - 1<<31, 0, 4, ""},
		{R_AARCH64_ABS32, 1<<64 - 1<<31 - 1, 0, 4, "does not fit in 32 bits"},
		{R_AARCH64_ABS32, 0xffff800008000000, 0, 4, "does not fit in 32 bits"},
		{R_AARCH64_ABS16, 0xffff, 0, 2, ""},
		{R_AARCH64_ABS16, 0x10000, 0, 2, "R_AARCH64_ABS16: value 0x10000 does not fit in 16 bits"},
		{R_AARCH64_PREL32, P + 1<<32, 0, 4, "R_AARCH64_PREL32: value 0x100000000 does not fit in 32 bits"},
		{R_AARCH64_PREL32, 1<<64 + P - 1<<31, 0, 4, ""},
		{R_AARCH64_PREL16, P + 1<<16, 0, 2, "R_AARCH64_PREL16: value 0x10000 does not fit"},
		{R_AARCH64_PREL16, P - 1<<15, 0, 2, ""},
		{R_AARCH64_MOVW_UABS_G0, 0xffff, 0, 4, ""},
		{R_AARCH64_MOVW_UABS_G0, 0x10000, 0, 4, "R_AARCH64_MOVW_UABS_G0: value 0x10000 does not fit in 16 bits (0 to 0xffff)"},
		{R_AARCH64_MOVW_UABS_G0_NC, 0x10000, 0, 4, ""},
		{R_AARCH64_MOVW_UABS_G1, 1 << 32, 0, 4, "R_AARCH64_MOVW_UABS_G1: value 0x100000000 does not fit in 32 bits"},
		{R_AARCH64_MOVW_UABS_G1_NC, 1 << 32, 0, 4, ""},
		{R_AARCH64_MOVW_UABS_G2, 1<<48 - 1, 0, 4, ""},
		{R_AARCH64_MOVW_UABS_G2, 1 << 48, 0, 4, "R_AARCH64_MOVW_UABS_G2: value 0x1000000000000 does not fit in 48 bits"},
		{R_AARCH64_MOVW_UABS_G2_NC, 1 << 48, 0, 4, ""},
		{R_AARCH64_MOVW_UABS_G3, 1<<64 - 1, 0, 4, ""},
		{R_AARCH64_LDST16_ABS_LO12_NC, 0x1001, 0, 4, "R_AARCH64_LDST16_ABS_LO12_NC: address 0x1001 is not 2-byte aligned"},
		{R_AARCH64_LDST32_ABS_LO12_NC, 0x1002, 0, 4, "not 4-byte aligned"},
		{R_AARCH64_LDST64_ABS_LO12_NC, 0x1004, 0, 4, "not 8-byte aligned"},
		{R_AARCH64_LDST128_ABS_LO12_NC, 0x1008, 0, 4, "not 16-byte aligned"},
		{R_AARCH64_LDST128_ABS_LO12_NC, 0x1ff0, 0, 4, ""},
		{R_AARCH64_LDST8_ABS_LO12_NC, 0x1fff, 0, 4, ""},
		{R_AARCH64_ABS64, 1, 0, 4, "R_AARCH64_ABS64: place of 4 bytes, the relocation writes 8"},
		{R_AARCH64_CALL26, P, 0, 2, "place of 2 bytes"},
		{RelocType(311), P, 0, 4, "R_AARCH64_ADR_GOT_PAGE: relocation type not supported"},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%v/S=%#x+%#x", tc.typ, tc.S, tc.A)
		place := make([]byte, tc.size)
		for i := range place {
			place[i] = 0xa5
		}
		before := append([]byte(nil), place...)
		err := Apply(tc.typ, place, tc.S, tc.A, P)
		if tc.wantErr == "" {
			assert.NoError(t, err, name)
			continue
		}
		var re *RelocError
		if assert.ErrorAs(t, err, &re, name) {
			assert.Equal(t, tc.typ, re.Type, name)
			assert.Contains(t, err.Error(), tc.wantErr, name)
		}
		assert.Equal(t, before, place, "%s: place changed by a failed relocation", name)
	}
}

// TestApplyFields checks the bits each instruction form takes, on words
// written by hand from the Arm ARM encodings (checked with
// aarch64-linux-gnu-as), where the other bits must survive.
func TestApplyFields(t *testing.T) {
	tests := []struct {
		typ     RelocType
		in      uint32
		S, A, P uint64
		want    uint32
	}{
		// bl .+0x1000: 0x94000400
		{R_AARCH64_CALL26, 0x94000000, 0x401000, 0, 0x400000, 0x94000400},
		// b .-4: 0x17ffffff
		{R_AARCH64_JUMP26, 0x14000000, 0x3ffffc, 0, 0x400000, 0x17ffffff},
		// b.ne .+8: 0x54000041
		{R_AARCH64_CONDBR19, 0x54000001, 0x400008, 0, 0x400000, 0x54000041},
		// tbnz w2, #5, .-8: 0x372fffc2
		{R_AARCH64_TSTBR14, 0x37280002, 0x3ffff8, 0, 0x400000, 0x372fffc2},
		// adr x4, .+5: 0x30000024 (immlo 1, immhi 1)
		{R_AARCH64_ADR_PREL_LO21, 0x10000004, 0x400005, 0, 0x400000, 0x30000024},
		// adrp x5, 0x403000 at 0x400ffc: 0xf0000005 (3 pages: immlo 3, immhi 0)
		{R_AARCH64_ADR_PREL_PG_HI21, 0x90000005, 0x403abc, 0, 0x400ffc, 0xf0000005},
		// ldr x3, [x2, #0x18] from :lo12: of 0x401018: 0xf9400c43
		{R_AARCH64_LDST64_ABS_LO12_NC, 0xf9400043, 0x401000, 0x18, 0, 0xf9400c43},
		// add x2, x2, #0xabc: 0x912af042
		{R_AARCH64_ADD_ABS_LO12_NC, 0x91000042, 0x12345abc, 0, 0, 0x912af042},
		// movk x5, #0x5678, lsl #16: 0xf2aacf05
		{R_AARCH64_MOVW_UABS_G1_NC, 0xf2a00005, 0x12345678abcd, 0, 0, 0xf2aacf05},
	}
	for _, tc := range tests {
		place := word(tc.in)
		require.NoError(t, Apply(tc.typ, place, tc.S, tc.A, tc.P), "%v", tc.typ)
		assert.Equal(t, fmt.Sprintf("%#08x", tc.want), fmt.Sprintf("%#08x", binary.LittleEndian.Uint32(place)), "%v", tc.typ)
	}
}

func TestRelocTypeString(t *testing.T) {
	assert.Equal(t, "R_AARCH64_CALL26", R_AARCH64_CALL26.String())
	assert.Equal(t, "R_AARCH64_LDST128_ABS_LO12_NC", R_AARCH64_LDST128_ABS_LO12_NC.String())
	assert.Equal(t, "R_AARCH64_RELATIVE", R_AARCH64_RELATIVE.String())
	// Not applied, still named.
	assert.Equal(t, "R_AARCH64_ADR_GOT_PAGE", RelocType(311).String())
	assert.Equal(t, "R_AARCH64_IRELATIVE", RelocType(1032).String())
	assert.Equal(t, "R_AARCH64_9999", RelocType(9999).String())
	assert.False(t, RelocType(311).Supported())
	assert.True(t, R_AARCH64_PREL16.Supported())
}
