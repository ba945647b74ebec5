package arm64_test

import (
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/arm64"
)

// Decode a word into its operation and operands, and print it as GNU
// objdump would.
func ExampleDecode() {
	in, err := arm64.Decode(0xa9bf7bfd)
	fmt.Println(in.Op, in.Rt, in.Rt2, in.Rn, in.Imm, in.Mode == arm64.AddrPreIndex, err)
	fmt.Println(arm64.GNUSyntax(in))
	// Output:
	// STP x29 x30 sp -16 true <nil>
	// stp	x29, x30, [sp, #-16]!
}

// A word that is not an instruction kpemu knows says which class it is in.
func ExampleDecode_undefined() {
	_, err := arm64.Decode(0x1e622820) // fadd d0, d1, d2: FP arithmetic is not modelled
	fmt.Println(err)
	_, err = arm64.Decode(0x04000000)
	var ue *arm64.UndefinedError
	fmt.Println(errors.As(err, &ue), ue.Class)
	// Output:
	// undefined instruction 0x1e622820 (data processing (scalar FP and advanced SIMD): unallocated or not implemented encoding)
	// true invalid
}
