package emu

import "github.com/kpemu/kpemu/arm64"

// Executors of the system instructions: hints, barriers, CLREX, MSR
// (immediate), MSR and MRS (register), and SYS with its aliases DC, IC, AT
// and TLBI (Arm ARM C5.3 and C6.2).
//
// kpemu models no interrupts yet, so WFI and WFE complete at once (the
// architecture allows a wake-up event at any time); they trap to EL1 from
// EL0 when SCTLR_EL1.nTWI/nTWE is 0. The other hints are NOPs: the PAC
// hints because FEAT_PAuth is not implemented (as Linux runs on such CPUs),
// BTI because no page is guarded, and the unallocated hint encodings
// because the architecture makes them NOPs (C6.2.120 HINT).
//
// Memory is sequentially consistent in the interpreter, so DMB and DSB
// (SSBB, PSSBB) have nothing to order; ISB is a context synchronization
// event, which applies pending instruction cache invalidations.

func init() {
	defineExecSelect(arm64.HINT, func(in *arm64.Inst) execFn {
		switch in.Imm2 {
		case arm64.HintWFI:
			return execWFI
		case arm64.HintWFE:
			return execWFE
		}
		return execNOP
	})
	defineExec(arm64.CLREX, execCLREX)
	defineExec(arm64.DSB, execNOP)
	defineExec(arm64.DMB, execNOP)
	defineExec(arm64.ISB, execISB)
	defineExecFeature(arm64.SB, func(f *Features) bool { return f.SB }, execNOP)
	defineExecSelect(arm64.MSRimm, func(in *arm64.Inst) execFn {
		switch in.Imm2 {
		case arm64.PStateSPSel:
			return execMSRSPSel
		case arm64.PStateDAIFSet:
			return execMSRDAIFSet
		case arm64.PStateDAIFClr:
			return execMSRDAIFClr
		case arm64.PStatePAN:
			return execMSRPAN
		case arm64.PStateUAO:
			return execMSRUAO
		case arm64.PStateSSBS:
			return execMSRSSBS
		}
		// PStateDIT: FEAT_DIT (Armv8.4) is not implemented, so MSR DIT is
		// UNDEFINED, as on the Armv8.2 CPU kpemu models.
		return execUndefined
	})
	defineExec(arm64.MRS, execMRS)
	defineExec(arm64.MSRreg, execMSRReg)
	defineExecSelect(arm64.SYS, selectSys)
	// No SYSL encoding is allocated to an instruction kpemu implements.
	defineExec(arm64.SYSL, execUndefined)
}

func execNOP(c *CPU, in *arm64.Inst) { c.pc += 4 }

// SCTLR_EL1 bits that let EL0 execute WFI and WFE without a trap.
const (
	sctlrNTWI = 1 << 16
	sctlrNTWE = 1 << 18
)

// ISS of a trapped WFI or WFE (ESR_ELx, "ISS encoding for an exception
// from a WF* instruction"): CV = 1 and COND = 0b1110 for a trap from
// AArch64, TI = 0 for WFI, 1 for WFE.
const (
	issWFxCV   = 1 << 24
	issWFxCond = 0b1110 << 20
	issWFITI   = 0
	issWFETI   = 1
)

// execWFI: WFI (C6.2.396) completes at once (nothing to wait for), unless
// EL0 executes it with SCTLR_EL1.nTWI = 0, which traps it to EL1.
func execWFI(c *CPU, in *arm64.Inst) {
	if c.el == 0 && c.sys.sctlr&sctlrNTWI == 0 {
		c.raise(ECWFx, issWFxCV|issWFxCond|issWFITI, c.pc)
		return
	}
	c.pc += 4
}

// execWFE: WFE (C6.2.394), as WFI with SCTLR_EL1.nTWE.
func execWFE(c *CPU, in *arm64.Inst) {
	if c.el == 0 && c.sys.sctlr&sctlrNTWE == 0 {
		c.raise(ECWFx, issWFxCV|issWFxCond|issWFETI, c.pc)
		return
	}
	c.pc += 4
}

// execCLREX: CLREX (C6.2.66) clears the local exclusive monitor.
func execCLREX(c *CPU, in *arm64.Inst) {
	c.exclValid = false
	c.pc += 4
}

