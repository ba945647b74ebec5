package kprobe

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	kl "github.com/kpemu/kpemu/internal/kernellib"
)

// The core scenarios under every kernel-version profile, with the
// differences of the handler path: the hardware single-step of v5.4
// against the BRK #6 step of v5.10+, the DAIF masking of each (reference
// §5.8), the missing-probe BRK of v6.2, the fault handler's history
// (§5.10).

const (
	esrBRK4     = 0xf2000004 // EC 0x3C, IL, imm16 4
	esrBRK6     = 0xf2000006
	esrSoftStep = 0xcf000022 // EC 0x33, IL, ISS.ISV, IFSC 0x22
	wordBRK6    = 0xd42000c0 // brk #0x6
	wordBRK4    = 0xd4200080 // brk #0x4
)

type verFixture struct {
	m *emu.Machine
	l *loader.Loaded
	s *Subsystem
	// excs records every exception taken: its ESR and the MDSCR_EL1 at
	// that moment.
	excs []excSeen
}

type excSeen struct {
	ec         emu.EC
	esr, elr   uint64
	mdscr      uint64
	spsrSSDAIF uint64 // SPSR_EL1's SS and DAIF bits
}

func newVerFixture(t *testing.T, v Version) *verFixture {
	t.Helper()
	m := kl.NewMachine(t)
	l := kl.Load(t, m)
	s, err := New(m, &Options{Symbols: l.Symbols, Version: &v})
	require.NoError(t, err)
	f := &verFixture{m: m, l: l, s: s}
	m.AddExceptionHook(func(c *emu.CPU, e *emu.Exception) {
		f.excs = append(f.excs, excSeen{e.EC, e.ESR(), e.ELR, c.MDSCR(), c.SPSR() & (emu.PSR_SS | emu.PSR_DAIF)})
	})
	return f
}

func (f *verFixture) addr(t *testing.T, name string) uint64 {
	t.Helper()
	a, ok := f.l.Addr(name)
	require.True(t, ok, name)
	return a
}

func (f *verFixture) word(t *testing.T, addr uint64) uint32 {
	t.Helper()
	w, err := f.m.Memory().ReadU32(addr)
	require.NoError(t, err)
	return w
}

func (f *verFixture) ecs() []emu.EC {
	var out []emu.EC
	for _, e := range f.excs {
		out = append(out, e.ec)
	}
	return out
}

// stepEC is the exception that ends an out-of-line step in v.
func stepEC(v Version) (emu.EC, uint64) {
	if v.BrkSingleStep {
		return emu.ECBRK64, esrBRK6
	}
	return emu.ECSoftStepCur, esrSoftStep
}

// TestVersionProfiles pins the switches of the handler path per profile;
// each is a kernel change, so once on it stays on in newer profiles.
func TestVersionProfiles(t *testing.T) {
	type sw struct{ brk, irq, nofh, msg, noprobe, noss bool }
	get := func(v Version) sw {
		return sw{v.BrkSingleStep, v.RestoreIrqflagOnFault, v.FaultHandlerRemoved,
			v.CleanupErrorMessages, v.NoProbeBrkIsError, v.SsCtxRemoved}
	}
	assert.Equal(t, sw{}, get(V5_4))
	assert.Equal(t, sw{true, true, true, true, false, false}, get(V6_1))
	assert.Equal(t, sw{true, true, true, true, true, true}, get(V6_12))
	assert.Equal(t, sw{true, true, true, true, true, true}, get(V6_17))
	assert.Equal(t, get(V6_17), get(Default))

	// The kretprobe switches (reference §0.1, §6).
	type ksw struct{ hash, find, fp, brk bool }
	kget := func(v Version) ksw {
		return ksw{v.KretprobeHashRemoved, v.KretprobeFindRetAddr, v.KretprobeFramePointer, v.KretprobeBrkTrampoline}
	}
	assert.Equal(t, ksw{}, kget(V5_4))
	assert.Equal(t, ksw{true, true, true, false}, kget(V6_1))
	assert.Equal(t, ksw{true, true, true, true}, kget(V6_12))
	assert.Equal(t, ksw{true, true, true, true}, kget(V6_17))

	// The handler names: renamed in v6.17.
	for _, tc := range []struct {
		v                   Version
		brk, stepDone, kret string
	}{
		{V5_4, "kprobe_breakpoint_handler", "kprobe_single_step_handler", "trampoline_probe_handler"},
		{V6_1, "kprobe_breakpoint_handler", "kprobe_breakpoint_ss_handler", "trampoline_probe_handler"},
		{V6_12, "kprobe_breakpoint_handler", "kprobe_breakpoint_ss_handler", "kretprobe_breakpoint_handler"},
		{V6_17, "kprobe_brk_handler", "kprobe_ss_brk_handler", "kretprobe_brk_handler"},
	} {
		brk, ss, kret := tc.v.BrkHandlerNames()
		assert.Equal(t, []string{tc.brk, tc.stepDone, tc.kret}, []string{brk, ss, kret}, tc.v.Name)
	}
}

