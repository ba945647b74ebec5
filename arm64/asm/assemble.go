package asm

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// Assemble assembles one source file in GNU as syntax into a relocatable
// object. name is the file name used in messages. On errors it returns
// nil and an ErrorList holding every error of the file.
func Assemble(name string, src []byte) (*obj.Object, error) {
	return newAssembler(name).assemble(src)
}

func (a *assembler) assemble(src []byte) (*obj.Object, error) {
	stmts := a.parseFile(src)
	for pass := 1; pass <= 2; pass++ {
		a.runPass(pass, stmts)
	}
	if err := a.errs.err(); err != nil {
		return nil, err
	}
	return a.object(), nil
}

type assembler struct {
	file string
	src  []byte
	errs errorSet
	pass int

	sections  []*section
	secByName map[string]*section
	cur       *section
	prev      *section      // the section before the last change, for .previous
	stack     [][2]*section // .pushsection: (current, previous)
	syms      map[string]*symbol
	symOrder  []*symbol // symbols in order of first mention
	relocs    []reloc   // pass 2
	ended     bool      // .end seen
	insnStmt  *stmt     // the statement being assembled, for messages

	// onInst, when set (by tests), sees each instruction of pass 2: its
	// statement, the Inst its handler returned and the word written.
	onInst func(st *stmt, in arm64.Inst, word uint32)
}

func newAssembler(name string) *assembler {
	a := &assembler{file: name, secByName: map[string]*section{}, syms: map[string]*symbol{}}
	return a
}

// section is one output section while assembling.
type section struct {
	name   string
	index  int
	flags  obj.SectionFlags
	nobits bool
	align  uint64
	off    uint64 // the location counter of the current pass
	data   []byte // pass 2 contents
	sym    *symbol
	size1  uint64 // size at the end of pass 1

	pool    *litPool   // pass 1: the entries waiting for the next flush
	pools   []*litPool // pass 1: the pools laid out, in order
	flushes int        // flushes of this pass so far (.ltorg and the end)
}

func (s *section) exec() bool { return s.flags&obj.SecExec != 0 }

// symbol is a name in the object: a label, an .equ/.set value, or an
// undefined reference.
type symbol struct {
	name      string
	sec       *section // defined as a label in this section (nil: not a label)
	off       uint64   // label offset
	equ       bool     // defined by .set/.equ/=: val holds the value
	val       value
	alias     *symbol // the label an .equ/.set value is based on
	defPos    Pos
	isSection bool // the section symbol of sec

	binding   obj.Binding // from .globl/.weak/.local
	kind      obj.SymbolKind
	size      uint64
	inReloc   bool // a relocation refers to it
	definedIn int  // pass in which the label or value was last set
	index     int  // output index
}

func (s *symbol) defined() bool { return s.sec != nil || s.equ }

// local reports whether the symbol stays out of the symbol table: .L
// names, numeric local labels and '.'.
func (s *symbol) local() bool {
	return strings.HasPrefix(s.name, ".L") || s.name == "."
}

// display names the symbol in messages: numeric local labels as written.
func (s *symbol) display() string {
	if i := strings.IndexByte(s.name, 2); i > 0 {
		return "local label " + s.name[2:i]
	}
	return s.name
}

// external reports whether references to the symbol must go through the
// symbol itself (a relocation against it) rather than its section:
// global and weak symbols may be preempted or resolved to another
// definition at link time, as GNU as assumes.
func (s *symbol) external() bool {
	return s.binding != obj.BindLocal || !s.defined()
}

type reloc struct {
	sec    *section
	off    uint64
	typ    obj.RelocType
	sym    *symbol
	addend int64
	pos    Pos
}

func (a *assembler) lookup(name string) *symbol {
	if s, ok := a.syms[name]; ok {
		return s
	}
	s := &symbol{name: name}
	a.syms[name] = s
	a.symOrder = append(a.symOrder, s)
	return s
}

// dotSymbol is a symbol standing for '.', location dot in sec.
func (a *assembler) dotSymbol(sec *section, dot uint64) *symbol {
	return &symbol{name: ".", sec: sec, off: dot}
}

