package kprobe

import "fmt"

// The kernel's API calls that take kprobe_mutex (or text_mutex and
// stop_machine to patch text) may sleep; kprobe handlers run inside the
// BRK exception with interrupts masked, where sleeping is a bug
// (might_sleep: "BUG: sleeping function called from invalid context").
// And unregister_kprobes frees a probe's slot only after synchronize_rcu,
// which cannot complete while a CPU is between the exception return into
// the slot and the BRK #6 (or Software Step) that ends the step: that CPU
// runs with D, A, I and F masked, so it passes through no quiescent
// state. The model has no sleeping and no grace periods, so it keeps both
// rules directly: the calls refuse to run inside a handler, and a slot
// whose step is pending is freed when the step ends.

// MightSleepBug is what a kprobe API call made from inside a kprobe
// handler (or a break hook) stops the machine with: the kernel's
// might_sleep splat, reported through the handler containment as a
// *HandlerPanic naming the probe being handled.
type MightSleepBug struct {
	Func string // the API function, e.g. "unregister_kprobe"
}

func (e *MightSleepBug) Error() string {
	return fmt.Sprintf("BUG: sleeping function called from invalid context: %s called from a kprobe handler "+
		"(it takes kprobe_mutex; handlers run in the BRK exception with interrupts masked)", e.Func)
}

// mightSleep panics with *MightSleepBug when called inside a handler;
// the panic is contained by the handler's exception path (brkhook.go,
// trampoline_code.go), which stops the run.
func (s *Subsystem) mightSleep(fn string) {
	if s.regsDepth > 0 {
		panic(&MightSleepBug{Func: fn})
	}
}

// stepPending reports whether some CPU is stepping p out of line: p is
// its current_kprobe in KPROBE_HIT_SS or KPROBE_REENTER.
func (s *Subsystem) stepPending(p *Kprobe) bool {
	for i := range s.kcb {
		k := &s.kcb[i]
		if k.current == p && k.status&(KPROBE_HIT_SS|KPROBE_REENTER) != 0 {
			return true
		}
	}
	return false
}

// freeSlot is the slot part of arch_remove_kprobe after the grace
// period: at once, or when the pending step of p ends (reapSlots).
func (s *Subsystem) freeSlot(p *Kprobe) {
	if p.slot == 0 {
		return
	}
	if s.stepPending(p) {
		s.rcuPending = append(s.rcuPending, p)
		return
	}
	s.slots.put(p.slot)
	p.slot = 0
}

// reapSlots frees the slots whose step has ended since their probe was
// unregistered: the end of the grace period unregister_kprobes waited
// for.
func (s *Subsystem) reapSlots() {
	if len(s.rcuPending) == 0 {
		return
	}
	keep := s.rcuPending[:0]
	for _, p := range s.rcuPending {
		if s.stepPending(p) {
			keep = append(keep, p)
			continue
		}
		s.slots.put(p.slot)
		p.slot = 0
	}
	clear(s.rcuPending[len(keep):])
	s.rcuPending = keep
}