// execISB: ISB (C6.2.127) is a context synchronization event.
func execISB(c *CPU, in *arm64.Inst) {
	c.m.mem.synchronize()
	c.pc += 4
}

// sysTrap raises the exception for a system instruction or register access
// that a control disables at EL0 (EC 0x18, "Trapped MSR, MRS or System
// instruction execution"), ISS as ESR_ELx describes it: Op0 21:20, Op2
// 19:17, Op1 16:14, CRn 13:10, Rt 9:5, CRm 4:1, Direction 0 (1 for a read).
func (c *CPU) sysTrap(s arm64.SysReg, rt arm64.Reg, read bool) {
	op0, op1, crn, crm, op2 := s.Fields()
	iss := uint32(op0)<<20 | uint32(op2)<<17 | uint32(op1)<<14 | uint32(crn)<<10 |
		uint32(rt&31)<<5 | uint32(crm)<<1
	if read {
		iss |= 1
	}
	c.raise(ECSysReg, iss, c.pc)
}

// MSR (immediate) (C6.2.230). The fields with op1 = 000 (SPSel, PAN, UAO)
// need EL1; DAIFSet and DAIFClr at EL0 trap unless SCTLR_EL1.UMA is set
// (AArch64.CheckDAIFAccess); SSBS is allowed at EL0. The one-bit fields
// take CRm<0>.

func execMSRSPSel(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.SetSPSel(int(in.Imm & 1))
	c.pc += 4
}

// msrImmTrap traps MSR DAIFSet/DAIFClr at EL0; the syndrome names the
// instruction as MSR (immediate) encodes it (op0 = 0, CRn = 4, Rt = 31).
func msrImmTrap(c *CPU, in *arm64.Inst) bool {
	if c.el != 0 || c.sys.sctlr&sctlrUMA != 0 {
		return false
	}
	c.sysTrap(arm64.SysReg(in.Word>>5&0xffff), arm64.ZR, false)
	return true
}

func execMSRDAIFSet(c *CPU, in *arm64.Inst) {
	if msrImmTrap(c, in) {
		return
	}
	c.SetDAIF(c.daif | uint64(in.Imm&15)<<6)
	c.pc += 4
}

func execMSRDAIFClr(c *CPU, in *arm64.Inst) {
	if msrImmTrap(c, in) {
		return
	}
	c.SetDAIF(c.daif &^ (uint64(in.Imm&15) << 6))
	c.pc += 4
}

func execMSRPAN(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.pan = in.Imm&1 != 0
	c.pc += 4
}

func execMSRUAO(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.uao = in.Imm&1 != 0
	c.pc += 4
}

func execMSRSSBS(c *CPU, in *arm64.Inst) {
	c.ssbs = in.Imm&1 != 0
	c.pc += 4
}

// execMRS: MRS <Xt>, <systemreg> (C6.2.228). What may be read, and from
// which EL, is the system register model's business (sysreg.go); a refused
// access is UNDEFINED.
func execMRS(c *CPU, in *arm64.Inst) {
	v, ok := c.mrs(in.SysReg)
	if !ok {
		c.undefined()
		return
	}
	c.x[in.Rt] = v
	c.pc += 4
}

// execMSRReg: MSR <systemreg>, <Xt> (C6.2.231).
func execMSRReg(c *CPU, in *arm64.Inst) {
	if !c.msr(in.SysReg, c.x[in.Rt]) {
		c.undefined()
		return
	}
	c.pc += 4
}

// The SYS aliases kpemu implements, by op1:CRn:CRm:op2 (Arm ARM C5.3).
// Every other SYS encoding is UNDEFINED: the EL2 and EL3 operations (no
// such levels), the allocation tag operations (no FEAT_MTE), DC CVADP (no
// FEAT_DPB2), and the TLBI range and outer shareable forms (no FEAT_TLBIRANGE,
// FEAT_TLBIOS: Armv8.4).
var sysExecs = map[arm64.SysReg]execFn{}

func sysOp(op1, crn, crm, op2 int) arm64.SysReg { return arm64.MakeSysReg(1, op1, crn, crm, op2) }

