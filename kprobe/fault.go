package kprobe

import "github.com/kpemu/kpemu/emu"

// kprobeFaultHandler is kprobe_fault_handler (v6.2+, reference §5.10),
// which the arm64 page-fault path asks before anything else: when the
// instruction stepped out of line faulted (status HIT_SS or REENTER), PC
// goes back to the probe address and the kprobe state is unwound; the
// fault is then handled normally (the machine's handlers, the guest's
// vectors, or the run stops), and if it is resolved the CPU executes the
// BRK at the probe address again, so the probe fires again. A fault in a
// handler's own guest calls (HIT_ACTIVE, HIT_SSDONE) is left alone.
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
		c.SetELR(cur.Addr)
		if kcb.status == KPROBE_REENTER {
			kcb.current, kcb.status = kcb.prev.kp, kcb.prev.status
		} else {
			c.SetSPSR(c.SPSR()&^daifMask | kcb.savedIrqflag)
			kcb.current = nil
		}
	}
}
