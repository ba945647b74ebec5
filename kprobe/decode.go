package kprobe

import "fmt"

// InsnClass is enum probe_insn (arch/arm64/include/asm/probes.h): what
// arm_kprobe_decode_insn decides for the word at a probe address.
type InsnClass int

const (
	// InsnRejected is INSN_REJECTED: cannot be probed, register_kprobe
	// returns -EINVAL.
	InsnRejected InsnClass = iota
	// InsnGoodNoSlot is INSN_GOOD_NO_SLOT: simulated in the BRK handler.
	InsnGoodNoSlot
	// InsnGood is INSN_GOOD: executed out of line from an XOL slot.
	InsnGood
)

func (c InsnClass) String() string {
	switch c {
	case InsnRejected:
		return "INSN_REJECTED"
	case InsnGoodNoSlot:
		return "INSN_GOOD_NO_SLOT"
	case InsnGood:
		return "INSN_GOOD"
	}
	return fmt.Sprintf("InsnClass(%d)", int(c))
}

// Handler names the simulate_* function the decoder picked for an
// INSN_GOOD_NO_SLOT instruction (arch_probe_insn.handler).
type Handler int

const (
	HandlerNone Handler = iota
	HandlerBBl
	HandlerBCond
	HandlerBrBlrRet // v6.16 and earlier: BR, BLR and RET
	HandlerBrBlr    // SplitRet kernels: BR and BLR
	HandlerRet      // SplitRet kernels: RET
	HandlerCbzCbnz
	HandlerTbzTbnz
	HandlerAdrAdrp
	HandlerLdrLiteral
	HandlerLdrswLiteral
	HandlerNop
)

var handlerNames = [...]string{
	HandlerNone:         "",
	HandlerBBl:          "simulate_b_bl",
	HandlerBCond:        "simulate_b_cond",
	HandlerBrBlrRet:     "simulate_br_blr_ret",
	HandlerBrBlr:        "simulate_br_blr",
	HandlerRet:          "simulate_ret",
	HandlerCbzCbnz:      "simulate_cbz_cbnz",
	HandlerTbzTbnz:      "simulate_tbz_tbnz",
	HandlerAdrAdrp:      "simulate_adr_adrp",
	HandlerLdrLiteral:   "simulate_ldr_literal",
	HandlerLdrswLiteral: "simulate_ldrsw_literal",
	HandlerNop:          "simulate_nop",
}

// String is the kernel's function name, e.g. "simulate_b_cond".
func (h Handler) String() string {
	if h >= 0 && int(h) < len(handlerNames) {
		return handlerNames[h]
	}
	return fmt.Sprintf("Handler(%d)", int(h))
}

// Errno is a Linux error number, as register_kprobe returns it negated.
type Errno int

// The errno values the classification yields.
const (
	EINVAL Errno = 22
	EFAULT Errno = 14
)

// Error spells the errno as the kernel's headers do ("EINVAL").
func (e Errno) Error() string { return errnoName(e) }

// Decision is the classification of one probe site, with the reason in the
// kernel's terms: the answer to "can I probe here?".
type Decision struct {
	Insn    uint32
	Class   InsnClass
	Handler Handler // for InsnGoodNoSlot
	// Rule is the test that decided, named as the kernel names it.
	Rule string
	// Errno is what register_kprobe returns (negated) because of the
	// decoder: EINVAL when rejected, 0 otherwise.
	Errno Errno
	// Atomic is set when the exclusive-sequence scan rejected the site;
	// ExclusiveAt is then the address of the load-exclusive it found.
	Atomic      bool
	ExclusiveAt uint64
}

// Simulated reports whether the instruction is simulated (no slot).
func (d Decision) Simulated() bool { return d.Class == InsnGoodNoSlot }

// The kernel's instruction-class tests: __AARCH64_INSN_FUNCS(name, mask,
// value) in arch/arm64/include/asm/insn.h, aarch64_insn_is_<name>(I) being
// (I & mask) == value. The decoder is mask based on purpose: its quirks
// (BC.cond, CASP, LDAR in the scan) come from these masks.
type insnTest struct{ mask, value uint32 }

