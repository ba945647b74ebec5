package tracefs

import (
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/events"
)

// traceKprobe is struct trace_kprobe: one probe point of an event, with
// the kretprobe whose Kp is the kprobe (rp.kp for a plain kprobe, as the
// kernel embeds it), its per-CPU hit counts and its resolved fetch
// programs.
type traceKprobe struct {
	t        *Tracefs
	p        *events.Probe
	ev       *probeEvent
	isReturn bool
	symbol   string // "MOD:SYM" or "SYM"; "" for an address probe
	rp       kprobe.Kretprobe
	nhit     []uint64
	// registered is trace_kprobe_is_registered; a probe on a module not
	// loaded yet stays unregistered until ModuleComing.
	registered bool
	// code is each argument's program with @SYM resolved
	// (traceprobe_update_arg); entry is the return probe's entry-data
	// program.
	code  [][]events.FetchInsn
	entry []events.FetchInsn
}

// probeEvent is struct trace_probe_event: the event (group, name, ID,
// enable state) that one or more probe points feed.
type probeEvent struct {
	group, name string
	id          int
	isReturn    bool
	probes      []*traceKprobe // the first is the primary (its args print the event)
	enabled     bool           // TP_FLAG_TRACE: events/GRP/EVENT/enable is 1
}

func (ev *probeEvent) primary() *traceKprobe { return ev.probes[0] }

// Errors of the registration step, logged as trace_kprobe_create does
// (messages from the ERRORS list of kernel/trace/trace_probe.h).
const (
	errBadProbeAddr  = "Invalid probed address or symbol"
	errFailRegProbe  = "Failed to register probe event"
	errDiffProbeType = "Probe type is different from existing probe"
	errDiffArgType   = "Argument type or name is different from existing probe"
	errSameProbe     = "There is already the exact same probe event"
)

// findEvent is find_trace_kprobe's event lookup.
func (t *Tracefs) findEvent(group, name string) *probeEvent {
	for _, ev := range t.evs {
		if ev.group == group && ev.name == name {
			return ev
		}
	}
	return nil
}

// newTraceKprobe is alloc_trace_kprobe.
func (t *Tracefs) newTraceKprobe(p *events.Probe) *traceKprobe {
	tk := &traceKprobe{t: t, p: p, isReturn: p.Kind == events.Kretprobe, nhit: make([]uint64, t.m.CPUs())}
	if p.Symbol != "" {
		tk.symbol = p.Symbol
		if p.Module != "" {
			tk.symbol = p.Module + ":" + p.Symbol
		}
		tk.rp.Kp.SymbolName = tk.symbol
		tk.rp.Kp.Offset = p.Offset
	} else {
		tk.rp.Kp.Addr = p.Addr
	}
	if tk.isReturn {
		tk.rp.MaxActive = p.MaxActive
		tk.rp.Handler = tk.kretprobeDispatcher
	} else {
		tk.rp.Kp.PreHandler = tk.kprobeDispatcher
	}
	return tk
}

// symbolName is trace_kprobe_symbol: "unknown" for an address probe.
func (tk *traceKprobe) symbolName() string {
	if tk.symbol == "" {
		return "unknown"
	}
	return tk.symbol
}

// createProbe is the registration half of __trace_kprobe_create:
// register_trace_kprobe (a new event, or append_trace_kprobe to an
// existing one), with the error_log entries the kernel writes.
func (t *Tracefs) createProbe(p *events.Probe) error {
	tk := t.newTraceKprobe(p)
	if old := t.findEvent(p.Group, p.Event); old != nil {
		if tk.isReturn != old.isReturn {
			t.logProbeErr(p, 0, 0, errDiffProbeType)
			return kprobe.EEXIST
		}
		return t.appendTraceKprobe(tk, old)
	}
	ev := &probeEvent{group: p.Group, name: p.Event, id: t.allocEventType(), isReturn: tk.isReturn, probes: []*traceKprobe{tk}}
	tk.ev = ev
	if err := t.registerAfterCreate(tk); err != nil {
		return err
	}
	t.evs = append(t.evs, ev)
	t.probes = append(t.probes, tk)
	return nil
}

// allocEventType is alloc_trace_event_type: the lowest free type number
// from the first dynamic one (ida_alloc_range), so a removed event's ID
// is reused.
func (t *Tracefs) allocEventType() int {
	id := t.opts.FirstEventID
	for {
		used := false
		for _, ev := range t.evs {
			if ev.id == id {
				used = true
				break
			}
		}
		if !used {
			return id
		}
		id++
	}
}

