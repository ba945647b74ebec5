package symbols

import (
	"bytes"
	"cmp"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/internal/oracle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const binutilsPkg = "binutils-aarch64-linux-gnu"

func openVmlinux(t *testing.T) *elf.File {
	t.Helper()
	f, err := elf.Open("testdata/vmlinux.elf")
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// TestVmlinuxELF reads the committed miniature vmlinux (testdata/README.md).
func TestVmlinuxELF(t *testing.T) {
	tab := &Table{}
	require.NoError(t, tab.AddELF(openVmlinux(t), nil))

	// nm -n lists exactly what WriteSystemMap writes.
	want, err := os.ReadFile("testdata/vmlinux.nm")
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, tab.WriteSystemMap(&buf))
	assert.Equal(t, string(want), buf.String())

	s, ok := tab.LookupName("kernel_clone")
	require.True(t, ok)
	assert.Equal(t, Symbol{Name: "kernel_clone", Addr: 0xffff800080010004, Size: 0x14, Type: 'T'}, s)
	dups := tab.Lookup("show_stat")
	require.Len(t, dups, 2)
	assert.Equal(t, uint64(0xffff800080010018), dups[0].Addr)
	assert.Equal(t, uint64(0xffff800080010020), dups[1].Addr)

	for addr, want := range map[uint64]string{
		0xffff80008000fffc: "0xffff80008000fffc",
		0xffff800080010000: "_stext+0x0/0x4", // _stext and _text: nm -n order
		0xffff800080010004: "kernel_clone+0x0/0x14",
		0xffff800080010010: "kernel_clone+0xc/0x14",
		0xffff80008001001c: "show_stat+0x4/0x8",
		0xffff800080010028: "do_exit+0x0/0x4",
		0xffff800080010044: "linux_banner+0x18/0x1c", // between .rodata and .data: still the image
		0xffff800080010048: "jiffies+0x0/0x8",
		0xffff800080010050: "init_stack+0x0/0x40", // before __bss_start, _edata, ...
		0xffff80008001008f: "init_stack+0x3f/0x40",
		0xffff800080010090: "0xffff800080010090", // _end: past the image
	} {
		assert.Equal(t, want, tab.SprintSymbol(addr), "%#x", addr)
	}

	types := map[string]Type{}
	for s := range tab.All() {
		types[s.Name] = s.Type
	}
	assert.Equal(t, map[string]Type{
		"_stext": 'T', "_text": 'T', "__kernel_clone": 'T', "clone_weak": 'W', "kernel_clone": 'T',
		"show_stat": 't', "do_exit": 'T', "linux_banner": 'r', "jiffies": 'D',
		"__bss_start": 'B', "__bss_start__": 'B', "_edata": 'D', "init_stack": 'B',
		"__bss_end__": 'B', "__end__": 'B', "_bss_end__": 'B', "_end": 'B',
	}, types)
}

// TestVmlinuxELFRebuilds rebuilds testdata/vmlinux.elf with the commands
// in vmlinux_a.s and checks that it has the same symbols.
func TestVmlinuxELFRebuilds(t *testing.T) {
	as := oracle.Command(t, "aarch64-linux-gnu-as", binutilsPkg)
	ld := oracle.Command(t, "aarch64-linux-gnu-ld", binutilsPkg)
	dir := t.TempDir()
	a, b, exe := filepath.Join(dir, "a.o"), filepath.Join(dir, "b.o"), filepath.Join(dir, "vmlinux.elf")
	run(t, as, "testdata/vmlinux_a.s", "-o", a)
	run(t, as, "testdata/vmlinux_b.s", "-o", b)
	run(t, ld, "-N", "--no-warn-rwx-segments", "--build-id=none", "-Ttext=0xffff800080010000", "-e", "_text", a, b, "-o", exe)
	f, err := elf.Open(exe)
	require.NoError(t, err)
	defer f.Close()
	got, err := ELFSymbols(f, nil)
	require.NoError(t, err)
	want, err := ELFSymbols(openVmlinux(t), nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	return out
}

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

// TestELFSymbolsMatchNM compares ELFSymbols with aarch64-linux-gnu-nm on
// an object with every kind of symbol and section.
func TestELFSymbolsMatchNM(t *testing.T) {
	as := oracle.Command(t, "aarch64-linux-gnu-as", binutilsPkg)
	nm := oracle.Command(t, "aarch64-linux-gnu-nm", binutilsPkg)
	dir := t.TempDir()
	src, obj := filepath.Join(dir, "cases.s"), filepath.Join(dir, "cases.o")
	require.NoError(t, os.WriteFile(src, []byte(nmCases), 0o644))
	run(t, as, src, "-o", obj)

	want, err := ParseSystemMap(bytes.NewReader(run(t, nm, obj)))
	require.NoError(t, err)
	f, err := elf.Open(obj)
	require.NoError(t, err)
	defer f.Close()
	got, err := ELFSymbols(f, &ELFOptions{Module: "m"})
	require.NoError(t, err)
	for i := range got {
		got[i].Module, got[i].Size = "", 0
	}
	byName := func(a, b Symbol) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Addr, b.Addr))
	}
	slices.SortFunc(want, byName)
	slices.SortFunc(got, byName)
	assert.Equal(t, want, got)
	assert.GreaterOrEqual(t, len(got), 35)

	// The object has mapping symbols, section symbols and a file-less
	// undefined one; none is listed.
	raw, err := f.Symbols()
	require.NoError(t, err)
	var mapping int
	for _, s := range raw {
		if s.Name == "$x" || s.Name == "$d" || strings.HasPrefix(s.Name, "$x.") || strings.HasPrefix(s.Name, "$d.") {
			mapping++
		}
	}
	assert.Positive(t, mapping, "the assembler emits $x and $d")
	for _, s := range got {
		assert.False(t, strings.HasPrefix(s.Name, "$"), s.Name)
		assert.NotEqual(t, "und", s.Name)
		assert.NotEqual(t, "wund", s.Name)
	}
}

