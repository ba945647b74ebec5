package loader

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/internal/oracle"
)

var _ = golden.Update // every test binary defines -update (see internal/golden)

const binutilsPkg = "binutils-aarch64-linux-gnu"

// run runs a binutils program, failing the test with its errors.
func run(t *testing.T, tool string, args ...string) {
	t.Helper()
	path := oracle.Command(t, "aarch64-linux-gnu-"+tool, binutilsPkg)
	var stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "%s %v: %s", tool, args, stderr.String())
}

// assemble assembles src with GNU as and returns the object's path.
func assemble(t *testing.T, dir, name, src string) string {
	t.Helper()
	s, o := filepath.Join(dir, name+".s"), filepath.Join(dir, name+".o")
	require.NoError(t, os.WriteFile(s, []byte(src), 0o644))
	run(t, "as", "-o", o, s)
	return o
}

// A function and its helper in two files, with data of each kind:
// scale(x) = twice(x) * factor + bias, bias in .rodata, factor in .data,
// a counter in .bss.
const srcMain = `
	.text
	.globl	scale
	.type	scale, %function
scale:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	twice
	adrp	x1, factor
	ldr	x1, [x1, :lo12:factor]
	mul	x0, x0, x1
	adrp	x2, bias
	ldr	x2, [x2, :lo12:bias]
	add	x0, x0, x2
	adrp	x3, calls
	add	x3, x3, :lo12:calls
	ldr	x4, [x3]
	add	x4, x4, #1
	str	x4, [x3]
	ldp	x29, x30, [sp], #16
	ret
	.size	scale, .-scale

	.section .rodata
	.balign	8
bias:	.quad	7
`

const srcHelper = `
	.text
	.globl	twice
	.type	twice, %function
twice:
	add	x0, x0, x0
	ret
	.size	twice, .-twice

	.data
	.globl	factor
	.balign	8
factor:	.quad	10

	.bss
	.globl	calls
	.balign	8
calls:	.skip	8
`

// newMachine makes a machine with a stack, kernel or user.
func newMachine(t *testing.T, stack uint64, user bool) *emu.Machine {
	t.Helper()
	m, err := emu.New(nil)
	require.NoError(t, err)
	p := emu.PermRW
	if user {
		p |= emu.PermUser
	}
	require.NoError(t, m.Map(stack, 4*emu.PageSize, p))
	m.CPU(0).SetSP(stack + 4*emu.PageSize)
	if user {
		m.CPU(0).SetSPEL(0, stack+4*emu.PageSize)
	}
	return m
}

func TestLoadLinkedObjects(t *testing.T) {
	dir := t.TempDir()
	var objs []*obj.Object
	// In a fixed order: the link order decides the layout the test checks.
	for _, o := range []struct{ name, src string }{{"main", srcMain}, {"helper", srcHelper}} {
		f, err := obj.OpenELF(assemble(t, dir, o.name, o.src))
		require.NoError(t, err)
		objs = append(objs, f.Object)
	}
	for _, tc := range []struct {
		name        string
		base, stack uint64
		user        bool
	}{
		{"kernel", 0xffff800008000000, 0xffff800030000000, false},
		{"user", 0x400000, 0x7ff000000000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := obj.Link(objs, &obj.LinkOptions{Base: tc.base})
			require.NoError(t, err)
			m := newMachine(t, tc.stack, tc.user)
			l, err := Load(m, img, &Options{User: tc.user})
			require.NoError(t, err)

			fn, ok := l.Addr("scale")
			require.True(t, ok)
			x0, err := m.Call(context.Background(), fn, []uint64{4}, &emu.CallOptions{EL0: tc.user})
			require.NoError(t, err)
			assert.Equal(t, uint64(4*2*10+7), x0)
			x0, err = m.Call(context.Background(), fn, []uint64{1}, &emu.CallOptions{EL0: tc.user})
			require.NoError(t, err)
			assert.Equal(t, uint64(27), x0)

			calls, ok := l.Addr("calls")
			require.True(t, ok)
			n, err := m.Memory().ReadU64(calls)
			require.NoError(t, err)
			assert.Equal(t, uint64(2), n, "the bss counter, zero at load")

			// Each group on its pages, with its permissions (data and
			// bss, both rw-, in one run).
			user := emu.Perm(0)
			if tc.user {
				user = emu.PermUser
			}
			var perms []emu.Perm
			for _, r := range l.Regions {
				perms = append(perms, r.Perm)
			}
			assert.Equal(t, []emu.Perm{emu.PermRX | user, emu.PermRead | user, emu.PermRW | user}, perms)
			assert.Equal(t, "scale+0x8/0x40", m.Symbolize(fn+8), "the machine names addresses")
			// The image is the kernel of the table: its memory runs from
			// its first segment to the end of its last
			// (symbols.Table.AddImage).
			_, end := img.Bounds()
			assert.Equal(t, "calls+0x7/0x8", m.Symbolize(end-1))
			assert.Equal(t, fmt.Sprintf("%#x", end), m.Symbolize(end), "past the image")
			assert.Empty(t, l.Symbols.Modules())
		})
	}
}

