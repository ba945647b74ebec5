package tracefs_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/tracefs"
)

// kernelClone stands for the kernel's kernel_clone(struct
// kernel_clone_args *args), which reads args->flags and returns a "pid",
// and for its caller.
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

	.globl	__arm64_sys_clone
	.type	__arm64_sys_clone, %function
	.p2align 2
__arm64_sys_clone:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	kernel_clone
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	__arm64_sys_clone, .-__arm64_sys_clone
	.globl	_etext
_etext:
`

// A script written for a real kernel's tracefs, run against an emulated
// kernel_clone: define an entry and a return probe, enable them, run,
// read the trace and the profile.
func ExampleTracefs_WriteFile() {
	m, _ := emu.New(&emu.Config{CounterBase: 12_000_000_000, InsnPerSecond: 1_000_000})
	const stack, data = 0xffff800030000000, 0xffff800040000000
	m.Map(stack, 0x4000, emu.PermRW)
	m.Map(data, 0x1000, emu.PermRW)
	m.CPU(0).SetSP(stack + 0x4000)
	m.Memory().WriteU64(data, 17) // args->flags = SIGCHLD
	l, err := loader.LoadSource(m, "kernel_clone.s", []byte(kernelClone), &loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	sub, _ := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	fs, _ := tracefs.New(sub, &tracefs.Options{Task: func(int) tracefs.Task { return tracefs.Task{Comm: "bash", PID: 1234} }})

	fs.WriteFile("kprobe_events", "p:clone kernel_clone flags=+0(%x0):x64\n")
	fs.AppendFile("kprobe_events", "r:clone_ret kernel_clone pid=$retval:s32\n")
	fs.WriteFile("events/kprobes/enable", "1\n")

	fn, _ := l.Symbols.LookupName("__arm64_sys_clone")
	m.Call(context.Background(), fn.Addr, []uint64{data}, nil)

	events, _ := fs.ReadFile("kprobe_events")
	fmt.Print(events)
	trace, _ := fs.ReadFile("trace")
	for _, line := range strings.SplitAfter(trace, "\n") {
		if !strings.HasPrefix(line, "#") || strings.Contains(line, "entries") {
			fmt.Print(line)
		}
	}
	profile, _ := fs.ReadFile("kprobe_profile")
	fmt.Print(profile)
	// Output:
	// p:kprobes/clone kernel_clone flags=+0(%x0):x64
	// r10:kprobes/clone_ret kernel_clone pid=$retval:s32
	// # entries-in-buffer/entries-written: 2/2   #P:1
	//             bash-1234    [000] d....    12.000005: clone: (kernel_clone+0x0/0x24) flags=0x11
	//             bash-1234    [000] d....    12.000016: clone_ret: (__arm64_sys_clone+0x10/0x1c <- kernel_clone) pid=117
	//   clone                                                      1               0
	//   clone_ret                                                  1               0
}
