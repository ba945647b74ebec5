package arm64

import "fmt"

// Encoding is the inverse of decoding: each class registers, beside its
// decode rows, an encoder per op that builds the word from an Inst's
// fields. For every word w that Decode accepts, Encode(Decode(w)) == w,
// except in fields the decoder ignores (should-be-one/zero bits that the
// manual allows either way), which Encode writes in their canonical form:
// the round-trip tests check exactly that.
//
// Encode checks that the operands fit the encoding (register kinds, the
// range and alignment of immediates) and says which operand does not, so
// that the assembler can report it.

var encoders [NumOps]func(in *Inst) (uint32, error)

func registerEncoder(op Op, fn func(in *Inst) (uint32, error)) {
	if encoders[op] != nil {
		panic("arm64: encoder registered twice for " + op.String())
	}
	encoders[op] = fn
}

// EncodeError says why an Inst cannot be encoded.
type EncodeError struct {
	Op     Op
	Reason string
}

func (e *EncodeError) Error() string { return fmt.Sprintf("cannot encode %v: %s", e.Op, e.Reason) }

// encodeError is how encoders report an operand that does not fit.
func encodeError(op Op, format string, args ...any) error {
	return &EncodeError{Op: op, Reason: fmt.Sprintf(format, args...)}
}

// Encode returns the instruction word for in.
func Encode(in Inst) (uint32, error) {
	if int(in.Op) >= NumOps || encoders[in.Op] == nil {
		return 0, &EncodeError{Op: in.Op, Reason: "no encoder for this op"}
	}
	return encoders[in.Op](&in)
}