func init() {
	for s, fn := range map[arm64.SysReg]execFn{
		sysOp(3, 7, 4, 1):  execDCZVA,
		sysOp(3, 7, 10, 1): execDCByVA, // DC CVAC
		sysOp(3, 7, 11, 1): execDCByVA, // DC CVAU
		sysOp(3, 7, 12, 1): execDCByVA, // DC CVAP (FEAT_DPB, Armv8.2)
		sysOp(3, 7, 14, 1): execDCByVA, // DC CIVAC
		sysOp(0, 7, 6, 1):  execDCIVAC,
		sysOp(0, 7, 6, 2):  execDCSetWay, // DC ISW
		sysOp(0, 7, 10, 2): execDCSetWay, // DC CSW
		sysOp(0, 7, 14, 2): execDCSetWay, // DC CISW
		sysOp(3, 7, 5, 1):  execICIVAU,
		sysOp(0, 7, 5, 0):  execICIALLU,
		sysOp(0, 7, 1, 0):  execICIALLU, // IC IALLUIS
		sysOp(0, 7, 8, 0):  execAT,      // AT S1E1R
		sysOp(0, 7, 8, 1):  execAT,      // AT S1E1W
		sysOp(0, 7, 8, 2):  execAT,      // AT S1E0R
		sysOp(0, 7, 8, 3):  execAT,      // AT S1E0W
		sysOp(0, 7, 9, 0):  execAT,      // AT S1E1RP (FEAT_PAN2, Armv8.2)
		sysOp(0, 7, 9, 1):  execAT,      // AT S1E1WP
	} {
		sysExecs[s] = fn
	}
	// TLBI VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1 (CRm 7) and their
	// Inner Shareable forms (CRm 3).
	for _, op2 := range []int{0, 1, 2, 3, 5, 7} {
		sysExecs[sysOp(0, 8, 7, op2)] = execTLBI
		sysExecs[sysOp(0, 8, 3, op2)] = execTLBIIS
	}
}

func selectSys(in *arm64.Inst) execFn {
	if fn, ok := sysExecs[in.SysReg]; ok {
		return fn
	}
	return execUndefined
}

// dczvaBlock is the size DC ZVA zeroes, as DCZID_EL0.BS = 4 reports.
const dczvaBlock = 64

// issCM is the CM bit of a Data Abort's ISS: the abort came from a cache
// maintenance or address translation instruction.
const issCM = 1 << 8

// execDCZVA: DC ZVA, <Xt> (Arm ARM C5.3, "DC ZVA, Data Cache Zero by VA") zeroes
// the naturally aligned 64-byte block holding Xt, as stores do: it needs
// write permission, calls the memory hooks, and a fault is a Data Abort
// with WnR set and CM clear (DC ZVA is not a cache maintenance
// instruction). FAR reports Xt, the register argument (Arm ARM D7.5.9.2 and
// FAR_EL1). At EL0 it traps unless SCTLR_EL1.DZE is set.
func execDCZVA(c *CPU, in *arm64.Inst) {
	if c.el == 0 && c.sys.sctlr&sctlrDZE == 0 {
		c.sysTrap(in.SysReg, in.Rt, false)
		return
	}
	va := c.x[in.Rt]
	base := va &^ (dczvaBlock - 1)
	// The block lies within one page, so a fault can only happen on the
	// first store: a faulting DC ZVA writes nothing.
	for off := uint64(0); off < dczvaBlock; off += 8 {
		if !c.store(base+off, 3, 0) {
			c.pending.FAR = va
			return
		}
	}
	c.pc += 4
}

// cmoTranslate translates the address of a cache maintenance instruction
// as Arm ARM D7.5.9 says: it can take a Translation fault; a Permission
// fault only at EL0 without read access (need adds more, for DC IVAC). The
// Data Abort reports CM = 1 and WnR = 1, and FAR the register argument.
func (c *CPU) cmoTranslate(va uint64, need Perm) bool {
	if c.el == 0 {
		need |= PermRead
	}
	if c.translate(va, need, true) != nil {
		return true
	}
	c.pending.ISS |= issCM
	return false
}

// execDCByVA: DC CVAC, CVAU, CVAP, CIVAC. With no cache modelled they only
// translate. At EL0 they trap unless SCTLR_EL1.UCI is set (D7.5.9.3).
func execDCByVA(c *CPU, in *arm64.Inst) {
	if c.el == 0 && c.sys.sctlr&sctlrUCI == 0 {
		c.sysTrap(in.SysReg, in.Rt, false)
		return
	}
	if !c.cmoTranslate(c.x[in.Rt], 0) {
		return
	}
	c.pc += 4
}