func (t insnTest) is(i uint32) bool { return i&t.mask == t.value }

var (
	isLdrLit    = insnTest{0xBF000000, 0x18000000}
	isLdrswLit  = insnTest{0xFF000000, 0x98000000}
	isPrfmLit   = insnTest{0xFF000000, 0xD8000000}
	isExclusive = insnTest{0x3F800000, 0x08000000}
	isLoadEx    = insnTest{0x3F400000, 0x08400000}
	isStoreEx   = insnTest{0x3F400000, 0x08000000}
	isMops      = insnTest{0x3B200C00, 0x19000400}
	isB         = insnTest{0xFC000000, 0x14000000}
	isBl        = insnTest{0xFC000000, 0x94000000}
	isCbz       = insnTest{0x7F000000, 0x34000000}
	isCbnz      = insnTest{0x7F000000, 0x35000000}
	isTbz       = insnTest{0x7F000000, 0x36000000}
	isTbnz      = insnTest{0x7F000000, 0x37000000}
	isBcondOld  = insnTest{0xFF000010, 0x54000000} // before the v6.14 widening
	isBcondWide = insnTest{0xFF000000, 0x54000000}
	isException = insnTest{0xFF000000, 0xD4000000}
	isHint      = insnTest{0xFFFFF01F, 0xD503201F}
	isBr        = insnTest{0xFFFFFC1F, 0xD61F0000}
	isBrAuth    = insnTest{0xFEFFF800, 0xD61F0800}
	isBlr       = insnTest{0xFFFFFC1F, 0xD63F0000}
	isBlrAuth   = insnTest{0xFEFFF800, 0xD63F0800}
	isRet       = insnTest{0xFFFFFC1F, 0xD65F0000}
	isRetAuth   = insnTest{0xFFFFFBFF, 0xD65F0BFF}
	isEret      = insnTest{0xFFFFFFFF, 0xD69F03E0}
	isEretAuth  = insnTest{0xFFFFFBFF, 0xD69F0BFF}
	isMrs       = insnTest{0xFFF00000, 0xD5300000}
	isMsrImm    = insnTest{0xFFF8F01F, 0xD500401F}
	isMsrReg    = insnTest{0xFFF00000, 0xD5100000}
	isAdr       = insnTest{0x9F000000, 0x10000000}
	isAdrp      = insnTest{0x9F000000, 0x90000000}
)

// aarch64InsnIsBcond is aarch64_insn_is_bcond with the profile's mask.
func aarch64InsnIsBcond(v Version, i uint32) bool {
	if v.BCondMatchesBC {
		return isBcondWide.is(i)
	}
	return isBcondOld.is(i)
}

// aarch64InsnIsBranch is aarch64_insn_is_branch (arch/arm64/lib/insn.c):
// B, BL, CB*, TB*, RET, BR, BLR, B.cond, and since v5.7 the PAC forms.
func aarch64InsnIsBranch(v Version, i uint32) bool {
	if isB.is(i) || isBl.is(i) || isCbz.is(i) || isCbnz.is(i) ||
		isTbz.is(i) || isTbnz.is(i) || isRet.is(i) || isBr.is(i) ||
		isBlr.is(i) || aarch64InsnIsBcond(v, i) {
		return true
	}
	return v.PtrauthNotSteppable && (isRetAuth.is(i) || isBrAuth.is(i) || isBlrAuth.is(i))
}

// aarch64InsnUsesLiteral is aarch64_insn_uses_literal: LDR/LDRSW literal,
// ADR/ADRP and PRFM literal. FP/SIMD literal loads (LDR St/Dt/Qt, label)
// are not among them: the quirk of reference §2.7.
func aarch64InsnUsesLiteral(i uint32) bool {
	return isLdrLit.is(i) || isLdrswLit.is(i) || isAdr.is(i) || isAdrp.is(i) || isPrfmLit.is(i)
}

