package asm

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/obj"
)

// gasOnlySections are what GNU as adds that kpemu does not produce: the
// debug information of .file/.loc, the unwind tables of .cfi_*, and its
// version string.
func gasOnlySection(name string) bool {
	return strings.HasPrefix(name, ".debug_") || name == ".eh_frame" || name == ".comment"
}

// compareWithGAS assembles src both ways and compares every section
// kpemu produces, the symbols and the relocations.
func compareWithGAS(t *testing.T, name, src string) *obj.Object {
	t.Helper()
	g, msgs := runGAS(t, src)
	require.NotNil(t, g, "GNU as rejects %s: %s", name, msgs)
	o, err := Assemble(name, []byte(src))
	require.NoError(t, err)
	ours := ourObj(o)
	for sec, gs := range g.sections {
		if gasOnlySection(sec) {
			continue
		}
		os, ok := ours.sections[sec]
		if !assert.True(t, ok, "section %s missing", sec) {
			continue
		}
		assert.Equal(t, gs.size, os.size, "size of %s", sec)
		assert.Equal(t, gs.flags, os.flags, "flags of %s", sec)
		assert.Equal(t, gs.align, os.align, "alignment of %s", sec)
		assert.Equal(t, gs.data, os.data, "contents of %s", sec)
	}
	for sec := range ours.sections {
		assert.Contains(t, g.sections, sec, "GNU as has no section %s", sec)
	}
	var gasRelocs []string
	for _, r := range g.relocs {
		if !gasOnlySection(r[:strings.IndexByte(r, '+')]) {
			gasRelocs = append(gasRelocs, r)
		}
	}
	assert.Equal(t, gasRelocs, ours.relocs, "relocations")
	assert.Equal(t, g.symbols, ours.symbols, "symbols")
	return o
}

func TestDirectivesMatchGNUAs(t *testing.T) {
	gasPath(t)
	src, err := os.ReadFile("testdata/directives.s")
	require.NoError(t, err)
	o := compareWithGAS(t, "directives.s", string(src))
	// The file's last lines follow .end: nothing of them is assembled.
	assert.NotContains(t, string(src[strings.Index(string(src), ".end"):]), ";")
	require.NotNil(t, o)
}

// asmOK assembles src, which must have no errors.
func asmOK(t *testing.T, src string) *obj.Object {
	t.Helper()
	o, err := Assemble("t.s", []byte(src))
	require.NoError(t, err, "source:\n%s", src)
	return o
}

func findSection(t *testing.T, o *obj.Object, name string) *obj.Section {
	t.Helper()
	for _, s := range o.Sections {
		if s.Name == name {
			return s
		}
	}
	require.FailNow(t, "no section "+name)
	return nil
}

func findSymbol(t *testing.T, o *obj.Object, name string) *obj.Symbol {
	t.Helper()
	for _, s := range o.Symbols {
		if s.Name == name && s.Kind != obj.SymSection {
			return s
		}
	}
	require.FailNow(t, "no symbol "+name)
	return nil
}

func words(b []byte) []uint32 {
	var out []uint32
	for i := 0; i+4 <= len(b); i += 4 {
		out = append(out, binary.LittleEndian.Uint32(b[i:]))
	}
	return out
}

