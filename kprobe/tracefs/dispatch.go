package tracefs

import (
	"math/bits"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/events"
)

// Sizes of the record headers (kernel/trace/trace_probe.h): struct
// trace_entry (8 bytes) then the probe's unsigned longs.
const (
	traceEntrySize    = 8
	kprobeHeadSize    = traceEntrySize + 8  // ip
	kretprobeHeadSize = traceEntrySize + 16 // func, ret_ip
)

var (
	sysregCNTVCT = arm64.MakeSysReg(3, 3, 14, 0, 2)
	sysregCNTFRQ = arm64.MakeSysReg(3, 3, 14, 0, 0)
)

// clock is the trace clock ("local", sched_clock) on cpu in ns. arm64's
// sched_clock counts the architected timer, so it is CNTVCT_EL0 scaled
// by CNTFRQ_EL0: the emulator's counter of retired instructions.
func (t *Tracefs) clock(cpu int) uint64 {
	c := t.m.CPU(cpu)
	cnt, _ := c.SysReg(sysregCNTVCT)
	freq, _ := c.SysReg(sysregCNTFRQ)
	if freq == 0 {
		return cnt
	}
	hi, lo := bits.Mul64(cnt, 1e9)
	if hi >= freq {
		return ^uint64(0)
	}
	ns, _ := bits.Div64(hi, lo, freq)
	return ns
}

// traceCtx is the trace context a kprobe event records inside the BRK
// exception: the exception entry masked D, A, I and F and the EL1 debug
// path leaves them masked, so irqs_disabled() is true
// (TRACE_FLAG_IRQS_OFF, 'd'); arm64_enter_el1_dbg only informs lockdep
// and RCU (ct_nmi_enter, not __nmi_enter), so the context is neither
// hardirq, softirq nor NMI; need_resched is never set on the emulated
// task. The preempt depth: debug_exception_enter (arch/arm64, v5.2+;
// el1_brk64 in entry-common.c still calls it in v6.17) disables preemption, adding one to the probed code's count, and since
// v5.17 __kprobe_trace_func and __kretprobe_trace_func reserve their
// record with trace_event_buffer_reserve, which takes
// tracing_gen_ctx_dec (one less, for the tracepoint's own
// preempt_disable, on CONFIG_PREEMPTION kernels such as the
// distributions' PREEMPT_DYNAMIC builds): the two cancel, and the line
// shows the probed code's own depth.
func (t *Tracefs) traceCtx() (flags, preempt uint8) {
	return TRACE_FLAG_IRQS_OFF, min(t.opts.PreemptCount, 0xf)
}

// kprobeDispatcher is kprobe_dispatcher: count the hit on this CPU, and
// record the event when it is enabled (TP_FLAG_TRACE).
func (tk *traceKprobe) kprobeDispatcher(kp *kprobe.Kprobe, regs *kprobe.PtRegs) int {
	t := tk.t
	cpu := max(t.sub.SmpProcessorID(), 0)
	tk.nhit[cpu]++
	if tk.ev.enabled {
		e := t.newEvent(tk, cpu)
		e.IP = kp.Addr
		t.fetchArgs(tk, e, &fetchCtx{t: t, regs: regs, cpu: cpu})
		t.commit(e)
	}
	return 0
}

// kretprobeEntryHandler is trace_kprobe's entry handler for a return
// probe that uses $argN: store_trace_entry_data into the instance.
func (tk *traceKprobe) kretprobeEntryHandler(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
	f := &fetchCtx{t: tk.t, regs: regs, cpu: ri.Task}
	f.entryData(tk.entry, ri.Data)
	return 0
}

// kretprobeDispatcher is kretprobe_dispatcher.
func (tk *traceKprobe) kretprobeDispatcher(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
	t := tk.t
	cpu := ri.Task
	tk.nhit[cpu]++
	if tk.ev.enabled {
		e := t.newEvent(tk, cpu)
		e.Func = tk.rp.Kp.Addr
		e.RetIP = ri.RetAddr
		t.fetchArgs(tk, e, &fetchCtx{t: t, regs: regs, cpu: cpu, edata: ri.Data})
		t.commit(e)
	}
	return 0
}

func (t *Tracefs) newEvent(tk *traceKprobe, cpu int) *Event {
	task := t.task(cpu)
	flags, pc := t.traceCtx()
	ev := tk.ev
	return &Event{
		Time: t.clock(cpu), CPU: cpu, Comm: task.Comm, PID: task.PID,
		Flags: flags, PreemptCount: pc, ID: ev.id, Group: ev.group, Name: ev.name,
		Return: ev.isReturn, t: t, args: ev.primary().p.Args,
	}
}

// fetchArgs is store_trace_args, and the record size the kernel reserves
// (sizeof(*entry) + tp->size + the dynamic data of __get_data_size).
func (t *Tracefs) fetchArgs(tk *traceKprobe, e *Event, f *fetchCtx) {
	size := kprobeHeadSize
	if tk.isReturn {
		size = kretprobeHeadSize
	}
	size += tk.p.Size
	for i, a := range tk.p.Args {
		v := f.fetchArg(a, tk.code[i])
		e.Args = append(e.Args, v)
		size += dynSize(a, v)
	}
	e.size = size
}

// dynSize is what a dynamic (string) argument adds to the record: each
// string's bytes and its NUL; nothing for a fault.
func dynSize(a *events.Arg, v Value) int {
	if !a.Dynamic {
		return 0
	}
	if len(v.Elems) > 0 {
		n := 0
		for _, e := range v.Elems {
			if !e.Fault {
				n += len(e.Str) + 1
			}
		}
		return n
	}
	if v.Fault {
		return 0
	}
	return len(v.Str) + 1
}

// commit writes the record to the buffer (trace_event_buffer_commit);
// with tracing_on 0 the ring buffer refuses it, as
// ring_buffer_record_off makes it.
func (t *Tracefs) commit(e *Event) {
	if !t.tracingOn {
		return
	}
	t.buf.write(e)
}
