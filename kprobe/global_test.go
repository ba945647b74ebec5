package kprobe_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// A small module, testmod, loaded at modBase next to the kernel library:
// mod_fn(x) = x + 1 (a frame, an add, ret) and mod_blk(x) = x + 2.
const (
	modBase uint64 = 0xffff800050000000
	modName        = "testmod"
)

var modWords = []uint32{
	0xa9bf7bfd, // mod_fn:  stp x29, x30, [sp, #-16]!
	0x910003fd, //          mov x29, sp
	0x91000400, //          add x0, x0, #0x1
	0xa8c17bfd, //          ldp x29, x30, [sp], #16
	0xd65f03c0, //          ret
	0x91000800, // mod_blk: add x0, x0, #0x2
	0xd65f03c0, //          ret
}

// newModFixture is newFixture plus testmod, with the subsystem's
// blacklist set to blacklist.
func newModFixture(t *testing.T, blacklist []string) *fixture {
	t.Helper()
	m := kl.NewMachine(t)
	l := kl.Load(t, m)
	require.NoError(t, m.Map(modBase, emu.PageSize, emu.PermRX))
	for i, w := range modWords {
		require.NoError(t, m.Memory().WriteU32(modBase+uint64(i)*4, w))
	}
	require.NoError(t, l.Symbols.Add(
		symbols.Symbol{Name: "mod_fn", Addr: modBase, Size: 20, Type: 't', Module: modName},
		symbols.Symbol{Name: "mod_blk", Addr: modBase + 20, Size: 8, Type: 't', Module: modName}))
	require.NoError(t, l.Symbols.AddRegion(modName, modBase, modBase+emu.PageSize))
	s, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols, Blacklist: blacklist})
	require.NoError(t, err)
	return &fixture{m, l, s}
}

func (f *fixture) writeEnabled(t *testing.T, v string) {
	t.Helper()
	n, err := f.s.WriteDebugfsEnabled(v)
	require.NoError(t, err)
	require.Equal(t, len(v), n)
}

// The global switch (§7.5, scenario 39): writing 0 to kprobes/enabled
// puts every original word back and no handler runs, per-probe flags stay;
// writing 1 re-arms the probes that are not disabled.
func TestGlobalDisarmArm(t *testing.T) {
	f := newFixture(t, nil)
	type site struct {
		sym string
		off uint64
	}
	sites := []site{{"chain_a", 0}, {"chain_b", 4}, {"chain_c", 0}, {"chain_c", 12}, {"fib", 0}}
	type probe struct {
		p    *kprobe.Kprobe
		c    *counter
		addr uint64
		orig uint32
	}
	var ps []probe
	for _, st := range sites {
		a := f.addr(t, st.sym) + st.off
		orig := f.word(t, a)
		p, c := f.counting(t, st.sym, st.off)
		ps = append(ps, probe{p, c, a, orig})
	}
	assert.Equal(t, "1\n", f.s.DebugfsEnabled())
	listArmed := f.s.DebugfsList()

	f.writeEnabled(t, "0\n")
	assert.True(t, f.s.KprobesAllDisarmed())
	assert.Equal(t, "0\n", f.s.DebugfsEnabled())
	for _, q := range ps {
		assert.Equal(t, q.orig, f.word(t, q.addr), "%s: the original word is back", q.p.SymbolName)
		assert.False(t, q.p.Disabled(), "per-probe flags untouched")
		assert.True(t, q.p.Registered())
	}
	assert.Equal(t, listArmed, f.s.DebugfsList(), "the list does not show the global switch")
	// Transparency with the probes disarmed, and no handler runs.
	for _, x := range inputs(20) {
		assert.Equal(t, kl.ChainA(x), f.call(t, "chain_a", x))
	}
	assert.Equal(t, kl.Fib(10), f.call(t, "fib", 10))
	for _, q := range ps {
		assert.Zero(t, q.c.pre, "%s+%d", q.p.SymbolName, q.p.Offset)
		assert.Zero(t, q.c.post)
	}

	// Disarming again is a no-op (arm_all/disarm_all return at once).
	f.writeEnabled(t, "off")
	assert.Equal(t, "0\n", f.s.DebugfsEnabled())

	f.writeEnabled(t, "1")
	assert.False(t, f.s.KprobesAllDisarmed())
	assert.Equal(t, "1\n", f.s.DebugfsEnabled())
	for _, q := range ps {
		assert.EqualValues(t, brk4, f.word(t, q.addr), "%s+%d re-armed", q.p.SymbolName, q.p.Offset)
	}
	for _, x := range inputs(20) {
		assert.Equal(t, kl.ChainA(x), f.call(t, "chain_a", x))
	}
	for _, q := range ps[:4] {
		assert.Equal(t, 20, q.c.pre, "%s+%d", q.p.SymbolName, q.p.Offset)
		assert.Equal(t, 20, q.c.post)
	}
	assert.Equal(t, listArmed, f.s.DebugfsList())
}

