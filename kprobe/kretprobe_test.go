package kprobe_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

const brk7 = 0xd42000e0 // brk #0x7

// retSeen records what a return handler saw.
type retSeen struct {
	n       int
	x0, pc  uint64
	x30     uint64
	sp      uint64
	pstate  uint64
	retAddr uint64
	esr     uint64
	daif    uint64
	running *kprobe.Kprobe
	// cpuFP is the CPU's X29 during the handler and fpRecord the frame
	// record it points at (the caller's X29 and LR).
	cpuFP    uint64
	fpRecord [2]uint64
}

func (f *fixture) kretprobe(t *testing.T, sym string, maxActive int) (*kprobe.Kretprobe, *retSeen) {
	t.Helper()
	r := &retSeen{}
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: sym}, MaxActive: maxActive,
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			r.n++
			r.x0, r.pc, r.x30, r.retAddr = regs.RegsReturnValue(), regs.PC, regs.Regs[30], ri.RetAddr
			r.sp, r.pstate = regs.SP, regs.PState
			r.esr, r.daif = f.m.CPU(0).ESR(), f.m.CPU(0).DAIF()
			r.running = f.s.KprobeRunning(0)
			r.cpuFP = f.m.CPU(0).X(29)
			r.fpRecord[0], _ = f.m.Memory().ReadU64(r.cpuFP)
			r.fpRecord[1], _ = f.m.Memory().ReadU64(r.cpuFP + 8)
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	return rp, r
}

// fibCalls counts the calls fib(n) makes (itself included) at a depth
// greater than limit (the top call is depth 1).
func fibCalls(n uint64, depth, limit int) int {
	c := 0
	if depth > limit {
		c = 1
	}
	if n < 2 {
		return c
	}
	return c + fibCalls(n-1, depth+1, limit) + fibCalls(n-2, depth+1, limit)
}

// Reference scenario 33 under every profile: the entry hijacks X30, the
// return goes through the trampoline and the handler sees X0 and the real
// return address. v6.9+: the trampoline is BRK #7 (ESR 0xF2000007), the
// handler's regs come from the exception, and afterwards X30 still holds
// the trampoline. Before v6.9: the trampoline is code that builds pt_regs
// on the stack (SP at entry, synthesized PSTATE, PC 0 in v5.4, the real
// return address from v5.15) and calls trampoline_probe_handler with a BL;
// no exception is taken and afterwards X30 is the real return address.
func TestKretprobeReturn(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeReturn(t, v) })
	}
}

