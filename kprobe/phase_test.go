package kprobe_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// phaseLog collects the phase stream.
type phaseLog struct{ ev []kprobe.PhaseEvent }

func (l *phaseLog) listen(e kprobe.PhaseEvent) { l.ev = append(l.ev, e) }

func (l *phaseLog) phases() []kprobe.Phase {
	out := make([]kprobe.Phase, len(l.ev))
	for i, e := range l.ev {
		out[i] = e.Phase
	}
	return out
}

func (l *phaseLog) find(t *testing.T, ph kprobe.Phase) kprobe.PhaseEvent {
	t.Helper()
	for _, e := range l.ev {
		if e.Phase == ph {
			return e
		}
	}
	require.Failf(t, "phase not seen", "%v", ph)
	return kprobe.PhaseEvent{}
}

func changed(e kprobe.PhaseEvent, name string) (kprobe.RegChange, bool) {
	for _, c := range e.Changed {
		if c.Name == name {
			return c, true
		}
	}
	return kprobe.RegChange{}, false
}

// stepEnd is the phase that ends the out-of-line step: BRK #6 from v5.10,
// the Software Step exception before.
func stepEnd(v kprobe.Version) kprobe.Phase {
	if v.BrkSingleStep {
		return kprobe.PhaseSsBrkHit
	}
	return kprobe.PhaseSingleStep
}

func phaseVersions() []kprobe.Version { return []kprobe.Version{kprobe.V6_17, kprobe.V5_4} }

func TestPhaseXOLHit(t *testing.T) {
	for _, v := range phaseVersions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			log := &phaseLog{}
			f.s.SetPhaseListener(log.listen)
			f.m.CPU(0).SetDAIF(0)
			// chain_c+4: add x0, x0, x0, lsl #1, stepped out of line.
			p, c := f.counting(t, "chain_c", 4)
			require.NotZero(t, p.Slot())
			require.Equal(t, []kprobe.Phase{kprobe.PhaseArmed}, log.phases())
			assert.Equal(t, -1, log.ev[0].CPU)
			assert.Equal(t, p.Addr, log.ev[0].PC)
			log.ev = nil

			assert.Equal(t, kl.ChainC(7), f.call(t, "chain_c", 7))
			require.Equal(t, 1, c.post)
			assert.Equal(t, []kprobe.Phase{kprobe.PhaseBrkHit, kprobe.PhaseHandlerChosen, kprobe.PhasePreHandler,
				kprobe.PhaseXOLEnter, stepEnd(v), kprobe.PhaseDAIFRestored, kprobe.PhasePostHandler,
				kprobe.PhaseResume}, log.phases())

			hit := log.find(t, kprobe.PhaseBrkHit)
			assert.Equal(t, p.Addr, hit.PC)
			assert.EqualValues(t, 0xf2000004, hit.ESR)
			assert.Equal(t, "chain_c+0x4/", hit.Sym[:len("chain_c+0x4/")])
			assert.Zero(t, hit.CPU)
			assert.Zero(t, log.find(t, kprobe.PhasePreHandler).Result)

			xol := log.find(t, kprobe.PhaseXOLEnter)
			assert.Equal(t, p.Slot(), xol.Slot)
			assert.Equal(t, p.Opcode(), xol.Insn)
			assert.Zero(t, xol.DAIF, "the interrupted DAIF, saved")
			pc, ok := changed(xol, "pc")
			require.True(t, ok)
			assert.Equal(t, kprobe.RegChange{Name: "pc", Old: p.Addr, New: p.Slot()}, pc)
			ps, ok := changed(xol, "pstate")
			require.True(t, ok)
			assert.NotZero(t, ps.New&emu.PSR_I, "IRQs masked for the step")

			end := log.find(t, stepEnd(v))
			assert.Equal(t, p.Slot()+4, end.PC)
			if v.BrkSingleStep {
				assert.EqualValues(t, 0xf2000006, end.ESR)
			} else {
				assert.EqualValues(t, 0x33, end.ESR>>26, "Software Step exception, same EL")
			}
			restored := log.find(t, kprobe.PhaseDAIFRestored)
			assert.Zero(t, restored.DAIF)
			ps, ok = changed(restored, "pstate")
			require.True(t, ok)
			assert.Zero(t, ps.New&emu.PSR_DAIF)
			assert.Equal(t, p.Addr+4, log.find(t, kprobe.PhaseResume).PC)
			for _, e := range log.ev {
				assert.Same(t, p, e.Probe, "%v", e.Phase)
			}

			log.ev = nil
			f.s.UnregisterKprobe(p)
			assert.Equal(t, []kprobe.Phase{kprobe.PhaseDisarmed}, log.phases())
		})
	}
}

