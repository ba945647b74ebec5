package obj

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"strings"
)

// WriteELF writes o as an ELF64 little-endian EM_AARCH64 relocatable object
// (ET_REL), the form GNU as produces and ld, objdump and readelf accept:
// the object's sections in order, a .rela<name> section for each section
// with relocations, .symtab (local symbols first, as the gABI requires),
// .strtab and .shstrtab. ReadELF reads the file back to the same Object,
// with the local symbols moved before the others if they were not.
func WriteELF(w io.Writer, o *Object) error {
	if err := checkObject(o); err != nil {
		return err
	}
	ew := &elfWriter{o: o, shstr: newStrtabBuilder(), str: newStrtabBuilder()}
	return ew.write(w)
}

// strtabBuilder collects the strings of a string table, each once.
type strtabBuilder struct {
	buf bytes.Buffer
	off map[string]uint32
}

func newStrtabBuilder() *strtabBuilder {
	b := &strtabBuilder{off: map[string]uint32{"": 0}}
	b.buf.WriteByte(0)
	return b
}

func (b *strtabBuilder) add(s string) uint32 {
	if off, ok := b.off[s]; ok {
		return off
	}
	off := uint32(b.buf.Len())
	b.buf.WriteString(s)
	b.buf.WriteByte(0)
	b.off[s] = off
	return off
}

type shdr struct {
	name       uint32
	typ        elf.SectionType
	flags      elf.SectionFlag
	off, size  uint64
	link, info uint32
	align, ent uint64
	data       []byte // nil for NOBITS and the null section
}

type elfWriter struct {
	o          *Object
	shstr, str *strtabBuilder
	shdrs      []shdr
}

// sectionType gives a section the ELF type its name implies (gABI,
// "Special Sections").
func sectionType(s *Section) elf.SectionType {
	switch {
	case s.Data == nil:
		return elf.SHT_NOBITS
	case strings.HasPrefix(s.Name, ".init_array"):
		return elf.SHT_INIT_ARRAY
	case strings.HasPrefix(s.Name, ".fini_array"):
		return elf.SHT_FINI_ARRAY
	case strings.HasPrefix(s.Name, ".preinit_array"):
		return elf.SHT_PREINIT_ARRAY
	case strings.HasPrefix(s.Name, ".note"):
		return elf.SHT_NOTE
	}
	return elf.SHT_PROGBITS
}

