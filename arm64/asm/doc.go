// Package asm is kpemu's assembler: GNU as syntax for AArch64 in, a
// relocatable object (arm64/obj) out. Source that GNU as assembles gives
// the same bytes here, and the same relocations; the tests compare both
// with aarch64-linux-gnu-as.
//
//	o, err := asm.Assemble("probe.s", src) // err is an ErrorList: every error, file:line:col
//
// # Pipeline
//
// lex.go cuts the source into tokens (comments "//", "/* */" and a '#'
// starting a line; statements end at a newline or ';'). parse.go cuts the
// tokens into statements (labels, then an instruction, a directive or
// "name = expr") and parses them once: instruction operands into Operand
// values (operand.go), directive arguments into expressions and strings,
// numeric local labels ("1:", "1b", "1f") into unique names.
//
// The statements then run twice (assemble.go). Pass 1 lays out the
// sections: an instruction is 4 bytes, data sizes are known, .align and
// .skip counts must be constants known where they are written, literal
// pools are placed; labels get their offsets. Pass 2 runs the same
// statements with every symbol known: it evaluates expressions (expr.go),
// encodes instructions and writes data, and records relocations for what
// only the linker can resolve. Both passes must agree on the layout, and
// pass 2 checks that they do.
//
// # Expressions and relocations
//
// An expression evaluates to a number, to symbol+addend, or (in data) to
// "symbol - ." (expr.go has the grammar, with GNU as's operator
// precedence). Labels of one section cancel in differences. What is not a
// number becomes a relocation, chosen as GNU as chooses: branches and
// literal loads to a local label of the same section are resolved here;
// to another section, a global or weak symbol, or an undefined one, they
// make a relocation (against the section's symbol plus the offset for a
// local label, against the symbol itself otherwise). ADRP's page is
// always a relocation. Relocation operators (":lo12:", ":pg_hi21:",
// ":abs_g0:" to ":abs_g3:" and their "_nc" forms) choose the relocation
// of the instruction field; the GOT and TLS operators are refused, since
// kpemu's linker builds no GOT.
//
// # Instructions: the handler API
//
// Each mnemonic has one or more Handlers, registered from init with
// register(mnemonic, fn) in the insn_<class>.go files:
//
//	func(c *Ctx, ops []Operand) (arm64.Inst, error)
//
// The operands arrive parsed (operand.go): Kind says what each is
// (KindGPR, KindFP, KindVector, KindList, KindImm, KindName, KindLiteral,
// KindMem, KindShift, KindExtend), Pos where it starts and Text how it was
// written. A lone identifier is a KindName whose meaning the handler
// decides: a condition, a barrier option, a system register, a label.
// "[x0], #8" arrives as one KindMem operand in post-index mode.
//
// A handler checks its operands with the Ctx helpers (ctx_operands.go,
// insn_ldst.go), each of which returns an error at the operand's column
// saying what was expected and what was found ("expected a 64-bit
// register (x0-x30, sp) but found 'w1'"): GPR, GPRSized, X, Imm,
// ImmRange, Cond, Label, ShiftAmount, FP, Vector, Element, FloatImm,
// Barrier, SysOp, SysReg, Prefetch, MemBase, MemOffset, MemIndex. It
// evaluates expressions with Const (a number), PCRel (a branch or literal
// target: the offset to a local label of the section, or 0 and a
// relocation), Abs (a number, or 0 and a relocation: ":lo12:sym"), Reloc
// (always a relocation: ADRP's page) and Literal ("=value": an entry in
// the literal pool). It returns the arm64.Inst with exactly the fields
// the decoder would give for the word (Decode and Encode are inverses;
// the corpus test checks the Inst against the decoder); the framework
// calls arm64.Encode and writes the word.
//
// Handlers run in both passes and keep no state: in pass 1 the Ctx
// evaluates what it cannot know yet to 0 without error. A mnemonic may
// have several handlers, typically from different classes (mov of X
// registers and of vector elements, ldr of X and of Q registers): they are
// tried in turn, the first to succeed wins, and if none does, the error
// found furthest into the statement is reported. Only the successful
// handler's relocations and literals count. A handler that panics gives an
// "internal error" for its statement, never a crash.
//
// Every instruction the decoder knows assembles, with the aliases GNU as
// accepts, one file per family: add/sub/cmp/cmn/tst with immediates,
// shifted and extended registers (insn_arith.go); mov and movz/movn/movk
// (insn_mov.go); logical, neg/mvn/ngc, adc/sbc (insn_logic.go,
// insn_dp.go); bitfield moves and their aliases, shifts, extr
// (insn_bitfield.go); conditional select and compare (insn_condsel.go);
// multiply, divide, CRC32 and the 1- and 2-source operations
// (insn_muldiv.go); the PAC data-processing forms (insn_dp.go); branches
// (insn_branch.go) and their PAC forms, eret, drps, dcps (insn_pac.go,
// insn_sys.go); loads and stores in every addressing mode with literal
// pools (insn_ldst.go); exclusives and acquire/release (insn_excl.go);
// the LSE atomics, swp, cas and casp (insn_atomic.go, insn_lse.go); hints,
// barriers, exception generation, mrs/msr (insn_system.go); sys, sysl,
// dc, ic, at, tlbi (insn_sys.go); FP/SIMD loads and stores, structure
// loads and stores, and the SIMD data-processing subset (insn_simd_ldst.go,
// insn_simd.go). A mnemonic may have several handlers (ldr takes general
// and FP registers); they are tried in order.
//
// # Adding a class
//
// Write insn_<class>.go with the handlers and rows_<class>.go in
// internal/corpusgen with the class's rows: templates in the manual's
// style ("ldr <Qt>, [<Xbase>, #<pimmQ>]") whose placeholders are sets of
// edge values. TestCorpusMatchesGNUAs assembles every row both ways and
// reports the first difference as "line: our word vs as word"; invalid
// rows (AddInvalid) must be rejected by both.
//
// # Directives
//
// directives.go: sections (.text .data .bss .section .pushsection
// .popsection .previous, and .rodata, which GNU as lacks), symbols
// (.globl .global .local .weak .type .size .equ .set .equiv "name =
// expr"; .hidden/.protected/.internal are checked and have no effect),
// data (.byte .hword .short .2byte .word .long .int .4byte .quad .xword
// .dword .8byte .ascii .asciz .string .zero .skip .space .fill),
// alignment (.align and .p2align take a power of two on AArch64,
// .balign a byte count, the w and l forms a 2- or 4-byte fill; code is
// padded with NOPs), .ltorg/.pool, .inst,
// .end. .arch, .cpu and .arch_extension are accepted: every instruction
// kpemu knows is always enabled. .file, .ident, .loc, .cfi_* and the
// like are ignored. Anything else is an error; GNU as's macros and
// conditionals are not implemented.
//
// # Differences from GNU as
//
// The assembler is stricter where GNU as only warns: a data value that
// does not fit its size (".byte 0x1ff") is an error, not a truncation.
// A branch or ADR to an absolute number ("b 0x100") is refused: write a
// label or ".+0x100". ":lo12:" of a number is resolved here, where GNU as
// leaves a relocation against no symbol. No mapping symbols ($x, $d) are
// emitted. .arch, .cpu and .arch_extension enable nothing: every
// instruction kpemu knows is always accepted.
package asm
