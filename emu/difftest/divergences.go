package difftest

// Divergence is a known way in which Unicorn (2.0.1, QEMU 5.0 inside)
// differs from the architecture or from what the interpreter can observe,
// and how the tester handles it. Nothing is silently absorbed: each
// tolerance the runner applies is counted under its ID (Runner.Tolerated)
// and the tests log the counts.
type Divergence struct {
	ID       string
	Unicorn  string // what Unicorn does
	Handling string // what the tester does about it
}

// Divergences lists them. The Unicorn adapter (unicorn.go, build tag
// unicorn) implements the handling; the runner applies the tolerances.
var Divergences = []Divergence{
	{ID: "no-exception-entry",
		Unicorn:  "Unicorn never takes an exception: ESR_EL1, ELR_EL1, SPSR_EL1 and FAR_EL1 are not written and PSTATE does not change. The host learns of it from QEMU's exception index (EXCP_*) in the interrupt hook, or from the uc_err of a memory fault, with the address from the invalid-memory hook.",
		Handling: "Compare the kind of exception, and the fault address, direction and fault class when both engines know them; the ESR (EC, ISS, imm16 of BRK/SVC) is checked by the interpreter's own tests only. The interrupt hook stops the emulation, which would otherwise re-execute the faulting instruction."},
	{ID: "svc-pc",
		Unicorn:  "In the interrupt hook for SVC, PC is already past the svc; for BRK, UDF and data aborts it is the instruction itself.",
		Handling: "None needed: that is each exception's preferred return address (Arm ARM D1.10.1), which the interpreter leaves in PC after an unhandled exception. PC is compared."},
	{ID: "stale-translation",
		Unicorn:  "Translated blocks survive a uc_mem_write to code made from a hook (emu/unicorn doc.go: TestWriteMemFromHookIsStale); between Start calls a write is seen.",
		Handling: "The tester writes code only between steps, and FlushCode (uc_ctl TB_REMOVE_CACHE on the code page) after each program load anyway, so that the comparison never depends on it. Not UC_CTL_TB_FLUSH: it costs about 50 ms in Unicorn 2.0.1."},
	{ID: "udef-index",
		Unicorn:  "EXCP_UDEF (1) covers every exception with the Unknown, trapped-system-instruction and PC-alignment syndromes alike (QEMU 5.0 raises a PC alignment fault as EXCP_UDEF with syn_pcalignment); HVC and SMC at EL1 without EL2/EL3 also come as EXCP_UDEF.",
		Handling: "EXCP_UDEF at a PC that is not 4-byte aligned is a PC alignment fault, otherwise Undefined."},
	{ID: "data-abort-index",
		Unicorn:  "Alignment faults (exclusives, atomics, acquire/release) come as EXCP_DATA_ABORT (4) in the interrupt hook, with neither the address nor the fault status code.",
		Handling: "Compared as a data abort of unknown address and fault class."},
	{ID: "sp-alignment",
		Unicorn:  "QEMU does not implement the SP alignment check of SCTLR_EL1.SA/SA0.",
		Handling: "Both engines run with SA and SA0 clear."},
	{ID: "mmu-off",
		Unicorn:  "Unicorn runs with SCTLR_EL1.M = 0, where the architecture treats data accesses as Device-nGnRnE (unaligned accesses and DC ZVA fault); QEMU 5.0 does not apply this and treats memory as Normal.",
		Handling: "None needed: the interpreter models Normal memory as Linux maps it, which is what QEMU does. Addresses are low (the virtual address is the physical one)."},
	{ID: "store-fault-partial",
		Unicorn:  "A store that crosses into a page it may not write is split by QEMU into smaller stores: the bytes before the page boundary are written before the fault. The interpreter checks both pages first and writes nothing.",
		Handling: "Both are allowed (the interpreter writes the part before the fault for some multi-element stores, too): memory locations a faulting store was to write are UNKNOWN (Arm ARM B2.5.2, accesses that cross a page are several accesses). After a store Data Abort, differences in the 64 bytes below the fault address (the largest store, ST4 of four Q registers) are tolerated."},
	{ID: "fetch-fault-early",
		Unicorn:  "Stepping with a count of 1, Unicorn translates the next block before it stops: after a branch to memory it cannot execute, uc_emu_start returns the fetch fault (PC at the target) together with the branch.",
		Handling: "The adapter reports the branch as completed and keeps the Instruction Abort for the next step, which returns it without running anything when PC is still the target."},
	{ID: "pc-alignment-priority",
		Unicorn:  "A fetch from an unmapped address that is not 4-byte aligned is reported as UC_ERR_FETCH_UNMAPPED.",
		Handling: "The adapter reports the PC alignment fault: the architecture checks PC alignment before the fetch is translated (Arm ARM D1.10.2, AArch64.CheckPCAlignment)."},
	{ID: "qemu-alignment",
		Unicorn:  "QEMU 5.0 misses the alignment fault that exclusives, load-acquire/store-release, LDAPR, the LSE atomics and CAS require (Arm ARM B2.5.2) in three cases: LDAR/STLR/LDAPR are not checked at all; a store-exclusive is failed (status 1) without a fault when the monitor does not match, while AArch64.ExclusiveMonitorsPass checks alignment first; and an unmapped address is reported as unmapped before the alignment check, while Mem[] checks alignment before translating.",
		Handling: "Before running one of those instructions the adapter checks its address (the base register) against the required alignment and, if misaligned, reports the alignment fault without running it."},
	{ID: "lse-minmax-subword",
		Unicorn:  "QEMU 5.0 gets LDSMAX/LDSMIN/LDUMAX/LDUMIN (and the ST forms) of bytes, halfwords and words wrong: the signed ones compare without sign-extending (ldsmaxb of 0xf8 (-8) and 0 leaves 0xf8), the unsigned ones compare the whole 64-bit register (ldumax w of 0x925e8d66 and 0xffffffff80000000 stores 0x80000000).",
		Handling: "Those forms are excluded on MAX (exclusions); the doubleword forms are compared. The interpreter follows the Arm ARM (C6.2 LDSMAX/LDUMAX: SInt/UInt of the datasize-bit values)."},
	{ID: "data-abort-pc",
		Unicorn:  "On a memory fault in an access QEMU makes from a helper (DC ZVA), Unicorn leaves PC at the next instruction.",
		Handling: "The adapter puts PC back on the faulting instruction, the preferred return address of a Data Abort (Arm ARM D1.10.1)."},
	{ID: "aborted-load-registers",
		Unicorn:  "A load that faults part way (LD1-LD4 of several registers, a pair) may have written some of its destination registers in Unicorn; the interpreter writes none.",
		Handling: "Both are allowed: the registers an aborted load would write are UNKNOWN (Arm ARM, synchronous Data Abort). When both engines report the Data Abort, differences in the instruction's transfer registers (Rt, Rt2, and Vt..Vt+3 for FP/SIMD) are tolerated; the base register is still compared."},
	{ID: "mmu-off-unprivileged",
		Unicorn:  "With the MMU off there are no EL0 permissions: LDTR/STTR at EL1 access any mapped memory. The interpreter's pages have EL0 permissions (PermUser).",
		Handling: "The interpreter adapter maps the data window and the read-only page as user pages, so unprivileged accesses there compare fully; an LDTR/STTR that the interpreter faults on a page EL0 cannot access (the code pages, which cannot be user pages since EL1 must execute them) while Unicorn completes it is tolerated (counted, the program ends)."},
	{ID: "mmu-off-cache-maintenance",
		Unicorn:  "QEMU treats DC CIVAC/CVAC/CVAU/IVAC and IC IVAU as no-ops: no translation, so no fault for an unmapped or non-writable address. The architecture translates their address and can fault (Arm ARM D7.5.9: DC IVAC needs write permission, the others read).",
		Handling: "A Data Abort the interpreter raises on one of them while Unicorn completes it is tolerated (counted, the program ends)."},
	{ID: "clrex-sentinel",
		Unicorn:  "QEMU 5.0 marks a clear exclusive monitor with the address 0xffffffffffffffff, so STXRB/STLXRB to that address passes the address check and attempts the store (a Data Abort), where the architecture fails it (status 1) without an access.",
		Handling: "The adapter executes STXRB/STLXRB to that address itself: Ws = 1, PC + 4. No load-exclusive can mark that address (it is never mapped), so failing is always right."},
	{ID: "exclusive-pass-imp-def",
		Unicorn:  "QEMU passes a store-exclusive when its address equals the marked one and memory still holds the value the load-exclusive read (a compare-and-swap), whatever the sizes; the interpreter requires the same address and size and an untouched monitor.",
		Handling: "Both are allowed: whether a store-exclusive passes after a load-exclusive of another size or address in the granule, or after a store by the same PE to the marked location, is IMPLEMENTATION DEFINED or CONSTRAINED UNPREDICTABLE (Arm ARM B2.9). The runner tracks the last load-exclusive and tolerates a differing store-exclusive in those cases only (counted, the program ends); a plain LDXR/STXR pair must agree."},
}
