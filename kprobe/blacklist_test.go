package kprobe_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/emu/symbols"
	"github.com/kpemu/kpemu/internal/golden"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// blBase is where the blacklist test kernel is linked.
const blBase uint64 = 0xffff_8000_1000_0000

// blacklistKernelSource is testdata/blacklist_kernel.s as a build of
// profile v would lay it out: 8-byte exception_table_entry before
// v5.16, __mcount_loc records of a -pg or a patchable-function-entry
// build (see the file's header).
func blacklistKernelSource(t *testing.T, v kprobe.Version) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/blacklist_kernel.s")
	require.NoError(t, err)
	var out []string
	for _, line := range strings.Split(string(src), "\n") {
		switch {
		case strings.Contains(line, "@type-data") && !v.ExtableTypeData,
			strings.Contains(line, "@patchable") && !v.FtraceWithRegs,
			strings.Contains(line, "@mcount") && v.FtraceWithRegs:
			continue
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n"))
}

type blKernel struct {
	m *emu.Machine
	l *loader.Loaded
	s *kprobe.Subsystem
}

// newBlacklistKernel loads the test kernel for profile v and starts
// kprobes on it with opts (its Version and Symbols are set here).
func newBlacklistKernel(t *testing.T, v kprobe.Version, opts *kprobe.Options) *blKernel {
	t.Helper()
	k, err := loadBlacklistKernel(t, v, opts)
	require.NoError(t, err)
	return k
}

func loadBlacklistKernel(t *testing.T, v kprobe.Version, opts *kprobe.Options) (*blKernel, error) {
	t.Helper()
	m := kl.NewMachine(t)
	l, err := loader.LoadSource(m, "blacklist_kernel.s", blacklistKernelSource(t, v), &loader.Options{Base: blBase})
	require.NoError(t, err)
	var o kprobe.Options
	if opts != nil {
		o = *opts
	}
	o.Version, o.Symbols = &v, l.Symbols
	s, err := kprobe.New(m, &o)
	return &blKernel{m, l, s}, err
}

func (k *blKernel) addr(t *testing.T, name string) uint64 {
	t.Helper()
	a, ok := k.l.Addr(name)
	require.True(t, ok, name)
	return a
}

// register registers a kprobe at sym+off and unregisters it at cleanup.
func (k *blKernel) register(t *testing.T, sym string, off uint64) error {
	t.Helper()
	p := &kprobe.Kprobe{SymbolName: sym, Offset: off}
	err := k.s.RegisterKprobe(p)
	if err == nil {
		t.Cleanup(func() { k.s.UnregisterKprobe(p) })
	}
	return err
}

// TestBlacklistFromImage: New reads the image's tables as init_kprobes
// does: the _kprobe_blacklist function first, then one entry per symbol
// of the __kprobes, noinstr, entry, irqentry, hyp and (non-VHE, before
// early 2023) hyp idmap text; and the sites of __ex_table, __bug_table,
// __jump_table and __mcount_loc (after ftrace_call_adjust).
func TestBlacklistFromImage(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			k := newBlacklistKernel(t, v, nil)
			require.NoError(t, k.s.BlacklistErr())
			type ent struct {
				name string
				src  kprobe.BlacklistSource
			}
			// An entry is named by kallsyms' choice among the aliases at
			// its address (the area's start symbol and the function).
			var got []ent
			for _, e := range k.s.KprobeBlacklist() {
				loc, ok := k.l.Symbols.LookupAddr(e.Start)
				require.True(t, ok)
				assert.Zero(t, loc.Offset, "an entry starts at its symbol")
				assert.Equal(t, e.Start+loc.Size, e.End, "and spans its kallsyms size")
				got = append(got, ent{loc.Symbol.Name, e.Source})
			}
			want := []ent{
				{"nokprobe_fn", kprobe.SourceNokprobe},
				{"kprobes_fn", kprobe.SourceKprobesText},
				{"noinstr_fn", kprobe.SourceNoinstrText},
				{"el1h_64_sync", kprobe.SourceEntryText},
				{"el0t_64_sync", kprobe.SourceEntryText},
				{"gic_handle_irq", kprobe.SourceIrqentryText},
				{"hyp_fn", kprobe.SourceHypText},
			}
			if !v.HypIdmapNotBlacklisted {
				want = append(want, ent{"idmap_fn", kprobe.SourceHypIdmapText})
			}
			assert.Equal(t, want, got)
			assert.Equal(t, kprobe.TextArea{Start: k.addr(t, "__kprobes_text_start"), End: k.addr(t, "__kprobes_text_end")}, k.s.KprobesText())

			ftrace := []kprobe.Site{{Addr: k.addr(t, "mcount_fn") + 8, Kind: kprobe.SiteFtrace}}
			if v.FtraceWithRegs {
				ftrace = []kprobe.Site{
					{Addr: k.addr(t, "traced_fn") + 4, Kind: kprobe.SiteFtrace},
					{Addr: k.addr(t, "traced_bti") + 8, Kind: kprobe.SiteFtrace},
				}
			}
			want2 := append(ftrace,
				kprobe.Site{Addr: k.addr(t, "uaccess_fn") + 4, Kind: kprobe.SiteExtable},
				kprobe.Site{Addr: k.addr(t, "bug_fn") + 4, Kind: kprobe.SiteBug},
				kprobe.Site{Addr: k.addr(t, "static_branch_fn") + 4, Kind: kprobe.SiteJumpLabel})
			assert.ElementsMatch(t, want2, k.s.BlacklistSites())
			assert.Equal(t, []kprobe.SiteKind{kprobe.SiteJumpLabel}, k.s.SiteKinds(k.addr(t, "static_branch_fn")+4+2), "the jump entry covers its instruction")
			assert.Nil(t, k.s.SiteKinds(k.addr(t, "plain_fn")))
		})
	}
}

