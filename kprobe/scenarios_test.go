package kprobe_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// Conformance scenarios of reference §12 that the other tests do not cover
// (or cover only at the decoder); SCENARIOS.md maps every scenario to its
// tests.

// newVersionFixture is newFixture with the kernel profile v.
func newVersionFixture(t *testing.T, v kprobe.Version) *fixture {
	t.Helper()
	m, err := emu.New(nil)
	require.NoError(t, err)
	require.NoError(t, m.Map(kl.Stack, kl.StackSize, emu.PermRW))
	require.NoError(t, m.Map(kl.Scratch, kl.ScratchSize, emu.PermRW))
	m.CPU(0).SetSP(kl.Stack + kl.StackSize)
	l := kl.Load(t, m)
	s, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols, Blacklist: []string{"strcmp"}, Version: &v})
	require.NoError(t, err)
	return &fixture{m, l, s}
}

// nested calls a guest function from a handler (the model's stand-in for
// a handler calling a probed kernel function).
func (f *fixture) nested(name string, args ...uint64) (uint64, error) {
	a, ok := f.l.Addr(name)
	if !ok {
		return 0, nil
	}
	return f.m.Call(context.Background(), a, args, nil)
}

// registerPatched writes word at chain_c+off (aarch64_insn_patch_text)
// and registers a kprobe there; the caller gets the probe and the
// register_kprobe result. The original word is put back at cleanup.
func (f *fixture) registerPatched(t *testing.T, off uint64, word uint32) (*kprobe.Kprobe, error) {
	t.Helper()
	a := f.addr(t, "chain_c") + off
	orig := f.word(t, a)
	require.NoError(t, f.s.PatchText(a, word))
	t.Cleanup(func() { _ = f.s.PatchText(a, orig) })
	p := &kprobe.Kprobe{SymbolName: "chain_c", Offset: off}
	return p, f.s.RegisterKprobe(p)
}

// Scenario 5: a BRK #6 that is not the end of the running probe's step
// (here hit from the pre-handler, status HIT_ACTIVE, at an address that is
// no slot) is not kprobes': kprobe_ss_brk_handler (v6.17;
// kprobe_breakpoint_ss_handler before) returns DBG_HOOK_ERROR and the
// kernel dies with "Oops - BRK" (debug-monitors.c: do_el1_brk64 /
// brk_handler). v5.4 has no BRK #6 hook at all, with the same result.
func TestScenario05_StrayBrk6(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			require.NoError(t, f.s.PatchText(f.addr(t, "chain_b"), brk6))
			var nestedErr error
			p, _ := f.counting(t, "chain_c", 4)
			pre := p.PreHandler
			p.PreHandler = func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
				_, nestedErr = f.nested("chain_b", 1)
				return pre(p, regs)
			}
			// The oops ends the run that hit the probe, as it kills the
			// kernel.
			_, err := f.m.Call(context.Background(), f.addr(t, "chain_c"), []uint64{9}, nil)
			for _, e := range []error{nestedErr, err} {
				var oops *kprobe.Oops
				require.ErrorAs(t, e, &oops)
				assert.Equal(t, "Oops - BRK", oops.Msg)
				assert.EqualValues(t, 0xf2000006, oops.ESR)
				assert.Equal(t, f.addr(t, "chain_b"), oops.PC)
			}
		})
	}
}

