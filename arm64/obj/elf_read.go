package obj

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
)

// File is an ELF file as kpemu reads it: a relocatable object (ET_REL) to
// link, or an image (ET_EXEC, ET_DYN) to load.
type File struct {
	Type   elf.Type // ET_REL, ET_EXEC or ET_DYN
	Object *Object  // for ET_REL
	Image  *Image   // for ET_EXEC and ET_DYN
}

// ReadELF reads an ELF64 little-endian EM_AARCH64 file. An ET_REL file
// becomes an Object: its allocated sections, its symbols and the RELA
// relocations of those sections. An ET_EXEC or ET_DYN file becomes an
// Image from its PT_LOAD segments, with the symbols of .symtab (or
// .dynsym); an ET_DYN image's R_AARCH64_RELATIVE relocations are applied
// for its link addresses (a load bias of 0: Image.Rebase moves it).
//
// ReadELF never panics and allocates in proportion to the file's size,
// whatever its headers claim: a malformed, truncated or hostile file gives
// an error that says what is wrong with it.
func ReadELF(r io.ReaderAt) (file *File, err error) {
	// The parser checks every offset and size it uses; recover is the
	// last line, so that a bug in it is still an error, not a crash.
	defer func() {
		if p := recover(); p != nil {
			file, err = nil, fmt.Errorf("elf: malformed file (reader panic: %v)", p)
		}
	}()
	f, h, secs, err := readHeaders(r)
	if err != nil {
		return nil, err
	}
	switch h.typ {
	case elf.ET_REL:
		o, err := readObject(f, secs)
		if err != nil {
			return nil, err
		}
		return &File{Type: h.typ, Object: o}, nil
	case elf.ET_EXEC, elf.ET_DYN:
		progs, err := readProgs(f, h)
		if err != nil {
			return nil, err
		}
		img, err := readImage(f, h, secs, progs)
		if err != nil {
			return nil, err
		}
		return &File{Type: h.typ, Image: img}, nil
	case elf.ET_CORE:
		return nil, fmt.Errorf("elf: a core dump (ET_CORE): kpemu reads objects and executables")
	}
	return nil, fmt.Errorf("elf: file type %v: kpemu reads ET_REL, ET_EXEC and ET_DYN files", h.typ)
}

