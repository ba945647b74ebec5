package kprobe_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/emu/symbols"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

const (
	brk4 = 0xd4200080 // brk #0x4
	brk6 = 0xd42000c0 // brk #0x6
)

type fixture struct {
	m *emu.Machine
	l *loader.Loaded
	s *kprobe.Subsystem
}

func newFixture(t *testing.T, cfg *emu.Config) *fixture {
	t.Helper()
	m, err := emu.New(cfg)
	require.NoError(t, err)
	require.NoError(t, m.Map(kl.Stack, kl.StackSize, emu.PermRW))
	require.NoError(t, m.Map(kl.Scratch, kl.ScratchSize, emu.PermRW))
	m.CPU(0).SetSP(kl.Stack + kl.StackSize)
	l := kl.Load(t, m)
	s, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols, Blacklist: []string{"strcmp"}})
	require.NoError(t, err)
	return &fixture{m, l, s}
}

func (f *fixture) addr(t *testing.T, name string) uint64 {
	t.Helper()
	a, ok := f.l.Addr(name)
	require.True(t, ok, name)
	return a
}

func (f *fixture) word(t *testing.T, addr uint64) uint32 {
	t.Helper()
	w, err := f.m.Memory().ReadU32(addr)
	require.NoError(t, err)
	return w
}

func (f *fixture) call(t *testing.T, name string, args ...uint64) uint64 {
	t.Helper()
	return kl.Call(t, f.m, f.l, name, args...)
}

func inputs(n int) []uint64 {
	r := rand.New(rand.NewPCG(1, 2))
	v := []uint64{0, 1, 2, 0xff, 1 << 63, ^uint64(0)}
	for len(v) < n {
		v = append(v, r.Uint64()>>r.UintN(64))
	}
	return v
}

// probeAt registers a counting probe at sym+off and checks what the
// handlers see.
type counter struct {
	pre, post         int
	prePC, preX0      uint64
	preSP             uint64
	preESR, postESR   uint64
	postPC            uint64
	preDAIF, postDAIF uint64
}

func (f *fixture) counting(t *testing.T, sym string, off uint64) (*kprobe.Kprobe, *counter) {
	t.Helper()
	c := &counter{}
	p := &kprobe.Kprobe{SymbolName: sym, Offset: off,
		PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
			c.pre++
			c.prePC, c.preX0, c.preESR = regs.PC, regs.Regs[0], f.m.CPU(0).ESR()
			c.preSP = regs.SP
			c.preDAIF = f.m.CPU(0).DAIF()
			return 0
		},
		PostHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs, flags uint64) {
			c.post++
			c.postPC, c.postESR = regs.PC, f.m.CPU(0).ESR()
			c.postDAIF = regs.PState & emu.PSR_DAIF
		},
	}
	require.NoError(t, f.s.RegisterKprobe(p))
	return p, c
}