// Scenario 7: a pre-handler returning 1 after setting PC = T: execution
// resumes at T, the instruction is neither stepped (the slot never runs)
// nor simulated, no post-handler, current_kprobe NULL
// (kprobe_brk_handler: reset_current_kprobe).
func TestScenario07_PreHandlerSetsPC(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			a := f.addr(t, "chain_c")
			posts := 0
			p := &kprobe.Kprobe{SymbolName: "chain_c", Offset: 4, // add x0, x0, x0, lsl #1 (XOL)
				PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
					regs.InstructionPointerSet(a + 8) // T: skip the add
					return 1
				},
				PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { posts++ }}
			require.NoError(t, f.s.RegisterKprobe(p))
			require.NotZero(t, p.Slot())
			slotRuns := 0
			f.m.AddCodeHook(p.Slot(), p.Slot()+4, func(*emu.CPU, uint64, *arm64.Inst) { slotRuns++ })
			for _, x := range []uint64{0, 10, 1 << 40} {
				assert.Equal(t, x-7, f.call(t, "chain_c", x), "the add was skipped")
			}
			assert.Zero(t, slotRuns, "no out-of-line step")
			assert.Zero(t, posts)
			assert.Nil(t, f.s.KprobeRunning(0))
			assert.Zero(t, p.NMissed)
			assert.EqualValues(t, brk4, f.word(t, a+4), "still armed")
		})
	}
}

// Scenario 8: another probe hit inside a pre-handler (status HIT_ACTIVE):
// reenter_kprobe counts a miss on the inner probe, runs none of its
// handlers, still steps or simulates its instruction (setup_singlestep
// with reenter), and the outer probe's post-handler runs afterwards.
func TestScenario08_ProbeHitInPreHandler(t *testing.T) {
	for _, v := range kprobe.Versions() {
		for _, off := range []uint64{4, 12} { // add (XOL), ret (simulated)
			t.Run(fmt.Sprintf("%s/chain_c+%#x", v.Name, off), func(t *testing.T) {
				f := newVersionFixture(t, v)
				inner, ic := f.counting(t, "chain_c", off)
				var got []uint64
				outer, oc := f.counting(t, "max_u64", 4) // cmp x0, x1 (XOL)
				pre := outer.PreHandler
				outer.PreHandler = func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
					r, err := f.nested("chain_c", regs.Regs[0])
					require.NoError(t, err)
					got = append(got, r)
					return pre(p, regs)
				}
				xs := []uint64{3, 1 << 20, ^uint64(0)}
				for _, x := range xs {
					assert.Equal(t, kl.MaxU64(x, 9), f.call(t, "max_u64", x, 9))
				}
				want := make([]uint64, len(xs))
				for i, x := range xs {
					want[i] = kl.ChainC(x)
				}
				assert.Equal(t, want, got, "the inner instruction still executes")
				assert.EqualValues(t, len(xs), inner.NMissed)
				assert.Zero(t, ic.pre, "inner handlers not called")
				assert.Zero(t, ic.post)
				assert.Equal(t, len(xs), oc.pre)
				assert.Equal(t, len(xs), oc.post, "outer post-handler still runs")
				assert.Zero(t, outer.NMissed)
				assert.Nil(t, f.s.KprobeRunning(0))
				// Unnested, the inner probe fires normally again.
				assert.Equal(t, kl.ChainC(5), f.call(t, "chain_c", 5))
				assert.Equal(t, 1, ic.pre)
				assert.Equal(t, 1, ic.post)
			})
		}
	}
}

// Scenario 11: NOP is simulated from v6.13 (decode-insn.c:
// aarch64_insn_is_nop -> simulate_nop): no slot is allocated, the
// post-handler runs in the BRK #4 exception with PC = A + 4. Older
// profiles step it out of line.
func TestScenario11_NopNoSlot(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			a := f.addr(t, "chain_c")
			require.NoError(t, f.s.PatchText(a, 0xd503201f)) // nop over bti c
			p, c := f.counting(t, "chain_c", 0)
			simulated := v.SimulateNop
			if simulated {
				assert.Equal(t, kprobe.InsnGoodNoSlot, p.Decision().Class)
				assert.Equal(t, kprobe.HandlerNop, p.Decision().Handler)
				assert.Zero(t, p.Slot())
				assert.Empty(t, f.s.InsnPages(), "no slot allocated")
			} else {
				assert.Equal(t, kprobe.InsnGood, p.Decision().Class)
				assert.NotZero(t, p.Slot())
			}
			for _, x := range []uint64{0, 7, 1 << 50} {
				assert.Equal(t, kl.ChainC(x), f.call(t, "chain_c", x))
			}
			assert.Equal(t, 3, c.pre)
			assert.Equal(t, 3, c.post)
			assert.Equal(t, a+4, c.postPC)
			if simulated {
				assert.EqualValues(t, 0xf2000004, c.postESR, "post-handler in the BRK #4 exception")
			}
		})
	}
}