// runPass runs the statements once. Pass 1 lays out the sections and
// defines the labels; pass 2 evaluates every expression, encodes and
// emits. Both passes make the same layout decisions, which pass 2
// checks.
func (a *assembler) runPass(pass int, stmts []*stmt) {
	a.pass = pass
	a.ended = false
	a.prev, a.stack = nil, nil
	for _, s := range a.sections {
		s.off = 0
		s.data = nil
		s.flushes = 0
	}
	a.relocs = nil
	a.cur = a.section(".text", "", "", Pos{})
	a.section(".data", "", "", Pos{})
	a.section(".bss", "", "", Pos{})
	a.cur = a.secByName[".text"]
	for _, st := range stmts {
		if a.ended {
			break
		}
		a.insnStmt = st
		a.runStmt(st)
	}
	a.insnStmt = nil
	for _, s := range a.sections {
		a.flushPool(s)
		if pass == 1 {
			s.size1 = s.off
		} else if s.off != s.size1 {
			a.errs.errorf(Pos{File: a.file}, "internal error: section %s is %d bytes in pass 2 but %d in pass 1", s.name, s.off, s.size1)
		}
	}
}

func (a *assembler) runStmt(st *stmt) {
	for _, l := range st.labels {
		a.defineLabel(l)
	}
	switch st.kind {
	case stmtInsn:
		a.instruction(st)
	case stmtDirective:
		a.directive(st)
	case stmtAssign:
		if st.name == "." {
			a.errs.errorf(st.pos, "assigning to '.' is not supported (use .skip or .align)")
			return
		}
		a.setSymbol(st.name, st.expr, st.pos, false)
	}
}

func (a *assembler) defineLabel(l labelDef) {
	s := a.lookup(l.name)
	if a.pass == 1 {
		if s.defined() {
			a.errs.errorf(l.pos, "symbol '%s' is already defined at line %d", l.display, s.defPos.Line)
			return
		}
		s.sec, s.off, s.defPos = a.cur, a.cur.off, l.pos
		return
	}
	if s.defPos != l.pos {
		return // the duplicate reported in pass 1
	}
	if s.sec != a.cur || s.off != a.cur.off {
		a.errs.errorf(l.pos, "internal error: label '%s' moved between passes (%s+%#x, then %s+%#x)",
			l.display, s.sec.name, s.off, a.cur.name, a.cur.off)
	}
}

// setSymbol runs .set/.equ/= (and .equiv when once): the value is
// evaluated here, so that '.' means this place, and kept with its symbols
// when they are not known yet.
func (a *assembler) setSymbol(name string, e *Expr, pos Pos, once bool) {
	s := a.lookup(name)
	if s.sec != nil || s.isSection {
		a.errs.errorf(pos, "symbol '%s' is already defined as a label at line %d", s.display(), s.defPos.Line)
		return
	}
	if once && s.equ && s.definedIn == a.pass && s.defPos != pos {
		a.errs.errorf(pos, "symbol '%s' is already defined at line %d", s.display(), s.defPos.Line)
		return
	}
	v, err := a.eval(e, a.cur, a.cur.off)
	if err != nil {
		if a.pass == 2 {
			a.errs.add(asError(err, pos))
		}
		return
	}
	s.alias = nil
	for i, t := range v.terms {
		if t.sym == s {
			a.errs.errorf(pos, "symbol '%s' is defined in terms of itself", s.display())
			return
		}
		// As in GNU as, a label in the value stands for its place: the
		// section and offset, not the label (whose binding does not
		// carry over). Its type and size do, unless set on s.
		if t.sym.sec != nil && !t.sym.isSection {
			if t.coeff == 1 && len(v.terms) == 1 {
				s.alias = t.sym
			}
			v.off += t.coeff * int64(t.sym.off)
			v.terms[i].sym = t.sym.sec.sym
		}
	}
	s.equ, s.val, s.defPos, s.definedIn = true, v, pos, a.pass
}

// emit appends bytes at the location counter of the current section.
func (a *assembler) emit(b []byte) {
	s := a.cur
	if a.pass == 2 {
		if s.nobits {
			for _, x := range b {
				if x != 0 {
					a.errs.errorf(a.stmtPos(), "non-zero data in the no-bits section %s", s.name)
					break
				}
			}
		} else {
			s.data = append(s.data, b...)
		}
	}
	s.off += uint64(len(b))
}