func TestProbeFunctionEntryXOL(t *testing.T) {
	for _, sym := range []string{"chain_a", "chain_c"} { // paciasp, bti c
		t.Run(sym, func(t *testing.T) {
			f := newFixture(t, nil)
			a := f.addr(t, sym)
			orig := f.word(t, a)
			f.m.CPU(0).SetDAIF(0) // interrupts enabled, so restoring is visible
			p, c := f.counting(t, sym, 0)
			assert.Equal(t, a, p.Addr)
			var slotDAIF []uint64
			f.m.AddCodeHook(p.Slot(), p.Slot(), func(c *emu.CPU, pc uint64, _ *arm64.Inst) {
				slotDAIF = append(slotDAIF, c.DAIF())
			})
			assert.Equal(t, kprobe.InsnGood, p.Decision().Class)
			assert.NotZero(t, p.Slot())
			assert.EqualValues(t, brk4, f.word(t, a), "armed word")
			assert.Equal(t, orig, f.word(t, p.Slot()), "slot[0]")
			assert.EqualValues(t, brk6, f.word(t, p.Slot()+4), "slot[1]")
			assert.NotZero(t, p.Flags&kprobe.KPROBE_FLAG_ON_FUNC_ENTRY)
			assert.Equal(t, "kprobe_insn_page+0x0/0x1000 [__builtin__kprobes]", f.m.Symbolize(p.Slot()))

			ref := map[string]func(uint64) uint64{"chain_a": kl.ChainA, "chain_c": kl.ChainC}[sym]
			for i, x := range inputs(50) {
				assert.Equal(t, ref(x), f.call(t, sym, x), "%s(%#x)", sym, x)
				assert.Equal(t, i+1, c.pre)
				assert.Equal(t, i+1, c.post)
				assert.Equal(t, a, c.prePC)
				assert.Equal(t, x, c.preX0)
			}
			assert.EqualValues(t, 0xf2000004, c.preESR)
			assert.EqualValues(t, 0xf2000006, c.postESR)
			assert.EqualValues(t, emu.PSR_DAIF, c.preDAIF, "handlers run with DAIF masked")
			assert.Equal(t, a+4, c.postPC)
			assert.Equal(t, uint64(kl.Stack+kl.StackSize), c.preSP, "the interrupted SP")
			assert.Zero(t, c.postDAIF, "DAIF restored to the interrupted value before the post-handler")
			assert.Nil(t, f.s.KprobeRunning(0))
			assert.Zero(t, p.NMissed)
			require.Len(t, slotDAIF, 50, "the copied instruction runs from the slot")
			assert.EqualValues(t, emu.PSR_DAIF, slotDAIF[0], "DAIF masked in the slot")
			assert.Zero(t, f.m.CPU(0).DAIF())

			f.s.UnregisterKprobe(p)
			assert.Equal(t, orig, f.word(t, a), "disarmed word")
			assert.False(t, p.Registered())
			assert.Equal(t, kl.ChainC(9), f.call(t, "chain_c", 9))
			assert.Equal(t, 50, c.pre, "no hit after unregister")
		})
	}
}

func TestProbeSimulatedBranch(t *testing.T) {
	f := newFixture(t, nil)
	// chain_a+0x10: bl chain_b.
	p, c := f.counting(t, "chain_a", 0x10)
	assert.Equal(t, kprobe.InsnGoodNoSlot, p.Decision().Class)
	assert.Equal(t, kprobe.HandlerBBl, p.Decision().Handler)
	assert.Zero(t, p.Slot())
	assert.Zero(t, p.Flags&kprobe.KPROBE_FLAG_ON_FUNC_ENTRY)
	for _, x := range inputs(30) {
		assert.Equal(t, kl.ChainA(x), f.call(t, "chain_a", x))
		assert.Equal(t, x+1, c.preX0)
	}
	assert.Equal(t, 30, c.pre)
	assert.Equal(t, 30, c.post)
	assert.Equal(t, f.addr(t, "chain_a")+0x10, c.prePC)
	assert.Equal(t, f.addr(t, "chain_b"), c.postPC, "the post-handler sees the simulated branch taken")
	assert.EqualValues(t, 0xf2000004, c.postESR, "simulation: post-handler in the same BRK exception")
	assert.Empty(t, f.s.InsnPages(), "no slot for a simulated instruction")
}

