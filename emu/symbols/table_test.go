package symbols

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kernel is a small kernel: kernel_clone's ELF size is 0x2c but the next
// symbol starts 0x30 after it (alignment padding), two static functions
// share a name, and nothing says where the kernel ends but do_exit's size.
func kernel(t *testing.T) *Table {
	t.Helper()
	tab, err := New(
		Symbol{Name: "_stext", Addr: 0x1000, Type: 'T'},
		Symbol{Name: "kernel_clone", Addr: 0x1010, Size: 0x2c, Type: 'T'},
		Symbol{Name: "show_stat", Addr: 0x1060, Size: 0x8, Type: 't'},
		Symbol{Name: "show_stat", Addr: 0x1040, Size: 0x10, Type: 't'},
		Symbol{Name: "do_exit", Addr: 0x1080, Size: 0x20, Type: 'T'},
	)
	require.NoError(t, err)
	return tab
}

func TestSizeIsDistanceToNextSymbol(t *testing.T) {
	tab := kernel(t)
	for _, tc := range []struct {
		addr       uint64
		name       string
		off, size  uint64
		symbolAddr uint64
	}{
		{0x1000, "_stext", 0, 0x10, 0x1000}, // no ELF size: distance to the next
		{0x1010, "kernel_clone", 0, 0x30, 0x1010},
		{0x103c, "kernel_clone", 0x2c, 0x30, 0x1010}, // past its ELF size: padding is its
		{0x103f, "kernel_clone", 0x2f, 0x30, 0x1010},
		{0x1040, "show_stat", 0, 0x20, 0x1040},
		{0x1060, "show_stat", 0, 0x20, 0x1060},
		{0x1080, "do_exit", 0, 0x20, 0x1080}, // the last: to the end of the image
		{0x109f, "do_exit", 0x1f, 0x20, 0x1080},
	} {
		loc, ok := tab.LookupAddr(tc.addr)
		require.True(t, ok, "%#x", tc.addr)
		assert.Equal(t, tc.name, loc.Symbol.Name, "%#x", tc.addr)
		assert.Equal(t, tc.symbolAddr, loc.Symbol.Addr, "%#x", tc.addr)
		assert.Equal(t, tc.off, loc.Offset, "offset of %#x", tc.addr)
		assert.Equal(t, tc.size, loc.Size, "size at %#x", tc.addr)
	}
	for _, addr := range []uint64{0, 0xfff, 0x10a0, 0xffffffffffffffff} {
		_, ok := tab.LookupAddr(addr)
		assert.False(t, ok, "%#x", addr)
	}
}

// TestSprintSymbolAroundEverySymbol checks %pS at the start of, inside, at
// the last byte of, and past every symbol.
func TestSprintSymbolAroundEverySymbol(t *testing.T) {
	tab := kernel(t)
	want := map[uint64]string{
		0x0fff:             "0xfff", // below the first symbol
		0x1000:             "_stext+0x0/0x10",
		0x1004:             "_stext+0x4/0x10",
		0x100f:             "_stext+0xf/0x10",
		0x1010:             "kernel_clone+0x0/0x30",
		0x1014:             "kernel_clone+0x4/0x30",
		0x103f:             "kernel_clone+0x2f/0x30",
		0x1040:             "show_stat+0x0/0x20",
		0x1058:             "show_stat+0x18/0x20",
		0x1060:             "show_stat+0x0/0x20",
		0x107f:             "show_stat+0x1f/0x20",
		0x1080:             "do_exit+0x0/0x20",
		0x109f:             "do_exit+0x1f/0x20",
		0x10a0:             "0x10a0", // past every symbol
		0xffff800080000000: "0xffff800080000000",
	}
	for addr, s := range want {
		assert.Equal(t, s, tab.SprintSymbol(addr), "%#x", addr)
		got, ok := tab.Symbolize(addr)
		assert.Equal(t, s, got, "%#x", addr)
		assert.Equal(t, s[:2] != "0x", ok, "%#x", addr)
		assert.Equal(t, s, string(tab.AppendSymbol(nil, addr)), "%#x", addr)
	}
	assert.Equal(t, "pc=kernel_clone+0x4/0x30", string(tab.AppendSymbol([]byte("pc="), 0x1014)))
}

