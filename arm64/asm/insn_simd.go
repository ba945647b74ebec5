package asm

import (
	"math"
	"strings"

	"github.com/kpemu/kpemu/arm64"
)

// Scalar FP and Advanced SIMD data processing, the subset arm64 decodes
// (decode_simd.go; Arm ARM C7.2): FMOV, the modified-immediate moves
// (MOVI, MVNI, ORR, BIC, FMOV vector), the bitwise ops, integer
// add/subtract, compares, min/max, the pairwise and across-lanes
// reductions, the two-register miscellaneous ops, the element moves (DUP,
// INS, UMOV, SMOV and their MOV aliases), EXT, TBL/TBX, the permutes and
// the shifts by immediate with their SXTL/UXTL aliases.

// Arrangement sets of the vector ops.
var (
	arrAll    = []string{"8b", "16b", "4h", "8h", "2s", "4s", "2d"}
	arrNoD    = []string{"8b", "16b", "4h", "8h", "2s", "4s"}
	arrBytes  = []string{"8b", "16b"}
	arrBH     = []string{"8b", "16b", "4h", "8h"}
	arrNarrow = map[bool][]string{false: {"8b", "4h", "2s"}, true: {"16b", "8h", "4s"}}
	arrWide   = []string{"8h", "4s", "2d"}
)

// vecForm is a vector op's arrangements and whether it has a scalar D
// form (Arm ARM: "<V><d>, <V><n>" with size 11 only).
type vecForm struct {
	op     arm64.Op
	arrs   []string
	scalar bool
}