func TestProbeOutOfLine(t *testing.T) {
	for _, tc := range []struct {
		sym string
		off uint64
		fn  string
		ref func(uint64) uint64
	}{
		{"chain_a", 4, "chain_a", kl.ChainA},    // stp x29, x30, [sp, #-16]!
		{"chain_c", 4, "chain_c", kl.ChainC},    // add x0, x0, x0, lsl #1
		{"chain_b", 0x20, "chain_a", kl.ChainA}, // ldr x19, [sp, #16]
		{"chain_b", 0x1c, "chain_a", kl.ChainA}, // add x0, x0, x19
	} {
		f := newFixture(t, nil)
		p, c := f.counting(t, tc.sym, tc.off)
		require.Equal(t, kprobe.InsnGood, p.Decision().Class, "%s+%#x", tc.sym, tc.off)
		for _, x := range inputs(30) {
			assert.Equal(t, tc.ref(x), f.call(t, tc.fn, x), "%s(%#x) probed at %s+%#x", tc.fn, x, tc.sym, tc.off)
		}
		assert.Equal(t, 30, c.pre)
		assert.Equal(t, 30, c.post)
		assert.Equal(t, p.Addr+4, c.postPC)
		if tc.sym == "chain_b" {
			// chain_a pushed 16 bytes and chain_b 32.
			assert.Equal(t, uint64(kl.Stack+kl.StackSize-48), c.preSP, "the interrupted SP")
		}
	}
}

// TestTransparency probes every instruction the decoder accepts in a set
// of functions, all at once, and compares their results with the
// references (and so with unprobed runs).
func TestTransparency(t *testing.T) {
	f := newFixture(t, nil)
	funcs := []string{"chain_a", "chain_b", "chain_c", "fib", "ackermann", "clamp", "max_u64",
		"sign", "abs_diff", "popcount64", "bitrev32", "hash_64", "syscall_class", "errno_class",
		"atomic_add_return_llsc", "atomic_fetch_add_lse"}
	hits := 0
	var probes []*kprobe.Kprobe
	refused := 0
	for _, fn := range funcs {
		loc, ok := f.s.Symbols().LookupAddr(f.addr(t, fn))
		require.True(t, ok)
		for off := uint64(0); off < loc.Size; off += 4 {
			p := &kprobe.Kprobe{SymbolName: fn, Offset: off,
				PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int { hits++; return 0 }}
			if err := f.s.RegisterKprobe(p); err != nil {
				require.ErrorIs(t, err, kprobe.EINVAL, "%s+%#x", fn, off)
				refused++
				continue
			}
			probes = append(probes, p)
		}
	}
	require.Greater(t, len(probes), 100)
	assert.Positive(t, refused, "the LL/SC loop is refused")
	for _, x := range inputs(40) {
		assert.Equal(t, kl.ChainA(x), f.call(t, "chain_a", x))
		assert.Equal(t, kl.Clamp(int64(x), -100, 1000), int64(f.call(t, "clamp", x, uint64(1<<64-100), 1000)))
		assert.Equal(t, kl.AbsDiff(x, 12345), f.call(t, "abs_diff", x, 12345))
		assert.Equal(t, kl.MaxU64(x, 1<<40), f.call(t, "max_u64", x, 1<<40))
		assert.EqualValues(t, kl.Popcount64(x), f.call(t, "popcount64", x))
		assert.EqualValues(t, kl.Bitrev32(uint32(x)), f.call(t, "bitrev32", x&0xffffffff))
		assert.Equal(t, kl.Hash64(x, 12), f.call(t, "hash_64", x, 12))
		assert.Equal(t, kl.SyscallClass(uint32(x%300)), f.call(t, "syscall_class", x%300))
		assert.Equal(t, kl.ErrnoClass(uint32(x%140)), f.call(t, "errno_class", x%140))
		assert.EqualValues(t, uint32(kl.Sign(int64(x))), f.call(t, "sign", x))
	}
	for n := uint64(0); n < 12; n++ {
		assert.Equal(t, kl.Fib(n), f.call(t, "fib", n))
	}
	assert.Equal(t, kl.Ackermann(2, 3), f.call(t, "ackermann", 2, 3))
	mem := f.m.Memory()
	require.NoError(t, mem.WriteU64(kl.Scratch, 40))
	assert.EqualValues(t, 42, f.call(t, "atomic_add_return_llsc", kl.Scratch, 2))
	assert.EqualValues(t, 42, f.call(t, "atomic_fetch_add_lse", kl.Scratch, 8))
	v, err := mem.ReadU64(kl.Scratch)
	require.NoError(t, err)
	assert.EqualValues(t, 50, v)
	assert.Positive(t, hits)
	for _, p := range probes {
		assert.Zero(t, p.NMissed)
	}
	orig := map[uint64]uint32{}
	for _, p := range probes {
		assert.EqualValues(t, brk4, f.word(t, p.Addr))
		orig[p.Addr] = p.Opcode()
	}
	f.s.UnregisterKprobes(probes)
	for a, w := range orig {
		assert.Equal(t, w, f.word(t, a))
	}
	assert.Len(t, f.s.InsnPages(), 1, "empty pages are freed, the last one kept")
}

