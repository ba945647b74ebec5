package kprobe_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/golden"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// listAddrs parses the address column of a debugfs list.
func listAddrs(t *testing.T, list string) []uint64 {
	t.Helper()
	var out []uint64
	for _, line := range strings.Split(strings.TrimSuffix(list, "\n"), "\n") {
		require.GreaterOrEqual(t, len(line), 16, "%q", line)
		a, err := strconv.ParseUint(line[:16], 16, 64)
		require.NoError(t, err, "%q", line)
		out = append(out, a)
	}
	return out
}

// The list file (§8.1, kernel/kprobes.c: show_kprobe_addr, report_probe)
// for an entry probe, a probe at an offset, a disabled one, three
// aggregated ones (one disabled), module probes, then the same after the
// module went away (GONE), and as a reader who may not see addresses.
func TestDebugfsList(t *testing.T) {
	f := newModFixture(t, nil)
	reg := func(sym string, off uint64, flags uint32) *kprobe.Kprobe {
		p := &kprobe.Kprobe{SymbolName: sym, Offset: off, Flags: flags,
			PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int { return 0 }}
		require.NoError(t, f.s.RegisterKprobe(p), "%s+%d", sym, off)
		return p
	}
	reg("chain_a", 0, 0)
	reg("chain_b", 12, 0)
	reg("fib", 0, kprobe.KPROBE_FLAG_DISABLED)
	reg("chain_c", 0, 0)
	mid := reg("chain_c", 0, 0)
	reg("chain_c", 0, 0)
	require.NoError(t, f.s.DisableKprobe(mid))
	reg("mod_fn", 0, 0)
	reg("mod_fn", 8, 0)

	list := f.s.DebugfsList()
	golden.Check(t, "testdata/debugfs_list.golden", []byte(list))

	a, b, c, fib := f.addr(t, "chain_a"), f.addr(t, "chain_b"), f.addr(t, "chain_c"), f.addr(t, "fib")
	lines := strings.SplitAfter(list, "\n")
	lines = lines[:len(lines)-1]
	assert.Len(t, lines, 8, "one line per probe, aggregated ones each on their own")
	assert.Contains(t, lines, fmt.Sprintf("%016x  k  chain_a+0x0    \n", a),
		"built-in: two spaces, the one-space module placeholder, one more space")
	assert.Contains(t, lines, fmt.Sprintf("%016x  k  chain_b+0xc    \n", b+12), "hex offset in the symbol")
	assert.Contains(t, lines, fmt.Sprintf("%016x  k  fib+0x0    [DISABLED]\n", fib))
	assert.Contains(t, lines, fmt.Sprintf("%016x  k  mod_fn+0x0  %s \n", uint64(modBase), modName),
		"a module's name, without brackets")
	assert.Contains(t, lines, fmt.Sprintf("%016x  k  mod_fn+0x8  %s \n", uint64(modBase+8), modName))
	// The aggregated probes: consecutive, the newest first, so the
	// disabled one is in the middle.
	cLine := fmt.Sprintf("%016x  k  chain_c+0x0    \n", c)
	i := -1
	for k, l := range lines {
		if strings.HasPrefix(l, fmt.Sprintf("%016x", c)) {
			i = k
			break
		}
	}
	require.GreaterOrEqual(t, i, 0)
	require.Less(t, i+2, len(lines))
	assert.Equal(t, []string{cLine, strings.TrimSuffix(cLine, "\n") + "[DISABLED]\n", cLine}, lines[i:i+3])
	// Table order: hash chain by hash_ptr(addr, 6), ascending.
	addrs := listAddrs(t, list)
	for k := 1; k < len(addrs); k++ {
		assert.LessOrEqual(t, kl.Hash64(addrs[k-1], 6), kl.Hash64(addrs[k], 6), "chain order at line %d", k)
	}

	hidden := f.s.DebugfsListAs(false)
	golden.Check(t, "testdata/debugfs_list_hidden.golden", []byte(hidden))
	for _, l := range strings.SplitAfter(hidden, "\n")[:len(lines)] {
		assert.True(t, strings.HasPrefix(l, "0000000000000000  k  "), "%q", l)
	}
	assert.Equal(t, list[16:strings.IndexByte(list, '\n')], hidden[16:strings.IndexByte(hidden, '\n')],
		"only the address column differs")

	require.Equal(t, 2, f.s.ModuleGoing(modName))
	gone := f.s.DebugfsList()
	golden.Check(t, "testdata/debugfs_list_gone.golden", []byte(gone))
	// kallsyms no longer knows the module: %pS prints the raw address.
	assert.Contains(t, gone, fmt.Sprintf("%016x  k  %#x [GONE]\n", uint64(modBase), uint64(modBase)))
	assert.Contains(t, gone, fmt.Sprintf("%016x  k  %#x [GONE]\n", uint64(modBase+8), uint64(modBase+8)))
	assert.Equal(t, 8, strings.Count(gone, "\n"), "GONE probes stay listed until unregistered")
	assert.Equal(t, strings.Count(list, "[DISABLED]"), strings.Count(gone, "[DISABLED]"))
}

