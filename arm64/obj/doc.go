// Package obj is the object model shared by the assembler and the ELF
// loader: sections, symbols and relocations, the AArch64 relocation
// arithmetic, and the linker that lays objects out at an address.
package obj