// moduleSource is a module with a text and a data section, placed apart.
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

func TestAddELFModule(t *testing.T) {
	as := oracle.Command(t, "aarch64-linux-gnu-as", binutilsPkg)
	dir := t.TempDir()
	src, obj := filepath.Join(dir, "mod.s"), filepath.Join(dir, "mod.o")
	require.NoError(t, os.WriteFile(src, []byte(moduleSource), 0o644))
	run(t, as, src, "-o", obj)
	f, err := elf.Open(obj)
	require.NoError(t, err)
	defer f.Close()

	tab := &Table{}
	require.NoError(t, tab.AddELF(openVmlinux(t), nil))
	base := map[string]uint64{".text": 0xffff80007a000000, ".data": 0xffff80007a100000}
	require.NoError(t, tab.AddELF(f, &ELFOptions{
		Module:      "mymod",
		SectionAddr: func(s *elf.Section) uint64 { return base[s.Name] },
	}))

	// Symbol table order (locals first), not address order.
	syms, err := ELFSymbols(f, &ELFOptions{Module: "mymod"})
	require.NoError(t, err)
	var names []string
	for _, s := range syms {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"helper", "counter", "init_module"}, names)

	for addr, want := range map[uint64]string{
		0xffff80007a000000: "init_module+0x0/0x8 [mymod]",
		0xffff80007a000008: "helper+0x0/0x4 [mymod]",
		0xffff80007a00000b: "helper+0x3/0x4 [mymod]",
		0xffff80007a00000c: "0xffff80007a00000c", // past .text
		0xffff80007a100004: "counter+0x4/0x8 [mymod]",
		0xffff80007a0fff00: "0xffff80007a0fff00", // between the sections
		0xffff800080010004: "kernel_clone+0x0/0x14",
	} {
		assert.Equal(t, want, tab.SprintSymbol(addr), "%#x", addr)
	}
	s, ok := tab.LookupName("mymod:init_module")
	require.True(t, ok)
	assert.Equal(t, Symbol{Name: "init_module", Addr: 0xffff80007a000000, Size: 8, Type: 'T', Module: "mymod"}, s)

	// Without SectionAddr, the values are section offsets, as nm prints.
	syms, err = ELFSymbols(f, nil)
	require.NoError(t, err)
	for _, s := range syms {
		assert.Less(t, s.Addr, uint64(0x10), s.Name)
		assert.Empty(t, s.Module)
	}
}

func TestELFWithoutSymbols(t *testing.T) {
	as := oracle.Command(t, "aarch64-linux-gnu-as", binutilsPkg)
	ld := oracle.Command(t, "aarch64-linux-gnu-ld", binutilsPkg)
	dir := t.TempDir()
	src, obj, exe := filepath.Join(dir, "s.s"), filepath.Join(dir, "s.o"), filepath.Join(dir, "s.elf")
	require.NoError(t, os.WriteFile(src, []byte("\t.globl _start\n_start:\n\tret\n"), 0o644))
	run(t, as, src, "-o", obj)
	run(t, ld, "-s", obj, "-o", exe)
	f, err := elf.Open(exe)
	require.NoError(t, err)
	defer f.Close()
	_, err = ELFSymbols(f, nil)
	assert.ErrorIs(t, err, elf.ErrNoSymbols)
	assert.ErrorIs(t, (&Table{}).AddELF(f, nil), elf.ErrNoSymbols)
}

func TestMappingSymbols(t *testing.T) {
	for name, want := range map[string]bool{
		"$x": true, "$d": true, "$x.42": true, "$d.foo": true,
		"$a": false, "$xx": false, "$": false, "x": false, "$dollar": false,
	} {
		assert.Equal(t, want, isMappingSymbol(name), name)
	}
}
