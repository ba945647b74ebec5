package asm

import (
	"strings"

	"github.com/kpemu/kpemu/arm64/obj"
)

// Directives, as GNU as for AArch64 ELF has them (GNU as manual,
// "Assembler Directives" and "AArch64 Machine Directives"). Each runs in
// both passes: the layout ones (data sizes, alignment, .skip) must give
// the same answer in both, so their counts must be constants known in
// pass 1; the values they emit are evaluated in pass 2.

type directiveFunc func(a *assembler, st *stmt)

var directives map[string]directiveFunc

// ignoredDirectives are accepted and do nothing: debug information and
// metadata that compilers emit and kpemu has no use for.
var ignoredDirectives = map[string]bool{
	".file": true, ".ident": true, ".loc": true, ".loc_mark_labels": true,
	".addrsig": true, ".addrsig_sym": true, ".gnu_attribute": true,
	".variant_pcs": true,
}

func ignoredDirective(name string) bool {
	return ignoredDirectives[name] || strings.HasPrefix(name, ".cfi_")
}

// unsupportedDirectives are GNU as directives kpemu's assembler does not
// implement, with a word on why, so that the error says more than
// "unknown".
var unsupportedDirectives = map[string]string{
	".macro": "macros", ".endm": "macros", ".rept": "repetition", ".irp": "repetition", ".irpc": "repetition",
	".endr": "repetition", ".if": "conditional assembly", ".ifdef": "conditional assembly",
	".ifndef": "conditional assembly", ".else": "conditional assembly", ".elseif": "conditional assembly",
	".endif": "conditional assembly", ".include": "include files", ".incbin": "include files",
	".comm": "common symbols", ".lcomm": "common symbols", ".org": "setting the location counter",
	".subsection": "subsections", ".tls_common": "TLS", ".symver": "symbol versions",
	".float": "floating-point data", ".double": "floating-point data", ".single": "floating-point data",
	".uleb128": "LEB128 data", ".sleb128": "LEB128 data", ".reloc": "explicit relocations",
}

func init() {
	data := func(size int) directiveFunc { return func(a *assembler, st *stmt) { a.dataDirective(st, size) } }
	str := func(zero bool) directiveFunc { return func(a *assembler, st *stmt) { a.stringDirective(st, zero) } }
	sec := func(name string) directiveFunc { return func(a *assembler, st *stmt) { a.simpleSection(st, name) } }
	bind := func(b obj.Binding) directiveFunc { return func(a *assembler, st *stmt) { a.bindDirective(st, b) } }
	align := func(pow bool, fillSize int) directiveFunc {
		return func(a *assembler, st *stmt) { a.alignDirective(st, pow, fillSize) }
	}
	directives = map[string]directiveFunc{
		".text": sec(".text"), ".data": sec(".data"), ".bss": sec(".bss"),
		// GNU as has no .rodata directive; kpemu accepts it as
		// ".section .rodata".
		".rodata":      sec(".rodata"),
		".section":     (*assembler).sectionDirective,
		".pushsection": (*assembler).sectionDirective,
		".popsection":  (*assembler).popSection,
		".previous":    (*assembler).previousSection,

		".globl": bind(obj.BindGlobal), ".global": bind(obj.BindGlobal),
		".weak": bind(obj.BindWeak), ".local": bind(obj.BindLocal),
		// Symbol visibility is an ELF detail the object model does not
		// keep: the names are checked and the directive has no effect.
		".hidden": (*assembler).visibility, ".protected": (*assembler).visibility, ".internal": (*assembler).visibility,
		".type": (*assembler).typeDirective,
		".size": (*assembler).sizeDirective,
		".equ":  func(a *assembler, st *stmt) { a.setDirective(st, false) },
		".set":  func(a *assembler, st *stmt) { a.setDirective(st, false) },
		".equiv": func(a *assembler, st *stmt) {
			a.setDirective(st, true)
		},

		".byte":  data(1),
		".hword": data(2), ".short": data(2), ".2byte": data(2),
		".word": data(4), ".long": data(4), ".int": data(4), ".4byte": data(4),
		".quad": data(8), ".xword": data(8), ".dword": data(8), ".8byte": data(8),
		".ascii": str(false), ".asciz": str(true), ".string": str(true),
		".zero": (*assembler).zeroDirective,
		".skip": (*assembler).skipDirective, ".space": (*assembler).skipDirective,
		".fill": (*assembler).fillDirective,

		// On AArch64 ELF, .align takes a power of two, as .p2align does.
		".align": align(true, 1), ".p2align": align(true, 1), ".p2alignw": align(true, 2), ".p2alignl": align(true, 4),
		".balign": align(false, 1), ".balignw": align(false, 2), ".balignl": align(false, 4),

		".ltorg": (*assembler).ltorg, ".pool": (*assembler).ltorg,
		".inst": (*assembler).instDirective,

		// kpemu's assembler accepts every instruction it knows whatever
		// the architecture selected: these are checked for having an
		// argument and otherwise accepted.
		".arch": (*assembler).archDirective, ".cpu": (*assembler).archDirective, ".arch_extension": (*assembler).archDirective,

		".end": func(a *assembler, st *stmt) { a.ended = true },
	}
}