func TestStrictICache(t *testing.T) {
	f := newFixture(t, &emu.Config{StrictICache: true})
	assert.Equal(t, kl.ChainC(3), f.call(t, "chain_c", 3)) // decode chain_c first
	p, c := f.counting(t, "chain_c", 4)
	assert.Equal(t, kl.ChainC(5), f.call(t, "chain_c", 5))
	assert.Equal(t, 1, c.pre, "the patched BRK is fetched")
	f.s.UnregisterKprobe(p)
	assert.Equal(t, kl.ChainC(6), f.call(t, "chain_c", 6))
	assert.Equal(t, 1, c.pre, "the restored word is fetched")
}

func errno(err error) kprobe.Errno {
	var e *kprobe.Error
	if errors.As(err, &e) {
		return e.Errno
	}
	return 0
}

func TestRegisterErrors(t *testing.T) {
	f := newFixture(t, nil)
	chainC := f.addr(t, "chain_c")
	for _, tc := range []struct {
		name string
		p    kprobe.Kprobe
		want kprobe.Errno
	}{
		{"neither symbol nor addr", kprobe.Kprobe{}, kprobe.EINVAL},
		{"both symbol and addr", kprobe.Kprobe{SymbolName: "chain_c", Addr: chainC}, kprobe.EINVAL},
		{"both, unknown symbol: EINVAL first", kprobe.Kprobe{SymbolName: "no_such", Addr: chainC}, kprobe.EINVAL},
		{"unknown symbol", kprobe.Kprobe{SymbolName: "no_such_function"}, kprobe.ENOENT},
		{"address in no symbol", kprobe.Kprobe{Addr: 0x1000}, kprobe.ENOENT},
		{"misaligned", kprobe.Kprobe{SymbolName: "chain_c", Offset: 2}, kprobe.EINVAL},
		{"blacklisted", kprobe.Kprobe{SymbolName: "strcmp", Offset: 4}, kprobe.EINVAL},
		{"data, not text", kprobe.Kprobe{SymbolName: "jiffies"}, kprobe.EINVAL},
		// atomic_add_return_llsc+0xc: add x2, x2, x1 between ldxr and stlxr.
		{"inside LL/SC", kprobe.Kprobe{SymbolName: "atomic_add_return_llsc", Offset: 0xc}, kprobe.EINVAL},
		{"ldxr", kprobe.Kprobe{SymbolName: "atomic_add_return_llsc", Offset: 0x8}, kprobe.EINVAL},
		{"ret is simulated, autiasp refused", kprobe.Kprobe{SymbolName: "chain_a", Offset: 0x1c}, kprobe.EINVAL},
	} {
		p := tc.p
		err := f.s.RegisterKprobe(&p)
		require.Error(t, err, tc.name)
		assert.ErrorIs(t, err, tc.want, "%s: %v", tc.name, err)
		assert.Equal(t, tc.want, errno(err), tc.name)
		assert.False(t, p.Registered())
	}
	// After the LL/SC loop (the stlxr's successor onwards... the cbnz is
	// after the stlxr): accepted.
	p := &kprobe.Kprobe{SymbolName: "atomic_add_return_llsc", Offset: 0x14}
	require.NoError(t, f.s.RegisterKprobe(p))

	// The same struct again: EINVAL (warn_kprobe_rereg), even by address.
	q := &kprobe.Kprobe{Addr: chainC}
	require.NoError(t, f.s.RegisterKprobe(q))
	assert.ErrorIs(t, f.s.RegisterKprobe(q), kprobe.EINVAL)
	// Symbol-based probes keep the address registration wrote: reusing
	// one without clearing Addr is EINVAL.
	assert.NotZero(t, p.Addr)
	f.s.UnregisterKprobe(p)
	assert.ErrorIs(t, f.s.RegisterKprobe(p), kprobe.EINVAL)
	assert.ErrorIs(t, f.s.RegisterKprobe(p), kprobe.EINVAL)

	// Unregistering an unknown probe clears its address.
	u := &kprobe.Kprobe{Addr: 0x1234}
	f.s.UnregisterKprobe(u)
	assert.Zero(t, u.Addr)
}

