// A small kernel with every table init_kprobes and register_kprobe read
// (kprobe/blacklist.go), laid out as the arm64 linker script lays them
// (include/asm-generic/vmlinux.lds.h, arch/arm64/kernel/vmlinux.lds.S):
// the text areas bracketed by their start/end symbols, and the tables by
// __start_<section>/__stop_<section>. blacklist_test.go assembles it per
// profile: a line tagged "@type-data" is dropped for kernels before v5.16
// (8-byte exception_table_entry), lines tagged "@patchable" or "@mcount"
// keep the __mcount_loc records of a patchable-function-entry build
// (v5.5+) or of a -pg build (v5.4). The sites inside functions have .L
// labels, which make no symbols, as in compiled code.

	.text
	.globl	_stext
_stext:
__irqentry_text_start:
gic_handle_irq:
	nop
	ret
__irqentry_text_end:
__entry_text_start:
el1h_64_sync:
	nop
	nop
	ret
el0t_64_sync:
	nop
	ret
__entry_text_end:
__kprobes_text_start:
kprobes_fn:
	nop
	ret
__kprobes_text_end:
__noinstr_text_start:
noinstr_fn:
	nop
	ret
__noinstr_text_end:
__hyp_text_start:
hyp_fn:
	nop
	ret
__hyp_text_end:
__hyp_idmap_text_start:
idmap_fn:
	nop
	ret
__hyp_idmap_text_end:

// A traceable function built with -fpatchable-function-entry=2: two NOPs
// at the entry, the first recorded in __mcount_loc, the second patched
// to "bl ftrace_caller" (ftrace_call_adjust: record + 4).
	.globl	traced_fn
traced_fn:
	nop
	nop
	add	x0, x0, #1
	ret

// The same with a BTI landing pad first: the NOPs follow it.
	.globl	traced_bti
traced_bti:
	bti	c
	nop
	nop
	add	x0, x0, #2
	ret

// A -pg build (v5.4): the prologue calls _mcount, and the record is that
// call.
	.globl	mcount_fn
mcount_fn:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
.Lmcount_call:
	bl	_mcount
	ldp	x29, x30, [sp], #16
	ret
_mcount:
	ret

// A user access with an exception fixup (__ex_table).
	.globl	uaccess_fn
uaccess_fn:
	mov	x2, #0
.Luaccess_insn:
	ldr	x0, [x1]
	ret
.Luaccess_fixup:
	mov	x0, #-14
	ret

// A BUG_ON(x0 == 0): BRK #0x800 recorded in __bug_table.
	.globl	bug_fn
bug_fn:
	cbnz	x0, 1f
.Lbug_insn:
	brk	#0x800
1:	ret

// A static branch: the NOP that jump labels patch (__jump_table).
	.globl	static_branch_fn
static_branch_fn:
	mov	x1, x0
.Ljl_insn:
	nop
	mov	x0, x1
	ret
.Ljl_target:
	mov	x0, #0
	ret

// A NOKPROBE_SYMBOL function (_kprobe_blacklist).
	.globl	nokprobe_fn
nokprobe_fn:
	mov	x0, #1
	ret

// A function nothing blacklists.
	.globl	plain_fn
plain_fn:
	mov	x0, #2
	ret
	.globl	_etext
_etext:

	.section __ex_table, "a"
	.balign	4
__start___ex_table:
	.long	.Luaccess_insn - .
	.long	.Luaccess_fixup - .
	.short	3			// @type-data EX_TYPE_UACCESS_ERR_ZERO
	.short	0			// @type-data
__stop___ex_table:

	.section .rodata.str, "a"
bug_file:
	.asciz	"kernel/bug_fn.c"

	.section __bug_table, "aw"
	.balign	4
__start___bug_table:
	.long	.Lbug_insn - .		// bug_addr_disp
	.long	bug_file - .		// file_disp (DEBUG_BUGVERBOSE)
	.short	42			// line
	.short	0			// flags
__stop___bug_table:

	.section __jump_table, "aw"
	.balign	8
__start___jump_table:
	.long	.Ljl_insn - .		// code
	.long	.Ljl_target - .		// target
	.quad	jl_key			// key
__stop___jump_table:

	.section _kprobe_blacklist, "aw"
	.balign	8
__start_kprobe_blacklist:
	.quad	nokprobe_fn
__stop_kprobe_blacklist:

	.section .init.data, "aw"
	.balign	8
__start_mcount_loc:
	.quad	traced_fn		// @patchable
	.quad	traced_bti + 4		// @patchable
	.quad	.Lmcount_call		// @mcount
__stop_mcount_loc:
jl_key:
	.quad	0
