// Reading a structure through a pointer, with fields of every width and
// signedness, and walking a linked list of them.
//
//	struct task {
//		u32 pid;		// 0
//		u32 flags;		// 4
//		u64 utime;		// 8
//		u16 prio;		// 16
//		u8 state;		// 18
//		s32 nice;		// 20
//		struct task *parent;	// 24
//	};				// 32 bytes
//	#define PF_KTHREAD 0x00200000
//	u64 task_score(const struct task *t)
//	{ return t->utime + 4 * t->prio + t->nice + t->state + (t->flags & PF_KTHREAD ? 1000 : 0); }
//	u32 task_depth(const struct task *t)	// the number of ancestors
//	{ u32 n = 0; while ((t = t->parent)) n++; return n; }

	.text

	.globl	task_score
	.type	task_score, %function
	.p2align 2
task_score:
	bti	c
	ldr	x1, [x0, #8]		// utime
	ldrh	w2, [x0, #16]		// prio
	add	x1, x1, x2, lsl #2
	ldrsw	x3, [x0, #20]		// nice, sign-extended
	add	x1, x1, x3
	ldrb	w4, [x0, #18]		// state
	add	x1, x1, x4
	ldr	w5, [x0, #4]		// flags
	tst	w5, #0x00200000		// PF_KTHREAD
	mov	x6, #1000
	csel	x6, x6, xzr, ne
	add	x0, x1, x6
	ret
	.size	task_score, .-task_score

	.globl	task_depth
	.type	task_depth, %function
	.p2align 2
task_depth:
	bti	c
	mov	w1, #0
	ldr	x0, [x0, #24]
	cbz	x0, 2f
1:	add	w1, w1, #1
	ldr	x0, [x0, #24]
	cbnz	x0, 1b
2:	mov	w0, w1
	ret
	.size	task_depth, .-task_depth
