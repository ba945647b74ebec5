package kprobe

import "github.com/kpemu/kpemu/emu"

// The hardware single-step scheme of kernels before v5.10
// (!Version.BrkSingleStep; reference §1.2, §5.8, §5.9): the XOL slot holds
// only the probed instruction; setup_singlestep sets PSTATE.I, clears
// PSTATE.D (a Software Step exception is only taken at EL1 with D clear,
// Arm ARM D2.12) and calls kernel_enable_single_step, which sets SPSR.SS
// in pt_regs and MDSCR_EL1.SS, and KDE and MDE through the per-CPU
// debug-monitor reference counts. The ERET into the slot executes the
// instruction and the CPU takes the Software Step exception (EC 0x33,
// ELR = slot + 4); kprobes' step hook (kprobe_single_step_handler) checks
// the pending step, restores DAIF, calls kernel_disable_single_step and
// post_kprobe_handler.

// MDSCR_EL1 and SPSR bits (arch/arm64/include/asm/debug-monitors.h).
const (
	DBG_MDSCR_SS  = 1 << 0
	DBG_MDSCR_KDE = 1 << 13
	DBG_MDSCR_MDE = 1 << 15
	DBG_SPSR_SS   = 1 << 21
)

// ssContext is struct kprobe_step_ctx (kernels before v6.2).
type ssContext struct {
	ssPending bool
	matchAddr uint64
}

// set is set_ss_context: the step of the slot at slot is pending and ends
// at slot + 4 (the exception after the one stepped instruction, or the
// BRK #6 after it).
func (x *ssContext) set(slot uint64) {
	x.ssPending, x.matchAddr = true, slot+4
}

// hit is kprobe_ss_hit: the pending step ends at addr; clear_ss_context.
func (x *ssContext) hit(addr uint64) bool {
	if x.ssPending && x.matchAddr == addr {
		*x = ssContext{}
		return true
	}
	return false
}

// debugMonitors is a CPU's share of arch/arm64/kernel/debug-monitors.c:
// the mde_ref_count and kde_ref_count per-CPU counters.
type debugMonitors struct {
	mdeRefCount, kdeRefCount int
}

// kprobesSaveLocalIrqflagHWStep is kprobes_save_local_irqflag before
// v5.10: save the DAIF bits, mask IRQs, and unmask debug exceptions so
// the step exception can be taken.
func (s *Subsystem) kprobesSaveLocalIrqflagHWStep(kcb *kprobeCtlblk, regs *PtRegs) {
	kcb.savedIrqflag = regs.PState & daifMask
	regs.PState |= emu.PSR_I
	regs.PState &^= emu.PSR_D
}

// kernelEnableSingleStep is kernel_enable_single_step(regs)
// (debug-monitors.c): SPSR.SS in the saved PSTATE, MDSCR_EL1.SS, then
// enable_debug_monitors(DBG_ACTIVE_EL1), which sets MDE and KDE when
// their per-CPU counts leave zero. (kprobes' step hook, singleStepHandler,
// is installed once by New, as arch_init_kprobes registers it.)
func (s *Subsystem) kernelEnableSingleStep(c *emu.CPU, kcb *kprobeCtlblk, regs *PtRegs) {
	regs.PState |= DBG_SPSR_SS
	mdscr := c.MDSCR() | DBG_MDSCR_SS
	kcb.dbg.mdeRefCount++
	if kcb.dbg.mdeRefCount == 1 {
		mdscr |= DBG_MDSCR_MDE
	}
	kcb.dbg.kdeRefCount++
	if kcb.dbg.kdeRefCount == 1 {
		mdscr |= DBG_MDSCR_KDE
	}
	c.SetMDSCR(mdscr)
}

// kernelDisableSingleStep is kernel_disable_single_step: MDSCR_EL1.SS
// off, then disable_debug_monitors(DBG_ACTIVE_EL1), which clears MDE and
// KDE when their counts drop to zero.
func (s *Subsystem) kernelDisableSingleStep(c *emu.CPU, kcb *kprobeCtlblk) {
	mdscr := c.MDSCR() &^ DBG_MDSCR_SS
	if kcb.dbg.mdeRefCount > 0 {
		kcb.dbg.mdeRefCount--
		if kcb.dbg.mdeRefCount == 0 {
			mdscr &^= DBG_MDSCR_MDE
		}
	}
	if kcb.dbg.kdeRefCount > 0 {
		kcb.dbg.kdeRefCount--
		if kcb.dbg.kdeRefCount == 0 {
			mdscr &^= DBG_MDSCR_KDE
		}
	}
	c.SetMDSCR(mdscr)
}

// singleStepHandler is the EL1 Software Step path of do_debug_exception:
// single_step_handler offering the exception to the kernel step hooks
// (call_step_hook), of which kprobes' is the one modelled. A step that is
// not kprobes' is left to the machine's other handlers (the v5.4 kernel
// warns "Unexpected kernel single-step exception at EL1" and steps on).
func (s *Subsystem) singleStepHandler(c *emu.CPU, e *emu.Exception) (bool, error) {
	if e.FromEL != 1 || s.ver.BrkSingleStep || s.closed {
		return false, nil
	}
	regs := s.pushRegs(c)
	defer s.popRegs()
	if s.kprobeSingleStepHandler(c, regs, e.ESR()) != DBG_HOOK_HANDLED {
		return false, nil
	}
	regsToException(c, regs)
	return true, nil
}

// kprobeSingleStepHandler is kprobe_single_step_handler (before v5.10):
// the step is kprobes' when it is the pending one (kprobe_ss_hit, PC ==
// slot + 4); then DAIF is restored (kprobes_restore_local_irqflag),
// stepping turned off and the post handling done, which sets PC to the
// probe address + 4.
func (s *Subsystem) kprobeSingleStepHandler(c *emu.CPU, regs *PtRegs, esr uint64) int {
	kcb := s.ctlblk(c)
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseSingleStep, CPU: c.ID(), Probe: kcb.current, PC: regs.PC, ESR: esr})
	}
	if !kcb.ssCtx.hit(regs.InstructionPointer()) {
		return DBG_HOOK_ERROR
	}
	s.kprobesRestoreLocalIrqflag(c, kcb, regs)
	s.kernelDisableSingleStep(c, kcb)
	if kcb.current != nil {
		s.postKprobeHandler(kcb.current, kcb, regs)
	}
	return DBG_HOOK_HANDLED
}
