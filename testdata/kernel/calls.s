// A call chain of kernel-style functions: chain_a calls chain_b, which
// calls the leaf chain_c. Built as GCC builds arm64 kernel code with
// -mbranch-protection=standard: a function that saves LR signs it
// (paciasp, also a BTI landing pad) and keeps a frame record (x29, x30);
// a leaf starts with bti c. Go references: internal/kernellib.
//
//	u64 chain_c(u64 x) { return 3 * x - 7; }
//	u64 chain_b(u64 x) { return chain_c(x ^ 0xff) + x; }
//	u64 chain_a(u64 x) { return 2 * chain_b(x + 1); }

	.text

	.globl	chain_a
	.type	chain_a, %function
	.p2align 2
chain_a:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	add	x0, x0, #1
	bl	chain_b
	lsl	x0, x0, #1
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	chain_a, .-chain_a

	.globl	chain_b
	.type	chain_b, %function
	.p2align 2
chain_b:
	paciasp
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]		// x19 is callee-saved: x lives across the call
	mov	x19, x0
	eor	x0, x0, #0xff
	bl	chain_c
	add	x0, x0, x19
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	autiasp
	ret
	.size	chain_b, .-chain_b

	.globl	chain_c
	.type	chain_c, %function
	.p2align 2
chain_c:
	bti	c
	add	x0, x0, x0, lsl #1
	sub	x0, x0, #7
	ret
	.size	chain_c, .-chain_c