// TestVersionTrampolineCode: the pre-v6.9 trampoline assembles for each
// profile's pt_regs size and frame-pointer setup, with no relocations, and
// the labels the model uses are where the code says.
func TestVersionTrampolineCode(t *testing.T) {
	for _, v := range []Version{V5_4, V6_1} {
		tc, err := assembleTrampoline(v)
		require.NoError(t, err, v.Name)
		// sub, 15 stp, add, stp, 7 PSTATE words, stp, [add x29], mov, bl,
		// mov, ldr, and, msr, 15 ldp, add, ret.
		n := 1 + 15 + 1 + 1 + 7 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 15 + 1 + 1
		if v.KretprobeFramePointer {
			n++
		}
		assert.EqualValues(t, 4*n, tc.size, v.Name)
		assert.Equal(t, tc.size, tc.handler, "trampoline_probe_handler follows the trampoline")
		assert.Equal(t, tc.handler+8, tc.body, "after its frame record")
		assert.Equal(t, tc.body+8, tc.bug)
		assert.Equal(t, arm64.EncodeBRK(BUG_BRK_IMM), tc.words[tc.bug/4])
		in, err := arm64.Decode(tc.words[tc.body/4+1])
		require.NoError(t, err)
		assert.Equal(t, "ret", arm64.GNUSyntax(in))
	}
	assert.EqualValues(t, 320, ptRegsSize(V5_4))
	assert.EqualValues(t, 336, ptRegsSize(V6_1))
}