func init() {
	for mn, f := range map[string]vecForm{
		"and": {arm64.ANDvec, arrBytes, false}, "orn": {arm64.ORNvec, arrBytes, false},
		"eor": {arm64.EORvec, arrBytes, false}, "bsl": {arm64.BSL, arrBytes, false},
		"bit": {arm64.BIT, arrBytes, false}, "bif": {arm64.BIF, arrBytes, false},
		"add": {arm64.ADDvec, arrAll, true}, "sub": {arm64.SUBvec, arrAll, true},
		"cmtst": {arm64.CMTST, arrAll, true}, "cmhi": {arm64.CMHI, arrAll, true}, "cmhs": {arm64.CMHS, arrAll, true},
		"smax": {arm64.SMAXvec, arrNoD, false}, "smin": {arm64.SMINvec, arrNoD, false},
		"umax": {arm64.UMAXvec, arrNoD, false}, "umin": {arm64.UMINvec, arrNoD, false},
		"smaxp": {arm64.SMAXP, arrNoD, false}, "sminp": {arm64.SMINP, arrNoD, false},
		"umaxp": {arm64.UMAXP, arrNoD, false}, "uminp": {arm64.UMINP, arrNoD, false},
		"uzp1": {arm64.UZP1, arrAll, false}, "uzp2": {arm64.UZP2, arrAll, false},
		"zip1": {arm64.ZIP1, arrAll, false}, "zip2": {arm64.ZIP2, arrAll, false},
		"trn1": {arm64.TRN1, arrAll, false}, "trn2": {arm64.TRN2, arrAll, false},
	} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecThree(c, f, o) })
	}
	for mn, f := range map[string]vecForm{"orr": {arm64.ORRvecReg, arrBytes, false}, "bic": {arm64.BICvecReg, arrBytes, false}} {
		immOp := map[string]arm64.Op{"orr": arm64.ORRvecImm, "bic": arm64.BICvecImm}[mn]
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if len(o) >= 2 && o[1].Kind == KindImm {
				return modImm(c, immOp, o)
			}
			return vecThree(c, f, o)
		})
	}
	register("addp", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if len(o) == 2 {
			// ADDP <V><d>, <Vn>.<T>: D only, from 2D.
			if err := c.Want(o, 2, 2); err != nil {
				return arm64.Inst{}, err
			}
			d, _, err := c.FP(o[0], 64)
			if err != nil {
				return arm64.Inst{}, err
			}
			n, _, err := c.Vector(o[1], "2d")
			return arm64.Inst{Op: arm64.ADDPscalar, Rd: arm64.Reg(d), Rn: arm64.Reg(n), Size: 3}, err
		}
		return vecThree(c, vecForm{arm64.ADDPvec, arrAll, false}, o)
	})
	// The compares with a register form and a compare-with-zero form.
	for mn, ops := range map[string][2]arm64.Op{
		"cmeq": {arm64.CMEQreg, arm64.CMEQzero}, "cmgt": {arm64.CMGTreg, arm64.CMGTzero},
		"cmge": {arm64.CMGEreg, arm64.CMGEzero}, "cmle": {0, arm64.CMLEzero}, "cmlt": {0, arm64.CMLTzero},
	} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) {
			if ops[0] == 0 || len(o) == 3 && o[2].Kind == KindImm {
				return vecCompareZero(c, ops[1], o)
			}
			return vecThree(c, vecForm{ops[0], arrAll, true}, o)
		})
	}
	for mn, f := range map[string]vecForm{
		"abs": {arm64.ABSvec, arrAll, true}, "neg": {arm64.NEGvec, arrAll, true},
		"cnt": {arm64.CNTvec, arrBytes, false}, "not": {arm64.NOTvec, arrBytes, false},
		"mvn": {arm64.NOTvec, arrBytes, false}, "rbit": {arm64.RBITvec, arrBytes, false},
		"cls": {arm64.CLSvec, arrNoD, false}, "clz": {arm64.CLZvec, arrNoD, false},
		"rev16": {arm64.REV16vec, arrBytes, false}, "rev32": {arm64.REV32vec, arrBH, false},
		"rev64": {arm64.REV64vec, arrNoD, false},
	} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecTwo(c, f, o) })
	}
	register("xtn", func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecNarrow(c, arm64.XTN, false, o) })
	register("xtn2", func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecNarrow(c, arm64.XTN, true, o) })
	for mn, op := range map[string]arm64.Op{
		"addv": arm64.ADDV, "smaxv": arm64.SMAXV, "sminv": arm64.SMINV, "umaxv": arm64.UMAXV,
		"uminv": arm64.UMINV, "saddlv": arm64.SADDLV, "uaddlv": arm64.UADDLV,
	} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecAcross(c, op, o) })
	}

	register("dup", assembleDUP)
	register("ins", func(c *Ctx, o []Operand) (arm64.Inst, error) { return assembleINS(c, o) })
	register("umov", func(c *Ctx, o []Operand) (arm64.Inst, error) { return assembleMovToGPR(c, arm64.UMOV, o) })
	register("smov", func(c *Ctx, o []Operand) (arm64.Inst, error) { return assembleMovToGPR(c, arm64.SMOV, o) })
	register("mov", assembleVecMOV)
	register("ext", assembleEXT)
	register("tbl", func(c *Ctx, o []Operand) (arm64.Inst, error) { return assembleTable(c, arm64.TBL, o) })
	register("tbx", func(c *Ctx, o []Operand) (arm64.Inst, error) { return assembleTable(c, arm64.TBX, o) })

	for mn, op := range map[string]arm64.Op{
		"sshr": arm64.SSHR, "ushr": arm64.USHR, "ssra": arm64.SSRA, "usra": arm64.USRA,
		"sri": arm64.SRI, "shl": arm64.SHL, "sli": arm64.SLI,
	} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecShift(c, op, o) })
	}
	register("shrn", func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecShiftNarrow(c, false, o) })
	register("shrn2", func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecShiftNarrow(c, true, o) })
	for mn, f := range map[string]struct {
		op        arm64.Op
		upper, sh bool
	}{
		"sshll": {arm64.SSHLL, false, true}, "sshll2": {arm64.SSHLL, true, true},
		"ushll": {arm64.USHLL, false, true}, "ushll2": {arm64.USHLL, true, true},
		"sxtl": {arm64.SSHLL, false, false}, "sxtl2": {arm64.SSHLL, true, false},
		"uxtl": {arm64.USHLL, false, false}, "uxtl2": {arm64.USHLL, true, false},
	} {
		register(mn, func(c *Ctx, o []Operand) (arm64.Inst, error) { return vecShiftLong(c, f.op, f.upper, f.sh, o) })
	}

	register("fmov", assembleFMOV)
	register("movi", func(c *Ctx, o []Operand) (arm64.Inst, error) { return modImm(c, arm64.MOVI, o) })
	register("mvni", func(c *Ctx, o []Operand) (arm64.Inst, error) { return modImm(c, arm64.MVNI, o) })
}

