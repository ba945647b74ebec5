package kprobe

import (
	"github.com/kpemu/kpemu/emu"
)

// kprobe_status values (arch/arm64/include/asm/kprobes.h via
// include/linux/kprobes.h).
const (
	KPROBE_HIT_ACTIVE = 0x00000001
	KPROBE_HIT_SS     = 0x00000002
	KPROBE_REENTER    = 0x00000004
	KPROBE_HIT_SSDONE = 0x00000008
)

// daifMask is the D, A, I and F bits of a saved PSTATE (DAIF_MASK).
const daifMask = emu.PSR_DAIF

type prevKprobe struct {
	kp     *Kprobe
	status int
}

// kprobeCtlblk is struct kprobe_ctlblk plus the per-CPU current_kprobe.
type kprobeCtlblk struct {
	current      *Kprobe
	status       int
	savedIrqflag uint64
	prev         prevKprobe
	// ssCtx is the pending step of kernels before v6.2 (!SsCtxRemoved).
	ssCtx ssContext
	// dbg is this CPU's debug-monitor state for the pre-v5.10 hardware
	// step (singlestep.go).
	dbg debugMonitors
}

// KprobeRunning is kprobe_running on CPU cpu: the probe being handled,
// nil when none.
func (s *Subsystem) KprobeRunning(cpu int) *Kprobe {
	if cpu < 0 || cpu >= len(s.kcb) {
		return nil
	}
	return s.kcb[cpu].current
}

// KprobeStatus is the CPU's kprobe_ctlblk.kprobe_status.
func (s *Subsystem) KprobeStatus(cpu int) int {
	if cpu < 0 || cpu >= len(s.kcb) {
		return 0
	}
	return s.kcb[cpu].status
}

func (s *Subsystem) ctlblk(c *emu.CPU) *kprobeCtlblk { return &s.kcb[c.ID()] }

// kprobeBrkHandler is kprobe_brk_handler (v6.17; kprobe_breakpoint_handler
// before): BRK #4 at the probe address (reference §5.2).
func (s *Subsystem) kprobeBrkHandler(c *emu.CPU, regs *PtRegs, esr uint64) (int, error) {
	kcb := s.ctlblk(c)
	addr := regs.InstructionPointer()
	p := s.probes[addr]
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseBrkHit, CPU: c.ID(), Probe: p, PC: addr, ESR: esr, DAIF: regs.PState & daifMask})
	}
	if p == nil {
		if s.ver.NoProbeBrkIsError {
			// v6.2+: no probe here is an error (WARN_ON_ONCE, then die).
			return DBG_HOOK_ERROR, nil
		}
		// Before v6.2 (kprobe_handler): the BRK was removed right after
		// it was hit; return to the address and execute what is there now.
		return DBG_HOOK_HANDLED, nil
	}
	if kcb.current != nil {
		return s.reenterKprobe(c, p, regs, kcb)
	}
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseHandlerChosen, CPU: c.ID(), Probe: p, PC: addr, Slot: p.slot, Insn: p.opcode})
	}
	kcb.current, kcb.status = p, KPROBE_HIT_ACTIVE
	if p.PreHandler == nil || s.callPreHandler(c, p, regs) == 0 {
		if err := s.setupSinglestep(c, p, regs, kcb, false); err != nil {
			return DBG_HOOK_ERROR, err
		}
		return DBG_HOOK_HANDLED, nil
	}
	// The pre-handler changed PC: resume there, no step, no post-handler
	// (§5.7).
	kcb.current = nil
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseResume, CPU: c.ID(), Probe: p, PC: regs.PC})
	}
	return DBG_HOOK_HANDLED, nil
}

// callPreHandler calls p.PreHandler (kprobe_handler's
// "if (!p->pre_handler || !p->pre_handler(p, regs))"), reporting its
// result and what it changed to the phase listener.
func (s *Subsystem) callPreHandler(c *emu.CPU, p *Kprobe, regs *PtRegs) int {
	if s.phase == nil {
		return p.PreHandler(p, regs)
	}
	before := *regs
	r := p.PreHandler(p, regs)
	s.emitPhase(PhaseEvent{Phase: PhasePreHandler, CPU: c.ID(), Probe: p, PC: p.Addr, Result: r,
		Changed: regsDiff(&before, regs)})
	return r
}

