// Package arm64 knows A64 instructions and nothing about machines: it
// decodes 32-bit words into Inst values, prints them in GNU as syntax, and
// describes its decode tables so that generators of valid instructions can
// be built from them. It holds no state.
//
// # The model
//
// Decoding follows the manual's structure. The top-level op0 field (bits
// 28:25) selects an encoding class (ClassOf); each class has a table of
// rows, one per instruction form, each a mask and value over the word, the
// Op it decodes to, and a function that extracts the operands. The manual's
// assembler syntax stands as a comment above each row. Rows of a class are
// tried in order, a narrower encoding carved out of a wider one first.
//
// An Op is one instruction form of the manual (ADD (immediate) is ADDimm,
// ADD (shifted register) ADDshift), never an alias: MOV, CMP, LSL and the
// like are how the printer shows a base instruction. Operand size,
// signedness and memory ordering are Inst fields, so LDADD is one op whose
// Size, Acquire and Release fields say which of its 16 mnemonics it is.
//
// Register operands are Reg values in which the two meanings of encoding
// 31, the zero register and the stack pointer, are already told apart
// (ZR and SP), as the manual's operand descriptions say for each field.
//
// Every word decodes either to an Inst or to an *UndefinedError naming its
// class and why it was refused (unallocated, reserved field value, or an
// instruction kpemu does not implement). The decoder never panics.
//
// # Disassembly
//
// Disasm prints an instruction at an address exactly as GNU objdump -d
// does, PC-relative targets as absolute addresses with an optional
// <sym+0xoff>; GNUSyntax prints the same text position-independently,
// PC-relative operands as offsets from the instruction (".+0x10"), which
// GNU as accepts; PCTarget gives the target of a PC-relative operand.
// golang.org/x/arch's arm64asm prints most forms (its systematic
// differences from objdump are normalised in one place); ops it lacks (LSE
// atomics, pointer authentication, BTI, ...) or prints differently have
// printers of their own, registered beside their decode rows. Both are
// checked against binutils' objdump on every decode row.
//
// Architecture features are not this package's concern: it decodes every
// form it knows (the PAC branches, LSE, ...), and the machine decides
// whether its CPU implements them.
package arm64