// Scenario 27: a NOKPROBE_SYMBOL function, entry and irqentry text (and
// the other blacklisted areas), a BUG site and a __cfi_/__pfx_ symbol are
// refused with EINVAL (check_kprobe_address_safe), an exception-fixup
// site too (arch_prepare_kprobe); the error names the kind of site and
// where it is. Per profile: hyp idmap text is blacklisted before early
// 2023 (v5.4, v6.1) and not after; before v5.9 (v5.4) find_bug is not
// consulted and the BUG BRK is refused by the decoder instead.
func TestScenario27_ImageBlacklist(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			k := newBlacklistKernel(t, v, nil)
			refused := []struct {
				sym  string
				off  uint64
				want string
			}{
				{"nokprobe_fn", 0, "nokprobe_fn+0x0/0x8 is in the kprobe blacklist (NOKPROBE_SYMBOL)"},
				{"nokprobe_fn", 4, "nokprobe_fn+0x4/0x8 is in the kprobe blacklist"},
				{"el1h_64_sync", 4, "el1h_64_sync+0x4/0xc is in the kprobe blacklist (entry text)"},
				{"el0t_64_sync", 0, "in the kprobe blacklist (entry text)"},
				{"gic_handle_irq", 4, "in the kprobe blacklist (irqentry text)"},
				{"kprobes_fn", 0, "in the kprobe blacklist (__kprobes text)"},
				{"noinstr_fn", 4, "in the kprobe blacklist (noinstr text)"},
				{"hyp_fn", 0, "in the kprobe blacklist (hyp text)"},
				{"uaccess_fn", 4, "uaccess_fn+0x4/0x14 is an exception-fixup site (search_exception_tables)"},
				{"static_branch_fn", 4, "static_branch_fn+0x4/0x18 is a jump-label site (jump_label_text_reserved)"},
			}
			bug := "bug_fn+0x4/0xc is a BUG site (find_bug)"
			if !v.BugSitesProhibited {
				bug = "instruction 0xd4210000 at bug_fn+0x4/0xc cannot be probed"
			}
			refused = append(refused, struct {
				sym  string
				off  uint64
				want string
			}{"bug_fn", 4, bug})
			for _, c := range refused {
				err := k.register(t, c.sym, c.off)
				assert.ErrorIs(t, err, kprobe.EINVAL, "%s+%d", c.sym, c.off)
				assert.ErrorContains(t, err, c.want, "%s+%d", c.sym, c.off)
			}
			idmap := k.register(t, "idmap_fn", 0)
			if v.HypIdmapNotBlacklisted {
				assert.NoError(t, idmap, "arch_populate_kprobe_blacklist no longer adds the idmap")
			} else {
				assert.ErrorIs(t, idmap, kprobe.EINVAL)
				assert.ErrorContains(t, idmap, "idmap_fn+0x0/0x8 is in the kprobe blacklist (hyp idmap text)")
			}
			for _, c := range []struct {
				sym string
				off uint64
			}{{"uaccess_fn", 0}, {"uaccess_fn", 8}, {"bug_fn", 0}, {"static_branch_fn", 0}, {"static_branch_fn", 8}, {"plain_fn", 0}} {
				assert.NoError(t, k.register(t, c.sym, c.off), "%s+%d", c.sym, c.off)
			}

			// A "name.suffix" copy of a blacklisted function is refused
			// through its base name (within_kprobe_blacklist).
			copyAddr := k.addr(t, "plain_fn") + 4
			require.NoError(t, k.s.Symbols().Add(symbols.Symbol{Name: "nokprobe_fn.part.0", Addr: copyAddr, Type: 't'}))
			err := k.s.RegisterKprobe(&kprobe.Kprobe{Addr: copyAddr})
			assert.ErrorIs(t, err, kprobe.EINVAL)
			assert.ErrorContains(t, err, "nokprobe_fn.part.0+0x0/0x4 is in the kprobe blacklist (NOKPROBE_SYMBOL)")
		})
	}
}

