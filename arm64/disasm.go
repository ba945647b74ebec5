package arm64

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/arch/arm64/arm64asm"
)

// printers hold our own GNU-syntax printers for the ops that
// golang.org/x/arch/arm64/arm64asm does not decode (LSE atomics, the PAC
// and BTI forms, ...). Class files register them next to their decoders.
var printers [NumOps]func(in *Inst) string

func registerPrinter(op Op, fn func(in *Inst) string) {
	if printers[op] != nil {
		panic("arm64: printer registered twice for " + op.String())
	}
	printers[op] = fn
}

// GNUSyntax returns the instruction in GNU as syntax, as objdump prints it:
// our own printer where we have one for the op, else arm64asm's, else
// ".inst 0x%08x".
func GNUSyntax(in Inst) string {
	if p := printers[in.Op]; p != nil {
		return p(&in)
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], in.Word)
	if ai, err := arm64asm.Decode(b[:]); err == nil {
		return arm64asm.GNUSyntax(ai)
	}
	return fmt.Sprintf(".inst\t0x%08x", in.Word)
}
