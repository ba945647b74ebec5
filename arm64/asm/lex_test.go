package asm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lexString lexes src and writes each token as kind:text (ints with
// their value, strings decoded), with "|" for the end of a statement.
func lexString(t *testing.T, src string) (string, error) {
	t.Helper()
	var errs errorSet
	toks := lex("t.s", []byte(src), &errs)
	var parts []string
	for _, tok := range toks {
		switch tok.kind {
		case tokEOS:
			parts = append(parts, "|")
		case tokIdent:
			parts = append(parts, "id:"+tok.text)
		case tokInt:
			parts = append(parts, fmt.Sprintf("int:%d", tok.val))
		case tokFloat:
			parts = append(parts, fmt.Sprintf("float:%g", tok.fval))
		case tokString:
			parts = append(parts, fmt.Sprintf("str:%q", tok.str))
		case tokLocalRef:
			parts = append(parts, fmt.Sprintf("ref:%s", tok.text))
		case tokPunct:
			parts = append(parts, tok.text)
		}
	}
	return strings.Join(parts, " "), errs.err()
}

func TestLex(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"add x0, x1, #3", "id:add id:x0 , id:x1 , # int:3 |"},
		{"b.eq 1f; ld1 {v0.16b}, [x0]", "id:b.eq ref:1f | id:ld1 { id:v0.16b } , [ id:x0 ] |"},
		{"mov v1.s[2], w0", "id:mov id:v1.s [ int:2 ] , id:w0 |"},
		{"0x1F 0X10 0b101 0B11 017 42 0", "int:31 int:16 int:5 int:3 int:15 int:42 int:0 |"},
		{"0xffffffffffffffff", "int:18446744073709551615 |"},
		{"1b 12f 0b 0f", "ref:1b ref:12f ref:0b ref:0f |"},
		{"'a 'b' '\\n '\\\\", "int:97 int:98 int:10 int:92 |"},
		{`"a\tb\x41\101\"\\\0"`, `str:"a\tbAA\"\\\x00" |`},
		{"fmov d0, #1.5e3", "id:fmov id:d0 , # float:1500 |"},
		{"x: .quad $sym, _a.b$", "id:x : id:.quad id:$sym , id:_a.b$ |"},
		{"a<<b >>c == d != e <> f <= g >= h && i || j", "id:a << id:b >> id:c == id:d != id:e <> id:f <= id:g >= id:h && id:i || id:j |"},
		{"nop // comment ; not a statement", "id:nop |"},
		{"nop /* a ; b */ ; nop", "id:nop | id:nop |"},
		{"nop /* line 1\nline 2 */ nop", "id:nop id:nop |"},
		{"# 1 \"file.c\"\n  # indented comment\nnop", "| | id:nop |"},
		{"mov x0, #1 # not a comment", "id:mov id:x0 , # int:1 # id:not id:a id:comment |"},
		{"a;;b", "id:a | | id:b |"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			got, err := lexString(t, tc.src)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLexPositions(t *testing.T) {
	var errs errorSet
	toks := lex("f.s", []byte("\tnop\n  add x0,\tx1\n/* c\n */ ret"), &errs)
	require.NoError(t, errs.err())
	var got []string
	for _, tok := range toks {
		if tok.kind != tokEOS {
			got = append(got, fmt.Sprintf("%s@%d:%d", tok.text, tok.pos.Line, tok.pos.Col))
		}
	}
	assert.Equal(t, []string{"nop@1:2", "add@2:3", "x0@2:7", ",@2:9", "x1@2:11", "ret@4:5"}, got)
}

func TestLexErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"0x", "t.s:1:1: invalid number '0x': no digits after the prefix"},
		{"08", "t.s:1:1: invalid number '08'"},
		{"12ab", "t.s:1:1: invalid number '12ab'"},
		{"0x1ffffffffffffffff", "t.s:1:1: number '0x1ffffffffffffffff' does not fit in 64 bits"},
		{"\"abc", "t.s:1:1: unterminated string"},
		{"\"a\\qb\"", "t.s:1:3: unknown escape '\\q' in string"},
		{"/* never closed", "t.s:1:1: unterminated /* comment"},
		{"nop `", "t.s:1:5: unexpected character '`'"},
		{"nop \x01", "t.s:1:5: unexpected character '\\x01'"},
		{"1.5x", "t.s:1:1: invalid number '1.5x'"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, err := lexString(t, tc.src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
