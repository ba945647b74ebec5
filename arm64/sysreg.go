package arm64

import (
	"fmt"
	"strings"
)

// System register names, as the Arm ARM spells them (chapter D23, "AArch64
// System Register Descriptions"), for the registers kernel and user code
// commonly access. MRS and MSR print them in lower case, as objdump does;
// any other encoding prints in the generic form S<op0>_<op1>_C<n>_C<m>_<op2>
// that GNU as accepts for every register. The table only names registers:
// which of them a machine implements, and who may access them, is the
// machine's business (emu's system register model).

type sysRegName struct {
	name                    string
	op0, op1, crn, crm, op2 int
}

var sysRegList = []sysRegName{
	// Special-purpose registers and PSTATE fields (op0 = 3, CRn = 4).
	{"SPSR_EL1", 3, 0, 4, 0, 0},
	{"ELR_EL1", 3, 0, 4, 0, 1},
	{"SP_EL0", 3, 0, 4, 1, 0},
	{"SPSel", 3, 0, 4, 2, 0},
	{"CurrentEL", 3, 0, 4, 2, 2},
	{"PAN", 3, 0, 4, 2, 3},
	{"UAO", 3, 0, 4, 2, 4},
	{"ICC_PMR_EL1", 3, 0, 4, 6, 0},
	{"NZCV", 3, 3, 4, 2, 0},
	{"DAIF", 3, 3, 4, 2, 1},
	{"DIT", 3, 3, 4, 2, 5},
	{"SSBS", 3, 3, 4, 2, 6},
	{"TCO", 3, 3, 4, 2, 7},
	{"FPCR", 3, 3, 4, 4, 0},
	{"FPSR", 3, 3, 4, 4, 1},
	{"DSPSR_EL0", 3, 3, 4, 5, 0},
	{"DLR_EL0", 3, 3, 4, 5, 1},
	{"SPSR_EL2", 3, 4, 4, 0, 0},
	{"ELR_EL2", 3, 4, 4, 0, 1},
	{"SP_EL1", 3, 4, 4, 1, 0},
	{"SPSR_irq", 3, 4, 4, 3, 0},
	{"SPSR_abt", 3, 4, 4, 3, 1},
	{"SPSR_und", 3, 4, 4, 3, 2},
	{"SPSR_fiq", 3, 4, 4, 3, 3},
	{"SPSR_EL3", 3, 6, 4, 0, 0},
	{"ELR_EL3", 3, 6, 4, 0, 1},
	{"SP_EL2", 3, 6, 4, 1, 0},

	// Identification (CRn = 0).
	{"MIDR_EL1", 3, 0, 0, 0, 0},
	{"MPIDR_EL1", 3, 0, 0, 0, 5},
	{"REVIDR_EL1", 3, 0, 0, 0, 6},
	{"ID_PFR0_EL1", 3, 0, 0, 1, 0},
	{"ID_PFR1_EL1", 3, 0, 0, 1, 1},
	{"ID_DFR0_EL1", 3, 0, 0, 1, 2},
	{"ID_AFR0_EL1", 3, 0, 0, 1, 3},
	{"ID_MMFR0_EL1", 3, 0, 0, 1, 4},
	{"ID_MMFR1_EL1", 3, 0, 0, 1, 5},
	{"ID_MMFR2_EL1", 3, 0, 0, 1, 6},
	{"ID_MMFR3_EL1", 3, 0, 0, 1, 7},
	{"ID_ISAR0_EL1", 3, 0, 0, 2, 0},
	{"ID_ISAR1_EL1", 3, 0, 0, 2, 1},
	{"ID_ISAR2_EL1", 3, 0, 0, 2, 2},
	{"ID_ISAR3_EL1", 3, 0, 0, 2, 3},
	{"ID_ISAR4_EL1", 3, 0, 0, 2, 4},
	{"ID_ISAR5_EL1", 3, 0, 0, 2, 5},
	{"ID_MMFR4_EL1", 3, 0, 0, 2, 6},
	{"ID_ISAR6_EL1", 3, 0, 0, 2, 7},
	{"MVFR0_EL1", 3, 0, 0, 3, 0},
	{"MVFR1_EL1", 3, 0, 0, 3, 1},
	{"MVFR2_EL1", 3, 0, 0, 3, 2},
	{"ID_PFR2_EL1", 3, 0, 0, 3, 4},
	{"ID_DFR1_EL1", 3, 0, 0, 3, 5},
	{"ID_MMFR5_EL1", 3, 0, 0, 3, 6},
	{"ID_AA64PFR0_EL1", 3, 0, 0, 4, 0},
	{"ID_AA64PFR1_EL1", 3, 0, 0, 4, 1},
	{"ID_AA64ZFR0_EL1", 3, 0, 0, 4, 4},
	{"ID_AA64SMFR0_EL1", 3, 0, 0, 4, 5},
	{"ID_AA64DFR0_EL1", 3, 0, 0, 5, 0},
	{"ID_AA64DFR1_EL1", 3, 0, 0, 5, 1},
	{"ID_AA64AFR0_EL1", 3, 0, 0, 5, 4},
	{"ID_AA64AFR1_EL1", 3, 0, 0, 5, 5},
	{"ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0},
	{"ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1},
	{"ID_AA64ISAR2_EL1", 3, 0, 0, 6, 2},
	{"ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0},
	{"ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1},
	{"ID_AA64MMFR2_EL1", 3, 0, 0, 7, 2},
	{"CCSIDR_EL1", 3, 1, 0, 0, 0},
	{"CLIDR_EL1", 3, 1, 0, 0, 1},
	{"AIDR_EL1", 3, 1, 0, 0, 7},
	{"CSSELR_EL1", 3, 2, 0, 0, 0},
	{"CTR_EL0", 3, 3, 0, 0, 1},
	{"DCZID_EL0", 3, 3, 0, 0, 7},
	{"VPIDR_EL2", 3, 4, 0, 0, 0},
	{"VMPIDR_EL2", 3, 4, 0, 0, 5},

	// System control, translation, pointer authentication keys, faults.
	{"SCTLR_EL1", 3, 0, 1, 0, 0},
	{"ACTLR_EL1", 3, 0, 1, 0, 1},
	{"CPACR_EL1", 3, 0, 1, 0, 2},
	{"ZCR_EL1", 3, 0, 1, 2, 0},
	{"TTBR0_EL1", 3, 0, 2, 0, 0},
	{"TTBR1_EL1", 3, 0, 2, 0, 1},
	{"TCR_EL1", 3, 0, 2, 0, 2},
	{"APIAKeyLo_EL1", 3, 0, 2, 1, 0},
	{"APIAKeyHi_EL1", 3, 0, 2, 1, 1},
	{"APIBKeyLo_EL1", 3, 0, 2, 1, 2},
	{"APIBKeyHi_EL1", 3, 0, 2, 1, 3},
	{"APDAKeyLo_EL1", 3, 0, 2, 2, 0},
	{"APDAKeyHi_EL1", 3, 0, 2, 2, 1},
	{"APDBKeyLo_EL1", 3, 0, 2, 2, 2},
	{"APDBKeyHi_EL1", 3, 0, 2, 2, 3},
	{"APGAKeyLo_EL1", 3, 0, 2, 3, 0},
	{"APGAKeyHi_EL1", 3, 0, 2, 3, 1},
	{"AFSR0_EL1", 3, 0, 5, 1, 0},
	{"AFSR1_EL1", 3, 0, 5, 1, 1},
	{"ESR_EL1", 3, 0, 5, 2, 0},
	{"FAR_EL1", 3, 0, 6, 0, 0},
	{"PAR_EL1", 3, 0, 7, 4, 0},
	{"MAIR_EL1", 3, 0, 10, 2, 0},
	{"AMAIR_EL1", 3, 0, 10, 3, 0},
	{"VBAR_EL1", 3, 0, 12, 0, 0},
	{"ISR_EL1", 3, 0, 12, 1, 0},
	{"DISR_EL1", 3, 0, 12, 1, 1},
	{"CONTEXTIDR_EL1", 3, 0, 13, 0, 1},
	{"TPIDR_EL1", 3, 0, 13, 0, 4},
	{"CNTKCTL_EL1", 3, 0, 14, 1, 0},

	// GICv3 CPU interface.
	{"ICC_IAR0_EL1", 3, 0, 12, 8, 0},
	{"ICC_EOIR0_EL1", 3, 0, 12, 8, 1},
	{"ICC_HPPIR0_EL1", 3, 0, 12, 8, 2},
	{"ICC_BPR0_EL1", 3, 0, 12, 8, 3},
	{"ICC_AP0R0_EL1", 3, 0, 12, 8, 4},
	{"ICC_AP0R1_EL1", 3, 0, 12, 8, 5},
	{"ICC_AP0R2_EL1", 3, 0, 12, 8, 6},
	{"ICC_AP0R3_EL1", 3, 0, 12, 8, 7},
	{"ICC_AP1R0_EL1", 3, 0, 12, 9, 0},
	{"ICC_AP1R1_EL1", 3, 0, 12, 9, 1},
	{"ICC_AP1R2_EL1", 3, 0, 12, 9, 2},
	{"ICC_AP1R3_EL1", 3, 0, 12, 9, 3},
	{"ICC_DIR_EL1", 3, 0, 12, 11, 1},
	{"ICC_RPR_EL1", 3, 0, 12, 11, 3},
	{"ICC_SGI1R_EL1", 3, 0, 12, 11, 5},
	{"ICC_ASGI1R_EL1", 3, 0, 12, 11, 6},
	{"ICC_SGI0R_EL1", 3, 0, 12, 11, 7},
	{"ICC_IAR1_EL1", 3, 0, 12, 12, 0},
	{"ICC_EOIR1_EL1", 3, 0, 12, 12, 1},
	{"ICC_HPPIR1_EL1", 3, 0, 12, 12, 2},
	{"ICC_BPR1_EL1", 3, 0, 12, 12, 3},
	{"ICC_CTLR_EL1", 3, 0, 12, 12, 4},
	{"ICC_SRE_EL1", 3, 0, 12, 12, 5},
	{"ICC_IGRPEN0_EL1", 3, 0, 12, 12, 6},
	{"ICC_IGRPEN1_EL1", 3, 0, 12, 12, 7},
	{"ICC_SRE_EL2", 3, 4, 12, 9, 5},

	// Thread pointers and the generic timer.
	{"TPIDR_EL0", 3, 3, 13, 0, 2},
	{"TPIDRRO_EL0", 3, 3, 13, 0, 3},
	{"CNTFRQ_EL0", 3, 3, 14, 0, 0},
	{"CNTPCT_EL0", 3, 3, 14, 0, 1},
	{"CNTVCT_EL0", 3, 3, 14, 0, 2},
	{"CNTP_TVAL_EL0", 3, 3, 14, 2, 0},
	{"CNTP_CTL_EL0", 3, 3, 14, 2, 1},
	{"CNTP_CVAL_EL0", 3, 3, 14, 2, 2},
	{"CNTV_TVAL_EL0", 3, 3, 14, 3, 0},
	{"CNTV_CTL_EL0", 3, 3, 14, 3, 1},
	{"CNTV_CVAL_EL0", 3, 3, 14, 3, 2},

	// Performance monitors (the event counters are added in init).
	{"PMCR_EL0", 3, 3, 9, 12, 0},
	{"PMCNTENSET_EL0", 3, 3, 9, 12, 1},
	{"PMCNTENCLR_EL0", 3, 3, 9, 12, 2},
	{"PMOVSCLR_EL0", 3, 3, 9, 12, 3},
	{"PMSWINC_EL0", 3, 3, 9, 12, 4},
	{"PMSELR_EL0", 3, 3, 9, 12, 5},
	{"PMCEID0_EL0", 3, 3, 9, 12, 6},
	{"PMCEID1_EL0", 3, 3, 9, 12, 7},
	{"PMCCNTR_EL0", 3, 3, 9, 13, 0},
	{"PMXEVTYPER_EL0", 3, 3, 9, 13, 1},
	{"PMXEVCNTR_EL0", 3, 3, 9, 13, 2},
	{"PMUSERENR_EL0", 3, 3, 9, 14, 0},
	{"PMOVSSET_EL0", 3, 3, 9, 14, 3},
	{"PMINTENSET_EL1", 3, 0, 9, 14, 1},
	{"PMINTENCLR_EL1", 3, 0, 9, 14, 2},
	{"PMCCFILTR_EL0", 3, 3, 14, 15, 7},

	// Debug (op0 = 2; the breakpoint and watchpoint registers are added in init).
	{"OSDTRRX_EL1", 2, 0, 0, 0, 2},
	{"MDCCINT_EL1", 2, 0, 0, 2, 0},
	{"MDSCR_EL1", 2, 0, 0, 2, 2},
	{"OSDTRTX_EL1", 2, 0, 0, 3, 2},
	{"OSECCR_EL1", 2, 0, 0, 6, 2},
	{"MDRAR_EL1", 2, 0, 1, 0, 0},
	{"OSLAR_EL1", 2, 0, 1, 0, 4},
	{"OSLSR_EL1", 2, 0, 1, 1, 4},
	{"OSDLR_EL1", 2, 0, 1, 3, 4},
	{"DBGPRCR_EL1", 2, 0, 1, 4, 4},
	{"DBGCLAIMSET_EL1", 2, 0, 7, 8, 6},
	{"DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6},
	{"DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6},
	{"MDCCSR_EL0", 2, 3, 0, 1, 0},
	{"DBGDTR_EL0", 2, 3, 0, 4, 0},

	// EL2 registers: kernel images hold them in their hypervisor code; kpemu
	// models no EL2, so accessing them is UNDEFINED, but they print by name.
	{"SCTLR_EL2", 3, 4, 1, 0, 0},
	{"ACTLR_EL2", 3, 4, 1, 0, 1},
	{"HCR_EL2", 3, 4, 1, 1, 0},
	{"MDCR_EL2", 3, 4, 1, 1, 1},
	{"CPTR_EL2", 3, 4, 1, 1, 2},
	{"HSTR_EL2", 3, 4, 1, 1, 3},
	{"HACR_EL2", 3, 4, 1, 1, 7},
	{"ZCR_EL2", 3, 4, 1, 2, 0},
	{"TTBR0_EL2", 3, 4, 2, 0, 0},
	{"TCR_EL2", 3, 4, 2, 0, 2},
	{"VTTBR_EL2", 3, 4, 2, 1, 0},
	{"VTCR_EL2", 3, 4, 2, 1, 2},
	{"ESR_EL2", 3, 4, 5, 2, 0},
	{"FAR_EL2", 3, 4, 6, 0, 0},
	{"HPFAR_EL2", 3, 4, 6, 0, 4},
	{"MAIR_EL2", 3, 4, 10, 2, 0},
	{"VBAR_EL2", 3, 4, 12, 0, 0},
	{"TPIDR_EL2", 3, 4, 13, 0, 2},
	{"CNTVOFF_EL2", 3, 4, 14, 0, 3},
	{"CNTHCTL_EL2", 3, 4, 14, 1, 0},
	{"SCTLR_EL12", 3, 5, 1, 0, 0},
}

var (
	sysRegNames  = map[SysReg]string{}
	sysRegByName = map[string]SysReg{}
)

func init() {
	add := func(name string, op0, op1, crn, crm, op2 int) {
		s := MakeSysReg(op0, op1, crn, crm, op2)
		if _, dup := sysRegNames[s]; dup {
			panic("arm64: system register encoding named twice: " + name)
		}
		sysRegNames[s] = name
		sysRegByName[strings.ToLower(name)] = s
	}
	for _, r := range sysRegList {
		add(r.name, r.op0, r.op1, r.crn, r.crm, r.op2)
	}
	// Breakpoint and watchpoint value and control registers n = 0..15
	// (DBGBVR<n>_EL1 is op0=2, op1=0, CRn=0, CRm=n, op2=4, ...).
	for n := 0; n < 16; n++ {
		add(fmt.Sprintf("DBGBVR%d_EL1", n), 2, 0, 0, n, 4)
		add(fmt.Sprintf("DBGBCR%d_EL1", n), 2, 0, 0, n, 5)
		add(fmt.Sprintf("DBGWVR%d_EL1", n), 2, 0, 0, n, 6)
		add(fmt.Sprintf("DBGWCR%d_EL1", n), 2, 0, 0, n, 7)
	}
	// Performance monitor event counters and types n = 0..30
	// (PMEVCNTR<n>_EL0 is op0=3, op1=3, CRn=14, CRm=0b10:n<4:3>, op2=n<2:0>).
	for n := 0; n < 31; n++ {
		add(fmt.Sprintf("PMEVCNTR%d_EL0", n), 3, 3, 14, 8+n/8, n%8)
		add(fmt.Sprintf("PMEVTYPER%d_EL0", n), 3, 3, 14, 12+n/8, n%8)
	}
}

// SysRegName returns the architectural name of a system register
// ("MIDR_EL1", "CurrentEL"), or the generic S<op0>_<op1>_C<n>_C<m>_<op2>
// form for an encoding the table does not name.
func SysRegName(s SysReg) string {
	if n, ok := sysRegNames[s]; ok {
		return n
	}
	return genericSysRegName(s)
}

// LookupSysReg finds a system register by name, in any case, including the
// generic S<op0>_<op1>_C<n>_C<m>_<op2> form (op0 2 or 3, as MRS and MSR
// encode it).
func LookupSysReg(name string) (SysReg, bool) {
	lower := strings.ToLower(name)
	if s, ok := sysRegByName[lower]; ok {
		return s, true
	}
	var op0, op1, crn, crm, op2 int
	var tail string
	n, _ := fmt.Sscanf(lower, "s%d_%d_c%d_c%d_%d%s", &op0, &op1, &crn, &crm, &op2, &tail)
	if n != 5 || op0 < 2 || op0 > 3 || op1 > 7 || crn > 15 || crm > 15 || op2 > 7 ||
		op1 < 0 || crn < 0 || crm < 0 || op2 < 0 {
		return 0, false
	}
	s := MakeSysReg(op0, op1, crn, crm, op2)
	return s, genericSysRegName(s) == strings.ToUpper(lower)
}

func genericSysRegName(s SysReg) string {
	op0, op1, crn, crm, op2 := s.Fields()
	return fmt.Sprintf("S%d_%d_C%d_C%d_%d", op0, op1, crn, crm, op2)
}
