package obj

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nmLines runs GNU nm on path and returns its lines ("addr T name"), the
// reference for an image's symbol list.
func nmLines(t *testing.T, path string) []string {
	t.Helper()
	out := run(t, binutil(t, "nm"), path)
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// assertSymbolsMatchNM compares symbols with nm's listing of the file at
// path, as multisets of "address letter name" lines (nm sorts by name).
func assertSymbolsMatchNM(t *testing.T, syms []ImageSymbol, path string) {
	t.Helper()
	want := map[string]int{}
	for _, l := range nmLines(t, path) {
		if strings.HasPrefix(l, " ") { // an undefined symbol has no address
			l = fmt.Sprintf("%016x", 0) + l[16:]
		}
		want[l]++
	}
	got := map[string]int{}
	for _, s := range syms {
		got[fmt.Sprintf("%016x %c %s", s.Addr, s.Type, s.Name)]++
	}
	assert.Equal(t, want, got)
}

func TestReadELFObject(t *testing.T) {
	o, path := asmObject(t, "a", relocSrcA)
	names := map[string]*Section{}
	for _, s := range o.Sections {
		names[s.Name] = s
	}
	require.Contains(t, names, ".text")
	require.Contains(t, names, ".data")
	require.Contains(t, names, ".bss")
	assert.Equal(t, SecAlloc|SecExec, names[".text"].Flags)
	assert.Equal(t, SecAlloc|SecWrite, names[".data"].Flags)
	assert.Nil(t, names[".bss"].Data)
	for name, s := range names {
		assert.NotEqual(t, "", name)
		assert.True(t, s.Flags&SecAlloc != 0, "only allocated sections: %s", name)
	}

	// As many relocations as readelf lists for the allocated sections.
	out := string(run(t, binutil(t, "readelf"), "-rW", path))
	n := strings.Count(out, "R_AARCH64_")
	assert.Equal(t, n, len(o.Relocs))
	start := -1
	for i, s := range o.Symbols {
		if s.Name == "_start" {
			start = i
		}
	}
	require.GreaterOrEqual(t, start, 0)
	assert.Equal(t, &Symbol{Name: "_start", Section: 0, Binding: BindGlobal}, o.Symbols[start])
	var undef []string
	for _, s := range o.Symbols {
		if s.Section == SectionUndef {
			undef = append(undef, s.Name)
		}
	}
	assert.ElementsMatch(t, []string{"func", "blit", "var8", "var16", "var32", "var64", "var128", "small", "far"}, undef)
}

func TestReadELFUnsupportedReloc(t *testing.T) {
	path := assemble(t, "got", "\t.text\n\tnop\n\tadrp\tx0, :got:ext\n")
	_, err := OpenELF(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "elf: .text+0x4: unsupported relocation R_AARCH64_ADR_GOT_PAGE against ext")
}

func TestReadELFExec(t *testing.T) {
	pa := assemble(t, "a", relocSrcA)
	pb := assemble(t, "b", relocSrcB)
	out := filepath.Join(t.TempDir(), "a.out")
	run(t, binutil(t, "ld"), "-o", out, pa, pb)
	f, err := OpenELF(out)
	require.NoError(t, err)
	require.Equal(t, elf.ET_EXEC, f.Type)
	img := f.Image
	ref, err := elf.Open(out)
	require.NoError(t, err)
	defer ref.Close()
	assert.Equal(t, ref.Entry, img.Entry)
	var loads []elf.ProgHeader
	for _, p := range ref.Progs {
		if p.Type == elf.PT_LOAD {
			loads = append(loads, p.ProgHeader)
		}
	}
	require.Len(t, img.Segments, len(loads))
	for i, p := range loads {
		s := img.Segments[i]
		assert.Equal(t, p.Vaddr, s.Addr)
		assert.Equal(t, p.Memsz, s.MemSize)
		assert.Equal(t, int(p.Filesz), len(s.Data))
		data := make([]byte, p.Filesz)
		_, err := ref.Progs[i].ReadAt(data, 0)
		require.NoError(t, err)
		assert.Equal(t, data, s.Data)
	}
	assertSymbolsMatchNM(t, img.Symbols, out)
	assert.Empty(t, img.Relative)
}

// TestReadELFStaticPIE reads a PIE made by ld, whose pointers are
// R_AARCH64_RELATIVE relocations, with the places left zero in the file
// (--no-apply-dynamic-relocs, as Linux links itself) and filled by ld.
func TestReadELFStaticPIE(t *testing.T) {
	const src = `
	.text
	.globl	_start
_start:	ret
	.globl	val
val:	ret
	.data
	.balign	8
table:	.quad	_start, val, table+16
`
	o := assemble(t, "pie", src)
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero")
	filled := filepath.Join(dir, "filled")
	ld := binutil(t, "ld")
	run(t, ld, "-pie", "--no-dynamic-linker", "-z", "text", "--no-apply-dynamic-relocs", "-o", zero, o)
	run(t, ld, "-pie", "--no-dynamic-linker", "-z", "text", "-o", filled, o)

	fz, err := OpenELF(zero)
	require.NoError(t, err)
	ff, err := OpenELF(filled)
	require.NoError(t, err)
	require.Equal(t, elf.ET_DYN, fz.Type)
	require.Len(t, fz.Image.Relative, 3)
	table, ok := fz.Image.Lookup("table")
	require.True(t, ok)
	start, _ := fz.Image.Lookup("_start")
	val, _ := fz.Image.Lookup("val")

	// The file holds zeros; ReadELF filled the places as ld would have.
	ef, err := elf.Open(zero)
	require.NoError(t, err)
	defer ef.Close()
	raw, err := ef.Section(".data").Data()
	require.NoError(t, err)
	assert.Equal(t, make([]byte, 24), raw, "the places are zero in the file")
	got := imageBytes(t, fz.Image, table.Addr, 24)
	assert.Equal(t, imageBytes(t, ff.Image, table.Addr, 24), got)
	assert.Equal(t, []uint64{start.Addr, val.Addr, table.Addr + 16}, []uint64{
		binary.LittleEndian.Uint64(got), binary.LittleEndian.Uint64(got[8:]), binary.LittleEndian.Uint64(got[16:])})

	// Rebase moves everything, pointers included.
	const base = 0x7f0000000000
	require.NoError(t, fz.Image.Rebase(base))
	table2, _ := fz.Image.Lookup("table")
	assert.Equal(t, table.Addr+base, table2.Addr)
	assert.Equal(t, uint64(base), fz.Image.Segments[0].Addr)
	got = imageBytes(t, fz.Image, table2.Addr, 24)
	assert.Equal(t, start.Addr+base, binary.LittleEndian.Uint64(got))
	assert.Equal(t, table.Addr+16+base, binary.LittleEndian.Uint64(got[16:]))
	assert.Equal(t, start.Addr+base, fz.Image.Entry)
	// And back.
	back := uint64(base)
	require.NoError(t, fz.Image.Rebase(-back))
	assert.Equal(t, imageBytes(t, ff.Image, table.Addr, 24), imageBytes(t, fz.Image, table.Addr, 24))
}

// TestReadELFSharedObjectRefused: the ABS64 relocations against exported
// symbols of a shared object need a dynamic linker.
func TestReadELFSharedObjectRefused(t *testing.T) {
	o := assemble(t, "so", "\t.text\n\t.globl f\nf:\tret\n\t.data\n\t.quad f\n")
	so := filepath.Join(t.TempDir(), "lib.so")
	run(t, binutil(t, "ld"), "-shared", "-o", so, o)
	_, err := OpenELF(so)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "relocation R_AARCH64_ABS64 at 0x")
	assert.Contains(t, err.Error(), "need a dynamic linker")
}

