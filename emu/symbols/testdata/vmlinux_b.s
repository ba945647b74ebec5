// The second object of testdata/vmlinux.elf; see vmlinux_a.s for the
// command that builds it.
	.text
	.type	show_stat, %function
show_stat:
	mov	x0, #2
	ret
	.size	show_stat, .-show_stat

	.globl	do_exit
	.type	do_exit, %function
do_exit:
	b	.
	.size	do_exit, .-do_exit

	.section .rodata
	.type	linux_banner, %object
linux_banner:
	.asciz	"Linux version 6.10.0"
	.size	linux_banner, .-linux_banner

	.bss
	.globl	init_stack
	.type	init_stack, %object
	.balign	16
init_stack:
	.zero	64
	.size	init_stack, 64