func (a *assembler) directive(st *stmt) {
	if ignoredDirective(st.name) {
		return
	}
	if f, ok := directives[st.name]; ok {
		f(a, st)
		return
	}
	if what, ok := unsupportedDirectives[st.name]; ok {
		a.errs.errorf(st.pos, "directive '%s' is not supported (kpemu's assembler has no %s)", st.name, what)
		return
	}
	a.errs.errorf(st.pos, "unknown directive '%s'", st.name)
}

// wantArgs checks the number of arguments.
func (a *assembler) wantArgs(st *stmt, min, max int) bool {
	n := len(st.args)
	switch {
	case n < min && min == max:
		a.errs.errorf(st.pos, "'%s' takes %s but has %d", st.name, plural(min, "argument", "arguments"), n)
	case n < min:
		a.errs.errorf(st.pos, "'%s' takes at least %s but has %d", st.name, plural(min, "argument", "arguments"), n)
	case max >= 0 && n > max:
		a.errs.errorf(st.args[max].pos, "unexpected argument '%s': '%s' takes at most %s", st.args[max].text, st.name, plural(max, "argument", "arguments"))
	default:
		return true
	}
	return false
}

// argExpr returns an argument's expression, reporting why it has none.
func (a *assembler) argExpr(st *stmt, arg dirArg) (*Expr, bool) {
	switch {
	case arg.empty:
		a.errs.errorf(arg.pos, "expected an expression but the argument of '%s' is empty", st.name)
	case arg.isStr:
		a.errs.errorf(arg.pos, "expected an expression but found the string %s", arg.text)
	case arg.exprErr != nil:
		a.errs.add(asError(arg.exprErr, arg.pos))
	default:
		return arg.expr, true
	}
	return nil, false
}

// argSymbol returns an argument that must be a symbol name.
func (a *assembler) argSymbol(st *stmt, arg dirArg) (string, bool) {
	if arg.expr != nil {
		if name, ok := arg.expr.Symbol(); ok {
			return name, true
		}
	}
	a.errs.errorf(arg.pos, "expected a symbol name but found '%s'", arg.text)
	return "", false
}

// layoutConst evaluates a count that decides the layout (.skip, .align):
// it must be a number known where it is written. Pass 2 reuses the value
// of pass 1, so that a symbol defined further down, unknown in pass 1,
// cannot change the layout in pass 2.
func (a *assembler) layoutConst(st *stmt, arg dirArg) (int64, bool) {
	if a.pass == 2 {
		if r, ok := st.layout[arg.pos]; ok {
			return r.v, r.ok
		}
	}
	v, ok := a.layoutConstEval(st, arg)
	if a.pass == 1 {
		if st.layout == nil {
			st.layout = map[Pos]layoutVal{}
		}
		st.layout[arg.pos] = layoutVal{v, ok}
	}
	return v, ok
}

