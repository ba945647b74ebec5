package obj

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// relocSrcA uses every static relocation type kpemu applies, against
// symbols of its own sections and of relocSrcB.
const relocSrcA = `
	.text
	.globl	_start
_start:
	bl	func			// R_AARCH64_CALL26
	b	func			// R_AARCH64_JUMP26
	b.eq	func			// R_AARCH64_CONDBR19
	cbz	x0, func		// R_AARCH64_CONDBR19
	tbz	x0, #3, func		// R_AARCH64_TSTBR14
	ldr	x0, blit		// R_AARCH64_LD_PREL_LO19
	adr	x1, var64		// R_AARCH64_ADR_PREL_LO21
	adrp	x2, var64		// R_AARCH64_ADR_PREL_PG_HI21
	adrp	x2, :pg_hi21_nc:var64	// R_AARCH64_ADR_PREL_PG_HI21_NC
	add	x2, x2, :lo12:var64	// R_AARCH64_ADD_ABS_LO12_NC
	ldrb	w3, [x2, :lo12:var8]	// R_AARCH64_LDST8_ABS_LO12_NC
	ldrh	w3, [x2, :lo12:var16]	// R_AARCH64_LDST16_ABS_LO12_NC
	ldr	w3, [x2, :lo12:var32]	// R_AARCH64_LDST32_ABS_LO12_NC
	ldr	x3, [x2, :lo12:var64]	// R_AARCH64_LDST64_ABS_LO12_NC
	ldr	q3, [x2, :lo12:var128]	// R_AARCH64_LDST128_ABS_LO12_NC
	movz	x5, #:abs_g0:small	// R_AARCH64_MOVW_UABS_G0
	movk	x5, #:abs_g0_nc:var64	// R_AARCH64_MOVW_UABS_G0_NC
	movz	x5, #:abs_g1:var64	// R_AARCH64_MOVW_UABS_G1
	movk	x5, #:abs_g1_nc:var64	// R_AARCH64_MOVW_UABS_G1_NC
	movz	x5, #:abs_g2:var64	// R_AARCH64_MOVW_UABS_G2
	movk	x5, #:abs_g2_nc:far	// R_AARCH64_MOVW_UABS_G2_NC
	movk	x5, #:abs_g3:far	// R_AARCH64_MOVW_UABS_G3
	ret
	.balign	8
lit:	.quad	0x1122334455667788

	.data
	.quad	var64			// R_AARCH64_ABS64
	.word	var64			// R_AARCH64_ABS32
	.hword	small			// R_AARCH64_ABS16
	.hword	0
	.quad	func - .		// R_AARCH64_PREL64
	.word	func - .		// R_AARCH64_PREL32
	.hword	var8 - .		// R_AARCH64_PREL16
`

const relocSrcB = `
	.text
	.globl	func
	.type	func, %function
func:
	mov	x0, #42
	ret
	.size	func, .-func
	.globl	blit
	.balign	8
blit:	.quad	0x1122334455667788

	.data
	.globl	var8, var16, var32, var64, var128
	.balign	16
var128:	.quad	1, 2
var64:	.quad	3
var32:	.word	4
var16:	.hword	5
var8:	.byte	6

	.globl	small, far
	.set	small, 0x1234
	.set	far, 0x123456789abcdef0
`

// TestRelocsMatchGNULD links two assembled objects with Link and with GNU
// ld at the same section addresses, and compares the word of every
// relocation; every static type of reloc.go must be among them.
func TestRelocsMatchGNULD(t *testing.T) {
	for _, base := range []uint64{0x400000, 0x10000000} {
		t.Run(fmt.Sprintf("base=%#x", base), func(t *testing.T) {
			a, pa := asmObject(t, "a", relocSrcA)
			b, pb := asmObject(t, "b", relocSrcB)
			img, err := Link([]*Object{a, b}, &LinkOptions{Base: base})
			require.NoError(t, err)
			ref := gnuLink(t, sectionStarts(img), pa, pb)
			compareRelocs(t, img, ref, []*Object{a, b})

			seen := map[RelocType]bool{}
			for _, r := range a.Relocs {
				seen[r.Type] = true
			}
			for typ := range relocNames {
				if typ != R_AARCH64_NONE && typ != R_AARCH64_RELATIVE {
					assert.True(t, seen[typ], "%v is not covered", typ)
				}
			}
		})
	}
}

// TestRelocsKernelHalf links kernel-style code at a kernel-half address,
// where the PC-relative forms and the 64-bit data must agree with ld.
func TestRelocsKernelHalf(t *testing.T) {
	const src = `
	.text
	.globl	_start
_start:
	bl	helper
	adrp	x0, table
	add	x0, x0, :lo12:table
	ldr	x1, [x0, :lo12:table]
	ldr	x2, lit
	movz	x3, #:abs_g3:table
	movk	x3, #:abs_g2_nc:table
	movk	x3, #:abs_g1_nc:table
	movk	x3, #:abs_g0_nc:table
	b	helper
	.section .text.helper, "ax"
helper:
	ret
	.balign	8
lit:	.quad	helper
	.section .rodata
	.balign	8
table:	.quad	helper, _start
	.word	helper - .
`
	a, pa := asmObject(t, "k", src)
	img, err := Link([]*Object{a}, &LinkOptions{Base: 0xffff800008000000})
	require.NoError(t, err)
	ref := gnuLink(t, sectionStarts(img), pa)
	compareRelocs(t, img, ref, []*Object{a})
}

// sectionStarts gives ld the addresses Link chose, as --section-start.
func sectionStarts(img *Image) []string {
	args := []string{"--no-relax", "-z", "norelro", "-z", "noexecstack"}
	for _, s := range img.Sections {
		args = append(args, fmt.Sprintf("--section-start=%s=%#x", s.Name, s.Addr))
	}
	return args
}

// compareRelocs compares, for every relocation of objs, the bytes at the
// place in img with those in ref, and the whole of each section.
func compareRelocs(t *testing.T, img, ref *Image, objs []*Object) {
	t.Helper()
	secAddr := map[string]uint64{}
	for _, s := range img.Sections {
		secAddr[s.Name] = s.Addr
		got := imageBytes(t, img, s.Addr, s.Size)
		want := imageBytes(t, ref, s.Addr, s.Size)
		assert.Equal(t, want, got, "section %s at %#x", s.Name, s.Addr)
	}
	// Only the first object has relocations in these tests: its pieces
	// are at the start of their output sections.
	offsets := map[string]uint64{}
	var types []string
	for _, o := range objs {
		for _, r := range o.Relocs {
			sec := o.Sections[r.Section]
			at := secAddr[sec.Name] + offsets[sec.Name] + r.Offset
			n := uint64(4)
			switch r.Type {
			case R_AARCH64_ABS64, R_AARCH64_PREL64:
				n = 8
			case R_AARCH64_ABS16, R_AARCH64_PREL16:
				n = 2
			}
			assert.Equal(t, imageBytes(t, ref, at, n), imageBytes(t, img, at, n), "%v at %#x (%s+%#x)", r.Type, at, sec.Name, r.Offset)
			types = append(types, r.Type.String())
		}
		for _, s := range o.Sections {
			offsets[s.Name] += s.Size
		}
	}
	sort.Strings(types)
	t.Logf("compared %d relocations: %v", len(types), types)
}
