package asm

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/arm64"
)

// Loads and stores of FP/SIMD registers (Arm ARM C7.2: LDR/STR
// (immediate, register, literal, SIMD&FP), LDUR/STUR (SIMD&FP), LDP/STP/
// LDNP/STNP (SIMD&FP), LD1..LD4 and ST1..ST4 (multiple structures, single
// structure), LD1R..LD4R). ldr, str, ldur, stur, ldp, stp, ldnp and stnp
// also have general-purpose handlers (insn_ldst.go); these take the B, H,
// S, D and Q registers.

func init() {
	for _, mn := range []ldstMn{
		{"ldr", true, 0, false, formLDR}, {"str", false, 0, false, formLDR},
		{"ldur", true, 0, false, formUnscaled}, {"stur", false, 0, false, formUnscaled},
	} {
		register(mn.name, func(c *Ctx, o []Operand) (arm64.Inst, error) { return fpLoadStore(c, mn, o) })
	}
	for _, p := range []pairMn{
		{"ldp", arm64.LDPFP, true, false}, {"stp", arm64.STPFP, false, false},
		{"ldnp", arm64.LDNPFP, true, false}, {"stnp", arm64.STNPFP, false, false},
	} {
		register(p.name, func(c *Ctx, o []Operand) (arm64.Inst, error) { return fpLoadStorePair(c, p, o) })
	}
	for n := 1; n <= 4; n++ {
		ld := structOps{arm64.LD1mult + arm64.Op(n-1), arm64.LD1single + arm64.Op(n-1), n}
		st := structOps{arm64.ST1mult + arm64.Op(n-1), arm64.ST1single + arm64.Op(n-1), n}
		register(fmt.Sprintf("ld%d", n), func(c *Ctx, o []Operand) (arm64.Inst, error) { return structLoadStore(c, ld, o) })
		register(fmt.Sprintf("st%d", n), func(c *Ctx, o []Operand) (arm64.Inst, error) { return structLoadStore(c, st, o) })
		repl := arm64.LD1R + arm64.Op(n-1)
		register(fmt.Sprintf("ld%dr", n), func(c *Ctx, o []Operand) (arm64.Inst, error) { return structReplicate(c, repl, n, o) })
	}
}

// fpSizes is log2 of the bytes of each scalar register width.
var fpSizes = map[int]int{8: 0, 16: 1, 32: 2, 64: 3, 128: 4}

// fpLoadStore: LDR/STR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>{, #pimm}] (an offset
// only the unscaled form holds makes LDUR/STUR, as in GNU as), pre- and
// post-index, register offset; LDR <St|Dt|Qt>, <label> | =value; LDUR/STUR.
func fpLoadStore(c *Ctx, mn ldstMn, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	t, width, err := c.FP(o[0])
	if err != nil {
		return arm64.Inst{}, err
	}
	size := fpSizes[width]
	in := arm64.Inst{Rt: arm64.Reg(t), Size: uint8(size)}
	if o[1].Kind != KindMem {
		if (o[1].Kind == KindLiteral || o[1].Kind == KindImm || o[1].Kind == KindName) && mn.form == formLDR && mn.load {
			return fpLdrLiteral(c, in, o[0], o[1])
		}
		return arm64.Inst{}, c.Expected(o[1], "a memory operand ([xn, ...])")
	}
	return ldstAddrMode(c, mn, fpLdstOps, o, size, in)
}

// fpLdrLiteral: LDR (literal, SIMD&FP) of an S, D or Q register, to a label
// or "=value" from the literal pool (an entry of the register's size).
func fpLdrLiteral(c *Ctx, in arm64.Inst, rt, o Operand) (arm64.Inst, error) {
	if in.Size < 2 {
		// Reported at the address, past the pilot handler's error at
		// the register, so that this message is the one shown.
		return arm64.Inst{}, c.Errorf(o, "LDR (literal) has no B or H form: expected an S, D or Q register but found '%s'", rt.Text)
	}
	return literalLoad(c, in, arm64.LDRlitFP, o)
}