// registerWords registers a probe on each word patched at chain_c+4
// (the default profile, v6.17) and checks the register_kprobe result.
type wordCase struct {
	word uint32
	asm  string
	want kprobe.Errno // 0: accepted, stepped out of line
}

func checkRegisterWords(t *testing.T, cases []wordCase) {
	t.Helper()
	for _, tc := range cases {
		f := newFixture(t, nil)
		p, err := f.registerPatched(t, 4, tc.word)
		if tc.want != 0 {
			assert.ErrorIs(t, err, tc.want, "%#08x %s", tc.word, tc.asm)
			assert.Equal(t, tc.want, errno(err), "%#08x %s", tc.word, tc.asm)
			assert.False(t, p.Registered())
			assert.Equal(t, tc.word, f.word(t, p.Addr), "%s: nothing armed", tc.asm)
			assert.Empty(t, f.s.InsnPages(), "%s: no slot left behind", tc.asm)
			continue
		}
		require.NoError(t, err, "%#08x %s", tc.word, tc.asm)
		assert.Equal(t, kprobe.InsnGood, p.Decision().Class, tc.asm)
		assert.EqualValues(t, brk4, f.word(t, p.Addr), tc.asm)
		assert.Equal(t, tc.word, f.word(t, p.Slot()), "%s: slot[0]", tc.asm)
		assert.EqualValues(t, brk6, f.word(t, p.Slot()+4), "%s: slot[1]", tc.asm)
		f.s.UnregisterKprobe(p)
		assert.Equal(t, tc.word, f.word(t, f.addr(t, "chain_c")+4), "%s: restored", tc.asm)
	}
}

// Scenario 12: MRS of DAIF is rejected (aarch64_insn_is_mrs_daif in
// arm_probe_decode_insn), any other MRS is stepped.
func TestScenario12_MrsDaif(t *testing.T) {
	checkRegisterWords(t, []wordCase{
		{0xd53b4220, "mrs x0, daif", kprobe.EINVAL},
		{0xd5380000, "mrs x0, midr_el1", 0},
	})
}

// Scenario 13: exception-generating, ERET, MSR-immediate and WFI words
// are rejected (arm_probe_decode_insn: aarch64_insn_is_steppable false).
func TestScenario13_ExceptionWords(t *testing.T) {
	checkRegisterWords(t, []wordCase{
		{0xd4000001, "svc #0", kprobe.EINVAL},
		{0xd4200000, "brk #0", kprobe.EINVAL},
		{0xd69f03e0, "eret", kprobe.EINVAL},
		{0xd50342df, "msr daifset, #2", kprobe.EINVAL},
		{0xd503207f, "wfi", kprobe.EINVAL},
	})
}

// Scenario 14: RETAA and AUTIASP are rejected; PACIASP and BTI C are
// stepped (aarch64_insn_is_steppable_hint).
func TestScenario14_Ptrauth(t *testing.T) {
	checkRegisterWords(t, []wordCase{
		{0xd65f0bff, "retaa", kprobe.EINVAL},
		{0xd50323bf, "autiasp", kprobe.EINVAL},
		{0xd503233f, "paciasp", 0},
		{0xd503245f, "bti c", 0},
	})
}

