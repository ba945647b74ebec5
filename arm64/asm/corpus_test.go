package asm

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/asm/internal/corpusgen"
)

// corpusSource joins the lines after the header; line i of the corpus is
// source line headerLines+i+1 and its instruction is at .text offset 4*i.
func corpusSource(lines []corpusgen.Line) (string, int) {
	var b strings.Builder
	b.WriteString(corpusgen.Header)
	for _, l := range lines {
		b.WriteString("\t")
		b.WriteString(l.Text)
		b.WriteString("\n")
	}
	return b.String(), strings.Count(corpusgen.Header, "\n")
}

// TestCorpusMatchesGNUAs assembles every line of the generated corpus with
// kpemu and with GNU as and compares the instruction words, the literal
// pools after them and the relocations.
func TestCorpusMatchesGNUAs(t *testing.T) {
	gasPath(t)
	lines, err := corpusgen.Lines()
	require.NoError(t, err)
	require.NotEmpty(t, lines)
	src, header := corpusSource(lines)

	g, msgs := runGAS(t, src)
	if g == nil {
		bad := gasErrorLines(msgs)
		var list []string
		for n, msg := range bad {
			if i := n - header - 1; i >= 0 && i < len(lines) {
				list = append(list, fmt.Sprintf("%q (row %q): %s", lines[i].Text, lines[i].Row.Template, msg))
			}
		}
		sort.Strings(list)
		require.FailNow(t, "GNU as rejects corpus lines (fix the rows)", "%d lines:\n%s\n%s", len(list), strings.Join(list, "\n"), msgs)
	}

	// Keep the Inst of each line: it must be what the decoder makes of
	// GNU as's word, which the encoders do not all check.
	insts := map[int]arm64.Inst{}
	a := newAssembler("corpus.s")
	a.onInst = func(st *stmt, in arm64.Inst, _ uint32) { insts[st.pos.Line-header-1] = in }
	o, err := a.assemble([]byte(src))
	require.NoError(t, err)
	ours := ourObj(o)
	ourText, gasText := ours.sections[".text"].data, g.sections[".text"].data
	require.GreaterOrEqual(t, len(gasText), 4*len(lines), "GNU as's .text is shorter than the corpus")
	require.GreaterOrEqual(t, len(ourText), 4*len(lines), "our .text is shorter than the corpus")

	perClass := map[string][2]int{} // matching, total
	var diffs, instDiffs []string
	for i, l := range lines {
		ow := binary.LittleEndian.Uint32(ourText[4*i:])
		gw := binary.LittleEndian.Uint32(gasText[4*i:])
		n := perClass[l.Row.Class]
		n[1]++
		if ow == gw {
			n[0]++
		} else {
			diffs = append(diffs, fmt.Sprintf("%s: %08x vs as %08x (as decodes to %s)", l.Text, ow, gw, describeWord(gw)))
		}
		perClass[l.Row.Class] = n
		if want, err := arm64.Decode(gw); err == nil {
			got := insts[i]
			got.Word = gw
			if got != want {
				instDiffs = append(instDiffs, fmt.Sprintf("%s: Inst %+v, the decoder gives %+v", l.Text, got, want))
			}
		}
	}
	for _, c := range corpusgen.Classes() {
		t.Logf("class %-8s %5d/%d lines identical", c, perClass[c][0], perClass[c][1])
	}
	t.Logf("corpus: %d lines, %d identical to GNU as", len(lines), len(lines)-len(diffs))
	if len(diffs) > 0 {
		shown := diffs
		if len(shown) > 40 {
			shown = shown[:40]
		}
		assert.Fail(t, "instructions differ from GNU as", "first difference: %s\n%d differences:\n%s", diffs[0], len(diffs), strings.Join(shown, "\n"))
	}
	if len(instDiffs) > 0 {
		shown := instDiffs
		if len(shown) > 20 {
			shown = shown[:20]
		}
		assert.Fail(t, "handlers return an Inst the decoder would not give", "%d lines:\n%s", len(instDiffs), strings.Join(shown, "\n"))
	}
	assert.Equal(t, gasText[4*len(lines):], ourText[4*len(lines):], "literal pools after the instructions")
	assert.Equal(t, g.sections[".text"].align, ours.sections[".text"].align, ".text alignment")
	assert.Equal(t, g.relocs, ours.relocs, "relocations")
}

// describeWord decodes a word for a difference report.
func describeWord(w uint32) string {
	in, err := arm64.Decode(w)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%v %+v", in.Op, in)
}

// TestCorpusInvalidRejected checks that what GNU as rejects, kpemu
// rejects too, on the same line.
func TestCorpusInvalidRejected(t *testing.T) {
	gasPath(t)
	lines, err := corpusgen.Invalid()
	require.NoError(t, err)
	src, header := corpusSource(lines)
	_, msgs := runGAS(t, src)
	gasBad := gasErrorLines(msgs)

	// The assembler stops after maxErrors errors, so it reads the invalid
	// lines in chunks smaller than that; ourBad is keyed by the line's
	// number in the whole file, as gasBad is.
	ourBad := map[int]string{}
	const chunk = maxErrors / 2
	for start := 0; start < len(lines); start += chunk {
		part := lines[start:min(start+chunk, len(lines))]
		partSrc, partHeader := corpusSource(part)
		_, err = Assemble("invalid.s", []byte(partSrc))
		require.Error(t, err)
		var list ErrorList
		require.ErrorAs(t, err, &list)
		require.Less(t, len(list), maxErrors, "a chunk must stay under the error cap")
		for _, e := range list {
			ourBad[header+start+(e.Pos.Line-partHeader)] = e.Msg
		}
	}
	for i, l := range lines {
		n := header + i + 1
		_, gasRejects := gasBad[n]
		require.True(t, gasRejects, "GNU as accepts %q: not an invalid line (fix the row)", l.Text)
		assert.Contains(t, ourBad, n, "kpemu accepts %q, which GNU as rejects: %s", l.Text, gasBad[n])
	}
	for i, l := range lines {
		if msg, ok := ourBad[header+i+1]; ok {
			t.Logf("%-40s %s", l.Text, msg)
		}
	}
}