func TestPhaseSimulatedHit(t *testing.T) {
	for _, v := range phaseVersions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			// chain_a+0x10: bl chain_b, simulated.
			p, _ := f.counting(t, "chain_a", 0x10)
			require.Zero(t, p.Slot())
			log := &phaseLog{}
			f.s.SetPhaseListener(log.listen)
			assert.Equal(t, kl.ChainA(3), f.call(t, "chain_a", 3))
			assert.Equal(t, []kprobe.Phase{kprobe.PhaseBrkHit, kprobe.PhaseHandlerChosen, kprobe.PhasePreHandler,
				kprobe.PhaseSimulated, kprobe.PhasePostHandler, kprobe.PhaseResume}, log.phases())
			sim := log.find(t, kprobe.PhaseSimulated)
			assert.Equal(t, p.Opcode(), sim.Insn)
			chainB := f.addr(t, "chain_b")
			assert.Equal(t, []kprobe.RegChange{
				{Name: "x30", Old: sim.Changed[0].Old, New: p.Addr + 4},
				{Name: "pc", Old: p.Addr, New: chainB},
			}, sim.Changed, "bl writes the link register and PC")
			assert.Equal(t, chainB, log.find(t, kprobe.PhaseResume).PC)
		})
	}
}

func TestPhasePreHandlerReturnsOne(t *testing.T) {
	for _, v := range phaseVersions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			p := &kprobe.Kprobe{SymbolName: "chain_c", Offset: 4,
				PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
					regs.RegsSetReturnValue(42)
					regs.InstructionPointerSet(regs.ProcedureLinkPointer())
					return 1
				},
				PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) {},
			}
			require.NoError(t, f.s.RegisterKprobe(p))
			log := &phaseLog{}
			f.s.SetPhaseListener(log.listen)
			assert.EqualValues(t, 42, f.call(t, "chain_c", 5))
			assert.Equal(t, []kprobe.Phase{kprobe.PhaseBrkHit, kprobe.PhaseHandlerChosen, kprobe.PhasePreHandler,
				kprobe.PhaseResume}, log.phases())
			pre := log.find(t, kprobe.PhasePreHandler)
			assert.Equal(t, 1, pre.Result)
			x0, ok := changed(pre, "x0")
			require.True(t, ok)
			assert.EqualValues(t, 42, x0.New)
			assert.Equal(t, emu.ReturnAddress, log.find(t, kprobe.PhaseResume).PC)
		})
	}
}

func TestPhaseReentryMissed(t *testing.T) {
	for _, v := range phaseVersions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			fn := f.addr(t, "chain_c")
			p := &kprobe.Kprobe{SymbolName: "chain_c", Offset: 4,
				PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
					_, err := f.m.Call(context.Background(), fn, []uint64{1}, nil)
					require.NoError(t, err)
					return 0
				},
			}
			require.NoError(t, f.s.RegisterKprobe(p))
			log := &phaseLog{}
			f.s.SetPhaseListener(log.listen)
			assert.Equal(t, kl.ChainC(9), f.call(t, "chain_c", 9))
			assert.EqualValues(t, 1, p.NMissed)
			end := stepEnd(v)
			assert.Equal(t, []kprobe.Phase{kprobe.PhaseBrkHit, kprobe.PhaseHandlerChosen,
				// the pre-handler's nested call: a miss, stepped without handlers
				kprobe.PhaseBrkHit, kprobe.PhaseMissed, kprobe.PhaseXOLEnter, end, kprobe.PhaseDAIFRestored,
				kprobe.PhaseResume,
				// back in the outer hit
				kprobe.PhasePreHandler, kprobe.PhaseXOLEnter, end, kprobe.PhaseDAIFRestored,
				kprobe.PhaseResume}, log.phases())
			assert.Nil(t, f.s.KprobeRunning(0))
		})
	}
}

