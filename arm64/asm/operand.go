package asm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kpemu/kpemu/arm64"
)

// Operands are parsed the same way whatever the instruction: the parser
// knows the syntax of registers, immediates, memory operands, shifts and
// lists, and the mnemonic's handler decides what each may be.

// OperandKind says what an operand is.
type OperandKind uint8

const (
	KindNone    OperandKind = iota
	KindGPR                 // general-purpose register: x0-x30, w0-w30, sp, wsp, xzr, wzr (and fp, lr, ip0, ip1)
	KindFP                  // scalar FP/SIMD register: b0, h1, s2, d3, q4
	KindVector              // vector register: v0, v0.16b, v1.s[2] (Arr, Index)
	KindList                // register list: {v0.16b, v1.16b}, {v0.4s-v3.4s}, {v0.s, v1.s}[1]
	KindImm                 // immediate: #expr, or an expression without '#', with an optional relocation operator
	KindName                // a lone identifier: a condition, barrier option, system register, label...
	KindLiteral             // =expr: a literal pool entry (ldr x0, =value)
	KindMem                 // memory operand: [base...] (Mem)
	KindShift               // lsl/lsr/asr/ror/msl #amount
	KindExtend              // uxtb..sxtx {#amount}
)

var kindNames = [...]string{
	KindNone: "none", KindGPR: "register", KindFP: "FP register", KindVector: "vector register",
	KindList: "register list", KindImm: "immediate", KindName: "name", KindLiteral: "literal",
	KindMem: "memory operand", KindShift: "shift", KindExtend: "extend",
}

func (k OperandKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("OperandKind(%d)", uint8(k))
}

// Operand is one parsed operand, with where it was written and its text.
// Which fields are set depends on Kind.
type Operand struct {
	Kind OperandKind
	Pos  Pos    // where the operand starts
	Text string // the operand as written, for messages

	// KindGPR: Reg is 0..30, arm64.ZR (xzr, wzr) or arm64.SP (sp, wsp);
	// W is true for the 32-bit names.
	Reg arm64.Reg
	W   bool

	// KindFP, KindVector, KindList: the register number 0..31 (the first
	// register of a list). Width is the scalar size in bits for KindFP
	// (8 b, 16 h, 32 s, 64 d, 128 q). Arr is the arrangement or element
	// size after the dot ("16b", "4s", "s"), "" when none; Index the lane
	// ([2]), -1 when none. Count is the number of registers of a list.
	Num   int
	Width int
	Arr   string
	Index int
	Count int

	// KindImm, KindName, KindLiteral: the expression. Hash is true when
	// written with '#'. Reloc is the relocation operator (:lo12:, ...).
	// Name is a KindName's identifier in lower case (its Expr is the
	// symbol of that name, for instructions that take a label).
	Expr  *Expr
	Hash  bool
	Reloc RelocOp
	Name  string

	// KindShift: the shift (MSL is true for msl, which arm64.Shift lacks);
	// KindExtend: the extend. Amount is nil when no amount was written.
	Shift  arm64.Shift
	MSL    bool
	Extend arm64.Extend
	Amount *Expr

	// KindMem.
	Mem *Mem
}

// Mem is a memory operand.
//
//	[xn]                  Mode AddrOffset, no Offset
//	[xn, #imm]            Mode AddrOffset, Offset
//	[xn, #imm]!           Mode AddrPreIndex, Offset
//	[xn], #imm            Mode AddrPostIndex, Offset (written as a memory
//	                      operand followed by an immediate: merged here)
//	[xn], xm              Mode AddrPostIndex, Index (LD1 and friends)
//	[xn, xm{, lsl #3}]    Mode AddrRegOffset, Index, Extend (KindShift)
//	[xn, wm, sxtw {#2}]   Mode AddrRegOffset, Index, Extend (KindExtend)
type Mem struct {
	Base   Operand // a KindGPR operand
	Mode   arm64.AddrMode
	Offset *Operand // KindImm, may carry a relocation operator (#:lo12:sym)
	Index  *Operand // KindGPR
	Extend *Operand // KindShift or KindExtend
}

// RelocOp is a relocation operator written before an expression.
type RelocOp uint8

