package kprobe

// Version is a kernel-version profile: the behaviour switches that differ
// between the Linux releases kpemu models, as data. Each switch is named
// after the kernel change that introduced the behaviour and is true for
// kernels that have it. The profiles below name mainline releases except
// V6_12, which is the 6.12 stable series as checked against 6.12.107.
// Stable backports of single fixes to older series are not modelled.
type Version struct {
	Name string

	// PtrauthNotSteppable: "arm64: kprobe: disable probe of ptrauth
	// instruction" (kernel pointer-authentication series, v5.7). The
	// steppable-hint whitelist (aarch64_insn_is_steppable_hint) replaces
	// the old "any hint but YIELD/WFE/WFI/SEV/SEVL" rule
	// (aarch64_insn_is_nop of v5.4), so AUTI* and the other non-listed
	// hints become REJECTED; ERETAA/ERETAB (aarch64_insn_is_eret_auth) and
	// the PAC branches BRAA/BLRAA/RETAA... (the *_auth tests inside
	// aarch64_insn_is_branch) stop being stepped out of line.
	PtrauthNotSteppable bool

	// LiteralLoadsKprobeOnly: "arm64: probes: Remove broken LDR (literal)
	// uprobe support" (v6.12, CVE-2024-50099). LDR/LDRSW (literal) are
	// recognised in arm_kprobe_decode_insn before the shared decoder, so
	// the shared decoder (uprobes) rejects them.
	LiteralLoadsKprobeOnly bool

	// SizedLiteralLoads: "arm64: probes: Fix simulate_ldr*_literal()"
	// (v6.12). Before it, simulate_ldr_literal read 8 bytes for the W form
	// and truncated; the value is the same, the access width is not.
	SizedLiteralLoads bool

	// MOPSRejected: "arm64: probes: Disable kprobes/uprobes on MOPS
	// instructions" (v6.14, in the 6.12 stable series). CPY*/SET*
	// (aarch64_insn_is_mops) are not steppable, hence REJECTED.
	MOPSRejected bool

	// BCondMatchesBC: the aarch64_insn_is_bcond mask widened from
	// 0xFF000010 to 0xFF000000 (v6.14, in the 6.12 stable series), so
	// BC.cond (FEAT_HBC) is a branch, simulated by simulate_b_cond. With the
	// old mask BC.cond is steppable and goes out of line.
	BCondMatchesBC bool

	// SimulateNop: "arm64: kprobes: Simulate nop instruction for better
	// uprobe performance" (v6.13). NOP is simulated by simulate_nop
	// instead of being stepped out of line.
	SimulateNop bool

	// SplitRet: RET gets its own simulate_ret, split from
	// simulate_br_blr_ret when GCS support came to probes (about v6.16).
	// The kernel-mode behaviour is unchanged; only the handler name
	// differs.
	SplitRet bool

	// The handler and fault path (arch/arm64/kernel/probes/kprobes.c).

	// BrkSingleStep: "arm64: kprobes: Use BRK instead of single-step when
	// executing instructions out-of-line" (v5.10, 7ee31a3aa8f4). The XOL
	// slot holds the instruction and BRK #6, which ends the step
	// (kprobe_breakpoint_ss_handler), and D, A, I and F are all masked
	// while it runs. Before it the slot holds only the instruction, which
	// is stepped by the hardware: setup_singlestep sets I, clears D and
	// calls kernel_enable_single_step (MDSCR_EL1.SS and KDE, SPSR.SS), and
	// the Software Step exception (EC 0x33) after it ends the step
	// (kprobe_single_step_handler, a kernel step hook).
	BrkSingleStep bool

	// RestoreIrqflagOnFault: "arm64: kprobes: Restore local irqflag if
	// kprobes is cancelled" (v5.13, 738fa58ee132). kprobe_fault_handler
	// puts the saved DAIF bits back when the stepped instruction faults;
	// before it the fault returns to the probe address with the step's
	// masking (I set) left in PSTATE.
	RestoreIrqflagOnFault bool

	// FaultHandlerRemoved: "kprobes: Remove kprobe::fault_handler" (v5.14,
	// ec6aba3d2be1). Before it kprobe_fault_handler counted a fault taken
	// in a pre- or post-handler (status HIT_ACTIVE or HIT_SSDONE) in the
	// probe's nmissed before offering it to kprobe::fault_handler and the
	// exception tables (neither of which the model has).
	FaultHandlerRemoved bool

	// CleanupErrorMessages: "kprobes: treewide: Cleanup the error messages
	// for kprobes" (v5.15). reenter_kprobe's BUG() message becomes
	// "Failed to recover from reentered kprobes." (was "Unrecoverable
	// kprobe detected.").
	CleanupErrorMessages bool

	// NoProbeBrkIsError: "arm64: kprobes: Return DBG_HOOK_ERROR if kprobes
	// can not handle a BRK" (v6.2). A BRK #4 with no probe at its address,
	// and a reentry with a corrupt status, return DBG_HOOK_ERROR (the
	// kernel dies, "Oops - BRK"); before it kprobe_handler returned
	// handled without changing PC (assuming a race with unregister: the
	// CPU re-executes whatever is at the address now).
	NoProbeBrkIsError bool

	// SsCtxRemoved: the per-CPU kprobe_ctlblk.ss_ctx {ss_pending,
	// match_addr} is gone (v6.2, reference §0.1 and §5.4): the step-done
	// handler accepts BRK #6 when a probe is running with status HIT_SS or
	// REENTER and PC is that probe's slot + 4. Before it, setup_singlestep
	// recorded the pending step and kprobe_ss_hit accepted PC ==
	// match_addr (slot + 4), clearing the pending flag.
	SsCtxRemoved bool

	// StaticBrkHandlers: "arm64: debug: call software breakpoint handlers
	// statically" (v6.17). do_el1_brk64 calls the kprobe handlers by BRK
	// immediate instead of through registered break hooks, and they are
	// renamed kprobe_brk_handler, kprobe_ss_brk_handler and
	// kretprobe_brk_handler (kprobe_breakpoint_handler,
	// kprobe_breakpoint_ss_handler, kretprobe_breakpoint_handler before).
	// The behaviour is the same; the names show in traces and diagrams.
	StaticBrkHandlers bool

	// Kretprobes (arch/arm64/kernel/probes/kprobes.c, kprobes_trampoline.S
	// and kernel/kprobes.c; reference §6).

	// KretprobeHashRemoved: "kprobes: Remove kretprobe hash" (v5.11,
	// d741bf41d7c7). The instances of a task hang on its own list
	// (current->kretprobe_instances) and the return goes through the
	// generic __kretprobe_trampoline_handler under kprobe_busy, which
	// checks each instance's key against the frame (BUG_ON(ri->fp !=
	// frame_pointer) until v5.15). Before it, v5.4's arm64
	// trampoline_probe_handler walks the task's bucket of
	// kretprobe_inst_table (with one task per CPU, the CPU's list), keys
	// nothing, leaves regs->pc as the trampoline saved it (0) and runs each
	// return handler with current_kprobe = the kretprobe's kprobe, then
	// NULL. (v5.10's generic hash-list handler, 95a4b7a24f55, sits between
	// the two and is not a profile: with this switch off the model is
	// v5.4's.)
	KretprobeHashRemoved bool

	// KretprobeFindRetAddr: "kprobes: Add kretprobe_find_ret_addr() for
	// searching return address" and the rest of the v5.15 kretprobe
	// clean-up series: the real return address is found first
	// (__kretprobe_find_ret_addr) and shown as regs->pc
	// (instruction_pointer_set, "kprobes: Setup instruction pointer in
	// __kretprobe_trampoline_handler"); a key mismatch is WARN_ON_ONCE and
	// stops the handler walk instead of BUG_ON; the trampoline is renamed
	// __kretprobe_trampoline ("kprobes: treewide: Make it harder to refer
	// kretprobe_trampoline directly"; kretprobe_trampoline before).
	KretprobeFindRetAddr bool

	// KretprobeFramePointer: "arm64: kprobes: Record frame pointer with
	// kretprobe instance" and "arm64: kprobes: Make a frame pointer on
	// __kretprobe_trampoline" (v5.16). ri->fp and the key the return
	// checks are X29; before it, the stack pointer at the entry and at the
	// trampoline (kernel_stack_pointer). The trampoline code points X29 at
	// its pt_regs->regs[29] (add x29, sp, #S_FP) before calling
	// trampoline_probe_handler, so that a stack trace from a return
	// handler unwinds through it.
	KretprobeFramePointer bool

	// KretprobeBrkTrampoline: "arm64: kretprobes: acquire the regs via a
	// BRK exception" (v6.9, 253751233b19). __kretprobe_trampoline is BRK #7
	// (then ASM_BUG()), handled by kretprobe_breakpoint_handler
	// (kretprobe_brk_handler from v6.17): pt_regs come from the exception
	// entry, PC is set to the real return address and X30 keeps the
	// trampoline. Before it the trampoline is code (trampoline_code.go)
	// that saves the registers in a pt_regs on the stack, synthesizes
	// PSTATE, calls trampoline_probe_handler, loads the returned address
	// into LR, restores the registers and returns: X30 is the real return
	// address afterwards.
	KretprobeBrkTrampoline bool

	// The blacklist (blacklist.go; reference §4.1, §4.5, §7.1).

	// FtraceWithRegs: "arm64: implement ftrace with regs" (v5.5,
	// 3b23e4991fb6): ftrace uses -fpatchable-function-entry=2 and
	// ftrace_call_adjust moves an __mcount_loc record (the first of the
	// two NOPs) to the second, the one patched into "bl ftrace_caller".
	// Before it (-pg) the record is the "bl _mcount" in the prologue.
	FtraceWithRegs bool

	// BugSitesProhibited: "kprobes: Prohibit probing on BUG() and WARN()
	// address" (v5.9, e336b4027775): check_kprobe_address_safe refuses a
	// __bug_table address (find_bug). Before it a BUG/WARN BRK is refused
	// only by the decoder (a BRK is not steppable), with the same EINVAL.
	BugSitesProhibited bool

	// ExtableTypeData: "arm64: extable: add `type` and `data` fields"
	// (v5.16): struct exception_table_entry is int insn,
	// fixup; short type, data (12 bytes). Before it, insn and fixup only
	// (8 bytes).
	ExtableTypeData bool

	// HypIdmapNotBlacklisted: "arm64: kprobes: Drop ID map text from
	// kprobes blacklist" (a088cf8eee12, early 2023, after v6.1): the ID
	// map moved out of .text, and arch_populate_kprobe_blacklist no
	// longer adds __hyp_idmap_text_start..__hyp_idmap_text_end.
	HypIdmapNotBlacklisted bool
}