// OpenELF reads the ELF file at path (see ReadELF) and names its object or
// image after it.
func OpenELF(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	file, err := ReadELF(fd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if file.Object != nil {
		file.Object.Name = path
	}
	if file.Image != nil {
		file.Image.Name = path
	}
	return file, nil
}

// stbGNUUnique is STB_GNU_UNIQUE (a GNU extension in the OS-specific
// binding range), which debug/elf does not name.
const stbGNUUnique elf.SymBind = 10

// elfSym is a symbol table entry.
type elfSym struct {
	name  string
	info  uint8
	shndx uint32 // the section index, after SHN_XINDEX is resolved
	value uint64
	size  uint64
}

func (s *elfSym) typ() elf.SymType  { return elf.ST_TYPE(s.info) }
func (s *elfSym) bind() elf.SymBind { return elf.ST_BIND(s.info) }
func (s *elfSym) special() bool     { return s.shndx >= uint32(elf.SHN_LORESERVE) && s.shndx <= 0xffff }
func (s *elfSym) undefined() bool   { return s.shndx == uint32(elf.SHN_UNDEF) }
func (s *elfSym) absolute() bool    { return s.shndx == uint32(elf.SHN_ABS) }
func (s *elfSym) common() bool      { return s.shndx == uint32(elf.SHN_COMMON) }
func (s *elfSym) inSection() bool   { return !s.undefined() && !s.special() }
func (s *elfSym) binding() Binding  { return bindingOf(s.bind()) }
func (s *elfSym) kind() SymbolKind  { return kindOf(s.typ()) }
func bindingOf(b elf.SymBind) Binding {
	switch b {
	case elf.STB_LOCAL:
		return BindLocal
	case elf.STB_WEAK:
		return BindWeak
	}
	return BindGlobal // STB_GLOBAL, STB_GNU_UNIQUE
}

func kindOf(t elf.SymType) SymbolKind {
	switch t {
	case elf.STT_FUNC, elf.STT_GNU_IFUNC:
		return SymFunc
	case elf.STT_OBJECT, elf.STT_COMMON, elf.STT_TLS:
		return SymObject
	case elf.STT_SECTION:
		return SymSection
	}
	return SymNoType
}

// readSymtab reads a symbol table section (SHT_SYMTAB or SHT_DYNSYM) with
// its string table, resolving SHN_XINDEX through SHT_SYMTAB_SHNDX.
// Entry 0, the null symbol, is included so that indices match the file's.
func readSymtab(f *fileReader, secs []*section, st *section) ([]elfSym, error) {
	if st.ent != symSize {
		return nil, fmt.Errorf("elf: %v: entry size %d, want %d", st, st.ent, symSize)
	}
	if st.size%symSize != 0 {
		return nil, fmt.Errorf("elf: %v: size %d is not a multiple of %d", st, st.size, symSize)
	}
	if int(st.link) == 0 || int(st.link) >= len(secs) {
		return nil, fmt.Errorf("elf: %v: string table index %d out of range", st, st.link)
	}
	strs, err := readStrtab(f, secs[st.link], fmt.Sprintf("the string table of %v", st))
	if err != nil {
		return nil, err
	}
	raw, err := f.data(st)
	if err != nil {
		return nil, err
	}
	var xindex []byte
	for _, s := range secs {
		if s.typ == elf.SHT_SYMTAB_SHNDX && int(s.link) == st.index {
			if xindex, err = f.data(s); err != nil {
				return nil, err
			}
		}
	}
	n := len(raw) / symSize
	syms := make([]elfSym, n)
	for i := range syms {
		b := raw[i*symSize:]
		name, ok := strs.at(le.Uint32(b))
		if !ok {
			return nil, fmt.Errorf("elf: %v: symbol %d: name offset %#x out of the string table", st, i, le.Uint32(b))
		}
		s := elfSym{name: name, info: b[4], shndx: uint32(le.Uint16(b[6:])), value: le.Uint64(b[8:]), size: le.Uint64(b[16:])}
		if s.shndx == uint32(elf.SHN_XINDEX) {
			if (i+1)*4 > len(xindex) {
				return nil, fmt.Errorf("elf: %v: symbol %s: extended section index missing", st, name)
			}
			s.shndx = le.Uint32(xindex[i*4:])
			if s.shndx == 0 {
				return nil, fmt.Errorf("elf: %v: symbol %s: extended section index 0", st, name)
			}
		}
		if s.inSection() && int(s.shndx) >= len(secs) {
			return nil, fmt.Errorf("elf: %v: symbol %s: section index %d out of range", st, name, s.shndx)
		}
		syms[i] = s
	}
	return syms, nil
}

// readObject makes an Object of an ET_REL file.
func readObject(f *fileReader, secs []*section) (*Object, error) {
	o := &Object{}
	// secMap[i] is the Object section of ELF section i, -1 if not kept.
	secMap := make([]int, len(secs))
	var total uint64
	for i, s := range secs {
		secMap[i] = -1
		if i == 0 || s.flags&elf.SHF_ALLOC == 0 {
			continue
		}
		switch s.typ {
		case elf.SHT_PROGBITS, elf.SHT_NOBITS, elf.SHT_NOTE, elf.SHT_INIT_ARRAY, elf.SHT_FINI_ARRAY, elf.SHT_PREINIT_ARRAY:
		default:
			return nil, fmt.Errorf("elf: section %v: type %v is not supported in an object", s, s.typ)
		}
		if s.flags&elf.SHF_TLS != 0 {
			return nil, fmt.Errorf("elf: section %v: thread-local storage is not supported", s)
		}
		if s.flags&elf.SHF_COMPRESSED != 0 {
			return nil, fmt.Errorf("elf: section %v: compressed sections are not supported", s)
		}
		align := max(s.align, 1)
		if align&(align-1) != 0 {
			return nil, fmt.Errorf("elf: section %v: alignment %d is not a power of two", s, s.align)
		}
		if total += s.size; total > MaxImageSize || s.size > MaxImageSize {
			return nil, fmt.Errorf("elf: section %v: %#x bytes: the object needs more than %d MiB", s, s.size, MaxImageSize>>20)
		}
		data, err := f.data(s)
		if err != nil {
			return nil, err
		}
		sec := &Section{Name: s.name, Flags: SecAlloc, Align: align, Data: data, Size: s.size}
		if s.flags&elf.SHF_WRITE != 0 {
			sec.Flags |= SecWrite
		}
		if s.flags&elf.SHF_EXECINSTR != 0 {
			sec.Flags |= SecExec
		}
		if sec.Data == nil && s.typ != elf.SHT_NOBITS {
			sec.Data = []byte{}
		}
		secMap[i] = len(o.Sections)
		o.Sections = append(o.Sections, sec)
	}

	var symtab *section
	for _, s := range secs {
		if s.typ == elf.SHT_SYMTAB {
			if symtab != nil {
				return nil, fmt.Errorf("elf: two symbol tables (%v and %v)", symtab, s)
			}
			symtab = s
		}
	}
	var esyms []elfSym
	if symtab != nil {
		var err error
		if esyms, err = readSymtab(f, secs, symtab); err != nil {
			return nil, err
		}
	}
	// symMap[i] is the Object symbol of ELF symbol i, -1 if dropped (the
	// null symbol, file names, symbols of sections not kept).
	symMap := make([]int, len(esyms))
	for i := range esyms {
		symMap[i] = -1
		if i == 0 {
			continue
		}
		es := &esyms[i]
		switch es.typ() {
		case elf.STT_FILE:
			continue
		case elf.STT_TLS:
			return nil, fmt.Errorf("elf: symbol %s: thread-local storage is not supported", es.name)
		case elf.STT_NOTYPE, elf.STT_FUNC, elf.STT_OBJECT, elf.STT_SECTION, elf.STT_GNU_IFUNC, elf.STT_COMMON:
		default:
			return nil, fmt.Errorf("elf: symbol %s: type %v is not supported", es.name, es.typ())
		}
		switch es.bind() {
		case elf.STB_LOCAL, elf.STB_GLOBAL, elf.STB_WEAK, stbGNUUnique:
		default:
			return nil, fmt.Errorf("elf: symbol %s: binding %v is not supported", es.name, es.bind())
		}
		sym := &Symbol{Name: es.name, Value: es.value, Size: es.size, Kind: es.kind(), Binding: es.binding()}
		switch {
		case es.undefined():
			sym.Section = SectionUndef
		case es.absolute():
			sym.Section = SectionAbs
		case es.common():
			// A common symbol (.comm) is an uninitialized definition
			// whose value is its alignment: give it room of its own in
			// a NOBITS section, as a linker would in .bss.
			align := max(es.value, 1)
			if align&(align-1) != 0 || es.size > MaxImageSize {
				return nil, fmt.Errorf("elf: common symbol %s: alignment %d, size %d", es.name, es.value, es.size)
			}
			sym.Section, sym.Value = len(o.Sections), 0
			o.Sections = append(o.Sections, &Section{Name: ".bss", Flags: SecAlloc | SecWrite, Align: align, Size: es.size})
		case es.special():
			return nil, fmt.Errorf("elf: symbol %s: special section index %#x is not supported", es.name, es.shndx)
		default:
			sym.Section = secMap[es.shndx]
			if sym.Section < 0 {
				continue
			}
			if sym.Kind == SymSection {
				sym.Name = o.Sections[sym.Section].Name
			}
		}
		symMap[i] = len(o.Symbols)
		o.Symbols = append(o.Symbols, sym)
	}

	// The null symbol, for relocations that name none (an absolute 0).
	nullSym := -1
	for _, s := range secs {
		if s.typ == elf.SHT_REL && int(s.info) < len(secs) && secMap[s.info] >= 0 {
			return nil, fmt.Errorf("elf: %v: REL relocations (without addends) are not used on AArch64 and not supported", s)
		}
		if s.typ != elf.SHT_RELA {
			continue
		}
		if int(s.info) >= len(secs) {
			return nil, fmt.Errorf("elf: %v: target section index %d out of range", s, s.info)
		}
		target := secMap[s.info]
		if target < 0 {
			continue // relocations of debugging information
		}
		if symtab == nil || int(s.link) != symtab.index {
			return nil, fmt.Errorf("elf: %v: its symbol table (section %d) is not the object's", s, s.link)
		}
		if s.ent != relaSize || s.size%relaSize != 0 {
			return nil, fmt.Errorf("elf: %v: entry size %d and size %d, want entries of %d bytes", s, s.ent, s.size, relaSize)
		}
		raw, err := f.data(s)
		if err != nil {
			return nil, err
		}
		tsec := o.Sections[target]
		for k := 0; k+relaSize <= len(raw); k += relaSize {
			off, info, add := le.Uint64(raw[k:]), le.Uint64(raw[k+8:]), int64(le.Uint64(raw[k+16:]))
			typ, si := RelocType(uint32(info)), info>>32
			if typ == R_AARCH64_NONE {
				continue
			}
			where := fmt.Sprintf("%s+%#x", tsec.Name, off)
			if si >= uint64(len(esyms)) {
				return nil, fmt.Errorf("elf: %s: relocation %v: symbol index %d out of range", where, typ, si)
			}
			if !typ.Supported() || typ == R_AARCH64_RELATIVE {
				return nil, fmt.Errorf("elf: %s: unsupported relocation %v against %s", where, typ, symName(esyms[si], secs))
			}
			if off >= tsec.Size {
				return nil, fmt.Errorf("elf: %s: relocation %v past the end of the section (%#x bytes)", where, typ, tsec.Size)
			}
			sym := symMap[si]
			if si == 0 {
				if nullSym < 0 {
					nullSym = len(o.Symbols)
					o.Symbols = append(o.Symbols, &Symbol{Section: SectionAbs})
				}
				sym = nullSym
			}
			if sym < 0 {
				return nil, fmt.Errorf("elf: %s: relocation %v against %s, which is in a section that is not loaded", where, typ, symName(esyms[si], secs))
			}
			o.Relocs = append(o.Relocs, Reloc{Section: target, Offset: off, Type: typ, Symbol: sym, Addend: add})
		}
	}
	return o, nil
}

// symName names a symbol in messages (a section symbol by its section).
func symName(s elfSym, secs []*section) string {
	if s.name == "" && s.typ() == elf.STT_SECTION && s.inSection() {
		return secs[s.shndx].String()
	}
	if s.name == "" {
		return "symbol 0"
	}
	return s.name
}
