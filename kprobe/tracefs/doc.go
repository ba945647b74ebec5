// Package tracefs is the kprobe part of tracefs on one emulated machine:
// the runtime behind the kprobe_events language of package
// kprobe/events, so that scripts written for a real kernel's
// /sys/kernel/tracing run unchanged. It follows Linux v6.17
// (kernel/trace/trace_kprobe.c, trace_probe.c, trace_probe_tmpl.h,
// trace_dynevent.c, trace.c, trace_output.c, trace_events.c,
// ring_buffer.c) as the project's kprobes-arm64 reference §8 describes it.
//
// # Using it
//
//	sub, _ := kprobe.New(m, &kprobe.Options{Symbols: loaded.Symbols})
//	fs, _ := tracefs.New(sub, nil)
//	fs.WriteFile("kprobe_events", "p:myprobe do_sys_open dfd=%x0\n") // echo ... > kprobe_events
//	fs.AppendFile("kprobe_events", "r:myret do_sys_open $retval\n")   // echo ... >> kprobe_events
//	fs.WriteFile("events/kprobes/enable", "1")
//	... run guest code ...
//	trace, _ := fs.ReadFile("trace")
//
// The files (fs.go lists them) are kprobe_events, kprobe_profile,
// error_log, trace, trace_pipe, tracing_on, buffer_size_kb,
// per_cpu/cpuN/stats and events/{enable, GROUP/enable,
// GROUP/EVENT/{enable,format,id}}. Failed writes return the errno write(2)
// would (errors.Is(err, kprobe.EBUSY)). The same state is available as
// values: Events (records with typed arguments), Profile, ErrorLog,
// Stats.
//
// # Model
//
// Events and probes. Each probe point is a trace_kprobe owning a
// kprobe.Kretprobe whose Kp is the kprobe, as in the kernel; an event
// (trace_probe_event: group, name, ID, enable flag) has one or more probe
// points: a definition with an existing event's name is appended when its
// argument names and types match (append_trace_kprobe), else -EEXIST with
// the kernel's error_log entry (DIFF_PROBE_TYPE, DIFF_ARG_TYPE,
// SAME_PROBE). Probes register disabled (KPROBE_FLAG_DISABLED) and are
// armed when their event is enabled (enable_trace_kprobe). A write
// without append removes every probe first (dyn_events_release_all:
// -EBUSY and nothing removed if an event is enabled); "-:EVENT" removes
// the matching probe points, -EBUSY for the last one of an enabled event;
// both reset the trace buffer (tracing_reset_all_online_cpus, v6.1+). A
// MOD:SYM probe on a module that is not loaded is accepted unregistered
// and registered by ModuleComing (trace_kprobe_module_callback). @SYM
// fetches are resolved at registration (traceprobe_update_arg).
//
// Fetching. kprobe_dispatcher and kretprobe_dispatcher count hits per CPU
// and, for an enabled event, run each argument's fetch program against
// the handler's pt_regs and the machine's memory (process_fetch_insn):
// registers by pt_regs slot, $stackN within the THREAD_SIZE (16 KiB)
// stack block of SP (else 0), $argN from X0..X7, $retval, $comm from
// Options.Task, immediates, dereferences. Kernel reads
// (copy_from_kernel_nofault) fault on unmapped and user pages (arm64 runs
// with PAN); user reads (copy_from_user_nofault) fault on anything but a
// mapped user page. A faulting string prints "(fault)" (its data_loc
// length is 0); a faulting number is left unwritten by the kernel, so the
// record shows whatever bytes the buffer page held: the model prints 0,
// what a page that was never written holds, and marks the Value Fault.
// symbol prints with %pS and symstr stores sprint_symbol, both with the
// subsystem's symbol table. A return probe's $argN values are saved at
// function entry in the kretprobe instance (store_trace_entry_data).
//
// The record. Time stamps are the trace clock "local", which on arm64 is
// sched_clock over the architected counter: CNTVCT_EL0 of the CPU taking
// the probe, scaled by CNTFRQ_EL0 to ns, so they are a pure function of
// the instructions retired (emu.Config.CounterBase, InsnPerSecond), as if
// sched_clock had been registered when the counter read 0. error_log
// entries take CPU 0's clock.
// common_flags are what tracing_gen_ctx computes inside the arm64 BRK
// exception: the exception entry masked DAIF and the EL1 debug path does
// not unmask it, so irqs-off is set ('d'); arm64_enter_el1_dbg tells
// lockdep and RCU but enters neither hardirq, softirq nor NMI context, so
// that column is '.'; need-resched is never set on the emulated task;
// debug_exception_enter disables preemption (v5.2+), and since v5.17 the
// kprobe event reserves its record with trace_event_buffer_reserve, whose
// tracing_gen_ctx_dec takes one off again (CONFIG_PREEMPTION kernels), so
// the preempt depth is the probed code's (Options.PreemptCount, 0 by
// default); migrate-disable is 0. Lines read "d...." by default.
//
// The ring buffer is per CPU, in overwrite mode, with the kernel's
// geometry: DIV_ROUND_UP(buffer_size_kb × 1024, 4080) pages (at least 2)
// of 4080 data bytes, events of rb_calculate_event_length bytes (4-byte
// header, 4-byte alignment, a length word past 112 bytes) plus an 8-byte
// time extend when the delta to the CPU's previous event (or to the
// buffer's reset) reaches 2^27 ns, the rest of a page padded when the
// next event does not fit.
// When the writer needs a page and all hold data, the oldest page is
// overwritten and its events are counted as overrun: the trace header's
// entries-in-buffer/entries-written and per_cpu/cpuN/stats report them.
// An event larger than a page is refused as the kernel refuses it; the
// kernel counts that nowhere, the model in Stats().TooBig.
//
// The trace file prints the nop tracer's header and each record as
// trace_print_context and print_kprobe_event / print_kretprobe_event do:
// "%16s-%-7d [%03d] FLAGS %5lu.%06lu: NAME: (sym+0xoff/0xsize) a=v ...",
// and "(ret_sym+0xoff/0xsize <- func)" for return probes, records of all
// CPUs merged by time stamp. kprobe_profile is "  %-44s %15lu %15lu" per
// probe point with the kretprobe's misses added (v5.17+); error_log
// entries are "[%5llu.%06u] trace_kprobe: error: MSG", the command and a
// caret under the position, at most 16 kept. The format file is f_show's
// with the probe's fields and print fmt.
//
// # Not modelled
//
//   - Event IDs: the kernel numbers dynamic events after its static ones,
//     so the ID depends on the kernel build; IDs start at
//     Options.FirstEventID.
//   - Resizing the buffer through buffer_size_kb (set
//     Options.BufferSizeKB), the buffer's expansion on first use (it
//     starts expanded), other tracers, trace options, triggers, filters,
//     perf and BPF attachments, instances, dynamic_events and uprobes.
//   - The bytes of a faulting numeric field (see Fetching).
//   - A fault inside a string array (TYPE string[N]): the kernel keeps
//     going with data locations shifted by the error code
//     (process_fetch_insn_bottom adds the negative return to the running
//     location), so what it prints depends on stale buffer bytes; the
//     model prints "(fault)" for the faulting element and the ones a
//     faulting pointer read leaves unstored.
package tracefs