func testKretprobeReturn(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	a := f.addr(t, "chain_c")
	orig := f.word(t, a)
	rp, r := f.kretprobe(t, "chain_c", 0)
	tramp := f.s.KretprobeTrampolineAddr()
	require.NotZero(t, tramp)
	handler, hasHandler := f.s.Symbols().LookupName(kprobe.TrampolineProbeHandlerSymbol)
	if v.KretprobeBrkTrampoline {
		assert.Equal(t, kprobe.KretprobeTrampolineSymbol, f.s.KretprobeTrampolineName())
		assert.EqualValues(t, brk7, f.word(t, tramp), "the trampoline is BRK #7")
		assert.EqualValues(t, arm64.EncodeBRK(kprobe.BUG_BRK_IMM), f.word(t, tramp+4), "then ASM_BUG()")
		assert.Equal(t, "__kretprobe_trampoline+0x0/0x8", f.m.Symbolize(tramp))
		assert.False(t, hasHandler, "no trampoline_probe_handler since v6.9")
		// Probing the trampoline is refused: BRK is not steppable.
		assert.ErrorIs(t, f.s.RegisterKprobe(&kprobe.Kprobe{Addr: tramp}), kprobe.EINVAL)
	} else {
		name := "kretprobe_trampoline"
		if v.KretprobeFindRetAddr {
			name = "__kretprobe_trampoline"
		}
		assert.Equal(t, name, f.s.KretprobeTrampolineName())
		loc, ok := f.s.Symbols().LookupAddr(tramp)
		require.True(t, ok)
		assert.Equal(t, name, loc.Symbol.Name)
		require.True(t, hasHandler)
		// trampoline_probe_handler is __kprobes (.kprobes.text): in the
		// blacklist and refused; the trampoline's own code is plain .text.
		err := f.s.RegisterKprobe(&kprobe.Kprobe{Addr: handler.Addr})
		assert.ErrorIs(t, err, kprobe.EINVAL)
		assert.ErrorContains(t, err, "kprobe blacklist")
		assert.Contains(t, f.s.DebugfsBlacklist(), "\t"+kprobe.TrampolineProbeHandlerSymbol+"\n")
		// The code: sub sp, sp, #PT_REGS_SIZE first; a BL to
		// trampoline_probe_handler; RET last.
		size := uint64(336)
		if !v.KretprobeHashRemoved {
			size = 320
		}
		in, err := arm64.Decode(f.word(t, tramp))
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("sub\tsp, sp, #%#x", size), arm64.GNUSyntax(in))
		var bl, fpSetup int
		var last string
		for pc := tramp; pc < handler.Addr; pc += 4 {
			in, err := arm64.Decode(f.word(t, pc))
			require.NoError(t, err, "%#x", pc)
			if target, ok := arm64.PCTarget(in, pc); ok && in.Op == arm64.BL {
				assert.Equal(t, handler.Addr, target)
				bl++
			}
			if arm64.GNUSyntax(in) == "add\tx29, sp, #0xe8" { // S_FP
				fpSetup++
			}
			last = arm64.GNUSyntax(in)
		}
		assert.Equal(t, 1, bl, "one bl trampoline_probe_handler")
		assert.Equal(t, "ret", last)
		if v.KretprobeFramePointer {
			assert.Equal(t, 1, fpSetup, "v5.16+: a frame pointer at pt_regs->regs[29]")
		} else {
			assert.Zero(t, fpSetup)
		}
		assert.True(t, f.s.IsKretprobeTrampoline(handler.Addr))
		assert.True(t, f.s.IsKretprobeTrampoline(handler.Addr+4))
	}
	assert.True(t, f.s.IsKretprobeTrampoline(tramp))
	assert.False(t, f.s.IsKretprobeTrampoline(a))
	assert.EqualValues(t, brk4, f.word(t, a), "the entry probe is armed")
	assert.Equal(t, rp, f.s.KretprobeOf(&rp.Kp))
	assert.Equal(t, 10, rp.MaxActive, "maxactive 0: max(10, 2 × CPUs)")
	assert.Equal(t, 10, rp.FreeInstances())
	assert.True(t, rp.Registered())

	var entryX30 []uint64
	f.m.AddCodeHook(a+4, a+4, func(c *emu.CPU, pc uint64, _ *arm64.Inst) { entryX30 = append(entryX30, c.X(30)) })
	brk7s := 0
	f.m.AddExceptionHook(func(c *emu.CPU, e *emu.Exception) {
		if e.ESR() == 0xf2000007 {
			brk7s++
		}
	})

	top := uint64(kl.Stack + kl.StackSize)
	for i, x := range inputs(60) {
		f.m.CPU(0).SetX(29, 0x1234_0000+uint64(i)) // the caller's frame pointer
		assert.Equal(t, kl.ChainC(x), f.call(t, "chain_c", x), "chain_c(%#x)", x)
		assert.Equal(t, i+1, r.n)
		assert.Equal(t, kl.ChainC(x), r.x0, "regs_return_value")
		assert.Equal(t, emu.ReturnAddress, r.retAddr, "ri->ret_addr is the real return address")
		assert.Equal(t, tramp, r.x30, "regs->regs[30]: the function returned to the trampoline")
		assert.Equal(t, top, r.sp, "regs->sp: the SP the function returned with")
		assert.EqualValues(t, emu.PSR_EL1h, r.pstate&kprobe.PSR_MODE_MASK, "EL1h")
		assert.Equal(t, 0x1234_0000+uint64(i), f.m.CPU(0).X(29), "X29 comes back")
		switch {
		case v.KretprobeBrkTrampoline:
			assert.Equal(t, emu.ReturnAddress, r.pc, "regs->pc is the real return address")
			assert.Equal(t, tramp, f.m.CPU(0).X(30), "X30 keeps the trampoline after the return (v6.9+)")
			assert.Equal(t, i+1, brk7s)
		case v.KretprobeFindRetAddr:
			assert.Equal(t, emu.ReturnAddress, r.pc, "instruction_pointer_set (v5.15+)")
			assert.Equal(t, emu.ReturnAddress, f.m.CPU(0).X(30), "LR = the real return address (pre-v6.9)")
		default:
			assert.Zero(t, r.pc, "v5.4: regs->pc as the trampoline saved it")
			assert.Equal(t, emu.ReturnAddress, f.m.CPU(0).X(30), "LR = the real return address (pre-v6.9)")
		}
		if !v.KretprobeBrkTrampoline {
			assert.Zero(t, brk7s, "no exception on the return")
			assert.EqualValues(t, r.daif, r.pstate&emu.PSR_DAIF, "the synthesized PSTATE has DAIF as it was")
			// The handler's frame record: trampoline_probe_handler's caller
			// is the trampoline, right after its bl.
			if v.KretprobeFramePointer {
				assert.Equal(t, r.sp-336+232, r.fpRecord[0], "the trampoline's X29 points at pt_regs->regs[29]")
			} else {
				assert.Equal(t, 0x1234_0000+uint64(i), r.fpRecord[0], "no frame of its own: the caller's X29")
			}
			assert.Greater(t, r.fpRecord[1], tramp)
			assert.Less(t, r.fpRecord[1], handler.Addr, "the link register points into the trampoline")
		}
	}
	if v.KretprobeBrkTrampoline {
		assert.EqualValues(t, 0xf2000007, r.esr, "ESR of BRK #7")
		assert.EqualValues(t, emu.PSR_DAIF, r.daif, "the handler runs in the debug exception")
	}
	assert.Equal(t, &rp.Kp, r.running, "current_kprobe is the kretprobe's kprobe during the handler")
	require.Len(t, entryX30, 60)
	assert.Equal(t, tramp, entryX30[0], "X30 hijacked at the entry")
	assert.Nil(t, f.s.KprobeRunning(0))
	assert.Empty(t, f.s.PendingKretprobeInstances(0))
	assert.Equal(t, 10, rp.FreeInstances(), "every instance recycled")

	// Through a caller: the real return address is in chain_b, after its bl.
	chainB := f.addr(t, "chain_b")
	for _, x := range inputs(30) {
		assert.Equal(t, kl.ChainA(x), f.call(t, "chain_a", x))
		assert.Equal(t, kl.ChainC((x+1)^0xff), r.x0)
		assert.Equal(t, chainB+0x1c, r.retAddr)
		if v.KretprobeFindRetAddr {
			assert.Equal(t, chainB+0x1c, r.pc)
		}
	}
	assert.Zero(t, rp.NMissed)
	assert.Zero(t, rp.Kp.NMissed)
	assert.Empty(t, f.s.KretprobeWarnings())

	f.s.UnregisterKretprobe(rp)
	assert.Equal(t, orig, f.word(t, a))
	assert.False(t, rp.Registered())
	assert.Nil(t, f.s.KretprobeOf(&rp.Kp))
	n := r.n
	assert.Equal(t, kl.ChainC(3), f.call(t, "chain_c", 3))
	assert.Equal(t, n, r.n)
}

// Every function of the library under a kretprobe at once: each returns
// what its Go reference says (the real return addresses are restored) and
// each return handler sees every call's result.
func TestKretprobeTransparency(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeTransparency(t, v) })
	}
}