// The profiles. Default is the newest behaviour.
var (
	V5_4 = Version{Name: "v5.4"}
	V6_1 = Version{Name: "v6.1", PtrauthNotSteppable: true,
		FtraceWithRegs: true, BugSitesProhibited: true, ExtableTypeData: true,
		BrkSingleStep: true, RestoreIrqflagOnFault: true, FaultHandlerRemoved: true,
		CleanupErrorMessages: true,
		KretprobeHashRemoved: true, KretprobeFindRetAddr: true, KretprobeFramePointer: true}
	// V6_12 is the 6.12 stable series (6.12.107): the v6.12 literal-load
	// fixes plus the MOPS and B.cond-mask changes backported from v6.14,
	// without the v6.13 NOP simulation.
	V6_12 = Version{Name: "v6.12", PtrauthNotSteppable: true,
		FtraceWithRegs: true, BugSitesProhibited: true, ExtableTypeData: true, HypIdmapNotBlacklisted: true,
		LiteralLoadsKprobeOnly: true, SizedLiteralLoads: true,
		MOPSRejected: true, BCondMatchesBC: true,
		BrkSingleStep: true, RestoreIrqflagOnFault: true, FaultHandlerRemoved: true,
		CleanupErrorMessages: true, NoProbeBrkIsError: true, SsCtxRemoved: true,
		KretprobeHashRemoved: true, KretprobeFindRetAddr: true, KretprobeFramePointer: true,
		KretprobeBrkTrampoline: true}
	V6_17 = Version{Name: "v6.17", PtrauthNotSteppable: true,
		FtraceWithRegs: true, BugSitesProhibited: true, ExtableTypeData: true, HypIdmapNotBlacklisted: true,
		LiteralLoadsKprobeOnly: true, SizedLiteralLoads: true,
		MOPSRejected: true, BCondMatchesBC: true,
		SimulateNop: true, SplitRet: true, StaticBrkHandlers: true,
		BrkSingleStep: true, RestoreIrqflagOnFault: true, FaultHandlerRemoved: true,
		CleanupErrorMessages: true, NoProbeBrkIsError: true, SsCtxRemoved: true,
		KretprobeHashRemoved: true, KretprobeFindRetAddr: true, KretprobeFramePointer: true,
		KretprobeBrkTrampoline: true}

	Default = V6_17
)

