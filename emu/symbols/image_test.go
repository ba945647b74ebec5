package symbols

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/internal/oracle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const binutilsPkg = "binutils-aarch64-linux-gnu"

// vmlinuxImage reads the committed miniature vmlinux (testdata/README.md).
func vmlinuxImage(t *testing.T) *obj.Image {
	t.Helper()
	f, err := obj.OpenELF("testdata/vmlinux.elf")
	require.NoError(t, err)
	require.NotNil(t, f.Image)
	return f.Image
}

// TestAddImageVmlinux makes the miniature vmlinux the kernel of a table.
func TestAddImageVmlinux(t *testing.T) {
	tab := &Table{}
	require.NoError(t, tab.AddImage(vmlinuxImage(t), ""))

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

// TestAddImageSymbolsOnly: the symbols of obj.ReadSymbols, in an Image
// without segments, make the same System.map without reading the image;
// with no region, the kernel ends at the highest symbol end it knows,
// here the segment's end.
func TestAddImageSymbolsOnly(t *testing.T) {
	fd, err := os.Open("testdata/vmlinux.elf")
	require.NoError(t, err)
	defer fd.Close()
	syms, err := obj.ReadSymbols(fd)
	require.NoError(t, err)
	tab := &Table{}
	require.NoError(t, tab.AddImage(&obj.Image{Name: "vmlinux", Symbols: syms}, ""))
	want, err := os.ReadFile("testdata/vmlinux.nm")
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, tab.WriteSystemMap(&buf))
	assert.Equal(t, string(want), buf.String(), "ReadSymbols' order is not nm -n's; the table's order is")
	assert.Equal(t, "linux_banner+0x18/0x1c", tab.SprintSymbol(0xffff800080010044))
	assert.Equal(t, "init_stack+0x3f/0x40", tab.SprintSymbol(0xffff80008001008f), "init_stack's ELF size ends the kernel")
	assert.Equal(t, "0xffff800080010090", tab.SprintSymbol(0xffff800080010090))
}

// TestVmlinuxRebuilds rebuilds testdata/vmlinux.elf with the commands in
// vmlinux_a.s and checks that it has the same symbols.
func TestVmlinuxRebuilds(t *testing.T) {
	as := oracle.Command(t, "aarch64-linux-gnu-as", binutilsPkg)
	ld := oracle.Command(t, "aarch64-linux-gnu-ld", binutilsPkg)
	dir := t.TempDir()
	a, b, exe := filepath.Join(dir, "a.o"), filepath.Join(dir, "b.o"), filepath.Join(dir, "vmlinux.elf")
	run(t, as, "testdata/vmlinux_a.s", "-o", a)
	run(t, as, "testdata/vmlinux_b.s", "-o", b)
	run(t, ld, "-N", "--no-warn-rwx-segments", "--build-id=none", "-Ttext=0xffff800080010000", "-e", "_text", a, b, "-o", exe)
	f, err := obj.OpenELF(exe)
	require.NoError(t, err)
	assert.Equal(t, vmlinuxImage(t).Symbols, f.Image.Symbols)
}

func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	return out
}