// vecOperands checks that ops are vector registers of one arrangement,
// the first's, from arrs; or, when scalar is set, all D registers (the
// scalar form: Size 3 without Q). It returns the register numbers.
func vecOperands(c *Ctx, ops []Operand, arrs []string, scalar bool) ([]arm64.Reg, uint8, bool, error) {
	regs := make([]arm64.Reg, len(ops))
	if scalar && ops[0].Kind == KindFP {
		for i, o := range ops {
			n, _, err := c.FP(o, 64)
			if err != nil {
				return nil, 0, false, err
			}
			regs[i] = arm64.Reg(n)
		}
		return regs, 3, false, nil
	}
	n, arr, err := c.Vector(ops[0], arrs...)
	if err != nil {
		if scalar {
			err = c.Expected(ops[0], "a vector register v<n>."+strings.Join(arrs, ", .")+" or a D register")
		}
		return nil, 0, false, err
	}
	regs[0] = arm64.Reg(n)
	for i, o := range ops[1:] {
		n, _, err := c.Vector(o, arr)
		if err != nil {
			return nil, 0, false, err
		}
		regs[i+1] = arm64.Reg(n)
	}
	a := vecArrs[arr]
	return regs, a.size, a.q, nil
}

// vecThree: <op> <Vd>.<T>, <Vn>.<T>, <Vm>.<T> (or <V><d>, <V><n>, <V><m>).
// The bitwise ops keep Size 0: their size field is part of the opcode.
func vecThree(c *Ctx, f vecForm, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 3, 3); err != nil {
		return arm64.Inst{}, err
	}
	r, size, q, err := vecOperands(c, o, f.arrs, f.scalar)
	if err != nil {
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: f.op, Rd: r[0], Rn: r[1], Rm: r[2], Size: size, Sf: q}, nil
}

// vecTwo: <op> <Vd>.<T>, <Vn>.<T> (or <V><d>, <V><n>).
func vecTwo(c *Ctx, f vecForm, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	r, size, q, err := vecOperands(c, o, f.arrs, f.scalar)
	if err != nil {
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: f.op, Rd: r[0], Rn: r[1], Size: size, Sf: q}, nil
}

// vecCompareZero: CMEQ/CMGT/CMGE/CMLE/CMLT <Vd>.<T>, <Vn>.<T>, #0 (and
// the D forms).
func vecCompareZero(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 3, 3); err != nil {
		return arm64.Inst{}, err
	}
	r, size, q, err := vecOperands(c, o[:2], arrAll, true)
	if err != nil {
		return arm64.Inst{}, err
	}
	if _, err := c.ImmRange(o[2], 0, 0); err != nil {
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: op, Rd: r[0], Rn: r[1], Size: size, Sf: q}, nil
}

// vecNarrow: XTN <Vd>.<Tb>, <Vn>.<Ta> (XTN2: the upper half, Tb 16B, 8H,
// 4S); Size is the narrow element.
func vecNarrow(c *Ctx, op arm64.Op, upper bool, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	d, arr, err := c.Vector(o[0], arrNarrow[upper]...)
	if err != nil {
		return arm64.Inst{}, err
	}
	size := vecArrs[arr].size
	n, _, err := c.Vector(o[1], arrWide[size])
	if err != nil {
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: op, Rd: arm64.Reg(d), Rn: arm64.Reg(n), Size: size, Sf: upper}, nil
}

