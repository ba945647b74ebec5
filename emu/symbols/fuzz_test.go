package symbols

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sortedSymbols(syms []Symbol) []Symbol {
	out := slices.Clone(syms)
	slices.SortFunc(out, func(a, b Symbol) int {
		return cmp.Or(cmp.Compare(a.Addr, b.Addr), strings.Compare(a.Name, b.Name),
			cmp.Compare(a.Type, b.Type), strings.Compare(a.Module, b.Module))
	})
	return out
}

var fuzzSeeds = []string{
	systemMap,
	procKallsyms,
	"                 U printk\n0 T a\n",
	"0 T a\nzz T b\n",
	"ffffffffffffffff t end\t[m]\n0 t end\t[m]\n",
	"0 T a [m]\n",
	"0\tW\tweak\n\n",
}

// FuzzParseSystemMap: parsing never panics, whatever it parses Add takes,
// and writing the table then parsing it gives the same symbols.
func FuzzParseSystemMap(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		syms, err := ParseSystemMap(strings.NewReader(in))
		if err != nil {
			return
		}
		tab, err := New(syms...)
		require.NoError(t, err)
		var out bytes.Buffer
		require.NoError(t, tab.WriteSystemMap(&out))
		again, err := ParseSystemMap(&out)
		require.NoError(t, err, "%q", out.String())
		assert.Equal(t, sortedSymbols(syms), sortedSymbols(again))
		probe(t, tab, syms)
	})
}

// FuzzParseKallsyms: as FuzzParseSystemMap, and writing is stable: the
// written text parses into a table that writes the same text.
func FuzzParseKallsyms(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		syms, err := ParseKallsyms(strings.NewReader(in))
		if err != nil {
			return
		}
		tab, err := New(syms...)
		require.NoError(t, err)
		var out bytes.Buffer
		require.NoError(t, tab.WriteKallsyms(&out, nil))
		text := out.String()
		again, err := ParseKallsyms(&out)
		require.NoError(t, err, "%q", text)
		assert.Equal(t, sortedSymbols(syms), sortedSymbols(again))
		tab2, err := New(again...)
		require.NoError(t, err)
		var out2 bytes.Buffer
		require.NoError(t, tab2.WriteKallsyms(&out2, nil))
		assert.Equal(t, text, out2.String())
		probe(t, tab, syms)
	})
}

// probe runs the queries on a few of the symbols: they must not panic, and
// every symbol is found by name.
func probe(t *testing.T, tab *Table, syms []Symbol) {
	for i, s := range syms {
		if i == 32 {
			break
		}
		for _, a := range []uint64{s.Addr, s.Addr - 1, s.Addr + 1} {
			if loc, ok := tab.LookupAddr(a); ok {
				assert.LessOrEqual(t, loc.Symbol.Addr, a)
				assert.Equal(t, a-loc.Symbol.Addr, loc.Offset)
			}
			tab.SprintBacktrace(a)
			tab.SprintSymbolNoOffset(a)
		}
		if !strings.Contains(s.Name, ":") { // "mod:sym" syntax
			assert.Positive(t, tab.Count(s.Name), s.Name)
			if s.Module != "" {
				assert.Positive(t, tab.Count(s.Module+":"+s.Name))
			}
		}
		_, ok := tab.LookupName(s.Name)
		assert.True(t, ok, s.Name)
	}
	for s := range tab.Range(0, 1<<63) {
		_ = s
	}
}
