package tracefs

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

// The file facade: paths are relative to the tracefs mount point
// (/sys/kernel/tracing); a leading "/sys/kernel/tracing/" or
// "/sys/kernel/debug/tracing/" is accepted too. Errors are
// *fs.PathError values whose Err is an *Error carrying the errno, or
// fs.ErrNotExist for a file the model does not have.
//
//	kprobe_events               read, write (WriteFile truncates, AppendFile adds)
//	kprobe_profile              read
//	error_log                   read; WriteFile clears it
//	trace                       read; WriteFile clears the buffer
//	trace_pipe                  read (consumes the records)
//	tracing_on                  read, write
//	buffer_size_kb              read (resizing is refused: set Options.BufferSizeKB)
//	per_cpu/cpuN/stats          read
//	events/enable               read, write (every event)
//	events/GROUP/enable         read, write
//	events/GROUP/EVENT/enable   read, write
//	events/GROUP/EVENT/format   read
//	events/GROUP/EVENT/id       read

func cleanPath(path string) string {
	for _, p := range []string{"/sys/kernel/tracing/", "/sys/kernel/debug/tracing/"} {
		if strings.HasPrefix(path, p) {
			return path[len(p):]
		}
	}
	return strings.TrimPrefix(path, "/")
}

func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	if err == fs.ErrNotExist {
		return &fs.PathError{Op: op, Path: path, Err: err}
	}
	return &fs.PathError{Op: op, Path: path, Err: asError(err)}
}

// ReadFile reads a tracefs file.
func (t *Tracefs) ReadFile(path string) (string, error) {
	s, err := t.readFile(cleanPath(path))
	return s, pathErr("read", path, err)
}

func (t *Tracefs) readFile(p string) (string, error) {
	switch p {
	case "kprobe_events":
		return t.readKprobeEvents(), nil
	case "kprobe_profile":
		return t.readProfile(), nil
	case "error_log":
		return t.readErrorLog(), nil
	case "trace":
		return t.readTrace(), nil
	case "trace_pipe":
		return t.readTracePipe(), nil
	case "tracing_on":
		if t.tracingOn {
			return "1\n", nil
		}
		return "0\n", nil
	case "buffer_size_kb":
		return t.readBufferSizeKB(), nil
	case "events/enable":
		return string(t.groupEnableState("")) + "\n", nil
	}
	if cpu, ok := strings.CutPrefix(p, "per_cpu/cpu"); ok {
		if n, ok := strings.CutSuffix(cpu, "/stats"); ok {
			if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < t.m.CPUs() {
				return t.readStats(i), nil
			}
		}
		return "", fs.ErrNotExist
	}
	parts := strings.Split(p, "/")
	if len(parts) == 3 && parts[0] == "events" && parts[2] == "enable" {
		if !t.hasGroup(parts[1]) {
			return "", fs.ErrNotExist
		}
		return string(t.groupEnableState(parts[1])) + "\n", nil
	}
	if len(parts) == 4 && parts[0] == "events" {
		ev := t.findEvent(parts[1], parts[2])
		if ev == nil {
			return "", fs.ErrNotExist
		}
		switch parts[3] {
		case "enable":
			if ev.enabled {
				return "1\n", nil
			}
			return "0\n", nil
		case "format":
			return t.readFormat(ev), nil
		case "id":
			return strconv.Itoa(ev.id) + "\n", nil
		}
	}
	return "", fs.ErrNotExist
}

func (t *Tracefs) hasGroup(g string) bool {
	for _, ev := range t.evs {
		if ev.group == g {
			return true
		}
	}
	return false
}

// WriteFile is "echo DATA > PATH": the file is opened with O_TRUNC, then
// written. It returns the bytes written.
func (t *Tracefs) WriteFile(path, data string) (int, error) {
	n, err := t.writeFile(cleanPath(path), data, true)
	return n, pathErr("write", path, err)
}

// AppendFile is "echo DATA >> PATH": the file is opened without O_TRUNC.
func (t *Tracefs) AppendFile(path, data string) (int, error) {
	n, err := t.writeFile(cleanPath(path), data, false)
	return n, pathErr("write", path, err)
}

func (t *Tracefs) writeFile(p, data string, trunc bool) (int, error) {
	switch p {
	case "kprobe_events":
		return t.WriteKprobeEvents(data, trunc)
	case "error_log":
		// tracing_err_log_open clears the log on O_TRUNC; a write is
		// accepted and ignored (tracing_err_log_write).
		if trunc {
			t.ClearErrorLog()
		}
		return len(data), nil
	case "trace":
		// tracing_open with O_TRUNC resets the buffers; the write itself
		// is a stub.
		if trunc {
			t.buf.reset()
		}
		return len(data), nil
	case "tracing_on":
		v, err := kstrtoul(data)
		if err != nil {
			return 0, err
		}
		t.tracingOn = v != 0
		return len(data), nil
	case "events/enable":
		on, err := enableValue(data)
		if err != nil {
			return 0, err
		}
		// __ftrace_set_clr_event over every event; with no event at all
		// the kernel still has its static events, so the write succeeds.
		if len(t.evs) > 0 {
			if err := t.setGroupEnabled("", on); err != nil {
				return 0, err
			}
		}
		return len(data), nil
	}
	parts := strings.Split(p, "/")
	if len(parts) == 3 && parts[0] == "events" && parts[2] == "enable" {
		if !t.hasGroup(parts[1]) {
			return 0, fs.ErrNotExist
		}
		on, err := enableValue(data)
		if err != nil {
			return 0, err
		}
		if err := t.setGroupEnabled(parts[1], on); err != nil {
			return 0, err
		}
		return len(data), nil
	}
	if len(parts) == 4 && parts[0] == "events" && parts[3] == "enable" {
		ev := t.findEvent(parts[1], parts[2])
		if ev == nil {
			return 0, fs.ErrNotExist
		}
		on, err := enableValue(data)
		if err != nil {
			return 0, err
		}
		if err := t.setEnabled(ev, on); err != nil {
			return 0, err
		}
		return len(data), nil
	}
	if p == "buffer_size_kb" {
		// The kernel resizes the buffer keeping what it can
		// (ring_buffer_resize); the model does not reproduce that.
		return 0, &Error{Errno: kprobe.EINVAL, Cause: errors.New("tracefs: resizing the buffer is not modelled: set Options.BufferSizeKB")}
	}
	if _, err := t.readFile(p); err == nil {
		// A read-only file: tracefs gives it no write operation.
		return 0, &Error{Errno: kprobe.EACCES}
	}
	return 0, fs.ErrNotExist
}

// kstrtoul is kstrtoul_from_user in base 10: digits, an optional
// trailing newline.
func kstrtoul(s string) (uint64, error) {
	s = strings.TrimSuffix(s, "\n")
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, kprobe.EINVAL
	}
	return v, nil
}

// enableValue is event_enable_write's value: 0 or 1, else -EINVAL.
func enableValue(s string) (bool, error) {
	v, err := kstrtoul(s)
	if err != nil {
		return false, err
	}
	switch v {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, kprobe.EINVAL
}
