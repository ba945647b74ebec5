package obj

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
)

// ErrNoSymbols is what ReadSymbols returns (wrapped) for a file that has
// neither a .symtab nor a .dynsym: a stripped static executable, say.
var ErrNoSymbols = errors.New("elf: no symbol table")

// ReadSymbols reads the symbol table of an ELF64 little-endian EM_AARCH64
// file of any type (.symtab, or .dynsym when the file has no .symtab) as
// GNU nm lists it, in symbol table order (nm -p): each symbol's value, ELF
// size, kind, binding and nm type letter (ImageSymbol.Type, which ReadELF
// and Link compute the same way for an Image). nm leaves out, and so does
// ReadSymbols, the null symbol, file and section symbols, unnamed symbols
// and the AArch64 mapping symbols; undefined references are listed (U, or
// w and v for weak ones) with value 0.
//
// Values are as the file holds them: addresses in an executable or a
// position-independent image (at its link addresses: ReadSymbols applies
// nothing), offsets in their section in a relocatable object (ET_REL),
// and for a common symbol its size, which is the value nm prints. To place
// an object's symbols at addresses, link it (ReadELF, then Link).
//
// ReadSymbols reads only the section headers and the symbol and string
// tables, so it lists what ReadELF cannot load (an object with
// thread-local storage, a core dump) and a vmlinux's symbols cost their
// tables, not the image. It has ReadELF's guarantees: no panic and memory
// in proportion to the file, whatever its headers say. A file without a
// symbol table gives an error that wraps ErrNoSymbols.
func ReadSymbols(r io.ReaderAt) (syms []ImageSymbol, err error) {
	defer func() {
		if p := recover(); p != nil {
			syms, err = nil, fmt.Errorf("elf: malformed file (reader panic: %v)", p)
		}
	}()
	f, _, secs, err := readHeaders(r)
	if err != nil {
		return nil, err
	}
	return listSymbols(f, secs)
}

// listSymbols reads .symtab, or .dynsym when there is no .symtab, and
// lists it as nm does (see ReadSymbols), in symbol table order.
func listSymbols(f *fileReader, secs []*section) ([]ImageSymbol, error) {
	var st *section
	for _, s := range secs {
		if s.typ == elf.SHT_SYMTAB || s.typ == elf.SHT_DYNSYM && st == nil {
			st = s
		}
	}
	if st == nil {
		return nil, ErrNoSymbols
	}
	esyms, err := readSymtab(f, secs, st)
	if err != nil {
		return nil, err
	}
	syms := make([]ImageSymbol, 0, len(esyms))
	for i := 1; i < len(esyms); i++ {
		s := &esyms[i]
		t, b := s.typ(), s.bind()
		if t == elf.STT_FILE || t == elf.STT_SECTION || s.name == "" || isMappingSymbol(s.name) {
			continue
		}
		p := symPlace{undef: s.undefined(), abs: s.absolute(), common: s.common(),
			ifunc: t == elf.STT_GNU_IFUNC, unique: b == stbGNUUnique,
			otherBind: b != elf.STB_LOCAL && b != elf.STB_GLOBAL && b != elf.STB_WEAK && b != stbGNUUnique}
		if s.inSection() {
			sec := secs[s.shndx]
			p.section, p.flags, p.noBits, p.debug = sec.name, secFlags(sec.flags), sec.typ == elf.SHT_NOBITS, isDebugSection(sec.name)
		}
		v := s.value
		if p.common {
			// BFD keeps a common symbol's size as its value
			// (bfd/elfcode.h: elf_slurp_symbol_table), and nm prints it;
			// st_value holds its alignment.
			v = s.size
		}
		syms = append(syms, ImageSymbol{Name: s.name, Addr: v, Size: s.size,
			Kind: s.kind(), Binding: s.binding(), Type: nmType(s.binding(), s.kind(), p)})
	}
	return syms, nil
}