// vecAcross: ADDV/SMAXV/SMINV/UMAXV/UMINV <V><d>, <Vn>.<T> (the scalar of
// the element size), SADDLV/UADDLV (the scalar of twice the element size);
// T is 8B, 16B, 4H, 8H or 4S.
func vecAcross(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	if o[0].Kind != KindFP {
		return arm64.Inst{}, c.Expected(o[0], "a scalar FP/SIMD register (b, h, s, d)")
	}
	long := op == arm64.SADDLV || op == arm64.UADDLV
	var arrs []string
	for _, a := range []string{"8b", "16b", "4h", "8h", "4s"} {
		w := 8 << vecArrs[a].size
		if long {
			w *= 2
		}
		if w == o[0].Width {
			arrs = append(arrs, a)
		}
	}
	if len(arrs) == 0 {
		if long {
			return arm64.Inst{}, c.Expected(o[0], "an H, S or D register")
		}
		return arm64.Inst{}, c.Expected(o[0], "a B, H or S register")
	}
	n, arr, err := c.Vector(o[1], arrs...)
	if err != nil {
		return arm64.Inst{}, err
	}
	a := vecArrs[arr]
	return arm64.Inst{Op: op, Rd: arm64.Reg(o[0].Num), Rn: arm64.Reg(n), Size: a.size, Sf: a.q}, nil
}

// gprForElem checks the general-purpose register that goes with elements
// of log2 size size: W for B, H and S, X for D.
func gprForElem(c *Ctx, o Operand, size uint8) (arm64.Reg, error) {
	return c.GPRSized(o, WithZR, size == 3)
}

// laneIndex checks a lane index against the 128-bit vector's lanes.
func laneIndex(c *Ctx, o Operand, size uint8, index int) error {
	if lanes := 16 >> size; index >= lanes {
		return c.Errorf(o, "lane index %d is out of range 0 to %d", index, lanes-1)
	}
	return nil
}

// element checks a vector element v<n>.<Ts>[<index>] and its lane.
func element(c *Ctx, o Operand, sizes ...string) (arm64.Reg, uint8, int64, error) {
	n, ts, idx, err := c.Element(o, sizes...)
	if err != nil {
		return 0, 0, 0, err
	}
	size := elemSizes[ts]
	return arm64.Reg(n), size, int64(idx), laneIndex(c, o, size, idx)
}

// assembleDUP: DUP <Vd>.<T>, <Vn>.<Ts>[<index>] | <Vd>.<T>, <Wn|Xn> |
// <V><d>, <Vn>.<T>[<index>].
func assembleDUP(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	if o[0].Kind == KindFP {
		return dupScalar(c, o)
	}
	d, arr, err := c.Vector(o[0], arrAll...)
	if err != nil {
		return arm64.Inst{}, err
	}
	a := vecArrs[arr]
	if o[1].Kind == KindGPR {
		n, err := gprForElem(c, o[1], a.size)
		return arm64.Inst{Op: arm64.DUPgen, Rd: arm64.Reg(d), Rn: n, Size: a.size, Sf: a.q}, err
	}
	n, _, idx, err := element(c, o[1], string("bhsd"[a.size]))
	return arm64.Inst{Op: arm64.DUPelem, Rd: arm64.Reg(d), Rn: n, Size: a.size, Sf: a.q, Imm: idx}, err
}

// dupScalar: DUP <V><d>, <Vn>.<T>[<index>] (the MOV alias too).
func dupScalar(c *Ctx, o []Operand) (arm64.Inst, error) {
	d, w, err := c.FP(o[0], 8, 16, 32, 64)
	if err != nil {
		return arm64.Inst{}, err
	}
	size := uint8(fpSizes[w])
	n, _, idx, err := element(c, o[1], string("bhsd"[size]))
	return arm64.Inst{Op: arm64.DUPscalar, Rd: arm64.Reg(d), Rn: n, Size: size, Imm: idx}, err
}

// assembleINS: INS <Vd>.<Ts>[<index>], <Wn|Xn> | <Vn>.<Ts>[<index2>] (the
// MOV aliases too).
func assembleINS(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	d, size, idx, err := element(c, o[0])
	if err != nil {
		return arm64.Inst{}, err
	}
	if o[1].Kind == KindGPR {
		n, err := gprForElem(c, o[1], size)
		return arm64.Inst{Op: arm64.INSgen, Rd: d, Rn: n, Size: size, Imm: idx}, err
	}
	n, _, idx2, err := element(c, o[1], string("bhsd"[size]))
	return arm64.Inst{Op: arm64.INSelem, Rd: d, Rn: n, Size: size, Imm: idx, Imm2: idx2}, err
}