// fpLoadStorePair: LDP/STP/LDNP/STNP <St1|Dt1|Qt1>, <St2|...>, [<Xn|SP>{,
// #imm}] (and pre/post-index for LDP/STP): imm7 scaled by the register
// size.
func fpLoadStorePair(c *Ctx, p pairMn, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 3, 3); err != nil {
		return arm64.Inst{}, err
	}
	t, width, err := c.FP(o[0], 32, 64, 128)
	if err != nil {
		return arm64.Inst{}, err
	}
	t2, _, err := c.FP(o[1], width)
	if err != nil {
		return arm64.Inst{}, err
	}
	m, n, err := c.MemBase(o[2])
	if err != nil {
		return arm64.Inst{}, err
	}
	size := fpSizes[width]
	in := arm64.Inst{Op: p.op, Rt: arm64.Reg(t), Rt2: arm64.Reg(t2), Rn: n, Size: uint8(size)}
	switch m.Mode {
	case arm64.AddrOffset:
	case arm64.AddrPreIndex, arm64.AddrPostIndex:
		if p.op == arm64.LDNPFP || p.op == arm64.STNPFP {
			return arm64.Inst{}, c.Errorf(o[2], "'%s' has only the offset form [xn{, #imm}]", p.name)
		}
		if m.Offset == nil {
			return arm64.Inst{}, c.Expected(o[2], "an immediate post-index increment")
		}
	default:
		return arm64.Inst{}, c.Expected(o[2], "[xn{, #imm}], [xn, #imm]! or [xn], #imm")
	}
	v, err := c.MemOffset(m, 0)
	if err != nil {
		return arm64.Inst{}, err
	}
	scale := int64(1) << size
	if v%scale != 0 || v/scale < -64 || v/scale > 63 {
		return c.immOutOfRange(*m.Offset, fmt.Sprintf("a multiple of %d from %d to %d", scale, -64*scale, 63*scale))
	}
	in.Mode, in.Imm = m.Mode, v
	return in, nil
}

// structOps are the two forms of one LDn/STn mnemonic.
type structOps struct {
	mult, single arm64.Op
	n            int
}

// vecArrs maps an arrangement to its element size (log2 bytes) and Q.
var vecArrs = map[string]struct {
	size uint8
	q    bool
}{
	"8b": {0, false}, "16b": {0, true}, "4h": {1, false}, "8h": {1, true},
	"2s": {2, false}, "4s": {2, true}, "1d": {3, false}, "2d": {3, true},
}

// elemSizes maps an element size letter to log2 bytes.
var elemSizes = map[string]uint8{"b": 0, "h": 1, "s": 2, "d": 3}

// vecList checks a register list of count registers (any of 1..4 when
// count is 0); arr says whether the registers carry an arrangement
// ("16b") or an element size ("s") with a lane index. A range
// "{v30.16b-v1.16b}" may not wrap past v31 (GNU as refuses it), a list
// "{v31.16b, v0.16b}" may.
func (c *Ctx) vecList(o Operand, count int, lane bool) error {
	what := "a register list {v<n>.<T>, ...}"
	if lane {
		what = "a register list with a lane {v<n>.<T>, ...}[<index>]"
	}
	if o.Kind != KindList || (lane != (o.Index >= 0)) || (lane != (len(o.Arr) == 1)) || o.Arr == "" {
		return c.Expected(o, what)
	}
	if count != 0 && o.Count != count {
		return c.Errorf(o, "expected a list of %s but found '%s'", plural(count, "register", "registers"), o.Text)
	}
	if strings.Contains(o.Text, "-") && o.Num+o.Count-1 > 31 {
		return c.Errorf(o, "a register range may not wrap past v31: '%s'", o.Text)
	}
	if _, ok := vecArrs[o.Arr]; !lane && !ok {
		return c.Expected(o, "a register list with an arrangement (8b, 16b, 4h, 8h, 2s, 4s, 1d, 2d)")
	}
	return nil
}