func testKretprobeTransparency(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	rps := map[string]*kprobe.Kretprobe{}
	returns := map[string][]uint64{}
	for _, fn := range kl.Functions {
		rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: fn}, MaxActive: 512,
			Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
				returns[fn] = append(returns[fn], regs.RegsReturnValue())
				return 0
			}}
		err := f.s.RegisterKretprobe(rp)
		if fn == "strcmp" { // the fixture's blacklist
			require.ErrorIs(t, err, kprobe.EINVAL)
			continue
		}
		require.NoError(t, err, fn)
		rps[fn] = rp
	}
	check := func(fn string, want uint64, args ...uint64) {
		t.Helper()
		clear(returns)
		assert.Equal(t, want, f.call(t, fn, args...), "%s%#x", fn, args)
		if assert.NotEmpty(t, returns[fn], fn) {
			assert.Equal(t, want, returns[fn][len(returns[fn])-1], "%s: the outermost return is the last", fn)
		}
	}
	mem := f.m.Memory()
	for _, x := range inputs(40) {
		check("chain_a", kl.ChainA(x), x)
		assert.Equal(t, []uint64{kl.ChainB(x + 1)}, returns["chain_b"])
		assert.Equal(t, []uint64{kl.ChainC((x + 1) ^ 0xff)}, returns["chain_c"])
		check("clamp", uint64(kl.Clamp(int64(x), -100, 1000)), x, uint64(1<<64-100), 1000)
		check("abs_diff", kl.AbsDiff(x, 12345), x, 12345)
		check("max_u64", kl.MaxU64(x, 1<<40), x, 1<<40)
		check("popcount64", uint64(kl.Popcount64(x)), x)
		check("bitrev32", uint64(kl.Bitrev32(uint32(x))), x&0xffffffff)
		check("hash_64", kl.Hash64(x, 12), x, 12)
		check("pte_pfn", kl.PtePfn(x), x)
		check("pte_mkpfn", kl.PteMkpfn(x, x>>7), x, x>>7)
		check("syscall_class", kl.SyscallClass(uint32(x%300)), x%300)
		check("errno_class", kl.ErrnoClass(uint32(x%140)), x%140)
		check("sign", uint64(uint32(kl.Sign(int64(x)))), x)
		check("prime_at", kl.PrimeAt(x), x)

		require.NoError(t, mem.WriteU64(kl.Scratch, x))
		want := x
		check("atomic_add_return_llsc", kl.AtomicAddReturn(&want, 5), kl.Scratch, 5)
		check("atomic_fetch_add_lse", kl.AtomicFetchAdd(&want, 7), kl.Scratch, 7)
		old := want
		prev := kl.Cmpxchg64(&want, old, x)
		check("cmpxchg_lse", prev, kl.Scratch, old, x)
		got, err := mem.ReadU64(kl.Scratch)
		require.NoError(t, err)
		assert.Equal(t, want, got)

		s := []byte("kretprobe\x00")[x%9:]
		require.NoError(t, mem.Write(kl.Scratch+0x100, s))
		check("strlen", kl.Strlen(s), kl.Scratch+0x100)
	}
	for n := uint64(0); n < 14; n++ {
		check("fib", kl.Fib(n), n)
		assert.Len(t, returns["fib"], fibCalls(n, 1, 0), "one return per call of fib(%d)", n)
	}
	check("ackermann", kl.Ackermann(2, 3), 2, 3)
	for fn, rp := range rps {
		assert.Zero(t, rp.NMissed, fn)
		assert.Zero(t, rp.Kp.NMissed, fn)
		assert.Equal(t, 512, rp.FreeInstances(), fn)
	}
	assert.Empty(t, f.s.PendingKretprobeInstances(0))
	all := make([]*kprobe.Kretprobe, 0, len(rps))
	for _, rp := range rps {
		all = append(all, rp)
	}
	f.s.UnregisterKretprobes(all)
	clear(returns)
	assert.Equal(t, kl.ChainA(9), f.call(t, "chain_a", 9))
	assert.Empty(t, returns)
}

// Reference scenario 34 and §6.5: with maxactive instances, the calls
// nested deeper than maxactive find none: NMissed counts them, their
// entry handler is not called, the outer calls' handlers still run.
func TestKretprobeMaxActive(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeMaxActive(t, v) })
	}
}

func testKretprobeMaxActive(t *testing.T, v kprobe.Version) {
	for _, maxActive := range []int{1, 3, 0} {
		f := newVersionFixture(t, v)
		entries, returns := 0, 0
		rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "fib"}, MaxActive: maxActive,
			EntryHandler: func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { entries++; return 0 },
			Handler:      func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { returns++; return 0 }}
		require.NoError(t, f.s.RegisterKretprobe(rp))
		limit := rp.MaxActive
		var missed int
		for n := uint64(0); n < 16; n++ {
			entries, returns = 0, 0
			assert.Equal(t, kl.Fib(n), f.call(t, "fib", n))
			m := fibCalls(n, 1, limit)
			missed += m
			assert.Equal(t, fibCalls(n, 1, 0)-m, entries, "fib(%d), maxactive %d", n, limit)
			assert.Equal(t, entries, returns)
			assert.EqualValues(t, missed, rp.NMissed, "fib(%d), maxactive %d", n, limit)
		}
		assert.Positive(t, missed)
		assert.Zero(t, rp.Kp.NMissed, "no reentry")
		assert.Equal(t, uint64(missed), rp.TotalMissed())
		assert.Equal(t, limit, rp.FreeInstances())
	}
}

// Reference scenario 35: an entry handler returning non-zero leaves X30
// alone and that call gets no return handler; the instance goes back.
func TestKretprobeEntryHandlerVeto(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeEntryHandlerVeto(t, v) })
	}
}

func testKretprobeEntryHandlerVeto(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	a := f.addr(t, "chain_c")
	var returns []uint64
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"}, MaxActive: 2,
		EntryHandler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			return int(regs.Regs[0] & 1) // veto odd arguments
		},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			returns = append(returns, regs.RegsReturnValue())
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	var x30 uint64
	f.m.AddCodeHook(a+4, a+4, func(c *emu.CPU, pc uint64, _ *arm64.Inst) { x30 = c.X(30) })
	var want []uint64
	for _, x := range inputs(40) {
		assert.Equal(t, kl.ChainC(x), f.call(t, "chain_c", x))
		if x&1 == 1 {
			assert.Equal(t, emu.ReturnAddress, x30, "vetoed: X30 untouched")
		} else {
			assert.Equal(t, f.s.KretprobeTrampolineAddr(), x30)
			want = append(want, kl.ChainC(x))
		}
		assert.Equal(t, 2, rp.FreeInstances())
	}
	assert.Equal(t, want, returns)
	assert.Zero(t, rp.NMissed, "a veto is not a miss")
}

