package asm

import (
	"fmt"
	"strings"
)

// The parser cuts the token stream into statements (GNU as manual,
// "Statements"): any number of labels ("name:", "1:"), then a directive,
// an instruction or an assignment ("name = expr"), or nothing. Every
// statement is parsed once, before the passes: instructions into Operands,
// directives into their comma-separated arguments. Numeric local label
// references are resolved here, in source order: "1b" names the latest
// "1:" before it, "1f" the next one after it.

type stmtKind uint8

const (
	stmtEmpty     stmtKind = iota // labels only, or nothing
	stmtInsn                      // an instruction
	stmtDirective                 // a directive (name starts with '.')
	stmtAssign                    // name = expr
)

type stmt struct {
	kind   stmtKind
	pos    Pos    // the mnemonic, directive or assigned name
	endPos Pos    // the end of the statement
	name   string // mnemonic or directive in lower case; the symbol of an assignment
	labels []labelDef
	ops    []Operand // instruction operands
	bad    bool      // the operands did not parse (reported): the statement only takes its room
	args   []dirArg  // directive arguments
	expr   *Expr     // assignment value
	text   string    // the statement's source text, for messages

	lits   []*litEntry       // literal pool entries the instruction was given in pass 1
	layout map[Pos]layoutVal // pass 1 values of the layout arguments of a directive
}

type labelDef struct {
	name    string // symbol name (internal for numeric labels)
	display string // as written
	pos     Pos
}

// dirArg is one comma-separated argument of a directive, in every form a
// directive may want it: the raw text (section names, flags, type names),
// the decoded string when it is a string literal, or the expression.
type dirArg struct {
	pos     Pos
	text    string
	empty   bool
	isStr   bool
	str     string
	expr    *Expr
	exprErr error
}

// cursor walks the tokens of one statement; the last token is its tokEOS.
type cursor struct {
	toks  []token
	i     int
	src   []byte
	depth int // nesting of the expression being parsed
}

func (c *cursor) peek() token { return c.toks[c.i] }

func (c *cursor) peekAt(k int) token {
	if c.i+k < len(c.toks) {
		return c.toks[c.i+k]
	}
	return c.toks[len(c.toks)-1]
}

func (c *cursor) next() token {
	t := c.toks[c.i]
	if t.kind != tokEOS {
		c.i++
	}
	return t
}

func (c *cursor) atEnd() bool { return c.peek().kind == tokEOS }

// accept consumes the punctuation p if it is next.
func (c *cursor) accept(p string) bool {
	if c.peek().is(p) {
		c.next()
		return true
	}
	return false
}

// prevEnd is the source offset just past the last consumed token.
func (c *cursor) prevEnd() int {
	if c.i == 0 {
		return c.toks[0].off
	}
	return c.toks[c.i-1].end
}

// textFrom is the source text from token start up to the last consumed
// token.
func (c *cursor) textFrom(start token) string {
	end := c.prevEnd()
	if end <= start.off || end > len(c.src) {
		return ""
	}
	return strings.TrimSpace(string(c.src[start.off:end]))
}

// parseFile lexes and parses a whole source file.
func (a *assembler) parseFile(src []byte) []*stmt {
	toks := lex(a.file, src, &a.errs)
	a.src = src
	numLabels := map[uint64]int{}
	var stmts []*stmt
	for i := 0; i < len(toks); {
		j := i
		for toks[j].kind != tokEOS {
			j++
		}
		if st := a.parseStmt(toks[i:j+1], numLabels); st != nil {
			stmts = append(stmts, st)
			if st.kind == stmtDirective && st.name == ".end" {
				break // GNU as reads nothing after .end
			}
		}
		i = j + 1
	}
	return stmts
}

