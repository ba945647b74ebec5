package kprobe_test

import (
	"context"
	"fmt"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/kprobe"
)

// kernelClone stands for the kernel's kernel_clone(struct
// kernel_clone_args *args): it reads args->flags and returns a "pid".
const kernelClone = `
	.text
	.globl	kernel_clone
	.type	kernel_clone, %function
	.p2align 2
kernel_clone:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldr	x1, [x0]		// args->flags
	and	x1, x1, #0xff		// the exit signal
	add	x0, x1, #100		// a pid
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	kernel_clone, .-kernel_clone
`

// This mirrors samples/kprobes/kprobe_example.c: a probe on kernel_clone
// whose handlers print the probe address, PC and PSTATE (the kernel
// prints %p hashed; here the addresses are shown plainly).
func ExampleSubsystem_RegisterKprobe() {
	m, _ := emu.New(nil)
	const stack, data = 0xffff800030000000, 0xffff800040000000
	m.Map(stack, 0x4000, emu.PermRW)
	m.Map(data, 0x1000, emu.PermRW)
	m.CPU(0).SetSP(stack + 0x4000)
	m.Memory().WriteU64(data, 17) // args->flags = SIGCHLD
	l, err := loader.LoadSource(m, "kernel_clone.s", []byte(kernelClone),
		&loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})

	kp := &kprobe.Kprobe{
		SymbolName: "kernel_clone",
		PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
			fmt.Printf("<%s> p->addr = 0x%x, pc = 0x%x, pstate = 0x%x\n",
				p.SymbolName, p.Addr, regs.PC, regs.PState)
			return 0
		},
		PostHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs, flags uint64) {
			fmt.Printf("<%s> p->addr = 0x%x, pstate = 0x%x\n", p.SymbolName, p.Addr, regs.PState)
		},
	}
	if err := s.RegisterKprobe(kp); err != nil {
		fmt.Println("register_kprobe failed, returned", err)
		return
	}
	fmt.Printf("Planted kprobe at %x\n", kp.Addr)

	pid, err := m.Call(context.Background(), kp.Addr, []uint64{data}, nil)
	fmt.Println("kernel_clone returned", pid, err)

	s.UnregisterKprobe(kp)
	fmt.Printf("kprobe at %x unregistered\n", kp.Addr)
	// Output:
	// Planted kprobe at ffff800008000000
	// <kernel_clone> p->addr = 0xffff800008000000, pc = 0xffff800008000000, pstate = 0x3c5
	// <kernel_clone> p->addr = 0xffff800008000000, pstate = 0x3c5
	// kernel_clone returned 117 <nil>
	// kprobe at ffff800008000000 unregistered
}