// validObject is an ET_REL file that WriteELF makes without binutils.
func validObject(t testing.TB) []byte {
	var b bytes.Buffer
	require.NoError(t, WriteELF(&b, callerObject()))
	return b.Bytes()
}

func TestReadELFNotAArch64(t *testing.T) {
	good := validObject(t)
	patch := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "elf: an empty file"},
		{"short", []byte{0x7f, 'E'}, "a 2-byte file, too short"},
		{"text", []byte("hello, world\n"), "not an ELF file (it starts with 68 65 6c 6c 6f 2c 20 77)"},
		{"ar", []byte("!<arch>\nfoo.o/ ..."), "an ar archive"},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0}, "gzip-compressed data"},
		{"script", []byte("#!/bin/sh\n"), "a script"},
		{"Image", append(append(make([]byte, 0x38), "ARM\x64"...), make([]byte, 8)...), "an arm64 Linux boot Image"},
		{"elf32", patch(func(b []byte) { b[elf.EI_CLASS] = byte(elf.ELFCLASS32) }),
			"an ELF32 little-endian EM_AARCH64 ET_REL file: kpemu reads ELF64 little-endian EM_AARCH64 files only"},
		{"big-endian", patch(func(b []byte) { b[elf.EI_DATA] = byte(elf.ELFDATA2MSB) }), "an ELF64 big-endian"},
		{"x86-64", patch(func(b []byte) { binary.LittleEndian.PutUint16(b[18:], uint16(elf.EM_X86_64)) }),
			"an ELF64 little-endian EM_X86_64 ET_REL file"},
		{"core", patch(func(b []byte) { binary.LittleEndian.PutUint16(b[16:], uint16(elf.ET_CORE)) }), "a core dump"},
	}
	for _, tc := range tests {
		_, err := ReadELF(bytes.NewReader(tc.data))
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}
}