// Scenario 27, the checks' order (kernel/kprobes.c:
// check_kprobe_address_safe, then arch_prepare_kprobe): the ftrace site
// first, then text, the blacklist, jump labels, BUG sites, the CFI
// preamble names; the exception tables only in arch_prepare_kprobe,
// after the alignment check. Declared facts (Options) go through the same
// checks as the image's.
func TestScenario27_CheckOrder(t *testing.T) {
	k := newBlacklistKernel(t, kprobe.V6_17, nil)
	nok := k.addr(t, "nokprobe_fn")
	bug := k.addr(t, "bug_fn") + 4
	k2 := newBlacklistKernel(t, kprobe.V6_17, &kprobe.Options{
		FtraceSites:    []uint64{nok},
		JumpLabelSites: []uint64{bug},
		ExtableSites:   []uint64{k.addr(t, "plain_fn") + 2},
	})
	err := k2.register(t, "nokprobe_fn", 0)
	assert.ErrorContains(t, err, "nokprobe_fn+0x0/0x8 is an ftrace call site", "ftrace before the blacklist")
	err = k2.register(t, "bug_fn", 4)
	assert.ErrorContains(t, err, "is a jump-label site", "jump labels before BUG sites")
	err = k2.register(t, "plain_fn", 2)
	assert.ErrorContains(t, err, "is not 4-byte aligned", "alignment before the exception tables")
	assert.ErrorIs(t, err, kprobe.EINVAL)
}

// Scenario 28: the ftrace call site of a traceable function is refused
// with EINVAL (check_ftrace_location: ftrace_location(addr) == addr; arm64
// has no KPROBES_ON_FTRACE) and func+0 is accepted. The site is the
// __mcount_loc record adjusted by ftrace_call_adjust: the record itself
// (the "bl _mcount") before v5.5, the second patchable NOP (record + 4)
// after, behind a BTI too.
func TestScenario28_FtraceSite(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			k := newBlacklistKernel(t, v, nil)
			if !v.FtraceWithRegs {
				err := k.register(t, "mcount_fn", 8)
				assert.ErrorIs(t, err, kprobe.EINVAL)
				assert.ErrorContains(t, err, "mcount_fn+0x8/0x14 is an ftrace call site (ftrace_location)")
				assert.NoError(t, k.register(t, "mcount_fn", 0))
				assert.NoError(t, k.register(t, "traced_fn", 4), "no record: not traceable in a -pg build")
				return
			}
			for _, c := range []struct {
				sym string
				off uint64
			}{{"traced_fn", 4}, {"traced_bti", 8}} {
				err := k.register(t, c.sym, c.off)
				assert.ErrorIs(t, err, kprobe.EINVAL)
				assert.ErrorContains(t, err, fmt.Sprintf("%s+%#x/0x", c.sym, c.off))
				assert.ErrorContains(t, err, "is an ftrace call site (ftrace_location)")
			}
			for _, c := range []struct {
				sym string
				off uint64
			}{{"traced_fn", 0}, {"traced_fn", 8}, {"traced_bti", 0}, {"traced_bti", 4}, {"mcount_fn", 8}} {
				assert.NoError(t, k.register(t, c.sym, c.off), "%s+%d", c.sym, c.off)
			}
		})
	}
}

// Scenario 28 for a DYNAMIC_FTRACE_WITH_CALL_OPS build: the record is
// the first of two NOPs before the function, so the call is record + 12,
// + 16 with BTI_KERNEL (ftrace_call_adjust). The test kernel's records
// stand for such pre-function NOPs here.
func TestScenario28_FtraceCallOps(t *testing.T) {
	k := newBlacklistKernel(t, kprobe.V6_17, &kprobe.Options{FtraceCallOps: true})
	fn := k.addr(t, "traced_fn")
	assert.Equal(t, []kprobe.SiteKind{kprobe.SiteFtrace}, k.s.SiteKinds(fn+12))
	assert.Nil(t, k.s.SiteKinds(fn+4))
	k = newBlacklistKernel(t, kprobe.V6_17, &kprobe.Options{FtraceCallOps: true, BTIKernel: true})
	assert.Equal(t, []kprobe.SiteKind{kprobe.SiteFtrace}, k.s.SiteKinds(fn+16))
	_, err := loadBlacklistKernel(t, kprobe.V5_4, &kprobe.Options{FtraceCallOps: true})
	assert.ErrorContains(t, err, "FtraceCallOps needs patchable-function-entry ftrace")
}

