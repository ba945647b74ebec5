// Package obj is the object model shared by the assembler and the ELF
// loader: sections, symbols and relocations, the AArch64 relocation
// arithmetic, and the linker that lays objects out at an address.
//
// # The model
//
// An Object is a relocatable object: what the assembler produces from one
// source file and what ReadELF makes of an ET_REL file. Its Sections hold
// bytes (or only a size: .bss), its Symbols name offsets in them (or
// absolute values, or other objects' definitions), and its Relocs ask for
// places to be patched with symbol values.
//
// An Image is a program laid out at its addresses: Segments to map, each
// with its bytes, memory size and permissions (r, w, x), and the symbol
// list as nm prints it (address, size, kind, binding, type letter). Link
// makes one of objects; ReadELF makes one of an ET_EXEC or ET_DYN file.
// emu/loader maps an Image into a machine, and emu/symbols makes its
// symbols a kallsyms table (Table.AddImage).
//
// # Symbol types
//
// This package is kpemu's one computation of the nm type letter
// (ImageSymbol.Type: T/t text, D/d data, R/r read-only data, B/b bss, A
// absolute, W/V weak, C common, U undefined, ...), checked against GNU nm
// 2.40 on an object with every kind of symbol and section and on a
// distribution vmlinux (148,195 symbols, identical). ReadELF and Link
// give an Image's symbols their letters; ReadSymbols lists the symbol
// table of any AArch64 ELF file as nm does, without loading it: an
// object's symbols valued as offsets in their sections, a vmlinux's at
// their addresses for the cost of its symbol tables.
//
// # Relocations
//
// Apply computes one relocation as "ELF for the Arm 64-bit Architecture"
// (AAELF64) defines it: S+A for data, S+A-P for PC-relative data and
// branches, Page(S+A)-Page(P) for ADRP, the low 12 bits for ADD and the
// load/store that follow an ADRP (scaled by the access size, which the
// address must be a multiple of), and the 16-bit groups of MOVZ/MOVK. The
// checked types report an overflow as an error that names the relocation
// and says why ("R_AARCH64_CALL26: target 0x... out of range of 0x...
// (+-128MiB)"); the _NC types take their bits and ignore the rest. The
// types are those of reloc.go: what compilers and assemblers emit for
// kernel-style and static user code. GOT, TLS and PLT relocations are not
// supported, and reading an object that uses them is an error that names
// the relocation and where it is.
//
// # Linking
//
// Link merges the same-named sections of all objects, in object order, at
// their alignments; text, then read-only data, then data, then bss, each
// group on its own pages so that it gets its own permissions. Globals
// resolve across objects (a strong definition over a weak one), locals
// within their object; an undefined weak symbol is 0. Undefined references
// and duplicate definitions are errors naming the symbol and the objects.
// Not modelled: COMDAT groups (each object's copy is kept), linker
// scripts, veneers for out-of-range branches, garbage collection of
// sections.
//
// # ELF files
//
// ReadELF reads ELF64 little-endian EM_AARCH64 files only, and says what
// any other file is (a 32-bit or big-endian ELF, another machine's, an ar
// archive, a compressed or boot Image kernel). It parses the headers
// itself with debug/elf's constants, checking every offset and size
// against the file before reading, so that a malformed or hostile file
// gives an error, never a panic, and memory stays proportional to the file
// size whatever its headers claim; it reads with ReadAt only what it uses
// (a 300 MB vmlinux with debug information costs its 40 MB of segments
// and tables). For a position-independent image it applies the
// R_AARCH64_RELATIVE relocations (and keeps SHT_RELR ones) so that the
// image is ready at its link addresses; Image.Rebase moves it.
//
// WriteELF writes an Object as an ET_REL file that GNU ld, objdump and
// readelf accept and that ReadELF reads back to the same Object.
package obj