// TestReadELFMalformed corrupts a valid object in the ways a broken or
// hostile file would: every one must be an error, none a panic.
func TestReadELFMalformed(t *testing.T) {
	good := validObject(t)
	_, err := ReadELF(bytes.NewReader(good))
	require.NoError(t, err)

	shoff := binary.LittleEndian.Uint64(good[40:])
	shnum := int(binary.LittleEndian.Uint16(good[60:]))
	sh := func(b []byte, i, field int) []byte { return b[int(shoff)+i*shdrSize+field:] }
	find := func(b []byte, typ elf.SectionType) int {
		for i := 0; i < shnum; i++ {
			if elf.SectionType(binary.LittleEndian.Uint32(sh(b, i, 4))) == typ {
				return i
			}
		}
		t.Fatalf("no section of type %v", typ)
		return 0
	}
	put64 := func(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) }
	put32 := func(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }
	put16 := func(b []byte, v uint16) { binary.LittleEndian.PutUint16(b, v) }
	tests := []struct {
		name  string
		patch func(b []byte)
		want  string
	}{
		{"section headers past the end", func(b []byte) { put64(b[40:], uint64(len(b))) }, "extends past the end of the file"},
		{"section count too large", func(b []byte) { put16(b[60:], 0xfff0) }, "section headers do not fit"},
		{"section header size", func(b []byte) { put16(b[58:], 40) }, "section header size 40"},
		{"name table index", func(b []byte) { put16(b[62:], uint16(shnum)) }, "section name table index"},
		{"name table type", func(b []byte) { put32(sh(b, shnum-1, 4), uint32(elf.SHT_PROGBITS)) }, "want SHT_STRTAB"},
		{"name offset", func(b []byte) { put32(sh(b, 1, 0), 1<<30) }, "name offset out of the section name table"},
		{"section offset", func(b []byte) { put64(sh(b, 1, 24), 1<<62) }, "section .text at offset 0x4000000000000000"},
		{"huge section", func(b []byte) { put64(sh(b, 1, 32), 1<<60) }, "more than 1024 MiB"},
		{"large section", func(b []byte) { put64(sh(b, 1, 32), 1<<20) }, "extends past the end of the file"},
		{"huge bss", func(b []byte) { put64(sh(b, 3, 32), 1<<60) }, "more than 1024 MiB"},
		{"alignment", func(b []byte) { put64(sh(b, 1, 48), 3) }, "alignment 3 is not a power of two"},
		{"symtab entry size", func(b []byte) { put64(sh(b, find(b, elf.SHT_SYMTAB), 56), 16) }, "entry size 16, want 24"},
		{"symtab link", func(b []byte) { put32(sh(b, find(b, elf.SHT_SYMTAB), 40), 999) }, "string table index 999 out of range"},
		{"symtab size", func(b []byte) { put64(sh(b, find(b, elf.SHT_SYMTAB), 32), 1<<40*24) }, "extends past the end of the file"},
		{"symbol section", func(b []byte) {
			st := find(b, elf.SHT_SYMTAB)
			off := binary.LittleEndian.Uint64(sh(b, st, 24))
			put16(b[off+symSize+6:], 200)
		}, "section index 200 out of range"},
		{"symbol name", func(b []byte) {
			st := find(b, elf.SHT_SYMTAB)
			off := binary.LittleEndian.Uint64(sh(b, st, 24))
			put32(b[off+symSize:], 1<<31)
		}, "name offset 0x80000000 out of the string table"},
		{"reloc symbol", func(b []byte) {
			r := find(b, elf.SHT_RELA)
			off := binary.LittleEndian.Uint64(sh(b, r, 24))
			put64(b[off+8:], 77<<32|uint64(R_AARCH64_CALL26))
		}, "symbol index 77 out of range"},
		{"reloc type", func(b []byte) {
			r := find(b, elf.SHT_RELA)
			off := binary.LittleEndian.Uint64(sh(b, r, 24))
			put32(b[off+8:], 1032)
		}, ".text+0x0: unsupported relocation R_AARCH64_IRELATIVE"},
		{"reloc offset", func(b []byte) {
			r := find(b, elf.SHT_RELA)
			off := binary.LittleEndian.Uint64(sh(b, r, 24))
			put64(b[off:], 0x1000)
		}, "past the end of the section"},
		{"reloc target", func(b []byte) { put32(sh(b, find(b, elf.SHT_RELA), 44), 999) }, "target section index 999 out of range"},
		{"reloc entry size", func(b []byte) { put64(sh(b, find(b, elf.SHT_RELA), 56), 16) }, "want entries of 24 bytes"},
		{"file type", func(b []byte) { put16(b[16:], 9) }, "file type"},
		{"version", func(b []byte) { b[elf.EI_VERSION] = 2 }, "version 2"},
	}
	for _, tc := range tests {
		b := append([]byte(nil), good...)
		tc.patch(b)
		_, err := ReadELF(bytes.NewReader(b))
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}

	// Every truncation of the file is an error (the section header
	// table is at its end), never a panic.
	for n := range len(good) {
		_, err := ReadELF(bytes.NewReader(good[:n]))
		assert.Error(t, err, "truncated to %d bytes", n)
	}
}