const (
	RelocNone     RelocOp = iota
	RelocLo12             // :lo12: the low 12 bits of the address (ADD, loads and stores)
	RelocPgHi21           // :pg_hi21: the page of the address (ADRP; also what a bare symbol means)
	RelocPgHi21NC         // :pg_hi21_nc: the same, without the overflow check
	RelocAbsG0            // :abs_g0: bits 15:0 of the address (MOVZ), checked
	RelocAbsG0NC          // :abs_g0_nc: bits 15:0, unchecked (MOVK)
	RelocAbsG1            // :abs_g1:
	RelocAbsG1NC          // :abs_g1_nc:
	RelocAbsG2            // :abs_g2:
	RelocAbsG2NC          // :abs_g2_nc:
	RelocAbsG3            // :abs_g3: bits 63:48
)

var relocOpNames = map[string]RelocOp{
	"lo12": RelocLo12, "pg_hi21": RelocPgHi21, "pg_hi21_nc": RelocPgHi21NC,
	"abs_g0": RelocAbsG0, "abs_g0_nc": RelocAbsG0NC, "abs_g1": RelocAbsG1, "abs_g1_nc": RelocAbsG1NC,
	"abs_g2": RelocAbsG2, "abs_g2_nc": RelocAbsG2NC, "abs_g3": RelocAbsG3,
}

func (r RelocOp) String() string {
	for n, v := range relocOpNames {
		if v == r {
			return ":" + n + ":"
		}
	}
	return ""
}

// unsupportedRelocs are the operators of GNU as that need a GOT, TLS or
// signed-group relocations, which kpemu's linker does not implement.
var unsupportedRelocs = map[string]string{
	"got": "GOT", "got_lo12": "GOT", "gotpage_lo15": "GOT", "ld64_gotpage_lo15": "GOT",
	"ld64_gotoff_lo15": "GOT", "gotoff_g0_nc": "GOT", "gotoff_g1": "GOT",
	"tlsgd": "TLS", "tlsgd_lo12": "TLS", "tlsdesc": "TLS", "tlsdesc_lo12": "TLS",
	"gottprel": "TLS", "gottprel_lo12": "TLS", "gottprel_g0_nc": "TLS", "gottprel_g1": "TLS",
	"tprel_lo12": "TLS", "tprel_lo12_nc": "TLS", "tprel_hi12": "TLS",
	"tprel_g0": "TLS", "tprel_g0_nc": "TLS", "tprel_g1": "TLS", "tprel_g1_nc": "TLS", "tprel_g2": "TLS",
	"dtprel_lo12": "TLS", "dtprel_lo12_nc": "TLS", "dtprel_hi12": "TLS",
	"dtprel_g0": "TLS", "dtprel_g0_nc": "TLS", "dtprel_g1": "TLS", "dtprel_g1_nc": "TLS", "dtprel_g2": "TLS",
	"abs_g0_s": "signed MOVW", "abs_g1_s": "signed MOVW", "abs_g2_s": "signed MOVW",
	"prel_g0": "PC-relative MOVW", "prel_g0_nc": "PC-relative MOVW", "prel_g1": "PC-relative MOVW",
	"prel_g1_nc": "PC-relative MOVW", "prel_g2": "PC-relative MOVW", "prel_g2_nc": "PC-relative MOVW",
	"prel_g3": "PC-relative MOVW",
}

// lowerName returns an identifier in lower case when it is written all in
// lower or all in upper case, as GNU as accepts register and operator
// names ("x0", "X0", not "X0"-with-"xZR"-mixed).
func lowerName(s string) (string, bool) {
	l := strings.ToLower(s)
	if s == l || s == strings.ToUpper(s) {
		return l, true
	}
	return l, false
}

var gprAliases = map[string]arm64.Reg{"fp": 29, "lr": 30, "ip0": 16, "ip1": 17}