// The hint numbers (CRm:op2 << 5, i.e. I & 0xFE0) of enum
// aarch64_insn_hint_cr_op.
const (
	hintNOP       = 0x000
	hintYIELD     = 0x020
	hintWFE       = 0x040
	hintWFI       = 0x060
	hintSEV       = 0x080
	hintSEVL      = 0x0A0
	hintXPACLRI   = 0x0E0
	hintPACIA1716 = 0x100
	hintPACIB1716 = 0x140
	hintPACIAZ    = 0x300
	hintPACIASP   = 0x320
	hintPACIBZ    = 0x340
	hintPACIBSP   = 0x360
	hintBTI       = 0x400
	hintBTIC      = 0x440
	hintBTIJ      = 0x480
	hintBTIJC     = 0x4C0
)

// aarch64InsnIsSteppableHint is aarch64_insn_is_steppable_hint (v5.7+):
// a whitelist. In v5.4 the hint rule was aarch64_insn_is_nop: every hint
// but YIELD, WFE, WFI, SEV and SEVL.
func aarch64InsnIsSteppableHint(v Version, i uint32) bool {
	if !isHint.is(i) {
		return false
	}
	h := i & 0xFE0
	if !v.PtrauthNotSteppable {
		switch h {
		case hintYIELD, hintWFE, hintWFI, hintSEV, hintSEVL:
			return false
		}
		return true
	}
	switch h {
	case hintXPACLRI, hintPACIA1716, hintPACIB1716, hintPACIAZ, hintPACIASP,
		hintPACIBZ, hintPACIBSP, hintBTI, hintBTIC, hintBTIJ, hintBTIJC, hintNOP:
		return true
	}
	return false
}

// spclregDAIF is AARCH64_INSN_SPCLREG_DAIF: the op0:op1:CRn:CRm:op2 field
// of MRS Xt, DAIF as aarch64_insn_extract_system_reg returns it.
const spclregDAIF = 0xDA11

// aarch64InsnIsSteppable is aarch64_insn_is_steppable
// (arch/arm64/kernel/probes/decode-insn.c). It returns the verdict and the
// rule that gave it.
func aarch64InsnIsSteppable(v Version, i uint32) (bool, string) {
	// aarch64_insn_is_class_branch_sys: op0 bits 28:26 = 101 (older
	// kernels index a class table by bits 28:25; same result).
	if i&0x1C000000 == 0x14000000 {
		switch {
		case aarch64InsnIsBranch(v, i):
			return false, "aarch64_insn_is_branch: a branch cannot run from the XOL slot"
		case isMsrImm.is(i):
			return false, "aarch64_insn_is_msr_imm: MSR (immediate) writes PSTATE, not stepped"
		case isMsrReg.is(i):
			return false, "aarch64_insn_is_msr_reg: MSR (register) is not stepped"
		case isException.is(i):
			return false, "aarch64_insn_is_exception: exception-generating instructions are not stepped"
		case isEret.is(i):
			return false, "aarch64_insn_is_eret: ERET is not stepped"
		case v.PtrauthNotSteppable && isEretAuth.is(i):
			return false, "aarch64_insn_is_eret_auth: ERETAA/ERETAB are not stepped"
		case isMrs.is(i):
			if (i&0x1FFFE0)>>5 == spclregDAIF {
				return false, "aarch64_insn_is_mrs: MRS DAIF would read the all-masked DAIF of the XOL step"
			}
			return true, "aarch64_insn_is_mrs: MRS (other than DAIF) is stepped out of line"
		case isHint.is(i):
			if aarch64InsnIsSteppableHint(v, i) {
				if v.PtrauthNotSteppable {
					return true, "aarch64_insn_is_steppable_hint: whitelisted hint, stepped out of line"
				}
				return true, "aarch64_insn_is_nop: hint other than YIELD/WFE/WFI/SEV/SEVL, stepped out of line"
			}
			if v.PtrauthNotSteppable {
				return false, "aarch64_insn_is_steppable_hint: hint not in the whitelist"
			}
			return false, "aarch64_insn_is_nop: YIELD/WFE/WFI/SEV/SEVL are not stepped"
		}
		return true, "branch/system class, not a branch, MSR, exception, ERET, MRS DAIF or hint: stepped out of line"
	}
	switch {
	case aarch64InsnUsesLiteral(i):
		return false, "aarch64_insn_uses_literal: a PC-relative literal access would be relative to the XOL slot"
	case isExclusive.is(i):
		return false, "aarch64_insn_is_exclusive: load/store exclusive cannot be stepped out of line"
	case v.MOPSRejected && isMops.is(i):
		return false, "aarch64_insn_is_mops: memory copy/set (MOPS) cannot be stepped out of line"
	}
	return true, "steppable: executed out of line from an XOL slot"
}

