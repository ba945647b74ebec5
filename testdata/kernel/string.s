// String and memory routines in the manner of lib/string.c, as byte and
// word loops with post-indexed loads and stores.
//
//	size_t strlen(const char *s);
//	void *memcpy(void *d, const void *s, size_t n);	// 8 bytes at a time, then bytes
//	void *memset(void *d, int c, size_t n);
//	int strcmp(const char *a, const char *b);		// difference of the first unequal bytes

	.text

	.globl	strlen
	.type	strlen, %function
	.p2align 2
strlen:
	bti	c
	mov	x1, x0
1:	ldrb	w2, [x1], #1
	cbnz	w2, 1b
	sub	x0, x1, x0
	sub	x0, x0, #1
	ret
	.size	strlen, .-strlen

	.globl	memcpy
	.type	memcpy, %function
	.p2align 2
memcpy:
	bti	c
	mov	x3, x0			// d is returned: copy through x3
	cmp	x2, #8
	b.lo	2f
1:	ldr	x4, [x1], #8
	str	x4, [x3], #8
	sub	x2, x2, #8
	cmp	x2, #8
	b.hs	1b
2:	cbz	x2, 4f
3:	ldrb	w4, [x1], #1
	strb	w4, [x3], #1
	subs	x2, x2, #1
	b.ne	3b
4:	ret
	.size	memcpy, .-memcpy

	.globl	memset
	.type	memset, %function
	.p2align 2
memset:
	bti	c
	mov	x3, x0
	cbz	x2, 2f
1:	strb	w1, [x3], #1
	subs	x2, x2, #1
	b.ne	1b
2:	ret
	.size	memset, .-memset

	.globl	strcmp
	.type	strcmp, %function
	.p2align 2
strcmp:
	bti	c
1:	ldrb	w2, [x0], #1
	ldrb	w3, [x1], #1
	cmp	w2, w3
	b.ne	2f
	cbnz	w2, 1b
2:	sub	w0, w2, w3
	ret
	.size	strcmp, .-strcmp