func TestSprintSymbolNoOffsetAndBacktrace(t *testing.T) {
	tab := kernel(t)
	assert.Equal(t, "kernel_clone", tab.SprintSymbolNoOffset(0x1014))
	assert.Equal(t, "0x10a0", tab.SprintSymbolNoOffset(0x10a0))
	// A return address right after a call that ends kernel_clone (at
	// show_stat's first byte) is kernel_clone's, at offset 0x30.
	assert.Equal(t, "kernel_clone+0x30/0x30", tab.SprintBacktrace(0x1040))
	assert.Equal(t, "show_stat+0x4/0x20", tab.SprintBacktrace(0x1044))
	// do_exit+0x20 is past the image, but its %pB is do_exit's.
	assert.Equal(t, "do_exit+0x20/0x20", tab.SprintBacktrace(0x10a0))
	assert.Equal(t, "0x1000", tab.SprintBacktrace(0x1000))
	assert.Equal(t, "0x0", tab.SprintBacktrace(0))
}

func TestDuplicateNames(t *testing.T) {
	tab := kernel(t)
	got := tab.Lookup("show_stat")
	require.Len(t, got, 2)
	// Lowest address first, whatever the order they were added in
	// (scripts/kallsyms.c: compare_names).
	assert.Equal(t, uint64(0x1040), got[0].Addr)
	assert.Equal(t, uint64(0x1060), got[1].Addr)
	s, ok := tab.LookupName("show_stat")
	require.True(t, ok)
	assert.Equal(t, uint64(0x1040), s.Addr)
	assert.Equal(t, 2, tab.Count("show_stat"))
	assert.Equal(t, 1, tab.Count("kernel_clone"))
	assert.Equal(t, 0, tab.Count("nope"))
	assert.Equal(t, 0, tab.Count(""))
	assert.Empty(t, tab.Lookup("nope"))
	_, ok = tab.LookupName("")
	assert.False(t, ok)
	_, ok = tab.LookupName("show")
	assert.False(t, ok, "names match exactly")
}

func TestAliases(t *testing.T) {
	// All at one address: kallsyms names it after the first in
	// scripts/kallsyms.c: compare_symbols order.
	for _, tc := range []struct {
		syms []Symbol
		want string
	}{
		{[]Symbol{{Name: "sys_clone", Type: 'W'}, {Name: "kernel_clone", Type: 'T'}}, "kernel_clone"},
		{[]Symbol{{Name: "alias_w", Type: 'w'}, {Name: "__alias", Type: 't'}}, "__alias"},
		{[]Symbol{{Name: "__kernel_clone", Type: 'T'}, {Name: "_kernel_clone", Type: 'T'}}, "_kernel_clone"},
		{[]Symbol{{Name: "__start_foo", Type: 'D'}, {Name: "___bar", Type: 'd'}}, "___bar"},
		{[]Symbol{{Name: "__foo_end", Type: 'D'}, {Name: "__bar__", Type: 'd'}}, "__bar__"},
		{[]Symbol{{Name: "__end__", Type: 'B'}, {Name: "__zzz__", Type: 'B'}}, "__end__"}, // 7 bytes: not a PROVIDE
		{[]Symbol{{Name: "b", Type: 'T'}, {Name: "a", Type: 'T'}}, "b"},                   // then input order
	} {
		for i := range tc.syms {
			tc.syms[i].Addr = 0x2000
			tc.syms[i].Size = 8
		}
		tab, err := New(tc.syms...)
		require.NoError(t, err)
		assert.Equal(t, tc.want+"+0x4/0x8", tab.SprintSymbol(0x2004))
		first := true
		for s := range tab.All() {
			if first {
				assert.Equal(t, tc.want, s.Name, "All starts with the alias kallsyms names")
				first = false
			}
		}
	}
}

