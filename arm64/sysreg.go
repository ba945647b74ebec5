package arm64

//go:generate go run ./internal/gensysreg -o sysreg_table.go

import (
	"fmt"
	"strings"
)

// System register names, as the Arm ARM spells them (chapter D23, "AArch64
// System Register Descriptions"), for every register GNU objdump names:
// sysreg_table.go, generated from objdump's own disassembly of every
// encoding (internal/gensysreg), so that MRS and MSR print exactly as
// objdump prints them, in lower case. Any other encoding prints in the
// generic form S<op0>_<op1>_C<n>_C<m>_<op2> that GNU as accepts for every
// register. The table only names registers: which of them a machine
// implements, and who may access them, is the machine's business (emu's
// system register model).
//
// An encoding has one name, the same for MRS and MSR (objdump names a
// read-only register in an MSR too), except where a read-only and a
// write-only register share the encoding (DBGDTRRX_EL0 and DBGDTRTX_EL0):
// SysRegName gives the name an MRS reads, SysRegWriteName the name an MSR
// writes.

type sysRegName struct {
	name                    string
	op0, op1, crn, crm, op2 int
}

var (
	sysRegNames     = map[SysReg]string{} // the names of MRS's operand
	sysRegWriteOnly = map[SysReg]string{} // MSR's operand, where it differs
	sysRegByName    = map[string]SysReg{} // every name, in lower case
)

func init() {
	add := func(names map[SysReg]string, r sysRegName) {
		s := MakeSysReg(r.op0, r.op1, r.crn, r.crm, r.op2)
		if _, dup := names[s]; dup {
			panic("arm64: system register encoding named twice: " + r.name)
		}
		lower := strings.ToLower(r.name)
		if other, dup := sysRegByName[lower]; dup && other != s {
			panic("arm64: system register name for two encodings: " + r.name)
		}
		names[s] = r.name
		sysRegByName[lower] = s
	}
	for _, r := range sysRegReadNames {
		add(sysRegNames, r)
	}
	for _, r := range sysRegWriteNames {
		add(sysRegWriteOnly, r)
	}
}

// SysRegName returns the architectural name of a system register
// ("MIDR_EL1", "CurrentEL") as MRS reads it, or the generic
// S<op0>_<op1>_C<n>_C<m>_<op2> form for an encoding the table does not
// name.
func SysRegName(s SysReg) string {
	if n, ok := sysRegNames[s]; ok {
		return n
	}
	return genericSysRegName(s)
}

// SysRegWriteName returns the name of a system register as MSR writes it:
// SysRegName, except for an encoding shared by a read-only and a
// write-only register, where it is the write-only one ("DBGDTRTX_EL0" for
// the encoding of DBGDTRRX_EL0).
func SysRegWriteName(s SysReg) string {
	if n, ok := sysRegWriteOnly[s]; ok {
		return n
	}
	return SysRegName(s)
}

// LookupSysReg finds a system register by name, in any case: every name
// of SysRegName and SysRegWriteName, and the generic
// S<op0>_<op1>_C<n>_C<m>_<op2> form (op0 2 or 3, as MRS and MSR encode
// it).
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