// assembleMovToGPR: UMOV <Wd>, <Vn>.<B|H|S>[<index>] | <Xd>, <Vn>.D[<index>];
// SMOV <Wd>, <Vn>.<B|H>[<index>] | <Xd>, <Vn>.<B|H|S>[<index>].
func assembleMovToGPR(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	rd, x, err := c.GPR(o[0], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	var sizes []string
	switch {
	case op == arm64.UMOV && x:
		sizes = []string{"d"}
	case op == arm64.UMOV:
		sizes = []string{"b", "h", "s"}
	case x:
		sizes = []string{"b", "h", "s"}
	default:
		sizes = []string{"b", "h"}
	}
	n, size, idx, err := element(c, o[1], sizes...)
	return arm64.Inst{Op: op, Rd: rd, Rn: n, Size: size, Sf: x, Imm: idx}, err
}

// assembleVecMOV: the MOV aliases of FP/SIMD registers: MOV <Vd>.<T>,
// <Vn>.<T> (ORR, T 8B or 16B), MOV <Vd>.<Ts>[i], <Vn>.<Ts>[j] | <Wn|Xn>
// (INS), MOV <Wd>, <Vn>.S[i] | <Xd>, <Vn>.D[i] (UMOV), MOV <V><d>,
// <Vn>.<T>[i] (DUP scalar).
func assembleVecMOV(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	switch {
	case o[0].Kind == KindFP:
		return dupScalar(c, o)
	case o[0].Kind == KindGPR:
		_, x, err := c.GPR(o[0], WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		want := "s"
		if x {
			want = "d"
		}
		if _, _, _, err := c.Element(o[1], want); err != nil {
			return arm64.Inst{}, err
		}
		return assembleMovToGPR(c, arm64.UMOV, o)
	case o[0].Kind == KindVector && o[0].Index >= 0:
		return assembleINS(c, o)
	}
	r, _, q, err := vecOperands(c, o, arrBytes, false)
	if err != nil {
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: arm64.ORRvecReg, Rd: r[0], Rn: r[1], Rm: r[1], Sf: q}, nil
}

// assembleEXT: EXT <Vd>.<T>, <Vn>.<T>, <Vm>.<T>, #<index> (T 8B: 0..7, 16B:
// 0..15).
func assembleEXT(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 4, 4); err != nil {
		return arm64.Inst{}, err
	}
	r, _, q, err := vecOperands(c, o[:3], arrBytes, false)
	if err != nil {
		return arm64.Inst{}, err
	}
	hi := int64(7)
	if q {
		hi = 15
	}
	idx, err := c.ImmRange(o[3], 0, hi)
	return arm64.Inst{Op: arm64.EXT, Rd: r[0], Rn: r[1], Rm: r[2], Sf: q, Imm: idx}, err
}

// assembleTable: TBL/TBX <Vd>.<Ta>, {<Vn>.16B, ...} (1 to 4), <Vm>.<Ta>.
func assembleTable(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 3, 3); err != nil {
		return arm64.Inst{}, err
	}
	d, arr, err := c.Vector(o[0], arrBytes...)
	if err != nil {
		return arm64.Inst{}, err
	}
	if err := c.vecList(o[1], 0, false); err != nil {
		return arm64.Inst{}, err
	}
	if o[1].Arr != "16b" {
		return arm64.Inst{}, c.Expected(o[1], "a table of 16b registers {v<n>.16b, ...}")
	}
	m, _, err := c.Vector(o[2], arr)
	if err != nil {
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: op, Rd: arm64.Reg(d), Rn: arm64.Reg(o[1].Num), Rm: arm64.Reg(m), Sf: vecArrs[arr].q, Imm2: int64(o[1].Count)}, nil
}