// regNum parses the decimal register number of "x12": 0..max, no leading
// zeros.
func regNum(s string, max int) (int, bool) {
	if s == "" || len(s) > 2 || (len(s) == 2 && s[0] == '0') || !isDecimal(s) {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, n <= max
}

var vectorArrangements = map[string]bool{
	"8b": true, "16b": true, "4h": true, "8h": true, "2s": true, "4s": true, "1d": true, "2d": true,
	"1q": true, "2h": true, "4b": true, "b": true, "h": true, "s": true, "d": true, "q": true,
}

// parseRegName recognises a register name: GPRs, scalar FP registers and
// vector registers with their arrangement (the lane index is parsed by
// the caller).
func parseRegName(text string) (Operand, bool) {
	name, ok := lowerName(text)
	if !ok {
		return Operand{}, false
	}
	op := Operand{Index: -1}
	switch name {
	case "sp":
		op.Kind, op.Reg = KindGPR, arm64.SP
		return op, true
	case "wsp":
		op.Kind, op.Reg, op.W = KindGPR, arm64.SP, true
		return op, true
	case "xzr":
		op.Kind, op.Reg = KindGPR, arm64.ZR
		return op, true
	case "wzr":
		op.Kind, op.Reg, op.W = KindGPR, arm64.ZR, true
		return op, true
	}
	if r, ok := gprAliases[name]; ok {
		op.Kind, op.Reg = KindGPR, r
		return op, true
	}
	if len(name) < 2 {
		return op, false
	}
	switch name[0] {
	case 'x', 'w':
		if n, ok := regNum(name[1:], 30); ok {
			op.Kind, op.Reg, op.W = KindGPR, arm64.Reg(n), name[0] == 'w'
			return op, true
		}
	case 'b', 'h', 's', 'd', 'q':
		if n, ok := regNum(name[1:], 31); ok {
			op.Kind, op.Num = KindFP, n
			op.Width = map[byte]int{'b': 8, 'h': 16, 's': 32, 'd': 64, 'q': 128}[name[0]]
			return op, true
		}
	case 'v':
		num, arr, dot := strings.Cut(name[1:], ".")
		n, ok := regNum(num, 31)
		if !ok || (dot && !vectorArrangements[arr]) {
			return op, false
		}
		op.Kind, op.Num, op.Arr = KindVector, n, arr
		return op, true
	}
	return op, false
}

var shiftNames = map[string]arm64.Shift{"lsl": arm64.LSL, "lsr": arm64.LSR, "asr": arm64.ASR, "ror": arm64.ROR}

var extendNames = map[string]arm64.Extend{
	"uxtb": arm64.UXTB, "uxth": arm64.UXTH, "uxtw": arm64.UXTW, "uxtx": arm64.UXTX,
	"sxtb": arm64.SXTB, "sxth": arm64.SXTH, "sxtw": arm64.SXTW, "sxtx": arm64.SXTX,
}

// parseOperands parses the comma-separated operands of an instruction up
// to the end of the statement.
func parseOperands(c *cursor) ([]Operand, error) {
	if c.atEnd() {
		return nil, nil
	}
	var ops []Operand
	for {
		op, err := parseOperand(c)
		if err != nil {
			return ops, err
		}
		ops = append(ops, op)
		if c.atEnd() {
			break
		}
		if !c.accept(",") {
			return ops, errorAt(c.peek().pos, "expected ',' or end of line after operand %d ('%s') but found %s",
				len(ops), op.Text, c.peek().describe())
		}
		if c.atEnd() {
			return ops, errorAt(c.peek().pos, "expected an operand after ',' but found %s", c.peek().describe())
		}
	}
	// A post-index is written as a memory operand followed by the
	// increment: "[x0], #8", "[x0], x2".
	if n := len(ops); n >= 2 && ops[n-2].Kind == KindMem {
		m := ops[n-2].Mem
		if m.Mode == arm64.AddrOffset && m.Offset == nil {
			inc := ops[n-1]
			switch inc.Kind {
			case KindImm, KindName:
				m.Mode, m.Offset = arm64.AddrPostIndex, &inc
			case KindGPR:
				m.Mode, m.Index = arm64.AddrPostIndex, &inc
			default:
				return ops, errorAt(inc.Pos, "expected a post-index increment (#imm or a register) after the memory operand but found '%s'", inc.Text)
			}
			ops[n-2].Text += ", " + inc.Text
			ops = ops[:n-1]
		}
	}
	return ops, nil
}

func parseOperand(c *cursor) (Operand, error) {
	start := c.peek()
	op, err := parseOperandBody(c)
	op.Pos = start.pos
	op.Text = c.textFrom(start)
	if op.Index == 0 && op.Kind != KindVector && op.Kind != KindList {
		op.Index = -1
	}
	return op, err
}

func parseOperandBody(c *cursor) (Operand, error) {
	t := c.peek()
	switch {
	case t.is("#"):
		c.next()
		op := Operand{Kind: KindImm, Hash: true}
		err := parseImmBody(c, &op)
		return op, err
	case t.is("="):
		c.next()
		e, err := c.parseExpr()
		return Operand{Kind: KindLiteral, Expr: e}, err
	case t.is("["):
		return parseMem(c)
	case t.is("{"):
		return parseList(c)
	case t.is(":"):
		op := Operand{Kind: KindImm}
		err := parseImmBody(c, &op)
		return op, err
	case t.kind == tokIdent && t.str == "":
		if op, ok := parseRegName(t.text); ok {
			c.next()
			if op.Kind == KindVector {
				idx, err := parseLane(c)
				op.Index = idx
				return op, err
			}
			return op, nil
		}
		name, _ := lowerName(t.text)
		if sh, ok := shiftNames[name]; ok && startsAmount(c.peekAt(1)) {
			c.next()
			op := Operand{Kind: KindShift, Shift: sh}
			e, err := parseAmount(c)
			op.Amount = e
			return op, err
		}
		if name == "msl" && startsAmount(c.peekAt(1)) {
			c.next()
			op := Operand{Kind: KindShift, MSL: true}
			e, err := parseAmount(c)
			op.Amount = e
			return op, err
		}
		if ex, ok := extendNames[name]; ok {
			c.next()
			op := Operand{Kind: KindExtend, Extend: ex}
			if startsAmount(c.peek()) {
				e, err := parseAmount(c)
				op.Amount = e
				return op, err
			}
			return op, nil
		}
		e, err := c.parseExpr()
		if err != nil {
			return Operand{}, err
		}
		if e.kind == exprSym && !e.local {
			return Operand{Kind: KindName, Expr: e, Name: strings.ToLower(e.name)}, nil
		}
		return Operand{Kind: KindImm, Expr: e}, nil
	}
	e, err := c.parseExpr()
	if err != nil {
		return Operand{}, err
	}
	return Operand{Kind: KindImm, Expr: e}, nil
}

// startsAmount reports whether t can start the amount of a shift or
// extend: '#' or an expression.
func startsAmount(t token) bool {
	switch t.kind {
	case tokInt, tokIdent:
		return true
	case tokPunct:
		return t.text == "#" || t.text == "(" || t.text == "-" || t.text == "+" || t.text == "~"
	}
	return false
}

func parseAmount(c *cursor) (*Expr, error) {
	c.accept("#")
	return c.parseExpr()
}

// parseImmBody parses an immediate after its optional '#': a relocation
// operator ":lo12:" and an expression.
func parseImmBody(c *cursor, op *Operand) error {
	if c.peek().is(":") {
		colon := c.next()
		t := c.next()
		if t.kind != tokIdent {
			return errorAt(t.pos, "expected a relocation operator after ':' but found %s", t.describe())
		}
		if !c.accept(":") {
			return errorAt(c.peek().pos, "expected ':' after ':%s' but found %s", t.text, c.peek().describe())
		}
		name := strings.ToLower(t.text)
		r, ok := relocOpNames[name]
		if !ok {
			if what, ok := unsupportedRelocs[name]; ok {
				return errorAt(colon.pos, "relocation operator ':%s:' is not supported: kpemu's linker has no %s relocations (use adrp with :lo12:, or movz/movk with :abs_g0_nc:..:abs_g3:)", name, what)
			}
			return errorAt(colon.pos, "unknown relocation operator ':%s:'", name)
		}
		op.Reloc = r
	}
	e, err := c.parseExpr()
	op.Expr = e
	return err
}

// parseLane parses an optional lane index "[n]".
func parseLane(c *cursor) (int, error) {
	if !c.peek().is("[") {
		return -1, nil
	}
	c.next()
	t := c.next()
	if t.kind != tokInt {
		return -1, errorAt(t.pos, "expected a lane number after '[' but found %s", t.describe())
	}
	if t.val > 255 {
		return -1, errorAt(t.pos, "lane index %d is out of range", t.val)
	}
	if !c.accept("]") {
		return -1, errorAt(c.peek().pos, "expected ']' after the lane number but found %s", c.peek().describe())
	}
	return int(t.val), nil
}

func parseRegister(c *cursor) (Operand, bool) {
	t := c.peek()
	if t.kind != tokIdent || t.str != "" {
		return Operand{}, false
	}
	op, ok := parseRegName(t.text)
	if !ok {
		return Operand{}, false
	}
	c.next()
	op.Pos, op.Text = t.pos, t.text
	return op, true
}

func parseMem(c *cursor) (Operand, error) {
	open := c.next()
	t := c.peek()
	base, ok := parseRegister(c)
	if !ok || base.Kind != KindGPR {
		return Operand{}, errorAt(t.pos, "expected a base register after '[' but found %s", t.describe())
	}
	m := &Mem{Base: base, Mode: arm64.AddrOffset}
	op := Operand{Kind: KindMem, Mem: m}
	if c.accept(",") {
		if idx, ok := parseRegister(c); ok {
			if idx.Kind != KindGPR {
				return op, errorAt(idx.Pos, "expected an offset register (x0-x30, w0-w30, xzr, wzr) but found '%s'", idx.Text)
			}
			m.Index, m.Mode = &idx, arm64.AddrRegOffset
			if c.accept(",") {
				t := c.peek()
				ext, err := parseOperand(c)
				if err != nil {
					return op, err
				}
				if ext.Kind != KindShift && ext.Kind != KindExtend {
					return op, errorAt(t.pos, "expected an extend or shift (lsl, uxtw, sxtw, sxtx) but found '%s'", ext.Text)
				}
				m.Extend = &ext
			}
		} else {
			t := c.peek()
			off := Operand{Kind: KindImm}
			if c.accept("#") {
				off.Hash = true
			}
			if err := parseImmBody(c, &off); err != nil {
				return op, err
			}
			off.Pos, off.Text, off.Index = t.pos, c.textFrom(t), -1
			m.Offset = &off
		}
	}
	if !c.accept("]") {
		return op, errorAt(c.peek().pos, "expected ']' to close the '[' at column %d but found %s", open.pos.Col, c.peek().describe())
	}
	if c.peek().is("!") {
		bang := c.next()
		// `[xn]!` (no offset) is GNU as's and objdump's spelling of a
		// zero pre-index for LDRAA/LDRAB; the other instructions refuse a
		// pre-index without an offset themselves.
		if m.Mode != arm64.AddrOffset {
			return op, errorAt(bang.pos, "'!' (pre-index) needs an immediate offset: [xn, #imm]!")
		}
		m.Mode = arm64.AddrPreIndex
	}
	return op, nil
}

func parseList(c *cursor) (Operand, error) {
	open := c.next()
	t := c.peek()
	first, ok := parseRegister(c)
	if !ok || first.Kind != KindVector {
		return Operand{}, errorAt(t.pos, "expected a vector register after '{' but found %s", t.describe())
	}
	op := Operand{Kind: KindList, Num: first.Num, Arr: first.Arr, Count: 1, Index: -1}
	if c.accept("-") {
		t := c.peek()
		last, ok := parseRegister(c)
		if !ok || last.Kind != KindVector {
			return op, errorAt(t.pos, "expected the last vector register of the range after '-' but found %s", t.describe())
		}
		if last.Arr != first.Arr {
			return op, errorAt(last.Pos, "register list mixes arrangements: '%s' and '%s'", first.Text, last.Text)
		}
		op.Count = (last.Num-first.Num+32)%32 + 1
	} else {
		prev := first
		for c.accept(",") {
			t := c.peek()
			r, ok := parseRegister(c)
			if !ok || r.Kind != KindVector {
				return op, errorAt(t.pos, "expected a vector register in the list but found %s", t.describe())
			}
			if r.Arr != first.Arr {
				return op, errorAt(r.Pos, "register list mixes arrangements: '%s' and '%s'", first.Text, r.Text)
			}
			if r.Num != (prev.Num+1)%32 {
				return op, errorAt(r.Pos, "registers of a list must be consecutive: '%s' after '%s'", r.Text, prev.Text)
			}
			op.Count++
			prev = r
		}
	}
	if op.Count > 4 {
		return op, errorAt(open.pos, "a register list has at most 4 registers, this one has %d", op.Count)
	}
	if !c.accept("}") {
		return op, errorAt(c.peek().pos, "expected '}' to close the register list but found %s", c.peek().describe())
	}
	idx, err := parseLane(c)
	op.Index = idx
	return op, err
}