// Each instance has its own data area: on recursive fib, the entry
// handler stores n in it and the return handler finds fib(n) returned.
func TestKretprobeDataPerInstance(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeDataPerInstance(t, v) })
	}
}

func testKretprobeDataPerInstance(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	checked := 0
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "fib"}, MaxActive: 64, DataSize: 16,
		EntryHandler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			require.Len(t, ri.Data, 16)
			binary.LittleEndian.PutUint64(ri.Data, regs.Regs[0])
			binary.LittleEndian.PutUint64(ri.Data[8:], regs.SP)
			return 0
		},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			n := binary.LittleEndian.Uint64(ri.Data)
			assert.Equal(t, kl.Fib(n), regs.RegsReturnValue(), "fib(%d)", n)
			assert.Equal(t, binary.LittleEndian.Uint64(ri.Data[8:]), regs.SP, "SP is back to the entry's")
			assert.Equal(t, 0, ri.Task)
			checked++
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	assert.Equal(t, kl.Fib(12), f.call(t, "fib", 12))
	assert.Equal(t, fibCalls(12, 1, 0), checked)
	assert.Equal(t, kl.Ackermann(2, 2), f.call(t, "ackermann", 2, 2), "another recursion, unprobed")

	// The kernel's limit: data_size 4096 is fine, 4097 is E2BIG.
	big := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"}, DataSize: kprobe.KRETPROBE_MAX_DATA_SIZE}
	require.NoError(t, f.s.RegisterKretprobe(big))
	f.s.UnregisterKretprobe(big)
}

// Nested kretprobes: chain_a → chain_b → chain_c return in LIFO order,
// each handler seeing its own function's result and return address.
func TestKretprobeNested(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeNested(t, v) })
	}
}

func testKretprobeNested(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	var order []string
	var pcs []uint64
	mk := func(fn string) *kprobe.Kretprobe {
		return &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: fn},
			Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
				order = append(order, fn)
				pcs = append(pcs, regs.PC)
				return 0
			}}
	}
	rps := []*kprobe.Kretprobe{mk("chain_a"), mk("chain_b"), mk("chain_c")}
	require.NoError(t, f.s.RegisterKretprobes(rps))
	var pending []int
	f.m.AddCodeHook(f.addr(t, "chain_c")+4, f.addr(t, "chain_c")+4, func(*emu.CPU, uint64, *arm64.Inst) {
		pending = append(pending, len(f.s.PendingKretprobeInstances(0)))
	})
	assert.Equal(t, kl.ChainA(41), f.call(t, "chain_a", 41))
	assert.Equal(t, []string{"chain_c", "chain_b", "chain_a"}, order)
	want := []uint64{f.addr(t, "chain_b") + 0x1c, f.addr(t, "chain_a") + 0x14, emu.ReturnAddress}
	if !v.KretprobeFindRetAddr {
		want = []uint64{0, 0, 0} // v5.4: regs->pc as the trampoline saved it
	}
	assert.Equal(t, want, pcs)
	assert.Equal(t, []int{3}, pending, "three instances on the task's list in chain_c")
	f.s.UnregisterKretprobes(rps)
	assert.ErrorIs(t, f.s.RegisterKretprobes(nil), kprobe.EINVAL)
}

// Two kretprobes on one function (and a kprobe with them): the entry
// probes aggregate; the second hijack saves the trampoline as return
// address, and the one BRK #7 runs both handlers, the list head first,
// both seeing the real return address (__kretprobe_find_ret_addr).
func TestKretprobeSameFunction(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeSameFunction(t, v) })
	}
}

func testKretprobeSameFunction(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	var order []string
	var rets []uint64
	mk := func(name string) *kprobe.Kretprobe {
		return &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"},
			Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
				order = append(order, name)
				rets = append(rets, ri.RetAddr, regs.PC)
				return 0
			}}
	}
	rp1, rp2 := mk("rp1"), mk("rp2")
	require.NoError(t, f.s.RegisterKretprobe(rp1))
	require.NoError(t, f.s.RegisterKretprobe(rp2))
	kpHits := 0
	kp := &kprobe.Kprobe{SymbolName: "chain_c", PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int { kpHits++; return 0 }}
	require.NoError(t, f.s.RegisterKprobe(kp))
	ap := f.s.GetKprobe(f.addr(t, "chain_c"))
	require.True(t, ap.IsAggregator())
	assert.Nil(t, f.s.KretprobeOf(ap))
	assert.Nil(t, f.s.KretprobeOf(kp))

	ret := f.addr(t, "chain_b") + 0x1c
	assert.Equal(t, kl.ChainA(5), f.call(t, "chain_a", 5))
	// rp2 (newer) runs first at the entry and saves the real address; rp1
	// then saves the trampoline and is the list head.
	assert.Equal(t, []string{"rp1", "rp2"}, order)
	pc := ret
	if !v.KretprobeFindRetAddr {
		pc = 0 // v5.4: regs->pc as the trampoline saved it
	}
	assert.Equal(t, []uint64{ret, pc, ret, pc}, rets)
	assert.Equal(t, 1, kpHits)

	// Unregistering one leaves the other working.
	f.s.UnregisterKretprobe(rp2)
	order = nil
	assert.Equal(t, kl.ChainA(6), f.call(t, "chain_a", 6))
	assert.Equal(t, []string{"rp1"}, order)
}