// moduleSource is a module with a text and a data section. Its init
// function is static, and init_module a global alias of it, as
// include/linux/module.h: module_init makes it.
const moduleSource = `
	.text
	.type	mymod_init, %function
mymod_init:
	mov	x0, #0
	ret
	.size	mymod_init, .-mymod_init
	.globl	init_module
	.type	init_module, %function
	.set	init_module, mymod_init
	.size	init_module, 8
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

// TestAddImageModule loads a module, an object that obj.Link places at a
// module address, next to the miniature kernel.
func TestAddImageModule(t *testing.T) {
	as := oracle.Command(t, "aarch64-linux-gnu-as", binutilsPkg)
	dir := t.TempDir()
	src, o := filepath.Join(dir, "mod.s"), filepath.Join(dir, "mod.o")
	require.NoError(t, os.WriteFile(src, []byte(moduleSource), 0o644))
	run(t, as, src, "-o", o)
	f, err := obj.OpenELF(o)
	require.NoError(t, err)
	const base = 0xffff80007a000000
	img, err := obj.Link([]*obj.Object{f.Object}, &obj.LinkOptions{Base: base})
	require.NoError(t, err)
	require.Len(t, img.Segments, 2, "text, then data on a page of its own")
	data := img.Segments[1].Addr
	require.Equal(t, uint64(base+0x1000), data)

	tab := &Table{}
	require.NoError(t, tab.AddImage(vmlinuxImage(t), ""))
	require.NoError(t, tab.AddImage(img, "mymod"))
	assert.Equal(t, []string{"mymod"}, tab.Modules())

	for addr, want := range map[uint64]string{
		// The static name, first in the module's symbol table, names the
		// address, as find_kallsyms_symbol does; by name order
		// init_module would.
		base:               "mymod_init+0x0/0x8 [mymod]",
		base + 0x8:         "helper+0x0/0x4 [mymod]",
		base + 0xb:         "helper+0x3/0x4 [mymod]",
		base + 0xc:         "0xffff80007a00000c", // past the text
		data + 0x4:         "counter+0x4/0x8 [mymod]",
		data - 0x100:       "0xffff80007a000f00", // between the segments
		data + 0x8:         "0xffff80007a001008", // past the data
		0xffff800080010004: "kernel_clone+0x0/0x14",
	} {
		assert.Equal(t, want, tab.SprintSymbol(addr), "%#x", addr)
	}
	s, ok := tab.LookupName("mymod:init_module")
	require.True(t, ok)
	assert.Equal(t, Symbol{Name: "init_module", Addr: base, Size: 8, Type: 'T', Module: "mymod"}, s)
	var buf bytes.Buffer
	require.NoError(t, tab.WriteKallsyms(&buf, nil))
	assert.Contains(t, buf.String(),
		"ffff80007a000000 t mymod_init\t[mymod]\n"+
			"ffff80007a000000 T init_module\t[mymod]\n"+
			"ffff80007a000008 t helper\t[mymod]\n"+
			"ffff80007a001000 d counter\t[mymod]\n", "the module's symbols in the order they were added")
}

// TestAddImageFilters: undefined references and names kallsyms cannot
// hold are left out; an invalid module name adds nothing.
func TestAddImageFilters(t *testing.T) {
	img := &obj.Image{Name: "m.o",
		Segments: []*obj.Segment{{Addr: 0x1000, MemSize: 0x100, Prot: obj.ProtRead | obj.ProtExec}},
		Symbols: []obj.ImageSymbol{
			{Name: "f", Addr: 0x1000, Size: 4, Binding: obj.BindGlobal, Type: 'T'},
			{Name: "ext", Binding: obj.BindGlobal, Type: 'U'},
			{Name: "wext", Binding: obj.BindWeak, Type: 'w'},
			{Name: "wobj", Binding: obj.BindWeak, Kind: obj.SymObject, Type: 'v'},
			{Name: "with blank", Addr: 0x1010, Binding: obj.BindLocal, Type: 't'},
			{Name: "nul\x00", Addr: 0x1010, Binding: obj.BindLocal, Type: 't'},
			{Name: "", Addr: 0x1010, Binding: obj.BindLocal, Type: 't'},
		}}
	tab := &Table{}
	assert.ErrorIs(t, tab.AddImage(img, "bad:name"), ErrModule)
	assert.Zero(t, tab.Len())
	assert.Empty(t, tab.Modules())

	require.NoError(t, tab.AddImage(img, "m"))
	var names []string
	for s := range tab.All() {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"f"}, names)
	assert.Equal(t, "f+0xff/0x100 [m]", tab.SprintSymbol(0x10ff), "the segment bounds f")
	assert.Equal(t, "0x1100", tab.SprintSymbol(0x1100))
}

// TestAddImageKernelSpan: a kernel image is one region from its lowest
// segment to the end of its highest, gaps included (is_ksym_addr's
// _stext.._end); a module's segments are separate regions.
func TestAddImageKernelSpan(t *testing.T) {
	img := &obj.Image{Name: "vmlinux",
		Segments: []*obj.Segment{
			{Addr: 0x3000, MemSize: 0x100, Prot: obj.ProtRead | obj.ProtWrite},
			{Addr: 0x1000, MemSize: 0x100, Prot: obj.ProtRead | obj.ProtExec},
		},
		Symbols: []obj.ImageSymbol{
			{Name: "_text", Addr: 0x1000, Binding: obj.BindGlobal, Type: 'T'},
			{Name: "data", Addr: 0x3000, Binding: obj.BindGlobal, Type: 'D'},
		}}
	kernel, mod := &Table{}, &Table{}
	require.NoError(t, kernel.AddImage(img, ""))
	require.NoError(t, mod.AddImage(img, "m"))
	assert.Equal(t, "_text+0x1800/0x2000", kernel.SprintSymbol(0x2800))
	assert.Equal(t, "data+0xff/0x100", kernel.SprintSymbol(0x30ff))
	assert.Equal(t, "0x3100", kernel.SprintSymbol(0x3100))
	assert.Equal(t, "0x2800", mod.SprintSymbol(0x2800))
	assert.Equal(t, "_text+0xff/0x100 [m]", mod.SprintSymbol(0x10ff))
}
