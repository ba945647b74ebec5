// Jump tables, as GCC compiles a dense switch: a bounds check, the case's
// offset loaded from a table of bytes (or halfwords) indexed by the value,
// added (sign-extended, times 4) to the address of the first case, and an
// indirect branch. With -mbranch-protection=standard every case label is
// a BTI landing pad for br (bti j).
//
//	u64 syscall_class(u32 nr)
//	{
//		switch (nr) {
//		case 0: return 100;
//		case 1: return 2 * nr;	// 2
//		case 2: case 3: return 7;
//		case 4: return -1;
//		case 5: return 55;
//		case 6: return 42;
//		case 7: return nr + 1000;
//		default: return 0;
//		}
//	}
//
//	u64 errno_class(u32 e)	// a halfword table
//	{
//		switch (e) {
//		case 0: return 0;
//		case 1: case 13: return 1;	// EPERM, EACCES
//		case 2: return 2;		// ENOENT
//		case 12: return 3;		// ENOMEM
//		case 14: return e << 8;		// EFAULT
//		default: return 9;
//		}
//	}

	.text

	.globl	syscall_class
	.type	syscall_class, %function
	.p2align 2
syscall_class:
	bti	c
	cmp	w0, #7
	b.hi	.Lsc_default
	adrp	x1, .Lsc_table
	add	x1, x1, :lo12:.Lsc_table
	ldrb	w1, [x1, w0, uxtw]
	adr	x2, .Lsc_base
	add	x1, x2, w1, sxtb #2
	br	x1
.Lsc_base:
.Lsc_0:	bti	j
	mov	x0, #100
	ret
.Lsc_1:	bti	j
	lsl	w0, w0, #1
	ret
.Lsc_2:	bti	j
	mov	x0, #7
	ret
.Lsc_4:	bti	j
	mov	x0, #-1
	ret
.Lsc_5:	bti	j
	mov	x0, #55
	ret
.Lsc_6:	bti	j
	mov	x0, #42
	ret
.Lsc_7:	bti	j
	add	w0, w0, #1000
	ret
.Lsc_default:
	mov	x0, #0
	ret
	.size	syscall_class, .-syscall_class

	.globl	errno_class
	.type	errno_class, %function
	.p2align 2
errno_class:
	bti	c
	cmp	w0, #14
	b.hi	.Lec_default
	adrp	x1, .Lec_table
	add	x1, x1, :lo12:.Lec_table
	ldrh	w1, [x1, w0, uxtw #1]
	adr	x2, .Lec_base
	add	x1, x2, w1, sxth #2
	br	x1
.Lec_base:
.Lec_0:	bti	j
	mov	x0, #0
	ret
.Lec_1:	bti	j
	mov	x0, #1
	ret
.Lec_2:	bti	j
	mov	x0, #2
	ret
.Lec_12: bti	j
	mov	x0, #3
	ret
.Lec_14: bti	j
	lsl	w0, w0, #8
	ret
.Lec_default:
	bti	j
	mov	x0, #9
	ret
	.size	errno_class, .-errno_class

	.section .rodata
.Lsc_table:
	.byte	(.Lsc_0 - .Lsc_base) / 4
	.byte	(.Lsc_1 - .Lsc_base) / 4
	.byte	(.Lsc_2 - .Lsc_base) / 4
	.byte	(.Lsc_2 - .Lsc_base) / 4
	.byte	(.Lsc_4 - .Lsc_base) / 4
	.byte	(.Lsc_5 - .Lsc_base) / 4
	.byte	(.Lsc_6 - .Lsc_base) / 4
	.byte	(.Lsc_7 - .Lsc_base) / 4
	.p2align 1
.Lec_table:
	.2byte	(.Lec_0 - .Lec_base) / 4
	.2byte	(.Lec_1 - .Lec_base) / 4
	.2byte	(.Lec_2 - .Lec_base) / 4
	.2byte	(.Lec_default - .Lec_base) / 4	// 3
	.2byte	(.Lec_default - .Lec_base) / 4	// 4
	.2byte	(.Lec_default - .Lec_base) / 4	// 5
	.2byte	(.Lec_default - .Lec_base) / 4	// 6
	.2byte	(.Lec_default - .Lec_base) / 4	// 7
	.2byte	(.Lec_default - .Lec_base) / 4	// 8
	.2byte	(.Lec_default - .Lec_base) / 4	// 9
	.2byte	(.Lec_default - .Lec_base) / 4	// 10
	.2byte	(.Lec_default - .Lec_base) / 4	// 11
	.2byte	(.Lec_12 - .Lec_base) / 4
	.2byte	(.Lec_1 - .Lec_base) / 4	// 13
	.2byte	(.Lec_14 - .Lec_base) / 4
