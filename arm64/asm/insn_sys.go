package asm

import (
	"strconv"
	"strings"

	"github.com/kpemu/kpemu/arm64"
)

// System instructions, exception returns and debug state changes (Arm
// ARM C6.2: SYS, SYSL and the SYS aliases DC, IC, AT, TLBI, CFP, DVP,
// CPP; ERET, DRPS; DCPS1, DCPS2, DCPS3).

func init() {
	register("sys", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 4, 5); err != nil {
			return arm64.Inst{}, err
		}
		s, err := sysFields(c, o[:4])
		if err != nil {
			return arm64.Inst{}, err
		}
		in := arm64.Inst{Op: arm64.SYS, SysReg: s, Rt: arm64.ZR}
		if len(o) == 5 {
			in.Rt, err = c.X(o[4], WithZR)
		}
		return in, err
	})
	register("sysl", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 5, 5); err != nil {
			return arm64.Inst{}, err
		}
		t, err := c.X(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		s, err := sysFields(c, o[1:])
		return arm64.Inst{Op: arm64.SYSL, SysReg: s, Rt: t}, err
	})
	for _, alias := range []string{"dc", "ic", "at", "tlbi", "cfp", "dvp", "cpp"} {
		register(alias, sysAlias(alias))
	}
	register("eret", fixed(arm64.Inst{Op: arm64.ERET}))
	register("drps", fixed(arm64.Inst{Op: arm64.DRPS}))
	// DCPS1..3 {#<imm>}: the immediate is optional, 0 by default.
	for name, op := range map[string]arm64.Op{"dcps1": arm64.DCPS1, "dcps2": arm64.DCPS2, "dcps3": arm64.DCPS3} {
		register(name, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if err := c.Want(o, 0, 1); err != nil || len(o) == 0 {
				return arm64.Inst{Op: op}, err
			}
			v, err := c.ImmRange(o[0], 0, 0xffff)
			return arm64.Inst{Op: op, Imm: v}, err
		})
	}
}

// sysFields checks #<op1>, <Cn>, <Cm>, #<op2> and returns them as the
// SysReg of SYS (op0 = 1).
func sysFields(c *Ctx, o []Operand) (arm64.SysReg, error) {
	op1, err := c.ImmRange(o[0], 0, 7)
	if err != nil {
		return 0, err
	}
	crn, err := c.CReg(o[1])
	if err != nil {
		return 0, err
	}
	crm, err := c.CReg(o[2])
	if err != nil {
		return 0, err
	}
	op2, err := c.ImmRange(o[3], 0, 7)
	if err != nil {
		return 0, err
	}
	return arm64.MakeSysReg(1, int(op1), crn, crm, int(op2)), nil
}

// CReg checks a <Cn> operand of SYS and SYSL: c0 to c15 (or C0 to C15).
// GNU as reads the number after the C as a number of its own syntax,
// so "c07" is C7, "c015" C13 (octal) and "c0x7" C7; so does this.
func (c *Ctx) CReg(o Operand) (int, error) {
	if o.Kind == KindName && strings.HasPrefix(o.Name, "c") && !strings.ContainsAny(o.Name, "_o") {
		if n, err := strconv.ParseInt(o.Name[1:], 0, 64); err == nil && n >= 0 && n <= 15 {
			return int(n), nil
		}
	}
	return 0, c.Expected(o, "c0-c15")
}

// sysAlias: DC, IC, AT, TLBI, CFP, DVP, CPP <op>{, <Xt>}: SYS with the
// operation's encoding. The operations named "all" (IC IALLU, TLBI
// VMALLE1, ...) take no register, the others require one, as in GNU as.
func sysAlias(alias string) Handler {
	return func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 1, 2); err != nil {
			return arm64.Inst{}, err
		}
		s, reg, err := c.SysOp(alias, o[0])
		if err != nil {
			return arm64.Inst{}, err
		}
		in := arm64.Inst{Op: arm64.SYS, SysReg: s, Rt: arm64.ZR}
		switch {
		case reg && len(o) == 1:
			return arm64.Inst{}, c.ErrorAtMnemonic("'%s %s' takes a register: %s %s, <xt>", alias, o[0].Name, alias, o[0].Name)
		case !reg && len(o) == 2:
			return arm64.Inst{}, c.Errorf(o[1], "unexpected operand '%s': '%s %s' takes no register", o[1].Text, alias, o[0].Name)
		case reg:
			in.Rt, err = c.X(o[1], WithZR)
		}
		return in, err
	}
}