type layoutVal struct {
	v  int64
	ok bool
}

func (a *assembler) layoutConstEval(st *stmt, arg dirArg) (int64, bool) {
	e, ok := a.argExpr(st, arg)
	if !ok {
		return 0, false
	}
	v, err := a.eval(e, a.cur, a.cur.off)
	if err == nil && !v.isAbs() {
		err = a.notConstant(e, v)
		if a.pass == 1 {
			for _, t := range v.terms {
				if !t.sym.defined() {
					err = errorAt(e.pos, "'%s' must be a constant known here, but '%s' is only defined further down", e.text, t.sym.display())
				}
			}
		}
	}
	if err != nil {
		a.errs.add(asError(err, arg.pos))
		return 0, false
	}
	return v.off, true
}

// byteArg evaluates an optional fill value.
func (a *assembler) byteArg(st *stmt, arg dirArg, size int) ([]byte, bool) {
	if arg.empty {
		return nil, true
	}
	v, ok := a.layoutConst(st, arg)
	if !ok {
		return nil, false
	}
	if !fits(v, size) {
		a.errs.errorf(arg.pos, "fill value %d does not fit in %s", v, plural(size, "byte", "bytes"))
		return nil, false
	}
	return put(uint64(v), size), true
}

func (a *assembler) simpleSection(st *stmt, name string) {
	if len(st.args) > 0 {
		a.errs.errorf(st.args[0].pos, "subsections are not supported: '%s' takes no argument", st.name)
	}
	a.switchSection(a.section(name, "", "", st.pos))
}

// sectionDirective: .section NAME[, "FLAGS"[, @TYPE[, ENTSIZE]]] and
// .pushsection with the same arguments.
func (a *assembler) sectionDirective(st *stmt) {
	if !a.wantArgs(st, 1, 4) {
		return
	}
	name := st.args[0].text
	if st.args[0].isStr {
		name = st.args[0].str
	}
	if name == "" {
		a.errs.errorf(st.args[0].pos, "expected a section name")
		return
	}
	var flags, typ string
	if len(st.args) > 1 {
		f := st.args[1]
		if !f.isStr {
			a.errs.errorf(f.pos, "expected the section flags as a string (\"ax\") but found '%s'", f.text)
			return
		}
		flags = f.str
		if flags == "" {
			flags = "-" // given but empty: no flags, not the defaults of the name
		}
	}
	if len(st.args) > 2 {
		t := st.args[2].text
		if !strings.HasPrefix(t, "@") && !strings.HasPrefix(t, "%") {
			a.errs.errorf(st.args[2].pos, "expected a section type (@progbits, @nobits) but found '%s'", t)
			return
		}
		typ = strings.TrimSpace(t[1:])
	}
	if flags == "-" {
		flags = ""
		if typ == "" {
			typ = "progbits"
		}
	}
	s := a.section(name, flags, typ, st.pos)
	if st.name == ".pushsection" {
		a.stack = append(a.stack, [2]*section{a.cur, a.prev})
	}
	a.switchSection(s)
}

func (a *assembler) popSection(st *stmt) {
	a.wantArgs(st, 0, 0)
	if len(a.stack) == 0 {
		a.errs.errorf(st.pos, ".popsection without a .pushsection")
		return
	}
	top := a.stack[len(a.stack)-1]
	a.stack = a.stack[:len(a.stack)-1]
	a.cur, a.prev = top[0], top[1]
}

func (a *assembler) previousSection(st *stmt) {
	a.wantArgs(st, 0, 0)
	if a.prev == nil {
		return
	}
	a.cur, a.prev = a.prev, a.cur
}

func (a *assembler) ltorg(st *stmt) {
	a.wantArgs(st, 0, 0)
	a.flushPool(a.cur)
}

func (a *assembler) bindDirective(st *stmt, b obj.Binding) {
	if !a.wantArgs(st, 1, -1) {
		return
	}
	for _, arg := range st.args {
		if name, ok := a.argSymbol(st, arg); ok {
			a.lookup(name).binding = b
		}
	}
}