func TestModules(t *testing.T) {
	tab := kernel(t)
	require.NoError(t, tab.Add(
		Symbol{Name: "ext4_init", Addr: 0x9000, Size: 0x40, Type: 't', Module: "ext4"},
		Symbol{Name: "show_stat", Addr: 0x9040, Size: 0x20, Type: 't', Module: "ext4"},
		Symbol{Name: "ext4_sb", Addr: 0x9100, Size: 0x10, Type: 'd', Module: "ext4"},
	))
	require.NoError(t, tab.Add(
		Symbol{Name: "xfs_init", Addr: 0xa000, Size: 0x10, Type: 't', Module: "xfs"},
		Symbol{Name: "ext4_init", Addr: 0xa010, Size: 0x10, Type: 'T', Module: "xfs"},
	))
	assert.Equal(t, []string{"xfs", "ext4"}, tab.Modules(), "newest first")

	assert.Equal(t, "ext4_init+0x8/0x40 [ext4]", tab.SprintSymbol(0x9008))
	assert.Equal(t, "show_stat+0x0/0xc0 [ext4]", tab.SprintSymbol(0x9040), "to the next symbol of the module")
	assert.Equal(t, "ext4_sb+0xf/0x10 [ext4]", tab.SprintSymbol(0x910f))
	assert.Equal(t, "0x9110", tab.SprintSymbol(0x9110))
	assert.Equal(t, "ext4_init [xfs]", tab.SprintSymbolNoOffset(0xa014))
	assert.Equal(t, "kernel_clone+0x0/0x30", tab.SprintSymbol(0x1010), "kernel unchanged")

	// A plain name: the kernel first, then modules newest first.
	assert.Equal(t, 3, tab.Count("show_stat"))
	got := tab.Lookup("show_stat")
	require.Len(t, got, 3)
	assert.Equal(t, []string{"", "", "ext4"}, []string{got[0].Module, got[1].Module, got[2].Module})
	s, ok := tab.LookupName("ext4_init")
	require.True(t, ok)
	assert.Equal(t, "xfs", s.Module, "module_kallsyms_lookup_name walks the newest module first")
	assert.Equal(t, 2, tab.Count("ext4_init"))

	// "mod:sym" looks in that module only.
	s, ok = tab.LookupName("ext4:show_stat")
	require.True(t, ok)
	assert.Equal(t, uint64(0x9040), s.Addr)
	assert.Equal(t, 1, tab.Count("ext4:show_stat"))
	assert.Equal(t, 1, tab.Count("ext4:ext4_init"))
	assert.Len(t, tab.Lookup("xfs:ext4_init"), 1)
	assert.Equal(t, 0, tab.Count("btrfs:show_stat"))
	assert.Equal(t, 0, tab.Count("xfs:show_stat"))
	_, ok = tab.LookupName("btrfs:show_stat")
	assert.False(t, ok)
	_, ok = tab.LookupName(":show_stat")
	assert.False(t, ok)
}

func TestModuleAliasesKeepTableOrder(t *testing.T) {
	// find_kallsyms_symbol takes the first of a module's aliases in symbol
	// table order, with no weak or underscore ranking.
	tab, err := New(
		Symbol{Name: "__x", Addr: 0x100, Size: 8, Type: 'W', Module: "m"},
		Symbol{Name: "x", Addr: 0x100, Size: 8, Type: 'T', Module: "m"},
	)
	require.NoError(t, err)
	assert.Equal(t, "__x+0x0/0x8 [m]", tab.SprintSymbol(0x100))
}