// registerAfterCreate is __register_trace_kprobe with register_trace_kprobe's
// handling of its result: a probe on a module that is not loaded is kept
// for later (-ENOENT with !trace_kprobe_module_exist); other errors are
// logged at the probe point (index 1) as BAD_PROBE_ADDR for -ENOENT and
// FAIL_REG_PROBE otherwise (-EEXIST and -ENOMEM log nothing).
func (t *Tracefs) registerAfterCreate(tk *traceKprobe) error {
	err := tk.register()
	if err != nil && errors.Is(err, kprobe.ENOENT) && !tk.moduleExists() {
		// pr_warn("This probe might be able to register after target
		// module is loaded. Continue.")
		return nil
	}
	if err != nil {
		var errno kprobe.Errno
		if !errors.As(err, &errno) {
			errno = kprobe.EINVAL
		}
		switch errno {
		case kprobe.ENOENT:
			t.logProbeErr(tk.p, 1, 0, errBadProbeAddr)
		case kprobe.EEXIST, kprobe.ENOMEM:
		default:
			t.logProbeErr(tk.p, 1, 0, errFailRegProbe)
		}
		return errno
	}
	return nil
}

// appendTraceKprobe is append_trace_kprobe: the new probe point must have
// the same argument names and types (else DIFF_ARG_TYPE at the first
// differing argument) and must not repeat a probe point of the event with
// the same arguments (SAME_PROBE).
func (t *Tracefs) appendTraceKprobe(tk *traceKprobe, to *probeEvent) error {
	if i := compareArgType(tk.p, to.primary().p); i != 0 {
		// "Note that argument starts index = 2".
		t.logProbeErr(tk.p, i+1, 0, errDiffArgType)
		return kprobe.EEXIST
	}
	if to.hasSameKprobe(tk) {
		t.logProbeErr(tk.p, 0, 0, errSameProbe)
		return kprobe.EEXIST
	}
	tk.ev = to
	if err := t.registerAfterCreate(tk); err != nil {
		return err
	}
	to.probes = append(to.probes, tk)
	t.probes = append(t.probes, tk)
	return nil
}

// compareArgType is trace_probe_compare_arg_type: 0 when a and b have
// the same argument count, names, types and array lengths, else the
// 1-based index of the first difference.
func compareArgType(a, b *events.Probe) int {
	if len(a.Args) < len(b.Args) {
		return len(a.Args) + 1
	}
	if len(a.Args) > len(b.Args) {
		return len(b.Args) + 1
	}
	for i := range a.Args {
		x, y := a.Args[i], b.Args[i]
		if x.Type.Name != y.Type.Name || x.Count != y.Count || x.Name != y.Name {
			return i + 1
		}
	}
	return 0
}

