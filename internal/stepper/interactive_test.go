package stepper

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Interactive mode reads through readline; with a reader that is not a
// terminal it still takes lines, and an empty line repeats the last
// command.
func TestInteractiveReader(t *testing.T) {
	f := newFixture(t, "calls.s")
	var out bytes.Buffer
	s, err := New(Config{Machine: f.m, Kprobes: f.kp, Entry: f.addr(t, "chain_a"), Args: []uint64{5},
		In: strings.NewReader("si\n\n\nquit\n"), Out: &out, Interactive: true})
	require.NoError(t, err)
	require.NoError(t, s.Run(context.Background()))
	got := out.String()
	assert.Equal(t, 4, strings.Count(got, "=> "), "the start and three steps: si, then si twice more by empty lines")
	assert.Contains(t, got, "=> 0xffff80000800000c <chain_a+0xc>")
	assert.NotContains(t, got, Prompt, "no prompt when the input is not a terminal")
}