// structPostIndex fills the addressing mode of a structure load or store:
// [Xn|SP], or post-index by a register Xm (not XZR) or by #imm, which
// must be the bytes transferred.
func structPostIndex(c *Ctx, in *arm64.Inst, mem Operand, bytes int64) error {
	m, n, err := c.MemBase(mem)
	if err != nil {
		return err
	}
	in.Rn = n
	switch {
	case m.Mode == arm64.AddrOffset && m.Offset == nil:
		in.Mode = arm64.AddrNone
		return nil
	case m.Mode == arm64.AddrPostIndex && m.Index != nil:
		if m.Index.Kind != KindGPR || m.Index.W || m.Index.Reg == arm64.ZR || m.Index.Reg == arm64.SP {
			return c.Expected(*m.Index, "a 64-bit post-index register (x0-x30)")
		}
		in.Mode, in.Rm = arm64.AddrPostIndex, m.Index.Reg
		return nil
	case m.Mode == arm64.AddrPostIndex:
		v, err := c.MemOffset(m, 0)
		if err != nil {
			return err
		}
		if v != bytes {
			_, err := c.fail1(c.Errorf(*m.Offset, "post-index increment %d must be the %d bytes transferred", v, bytes))
			return err
		}
		in.Mode, in.Rm, in.Imm = arm64.AddrPostIndex, arm64.ZR, bytes
		return nil
	}
	return c.Expected(mem, "[xn|sp], [xn|sp], #imm or [xn|sp], xm")
}

// structLoadStore: LDn/STn {<Vt>.<T>, ...}, [<Xn|SP>]{, #imm|Xm} (multiple
// structures: LD1/ST1 take 1..4 registers, LDn/STn exactly n; no 1D for
// n > 1), or {<Vt>.<Ts>, ...}[<index>], ... (single structure).
func structLoadStore(c *Ctx, ops structOps, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	l := o[0]
	if l.Kind == KindList && l.Index >= 0 {
		if err := c.vecList(l, ops.n, true); err != nil {
			return arm64.Inst{}, err
		}
		size := elemSizes[l.Arr]
		if l.Index >= 16>>size {
			return arm64.Inst{}, c.Errorf(l, "lane index %d is out of range 0 to %d", l.Index, 16>>size-1)
		}
		in := arm64.Inst{Op: ops.single, Rt: arm64.Reg(l.Num), Size: size, Imm2: int64(l.Index)}
		return in, structPostIndex(c, &in, o[1], int64(ops.n)<<size)
	}
	count := ops.n
	if count == 1 {
		count = 0
	}
	if err := c.vecList(l, count, false); err != nil {
		return arm64.Inst{}, err
	}
	a := vecArrs[l.Arr]
	if ops.n > 1 && a.size == 3 && !a.q {
		return arm64.Inst{}, c.Expected(l, "a register list with an arrangement other than 1d")
	}
	in := arm64.Inst{Op: ops.mult, Rt: arm64.Reg(l.Num), Size: a.size, Sf: a.q, Imm2: int64(l.Count)}
	regBytes := int64(8)
	if a.q {
		regBytes = 16
	}
	return in, structPostIndex(c, &in, o[1], regBytes*int64(l.Count))
}

// structReplicate: LDnR {<Vt>.<T>, ...}, [<Xn|SP>]{, #imm|Xm}.
func structReplicate(c *Ctx, op arm64.Op, n int, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	if err := c.vecList(o[0], n, false); err != nil {
		return arm64.Inst{}, err
	}
	a := vecArrs[o[0].Arr]
	in := arm64.Inst{Op: op, Rt: arm64.Reg(o[0].Num), Size: a.size, Sf: a.q}
	return in, structPostIndex(c, &in, o[1], int64(n)<<a.size)
}