// The debugfs blacklist view of the test kernel: kprobe_blacklist_seq_show
// over the list in its order, one line per symbol of each area.
func TestDebugfsBlacklistImage(t *testing.T) {
	for _, v := range []kprobe.Version{kprobe.V6_1, kprobe.V6_17} {
		t.Run(v.Name, func(t *testing.T) {
			k := newBlacklistKernel(t, v, &kprobe.Options{Blacklist: []string{"plain_fn"}})
			got := k.s.DebugfsBlacklist()
			golden.Check(t, "testdata/debugfs_blacklist_image_"+strings.ReplaceAll(v.Name, ".", "_")+".golden", []byte(got))
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			require.Len(t, lines, len(k.s.KprobeBlacklist()))
			plain := k.addr(t, "plain_fn")
			assert.Equal(t, fmt.Sprintf("0x%016x-0x%016x\tplain_fn", plain, plain+8), lines[0], "declared names first")
			assert.Contains(t, got, "\tel0t_64_sync\n")
			assert.Equal(t, v.HypIdmapNotBlacklisted, !strings.Contains(got, "\tidmap_fn\n"))
		})
	}
}

// Facts declared in Options for a kernel without tables (the shared
// kernel library): an area gives one entry per symbol; each site kind is
// refused with its message; an area that is not text ends population
// with EINVAL, which New only records (init_kprobes logs it).
func TestBlacklistDeclared(t *testing.T) {
	m := kl.NewMachine(t)
	l := kl.Load(t, m)
	addr := func(n string) uint64 {
		a, ok := l.Addr(n)
		require.True(t, ok, n)
		return a
	}
	chainA, chainC := addr("chain_a"), addr("chain_c")
	s, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols,
		BlacklistAreas: []kprobe.TextArea{{Start: chainA, End: chainC}},
		FtraceSites:    []uint64{addr("fib") + 4},
		BugSites:       []uint64{addr("ackermann") + 8},
		ExtableSites:   []uint64{addr("memset") + 4},
		JumpLabelSites: []uint64{addr("strcmp") + 4},
	})
	require.NoError(t, err)
	require.NoError(t, s.BlacklistErr())
	var names []string
	for _, e := range s.KprobeBlacklist() {
		assert.Equal(t, kprobe.SourceArea, e.Source)
		names = append(names, l.Symbols.SprintSymbolNoOffset(e.Start))
	}
	assert.Equal(t, []string{"chain_a", "chain_b"}, names)
	for _, c := range []struct {
		a    uint64
		want string
	}{
		{addr("chain_b") + 4, "chain_b+0x4/0x30 is in the kprobe blacklist (declared area)"},
		{addr("fib") + 4, "is an ftrace call site"},
		{addr("ackermann") + 8, "is a BUG site"},
		{addr("memset") + 4, "is an exception-fixup site"},
		{addr("strcmp") + 4, "is a jump-label site"},
		{addr("strcmp") + 6, "is a jump-label site"},
	} {
		err := s.RegisterKprobe(&kprobe.Kprobe{Addr: c.a})
		assert.ErrorIs(t, err, kprobe.EINVAL, c.want)
		assert.ErrorContains(t, err, c.want)
	}
	p := &kprobe.Kprobe{SymbolName: "chain_c"}
	assert.NoError(t, s.RegisterKprobe(p), "the area ends before chain_c")
	s.UnregisterKprobe(p)

	m2 := kl.NewMachine(t)
	l2 := kl.Load(t, m2)
	s2, err := kprobe.New(m2, &kprobe.Options{Symbols: l2.Symbols,
		BlacklistAreas: []kprobe.TextArea{{Start: chainA, End: chainC}, {Start: kl.Scratch, End: kl.Scratch + 8}, {Start: chainC, End: chainC + 4}}})
	require.NoError(t, err, "a failed population is only logged")
	assert.ErrorIs(t, s2.BlacklistErr(), kprobe.EINVAL)
	assert.Len(t, s2.KprobeBlacklist(), 2, "the entries before the failure stay, none after")
}

