package tracefs

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kpemu/kpemu/kprobe/events"
)

func utoa(v uint64) string { return strconv.FormatUint(v, 10) }

// appendContext is trace_print_context with the default trace options
// (irq-info on, record-tgid off): "%16s-%-7d ", "[%03d] ", the latency
// flags (trace_print_lat_fmt), " %5lu.%06lu" and ": ".
func (t *Tracefs) appendContext(b []byte, e *Event) []byte {
	b = fmt.Appendf(b, "%16s-%-7d [%03d] ", e.Comm, e.PID, e.CPU)
	b = appendLatFmt(b, e.Flags, e.PreemptCount)
	// ns2usecs rounds to the nearest microsecond before the split.
	us := (e.Time + 500) / 1000
	return fmt.Appendf(b, " %5d.%06d: ", us/1e6, us%1e6)
}

// appendLatFmt is trace_print_lat_fmt: irqs-off/BH-disabled,
// need-resched, hardirq/softirq, preempt-depth, migrate-disable.
func appendLatFmt(b []byte, flags, pc uint8) []byte {
	nmi := flags&TRACE_FLAG_NMI != 0
	hardirq := flags&TRACE_FLAG_HARDIRQ != 0
	softirq := flags&TRACE_FLAG_SOFTIRQ != 0
	bhOff := flags&TRACE_FLAG_BH_OFF != 0
	irqsOff := flags&TRACE_FLAG_IRQS_OFF != 0
	var c byte
	switch {
	case irqsOff && bhOff:
		c = 'D'
	case irqsOff:
		c = 'd'
	case bhOff:
		c = 'b'
	case flags&TRACE_FLAG_IRQS_NOSUPPORT != 0:
		c = 'X'
	default:
		c = '.'
	}
	b = append(b, c)
	switch flags & (TRACE_FLAG_NEED_RESCHED | TRACE_FLAG_PREEMPT_RESCHED) {
	case TRACE_FLAG_NEED_RESCHED | TRACE_FLAG_PREEMPT_RESCHED:
		c = 'N'
	case TRACE_FLAG_NEED_RESCHED:
		c = 'n'
	case TRACE_FLAG_PREEMPT_RESCHED:
		c = 'p'
	default:
		c = '.'
	}
	b = append(b, c)
	switch {
	case nmi && hardirq:
		c = 'Z'
	case nmi:
		c = 'z'
	case hardirq && softirq:
		c = 'H'
	case hardirq:
		c = 'h'
	case softirq:
		c = 's'
	default:
		c = '.'
	}
	b = append(b, c)
	if pc&0xf != 0 {
		b = fmt.Appendf(b, "%x", pc&0xf)
	} else {
		b = append(b, '.')
	}
	if pc&0xf0 != 0 {
		b = fmt.Appendf(b, "%x", pc>>4)
	} else {
		b = append(b, '.')
	}
	return b
}

// appendEvent is print_kprobe_event / print_kretprobe_event: "NAME: (",
// the IP with symbol and offset, ")" (for a return event "RET <- FUNC"),
// then each argument.
func (t *Tracefs) appendEvent(b []byte, e *Event) []byte {
	b = append(b, e.Name...)
	b = append(b, ": ("...)
	if e.Return {
		b = t.appendIPSym(b, e.RetIP, true)
		b = append(b, " <- "...)
		b = t.appendIPSym(b, e.Func, false)
	} else {
		b = t.appendIPSym(b, e.IP, true)
	}
	b = append(b, ')')
	for i, v := range e.Args {
		b = append(b, ' ')
		b = append(b, e.args[i].Name...)
		b = append(b, '=')
		b = t.appendValue(b, e.args[i], v)
	}
	return b
}

// appendIPSym is seq_print_ip_sym through trace_seq_print_sym: "0" for a
// zero address; "[unknown/kretprobe'd]" for the kretprobe trampoline;
// sprint_symbol ("sym+0xoff/0xsize [mod]", or "0x<addr>" when no symbol
// covers it) with offset, else the bare name kallsyms_lookup gives
// (module not shown) or "0x%08lx".
func (t *Tracefs) appendIPSym(b []byte, addr uint64, offset bool) []byte {
	if addr == 0 {
		return append(b, '0')
	}
	if tr := t.sub.KretprobeTrampolineAddr(); tr != 0 && addr == tr {
		return append(b, "[unknown/kretprobe'd]"...)
	}
	if offset {
		return t.syms.AppendSymbol(b, addr)
	}
	if loc, ok := t.syms.LookupAddr(addr); ok {
		return append(b, loc.Symbol.Name...)
	}
	return fmt.Appendf(b, "0x%08x", addr)
}