func TestVersionEntryProbeXOL(t *testing.T) {
	for _, v := range Versions() {
		for _, sym := range []string{"chain_a", "chain_c"} { // paciasp, bti c
			t.Run(v.Name+"/"+sym, func(t *testing.T) {
				f := newVerFixture(t, v)
				c := f.m.CPU(0)
				c.SetDAIF(0)
				require.Zero(t, c.MDSCR())
				a := f.addr(t, sym)
				orig := f.word(t, a)
				var pre, post int
				var preESR, postESR, postPC, postDAIF, postMDSCR uint64
				p := &Kprobe{SymbolName: sym,
					PreHandler: func(p *Kprobe, regs *PtRegs) int {
						pre++
						preESR = c.ESR()
						return 0
					},
					PostHandler: func(p *Kprobe, regs *PtRegs, flags uint64) {
						post++
						postESR, postPC = c.ESR(), regs.PC
						postDAIF = regs.PState & (emu.PSR_DAIF | emu.PSR_SS)
						postMDSCR = c.MDSCR()
					}}
				require.NoError(t, f.s.RegisterKprobe(p))
				require.Equal(t, InsnGood, p.Decision().Class)
				slot := p.Slot()
				require.NotZero(t, slot)

				// Slot contents (reference §4.3).
				assert.Equal(t, orig, f.word(t, slot), "slot[0]")
				if v.BrkSingleStep {
					assert.EqualValues(t, wordBRK6, f.word(t, slot+4), "slot[1] = BRK #6")
				} else {
					assert.Zero(t, f.word(t, slot+4), "one-word slot: nothing written after it")
				}

				// What the CPU sees in the slot: DAIF, PSTATE.SS, MDSCR_EL1.
				type inSlot struct{ daif, ss, mdscr uint64 }
				var seen []inSlot
				f.m.AddCodeHook(slot, slot+4, func(c *emu.CPU, pc uint64, _ *arm64.Inst) {
					if pc == slot {
						seen = append(seen, inSlot{c.DAIF(), c.PSTATE() & emu.PSR_SS, c.MDSCR()})
					}
				})

				ref := map[string]func(uint64) uint64{"chain_a": kl.ChainA, "chain_c": kl.ChainC}[sym]
				for i, x := range []uint64{0, 5, 1 << 40, ^uint64(0)} {
					f.excs = nil
					assert.Equal(t, ref(x), kl.Call(t, f.m, f.l, sym, x))
					assert.Equal(t, i+1, pre)
					assert.Equal(t, i+1, post)
					ec, esr := stepEC(v)
					require.Len(t, f.excs, 2, "BRK #4, then the end of the step")
					assert.Equal(t, []emu.EC{emu.ECBRK64, ec}, f.ecs())
					assert.EqualValues(t, esrBRK4, f.excs[0].esr)
					assert.Equal(t, a, f.excs[0].elr)
					assert.Equal(t, esr, f.excs[1].esr)
					assert.Equal(t, slot+4, f.excs[1].elr, "the step ends after the one instruction")
					assert.Zero(t, f.excs[0].mdscr, "MDSCR_EL1 before the hit")
					if v.BrkSingleStep {
						assert.Zero(t, f.excs[1].mdscr)
						assert.EqualValues(t, emu.PSR_DAIF, f.excs[1].spsrSSDAIF, "all of DAIF masked in the slot")
					} else {
						assert.EqualValues(t, DBG_MDSCR_SS|DBG_MDSCR_KDE|DBG_MDSCR_MDE, f.excs[1].mdscr,
							"kernel_enable_single_step: SS, KDE and MDE")
						assert.EqualValues(t, emu.PSR_I, f.excs[1].spsrSSDAIF,
							"I set, D clear; SPSR.SS 0: the step was active-pending")
					}
					assert.Zero(t, c.MDSCR(), "MDSCR_EL1 after the step")
					assert.Zero(t, c.DAIF())
				}
				assert.EqualValues(t, esrBRK4, preESR)
				_, esr := stepEC(v)
				assert.Equal(t, esr, postESR, "the post-handler runs in the exception that ends the step")
				assert.Equal(t, a+4, postPC)
				assert.Zero(t, postDAIF, "DAIF restored (and SPSR.SS clear) before the post-handler")
				assert.Zero(t, postMDSCR, "stepping is off before the post-handler")
				require.Len(t, seen, 4)
				if v.BrkSingleStep {
					assert.Equal(t, inSlot{emu.PSR_DAIF, 0, 0}, seen[0])
				} else {
					assert.Equal(t, inSlot{emu.PSR_I, emu.PSR_SS, DBG_MDSCR_SS | DBG_MDSCR_KDE | DBG_MDSCR_MDE}, seen[0],
						"I masked, D clear, PSTATE.SS set (active-not-pending)")
				}
				assert.Zero(t, f.s.kcb[0].dbg.kdeRefCount)
				assert.Nil(t, f.s.KprobeRunning(0))
				assert.Zero(t, p.NMissed)

				f.s.UnregisterKprobe(p)
				assert.Equal(t, orig, f.word(t, a))
			})
		}
	}
}

// TestVersionInterruptedDAIF: the DAIF bits of the interrupted context
// come back whatever they were; in the slot v5.4 keeps A and F as they
// were.
func TestVersionInterruptedDAIF(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			c := f.m.CPU(0)
			c.SetDAIF(emu.PSR_A | emu.PSR_D)
			p := &Kprobe{SymbolName: "chain_c", Offset: 4}
			require.NoError(t, f.s.RegisterKprobe(p))
			var slotDAIF uint64
			f.m.AddCodeHook(p.Slot(), p.Slot(), func(c *emu.CPU, _ uint64, _ *arm64.Inst) { slotDAIF = c.DAIF() })
			assert.Equal(t, kl.ChainC(9), kl.Call(t, f.m, f.l, "chain_c", 9))
			assert.EqualValues(t, emu.PSR_A|emu.PSR_D, c.DAIF())
			if v.BrkSingleStep {
				assert.EqualValues(t, emu.PSR_DAIF, slotDAIF)
			} else {
				assert.EqualValues(t, emu.PSR_A|emu.PSR_I, slotDAIF, "D cleared so the step is taken, I set")
			}
		})
	}
}

