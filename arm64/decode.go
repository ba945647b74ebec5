package arm64

import (
	"encoding/binary"
	"fmt"
)

// An encoding is one row of a decode table: a word w is this instruction
// form when w&mask == value. decode extracts the operands into in (Op and
// Word are already set) and returns an *UndefinedError (see unallocated)
// for field values the manual marks unallocated or reserved within the
// form. Rows of a class are tried in order, so a more specific row (an
// encoding carved out of a wider one) comes first.
type encoding struct {
	mask, value uint32
	op          Op
	decode      func(w uint32, in *Inst) error
}

// classTables holds each class's rows, registered by the class files.
var classTables [numClasses][]encoding

func registerEncodings(c Class, rows []encoding) {
	for _, r := range rows {
		if r.value&^r.mask != 0 {
			panic(fmt.Sprintf("arm64: %v row value %#08x has bits outside mask %#08x", r.op, r.value, r.mask))
		}
		if r.op.Class() != c {
			panic(fmt.Sprintf("arm64: %v registered in class %v", r.op, c))
		}
	}
	classTables[c] = append(classTables[c], rows...)
}

// ClassOf returns the encoding class of a word from its op0 field (bits
// 28:25), the manual's top-level "A64 instruction set encoding" table.
// Encodings the table leaves unallocated (and SVE, which kpemu does not
// model) return ClassInvalid.
func ClassOf(w uint32) Class {
	op0 := (w >> 25) & 0xf
	switch {
	case op0&0b1110 == 0b1000:
		return ClassDPImm
	case op0&0b1110 == 0b1010:
		return ClassBranch
	case op0&0b0111 == 0b0101:
		return ClassDPReg
	case op0&0b0111 == 0b0111:
		return ClassSIMD
	case op0&0b0101 == 0b0100:
		if w&(1<<26) != 0 { // the V bit: FP/SIMD registers
			return ClassSIMDLdSt
		}
		return ClassLdSt
	case op0 == 0 && w>>16 == 0:
		// UDF #imm16 lives in the reserved class.
		return ClassBranch
	}
	return ClassInvalid
}

// UndefinedError says why a word does not decode: the encoding is
// unallocated (the manual reserves it) or allocated to something kpemu does
// not implement. Executing such a word raises the Undefined Instruction
// exception.
type UndefinedError struct {
	Word   uint32
	Class  Class
	Reason string // what the manual calls the encoding, or why it is refused
}

func (e *UndefinedError) Error() string {
	return fmt.Sprintf("undefined instruction %#08x (%v: %s)", e.Word, e.Class, e.Reason)
}

// unallocated returns the error a row's decode function gives for a field
// value the manual reserves. The word and class are filled in by Decode.
func unallocated(format string, args ...any) error {
	return &UndefinedError{Reason: fmt.Sprintf(format, args...)}
}

// Decode decodes one instruction word. It never panics: a word that is not
// an instruction kpemu knows returns an *UndefinedError naming its class.
func Decode(w uint32) (Inst, error) {
	c := ClassOf(w)
	in := Inst{Word: w}
	if c == ClassInvalid {
		return in, &UndefinedError{Word: w, Class: c, Reason: unallocatedOp0(w)}
	}
	for i := range classTables[c] {
		r := &classTables[c][i]
		if w&r.mask != r.value {
			continue
		}
		in.Op = r.op
		if err := r.decode(w, &in); err != nil {
			if ue, ok := err.(*UndefinedError); ok {
				ue.Word, ue.Class = w, c
			}
			return Inst{Word: w}, err
		}
		return in, nil
	}
	return in, &UndefinedError{Word: w, Class: c, Reason: "unallocated or not implemented encoding"}
}

// DecodeBytes decodes the little-endian instruction at the start of b.
func DecodeBytes(b []byte) (Inst, error) {
	if len(b) < 4 {
		return Inst{}, fmt.Errorf("arm64: need 4 bytes to decode, have %d", len(b))
	}
	return Decode(binary.LittleEndian.Uint32(b))
}

func unallocatedOp0(w uint32) string {
	switch (w >> 25) & 0xf {
	case 0b0000:
		return "reserved"
	case 0b0010:
		return "SVE encodings (not modelled)"
	default:
		return "unallocated op0"
	}
}

// Encodings describes the decode rows of a class for generators of valid
// instructions (the differential tester): each row's mask and value, and the
// op it decodes to. A word with the fixed bits of a row and random free bits
// is a candidate that Decode may still reject for a reserved field value.
type Encoding struct {
	Mask, Value uint32
	Op          Op
}

// Encodings returns the decode rows of class c in match order.
func Encodings(c Class) []Encoding {
	if c >= numClasses {
		return nil
	}
	out := make([]Encoding, len(classTables[c]))
	for i, r := range classTables[c] {
		out[i] = Encoding{Mask: r.mask, Value: r.value, Op: r.op}
	}
	return out
}

// Bit-field extractors shared by the class decoders, named after the
// fields they read where the manual gives them one name throughout.

func bits(w uint32, hi, lo uint) uint32 { return (w >> lo) & (1<<(hi-lo+1) - 1) }
func bit(w uint32, n uint) bool         { return w&(1<<n) != 0 }

// sext sign-extends the low n bits of v.
func sext(v uint32, n uint) int64 { return int64(int32(v<<(32-n)) >> (32 - n)) }

func rd(w uint32) uint8 { return uint8(w & 31) }
func rn(w uint32) uint8 { return uint8((w >> 5) & 31) }
func rm(w uint32) uint8 { return uint8((w >> 16) & 31) }
func ra(w uint32) uint8 { return uint8((w >> 10) & 31) }

// zr and sp resolve a 5-bit register field whose encoding 31 means the zero
// register or the stack pointer, as the operand's description says.
func zr(n uint8) Reg { return Reg(n) }
func sp(n uint8) Reg {
	if n == 31 {
		return SP
	}
	return Reg(n)
}
