package asm

import (
	"fmt"
	"math"
	"strings"
)

// Expressions follow GNU as (GNU as manual, "Expressions"): integers,
// symbols, '.' (the current location), the prefix operators - ~ ! and the
// infix operators below, with GNU as's precedence, which is not C's (the
// ranks of gas/expr.c, highest first):
//
//	* / % << >>
//	| & ^
//	+ -
//	== != <> < <= > >=      (true is -1, false 0)
//	&&
//	||                      (true is 1, false 0)
//
// Arithmetic is on 64-bit two's complement values: / and % are signed and
// truncate toward zero, >> is a logical shift, as in GNU as.
//
// A value is an integer plus a sum of symbols with coefficients. Symbols
// of the same section cancel in differences ("end - start", ". - label"),
// so a value ends up absolute, relative to one symbol (symbol + addend:
// the assembler makes a relocation of it when it cannot resolve it), or,
// for data, "symbol - ." (a PC-relative relocation). Anything else where a
// number is needed is an error.

// Expr is a parsed expression. Instruction handlers do not look inside:
// they pass it to Ctx.Const, Ctx.PCRel or Ctx.Abs.
type Expr struct {
	kind  exprKind
	pos   Pos
	text  string // the source text, for messages
	op    string
	val   int64
	fval  float64
	name  string // exprSym: the symbol (internal name for numeric local labels)
	x, y  *Expr
	local bool // exprSym: a numeric local label reference (1b, 1f)
}

type exprKind uint8

const (
	exprInt exprKind = iota
	exprFloat
	exprSym
	exprDot
	exprUnary
	exprBinary
)

// Pos is where the expression starts.
func (e *Expr) Pos() Pos { return e.pos }

// String is the expression as written.
func (e *Expr) String() string { return e.text }

// Symbol returns the name of a lone symbol ("foo" in "b foo"), and false
// for any other expression.
func (e *Expr) Symbol() (string, bool) {
	if e != nil && e.kind == exprSym && !e.local {
		return e.name, true
	}
	return "", false
}

// IsFloat reports whether the expression is a floating-point literal,
// possibly negated ("1.5", "-0.25"): the immediates of FMOV.
func (e *Expr) IsFloat() bool {
	_, ok := e.Float()
	return ok
}

// Float returns the value of a floating-point literal, possibly negated.
func (e *Expr) Float() (float64, bool) {
	switch {
	case e == nil:
		return 0, false
	case e.kind == exprFloat:
		return e.fval, true
	case e.kind == exprUnary && e.op == "-":
		v, ok := e.x.Float()
		return -v, ok
	case e.kind == exprUnary && e.op == "+":
		return e.x.Float()
	}
	return 0, false
}

// Binary operator ranks, from gas/expr.c's op_rank: a higher rank binds
// tighter.
var binaryRank = map[string]int{
	"||": 1,
	"&&": 2,
	"==": 3, "!=": 3, "<>": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
	"+": 4, "-": 4,
	"|": 5, "&": 5, "^": 5,
	"*": 6, "/": 6, "%": 6, "<<": 6, ">>": 6,
}

// parseExpr parses an expression at the cursor. It stops at the first
// token that cannot continue the expression (',', ']', '!', end of
// statement), which the caller then checks.
func (c *cursor) parseExpr() (*Expr, error) {
	start := c.peek()
	e, err := c.parseBinary(1)
	if err != nil {
		return nil, err
	}
	c.setText(e, start)
	return e, nil
}

func (c *cursor) setText(e *Expr, start token) {
	end := c.prevEnd()
	if end > start.off && end <= len(c.src) {
		e.text = strings.TrimSpace(string(c.src[start.off:end]))
	}
}

// maxParseDepth bounds the nesting of parentheses and prefix operators.
const maxParseDepth = 200

func (c *cursor) parseBinary(minRank int) (*Expr, error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxParseDepth {
		return nil, errorAt(c.peek().pos, "expression is nested too deeply")
	}
	x, err := c.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		t := c.peek()
		if t.kind != tokPunct {
			return x, nil
		}
		rank, ok := binaryRank[t.text]
		if !ok || rank < minRank {
			return x, nil
		}
		c.next()
		y, err := c.parseBinary(rank + 1)
		if err != nil {
			return nil, err
		}
		x = &Expr{kind: exprBinary, pos: x.pos, op: t.text, x: x, y: y}
	}
}

func (c *cursor) parseUnary() (*Expr, error) {
	t := c.peek()
	if t.kind == tokPunct && (t.text == "-" || t.text == "+" || t.text == "~" || t.text == "!") {
		c.next()
		c.depth++
		defer func() { c.depth-- }()
		if c.depth > maxParseDepth {
			return nil, errorAt(t.pos, "expression is nested too deeply")
		}
		x, err := c.parseUnary()
		if err != nil {
			return nil, err
		}
		e := &Expr{kind: exprUnary, pos: t.pos, op: t.text, x: x}
		c.setText(e, t)
		return e, nil
	}
	return c.parsePrimary()
}

