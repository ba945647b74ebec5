// Package events is the language of tracefs's kprobe_events file: it
// parses, checks and compiles one command line written to the file
// (Parse), splits a whole write into its command lines (SplitLines), and
// prints a probe back as reading kprobe_events shows it (Probe.String,
// Probe.Readback). It owns no machine and no kprobe subsystem:
// registering a parsed probe, running its fetch programs and printing
// trace lines is the job of package kprobe/tracefs, which builds on this
// one.
//
// # Model
//
// The behaviour follows Linux v6.17 (kernel/trace/trace_kprobe.c:
// trace_kprobe_create_internal, called __trace_kprobe_create before
// v6.15, trace_kprobe_show, trace_kprobe_match; kernel/trace/
// trace_probe.c: traceprobe_parse_probe_arg and its helpers,
// traceprobe_expand_meta_args, traceprobe_expand_dentry_args,
// traceprobe_update_arg, __set_print_fmt, __trace_probe_log_err;
// kernel/trace/trace_dynevent.c: dyn_event_release; kernel/trace/trace.c:
// trace_parse_run_command) as described in the project's kprobes-arm64
// reference §8.2, §8.3 and §8.6. Its error positions are checked against
// the kernel's own selftest, test.d/kprobe/kprobe_syntax_errors.tc.
//
// A command line is split into words on white space as argv_split does
// (the kernel's Latin-1 ctype: 0xA0 is a space, 0xC0-0xFF letters), so
// the command the kernel logs in error_log is the words joined by single
// spaces (Error.Command), and error positions (Error.Pos) are byte
// offsets into that string, computed as __trace_probe_log_err does: the
// offset of the word being parsed (trace_probe_log_set_index) plus an
// offset inside it. Error.ErrorLog renders the entries as error_log shows
// them, without their timestamps. The kernel's caret arithmetic has
// quirks that are kept: after a +u/-u dereference it points one byte
// short, and a command with :%pd or :%pD arguments is logged with them
// expanded (the kernel rewrites the words its probe log points to).
// Errors the kernel returns without logging (a line that is no kprobe
// command, a malformed delete, a line too long) have an empty Code.
//
// A probe argument compiles into a fetch program (Arg.Code), a list of
// FetchInsn whose operations are the kernel's enum fetch_op: one load
// (FETCH_OP_REG, STACK, STACKP, RETVAL, IMM, COMM, ARG, DATA, EDATA, or
// FETCH_NOP_SYMBOL and IMM for @SYM), dereferences (DEREF, UDEREF), one
// store (ST_RAW, ST_MEM, ST_UMEM, ST_STRING, ST_USTRING, ST_SYMSTR; a
// dereference right before a memory or string store is folded into it),
// an optional bitfield modifier (MOD_BF), an optional array loop
// (LP_ARRAY), FETCH_OP_END; at most FETCH_INSN_MAX (16) of them. The
// runtime executes it as process_fetch_insn and process_fetch_insn_bottom
// do. Registers are numbered as the u64 slots of arm64 struct pt_regs
// (x0..x30 = 0..30, lr = 30, sp = 31, pc = 32, pstate = 33; arm64's
// regoffset_table), so Param*8 is the kernel's offsetof(struct pt_regs,
// ...). A return probe that fetches $argN gets an entry program
// (Probe.EntryArg: FETCH_OP_ARG then FETCH_OP_ST_EDATA per argument) that
// the kretprobe entry handler runs to save the arguments; the return-time
// fetch reads them back with FETCH_OP_EDATA. @SYM stays a
// FETCH_NOP_SYMBOL until registration resolves it (UpdateArg).
//
// Types are the kernel's probe_fetch_types table for a 64-bit kernel:
// u8..u64, s8..s64, x8..x64, char, string, ustring, symbol (u64 printed
// with %pS), symstr, the bitfield form b<width>@<offset>/<container>, and
// arrays TYPE[N] (N <= 64, memory fetches only); ":%pd" and ":%pD" are
// rewritten into string fetches through struct dentry and struct file. An
// untyped argument is x64. The record layout (Arg.Offset, Probe.Size)
// and the event's print fmt (Probe.PrintFmt) come from the same rules.
//
// Facts that depend on the machine are asked of a Context: whether a
// module is loaded, whether a symbol exists and how often
// (NON_UNIQ_SYMBOL, "use an address"), whether SYM+offs is a function
// entry (kprobe_on_func_entry), and how %p hashes a pointer for default
// event names and readback of address probes. A nil Context checks
// syntax only: every module is loaded, every non-empty symbol exists
// once, SYM+0 and only SYM+0 is a function entry (arm64 has no
// arch_adjust_kprobe_addr), and %p prints the raw address as
// no_hash_pointers does, which keeps tests deterministic.
//
// Two kernel asymmetries are kept as they are: only symbol probes get
// TPARG_FL_RETURN/TPARG_FL_FENTRY, so an address kretprobe cannot fetch
// $retval nor an address kprobe $argN; and default event names
// ("p_SYM_OFFS", "p_0x<%p>", cut to 63 bytes, ':' '.' '*' made '_') are
// not checked, so some of them do not parse back.
//
// # Not modelled
//
// BTF (function argument names, $arg*, ->member access, typed $retval)
// needs type information the model does not have: such arguments fail as
// on a kernel without BTF for the function (Context.BTFArgs chooses
// whether CONFIG_PROBE_EVENTS_BTF_ARGS is set). Registration checks
// (EVENT_EXIST, DIFF_PROBE_TYPE, DIFF_ARG_TYPE, SAME_PROBE, FAIL_REG_PROBE,
// BAD_INSN_BNDRY, the deferred ENOENT of an unknown symbol) are the
// runtime's; their codes and messages are here (ErrCodes, ErrCode.Msg,
// FormatLogEntry). Event probes (e:), fprobes (f:, t:) and uprobes have
// their own files and are not parsed here.
//
// # Other kernels
//
// Older kernels differ in details the model does not switch on: before
// the v6.x rework $argN was accepted on function entries only (no entry
// data for return probes), the char, symstr and %pd/%pD types
// came later than the others, ARG_TOO_LONG returned -EINVAL, $comm with a
// non-string type failed without an error_log entry, the event name limit
// was checked with '>' instead of '>=', sanitize_event_name did not
// replace '*' (fixed for v6.17), and EVENT_TOO_BIG (a record over
// MAX_PROBE_EVENT_SIZE, 3072 bytes) is a 2026 fix carried into the stable
// series.
package events