// TestDirectives checks each directive on its own: the bytes, the
// symbols and the layout it gives.
func TestDirectives(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		sec       string
		want      []byte
	}{
		{"byte", ".data\n.byte 1, -1, 255, 'a', 0x7f", ".data", []byte{1, 0xff, 0xff, 'a', 0x7f}},
		{"hword", ".data\n.hword 0x1234\n.short -2\n.2byte 3", ".data", []byte{0x34, 0x12, 0xfe, 0xff, 3, 0}},
		{"word", ".data\n.word 0x12345678\n.long -1\n.int 2\n.4byte 3", ".data",
			[]byte{0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 3, 0, 0, 0}},
		{"quad", ".data\n.quad 0x0102030405060708\n.xword -1\n.dword 0\n.8byte 1", ".data", append(append(append(
			[]byte{8, 7, 6, 5, 4, 3, 2, 1}, make8(0xff)...), make8(0)...), 1, 0, 0, 0, 0, 0, 0, 0)},
		{"ascii", ".data\n.ascii \"ab\", \"c\\n\"", ".data", []byte("abc\n")},
		{"asciz", ".data\n.asciz \"a\", \"\"\n.string \"b\"", ".data", []byte("a\x00\x00b\x00")},
		{"escapes", ".data\n.ascii \"\\x41\\101\\t\\\\\\\"\\0\\b\\f\\r\"", ".data", []byte("AA\t\\\"\x00\b\f\r")},
		{"zero", ".data\n.zero 3", ".data", []byte{0, 0, 0}},
		{"skip fill", ".data\n.skip 2, 0xaa\n.space 1", ".data", []byte{0xaa, 0xaa, 0}},
		{"fill", ".data\n.fill 2, 2, 0x0102", ".data", []byte{2, 1, 2, 1}},
		{"fill default", ".data\n.fill 3", ".data", []byte{0, 0, 0}},
		{"fill 8", ".data\n.fill 1, 8, -1", ".data", []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}},
		{"align data zeros", ".data\n.byte 1\n.align 2\n.byte 2", ".data", []byte{1, 0, 0, 0, 2}},
		{"balign fill", ".data\n.byte 1\n.balign 4, 0xee\n.byte 2", ".data", []byte{1, 0xee, 0xee, 0xee, 2}},
		{"p2align max skips", ".data\n.byte 1\n.p2align 3,,3\n.byte 2", ".data", []byte{1, 2}},
		{"p2align max pads", ".data\n.byte 1\n.p2align 2,,3\n.byte 2", ".data", []byte{1, 0, 0, 0, 2}},
		{"p2alignw", ".data\n.hword 1\n.p2alignw 3, 0x1234\n", ".data", []byte{1, 0, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12}},
		{"align code nops", ".text\n.byte 1\n.align 3\n", ".text", []byte{1, 0, 0, 0, 0x1f, 0x20, 0x03, 0xd5}},
		{"inst", ".text\n.inst 0xd503201f, 0x12345678", ".text", []byte{0x1f, 0x20, 0x03, 0xd5, 0x78, 0x56, 0x34, 0x12}},
		{"inst aligns in code", ".text\n.byte 9\n.inst 1", ".text", []byte{9, 0, 0, 0, 1, 0, 0, 0}},
		{"insn aligns in code", ".text\n.byte 9\nnop", ".text", []byte{9, 0, 0, 0, 0x1f, 0x20, 0x03, 0xd5}},
		{"insn does not align in data", ".data\n.byte 9\nnop", ".data", []byte{9, 0x1f, 0x20, 0x03, 0xd5}},
		{"equ set assign", ".data\nA = 3\n.equ B, A * 2\n.set C, B + 1\n.equiv D, C + 1\n.byte A, B, C, D", ".data", []byte{3, 6, 7, 8}},
		{"set redefined", ".data\n.set X, 1\n.byte X\n.set X, 2\n.byte X", ".data", []byte{1, 2}},
		{"equ forward", ".data\n.byte LATER\n.equ LATER, 5", ".data", []byte{5}},
		{"label differences", ".data\na: .byte b - a, c - b\nb: .skip 3\nc: .byte . - a", ".data", []byte{2, 3, 0, 0, 0, 5}},
		{"dot in set", ".data\na: .byte 0\nhere = .\n.byte 7\n.byte here - a", ".data", []byte{0, 7, 1}},
		{"skip label diff", ".data\na: .byte 1\nb: .skip b - a + 1, 7", ".data", []byte{1, 7, 7}},
		{"end stops", ".data\n.byte 1\n.end\n.byte 2\nthis is junk", ".data", []byte{1}},
		{"ignored", ".data\n.file \"x\"\n.ident \"y\"\n.cfi_startproc\n.cfi_def_cfa_offset 16\n.loc 1 2 3\n.addrsig\n.byte 4", ".data", []byte{4}},
		{"arch", ".arch armv8.2-a+crypto\n.arch_extension crc\n.cpu cortex-a53\n.data\n.byte 5", ".data", []byte{5}},
		{"previous", ".data\n.byte 1\n.text\n.previous\n.byte 2", ".data", []byte{1, 2}},
		{"pushsection", ".data\n.byte 1\n.pushsection .text\nnop\n.popsection\n.byte 2", ".data", []byte{1, 2}},
		{"rodata", ".rodata\n.byte 6", ".rodata", []byte{6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := asmOK(t, tc.src)
			s := findSection(t, o, tc.sec)
			if tc.want != nil {
				assert.Equal(t, tc.want, s.Data)
			}
			assert.Equal(t, uint64(len(s.Data)), s.Size)
		})
	}
}