// TestLoadFileExec loads an executable made by GNU ld.
func TestLoadFileExec(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "a.out")
	run(t, "ld", "-e", "scale", "-o", exe, assemble(t, dir, "main", srcMain), assemble(t, dir, "helper", srcHelper))
	m := newMachine(t, 0x7ff000000000, false)
	l, err := LoadFile(m, exe, nil)
	require.NoError(t, err)
	fn, _ := l.Addr("scale")
	assert.Equal(t, fn, l.Entry)
	x0, err := m.Call(context.Background(), fn, []uint64{5}, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(107), x0)

	_, err = LoadFile(newMachine(t, 0x7ff000000000, false), exe, &Options{Base: 0x800000})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "an ET_EXEC is linked at 0x400000 and cannot move to 0x800000")
}

// TestLoadFileObject links one object at a base.
func TestLoadFileObject(t *testing.T) {
	dir := t.TempDir()
	o := assemble(t, dir, "helper", srcHelper)
	m := newMachine(t, 0x7ff000000000, false)
	l, err := LoadFile(m, o, &Options{Base: 0x10000})
	require.NoError(t, err)
	fn, _ := l.Addr("twice")
	assert.Equal(t, uint64(0x10000), fn)
	x0, err := m.Call(context.Background(), fn, []uint64{21}, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(42), x0)

	// An unresolved reference is an error that names it.
	_, err = LoadFile(newMachine(t, 0x7ff000000000, false), assemble(t, dir, "main", srcMain), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefined symbol twice, referenced by")
}

// srcPIE calls through a table of pointers that R_AARCH64_RELATIVE
// relocations fill: pick(i) = table[i]().
const srcPIE = `
	.text
	.globl	pick
	.type	pick, %function
pick:
	stp	x29, x30, [sp, #-16]!
	adrp	x1, table
	add	x1, x1, :lo12:table
	ldr	x1, [x1, x0, lsl #3]
	blr	x1
	ldp	x29, x30, [sp], #16
	ret
	.size	pick, .-pick
one:	mov	x0, #1
	ret
two:	mov	x0, #2
	ret
	.data
	.balign	8
table:	.quad	one, two
`

// TestLoadFileStaticPIE loads an ET_DYN whose pointers are zero in the
// file, at its link address and moved.
func TestLoadFileStaticPIE(t *testing.T) {
	dir := t.TempDir()
	pie := filepath.Join(dir, "pie")
	run(t, "ld", "-pie", "--no-dynamic-linker", "-z", "text", "--no-apply-dynamic-relocs", "-e", "pick",
		"-o", pie, assemble(t, dir, "pie", srcPIE))
	for _, base := range []uint64{0, 0x7f0000000000} {
		m := newMachine(t, 0x7ff000000000, true)
		l, err := LoadFile(m, pie, &Options{Base: base, User: true})
		require.NoError(t, err, "base %#x", base)
		fn, _ := l.Addr("pick")
		assert.Equal(t, base+l.Image.Entry-base, fn)
		for i, want := range []uint64{1, 2} {
			x0, err := m.Call(context.Background(), fn, []uint64{uint64(i)}, &emu.CallOptions{EL0: true})
			require.NoError(t, err, "base %#x", base)
			assert.Equal(t, want, x0, "base %#x", base)
		}
		lo := l.Regions[0].Addr
		assert.Equal(t, base, lo)
	}
}

// TestLoadKernelLikeImage loads an ET_DYN without PT_DYNAMIC, linked the
// way Linux links vmlinux (-shared -Bsymbolic, --no-apply-dynamic-relocs,
// the dynamic sections discarded), at a kernel-half address.
func TestLoadKernelLikeImage(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "vmlinux.lds")
	require.NoError(t, os.WriteFile(script, []byte(`
SECTIONS {
	. = 0xffff800008000000;
	.text : { *(.text) }
	. = ALIGN(4096);
	.data : { *(.data) }
	.rela.dyn : { __rela_start = .; *(.rela .rela*) __rela_end = .; }
	/DISCARD/ : { *(.interp .dynamic) *(.dynsym .dynstr .hash .gnu.hash) }
}
`), 0o644))
	vmlinux := filepath.Join(dir, "vmlinux")
	run(t, "ld", "-shared", "-Bsymbolic", "-z", "notext", "--no-apply-dynamic-relocs", "-e", "pick",
		"-T", script, "-o", vmlinux, assemble(t, dir, "pie", srcPIE))
	f, err := obj.OpenELF(vmlinux)
	require.NoError(t, err)
	require.Len(t, f.Image.Relative, 2, "the table's two pointers")

	m := newMachine(t, 0xffff800030000000, false)
	l, err := LoadFile(m, vmlinux, nil)
	require.NoError(t, err)
	fn, _ := l.Addr("pick")
	assert.Equal(t, uint64(0xffff800008000000), fn)
	x0, err := m.Call(context.Background(), fn, []uint64{1}, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), x0)
}

