package asm

import (
	"fmt"
	"strconv"
	"strings"
)

// The lexer turns a source file into tokens, GNU as style for AArch64
// (GNU as manual, "Syntax" and "AArch64 Syntax"):
//
//   - statements end at a newline or ';' (a tokEOS token);
//   - comments: "//" to the end of the line, "/* ... */" (may span lines),
//     and '#' when it is the first non-blank character of a line (which
//     also swallows the "# 1 "file.c"" line markers of the C
//     preprocessor); elsewhere '#' is the immediate prefix;
//   - identifiers start with a letter, '_', '.' or '$' and continue with
//     those and digits, so "b.eq", "v0.16b" and ".L1" are single tokens;
//   - integers: 0x hex, 0b binary, 0 octal, decimal; "1b"/"1f" are
//     references to the numeric local label 1 backward/forward;
//   - strings in double quotes with C escapes; character constants 'c
//     (GNU as also accepts a closing quote: 'c').

type tokKind uint8

const (
	tokEOS      tokKind = iota // end of statement: newline, ';' or end of file
	tokIdent                   // name, mnemonic, directive, register
	tokInt                     // integer or character constant (val)
	tokString                  // string literal (str holds the decoded bytes)
	tokLocalRef                // numeric local label reference: val, text "1b"/"1f"
	tokFloat                   // decimal floating-point literal (fval), for FP immediates
	tokPunct                   // operator or punctuation (text)
)

type token struct {
	kind tokKind
	pos  Pos
	text string // the source text of the token
	val  uint64 // tokInt, tokLocalRef (the label number)
	str  string // tokString: the decoded contents
	fval float64
	off  int // byte offset of the token in the source
	end  int // byte offset just past it
}

func (t token) is(punct string) bool { return t.kind == tokPunct && t.text == punct }

// describe names a token in messages: "'#'", "end of line".
func (t token) describe() string {
	switch t.kind {
	case tokEOS:
		if t.text == ";" {
			return "';'"
		}
		return "end of line"
	case tokString:
		return "string " + t.text
	}
	return "'" + t.text + "'"
}

type lexer struct {
	file      string
	src       []byte
	i         int
	line      int
	lineStart int  // offset of the current line's first byte
	blank     bool // only blanks so far on the current line
	toks      []token
	errs      *errorSet
}

// lex splits src into tokens. Errors (a bad number, an unterminated
// string) are reported and the offending text skipped, so that the rest of
// the file is still checked.
func lex(file string, src []byte, errs *errorSet) []token {
	lx := &lexer{file: file, src: src, line: 1, blank: true, errs: errs}
	lx.run()
	return lx.toks
}

func (lx *lexer) pos(off int) Pos {
	return Pos{File: lx.file, Line: lx.line, Col: off - lx.lineStart + 1}
}

func (lx *lexer) emit(kind tokKind, start int) *token {
	lx.toks = append(lx.toks, token{kind: kind, pos: lx.pos(start), text: string(lx.src[start:lx.i]), off: start, end: lx.i})
	return &lx.toks[len(lx.toks)-1]
}

func (lx *lexer) errorf(off int, format string, args ...any) {
	lx.errs.errorf(lx.pos(off), format, args...)
}

func (lx *lexer) newline() {
	lx.line++
	lx.lineStart = lx.i
	lx.blank = true
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '$'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }
func isDigit(c byte) bool     { return c >= '0' && c <= '9' }

func (lx *lexer) peek(k int) byte {
	if lx.i+k < len(lx.src) {
		return lx.src[lx.i+k]
	}
	return 0
}

func (lx *lexer) run() {
	for lx.i < len(lx.src) {
		c := lx.src[lx.i]
		start := lx.i
		switch {
		case c == '\n':
			lx.i++
			lx.toks = append(lx.toks, token{kind: tokEOS, pos: lx.pos(start), text: "\n", off: start, end: lx.i})
			lx.newline()
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.i++
			continue
		case c == '#' && lx.blank:
			lx.skipLine()
			continue
		case c == '/' && lx.peek(1) == '/':
			lx.skipLine()
			continue
		case c == '/' && lx.peek(1) == '*':
			lx.blockComment()
			continue
		}
		lx.blank = false
		switch {
		case c == ';':
			lx.i++
			lx.emit(tokEOS, start)
		case isDigit(c):
			lx.number()
		case isIdentStart(c):
			for lx.i < len(lx.src) && isIdentChar(lx.src[lx.i]) {
				lx.i++
			}
			lx.emit(tokIdent, start)
		case c == '"':
			lx.stringLit()
		case c == '\'':
			lx.charLit()
		default:
			lx.punct()
		}
	}
	lx.toks = append(lx.toks, token{kind: tokEOS, pos: lx.pos(lx.i), text: "", off: lx.i, end: lx.i})
}

