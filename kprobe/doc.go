// Package kprobe will be the Linux arm64 kprobe subsystem running "in the
// kernel" of an emu.Machine: it will own the probe table, patch BRK #4
// over probed instructions through the machine's text-patching path,
// handle the BRK exceptions by immediate (#4 probe hit, #6 end of the
// out-of-line step, #7 kretprobe return), run pre- and post-handlers,
// execute the original instruction from an XOL slot or simulate it, and
// reproduce register_kprobe's checks and errno values, nmissed, aggregated
// probes and kretprobes, per kernel-version profile. The behaviour it
// follows is described in the project's kprobes-arm64 reference, written
// from the Linux sources (arch/arm64/kernel/probes/ and kernel/kprobes.c);
// the vocabulary is the kernel's, Go-cased.
//
// Implemented so far, the pure layer that needs no machine:
//
//   - Version: kernel-version profiles (V5_4, V6_1, V6_12 for the 6.12
//     stable series, V6_17 = Default) whose switches are named after the
//     kernel changes that introduced them.
//   - PtRegs: struct pt_regs with the kernel's accessor helpers.
//   - ArmKprobeDecodeInsn / ArmProbeDecodeInsn: instruction
//     classification exactly as decode-insn.c does it, on raw words with
//     the kernel's mask tests, including the exclusive-sequence scan and
//     the decoder's quirks; each Decision says which rule fired and the
//     errno register_kprobe would return.
//   - SimulateBBl, SimulateBCond, ..., Simulate: the simulate-insn.c
//     handlers on a *PtRegs, with literal loads through a Memory.
package kprobe