func (a *assembler) visibility(st *stmt) {
	if !a.wantArgs(st, 1, -1) {
		return
	}
	for _, arg := range st.args {
		a.argSymbol(st, arg)
	}
}

var symbolTypes = map[string]obj.SymbolKind{
	"function": obj.SymFunc, "stt_func": obj.SymFunc,
	"object": obj.SymObject, "stt_object": obj.SymObject,
	"notype": obj.SymNoType, "stt_notype": obj.SymNoType,
}

// typeDirective: .type SYM, %function (also @function, "function",
// STT_FUNC; object, notype).
func (a *assembler) typeDirective(st *stmt) {
	if !a.wantArgs(st, 2, 2) {
		return
	}
	name, ok := a.argSymbol(st, st.args[0])
	if !ok {
		return
	}
	t := st.args[1].text
	if st.args[1].isStr {
		t = st.args[1].str
	}
	t = strings.TrimLeft(t, "@%")
	k, ok := symbolTypes[strings.ToLower(strings.TrimSpace(t))]
	if !ok {
		a.errs.errorf(st.args[1].pos, "symbol type '%s' is not supported (use %%function, %%object or %%notype)", st.args[1].text)
		return
	}
	a.lookup(name).kind = k
}

// sizeDirective: .size SYM, EXPR, evaluated here (".-sym" is the size of
// what lies between the label and the directive).
func (a *assembler) sizeDirective(st *stmt) {
	if !a.wantArgs(st, 2, 2) {
		return
	}
	name, ok := a.argSymbol(st, st.args[0])
	if !ok {
		return
	}
	e, ok := a.argExpr(st, st.args[1])
	if !ok || a.pass == 1 {
		return
	}
	v, err := a.constValue(e, a.cur, a.cur.off)
	if err != nil {
		a.errs.add(asError(err, st.args[1].pos))
		return
	}
	if v < 0 {
		a.errs.errorf(st.args[1].pos, "size of '%s' is negative (%d)", name, v)
		return
	}
	a.lookup(name).size = uint64(v)
}

func (a *assembler) setDirective(st *stmt, once bool) {
	if !a.wantArgs(st, 2, 2) {
		return
	}
	name, ok := a.argSymbol(st, st.args[0])
	if !ok {
		return
	}
	e, ok := a.argExpr(st, st.args[1])
	if !ok {
		return
	}
	if name == "." {
		a.errs.errorf(st.pos, "assigning to '.' is not supported (use .skip or .align)")
		return
	}
	a.setSymbol(name, e, st.pos, once)
}

func (a *assembler) dataDirective(st *stmt, size int) {
	if !a.wantArgs(st, 1, -1) {
		return
	}
	for _, arg := range st.args {
		e, ok := a.argExpr(st, arg)
		if !ok {
			a.emitZeros(uint64(size))
			continue
		}
		a.data(e, size, arg.pos)
	}
}

