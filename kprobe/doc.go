// Package kprobe is the Linux arm64 kprobe subsystem running "in the
// kernel" of an emu.Machine: it owns the probe table, patches BRK #4 over
// probed instructions through the machine's text-patching path, handles
// the BRK exceptions by immediate, runs pre- and post-handlers, executes
// the original instruction from an XOL slot or simulates it, and
// reproduces register_kprobe's checks and errno values, nmissed and
// aggregated probes, per kernel-version profile. The behaviour it follows
// is described in the project's kprobes-arm64 reference, written from the
// Linux sources (arch/arm64/kernel/probes/ and kernel/kprobes.c); the
// vocabulary is the kernel's, Go-cased.
//
// # Using it
//
// New(m, opts) is init_kprobes: it installs the machine's handler for EL1
// BRK exceptions (EC 0x3C), which dispatches on the BRK immediate to break
// hooks (RegisterKernelBreakHook; kprobes registers #4 and #6, users may
// add their own for raw BRKs). Give it the symbol table the loader
// returned (Options.Symbols): names are resolved and addresses checked
// with it, and the XOL slot pages are added to it as kprobe_insn_page
// [__builtin__kprobes], so slots show by name in errors and traces.
//
//	s, err := kprobe.New(m, &kprobe.Options{Symbols: loaded.Symbols})
//	kp := &kprobe.Kprobe{SymbolName: "kernel_clone", PreHandler: pre}
//	err = s.RegisterKprobe(kp) // errors.Is(err, kprobe.EINVAL) ...
//	defer s.UnregisterKprobe(kp)
//
// Errors of the kernel-facing API are *Error values carrying the Linux
// errno (errors.Is(err, kprobe.ENOENT)); the kernel's deaths (BUG() on an
// unrecoverable reentry, die("Oops - BRK")) are *Oops errors that stop the
// machine's run.
//
// # The runtime (reference §5)
//
// Everything goes through the CPU's real exception path: the armed BRK #4
// is executed by the CPU, which takes the exception (ESR_EL1 0xF2000004,
// ELR_EL1 = the probe address, SPSR_EL1 = PSTATE, DAIF masked); the
// handler builds PtRegs from that state (X0..X30, the interrupted SP, PC =
// ELR_EL1, PSTATE = SPSR_EL1), runs the kernel's state machine
// (current_kprobe, KPROBE_HIT_ACTIVE/HIT_SS/HIT_SSDONE/REENTER, the saved
// DAIF bits, one level of reentry) and writes PtRegs back before the
// machine's ERET. An INSN_GOOD instruction runs from its 8-byte slot (the
// instruction, then BRK #6) with D, A, I and F masked; BRK #6 ends the
// step, restores DAIF, calls the post-handler and resumes at the probe
// address + 4. An INSN_GOOD_NO_SLOT instruction is simulated on PtRegs in
// the BRK #4 exception. A pre-handler returning non-zero resumes at the
// PC it set. Handlers may call guest code (emu.Machine.Call): a probe hit
// there counts in NMissed and runs without its handlers, as in the
// kernel.
//
// # Implemented
//
//   - Version: kernel-version profiles (V5_4, V6_1, V6_12 for the 6.12
//     stable series, V6_17 = Default) whose switches are named after the
//     kernel changes that introduced them.
//   - PtRegs: struct pt_regs with the kernel's accessor helpers.
//   - ArmKprobeDecodeInsn / ArmProbeDecodeInsn: classification exactly as
//     decode-insn.c does it; Simulate and the simulate-insn.c handlers.
//   - RegisterKprobe(s) / UnregisterKprobe(s) / EnableKprobe /
//     DisableKprobe / GetKprobe with the validation order and errno of
//     reference §7.1, aggregation of several probes at one address (§7.2),
//     the slot cache (§4.2), arming and disarming through PatchText (the
//     aarch64_insn_patch_text analogue), the BRK #4/#6 handlers (§5.2-5.7),
//     faults in the XOL step (§5.10, fault.go).
//   - Per profile (version.go, singlestep.go): V5_4 steps with the
//     hardware single-step (one-word slot, MDSCR_EL1.SS and KDE, the
//     software step exception EC 0x33), v5.10+ with BRK #6; the pre-v6.2
//     handling of a BRK #4 with no probe; the fault handler's history.
//   - Kretprobes (kretprobe.go, trampoline.go, trampoline_code.go): the
//     entry hijack of X30, the per-task LIFO instance list, the MaxActive
//     pool and NMissed (§6); the trampoline per profile, with its kallsyms
//     entry: v6.9+ a BRK #7 handled in the exception, before v6.9 real
//     arm64 code (assembled with arm64/asm) that builds pt_regs on the
//     stack and calls trampoline_probe_handler, whose body runs in Go
//     (a code hook), then returns with LR = the real return address; the
//     instance key per kernel (none in v5.4, SP, X29 from v5.16) and what
//     a mismatch does (BUG_ON, then WARN_ON_ONCE: KretprobeWarnings).
//   - The phase stream (phase.go, SetPhaseListener): one PhaseEvent per
//     step of a probe's life, named for the kernel function that makes
//     it, with the registers it changed, for tracing and teaching.
//   - The global arm/disarm switch and GONE probes (§7.5, global.go) and
//     the debugfs list, enabled and blacklist views (§8.1, debugfs.go).
//   - The blacklist (§4.5, blacklist.go) as init_kprobes builds it from
//     the image (_kprobe_blacklist, __kprobes, noinstr, entry, irqentry,
//     hyp and hyp idmap text, one entry per symbol) or from Options, and
//     the sites register_kprobe refuses with EINVAL, each named in the
//     error: ftrace call sites (__mcount_loc after ftrace_call_adjust),
//     jump-label sites, BUG sites (__bug_table), exception-fixup sites
//     (__ex_table, in arch_prepare_kprobe), __cfi_/__pfx_ symbols.
//   - What the kernel's locking and RCU guarantee (rcu.go): the API calls
//     that may sleep (register, unregister, enable, disable, text
//     patching) stop the machine with the might_sleep bug when a handler
//     makes them, and a probe unregistered while a CPU is stepping it
//     keeps its slot until the step ends, as synchronize_rcu would wait.
//
// The tracefs interface (reference §8.2-8.6) is built on this package:
// kprobe/events is the kprobe_events language, kprobe/tracefs the files
// (kprobe_events, enable, trace, kprobe_profile, error_log) on a machine.
//
// # Not yet modelled
//
//   - Kretprobes of v5.10 (the generic handler over the hash list, which
//     skips a mismatched instance with "kretprobe is stacked incorrectly"):
//     a Version between v5.4 and v5.11 behaves as v5.4. Preemption is not
//     modelled, so the pre-v6.9 return handlers run with interrupts as the
//     returning function had them (the kernel disables preemption only).
//   - Blacklist: module blacklists and tables (a module's
//     _kprobe_blacklist, __ex_table, __bug_table, __jump_table), module
//     init text, the gate area.
package kprobe