// TestReadELFImageMalformed corrupts the program headers of an executable.
func TestReadELFImageMalformed(t *testing.T) {
	good := synthExec(t, elf.ET_EXEC)
	_, err := ReadELF(bytes.NewReader(good))
	require.NoError(t, err)
	ph := func(b []byte, field int) []byte { return b[ehdrSize+field:] }
	tests := []struct {
		name  string
		patch func(b []byte)
		want  string
	}{
		{"program headers past the end", func(b []byte) { binary.LittleEndian.PutUint64(b[32:], uint64(len(b))-8) }, "program header table"},
		{"program header count", func(b []byte) { binary.LittleEndian.PutUint16(b[56:], 0xfffe) }, "program headers do not fit"},
		{"program header size", func(b []byte) { binary.LittleEndian.PutUint16(b[54:], 32) }, "program header size 32"},
		{"segment offset", func(b []byte) { binary.LittleEndian.PutUint64(ph(b, 8), 1<<40) }, "segment 0 at offset 0x10000000000"},
		{"file size above memory size", func(b []byte) { binary.LittleEndian.PutUint64(ph(b, 40), 1) }, "file size 0x8 above its memory size 0x1"},
		{"huge memory size", func(b []byte) { binary.LittleEndian.PutUint64(ph(b, 40), 1<<50) }, "more than 1024 MiB"},
		{"wrapping segment", func(b []byte) { binary.LittleEndian.PutUint64(ph(b, 16), 1<<64-4) }, "wraps around"},
		{"no segment", func(b []byte) { binary.LittleEndian.PutUint32(ph(b, 0), uint32(elf.PT_NOTE)) }, "no PT_LOAD segment"},
	}
	for _, tc := range tests {
		b := append([]byte(nil), good...)
		tc.patch(b)
		_, err := ReadELF(bytes.NewReader(b))
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}
}