// data emits one value of size bytes: a number, or a relocation when it
// is an address (ABS64/32/16 for symbol+addend, PREL64/32/16 for
// "symbol - ." and other differences with a symbol of this section).
func (a *assembler) data(e *Expr, size int, pos Pos) {
	if a.pass == 1 {
		a.emitZeros(uint64(size))
		return
	}
	sec, dot := a.cur, a.cur.off
	v, err := a.eval(e, sec, dot)
	if err != nil {
		a.errs.add(asError(err, pos))
		a.emitZeros(uint64(size))
		return
	}
	if v.isAbs() {
		if !fits(v.off, size) {
			a.errs.errorf(pos, "value %#x of '%s' does not fit in %s", v.off, e.text, plural(size, "byte", "bytes"))
		}
		a.emit(put(uint64(v.off), size))
		return
	}
	defer a.emitZeros(uint64(size))
	abs := map[int]obj.RelocType{8: obj.R_AARCH64_ABS64, 4: obj.R_AARCH64_ABS32, 2: obj.R_AARCH64_ABS16}
	prel := map[int]obj.RelocType{8: obj.R_AARCH64_PREL64, 4: obj.R_AARCH64_PREL32, 2: obj.R_AARCH64_PREL16}
	var r reloc
	if s, ok := v.single(); ok {
		r = reloc{sym: s, addend: v.off, typ: abs[size]}
	} else if len(v.terms) == 2 && v.terms[0].coeff*v.terms[1].coeff == -1 && (v.terms[0].coeff == 1 || v.terms[1].coeff == 1) {
		plus, minus := v.terms[0].sym, v.terms[1].sym
		if v.terms[0].coeff == -1 {
			plus, minus = minus, plus
		}
		if minus.sec != sec {
			a.errs.errorf(pos, "'%s' cannot be expressed by a relocation: '%s' is not in section %s", e.text, minus.display(), sec.name)
			return
		}
		// PREL: S + A - P, with P this place: A = off + P - minus.
		r = reloc{sym: plus, addend: v.off + int64(dot) - int64(minus.off), typ: prel[size]}
	} else {
		a.errs.errorf(pos, "'%s' cannot be expressed by a relocation (it is %s)", e.text, v.describe())
		return
	}
	if r.typ == 0 {
		a.errs.errorf(pos, "'%s' is an address, which does not fit in %s", e.text, plural(size, "byte", "bytes"))
		return
	}
	if sec.nobits {
		a.errs.errorf(pos, "relocation in the no-bits section %s", sec.name)
		return
	}
	r.sec, r.off, r.pos = sec, dot, pos
	if err := a.addReloc(r); err != nil {
		a.errs.add(asError(err, pos))
	}
}

func (a *assembler) stringDirective(st *stmt, zero bool) {
	if !a.wantArgs(st, 1, -1) {
		return
	}
	for _, arg := range st.args {
		if !arg.isStr {
			a.errs.errorf(arg.pos, "expected a string but found '%s'", arg.text)
			continue
		}
		b := []byte(arg.str)
		if zero {
			b = append(b, 0)
		}
		a.emit(b)
	}
}

// count evaluates a byte count of .zero/.skip/.fill: a constant, not
// negative, and not absurdly large.
func (a *assembler) count(st *stmt, arg dirArg) (uint64, bool) {
	n, ok := a.layoutConst(st, arg)
	if !ok {
		return 0, false
	}
	if n < 0 {
		a.errs.errorf(arg.pos, "'%s' needs a count of at least 0, not %d", st.name, n)
		return 0, false
	}
	if uint64(n)+a.cur.off > maxSectionSize {
		a.errs.errorf(arg.pos, "'%s' of %d bytes makes section %s larger than %d bytes", st.name, n, a.cur.name, maxSectionSize)
		return 0, false
	}
	return uint64(n), true
}

func (a *assembler) zeroDirective(st *stmt) {
	if !a.wantArgs(st, 1, 1) {
		return
	}
	if n, ok := a.count(st, st.args[0]); ok {
		a.emitZeros(n)
	}
}

// skipDirective: .skip SIZE[, FILL] (.space).
func (a *assembler) skipDirective(st *stmt) {
	if !a.wantArgs(st, 1, 2) {
		return
	}
	n, ok := a.count(st, st.args[0])
	if !ok {
		return
	}
	var fill []byte
	if len(st.args) == 2 {
		if fill, ok = a.byteArg(st, st.args[1], 1); !ok {
			fill = nil
		}
	}
	if fill == nil || fill[0] == 0 || a.pass == 1 {
		a.emitZeros(n)
		return
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = fill[0]
	}
	a.emit(b)
}

