// The first object of testdata/vmlinux.elf, a miniature vmlinux for the
// image tests (image_test.go). Built, from emu/symbols, with
//
//	aarch64-linux-gnu-as testdata/vmlinux_a.s -o /tmp/vmlinux_a.o
//	aarch64-linux-gnu-as testdata/vmlinux_b.s -o /tmp/vmlinux_b.o
//	aarch64-linux-gnu-ld -N --no-warn-rwx-segments --build-id=none \
//		-Ttext=0xffff800080010000 -e _text \
//		/tmp/vmlinux_a.o /tmp/vmlinux_b.o -o testdata/vmlinux.elf
//
// (GNU binutils 2.40). vmlinux_a.s and vmlinux_b.s both define a static
// show_stat, as two files of a kernel may: kallsyms then holds two
// symbols of that name. kernel_clone has two aliases, a weak one and one
// with leading underscores, which kallsyms ranks after it.
	.text
	.globl	_text
_text:
	.globl	_stext
_stext:
	nop

	.weak	clone_weak
clone_weak:
	.globl	__kernel_clone
__kernel_clone:
	.globl	kernel_clone
	.type	kernel_clone, %function
kernel_clone:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	show_stat
	ldp	x29, x30, [sp], #16
	ret
	.size	kernel_clone, .-kernel_clone

	.type	show_stat, %function
show_stat:
	mov	x0, #1
	ret
	.size	show_stat, .-show_stat

	.data
	.globl	jiffies
	.type	jiffies, %object
	.balign	8
jiffies:
	.quad	0
	.size	jiffies, 8
