package arm64

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
)

// printers hold our own GNU-syntax printers for the ops that
// golang.org/x/arch/arm64/arm64asm does not decode (LSE atomics, the PAC
// and BTI forms, ...) or prints differently from objdump. Class files
// register them next to their decoders. A printer writes a PC-relative
// operand as an offset from the instruction (".+0x10", ".-0x4"); GNUSyntax
// and Disasm rewrite that operand, so a printer never needs the address.
var printers [NumOps]func(in *Inst) string

func registerPrinter(op Op, fn func(in *Inst) string) {
	if printers[op] != nil {
		panic("arm64: printer registered twice for " + op.String())
	}
	printers[op] = fn
}

// GNUSyntax returns the instruction in GNU as syntax as
// aarch64-linux-gnu-objdump -d prints it (mnemonic, a tab, the operands,
// objdump's trailing "// ..." comment if it writes one), except that it is
// position independent: a PC-relative operand (branch target, ADR/ADRP
// target, literal address) is written as an offset from the instruction in
// the form GNU as accepts, ".+0x10" or ".-0x4". For ADRP the offset is from
// the instruction's 4 KiB page. Disasm prints the absolute target instead.
//
// The text depends on the Inst's fields only, not on Word, so that an Inst
// built by hand (an assembler's, with Word 0) prints like the decoded one.
// Only a word that Decode rejects (in.Op is OpInvalid) is printed from Word:
// as arm64asm decodes it when arm64asm knows it (instructions kpemu does not
// model, such as FP arithmetic), else as objdump prints undefined words,
// ".inst\t0x%08x ; undefined".
func GNUSyntax(in Inst) string {
	text := rawSyntax(&in)
	if off, ok := pcOffset(&in); ok {
		text = replacePCRel(text, relText(off))
	}
	return text
}

// Disasm returns the instruction as aarch64-linux-gnu-objdump -d prints it
// at address pc: like GNUSyntax, but a PC-relative operand is the absolute
// target in hex. When sym is not nil and names the target, the name
// follows in angle brackets as objdump writes it for a file with symbols
// ("bl\t4005d0 <puts>": the address then has no 0x prefix); sym returns the
// text for inside the brackets, such as "main" or "main+0x10". Without a
// name the target is "0x4005d0", as objdump prints it for a file with no
// symbols. Targets wrap modulo 2^64 as in objdump.
func Disasm(in Inst, pc uint64, sym func(addr uint64) (string, bool)) string {
	text := rawSyntax(&in)
	if target, ok := PCTarget(in, pc); ok {
		text = replacePCRel(text, targetText(target, sym))
	}
	return text
}

// PCTarget returns the address a PC-relative instruction at pc refers to:
// the branch target of B, BL, B.cond, CBZ, CBNZ, TBZ and TBNZ, the address
// ADR and ADRP compute, and the literal address of LDR, LDRSW and PRFM
// (literal). ok is false for every other instruction.
func PCTarget(in Inst, pc uint64) (target uint64, ok bool) {
	off, ok := pcOffset(&in)
	if !ok {
		return 0, false
	}
	if in.Op == ADRP {
		// Arm ARM C6.2.13 ADRP: the base is the instruction's address
		// with its low 12 bits cleared.
		pc &^= 0xfff
	}
	return pc + uint64(off), true
}

// pcRelOps are the ops whose Imm is an offset from the instruction that
// objdump prints as an address. Loads of a literal are found by their
// addressing mode instead (AddrLiteral), whatever their class.
var pcRelOps = map[Op]bool{
	B: true, BL: true, Bcond: true, CBZ: true, CBNZ: true, TBZ: true, TBNZ: true,
	ADR: true, ADRP: true,
}

// pcOffset returns the offset of a PC-relative operand from the
// instruction (from its page for ADRP).
func pcOffset(in *Inst) (int64, bool) {
	if in.Op == OpInvalid {
		return 0, false
	}
	if pcRelOps[in.Op] || in.Mode == AddrLiteral {
		return in.Imm, true
	}
	return 0, false
}