// Reference §6.4: unregistering while an instance is pending. The
// return still goes through the trampoline and comes back to the real
// return address, but the handler is no longer called and the instance
// is dropped, not recycled. The run stops inside chain_c (after the entry
// hijack) and the kretprobe is unregistered there, between instructions:
// from a handler it would be the kernel's might_sleep bug
// (TestAPIFromHandlerIsABug).
func TestKretprobeUnregisterPending(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeUnregisterPending(t, v) })
	}
}

func testKretprobeUnregisterPending(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	rp, r := f.kretprobe(t, "chain_c", 4)
	tramp := f.s.KretprobeTrampolineAddr()
	trampHits := 0
	f.m.AddCodeHook(tramp, tramp, func(*emu.CPU, uint64, *arm64.Inst) { trampHits++ })

	// chain_a(7) by hand, stopped at chain_c+4; it "returns" to fib,
	// which it never calls, where the run stops again.
	ret := f.addr(t, "fib")
	c := f.m.CPU(0)
	c.SetSP(kl.Stack + kl.StackSize)
	c.SetX(0, 7)
	c.SetX(30, ret)
	c.SetPC(f.addr(t, "chain_a"))
	res, err := f.m.Run(context.Background(), &emu.RunOptions{StopAt: []uint64{f.addr(t, "chain_c") + 4}})
	require.NoError(t, err)
	require.Equal(t, emu.StopAddress, res.Reason)
	pending := f.s.PendingKretprobeInstances(0)
	require.Len(t, pending, 1)
	f.s.UnregisterKretprobe(rp)
	res, err = f.m.Run(context.Background(), &emu.RunOptions{StopAt: []uint64{ret}})
	require.NoError(t, err)
	require.Equal(t, emu.StopAddress, res.Reason, "chain_a returned to its caller")
	assert.Equal(t, kl.ChainA(7), c.X(0), "the real return address is restored")

	assert.Equal(t, 1, trampHits, "chain_c did return through the trampoline")
	assert.Nil(t, kprobe.GetKretprobe(pending[0]), "the instance no longer knows its kretprobe")
	assert.Zero(t, r.n, "no handler after unregistration")
	assert.Empty(t, f.s.PendingKretprobeInstances(0))
	assert.Zero(t, rp.FreeInstances())

	// Registered again (Addr reset as for a kprobe), with a fresh pool.
	rp.Kp.Addr, rp.Kp.Flags = 0, 0
	require.NoError(t, f.s.RegisterKretprobe(rp))
	assert.Equal(t, 4, rp.FreeInstances())
	assert.Equal(t, kl.ChainA(8), f.call(t, "chain_a", 8))
	assert.Equal(t, 1, r.n)
	assert.Equal(t, kl.ChainC(9^0xff), r.x0)

	// A kretprobe never registered: unregistering it is harmless.
	never := &kprobe.Kretprobe{Kp: kprobe.Kprobe{Addr: 0x1234}}
	f.s.UnregisterKretprobe(never)
	assert.Zero(t, never.Kp.Addr)
}

// §6.3 step 1, §6.5: a probe hit from a return handler is a miss (the
// handler runs with kprobe_busy current): the entry probe's NMissed.
func TestKretprobeHandlerReentry(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKretprobeHandlerReentry(t, v) })
	}
}

func testKretprobeHandlerReentry(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	fn := f.addr(t, "chain_c")
	var nested uint64
	var rp *kprobe.Kretprobe
	rp = &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			if nested == 0 {
				v, err := f.m.Call(context.Background(), fn, []uint64{100}, nil)
				require.NoError(t, err)
				nested = v
			}
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	assert.Equal(t, kl.ChainC(5), f.call(t, "chain_c", 5))
	assert.Equal(t, kl.ChainC(100), nested)
	assert.EqualValues(t, 1, rp.Kp.NMissed, "the nested entry was a reentry miss")
	assert.Zero(t, rp.NMissed)
	assert.EqualValues(t, 1, rp.TotalMissed())
	assert.Empty(t, f.s.PendingKretprobeInstances(0), "the nested call was not hijacked")
	assert.Nil(t, f.s.KprobeRunning(0))
}

// Reference §6.1 and scenario 32: the checks and their errno.
func TestRegisterKretprobeErrors(t *testing.T) {
	f := newFixture(t, nil)
	chainC := f.addr(t, "chain_c")
	for _, tc := range []struct {
		name string
		rp   kprobe.Kretprobe
		want kprobe.Errno
	}{
		{"neither symbol nor addr", kprobe.Kretprobe{}, kprobe.EINVAL},
		{"both", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c", Addr: chainC}}, kprobe.EINVAL},
		{"unknown symbol", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "no_such"}}, kprobe.ENOENT},
		{"address in no symbol", kprobe.Kretprobe{Kp: kprobe.Kprobe{Addr: 0x1000}}, kprobe.ENOENT},
		{"func+4", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c", Offset: 4}}, kprobe.EINVAL},
		{"addr of func+4", kprobe.Kretprobe{Kp: kprobe.Kprobe{Addr: chainC + 4}}, kprobe.EINVAL},
		{"func+4 before data_size", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c", Offset: 4}, DataSize: 5000}, kprobe.EINVAL},
		{"data_size 4097", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"}, DataSize: 4097}, kprobe.E2BIG},
		{"negative data_size", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"}, DataSize: -1}, kprobe.E2BIG},
		{"blacklisted (register_kprobe)", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "strcmp"}}, kprobe.EINVAL},
		{"data, not text (register_kprobe)", kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "jiffies"}}, kprobe.EINVAL},
	} {
		rp := tc.rp
		err := f.s.RegisterKretprobe(&rp)
		require.Error(t, err, tc.name)
		assert.Equal(t, tc.want, errno(err), "%s: %v", tc.name, err)
		assert.False(t, rp.Registered(), tc.name)
		assert.Zero(t, rp.FreeInstances(), "%s: no pool left behind", tc.name)
	}

	// Registered by address: the same kretprobe again is EINVAL; by
	// symbol, the address registration wrote makes it EINVAL too.
	byAddr := &kprobe.Kretprobe{Kp: kprobe.Kprobe{Addr: chainC}}
	require.NoError(t, f.s.RegisterKretprobe(byAddr))
	assert.ErrorIs(t, f.s.RegisterKretprobe(byAddr), kprobe.EINVAL)
	bySym := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_b"}}
	require.NoError(t, f.s.RegisterKretprobe(bySym))
	assert.ErrorIs(t, f.s.RegisterKretprobe(bySym), kprobe.EINVAL)
	assert.Equal(t, kl.ChainA(3), f.call(t, "chain_a", 3))

	// Batch: the first failure unregisters the ones before it.
	a := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "fib"}}
	bad := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "nope"}}
	fib := f.addr(t, "fib")
	orig := f.word(t, fib)
	assert.ErrorIs(t, f.s.RegisterKretprobes([]*kprobe.Kretprobe{a, bad}), kprobe.ENOENT)
	assert.False(t, a.Registered())
	assert.Equal(t, orig, f.word(t, fib))

	// More CPUs, a bigger default pool.
	f4 := newFixture(t, &emu.Config{CPUs: 8})
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"}, MaxActive: -3}
	require.NoError(t, f4.s.RegisterKretprobe(rp))
	assert.Equal(t, 16, rp.MaxActive)
	assert.Equal(t, 16, rp.FreeInstances())
}