func TestRegisterKprobesBatch(t *testing.T) {
	f := newFixture(t, nil)
	assert.ErrorIs(t, f.s.RegisterKprobes(nil), kprobe.EINVAL)
	a := &kprobe.Kprobe{SymbolName: "chain_a"}
	b := &kprobe.Kprobe{SymbolName: "chain_b"}
	bad := &kprobe.Kprobe{SymbolName: "nope"}
	wa := f.word(t, f.addr(t, "chain_a"))
	assert.ErrorIs(t, f.s.RegisterKprobes([]*kprobe.Kprobe{a, b, bad}), kprobe.ENOENT)
	assert.False(t, a.Registered())
	assert.False(t, b.Registered())
	assert.Equal(t, wa, f.word(t, f.addr(t, "chain_a")), "rolled back")
	// Unregistering leaves DISABLED set, as __disable_kprobe does: reused
	// without clearing Flags, a probe registers disabled.
	assert.NotZero(t, a.Flags&kprobe.KPROBE_FLAG_DISABLED)
	a.Addr, b.Addr = 0, 0
	require.NoError(t, f.s.RegisterKprobes([]*kprobe.Kprobe{a, b}))
	assert.Equal(t, wa, f.word(t, f.addr(t, "chain_a")), "registered disabled")
	f.s.UnregisterKprobes([]*kprobe.Kprobe{a, b})
	a.Addr, b.Addr, a.Flags, b.Flags = 0, 0, 0, 0
	require.NoError(t, f.s.RegisterKprobes([]*kprobe.Kprobe{a, b}))
	assert.EqualValues(t, brk4, f.word(t, f.addr(t, "chain_a")))
	assert.True(t, a.Registered())
	assert.True(t, b.Registered())
}

func TestPreHandlerChangesPC(t *testing.T) {
	f := newFixture(t, nil)
	posts := 0
	p := &kprobe.Kprobe{SymbolName: "chain_c",
		PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
			// override_return: return 42 to the caller.
			regs.RegsSetReturnValue(42)
			regs.InstructionPointerSet(regs.ProcedureLinkPointer())
			return 1
		},
		PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { posts++ },
	}
	require.NoError(t, f.s.RegisterKprobe(p))
	assert.EqualValues(t, 42, f.call(t, "chain_c", 5))
	assert.EqualValues(t, 2*(42+6), f.call(t, "chain_a", 5), "chain_b adds x to chain_c's result")
	assert.Zero(t, posts)
	assert.Nil(t, f.s.KprobeRunning(0))
}