func (c *cursor) parsePrimary() (*Expr, error) {
	t := c.peek()
	switch t.kind {
	case tokInt:
		c.next()
		return &Expr{kind: exprInt, pos: t.pos, text: t.text, val: int64(t.val)}, nil
	case tokFloat:
		c.next()
		return &Expr{kind: exprFloat, pos: t.pos, text: t.text, fval: t.fval}, nil
	case tokIdent:
		c.next()
		if t.text == "." {
			return &Expr{kind: exprDot, pos: t.pos, text: "."}, nil
		}
		name := t.text
		if t.str != "" { // a numeric local label resolved by the parser
			name = t.str
		}
		return &Expr{kind: exprSym, pos: t.pos, text: t.text, name: name, local: t.str != ""}, nil
	case tokPunct:
		if t.text == "(" {
			c.next()
			e, err := c.parseBinary(1)
			if err != nil {
				return nil, err
			}
			if !c.peek().is(")") {
				return nil, errorAt(c.peek().pos, "expected ')' to close the '(' at column %d but found %s", t.pos.Col, c.peek().describe())
			}
			c.next()
			c.setText(e, t)
			return e, nil
		}
	}
	return nil, errorAt(t.pos, "expected an expression but found %s", t.describe())
}

// A value is the result of evaluating an expression: off plus the sum of
// the terms (symbol times coefficient).
type value struct {
	off   int64
	terms []term
}

type term struct {
	sym   *symbol
	coeff int64
}

func (v value) isAbs() bool { return len(v.terms) == 0 }

// single returns the symbol of a value "symbol + addend".
func (v value) single() (*symbol, bool) {
	if len(v.terms) == 1 && v.terms[0].coeff == 1 {
		return v.terms[0].sym, true
	}
	return nil, false
}

func (v value) clone() value {
	return value{off: v.off, terms: append([]term(nil), v.terms...)}
}

func (v value) scale(k int64) value {
	out := value{off: v.off * k}
	for _, t := range v.terms {
		out.terms = append(out.terms, term{t.sym, t.coeff * k})
	}
	return out
}

// maxTerms bounds the symbols of one expression: no relocation takes
// more than two, and the bound keeps simplify cheap.
const maxTerms = 32

func addValues(x, y value) (value, error) {
	out := value{off: x.off + y.off}
	out.terms = append(append(out.terms, x.terms...), y.terms...)
	out = out.simplify()
	if len(out.terms) > maxTerms {
		return value{}, fmt.Errorf("expression has more than %d symbols", maxTerms)
	}
	return out, nil
}

// simplify merges the terms of a symbol and cancels the symbols of a
// section whose coefficients add up to zero: their difference is a known
// number ("end - start" is absolute even when both are global, as in GNU
// as).
func (v value) simplify() value {
	var merged []term
	for _, t := range v.terms {
		found := false
		for i := range merged {
			if merged[i].sym == t.sym {
				merged[i].coeff += t.coeff
				found = true
				break
			}
		}
		if !found {
			merged = append(merged, t)
		}
	}
	net := map[*section]int64{}
	for _, t := range merged {
		if t.sym.sec != nil {
			net[t.sym.sec] += t.coeff
		}
	}
	out := value{off: v.off}
	for _, t := range merged {
		switch {
		case t.coeff == 0:
		case t.sym.sec != nil && net[t.sym.sec] == 0:
			out.off += t.coeff * int64(t.sym.off)
		default:
			out.terms = append(out.terms, t)
		}
	}
	return out
}

// describe writes a non-absolute value for messages: "foo+8", "a-b".
func (v value) describe() string {
	var b strings.Builder
	for i, t := range v.terms {
		switch {
		case t.coeff == 1 && i > 0:
			b.WriteString("+")
		case t.coeff == -1:
			b.WriteString("-")
		case t.coeff != 1:
			fmt.Fprintf(&b, "%+d*", t.coeff)
		}
		b.WriteString(t.sym.display())
	}
	if v.off != 0 || len(v.terms) == 0 {
		fmt.Fprintf(&b, "%+d", v.off)
	}
	return b.String()
}

// maxEvalDepth bounds the depth of an expression tree ("1+1+...+1" is
// as deep as it is long), so that no input can exhaust the stack.
const maxEvalDepth = 10000

// eval evaluates e at location dot of section sec.
func (a *assembler) eval(e *Expr, sec *section, dot uint64) (value, error) {
	return a.evalDepth(e, sec, dot, 0)
}

