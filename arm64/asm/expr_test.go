package asm

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exprCases are expressions and their values, as GNU as computes them
// (TestExprMatchesGNUAs checks the list against it). The labels a, b, c
// are defined at .data offsets 0, 8 and 24 by exprPrelude.
var exprCases = []struct {
	expr string
	want int64
}{
	{"1", 1},
	{"0x7fffffffffffffff", 0x7fffffffffffffff},
	{"0xffffffffffffffff", -1},
	{"-1", -1},
	{"- -2", 2},
	{"~0", -1},
	{"!0", 1},
	{"!7", 0},
	{"+5", 5},
	{"017", 15},
	{"0b1011", 11},
	{"'A'", 65},
	{"'\\n", 10},
	{"1 + 2 * 3", 7},
	{"(1 + 2) * 3", 9},
	{"7 / 2", 3},
	{"-7 / 2", -3},
	{"-7 % 2", -1},
	{"7 % -2", 1},
	{"1 << 4 >> 2", 4},
	{"-8 >> 1", 0x7ffffffffffffffc},
	{"1 << 63", -0x8000000000000000},
	{"1 | 2 + 1", 4},
	{"3 & 1 * 2", 2},
	{"6 ^ 3 | 8", 13},
	{"1 << 2 + 1", 5},
	{"1 == 1", -1},
	{"1 == 0 + 1", -1},
	{"1 != 1", 0},
	{"2 <> 3", -1},
	{"2 < 3", -1},
	{"-1 < 0", -1},
	{"3 <= 2", 0},
	{"3 > 2", -1},
	{"2 >= 3", 0},
	{"1 && 0", 0},
	{"2 && 3", 1},
	{"0 || 0", 0},
	{"0 || 5", 1},
	{"2 < 3 && 1", 1},
	{"b - a", 8},
	{"c - a", 24},
	{"a - c", -24},
	{"(c - a) / 4", 6},
	{"(c - b) * 2 + 1", 33},
	{"c - b - (b - a)", 8},
	{". - a", 0}, // replaced per case: see exprSource
	{"K * 2", 0x80},
	{"K + L", 0x45},
}

const exprPrelude = "\t.data\na:\t.quad 0\nb:\t.quad 0, 0\nc:\t.quad 0\nK = 0x40\n\t.equ L, 5\n"

// exprSource makes a .data section whose quads after the prelude hold the
// expressions; the value of ". - a" then depends on the place, which
// exprWant accounts for.
func exprSource() string {
	var b strings.Builder
	b.WriteString(exprPrelude)
	for _, tc := range exprCases {
		fmt.Fprintf(&b, "\t.quad %s\n", tc.expr)
	}
	return b.String()
}

func exprWant(i int) int64 {
	if exprCases[i].expr == ". - a" {
		return int64(32 + 8*i)
	}
	return exprCases[i].want
}

func TestExpressions(t *testing.T) {
	o := asmOK(t, exprSource())
	data := findSection(t, o, ".data").Data
	require.Len(t, data, 32+8*len(exprCases))
	for i, tc := range exprCases {
		got := int64(binary.LittleEndian.Uint64(data[32+8*i:]))
		assert.Equal(t, exprWant(i), got, "%s", tc.expr)
	}
	assert.Empty(t, o.Relocs)
}

func TestExprMatchesGNUAs(t *testing.T) {
	gasPath(t)
	g, msgs := runGAS(t, exprSource())
	require.NotNil(t, g, msgs)
	data := g.sections[".data"].data
	require.Len(t, data, 32+8*len(exprCases))
	for i, tc := range exprCases {
		got := int64(binary.LittleEndian.Uint64(data[32+8*i:]))
		assert.Equal(t, exprWant(i), got, "GNU as computes %s differently from the table", tc.expr)
	}
}

func TestExprErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"1 / 0", "division by zero"},
		{"1 % (2 - 2)", "division by zero"},
		{"a * 2", "operator '*' needs absolute values, but a is relative to a symbol"},
		{"~a", "operator '~' needs an absolute value"},
		{"a + b", "cannot be expressed by a relocation (it is a+b)"},
		{"1 +", "expected an expression but found end of line"},
		{"(1", "expected ')'"},
		{"1.5", "expected an integer but found the floating-point number 1.5"},
		{"undefined_sym * 2", "needs absolute values"},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), "nested too deeply"},
		{strings.Repeat("-", 300) + "1", "nested too deeply"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := Assemble("t.s", []byte(exprPrelude+"\t.quad "+tc.expr+"\n"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// A long flat expression is deep as a tree but fine.
func TestExprLongChain(t *testing.T) {
	o := asmOK(t, "\t.data\n\t.quad 0"+strings.Repeat("+1", 2000)+"\n")
	assert.Equal(t, uint64(2000), binary.LittleEndian.Uint64(findSection(t, o, ".data").Data))
}