// While kprobes are globally disarmed, registration inserts without
// arming, disable only sets the flag, unregister writes nothing, and a
// single probe's enable_kprobe does nothing at all (its check is
// !kprobes_all_disarmed && disabled).
func TestGlobalDisarmedRegistration(t *testing.T) {
	f := newFixture(t, nil)
	aA, aB, aC := f.addr(t, "chain_a"), f.addr(t, "chain_b"), f.addr(t, "chain_c")
	origA, origB, origC := f.word(t, aA), f.word(t, aB), f.word(t, aC)
	dis, _ := f.counting(t, "chain_b", 0)
	gone, _ := f.counting(t, "chain_c", 0)
	require.NoError(t, f.s.DisarmAllKprobes())

	p, c := f.counting(t, "chain_a", 0)
	assert.Equal(t, origA, f.word(t, aA), "registered while disarmed: not armed")
	assert.False(t, p.Disabled())
	assert.NotZero(t, p.Slot(), "prepared all the same")

	require.NoError(t, f.s.DisableKprobe(dis))
	assert.True(t, dis.Disabled())
	require.NoError(t, f.s.EnableKprobe(dis))
	assert.True(t, dis.Disabled(), "enable_kprobe is a no-op for a single probe while disarmed")

	f.s.UnregisterKprobe(gone)
	assert.Equal(t, origC, f.word(t, aC))

	assert.Equal(t, kl.ChainA(3), f.call(t, "chain_a", 3))
	assert.Zero(t, c.pre)

	require.NoError(t, f.s.ArmAllKprobes())
	assert.EqualValues(t, brk4, f.word(t, aA))
	assert.Equal(t, origB, f.word(t, aB), "disabled probes stay disarmed")
	assert.Equal(t, origC, f.word(t, aC), "unregistered")
	assert.Equal(t, kl.ChainA(3), f.call(t, "chain_a", 3))
	assert.Equal(t, 1, c.pre)

	require.NoError(t, f.s.EnableKprobe(dis))
	assert.EqualValues(t, brk4, f.word(t, aB))
}

// Aggregated probes while disarmed: a second probe at an address whose
// aggregator is disabled clears the aggregator's flag without arming;
// enabling a child clears only the child's flag, so the aggregator stays
// DISABLED and ArmAllKprobes leaves it disarmed (kernel/kprobes.c:
// enable_kprobe, register_aggr_kprobe).
func TestGlobalDisarmedAggregation(t *testing.T) {
	f := newFixture(t, nil)
	a := f.addr(t, "chain_c")
	orig := f.word(t, a)
	p1, c1 := f.counting(t, "chain_c", 0)
	p2, _ := f.counting(t, "chain_c", 0)
	require.NoError(t, f.s.DisableKprobe(p1))
	require.NoError(t, f.s.DisableKprobe(p2))
	ap := f.s.GetKprobe(a)
	require.True(t, ap.IsAggregator())
	require.True(t, ap.Disabled())

	require.NoError(t, f.s.DisarmAllKprobes())
	require.NoError(t, f.s.EnableKprobe(p1))
	assert.False(t, p1.Disabled())
	assert.True(t, ap.Disabled())
	require.NoError(t, f.s.ArmAllKprobes())
	assert.Equal(t, orig, f.word(t, a), "the aggregator kept DISABLED, so it was not armed")
	f.call(t, "chain_c", 1)
	assert.Zero(t, c1.pre)

	// A new probe while disarmed: the aggregator is enabled, not armed;
	// arming all arms it.
	require.NoError(t, f.s.DisarmAllKprobes())
	p3, c3 := f.counting(t, "chain_c", 0)
	assert.False(t, ap.Disabled())
	assert.Equal(t, orig, f.word(t, a))
	require.NoError(t, f.s.ArmAllKprobes())
	assert.EqualValues(t, brk4, f.word(t, a))
	assert.Equal(t, kl.ChainC(5), f.call(t, "chain_c", 5))
	assert.Equal(t, 1, c1.pre, "p1 was enabled")
	assert.Equal(t, 1, c3.pre)
	f.s.UnregisterKprobes([]*kprobe.Kprobe{p1, p2, p3})
	assert.Equal(t, orig, f.word(t, a))
}