// shiftLeft reports whether a shift-by-immediate op takes a left shift
// (0..esize-1) rather than a right one (1..esize).
func shiftLeft(op arm64.Op) bool {
	return op == arm64.SHL || op == arm64.SLI || op == arm64.SSHLL || op == arm64.USHLL
}

// shiftAmount checks the #<shift> of elements of log2 size size.
func shiftAmount(c *Ctx, op arm64.Op, o Operand, size uint8) (int64, error) {
	esize := int64(8) << size
	if shiftLeft(op) {
		return c.ImmRange(o, 0, esize-1)
	}
	return c.ImmRange(o, 1, esize)
}

// vecShift: SSHR, USHR, SSRA, USRA, SRI, SHL, SLI <Vd>.<T>, <Vn>.<T>,
// #<shift> and their D forms.
func vecShift(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 3, 3); err != nil {
		return arm64.Inst{}, err
	}
	r, size, q, err := vecOperands(c, o[:2], arrAll, true)
	if err != nil {
		return arm64.Inst{}, err
	}
	sh, err := shiftAmount(c, op, o[2], size)
	return arm64.Inst{Op: op, Rd: r[0], Rn: r[1], Size: size, Sf: q, Imm: sh}, err
}

// vecShiftNarrow: SHRN{2} <Vd>.<Tb>, <Vn>.<Ta>, #<shift> (1..esize of Tb).
func vecShiftNarrow(c *Ctx, upper bool, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 3, 3); err != nil {
		return arm64.Inst{}, err
	}
	in, err := vecNarrow(c, arm64.SHRN, upper, o[:2])
	if err != nil {
		return arm64.Inst{}, err
	}
	in.Imm, err = shiftAmount(c, arm64.SHRN, o[2], in.Size)
	return in, err
}

// vecShiftLong: SSHLL{2}/USHLL{2} <Vd>.<Ta>, <Vn>.<Tb>, #<shift> and the
// SXTL{2}/UXTL{2} aliases (shift 0); Size is the narrow element.
func vecShiftLong(c *Ctx, op arm64.Op, upper, withShift bool, o []Operand) (arm64.Inst, error) {
	n := 2
	if withShift {
		n = 3
	}
	if err := c.Want(o, n, n); err != nil {
		return arm64.Inst{}, err
	}
	d, arr, err := c.Vector(o[0], arrWide...)
	if err != nil {
		return arm64.Inst{}, err
	}
	size := vecArrs[arr].size - 1
	s, _, err := c.Vector(o[1], arrNarrow[upper][size])
	if err != nil {
		return arm64.Inst{}, err
	}
	in := arm64.Inst{Op: op, Rd: arm64.Reg(d), Rn: arm64.Reg(s), Size: size, Sf: upper}
	if withShift {
		in.Imm, err = shiftAmount(c, op, o[2], size)
	}
	return in, err
}

// fpImmBits returns the bits of an FMOV immediate for a value of width 32
// or 64: a floating-point or decimal number is the value, a hexadecimal
// integer the bits of the IEEE 754 encoding, as GNU as reads it.
func fpImmBits(c *Ctx, o Operand, width int) (uint64, error) {
	if o.Kind == KindImm && o.Reloc == RelocNone && o.Expr != nil {
		if _, isFloat := o.Expr.Float(); !isFloat {
			text := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(o.Text, "#")))
			if strings.HasPrefix(text, "0x") {
				v, err := c.Const(o.Expr)
				if width == 32 && uint64(v)>>32 != 0 {
					return 0, c.Errorf(o, "'%s' is not the bits of a single-precision value", o.Text)
				}
				return uint64(v), err
			}
		}
	}
	f, err := c.FloatImm(o)
	if err != nil {
		return 0, err
	}
	if width == 32 {
		return uint64(math.Float32bits(float32(f))), nil
	}
	return math.Float64bits(f), nil
}