func TestDisableEnable(t *testing.T) {
	f := newFixture(t, nil)
	a := f.addr(t, "chain_c")
	orig := f.word(t, a)
	p, c := f.counting(t, "chain_c", 0)
	require.NoError(t, f.s.DisableKprobe(p))
	assert.Equal(t, orig, f.word(t, a))
	assert.True(t, p.Disabled())
	f.call(t, "chain_c", 1)
	assert.Zero(t, c.pre)
	require.NoError(t, f.s.DisableKprobe(p), "already disabled: 0")
	require.NoError(t, f.s.EnableKprobe(p))
	assert.EqualValues(t, brk4, f.word(t, a))
	f.call(t, "chain_c", 1)
	assert.Equal(t, 1, c.pre)
	f.s.UnregisterKprobe(p)
	assert.ErrorIs(t, f.s.EnableKprobe(p), kprobe.EINVAL)
	assert.ErrorIs(t, f.s.DisableKprobe(p), kprobe.EINVAL)

	// Registered disabled: not armed.
	q := &kprobe.Kprobe{SymbolName: "chain_c", Flags: kprobe.KPROBE_FLAG_DISABLED | kprobe.KPROBE_FLAG_GONE}
	require.NoError(t, f.s.RegisterKprobe(q))
	assert.Equal(t, uint32(kprobe.KPROBE_FLAG_DISABLED|kprobe.KPROBE_FLAG_ON_FUNC_ENTRY), q.Flags, "only DISABLED survives")
	assert.Equal(t, orig, f.word(t, a))
}

func TestSlotsReused(t *testing.T) {
	f := newFixture(t, nil)
	p, _ := f.counting(t, "chain_c", 4)
	q, _ := f.counting(t, "chain_b", 4)
	assert.Equal(t, p.Slot()+8, q.Slot())
	s := p.Slot()
	f.s.UnregisterKprobe(p)
	assert.Zero(t, p.Slot())
	r, _ := f.counting(t, "chain_a", 4)
	assert.Equal(t, s, r.Slot(), "the first clean slot is reused")
	// A slot page cannot be probed.
	assert.ErrorIs(t, f.s.RegisterKprobe(&kprobe.Kprobe{Addr: r.Slot()}), kprobe.EINVAL)
}

// TestKprobeMissed is KUnit test_kprobe_missed: handlers that call the
// probed function make it reenter once from the pre-handler (HIT_ACTIVE)
// and once from the post-handler (HIT_SSDONE).
func TestKprobeMissed(t *testing.T) {
	for _, off := range []uint64{0, 0x10} { // XOL (paciasp) and simulated (bl)
		f := newFixture(t, nil)
		fn := f.addr(t, "chain_a")
		const rand1 = 1234567
		var preh, posth uint64
		nested := func() uint64 {
			v, err := f.m.Call(context.Background(), fn, []uint64{rand1}, nil)
			require.NoError(t, err)
			return v
		}
		p := &kprobe.Kprobe{SymbolName: "chain_a", Offset: off,
			PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
				preh = nested()
				return 0
			},
			PostHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs, flags uint64) {
				assert.Equal(t, kl.ChainA(rand1), preh)
				posth = nested() + 3
			},
		}
		require.NoError(t, f.s.RegisterKprobe(p))
		assert.Equal(t, kl.ChainA(77), f.call(t, "chain_a", 77))
		assert.EqualValues(t, 2, p.NMissed)
		assert.NotZero(t, preh)
		assert.Equal(t, kl.ChainA(rand1)+3, posth)
		assert.Nil(t, f.s.KprobeRunning(0))
	}
}

// TestKUnitKprobes is KUnit test_kprobe and test_kprobes on chain_c and
// chain_b standing for kprobe_target and kprobe_target2.
func TestKUnitKprobes(t *testing.T) {
	f := newFixture(t, nil)
	const rand1 = 987654
	var preh, posth uint64
	kp := &kprobe.Kprobe{SymbolName: "chain_c",
		PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int { preh = kl.ChainC(rand1); return 0 },
		PostHandler: func(_ *kprobe.Kprobe, regs *kprobe.PtRegs, flags uint64) {
			assert.Equal(t, kl.ChainC(rand1), preh)
			assert.Zero(t, flags)
			posth = preh + 3
		}}
	require.NoError(t, f.s.RegisterKprobe(kp))
	f.call(t, "chain_c", rand1)
	assert.NotZero(t, preh)
	assert.NotZero(t, posth)
	f.s.UnregisterKprobe(kp)

	kp.Addr, kp.Flags = 0, 0
	var preh2, posth2 uint64
	kp2 := &kprobe.Kprobe{SymbolName: "chain_b",
		PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int { preh2 = kl.ChainB(rand1); return 0 },
		PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) {
			assert.Equal(t, kl.ChainB(rand1), preh2)
			posth2 = preh2 + 3
		}}
	require.NoError(t, f.s.RegisterKprobes([]*kprobe.Kprobe{kp, kp2}))
	preh, posth = 0, 0
	f.call(t, "chain_c", rand1)
	assert.NotZero(t, preh)
	assert.NotZero(t, posth)
	f.call(t, "chain_b", rand1)
	assert.NotZero(t, preh2)
	assert.NotZero(t, posth2)
	f.s.UnregisterKprobes([]*kprobe.Kprobe{kp, kp2})
}

