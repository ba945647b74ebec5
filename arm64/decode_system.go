package arm64

import (
	"fmt"
	"strings"
)

// System instructions (Arm ARM C4.1.65, "Branches, Exception Generating and
// System instructions"): hints, barriers, PSTATE access (MSR immediate),
// system instructions (SYS, SYSL and their aliases DC, IC, AT, TLBI) and
// system register moves (MSR register, MRS).
//
// Not modelled (they decode as unallocated): CFINV, XAFLAG and AXFLAG
// (FEAT_FlagM), DSB nXS (FEAT_XS), TSTART/TCOMMIT/TTEST (FEAT_TME), WFET and
// WFIT (FEAT_WFxT), MSR (immediate) of TCO, ALLINT, SVCR and PM, SYSP,
// MSRR and MRRS.

// Ops of the system group. Operands:
//
//	HINT             Imm2 = CRm:op2 (7 bits): 0 NOP, 1 YIELD, 2 WFE, 3 WFI,
//	                 4 SEV, 5 SEVL, 6 DGH, 7 XPACLRI, 16 ESB, 17 PSB CSYNC,
//	                 20 CSDB, 25 PACIASP, 32..38 BTI, ... (see hintNames)
//	CLREX            Imm2 = CRm
//	DSB, DMB, ISB    Imm2 = CRm (the barrier option); DSB with CRm 0 is
//	                 SSBB, with CRm 4 PSSBB
//	SB               none
//	MSRimm           Imm = CRm (the immediate), Imm2 = op1:op2 (the
//	                 PSTATE field: PStateSPSel, ...)
//	SYS              SysReg = op0(1):op1:CRn:CRm:op2, Rt (ZR for 31)
//	SYSL             Rt, SysReg
//	MSRreg           SysReg, Rt (ZR for 31)
//	MRS              Rt (ZR for 31), SysReg
const (
	HINT Op = Op(ClassBranch)*opsPerClass + systemOpsBase + iota
	CLREX
	DSB
	DMB
	ISB
	SB
	MSRimm
	SYS
	SYSL
	MSRreg
	MRS
)

// systemOpsBase places the system ops after the branch ops in the class's
// block.
const systemOpsBase = 64

// PSTATE fields of MSR (immediate), as op1:op2 (Arm ARM C6.2.230).
const (
	PStateUAO     int64 = 0b000_011
	PStatePAN     int64 = 0b000_100
	PStateSPSel   int64 = 0b000_101
	PStateSSBS    int64 = 0b011_001
	PStateDIT     int64 = 0b011_010
	PStateDAIFSet int64 = 0b011_110
	PStateDAIFClr int64 = 0b011_111
)

var pstateFieldNames = map[int64]string{
	PStateUAO: "uao", PStatePAN: "pan", PStateSPSel: "spsel", PStateSSBS: "ssbs",
	PStateDIT: "dit", PStateDAIFSet: "daifset", PStateDAIFClr: "daifclr",
}

// Hint numbers (CRm:op2) the executor and printer give a meaning to.
const (
	HintNOP   = 0
	HintYIELD = 1
	HintWFE   = 2
	HintWFI   = 3
)