// fmovImm8 returns the imm8 of FMOV (immediate) whose VFPExpandImm is the
// value with the given bits, using the expansion of the modified
// immediates (op:cmode 0:1111 single, 1:1111 double).
func fmovImm8(bits uint64, width int) (int64, bool) {
	for imm8 := int64(0); imm8 < 256; imm8++ {
		if width == 32 && uint64(uint32(arm64.ModImmPattern(0xf00|imm8))) == bits {
			return imm8, true
		}
		if width == 64 && arm64.ModImmPattern(0x1f00|imm8) == bits {
			return imm8, true
		}
	}
	return 0, false
}

func fmovImmError(c *Ctx, o Operand) error {
	return c.Errorf(o, "'%s' is not an FMOV immediate (±n/16 × 2^e with n 16..31, e -3..4: 0.125 to 31)", o.Text)
}

// assembleFMOV: FMOV (general) <Wd>, <Sn> | <Sd>, <Wn> | <Xd>, <Dn> | <Dd>,
// <Xn> | <Xd>, <Vn>.D[1] | <Vd>.D[1], <Xn>; FMOV (register) <Sd>, <Sn> |
// <Dd>, <Dn>; FMOV (scalar, immediate) <Sd|Dd>, #<imm>; FMOV (vector,
// immediate) <Vd>.<2S|4S|2D>, #<imm>.
func assembleFMOV(c *Ctx, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	d, s := o[0], o[1]
	switch {
	case d.Kind == KindGPR:
		rd, x, err := c.GPR(d, WithZR)
		if err != nil {
			return arm64.Inst{}, err
		}
		in := arm64.Inst{Op: arm64.FMOVgen, Rd: rd, Sf: x, Size: 2, Imm: 1}
		if x {
			in.Size = 3
		}
		if x && s.Kind == KindVector {
			n, _, idx, err := c.Element(s, "d")
			if err == nil && idx != 1 {
				err = c.Expected(s, "v<n>.d[1]")
			}
			in.Rn, in.Imm2 = arm64.Reg(n), 1
			return in, err
		}
		n, _, err := c.FP(s, 32<<(in.Size-2))
		in.Rn = arm64.Reg(n)
		return in, err
	case d.Kind == KindVector && d.Index >= 0:
		rd, _, idx, err := c.Element(d, "d")
		if err == nil && idx != 1 {
			err = c.Expected(d, "v<n>.d[1]")
		}
		if err != nil {
			return arm64.Inst{}, err
		}
		n, err := c.X(s, WithZR)
		return arm64.Inst{Op: arm64.FMOVgen, Rd: arm64.Reg(rd), Rn: n, Sf: true, Size: 3, Imm2: 1}, err
	case d.Kind == KindVector:
		rd, arr, err := c.Vector(d, "2s", "4s", "2d")
		if err != nil {
			return arm64.Inst{}, err
		}
		a := vecArrs[arr]
		width := 8 << a.size
		bits, err := fpImmBits(c, s, width)
		if err != nil {
			return arm64.Inst{}, err
		}
		imm8, ok := fmovImm8(bits, width)
		if !ok {
			return arm64.Inst{}, fmovImmError(c, s)
		}
		imm2 := 0xf00 | imm8
		if width == 64 {
			imm2 |= 0x1000
		}
		return arm64.Inst{Op: arm64.FMOVvecImm, Rd: arm64.Reg(rd), Sf: a.q, Size: a.size, Imm2: imm2, Imm: int64(arm64.ModImmPattern(imm2))}, nil
	}
	rd, width, err := c.FP(d, 32, 64)
	if err != nil {
		return arm64.Inst{}, err
	}
	size := uint8(fpSizes[width])
	switch s.Kind {
	case KindGPR:
		n, err := c.GPRSized(s, WithZR, width == 64)
		return arm64.Inst{Op: arm64.FMOVgen, Rd: arm64.Reg(rd), Rn: n, Sf: width == 64, Size: size}, err
	case KindFP:
		n, _, err := c.FP(s, width)
		return arm64.Inst{Op: arm64.FMOVreg, Rd: arm64.Reg(rd), Rn: arm64.Reg(n), Size: size}, err
	}
	bits, err := fpImmBits(c, s, width)
	if err != nil {
		return arm64.Inst{}, err
	}
	imm8, ok := fmovImm8(bits, width)
	if !ok {
		return arm64.Inst{}, fmovImmError(c, s)
	}
	return arm64.Inst{Op: arm64.FMOVimm, Rd: arm64.Reg(rd), Size: size, Imm: int64(bits), Imm2: imm8}, nil
}