// BRK #7 outside the trampoline is not kprobes' (die "Oops - BRK"); at
// the trampoline with no instance pending it is the kernel's BUG.
func TestKretprobeBrkErrors(t *testing.T) {
	f := newFixture(t, nil)
	f.kretprobe(t, "chain_c", 0)
	tramp := f.s.KretprobeTrampolineAddr()
	var oops *kprobe.Oops
	_, err := f.m.Call(context.Background(), tramp, nil, nil)
	require.ErrorAs(t, err, &oops)
	assert.Contains(t, oops.Msg, "Return address not found")

	f = newFixture(t, nil)
	f.kretprobe(t, "chain_c", 0)
	a := f.addr(t, "chain_b")
	require.NoError(t, f.s.PatchText(a, brk7))
	_, err = f.m.Call(context.Background(), a, []uint64{1}, nil)
	require.ErrorAs(t, err, &oops)
	assert.Equal(t, "Oops - BRK", oops.Msg)
	assert.EqualValues(t, 0xf2000007, oops.ESR)
}

// An abandoned call leaves its instance pending; KprobeFlushTask
// recycles it, as task teardown does.
func TestKprobeFlushTask(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKprobeFlushTask(t, v) })
	}
}

func testKprobeFlushTask(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	rp, r := f.kretprobe(t, "chain_c", 2)
	_, err := f.m.Call(context.Background(), f.addr(t, "chain_c"), []uint64{1}, &emu.CallOptions{Budget: 3})
	require.Error(t, err, "stopped inside chain_c")
	require.Len(t, f.s.PendingKretprobeInstances(0), 1)
	assert.Equal(t, 1, rp.FreeInstances())
	f.s.KprobeFlushTask(0)
	assert.Empty(t, f.s.PendingKretprobeInstances(0))
	assert.Equal(t, 2, rp.FreeInstances())
	assert.Equal(t, kl.ChainC(4), f.call(t, "chain_c", 4))
	assert.Equal(t, 1, r.n)
}

// TestKUnitKretprobes is KUnit test_kretprobe and test_kretprobes, with
// chain_c and pte_pfn (two leaves) standing for kprobe_target and
// kprobe_target2.
func TestKUnitKretprobes(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) { testKUnitKretprobes(t, v) })
	}
}

func testKUnitKretprobes(t *testing.T, v kprobe.Version) {
	f := newVersionFixture(t, v)
	const rand1 = 1234577
	var krph uint64
	var rp *kprobe.Kretprobe
	rp = &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"},
		EntryHandler: func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int {
			assert.EqualValues(t, emu.PSR_DAIF, f.m.CPU(0).DAIF(), "!preemptible(): in the BRK #4 exception")
			krph = kl.ChainC(rand1)
			return 0
		},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			if v.KretprobeBrkTrampoline {
				assert.EqualValues(t, emu.PSR_DAIF, f.m.CPU(0).DAIF(), "!preemptible(): in the BRK #7 exception")
			} else {
				// The code trampoline runs where the function returned, with
				// interrupts as they were; kprobe_busy_begin (v5.11+) or the
				// hash lock (v5.4) disable preemption, which the model does not
				// keep. The handler runs as the kretprobe's kprobe.
				assert.Zero(t, f.m.CPU(0).DAIF(), "no exception: DAIF as the caller had it")
				assert.Same(t, &rp.Kp, f.s.KprobeRunning(0))
			}
			assert.Equal(t, kl.ChainC(rand1), regs.RegsReturnValue())
			assert.NotZero(t, krph)
			krph = rand1
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	f.m.CPU(0).SetDAIF(0)
	f.call(t, "chain_c", rand1)
	f.s.UnregisterKretprobe(rp)
	assert.EqualValues(t, rand1, krph)

	// test_kretprobes (the suite's init resets addr and flags).
	rp.Kp.Addr, rp.Kp.Flags = 0, 0
	rp2 := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "pte_pfn"},
		EntryHandler: func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { krph = kl.PtePfn(rand1); return 0 },
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			assert.Equal(t, kl.PtePfn(rand1), regs.RegsReturnValue())
			assert.NotZero(t, krph)
			krph = rand1
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobes([]*kprobe.Kretprobe{rp, rp2}))
	krph = 0
	f.call(t, "chain_c", rand1)
	assert.EqualValues(t, rand1, krph)
	krph = 0
	f.call(t, "pte_pfn", rand1)
	assert.EqualValues(t, rand1, krph)
	f.s.UnregisterKretprobes([]*kprobe.Kretprobe{rp, rp2})
}