func init() {
	names := make([]string, systemOpsBase, systemOpsBase+16)
	names = append(names, "HINT", "CLREX", "DSB", "DMB", "ISB", "SB", "MSRimm",
		"SYS", "SYSL", "MSRreg", "MRS")
	registerOps(ClassBranch, names)
	registerEncodings(ClassBranch, []encoding{
		// HINT #<imm> (NOP, YIELD, WFE, WFI, SEV, SEVL, ..., BTI, PACIASP, ...)
		{0xfffff01f, 0xd503201f, HINT, decodeHint},

		// Barriers: 1101 0101 0000 0011 0011 CRm op2 11111.
		// CLREX {#<imm>}
		{0xfffff0ff, 0xd503305f, CLREX, decodeBarrier},
		// DSB <option>|#<imm>, SSBB (CRm 0000), PSSBB (CRm 0100)
		{0xfffff0ff, 0xd503309f, DSB, decodeBarrier},
		// DMB <option>|#<imm>
		{0xfffff0ff, 0xd50330bf, DMB, decodeBarrier},
		// ISB {<option>|#<imm>}
		{0xfffff0ff, 0xd50330df, ISB, decodeBarrier},
		// SB
		{0xffffffff, 0xd50330ff, SB, decodeNoOperands},

		// MSR <pstatefield>, #<imm>
		{0xfff8f01f, 0xd500401f, MSRimm, decodeMSRImm},

		// SYS #<op1>, <Cn>, <Cm>, #<op2>{, <Xt>} (DC, IC, AT, TLBI)
		{0xfff80000, 0xd5080000, SYS, decodeSystem},
		// SYSL <Xt>, #<op1>, <Cn>, <Cm>, #<op2>
		{0xfff80000, 0xd5280000, SYSL, decodeSystem},
		// MSR (<systemreg>|S<op0>_<op1>_<Cn>_<Cm>_<op2>), <Xt>
		{0xfff00000, 0xd5100000, MSRreg, decodeSystem},
		// MRS <Xt>, (<systemreg>|S<op0>_<op1>_<Cn>_<Cm>_<op2>)
		{0xfff00000, 0xd5300000, MRS, decodeSystem},
	})

	registerPrinter(HINT, printHint)
	registerPrinter(CLREX, func(in *Inst) string {
		if in.Imm2 == 15 {
			return "clrex"
		}
		return fmt.Sprintf("clrex\t#%#x", in.Imm2)
	})
	registerPrinter(DSB, func(in *Inst) string {
		switch in.Imm2 {
		case 0:
			return "ssbb"
		case 4:
			return "pssbb"
		}
		return "dsb\t" + barrierOption(in.Imm2)
	})
	registerPrinter(DMB, func(in *Inst) string { return "dmb\t" + barrierOption(in.Imm2) })
	registerPrinter(ISB, func(in *Inst) string {
		if in.Imm2 == 15 {
			return "isb"
		}
		return fmt.Sprintf("isb\t#%#x", in.Imm2)
	})
	registerPrinter(SB, func(*Inst) string { return "sb" })
	registerPrinter(MSRimm, printMSRImm)
	registerPrinter(SYS, printSys)
	registerPrinter(SYSL, func(in *Inst) string {
		_, op1, crn, crm, op2 := in.SysReg.Fields()
		return fmt.Sprintf("sysl\t%s, #%d, C%d, C%d, #%d", in.Rt.GNU(true), op1, crn, crm, op2)
	})
	registerPrinter(MSRreg, func(in *Inst) string {
		return "msr\t" + strings.ToLower(SysRegWriteName(in.SysReg)) + ", " + in.Rt.GNU(true)
	})
	registerPrinter(MRS, func(in *Inst) string {
		return "mrs\t" + in.Rt.GNU(true) + ", " + sysRegGNU(in.SysReg)
	})
}

// printMSRImm names the field as objdump does, which is only for
// immediates the assembler accepts (0 or 1 for the one-bit fields); other
// encodings are valid (the instruction uses CRm<0>) but print as an MSR of
// the generic system register name.
func printMSRImm(in *Inst) string {
	if in.Imm <= 1 || in.Imm2 == PStateDAIFSet || in.Imm2 == PStateDAIFClr {
		return fmt.Sprintf("msr\t%s, #%#x", pstateFieldNames[in.Imm2], in.Imm)
	}
	return fmt.Sprintf("msr\ts0_%d_c4_c%d_%d, xzr", in.Imm2>>3, in.Imm, in.Imm2&7)
}

func decodeHint(w uint32, in *Inst) error {
	in.Imm2 = int64(bits(w, 11, 5))
	return nil
}

func decodeBarrier(w uint32, in *Inst) error {
	in.Imm2 = int64(bits(w, 11, 8))
	return nil
}

// decodeMSRImm accepts the PSTATE fields kpemu knows (Arm ARM C6.2.230 MSR
// (immediate)); the others belong to features it does not model.
func decodeMSRImm(w uint32, in *Inst) error {
	field := int64(bits(w, 18, 16)<<3 | bits(w, 7, 5))
	if _, ok := pstateFieldNames[field]; !ok {
		return unallocated("MSR (immediate) of PSTATE field op1:op2 = %#o (not modelled)", field)
	}
	in.Imm = int64(bits(w, 11, 8))
	in.Imm2 = field
	return nil
}

// decodeSystem: bits 20:5 hold op0:op1:CRn:CRm:op2 in the layout of
// SysReg (for SYS and SYSL op0 is 01); Rt = 31 is XZR.
func decodeSystem(w uint32, in *Inst) error {
	in.SysReg = SysReg(bits(w, 20, 5))
	in.Rt = zr(rd(w))
	return nil
}

