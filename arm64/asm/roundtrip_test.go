package asm

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDisassembleAssembleRoundTrip: for every golden case of the
// disassembler (arm64/testdata/gnucases.txt: at least one word per op,
// every alias form), printing the decoded word with arm64.GNUSyntax and
// assembling that text gives the word back in its canonical form (the
// form Encode writes: the golden words include should-be-one fields and
// ignored immediate bits in their non-canonical forms, which no assembler
// produces). Each line is assembled alone and linked, so that PC-relative
// operands resolve through the same relocations as in real use. GNUSyntax writes
// PC-relative operands relative to the instruction (".+0x10", for ADRP
// relative to its page), which the assembler accepts, so each line is
// assembled on its own.
func TestDisassembleAssembleRoundTrip(t *testing.T) {
	f, err := os.Open("../testdata/gnucases.txt")
	require.NoError(t, err)
	defer f.Close()
	var failures []string
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hex, _, ok := strings.Cut(line, "|")
		require.True(t, ok, "malformed golden line %q", line)
		w64, err := strconv.ParseUint(hex, 16, 32)
		require.NoError(t, err, line)
		w := uint32(w64)
		in, err := arm64.Decode(w)
		if err != nil {
			continue // golden words objdump prints but kpemu rejects by policy
		}
		n++
		want, err := arm64.Encode(in)
		require.NoError(t, err, "golden %08x", w)
		text := arm64.GNUSyntax(in)
		o, err := Assemble("roundtrip.s", []byte(".arch armv8.5-a\n"+text+"\n"))
		if err != nil {
			failures = append(failures, fmt.Sprintf("%08x %-28q %v", w, text, err))
			continue
		}
		img, err := obj.Link([]*obj.Object{o}, &obj.LinkOptions{Base: linkBase})
		if err != nil {
			failures = append(failures, fmt.Sprintf("%08x %-28q link: %v", w, text, err))
			continue
		}
		got, ok := firstWord(img)
		if !ok || got != want {
			failures = append(failures, fmt.Sprintf("%08x %-28q assembled to %08x, want %08x", w, text, got, want))
		}
	}
	require.NoError(t, sc.Err())
	require.Greater(t, n, 2000, "the golden cases cover every op")
	assert.Empty(t, failures, "%d of %d golden instructions do not round-trip:\n%s",
		len(failures), n, strings.Join(failures, "\n"))
}

// linkBase is far from address 0, so that PC-relative targets printed
// below the instruction (".-0x107000") stay in the address space.
const linkBase = 0x4000_0000

// firstWord returns the first word of the image's text.
func firstWord(img *obj.Image) (uint32, bool) {
	for _, s := range img.Segments {
		if s.Addr == linkBase && len(s.Data) >= 4 {
			return binary.LittleEndian.Uint32(s.Data), true
		}
	}
	return 0, false
}