func TestLoadErrors(t *testing.T) {
	good := hostileBase(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	patch := func(off int, b ...byte) []byte {
		d := append([]byte(nil), good...)
		copy(d[off:], b)
		return d
	}
	le64 := func(v uint64) []byte {
		var b [8]byte
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		return b[:]
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated header", good[:40], "a truncated ELF file (40 bytes"},
		{"truncated header 2", good[:63], "elf: "},
		{"truncated file", good[:len(good)-10], "extends past the end of the file"},
		{"bad section offsets", patch(40, le64(1<<40)...), "section header table at offset 0x10000000000"},
		{"huge section count", patch(60, 0xff, 0x7f), "section headers do not fit"},
		{"not ELF", []byte("\x00\x01\x02\x03 not an ELF file"), "not an ELF file"},
	}
	for _, tc := range tests {
		_, err := LoadFile(newMachine(t, 0x7ff000000000, false), write(tc.name, tc.data), nil)
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}
	_, err := LoadFile(newMachine(t, 0x7ff000000000, false), filepath.Join(dir, "missing"), nil)
	assert.ErrorIs(t, err, os.ErrNotExist)

	// A huge bss.
	huge := &obj.Image{Name: "huge", Segments: []*obj.Segment{{Addr: 0x400000, MemSize: 1 << 40, Prot: obj.ProtRead}}}
	_, err = Load(newMachine(t, 0x7ff000000000, false), huge, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 1024 MiB")
	// A non-canonical address.
	bad := &obj.Image{Name: "bad", Segments: []*obj.Segment{{Addr: 0x1000000000000, MemSize: 8, Prot: obj.ProtRead}}}
	_, err = Load(newMachine(t, 0x7ff000000000, false), bad, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a canonical 48-bit virtual address")
}

// hostileBase is a valid relocatable object written by obj.WriteELF, the
// start of the malformed files.
func hostileBase(t *testing.T) []byte {
	o := &obj.Object{Name: "t.o", Sections: []*obj.Section{
		{Name: ".text", Flags: obj.SecAlloc | obj.SecExec, Align: 4, Data: []byte{0xc0, 0x03, 0x5f, 0xd6}, Size: 4},
	}, Symbols: []*obj.Symbol{{Name: "f", Section: 0, Binding: obj.BindGlobal, Kind: obj.SymFunc, Size: 4}}}
	var b bytes.Buffer
	require.NoError(t, obj.WriteELF(&b, o))
	return b.Bytes()
}

// TestLoadOverlap: loading over mapped memory fails and changes nothing.
func TestLoadOverlap(t *testing.T) {
	m := newMachine(t, 0x7ff000000000, false)
	require.NoError(t, m.Map(0x402000, emu.PageSize, emu.PermRW))
	before := m.Memory().Regions()
	img := &obj.Image{Name: "two", Segments: []*obj.Segment{
		{Addr: 0x400000, Data: []byte{1, 2, 3}, MemSize: 0x2000, Prot: obj.ProtRead | obj.ProtExec},
		{Addr: 0x401800, Data: []byte{4}, MemSize: 0x1000, Prot: obj.ProtRead | obj.ProtWrite},
	}}
	_, err := Load(m, img, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "page 0x402000 already mapped")
	assert.Equal(t, before, m.Memory().Regions())

	// Without the obstacle: the page shared by both segments (0x401000)
	// gets both permissions.
	require.NoError(t, m.Memory().Unmap(0x402000, emu.PageSize))
	l, err := Load(m, img, nil)
	require.NoError(t, err)
	assert.Equal(t, []emu.Region{
		{Addr: 0x400000, Size: 0x1000, Perm: emu.PermRX},
		{Addr: 0x401000, Size: 0x1000, Perm: emu.PermRWX},
		{Addr: 0x402000, Size: 0x1000, Perm: emu.PermRW},
	}, l.Regions)
	b := make([]byte, 3)
	require.NoError(t, m.Memory().Read(0x400000, b))
	assert.Equal(t, []byte{1, 2, 3}, b)
	v, err := m.Memory().ReadU64(0x401800)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), v, "data, then the bss zero")
}