// BrkHandlerNames names the functions of this kernel that handle the BRK
// #4 at a probe, the end of the out-of-line step (BRK #6 since v5.10,
// the Software Step exception before) and the kretprobe BRK #7 (v6.9+;
// before, the trampoline is code that calls trampoline_probe_handler).
func (v Version) BrkHandlerNames() (brk, stepDone, kret string) {
	brk, stepDone, kret = "kprobe_breakpoint_handler", "kprobe_breakpoint_ss_handler", "kretprobe_breakpoint_handler"
	if v.StaticBrkHandlers {
		brk, stepDone, kret = "kprobe_brk_handler", "kprobe_ss_brk_handler", "kretprobe_brk_handler"
	}
	if !v.BrkSingleStep {
		stepDone = "kprobe_single_step_handler"
	}
	if !v.KretprobeBrkTrampoline {
		kret = TrampolineProbeHandlerSymbol
	}
	return brk, stepDone, kret
}

// Versions lists the profiles, oldest first.
func Versions() []Version { return []Version{V5_4, V6_1, V6_12, V6_17} }

// VersionByName returns the profile named name ("v6.12"; "6.12" works too).
func VersionByName(name string) (Version, bool) {
	for _, v := range Versions() {
		if v.Name == name || v.Name == "v"+name {
			return v, true
		}
	}
	return Version{}, false
}

func (v Version) String() string { return v.Name }