func TestRegions(t *testing.T) {
	tab, err := New(
		Symbol{Name: "_stext", Addr: 0x1000, Type: 'T'},
		Symbol{Name: "f", Addr: 0x1100, Type: 'T'},
		Symbol{Name: "_end", Addr: 0x1200, Type: 'B'},
	)
	require.NoError(t, err)
	// No sizes, no regions: the image is [_stext, _end), as is_kernel.
	assert.Equal(t, "f+0xff/0x100", tab.SprintSymbol(0x11ff))
	assert.Equal(t, "0x1200", tab.SprintSymbol(0x1200))

	require.NoError(t, tab.AddRegion("", 0x1000, 0x1300))
	assert.Equal(t, "_end+0x10/0x100", tab.SprintSymbol(0x1210), "the last symbol ends with its region")
	assert.Equal(t, "0x1300", tab.SprintSymbol(0x1300))

	require.NoError(t, tab.AddRegion("mod", 0x8000, 0x9000))
	assert.Equal(t, "0x8004", tab.SprintSymbol(0x8004), "module memory before its first symbol")
	require.NoError(t, tab.Add(Symbol{Name: "m", Addr: 0x8100, Type: 't', Module: "mod"}))
	assert.Equal(t, "m+0xeff/0xf00 [mod]", tab.SprintSymbol(0x8fff))
	assert.Equal(t, "0x80ff", tab.SprintSymbol(0x80ff))

	assert.Error(t, tab.AddRegion("", 5, 5))
	assert.ErrorIs(t, tab.AddRegion("a b", 5, 6), ErrModule)
}

func TestAddRejectsInvalidSymbols(t *testing.T) {
	for _, tc := range []struct {
		s   Symbol
		err error
	}{
		{Symbol{Name: "", Type: 'T'}, ErrName},
		{Symbol{Name: "a b", Type: 'T'}, ErrName},
		{Symbol{Name: "a\tb", Type: 'T'}, ErrName},
		{Symbol{Name: "a\x00", Type: 'T'}, ErrName},
		{Symbol{Name: "a", Type: 'U'}, ErrType},
		{Symbol{Name: "a", Type: ' '}, ErrType},
		{Symbol{Name: "a", Type: 0}, ErrType},
		{Symbol{Name: "a", Type: 0x80}, ErrType},
		{Symbol{Name: "a", Type: 'T', Module: "m]"}, ErrModule},
		{Symbol{Name: "a", Type: 'T', Module: "[m"}, ErrModule},
		{Symbol{Name: "a", Type: 'T', Module: "m:n"}, ErrModule},
		{Symbol{Name: "a", Type: 'T', Module: "m n"}, ErrModule},
	} {
		tab := kernel(t)
		err := tab.Add(Symbol{Name: "good", Addr: 0x5000, Type: 'T'}, tc.s)
		assert.ErrorIs(t, err, tc.err, "%+v", tc.s)
		assert.Equal(t, 5, tab.Len(), "nothing added: %+v", tc.s)
	}
	_, err := New(Symbol{Name: "x"})
	assert.ErrorIs(t, err, ErrType)
}

func TestAddAfterQueryReindexes(t *testing.T) {
	tab := kernel(t)
	assert.Equal(t, "0x10a0", tab.SprintSymbol(0x10a0))
	require.NoError(t, tab.Add(Symbol{Name: "later", Addr: 0x10a0, Size: 4, Type: 'T'}))
	assert.Equal(t, "later+0x0/0x4", tab.SprintSymbol(0x10a0))
	assert.Equal(t, "do_exit+0x0/0x20", tab.SprintSymbol(0x1080))
}

func TestAllAndRange(t *testing.T) {
	tab := kernel(t)
	var names []string
	for s := range tab.All() {
		names = append(names, fmt.Sprintf("%s@%#x", s.Name, s.Addr))
	}
	assert.Equal(t, []string{"_stext@0x1000", "kernel_clone@0x1010", "show_stat@0x1040", "show_stat@0x1060", "do_exit@0x1080"}, names)

	names = names[:0]
	for s := range tab.Range(0x1010, 0x1060) {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"kernel_clone", "show_stat"}, names)
	for s := range tab.Range(0x1000, 0x2000) {
		if s.Name == "show_stat" {
			break // stopping early is allowed
		}
	}
	assert.Empty(t, slices.Collect(tab.Range(0x1090, 0x2000)))
	assert.Empty(t, slices.Collect(tab.Range(0x1060, 0x1060)))
	assert.Empty(t, slices.Collect((&Table{}).All()))
}

