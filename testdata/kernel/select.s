// Compare and conditional select, as GCC compiles min/max/clamp without
// branches.
//
//	s64 clamp(s64 v, s64 lo, s64 hi) { return v < lo ? lo : v > hi ? hi : v; }
//	u64 max_u64(u64 a, u64 b) { return a > b ? a : b; }
//	int sign(s64 v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }
//	u64 abs_diff(u64 a, u64 b) { return a > b ? a - b : b - a; }

	.text

	.globl	clamp
	.type	clamp, %function
	.p2align 2
clamp:
	bti	c
	cmp	x0, x1
	csel	x0, x1, x0, lt
	cmp	x0, x2
	csel	x0, x2, x0, gt
	ret
	.size	clamp, .-clamp

	.globl	max_u64
	.type	max_u64, %function
	.p2align 2
max_u64:
	bti	c
	cmp	x0, x1
	csel	x0, x0, x1, hi
	ret
	.size	max_u64, .-max_u64

	.globl	sign
	.type	sign, %function
	.p2align 2
sign:
	bti	c
	cmp	x0, #0
	cset	w1, gt
	csinv	w0, w1, wzr, ge		// v < 0: ~0 = -1
	ret
	.size	sign, .-sign

	.globl	abs_diff
	.type	abs_diff, %function
	.p2align 2
abs_diff:
	bti	c
	subs	x0, x0, x1
	cneg	x0, x0, lo
	ret
	.size	abs_diff, .-abs_diff