// execDCIVAC: DC IVAC needs EL1 and write permission.
func execDCIVAC(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	if !c.cmoTranslate(c.x[in.Rt], PermWrite) {
		return
	}
	c.pc += 4
}

// execDCSetWay: DC ISW, CSW, CISW (EL1 only) have no address and nothing
// to clean.
func execDCSetWay(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.pc += 4
}

// execICIVAU: IC IVAU, <Xt> invalidates the instruction cache for the
// address: the decoded instructions of its page are dropped at the next
// context synchronization event (with Config.StrictICache; otherwise fetch
// always sees memory). Whether it can fault is IMPLEMENTATION DEFINED
// (D7.5.9.1); kpemu translates it like a DC instruction, as the kernel's
// user cache maintenance (with its exception fixups) expects. EL0 needs
// SCTLR_EL1.UCI.
func execICIVAU(c *CPU, in *arm64.Inst) {
	if c.el == 0 && c.sys.sctlr&sctlrUCI == 0 {
		c.sysTrap(in.SysReg, in.Rt, false)
		return
	}
	va := c.x[in.Rt]
	if !c.cmoTranslate(va, 0) {
		return
	}
	c.m.mem.icInvalidate(va, false)
	c.pc += 4
}

// execICIALLU: IC IALLU and IC IALLUIS (EL1 only) invalidate every
// instruction cache; all CPUs share the decoded-instruction cache.
func execICIALLU(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.m.mem.icInvalidate(0, true)
	c.pc += 4
}

// PAR_EL1 fields (Arm ARM D24.2, PAR_EL1).
const (
	parF       = 1 << 0  // the translation failed
	parFSTLSB  = 1       // FST, bits 6:1, when F = 1
	parSHInner = 3 << 7  // SH: Inner Shareable, when F = 0
	parRES1    = 1 << 11 // bit 11 is RES1 in both formats
	parPAMask  = 0x0000_ffff_ffff_f000
	parAttrWB  = 0xff << 56 // ATTR: Normal, Inner/Outer Write-Back, R/W-allocate
)

// execAT: AT S1E1R, S1E1W, S1E0R, S1E0W, S1E1RP, S1E1WP, <Xt> (EL1 only)
// write the result of a stage 1 translation to PAR_EL1 without taking an
// exception. kpemu has no translation tables: a mapped page translates to
// the same address (PA = VA bits 47:12) as Normal Write-Back memory; an
// unmapped one reports a level 3 translation fault (level 0 for a
// non-canonical address); a permission fault when the page lacks the
// access: read or write (op2<0>), at EL0 (S1E0*) or at EL1, and for
// S1E1RP/WP with PSTATE.PAN set, no access to a page EL0 can access.
func execAT(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	_, _, _, crm, op2 := in.SysReg.Fields()
	va := c.x[in.Rt]
	need := PermRead
	if op2&1 != 0 {
		need = PermWrite
	}
	if crm == 8 && op2 >= 2 {
		need |= PermUser
	}
	fault := uint64(0)
	perm, mapped := c.m.mem.Mapped(va)
	switch {
	case !Canonical(va):
		fault = faultTranslationL0
	case !mapped:
		fault = faultTranslationL3
	case perm&need != need, crm == 9 && c.pan && perm&PermUser != 0:
		fault = faultPermissionL3
	}
	if fault != 0 {
		c.sys.par = parF | fault<<parFSTLSB | parRES1
	} else {
		c.sys.par = va&parPAMask | parAttrWB | parSHInner | parRES1
	}
	c.pc += 4
}

// execTLBI: TLBI operations of EL1 (local). kpemu has no translation
// tables, but its software TLB caches page lookups: dropping it is the
// invalidation's visible meaning. At EL0 TLBI is UNDEFINED.
func execTLBI(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.flushTLB()
	c.pc += 4
}

// execTLBIIS: the Inner Shareable forms reach every CPU of the machine.
func execTLBIIS(c *CPU, in *arm64.Inst) {
	if c.el == 0 {
		c.undefined()
		return
	}
	c.m.mem.flushTLBs()
	c.pc += 4
}