func TestVersionSimulatedBranch(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			var post int
			var postPC, postESR uint64
			p := &Kprobe{SymbolName: "chain_a", Offset: 0x10, // bl chain_b
				PostHandler: func(p *Kprobe, regs *PtRegs, flags uint64) {
					post++
					postPC, postESR = regs.PC, f.m.CPU(0).ESR()
				}}
			require.NoError(t, f.s.RegisterKprobe(p))
			assert.Equal(t, InsnGoodNoSlot, p.Decision().Class)
			assert.Zero(t, p.Slot())
			for _, x := range []uint64{3, 1 << 33} {
				f.excs = nil
				assert.Equal(t, kl.ChainA(x), kl.Call(t, f.m, f.l, "chain_a", x))
				assert.Equal(t, []emu.EC{emu.ECBRK64}, f.ecs(), "simulated: one exception, no step")
				assert.Zero(t, f.excs[0].mdscr)
			}
			assert.Equal(t, 2, post)
			assert.Equal(t, f.addr(t, "chain_b"), postPC)
			assert.EqualValues(t, esrBRK4, postESR)
			assert.Zero(t, f.m.CPU(0).MDSCR())
			assert.Empty(t, f.s.InsnPages())
		})
	}
}

// TestVersionTransparency probes every instruction the profile's decoder
// accepts in several functions at once and compares the results with the
// Go references.
func TestVersionTransparency(t *testing.T) {
	funcs := []string{"chain_a", "chain_b", "chain_c", "fib", "clamp", "max_u64", "sign",
		"abs_diff", "popcount64", "bitrev32", "hash_64", "syscall_class", "errno_class", "strlen"}
	for _, v := range Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			hits := 0
			var probes []*Kprobe
			for _, fn := range funcs {
				loc, ok := f.s.Symbols().LookupAddr(f.addr(t, fn))
				require.True(t, ok)
				for off := uint64(0); off < loc.Size; off += 4 {
					p := &Kprobe{SymbolName: fn, Offset: off,
						PreHandler: func(*Kprobe, *PtRegs) int { hits++; return 0 }}
					if err := f.s.RegisterKprobe(p); err != nil {
						require.ErrorIs(t, err, EINVAL, "%s+%#x", fn, off)
						continue
					}
					probes = append(probes, p)
				}
			}
			require.Greater(t, len(probes), 100)
			call := func(name string, args ...uint64) uint64 { return kl.Call(t, f.m, f.l, name, args...) }
			require.NoError(t, f.m.Memory().Write(kl.Scratch, []byte("kprobes\x00")))
			for _, x := range []uint64{0, 1, 77, 0xff, 1 << 63, ^uint64(0), 0x123456789} {
				assert.Equal(t, kl.ChainA(x), call("chain_a", x))
				assert.Equal(t, kl.Clamp(int64(x), -100, 1000), int64(call("clamp", x, uint64(1<<64-100), 1000)))
				assert.Equal(t, kl.AbsDiff(x, 12345), call("abs_diff", x, 12345))
				assert.Equal(t, kl.MaxU64(x, 1<<40), call("max_u64", x, 1<<40))
				assert.EqualValues(t, kl.Popcount64(x), call("popcount64", x))
				assert.EqualValues(t, kl.Bitrev32(uint32(x)), call("bitrev32", x&0xffffffff))
				assert.Equal(t, kl.Hash64(x, 12), call("hash_64", x, 12))
				assert.Equal(t, kl.SyscallClass(uint32(x%300)), call("syscall_class", x%300))
				assert.Equal(t, kl.ErrnoClass(uint32(x%140)), call("errno_class", x%140))
				assert.EqualValues(t, uint32(kl.Sign(int64(x))), call("sign", x))
			}
			assert.EqualValues(t, 7, call("strlen", kl.Scratch))
			for n := uint64(0); n < 10; n++ {
				assert.Equal(t, kl.Fib(n), call("fib", n))
			}
			assert.Positive(t, hits)
			// The step ends as the profile says, and only so.
			steps, brk6 := 0, 0
			for _, e := range f.excs {
				switch {
				case e.ec == emu.ECSoftStepCur:
					steps++
				case e.esr == esrBRK6:
					brk6++
				}
			}
			if v.BrkSingleStep {
				assert.Zero(t, steps)
				assert.Positive(t, brk6)
			} else {
				assert.Zero(t, brk6)
				assert.Positive(t, steps)
			}
			for _, p := range probes {
				assert.Zero(t, p.NMissed)
			}
			assert.Zero(t, f.m.CPU(0).MDSCR())
			f.s.UnregisterKprobes(probes)
			assert.Equal(t, kl.ChainA(5), call("chain_a", 5))
		})
	}
}

