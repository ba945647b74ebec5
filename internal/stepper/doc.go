// Package stepper is kpemu's interactive stepper, in the manner of gdb:
// a session that starts in one guest function (set up as emu.Machine.Call
// sets a call up: AAPCS64 arguments, X30 = emu.ReturnAddress, PC at the
// entry) and runs it under commands, one instruction or one frame at a
// time, with the machine's kprobe subsystem live underneath. It is what
// `kpemu step FILE...` runs.
//
// # The model
//
// The session drives CPU 0 with emu.Machine.Step, one instruction per
// call, and decides between instructions whether to stop: a breakpoint
// (a debugger breakpoint kept by the session, not a BRK in memory), the
// frame being finished returning, a phase event, the end of the call, an
// error, or the per-command budget (Config.MaxInsns). An exception that a
// Go handler takes is part of the instruction that raised it: stepping
// onto an armed BRK #4 runs kprobe's handler, which leaves the CPU at the
// XOL slot (or past the simulated instruction); the next step runs the
// slot, then its BRK #6 ends the step and resumes after the probe. The
// kprobe phase stream (kprobe.Subsystem.SetPhaseListener) and the probe
// handlers' output are collected while an instruction runs and printed
// after it, in order; the phase command prints them one event at a time.
//
// The call returning is seen before it happens: the session never steps
// at emu.ReturnAddress (Step would take the fetch as an instruction
// abort, the sentinel being non-canonical); it prints the return value
// and stays at the prompt.
//
// # Commands
//
// si [N], ni, c, finish, b SYM[+OFF], delete [N], regs (info
// registers), x/NFU ADDR, disas [SYM], probe SYM[+OFF], kretprobe SYM,
// unprobe [SYM[+OFF]], patch ADDR brk #IMM, list, phase, bt, help [CMD],
// quit. probe and kretprobe register the handlers of the kernel's
// samples/kprobes/kprobe_example.c and kretprobe_example.c, which print
// what the samples print on arm64. patch writes a raw BRK through
// kprobe.Subsystem.PatchText and handles it with a break hook registered
// for its immediate (register_kernel_break_hook), which reports ESR and
// ELR and skips the BRK. Every address printed is followed by its
// sym+off. No error ends the session: an unknown command, a bad address,
// a guest fault or a kprobe BUG() is printed and the prompt comes back.
//
// # Input
//
// With Config.Interactive the session reads a terminal with line editing,
// history and command completion (github.com/chzyer/readline); an empty
// line repeats the last command. Otherwise it reads lines from Config.In
// and echoes each after the prompt, so that the output of a script is a
// transcript; the tests compare such transcripts with golden files.
package stepper
