package symbols

import (
	"cmp"
	"debug/elf"
	"fmt"
	"slices"
	"strings"
)

// ELFOptions say how ELFSymbols and AddELF read an ELF file; nil means
// the defaults.
type ELFOptions struct {
	// Module is the module the file is, "" for vmlinux (or any other
	// image that plays the kernel).
	Module string
	// SectionAddr gives the address at which a section of a relocatable
	// object (ET_REL, such as a .ko or an assembler's .o) is loaded: the
	// symbol values of such a file are offsets in their section, and a
	// symbol's address is SectionAddr(section) + value. nil keeps the
	// values as the file holds them (what nm prints). Other files hold
	// addresses and ignore it.
	SectionAddr func(*elf.Section) uint64
}

// ELFSymbols reads the symbol table (.symtab) of an ELF file as nm lists it
// (binutils 2.40, checked against aarch64-linux-gnu-nm): the type letter
// from binding, symbol type and section as bfd/syms.c:
// bfd_decode_symclass does (see elfType), the value as the address (for a
// common symbol, nm's value: its size). Left out, as nm leaves them out:
// undefined symbols, section and file symbols, unnamed symbols, and the
// AArch64 mapping symbols $x and $d (which mark code and data; the kernel
// ignores them too: kernel/module/kallsyms.c: find_kallsyms_symbol).
//
// For the kernel (Module "") the symbols come in nm -n order (by address,
// then name), which is the input order scripts/kallsyms.c sees; for a
// module, in symbol table order, which is the order the kernel keeps them
// in. A file without a symbol table gives an error that wraps
// elf.ErrNoSymbols.
func ELFSymbols(f *elf.File, opts *ELFOptions) ([]Symbol, error) {
	if opts == nil {
		opts = &ELFOptions{}
	}
	esyms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("symbols: %w", err)
	}
	var out []Symbol
	for i := range esyms {
		es := &esyms[i]
		switch elf.ST_TYPE(es.Info) {
		case elf.STT_SECTION, elf.STT_FILE:
			continue
		}
		if es.Name == "" || es.Section == elf.SHN_UNDEF || isMappingSymbol(es.Name) {
			continue
		}
		s := Symbol{Name: es.Name, Addr: es.Value, Size: es.Size, Type: elfType(f, es), Module: opts.Module}
		switch {
		case es.Section == elf.SHN_COMMON:
			s.Addr = es.Size // nm shows a common symbol's size as its value
		case f.Type == elf.ET_REL && opts.SectionAddr != nil && es.Section < elf.SHN_LORESERVE && int(es.Section) < len(f.Sections):
			s.Addr += opts.SectionAddr(f.Sections[es.Section])
		}
		if err := s.validate(); err != nil {
			return nil, fmt.Errorf("symbols: %w", err)
		}
		out = append(out, s)
	}
	if opts.Module == "" {
		slices.SortStableFunc(out, func(a, b Symbol) int {
			if c := cmp.Compare(a.Addr, b.Addr); c != 0 {
				return c
			}
			return strings.Compare(a.Name, b.Name)
		})
	}
	return out, nil
}

// AddELF adds the symbols of an ELF file (ELFSymbols) and Regions for the
// memory it occupies (its allocated sections, SHF_ALLOC and not TLS), so
// that an address after the last symbol of a section still belongs to that
// symbol, as one before _etext does in the kernel. An executable or shared
// file is one image, like vmlinux from _stext to _end: one region from its
// lowest section to the end of its highest. A relocatable object is a
// module, whose sections the kernel places in separate areas: one region
// per section.
func (t *Table) AddELF(f *elf.File, opts *ELFOptions) error {
	if opts == nil {
		opts = &ELFOptions{}
	}
	syms, err := ELFSymbols(f, opts)
	if err != nil {
		return err
	}
	var regions []Region
	for _, sec := range f.Sections {
		if sec.Flags&elf.SHF_ALLOC == 0 || sec.Flags&elf.SHF_TLS != 0 || sec.Size == 0 {
			continue
		}
		start := sec.Addr
		if f.Type == elf.ET_REL && opts.SectionAddr != nil {
			start = opts.SectionAddr(sec)
		}
		end := start + sec.Size
		if end < start {
			continue
		}
		if f.Type != elf.ET_REL && len(regions) == 1 {
			regions[0].Start = min(regions[0].Start, start)
			regions[0].End = max(regions[0].End, end)
			continue
		}
		regions = append(regions, Region{opts.Module, start, end})
	}
	if err := t.Add(syms...); err != nil {
		return err
	}
	for _, r := range regions {
		if err := t.AddRegion(r.Module, r.Start, r.End); err != nil {
			return err
		}
	}
	return nil
}