// emitZeros appends n zero bytes (n may be large: .skip, .bss).
func (a *assembler) emitZeros(n uint64) {
	s := a.cur
	if a.pass == 2 && !s.nobits {
		s.data = append(s.data, make([]byte, n)...)
	}
	s.off += n
}

// maxSectionSize bounds a section, so that a ".skip 1<<60" does not try
// to allocate the memory (a variable: the fuzz test lowers it).
var maxSectionSize uint64 = 1 << 28

func (a *assembler) stmtPos() Pos {
	if a.insnStmt != nil {
		return a.insnStmt.pos
	}
	return Pos{File: a.file}
}

// section finds or creates a section. flags and typ are the .section
// arguments ("" for the defaults of the name).
func (a *assembler) section(name, flags, typ string, pos Pos) *section {
	if s, ok := a.secByName[name]; ok {
		return s
	}
	s := &section{name: name, index: len(a.sections), align: 1}
	s.flags, s.nobits = defaultSectionFlags(name)
	if flags != "" || typ != "" {
		defNobits := s.nobits
		s.flags, s.nobits = 0, typ == "" && defNobits
		for _, f := range flags {
			switch f {
			case 'a':
				s.flags |= obj.SecAlloc
			case 'w':
				s.flags |= obj.SecWrite
			case 'x':
				s.flags |= obj.SecExec
			case 'M', 'S':
				// Mergeable data and strings: an optimisation the linker
				// may do; the contents are the same.
			default:
				a.errs.errorf(pos, "section flag '%c' is not supported (only a, w, x, M and S are)", f)
			}
		}
		switch typ {
		case "", "progbits", "note", "init_array", "fini_array", "preinit_array":
		case "nobits":
			s.nobits = true
		default:
			a.errs.errorf(pos, "section type '%s' is not supported (only progbits and nobits are)", typ)
		}
	}
	s.sym = &symbol{name: name, sec: s, isSection: true, kind: obj.SymSection}
	a.sections = append(a.sections, s)
	a.secByName[name] = s
	return s
}

// defaultSectionFlags are GNU as's flags for the special section names
// (gas/config/obj-elf.c, special_sections): a name or a name followed by
// '.' and a suffix.
func defaultSectionFlags(name string) (obj.SectionFlags, bool) {
	is := func(p string) bool { return name == p || strings.HasPrefix(name, p+".") }
	switch {
	case is(".text"), is(".init"), is(".fini"):
		return obj.SecAlloc | obj.SecExec, false
	case is(".bss"), is(".tbss"), is(".sbss"):
		return obj.SecAlloc | obj.SecWrite, true
	case is(".data"), is(".tdata"), is(".sdata"), is(".init_array"), is(".fini_array"), is(".preinit_array"):
		return obj.SecAlloc | obj.SecWrite, false
	case is(".rodata"):
		return obj.SecAlloc, false
	}
	return 0, false
}

func (a *assembler) switchSection(s *section) {
	if s != a.cur {
		a.prev = a.cur
		a.cur = s
	}
}

// alignTo pads the current section to a multiple of align bytes: with
// fill bytes when given, else with NOPs in code (after zero bytes up to a
// word boundary) and zeros elsewhere, as GNU as for AArch64 does. A
// padding longer than max (when max > 0) is not done.
func (a *assembler) alignTo(align uint64, fill []byte, max uint64) {
	s := a.cur
	pad := (align - s.off%align) % align
	if max > 0 && pad > max {
		return
	}
	if align > s.align {
		s.align = align
	}
	if pad == 0 {
		return
	}
	if a.pass == 1 || s.nobits {
		a.emitZeros(pad)
		return
	}
	b := make([]byte, pad)
	switch {
	case fill != nil:
		for i := range b {
			b[i] = fill[i%len(fill)]
		}
	case s.exec():
		i := 0
		for ; (s.off+uint64(i))%4 != 0 && i < len(b); i++ {
		}
		for ; i+4 <= len(b); i += 4 {
			binary.LittleEndian.PutUint32(b[i:], nopWord)
		}
	}
	a.emit(b)
}

// nopWord is NOP (Arm ARM C6.2, NOP: HINT #0).
const nopWord = 0xd503201f

