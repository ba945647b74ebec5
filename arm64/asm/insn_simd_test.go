package asm

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/asm/internal/corpusgen"
)

// TestSIMDInvalidRejected checks the FP/SIMD classes' invalid corpus
// lines one by one: GNU as rejects each, and so do we, with an error on
// that line. (The corpus-wide test stops counting after the assembler's
// error limit; one statement per run does not.)
func TestSIMDInvalidRejected(t *testing.T) {
	gasPath(t)
	all, err := corpusgen.Invalid()
	require.NoError(t, err)
	var lines []corpusgen.Line
	for _, l := range all {
		if strings.HasPrefix(l.Row.Class, "simd") {
			lines = append(lines, l)
		}
	}
	require.NotEmpty(t, lines)
	src, header := corpusSource(lines)
	_, msgs := runGAS(t, src)
	gasBad := gasErrorLines(msgs)
	for i, l := range lines {
		_, gasRejects := gasBad[header+i+1]
		require.True(t, gasRejects, "GNU as accepts %q: not an invalid line (fix the row)", l.Text)
		_, err := Assemble("t.s", []byte(corpusgen.Header+"\t"+l.Text+"\n"))
		if assert.Error(t, err, "kpemu accepts %q", l.Text) {
			t.Logf("%-44s %v", l.Text, err)
		}
	}
}

// TestSIMDForms checks forms whose fields are easy to get wrong, against
// words from aarch64-linux-gnu-as (so the test runs without it).
func TestSIMDForms(t *testing.T) {
	for _, c := range []struct {
		src  string
		word uint32
	}{
		{"ldr b0, [x0, x1, lsl #0]", 0x3c617800}, // S = 1 for a byte access
		{"ldr b0, [x0, x1]", 0x3c616800},
		{"ldr q0, [x0, x1, lsl #4]", 0x3ce17800},
		{"ldr h0, [x0, #-1]", 0x7c5ff000}, // LDUR
		{"ld1 {v31.16b, v0.16b}, [x0]", 0x4c40a01f},
		{"ld1 {v0.b}[15], [x0], #1", 0x4ddf1c00},
		{"ld4r {v0.2d-v3.2d}, [x0], #32", 0x4dffec00},
		{"ld1 {v0.s}[1], [x0], x3", 0x0dc39000},
		{"movi v0.2d, #0xff00ff00ff00ff00", 0x6f05e540},
		{"movi v0.4s, #-128", 0x4f040400},
		{"mvni v0.4s, #0x12, msl #16", 0x6f00d640},
		{"fmov v0.2d, #-0.125", 0x6f06f400},
		{"fmov s0, #0x3f800000", 0x1e2e1000}, // hex: the IEEE bits
		{"fmov v0.2s, #-2", 0x0f04f400},      // decimal integer: the value
		{"fmov v1.d[1], x0", 0x9eaf0001},
		{"mov v0.d[1], v1.d[0]", 0x6e180420},
		{"mov x0, v1.d[1]", 0x4e183c20},
		{"mov b0, v1.b[3]", 0x5e070420},
		{"sxtl2 v0.4s, v1.8h", 0x4f10a420},
		{"sshr d0, d1, #64", 0x5f400420},
		{"tbl v0.16b, {v30.16b, v31.16b, v0.16b}, v1.16b", 0x4e0143c0},
	} {
		o := asmOK(t, "\t"+c.src+"\n")
		in := decodeText(t, o)
		require.Len(t, in, 1, c.src)
		assert.Equal(t, c.word, in[0].Word, "%s: %08x", c.src, in[0].Word)
		want, err := arm64.Decode(c.word)
		require.NoError(t, err)
		assert.Equal(t, want.Op, in[0].Op, c.src)
	}
}

// TestSIMDErrors checks the messages of a few refusals.
func TestSIMDErrors(t *testing.T) {
	for src, want := range map[string]string{
		"ld1 {v30.16b-v1.16b}, [x0]":  "a register range may not wrap past v31",
		"ld1 {v0.16b}, [x0], #8":      "post-index increment 8 must be the 16 bytes transferred",
		"ld2 {v0.4s}, [x0]":           "expected a list of 2 registers",
		"ld1 {v0.s}[4], [x0]":         "lane index 4 is out of range 0 to 3",
		"dup v0.8b, v1.b[16]":         "lane index 16 is out of range 0 to 15",
		"fmov s0, #0.1":               "is not an FMOV immediate",
		"movi v0.2d, #0x1234":         "is not a 64-bit MOVI immediate",
		"add v0.4s, v1.4s, v2.8h":     "expected a vector register v<n>.4s but found 'v2.8h'",
		"sshr v0.4s, v1.4s, #33":      "immediate 33 is out of range 1 to 32",
		"ldr h0, label":               "expected an S, D or Q register",
		"movi v0.4h, #1, lsl #16":     "invalid shift 'lsl #16'",
		"ext v0.8b, v1.8b, v2.8b, #8": "immediate 8 is out of range 0 to 7",
		"tbl v0.16b, {v1.8b}, v2.16b": "a table of 16b registers",
		"ldp q0, q1, [x0, #8]":        "a multiple of 16 from -1024 to 1008",
		"umov x0, v1.s[1]":            "expected a vector element (v<n>.d[<index>])",
		"ld1 {v0.16b}, [x0], xzr":     "expected a 64-bit post-index register (x0-x30)",
		"xtn2 v0.8b, v1.8h":           "expected a vector register v<n>.16b, .8h, .4s",
		"cmle v0.4s, v1.4s, #1":       "immediate 1 is out of range 0 to 0",
		"addv d0, v1.2d":              "expected a B, H or S register",
		"ld1 {v0.s, v1.s}[1], [x0]":   "expected a list of 1 register",
	} {
		_, err := Assemble("t.s", []byte("\t"+src+"\n"))
		if assert.Error(t, err, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
}
