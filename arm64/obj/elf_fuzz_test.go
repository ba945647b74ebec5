package obj

import (
	"bytes"
	"debug/elf"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// synthSection is a section of synthELF: alloc sections are placed at
// their address, which is also their file offset (one PT_LOAD maps the
// file from 0), the others after them.
type synthSection struct {
	name       string
	typ        elf.SectionType
	flags      elf.SectionFlag
	addr       uint64
	data       []byte
	link, info uint32
	ent        uint64
}

// synthELF builds an ET_EXEC or ET_DYN without binutils, for seeds and
// for the paths ld does not reach (RELR, a kernel-like ET_DYN without
// PT_DYNAMIC).
func synthELF(typ elf.Type, entry uint64, secs []synthSection) []byte {
	var end uint64 = ehdrSize + phdrSize
	for _, s := range secs {
		if s.flags&elf.SHF_ALLOC != 0 && s.addr+uint64(len(s.data)) > end {
			end = s.addr + uint64(len(s.data))
		}
	}
	file := make([]byte, end)
	shstr := newStrtabBuilder()
	type hdr struct {
		name uint32
		s    synthSection
		off  uint64
	}
	hdrs := []hdr{{}}
	for _, s := range secs {
		h := hdr{name: shstr.add(s.name), s: s}
		if s.flags&elf.SHF_ALLOC != 0 {
			copy(file[s.addr:], s.data)
			h.off = s.addr
		} else {
			h.off = uint64(len(file))
			file = append(file, s.data...)
		}
		hdrs = append(hdrs, h)
	}
	shstrIdx := len(hdrs)
	hdrs = append(hdrs, hdr{name: shstr.add(".shstrtab"), s: synthSection{typ: elf.SHT_STRTAB, data: shstr.buf.Bytes()}, off: uint64(len(file))})
	file = append(file, shstr.buf.Bytes()...)
	for len(file)%8 != 0 {
		file = append(file, 0)
	}
	shoff := uint64(len(file))
	for _, h := range hdrs {
		var b [shdrSize]byte
		le.PutUint32(b[0:], h.name)
		le.PutUint32(b[4:], uint32(h.s.typ))
		le.PutUint64(b[8:], uint64(h.s.flags))
		le.PutUint64(b[16:], h.s.addr)
		le.PutUint64(b[24:], h.off)
		le.PutUint64(b[32:], uint64(len(h.s.data)))
		le.PutUint32(b[40:], h.s.link)
		le.PutUint32(b[44:], h.s.info)
		le.PutUint64(b[48:], 1)
		le.PutUint64(b[56:], h.s.ent)
		file = append(file, b[:]...)
	}
	copy(file, elf.ELFMAG)
	file[elf.EI_CLASS], file[elf.EI_DATA], file[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	le.PutUint16(file[16:], uint16(typ))
	le.PutUint16(file[18:], uint16(elf.EM_AARCH64))
	le.PutUint32(file[20:], 1)
	le.PutUint64(file[24:], entry)
	le.PutUint64(file[32:], ehdrSize)
	le.PutUint64(file[40:], shoff)
	le.PutUint16(file[52:], ehdrSize)
	le.PutUint16(file[54:], phdrSize)
	le.PutUint16(file[56:], 1)
	le.PutUint16(file[58:], shdrSize)
	le.PutUint16(file[60:], uint16(len(hdrs)))
	le.PutUint16(file[62:], uint16(shstrIdx))
	p := file[ehdrSize:]
	le.PutUint32(p[0:], uint32(elf.PT_LOAD))
	le.PutUint32(p[4:], uint32(elf.PF_R|elf.PF_W|elf.PF_X))
	le.PutUint64(p[16:], 0)
	le.PutUint64(p[32:], end)
	le.PutUint64(p[40:], end+0x100) // and a little bss
	return file
}

func rela(off uint64, sym uint32, typ RelocType, add int64) []byte {
	b := make([]byte, relaSize)
	le.PutUint64(b, off)
	le.PutUint64(b[8:], uint64(sym)<<32|uint64(typ))
	le.PutUint64(b[16:], uint64(add))
	return b
}

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

func u64s(vs ...uint64) []byte {
	var b []byte
	for _, v := range vs {
		b = le.AppendUint64(b, v)
	}
	return b
}

// symEntry encodes a symbol table entry.
func symEntry(name uint32, info byte, shndx uint16, value, size uint64) []byte {
	b := make([]byte, symSize)
	le.PutUint32(b, name)
	b[4] = info
	le.PutUint16(b[6:], shndx)
	le.PutUint64(b[8:], value)
	le.PutUint64(b[16:], size)
	return b
}

// kernelLike is an ET_DYN without PT_DYNAMIC, as Linux links itself:
// text at 0x100, a pointer table at 0x200 filled by RELA and RELR
// relocations, and one R_AARCH64_ABS64 that the kernel would skip.
func kernelLike() []byte {
	strs := "\x00_text\x00table\x00$x\x00"
	return synthELF(elf.ET_DYN, 0x100, []synthSection{
		{name: ".text", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, addr: 0x100, data: words(0xd2800540, 0xd65f03c0)},
		// Two RELA places (zero in the file), then three RELR places
		// holding their link-time values: 0x218 by address, 0x220 and
		// 0x230 by the bitmap (bits 1 and 3: words 0 and 2 after 0x218).
		{name: ".data", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_WRITE, addr: 0x200, data: u64s(0, 0, 0, 0x100, 0x104, 0x77, 0x200)},
		{name: ".rela.dyn", typ: elf.SHT_RELA, flags: elf.SHF_ALLOC, addr: 0x300, ent: relaSize, link: 5, data: cat(
			rela(0x200, 0, R_AARCH64_RELATIVE, 0x100),
			rela(0x208, 0, R_AARCH64_RELATIVE, 0x204),
			rela(0, 0, R_AARCH64_NONE, 0),
			rela(0x210, 2, R_AARCH64_ABS64, 0),
		)},
		{name: ".relr.dyn", typ: shtRELR, flags: elf.SHF_ALLOC, addr: 0x380, ent: 8, data: u64s(0x218, 1<<1|1<<3|1)},
		{name: ".symtab", typ: elf.SHT_SYMTAB, link: 6, info: 1, ent: symSize, data: cat(
			symEntry(0, 0, 0, 0, 0),
			symEntry(1, byte(elf.ST_INFO(elf.STB_GLOBAL, elf.STT_FUNC)), 1, 0x100, 8),
			symEntry(7, byte(elf.ST_INFO(elf.STB_LOCAL, elf.STT_OBJECT)), 2, 0x200, 0x38),
			symEntry(13, byte(elf.ST_INFO(elf.STB_LOCAL, elf.STT_NOTYPE)), 1, 0x100, 0),
		)},
		{name: ".strtab", typ: elf.SHT_STRTAB, data: []byte(strs)},
	})
}

func TestReadELFKernelLike(t *testing.T) {
	f, err := ReadELF(bytes.NewReader(kernelLike()))
	require.NoError(t, err)
	img := f.Image
	require.Len(t, img.Segments, 1)
	assert.Equal(t, u64s(0x100, 0x204, 0, 0x100, 0x104, 0x77, 0x200), img.Segments[0].Data[0x200:0x238],
		"RELA places filled; the ABS64 skipped; RELR places keep their values")
	assert.Len(t, img.Relative, 5)
	require.Len(t, img.Notes, 1)
	assert.Contains(t, img.Notes[0], "skipped 1 dynamic relocations other than R_AARCH64_RELATIVE (R_AARCH64_ABS64 x1)")
	assert.Equal(t, []ImageSymbol{
		{Name: "_text", Addr: 0x100, Size: 8, Kind: SymFunc, Binding: BindGlobal, Type: 'T'},
		{Name: "table", Addr: 0x200, Size: 0x38, Kind: SymObject, Binding: BindLocal, Type: 'd'},
	}, img.Symbols, "no mapping symbol")

	const kimage = 0xffff800008000000
	require.NoError(t, img.Rebase(kimage))
	assert.Equal(t, u64s(kimage+0x100, kimage+0x204, 0, kimage+0x100, kimage+0x104, 0x77, kimage+0x200),
		img.Segments[0].Data[0x200:0x238], "every relative place moved, the skipped one did not")
	assert.Equal(t, uint64(kimage+0x100), img.Entry)
}

// FuzzReadELF feeds ReadELF and ReadSymbols arbitrary bytes: they must
// return, without panicking, and allocate in proportion to the input whatever the headers
// say (the limit here is generous: 64 bytes for each byte of input, plus
// 4 MiB for the fixed costs).
func FuzzReadELF(f *testing.F) {
	f.Add(validObject(f))
	f.Add(synthExec(f, elf.ET_EXEC))
	f.Add(synthExec(f, elf.ET_DYN))
	f.Add(kernelLike())
	var b bytes.Buffer
	if err := WriteELF(&b, calleeObject()); err == nil {
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		file, err := ReadELF(bytes.NewReader(data))
		runtime.ReadMemStats(&after)
		if err == nil && file == nil {
			t.Fatal("no file and no error")
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64*uint64(len(data))+4<<20 {
			t.Fatalf("ReadELF of %d bytes allocated %d bytes", len(data), grew)
		}
		runtime.ReadMemStats(&before)
		_, serr := ReadSymbols(bytes.NewReader(data))
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64*uint64(len(data))+4<<20 {
			t.Fatalf("ReadSymbols of %d bytes allocated %d bytes", len(data), grew)
		}
		if err == nil && file.Image != nil && len(file.Image.Symbols) > 0 && serr != nil {
			t.Fatalf("ReadELF found symbols, ReadSymbols failed: %v", serr)
		}
		if err == nil && file.Object != nil && objectSize(file.Object) < 1<<20 {
			// What ReadELF accepts, the linker must handle without a
			// panic too (an error is fine).
			_, _ = Link([]*Object{file.Object}, nil)
		}
	})
}

func objectSize(o *Object) uint64 {
	var n uint64
	for _, s := range o.Sections {
		n += s.Size
	}
	return n
}

// TestReadELFExecDynRelocsLeftAlone: a static glibc executable's
// R_AARCH64_IRELATIVE relocations are resolved by its own startup code
// (csu/libc-start.c: apply_irel); the reader leaves them and says so.
func TestReadELFExecDynRelocsLeftAlone(t *testing.T) {
	data := synthELF(elf.ET_EXEC, 0x100, []synthSection{
		{name: ".text", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, addr: 0x100, data: words(0xd65f03c0)},
		{name: ".rela.iplt", typ: elf.SHT_RELA, flags: elf.SHF_ALLOC | elf.SHF_INFO_LINK, addr: 0x200, ent: relaSize,
			data: rela(0x300, 0, RelocType(1032), 0x100)},
		{name: ".got", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_WRITE, addr: 0x300, data: u64s(0)},
	})
	f, err := ReadELF(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Empty(t, f.Image.Relative)
	require.Len(t, f.Image.Notes, 1)
	assert.Contains(t, f.Image.Notes[0], "dynamic relocations of .rela.iplt left to the program")
	assert.Equal(t, u64s(0), f.Image.Segments[0].Data[0x300:0x308])

	// The same in a position-independent image with PT_DYNAMIC would need
	// a dynamic linker: see TestReadELFSharedObjectRefused.
}
