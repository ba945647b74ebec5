package asm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
)

// TestDPAliasWords checks the aliases of the data processing handlers
// against words from aarch64-linux-gnu-as -march=armv9.3-a (the corpus
// test compares far more lines, but only where binutils is installed).
func TestDPAliasWords(t *testing.T) {
	cases := []struct {
		line string
		word uint32
	}{
		{"bic x0, x1, #1", 0x927ff820},
		{"and w0, w1, #-16", 0x121c6c20},
		{"and w0, w1, #0xffffffff00000001", 0x12000020},
		{"orr sp, x2, #0xff00", 0xb2781c5f},
		{"eon w3, w4, w5, ror #31", 0x4ae57c83},
		{"mvn x0, x1, asr #2", 0xaaa10be0},
		{"neg w0, w1, lsl #3", 0x4b010fe0},
		{"negs x0, xzr", 0xeb1f03e0},
		{"ngcs w5, w6", 0x7a0603e5},
		{"lsl x0, x1, #4", 0xd37cec20},
		{"lsl w0, w1, #0", 0x53007c20},
		{"lsr w0, w1, #31", 0x531f7c20},
		{"asr x0, x1, #63", 0x937ffc20},
		{"ror w0, w1, #7", 0x13811c20},
		{"ror x0, x1, x2", 0x9ac22c20},
		{"sxtb x0, w1", 0x93401c20},
		{"sxtw x0, wzr", 0x93407fe0},
		{"uxtb x0, w1", 0x53001c20},
		{"uxtw x3, w4", 0x2a0403e3},
		{"sbfx x0, x1, #63, #1", 0x937ffc20},
		{"ubfiz w0, w1, #31, #1", 0x53010020},
		{"bfi x0, x1, #8, #16", 0xb3783c20},
		{"bfxil w0, w1, #4, #28", 0x33047c20},
		{"bfc x0, #60, #4", 0xb3440fe0},
		{"extr x0, x1, x2, #63", 0x93c2fc20},
		{"cset x0, hs", 0x9a9f37e0},
		{"csetm w0, vc", 0x5a9f63e0},
		{"cinc x0, x1, eq", 0x9a811420},
		{"cneg w0, w1, lo", 0x5a812420},
		{"ccmp x0, #31, #15, nv", 0xfa5ff80f},
		{"ccmn w0, w1, 4, al", 0x3a41e004},
		{"rev64 x0, x1", 0xdac00c20},
		{"rev32 x0, x1", 0xdac00820},
		{"crc32cx w0, w1, x2", 0x9ac25c20},
		{"mul x0, x1, x2", 0x9b027c20},
		{"mneg w0, w1, w2", 0x1b02fc20},
		{"umull x0, w1, w2", 0x9ba27c20},
		{"smnegl x0, w1, w2", 0x9b22fc20},
		{"smulh x0, x1, x2", 0x9b427c20},
		{"pacia x0, sp", 0xdac103e0},
		{"autdzb x30", 0xdac13ffe},
		{"pacga x0, x1, sp", 0x9adf3020},
	}
	var src strings.Builder
	for _, c := range cases {
		src.WriteString("\t" + c.line + "\n")
	}
	got := words(findSection(t, asmOK(t, src.String()), ".text").Data)
	require.Len(t, got, len(cases))
	for i, c := range cases {
		assert.Equal(t, fmt.Sprintf("%08x", c.word), fmt.Sprintf("%08x", got[i]), c.line)
	}
}

