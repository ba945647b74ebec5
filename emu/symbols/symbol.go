package symbols

import (
	"errors"
	"fmt"
	"strings"
)

// Type is the one-letter symbol type that nm(1), System.map and
// /proc/kallsyms print: T/t text, D/d data, R/r read-only data, B/b bss,
// A/a absolute, W/w weak, V/v weak object, C common, N/n debugging,
// i indirect function, u unique global, ? unknown. An upper-case letter is
// a global symbol, a lower-case one a local symbol.
//
// The letter is stored as given; the table never reinterprets it, so a
// table read from /proc/kallsyms writes the same letters back. Two sources
// use the case of the weak letters differently: nm prints W/V for a weak
// definition and w/v for a weak undefined reference, while /proc/kallsyms
// prints a module's weak symbols upper case when exported and lower case
// when not (kernel/module/kallsyms.c: elf_type, kernel/kallsyms.c: s_show).
type Type byte

// Undefined is nm's letter for an undefined reference. A symbol table holds
// definitions only: Add refuses it and the parsers skip it, as
// scripts/kallsyms.c: is_ignored_symbol does.
const Undefined Type = 'U'

// Global reports whether the letter is upper case: a global (or, in
// /proc/kallsyms for modules, exported) symbol.
func (t Type) Global() bool { return t >= 'A' && t <= 'Z' }

// Local reports whether the letter is lower case: a local symbol.
func (t Type) Local() bool { return t >= 'a' && t <= 'z' }

// Text reports whether the symbol is in a text (code) section: T or t.
func (t Type) Text() bool { return t == 'T' || t == 't' }

// Weak reports whether the letter is one of the weak kinds W, w, V or v.
func (t Type) Weak() bool { return t == 'W' || t == 'w' || t == 'V' || t == 'v' }

func (t Type) String() string { return string(rune(t)) }

// valid reports whether t can be printed in a System.map or kallsyms line
// and parsed back: one printable, non-blank ASCII character.
func (t Type) valid() bool { return t > ' ' && t < 0x7f }

// Symbol is one kallsyms entry.
type Symbol struct {
	Name string
	Addr uint64
	// Size is the symbol's own size where the source records one (the ELF
	// st_size); 0 means unknown, as it always is for System.map and
	// /proc/kallsyms text. kallsyms itself never stores sizes: the size a
	// lookup reports is the distance to the next symbol (Location.Size).
	Size   uint64
	Type   Type
	Module string // "" for the kernel; /proc/kallsyms prints it as [Module]
}

// Global reports whether the symbol's type letter is upper case.
func (s Symbol) Global() bool { return s.Type.Global() }

// String is the symbol's /proc/kallsyms line without the newline:
// "ffff800080010000 T _text", or with "\t[mod]" for a module symbol.
func (s Symbol) String() string {
	line := fmt.Sprintf("%016x %c %s", s.Addr, byte(s.Type), s.Name)
	if s.Module != "" {
		line += "\t[" + s.Module + "]"
	}
	return line
}

// BaseName is name without its compiler suffix: everything from the first
// '.' on, as in foo.cold, foo.isra.0, foo.constprop.0, foo.part.0 or
// foo.llvm.123456. '.' is not a C identifier character, so the base is the
// source-level name. The kernel uses this rule to apply the kprobe
// blacklist of foo to its suffixed copies (kernel/kprobes.c:
// within_kprobe_blacklist); kallsyms lookups themselves match names exactly
// (see the package documentation).
func BaseName(name string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return name
}

// Errors of Add and the parsers; the returned errors wrap them.
var (
	ErrName   = errors.New("invalid symbol name")
	ErrType   = errors.New("invalid symbol type")
	ErrModule = errors.New("invalid module name")
)

// validate checks what the text formats need to round-trip a symbol: a
// name and module without blanks (the fields are blank-separated), a
// module without the brackets and ':' that delimit it ("[mod]",
// "mod:sym"), and a printable type letter that is not U.
func (s *Symbol) validate() error {
	if !nameOK(s.Name) && (s.Name == "" || strings.ContainsFunc(s.Name, isBlankOrNUL)) {
		return fmt.Errorf("%w %q", ErrName, s.Name)
	}
	if !s.Type.valid() || s.Type == Undefined {
		return fmt.Errorf("%w %q for %s", ErrType, rune(s.Type), s.Name)
	}
	if err := checkModule(s.Module); err != nil {
		return fmt.Errorf("%w for %s", err, s.Name)
	}
	return nil
}

func checkModule(m string) error {
	for i := 0; i < len(m); i++ {
		if c := m[i]; c == 0 || isSpace(c) || c == '[' || c == ']' || c == ':' {
			return fmt.Errorf("%w %q", ErrModule, m)
		}
	}
	return nil
}

// isSpace is C's isspace: the characters scanf's %s stops at
// (scripts/kallsyms.c reads System.map with fscanf "%llx %c %s").
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// isBlankOrNUL is a character a name cannot hold: a blank, or NUL, which
// ends a C string.
func isBlankOrNUL(r rune) bool { return r == 0 || r < 0x80 && isSpace(byte(r)) }

// nameOK is the fast path of the name check: printable ASCII other than
// the blank, which is what nearly every kernel symbol is made of.
func nameOK(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return name != ""
}

// IgnoredByKallsyms reports whether scripts/kallsyms.c leaves the symbol
// out of the kernel's kallsyms table although System.map (or nm) lists it:
// undefined and debugging symbols (U, u, N, n), absolute symbols (A, a)
// other than four useful ones, kallsyms' own tables, and linker stubs
// (arm64 __efistub_*, __kvm_nvhe_$*, __kvm_nvhe_.L*, __AArch64ADRPThunk_*,
// CFI __kcfi_typeid_*, ...). Follows scripts/kallsyms.c:
// is_ignored_symbol as of v6.3 (the lists change slowly between versions). Filter System.map or vmlinux symbols with
// it to get the kernel part of /proc/kallsyms.
func IgnoredByKallsyms(name string, t Type) bool {
	switch name {
	case "kallsyms_addresses", "kallsyms_offsets", "kallsyms_relative_base",
		"kallsyms_num_syms", "kallsyms_names", "kallsyms_markers",
		"kallsyms_token_table", "kallsyms_token_index", "kallsyms_seqs_of_names",
		"_SDA_BASE_", "_SDA2_BASE_":
		return true
	}
	for _, p := range []string{
		"__efistub_", "__kvm_nvhe_$", "__kvm_nvhe_.L", "__AArch64ADRPThunk_",
		"__ARMV5PILongThunk_", "__ARMV7PILongThunk_", "__ThumbV7PILongThunk_",
		"__LA25Thunk_", "__microLA25Thunk_", "__kcfi_typeid_",
	} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	for _, s := range []string{"_from_arm", "_from_thumb", "_veneer"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	if strings.Contains(name, ".long_branch.") || strings.Contains(name, ".plt_branch.") {
		return true
	}
	switch t {
	case 'U', 'u', 'N', 'n':
		return true
	case 'A', 'a':
		switch name {
		case "__kernel_syscall_via_break", "__kernel_syscall_via_epc", "__kernel_sigtramp", "__gp":
			return false
		}
		return true
	}
	return false
}