// Inconsistent tables are New errors naming the table.
func TestBlacklistBadTables(t *testing.T) {
	_, err := loadBlacklistKernel(t, kprobe.V6_17, &kprobe.Options{NoBugVerbose: true})
	assert.ErrorContains(t, err, "table __bug_table at 0x")
	assert.ErrorContains(t, err, "not a whole number of 8-byte entries")
	k, err := loadBlacklistKernel(t, kprobe.V6_17, &kprobe.Options{NoImageBlacklist: true})
	require.NoError(t, err)
	assert.Empty(t, k.s.KprobeBlacklist())
	assert.Empty(t, k.s.BlacklistSites())
	assert.NoError(t, k.register(t, "nokprobe_fn", 0))
}

// The sites a kernel image declares, read by New from its tables: here a
// traceable function (two patchable NOPs recorded in __mcount_loc) and a
// user access with an exception fixup (__ex_table).
func ExampleSubsystem_BlacklistSites() {
	const src = `
	.text
	.globl	traced
traced:
	nop			// recorded in __mcount_loc
	nop			// patched to "bl ftrace_caller"
	ldr	x0, [x1]	// a user access with a fixup
	ret
.Lfixup:
	mov	x0, #-14
	ret
_etext:

	.section __ex_table, "a"
__start___ex_table:
	.long	traced + 8 - .
	.long	.Lfixup - .
	.short	3
	.short	0
__stop___ex_table:

	.section .init.data, "aw"
	.balign	8
__start_mcount_loc:
	.quad	traced
__stop_mcount_loc:
`
	m, _ := emu.New(nil)
	l, err := loader.LoadSource(m, "traced.s", []byte(src), &loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	for _, site := range s.BlacklistSites() {
		fmt.Printf("%s: %s\n", l.Symbols.SprintSymbol(site.Addr), site.Kind)
	}
	fmt.Println(s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "traced", Offset: 4}))
	// Output:
	// traced+0x4/0x18: ftrace call site
	// traced+0x8/0x18: exception-fixup site
	// register_kprobe: -EINVAL: traced+0x4/0x18 is an ftrace call site (ftrace_location)
}

// FuzzBlacklistTables: whatever the bracketing symbols and the table
// bytes, New returns (an error or a subsystem) and never panics or loops
// long.
func FuzzBlacklistTables(f *testing.F) {
	f.Add([]byte{0, 12, 0, 8, 0, 16, 0, 8, 0, 8}, []byte{4, 0, 0, 0, 8, 0, 0, 0})
	f.Add([]byte{12, 0, 255, 1, 3, 5, 200, 8, 1, 1}, []byte{0xfc, 0xff, 0xff, 0xff})
	const text, tables uint64 = 0xffff800008000000, 0xffff800008100000
	names := [][2]string{
		{"__start___ex_table", "__stop___ex_table"}, {"__start___bug_table", "__stop___bug_table"},
		{"__start___jump_table", "__stop___jump_table"}, {"__start_mcount_loc", "__stop_mcount_loc"},
		{"__start_kprobe_blacklist", "__stop_kprobe_blacklist"},
	}
	f.Fuzz(func(t *testing.T, bounds, data []byte) {
		m, err := emu.New(nil)
		require.NoError(t, err)
		require.NoError(t, m.Map(text, emu.PageSize, emu.PermRX))
		require.NoError(t, m.Map(tables, emu.PageSize, emu.PermRW))
		if len(data) > emu.PageSize {
			data = data[:emu.PageSize]
		}
		require.NoError(t, m.Memory().Write(tables, data))
		tab := &symbols.Table{}
		require.NoError(t, tab.Add(symbols.Symbol{Name: "fn", Addr: text, Type: 't'}))
		for i, n := range names {
			if 2*i+1 >= len(bounds) {
				break
			}
			// Offsets in 4-byte units; past the page for large values.
			lo, hi := tables+uint64(bounds[2*i])*4, tables+uint64(bounds[2*i+1])*4*uint64(1+bounds[2*i]%3)
			require.NoError(t, tab.Add(symbols.Symbol{Name: n[0], Addr: lo, Type: 'd'}, symbols.Symbol{Name: n[1], Addr: hi, Type: 'd'}))
		}
		s, err := kprobe.New(m, &kprobe.Options{Symbols: tab})
		if err == nil {
			_ = s.BlacklistSites()
			_ = s.KprobeBlacklist()
			_ = s.DebugfsBlacklist()
			_ = s.RegisterKprobe(&kprobe.Kprobe{Addr: text + 4})
		}
	})
}