func (lx *lexer) skipLine() {
	for lx.i < len(lx.src) && lx.src[lx.i] != '\n' {
		lx.i++
	}
}

func (lx *lexer) blockComment() {
	start := lx.i
	startPos := lx.pos(start)
	lx.i += 2
	for lx.i < len(lx.src) {
		if lx.src[lx.i] == '*' && lx.peek(1) == '/' {
			lx.i += 2
			return
		}
		if lx.src[lx.i] == '\n' {
			lx.i++
			lx.newline()
			// The comment goes on: the new line has no statement yet,
			// but a '#' after the comment is not at its start.
			lx.blank = false
			continue
		}
		lx.i++
	}
	lx.errs.errorf(startPos, "unterminated /* comment")
}

var puncts2 = []string{"<<", ">>", "==", "!=", "<>", "<=", ">=", "&&", "||"}

func (lx *lexer) punct() {
	start := lx.i
	if lx.i+1 < len(lx.src) {
		two := string(lx.src[lx.i : lx.i+2])
		for _, p := range puncts2 {
			if two == p {
				lx.i += 2
				lx.emit(tokPunct, start)
				return
			}
		}
	}
	c := lx.src[lx.i]
	if strings.IndexByte("+-*/%&|^~!()[]{},:#=<>@", c) >= 0 {
		lx.i++
		lx.emit(tokPunct, start)
		return
	}
	lx.i++
	if c < 0x20 || c >= 0x7f {
		lx.errorf(start, "unexpected character %q", rune(c))
	} else {
		lx.errorf(start, "unexpected character '%c'", c)
	}
}

// number lexes an integer or a numeric local label reference (GNU as
// manual, "Integers" and "Local Labels").
func (lx *lexer) number() {
	start := lx.i
	src := lx.src
	// Local label references: decimal digits then 'b' or 'f', not
	// followed by an identifier character. "0b1" is binary, "0b" alone
	// the local label 0 backward, as in GNU as.
	j := lx.i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	if j < len(src) && (src[j] == 'b' || src[j] == 'f') && (j+1 >= len(src) || !isIdentChar(src[j+1])) {
		digits := string(src[start:j])
		if !(digits == "0" && src[j] == 'b' && j+1 < len(src) && (src[j+1] == '0' || src[j+1] == '1')) {
			lx.i = j + 1
			t := lx.emit(tokLocalRef, start)
			var n uint64
			for _, d := range digits {
				n = n*10 + uint64(d-'0')
				if n > 1<<31 {
					lx.errorf(start, "local label number %s is too large", digits)
					break
				}
			}
			t.val = n
			return
		}
	}

	// Floating-point literals (FMOV's immediates): digits '.' digits,
	// with an optional exponent.
	if j < len(src) && src[j] == '.' && j+1 < len(src) && isDigit(src[j+1]) {
		lx.float(start, j+1)
		return
	}

	base := uint64(10)
	digitsStart := lx.i
	if src[lx.i] == '0' && lx.i+1 < len(src) {
		switch src[lx.i+1] {
		case 'x', 'X':
			base, digitsStart = 16, lx.i+2
		case 'b', 'B':
			base, digitsStart = 2, lx.i+2
		default:
			if isDigit(src[lx.i+1]) {
				base, digitsStart = 8, lx.i+1
			}
		}
	}
	lx.i = digitsStart
	for lx.i < len(src) && isIdentChar(src[lx.i]) {
		lx.i++
	}
	t := lx.emit(tokInt, start)
	digits := src[digitsStart:lx.i]
	if len(digits) == 0 {
		lx.errorf(start, "invalid number '%s': no digits after the prefix", t.text)
		return
	}
	var v uint64
	for _, d := range digits {
		var dv uint64
		switch {
		case d >= '0' && d <= '9':
			dv = uint64(d - '0')
		case d >= 'a' && d <= 'f':
			dv = uint64(d-'a') + 10
		case d >= 'A' && d <= 'F':
			dv = uint64(d-'A') + 10
		default:
			dv = 99
		}
		if dv >= base {
			lx.errorf(start, "invalid number '%s'", t.text)
			return
		}
		hi := v * base
		if hi/base != v || hi+dv < hi {
			lx.errorf(start, "number '%s' does not fit in 64 bits", t.text)
			return
		}
		v = hi + dv
	}
	t.val = v
}

