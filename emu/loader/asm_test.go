package loader_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/asm"
	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/internal/oracle"
)

const (
	asmBase  = 0xffff800008000000
	asmStack = 0xffff800030000000
)

// asmMachine is a machine with a kernel stack.
func asmMachine(t *testing.T) *emu.Machine {
	t.Helper()
	m, err := emu.New(nil)
	require.NoError(t, err)
	require.NoError(t, m.Map(asmStack, 4*emu.PageSize, emu.PermRW))
	m.CPU(0).SetSP(asmStack + 4*emu.PageSize)
	return m
}

// call calls the named function of l, failing the test if it faults.
func call(t *testing.T, m *emu.Machine, l *loader.Loaded, name string, args ...uint64) uint64 {
	t.Helper()
	fn, ok := l.Addr(name)
	require.True(t, ok, "no symbol %s", name)
	x0, err := m.Call(context.Background(), fn, args, nil)
	require.NoError(t, err, "calling %s", name)
	return x0
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// outer(x) = inner(x) + scale, with inner in another file and scale in
// that file's .rodata: the files resolve each other's symbols.
const srcOuter = `
	.text
	.globl	outer
	.type	outer, %function
outer:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	inner
	adrp	x1, scale
	ldr	x1, [x1, :lo12:scale]
	add	x0, x0, x1
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	outer, .-outer
`

const srcInner = `
	.text
	.globl	inner
	.type	inner, %function
inner:
	add	x0, x0, x0
	ret
	.size	inner, .-inner
	.section .rodata
	.globl	scale
	.balign	8
scale:	.quad	1000
`

func TestLoadFileAssemblySource(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "both.s", srcOuter+srcInner)
	m := asmMachine(t)
	l, err := loader.LoadFile(m, p, &loader.Options{Base: asmBase})
	require.NoError(t, err)
	outer, ok := l.Addr("outer")
	require.True(t, ok)
	assert.Equal(t, uint64(asmBase), outer, "the text starts at the base")
	assert.Equal(t, uint64(1042), call(t, m, l, "outer", 21))
	assert.Equal(t, "outer+0x0/0x28", m.Symbolize(outer), "the image's symbols are the machine's symbolizer")
	// The text is r-x, the rodata r--, each on its own pages.
	require.Len(t, l.Regions, 2)
	assert.Equal(t, emu.PermRead|emu.PermExec, l.Regions[0].Perm)
	assert.Equal(t, emu.PermRead, l.Regions[1].Perm)
}

func TestLoadFilesMixesSourcesAndObjects(t *testing.T) {
	dir := t.TempDir()
	outer := writeFile(t, dir, "outer.s", srcOuter)
	// inner as an ET_REL file, written from our assembler's object: the
	// same path a GNU as or gcc -c object takes.
	o, err := asm.Assemble("inner.s", []byte(srcInner))
	require.NoError(t, err)
	innerObj := filepath.Join(dir, "inner.o")
	f, err := os.Create(innerObj)
	require.NoError(t, err)
	require.NoError(t, obj.WriteELF(f, o))
	require.NoError(t, f.Close())

	for _, order := range [][]string{{outer, innerObj}, {innerObj, outer}} {
		m := asmMachine(t)
		l, err := loader.LoadFiles(m, order, &loader.Options{Base: asmBase})
		require.NoError(t, err, "%v", order)
		assert.Equal(t, uint64(1000+2*7), call(t, m, l, "outer", 7), "%v", order)
		_, ok := l.Addr("inner")
		assert.True(t, ok)
	}
}

func TestLoadSource(t *testing.T) {
	m := asmMachine(t)
	l, err := loader.LoadSource(m, "inline.s", []byte(srcOuter+srcInner), &loader.Options{Base: asmBase, Entry: "inner"})
	require.NoError(t, err)
	inner, _ := l.Addr("inner")
	assert.Equal(t, inner, l.Entry, "Options.Entry names the entry symbol")
	assert.Equal(t, uint64(1000), call(t, m, l, "outer", 0))
	assert.Equal(t, "inline.s", l.Image.Name)

	// Base 0 links at obj.DefaultBase, as for an object file.
	m = asmMachine(t)
	l, err = loader.LoadSource(m, "inline.s", []byte(srcOuter+srcInner), nil)
	require.NoError(t, err)
	outer, _ := l.Addr("outer")
	assert.Equal(t, uint64(obj.DefaultBase), outer)
}

