package asm

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/arm64"
)

// Hints, exception generation, barriers and system register moves (Arm
// ARM C6.2: HINT and its named forms NOP, YIELD, ..., PACIASP, BTI;
// BRK, SVC, HVC, SMC, HLT, UDF; DMB, DSB, ISB, SSBB, PSSBB, SB, CLREX;
// MRS, MSR (register), MSR (immediate)).

// hintNumbers are the hints with a mnemonic of their own (CRm:op2 of
// HINT), Arm ARM C6.2 HINT.
var hintNumbers = map[string]int64{
	"nop": 0, "yield": 1, "wfe": 2, "wfi": 3, "sev": 4, "sevl": 5, "dgh": 6,
	"xpaclri": 7, "pacia1716": 8, "pacib1716": 10, "autia1716": 12, "autib1716": 14,
	"esb": 16, "csdb": 20, "clearbhb": 22,
	"paciaz": 24, "paciasp": 25, "pacibz": 26, "pacibsp": 27,
	"autiaz": 28, "autiasp": 29, "autibz": 30, "autibsp": 31,
}

// btiTargets are the operands of BTI: the hint is 32 + 2*target.
var btiTargets = map[string]int64{"c": 34, "j": 36, "jc": 38}

// pstateFields are the PSTATE fields of MSR (immediate) that the decoder
// knows (op1:op2), and the largest immediate each takes.
var pstateFields = map[string]struct{ field, max int64 }{
	"spsel": {arm64.PStateSPSel, 1}, "daifset": {arm64.PStateDAIFSet, 15}, "daifclr": {arm64.PStateDAIFClr, 15},
	"uao": {arm64.PStateUAO, 1}, "pan": {arm64.PStatePAN, 1}, "dit": {arm64.PStateDIT, 1}, "ssbs": {arm64.PStateSSBS, 1},
}

func init() {
	for name, n := range hintNumbers {
		register(name, fixed(arm64.Inst{Op: arm64.HINT, Imm2: n}))
	}
	register("hint", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 1, 1); err != nil {
			return arm64.Inst{}, err
		}
		v, err := c.ImmRange(o[0], 0, 127)
		return arm64.Inst{Op: arm64.HINT, Imm2: v}, err
	})
	register("bti", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 0, 1); err != nil {
			return arm64.Inst{}, err
		}
		if len(o) == 0 {
			return arm64.Inst{Op: arm64.HINT, Imm2: 32}, nil
		}
		if n, ok := btiTargets[o[0].Name]; ok && o[0].Kind == KindName {
			return arm64.Inst{Op: arm64.HINT, Imm2: n}, nil
		}
		return arm64.Inst{}, c.Expected(o[0], "a BTI target (c, j or jc)")
	})
	// PSB CSYNC and TSB CSYNC.
	for name, n := range map[string]int64{"psb": 17, "tsb": 18} {
		register(name, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 1, 1); err != nil {
				return arm64.Inst{}, err
			}
			if o[0].Kind != KindName || o[0].Name != "csync" {
				return arm64.Inst{}, c.Expected(o[0], "csync")
			}
			return arm64.Inst{Op: arm64.HINT, Imm2: n}, nil
		})
	}

	for name, op := range map[string]arm64.Op{"brk": arm64.BRK, "svc": arm64.SVC, "hvc": arm64.HVC,
		"smc": arm64.SMC, "hlt": arm64.HLT, "udf": arm64.UDF} {
		register(name, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 1, 1); err != nil {
				return arm64.Inst{}, err
			}
			v, err := c.ImmRange(o[0], 0, 0xffff)
			return arm64.Inst{Op: op, Imm: v}, err
		})
	}

	register("dmb", barrier(arm64.DMB, false))
	register("dsb", barrier(arm64.DSB, false))
	register("isb", barrier(arm64.ISB, true))
	register("clrex", barrier(arm64.CLREX, true))
	register("ssbb", fixed(arm64.Inst{Op: arm64.DSB, Imm2: 0}))
	register("pssbb", fixed(arm64.Inst{Op: arm64.DSB, Imm2: 4}))
	register("sb", fixed(arm64.Inst{Op: arm64.SB}))

	register("mrs", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		t, err := c.X(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		s, err := c.SysReg(o[1])
		return arm64.Inst{Op: arm64.MRS, Rt: t, SysReg: s}, err
	})
	register("msr", assembleMSR)
}

