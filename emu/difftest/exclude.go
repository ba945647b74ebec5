package difftest

import "github.com/kpemu/kpemu/arm64"

// An exclusion keeps a set of encodings out of the generated programs
// because the two engines cannot agree on them by construction: their
// result depends on state the engines do not share, or they leave the
// setting the tester compares in. Each says why. Words in the pattern for
// which allow returns true are comparable after all.
type exclusion struct {
	name        string
	mask, value uint32
	models      []Model // the models it applies to; nil: all
	allow       func(w uint32) bool
	reason      string
}

// exclusions are matched against every candidate word (Arm ARM C4.1,
// encoding index). They are architecture facts about encodings, so they
// do not depend on how the decoder names its ops.
var exclusions = []exclusion{
	{name: "WFI, WFE", mask: 0xffffffdf, value: 0xd503205f,
		reason: "wait for interrupt/event: the interpreter and QEMU differ in whether and how they suspend; not an instruction semantics question"},
	{name: "PAC hints", mask: 0xfffff01f, value: 0xd503201f, models: []Model{MAX},
		allow:  func(w uint32) bool { return !pacHint[(w>>5)&0x7f] },
		reason: "MAX has FEAT_PAuth: PACIASP and friends sign with QARMA, while the interpreter (no PAuth) runs them as NOPs; they are compared on A72 instead"},
	{name: "ERET", mask: 0xffffffff, value: 0xd69f03e0,
		reason: "exception return changes the EL and PC from ELR_EL1/SPSR_EL1, which State does not share; Unicorn also does not re-translate at the new EL"},
	{name: "ERETAA, ERETAB", mask: 0xfffffbff, value: 0xd69f0bff,
		reason: "exception return (see ERET)"},
	{name: "DRPS", mask: 0xffffffff, value: 0xd6bf03e0,
		reason: "debug state only"},
	{name: "HVC", mask: 0xffe0001f, value: 0xd4000002,
		reason: "calls EL2: the interpreter has no EL2; QEMU's answer depends on its EL2/EL3 configuration"},
	{name: "SMC", mask: 0xffe0001f, value: 0xd4000003,
		reason: "calls EL3: the interpreter has no EL3; QEMU's answer depends on its EL3 configuration"},
	{name: "DCPS1..3", mask: 0xffe0001c, value: 0xd4a00000,
		reason: "debug state only"},
	{name: "MSR (immediate)", mask: 0xfff8f01f, value: 0xd500401f,
		allow: func(w uint32) bool {
			field := (w>>16)&7<<3 | (w>>5)&7      // op1:op2
			return field == 0o36 || field == 0o37 // DAIFSet, DAIFClr
		},
		reason: "PSTATE fields other than DAIF: SPSel switches to SP_EL0, which State does not hold; PAN, UAO, SSBS, DIT and TCO exist on MAX only or not in the interpreter"},
	{name: "MRS", mask: 0xfff00000, value: 0xd5300000,
		allow:  func(w uint32) bool { return mrsAllowed[arm64.SysReg(w>>5)] },
		reason: "system registers whose value the engines do not share (ID registers, CTR_EL0, MIDR, counters, ELR/SPSR/ESR/FAR, SCTLR, CPACR, ...) or that only one engine implements"},
	{name: "MSR (register)", mask: 0xfff00000, value: 0xd5100000,
		allow:  func(w uint32) bool { return msrAllowed[arm64.SysReg(w>>5)] },
		reason: "writes to system registers that change translation, exception routing or debug, or that State does not compare"},
	{name: "SYS", mask: 0xfff80000, value: 0xd5080000,
		allow:  func(w uint32) bool { return sysAllowed[sysOp(w)] },
		reason: "TLB maintenance and address translation (AT) depend on translation, which the engines model differently (QEMU with the MMU off, the interpreter without page tables); IMPLEMENTATION DEFINED SYS encodings"},
	{name: "LDSMAX, LDSMIN, LDUMAX, LDUMIN of bytes, halfwords, words", mask: 0x3f20cc00, value: 0x38204000, models: []Model{MAX},
		allow:  func(w uint32) bool { return w>>30 == 3 },
		reason: "Unicorn bug (divergence lse-minmax-subword): QEMU 5.0 compares the wrong widths"},
	{name: "SYSL", mask: 0xfff80000, value: 0xd5280000,
		reason: "IMPLEMENTATION DEFINED system instructions with a result"},
}

// pacHint marks the HINT numbers (CRm:op2) of the FEAT_PAuth hint forms:
// XPACLRI, PACIA1716, PACIB1716, AUTIA1716, AUTIB1716, PACIAZ, PACIASP,
// PACIBZ, PACIBSP, AUTIAZ, AUTIASP, AUTIBZ, AUTIBSP (Arm ARM C6.2.88 HINT).
var pacHint = map[uint32]bool{7: true, 8: true, 10: true, 12: true, 14: true,
	24: true, 25: true, 26: true, 27: true, 28: true, 29: true, 30: true, 31: true}

func sr(op0, op1, crn, crm, op2 int) arm64.SysReg { return arm64.MakeSysReg(op0, op1, crn, crm, op2) }