// relocTarget chooses what a relocation refers to, as GNU as does: a
// local label through its section's symbol (the addend carries the
// offset), anything global, weak or undefined through itself.
func (a *assembler) relocTarget(s *symbol, addend int64) (*symbol, int64) {
	if s.sec != nil && !s.external() {
		return s.sec.sym, addend + int64(s.off)
	}
	return s, addend
}

// addReloc records a relocation in pass 2, checking that its symbol can
// be exported.
func (a *assembler) addReloc(r reloc) error {
	if !r.sym.defined() && r.sym.local() {
		return errorAt(r.pos, "'%s' is not defined", r.sym.display())
	}
	r.sym, r.addend = a.relocTarget(r.sym, r.addend)
	r.sym.inReloc = true
	a.relocs = append(a.relocs, r)
	return nil
}

// object builds the output from the state after pass 2.
func (a *assembler) object() *obj.Object {
	o := &obj.Object{Name: a.file}
	for _, s := range a.sections {
		os := &obj.Section{Name: s.name, Flags: s.flags, Align: s.align, Size: s.off}
		if !s.nobits {
			os.Data = s.data
			if os.Data == nil {
				os.Data = []byte{}
			}
		}
		o.Sections = append(o.Sections, os)
	}
	add := func(s *symbol, sym obj.Symbol) {
		s.index = len(o.Symbols)
		o.Symbols = append(o.Symbols, &sym)
	}
	for _, s := range a.sections {
		add(s.sym, obj.Symbol{Name: s.name, Section: s.index, Kind: obj.SymSection})
	}
	var globals []*symbol
	for _, s := range a.symOrder {
		if s.local() {
			continue
		}
		if s.binding != obj.BindLocal || !s.defined() {
			globals = append(globals, s)
			continue
		}
		if sym, ok := a.outSymbol(s); ok {
			add(s, sym)
		}
	}
	for _, s := range globals {
		if sym, ok := a.outSymbol(s); ok {
			add(s, sym)
		}
	}
	for _, r := range a.relocs {
		o.Relocs = append(o.Relocs, obj.Reloc{Section: r.sec.index, Offset: r.off, Type: r.typ, Symbol: r.sym.index, Addend: r.addend})
	}
	return o
}

// outSymbol makes the symbol table entry of s, or false when s has none:
// an undefined symbol nothing refers to, or a .set alias of an undefined
// symbol (references to it went to that symbol).
func (a *assembler) outSymbol(s *symbol) (obj.Symbol, bool) {
	sym := obj.Symbol{Name: s.name, Size: s.size, Kind: s.kind, Binding: s.binding}
	switch {
	case s.sec != nil:
		sym.Section, sym.Value = s.sec.index, s.off
	case s.equ:
		if l := s.alias; l != nil {
			if sym.Kind == obj.SymNoType {
				sym.Kind = l.kind
			}
			if sym.Size == 0 {
				sym.Size = l.size
			}
		}
		v := s.val
		if t, ok := v.single(); ok && t.sec != nil {
			sym.Section, sym.Value = t.sec.index, uint64(int64(t.off)+v.off)
		} else if v.isAbs() {
			sym.Section, sym.Value = obj.SectionAbs, uint64(v.off)
		} else {
			return sym, false
		}
	default:
		// GNU as lists an undefined symbol when something refers to it
		// or .globl declares it (not for a mere .weak).
		if !s.inReloc && s.binding != obj.BindGlobal {
			return sym, false
		}
		sym.Section = obj.SectionUndef
		if sym.Binding == obj.BindLocal {
			sym.Binding = obj.BindGlobal
		}
	}
	return sym, true
}

// put writes v as a little-endian value of size bytes.
func put(v uint64, size int) []byte {
	b := make([]byte, size)
	for i := 0; i < size && i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
	if size > 8 && int64(v) < 0 {
		for i := 8; i < size; i++ {
			b[i] = 0xff
		}
	}
	return b
}

// fits reports whether v fits in size bytes as a signed or an unsigned
// number.
func fits(v int64, size int) bool {
	if size >= 8 {
		return true
	}
	bits := uint(8 * size)
	return v >= -(1<<(bits-1)) && v < 1<<bits
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