func TestLoadSourceErrorsKeepPositions(t *testing.T) {
	src := "\t.text\nf:\tadd x0, x1, #5000\n\tfrob x0\n\tret\n"
	m := asmMachine(t)
	before := m.Memory().Regions()
	_, err := loader.LoadSource(m, "bad.s", []byte(src), nil)
	require.Error(t, err)
	var list asm.ErrorList
	require.True(t, errors.As(err, &list), "the assembler's errors come back as an asm.ErrorList: %v", err)
	require.Len(t, list, 2)
	assert.Equal(t, asm.Pos{File: "bad.s", Line: 2, Col: 16}, list[0].Pos)
	assert.Equal(t, asm.Pos{File: "bad.s", Line: 3, Col: 2}, list[1].Pos)
	assert.Contains(t, err.Error(), "bad.s:3:2: unknown instruction 'frob'")
	assert.Equal(t, before, m.Memory().Regions(), "a failed load maps nothing")

	// From files, every source's errors are reported, each with its file.
	dir := t.TempDir()
	a := writeFile(t, dir, "a.s", "\tfrob\n")
	b := writeFile(t, dir, "b.s", "\n\tmov x0, w1\n")
	_, err = loader.LoadFiles(m, []string{a, b}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), a+":1:2: unknown instruction 'frob'")
	assert.Contains(t, err.Error(), b+":2:10: expected a 64-bit register")
	_, err = loader.LoadFile(m, a, nil)
	require.Error(t, err)
	require.True(t, errors.As(err, &list))
	assert.Equal(t, asm.Pos{File: a, Line: 1, Col: 2}, list[0].Pos)
	assert.Equal(t, before, m.Memory().Regions())
}

func TestLoadFilesErrors(t *testing.T) {
	dir := t.TempDir()
	m := asmMachine(t)
	before := m.Memory().Regions()

	_, err := loader.LoadFiles(m, nil, nil)
	assert.ErrorContains(t, err, "no files")

	// An undefined symbol is the linker's error.
	outer := writeFile(t, dir, "outer.s", srcOuter)
	_, err = loader.LoadFiles(m, []string{outer}, &loader.Options{Base: asmBase})
	assert.ErrorContains(t, err, "inner")

	// A .S file needs the preprocessor.
	pre := writeFile(t, dir, "pre.S", "#include <linux/linkage.h>\n")
	_, err = loader.LoadFile(m, pre, nil)
	assert.ErrorContains(t, err, "C preprocessor")

	// A missing file.
	_, err = loader.LoadFiles(m, []string{filepath.Join(dir, "none.s")}, nil)
	assert.ErrorContains(t, err, "none.s")

	// Not an ELF file.
	junk := writeFile(t, dir, "junk.o", "not an object")
	_, err = loader.LoadFiles(m, []string{outer, junk}, nil)
	assert.ErrorContains(t, err, "junk.o")

	// Memory already mapped where the image goes.
	_, err = loader.LoadSource(m, "x.s", []byte(srcInner), &loader.Options{Base: asmStack})
	assert.Error(t, err)

	assert.Equal(t, before, m.Memory().Regions(), "failed loads map nothing")
}

// An executable is linked already: LoadFile loads it, LoadFiles refuses
// to link it with other files.
func TestLoadFilesRefusesExecutables(t *testing.T) {
	ld := oracle.Command(t, "aarch64-linux-gnu-ld", "binutils-aarch64-linux-gnu")
	dir := t.TempDir()
	o, err := asm.Assemble("inner.s", []byte(srcInner))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, obj.WriteELF(&b, o))
	in := writeFile(t, dir, "inner.o", b.String())
	exe := filepath.Join(dir, "inner")
	out, err := exec.Command(ld, "-e", "inner", "-o", exe, in).CombinedOutput()
	require.NoError(t, err, "%s", out)

	m := asmMachine(t)
	before := m.Memory().Regions()
	outer := writeFile(t, dir, "outer.s", srcOuter)
	_, err = loader.LoadFiles(m, []string{exe, outer}, nil)
	assert.ErrorContains(t, err, "only relocatable objects")
	assert.Equal(t, before, m.Memory().Regions())
	l, err := loader.LoadFile(m, exe, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(10), call(t, m, l, "inner", 5))
}