// hasSameKprobe is trace_kprobe_has_same_kprobe: a probe point of the
// event with the same symbol text (trace_kprobe_symbol: "unknown" for every
// address probe, so two address probes with the same arguments count as
// the same) and offset, and the same argument texts.
func (ev *probeEvent) hasSameKprobe(tk *traceKprobe) bool {
	for _, o := range ev.probes {
		if o.symbolName() != tk.symbolName() || o.rp.Kp.Offset != tk.rp.Kp.Offset {
			continue
		}
		same := true
		for i := range o.p.Args {
			if o.p.Args[i].Comment != tk.p.Args[i].Comment {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// moduleExists is trace_kprobe_module_exist: false for an address probe,
// true for a kernel symbol, find_module for "MOD:SYM".
func (tk *traceKprobe) moduleExists() bool {
	if tk.symbol == "" {
		return false
	}
	if tk.p.Module == "" {
		return true
	}
	return tk.t.moduleLoaded(tk.p.Module)
}

// register is __register_trace_kprobe: resolve @SYM fetches
// (traceprobe_update_arg, -ENOENT for an unknown symbol), set
// KPROBE_FLAG_DISABLED unless the event is enabled, and register the
// kprobe or kretprobe.
func (tk *traceKprobe) register() error {
	if tk.registered {
		return kprobe.EINVAL
	}
	t := tk.t
	tk.code = make([][]events.FetchInsn, len(tk.p.Args))
	for i, a := range tk.p.Args {
		code, err := t.updateArg(a.Code)
		if err != nil {
			return err
		}
		tk.code[i] = code
	}
	if tk.p.EntryArg != nil {
		code, err := t.updateArg(tk.p.EntryArg.Code)
		if err != nil {
			return err
		}
		tk.entry = code
	}
	if tk.ev.enabled {
		tk.rp.Kp.Flags &^= kprobe.KPROBE_FLAG_DISABLED
	} else {
		tk.rp.Kp.Flags |= kprobe.KPROBE_FLAG_DISABLED
	}
	var err error
	if tk.isReturn {
		if tk.p.EntryArg != nil {
			tk.rp.DataSize = tk.p.EntryArg.Size
			tk.rp.EntryHandler = tk.kretprobeEntryHandler
		}
		err = t.sub.RegisterKretprobe(&tk.rp)
	} else {
		err = t.sub.RegisterKprobe(&tk.rp.Kp)
	}
	if err != nil {
		if tk.symbol != "" {
			tk.rp.Kp.Addr = 0
		}
		return err
	}
	tk.registered = true
	return nil
}

// updateArg is traceprobe_update_arg on a copy of code: each
// FETCH_NOP_SYMBOL place holder ("SYM[+|-OFFS]") gets its address,
// looked up with kallsyms_lookup_name, in the FETCH_OP_IMM after it;
// -ENOENT for an unknown symbol.
func (t *Tracefs) updateArg(code []events.FetchInsn) ([]events.FetchInsn, error) {
	a := &events.Arg{Code: append([]events.FetchInsn(nil), code...)}
	err := events.UpdateArg(a, func(name string) (uint64, bool) {
		s, ok := t.syms.LookupName(name)
		return s.Addr, ok
	})
	if err != nil {
		return nil, err
	}
	return a.Code, nil
}

// unregister is __unregister_trace_kprobe.
func (tk *traceKprobe) unregister() {
	if !tk.registered {
		return
	}
	if tk.isReturn {
		tk.t.sub.UnregisterKretprobe(&tk.rp)
	} else {
		tk.t.sub.UnregisterKprobe(&tk.rp.Kp)
	}
	if tk.symbol != "" {
		tk.rp.Kp.Addr = 0
	}
	tk.rp.Kp.Flags = 0
	tk.registered = false
}

// unregisterTraceKprobe is unregister_trace_kprobe (the kernel frees the
// trace_kprobe after it): a probe point with siblings just goes; the last
// one of an enabled event is -EBUSY.
func (t *Tracefs) unregisterTraceKprobe(tk *traceKprobe) error {
	ev := tk.ev
	if len(ev.probes) == 1 {
		if ev.enabled {
			return kprobe.EBUSY
		}
		t.evs = deleteItem(t.evs, ev)
	}
	tk.unregister()
	ev.probes = deleteItem(ev.probes, tk)
	t.probes = deleteItem(t.probes, tk)
	return nil
}

// releaseAll is dyn_events_release_all for the kprobe events (opening
// kprobe_events with O_TRUNC): -EBUSY, and nothing removed, if any event
// is enabled; the trace buffers are reset in any case
// (tracing_reset_all_online_cpus, since v6.1).
func (t *Tracefs) releaseAll() error {
	defer t.buf.reset()
	for _, tk := range t.probes {
		if tk.ev.enabled {
			return kprobe.EBUSY
		}
	}
	for len(t.probes) > 0 {
		if err := t.unregisterTraceKprobe(t.probes[0]); err != nil {
			return err
		}
	}
	return nil
}

// deleteProbes is dyn_event_release with trace_kprobe_match: every probe
// point matching the group (any when empty), the event name and, when
// given, the head of the definition (trace_kprobe_match_command_head) is
// released, stopping at the first failure; -ENOENT when nothing matched.
// The buffers are reset afterwards (tracing_reset_all_online_cpus).
func (t *Tracefs) deleteProbes(d *events.Delete) error {
	defer t.buf.reset()
	if d.Event == "" && !d.GroupGiven {
		return kprobe.EINVAL
	}
	var err error = kprobe.ENOENT
	for _, tk := range append([]*traceKprobe(nil), t.probes...) {
		if !tk.match(d) {
			continue
		}
		if err = t.unregisterTraceKprobe(tk); err != nil {
			break
		}
	}
	return err
}

// match is trace_kprobe_match (events.Delete.Match: group, event and
// the head of the definition, each word compared in its first
// MAX_ARGSTR_LEN bytes).
func (tk *traceKprobe) match(d *events.Delete) bool {
	return d.Match(tk.p, tk.t.hashPointer)
}

// pointText is the probe point as trace_kprobe_show and
// trace_kprobe_match_command_head print it: "0x%p" of the address,
// "SYM+OFFS" (decimal, %u) or "SYM".
func (tk *traceKprobe) pointText() string {
	switch {
	case tk.symbol == "":
		// %p: the (hashed) pointer as 16 hex digits.
		return fmt.Sprintf("0x%016x", tk.t.hashPointer(tk.p.Addr))
	case tk.p.Offset != 0:
		return tk.symbol + "+" + utoa(uint64(uint32(tk.p.Offset))) // kp.offset is an unsigned int
	default:
		return tk.symbol
	}
}

// ModuleComing is trace_kprobe_module_callback for MODULE_STATE_COMING:
// the probe points on module mod that were accepted while it was not
// loaded are registered now that its symbols are in the table. It
// returns the errors of the probes that still fail (the kernel only
// warns "Failed to re-register probe").
func (t *Tracefs) ModuleComing(mod string) []error {
	var errs []error
	for _, tk := range t.probes {
		if tk.p.Module != mod {
			continue
		}
		tk.unregister()
		if err := tk.register(); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func deleteItem[T comparable](s []T, x T) []T {
	for i, y := range s {
		if y == x {
			return append(s[:i:i], s[i+1:]...)
		}
	}
	return s
}
