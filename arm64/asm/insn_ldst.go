package asm

import (
	"fmt"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// Loads and stores of general-purpose registers: single registers in
// every addressing mode, pairs and prefetches (Arm ARM C6.2: LDR/STR
// (immediate, register, literal) and their B, H, SB, SH, SW forms, LDUR,
// STUR, LDTR, STTR, LDP, STP, LDPSW, LDNP, STNP, PRFM, PRFUM). Memory
// operand helpers here are shared with the other load/store classes.

// ldstForm says which addressing modes a mnemonic has.
type ldstForm uint8

const (
	formLDR      ldstForm = iota // LDR/STR: scaled offset (or unscaled when it does not fit), pre/post-index, register, literal
	formUnscaled                 // LDUR/STUR: [Xn|SP{, #simm9}]
	formUnpriv                   // LDTR/STTR: [Xn|SP{, #simm9}]
)

type ldstMn struct {
	name   string
	load   bool
	size   int // log2 of the access size; -1: from the register (W 4 bytes, X 8)
	signed bool
	form   ldstForm
}

func init() {
	var mns []ldstMn
	for _, f := range []struct {
		prefix string
		form   ldstForm
	}{{"ldr", formLDR}, {"ldur", formUnscaled}, {"ldtr", formUnpriv}} {
		store := "st" + f.prefix[2:]
		mns = append(mns,
			ldstMn{f.prefix, true, -1, false, f.form}, ldstMn{f.prefix + "b", true, 0, false, f.form},
			ldstMn{f.prefix + "h", true, 1, false, f.form}, ldstMn{f.prefix + "sb", true, 0, true, f.form},
			ldstMn{f.prefix + "sh", true, 1, true, f.form}, ldstMn{f.prefix + "sw", true, 2, true, f.form},
			ldstMn{store, false, -1, false, f.form}, ldstMn{store + "b", false, 0, false, f.form},
			ldstMn{store + "h", false, 1, false, f.form},
		)
	}
	for _, mn := range mns {
		register(mn.name, func(c *Ctx, o []Operand) (arm64.Inst, error) { return loadStore(c, mn, o) })
	}
	for _, p := range []pairMn{
		{"ldp", arm64.LDP, true, false}, {"stp", arm64.STP, false, false},
		{"ldpsw", arm64.LDP, true, true},
		{"ldnp", arm64.LDNP, true, false}, {"stnp", arm64.STNP, false, false},
	} {
		register(p.name, func(c *Ctx, o []Operand) (arm64.Inst, error) { return loadStorePair(c, p, o) })
	}
	register("prfm", func(c *Ctx, o []Operand) (arm64.Inst, error) { return prefetch(c, o, false) })
	register("prfum", func(c *Ctx, o []Operand) (arm64.Inst, error) { return prefetch(c, o, true) })
}

// lo12Relocs are the relocations of ":lo12:sym" in a load or store, by
// log2 of the access size (the offset is scaled by it).
var lo12Relocs = [...]obj.RelocType{
	obj.R_AARCH64_LDST8_ABS_LO12_NC, obj.R_AARCH64_LDST16_ABS_LO12_NC, obj.R_AARCH64_LDST32_ABS_LO12_NC,
	obj.R_AARCH64_LDST64_ABS_LO12_NC, obj.R_AARCH64_LDST128_ABS_LO12_NC,
}

// MemBase checks the base register of a memory operand: <Xn|SP>.
func (c *Ctx) MemBase(o Operand) (*Mem, arm64.Reg, error) {
	if o.Kind != KindMem {
		return nil, 0, c.Expected(o, "a memory operand ([xn, ...])")
	}
	n, err := c.X(o.Mem.Base, WithSP)
	return o.Mem, n, err
}

// MemOffset evaluates the immediate offset of a memory operand, 0 when
// none is written. For ":lo12:sym" it returns the low 12 bits of a
// number, or 0 and a relocation of type lo12 for a symbol; lo12 == 0
// refuses relocation operators.
// errPreIndexOffset is the error for `[xn]!`, which the parser accepts
// because LDRAA/LDRAB take it (a zero pre-index); every other instruction
// needs an offset before the '!'.
func errPreIndexOffset(c *Ctx, o Operand) error {
	return c.Errorf(o, "'!' (pre-index) needs an immediate offset: [xn, #imm]!")
}

func (c *Ctx) MemOffset(m *Mem, lo12 obj.RelocType) (int64, error) {
	if m.Offset == nil {
		return 0, nil
	}
	o := *m.Offset
	switch o.Reloc {
	case RelocNone:
		return c.Const(o.Expr)
	case RelocLo12:
		if lo12 == 0 || m.Mode != arm64.AddrOffset {
			return 0, c.Errorf(o, "':lo12:' is not allowed in this addressing mode")
		}
		v, err := c.Abs(o.Expr, lo12)
		return v & 0xfff, err
	}
	return 0, c.Errorf(o, "relocation operator %v is not allowed in a memory operand (use :lo12:)", o.Reloc)
}

// MemIndex checks the offset register of [Xn, Rm{, extend}] for an access
// of 1<<size bytes: Xm with LSL (UXTX) or SXTX, Wm with UXTW or SXTW, and
// an amount of 0 or size. It returns the fields of the Inst; byteS is
// true when the amount is written as #0 for a byte access, which sets the
// S bit although Amount stays 0: the decoder records it as Imm2 = 1 for
// LDRreg and STRreg (and their FP/SIMD forms).
func (c *Ctx) MemIndex(m *Mem, size int) (rm arm64.Reg, ext arm64.Extend, amount uint8, byteS bool, err error) {
	idx := *m.Index
	if idx.Kind != KindGPR || idx.Reg == arm64.SP {
		return 0, 0, 0, false, c.Expected(idx, "an offset register (x0-x30, xzr, w0-w30, wzr)")
	}
	ext = arm64.UXTX
	var amt *Expr
	if m.Extend != nil {
		e := *m.Extend
		switch {
		case e.Kind == KindShift && !e.MSL && e.Shift == arm64.LSL:
		case e.Kind == KindExtend && (e.Extend == arm64.UXTW || e.Extend == arm64.SXTW || e.Extend == arm64.SXTX):
			ext = e.Extend
		default:
			return 0, 0, 0, false, c.Expected(e, "lsl, uxtw, sxtw or sxtx")
		}
		amt = e.Amount
	}
	wantX := ext == arm64.UXTX || ext == arm64.SXTX
	if idx.W == wantX {
		what := "a 64-bit offset register (x0-x30, xzr) with lsl or sxtx"
		if !wantX {
			what = "a 32-bit offset register (w0-w30, wzr) with uxtw or sxtw"
		}
		return 0, 0, 0, false, c.Expected(idx, what)
	}
	if amt != nil {
		v, err := c.Const(amt)
		if err != nil {
			return 0, 0, 0, false, err
		}
		switch {
		case v == int64(size):
			amount, byteS = uint8(size), size == 0
		case v == 0:
		default:
			_, err := c.fail1(errorAt(amt.pos, "shift amount %d is invalid: %s access takes 0 or %d", v, accessName(size), size))
			return 0, 0, 0, false, err
		}
	}
	return idx.Reg, ext, amount, byteS, nil
}

// accessName is "a 4-byte", "an 8-byte": the size of an access of 1<<size
// bytes, for messages.
func accessName(size int) string {
	if size == 3 {
		return "an 8-byte"
	}
	return fmt.Sprintf("a %d-byte", 1<<size)
}

// ldstTransfer checks the transfer register of a single load or store and
// returns the size (log2 bytes) and Sf.
func ldstTransfer(c *Ctx, mn ldstMn, o Operand) (arm64.Reg, int, bool, error) {
	t, sf, err := c.GPR(o, WithZR)
	if err != nil {
		return 0, 0, false, err
	}
	switch {
	case mn.size < 0:
		if sf {
			return t, 3, true, nil
		}
		return t, 2, false, nil
	case mn.signed && mn.size < 2:
		return t, mn.size, sf, nil
	case mn.signed:
		if !sf {
			return 0, 0, false, c.Expected(o, gprWhat(WithZR, 64))
		}
		return t, mn.size, true, nil
	}
	if sf {
		return 0, 0, false, c.Expected(o, gprWhat(WithZR, 32))
	}
	return t, mn.size, false, nil
}

func loadStore(c *Ctx, mn ldstMn, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	t, size, sf, err := ldstTransfer(c, mn, o[0])
	if err != nil {
		return arm64.Inst{}, err
	}
	in := arm64.Inst{Rt: t, Sf: sf, Size: uint8(size), Signed: mn.signed}
	switch o[1].Kind {
	case KindMem:
	case KindLiteral, KindImm, KindName:
		if mn.form != formLDR || !mn.load || size < 2 {
			if o[1].Kind == KindLiteral {
				return arm64.Inst{}, c.Errorf(o[1], "'%s' has no literal form (ldr, ldrsw and prfm have)", mn.name)
			}
			return arm64.Inst{}, c.Expected(o[1], "a memory operand ([xn, ...])")
		}
		return ldrLiteral(c, in, o[1])
	default:
		return arm64.Inst{}, c.Expected(o[1], "a memory operand ([xn, ...])")
	}
	return ldstAddrMode(c, mn, gprLdstOps, o, size, in)
}

// ldstOps are the ops of one register file for the addressing modes of
// LDR/STR and their unscaled and unprivileged forms, each as {store, load}.
type ldstOps struct {
	imm, unscaled, unpriv, reg [2]arm64.Op
}

var (
	gprLdstOps = ldstOps{
		imm:      [2]arm64.Op{arm64.STRimm, arm64.LDRimm},
		unscaled: [2]arm64.Op{arm64.STUR, arm64.LDUR},
		unpriv:   [2]arm64.Op{arm64.STTR, arm64.LDTR},
		reg:      [2]arm64.Op{arm64.STRreg, arm64.LDRreg},
	}
	// FP/SIMD registers have no unprivileged forms.
	fpLdstOps = ldstOps{
		imm:      [2]arm64.Op{arm64.STRimmFP, arm64.LDRimmFP},
		unscaled: [2]arm64.Op{arm64.STURFP, arm64.LDURFP},
		reg:      [2]arm64.Op{arm64.STRregFP, arm64.LDRregFP},
	}
)

// ldstAddrMode completes in (transfer register, size, signedness set) from
// the memory operand o[1], for general-purpose and FP/SIMD registers
// alike: [xn{, #imm}] (the scaled unsigned offset, or LDUR/STUR for an
// offset only the unscaled form holds, as GNU as does), pre- and
// post-index, and the register offset.
func ldstAddrMode(c *Ctx, mn ldstMn, ops ldstOps, o []Operand, size int, in arm64.Inst) (arm64.Inst, error) {
	m, n, err := c.MemBase(o[1])
	if err != nil {
		return arm64.Inst{}, err
	}
	in.Rn = n
	load := 0
	if mn.load {
		load = 1
	}
	in.Op = [...][2]arm64.Op{formLDR: ops.imm, formUnscaled: ops.unscaled, formUnpriv: ops.unpriv}[mn.form][load]
	switch m.Mode {
	case arm64.AddrOffset:
		var lo12 obj.RelocType
		if mn.form == formLDR {
			lo12 = lo12Relocs[size]
		}
		v, err := c.MemOffset(m, lo12)
		if err != nil {
			return arm64.Inst{}, err
		}
		in.Mode, in.Imm = arm64.AddrOffset, v
		scale := int64(1) << size
		switch {
		case mn.form == formLDR && v >= 0 && v%scale == 0 && v/scale <= 0xfff:
			return in, nil
		case mn.form == formLDR && m.Offset.Reloc != RelocNone:
			return arm64.Inst{}, c.Errorf(*m.Offset, "the low 12 bits of '%s' (%#x) are not a multiple of the access size %d", m.Offset.Text, v, scale)
		case v >= -256 && v <= 255:
			// GNU as turns an offset that the scaled form cannot hold
			// into LDUR/STUR.
			if mn.form == formLDR {
				in.Op = ops.unscaled[load]
			}
			return in, nil
		}
		what := "-256 to 255"
		if mn.form == formLDR {
			what = fmt.Sprintf("a multiple of %d from 0 to %d, or -256 to 255", scale, 0xfff*scale)
		}
		return c.immOutOfRange(*m.Offset, what)
	case arm64.AddrPreIndex, arm64.AddrPostIndex:
		if m.Offset == nil {
			return arm64.Inst{}, errPreIndexOffset(c, o[1])
		}
		if mn.form != formLDR {
			return arm64.Inst{}, c.Errorf(o[1], "'%s' has no pre- or post-index form", mn.name)
		}
		v, err := c.MemOffset(m, 0)
		if err != nil {
			return arm64.Inst{}, err
		}
		if v < -256 || v > 255 {
			return c.immOutOfRange(*m.Offset, "-256 to 255")
		}
		in.Mode, in.Imm = m.Mode, v
		return in, nil
	case arm64.AddrRegOffset:
		if mn.form != formLDR {
			return arm64.Inst{}, c.Errorf(o[1], "'%s' has no register offset form", mn.name)
		}
		rm, ext, amount, byteS, err := c.MemIndex(m, size)
		if err != nil {
			return arm64.Inst{}, err
		}
		if byteS {
			in.Imm2 = 1
		}
		in.Op = ops.reg[load]
		in.Mode, in.Rm, in.Ext, in.Amount = arm64.AddrRegOffset, rm, ext, amount
		return in, nil
	}
	return arm64.Inst{}, c.Expected(o[1], "[xn], [xn, #imm], [xn, #imm]!, [xn], #imm or [xn, xm]")
}

// ldrLiteral: LDR (literal) to a label, or "=value" from the literal pool
// (an entry of the register's size; 4 bytes for LDRSW).
func ldrLiteral(c *Ctx, in arm64.Inst, o Operand) (arm64.Inst, error) {
	return literalLoad(c, in, arm64.LDRlit, o)
}

// literalLoad completes a literal load of op (general or FP/SIMD
// register, in.Size set): the 19-bit word offset to a label, or to a
// literal pool entry of the register's size for "=value".
func literalLoad(c *Ctx, in arm64.Inst, op arm64.Op, o Operand) (arm64.Inst, error) {
	in.Op, in.Mode = op, arm64.AddrLiteral
	var off int64
	var err error
	if o.Kind == KindLiteral {
		off, err = c.Literal(o, 1<<in.Size)
		if err == nil && (off < -(1<<20) || off >= 1<<20) {
			_, err = c.fail1(c.Errorf(o, "literal pool is out of range (%d bytes away, the limit is ±1MiB): add an .ltorg nearer", off))
		}
	} else {
		off, err = pcRelTarget(c, o, obj.R_AARCH64_LD_PREL_LO19, 19, 4)
	}
	in.Imm = off
	return in, err
}

type pairMn struct {
	name   string
	op     arm64.Op
	load   bool
	signed bool // LDPSW
}

// loadStorePair: LDP, STP, LDPSW, LDNP, STNP <Rt1>, <Rt2>, [<Xn|SP>{, #imm}]
// (and pre/post-index except for LDNP/STNP): imm7 scaled by the register
// size.
func loadStorePair(c *Ctx, p pairMn, o []Operand) (arm64.Inst, error) {
	if err := c.Want(o, 3, 3); err != nil {
		return arm64.Inst{}, err
	}
	t, sf, err := c.GPR(o[0], WithZR)
	if err != nil {
		return arm64.Inst{}, err
	}
	if p.signed && !sf {
		return arm64.Inst{}, c.Expected(o[0], gprWhat(WithZR, 64))
	}
	t2, err := c.GPRSized(o[1], WithZR, sf)
	if err != nil {
		return arm64.Inst{}, err
	}
	m, n, err := c.MemBase(o[2])
	if err != nil {
		return arm64.Inst{}, err
	}
	size := 2
	if sf && !p.signed {
		size = 3
	}
	in := arm64.Inst{Op: p.op, Rt: t, Rt2: t2, Rn: n, Sf: sf, Size: uint8(size), Signed: p.signed}
	switch m.Mode {
	case arm64.AddrOffset:
	case arm64.AddrPreIndex, arm64.AddrPostIndex:
		if p.op == arm64.LDNP || p.op == arm64.STNP {
			return arm64.Inst{}, c.Errorf(o[2], "'%s' has only the offset form [xn{, #imm}]", p.name)
		}
		if m.Offset == nil {
			return arm64.Inst{}, errPreIndexOffset(c, o[2])
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

// prfopNames are the prefetch operations by name (Arm ARM C6.2 PRFM
// (immediate), <prfop>): PLD/PLI/PST, the cache level L1..L3, KEEP or
// STRM; the value is type:target:policy.
var prfopNames = func() map[string]int64 {
	m := map[string]int64{}
	for ti, typ := range []string{"pld", "pli", "pst"} {
		for level := 0; level < 3; level++ {
			for pi, pol := range []string{"keep", "strm"} {
				m[fmt.Sprintf("%sl%d%s", typ, level+1, pol)] = int64(ti<<3 | level<<1 | pi)
			}
		}
	}
	return m
}()

// Prefetch checks a prefetch operation operand: a name or #imm5.
func (c *Ctx) Prefetch(o Operand) (int64, error) {
	if o.Kind == KindName {
		if v, ok := prfopNames[o.Name]; ok {
			return v, nil
		}
	}
	if o.Kind == KindImm && o.Hash {
		return c.ImmRange(o, 0, 31)
	}
	return 0, c.Expected(o, "a prefetch operation (pldl1keep, pstl2strm, ...) or #0-31")
}

// prefetch: PRFM <prfop>, [<Xn|SP>{, #pimm}] | [<Xn|SP>, <Rm>{, ...}] |
// <label>; an offset that only fits unscaled makes PRFUM, as in GNU as.
// unscaled is true for the PRFUM mnemonic.
func prefetch(c *Ctx, o []Operand, unscaled bool) (arm64.Inst, error) {
	if err := c.Want(o, 2, 2); err != nil {
		return arm64.Inst{}, err
	}
	op, err := c.Prefetch(o[0])
	if err != nil {
		return arm64.Inst{}, err
	}
	in := arm64.Inst{Size: 3, Imm2: op}
	if o[1].Kind != KindMem {
		if unscaled {
			return arm64.Inst{}, c.Expected(o[1], "a memory operand ([xn{, #simm9}])")
		}
		off, err := pcRelTarget(c, o[1], obj.R_AARCH64_LD_PREL_LO19, 19, 4)
		in.Op, in.Mode, in.Imm = arm64.PRFMlit, arm64.AddrLiteral, off
		return in, err
	}
	m, n, err := c.MemBase(o[1])
	if err != nil {
		return arm64.Inst{}, err
	}
	in.Rn = n
	switch {
	case m.Mode == arm64.AddrOffset:
		lo12 := obj.R_AARCH64_LDST64_ABS_LO12_NC
		if unscaled {
			lo12 = 0
		}
		v, err := c.MemOffset(m, lo12)
		if err != nil {
			return arm64.Inst{}, err
		}
		in.Mode, in.Imm = arm64.AddrOffset, v
		switch {
		case !unscaled && v >= 0 && v%8 == 0 && v/8 <= 0xfff:
			in.Op = arm64.PRFMimm
		case v >= -256 && v <= 255:
			in.Op = arm64.PRFUM
		default:
			return c.immOutOfRange(*m.Offset, "a multiple of 8 from 0 to 32760, or -256 to 255")
		}
		return in, nil
	case m.Mode == arm64.AddrRegOffset && !unscaled:
		rm, ext, amount, _, err := c.MemIndex(m, 3)
		in.Op, in.Mode, in.Rm, in.Ext, in.Amount = arm64.PRFMreg, arm64.AddrRegOffset, rm, ext, amount
		return in, err
	}
	return arm64.Inst{}, c.Expected(o[1], "[xn{, #imm}] or [xn, xm{, lsl #3}]")
}
