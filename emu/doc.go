// Package emu is the arm64 machine: CPUs, memory, exceptions, hooks, and
// the pure-Go interpreter that runs them. It knows nothing about Linux.
//
// # What is modelled
//
// A Machine holds one or more CPUs sharing a sparse, paged Memory. Each CPU
// has X0..X30, SP_EL0 and SP_EL1 selected by PSTATE.SPSel, PC, PSTATE (NZCV,
// DAIF, EL, SPSel, SS, IL, BTYPE, PAN, UAO, SSBS), V0..V31, FPCR, FPSR, the
// EL1 system registers listed in sysreg.go (anything else is UNDEFINED at
// MRS/MSR), and a local exclusive monitor. Exception levels are EL0 and EL1
// in AArch64 only; there is no EL2, EL3 or AArch32, so HVC, SMC and HLT are
// UNDEFINED, as on a CPU without those levels.
//
// Architecture features (Features): Armv8.0 base integer ISA, plus by
// default FEAT_LSE, FEAT_CRC32 and FEAT_LRCPC; FEAT_SB and FEAT_BTI can be
// turned on; FEAT_PAuth is absent (the PAC hints execute as NOPs, the other
// PAC instructions are UNDEFINED, as on a CPU without it). The ID registers
// report exactly this set. FP/SIMD covers loads, stores and the data
// movement subset that kernel and libc code use; FP arithmetic is not
// modelled yet.
//
// Memory has no page tables: a mapping is a range of 4 KiB pages with
// read, write, execute and user permissions, at canonical 48-bit virtual
// addresses (both halves, so kernel addresses like 0xffff800010000000
// work). A user page is accessible at EL0 and never executable at EL1 (as
// Linux maps user memory PXN); PAN is stored but not enforced. Faults are
// Data Aborts and Instruction Aborts with the ESR, FAR and fault status
// codes the architecture gives for a level-3 translation fault (unmapped),
// a level-0 translation fault (non-canonical address), a permission fault,
// or an alignment fault. SP alignment checking follows SCTLR_EL1.SA/SA0,
// which reset as Linux sets them.
//
// # Exceptions
//
// Taking an exception writes ESR_EL1, ELR_EL1, SPSR_EL1 and FAR_EL1 and sets
// PSTATE as AArch64.TakeException does (EL1h, DAIF masked, SS, IL and BTYPE
// cleared). Delivery then goes to the Go handlers registered for the
// exception class (HandleException: this is how the kprobe model and the
// Linux layer plug in; a handler edits the saved state and returns, and the
// machine performs ERET), else to the guest's own vector table at VBAR_EL1
// when it is not zero, else the run stops with an *ExceptionError that says
// which exception, where (PC, sym+off, the instruction) and with which ESR.
// Software step (MDSCR_EL1.SS and PSTATE.SS) is modelled as the
// architecture's state machine, for the pre-v5.10 kprobe scheme.
//
// # The interpreter
//
// Instructions are decoded once into a decoded-instruction cache (one slot
// per word of each code page) holding the Inst and the function that
// executes it. A write to a code page invalidates its slots; with
// Config.StrictICache only IC IVAU/IALLU followed by a context
// synchronization event does, as on hardware, so a text patch that forgets
// cache maintenance shows the bug. The run loop's fast path is one compare
// to find the fetch page, a slot validity check, one flags test for hooks
// and stop addresses, the executor call, and one test for pending events.
//
// # Determinism
//
// Nothing depends on the host: the same machine, memory and registers give
// the same instruction trace. The generic timer counts retired
// instructions (Config.CounterFreq, Config.InsnPerSecond).
//
// # Errors
//
// Guest code never panics the host. Undefined instructions, bad addresses
// and BRKs nobody handles are architectural exceptions; an exception
// nobody handles, an exhausted instruction budget (BudgetError), a canceled
// context (CanceledError) and a panic in a Go hook or handler (PanicError)
// end Run with a typed error that carries a Where: CPU, PC, sym+off, the
// instruction word and its disassembly.
package emu
