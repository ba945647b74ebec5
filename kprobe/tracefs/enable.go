package tracefs

import (
	"github.com/kpemu/kpemu/kprobe"
)

// setEnabled is trace_event_enable_disable for the top trace instance's
// file of ev, reaching kprobe_register: enable_trace_kprobe enables the
// kprobe of every registered, not GONE probe point (rolling back on a
// failure); disable_trace_kprobe disables them.
func (t *Tracefs) setEnabled(ev *probeEvent, on bool) error {
	if ev.enabled == on {
		return nil
	}
	if !on {
		ev.enabled = false
		for _, tk := range ev.probes {
			if tk.registered {
				t.sub.DisableKprobe(&tk.rp.Kp)
			}
		}
		return nil
	}
	ev.enabled = true
	for i, tk := range ev.probes {
		if !tk.registered || tk.rp.Kp.Gone() {
			continue
		}
		if err := t.sub.EnableKprobe(&tk.rp.Kp); err != nil {
			for _, o := range ev.probes[:i] {
				if o.registered {
					t.sub.DisableKprobe(&o.rp.Kp)
				}
			}
			ev.enabled = false
			return err
		}
	}
	return nil
}

// Enable enables or disables event GROUP/EVENT, as writing 1 or 0 to
// events/GROUP/EVENT/enable does.
func (t *Tracefs) Enable(group, event string, on bool) error {
	ev := t.findEvent(group, event)
	if ev == nil {
		return kprobe.ENOENT
	}
	return t.setEnabled(ev, on)
}

// setGroupEnabled is __ftrace_set_clr_event for "GROUP:*" (group "" for
// every event, events/enable): every matching event, the last error
// returned.
func (t *Tracefs) setGroupEnabled(group string, on bool) error {
	var err error
	found := false
	for _, ev := range t.evs {
		if group != "" && ev.group != group {
			continue
		}
		found = true
		if e := t.setEnabled(ev, on); e != nil {
			err = e
		}
	}
	if !found {
		// __ftrace_set_clr_event returns -EINVAL when nothing matched.
		return kprobe.EINVAL
	}
	return err
}

// groupEnableState is system_enable_read: '?' with no events, '0' all
// disabled, '1' all enabled, 'X' mixed.
func (t *Tracefs) groupEnableState(group string) byte {
	set := 0
	for _, ev := range t.evs {
		if group != "" && ev.group != group {
			continue
		}
		if ev.enabled {
			set |= 2
		} else {
			set |= 1
		}
	}
	return "?01X"[set]
}
