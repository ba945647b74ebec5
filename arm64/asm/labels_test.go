package asm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// decodeText decodes the words of .text, which must all be instructions.
func decodeText(t *testing.T, o *obj.Object) []arm64.Inst {
	t.Helper()
	return decodeWords(t, findSection(t, o, ".text").Data)
}

func decodeWords(t *testing.T, b []byte) []arm64.Inst {
	t.Helper()
	var out []arm64.Inst
	for _, w := range words(b) {
		in, err := arm64.Decode(w)
		require.NoError(t, err, "%08x", w)
		out = append(out, in)
	}
	return out
}

const numericLabelsSrc = `
1:	nop		// 0
	b 1b		// 4: to 0
	b 1f		// 8: to 16
	nop		// 12
1:	b 1b		// 16: itself
	cbz x0, 2f	// 20: to 28
	b 1b		// 24: to 16
2:	1: tbz w0, #0, 1b	// 28: itself (the latest 1:, on this line)
	adr x1, 1f	// 32: to 36
1:	b 10f		// 36: to 40
10:	b 10b		// 40: itself
`

func TestNumericLocalLabels(t *testing.T) {
	o := asmOK(t, numericLabelsSrc)
	in := decodeText(t, o)
	want := map[int]int64{1: -4, 2: 8, 4: 0, 5: 8, 6: -8, 7: 0, 8: 4, 9: 4, 10: 0}
	for i, off := range want {
		assert.Equal(t, off, in[i].Imm, "instruction %d (%v)", i, in[i].Op)
	}
	assert.Empty(t, o.Relocs)
	for _, s := range o.Symbols {
		assert.Equal(t, obj.SymSection, s.Kind, "numeric labels stay out of the symbol table: %s", s.Name)
	}
}

func TestNumericLocalLabelsMatchGNUAs(t *testing.T) {
	gasPath(t)
	compareWithGAS(t, "labels.s", numericLabelsSrc)
	compareWithGAS(t, "labels2.s", labelsSrc)
}

const labelsSrc = `
	.text
start:	a: b: nop
	nop; here: nop
.Llocal: nop
	b .Llocal
	b here
	b other
	.data
	.quad 0
other:	.quad here
`

func TestLabels(t *testing.T) {
	o := asmOK(t, labelsSrc)
	in := decodeText(t, o)
	assert.Equal(t, int64(-4), in[4].Imm, "b .Llocal")
	assert.Equal(t, int64(-12), in[5].Imm, "b here")
	assert.Equal(t, uint64(8), findSymbol(t, o, "here").Value)
	for _, name := range []string{"start", "a", "b"} {
		assert.Equal(t, uint64(0), findSymbol(t, o, name).Value, name)
	}
	for _, s := range o.Symbols {
		assert.NotEqual(t, ".Llocal", s.Name)
	}
	// A branch to a local label of another section goes through that
	// section's symbol, with the label's offset as the addend.
	require.Len(t, o.Relocs, 2)
	r := o.Relocs[0]
	assert.Equal(t, obj.R_AARCH64_JUMP26, r.Type)
	assert.Equal(t, uint64(24), r.Offset)
	assert.Equal(t, ".data", o.Symbols[r.Symbol].Name)
	assert.Equal(t, obj.SymSection, o.Symbols[r.Symbol].Kind)
	assert.Equal(t, int64(8), r.Addend)
	r = o.Relocs[1]
	assert.Equal(t, obj.R_AARCH64_ABS64, r.Type)
	assert.Equal(t, ".text", o.Symbols[r.Symbol].Name)
	assert.Equal(t, int64(8), r.Addend)
}

func TestLabelErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"\tb 3f", "t.s:1:4: '3f' is not defined"},
		{"\tb 1b\n1:", "t.s:1:4: '1b' is not defined"},
		{"\tb .Lnowhere", "t.s:1:4: '.Lnowhere' is not defined"},
		{"\t.data\n\t.quad .Lnowhere", "t.s:2:8: '.Lnowhere' is not defined"},
		{"x:\nx:", "t.s:2:1: symbol 'x' is already defined at line 1"},
		{"1b = 3", "t.s:1:1: cannot assign to the local label reference '1b'"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, err := Assemble("t.s", []byte(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
