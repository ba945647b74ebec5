package emu_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
)

// put writes little-endian instruction words at addr.
func put(m *emu.Machine, addr uint64, words ...uint32) {
	b := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	if err := m.Memory().Write(addr, b); err != nil {
		panic(err)
	}
}

// Call a kernel-style function at EL1 under the AAPCS64 calling convention.
func ExampleMachine_Call() {
	const text, stack = 0xffff800010000000, 0xffff800030000000
	m, _ := emu.New(nil)
	m.Map(text, emu.PageSize, emu.PermRX)
	m.Map(stack, 4*emu.PageSize, emu.PermRW)
	m.CPU(0).SetSP(stack + 4*emu.PageSize)
	put(m, text,
		0x8b010000, // add x0, x0, x1
		0xd65f03c0, // ret
	)
	x0, err := m.Call(context.Background(), text, []uint64{40, 2}, nil)
	fmt.Println(x0, err)
	// Output: 42 <nil>
}

// Handle a BRK in Go, as the kprobe model does: the handler sees the
// exception as the CPU took it (ESR_EL1, ELR_EL1), edits the saved state,
// and returns; the machine performs ERET.
func ExampleMachine_HandleException() {
	const text = 0xffff800010000000
	m, _ := emu.New(nil)
	m.Map(text, emu.PageSize, emu.PermRX)
	put(m, text,
		0xd4200080, // brk #0x4
		0xd2800540, // mov x0, #0x2a
		0xd65f03c0, // ret
	)
	m.HandleException(emu.ECBRK64, func(c *emu.CPU, e *emu.Exception) (bool, error) {
		fmt.Printf("ESR_EL1 %#x, brk #%#x at %#x\n", c.ESR(), e.Imm16(), c.ELR())
		c.SetELR(c.ELR() + 4) // resume after the BRK
		return true, nil
	})
	x0, err := m.Call(context.Background(), text, nil, nil)
	fmt.Println(x0, err)
	// Output:
	// ESR_EL1 0xf2000004, brk #0x4 at 0xffff800010000000
	// 42 <nil>
}

// Watch every instruction with a code hook, and stop a runaway loop with
// an instruction budget.
func ExampleMachine_AddCodeHook() {
	const text = 0xffff800010000000
	m, _ := emu.New(nil)
	m.Map(text, emu.PageSize, emu.PermRX)
	put(m, text,
		0x91000400, // add x0, x0, #0x1
		0x17ffffff, // b .-4
	)
	m.CPU(0).SetPC(text)
	n := 0
	m.AddCodeHook(text, text+7, func(c *emu.CPU, pc uint64, in *arm64.Inst) {
		if n < 3 {
			fmt.Printf("%#x: %s\n", pc, arm64.GNUSyntax(*in))
		}
		n++
	})
	_, err := m.Run(context.Background(), &emu.RunOptions{Budget: 1000})
	fmt.Println(errors.Is(err, emu.ErrBudget), n, m.CPU(0).X(0))
	// Output:
	// 0xffff800010000000: add	x0, x0, #0x1
	// 0xffff800010000004: b	.-0x4
	// 0xffff800010000000: add	x0, x0, #0x1
	// true 1000 500
}