// hintNames are the mnemonics objdump gives the allocated hints; the other
// values print as "hint #imm".
var hintNames = map[int64]string{
	0: "nop", 1: "yield", 2: "wfe", 3: "wfi", 4: "sev", 5: "sevl",
	7: "xpaclri", 8: "pacia1716", 10: "pacib1716", 12: "autia1716", 14: "autib1716",
	16: "esb", 17: "psb\tcsync", 18: "tsb\tcsync", 20: "csdb", 22: "clearbhb",
	24: "paciaz", 25: "paciasp", 26: "pacibz", 27: "pacibsp",
	28: "autiaz", 29: "autiasp", 30: "autibz", 31: "autibsp",
	32: "bti", 34: "bti\tc", 36: "bti\tj", 38: "bti\tjc",
}

func printHint(in *Inst) string {
	if n, ok := hintNames[in.Imm2]; ok {
		return n
	}
	return fmt.Sprintf("hint\t#%#x", in.Imm2)
}

var barrierOptions = [16]string{
	1: "oshld", 2: "oshst", 3: "osh", 5: "nshld", 6: "nshst", 7: "nsh",
	9: "ishld", 10: "ishst", 11: "ish", 13: "ld", 14: "st", 15: "sy",
}

func barrierOption(crm int64) string {
	if s := barrierOptions[crm&15]; s != "" {
		return s
	}
	return fmt.Sprintf("#0x%02x", crm)
}

// A sysOp is a named alias of SYS: DC, IC, AT or TLBI with its operation.
type sysOp struct {
	alias, name string
	reg         bool // takes <Xt>
}

// sysOps are the SYS aliases objdump names, by op1:CRn:CRm:op2 (the
// SysReg value with op0 = 1). Arm ARM C5.3 ("A64 System instructions for
// cache maintenance, address translation, TLB maintenance").
var sysOps = map[SysReg]sysOp{}