// synthExec builds a minimal executable without binutils: one PT_LOAD of
// 8 bytes (mov x0, #42; ret) at 0x400000 and no section headers.
func synthExec(t testing.TB, typ elf.Type) []byte {
	b := make([]byte, ehdrSize+phdrSize+8)
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS], b[elf.EI_DATA], b[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	le.PutUint16(b[16:], uint16(typ))
	le.PutUint16(b[18:], uint16(elf.EM_AARCH64))
	le.PutUint32(b[20:], 1)
	le.PutUint64(b[24:], 0x400000)
	le.PutUint64(b[32:], ehdrSize)
	le.PutUint16(b[52:], ehdrSize)
	le.PutUint16(b[54:], phdrSize)
	le.PutUint16(b[56:], 1)
	p := b[ehdrSize:]
	le.PutUint32(p[0:], uint32(elf.PT_LOAD))
	le.PutUint32(p[4:], uint32(elf.PF_R|elf.PF_X))
	le.PutUint64(p[8:], ehdrSize+phdrSize)
	le.PutUint64(p[16:], 0x400000)
	le.PutUint64(p[32:], 8)
	le.PutUint64(p[40:], 8)
	le.PutUint32(b[ehdrSize+phdrSize:], 0xd2800540)   // mov x0, #42
	le.PutUint32(b[ehdrSize+phdrSize+4:], 0xd65f03c0) // ret
	return b
}

func TestReadELFSynthExec(t *testing.T) {
	f, err := ReadELF(bytes.NewReader(synthExec(t, elf.ET_EXEC)))
	require.NoError(t, err)
	require.Len(t, f.Image.Segments, 1)
	s := f.Image.Segments[0]
	assert.Equal(t, &Segment{Addr: 0x400000, Data: words(0xd2800540, 0xd65f03c0), MemSize: 8, Prot: ProtRead | ProtExec}, s)
	assert.Equal(t, uint64(0x400000), f.Image.Entry)
}

// onlyReaderAt hides Size and Stat, so that ReadELF must find the size by
// probing.
type onlyReaderAt struct{ r *bytes.Reader }

func (o onlyReaderAt) ReadAt(p []byte, off int64) (int, error) { return o.r.ReadAt(p, off) }

func TestReadELFPlainReaderAt(t *testing.T) {
	good := validObject(t)
	f, err := ReadELF(onlyReaderAt{bytes.NewReader(good)})
	require.NoError(t, err)
	assert.Len(t, f.Object.Relocs, 2)
	for _, n := range []int{0, 1, 63, 64, 65, 4095, 4096, 4097} {
		size, err := readerSize(onlyReaderAt{bytes.NewReader(make([]byte, n))})
		require.NoError(t, err)
		assert.Equal(t, int64(n), size)
	}
}