// TestVersionKprobeMissed is KUnit test_kprobe_missed under every
// profile: one reentry from the pre-handler (HIT_ACTIVE), one from the
// post-handler (HIT_SSDONE); under v5.4 the nested step is a hardware
// step inside the outer handler.
func TestVersionKprobeMissed(t *testing.T) {
	for _, v := range Versions() {
		for _, off := range []uint64{0, 0x10} { // XOL (paciasp) and simulated (bl)
			f := newVerFixture(t, v)
			fn := f.addr(t, "chain_a")
			const rand1 = 1234567
			var preh, posth uint64
			nested := func() uint64 {
				r, err := f.m.Call(context.Background(), fn, []uint64{rand1}, nil)
				require.NoError(t, err)
				return r
			}
			p := &Kprobe{SymbolName: "chain_a", Offset: off,
				PreHandler: func(*Kprobe, *PtRegs) int { preh = nested(); return 0 },
				PostHandler: func(*Kprobe, *PtRegs, uint64) {
					posth = nested() + 3
				}}
			require.NoError(t, f.s.RegisterKprobe(p))
			assert.Equal(t, kl.ChainA(77), kl.Call(t, f.m, f.l, "chain_a", 77), "%v +%#x", v, off)
			assert.EqualValues(t, 2, p.NMissed, "%v +%#x", v, off)
			assert.Equal(t, kl.ChainA(rand1), preh)
			assert.Equal(t, kl.ChainA(rand1)+3, posth)
			assert.Nil(t, f.s.KprobeRunning(0))
			assert.Zero(t, f.m.CPU(0).MDSCR())
			if off == 0 {
				ec, _ := stepEC(v)
				n := 0
				for _, e := range f.excs {
					if e.ec == ec && e.elr == p.Slot()+4 {
						n++
					}
				}
				assert.Equal(t, 3, n, "%v: three steps (outer, two nested)", v)
			}
		}
	}
}

// TestVersionBrkWithoutProbe: a BRK #4 whose probe is gone (reference
// §5.2, scenario 6). Here the word is restored between the exception and
// the handler, as when another CPU unregisters the probe.
func TestVersionBrkWithoutProbe(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			a := f.addr(t, "chain_c") + 4
			orig := f.word(t, a)
			require.NoError(t, f.s.PatchText(a, wordBRK4))
			f.m.AddExceptionHook(func(c *emu.CPU, e *emu.Exception) {
				if e.EC == emu.ECBRK64 && e.ELR == a {
					require.NoError(t, f.s.PatchText(a, orig))
				}
			})
			r, err := f.m.Call(context.Background(), f.addr(t, "chain_c"), []uint64{10}, nil)
			if v.NoProbeBrkIsError {
				var oops *Oops
				require.ErrorAs(t, err, &oops)
				assert.Equal(t, "Oops - BRK", oops.Msg)
				assert.Equal(t, a, oops.PC)
				return
			}
			require.NoError(t, err, "handled: back to the address, which runs the restored word")
			assert.Equal(t, kl.ChainC(10), r)
			assert.Equal(t, []emu.EC{emu.ECBRK64}, f.ecs())
		})
	}
}

// TestVersionStepDoneCheck: what makes BRK #6 kprobes' (§5.4). v6.2+
// looks at the running probe and its status; v5.10-v6.1 at the pending
// step recorded by setup_singlestep; v5.4 has no BRK #6 hook at all.
func TestVersionStepDoneCheck(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			p := &Kprobe{SymbolName: "chain_c", Offset: 4}
			require.NoError(t, f.s.RegisterKprobe(p))
			// A running probe in HIT_SS with no step recorded, and a BRK #6
			// at its slot + 4 (v5.4's one-word slot gets one written).
			if !v.BrkSingleStep {
				require.NoError(t, f.s.PatchText(p.Slot()+4, wordBRK6))
			}
			f.s.kcb[0].current, f.s.kcb[0].status = p, KPROBE_HIT_SS
			f.m.CPU(0).SetX(0, 10)
			_, err := f.m.Call(context.Background(), p.Slot()+4, []uint64{10}, nil)
			if v.SsCtxRemoved {
				require.NoError(t, err)
				assert.Nil(t, f.s.KprobeRunning(0))
				return
			}
			var oops *Oops
			require.ErrorAs(t, err, &oops)
			assert.EqualValues(t, esrBRK6, oops.ESR)
		})
	}
}

