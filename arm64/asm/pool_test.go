package asm

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/obj"
)

// poolSrc uses literal pools the ways GNU as places them: equal values
// share an entry, 4-byte entries come before 8-byte ones, each group
// aligned with zeros, a pool at each .ltorg and one at the end of every
// section that has pending entries.
const poolSrc = `
	.text
	ldr x0, =0x1234
	ldr w1, =5
	ldr x2, =0x1234
	ldr x3, =0x1230 + 4
	ldr x4, =ext_sym
	ldr x5, =ext_sym + 8
	ldr w6, =ext_sym
	ldr x7, =here
	ldrsw x8, =-2
	ldr w9, =0xffffffff
	ldr w10, =-1
here:	.ltorg
	ldr x0, =0x1234
	.pool
	.ltorg
	nop
	ldr x1, =other
	.section .text.b, "ax"
	ldr x2, =1
	.byte 1
	.data
other:	.quad 0
`

func TestLiteralPoolsMatchGNUAs(t *testing.T) {
	gasPath(t)
	compareWithGAS(t, "pool.s", poolSrc)
}

func TestLiteralPools(t *testing.T) {
	o := asmOK(t, poolSrc)
	text := findSection(t, o, ".text").Data
	in := decodeWords(t, text[:44])
	in = append(in, decodeWords(t, text[96:100])...)
	// The first pool starts at "here" (offset 44): 4-byte entries 5,
	// ext_sym, -2, 0xffffffff, -1 at 44..60, then from 64 (8-aligned)
	// 0x1234, ext_sym, ext_sym+8, here.
	lit := func(i int) uint64 { return uint64(4*i + int(in[i].Imm)) }
	assert.Equal(t, uint64(64), lit(0), "ldr x0, =0x1234")
	assert.Equal(t, lit(0), lit(2), "equal values share an entry")
	assert.Equal(t, lit(0), lit(3), "0x1230 + 4 is the same value")
	assert.Equal(t, uint64(44), lit(1), "ldr w1, =5")
	assert.NotEqual(t, lit(9), lit(10), "0xffffffff and -1 are different values, as in GNU as")
	assert.Equal(t, uint32(5), binary.LittleEndian.Uint32(text[44:]))
	assert.Equal(t, uint64(60), lit(10), "ldr w10, =-1: the last 4-byte entry")
	assert.Equal(t, uint64(0x1234), binary.LittleEndian.Uint64(text[64:]))
	// After .ltorg a new pool begins: the same value gets a new entry.
	// The ldr after the first pool (its 8-byte entries end at 96) gets
	// the next pool, right after it at .pool.
	assert.Equal(t, int64(8), in[11].Imm, "a new pool after .ltorg")
	var relocs []string
	for _, r := range o.Relocs {
		relocs = append(relocs, o.Sections[r.Section].Name+" "+r.Type.String()+" "+o.Symbols[r.Symbol].Name)
	}
	assert.Contains(t, relocs, ".text R_AARCH64_ABS32 ext_sym")
	assert.Contains(t, relocs, ".text R_AARCH64_ABS64 ext_sym")
	assert.Contains(t, relocs, ".text R_AARCH64_ABS64 .data")
	assert.Contains(t, relocs, ".text R_AARCH64_ABS64 .text", "=here: a local label through the section symbol")
	b := findSection(t, o, ".text.b")
	assert.Len(t, b.Data, 16, "ldr, .byte, padding, the pool at the end of the section")
	assert.Equal(t, uint64(8), b.Align)
}

func TestLiteralPoolErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"\tldr x0, =1\n\t.skip 0x100000\n", "t.s:1:10: literal pool is out of range"},
		{"\tldr x0, =a * 2\na:", "operator '*' needs absolute values"},
		{"\tldr w0, =0x100000000", "does not fit in 4 bytes"},
		{"\tldrb w0, =1", "'ldrb' has no literal form"},
		{"\tldr x0, =undefined_local_1f\n", ""},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, err := Assemble("t.s", []byte(tc.src))
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// A literal taken by a handler that then fails must not stay in the pool:
// only the successful handler's requests count.
func TestLiteralOfFailedHandlerDropped(t *testing.T) {
	o := asmOK(t, "\tzztest.lit x0, =0x99\n")
	assert.Len(t, findSection(t, o, ".text").Data, 4, "no pool entry")
	assert.Empty(t, o.Relocs)
	_ = obj.R_AARCH64_NONE
}
