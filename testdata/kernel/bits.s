// Bit manipulation: a clear-lowest-set-bit loop, mask-and-shift swaps,
// bitfield extract and insert (as the kernel's FIELD_GET/FIELD_PREP and
// page-table helpers compile), a multiplicative hash.
//
//	unsigned popcount64(u64 x);				// hweight64
//	u32 bitrev32(u32 x);					// include/linux/bitrev.h
//	u64 pte_pfn(u64 pte) { return (pte >> 12) & ((1UL << 36) - 1); }
//	u64 pte_mkpfn(u64 pte, u64 pfn)			// pte with bits 47:12 replaced by pfn
//	u64 hash_64(u64 val, unsigned bits)		// include/linux/hash.h, bits 1..64
//	{ return val * GOLDEN_RATIO_64 >> (64 - bits); }

	.text

	.globl	popcount64
	.type	popcount64, %function
	.p2align 2
popcount64:
	bti	c
	mov	w1, #0
	cbz	x0, 2f
1:	sub	x2, x0, #1
	and	x0, x0, x2		// clear the lowest set bit
	add	w1, w1, #1
	cbnz	x0, 1b
2:	mov	w0, w1
	ret
	.size	popcount64, .-popcount64

	.globl	bitrev32
	.type	bitrev32, %function
	.p2align 2
bitrev32:
	bti	c
	lsr	w1, w0, #1		// swap adjacent bits
	and	w1, w1, #0x55555555
	and	w0, w0, #0x55555555
	orr	w0, w1, w0, lsl #1
	lsr	w1, w0, #2		// swap bit pairs
	and	w1, w1, #0x33333333
	and	w0, w0, #0x33333333
	orr	w0, w1, w0, lsl #2
	lsr	w1, w0, #4		// swap nibbles
	and	w1, w1, #0x0f0f0f0f
	and	w0, w0, #0x0f0f0f0f
	orr	w0, w1, w0, lsl #4
	rev	w0, w0			// and the bytes
	ret
	.size	bitrev32, .-bitrev32

	.globl	pte_pfn
	.type	pte_pfn, %function
	.p2align 2
pte_pfn:
	bti	c
	ubfx	x0, x0, #12, #36
	ret
	.size	pte_pfn, .-pte_pfn

	.globl	pte_mkpfn
	.type	pte_mkpfn, %function
	.p2align 2
pte_mkpfn:
	bti	c
	bfi	x0, x1, #12, #36
	ret
	.size	pte_mkpfn, .-pte_mkpfn

	.globl	hash_64
	.type	hash_64, %function
	.p2align 2
hash_64:
	bti	c
	mov	x2, #0x83eb		// GOLDEN_RATIO_64 = 0x61c8864680b583eb
	movk	x2, #0x80b5, lsl #16
	movk	x2, #0x8646, lsl #32
	movk	x2, #0x61c8, lsl #48
	mul	x0, x0, x2
	mov	w3, #64
	sub	w1, w3, w1
	lsr	x0, x0, x1
	ret
	.size	hash_64, .-hash_64
