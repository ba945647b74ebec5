// Recursive functions: each call pushes a frame record, so the depth of
// the recursion is the depth of the stack of frames.
//
//	u64 fib(u64 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
//	u64 ackermann(u64 m, u64 n)
//	{
//		if (m == 0)
//			return n + 1;
//		if (n == 0)
//			return ackermann(m - 1, 1);
//		return ackermann(m - 1, ackermann(m, n - 1));
//	}

	.text

	.globl	fib
	.type	fib, %function
	.p2align 2
fib:
	paciasp
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	x19, x0
	cmp	x0, #1
	b.ls	1f			// n < 2: fib(n) = n
	sub	x0, x19, #1
	bl	fib
	mov	x20, x0
	sub	x0, x19, #2
	bl	fib
	add	x0, x0, x20
1:	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	autiasp
	ret
	.size	fib, .-fib

	.globl	ackermann
	.type	ackermann, %function
	.p2align 2
ackermann:
	paciasp
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
	cbz	x0, 3f
	cbz	x1, 2f
	sub	x1, x1, #1
	bl	ackermann		// ackermann(m, n - 1)
	mov	x1, x0
	sub	x0, x19, #1
	bl	ackermann
	b	4f
2:	sub	x0, x19, #1
	mov	x1, #1
	bl	ackermann
	b	4f
3:	add	x0, x1, #1
4:	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	autiasp
	ret
	.size	ackermann, .-ackermann