// This mirrors samples/kprobes/kretprobe_example.c: a kretprobe on
// kernel_clone with maxactive 20 and one timestamp of private data; the
// entry handler stores the entry time, the return handler prints the
// return value and the time the call took. The clock is the CPU's
// CNTVCT_EL0, which emu derives from the instructions retired (1 ns per
// instruction by default), so the time is deterministic. (The sample's
// entry handler skips kernel threads, current->mm == NULL; the model has
// no tasks with an mm, so it times every call.)
func ExampleSubsystem_RegisterKretprobe() {
	m, _ := emu.New(nil)
	const stack, data = 0xffff800030000000, 0xffff800040000000
	m.Map(stack, 0x4000, emu.PermRW)
	m.Map(data, 0x1000, emu.PermRW)
	m.CPU(0).SetSP(stack + 0x4000)
	m.Memory().WriteU64(data, 17) // args->flags = SIGCHLD
	l, err := loader.LoadSource(m, "kernel_clone.s", []byte(kernelClone),
		&loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	cntvct, _ := arm64.LookupSysReg("CNTVCT_EL0")
	ktimeGet := func() uint64 { v, _ := m.CPU(0).SysReg(cntvct); return v } // ns at 1 GHz

	rp := &kprobe.Kretprobe{
		Kp: kprobe.Kprobe{SymbolName: "kernel_clone"},
		EntryHandler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			binary.LittleEndian.PutUint64(ri.Data, ktimeGet())
			return 0
		},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			delta := ktimeGet() - binary.LittleEndian.Uint64(ri.Data)
			fmt.Printf("%s returned %d and took %d ns to execute\n",
				kprobe.GetKretprobe(ri).Kp.SymbolName, regs.RegsReturnValue(), delta)
			return 0
		},
		DataSize:  8,
		MaxActive: 20,
	}
	if err := s.RegisterKretprobe(rp); err != nil {
		fmt.Println("register_kretprobe failed, returned", err)
		return
	}
	fmt.Printf("Planted return probe at %s: %x\n", rp.Kp.SymbolName, rp.Kp.Addr)

	for _, flags := range []uint64{17, 0} {
		m.Memory().WriteU64(data, flags)
		m.Call(context.Background(), rp.Kp.Addr, []uint64{data}, nil)
	}

	s.UnregisterKretprobe(rp)
	fmt.Printf("kretprobe at %x unregistered\n", rp.Kp.Addr)
	fmt.Printf("Missed probing %d instances of %s\n", rp.NMissed, rp.Kp.SymbolName)
	// Output:
	// Planted return probe at kernel_clone: ffff800008000000
	// kernel_clone returned 117 and took 11 ns to execute
	// kernel_clone returned 100 and took 11 ns to execute
	// kretprobe at ffff800008000000 unregistered
	// Missed probing 0 instances of kernel_clone
}

// Reference §6.2/§6.3 and the kernel history of the instance key: what
// arch_prepare_kretprobe records (ri->fp) and what the return compares it
// with. A kprobe inside chain_c (a leaf) changes X29 or SP before the
// function returns, so the returning frame no longer matches the entry:
//   - v5.16+ (KretprobeFramePointer): X29 is the key; a changed X29 is
//     WARN_ON_ONCE and no handler runs, a changed SP is not noticed;
//   - v5.15 with the SP key: the reverse;
//   - v5.11-v5.14 (no KretprobeFindRetAddr): a changed SP is BUG_ON;
//   - v5.4: no key, the handler runs whatever changed.
//
// The return address is restored and the instance recycled in every case
// that survives.
func TestKretprobeInstanceKey(t *testing.T) {
	spKeyed := kprobe.V6_1
	spKeyed.Name, spKeyed.KretprobeFramePointer = "v5.15", false
	v511 := spKeyed
	v511.Name, v511.KretprobeFindRetAddr, v511.CleanupErrorMessages = "v5.11", false, false
	type want struct {
		handlerRuns bool
		warn        bool
		bug         bool
	}
	for _, tc := range []struct {
		v      kprobe.Version
		fp, sp want
	}{
		{kprobe.V5_4, want{handlerRuns: true}, want{handlerRuns: true}},
		{v511, want{handlerRuns: true}, want{bug: true}},
		{spKeyed, want{handlerRuns: true}, want{warn: true}},
		{kprobe.V6_1, want{warn: true}, want{handlerRuns: true}},
		{kprobe.V6_12, want{warn: true}, want{handlerRuns: true}},
		{kprobe.V6_17, want{warn: true}, want{handlerRuns: true}},
	} {
		for _, reg := range []string{"x29", "sp"} {
			t.Run(tc.v.Name+"/"+reg, func(t *testing.T) {
				w := tc.fp
				if reg == "sp" {
					w = tc.sp
				}
				f := newVersionFixture(t, tc.v)
				rp, r := f.kretprobe(t, "chain_c", 2)
				change := false
				kp := &kprobe.Kprobe{SymbolName: "chain_c", Offset: 8, // sub x0, x0, #7
					PreHandler: func(_ *kprobe.Kprobe, regs *kprobe.PtRegs) int {
						if change {
							if reg == "sp" {
								regs.SP -= 16
							} else {
								regs.Regs[29] ^= 0x100
							}
						}
						return 0
					}}
				require.NoError(t, f.s.RegisterKprobe(kp))
				// Unchanged: the handler runs everywhere.
				assert.Equal(t, kl.ChainC(5), f.call(t, "chain_c", 5))
				require.Equal(t, 1, r.n)

				change = true
				for i := range 2 {
					f.m.CPU(0).SetSP(kl.Stack + kl.StackSize)
					got, err := f.m.Call(context.Background(), f.addr(t, "chain_c"), []uint64{6}, nil)
					if w.bug {
						var oops *kprobe.Oops
						require.ErrorAs(t, err, &oops)
						assert.Contains(t, oops.Msg, "ri->fp != frame_pointer")
						assert.Contains(t, oops.Sym, "trampoline_probe_handler", "BUG() in the C handler")
						assert.EqualValues(t, 0xf2000800, oops.ESR, "BUG(): BRK #0x800")
						return
					}
					require.NoError(t, err)
					assert.Equal(t, kl.ChainC(6), got, "the real return address is restored")
					if w.handlerRuns {
						assert.Equal(t, 2+i, r.n)
					} else {
						assert.Equal(t, 1, r.n, "no handler after a key mismatch")
					}
					if w.warn {
						assert.Equal(t, []string{"WARNING: kernel/kprobes.c __kretprobe_trampoline_handler: ri->fp != frame_pointer"},
							f.s.KretprobeWarnings(), "WARN_ON_ONCE: once")
					} else {
						assert.Empty(t, f.s.KretprobeWarnings())
					}
					assert.Empty(t, f.s.PendingKretprobeInstances(0))
					assert.Equal(t, 2, rp.FreeInstances(), "recycled all the same")
				}
			})
		}
	}
}