func TestBrkWithoutProbeOopses(t *testing.T) {
	f := newFixture(t, nil)
	a := f.addr(t, "chain_c")
	require.NoError(t, f.s.PatchText(a, brk4))
	_, err := f.m.Call(context.Background(), a, []uint64{1}, nil)
	var oops *kprobe.Oops
	require.ErrorAs(t, err, &oops)
	assert.Equal(t, "Oops - BRK", oops.Msg)
	assert.Equal(t, a, oops.PC)
	assert.EqualValues(t, 0xf2000004, oops.ESR)

	// BRK #6 with no kprobe running: not kprobes' (scenario 5).
	f = newFixture(t, nil)
	a = f.addr(t, "chain_c")
	require.NoError(t, f.s.PatchText(a, brk6))
	_, err = f.m.Call(context.Background(), a, []uint64{1}, nil)
	require.ErrorAs(t, err, &oops)
	assert.EqualValues(t, 0xf2000006, oops.ESR)
}

func TestUserBreakHook(t *testing.T) {
	f := newFixture(t, nil)
	a := f.addr(t, "chain_c")
	hits := 0
	h := &kprobe.BreakHook{Imm: 0x120, Mask: 0xf,
		Fn: func(c *emu.CPU, regs *kprobe.PtRegs, esr uint64) (int, error) {
			hits++
			assert.EqualValues(t, 0xf2000123, esr)
			regs.Regs[0]++ // and skip the brk
			regs.PC += 4
			return kprobe.DBG_HOOK_HANDLED, nil
		}}
	f.s.RegisterKernelBreakHook(h)
	require.NoError(t, f.s.PatchText(a, 0xd4202460)) // brk #0x123 over bti c
	assert.Equal(t, kl.ChainC(11), f.call(t, "chain_c", 10))
	assert.Equal(t, 1, hits)
	f.s.UnregisterKernelBreakHook(h)
	_, err := f.m.Call(context.Background(), a, []uint64{1}, nil)
	var ee *emu.ExceptionError
	assert.ErrorAs(t, err, &ee, "an EL1 BRK nobody hooks stops the machine")
}

func TestClose(t *testing.T) {
	f := newFixture(t, nil)
	a := f.addr(t, "chain_c")
	orig := f.word(t, a)
	f.counting(t, "chain_c", 0)
	require.NoError(t, f.s.Close())
	assert.Equal(t, orig, f.word(t, a))
}

// register_kprobe resolves a name kallsyms has twice as
// kallsyms_lookup_name does (the lowest kernel address); only the
// kprobe_events parser refuses such names with EADDRNOTAVAIL (§8.2).
func TestDuplicateNameAndOrder(t *testing.T) {
	f := newFixture(t, nil)
	chainB := f.addr(t, "chain_b")
	chainC := f.addr(t, "chain_c")
	require.NoError(t, f.s.Symbols().Add(symbols.Symbol{Name: "chain_c", Addr: chainB, Type: 't'}))
	require.Equal(t, 2, f.s.Symbols().Count("chain_c"))
	p := &kprobe.Kprobe{SymbolName: "chain_c"}
	require.NoError(t, f.s.RegisterKprobe(p))
	assert.Equal(t, chainB, p.Addr)
	assert.NotEqual(t, chainC, p.Addr)

	// The blacklist is checked before the alignment (check_kprobe_address_safe
	// comes before arch_prepare_kprobe).
	err := f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "strcmp", Offset: 2})
	assert.ErrorIs(t, err, kprobe.EINVAL)
	assert.ErrorContains(t, err, "blacklist")
	err = f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "strlen", Offset: 2})
	assert.ErrorContains(t, err, "aligned")
}