// rawSyntax prints the instruction with PC-relative operands in the
// ".+0x10" form: our printer for the op if the class registered one, else
// arm64asm's GNU syntax brought to objdump's conventions, else objdump's
// text for an undefined word. arm64asm reads a word: for an op it is the
// word Encode builds from the fields (Word only if Encode refuses them),
// so that the text never depends on Word for a decoded op.
func rawSyntax(in *Inst) string {
	w := in.Word
	if in.Op != OpInvalid && int(in.Op) < NumOps {
		if p := printers[in.Op]; p != nil {
			return p(in)
		}
		if enc, err := Encode(*in); err == nil {
			w = enc
		}
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	if ai, err := arm64asm.Decode(b[:]); err == nil {
		return normalizeArm64asm(arm64asm.GNUSyntax(ai))
	}
	return fmt.Sprintf(".inst\t0x%08x ; undefined", w)
}

// normalizeArm64asm brings arm64asm's GNU syntax to objdump's: the one
// place where its systematic differences are fixed, so that no class
// needs a printer only to change spacing.
//
//   - objdump separates the mnemonic from the operands with a tab,
//     arm64asm with a space.
//   - objdump follows "mov <Rd>, #<imm>" (the MOVZ, MOVN and ORR
//     (immediate) aliases) with the value in signed decimal; see
//     movImmComment.
func normalizeArm64asm(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i] + "\t" + s[i+1:]
	}
	if strings.HasPrefix(s, "mov\t") {
		s = movImmComment(s)
	}
	return s
}

// movImm matches the "mov <Rd>, #<imm>" alias of MOVZ, MOVN and ORR
// (immediate) with a general-purpose destination.
var movImm = regexp.MustCompile(`^mov\t((?:[wx](?:[0-9]+|zr)|w?sp)), #(0x[0-9a-f]+)$`)

// movImmComment appends objdump's comment to a "mov <Rd>, #<imm>" line: the
// immediate padded to 23 columns, a tab, and "// #" with the value in
// signed decimal at the register's width ("mov\tw0, #0xffffffff" is
// "// #-1"). Other lines are returned unchanged.
func movImmComment(s string) string {
	m := movImm.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	v, err := strconv.ParseUint(m[2][2:], 16, 64)
	if err != nil {
		return s
	}
	dec := int64(v)
	if m[1][0] == 'w' {
		dec = int64(int32(uint32(v)))
	}
	return fmt.Sprintf("mov\t%s, %-23s\t// #%d", m[1], "#"+m[2], dec)
}

// pcRelToken matches a PC-relative operand as the printers and arm64asm
// write it: "." followed by a signed offset. arm64asm writes negative
// offsets as ".+0xfffffffffffffffc", which the match covers as well since
// the replacement is computed from the Inst, not from the text.
var pcRelToken = regexp.MustCompile(`\.[+-](?:0x[0-9a-fA-F]+|[0-9]+)`)

// replacePCRel replaces the last PC-relative operand in text with repl.
func replacePCRel(text, repl string) string {
	locs := pcRelToken.FindAllStringIndex(text, -1)
	if len(locs) == 0 {
		return text
	}
	l := locs[len(locs)-1]
	return text[:l[0]] + repl + text[l[1]:]
}

// relText writes an offset as GNU as accepts it relative to ".".
func relText(off int64) string {
	if off < 0 {
		return fmt.Sprintf(".-%#x", uint64(-off))
	}
	return fmt.Sprintf(".+%#x", off)
}

// targetText writes an absolute target as objdump does: "0x1234" when no
// symbol names it, "1234 <name>" when one does.
func targetText(addr uint64, sym func(uint64) (string, bool)) string {
	if sym != nil {
		if name, ok := sym(addr); ok && name != "" {
			return fmt.Sprintf("%x <%s>", addr, name)
		}
	}
	return fmt.Sprintf("%#x", addr)
}

// condAliases are the other names of the condition codes (Arm ARM C1.2.4,
// "Condition code": the SVE names none, any, first, ...) that objdump
// lists in a comment after an instruction with a condition operand.
var condAliases = [16]string{
	EQ: "none", NE: "any", CS: "hs, nlast", CC: "lo, ul, last", MI: "first",
	PL: "nfrst", HI: "pmore", LS: "plast", GE: "tcont", LT: "tstop",
}

// gnuCondComment returns the comment objdump appends to an instruction
// whose last operand is condition c (CSEL, CCMP, CSET, FCSEL, ...):
// "\t// eq = none", or "" for the conditions with no other name. B.cond
// has its own form ("  // b.any").
func gnuCondComment(c Cond) string {
	if a := condAliases[c&15]; a != "" {
		return "\t// " + c.String() + " = " + a
	}
	return ""
}
