package asm

import (
	"encoding/binary"
	"errors"
	"sort"
	"strings"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// Handler assembles the instructions of one mnemonic: it checks the
// operands and returns the Inst that arm64.Encode turns into the word,
// with exactly the fields the decoder would give for that word (Decode
// and Encode are inverses, and the encoders reject fields an op does not
// use). A relocated field is left zero: the relocation fills it.
//
// Handlers must be pure apart from what they ask of the Ctx: they run in
// both passes, and a mnemonic may have several handlers of which only
// the successful one's requests (relocations, literal pool entries)
// count.
type Handler func(c *Ctx, ops []Operand) (arm64.Inst, error)

var handlers = map[string][]Handler{}

// register adds a handler for a mnemonic (case-insensitive). A mnemonic
// may have several handlers, typically from different classes ("mov" of
// general-purpose registers and "mov" of vector elements, "ldr" of X
// registers and of Q registers): they are tried in the order registered
// (file name order, then order within init) until one succeeds. When all
// fail, the error reported is the one found furthest into the statement,
// that is the handler that understood the most of it; on a tie, the
// first registered.
func register(mnemonic string, fn Handler) {
	m := strings.ToLower(mnemonic)
	handlers[m] = append(handlers[m], fn)
}

// Mnemonics returns the mnemonics that have a handler, sorted.
func Mnemonics() []string {
	out := make([]string, 0, len(handlers))
	for m := range handlers {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// Ctx is what a handler sees of the assembler while it assembles one
// instruction: where the instruction is, expression evaluation,
// relocations, literal pools, and helpers that check operands and phrase
// the errors.
type Ctx struct {
	a      *assembler
	st     *stmt
	sec    *section
	addr   uint64
	relocs []reloc
	lits   []*litEntry
	nlit   int
}

// Addr is the offset of the instruction in its section.
func (c *Ctx) Addr() uint64 { return c.addr }

// Mnemonic is the instruction's mnemonic in lower case.
func (c *Ctx) Mnemonic() string { return c.st.name }

// Pass is 1 while the assembler lays out the sections, 2 when it encodes.
// In pass 1 symbols defined further down are not known yet: Const, PCRel
// and Abs then return 0 and no error, and nothing a handler does matters
// except Literal. Handlers rarely need to know.
func (c *Ctx) Pass() int { return c.a.pass }

// Errorf returns an error at the operand.
func (c *Ctx) Errorf(o Operand, format string, args ...any) error {
	return errorAt(o.Pos, format, args...)
}

// Expected returns the error "expected <what> but found '<operand>'".
func (c *Ctx) Expected(o Operand, what string) error {
	return errorAt(o.Pos, "expected %s but found '%s'", what, o.Text)
}

// ErrorAtMnemonic returns an error about the instruction as a whole.
func (c *Ctx) ErrorAtMnemonic(format string, args ...any) error {
	return errorAt(c.st.pos, format, args...)
}

// Want checks the number of operands: between min and max.
func (c *Ctx) Want(ops []Operand, min, max int) error {
	if len(ops) < min {
		if min == max {
			return errorAt(c.st.pos, "'%s' takes %s but has %d", c.st.name, plural(min, "operand", "operands"), len(ops))
		}
		return errorAt(c.st.pos, "'%s' takes at least %s but has %d", c.st.name, plural(min, "operand", "operands"), len(ops))
	}
	if len(ops) > max && max == 0 {
		return errorAt(ops[0].Pos, "unexpected operand '%s': '%s' takes no operands", ops[0].Text, c.st.name)
	}
	if len(ops) > max {
		return errorAt(ops[max].Pos, "unexpected operand '%s': '%s' takes at most %s", ops[max].Text, c.st.name, plural(max, "operand", "operands"))
	}
	return nil
}

// fail1 hides errors of pass 1, where symbols defined later are unknown.
func (c *Ctx) fail1(err error) (int64, error) {
	if c.a.pass == 1 {
		return 0, nil
	}
	return 0, err
}

// Const evaluates an expression that must be a number.
func (c *Ctx) Const(e *Expr) (int64, error) {
	v, err := c.a.constValue(e, c.sec, c.addr)
	if err != nil {
		return c.fail1(err)
	}
	return v, nil
}

// PCRel evaluates a branch or literal target: it returns the offset from
// the instruction to a local label of the same section, or records a
// relocation of type typ against the symbol (a label of another section,
// a global or weak symbol, an undefined one) and returns 0, as GNU as
// does.
func (c *Ctx) PCRel(e *Expr, typ obj.RelocType) (int64, error) {
	v, err := c.a.eval(e, c.sec, c.addr)
	if err != nil {
		return c.fail1(err)
	}
	s, ok := v.single()
	if !ok {
		if v.isAbs() {
			return c.fail1(errorAt(e.pos, "expected a label but found the number %s (write a label, or '.+%s' for an offset from here)", e.text, e.text))
		}
		return c.fail1(errorAt(e.pos, "expected a label but found '%s', which is %s", e.text, v.describe()))
	}
	if s.sec == c.sec && !s.external() {
		return int64(s.off) + v.off - int64(c.addr), nil
	}
	return 0, c.addReloc(e, typ, s, v.off)
}

// Abs evaluates an expression that is a number, or an address that a
// relocation of type typ supplies (":lo12:sym", ":abs_g1:sym"): it
// returns the number, or records the relocation and returns 0. The
// handler applies the operator's arithmetic to a number itself (the low
// 12 bits, the 16-bit group).
func (c *Ctx) Abs(e *Expr, typ obj.RelocType) (int64, error) {
	v, err := c.a.eval(e, c.sec, c.addr)
	if err != nil {
		return c.fail1(err)
	}
	if v.isAbs() {
		return v.off, nil
	}
	s, ok := v.single()
	if !ok {
		return c.fail1(errorAt(e.pos, "expected a number or symbol+offset but found '%s', which is %s", e.text, v.describe()))
	}
	return 0, c.addReloc(e, typ, s, v.off)
}

// Reloc records a relocation of type typ for an address that is only
// known at link time even within the section (ADRP's page): the
// expression must be symbol+offset.
func (c *Ctx) Reloc(e *Expr, typ obj.RelocType) error {
	v, err := c.a.eval(e, c.sec, c.addr)
	if err != nil {
		_, err = c.fail1(err)
		return err
	}
	s, ok := v.single()
	if !ok {
		_, err := c.fail1(errorAt(e.pos, "expected a symbol (symbol+offset) but found '%s'", e.text))
		return err
	}
	return c.addReloc(e, typ, s, v.off)
}

func (c *Ctx) addReloc(e *Expr, typ obj.RelocType, s *symbol, addend int64) error {
	if c.a.pass == 1 {
		return nil
	}
	if !s.defined() && s.local() {
		return errorAt(e.pos, "'%s' is not defined", e.text)
	}
	c.relocs = append(c.relocs, reloc{sec: c.sec, off: c.addr, typ: typ, sym: s, addend: addend, pos: e.pos})
	return nil
}

// Literal places the value of a "=expr" operand in the section's literal
// pool, in an entry of size bytes (4, 8 or 16), and returns the offset
// from the instruction to the entry. The pool is emitted at the next
// .ltorg (.pool) or at the end of the section; equal values share an
// entry, as in GNU as.
func (c *Ctx) Literal(o Operand, size int) (int64, error) {
	if o.Kind != KindLiteral {
		return 0, c.Expected(o, "a literal (=value)")
	}
	if size != 4 && size != 8 && size != 16 {
		return 0, c.Errorf(o, "internal error: literal pool entry of %d bytes", size)
	}
	if c.a.pass == 1 {
		c.lits = append(c.lits, &litEntry{expr: o.Expr, size: size, pos: o.Pos})
		return 0, nil
	}
	k := c.nlit
	c.nlit++
	if k >= len(c.st.lits) || c.st.lits[k].size != size {
		return 0, c.Errorf(o, "internal error: the literal was not placed in a pool in pass 1")
	}
	return int64(c.st.lits[k].off) - int64(c.addr), nil
}

// instruction assembles one instruction statement.
func (a *assembler) instruction(st *stmt) {
	sec := a.cur
	if sec.exec() {
		if sec.off%4 != 0 {
			a.emitZeros(4 - sec.off%4)
		}
		if sec.align < 4 {
			sec.align = 4
		}
	}
	if a.pass == 1 {
		st.lits = nil
	}
	hs := handlers[st.name]
	switch {
	case st.bad:
	case sec.nobits:
		a.errs.errorf(st.pos, "instruction in the no-bits section %s", sec.name)
	case len(hs) == 0:
		a.errs.errorf(st.pos, "unknown instruction '%s'", st.name)
	default:
		if w, ok := a.assembleInsn(st, hs); ok {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], w)
			a.emit(b[:])
			return
		}
	}
	a.emitZeros(4)
}

// laterPos reports whether p is further into the statement than q.
func laterPos(p, q Pos) bool {
	return p.Line > q.Line || p.Line == q.Line && p.Col > q.Col
}

func (a *assembler) assembleInsn(st *stmt, hs []Handler) (uint32, bool) {
	var best *Error
	for _, h := range hs {
		c := &Ctx{a: a, st: st, sec: a.cur, addr: a.cur.off}
		in, err := c.call(h)
		if err != nil {
			e := asError(err, st.pos)
			if best == nil || laterPos(e.Pos, best.Pos) {
				best = e
			}
			continue
		}
		if a.pass == 1 {
			for _, l := range c.lits {
				st.lits = append(st.lits, a.poolEntry(a.cur, l, c.addr))
			}
			return 0, true
		}
		w, err := arm64.Encode(in)
		if err != nil {
			var ee *arm64.EncodeError
			if errors.As(err, &ee) {
				a.errs.errorf(st.pos, "cannot encode '%s' (%v): %s", st.text, ee.Op, ee.Reason)
			} else {
				a.errs.errorf(st.pos, "cannot encode '%s': %v", st.text, err)
			}
			return 0, false
		}
		for _, r := range c.relocs {
			if err := a.addReloc(r); err != nil {
				a.errs.add(asError(err, st.pos))
			}
		}
		if a.onInst != nil {
			a.onInst(st, in, w)
		}
		return w, true
	}
	if a.pass == 2 && best != nil {
		a.errs.add(best)
	}
	return 0, false
}

// call runs a handler; a panic in it (a bug, never the input's fault)
// becomes an error naming the statement instead of taking the program
// down.
func (c *Ctx) call(h Handler) (in arm64.Inst, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errorAt(c.st.pos, "internal error: the handler of '%s' failed on '%s': %v", c.st.name, c.st.text, r)
		}
	}()
	return h(c, c.st.ops)
}