// TestDPErrors checks that what GNU as rejects is rejected at the operand
// at fault, with its kind of message.
func TestDPErrors(t *testing.T) {
	cases := []struct{ line, want string }{
		{"and x0, x1, #0", "t.s:1:14: immediate out of range: '#0' is not a bitmask immediate"},
		{"orr w0, w1, #-1", "t.s:1:14: immediate out of range: '#-1' is not a bitmask immediate"},
		{"and w0, w1, #0x1fffffff0", "t.s:1:14: immediate out of range: '#0x1fffffff0' does not fit a w register"},
		{"ands sp, x1, #1", "t.s:1:7: expected a register (x0-x30, xzr, w0-w30, wzr) but found 'sp'"},
		{"and xzr, x1, #1", "t.s:1:6: expected a register (x0-x30, sp, w0-w30, wsp) but found 'xzr'"},
		{"orn x0, x1, #1", "t.s:1:14: expected a 64-bit register (x0-x30, xzr) but found '#1'"},
		{"and w0, w1, w2, ror #32", "t.s:1:23: shift amount 32 is out of range 0 to 31"},
		{"neg x0, x1, ror #3", "t.s:1:14: 'ror' is not allowed here: expected lsl, lsr or asr"},
		{"lsl x0, x1, #64", "t.s:1:14: immediate 64 is out of range 0 to 63"},
		{"bfi w0, w1, #30, #4", "t.s:1:19: immediate 4 is out of range 1 to 2"},
		{"sbfx x0, x1, #64, #1", "t.s:1:15: immediate 64 is out of range 0 to 63"},
		{"sxtw w0, w1", "t.s:1:7: expected a 64-bit register (x0-x30, xzr) but found 'w0'"},
		{"cset x0, al", "t.s:1:11: condition 'al' is not allowed here"},
		{"cinc x0, x1, nv", "t.s:1:15: condition 'nv' is not allowed here"},
		{"ccmp x0, #32, #0, eq", "t.s:1:11: immediate 32 is out of range 0 to 31"},
		{"ccmp x0, x1, #16, eq", "t.s:1:15: immediate 16 is out of range 0 to 15"},
		{"smull x0, x1, x2", "t.s:1:12: expected a 32-bit register (w0-w30, wzr) but found 'x1'"},
		{"crc32x x0, w1, x2", "t.s:1:9: expected a 32-bit register (w0-w30, wzr) but found 'x0'"},
		{"pacia x0, xzr", "t.s:1:12: expected a 64-bit register (x0-x30, sp) but found 'xzr'"},
		{"rev64 w0, w1", "t.s:1:8: expected a 64-bit register (x0-x30, xzr) but found 'w0'"},
	}
	for _, c := range cases {
		_, err := Assemble("t.s", []byte("\t"+c.line+"\n"))
		if assert.Error(t, err, c.line) {
			assert.Contains(t, err.Error(), c.want, c.line)
		}
	}
}

// TestDPEveryBitmask assembles AND with every bitmask immediate of both
// widths, found by decoding every N:immr:imms (Arm ARM DecodeBitMasks),
// and checks that the word decodes to the same value. The w forms are
// also written sign-extended to 64 bits, as GNU as accepts them.
func TestDPEveryBitmask(t *testing.T) {
	masks := map[bool]map[uint64]bool{true: {}, false: {}}
	for _, sf := range []bool{true, false} {
		for n := uint32(0); n < 2; n++ {
			for immr := uint32(0); immr < 64; immr++ {
				for imms := uint32(0); imms < 64; imms++ {
					w := 0x12000020 | n<<22 | immr<<16 | imms<<10
					if sf {
						w |= 1 << 31
					}
					if in, err := arm64.Decode(w); err == nil {
						masks[sf][uint64(in.Imm)] = true
					}
				}
			}
		}
	}
	// 5334 64-bit and 1302 32-bit bitmask immediates exist.
	require.Len(t, masks[true], 5334)
	require.Len(t, masks[false], 1302)

	var src strings.Builder
	var want []uint64
	for _, sf := range []bool{true, false} {
		for m := range masks[sf] {
			if sf {
				fmt.Fprintf(&src, "\tand x0, x1, #%#x\n", m)
				want = append(want, m)
				continue
			}
			fmt.Fprintf(&src, "\tand w0, w1, #%#x\n\tand w0, w1, #%d\n", m, int32(uint32(m)))
			want = append(want, m, m)
		}
	}
	insts := decodeText(t, asmOK(t, src.String()))
	require.Len(t, insts, len(want))
	for i, in := range insts {
		assert.Equal(t, arm64.ANDimm, in.Op)
		assert.Equal(t, want[i], uint64(in.Imm), "line %d", i+1)
	}
}
