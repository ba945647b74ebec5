package tracefs

import (
	"fmt"
	"strings"
)

// ProfileEntry is one line of kprobe_profile.
type ProfileEntry struct {
	Event  string
	Hits   uint64 // the dispatcher's per-CPU hit counts, summed
	Missed uint64
}

// Profile is kprobe_profile as values: one entry per probe point in
// kprobe_events order (an event with appended probe points appears once
// per point). Missed is kp.nmissed, plus the kretprobe's nmissed for a
// return probe (trace_kprobe_missed, v5.17+).
func (t *Tracefs) Profile() []ProfileEntry {
	out := make([]ProfileEntry, 0, len(t.probes))
	for _, tk := range t.probes {
		var hits uint64
		for _, n := range tk.nhit {
			hits += n
		}
		missed := tk.rp.Kp.NMissed
		if tk.isReturn {
			missed = tk.rp.TotalMissed()
		}
		out = append(out, ProfileEntry{Event: tk.ev.name, Hits: hits, Missed: missed})
	}
	return out
}

// readProfile is probes_profile_seq_show for every probe point.
func (t *Tracefs) readProfile() string {
	var b strings.Builder
	for _, p := range t.Profile() {
		fmt.Fprintf(&b, "  %-44s %15d %15d\n", p.Event, p.Hits, p.Missed)
	}
	return b.String()
}