// isMappingSymbol reports an AArch64 mapping symbol: $x (code follows) or
// $d (data follows), alone or with a "." suffix (ELF for the Arm 64-bit
// Architecture, "Mapping symbols"); nm hides them
// (bfd/elfnn-aarch64.c: is_target_special_symbol).
func isMappingSymbol(name string) bool {
	if len(name) < 2 || name[0] != '$' || name[1] != 'x' && name[1] != 'd' {
		return false
	}
	return len(name) == 2 || name[2] == '.'
}

// ELF constants debug/elf names only generically.
const (
	sttGNUIfunc  = elf.STT_LOOS // STT_GNU_IFUNC
	stbGNUUnique = elf.STB_LOOS // STB_GNU_UNIQUE
)

// elfType is nm's letter (bfd/syms.c: bfd_decode_symclass, binutils
// 2.40): common C; indirect function i; weak V (object) or W; unique u;
// absolute a; else the section's letter (sectionType); upper case for a
// global symbol.
func elfType(f *elf.File, s *elf.Symbol) Type {
	bind, typ := elf.ST_BIND(s.Info), elf.ST_TYPE(s.Info)
	switch {
	case s.Section == elf.SHN_COMMON:
		return 'C'
	case typ == sttGNUIfunc:
		return 'i'
	case bind == elf.STB_WEAK && typ == elf.STT_OBJECT:
		return 'V'
	case bind == elf.STB_WEAK:
		return 'W'
	case bind == stbGNUUnique:
		return 'u'
	case bind != elf.STB_GLOBAL && bind != elf.STB_LOCAL:
		return '?'
	}
	var c byte
	switch {
	case s.Section == elf.SHN_ABS:
		c = 'a'
	case s.Section < elf.SHN_LORESERVE && int(s.Section) < len(f.Sections):
		c = sectionType(f.Sections[s.Section])
	default:
		return '?'
	}
	if bind == elf.STB_GLOBAL && c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	return Type(c)
}

// sectionType is the letter of a symbol in section sec: a few Windows
// section names first (bfd/syms.c: coff_section_type; in binutils 2.40 the
// ELF names .text, .data, .bss, .rodata are no longer matched by name, so
// a writable ".text.x" is 'd'), then the section's flags as BFD maps them
// from the ELF header (bfd/elf.c: _bfd_elf_make_section_from_shdr) and
// bfd/syms.c: decode_section_type reads them:
//
//	executable                          t
//	allocated with contents, read-only  r
//	allocated with contents, writable   d
//	no contents (SHT_NOBITS)            b
//	debugging (unallocated, by name)    N
//	other read-only contents            n
//	anything else                       ?
func sectionType(sec *elf.Section) byte {
	name := sec.Name
	for _, e := range []struct {
		prefix string
		c      byte
	}{{".drectve", 'i'}, {".edata", 'e'}, {".idata", 'i'}, {".pdata", 'p'}} {
		if strings.HasPrefix(name, e.prefix) &&
			(len(name) == len(e.prefix) || strings.IndexByte(".$0123456789", name[len(e.prefix)]) >= 0) {
			return e.c
		}
	}
	alloc := sec.Flags&elf.SHF_ALLOC != 0
	contents := sec.Type != elf.SHT_NOBITS
	readonly := sec.Flags&elf.SHF_WRITE == 0
	switch {
	case sec.Flags&elf.SHF_EXECINSTR != 0:
		return 't'
	case alloc && contents && readonly:
		return 'r'
	case alloc && contents:
		return 'd'
	case !contents:
		return 'b'
	case !alloc && isDebugSection(name):
		return 'N'
	case readonly:
		return 'n'
	}
	return '?'
}

// isDebugSection is bfd's test for a debugging section, which goes by name.
func isDebugSection(name string) bool {
	for _, p := range []string{".debug", ".gnu.debuglto_.debug_", ".gnu.linkonce.wi.", ".zdebug", ".line", ".stab"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return name == ".gdb_index"
}
