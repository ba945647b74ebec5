package corpusgen

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpand(t *testing.T) {
	got, err := Expand("add <Xr>, <Xr>, #<shift12>")
	require.NoError(t, err)
	assert.Len(t, got, 3*3*2)
	assert.Equal(t, "add x0, x0, #lsl #0", got[0])
	assert.Equal(t, "add x30, x30, #lsl #12", got[len(got)-1])

	got, err = Expand("nop")
	require.NoError(t, err)
	assert.Equal(t, []string{"nop"}, got)

	_, err = Expand("mov <NoSuchSet>, x0")
	assert.EqualError(t, err, `corpusgen: template "mov <NoSuchSet>, x0" uses the undefined set <NoSuchSet>`)
}

func TestCorpusWellFormed(t *testing.T) {
	lines, err := Lines()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(lines), 5000)
	seen := map[string]bool{}
	for _, l := range lines {
		assert.False(t, placeholder.MatchString(l.Text), "unexpanded placeholder in %q", l.Text)
		seen[l.Row.Class] = true
	}
	assert.Len(t, seen, len(Classes()))
	bad, err := Invalid()
	require.NoError(t, err)
	assert.NotEmpty(t, bad)
	assert.Panics(t, func() { AddSet("X", "x1") }, "a set defined twice")
}