// reenterKprobe is reenter_kprobe: a probe hit while another is being
// handled on this CPU (§5.6).
func (s *Subsystem) reenterKprobe(c *emu.CPU, p *Kprobe, regs *PtRegs, kcb *kprobeCtlblk) (int, error) {
	switch kcb.status {
	case KPROBE_HIT_SSDONE, KPROBE_HIT_ACTIVE:
		incNmissed(p)
		if s.phase != nil {
			s.emitPhase(PhaseEvent{Phase: PhaseMissed, CPU: c.ID(), Probe: p, PC: p.Addr, Insn: p.opcode, Slot: p.slot})
		}
		if err := s.setupSinglestep(c, p, regs, kcb, true); err != nil {
			return DBG_HOOK_ERROR, err
		}
		return DBG_HOOK_HANDLED, nil
	case KPROBE_HIT_SS, KPROBE_REENTER:
		// pr_warn, dump_kprobe, BUG().
		msg := "Failed to recover from reentered kprobes."
		if !s.ver.CleanupErrorMessages {
			msg = "Unrecoverable kprobe detected."
		}
		return DBG_HOOK_ERROR, &Oops{Msg: msg,
			ESR: c.ESR(), PC: regs.PC, Sym: s.symbolize(regs.PC), Probe: s.dumpKprobe(p)}
	}
	// WARN_ON(1); v6.2+ returns an error, older kernels return handled
	// without doing anything.
	if !s.ver.NoProbeBrkIsError {
		return DBG_HOOK_HANDLED, nil
	}
	return DBG_HOOK_ERROR, nil
}

// setupSinglestep is setup_singlestep (§5.3; §5.9 for the hardware step
// of kernels before v5.10).
func (s *Subsystem) setupSinglestep(c *emu.CPU, p *Kprobe, regs *PtRegs, kcb *kprobeCtlblk, reenter bool) error {
	if reenter {
		kcb.prev = prevKprobe{kcb.current, kcb.status}
		kcb.current, kcb.status = p, KPROBE_REENTER
	} else {
		kcb.status = KPROBE_HIT_SS
	}
	var before PtRegs
	if s.phase != nil {
		before = *regs
	}
	if p.slot != 0 {
		if !s.ver.SsCtxRemoved {
			kcb.ssCtx.set(p.slot) // set_ss_context: mark the step pending
		}
		if !s.ver.BrkSingleStep {
			// Before v5.10: set I, clear D, and step the one-word slot
			// with the hardware (singlestep.go).
			s.kprobesSaveLocalIrqflagHWStep(kcb, regs)
			s.kernelEnableSingleStep(c, kcb, regs)
			regs.InstructionPointerSet(p.slot)
			if s.phase != nil {
				s.emitXOLEnter(c, p, kcb, &before, regs)
			}
			return nil
		}
		// kprobes_save_local_irqflag: mask D, A, I and F for the step.
		kcb.savedIrqflag = regs.PState & daifMask
		regs.PState |= daifMask
		regs.InstructionPointerSet(p.slot)
		if s.phase != nil {
			s.emitXOLEnter(c, p, kcb, &before, regs)
		}
		return nil
	}
	// Simulated in this exception, then post handling at once
	// (arch_simulate_insn: the handler gets p->addr, whatever PC is).
	if err := Simulate(s.ver, p.decision.Handler, p.opcode, p.Addr, regs, c); err != nil {
		return &Oops{Msg: "Unable to handle kernel paging request in kprobe simulation: " + err.Error(),
			ESR: c.ESR(), PC: p.Addr, Sym: s.symbolize(p.Addr), Probe: s.dumpKprobe(p)}
	}
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseSimulated, CPU: c.ID(), Probe: p, PC: p.Addr, Insn: p.opcode,
			Changed: regsDiff(&before, regs)})
	}
	s.postKprobeHandler(p, kcb, regs)
	return nil
}

// emitXOLEnter reports the ERET into the slot: the instruction, the
// saved DAIF and what setup_singlestep changed.
func (s *Subsystem) emitXOLEnter(c *emu.CPU, p *Kprobe, kcb *kprobeCtlblk, before, regs *PtRegs) {
	s.emitPhase(PhaseEvent{Phase: PhaseXOLEnter, CPU: c.ID(), Probe: p, PC: p.slot, Slot: p.slot,
		Insn: p.opcode, DAIF: kcb.savedIrqflag, Changed: regsDiff(before, regs)})
}

