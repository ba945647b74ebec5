// Functions for the CLI's error paths: a loop that never ends (the
// instruction budget stops it) and a system call made from kernel code
// (svc, which kprobes refuse to probe).

	.text

	.globl	spin
	.type	spin, %function
	.p2align 2
spin:
	bti	c
1:	add	x0, x0, #1
	b	1b
	.size	spin, .-spin

	.globl	do_svc
	.type	do_svc, %function
	.p2align 2
do_svc:
	bti	c
	mov	x8, #172		// __NR_getpid
	svc	#0
	ret
	.size	do_svc, .-do_svc