func TestEmptyTable(t *testing.T) {
	var tab Table
	_, ok := tab.LookupAddr(0)
	assert.False(t, ok)
	assert.Equal(t, "0x1234", tab.SprintSymbol(0x1234))
	assert.Zero(t, tab.Count("x"))
	assert.Zero(t, tab.Len())
}

// TestConcurrentQueries runs the first queries of a fresh table from many
// goroutines: the lazy index must be built once and safely (run with
// -race).
func TestConcurrentQueries(t *testing.T) {
	tab := kernel(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			assert.Equal(t, "kernel_clone+0x4/0x30", tab.SprintSymbol(0x1014))
			assert.Equal(t, 2, tab.Count("show_stat"))
		})
	}
	wg.Wait()
}

func TestTypeAndSymbol(t *testing.T) {
	assert.True(t, Type('T').Global())
	assert.False(t, Type('T').Local())
	assert.True(t, Type('t').Local())
	assert.False(t, Type('?').Global() || Type('?').Local())
	assert.True(t, Type('t').Text())
	assert.False(t, Type('d').Text())
	assert.True(t, Type('V').Weak())
	assert.False(t, Type('T').Weak())
	assert.Equal(t, "W", Type('W').String())
	s := Symbol{Name: "ext4_init", Addr: 0xffff8000c1230000, Type: 't', Module: "ext4"}
	assert.False(t, s.Global())
	assert.Equal(t, "ffff8000c1230000 t ext4_init\t[ext4]", s.String())
	assert.Equal(t, "0000000000001000 T a", Symbol{Name: "a", Addr: 0x1000, Type: 'T'}.String())
}

func TestBaseName(t *testing.T) {
	for in, want := range map[string]string{
		"foo":                     "foo",
		"foo.cold":                "foo",
		"foo.isra.0":              "foo",
		"foo.constprop.0.isra.0":  "foo",
		"foo.llvm.123456789":      "foo",
		".Lfoo":                   "",
		"__pfx_foo":               "__pfx_foo",
		"do_sys_openat2.part.0.x": "do_sys_openat2",
	} {
		assert.Equal(t, want, BaseName(in), in)
	}
}

func TestIgnoredByKallsyms(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  Type
		want bool
	}{
		{"kernel_clone", 'T', false},
		{"jiffies", 'D', false},
		{"undef", 'U', true},
		{"uniq", 'u', true},
		{"dbg", 'N', true},
		{"_text_size", 'A', true},
		{"__gp", 'A', false},
		{"__efistub_primary_entry", 'T', true},
		{"__kvm_nvhe_$x", 't', true},
		{"__AArch64ADRPThunk_foo", 't', true},
		{"__kcfi_typeid_foo", 'A', true},
		{"foo_veneer", 't', true},
		{"kallsyms_names", 'R', true},
		{"kallsyms_seqs_of_names", 'R', true},
		{"a.long_branch.b", 't', true},
	} {
		assert.Equal(t, tc.want, IgnoredByKallsyms(tc.name, tc.typ), "%s %c", tc.name, tc.typ)
	}
}

// TestSizeBoundedByRegion: the kernel's image is contiguous, so a symbol's
// size is the distance to the next symbol; text mapped apart from the
// image (the kprobe trampoline page, a second declared region) does not
// stretch the last symbol of the image up to it.
func TestSizeBoundedByRegion(t *testing.T) {
	tab := &Table{}
	require.NoError(t, tab.Add(
		Symbol{Name: "first", Addr: 0x1000, Type: 'T'},
		Symbol{Name: "last", Addr: 0x1100, Type: 'T'},
		Symbol{Name: "far", Addr: 0x900000, Size: 8, Type: 'T'},
	))
	require.NoError(t, tab.AddRegion("", 0x1000, 0x1200))
	require.NoError(t, tab.AddRegion("", 0x900000, 0x900008))
	assert.Equal(t, "first+0x10/0x100", tab.SprintSymbol(0x1010), "to the next symbol")
	assert.Equal(t, "last+0x4/0x100", tab.SprintSymbol(0x1104), "to the end of its region, not to far")
	assert.Equal(t, "far+0x4/0x8", tab.SprintSymbol(0x900004))
}
