package stepper

import (
	"fmt"
	"strconv"
	"strings"
)

// The address expressions of b, x, disas, probe and patch: a sum of
// terms, each a number (0x.. hex, else decimal), a symbol (kallsyms
// name, "mod:sym" for a module's), or a register ($pc, $sp, $lr, $fp,
// $x0..$x30, $w0..$w30), joined by + and -. "chain_a+0x10" and
// "$sp+16" are the usual forms.

// AddrError says why an address expression was refused, and where.
type AddrError struct {
	Expr string
	Pos  int // byte offset in Expr
	Msg  string
}

func (e *AddrError) Error() string {
	return fmt.Sprintf("bad address %q at column %d: %s", e.Expr, e.Pos+1, e.Msg)
}

// UnknownSymbolError is an expression naming no symbol.
type UnknownSymbolError struct{ Name string }

func (e *UnknownSymbolError) Error() string {
	return fmt.Sprintf("No symbol %q in current context.", e.Name)
}

// regValue reads a register named in an expression.
type regValue func(name string) (uint64, bool)

// symValue finds a symbol's address.
type symValue func(name string) (uint64, bool)

// parseAddrExpr evaluates an address expression.
func parseAddrExpr(expr string, reg regValue, sym symValue) (uint64, error) {
	var total uint64
	i := 0
	sign := uint64(1)
	expectTerm := true
	n := len(expr)
	for i < n {
		ch := expr[i]
		switch {
		case ch == ' ' || ch == '\t':
			i++
			continue
		case !expectTerm && (ch == '+' || ch == '-'):
			sign = 1
			if ch == '-' {
				sign = ^uint64(0) // -1: two's complement multiplication
			}
			expectTerm = true
			i++
			continue
		case !expectTerm:
			return 0, &AddrError{expr, i, "want + or - between terms"}
		}
		start := i
		var v uint64
		switch {
		case ch == '$':
			i++
			for i < n && isIdent(expr[i]) {
				i++
			}
			name := expr[start+1 : i]
			r, ok := reg(strings.ToLower(name))
			if !ok {
				return 0, &AddrError{expr, start, fmt.Sprintf("no register $%s", name)}
			}
			v = r
		case ch >= '0' && ch <= '9':
			for i < n && isIdent(expr[i]) {
				i++
			}
			num, err := strconv.ParseUint(expr[start:i], 0, 64)
			if err != nil {
				return 0, &AddrError{expr, start, fmt.Sprintf("bad number %q", expr[start:i])}
			}
			v = num
		case isIdentStart(ch):
			for i < n && (isIdent(expr[i]) || expr[i] == ':') {
				i++
			}
			name := expr[start:i]
			a, ok := sym(name)
			if !ok {
				return 0, &UnknownSymbolError{name}
			}
			v = a
		default:
			return 0, &AddrError{expr, i, fmt.Sprintf("unexpected %q", ch)}
		}
		total += sign * v
		expectTerm = false
	}
	if expectTerm {
		if n == 0 || strings.TrimSpace(expr) == "" {
			return 0, &AddrError{expr, 0, "empty expression"}
		}
		return 0, &AddrError{expr, n, "expression ends with an operator"}
	}
	return total, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdent(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// evalAddr evaluates an expression against the session's CPU and symbols.
func (s *Stepper) evalAddr(expr string) (uint64, error) {
	return parseAddrExpr(expr, s.regByName, func(name string) (uint64, bool) {
		sym, ok := s.syms.LookupName(name)
		return sym.Addr, ok
	})
}

// regByName reads a register for an expression ($pc, $x3, $w3, ...).
func (s *Stepper) regByName(name string) (uint64, bool) {
	c := s.cpu
	switch name {
	case "pc":
		return c.PC(), true
	case "sp":
		return c.SP(), true
	case "lr":
		return c.X(30), true
	case "fp":
		return c.X(29), true
	case "xzr", "wzr":
		return 0, true
	}
	if len(name) >= 2 && (name[0] == 'x' || name[0] == 'w') {
		n, err := strconv.Atoi(name[1:])
		if err != nil || n < 0 || n > 30 || name[1:] != strconv.Itoa(n) {
			return 0, false
		}
		v := c.X(n)
		if name[0] == 'w' {
			v = uint64(uint32(v))
		}
		return v, true
	}
	return 0, false
}

// symbolOffset splits "sym" or "sym+off" when sym is a name (not a
// number or register), as kprobe's symbol_name and offset; ok is false
// for other expressions.
func symbolOffset(expr string) (name string, off uint64, ok bool) {
	expr = strings.TrimSpace(expr)
	if expr == "" || !isIdentStart(expr[0]) {
		return "", 0, false
	}
	name, rest, hasOff := strings.Cut(expr, "+")
	name = strings.TrimSpace(name)
	for i := 0; i < len(name); i++ {
		if !isIdent(name[i]) && name[i] != ':' {
			return "", 0, false
		}
	}
	if !hasOff {
		return name, 0, true
	}
	off, err := strconv.ParseUint(strings.TrimSpace(rest), 0, 64)
	if err != nil {
		return "", 0, false
	}
	return name, off, true
}