// Scenario 16: LDAR is stepped, but the instruction after it is refused:
// the backwards scan of arm_kprobe_decode_insn matches LDAR with the
// load-exclusive mask (aarch64_insn_is_load_ex).
func TestScenario16_LdarQuirk(t *testing.T) {
	checkRegisterWords(t, []wordCase{{0xc8dffc01, "ldar x1, [x0]", 0}})
	f := newFixture(t, nil)
	a := f.addr(t, "chain_c")
	orig := f.word(t, a+4)
	require.NoError(t, f.s.PatchText(a+4, 0xc8dffc01))
	err := f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "chain_c", Offset: 8})
	assert.ErrorIs(t, err, kprobe.EINVAL, "the instruction after an ldar")
	require.NoError(t, f.s.PatchText(a+4, orig))
	assert.NoError(t, f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "chain_c", Offset: 8}))
}

// Scenario 17: CASP is rejected (it matches the exclusive masks); CAS is
// stepped.
func TestScenario17_Casp(t *testing.T) {
	checkRegisterWords(t, []wordCase{
		{0x48227c80, "casp x2, x3, x0, x1, [x4]", kprobe.EINVAL},
		{0xc8a17c02, "cas x1, x2, [x0]", 0},
	})
}

// Scenario 27 (the part the model has the tables for): __cfi_ and
// __pfx_ preamble symbols are refused (kernel/kprobes.c:
// within_kprobe_blacklist, is_cfi_preamble_symbol),
// as is a NOKPROBE function anywhere in its extent.
func TestScenario27_Blacklists(t *testing.T) {
	f := newFixture(t, nil)
	chainC := f.addr(t, "chain_c")
	for _, name := range []string{"__pfx_chain_c", "__cfi_chain_b"} {
		g := newFixture(t, nil)
		require.NoError(t, g.s.Symbols().Add(symbols.Symbol{Name: name, Addr: chainC - 8, Type: 't'}))
		err := g.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: name, Offset: 4})
		assert.ErrorIs(t, err, kprobe.EINVAL, name)
		assert.ErrorContains(t, err, "CFI/prefix preamble", name)
		assert.NoError(t, g.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "chain_c"}), "the function itself")
	}
	strcmp := f.addr(t, "strcmp")
	loc, ok := f.s.Symbols().LookupAddr(strcmp)
	require.True(t, ok)
	for off := uint64(0); off < loc.Size; off += 4 {
		assert.ErrorIs(t, f.s.RegisterKprobe(&kprobe.Kprobe{Addr: strcmp + off}), kprobe.EINVAL, "strcmp+%#x", off)
	}
}

// Scenario 41: FEAT_MOPS prologue/main/epilogue words are rejected
// (aarch64_insn_is_mops in arm_probe_decode_insn, v6.14 and 6.12.y).
func TestScenario41_Mops(t *testing.T) {
	checkRegisterWords(t, []wordCase{
		{0x19010440, "cpyfp [x0]!, [x1]!, x2!", kprobe.EINVAL},
		{0x19410440, "cpyfm [x0]!, [x1]!, x2!", kprobe.EINVAL},
		{0x19c20420, "setp [x0]!, x1!, x2", kprobe.EINVAL},
	})
}

// TestSlotSizePerProfile: a slot is MAX_INSN_SIZE words, 2 since v5.10
// (the instruction and BRK #6), 1 before (the hardware step needs no
// BRK): consecutive slots are 8 or 4 bytes apart (reference §4.2). A
// freed slot is reused first.
func TestSlotSizePerProfile(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			size := uint64(kprobe.SlotSize)
			if !v.BrkSingleStep {
				size = kprobe.SlotSizeHWStep
			}
			p1 := &kprobe.Kprobe{SymbolName: "chain_a"}
			p2 := &kprobe.Kprobe{SymbolName: "chain_b"}
			p3 := &kprobe.Kprobe{SymbolName: "chain_c"}
			require.NoError(t, f.s.RegisterKprobes([]*kprobe.Kprobe{p1, p2}))
			assert.Equal(t, p1.Slot()+size, p2.Slot())
			f.s.UnregisterKprobe(p1)
			require.NoError(t, f.s.RegisterKprobe(p3))
			assert.Equal(t, p2.Slot()-size, p3.Slot(), "the freed slot 0 first")
			assert.Equal(t, kl.ChainA(9), f.call(t, "chain_a", 9), "the probes still work")

		})
	}
}