// TestVersionReenterMessage: the BUG() message of an unrecoverable
// reentry (§5.6) before and after the v5.15 message cleanup.
func TestVersionReenterMessage(t *testing.T) {
	for _, v := range Versions() {
		f := newVerFixture(t, v)
		outer := &Kprobe{SymbolName: "chain_a", Offset: 4}
		require.NoError(t, f.s.RegisterKprobe(outer))
		p := &Kprobe{SymbolName: "chain_c"}
		require.NoError(t, f.s.RegisterKprobe(p))
		f.s.kcb[0].current, f.s.kcb[0].status = outer, KPROBE_REENTER
		_, err := f.m.Call(context.Background(), p.Addr, []uint64{1}, nil)
		var oops *Oops
		require.ErrorAs(t, err, &oops)
		want := "Failed to recover from reentered kprobes."
		if v == V5_4 {
			want = "Unrecoverable kprobe detected."
		}
		assert.Equal(t, want, oops.Msg, v.Name)
	}
}

// TestVersionFaultInSlot: the stepped instruction faults (§5.10). Every
// version sends PC back to the probe address and unwinds the state;
// v5.4 also turns the hardware step off, and leaves the step's masking
// (I) in PSTATE, as kernels before "arm64: kprobes: Restore local
// irqflag if kprobes is cancelled" did.
func TestVersionFaultInSlot(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			p := &Kprobe{SymbolName: "strlen", Offset: 8} // ldrb w2, [x1], #1
			require.NoError(t, f.s.RegisterKprobe(p))
			require.NotZero(t, p.Slot())
			end := uint64(kl.Scratch + kl.ScratchSize)
			require.NoError(t, f.m.Memory().Write(end-2, []byte{'a', 'b'}))
			c := f.m.CPU(0)
			c.SetDAIF(0)
			_, err := f.m.Call(context.Background(), f.addr(t, "strlen"), []uint64{end - 2}, nil)
			var ee *emu.ExceptionError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, emu.ECDataAbortCur, ee.Exception.EC)
			assert.Equal(t, p.Slot(), ee.Exception.ELR)
			assert.Equal(t, p.Addr, c.PC(), "back at the probe address")
			assert.Nil(t, f.s.KprobeRunning(0))
			assert.Zero(t, c.MDSCR(), "no step left on")
			assert.Zero(t, f.s.kcb[0].dbg.kdeRefCount, "the debug monitors are off")
			if v.RestoreIrqflagOnFault {
				assert.Zero(t, c.DAIF(), "DAIF restored")
			} else {
				assert.EqualValues(t, emu.PSR_I, c.DAIF(), "the step's masking stays")
			}
		})
	}
}

// TestVersionFaultInHandler: a fault in a pre-handler's guest call counts
// in nmissed before "kprobes: Remove kprobe::fault_handler" (v5.14).
func TestVersionFaultInHandler(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			strlen := f.addr(t, "strlen")
			end := uint64(kl.Scratch + kl.ScratchSize)
			// The fault is resolved (the page mapped, zero-filled).
			faults := 0
			f.m.HandleException(emu.ECDataAbortCur, func(c *emu.CPU, e *emu.Exception) (bool, error) {
				faults++
				return true, f.m.Map(end, emu.PageSize, emu.PermRW)
			})
			var n uint64
			p := &Kprobe{SymbolName: "chain_c",
				PreHandler: func(*Kprobe, *PtRegs) int {
					var err error
					n, err = f.m.Call(context.Background(), strlen, []uint64{end}, nil)
					require.NoError(t, err)
					return 0
				}}
			require.NoError(t, f.s.RegisterKprobe(p))
			assert.Equal(t, kl.ChainC(4), kl.Call(t, f.m, f.l, "chain_c", 4))
			assert.Equal(t, 1, faults, "the handler's guest call faulted once")
			assert.Zero(t, n)
			if v.FaultHandlerRemoved {
				assert.Zero(t, p.NMissed)
			} else {
				assert.EqualValues(t, 1, p.NMissed)
			}
		})
	}
}

// TestDumpKprobe: dump_kprobe's words change in v5.15; the address is
// printed with %pS.
func TestDumpKprobe(t *testing.T) {
	for _, v := range []Version{V5_4, V6_17} {
		f := newVerFixture(t, v)
		p := &Kprobe{SymbolName: "chain_c", Offset: 4}
		require.NoError(t, f.s.RegisterKprobe(p))
		got := f.s.dumpKprobe(p)
		if v.CleanupErrorMessages {
			assert.Equal(t, "Dump kprobe:\n.symbol_name = chain_c, .offset = 4, .addr = "+f.s.symbolize(p.Addr), got)
		} else {
			assert.Equal(t, "Dumping kprobe:\nName: chain_c\nOffset: 4\nAddress: "+f.s.symbolize(p.Addr), got)
		}
		assert.Contains(t, got, "chain_c+0x4/0x")
	}
}