// The kretprobe phases: the hijack at the entry and the return. v6.9+
// returns through BRK #7 (an exception: PC changed, then resume); before
// v6.9 the code trampoline calls trampoline_probe_handler, which returns
// the real address in X0 (no exception, no resume event).
func TestPhaseKretprobe(t *testing.T) {
	for _, v := range []kprobe.Version{kprobe.V6_17, kprobe.V6_1, kprobe.V5_4} {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			rp, r := f.kretprobe(t, "chain_c", 0)
			tramp := f.s.KretprobeTrampolineAddr()
			log := &phaseLog{}
			f.s.SetPhaseListener(log.listen)
			assert.Equal(t, kl.ChainC(4), f.call(t, "chain_c", 4))
			require.Equal(t, 1, r.n)
			require.NotZero(t, rp.Kp.Slot(), "chain_c's entry (bti c) is stepped out of line")
			// No post-handler: register_kretprobe clears it.
			want := []kprobe.Phase{kprobe.PhaseBrkHit, kprobe.PhaseHandlerChosen, kprobe.PhaseKretprobeHijack,
				kprobe.PhasePreHandler, kprobe.PhaseXOLEnter, stepEnd(v), kprobe.PhaseDAIFRestored,
				kprobe.PhaseResume, kprobe.PhaseKretprobeReturn}
			if v.KretprobeBrkTrampoline {
				want = append(want, kprobe.PhaseResume)
			}
			assert.Equal(t, want, log.phases())

			hj := log.find(t, kprobe.PhaseKretprobeHijack)
			assert.Equal(t, []kprobe.RegChange{{Name: "x30", Old: emu.ReturnAddress, New: tramp}}, hj.Changed)
			x30, ok := changed(log.find(t, kprobe.PhasePreHandler), "x30")
			require.True(t, ok)
			assert.Equal(t, tramp, x30.New)
			ret := log.find(t, kprobe.PhaseKretprobeReturn)
			assert.Equal(t, tramp, ret.PC)
			assert.Contains(t, ret.Sym, f.s.KretprobeTrampolineName()+"+0x0/")
			if v.KretprobeBrkTrampoline {
				assert.EqualValues(t, 0xf2000007, ret.ESR)
				assert.Equal(t, []kprobe.RegChange{{Name: "pc", Old: tramp, New: emu.ReturnAddress}}, ret.Changed)
				return
			}
			assert.Zero(t, ret.ESR, "no exception")
			require.Len(t, ret.Changed, 1)
			assert.Equal(t, "x0", ret.Changed[0].Name)
			assert.Equal(t, uint64(kl.Stack+kl.StackSize)-map[bool]uint64{true: 336, false: 320}[v.KretprobeHashRemoved],
				ret.Changed[0].Old, "X0 was the pt_regs on the stack")
			assert.Equal(t, emu.ReturnAddress, ret.Changed[0].New, "the real return address, for LR")
			assert.NotContains(t, ret.String(), "esr=")
		})
	}
}