func (ew *elfWriter) write(w io.Writer) error {
	o := ew.o
	ew.shdrs = []shdr{{}}
	for _, s := range o.Sections {
		var fl elf.SectionFlag
		if s.Flags&SecAlloc != 0 {
			fl |= elf.SHF_ALLOC
		}
		if s.Flags&SecWrite != 0 {
			fl |= elf.SHF_WRITE
		}
		if s.Flags&SecExec != 0 {
			fl |= elf.SHF_EXECINSTR
		}
		ew.shdrs = append(ew.shdrs, shdr{name: ew.shstr.add(s.Name), typ: sectionType(s), flags: fl, size: s.Size, align: s.Align, data: s.Data})
	}

	// Symbols: the null symbol, the locals, then the rest.
	symIdx := make([]uint32, len(o.Symbols))
	var syms bytes.Buffer
	syms.Write(make([]byte, symSize))
	n := uint32(1)
	var firstGlobal uint32
	for pass := range 2 {
		if pass == 1 {
			firstGlobal = n
		}
		for i, s := range o.Symbols {
			if (s.Binding == BindLocal) != (pass == 0) {
				continue
			}
			symIdx[i] = n
			n++
			syms.Write(ew.sym(s))
		}
	}

	// Relocations, grouped by the section they patch, in object order.
	symtabIdx := uint32(len(ew.shdrs) + countRelocSections(o))
	for si, s := range o.Sections {
		var rela bytes.Buffer
		for _, r := range o.Relocs {
			if r.Section != si {
				continue
			}
			var e [relaSize]byte
			le.PutUint64(e[0:], r.Offset)
			le.PutUint64(e[8:], uint64(symIdx[r.Symbol])<<32|uint64(r.Type))
			le.PutUint64(e[16:], uint64(r.Addend))
			rela.Write(e[:])
		}
		if rela.Len() == 0 {
			continue
		}
		ew.shdrs = append(ew.shdrs, shdr{name: ew.shstr.add(".rela" + s.Name), typ: elf.SHT_RELA, flags: elf.SHF_INFO_LINK,
			size: uint64(rela.Len()), link: symtabIdx, info: uint32(si + 1), align: 8, ent: relaSize, data: rela.Bytes()})
	}
	ew.shdrs = append(ew.shdrs, shdr{name: ew.shstr.add(".symtab"), typ: elf.SHT_SYMTAB, size: uint64(syms.Len()),
		link: symtabIdx + 1, info: firstGlobal, align: 8, ent: symSize, data: syms.Bytes()})
	ew.shdrs = append(ew.shdrs, shdr{name: ew.shstr.add(".strtab"), typ: elf.SHT_STRTAB, align: 1})
	strtabIdx := len(ew.shdrs) - 1
	ew.shdrs = append(ew.shdrs, shdr{name: ew.shstr.add(".shstrtab"), typ: elf.SHT_STRTAB, align: 1})
	ew.shdrs[strtabIdx].data = ew.str.buf.Bytes()
	ew.shdrs[strtabIdx].size = uint64(ew.str.buf.Len())
	last := &ew.shdrs[len(ew.shdrs)-1]
	last.data, last.size = ew.shstr.buf.Bytes(), uint64(ew.shstr.buf.Len())
	if len(ew.shdrs) >= int(elf.SHN_LORESERVE) {
		return fmt.Errorf("elf: %d sections: more than an ELF header can count without extended numbering", len(ew.shdrs))
	}

	// Lay out the file: header, section contents, section headers.
	off := uint64(ehdrSize)
	for i := range ew.shdrs {
		h := &ew.shdrs[i]
		if i == 0 || h.typ == elf.SHT_NOBITS {
			h.off = off
			continue
		}
		a := max(h.align, 1)
		off = (off + a - 1) &^ (a - 1)
		h.off = off
		off += h.size
	}
	shoff := (off + 7) &^ 7

	var out bytes.Buffer
	var eh [ehdrSize]byte
	copy(eh[:], elf.ELFMAG)
	eh[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	eh[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	eh[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	le.PutUint16(eh[16:], uint16(elf.ET_REL))
	le.PutUint16(eh[18:], uint16(elf.EM_AARCH64))
	le.PutUint32(eh[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(eh[40:], shoff)
	le.PutUint16(eh[52:], ehdrSize)
	le.PutUint16(eh[58:], shdrSize)
	le.PutUint16(eh[60:], uint16(len(ew.shdrs)))
	le.PutUint16(eh[62:], uint16(len(ew.shdrs)-1))
	out.Write(eh[:])
	for i, h := range ew.shdrs {
		if i == 0 || h.typ == elf.SHT_NOBITS {
			continue
		}
		out.Write(make([]byte, h.off-uint64(out.Len())))
		out.Write(h.data)
	}
	out.Write(make([]byte, shoff-uint64(out.Len())))
	for _, h := range ew.shdrs {
		var b [shdrSize]byte
		le.PutUint32(b[0:], h.name)
		le.PutUint32(b[4:], uint32(h.typ))
		le.PutUint64(b[8:], uint64(h.flags))
		le.PutUint64(b[24:], h.off)
		le.PutUint64(b[32:], h.size)
		le.PutUint32(b[40:], h.link)
		le.PutUint32(b[44:], h.info)
		le.PutUint64(b[48:], h.align)
		le.PutUint64(b[56:], h.ent)
		out.Write(b[:])
	}
	_, err := w.Write(out.Bytes())
	return err
}

func countRelocSections(o *Object) int {
	has := make([]bool, len(o.Sections))
	n := 0
	for _, r := range o.Relocs {
		if !has[r.Section] {
			has[r.Section] = true
			n++
		}
	}
	return n
}

// sym encodes a symbol table entry.
func (ew *elfWriter) sym(s *Symbol) []byte {
	var b [symSize]byte
	var typ elf.SymType
	switch s.Kind {
	case SymFunc:
		typ = elf.STT_FUNC
	case SymObject:
		typ = elf.STT_OBJECT
	case SymSection:
		typ = elf.STT_SECTION
	}
	bind := elf.STB_GLOBAL
	switch s.Binding {
	case BindLocal:
		bind = elf.STB_LOCAL
	case BindWeak:
		bind = elf.STB_WEAK
	}
	if typ != elf.STT_SECTION {
		// Section symbols are named by their section (gABI).
		le.PutUint32(b[0:], ew.str.add(s.Name))
	}
	b[4] = byte(elf.ST_INFO(bind, typ))
	var shndx uint16
	switch s.Section {
	case SectionUndef:
		shndx = uint16(elf.SHN_UNDEF)
	case SectionAbs:
		shndx = uint16(elf.SHN_ABS)
	default:
		shndx = uint16(s.Section + 1)
	}
	le.PutUint16(b[6:], shndx)
	le.PutUint64(b[8:], s.Value)
	le.PutUint64(b[16:], s.Size)
	return b[:]
}
