//go:build ignore
//
// kernel_clone.s: the clone path as arm64 kernels compile it, reduced to
// what a probe on kernel_clone touches. __do_sys_clone fills a struct
// kernel_clone_args on its stack and calls kernel_clone (kernel/fork.c),
// whose prologue signs the return address (paciasp,
// CONFIG_ARM64_PTR_AUTH_KERNEL) and saves the frame record and
// callee-saved registers; copy_process stands for the new task's pid.
//
// `kpemu demo` runs it; the walkthrough (docs/walkthrough.md) probes it.
// The first line keeps the Go tool from taking this GNU as file for Go
// assembly; to GNU as and to kpemu's assembler it is a comment.
	.text
	.globl	kernel_clone
	.type	kernel_clone, %function
	.p2align 2
kernel_clone:
	paciasp
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	x19, x0			// struct kernel_clone_args *args
	ldr	x20, [x19]		// u64 clone_flags = args->flags
	bl	copy_process		// the new task, here its pid
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	autiasp
	ret
	.size	kernel_clone, .-kernel_clone

	.globl	copy_process
	.type	copy_process, %function
	.p2align 2
copy_process:
	ldr	x1, [x0, #32]		// args->exit_signal
	mov	x0, #1234		// pid_vnr() of the new task
	ret
	.size	copy_process, .-copy_process

	.globl	__do_sys_clone
	.type	__do_sys_clone, %function
	.p2align 2
__do_sys_clone:
	paciasp
	stp	x29, x30, [sp, #-64]!
	mov	x29, sp
	and	x1, x0, #0xff		// .exit_signal = clone_flags & CSIGNAL
	and	x0, x0, #0xffffffffffffff00 // .flags = clone_flags & ~CSIGNAL
	stp	x0, xzr, [sp, #16]	// args.flags, args.pidfd
	stp	xzr, xzr, [sp, #32]	// args.child_tid, args.parent_tid
	str	x1, [sp, #48]		// args.exit_signal
	add	x0, sp, #16		// &args
	bl	kernel_clone
	ldp	x29, x30, [sp], #64
	autiasp
	ret
	.size	__do_sys_clone, .-__do_sys_clone

	.globl	_etext
_etext:
