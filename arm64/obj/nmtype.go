package obj

import "strings"

// symPlace says where a symbol lives, as much as the nm type letter needs.
type symPlace struct {
	undef, abs, common bool
	ifunc, unique      bool   // STT_GNU_IFUNC, STB_GNU_UNIQUE
	otherBind          bool   // a binding other than local, global, weak, unique
	section            string // the name of the symbol's section, if it has one
	flags              SectionFlags
	noBits             bool // SHT_NOBITS
	debug              bool // a .debug_* (or other debugging) section
}

// nmType returns the letter GNU nm prints for a symbol. The order of the
// tests is nm's (binutils 2.40 bfd/syms.c, bfd_decode_symclass): common,
// undefined, indirect function, weak, unique, a binding nm does not know
// ('?'), then the section's kind, upper case for global symbols. The kind
// is 'a' for an absolute symbol; for one in a section, the letter of a few
// Windows section names (coffSectionType), else the section's flags
// (sectionLetter). ELF's own section names do not count: the kernel's
// .rodata is writable, and nm prints its symbols as d.
func nmType(bind Binding, kind SymbolKind, p symPlace) byte {
	switch {
	case p.common:
		return 'C'
	case p.undef:
		if bind == BindWeak {
			if kind == SymObject {
				return 'v'
			}
			return 'w'
		}
		return 'U'
	case p.ifunc:
		return 'i'
	case bind == BindWeak:
		if kind == SymObject {
			return 'V'
		}
		return 'W'
	case p.unique:
		return 'u'
	case p.otherBind:
		return '?'
	}
	var c byte
	if p.abs {
		c = 'a'
	} else if c = coffSectionType(p.section); c == '?' {
		c = sectionLetter(p)
	}
	if bind == BindGlobal && c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	return c
}

// sectionLetter is the letter of a symbol in a section with the flags of p,
// as BFD maps them from the ELF section header
// (bfd/elf.c: _bfd_elf_make_section_from_shdr) and bfd/syms.c:
// decode_section_type reads them:
//
//	executable                          t
//	allocated with contents, read-only  r
//	allocated with contents, writable   d
//	no contents (SHT_NOBITS)            b
//	debugging (unallocated, by name)    N
//	other read-only contents            n
//	anything else                       ?
func sectionLetter(p symPlace) byte {
	switch {
	case p.flags&SecExec != 0:
		return 't'
	case p.flags&SecAlloc != 0 && !p.noBits:
		if p.flags&SecWrite == 0 {
			return 'r'
		}
		return 'd'
	case p.noBits:
		return 'b'
	case p.debug:
		return 'N'
	case p.flags&SecWrite == 0:
		return 'n'
	}
	return '?'
}

// coffSectionType is the letter nm gives a section by name before it
// looks at its flags (bfd/syms.c: coff_section_type, consulted for every
// object format): a few Windows names, alone or followed by '.', '$' or a
// digit. In binutils 2.40 the list no longer holds .text, .data, .bss or
// .rodata, so a writable ".text.x" is 'd'. '?' means no match.
func coffSectionType(name string) byte {
	for _, e := range []struct {
		prefix string
		c      byte
	}{{".drectve", 'i'}, {".edata", 'e'}, {".idata", 'i'}, {".pdata", 'p'}} {
		if strings.HasPrefix(name, e.prefix) &&
			(len(name) == len(e.prefix) || strings.IndexByte(".$0123456789", name[len(e.prefix)]) >= 0) {
			return e.c
		}
	}
	return '?'
}

// isMappingSymbol reports whether name is an AArch64 mapping symbol
// (AAELF64 §5.5.4: $x starts code, $d data, optionally followed by
// ".anything"). They mark, they do not name: nm hides them
// (bfd/elfnn-aarch64.c: is_target_special_symbol), so does the kernel
// (kernel/module/kallsyms.c: find_kallsyms_symbol), and so does the symbol
// list of an Image.
func isMappingSymbol(name string) bool {
	if len(name) < 2 || name[0] != '$' || name[1] != 'x' && name[1] != 'd' {
		return false
	}
	return len(name) == 2 || name[2] == '.'
}

// isDebugSection reports whether a section holds debugging information, as
// BFD's SEC_DEBUGGING marks it: by name, for ELF
// (bfd/elf.c: _bfd_elf_make_section_from_shdr).
func isDebugSection(name string) bool {
	for _, p := range []string{".debug", ".gnu.debuglto_.debug_", ".gnu.linkonce.wi.", ".zdebug", ".line", ".stab"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return name == ".gdb_index"
}