// kprobeSsBrkHandler is kprobe_ss_brk_handler (v6.17;
// kprobe_breakpoint_ss_handler from v5.10): BRK #6 at slot + 4 ends the
// out-of-line step (§5.4). Kernels before v5.10 have no BRK #6 hook: the
// BRK is nobody's and the kernel dies.
func (s *Subsystem) kprobeSsBrkHandler(c *emu.CPU, regs *PtRegs, esr uint64) (int, error) {
	if !s.ver.BrkSingleStep {
		return DBG_HOOK_ERROR, nil
	}
	kcb := s.ctlblk(c)
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseSsBrkHit, CPU: c.ID(), Probe: kcb.current, PC: regs.PC, ESR: esr})
	}
	if !s.ver.SsCtxRemoved {
		// v5.10-v6.1: kprobe_ss_hit on the recorded pending step.
		if !kcb.ssCtx.hit(regs.InstructionPointer()) {
			return DBG_HOOK_ERROR, nil
		}
		s.kprobesRestoreLocalIrqflag(c, kcb, regs)
		if kcb.current != nil { // post_kprobe_handler: nothing when no probe runs
			s.postKprobeHandler(kcb.current, kcb, regs)
		}
		return DBG_HOOK_HANDLED, nil
	}
	cur := kcb.current
	if cur != nil && kcb.status&(KPROBE_HIT_SS|KPROBE_REENTER) != 0 && cur.slot != 0 &&
		regs.InstructionPointer() == cur.slot+4 {
		s.kprobesRestoreLocalIrqflag(c, kcb, regs)
		s.postKprobeHandler(cur, kcb, regs)
		return DBG_HOOK_HANDLED, nil
	}
	return DBG_HOOK_ERROR, nil
}

// kprobesRestoreLocalIrqflag is kprobes_restore_local_irqflag: the
// interrupted DAIF bits back into the saved PSTATE.
func (s *Subsystem) kprobesRestoreLocalIrqflag(c *emu.CPU, kcb *kprobeCtlblk, regs *PtRegs) {
	old := regs.PState
	regs.PState = regs.PState&^daifMask | kcb.savedIrqflag
	if s.phase != nil {
		var ch []RegChange
		if old != regs.PState {
			ch = []RegChange{{"pstate", old, regs.PState}}
		}
		s.emitPhase(PhaseEvent{Phase: PhaseDAIFRestored, CPU: c.ID(), Probe: kcb.current, PC: regs.PC,
			DAIF: kcb.savedIrqflag, Changed: ch})
	}
}

// postKprobeHandler is post_kprobe_handler (§5.5).
func (s *Subsystem) postKprobeHandler(cur *Kprobe, kcb *kprobeCtlblk, regs *PtRegs) {
	if cur.xolRestore != 0 {
		regs.InstructionPointerSet(cur.xolRestore)
	}
	if kcb.status == KPROBE_REENTER {
		kcb.current, kcb.status = kcb.prev.kp, kcb.prev.status
		s.reapSlots()
		if s.phase != nil {
			s.emitPhase(PhaseEvent{Phase: PhaseResume, CPU: s.kcbCPU(kcb), Probe: cur, PC: regs.PC})
		}
		return
	}
	kcb.status = KPROBE_HIT_SSDONE
	if cur.PostHandler != nil {
		if s.phase == nil {
			cur.PostHandler(cur, regs, 0)
		} else {
			before := *regs
			cur.PostHandler(cur, regs, 0)
			s.emitPhase(PhaseEvent{Phase: PhasePostHandler, CPU: s.kcbCPU(kcb), Probe: cur, PC: cur.Addr,
				Changed: regsDiff(&before, regs)})
		}
	}
	kcb.current = nil
	s.reapSlots()
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseResume, CPU: s.kcbCPU(kcb), Probe: cur, PC: regs.PC})
	}
}

// kcbCPU is the CPU whose control block kcb is (the kernel's per-CPU
// variable has its CPU implicit).
func (s *Subsystem) kcbCPU(kcb *kprobeCtlblk) int {
	for i := range s.kcb {
		if &s.kcb[i] == kcb {
			return i
		}
	}
	return -1
}
