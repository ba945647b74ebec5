// Every directive kpemu's assembler implements, in the forms compilers
// and hand-written kernel code use. TestDirectivesMatchGNUAs assembles
// this file with kpemu and with GNU as and compares sections, symbols and
// relocations.
# a comment line in the C preprocessor's style
	.arch armv8.5-a
	.arch_extension lse
	.cpu generic
	.file "directives.c"
	.file 1 "directives.c"
	.ident "GCC: (kpemu) 0"

	.text
	.globl func
	.type func, %function
	.p2align 2
func:
	.cfi_startproc
	stp x29, x30, [sp, #-16]!	; mov x29, sp
	.loc 1 2 3
	bl ext_func
	adrp x0, table
	add x0, x0, :lo12:table
	ldr x1, =ext_data
	ldr w2, =0x12345678
	ldp x29, x30, [sp], #16
	ret
	.cfi_endproc
	.size func, .-func

	.type local_func, @function
local_func:
	nop
	b 1f
	nop
1:	b 1b
2:	cbz x0, 2b
	.size local_func, . - local_func

	.align 4
aligned16:
	.inst 0xd503201f, (0xd5 << 24) | 0x03201f
	.balign 8
	.byte 1
	.p2align 3,,3
	.byte 2
	.balign 16, 0xcc
	.p2alignw 3, 0x1234
	.byte 3
	.ltorg
	ldr x3, =0x1122334455667788

	.data
	.globl table
	.type table, %object
	.p2align 3
table:
	.quad func, local_func + 4, ext_data
	.word 1, -1, 0xffffffff, 'a', '\n
	.hword 0x1234, -2
	.short 7
	.2byte 8
	.4byte 9
	.8byte 10
	.long 11
	.int 12
	.xword 13
	.dword 14
	.byte 0x7f, -128, 255, 'z'
	.size table, .-table
rel:
	.word ext_data - .
	.quad ext_data - . + 8
	.hword ext_data - rel
	.word table - rel
	.quad end_of_data - table
	.word (end_of_data - table) / 4
strings:
	.ascii "abc", "d\te\n"
	.asciz "nul\0", "x"
	.string "\x41\102\\\"q'"
	.zero 3
	.skip 2
	.space 3, 0x5a
	.fill 2, 4, 0x01020304
	.fill 3
	.fill 1, 8, -1
end_of_data:

	.section .rodata
	.align 3
ro:	.quad 1 + 2 * 3, (1 + 2) * 3, 7 / 2, -7 / 2, -7 % 2, 1 << 4 >> 2, ~0, -(3)
	.quad 1 == 1, 1 != 1, 2 <> 3, 2 < 3, 3 <= 2, 3 > 2, 2 >= 3, 1 && 0, 1 || 0, !0, !5
	.quad 1 | 2 ^ 3 & 4, 0x10 - 1 | 1, 0b1010, 017, 0X1f, 0B11
	.quad -8 >> 1, 1 == 0 + 1
	.section .rodata.str1.1,"aMS",@progbits,1
	.string "merge"
	.section .text.unlikely,"ax",@progbits
	.weak weak_func
weak_func:
	ret
	.pushsection .data.rel.ro, "aw"
	.quad weak_func
	.popsection
	ret
	.section .bss
	.local bss_obj
	.type bss_obj, %object
	.size bss_obj, 16
bss_obj:
	.zero 16
	.section .bss.more,"aw",@nobits
	.skip 32
	.previous
	.skip 8
	.section .data.misc, "aw", %progbits
CONST = 0x40
	.equ EQU_CONST, CONST + 1
	.set SET_SYM, table + 8
	.equiv EQUIV_SYM, 3
	.globl CONST
	.quad CONST, EQU_CONST, SET_SYM, EQUIV_SYM
	.set CONST2, 5
	.quad CONST2
	.set CONST2, 6
	.quad CONST2
	.hidden func
	.section .note.GNU-stack,"",@progbits
	.end
	this is not assembled
