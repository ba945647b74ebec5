package obj

// Object is a relocatable object: what the assembler produces from one
// source file and what the ELF reader makes of an ET_REL file. The linker
// lays one or more objects out at an address, resolves their symbols and
// applies their relocations.
type Object struct {
	Name     string // the file it came from, for messages
	Sections []*Section
	Symbols  []*Symbol
	Relocs   []Reloc
}

// SectionFlags say how a section is loaded (ELF SHF_ALLOC, SHF_WRITE,
// SHF_EXECINSTR).
type SectionFlags uint8

const (
	SecAlloc SectionFlags = 1 << iota
	SecWrite
	SecExec
)

// Section is one section of an object.
type Section struct {
	Name  string // ".text", ".data", ".rodata", ".bss", ".text.unlikely", ...
	Flags SectionFlags
	Align uint64 // a power of two, at least 1
	Data  []byte // contents; nil for a section with no bits (.bss)
	Size  uint64 // size in bytes: len(Data), or the size of a .bss-like section
}

// SymbolKind is the ELF symbol type.
type SymbolKind uint8

const (
	SymNoType SymbolKind = iota
	SymFunc
	SymObject
	SymSection
)

// Binding is the ELF symbol binding.
type Binding uint8

const (
	BindLocal Binding = iota
	BindGlobal
	BindWeak
)

// Special values of Symbol.Section.
const (
	SectionUndef = -1 // defined in another object
	SectionAbs   = -2 // an absolute value (.equ/.set of a constant)
)

// Symbol is a named value: an offset into one of the object's sections, an
// absolute value, or an undefined reference.
type Symbol struct {
	Name    string
	Section int    // index into Object.Sections, SectionUndef or SectionAbs
	Value   uint64 // offset in the section, or the absolute value
	Size    uint64 // from .size, 0 when unknown
	Kind    SymbolKind
	Binding Binding
}

// Reloc asks the linker to patch a place in a section with the value of a
// symbol: the computation and the bits patched depend on Type (reloc.go).
type Reloc struct {
	Section int    // index of the section patched
	Offset  uint64 // offset of the place in that section
	Type    RelocType
	Symbol  int   // index into Object.Symbols
	Addend  int64 // A of the relocation formula
}
