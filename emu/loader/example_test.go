package loader_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
)

// Load an object file, linked at a kernel address, and call a function of
// it by name. The file here is written with obj.WriteELF; one from GNU as
// (or `kpemu asm`) loads the same way, and so do executables, static PIEs
// and a distribution vmlinux.
func ExampleLoadFile() {
	o := &obj.Object{
		Sections: []*obj.Section{{Name: ".text", Flags: obj.SecAlloc | obj.SecExec, Align: 4,
			Data: []byte{
				0x00, 0x00, 0x01, 0x8b, // add x0, x0, x1
				0xc0, 0x03, 0x5f, 0xd6, // ret
			}, Size: 8}},
		Symbols: []*obj.Symbol{{Name: "add", Section: 0, Kind: obj.SymFunc, Binding: obj.BindGlobal, Size: 8}},
	}
	dir, _ := os.MkdirTemp("", "kpemu")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "add.o")
	f, _ := os.Create(path)
	if err := obj.WriteELF(f, o); err != nil {
		fmt.Println(err)
	}
	f.Close()

	m, _ := emu.New(nil)
	l, err := loader.LoadFile(m, path, &loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	const stack = 0xffff800030000000
	m.Map(stack, 4*emu.PageSize, emu.PermRW)
	m.CPU(0).SetSP(stack + 4*emu.PageSize)

	add, _ := l.Addr("add")
	x0, err := m.Call(context.Background(), add, []uint64{40, 2}, nil)
	fmt.Printf("%s = %#x: add(40, 2) = %d %v\n", m.Symbolize(add), add, x0, err)
	// Output: add+0x0/0x8 = 0xffff800008000000: add(40, 2) = 42 <nil>
}

// Write a kernel function in assembly, load it and call it: LoadSource
// assembles the source with arm64/asm (GNU as syntax), links it at a
// kernel address and maps it; LoadFile does the same for a .s file and
// LoadFiles links several sources and objects together. kernel_clone has
// the prologue and epilogue of an arm64 kernel function built with
// -mbranch-protection=standard (paciasp/autiasp are NOPs here: kpemu's CPU
// has no pointer authentication, as on a CPU without FEAT_PAuth), calls
// another function and updates a global through adrp + :lo12:.
func ExampleLoadSource() {
	src := `
	.text
	.globl	kernel_clone
	.type	kernel_clone, %function
kernel_clone:				// pid_t kernel_clone(struct kernel_clone_args *args)
	paciasp
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0			// args, kept across the call
	bl	alloc_pid
	adrp	x1, nr_threads
	ldr	x2, [x1, :lo12:nr_threads]
	add	x2, x2, #1
	str	x2, [x1, :lo12:nr_threads]
	str	x0, [x19, #8]		// args->pid = pid (a field of this example)
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	autiasp
	ret
	.size	kernel_clone, .-kernel_clone

	.type	alloc_pid, %function
alloc_pid:
	adrp	x0, last_pid
	add	x0, x0, :lo12:last_pid
	ldr	x1, [x0]
	add	x1, x1, #1
	str	x1, [x0]
	mov	x0, x1
	ret
	.size	alloc_pid, .-alloc_pid

	.data
	.balign	8
last_pid:	.quad	100
nr_threads:	.quad	1
`
	m, _ := emu.New(nil)
	l, err := loader.LoadSource(m, "fork.s", []byte(src), &loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	const stack = 0xffff800030000000
	m.Map(stack, 4*emu.PageSize, emu.PermRW)
	m.CPU(0).SetSP(stack + 4*emu.PageSize)
	args := uint64(stack) // struct { u64 flags, pid; } at the bottom of the stack pages

	fn, _ := l.Addr("kernel_clone")
	for range 2 {
		pid, err := m.Call(context.Background(), fn, []uint64{args}, nil)
		stored, _ := m.Memory().ReadU64(args + 8)
		fmt.Println("kernel_clone:", pid, err, "args->pid:", stored)
	}
	nr, _ := l.Addr("nr_threads")
	threads, _ := m.Memory().ReadU64(nr)
	fmt.Println("nr_threads:", threads, "at", m.Symbolize(nr))
	// Output:
	// kernel_clone: 101 <nil> args->pid: 101
	// kernel_clone: 102 <nil> args->pid: 102
	// nr_threads: 3 at nr_threads+0x0/0x8
}