// float lexes a decimal floating-point literal whose fraction starts at
// i.
func (lx *lexer) float(start, i int) {
	src := lx.src
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
	}
	lx.i = i
	for lx.i < len(src) && isIdentChar(src[lx.i]) {
		lx.i++
	}
	t := lx.emit(tokFloat, start)
	if lx.i != i {
		lx.errorf(start, "invalid number '%s'", t.text)
		return
	}
	v, err := strconv.ParseFloat(t.text, 64)
	if err != nil {
		lx.errorf(start, "invalid floating-point number '%s'", t.text)
		return
	}
	t.fval = v
}

// escape decodes the C escape at src[i] (just past the backslash) and
// returns the byte and the offset after the escape (GNU as manual,
// "Strings").
func (lx *lexer) escape(i int) (byte, int, error) {
	src := lx.src
	if i >= len(src) {
		return 0, i, fmt.Errorf("unterminated escape")
	}
	c := src[i]
	switch c {
	case 'b':
		return '\b', i + 1, nil
	case 'f':
		return '\f', i + 1, nil
	case 'n':
		return '\n', i + 1, nil
	case 'r':
		return '\r', i + 1, nil
	case 't':
		return '\t', i + 1, nil
	case 'v':
		return '\v', i + 1, nil
	case 'a':
		return '\a', i + 1, nil
	case '\\', '"', '\'':
		return c, i + 1, nil
	case 'x', 'X':
		j := i + 1
		var v byte
		for j < len(src) && isHex(src[j]) {
			v = v<<4 | hexVal(src[j])
			j++
		}
		if j == i+1 {
			return 0, j, fmt.Errorf("\\x used with no following hex digits")
		}
		return v, j, nil
	}
	if c >= '0' && c <= '7' {
		j := i
		var v int
		for j < len(src) && j < i+3 && src[j] >= '0' && src[j] <= '7' {
			v = v*8 + int(src[j]-'0')
			j++
		}
		return byte(v), j, nil
	}
	if c == '\n' {
		return 0, i, fmt.Errorf("unterminated string")
	}
	return 0, i + 1, fmt.Errorf("unknown escape '\\%c'", c)
}

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func (lx *lexer) stringLit() {
	start := lx.i
	lx.i++
	var b strings.Builder
	for {
		if lx.i >= len(lx.src) || lx.src[lx.i] == '\n' {
			lx.errorf(start, "unterminated string")
			t := lx.emit(tokString, start)
			t.str = b.String()
			return
		}
		c := lx.src[lx.i]
		if c == '"' {
			lx.i++
			break
		}
		if c == '\\' {
			v, next, err := lx.escape(lx.i + 1)
			if err != nil {
				lx.errorf(lx.i, "%v in string", err)
			} else {
				b.WriteByte(v)
			}
			if next <= lx.i {
				next = lx.i + 1
			}
			lx.i = next
			continue
		}
		b.WriteByte(c)
		lx.i++
	}
	t := lx.emit(tokString, start)
	t.str = b.String()
}

// charLit lexes 'c, 'c' and '\n: an integer token with the character's
// value.
func (lx *lexer) charLit() {
	start := lx.i
	lx.i++
	if lx.i >= len(lx.src) || lx.src[lx.i] == '\n' {
		lx.emit(tokInt, start)
		lx.errorf(start, "character constant with no character")
		return
	}
	var v byte
	if lx.src[lx.i] == '\\' {
		c, next, err := lx.escape(lx.i + 1)
		if err != nil {
			lx.errorf(lx.i, "%v in character constant", err)
		}
		if next <= lx.i {
			next = lx.i + 1
		}
		v, lx.i = c, next
	} else {
		v = lx.src[lx.i]
		lx.i++
	}
	if lx.i < len(lx.src) && lx.src[lx.i] == '\'' {
		lx.i++
	}
	t := lx.emit(tokInt, start)
	t.val = uint64(v)
}
