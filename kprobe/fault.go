package kprobe

import "github.com/kpemu/kpemu/emu"

// kprobeFaultHandler is kprobe_fault_handler (reference §5.10), which the
// arm64 page-fault path asks before anything else: when the instruction
// stepped out of line faulted (status HIT_SS or REENTER), PC goes back to
// the probe address and the kprobe state is unwound; the fault is then
// handled normally (the machine's handlers, the guest's vectors, or the
// run stops), and if it is resolved the CPU executes the BRK at the probe
// address again, so the probe fires again.
//
// Per version: before v5.10 the hardware step is turned off
// (kernel_disable_single_step); from v5.13 (RestoreIrqflagOnFault) the
// saved DAIF bits are put back, before that the fault returns with the
// step's masking; before v5.14 (!FaultHandlerRemoved) a fault in a
// handler's own guest calls (HIT_ACTIVE, HIT_SSDONE) counts in the
// probe's nmissed (the kprobe::fault_handler and fixup_exception that
// followed are not modelled: Kprobe has no FaultHandler and the model no
// exception tables); later kernels leave such a fault alone.
//
// With a phase listener it emits PhaseKprobeFaultHandler for the step
// fault, with the PC and PSTATE it changed.
//
// It is an exception hook rather than a handler so that it runs before
// every handler of the class, whenever they were registered.
func (s *Subsystem) kprobeFaultHandler(c *emu.CPU, e *emu.Exception) {
	if e.EC != emu.ECDataAbortCur && e.EC != emu.ECInstAbortCur {
		return
	}
	kcb := s.ctlblk(c)
	cur := kcb.current
	if cur == nil {
		return
	}
	switch kcb.status {
	case KPROBE_HIT_SS, KPROBE_REENTER:
		elr, spsr := c.ELR(), c.SPSR()
		c.SetELR(cur.Addr)
		if !s.ver.BrkSingleStep {
			s.kernelDisableSingleStep(c, kcb)
		}
		if kcb.status == KPROBE_REENTER {
			kcb.current, kcb.status = kcb.prev.kp, kcb.prev.status
		} else {
			if s.ver.RestoreIrqflagOnFault {
				c.SetSPSR(c.SPSR()&^daifMask | kcb.savedIrqflag)
			}
			kcb.current = nil
		}
		s.reapSlots()
		if s.phase != nil {
			changed := []RegChange{{"pc", elr, cur.Addr}}
			if c.SPSR() != spsr {
				changed = append(changed, RegChange{"pstate", spsr, c.SPSR()})
			}
			s.emitPhase(PhaseEvent{Phase: PhaseKprobeFaultHandler, CPU: c.ID(), Probe: cur, PC: elr,
				ESR: e.ESR(), DAIF: c.SPSR() & daifMask, Changed: changed})
		}
	case KPROBE_HIT_ACTIVE, KPROBE_HIT_SSDONE:
		if !s.ver.FaultHandlerRemoved {
			incNmissed(cur)
		}
	}
}
