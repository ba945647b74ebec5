// PC-relative access to globals, as the kernel's code model does it:
// adrp gives the 4 KiB page of the symbol, and :lo12: its offset in the
// page, folded into an add or into the load's offset.
//
//	static const u64 primes[16] = { 2, 3, 5, ..., 53 };
//	u64 jiffies;
//	u64 prime_at(u64 i) { return primes[i & 15]; }
//	u64 jiffies_add(u64 d) { return jiffies += d; }

	.text

	.globl	prime_at
	.type	prime_at, %function
	.p2align 2
prime_at:
	bti	c
	and	x0, x0, #15
	adrp	x1, primes
	add	x1, x1, :lo12:primes
	ldr	x0, [x1, x0, lsl #3]
	ret
	.size	prime_at, .-prime_at

	.globl	jiffies_add
	.type	jiffies_add, %function
	.p2align 2
jiffies_add:
	bti	c
	adrp	x1, jiffies
	ldr	x2, [x1, :lo12:jiffies]
	add	x0, x2, x0
	str	x0, [x1, :lo12:jiffies]
	ret
	.size	jiffies_add, .-jiffies_add

	.section .rodata
	.p2align 3
	.type	primes, %object
primes:
	.quad	2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53
	.size	primes, .-primes

	.data
	.p2align 3
	.globl	jiffies
	.type	jiffies, %object
jiffies:
	.quad	0
	.size	jiffies, .-jiffies
