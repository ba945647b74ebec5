// Atomics as arch/arm64/include/asm/atomic_ll_sc.h and atomic_lse.h make
// them: a load-exclusive/store-exclusive retry loop (LL/SC), and the
// single LSE instructions of Armv8.1.
//
//	u64 atomic_add_return_llsc(u64 *p, u64 v) { return *p += v; }	// atomically, full barrier
//	u32 cmpxchg_llsc(u32 *p, u32 old, u32 new)			// returns the previous *p
//	u64 atomic_fetch_add_lse(u64 *p, u64 v) { u64 o = *p; *p += v; return o; }
//	u64 cmpxchg_lse(u64 *p, u64 old, u64 new)			// returns the previous *p

	.arch_extension lse		// __LSE_PREAMBLE
	.text

	.globl	atomic_add_return_llsc
	.type	atomic_add_return_llsc, %function
	.p2align 2
atomic_add_return_llsc:
	bti	c
	prfm	pstl1strm, [x0]
1:	ldxr	x2, [x0]
	add	x2, x2, x1
	stlxr	w3, x2, [x0]
	cbnz	w3, 1b			// the monitor was lost: retry
	dmb	ish
	mov	x0, x2
	ret
	.size	atomic_add_return_llsc, .-atomic_add_return_llsc

	.globl	cmpxchg_llsc
	.type	cmpxchg_llsc, %function
	.p2align 2
cmpxchg_llsc:
	bti	c
1:	ldaxr	w3, [x0]
	cmp	w3, w1
	b.ne	2f
	stlxr	w4, w2, [x0]
	cbnz	w4, 1b
2:	mov	w0, w3
	ret
	.size	cmpxchg_llsc, .-cmpxchg_llsc

	.globl	atomic_fetch_add_lse
	.type	atomic_fetch_add_lse, %function
	.p2align 2
atomic_fetch_add_lse:
	bti	c
	ldaddal	x1, x0, [x0]
	ret
	.size	atomic_fetch_add_lse, .-atomic_fetch_add_lse

	.globl	cmpxchg_lse
	.type	cmpxchg_lse, %function
	.p2align 2
cmpxchg_lse:
	bti	c
	casal	x1, x2, [x0]		// x1 = the previous *p
	mov	x0, x1
	ret
	.size	cmpxchg_lse, .-cmpxchg_lse