// modImm: MOVI, MVNI, ORR and BIC (vector, immediate) <Vd>.<T>, #<imm8>{,
// LSL #<amount>} (8-bit: 8B/16B, MOVI only; 16-bit: 4H/8H, LSL 0 or 8;
// 32-bit: 2S/4S, LSL 0, 8, 16, 24, or MSL 8, 16 for MOVI and MVNI), and
// MOVI <Dd>|<Vd>.2D, #<imm64> (each byte 0x00 or 0xff). imm8 is -128..255,
// as GNU as takes it. The Inst holds op:cmode:imm8 and its expansion.
func modImm(c *Ctx, op arm64.Op, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 3); err != nil {
		return arm64.Inst{}, err
	}
	in := arm64.Inst{Op: op}
	var size uint8
	if op == arm64.MOVI && o[0].Kind == KindFP {
		d, _, err := c.FP(o[0], 64)
		if err != nil {
			return arm64.Inst{}, err
		}
		in.Rd, size = arm64.Reg(d), 3
	} else {
		arrs := []string{"4h", "8h", "2s", "4s"}
		if op == arm64.MOVI {
			arrs = arrAll
		}
		d, arr, err := c.Vector(o[0], arrs...)
		if err != nil {
			return arm64.Inst{}, err
		}
		a := vecArrs[arr]
		in.Rd, in.Sf, size = arm64.Reg(d), a.q, a.size
	}
	in.Size = size
	if o[1].Kind != KindImm {
		return arm64.Inst{}, c.Expected(o[1], "an immediate")
	}
	v, err := c.Imm(o[1])
	if err != nil {
		return arm64.Inst{}, err
	}
	if size == 3 {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		imm2, ok := arm64.ModImmEncoding(arm64.MOVI, 3, uint64(v))
		if !ok {
			_, err := c.fail1(c.Errorf(o[1], "'%s' is not a 64-bit MOVI immediate: each byte must be 0x00 or 0xff", o[1].Text))
			return arm64.Inst{}, err
		}
		in.Imm2, in.Imm = imm2, int64(arm64.ModImmPattern(imm2))
		return in, nil
	}
	if v < -128 || v > 255 {
		return c.immOutOfRange(o[1], "-128 to 255")
	}
	imm8 := v & 0xff
	var amount int64
	msl := false
	if len(o) == 3 {
		sh := o[2]
		if sh.Kind != KindShift || (!sh.MSL && sh.Shift != arm64.LSL) || sh.Amount == nil {
			return arm64.Inst{}, c.Expected(sh, "lsl #<amount> or msl #<amount>")
		}
		msl = sh.MSL
		if amount, err = c.Const(sh.Amount); err != nil {
			return arm64.Inst{}, err
		}
	}
	var cmode int64
	bad := false
	switch {
	case msl:
		bad = size != 2 || (op != arm64.MOVI && op != arm64.MVNI) || (amount != 8 && amount != 16)
		cmode = 0b1100 | amount>>4
	case size == 0:
		bad = amount != 0
		cmode = 0b1110
	case size == 1:
		bad = amount != 0 && amount != 8
		cmode = 0b1000 | amount>>3<<1
	default:
		bad = amount != 0 && amount != 8 && amount != 16 && amount != 24
		cmode = amount >> 3 << 1
	}
	if bad {
		return arm64.Inst{}, c.Errorf(o[2], "invalid shift '%s' for %s", o[2].Text, o[0].Text)
	}
	if (op == arm64.ORRvecImm || op == arm64.BICvecImm) && size != 0 {
		cmode |= 1
	}
	var opBit int64
	if op == arm64.MVNI || op == arm64.BICvecImm {
		opBit = 1
	}
	in.Imm2 = opBit<<12 | cmode<<8 | imm8
	in.Imm = int64(arm64.ModImmPattern(in.Imm2))
	return in, nil
}