// Hash chains list their probes newest first (hlist_add_head_rcu): two
// probes in one chain come out in the reverse of their registration
// order, whatever their addresses.
func TestDebugfsListChainOrder(t *testing.T) {
	f := newFixture(t, nil)
	// Find two probeable addresses in one chain.
	byChain := map[uint64]uint64{}
	seen := map[uint64]bool{}
	var first, second uint64
	for _, fn := range kl.Functions {
		base := f.addr(t, fn)
		for off := uint64(0); off < 64 && second == 0; off += 4 {
			if seen[base+off] {
				continue
			}
			seen[base+off] = true
			p := &kprobe.Kprobe{Addr: base + off}
			if f.s.RegisterKprobe(p) != nil {
				continue
			}
			f.s.UnregisterKprobe(p)
			h := kl.Hash64(base+off, 6)
			if prev, ok := byChain[h]; ok {
				first, second = prev, base+off
				break
			}
			byChain[h] = base + off
		}
	}
	require.NotZero(t, second, "two probeable addresses in one hash chain")
	require.NotEqual(t, first, second)
	for _, order := range [][2]uint64{{first, second}, {second, first}} {
		p := &kprobe.Kprobe{Addr: order[0]}
		q := &kprobe.Kprobe{Addr: order[1]}
		require.NoError(t, f.s.RegisterKprobe(p))
		require.NoError(t, f.s.RegisterKprobe(q))
		assert.Equal(t, []uint64{order[1], order[0]}, listAddrs(t, f.s.DebugfsList()), "newest first")
		f.s.UnregisterKprobes([]*kprobe.Kprobe{p, q})
		assert.Empty(t, f.s.DebugfsList())
	}
}

// The enabled file: "1\n" or "0\n" as the switch stands.
func TestDebugfsEnabled(t *testing.T) {
	f := newFixture(t, nil)
	var got strings.Builder
	got.WriteString(f.s.DebugfsEnabled())
	assert.Equal(t, "1\n", f.s.DebugfsEnabled(), "armed at boot (init_kprobes)")
	f.writeEnabled(t, "0\n")
	got.WriteString(f.s.DebugfsEnabled())
	assert.Equal(t, "0\n", f.s.DebugfsEnabled())
	f.writeEnabled(t, "1\n")
	got.WriteString(f.s.DebugfsEnabled())
	assert.Equal(t, "1\n", f.s.DebugfsEnabled())
	golden.Check(t, "testdata/debugfs_enabled.golden", []byte(got.String()))
}

// The blacklist file (kprobe_blacklist_seq_show): "0x%px-0x%px\t%ps\n" per
// NOKPROBE function, its kallsyms extent, module symbols with " [mod]";
// unknown names have no entry; a module's entries leave with it.
func TestDebugfsBlacklist(t *testing.T) {
	f := newModFixture(t, []string{"strcmp", "no_such_fn", "mod_blk", "memset", "chain_b"})
	bl := f.s.DebugfsBlacklist()
	golden.Check(t, "testdata/debugfs_blacklist.golden", []byte(bl))

	line := func(name, shown string) string {
		sym, ok := f.l.Symbols.LookupName(name)
		require.True(t, ok, name)
		a := sym.Addr
		loc, ok := f.l.Symbols.LookupAddr(a)
		require.True(t, ok)
		return fmt.Sprintf("0x%016x-0x%016x\t%s\n", a, a+loc.Size, shown)
	}
	want := []string{line("chain_b", "chain_b"), line("memset", "memset"), line("strcmp", "strcmp")}
	// The highest symbol of a module extends to the end of the module's
	// memory in kallsyms (find_kallsyms_symbol), not to its st_size.
	want = append(want, line("mod_blk", "mod_blk ["+modName+"]"))
	assert.Contains(t, bl, fmt.Sprintf("0x%016x-0x%016x\tmod_blk [%s]\n", modBase+20, modBase+0x1000, modName))
	got := strings.SplitAfter(bl, "\n")
	assert.ElementsMatch(t, want, got[:len(got)-1])
	assert.NotContains(t, bl, "no_such_fn")
	entries := f.s.KprobeBlacklist()
	require.Len(t, entries, 4)
	for k := 1; k < len(entries); k++ {
		assert.Less(t, entries[k-1].Start, entries[k].Start, "address order")
	}
	// Blacklisted means unprobeable, anywhere in the extent.
	assert.ErrorIs(t, f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "chain_b", Offset: 8}), kprobe.EINVAL)
	assert.ErrorIs(t, f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "mod_blk"}), kprobe.EINVAL)

	hidden := f.s.DebugfsBlacklistAs(false)
	golden.Check(t, "testdata/debugfs_blacklist_hidden.golden", []byte(hidden))
	assert.Contains(t, hidden, "0x0000000000000000-0x0000000000000000\tstrcmp\n")
	assert.Equal(t, 4, strings.Count(hidden, "0x0000000000000000-0x0000000000000000\t"))

	f.s.ModuleGoing(modName)
	after := f.s.DebugfsBlacklist()
	assert.NotContains(t, after, "mod_blk")
	assert.Equal(t, 3, strings.Count(after, "\n"))
}

// TestDebugfsListKretprobe: a kretprobe's entry probe is listed with type
// "r" (report_probe: pre_handler_kretprobe), a plain kprobe with "k".
func TestDebugfsListKretprobe(t *testing.T) {
	f := newFixture(t, nil)
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "fib"},
		Handler: func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { return 0 }}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	require.NoError(t, f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "ackermann"}))
	list := f.s.DebugfsList()
	assert.Contains(t, list, fmt.Sprintf("%016x  r  fib+0x0    \n", f.addr(t, "fib")))
	assert.Contains(t, list, fmt.Sprintf("%016x  k  ackermann+0x0    \n", f.addr(t, "ackermann")))
}
