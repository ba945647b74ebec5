package symbols

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A System.map excerpt in the shape of an arm64 v6.10 one (nm -n order:
// by address, then name).
const systemMap = `ffff800080000000 T _text
ffff800080010000 T __irqentry_text_start
ffff800080010000 T _stext
ffff800080010000 t el1t_64_sync
ffff8000800a1b40 T kernel_clone
ffff8000800a1e00 t show_stat
ffff8000800a2000 t show_stat
ffff8000800a2100 W arch_cpu_idle
ffff800081000000 D jiffies
ffff800081200000 B _end
`

// A /proc/kallsyms excerpt: the kernel in kallsyms order, then modules.
const procKallsyms = `ffff800080000000 T _text
ffff800080010000 t el1t_64_sync
ffff800080010000 T _stext
ffff800080010000 T __irqentry_text_start
ffff8000800a1b40 T kernel_clone
ffff8000800a1e00 t show_stat
ffff8000800a2000 t show_stat
ffff8000800a2100 W arch_cpu_idle
ffff800081000000 D jiffies
ffff800081200000 B _end
ffff80007a2b0000 t ext4_fill_super	[ext4]
ffff80007a2b1000 T ext4_mount	[ext4]
ffff80007a2b0800 t show_stat	[ext4]
ffff80007a300000 t xfs_init	[xfs]
`

func TestParseSystemMap(t *testing.T) {
	syms, err := ParseSystemMap(strings.NewReader(systemMap))
	require.NoError(t, err)
	require.Len(t, syms, 10)
	assert.Equal(t, Symbol{Name: "_text", Addr: 0xffff800080000000, Type: 'T'}, syms[0])
	assert.Equal(t, Symbol{Name: "arch_cpu_idle", Addr: 0xffff8000800a2100, Type: 'W'}, syms[7])

	tab, err := New(syms...)
	require.NoError(t, err)
	// The kallsyms order of the three aliases at _stext: fewer leading
	// underscores first, the linker-script-looking __irqentry_text_start
	// last; %pS names the first.
	assert.Equal(t, "el1t_64_sync+0x0/0x91b40", tab.SprintSymbol(0xffff800080010000))
	var buf bytes.Buffer
	require.NoError(t, tab.WriteSystemMap(&buf))
	assert.Equal(t, systemMap, buf.String(), "System.map written back byte for byte")
	buf.Reset()
	require.NoError(t, tab.WriteKallsyms(&buf, nil))
	want := strings.Join(strings.Split(procKallsyms, "\n")[:10], "\n") + "\n"
	assert.Equal(t, want, buf.String(), "the kallsyms order of a System.map")
}

func TestParseKallsyms(t *testing.T) {
	syms, err := ParseKallsyms(strings.NewReader(procKallsyms))
	require.NoError(t, err)
	require.Len(t, syms, 14)
	assert.Equal(t, Symbol{Name: "ext4_fill_super", Addr: 0xffff80007a2b0000, Type: 't', Module: "ext4"}, syms[10])
	assert.False(t, AddressesHidden(syms))

	tab, err := New(syms...)
	require.NoError(t, err)
	assert.Equal(t, []string{"ext4", "xfs"}, tab.Modules(), "the file's module order")
	assert.Equal(t, "show_stat+0x10/0x800 [ext4]", tab.SprintSymbol(0xffff80007a2b0810))
	assert.Equal(t, "el1t_64_sync+0x4/0x91b40", tab.SprintSymbol(0xffff800080010004))
	assert.Equal(t, 3, tab.Count("show_stat"))

	var buf bytes.Buffer
	require.NoError(t, tab.WriteKallsyms(&buf, nil))
	assert.Equal(t, procKallsyms, buf.String(), "kallsyms written back byte for byte")

	buf.Reset()
	require.NoError(t, tab.WriteKallsyms(&buf, &KallsymsOptions{HideAddresses: true}))
	hidden := buf.String()
	assert.Contains(t, hidden, "0000000000000000 T kernel_clone\n")
	assert.Contains(t, hidden, "0000000000000000 t xfs_init\t[xfs]\n")
	syms, err = ParseKallsyms(strings.NewReader(hidden))
	require.NoError(t, err)
	assert.Len(t, syms, 14)
	assert.True(t, AddressesHidden(syms))
	tab, err = New(syms...)
	require.NoError(t, err)
	assert.Equal(t, 3, tab.Count("show_stat"), "names still count without addresses")

	buf.Reset()
	require.NoError(t, tab.WriteSystemMap(&buf))
	assert.NotContains(t, buf.String(), "xfs", "System.map holds the kernel only")
}

func TestParseSkipsUndefinedAndBlankLines(t *testing.T) {
	// nm -n output: undefined symbols have no address.
	in := "                 U printk\n                 w weak_ref\n\n" +
		"0000000000000010 T f\r\n0000000000000000 U also_undefined\n  \t\n"
	syms, err := ParseSystemMap(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, []Symbol{{Name: "f", Addr: 0x10, Type: 'T'}}, syms)
	assert.False(t, AddressesHidden(nil))
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in       string
		kallsyms bool
		line     int
		msg      string
		is       error
	}{
		{"0 T a\nzz T b\n", false, 2, `address "zz"`, nil},
		{"0 T a\n0 T\n", false, 2, "want address, type and name", nil},
		{"12345678901234567 T a\n", false, 1, "more than 16 hex digits", nil},
		{"0 TT a\n", false, 1, "want one letter", ErrType},
		{"0 U\n", true, 1, "want address, type and name", nil},
		{"0 T a [m]\n", false, 1, `unexpected "[m]"`, nil},
		{"0 T a [m] x\n", true, 1, `unexpected "[m]"`, nil},
		{"0 T a m\n", true, 1, "want [module]", ErrModule},
		{"0 T a []\n", true, 1, "want [module]", ErrModule},
		{"0 T a [m:n]\n", true, 1, "invalid module name", ErrModule},
		{"0 \x01 a\n", true, 1, "invalid symbol type", ErrType},
		{"0 T a\x00b\n", true, 1, "invalid symbol name", ErrName},
		{"\n\n0 T a\n0x10 T b\n", true, 4, `address "0x10"`, nil},
		{"0 T " + strings.Repeat("a", maxLine) + "\n", true, 1, "token too long", nil},
	} {
		var err error
		if tc.kallsyms {
			_, err = ParseKallsyms(strings.NewReader(tc.in))
		} else {
			_, err = ParseSystemMap(strings.NewReader(tc.in))
		}
		var se *SyntaxError
		require.True(t, errors.As(err, &se), "%q: %v", tc.in, err)
		assert.Equal(t, tc.line, se.Line, "%q", tc.in)
		assert.Contains(t, err.Error(), tc.msg, "%q", tc.in)
		assert.Contains(t, err.Error(), "line ", "%q", tc.in)
		if tc.is != nil {
			assert.ErrorIs(t, err, tc.is, "%q", tc.in)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	tab := kernel(t)
	assert.ErrorContains(t, tab.WriteSystemMap(failWriter{}), "disk full")
	assert.ErrorContains(t, tab.WriteKallsyms(failWriter{}, nil), "disk full")
}
