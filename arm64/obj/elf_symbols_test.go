package obj

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nmCases has a symbol in each kind of section and of each binding and
// type that gives nm a different letter. Some section flags contradict
// the names on purpose (gas warns): the letter follows the flags.
const nmCases = `
	.text
	.globl	gfunc
	.type	gfunc, %function
gfunc:	nop
	ret
	.size	gfunc, .-gfunc
lfunc:	nop
	.type	wfunc, %function
	.weak	wfunc
wfunc:	nop
	.type	ifn, %gnu_indirect_function
	.globl	ifn
ifn:	nop
	.globl	und
	.quad	und
	.weak	wund
	.quad	wund
	.section .init.text,"ax"
itext:	nop
	.section .init.data,"aw"
idata:	.word 1
	.section .data..percpu,"aw"
pcpu:	.word 1
	.section .rodata.str1.1,"aMS",%progbits,1
str:	.asciz "x"
	.section .data.rel.ro,"aw"
relro:	.quad 0
	.section .bss..page_aligned,"aw",%nobits
pab:	.zero 8
	.bss
	.globl	gbss
gbss:	.zero 8
	.data
	.type	wobj, %object
	.weak	wobj
wobj:	.word 2
	.globl	gdata
gdata:	.word 3
	.type	uniq, %gnu_unique_object
uniq:	.word 0
	.section .init_array,"aw",%init_array
ia:	.quad 0
	.section .note.foo,"a",%note
nt:	.word 0
	.section .comment2,""
cm:	.word 0
	.section .tdata,"awT"
td:	.word 0
	.section .tbss,"awT",%nobits
tb:	.zero 4
	.section .text.unlikely,"ax"
	.globl	cold
cold:	nop
	.section .text.x,"aw"
a1:	.word 0
	.section .data.y,"ax"
a3:	nop
	.section .sdata,"aw"
a8:	.word 0
	.section .sbss,"aw",%nobits
a9:	.zero 4
	.section vars,"a"
a12:	.word 0
	.section .debug_x,"a"
a13:	.word 0
	.section .nonalloc_w,"w"
a15:	.word 0
	.section .nonalloc_nobits,"",%nobits
a16:	.zero 4
	.section .nonalloc_x,"x"
a17:	.word 0
	.section .debug_foo,""
dbg:	.word 0
	.section .zdebug_z,""
a18:	.word 0
	.section .line,""
a20:	.word 0
	.section .edata,"a"
	.globl	a22
a22:	.word 0
	.section .idata$2,"a"
a24:	.word 0
	.section .data5,"a"
a23:	.word 0
	.comm	cmn,24,16
	.local	lcm
	.comm	lcm,8,8
	.set	absg, 0x1234
	.globl	absg
	.set	absl, 0x55
`

// TestReadSymbolsMatchNM compares ReadSymbols, and so nmType, with
// aarch64-linux-gnu-nm on an object with every kind of symbol and section.
// ReadELF would refuse the object (it has thread-local storage); its
// symbols are still listed.
func TestReadSymbolsMatchNM(t *testing.T) {
	path := assemble(t, "cases", nmCases)
	fd, err := os.Open(path)
	require.NoError(t, err)
	defer fd.Close()
	syms, err := ReadSymbols(fd)
	require.NoError(t, err)
	assertSymbolsMatchNM(t, syms, path)
	assert.GreaterOrEqual(t, len(syms), 37)

	// The object has mapping symbols, section symbols and file symbols;
	// none is listed. Undefined references are, as nm lists them.
	ref, err := elf.Open(path)
	require.NoError(t, err)
	defer ref.Close()
	raw, err := ref.Symbols()
	require.NoError(t, err)
	var mapping, sections int
	for _, s := range raw {
		if isMappingSymbol(s.Name) {
			mapping++
		}
		if elf.ST_TYPE(s.Info) == elf.STT_SECTION {
			sections++
		}
	}
	assert.Positive(t, mapping, "the assembler emits $x and $d")
	assert.Positive(t, sections)
	types := map[string]byte{}
	for _, s := range syms {
		assert.False(t, strings.HasPrefix(s.Name, "$"), s.Name)
		assert.NotEmpty(t, s.Name)
		types[s.Name] = s.Type
	}
	assert.Equal(t, byte('U'), types["und"])
	assert.Equal(t, byte('w'), types["wund"])
	assert.Equal(t, byte('C'), types["cmn"])

	_, err = OpenELF(path)
	assert.ErrorContains(t, err, "thread-local storage is not supported", "ReadSymbols lists what ReadELF cannot load")
}

// moduleSource is a module with a text and a data section; its symbol
// table holds the locals first (gABI: all STB_LOCAL symbols precede the
// others), so its order is not the address order.
const moduleSource = `
	.text
	.globl	init_module
	.type	init_module, %function
init_module:
	mov	x0, #0
	ret
	.size	init_module, .-init_module
	.type	helper, %function
helper:
	ret
	.size	helper, .-helper
	.data
	.type	counter, %object
counter:
	.quad	0
	.size	counter, 8
`

// TestReadSymbolsObject: an object's symbols come in symbol table order,
// valued as offsets in their sections, as nm -p prints them.
func TestReadSymbolsObject(t *testing.T) {
	path := assemble(t, "mod", moduleSource)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	syms, err := ReadSymbols(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, []ImageSymbol{
		{Name: "helper", Addr: 8, Size: 4, Kind: SymFunc, Binding: BindLocal, Type: 't'},
		{Name: "counter", Addr: 0, Size: 8, Kind: SymObject, Binding: BindLocal, Type: 'd'},
		{Name: "init_module", Addr: 0, Size: 8, Kind: SymFunc, Binding: BindGlobal, Type: 'T'},
	}, syms)
	assertSymbolsMatchNM(t, syms, path)
}

// TestReadSymbolsStripped: a file without a symbol table is an error for
// ReadSymbols and an image without symbols for ReadELF.
func TestReadSymbolsStripped(t *testing.T) {
	o := assemble(t, "s", "\t.globl _start\n_start:\n\tret\n")
	exe := filepath.Join(t.TempDir(), "s.elf")
	run(t, binutil(t, "ld"), "-s", o, "-o", exe)
	fd, err := os.Open(exe)
	require.NoError(t, err)
	defer fd.Close()
	_, err = ReadSymbols(fd)
	assert.ErrorIs(t, err, ErrNoSymbols)

	f, err := OpenELF(exe)
	require.NoError(t, err)
	assert.Empty(t, f.Image.Symbols)
	assert.NotEmpty(t, f.Image.Segments)
}

// TestReadSymbolsImageOrder: ReadSymbols keeps the file's order, ReadELF
// sorts the same symbols as nm -n.
func TestReadSymbolsImageOrder(t *testing.T) {
	data := kernelLike()
	syms, err := ReadSymbols(bytes.NewReader(data))
	require.NoError(t, err)
	f, err := ReadELF(bytes.NewReader(data))
	require.NoError(t, err)
	assert.ElementsMatch(t, f.Image.Symbols, syms)
	sorted := append([]ImageSymbol(nil), syms...)
	sortSymbols(sorted)
	assert.Equal(t, sorted, f.Image.Symbols)
}

func TestReadSymbolsMalformed(t *testing.T) {
	_, err := ReadSymbols(bytes.NewReader([]byte("!<arch>\n")))
	assert.ErrorContains(t, err, "ar archive")
	b := validObject(t)
	b[18] = byte(elf.EM_X86_64)
	_, err = ReadSymbols(bytes.NewReader(b))
	assert.ErrorContains(t, err, "EM_AARCH64 files only")
}
