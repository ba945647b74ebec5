package arm64

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGNUSyntaxFromFields checks that no printer depends on Word: for every
// golden case of testdata/gnucases.txt that decodes, the Inst prints the
// same with its Word, with Word zeroed (as an assembler builds an Inst) and
// with Word all ones (so that a printer reading a bit of Word that is 0 in
// the case fails as well). Word is only for words Decode rejects.
func TestGNUSyntaxFromFields(t *testing.T) {
	f, err := os.Open(gnuCasesFile)
	require.NoError(t, err)
	defer f.Close()

	covered := map[Op]bool{}
	n, undecoded := 0, 0
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		hex, _, ok := strings.Cut(text, "|\t")
		require.True(t, ok, "%s:%d: not word|<TAB>text", gnuCasesFile, line)
		w, err := strconv.ParseUint(hex, 16, 32)
		require.NoError(t, err, "%s:%d", gnuCasesFile, line)
		in, err := Decode(uint32(w))
		if err != nil {
			undecoded++
			continue
		}
		n++
		covered[in.Op] = true
		want := GNUSyntax(in)
		for _, word := range []uint32{0, 0xffffffff} {
			hand := in
			hand.Word = word
			assert.Equal(t, want, GNUSyntax(hand), "%s:%d: %08x %v printed with Word %08x", gnuCasesFile, line, w, in.Op, word)
		}
	}
	require.NoError(t, sc.Err())
	t.Logf("%d cases, %d that do not decode skipped, %d ops", n, undecoded, len(covered))
	for _, op := range Ops() {
		assert.True(t, covered[op], "%v has no golden case", op)
	}
}