// numLabelName is the internal name of the n-th definition of the numeric
// local label num: it starts with ".L", so it never reaches the symbol
// table, and holds a byte no source name can.
func numLabelName(num uint64, n int) string { return fmt.Sprintf(".L%d\x02%d", num, n) }

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func (a *assembler) parseStmt(toks []token, numLabels map[uint64]int) *stmt {
	c := &cursor{toks: toks, src: a.src}
	st := &stmt{}
	last := toks[len(toks)-1]
	st.endPos = last.pos
	if len(toks) > 1 {
		st.text = strings.TrimSpace(string(a.src[toks[0].off:toks[len(toks)-2].end]))
	}
	for {
		t := c.peek()
		if t.kind == tokIdent && c.peekAt(1).is(":") {
			st.labels = append(st.labels, labelDef{name: t.text, display: t.text, pos: t.pos})
			c.next()
			c.next()
			continue
		}
		if t.kind == tokInt && isDecimal(t.text) && c.peekAt(1).is(":") {
			num := t.val
			numLabels[num]++
			st.labels = append(st.labels, labelDef{name: numLabelName(num, numLabels[num]), display: t.text, pos: t.pos})
			c.next()
			c.next()
			continue
		}
		break
	}
	// Resolve numeric local label references in the rest of the statement.
	for k := c.i; k < len(toks); k++ {
		if toks[k].kind == tokLocalRef {
			n := numLabels[toks[k].val]
			if strings.HasSuffix(toks[k].text, "f") {
				n++
			}
			toks[k].kind = tokIdent
			toks[k].str = numLabelName(toks[k].val, n)
		}
	}
	t := c.peek()
	switch {
	case t.kind == tokEOS:
		if len(st.labels) == 0 {
			return nil
		}
		st.pos = t.pos
		return st
	case t.kind == tokIdent && c.peekAt(1).is("="):
		st.kind, st.pos, st.name = stmtAssign, t.pos, t.text
		if t.str != "" {
			a.errs.errorf(t.pos, "cannot assign to the local label reference '%s'", t.text)
			return nil
		}
		c.next()
		c.next()
		e, err := c.parseExpr()
		if err != nil {
			a.errs.add(asError(err, t.pos))
			return nil
		}
		if !c.atEnd() {
			a.errs.errorf(c.peek().pos, "expected end of line after the expression but found %s", c.peek().describe())
			return nil
		}
		st.expr = e
		return st
	case t.kind == tokIdent && strings.HasPrefix(t.text, ".") && t.str == "":
		c.next()
		st.kind, st.pos, st.name = stmtDirective, t.pos, strings.ToLower(t.text)
		st.args = parseDirArgs(c, ignoredDirective(st.name))
		return st
	case t.kind == tokIdent && t.str == "":
		c.next()
		st.kind, st.pos, st.name = stmtInsn, t.pos, strings.ToLower(t.text)
		ops, err := parseOperands(c)
		if err != nil {
			a.errs.add(asError(err, t.pos))
			st.bad = true
		}
		st.ops = ops
		return st
	}
	a.errs.errorf(t.pos, "expected a label, a directive or an instruction but found %s", t.describe())
	if len(st.labels) > 0 {
		st.kind = stmtEmpty
		st.pos = t.pos
		return st
	}
	return nil
}

// asError turns any error into a positioned *Error.
func asError(err error, pos Pos) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Pos: pos, Msg: err.Error()}
}

// parseDirArgs splits a directive's arguments at the commas outside
// brackets. raw skips the expression parsing (the arguments of ignored
// directives may use any syntax).
func parseDirArgs(c *cursor, raw bool) []dirArg {
	if c.atEnd() {
		return nil
	}
	var args []dirArg
	for {
		start := c.i
		depth := 0
		for !c.atEnd() {
			t := c.peek()
			if t.kind == tokPunct {
				switch t.text {
				case "(", "[", "{":
					depth++
				case ")", "]", "}":
					depth--
				case ",":
					if depth <= 0 {
						goto done
					}
				}
			}
			c.next()
		}
	done:
		toks := c.toks[start:c.i]
		arg := dirArg{pos: c.toks[start].pos}
		if len(toks) == 0 {
			arg.empty = true
		} else {
			arg.text = strings.TrimSpace(string(c.src[toks[0].off:toks[len(toks)-1].end]))
			if len(toks) == 1 && toks[0].kind == tokString {
				arg.isStr, arg.str = true, toks[0].str
			}
			if !raw && !arg.isStr {
				last := toks[len(toks)-1]
				endPos := last.pos
				endPos.Col += last.end - last.off
				eos := token{kind: tokEOS, off: last.end, end: last.end, pos: endPos}
				sub := &cursor{toks: append(append([]token(nil), toks...), eos), src: c.src}
				e, err := sub.parseExpr()
				switch {
				case err != nil:
					arg.exprErr = err
				case !sub.atEnd():
					arg.exprErr = errorAt(sub.peek().pos, "expected ',' or end of line after the expression but found %s", sub.peek().describe())
				default:
					arg.expr = e
				}
			}
		}
		args = append(args, arg)
		if c.atEnd() {
			return args
		}
		c.next() // the comma
	}
}
