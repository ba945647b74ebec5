package asm_test

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/asm"
)

func ExampleAssemble() {
	src := `
	.text
	.globl probe_me
	.type probe_me, %function
probe_me:
	paciasp
	stp x29, x30, [sp, #-16]!
	bl helper		// undefined here: a relocation
	cbz x0, 1f
	ldr x0, =0x1122334455667788
1:	ldp x29, x30, [sp], #16
	autiasp
	ret
	.size probe_me, .-probe_me
`
	o, err := asm.Assemble("probe.s", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	text := o.Sections[0]
	for off := 0; off < 32; off += 4 {
		in, _ := arm64.DecodeBytes(text.Data[off:])
		fmt.Printf("%2d: %s\n", off, arm64.GNUSyntax(in))
	}
	fmt.Printf("literal pool at 32: %#x\n", binary.LittleEndian.Uint64(text.Data[32:]))
	for _, r := range o.Relocs {
		fmt.Printf("reloc at %d: %v %s\n", r.Offset, r.Type, o.Symbols[r.Symbol].Name)
	}
	for _, s := range o.Symbols {
		if s.Name == "probe_me" {
			fmt.Printf("%s: size %d\n", s.Name, s.Size)
		}
	}
	// Output:
	//  0: paciasp
	//  4: stp	x29, x30, [sp, #-16]!
	//  8: bl	.+0x0
	// 12: cbz	x0, .+0x8
	// 16: ldr	x0, .+0x10
	// 20: ldp	x29, x30, [sp], #16
	// 24: autiasp
	// 28: ret
	// literal pool at 32: 0x1122334455667788
	// reloc at 8: R_AARCH64_CALL26 helper
	// probe_me: size 32
}

func ExampleErrorList() {
	_, err := asm.Assemble("bad.s", []byte("\tadd x0, x1, #5000\n\tmov x0, w1\n\tfrob\n"))
	var list asm.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Println(e)
		}
	}
	// Output:
	// bad.s:1:14: immediate '#5000' is out of range: expected 0 to 4095, or a multiple of 4096 up to 0xfff000 (or their negatives)
	// bad.s:2:10: expected a 64-bit register (x0-x30, xzr) but found 'w1'
	// bad.s:3:2: unknown instruction 'frob'
}
