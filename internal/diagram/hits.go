package diagram

import "github.com/kpemu/kpemu/kprobe"

// Hits splits a phase stream into hits. A hit starts at a BRK #4
// (PhaseBrkHit) and ends at the matching resume; the events of a probe hit
// while it was handled (a reentered, missed hit, from a handler's call
// into guest code) stay inside it. A kretprobe's return (PhaseKretprobeReturn
// and its resume) is added to the end of the hit whose entry hijacked that
// return (the latest one on the same CPU that saved the same return
// address, as the kernel's per-task instance list is LIFO), so one hit
// shows the entry and the return; a return with no such entry in the
// stream is a hit of its own. Arming and disarming events, which belong to
// no hit, are left out. Hits are in the order they started; the events
// are copied.
func Hits(events []kprobe.PhaseEvent) [][]kprobe.PhaseEvent {
	var hits [][]kprobe.PhaseEvent
	cur := -1 // index in hits of the open top-level hit
	open := 0 // nesting of the open hit
	// pending hijacks: the hit index and the saved return address.
	type hijack struct {
		hit, cpu int
		ret      uint64
	}
	var hijacks []hijack
	ret := -1 // index in hits of an open kretprobe return
	for _, e := range events {
		switch {
		case e.Phase == kprobe.PhaseArmed || e.Phase == kprobe.PhaseDisarmed:
			continue
		case ret >= 0:
			// A return's events up to its resume.
			hits[ret] = append(hits[ret], e)
			if e.Phase == kprobe.PhaseResume {
				ret = -1
			}
			continue
		case e.Phase == kprobe.PhaseKretprobeReturn && open == 0:
			to := -1
			if real, ok := realReturn(e); ok {
				for i := len(hijacks) - 1; i >= 0; i-- {
					if hijacks[i].cpu == e.CPU && hijacks[i].ret == real {
						to = hijacks[i].hit
						hijacks = append(hijacks[:i], hijacks[i+1:]...)
						break
					}
				}
			}
			if to < 0 {
				hits = append(hits, nil)
				to = len(hits) - 1
			}
			hits[to] = append(hits[to], e)
			if e.ESR != 0 {
				ret = to // BRK #7: the exception's resume follows
			}
			continue
		}
		if open == 0 {
			hits = append(hits, nil)
			cur = len(hits) - 1
		}
		hits[cur] = append(hits[cur], e)
		if opens(e) {
			open++
		}
		switch e.Phase {
		case kprobe.PhaseResume, kprobe.PhaseKprobeFaultHandler:
			if open > 0 {
				open--
			}
		case kprobe.PhaseKretprobeHijack:
			if old, ok := changedFrom(e, "x30"); ok {
				hijacks = append(hijacks, hijack{cur, e.CPU, old})
			}
		}
	}
	return hits
}

// opens reports whether e starts a level that a resume (or a fault in
// the step) ends: a BRK #4 with a probe (one with none returns without a
// resume event before v6.2 and kills the kernel from v6.2), or a BRK #7
// return. The code trampoline of kernels before v6.9 takes no exception
// (ESR 0) and has no resume event.
func opens(e kprobe.PhaseEvent) bool {
	switch e.Phase {
	case kprobe.PhaseBrkHit:
		return e.Probe != nil
	case kprobe.PhaseKretprobeReturn:
		return e.ESR != 0
	}
	return false
}

// realReturn is the real return address a kretprobe return found: PC
// after BRK #7 (v6.9+), X0 as trampoline_probe_handler returns it before.
func realReturn(e kprobe.PhaseEvent) (uint64, bool) {
	if e.ESR == 0 {
		return changedTo(e, "x0")
	}
	return changedTo(e, "pc")
}

func changedTo(e kprobe.PhaseEvent, reg string) (uint64, bool) {
	for _, c := range e.Changed {
		if c.Name == reg {
			return c.New, true
		}
	}
	return 0, false
}

func changedFrom(e kprobe.PhaseEvent, reg string) (uint64, bool) {
	for _, c := range e.Changed {
		if c.Name == reg {
			return c.Old, true
		}
	}
	return 0, false
}