var (
	srNZCV      = sr(3, 3, 4, 2, 0)
	srDAIF      = sr(3, 3, 4, 2, 1)
	srCurrentEL = sr(3, 0, 4, 2, 2)
	srSPSel     = sr(3, 0, 4, 2, 0)
	srFPCR      = sr(3, 3, 4, 4, 0)
	srFPSR      = sr(3, 3, 4, 4, 1)
	srDCZID     = sr(3, 3, 0, 0, 7)
)

// mrsAllowed are the registers MRS may read: their values are equal on
// both engines (State sets the thread pointers and FP control; EL1h with
// DAIF masked; DCZID_EL0 is 4, 64-byte blocks, on both).
var mrsAllowed = map[arm64.SysReg]bool{
	srNZCV: true, srDAIF: true, srCurrentEL: true, srSPSel: true,
	srFPCR: true, srFPSR: true, srDCZID: true,
	sysTPIDR: true, sysTPIDRRO: true, sysTPIDR1: true,
}

// msrAllowed are the registers MSR may write: all of them are in State or
// read back through an allowed MRS.
var msrAllowed = map[arm64.SysReg]bool{
	srNZCV: true, srDAIF: true, srFPCR: true, srFPSR: true,
	sysTPIDR: true, sysTPIDRRO: true, sysTPIDR1: true,
}

// sysOp packs op1:CRn:CRm:op2 of a SYS word.
func sysOp(w uint32) uint32 { return (w >> 5) & 0x3fff }

func sysEnc(op1, crn, crm, op2 uint32) uint32 { return op1<<11 | crn<<7 | crm<<3 | op2 }

// sysAllowed are the cache maintenance operations of Armv8.0 (Arm ARM
// C5.3): data and instruction cache maintenance by address or set/way,
// and DC ZVA (which writes memory). DC CVAP/CVADP (FEAT_DPB) are left out:
// A72 does not have them.
var sysAllowed = map[uint32]bool{
	sysEnc(0, 7, 1, 0):  true, // IC IALLUIS
	sysEnc(0, 7, 5, 0):  true, // IC IALLU
	sysEnc(3, 7, 5, 1):  true, // IC IVAU
	sysEnc(0, 7, 6, 1):  true, // DC IVAC
	sysEnc(0, 7, 6, 2):  true, // DC ISW
	sysEnc(0, 7, 10, 2): true, // DC CSW
	sysEnc(0, 7, 14, 2): true, // DC CISW
	sysEnc(3, 7, 4, 1):  true, // DC ZVA
	sysEnc(3, 7, 10, 1): true, // DC CVAC
	sysEnc(3, 7, 11, 1): true, // DC CVAU
	sysEnc(3, 7, 14, 1): true, // DC CIVAC
}

// unpredictable says why a decoded load or store is CONSTRAINED
// UNPREDICTABLE (Arm ARM K1.2), or "": the architecture lets each
// implementation pick among several behaviours, so the engines may
// legitimately differ.
func unpredictable(w uint32, in *arm64.Inst) string {
	c := in.Op.Class()
	if c != arm64.ClassLdSt && c != arm64.ClassSIMDLdSt {
		return ""
	}
	size, l := w>>30, w>>22&1
	if c == arm64.ClassLdSt && w&0x3f000000 == 0x08000000 {
		// Exclusives, ordered, CAS (C4.1.66): size 001000 o2 L o1 ...
		o2, o1 := w>>23&1, w>>21&1
		if o2 == 1 || (o1 == 1 && size < 2) {
			return "" // LDAR/STLR, CAS, CASP
		}
		switch {
		case l == 1 && o1 == 1 && in.Rt == in.Rt2:
			return "load-exclusive pair with Rt == Rt2 (LDPOVERLAP)"
		case l == 0 && (in.Rs == in.Rt || o1 == 1 && in.Rs == in.Rt2):
			return "store-exclusive with Rs == Rt (DATAOVERLAP)"
		case l == 0 && in.Rs == in.Rn:
			return "store-exclusive with Rs == Rn (BASEOVERLAP)"
		}
		return ""
	}
	pair := w&0x3a000000 == 0x28000000 // load/store pair: xx101 V 0 ...
	if pair && l == 1 && in.Rt == in.Rt2 {
		return "load pair with Rt == Rt2 (LDPOVERLAP)"
	}
	wback := in.Mode == arm64.AddrPreIndex || in.Mode == arm64.AddrPostIndex
	if c == arm64.ClassLdSt && wback && in.Rn != arm64.SP && (in.Rn == in.Rt || pair && in.Rn == in.Rt2) {
		return "writeback to a transfer register (WBOVERLAPLD/WBOVERLAPST)"
	}
	return ""
}

// excluded returns the exclusion that keeps w out of programs on model m,
// or nil.
func excluded(w uint32, m Model) *exclusion {
	for i := range exclusions {
		x := &exclusions[i]
		if w&x.mask != x.value {
			continue
		}
		if x.models != nil && !hasModel(x.models, m) {
			continue
		}
		if x.allow != nil && x.allow(w) {
			continue
		}
		return x
	}
	return nil
}

func hasModel(ms []Model, m Model) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}