func (a *assembler) evalDepth(e *Expr, sec *section, dot uint64, depth int) (value, error) {
	if e == nil {
		return value{}, errorAt(Pos{File: a.file}, "missing expression")
	}
	if depth > maxEvalDepth {
		return value{}, errorAt(e.pos, "expression is nested too deeply")
	}
	switch e.kind {
	case exprInt:
		return value{off: e.val}, nil
	case exprFloat:
		return value{}, errorAt(e.pos, "expected an integer but found the floating-point number %s", e.text)
	case exprDot:
		return value{terms: []term{{a.dotSymbol(sec, dot), 1}}}, nil
	case exprSym:
		s := a.lookup(e.name)
		if s.equ {
			return s.val.clone(), nil
		}
		return value{terms: []term{{s, 1}}}, nil
	case exprUnary:
		x, err := a.evalDepth(e.x, sec, dot, depth+1)
		if err != nil {
			return value{}, err
		}
		switch e.op {
		case "+":
			return x, nil
		case "-":
			return x.scale(-1).simplify(), nil
		}
		if !x.isAbs() {
			return value{}, errorAt(e.pos, "operator '%s' needs an absolute value, but %s is relative to a symbol", e.op, e.x.text)
		}
		if e.op == "~" {
			return value{off: ^x.off}, nil
		}
		return value{off: boolVal(x.off == 0, 1)}, nil
	case exprBinary:
		x, err := a.evalDepth(e.x, sec, dot, depth+1)
		if err != nil {
			return value{}, err
		}
		y, err := a.evalDepth(e.y, sec, dot, depth+1)
		if err != nil {
			return value{}, err
		}
		switch e.op {
		case "+", "-":
			if e.op == "-" {
				y = y.scale(-1)
			}
			v, err := addValues(x, y)
			if err != nil {
				return value{}, errorAt(e.pos, "%v", err)
			}
			return v, nil
		}
		if !x.isAbs() || !y.isAbs() {
			bad := e.x
			if x.isAbs() {
				bad = e.y
			}
			return value{}, errorAt(bad.pos, "operator '%s' needs absolute values, but %s is relative to a symbol", e.op, bad.text)
		}
		r, err := binaryOp(e, x.off, y.off)
		return value{off: r}, err
	}
	return value{}, errorAt(e.pos, "bad expression")
}

func boolVal(b bool, t int64) int64 {
	if b {
		return t
	}
	return 0
}

func binaryOp(e *Expr, x, y int64) (int64, error) {
	switch e.op {
	case "*":
		return x * y, nil
	case "/", "%":
		if y == 0 {
			return 0, errorAt(e.y.pos, "division by zero")
		}
		if x == math.MinInt64 && y == -1 {
			if e.op == "/" {
				return x, nil
			}
			return 0, nil
		}
		if e.op == "/" {
			return x / y, nil
		}
		return x % y, nil
	case "<<":
		if uint64(y) >= 64 {
			return 0, nil
		}
		return x << uint64(y), nil
	case ">>":
		if uint64(y) >= 64 {
			return 0, nil
		}
		return int64(uint64(x) >> uint64(y)), nil
	case "|":
		return x | y, nil
	case "&":
		return x & y, nil
	case "^":
		return x ^ y, nil
	case "==":
		return boolVal(x == y, -1), nil
	case "!=", "<>":
		return boolVal(x != y, -1), nil
	case "<":
		return boolVal(x < y, -1), nil
	case "<=":
		return boolVal(x <= y, -1), nil
	case ">":
		return boolVal(x > y, -1), nil
	case ">=":
		return boolVal(x >= y, -1), nil
	case "&&":
		return boolVal(x != 0 && y != 0, 1), nil
	case "||":
		return boolVal(x != 0 || y != 0, 1), nil
	}
	return 0, errorAt(e.pos, "unknown operator '%s'", e.op)
}

// constValue evaluates e and requires an absolute result.
func (a *assembler) constValue(e *Expr, sec *section, dot uint64) (int64, error) {
	v, err := a.eval(e, sec, dot)
	if err != nil {
		return 0, err
	}
	if !v.isAbs() {
		return 0, a.notConstant(e, v)
	}
	return v.off, nil
}

// notConstant explains why a value is not a number: an undefined symbol,
// a label whose address is only known at link time, or a combination of
// symbols no relocation can express.
func (a *assembler) notConstant(e *Expr, v value) error {
	for _, t := range v.terms {
		if !t.sym.defined() {
			if a.pass == 1 {
				return errorAt(e.pos, "expected a constant but '%s' is not defined yet", t.sym.display())
			}
			return errorAt(e.pos, "expected a constant but '%s' is not defined", t.sym.display())
		}
	}
	return errorAt(e.pos, "expected a constant but '%s' is an address (%s)", e.text, v.describe())
}