func init() {
	type row struct {
		alias     string
		op1, crn  int
		crm, op2  int
		name      string
		takesXReg bool
	}
	rows := []row{
		// Instruction cache maintenance.
		{"ic", 0, 7, 1, 0, "ialluis", false},
		{"ic", 0, 7, 5, 0, "iallu", false},
		{"ic", 3, 7, 5, 1, "ivau", true},
		// Data cache maintenance and DC ZVA.
		{"dc", 0, 7, 6, 1, "ivac", true},
		{"dc", 0, 7, 6, 2, "isw", true},
		{"dc", 0, 7, 10, 2, "csw", true},
		{"dc", 0, 7, 14, 2, "cisw", true},
		{"dc", 3, 7, 4, 1, "zva", true},
		{"dc", 3, 7, 10, 1, "cvac", true},
		{"dc", 3, 7, 11, 1, "cvau", true},
		{"dc", 3, 7, 12, 1, "cvap", true},
		{"dc", 3, 7, 13, 1, "cvadp", true},
		{"dc", 3, 7, 14, 1, "civac", true},
		// Allocation tag maintenance (FEAT_MTE; kpemu executes them as
		// UNDEFINED).
		{"dc", 0, 7, 6, 3, "igvac", true},
		{"dc", 0, 7, 6, 4, "igsw", true},
		{"dc", 0, 7, 6, 5, "igdvac", true},
		{"dc", 0, 7, 6, 6, "igdsw", true},
		{"dc", 0, 7, 10, 4, "cgsw", true},
		{"dc", 0, 7, 10, 6, "cgdsw", true},
		{"dc", 0, 7, 14, 4, "cigsw", true},
		{"dc", 0, 7, 14, 6, "cigdsw", true},
		{"dc", 3, 7, 4, 3, "gva", true},
		{"dc", 3, 7, 4, 4, "gzva", true},
		{"dc", 3, 7, 10, 3, "cgvac", true},
		{"dc", 3, 7, 10, 5, "cgdvac", true},
		{"dc", 3, 7, 12, 3, "cgvap", true},
		{"dc", 3, 7, 12, 5, "cgdvap", true},
		{"dc", 3, 7, 13, 3, "cgvadp", true},
		{"dc", 3, 7, 13, 5, "cgdvadp", true},
		{"dc", 3, 7, 14, 3, "cigvac", true},
		{"dc", 3, 7, 14, 5, "cigdvac", true},
		// Address translation.
		{"at", 0, 7, 8, 0, "s1e1r", true},
		{"at", 0, 7, 8, 1, "s1e1w", true},
		{"at", 0, 7, 8, 2, "s1e0r", true},
		{"at", 0, 7, 8, 3, "s1e0w", true},
		{"at", 0, 7, 9, 0, "s1e1rp", true},
		{"at", 0, 7, 9, 1, "s1e1wp", true},
		{"at", 4, 7, 8, 0, "s1e2r", true},
		{"at", 4, 7, 8, 1, "s1e2w", true},
		{"at", 4, 7, 8, 4, "s12e1r", true},
		{"at", 4, 7, 8, 5, "s12e1w", true},
		{"at", 4, 7, 8, 6, "s12e0r", true},
		{"at", 4, 7, 8, 7, "s12e0w", true},
		{"at", 6, 7, 8, 0, "s1e3r", true},
		{"at", 6, 7, 8, 1, "s1e3w", true},
		// TLB maintenance, EL1.
		{"tlbi", 0, 8, 1, 0, "vmalle1os", false},
		{"tlbi", 0, 8, 1, 1, "vae1os", true},
		{"tlbi", 0, 8, 1, 2, "aside1os", true},
		{"tlbi", 0, 8, 1, 3, "vaae1os", true},
		{"tlbi", 0, 8, 1, 5, "vale1os", true},
		{"tlbi", 0, 8, 1, 7, "vaale1os", true},
		{"tlbi", 0, 8, 2, 1, "rvae1is", true},
		{"tlbi", 0, 8, 2, 3, "rvaae1is", true},
		{"tlbi", 0, 8, 2, 5, "rvale1is", true},
		{"tlbi", 0, 8, 2, 7, "rvaale1is", true},
		{"tlbi", 0, 8, 3, 0, "vmalle1is", false},
		{"tlbi", 0, 8, 3, 1, "vae1is", true},
		{"tlbi", 0, 8, 3, 2, "aside1is", true},
		{"tlbi", 0, 8, 3, 3, "vaae1is", true},
		{"tlbi", 0, 8, 3, 5, "vale1is", true},
		{"tlbi", 0, 8, 3, 7, "vaale1is", true},
		{"tlbi", 0, 8, 5, 1, "rvae1os", true},
		{"tlbi", 0, 8, 5, 3, "rvaae1os", true},
		{"tlbi", 0, 8, 5, 5, "rvale1os", true},
		{"tlbi", 0, 8, 5, 7, "rvaale1os", true},
		{"tlbi", 0, 8, 6, 1, "rvae1", true},
		{"tlbi", 0, 8, 6, 3, "rvaae1", true},
		{"tlbi", 0, 8, 6, 5, "rvale1", true},
		{"tlbi", 0, 8, 6, 7, "rvaale1", true},
		{"tlbi", 0, 8, 7, 0, "vmalle1", false},
		{"tlbi", 0, 8, 7, 1, "vae1", true},
		{"tlbi", 0, 8, 7, 2, "aside1", true},
		{"tlbi", 0, 8, 7, 3, "vaae1", true},
		{"tlbi", 0, 8, 7, 5, "vale1", true},
		{"tlbi", 0, 8, 7, 7, "vaale1", true},
		// TLB maintenance, EL2 and EL3 (kernel images hold them in their
		// hypervisor code; kpemu executes them as UNDEFINED).
		{"tlbi", 4, 8, 0, 1, "ipas2e1is", true},
		{"tlbi", 4, 8, 0, 5, "ipas2le1is", true},
		{"tlbi", 4, 8, 3, 0, "alle2is", false},
		{"tlbi", 4, 8, 3, 1, "vae2is", true},
		{"tlbi", 4, 8, 3, 4, "alle1is", false},
		{"tlbi", 4, 8, 3, 5, "vale2is", true},
		{"tlbi", 4, 8, 3, 6, "vmalls12e1is", false},
		{"tlbi", 4, 8, 4, 1, "ipas2e1", true},
		{"tlbi", 4, 8, 4, 5, "ipas2le1", true},
		{"tlbi", 4, 8, 7, 0, "alle2", false},
		{"tlbi", 4, 8, 7, 1, "vae2", true},
		{"tlbi", 4, 8, 7, 4, "alle1", false},
		{"tlbi", 4, 8, 7, 5, "vale2", true},
		{"tlbi", 4, 8, 7, 6, "vmalls12e1", false},
		{"tlbi", 6, 8, 3, 0, "alle3is", false},
		{"tlbi", 6, 8, 3, 1, "vae3is", true},
		{"tlbi", 6, 8, 3, 5, "vale3is", true},
		{"tlbi", 6, 8, 7, 0, "alle3", false},
		{"tlbi", 6, 8, 7, 1, "vae3", true},
		{"tlbi", 6, 8, 7, 5, "vale3", true},
		// FEAT_TLBIOS and FEAT_TLBIRANGE at EL2 and EL3, FEAT_RME.
		{"tlbi", 4, 8, 0, 2, "ripas2e1is", true},
		{"tlbi", 4, 8, 0, 6, "ripas2le1is", true},
		{"tlbi", 4, 8, 1, 0, "alle2os", false},
		{"tlbi", 4, 8, 1, 1, "vae2os", true},
		{"tlbi", 4, 8, 1, 4, "alle1os", false},
		{"tlbi", 4, 8, 1, 5, "vale2os", true},
		{"tlbi", 4, 8, 1, 6, "vmalls12e1os", false},
		{"tlbi", 4, 8, 2, 1, "rvae2is", true},
		{"tlbi", 4, 8, 2, 5, "rvale2is", true},
		{"tlbi", 4, 8, 4, 0, "ipas2e1os", true},
		{"tlbi", 4, 8, 4, 2, "ripas2e1", true},
		{"tlbi", 4, 8, 4, 3, "ripas2e1os", true},
		{"tlbi", 4, 8, 4, 4, "ipas2le1os", true},
		{"tlbi", 4, 8, 4, 6, "ripas2le1", true},
		{"tlbi", 4, 8, 4, 7, "ripas2le1os", true},
		{"tlbi", 4, 8, 5, 1, "rvae2os", true},
		{"tlbi", 4, 8, 5, 5, "rvale2os", true},
		{"tlbi", 4, 8, 6, 1, "rvae2", true},
		{"tlbi", 4, 8, 6, 5, "rvale2", true},
		{"tlbi", 6, 8, 1, 0, "alle3os", false},
		{"tlbi", 6, 8, 1, 1, "vae3os", true},
		{"tlbi", 6, 8, 1, 4, "paallos", false},
		{"tlbi", 6, 8, 1, 5, "vale3os", true},
		{"tlbi", 6, 8, 2, 1, "rvae3is", true},
		{"tlbi", 6, 8, 2, 5, "rvale3is", true},
		{"tlbi", 6, 8, 4, 3, "rpaos", true},
		{"tlbi", 6, 8, 4, 7, "rpalos", true},
		{"tlbi", 6, 8, 5, 1, "rvae3os", true},
		{"tlbi", 6, 8, 5, 5, "rvale3os", true},
		{"tlbi", 6, 8, 6, 1, "rvae3", true},
		{"tlbi", 6, 8, 6, 5, "rvale3", true},
		{"tlbi", 6, 8, 7, 4, "paall", false},
		{"dc", 6, 7, 14, 1, "cipapa", true},
		{"dc", 6, 7, 14, 5, "cigdpapa", true},
		// Prediction restriction (FEAT_SPECRES).
		{"cfp", 3, 7, 3, 4, "rctx", true},
		{"dvp", 3, 7, 3, 5, "rctx", true},
		{"cpp", 3, 7, 3, 7, "rctx", true},
	}
	for _, r := range rows {
		sysOps[MakeSysReg(1, r.op1, r.crn, r.crm, r.op2)] = sysOp{r.alias, r.name, r.takesXReg}
	}
}

