// Package unicorn is a small cgo binding to the Unicorn CPU emulator,
// limited to arm64. kpemu itself is a pure-Go arm64 emulator; this package
// exists only so that tests can run the same code on Unicorn and on kpemu
// and compare the results (differential testing). Nothing outside tests
// should import it.
//
// # Why our own binding
//
// Unicorn's Go bindings live inside the Unicorn source tree and are not
// published as a module that the Go module proxy can serve, so they cannot
// be required from go.mod. This package therefore binds the C library
// (libunicorn, Debian's libunicorn-dev 2.0.1) directly. It is written from
// the C header, not derived from Unicorn's Go bindings.
//
// Every file except this one carries the build constraint
//
//	//go:build unicorn
//
// so that the rest of the module builds without cgo or libunicorn. Run the
// tests with
//
//	go test -tags unicorn ./emu/unicorn/
//
// # API outline
//
// New(model) opens an UC_ARCH_ARM64 engine with one of CPUA57, CPUA53,
// CPUA72 or CPUMax (set with uc_ctl before first use). Memory: Map, Unmap,
// Protect, ReadMem, WriteMem, Regions. Registers: RegRead/RegWrite for scalar
// registers, VRegRead/VRegWrite (bytes) and RegRead128/RegWrite128 (two
// uint64) for V0..V31, SysRegRead/SysRegWrite and ReadSysReg/WriteSysReg for
// any system register through UC_ARM64_REG_CP_REG. Execution: Start, Stop.
// Hooks: HookCode, HookBlock, HookInterrupt, HookMemInvalid, HookMem,
// HookInsnInvalid, RemoveHook. Translation cache: FlushTB, InvalidateTB.
// State: SaveContext, RestoreContext, SwitchPSTATE. Errors are *Error values
// carrying the uc_err code (ErrCode, usable with errors.Is) and the
// uc_strerror text.
//
// Hooks are registered from Go; C calls back through exported trampolines
// that receive only an integer handle, looked up in a Go-side table, so no
// Go pointer is ever given to C. Callbacks may call Stop, RegRead,
// RegWrite, ReadMem, WriteMem, Map, InvalidateTB and RemoveHook; they must
// not call Close or FlushTB (both refuse). A panic in a callback stops the
// emulation and is re-raised by Start. Do not call t.FailNow (require.*)
// inside a callback: runtime.Goexit would unwind through Unicorn's C frames.
//
// # Initial state, exception levels and PSTATE
//
// All numbers below were measured on Unicorn 2.0.1 and are pinned by tests
// in engine_test.go (test names in brackets).
//
//   - Unicorn starts arm64 code at EL1 using SP_EL1 (EL1h), AArch64, with
//     DAIF masked and the Z flag set (QEMU keeps Z inverted and resets the
//     field to 0): PSTATE = 0x400003c5, NZCV = 0x40000000. X registers, SP,
//     SP_EL0/SP_EL1, FPCR and FPSR are 0. SCTLR_EL1 = 0xc50838 (MMU and
//     caches off, A = 0, SA = 1, EnIA = 0). ID_AA64PFR0_EL1 advertises EL0 to
//     EL3 although the CPU sits at EL1 in Secure state (SCR_EL3.NS = 0).
//     [TestResetState]
//   - The arm64 target page is 1 KiB: Map/Unmap/Protect need 1 KiB
//     alignment, not 4 KiB. [TestPageSizeIs1K]
//   - CPACR_EL1 resets to 0, but Unicorn never traps FP/SIMD, whatever FPEN
//     says, at EL1 or EL0. New still sets FPEN = 0b11 so that the
//     architectural state agrees with what Unicorn does.
//     [TestCPACRFPENNotEnforced]
//   - SCR_EL3 resets to 0. RW = 0 declares EL1 AArch32, which makes every
//     ERET to EL1 an illegal exception return (PSTATE.IL set, EL unchanged).
//     New sets SCR_EL3.RW = 1. [TestResetSCRMakesERETToEL1Illegal]
//   - Writing the PSTATE register changes the value read back but not the
//     exception level Unicorn executes at: QEMU caches the EL (and other
//     translation flags such as PAuth enablement) in "hflags", which
//     uc_reg_write, CP_REG writes and TB flushes do not rebuild. After
//     writing PSTATE = EL0t, MRS CurrentEL still reads EL1 and EL1 system
//     registers stay accessible. [TestPSTATEWriteDoesNotChangeEL]
//   - What works is an architectural ERET, which rebuilds hflags.
//     SwitchPSTATE(scratch, pstate) does it: it writes an ERET at scratch,
//     sets ELR_EL1 = PC and SPSR_EL1 = pstate, runs that one instruction and
//     restores ELR_EL1, SPSR_EL1 and scratch. Use PstateEL0t to run at EL0,
//     PstateEL1t / PstateEL1h for EL1 with SP_EL0 / SP_EL1. The ERET also
//     banks the stack pointer (EL1h to EL0t: SP becomes SP_EL0, the old SP
//     goes to SP_EL1). [TestSwitchPSTATEToEL0AndBack, TestSwitchPSTATEToEL1t]
//   - There is no way back from EL0 by ERET (UNDEFINED at EL0) and Unicorn
//     never takes exceptions itself, so to return to EL1 restore a Context
//     saved at EL1 (SaveContext/RestoreContext copy hflags too), or open a
//     new engine. [TestSwitchPSTATEToEL0AndBack]
//   - The SP_EL0..SP_EL3 register ids are QEMU's banked copies; the one for
//     the stack pointer in use is stale (SP_EL1 reads 0 at EL1h after
//     writing SP). Use SP for the live stack pointer.
//
// # Known divergences from the architecture
//
// Exceptions are never taken. Unicorn stops at them and, if an interrupt
// hook is installed, calls it with QEMU's exception number instead of
// vectoring through VBAR_EL1. ESR_EL1, ELR_EL1, FAR_EL1, SPSR_EL1 and
// PSTATE are not written, so the syndrome is lost (decode the instruction
// at PC yourself). Without an interrupt hook Start returns ErrException.
//
//   - SVC: intno 2 (EXCP_SWI, IntSWI). In the hook PC already points past the
//     svc; when the hook returns execution continues there. Without a hook:
//     ErrException with PC past the svc. [TestSVC, TestSVCWithoutHook]
//   - BRK: intno 7 (EXCP_BKPT, IntBKPT). PC points at the brk; returning
//     from the hook re-executes it forever unless the hook moves PC or calls
//     Stop. Without a hook: ErrException, PC at the brk. [TestBRK]
//   - HVC at the reset EL1 is UNDEFINED (intno 1, PC at the hvc), as it
//     should be with SCR_EL3.HCE = 0. SMC raises intno 13 (EXCP_SMC) with
//     PC past the smc. [TestHVCAndSMC]
//   - UDF and other undefined encodings: Start fails with ErrException
//     (UC_ERR_EXCEPTION = 21), not ErrInsnInvalid, with PC at the
//     instruction; with an interrupt hook they arrive as intno 1
//     (EXCP_UDEF, IntUDEF). UC_HOOK_INSN_INVALID is never called.
//     [TestUDF]
//   - Fetching from unmapped memory ends Start with ErrFetchUnmapped (or
//     ErrFetchProt for mapped non-executable memory) and PC = the target
//     address; HookMemInvalid sees MemFetchUnmapped / MemFetchProt with
//     that address and size 4. Data accesses report MemReadUnmapped,
//     MemWriteUnmapped, MemReadProt, MemWriteProt (writes with the value)
//     and ErrReadUnmapped etc., PC at the faulting instruction. FAR_EL1 and
//     ESR_EL1 are not written. A HookMemInvalid callback may map the page
//     and return true to retry. [TestFetchUnmapped, TestDataFaults,
//     TestMemInvalidHookMapsPage]
//   - Unaligned exclusive loads (LDXR, LDAXR, 32 and 64 bit) do fault, as
//     the architecture requires, but as intno 4 (EXCP_DATA_ABORT, IntData)
//     through the interrupt hook, not through the memory hooks; without a
//     hook Start fails with ErrException. Ordinary unaligned LDR works
//     (SCTLR_EL1.A = 0). [TestUnalignedExclusiveFaults]
//   - SP alignment checking is not implemented: SCTLR_EL1.SA = 1 but a load
//     with a misaligned SP base succeeds. [TestSPAlignmentNotChecked]
//   - PACIASP: on A72 (no FEAT_PAuth) it is a NOP and the non-hint PACIA is
//     UNDEFINED. On MAX it is a NOP too at reset, because SCTLR_EL1.EnIA = 0
//     (architecturally correct). To make MAX sign X30, set SCR_EL3.{NS, RW,
//     APK, API} and HCR_EL2.{RW, APK, API} through CP_REG and then set
//     SCTLR_EL1.EnIA with an MSR executed by guest code; AUTIASP then
//     restores X30. With SCR_EL3.NS = 0 PAC instructions trap (intno 1),
//     and EnIA written through CP_REG has no effect (stale hflags).
//     [TestPACIASP, TestPACRequiresHflagsRebuild]
//   - LSE atomics (LDADD) are UNDEFINED on A57, A53 and A72 (ARMv8.0; intno
//     1, or ErrException without hook) and execute on MAX. [TestLSEAtomics]
//
// # Translation cache
//
// Unicorn translates code into blocks (TBs) and keeps them. Measured:
//
//   - A guest store into already-translated code is detected and the new
//     code runs. [TestGuestStoreToCodeIsSeen]
//   - WriteMem between two Start calls is seen without a flush.
//     [TestWriteMemBetweenStartsIsSeen]
//   - WriteMem from a hook while emulation runs is NOT seen: the stale
//     block keeps executing, even after Stop and a new Start. Call
//     InvalidateTB(begin, end) from the hook (UC_CTL_TB_REMOVE_CACHE), or
//     FlushTB (UC_CTL_TB_FLUSH) between Start calls. FlushTB inside a hook
//     crashes Unicorn 2.0.1 (SIGSEGV), so the binding refuses it there.
//     [TestWriteMemFromHookIsStale]
//   - A full flush is slow in 2.0.1: tens of milliseconds, up to about 2 s
//     the first time. A Start with count > 0 followed by one with
//     count == 0 triggers such a flush implicitly, so avoid alternating
//     them on one engine.
//   - A code hook added after its code was translated still fires.
//     [TestHookAddedAfterTranslation]
//
// # Other behaviour worth knowing
//
//   - Start returns nil when it reaches until, when count instructions have
//     run, or when a hook calls Stop; the binding turns an expired timeout
//     (which Unicorn reports as success) into ErrTimeout.
//     [TestTimeoutAndCount]
//   - Stop from a code hook stops before the hooked instruction executes;
//     PC points at it. [TestStopFromHook]
//   - HookMem: MemRead fires before a read with value 0, MemReadAfter after
//     it with the data, MemWrite with the data. UC_HOOK_MEM_FETCH is
//     accepted but never fires. [TestHookMem]
//   - ReadMem and WriteMem ignore page permissions.
//     [TestMemoryReadWriteUnmapProtect]
//   - VBAR_EL1 written through CP_REG has bits 10:0 cleared (RES0); the
//     legacy VBAR_EL1 register id stores the value unmasked.
package unicorn
