package tracefs

import (
	"github.com/kpemu/kpemu/kprobe/events"
)

// Flags of a trace entry (enum trace_flag_type, kernel/trace/trace.h):
// common_flags.
const (
	TRACE_FLAG_IRQS_OFF        = 0x01
	TRACE_FLAG_IRQS_NOSUPPORT  = 0x02
	TRACE_FLAG_NEED_RESCHED    = 0x04
	TRACE_FLAG_HARDIRQ         = 0x08
	TRACE_FLAG_SOFTIRQ         = 0x10
	TRACE_FLAG_PREEMPT_RESCHED = 0x20
	TRACE_FLAG_NMI             = 0x40
	TRACE_FLAG_BH_OFF          = 0x80
)

// Event is one record of the trace buffer: struct trace_entry with
// kprobe_trace_entry_head (IP) or kretprobe_trace_entry_head (Func,
// RetIP), and the fetched arguments.
type Event struct {
	Time uint64 // trace clock ("local"): ns, from the CPU's CNTVCT
	CPU  int
	Comm string
	PID  int
	// Flags is common_flags (TRACE_FLAG_*), PreemptCount
	// common_preempt_count (low nibble: preemption depth, high nibble:
	// migrate-disable depth).
	Flags        uint8
	PreemptCount uint8
	ID           int // common_type: the event's ID
	Group, Name  string
	Return       bool
	// IP is the probe address (kprobe events); Func the probed function
	// and RetIP the real return address (return events).
	IP, Func, RetIP uint64
	Args            []Value

	t    *Tracefs
	args []*events.Arg
	size int // the record's size: header, argument area, dynamic data
}

// Value is one fetched argument.
type Value struct {
	Name string
	Type *events.Type
	// Int is the stored value (truncated to the type's size; for a
	// bitfield, the extracted field) for integer, char and symbol types.
	Int uint64
	// Str is the string of string, ustring and symstr arguments.
	Str string
	// Fault is set when the fetch faulted. A string then prints
	// "(fault)"; a number was left unwritten by the kernel (the record
	// keeps whatever bytes the buffer page held), which the model shows
	// as 0.
	Fault bool
	// Elems are the elements of an array argument.
	Elems []Value
}

// String is the ftrace line of the event, without the newline.
func (e *Event) String() string {
	b := e.t.appendContext(nil, e)
	b = e.t.appendEvent(b, e)
	return string(b)
}
