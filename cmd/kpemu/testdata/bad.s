	.text
	.globl	broken
broken:
	add	x0, x0, #1
	mov	x1, q7
	ret