// appendValue is print_probe_args for one argument: arrays as
// "{a,b,...}", each element printed by its type's print function.
func (t *Tracefs) appendValue(b []byte, a *events.Arg, v Value) []byte {
	if a.Count == 0 {
		return t.appendScalar(b, a.Type, v)
	}
	b = append(b, '{')
	for j := 0; j < a.Count; j++ {
		var e Value
		if j < len(v.Elems) {
			e = v.Elems[j]
		} else {
			e = Value{Fault: true}
		}
		b = t.appendScalar(b, a.Type, e)
		if j == a.Count-1 {
			b = append(b, '}')
		} else {
			b = append(b, ',')
		}
	}
	return b
}

// appendScalar is the PRINT_TYPE_FUNC functions of trace_probe.c: u* as
// "%u"/"%llu", s* as "%d"/"%lld", x* as "0x%x"/"0x%llx", char as "'%c'",
// symbol as "%pS", strings quoted or "(fault)" when the data_loc length is
// 0 (FAULT_STRING).
func (t *Tracefs) appendScalar(b []byte, ty *events.Type, v Value) []byte {
	switch ty.Kind {
	case events.TypeString, events.TypeUString, events.TypeSymstr:
		if v.Fault {
			return append(b, "(fault)"...)
		}
		b = append(b, '"')
		b = append(b, v.Str...)
		return append(b, '"')
	case events.TypeChar:
		return append(b, '\'', byte(v.Int), '\'')
	case events.TypeSymbol:
		// %pS of the value.
		return t.syms.AppendSymbol(b, v.Int)
	}
	size := ty.Size
	x := v.Int
	switch {
	case ty.Hex:
		return fmt.Appendf(b, "0x%x", truncate(x, size))
	case ty.Signed:
		return strconv.AppendInt(b, signExtend(x, size), 10)
	default:
		return strconv.AppendUint(b, truncate(x, size), 10)
	}
}

func signExtend(v uint64, size int) int64 {
	switch size {
	case 1:
		return int64(int8(v))
	case 2:
		return int64(int16(v))
	case 4:
		return int64(int32(v))
	}
	return int64(v)
}

// traceHeader is the header of the trace file with the nop tracer:
// print_trace_header is not used (no latency format); the tracer name,
// print_event_info and print_func_help_header_irq (kernel/trace/trace.c,
// v5.17+ columns with BH-disabled and migrate-disable).
func (t *Tracefs) traceHeader() string {
	var total, entries uint64
	for _, c := range t.buf.cpus {
		n := c.entries()
		entries += n
		total += n + c.overrun
	}
	var b strings.Builder
	b.WriteString("# tracer: nop\n#\n")
	fmt.Fprintf(&b, "# entries-in-buffer/entries-written: %d/%d   #P:%d\n#\n", entries, total, t.m.CPUs())
	b.WriteString(helpHeader)
	return b.String()
}

const helpHeader = `#                                _-----=> irqs-off/BH-disabled
#                               / _----=> need-resched
#                              | / _---=> hardirq/softirq
#                              || / _--=> preempt-depth
#                              ||| / _-=> migrate-disable
#                              |||| /     delay
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
`

// Events returns the records in the buffer in the order the trace file
// shows them (merged across CPUs by time stamp).
func (t *Tracefs) Events() []*Event { return t.buf.all() }

// readTrace is the trace file: the header, then one line per record.
func (t *Tracefs) readTrace() string {
	var b []byte
	b = append(b, t.traceHeader()...)
	for _, e := range t.buf.all() {
		b = t.appendContext(b, e)
		b = t.appendEvent(b, e)
		b = append(b, '\n')
	}
	return string(b)
}

// readTracePipe is a read of trace_pipe that finds records: every record
// is consumed and printed without the header.
func (t *Tracefs) readTracePipe() string {
	evs := t.buf.all()
	var b []byte
	for _, e := range evs {
		t.buf.cpus[e.CPU].consume()
		b = t.appendContext(b, e)
		b = t.appendEvent(b, e)
		b = append(b, '\n')
	}
	return string(b)
}

// readStats is per_cpu/cpuN/stats (tracing_stats_read).
func (t *Tracefs) readStats(cpu int) string {
	s := t.Stats(cpu)
	now := t.clock(cpu)
	ts := func(ns uint64) string {
		us := (ns + 500) / 1000
		return fmt.Sprintf("%5d.%06d", us/1e6, us%1e6)
	}
	return fmt.Sprintf("entries: %d\noverrun: %d\ncommit overrun: 0\nbytes: %d\noldest event ts: %s\nnow ts: %s\ndropped events: 0\nread events: %d\n",
		s.Entries, s.Overrun, s.Bytes, ts(s.OldestTS), ts(now), s.Read)
}

// readBufferSizeKB is buffer_size_kb: the per-CPU size, the pages
// allocated times BUF_PAGE_SIZE, in KiB (tracing_entries_read).
func (t *Tracefs) readBufferSizeKB() string {
	return fmt.Sprintf("%d\n", t.buf.cpus[0].nrPages*bufPageSize>>10)
}