func simulated(i uint32, h Handler, rule string) Decision {
	return Decision{Insn: i, Class: InsnGoodNoSlot, Handler: h, Rule: rule}
}

// ArmProbeDecodeInsn is arm_probe_decode_insn
// (arch/arm64/kernel/probes/decode-insn.c), the decoder kprobes and
// uprobes share. Before v6.12 (LiteralLoadsKprobeOnly false) it also
// simulates the literal loads.
func ArmProbeDecodeInsn(v Version, i uint32) Decision {
	// v6.13 "Simulate nop instruction": aarch64_insn_is_nop is now the
	// exact NOP word (hint with CRm:op2 = 0).
	if v.SimulateNop && i == 0xD503201F {
		return simulated(i, HandlerNop, "aarch64_insn_is_nop: NOP, simulated by simulate_nop")
	}
	if ok, rule := aarch64InsnIsSteppable(v, i); ok {
		return Decision{Insn: i, Class: InsnGood, Rule: rule}
	} else if d, ok := decodeSimulated(v, i, !v.LiteralLoadsKprobeOnly); ok {
		return d
	} else {
		return Decision{Insn: i, Class: InsnRejected, Errno: EINVAL,
			Rule: rule + "; not simulated either: INSN_REJECTED"}
	}
}

// decodeSimulated picks the simulate_* handler in the order of
// arm_probe_decode_insn.
func decodeSimulated(v Version, i uint32, literals bool) (Decision, bool) {
	switch {
	case aarch64InsnIsBcond(v, i):
		if i&0x10 != 0 {
			return simulated(i, HandlerBCond, "aarch64_insn_is_bcond: BC.cond (FEAT_HBC) matches the B.cond mask, simulated by simulate_b_cond"), true
		}
		return simulated(i, HandlerBCond, "B.cond: simulated by simulate_b_cond"), true
	case isCbz.is(i) || isCbnz.is(i):
		return simulated(i, HandlerCbzCbnz, "CBZ/CBNZ: simulated by simulate_cbz_cbnz"), true
	case isTbz.is(i) || isTbnz.is(i):
		return simulated(i, HandlerTbzTbnz, "TBZ/TBNZ: simulated by simulate_tbz_tbnz"), true
	case isAdr.is(i) || isAdrp.is(i):
		return simulated(i, HandlerAdrAdrp, "PC-relative ADR/ADRP: simulated by simulate_adr_adrp"), true
	case isB.is(i) || isBl.is(i):
		return simulated(i, HandlerBBl, "B/BL: simulated by simulate_b_bl"), true
	case isBr.is(i) || isBlr.is(i):
		if v.SplitRet {
			return simulated(i, HandlerBrBlr, "BR/BLR: simulated by simulate_br_blr"), true
		}
		return simulated(i, HandlerBrBlrRet, "BR/BLR: simulated by simulate_br_blr_ret"), true
	case isRet.is(i):
		if v.SplitRet {
			return simulated(i, HandlerRet, "RET: simulated by simulate_ret"), true
		}
		return simulated(i, HandlerBrBlrRet, "RET: simulated by simulate_br_blr_ret"), true
	case literals && isLdrLit.is(i):
		return simulated(i, HandlerLdrLiteral, "LDR (literal): simulated by simulate_ldr_literal"), true
	case literals && isLdrswLit.is(i):
		return simulated(i, HandlerLdrswLiteral, "LDRSW (literal): simulated by simulate_ldrsw_literal"), true
	}
	return Decision{}, false
}

