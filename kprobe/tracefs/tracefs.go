package tracefs

import (
	"fmt"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/events"
)

// Task is the task a CPU runs when a probe fires: what the trace shows
// as TASK-PID and what $comm fetches.
type Task struct {
	Comm string // current->comm; the kernel keeps at most 15 bytes
	PID  int
}

// Defaults of Options.
const (
	DefaultComm = "kpemu"
	DefaultPID  = 1000
	// DefaultBufferSizeKB is trace_buf_size (TRACE_BUF_SIZE_DEFAULT,
	// 1441792 bytes) in KiB: the per-CPU size the kernel expands the
	// buffer to on first use.
	DefaultBufferSizeKB = 1408
	// DefaultFirstEventID is the type number the first kprobe event gets.
	// The kernel allocates dynamic event types after the static ones
	// (ida from __TRACE_LAST_TYPE), so the real number depends on how many
	// events the kernel was built with; this is a fixed stand-in.
	DefaultFirstEventID = 2000
)

// Options configure New; nil means the defaults.
type Options struct {
	// Task gives the task running on a CPU (TASK-PID and $comm); nil means
	// {DefaultComm, DefaultPID} on every CPU.
	Task func(cpu int) Task
	// BufferSizeKB is buffer_size_kb: the per-CPU ring buffer size in KiB;
	// 0 means DefaultBufferSizeKB. The buffer holds DIV_ROUND_UP(size,
	// 4080) data pages of 4080 bytes (at least 2), as ring_buffer_resize
	// allocates them.
	BufferSizeKB int
	// PreemptCount is the preempt count of the probed code (0 for code
	// that runs preemptible). The trace shows it as the preempt depth:
	// the one debug_exception_enter adds and the one
	// trace_event_buffer_reserve takes off cancel (traceCtx); capped at
	// 15 as tracing_gen_ctx caps it.
	PreemptCount uint8
	// HashPointer is what %p prints for an address (default event names
	// and readback of address probes); nil prints the address itself, as
	// a kernel booted with no_hash_pointers does.
	HashPointer func(addr uint64) uint64
	// FirstEventID is the ID of the first event created; 0 means
	// DefaultFirstEventID.
	FirstEventID int
}

// Tracefs is the kprobe part of one machine's tracefs: the kprobe events
// (trace_kprobe and trace_probe_event), their enable switches, the global
// trace buffer, kprobe_profile and error_log.
type Tracefs struct {
	sub  *kprobe.Subsystem
	m    *emu.Machine
	syms *symbols.Table
	opts Options

	// probes is the dyn_event list: every trace_kprobe in creation order
	// (appended probe points included), the order kprobe_events and
	// kprobe_profile list them.
	probes []*traceKprobe
	// evs are the events (trace_probe_event) in creation order.
	evs []*probeEvent

	buf       *ringBuffer
	tracingOn bool
	errLog    []errLogEntry
}

// New sets up tracefs for the kprobe subsystem sub.
func New(sub *kprobe.Subsystem, opts *Options) (*Tracefs, error) {
	if sub == nil {
		return nil, fmt.Errorf("tracefs: New: nil kprobe subsystem")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BufferSizeKB < 0 {
		return nil, fmt.Errorf("tracefs: New: negative BufferSizeKB %d", o.BufferSizeKB)
	}
	if o.BufferSizeKB == 0 {
		o.BufferSizeKB = DefaultBufferSizeKB
	}
	if o.FirstEventID == 0 {
		o.FirstEventID = DefaultFirstEventID
	}
	if o.Task == nil {
		o.Task = func(int) Task { return Task{Comm: DefaultComm, PID: DefaultPID} }
	}
	t := &Tracefs{
		sub:       sub,
		m:         sub.Machine(),
		syms:      sub.Symbols(),
		opts:      o,
		tracingOn: true,
	}
	t.buf = newRingBuffer(t.m.CPUs(), uint64(o.BufferSizeKB)*1024)
	return t, nil
}

// Subsystem returns the kprobe subsystem the events register on.
func (t *Tracefs) Subsystem() *kprobe.Subsystem { return t.sub }

// Close disables every event and removes every probe, as writing an
// empty kprobe_events after disabling all events would.
func (t *Tracefs) Close() error {
	for _, ev := range t.evs {
		t.setEnabled(ev, false)
	}
	return t.releaseAll()
}

// task is the task running on cpu.
func (t *Tracefs) task(cpu int) Task {
	tk := t.opts.Task(cpu)
	// TASK_COMM_LEN is 16: the comm keeps 15 bytes and a NUL.
	if len(tk.Comm) > 15 {
		tk.Comm = tk.Comm[:15]
	}
	return tk
}

// hashPointer is %p.
func (t *Tracefs) hashPointer(addr uint64) uint64 {
	if t.opts.HashPointer != nil {
		return t.opts.HashPointer(addr)
	}
	return addr
}

// context is what events.Parse asks of this machine.
func (t *Tracefs) context() *events.Context {
	return &events.Context{
		ModuleLoaded: t.moduleLoaded,
		CountSymbols: t.countSymbols,
		OnFuncEntry:  t.onFuncEntry,
		HashPointer:  t.hashPointer,
	}
}

// countSymbols is number_of_same_symbols (trace_kprobe.c): for "mod:sym"
// the symbols of that module, else of the kernel and every module.
func (t *Tracefs) countSymbols(mod, name string) int {
	if mod != "" {
		return t.syms.Count(mod + ":" + name)
	}
	return t.syms.Count(name)
}

// onFuncEntry is kprobe_on_func_entry (kernel/kprobes.c): _kprobe_addr's
// resolution (ENOENT for an unknown symbol or an address in no symbol)
// and "the offset within the function is 0" (EINVAL otherwise).
func (t *Tracefs) onFuncEntry(addr uint64, sym string, offset uint64) error {
	if sym != "" {
		s, ok := t.syms.LookupName(sym)
		if !ok {
			return kprobe.ENOENT
		}
		addr = s.Addr
	}
	addr += offset
	loc, ok := t.syms.LookupAddr(addr)
	if !ok {
		return kprobe.ENOENT
	}
	if loc.Offset != 0 {
		return kprobe.EINVAL
	}
	return nil
}

// moduleLoaded is find_module: whether the symbol table has module mod.
func (t *Tracefs) moduleLoaded(mod string) bool {
	for _, m := range t.syms.Modules() {
		if m == mod {
			return true
		}
	}
	return false
}
