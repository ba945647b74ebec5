package kprobe

import "fmt"

// The other Linux errno values the kprobe API and the tracefs front end
// return (include/uapi/
// asm-generic/errno-base.h, errno.h). EINVAL and EFAULT are declared with
// the Errno type in decode.go.
const (
	ENOENT        Errno = 2
	E2BIG         Errno = 7
	ENOMEM        Errno = 12
	EBUSY         Errno = 16
	EACCES        Errno = 13
	EEXIST        Errno = 17
	ERANGE        Errno = 34
	EOPNOTSUPP    Errno = 95
	EADDRNOTAVAIL Errno = 99
)

// errnoNames spells the errno values as the kernel's headers do.
var errnoNames = map[Errno]string{
	ENOENT: "ENOENT", E2BIG: "E2BIG", EFAULT: "EFAULT", ENOMEM: "ENOMEM",
	EBUSY: "EBUSY", EEXIST: "EEXIST", EINVAL: "EINVAL", EADDRNOTAVAIL: "EADDRNOTAVAIL",
	EACCES: "EACCES", ERANGE: "ERANGE", EOPNOTSUPP: "EOPNOTSUPP",
}

func errnoName(e Errno) string {
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}

// Error is what the kernel-facing API returns: the function, the errno the
// kernel would return (negated) and why, in words. errors.Is(err,
// kprobe.EINVAL) matches on the errno.
type Error struct {
	Op     string // the kernel function, e.g. "register_kprobe"
	Errno  Errno
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: -%s: %s", e.Op, errnoName(e.Errno), e.Reason)
}

// Unwrap gives the Errno, so errors.Is works on it.
func (e *Error) Unwrap() error { return e.Errno }

func errorf(op string, errno Errno, format string, args ...any) *Error {
	return &Error{Op: op, Errno: errno, Reason: fmt.Sprintf(format, args...)}
}

// Oops is a kernel death the model reproduces instead of running on: a
// BUG() in the kprobe handlers ("Failed to recover from reentered
// kprobes.") or die("Oops - BRK") when a BRK hook reports an error. It
// stops the machine's run (the exception handler returns it).
type Oops struct {
	Msg string // the kernel's message
	ESR uint64 // ESR_EL1 of the exception being handled
	PC  uint64 // the address of the BRK (ELR_EL1 at entry)
	Sym string // PC as %pS
	// Probe is the probe involved, if any, as dump_kprobe prints it.
	Probe string
}

func (o *Oops) Error() string {
	s := fmt.Sprintf("kprobe: %s at %s (pc %#x, esr %#x)", o.Msg, o.Sym, o.PC, o.ESR)
	if o.Probe != "" {
		s += "; " + o.Probe
	}
	return s
}
