package tracefs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/events"
)

// Error is a failed write: the errno write(2) returns and its cause
// (an *events.Error for a command the parser rejected). errors.Is(err,
// kprobe.EBUSY) matches on the errno.
type Error struct {
	Errno kprobe.Errno
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil && e.Cause != error(e.Errno) {
		return fmt.Sprintf("%v (%v)", e.Errno, e.Cause)
	}
	return e.Errno.Error()
}

func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Errno}
	}
	return []error{e.Errno, e.Cause}
}

// asError turns an error of the model into the write's *Error.
func asError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var pe *events.Error
	if errors.As(err, &pe) {
		return &Error{Errno: pe.Errno, Cause: pe}
	}
	var errno kprobe.Errno
	if errors.As(err, &errno) {
		return &Error{Errno: errno, Cause: err}
	}
	return &Error{Errno: kprobe.EINVAL, Cause: err}
}

// WriteKprobeEvents is a write to kprobe_events. truncate is the O_TRUNC
// of "echo ... > kprobe_events" (probes_open: every kprobe event is
// removed first, -EBUSY and nothing removed if one is enabled); without
// it ("echo ... >> kprobe_events") the commands add to the existing
// events. The data is split into command lines as
// trace_parse_run_command does; the commands run in order and the first
// failure ends the write with its errno (the lines before it stay done).
// A rejected command is logged in error_log when the kernel logs it. It
// returns len(data) on success.
func (t *Tracefs) WriteKprobeEvents(data string, truncate bool) (int, error) {
	if truncate {
		if err := t.releaseAll(); err != nil {
			return 0, asError(err)
		}
	}
	for _, l := range events.SplitLines(data) {
		if l.Err != nil {
			// A line longer than the kernel's copy buffer (or cut by a
			// NUL): -EINVAL, the lines before it done.
			return 0, asError(l.Err)
		}
		if err := t.RunCommand(l.Text); err != nil {
			return 0, err
		}
	}
	return len(data), nil
}

// RunCommand runs one kprobe_events command line
// (create_or_delete_trace_kprobe).
func (t *Tracefs) RunCommand(cmd string) error {
	c, err := events.Parse(cmd, t.context())
	if err != nil {
		var pe *events.Error
		if errors.As(err, &pe) {
			t.logParseErr(pe)
		}
		return asError(err)
	}
	switch c := c.(type) {
	case *events.Define:
		if err := t.createProbe(c.Probe); err != nil {
			return asError(err)
		}
	case *events.Delete:
		if err := t.deleteProbes(c); err != nil {
			return asError(err)
		}
	default:
		return &Error{Errno: kprobe.EINVAL, Cause: fmt.Errorf("tracefs: unknown command %T", c)}
	}
	return nil
}

// readKprobeEvents is kprobe_events: trace_kprobe_show for every probe
// point. A return probe shows its MAXACTIVE as register_kretprobe left it
// (the default max(10, 2 × CPUs) once registered).
func (t *Tracefs) readKprobeEvents() string {
	var b strings.Builder
	for _, tk := range t.probes {
		if tk.isReturn {
			b.WriteByte('r')
			if tk.rp.MaxActive != 0 {
				fmt.Fprintf(&b, "%d", tk.rp.MaxActive)
			}
		} else {
			b.WriteByte('p')
		}
		fmt.Fprintf(&b, ":%s/%s %s", tk.ev.group, tk.ev.name, tk.pointText())
		for _, a := range tk.p.Args {
			fmt.Fprintf(&b, " %s=%s", a.Name, a.Comment)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
