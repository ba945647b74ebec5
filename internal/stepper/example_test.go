package stepper_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/internal/stepper"
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
	ldr	x1, [x0]
	and	x1, x1, #0xff
	add	x0, x1, #100
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	kernel_clone, .-kernel_clone
`

// A scripted session: a kprobe with kprobe_example.c's handlers on
// kernel_clone+0xc (an XOL-stepped load), run to it, then walked.
func ExampleStepper_Run() {
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
	kp, _ := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	entry, _ := l.Addr("kernel_clone")

	script := `probe kernel_clone+0xc
b kernel_clone+0x10
c
x/1xg $x0
c
quit
`
	s, err := stepper.New(stepper.Config{
		Machine: m, Kprobes: kp, Symbols: l.Symbols,
		Entry: entry, Args: []uint64{data},
		In: strings.NewReader(script), Out: os.Stdout,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// kernel_clone(0xffff800040000000) on cpu0; at most 10000000 instructions per command; "help" lists the commands.
	// => 0xffff800008000000 <kernel_clone+0x0>:	d503233f  paciasp
	// (kpemu) probe kernel_clone+0xc
	// [phase] cpu-- armed            pc=0xffff80000800000c <kernel_clone+0xc/0x24> insn=0xf9400001 slot=0xffff8000f0000000
	// Planted kprobe at 0xffff80000800000c <kernel_clone+0xc>: ldr     x1, [x0] (XOL slot 0xffff8000f0000000 <kprobe_insn_page+0x0 [__builtin__kprobes]>)
	// (kpemu) b kernel_clone+0x10
	// Breakpoint 1 at 0xffff800008000010 <kernel_clone+0x10>
	// (kpemu) c
	// Continuing.
	// [phase] cpu0 brk-hit          pc=0xffff80000800000c <kernel_clone+0xc/0x24> esr=0xf2000004
	// [phase] cpu0 handler          pc=0xffff80000800000c <kernel_clone+0xc/0x24> insn=0xf9400001 slot=0xffff8000f0000000
	// <kernel_clone> p->addr = 0xffff80000800000c, pc = 0xffff80000800000c, pstate = 0x3c5
	// [phase] cpu0 pre-handler      pc=0xffff80000800000c <kernel_clone+0xc/0x24> returned 0
	// [phase] cpu0 xol-enter        pc=0xffff8000f0000000 <kprobe_insn_page+0x0/0x1000 [__builtin__kprobes]> slot=0xffff8000f0000000 insn=0xf9400001 daif saved=0x3c0 pc:0xffff80000800000c->0xffff8000f0000000
	// [phase] cpu0 ss-brk-hit       pc=0xffff8000f0000004 <kprobe_insn_page+0x4/0x1000 [__builtin__kprobes]> esr=0xf2000006
	// [phase] cpu0 daif-restored    pc=0xffff8000f0000004 <kprobe_insn_page+0x4/0x1000 [__builtin__kprobes]> daif=0x3c0
	// <kernel_clone> p->addr = 0xffff80000800000c, pstate = 0x3c5
	// [phase] cpu0 post-handler     pc=0xffff80000800000c <kernel_clone+0xc/0x24>
	// [phase] cpu0 resume           pc=0xffff800008000010 <kernel_clone+0x10/0x24>
	//
	// Breakpoint 1, 0xffff800008000010 <kernel_clone+0x10>
	// => 0xffff800008000010 <kernel_clone+0x10>:	92401c21  and     x1, x1, #0xff
	// (kpemu) x/1xg $x0
	// 0xffff800040000000:	0x0000000000000011
	// (kpemu) c
	// Continuing.
	// [kernel_clone(0xffff800040000000) returned 0x75 (117)]
	// (kpemu) quit
}