// The BUG() of the return path: a return to the trampoline with no
// instance pending. v6.9+ dies in the BRK #7 handler; before v6.9 in
// trampoline_probe_handler, whose BUG() is a BRK #0x800; v5.4's
// kretprobe_assert dereferences the NULL instance the empty walk left.
func TestKretprobeTrampolineBug(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			f.kretprobe(t, "chain_c", 0)
			tramp := f.s.KretprobeTrampolineAddr()
			_, err := f.m.Call(context.Background(), tramp, nil, nil)
			var oops *kprobe.Oops
			require.ErrorAs(t, err, &oops)
			switch {
			case v.KretprobeBrkTrampoline:
				assert.Contains(t, oops.Msg, "Return address not found")
				assert.EqualValues(t, 0xf2000007, oops.ESR)
				assert.Equal(t, tramp, oops.PC)
			case v.KretprobeHashRemoved:
				assert.Contains(t, oops.Msg, "Return address not found")
				assert.EqualValues(t, 0xf2000800, oops.ESR)
				assert.Contains(t, oops.Sym, "trampoline_probe_handler+")
			default:
				assert.Contains(t, oops.Msg, "NULL pointer dereference")
				assert.Contains(t, oops.Sym, "trampoline_probe_handler+")
			}
		})
	}
}

// A return handler that panics, under every profile: the run stops with
// *HandlerPanic naming the kretprobe's probe, from the BRK #7 exception
// (v6.9+) or from trampoline_probe_handler's BUG() (before), and the CPU's
// kprobe state is reset.
func TestKretprobeHandlerPanic(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"},
				Handler: func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { panic("boom") }}
			require.NoError(t, f.s.RegisterKretprobe(rp))
			_, err := f.m.Call(context.Background(), rp.Kp.Addr, []uint64{1}, nil)
			var hp *kprobe.HandlerPanic
			require.ErrorAs(t, err, &hp)
			assert.Equal(t, "boom", hp.Value)
			assert.Contains(t, hp.Probe, "chain_c+0x0/")
			if v.KretprobeBrkTrampoline {
				assert.Equal(t, f.s.KretprobeTrampolineAddr(), hp.PC)
			}
			assert.Nil(t, f.s.KprobeRunning(0))
		})
	}
}

// What a return handler writes in its pt_regs: X0 is restored by every
// trampoline (regs_set_return_value works); X30 too from v6.9 (the
// exception return), while the code trampoline loads LR from what
// trampoline_probe_handler returned; PC never sticks (both set it to the
// real return address after the handlers).
func TestKretprobeHandlerWritesRegs(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "chain_c"},
				Handler: func(_ *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
					regs.RegsSetReturnValue(regs.RegsReturnValue() + 1000)
					regs.Regs[30] = 0x5a5a
					regs.PC = 0x6b6b
					return 0
				}}
			require.NoError(t, f.s.RegisterKretprobe(rp))
			assert.Equal(t, kl.ChainC(9)+1000, f.call(t, "chain_c", 9))
			if v.KretprobeBrkTrampoline {
				assert.EqualValues(t, 0x5a5a, f.m.CPU(0).X(30))
			} else {
				assert.Equal(t, emu.ReturnAddress, f.m.CPU(0).X(30))
			}
		})
	}
}

// The return trampoline differs per kernel: v6.9+ is one BRK #7 handled
// in the exception, and X30 still holds the trampoline after the return;
// before v6.9 it is code that saves pt_regs on the stack and calls
// trampoline_probe_handler, and returns with LR = the real return address.
func ExampleSubsystem_KretprobeTrampolineName() {
	for _, v := range kprobe.Versions() {
		m, _ := emu.New(nil)
		const stack, data = 0xffff800030000000, 0xffff800040000000
		m.Map(stack, 0x4000, emu.PermRW)
		m.Map(data, 0x1000, emu.PermRW)
		m.CPU(0).SetSP(stack + 0x4000)
		l, err := loader.LoadSource(m, "kernel_clone.s", []byte(kernelClone),
			&loader.Options{Base: 0xffff800008000000})
		if err != nil {
			fmt.Println(err)
			return
		}
		s, _ := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols, Version: &v})
		rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "kernel_clone"},
			Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int { return 0 }}
		if err := s.RegisterKretprobe(rp); err != nil {
			fmt.Println(err)
			return
		}
		tramp := s.KretprobeTrampolineAddr()
		w, _ := m.Memory().ReadU32(tramp)
		in, _ := arm64.Decode(w)
		m.Call(context.Background(), rp.Kp.Addr, []uint64{data}, nil)
		lr := "the trampoline"
		if m.CPU(0).X(30) == emu.ReturnAddress {
			lr = "the real return address"
		}
		fmt.Printf("%s: %s starts with %q; X30 after the return: %s\n",
			v.Name, s.KretprobeTrampolineName(), arm64.GNUSyntax(in), lr)
	}
	// Output:
	// v5.4: kretprobe_trampoline starts with "sub\tsp, sp, #0x140"; X30 after the return: the real return address
	// v6.1: __kretprobe_trampoline starts with "sub\tsp, sp, #0x150"; X30 after the return: the real return address
	// v6.12: __kretprobe_trampoline starts with "brk\t#0x7"; X30 after the return: the trampoline
	// v6.17: __kretprobe_trampoline starts with "brk\t#0x7"; X30 after the return: the trampoline
}