// fillDirective: .fill REPEAT[, SIZE[, VALUE]]: REPEAT copies of SIZE
// bytes (at most 8) holding VALUE, whose upper 4 bytes are zero (GNU as
// manual, ".fill").
func (a *assembler) fillDirective(st *stmt) {
	if !a.wantArgs(st, 1, 3) {
		return
	}
	n, ok := a.count(st, st.args[0])
	if !ok {
		return
	}
	size, value := int64(1), int64(0)
	if len(st.args) > 1 && !st.args[1].empty {
		if size, ok = a.layoutConst(st, st.args[1]); !ok {
			return
		}
		if size < 0 || size > 8 {
			a.errs.errorf(st.args[1].pos, ".fill size %d is out of range 0 to 8", size)
			return
		}
	}
	if len(st.args) > 2 {
		if value, ok = a.layoutConst(st, st.args[2]); !ok {
			return
		}
	}
	if n*uint64(size)+a.cur.off > maxSectionSize {
		a.errs.errorf(st.pos, ".fill makes section %s larger than %d bytes", a.cur.name, maxSectionSize)
		return
	}
	one := put(uint64(uint32(value)), int(size))
	b := make([]byte, 0, n*uint64(size))
	for i := uint64(0); i < n; i++ {
		b = append(b, one...)
	}
	a.emit(b)
}

// maxAlign bounds alignments (2^16: the kernel's largest are page-sized).
const maxAlign = 1 << 16

// alignDirective: .align/.p2align POW[, FILL[, MAX]] and .balign
// BYTES[, FILL[, MAX]]; the w and l forms take a 2- or 4-byte fill.
func (a *assembler) alignDirective(st *stmt, pow bool, fillSize int) {
	if !a.wantArgs(st, 1, 3) {
		return
	}
	n, ok := a.layoutConst(st, st.args[0])
	if !ok {
		return
	}
	var align uint64
	if pow {
		if n < 0 || n > 16 {
			a.errs.errorf(st.args[0].pos, "alignment 2^%d is out of range 2^0 to 2^16", n)
			return
		}
		align = 1 << n
	} else {
		if n <= 0 || n > maxAlign || n&(n-1) != 0 {
			a.errs.errorf(st.args[0].pos, "alignment %d is not a power of two from 1 to %d", n, maxAlign)
			return
		}
		align = uint64(n)
	}
	var fill []byte
	if len(st.args) > 1 {
		if fill, ok = a.byteArg(st, st.args[1], fillSize); !ok {
			return
		}
	}
	var max uint64
	if len(st.args) > 2 && !st.args[2].empty {
		m, ok := a.layoutConst(st, st.args[2])
		if !ok {
			return
		}
		if m < 0 {
			a.errs.errorf(st.args[2].pos, "maximum padding %d is negative", m)
			return
		}
		if m == 0 {
			m = -1 // GNU as: a maximum of 0 means none
		}
		max = uint64(m)
	}
	pad := (align - a.cur.off%align) % align
	if len(fill) > 1 && pad%uint64(len(fill)) != 0 && (max == 0 || pad <= max) {
		a.errs.errorf(st.pos, "alignment padding (%d bytes) is not a multiple of the %d-byte fill", pad, len(fill))
		return
	}
	a.alignTo(align, fill, max)
}

// instDirective: .inst WORD[, WORD...]: instruction words, aligned as
// instructions are.
func (a *assembler) instDirective(st *stmt) {
	if !a.wantArgs(st, 1, -1) {
		return
	}
	if a.cur.exec() && a.cur.off%4 != 0 {
		a.emitZeros(4 - a.cur.off%4)
	}
	for _, arg := range st.args {
		e, ok := a.argExpr(st, arg)
		if !ok || a.pass == 1 {
			a.emitZeros(4)
			continue
		}
		v, err := a.constValue(e, a.cur, a.cur.off)
		if err != nil {
			a.errs.add(asError(err, arg.pos))
		} else if !fits(v, 4) {
			a.errs.errorf(arg.pos, "instruction word %#x does not fit in 32 bits", v)
		}
		a.emit(put(uint64(v), 4))
	}
}

func (a *assembler) archDirective(st *stmt) {
	if !a.wantArgs(st, 1, 1) {
		return
	}
	if st.args[0].text == "" {
		a.errs.errorf(st.pos, "'%s' needs a name", st.name)
	}
}