func TestWriteDebugfsEnabledParsing(t *testing.T) {
	f := newFixture(t, nil)
	for _, tc := range []struct {
		in      string
		enabled bool
	}{
		{"0", false}, {"1\n", true}, {"n", false}, {"Y", true}, {"off\n", false}, {"ON", true},
		{"false", false}, {"true", true}, {"disable", false}, {"enable", true},
		{"0000", false}, // only three bytes are read
		{"1junk", true},
	} {
		n, err := f.s.WriteDebugfsEnabled(tc.in)
		require.NoError(t, err, "%q", tc.in)
		assert.Equal(t, len(tc.in), n)
		assert.Equal(t, !tc.enabled, f.s.KprobesAllDisarmed(), "%q", tc.in)
	}
	for _, bad := range []string{"", "2", "o", "ox", "x", " 1", "\x001"} {
		n, err := f.s.WriteDebugfsEnabled(bad)
		assert.ErrorIs(t, err, kprobe.EINVAL, "%q", bad)
		assert.Zero(t, n)
		assert.False(t, f.s.KprobesAllDisarmed(), "%q changed nothing", bad)
	}
}

// A module going away (§7.5, kill_kprobe): its probes, aggregated ones
// included, become GONE, lose their slots, keep their BRKs; they cannot
// be enabled; unregistering them writes nothing; nothing else changes.
func TestModuleGoing(t *testing.T) {
	f := newModFixture(t, nil)
	fn := modBase
	entry, ce := f.counting(t, "mod_fn", 0) // stp: out of line
	a1, c1 := f.counting(t, "mod_fn", 8)    // add: out of line, aggregated
	a2, c2 := f.counting(t, "mod_fn", 8)
	ret, cr := f.counting(t, "mod_fn", 16) // ret: simulated
	kernOrig := f.word(t, f.addr(t, "chain_c"))
	kern, ck := f.counting(t, "chain_c", 0)
	assert.Equal(t, uint64(6), f.call(t, "mod_fn", 5))
	for _, c := range []*counter{ce, c1, c2, cr} {
		assert.Equal(t, 1, c.pre)
		assert.Equal(t, 1, c.post)
	}
	require.NotZero(t, entry.Slot())
	require.NotZero(t, a1.Slot())
	agg := f.s.GetKprobe(fn + 8)
	require.True(t, agg.IsAggregator())
	require.NotNil(t, agg.PostHandler)

	assert.Equal(t, 3, f.s.ModuleGoing(modName), "three table entries")
	for _, p := range []*kprobe.Kprobe{entry, a1, a2, ret, agg} {
		assert.True(t, p.Gone(), "%#x", p.Addr)
		assert.True(t, p.Disabled(), "GONE counts as disabled")
		assert.Zero(t, p.Slot(), "slot freed")
		assert.True(t, p.Registered())
		assert.ErrorIs(t, f.s.EnableKprobe(p), kprobe.EINVAL)
	}
	assert.Nil(t, agg.PostHandler, "kill_kprobe drops the aggregator's post-handler")
	for _, off := range []uint64{0, 8, 16} {
		assert.EqualValues(t, brk4, f.word(t, fn+off), "+%d: not disarmed", off)
	}
	assert.False(t, kern.Gone())
	assert.EqualValues(t, brk4, f.word(t, kern.Addr))
	assert.Equal(t, kl.ChainC(9), f.call(t, "chain_c", 9))
	assert.Equal(t, 1, ck.pre)

	// The module's symbols are gone: registering there is ENOENT.
	assert.ErrorIs(t, f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "mod_fn"}), kprobe.ENOENT)
	assert.ErrorIs(t, f.s.RegisterKprobe(&kprobe.Kprobe{Addr: fn + 4}), kprobe.ENOENT)

	// The global switch leaves GONE probes alone.
	require.NoError(t, f.s.DisarmAllKprobes())
	assert.EqualValues(t, brk4, f.word(t, fn))
	assert.Equal(t, kernOrig, f.word(t, kern.Addr))
	require.NoError(t, f.s.ArmAllKprobes())

	// Unregistering GONE probes removes them without writing the text.
	require.NoError(t, f.s.DisableKprobe(entry), "already disabled: 0")
	f.s.UnregisterKprobes([]*kprobe.Kprobe{entry, a1, a2, ret})
	for _, off := range []uint64{0, 8, 16} {
		assert.Nil(t, f.s.GetKprobe(fn+off))
		assert.EqualValues(t, brk4, f.word(t, fn+off), "+%d: the freed text is not written", off)
	}
	assert.False(t, entry.Registered())
	f.s.UnregisterKprobe(kern)
	assert.Equal(t, kernOrig, f.word(t, kern.Addr))
}

// kprobe_free_init_mem kills the probes in the freed range only.
func TestKprobeFreeInitMem(t *testing.T) {
	f := newFixture(t, nil)
	in, _ := f.counting(t, "chain_b", 4)
	out, c := f.counting(t, "chain_c", 0)
	b := f.addr(t, "chain_b")
	assert.Equal(t, 1, f.s.KprobeFreeInitMem(b, b+8))
	assert.True(t, in.Gone())
	assert.False(t, out.Gone())
	assert.Equal(t, kl.ChainC(2), f.call(t, "chain_c", 2))
	assert.Equal(t, 1, c.pre)
	assert.Zero(t, f.s.KprobeFreeInitMem(0, 1))
}
