package obj

import "strings"

// symPlace says where a symbol lives, as much as the nm type letter needs.
type symPlace struct {
	undef, abs, common bool
	ifunc, unique      bool // STT_GNU_IFUNC, STB_GNU_UNIQUE
	flags              SectionFlags
	noBits             bool // SHT_NOBITS
	debug              bool // a .debug_* (or other debugging) section
}

// nmType returns the letter GNU nm prints for a symbol. The order of the
// tests is nm's (binutils bfd/syms.c, bfd_decode_symclass): common,
// undefined, indirect function, weak, unique, then the section's kind
// (absolute, code, data, read-only data, no bits), upper case for global
// symbols. For ELF the section's kind comes from its flags alone, not its
// name: the kernel's .rodata is writable, and nm prints its symbols as d.
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
	}
	var c byte
	switch {
	case p.abs:
		c = 'a'
	case p.flags&SecExec != 0:
		c = 't'
	case p.flags&SecAlloc != 0 && !p.noBits:
		c = 'd'
		if p.flags&SecWrite == 0 {
			c = 'r'
		}
	case p.noBits:
		c = 'b'
	case p.debug:
		c = 'N'
	case p.flags&SecWrite == 0:
		c = 'n'
	default:
		c = '?'
	}
	if bind == BindGlobal && c != '?' {
		c -= 'a' - 'A'
	}
	return c
}

// isMappingSymbol reports whether name is an AArch64 mapping symbol
// (AAELF64 §5.5.4: $x starts code, $d data, optionally followed by
// ".anything"). They mark, they do not name: nm hides them and so does
// the symbol list of an Image.
func isMappingSymbol(name string) bool {
	if len(name) < 2 || name[0] != '$' || name[1] != 'x' && name[1] != 'd' {
		return false
	}
	return len(name) == 2 || name[2] == '.'
}

// isDebugSection reports whether a section holds debugging information, as
// BFD's SEC_DEBUGGING marks it (by name, for ELF).
func isDebugSection(name string) bool {
	return strings.HasPrefix(name, ".debug") || strings.HasPrefix(name, ".zdebug") ||
		strings.HasPrefix(name, ".gnu.linkonce.wi.") || strings.HasPrefix(name, ".line") ||
		strings.HasPrefix(name, ".stab")
}
