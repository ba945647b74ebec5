package asm

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorsAllReported: every error of the file, in source order, each
// with file:line:col, not only the first.
func TestErrorsAllReported(t *testing.T) {
	src := "\tnop\n" +
		"\tadd x0, x1, #3, x2\n" + // 2
		"\tfrob x0\n" + // 3
		"\tldr x0, [x1\n" + // 4
		"\t.quad 1/0\n" + // 5
		"\tb.eq ext; mov x0 x1\n" + // 6
		"\tmov x0, w1\n" // 7
	o, err := Assemble("bad.s", []byte(src))
	require.Error(t, err)
	assert.Nil(t, o)
	var list ErrorList
	require.True(t, errors.As(err, &list))
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		"bad.s:2:18: expected 'lsl #0' or 'lsl #12' but found 'x2'",
		"bad.s:3:2: unknown instruction 'frob'",
		"bad.s:4:13: expected ']' to close the '[' at column 10 but found end of line",
		"bad.s:5:10: division by zero",
		"bad.s:6:19: expected ',' or end of line after operand 1 ('x0') but found 'x1'",
		"bad.s:7:10: expected a 64-bit register (x0-x30, xzr) but found 'w1'",
	}, got)
	assert.True(t, strings.HasPrefix(err.Error(), "6 errors:\nbad.s:2:18: "), err.Error())

	var one *Error
	require.True(t, errors.As(err, &one))
	assert.Equal(t, Pos{File: "bad.s", Line: 2, Col: 18}, one.Pos)
}

func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"add x0, x1, #3,", "t.s:1:16: expected an operand after ',' but found end of line"},
		{"add x0, x1 x2", "t.s:1:12: expected ',' or end of line after operand 2 ('x1') but found 'x2'"},
		{"ldr x0, [#1]", "t.s:1:10: expected a base register after '[' but found '#'"},
		{"ldr x0, [x1, x2, foo]", "t.s:1:18: expected an extend or shift (lsl, uxtw, sxtw, sxtx) but found 'foo'"},
		{"ldr x0, [x1]!", "t.s:1:9: '!' (pre-index) needs an immediate offset"},
		{"ldr x0, [x1], v0", "t.s:1:15: expected a post-index increment"},
		{"ld1 {v0.16b, v2.16b}, [x0]", "t.s:1:14: registers of a list must be consecutive: 'v2.16b' after 'v0.16b'"},
		{"ld1 {v0.16b, v1.8b}, [x0]", "register list mixes arrangements"},
		{"ld1 {v0.b-v4.b}, [x0]", "a register list has at most 4 registers, this one has 5"},
		{"ld1 {x0}, [x0]", "t.s:1:6: expected a vector register after '{'"},
		{"mov v0.s[x], w0", "expected a lane number after '['"},
		{"add x0, x1, #:got:sym", "t.s:1:14: relocation operator ':got:' is not supported: kpemu's linker has no GOT relocations"},
		{"adrp x0, :got:sym", "relocation operator ':got:' is not supported"},
		{"ldr x0, [x0, #:got_lo12:sym]", "relocation operator ':got_lo12:' is not supported"},
		{"add x0, x0, :tprel_lo12:sym", "kpemu's linker has no TLS relocations"},
		{"add x0, x0, :nonsense:sym", "unknown relocation operator ':nonsense:'"},
		{"add x0, x0, :lo12 sym", "expected ':' after ':lo12' but found 'sym'"},
		{"movz x0, #:lo12:sym", "relocation operator :lo12: is not allowed here (use :abs_g0: to :abs_g3:)"},
		{"ldr x0, [x1, #:abs_g0:sym]", "relocation operator :abs_g0: is not allowed in a memory operand (use :lo12:)"},
		{"b 0x100", "expected a label but found the number 0x100"},
		{"b a+b\na: b:", "expected a label but found 'a+b'"},
		{"nop x0", "t.s:1:5: unexpected operand 'x0': 'nop' takes no operands"},
		{"add x0", "t.s:1:1: 'add' takes at least 3 operands but has 1"},
		{"ret x0, x1", "t.s:1:9: unexpected operand 'x1': 'ret' takes at most 1 operand"},
		{"ldr x0, [x1, x2, lsl #2]", "t.s:1:23: shift amount 2 is invalid: an 8-byte access takes 0 or 3"},
		{"mov x0, #0x1234567", "t.s:1:9: immediate '#0x1234567' cannot be moved by a single instruction"},
		{"b.eq .+0x200000", "t.s:1:6: target '.+0x200000' is out of range: 2097152 bytes away, the limit is ±1048576"},
		{"tbz w0, #40, .", "t.s:1:9: bit number 40 is out of range 0 to 31"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, err := Assemble("t.s", []byte(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTooManyErrors(t *testing.T) {
	src := strings.Repeat("bogus\n", 500)
	_, err := Assemble("t.s", []byte(src))
	var list ErrorList
	require.ErrorAs(t, err, &list)
	assert.Len(t, list, maxErrors+1)
	assert.Contains(t, list[maxErrors].Msg, "too many errors")
}

// TestErrorPositionsStable: an error is reported once, although each
// statement runs in both passes.
func TestErrorReportedOnce(t *testing.T) {
	_, err := Assemble("t.s", []byte("\t.data\n\t.skip 1/0\n\tadd x0, x1, #5000\n"))
	var list ErrorList
	require.ErrorAs(t, err, &list)
	assert.Len(t, list, 2, fmt.Sprint(list))
}