// A fault taken by the instruction stepped out of line: kprobe_fault_handler
// sends PC back to the probe address and (v5.13+) restores the saved DAIF
// bits (reference §5.10, scenario 37).
func TestPhaseKprobeFaultHandler(t *testing.T) {
	for _, v := range phaseVersions() {
		t.Run(v.Name, func(t *testing.T) {
			f := newVersionFixture(t, v)
			p, _ := f.counting(t, "strlen", 8) // ldrb w2, [x1], #1
			require.NotZero(t, p.Slot())
			end := uint64(kl.Scratch + kl.ScratchSize)
			require.NoError(t, f.m.Memory().Write(end-2, []byte{'a', 'b'}))
			f.m.CPU(0).SetDAIF(0)
			log := &phaseLog{}
			f.s.SetPhaseListener(log.listen)
			_, err := f.m.Call(context.Background(), f.addr(t, "strlen"), []uint64{end - 2}, nil)
			var ee *emu.ExceptionError
			require.ErrorAs(t, err, &ee)
			ph := log.phases()
			require.NotEmpty(t, ph)
			assert.Equal(t, kprobe.PhaseKprobeFaultHandler, ph[len(ph)-1], "the last event: the fault in the slot")
			assert.Equal(t, kprobe.PhaseXOLEnter, ph[len(ph)-2])
			ev := log.find(t, kprobe.PhaseKprobeFaultHandler)
			assert.Same(t, p, ev.Probe)
			assert.Equal(t, p.Slot(), ev.PC, "the faulting instruction, in the slot")
			assert.EqualValues(t, emu.ECDataAbortCur, ev.ESR>>26)
			pc, ok := changed(ev, "pc")
			require.True(t, ok)
			assert.Equal(t, kprobe.RegChange{Name: "pc", Old: p.Slot(), New: p.Addr}, pc)
			ps, ok := changed(ev, "pstate")
			if v.RestoreIrqflagOnFault {
				require.True(t, ok, "DAIF restored")
				assert.NotZero(t, ps.Old&emu.PSR_I, "the step's masking")
				assert.Zero(t, ps.New&emu.PSR_DAIF, "the saved (interrupted) DAIF")
				assert.Zero(t, ev.DAIF)
			} else {
				assert.False(t, ok, "v5.4: the step's masking stays")
				assert.EqualValues(t, emu.PSR_I, ev.DAIF)
			}
			assert.Equal(t, p.Addr, f.m.CPU(0).PC())
			s := ev.String()
			assert.Contains(t, s, "kprobe-fault")
			assert.Contains(t, s, fmt.Sprintf("pc:%#x->%#x", p.Slot(), p.Addr))
			assert.Contains(t, s, "esr=0x96")
		})
	}
}

func TestPhaseNoListener(t *testing.T) {
	f := newFixture(t, nil)
	log := &phaseLog{}
	f.s.SetPhaseListener(log.listen)
	f.s.SetPhaseListener(nil)
	p, c := f.counting(t, "chain_a", 0x10)
	assert.Equal(t, kl.ChainA(2), f.call(t, "chain_a", 2))
	q, _ := f.counting(t, "chain_c", 4)
	assert.Equal(t, kl.ChainC(2), f.call(t, "chain_c", 2))
	f.s.UnregisterKprobes([]*kprobe.Kprobe{p, q})
	assert.Equal(t, 1, c.pre)
	assert.Empty(t, log.ev, "no events once the listener is removed")
}

func TestPhaseEventString(t *testing.T) {
	f := newFixture(t, nil)
	log := &phaseLog{}
	f.s.SetPhaseListener(log.listen)
	f.counting(t, "chain_c", 4)
	f.call(t, "chain_c", 1)
	lines := make([]string, len(log.ev))
	for i, e := range log.ev {
		lines[i] = e.String()
	}
	require.Len(t, lines, 9)
	assert.Contains(t, lines[0], "armed")
	assert.Contains(t, lines[1], "cpu0 brk-hit")
	assert.Contains(t, lines[1], "esr=0xf2000004")
	assert.Contains(t, lines[1], "<chain_c+0x4/")
	assert.Contains(t, lines[4], "xol-enter")
	assert.Contains(t, lines[4], "daif saved=")
	assert.Contains(t, lines[2], "insn=0x8b000400 slot=")
	assert.Contains(t, lines[3], "returned 0")
	assert.Contains(t, lines[4], "pc:")
	assert.Contains(t, lines[8], "resume")
	assert.Equal(t, "Phase(99)", kprobe.Phase(99).String())
}