// TestNewUsesTheLoadedSymbols: with no Options.Symbols, the subsystem
// resolves names with the table the loader made the machine's symbolizer.
func TestNewUsesTheLoadedSymbols(t *testing.T) {
	m, err := emu.New(nil)
	require.NoError(t, err)
	require.NoError(t, m.Map(kl.Stack, kl.StackSize, emu.PermRW))
	m.CPU(0).SetSP(kl.Stack + kl.StackSize)
	l := kl.Load(t, m)
	s, err := kprobe.New(m, nil)
	require.NoError(t, err)
	hits := 0
	p := &kprobe.Kprobe{SymbolName: "fib", PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int { hits++; return 0 }}
	require.NoError(t, s.RegisterKprobe(p))
	want, _ := l.Addr("fib")
	assert.Equal(t, want, p.Addr)
	assert.Equal(t, uint64(55), kl.Call(t, m, l, "fib", 10))
	assert.Positive(t, hits)
}

// TestHandlerPanicIsContained: a handler that panics stops the machine
// with an error that names the probe, and the host goes on.
func TestHandlerPanicIsContained(t *testing.T) {
	for _, post := range []bool{false, true} {
		f := newFixture(t, nil)
		p := &kprobe.Kprobe{SymbolName: "fib"}
		if post {
			p.PostHandler = func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { panic("post bug") }
		} else {
			p.PreHandler = func(*kprobe.Kprobe, *kprobe.PtRegs) int { panic("pre bug") }
		}
		require.NoError(t, f.s.RegisterKprobe(p))
		_, err := f.m.Call(context.Background(), f.addr(t, "fib"), []uint64{5}, nil)
		var hp *kprobe.HandlerPanic
		require.ErrorAs(t, err, &hp)
		assert.True(t, strings.HasPrefix(hp.Probe, "fib+0x0/0x"), hp.Probe)
		assert.Contains(t, err.Error(), "probe at fib+0x0/0x")
		assert.Nil(t, f.s.KprobeRunning(0), "the CPU's kprobe state is reset")
	}
}

// TestSmpProcessorID: a handler learns its CPU as smp_processor_id()
// would give it, the CPU taking the BRK; outside a handler there is none.
func TestSmpProcessorID(t *testing.T) {
	f := newFixture(t, &emu.Config{CPUs: 2})
	assert.Equal(t, -1, f.s.SmpProcessorID())
	var pre, post []int
	p := &kprobe.Kprobe{SymbolName: "chain_c",
		PreHandler:  func(*kprobe.Kprobe, *kprobe.PtRegs) int { pre = append(pre, f.s.SmpProcessorID()); return 0 },
		PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { post = append(post, f.s.SmpProcessorID()) },
	}
	require.NoError(t, f.s.RegisterKprobe(p))
	fn := f.addr(t, "chain_c")
	for _, cpu := range []int{1, 0} {
		_, err := f.m.Call(context.Background(), fn, []uint64{3},
			&emu.CallOptions{CPU: cpu, SP: kl.Stack + kl.StackSize - uint64(cpu)*0x1000})
		require.NoError(t, err)
	}
	assert.Equal(t, []int{1, 0}, pre)
	assert.Equal(t, []int{1, 0}, post, "the post-handler runs in the BRK #6 exception of the same CPU")
	assert.Equal(t, -1, f.s.SmpProcessorID())
}