// SysOpName returns the alias of a SYS instruction ("dc zva", "tlbi
// vmalle1is"), or "" when SYS has no alias for the encoding.
func SysOpName(s SysReg) string {
	if o, ok := sysOps[s]; ok {
		return o.alias + " " + o.name
	}
	return ""
}

// printSys prints SYS as objdump does: the DC/IC/AT/TLBI alias when the
// encoding has one (objdump drops the register of an operation that takes
// none, whatever Rt is), else the generic form.
func printSys(in *Inst) string {
	if o, ok := sysOps[in.SysReg]; ok {
		if o.reg {
			return o.alias + "\t" + o.name + ", " + in.Rt.GNU(true)
		}
		return o.alias + "\t" + o.name
	}
	_, op1, crn, crm, op2 := in.SysReg.Fields()
	s := fmt.Sprintf("sys\t#%d, C%d, C%d, #%d", op1, crn, crm, op2)
	if in.Rt != ZR {
		s += ", " + in.Rt.GNU(true)
	}
	return s
}

// sysRegGNU names the system register operand of MRS as objdump does:
// lower case, by name when the register is known. (MSR prints
// SysRegWriteName, which differs only where a read-only and a write-only
// register share an encoding; objdump 2.40 otherwise names a register in
// both directions, even a read-only one as MSR's operand.)
func sysRegGNU(s SysReg) string { return strings.ToLower(SysRegName(s)) }