func make8(b byte) []byte {
	out := make([]byte, 8)
	for i := range out {
		out[i] = b
	}
	return out
}

const sectionsSrc = `
	.section .text.hot
	nop
	.section .rodata.cst8, "aM", @progbits, 8
	.quad 1
	.section .bss.x
	.zero 4
	.section .mine, "aw", @nobits
	.skip 8
	.section .plain
	.byte 1
	.section .init_array, "aw"
	.quad 0
	.section .note.GNU-stack, "", @progbits
`

func TestSectionFlagsAndTypes(t *testing.T) {
	o := asmOK(t, sectionsSrc)
	for _, tc := range []struct {
		name   string
		flags  obj.SectionFlags
		nobits bool
		size   uint64
		align  uint64
	}{
		{".text", obj.SecAlloc | obj.SecExec, false, 0, 1},
		{".data", obj.SecAlloc | obj.SecWrite, false, 0, 1},
		{".bss", obj.SecAlloc | obj.SecWrite, true, 0, 1},
		{".text.hot", obj.SecAlloc | obj.SecExec, false, 4, 4},
		{".rodata.cst8", obj.SecAlloc, false, 8, 1},
		{".bss.x", obj.SecAlloc | obj.SecWrite, true, 4, 1},
		{".mine", obj.SecAlloc | obj.SecWrite, true, 8, 1},
		{".plain", 0, false, 1, 1},
		{".init_array", obj.SecAlloc | obj.SecWrite, false, 8, 1},
		{".note.GNU-stack", 0, false, 0, 1},
	} {
		s := findSection(t, o, tc.name)
		assert.Equal(t, tc.flags, s.Flags, tc.name)
		assert.Equal(t, tc.nobits, s.Data == nil, "%s: no bits", tc.name)
		assert.Equal(t, tc.size, s.Size, tc.name)
		assert.Equal(t, tc.align, s.Align, tc.name)
	}
}

const symbolsSrc = `
	.text
	.globl f
	.type f, %function
f:	nop
	nop
	.size f, .-f
	.weak w
	.type w, @function
w:	ret
	.local l
	.type l, STT_OBJECT
l:	nop
	.size l, 4
.Lhidden:
	nop
	.globl undefined_but_global
	.weak undefined_weak, referenced_weak
	.data
	.type obj, "object"
obj:	.quad 0
	.size obj, 8
	.equ ABS, 0x1234
	.globl ABS
	.set ALIAS, obj + 4
	.quad referenced_weak
`

func TestSymbolAttributesMatchGNUAs(t *testing.T) {
	gasPath(t)
	compareWithGAS(t, "symbols.s", symbolsSrc)
	compareWithGAS(t, "sections.s", sectionsSrc)
}

func TestSymbolAttributes(t *testing.T) {
	o := asmOK(t, symbolsSrc)
	for _, tc := range []struct {
		name    string
		sec     int
		value   uint64
		size    uint64
		kind    obj.SymbolKind
		binding obj.Binding
	}{
		{"f", 0, 0, 8, obj.SymFunc, obj.BindGlobal},
		{"w", 0, 8, 0, obj.SymFunc, obj.BindWeak},
		{"l", 0, 12, 4, obj.SymObject, obj.BindLocal},
		{"obj", 1, 0, 8, obj.SymObject, obj.BindLocal},
		{"ABS", obj.SectionAbs, 0x1234, 0, obj.SymNoType, obj.BindGlobal},
		{"ALIAS", 1, 4, 8, obj.SymObject, obj.BindLocal}, // type and size of obj, as GNU as gives
		{"undefined_but_global", obj.SectionUndef, 0, 0, obj.SymNoType, obj.BindGlobal},
		{"referenced_weak", obj.SectionUndef, 0, 0, obj.SymNoType, obj.BindWeak},
	} {
		s := findSymbol(t, o, tc.name)
		assert.Equal(t, tc.sec, s.Section, tc.name)
		assert.Equal(t, tc.value, s.Value, tc.name)
		assert.Equal(t, tc.size, s.Size, tc.name)
		assert.Equal(t, tc.kind, s.Kind, tc.name)
		assert.Equal(t, tc.binding, s.Binding, tc.name)
	}
	for _, s := range o.Symbols {
		assert.NotEqual(t, ".Lhidden", s.Name, ".L symbols stay out of the table")
		assert.NotEqual(t, "undefined_weak", s.Name, "an unreferenced .weak symbol stays out, as in GNU as")
	}
	// Locals come before globals, as ELF requires.
	seenGlobal := false
	for _, s := range o.Symbols {
		if s.Binding != obj.BindLocal {
			seenGlobal = true
		} else {
			assert.False(t, seenGlobal, "local symbol %s after a global one", s.Name)
		}
	}
}

func TestDirectiveErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{".foo 1", "t.s:1:1: unknown directive '.foo'"},
		{".macro m\n.endm", "t.s:1:1: directive '.macro' is not supported (kpemu's assembler has no macros)"},
		{".data\n.byte 0x100", "t.s:2:7: value 0x100 of '0x100' does not fit in 1 byte"},
		{".data\n.byte -129", "does not fit in 1 byte"},
		{".data\n.byte ext", "t.s:2:7: 'ext' is an address, which does not fit in 1 byte"},
		{".data\n.word a * 2\na:", "t.s:2:7: operator '*' needs absolute values, but a is relative to a symbol"},
		{".data\n.quad a + b\na: b:", "cannot be expressed by a relocation"},
		{".data\n.byte", "t.s:2:1: '.byte' takes at least 1 argument but has 0"},
		{".data\n.ascii 5", "t.s:2:8: expected a string but found '5'"},
		{".data\n.byte \"s\"", "t.s:2:7: expected an expression but found the string \"s\""},
		{".data\n.skip -1", "t.s:2:7: '.skip' needs a count of at least 0, not -1"},
		{".data\n.skip later\nlater:", "t.s:2:7: 'later' must be a constant known here, but 'later' is only defined further down"},
		{".align 3, 0x100", "fill value 256 does not fit in 1 byte"},
		{".align 17", "t.s:1:8: alignment 2^17 is out of range 2^0 to 2^16"},
		{".balign 3", "t.s:1:9: alignment 3 is not a power of two from 1 to 65536"},
		{".section .x, ax", "expected the section flags as a string (\"ax\") but found 'ax'"},
		{".section .x, \"q\"", "section flag 'q' is not supported"},
		{".section .x, \"a\", @weird", "section type 'weird' is not supported"},
		{".popsection", "t.s:1:1: .popsection without a .pushsection"},
		{".type f, %gnu_indirect_function", "symbol type '%gnu_indirect_function' is not supported"},
		{".globl 1+2", "t.s:1:8: expected a symbol name but found '1+2'"},
		{".size f, g\nf:", "expected a constant but 'g' is not defined"},
		{"a:\na:", "t.s:2:1: symbol 'a' is already defined at line 1"},
		{"a:\n.set a, 1", "t.s:2:1: symbol 'a' is already defined as a label at line 1"},
		{".equiv e, 1\n.equiv e, 2", "t.s:2:1: symbol 'e' is already defined at line 1"},
		{".set x, x + 1", "symbol 'x' is defined in terms of itself"},
		{". = 4", "assigning to '.' is not supported"},
		{".bss\n.byte 1", "non-zero data in the no-bits section .bss"},
		{".bss\nnop", "t.s:2:1: instruction in the no-bits section .bss"},
		{".text 1", "subsections are not supported"},
		{".arch", "'.arch' takes 1 argument but has 0"},
		{".data\n.byte 1\n.p2alignw 2, 0x1234", "t.s:3:1: alignment padding (3 bytes) is not a multiple of the 2-byte fill"},
		{".inst 0x100000000", "instruction word 0x100000000 does not fit in 32 bits"},
		{".data\n.quad 1/0", "t.s:2:9: division by zero"},
		{".data\n.quad (1", "t.s:2:9: expected ')' to close the '(' at column 7 but found end of line"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, err := Assemble("t.s", []byte(tc.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