// MaxAtomicContextSize is MAX_ATOMIC_CONTEXT_SIZE: how many instructions
// before the probe the exclusive-sequence scan looks at ("ARM recommends
// at most 128 bytes between load- and store-exclusive").
const MaxAtomicContextSize = 32

// InsnReader reads the little-endian instruction word at addr; false if
// nothing is there.
type InsnReader func(addr uint64) (uint32, bool)

// ArmKprobeDecodeInsn is arm_kprobe_decode_insn
// (arch/arm64/kernel/probes/decode-insn.c): the classification of the
// word at addr for a kprobe. symStart is the start of the kallsyms symbol
// containing addr (kallsyms_lookup_size_offset); inSymbol false means no
// symbol, and then, as in the kernel, the exclusive-sequence scan is
// skipped. The alignment and exception-table checks of
// arch_prepare_kprobe are not part of this function.
func ArmKprobeDecodeInsn(v Version, addr uint64, read InsnReader, symStart uint64, inSymbol bool) Decision {
	i, ok := read(addr)
	if !ok {
		// The kernel reads mapped text; nothing to read is the model's
		// own failure, reported as a fault.
		return Decision{Class: InsnRejected, Errno: EFAULT,
			Rule: fmt.Sprintf("no instruction readable at %#x", addr)}
	}
	var d Decision
	switch {
	case v.LiteralLoadsKprobeOnly && isLdrLit.is(i):
		d = simulated(i, HandlerLdrLiteral, "aarch64_insn_is_ldr_lit: LDR (literal), simulated by simulate_ldr_literal")
	case v.LiteralLoadsKprobeOnly && isLdrswLit.is(i):
		d = simulated(i, HandlerLdrswLiteral, "aarch64_insn_is_ldrsw_lit: LDRSW (literal), simulated by simulate_ldrsw_literal")
	default:
		d = ArmProbeDecodeInsn(v, i)
	}
	if d.Class == InsnRejected || !inSymbol || symStart > addr {
		return d
	}
	// scan_end: the symbol start when the probe is within the first
	// MAX_ATOMIC_CONTEXT_SIZE instructions of it, else 32 instructions back.
	offset := addr - symStart
	var scanEnd uint64
	if offset < MaxAtomicContextSize*4 {
		scanEnd = addr - offset/4*4
	} else {
		scanEnd = addr - MaxAtomicContextSize*4
	}
	if at, atomic := isProbedAddressAtomic(addr, scanEnd, read); atomic {
		return Decision{Insn: i, Class: InsnRejected, Errno: EINVAL, Atomic: true, ExclusiveAt: at,
			Rule: fmt.Sprintf("is_probed_address_atomic: load-exclusive at %#x with no store-exclusive before the probe: inside an LL/SC sequence", at)}
	}
	return d
}

// isProbedAddressAtomic is is_probed_address_atomic: walk back from
// addr-4 to scanEnd inclusive; a store-exclusive first means "not inside",
// a load-exclusive first means "inside". The masks cover the whole
// load/store-ordered group, so LDAR counts as a load-exclusive and STLR as
// a store-exclusive (reference §2.5). An unreadable word ends the scan
// (the kernel never meets one inside a symbol).
func isProbedAddressAtomic(addr, scanEnd uint64, read InsnReader) (uint64, bool) {
	for a := addr - 4; a >= scanEnd && a < addr; a -= 4 {
		w, ok := read(a)
		if !ok {
			return 0, false
		}
		if isStoreEx.is(w) {
			return 0, false
		}
		if isLoadEx.is(w) {
			return a, true
		}
	}
	return 0, false
}