// TestAPIFromHandlerIsABug: register, unregister, enable, disable and
// text patching take kprobe_mutex or stop_machine and may sleep; from a
// handler (inside the BRK exception, interrupts masked) that is the
// kernel's "BUG: sleeping function called from invalid context". The run
// stops with the contained handler failure naming the probe.
func TestAPIFromHandlerIsABug(t *testing.T) {
	for name, call := range map[string]func(f *fixture, p *kprobe.Kprobe){
		"unregister_kprobes": func(f *fixture, p *kprobe.Kprobe) { f.s.UnregisterKprobe(p) },
		"register_kprobe":    func(f *fixture, p *kprobe.Kprobe) { _ = f.s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "chain_b"}) },
		"disable_kprobe":     func(f *fixture, p *kprobe.Kprobe) { _ = f.s.DisableKprobe(p) },
		"aarch64_insn_patch_text": func(f *fixture, p *kprobe.Kprobe) {
			_ = f.s.PatchText(p.Addr+4, arm64.EncodeNOP())
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, nil)
			p := &kprobe.Kprobe{SymbolName: "chain_c"}
			p.PreHandler = func(*kprobe.Kprobe, *kprobe.PtRegs) int { call(f, p); return 0 }
			require.NoError(t, f.s.RegisterKprobe(p))
			_, err := f.m.Call(context.Background(), f.addr(t, "chain_a"), []uint64{1}, nil)
			var hp *kprobe.HandlerPanic
			require.ErrorAs(t, err, &hp)
			bug, ok := hp.Value.(*kprobe.MightSleepBug)
			require.True(t, ok, "%T %v", hp.Value, hp.Value)
			assert.Equal(t, name, bug.Func)
			assert.Contains(t, err.Error(), "BUG: sleeping function called from invalid context: "+name)
			assert.Contains(t, hp.Probe, "chain_c+0x0/")
		})
	}
}

// TestUnregisterDuringStep: a CPU stopped between the ERET into the slot
// and the BRK #6 is where synchronize_rcu would wait in the kernel:
// unregister_kprobe disarms at once but frees the slot only when the step
// ends, so the step completes, the post-handler runs, and the function
// goes on correctly; afterwards the slot is free for the next probe.
func TestUnregisterDuringStep(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			posts := 0
			p := &kprobe.Kprobe{SymbolName: "chain_c",
				PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { posts++ }}
			require.NoError(t, f.s.RegisterKprobe(p))
			slot := p.Slot()
			require.NotZero(t, slot)
			ret := f.addr(t, "fib") // chain_a never calls it: a place to stop when it returns
			c := f.m.CPU(0)
			c.SetSP(kl.Stack + kl.StackSize)
			c.SetX(0, 5)
			c.SetX(30, ret)
			c.SetPC(f.addr(t, "chain_a"))
			res, err := f.m.Run(context.Background(), &emu.RunOptions{StopAt: []uint64{slot}})
			require.NoError(t, err)
			require.Equal(t, emu.StopAddress, res.Reason, "stopped in the slot, the step pending")

			f.s.UnregisterKprobe(p)
			assert.Equal(t, f.word(t, slot), f.word(t, p.Addr), "disarmed at once: the original word is back")
			assert.Equal(t, slot, p.Slot(), "the slot is kept while the step is pending")

			res, err = f.m.Run(context.Background(), &emu.RunOptions{StopAt: []uint64{ret}})
			require.NoError(t, err)
			require.Equal(t, emu.StopAddress, res.Reason)
			assert.Equal(t, kl.ChainA(5), c.X(0))
			assert.Equal(t, 1, posts, "post_kprobe_handler ran for the finished step")
			assert.Zero(t, p.Slot(), "freed when the step ended")
			q := &kprobe.Kprobe{SymbolName: "chain_b"}
			require.NoError(t, f.s.RegisterKprobe(q))
			assert.Equal(t, slot, q.Slot(), "the freed slot is reused")
		})
	}
}