// fixed is the handler of a mnemonic without operands.
func fixed(in arm64.Inst) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 0, 0); err != nil {
			return arm64.Inst{}, err
		}
		return in, nil
	}
}

// barrier: DMB/DSB <option>|#imm, ISB {sy|#imm}, CLREX {#imm}; optional
// operands default to 15 (SY).
func barrier(op arm64.Op, optional bool) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		min := 1
		if optional {
			min = 0
		}
		if err := c.Want(o, min, 1); err != nil {
			return arm64.Inst{}, err
		}
		if len(o) == 0 {
			return arm64.Inst{Op: op, Imm2: 15}, nil
		}
		if op == arm64.DMB || op == arm64.DSB {
			v, err := c.Barrier(o[0])
			return arm64.Inst{Op: op, Imm2: v}, err
		}
		// ISB takes only SY by name, CLREX no name.
		if o[0].Kind == KindName && o[0].Name == "sy" && op == arm64.ISB {
			return arm64.Inst{Op: op, Imm2: 15}, nil
		}
		if o[0].Kind == KindImm && o[0].Hash {
			v, err := c.ImmRange(o[0], 0, 15)
			return arm64.Inst{Op: op, Imm2: v}, err
		}
		if op == arm64.ISB {
			return arm64.Inst{}, c.Expected(o[0], "sy or #0-15")
		}
		return arm64.Inst{}, c.Expected(o[0], "#0-15")
	}
}

// SysReg checks a system register operand: a name arm64.LookupSysReg
// knows, or the generic s<op0>_<op1>_c<n>_c<m>_<op2>.
func (c *Ctx) SysReg(o Operand) (arm64.SysReg, error) {
	if o.Kind == KindName {
		if s, ok := arm64.LookupSysReg(o.Name); ok {
			return s, nil
		}
		return 0, c.Errorf(o, "unknown system register '%s'", o.Text)
	}
	return 0, c.Expected(o, "a system register (tpidr_el0, s3_0_c15_c2_0, ...)")
}

// assembleMSR: MSR <pstatefield>, #imm (MSR (immediate)) or
// MSR <sysreg>, <Xt> (MSR (register)).
func assembleMSR(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	if o[1].Kind == KindImm || o[1].Kind == KindName {
		f, ok := pstateFields[o[0].Name]
		if o[0].Kind != KindName || !ok {
			return arm64.Inst{}, c.Expected(o[0], "a PSTATE field (spsel, daifset, daifclr, pan, uao, dit, ssbs) before an immediate")
		}
		v, err := c.ImmRange(o[1], 0, f.max)
		return arm64.Inst{Op: arm64.MSRimm, Imm: v, Imm2: f.field}, err
	}
	if in, ok := msrImmGeneric(o); ok {
		return in, nil
	}
	s, err := c.SysReg(o[0])
	if err != nil {
		return arm64.Inst{}, err
	}
	t, err := c.X(o[1], WithZR)
	return arm64.Inst{Op: arm64.MSRreg, Rt: t, SysReg: s}, err
}

// msrImmGeneric reads `msr s0_<op1>_c4_c<m>_<op2>, xzr`: GNU as's (and
// objdump's) spelling of an MSR (immediate) whose immediate has no
// field-name form (a one-bit PSTATE field with CRm above 1): op0 0 is the
// PSTATE space, CRm the immediate.
func msrImmGeneric(o []Operand) (arm64.Inst, bool) {
	if o[0].Kind != KindName || o[1].Kind != KindGPR || !strings.EqualFold(o[1].Text, "xzr") {
		return arm64.Inst{}, false
	}
	var op1, crm, op2 int
	var tail string
	n, _ := fmt.Sscanf(strings.ToLower(o[0].Name), "s0_%d_c4_c%d_%d%s", &op1, &crm, &op2, &tail)
	if n != 3 || op1 < 0 || op1 > 7 || crm < 0 || crm > 15 || op2 < 0 || op2 > 7 {
		return arm64.Inst{}, false
	}
	return arm64.Inst{Op: arm64.MSRimm, Imm: int64(crm), Imm2: int64(op1<<3 | op2)}, true
}
