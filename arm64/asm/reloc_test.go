package asm

import (
	"encoding/binary"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kpemu/kpemu/arm64/obj"
)

// relocSrc refers to symbols in every way that needs a relocation: an
// undefined symbol, a global and a weak symbol of the same section (which
// may be preempted, so GNU as leaves them to the linker), local labels of
// other sections (through the section symbol), and the relocation
// operators.
const relocSrc = `
	.text
	.globl gfunc
	.weak wfunc
gfunc:	nop
wfunc:	nop
local:	nop
	b undefined_fn
	bl gfunc
	b wfunc
	b local
	b.ne data_label
	cbz x0, gfunc + 8
	tbz x1, #3, undefined_fn
	adr x2, gfunc
	adr x3, local
	adrp x4, local
	adrp x5, data_label + 16
	add x4, x4, :lo12:data_label + 16
	ldr x6, [x5, #:lo12:data_label]
	ldr w6, [x5, #:lo12:data_label]
	ldrh w6, [x5, #:lo12:data_label]
	ldrb w6, [x5, #:lo12:data_label]
	ldr x7, data_label
	ldr x7, gfunc
	ldr x8, local
	movz x9, #:abs_g3:undefined_data
	movk x9, #:abs_g2_nc:undefined_data
	movk x9, #:abs_g1_nc:undefined_data
	movk x9, #:abs_g0_nc:undefined_data
	movz x10, #:abs_g1:data_label
	movz x10, #:abs_g0:0x1234
	movz x10, #:abs_g1:0x12345678
	movk x10, #:abs_g2_nc:0x123456789abc
	.data
	.quad 0
data_label:
	.quad gfunc, wfunc, local, undefined_data + 4
	.word undefined_data - ., local - .
	.quad data_label - .Lhere
.Lhere:
`

// lo12Numbers: ":lo12:" of a number is resolved here; GNU as emits a
// relocation against no symbol instead (the object model has no such
// relocation), so these are not compared with it.
const lo12Numbers = `
	add x11, x11, #:lo12:0x12345
	ldr x12, [x12, #:lo12:0x1008]
`

func TestRelocationsMatchGNUAs(t *testing.T) {
	gasPath(t)
	compareWithGAS(t, "reloc.s", relocSrc)
}

func TestRelocations(t *testing.T) {
	o := asmOK(t, relocSrc)
	g := ourObj(o)
	want := []string{
		".text+0xc R_AARCH64_JUMP26 undefined_fn+0",
		".text+0x10 R_AARCH64_CALL26 gfunc+0",
		".text+0x14 R_AARCH64_JUMP26 wfunc+0",
		".text+0x1c R_AARCH64_CONDBR19 .data+8",
		".text+0x20 R_AARCH64_CONDBR19 gfunc+8",
		".text+0x24 R_AARCH64_TSTBR14 undefined_fn+0",
		".text+0x28 R_AARCH64_ADR_PREL_LO21 gfunc+0",
		".text+0x30 R_AARCH64_ADR_PREL_PG_HI21 .text+8",
		".text+0x34 R_AARCH64_ADR_PREL_PG_HI21 .data+24",
		".text+0x38 R_AARCH64_ADD_ABS_LO12_NC .data+24",
		".text+0x3c R_AARCH64_LDST64_ABS_LO12_NC .data+8",
		".text+0x40 R_AARCH64_LDST32_ABS_LO12_NC .data+8",
		".text+0x44 R_AARCH64_LDST16_ABS_LO12_NC .data+8",
		".text+0x48 R_AARCH64_LDST8_ABS_LO12_NC .data+8",
		".text+0x4c R_AARCH64_LD_PREL_LO19 .data+8",
		".text+0x50 R_AARCH64_LD_PREL_LO19 gfunc+0",
		".text+0x58 R_AARCH64_MOVW_UABS_G3 undefined_data+0",
		".text+0x5c R_AARCH64_MOVW_UABS_G2_NC undefined_data+0",
		".text+0x60 R_AARCH64_MOVW_UABS_G1_NC undefined_data+0",
		".text+0x64 R_AARCH64_MOVW_UABS_G0_NC undefined_data+0",
		".text+0x68 R_AARCH64_MOVW_UABS_G1 .data+8",
		".data+0x8 R_AARCH64_ABS64 gfunc+0",
		".data+0x10 R_AARCH64_ABS64 wfunc+0",
		".data+0x18 R_AARCH64_ABS64 .text+8",
		".data+0x20 R_AARCH64_ABS64 undefined_data+4",
		".data+0x28 R_AARCH64_PREL32 undefined_data+0",
		".data+0x2c R_AARCH64_PREL32 .text+8",
	}
	sort.Strings(want)
	assert.Equal(t, want, g.relocs)
	// Resolved here: b local (same section), adr x3, local and ldr x8,
	// local; the :abs_gN: and :lo12: of numbers.
	in := decodeText(t, o)
	assert.Equal(t, int64(-16), in[6].Imm, "b local")
	assert.Equal(t, int64(8-0x2c), in[11].Imm, "adr x3, local")
	assert.Equal(t, int64(8-0x54), in[21].Imm, "ldr x8, local")
	assert.Equal(t, int64(0x1234), in[27].Imm, ":abs_g0:0x1234")
	assert.Equal(t, int64(0x1234), in[28].Imm, ":abs_g1:0x12345678")
	assert.Equal(t, int64(16), in[28].Imm2)
	assert.Equal(t, int64(0x1234), in[29].Imm, ":abs_g2_nc:0x123456789abc")
	assert.Equal(t, int64(8-0x38), int64(binary.LittleEndian.Uint64(findSection(t, o, ".data").Data[0x30:])), "data_label - .Lhere")
	// Undefined symbols are global in the symbol table.
	for _, name := range []string{"undefined_fn", "undefined_data"} {
		s := findSymbol(t, o, name)
		assert.Equal(t, -1, s.Section, name)
		assert.Equal(t, obj.BindGlobal, s.Binding, name)
	}

	o = asmOK(t, lo12Numbers)
	assert.Empty(t, o.Relocs)
	in = decodeText(t, o)
	assert.Equal(t, int64(0x345), in[0].Imm, ":lo12:0x12345")
	assert.Equal(t, int64(8), in[1].Imm, "ldr [x12, #:lo12:0x1008]")
}
