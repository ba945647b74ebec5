// The program of TestObjdumpSymbols (objdump_test.go): PC-relative forms with
// targets that objdump -d names by symbol. The test builds it with
//
//	aarch64-linux-gnu-as -march=armv8.5-a testdata/disasm_symbols.s -o s.o
//	aarch64-linux-gnu-ld -Ttext=0x400000 -e main s.o -o s.elf
//
// and compares Disasm with objdump -d s.elf line by line.
	.text
	.globl	main
	.type	main, %function
main:
	b	1f
	bl	helper
	adrp	x0, data
	add	x0, x0, :lo12:data
	ldr	x1, lit
	ldrsw	x2, lit
	ldr	q3, lit
	ldr	s4, lit
	cbz	x0, main
	cbnz	w5, 1f
	tbnz	w3, #5, helper+8
	tbz	x9, #40, main+4
	prfm	pldl1keep, lit
	adr	x2, main+4
	b.ne	main
	b.eq	far
	b.vs	far
	mov	x0, #0x1234
	csel	x0, x1, x2, vs
1:	ret
	.size	main, .-main
helper:
	nop
	nop
	ret
	bl	main
	b	far+4
far:
	ret
	b	.
	.data
	.balign	16
lit:	.quad	0
	.quad	0
data:	.quad	1
