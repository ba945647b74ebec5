// Seeds of testdata/gnucases.txt: the alias and named forms that random
// words rarely hit. TestGNUCases -update assembles this file with
//
//	aarch64-linux-gnu-as -march=armv8.5-a testdata/gnucases.s -o gnucases.o
//
// and adds each word (with random words of every decode row) to the cases,
// with objdump's text for it. Branch targets are labels in this file.

	.text
start:
	// ADD/SUB (immediate): mov to/from SP, cmp, cmn.
	mov	sp, x0
	mov	x0, sp
	mov	wsp, w1
	add	x0, x1, #0x10
	add	x0, x1, #0x10, lsl #12
	adds	x2, sp, #1
	sub	sp, sp, #0x20
	cmp	x1, #0x4
	cmp	w1, #0x4, lsl #12
	cmn	x1, #0x4
	cmn	wsp, #0x4
	// Logical (immediate): mov (bitmask), tst.
	mov	x0, #0x5555555555555555
	mov	w0, #0xff00ff00
	mov	sp, #0xff
	orr	x0, x1, #0xff
	and	w0, w1, #0x1
	ands	x0, x1, #0xf0
	tst	x1, #0x8
	tst	w1, #0x1
	eor	x3, x4, #0x3
	// Move wide: mov (wide), movk.
	mov	x0, #0x1234
	mov	x0, #0x12340000
	mov	w0, #0xffffedcb
	mov	x0, #-1
	movz	x0, #0, lsl #16
	movn	w0, #0xffff
	movk	x0, #0x1234, lsl #48
	movk	w0, #0x1
	// Bitfield: lsl, lsr, asr (immediate), sxt*, uxt*, ubfx, sbfx, ubfiz,
	// sbfiz, bfi, bfxil, bfc.
	lsl	x0, x1, #3
	lsl	w0, w1, #31
	lsr	x0, x1, #63
	lsr	w0, w1, #1
	asr	x0, x1, #5
	asr	w0, w1, #31
	sxtb	x0, w1
	sxth	w0, w1
	sxtw	x0, w1
	uxtb	w0, w1
	uxth	w0, w1
	ubfx	x0, x1, #4, #8
	sbfx	w0, w1, #4, #8
	ubfiz	x0, x1, #4, #8
	sbfiz	x0, x1, #4, #8
	bfi	x0, x1, #4, #8
	bfxil	w0, w1, #4, #8
	bfc	x0, #4, #8
	bfm	x0, x1, #0, #63
	// Extract: ror (immediate).
	ror	x0, x1, #7
	ror	w0, w1, #31
	extr	x0, x1, x2, #7
	// Logical (shifted register): mov, mvn, tst.
	mov	x0, x1
	mov	w0, wzr
	mvn	x0, x1
	mvn	w0, w1, lsl #3
	tst	x0, x1
	tst	w0, w1, ror #3
	orr	x0, xzr, x1, lsl #2
	and	x0, x1, x2, asr #4
	bic	w0, w1, w2, lsr #5
	orn	x0, x1, x2
	eon	x0, x1, x2, ror #9
	bics	x0, x1, x2
	// Add/subtract (shifted, extended): neg, negs, cmp, cmn.
	neg	x0, x1
	neg	w0, w1, lsl #2
	negs	x0, x1, asr #3
	cmp	x0, x1
	cmp	w0, w1, lsr #4
	cmn	x0, x1
	add	x0, x1, x2, lsl #3
	sub	w0, w1, w2, asr #31
	add	x0, sp, x1
	add	x0, x1, w2, uxtw #2
	add	sp, sp, x1, uxtx #4
	sub	x0, x1, w2, sxtb
	adds	x0, x1, w2, sxth #1
	cmp	sp, x1
	cmp	x1, w2, uxtw
	cmn	sp, w2, sxtw #3
	// Add/subtract with carry: ngc, ngcs.
	adc	x0, x1, x2
	adcs	w0, w1, w2
	sbc	x0, x1, x2
	ngc	x0, x1
	ngcs	w0, w1
	// Conditional compare and select: cset, csetm, cinc, cinv, cneg.
	ccmp	x0, x1, #0x4, eq
	ccmp	w0, #0x1f, #0xf, ne
	ccmn	x0, #0x2, #0x0, hi
	csel	x0, x1, x2, eq
	csel	w0, w1, w2, vs
	cset	x0, eq
	cset	w0, lo
	csetm	x0, ne
	csetm	w0, ge
	cinc	x0, x1, lt
	cinv	w0, w1, gt
	cneg	x0, x1, mi
	csinc	x0, x1, x2, al
	csinv	x0, x1, x2, nv
	csneg	w0, w1, w2, pl
	// Data processing (2 and 1 source), 3 source: lsl/lsr/asr/ror
	// (register), mul, mneg, smull, umull, smnegl, umnegl.
	lsl	x0, x1, x2
	lsr	w0, w1, w2
	asr	x0, x1, x2
	ror	w0, w1, w2
	udiv	x0, x1, x2
	sdiv	w0, w1, w2
	crc32b	w0, w1, w2
	crc32cx	w0, w1, x2
	crc32h	w0, w1, w2
	crc32cw	w0, w1, w2
	rbit	x0, x1
	rev16	w0, w1
	rev32	x0, x1
	rev	x0, x1
	rev	w0, w1
	clz	x0, x1
	cls	w0, w1
	mul	x0, x1, x2
	mul	w0, w1, w2
	mneg	x0, x1, x2
	madd	x0, x1, x2, x3
	msub	w0, w1, w2, w3
	smull	x0, w1, w2
	umull	x0, w1, w2
	smnegl	x0, w1, w2
	umnegl	x0, w1, w2
	smaddl	x0, w1, w2, x3
	umsubl	x0, w1, w2, x3
	smulh	x0, x1, x2
	umulh	x0, x1, x2
	// PC-relative.
	adr	x0, start
	adrp	x0, start
	// Branches.
	b	start
	bl	start
	b.eq	start
	b.ne	start
	b.cs	start
	b.cc	start
	b.mi	start
	b.pl	start
	b.vs	start
	b.vc	start
	b.hi	start
	b.ls	start
	b.ge	start
	b.lt	start
	b.gt	start
	b.le	start
	b.al	start
	b.nv	start
	cbz	x0, start
	cbnz	w0, start
	tbz	w0, #3, start
	tbnz	x0, #63, start
	br	x0
	blr	x1
	ret
	ret	x1
	braa	x0, x1
	brab	x0, sp
	blraa	x0, x1
	blrabz	x0
	braaz	x0
	retaa
	retab
	eret
	eretaa
	eretab
	drps
	// Exceptions.
	svc	#0
	svc	#0x1234
	hvc	#0x1
	smc	#0x2
	brk	#0x3e8
	brk	#0x4
	hlt	#0x5
	dcps1
	dcps2	#0x10
	dcps3
	udf	#0
	udf	#65535
	// Hints by name, and unnamed hints.
	nop
	yield
	wfe
	wfi
	sev
	sevl
	dgh
	xpaclri
	pacia1716
	pacib1716
	autia1716
	autib1716
	esb
	psb	csync
	tsb	csync
	csdb
	paciaz
	paciasp
	pacibz
	pacibsp
	autiaz
	autiasp
	autibz
	autibsp
	bti
	bti	c
	bti	j
	bti	jc
	hint	#0x8
	hint	#0x13
	hint	#0x7f
	// Barriers with every option.
	dsb	sy
	dsb	st
	dsb	ld
	dsb	ish
	dsb	ishst
	dsb	ishld
	dsb	nsh
	dsb	nshst
	dsb	nshld
	dsb	osh
	dsb	oshst
	dsb	oshld
	dsb	#0x8
	dmb	sy
	dmb	st
	dmb	ld
	dmb	ish
	dmb	ishst
	dmb	ishld
	dmb	nsh
	dmb	nshst
	dmb	nshld
	dmb	osh
	dmb	oshst
	dmb	oshld
	dmb	#0x0
	dmb	#0x4
	isb
	isb	#0x5
	ssbb
	pssbb
	sb
	clrex
	clrex	#0x5
	// PSTATE.
	msr	daifset, #0x2
	msr	daifclr, #0xf
	msr	spsel, #0x1
	msr	pan, #0x1
	msr	uao, #0x0
	msr	dit, #0x1
	msr	ssbs, #0x1
	// System registers by name.
	mrs	x0, nzcv
	msr	nzcv, x0
	mrs	x0, daif
	msr	daif, x1
	mrs	x0, fpcr
	msr	fpcr, x0
	mrs	x0, fpsr
	msr	fpsr, x0
	mrs	x0, currentel
	mrs	x0, tpidr_el0
	msr	tpidr_el0, x0
	mrs	x0, tpidrro_el0
	mrs	x0, tpidr_el1
	mrs	x0, sp_el0
	msr	sp_el0, x0
	mrs	x0, spsel
	mrs	x0, elr_el1
	msr	elr_el1, x0
	mrs	x0, spsr_el1
	msr	spsr_el1, x0
	mrs	x0, esr_el1
	mrs	x0, far_el1
	msr	vbar_el1, x0
	mrs	x0, sctlr_el1
	msr	sctlr_el1, x0
	msr	ttbr0_el1, x0
	msr	ttbr1_el1, x0
	msr	tcr_el1, x0
	msr	mair_el1, x0
	mrs	x0, cntvct_el0
	mrs	x0, cntfrq_el0
	mrs	x0, cntpct_el0
	msr	cntv_ctl_el0, x0
	msr	cntv_cval_el0, x0
	mrs	x0, midr_el1
	mrs	x0, mpidr_el1
	mrs	x0, id_aa64isar0_el1
	mrs	x0, id_aa64pfr0_el1
	mrs	x0, id_aa64mmfr0_el1
	mrs	x0, ctr_el0
	mrs	x0, dczid_el0
	msr	mdscr_el1, x0
	mrs	x0, pan
	mrs	x0, uao
	mrs	x0, dit
	mrs	x0, ssbs
	msr	cpacr_el1, x0
	msr	contextidr_el1, x0
	mrs	x0, par_el1
	msr	osdlr_el1, x0
	msr	oslar_el1, x0
	msr	dbgbvr0_el1, x0
	msr	dbgbcr0_el1, x0
	msr	dbgwvr1_el1, x0
	mrs	x0, apiakeylo_el1
	mrs	x0, s3_0_c15_c2_0
	// System instructions: dc, ic, at, tlbi, sys.
	dc	civac, x0
	dc	cvau, x1
	dc	cvac, x2
	dc	cvap, x3
	dc	zva, x4
	dc	ivac, x5
	dc	isw, x6
	dc	cisw, x7
	ic	ivau, x0
	ic	iallu
	ic	ialluis
	at	s1e1r, x0
	at	s1e0w, x1
	tlbi	vmalle1is
	tlbi	vmalle1
	tlbi	vae1is, x0
	tlbi	aside1, x1
	tlbi	vale1is, x2
	sys	#0, c1, c2, #3, x4
	sys	#7, c15, c15, #7
	sysl	x0, #0, c1, c2, #3
	// Loads and stores.
	ldr	x0, [x1]
	ldr	w0, [x1, #4]
	ldr	x0, [x1, #8]!
	ldr	x0, [x1], #-8
	ldrb	w0, [x1, #4095]
	ldrsb	x0, [x1]
	ldrsh	w0, [x1, #2]
	ldrsw	x0, [sp, #4]
	ldur	x0, [x1, #-1]
	ldtr	x0, [x1, #8]
	str	x0, [sp, #-16]!
	strh	w0, [x1], #2
	stur	w0, [x1, #3]
	sttrb	w0, [x1]
	ldr	x0, [x1, x2]
	ldr	x0, [x1, x2, lsl #3]
	ldr	w0, [x1, w2, uxtw]
	ldr	w0, [x1, w2, sxtw #2]
	ldrb	w0, [x1, x2, lsl #0]
	strb	w0, [x1, x2]
	ldrsh	x0, [x1, x2, sxtx #1]
	ldr	x0, start
	ldr	w0, start
	ldrsw	x0, start
	prfm	pldl1keep, [x0]
	prfm	pstl2strm, [x0, #8]
	prfm	plil3keep, [x0, x1]
	prfm	#0x1f, [x0]
	prfum	pldl1keep, [x0, #-1]
	prfm	pldl1keep, start
	ldp	x0, x1, [sp]
	ldp	w0, w1, [x2, #8]!
	ldp	x0, x1, [sp], #16
	stp	x29, x30, [sp, #-16]!
	stp	w0, w1, [x2]
	ldpsw	x0, x1, [x2, #8]
	ldnp	x0, x1, [x2]
	stnp	w0, w1, [x2, #-8]
	// Exclusives, acquire/release, LSE.
	ldxr	x0, [x1]
	ldxrb	w0, [x1]
	ldaxrh	w0, [x1]
	stxr	w2, x0, [x1]
	stlxr	w2, w0, [x1]
	ldxp	x0, x1, [x2]
	stlxp	w3, x0, x1, [x2]
	ldar	x0, [x1]
	ldarb	w0, [x1]
	stlr	x0, [x1]
	stlrh	w0, [x1]
	ldapr	x0, [x1]
	ldaprb	w0, [x1]
	ldaprh	w0, [x1]
	cas	x0, x1, [x2]
	casa	w0, w1, [x2]
	casal	x0, x1, [sp]
	caslb	w0, w1, [x2]
	cash	w0, w1, [x2]
	casp	x0, x1, x2, x3, [x4]
	caspal	w0, w1, w2, w3, [x4]
	ldadd	x0, x1, [x2]
	ldadda	w0, w1, [x2]
	ldaddal	x0, x1, [x2]
	ldaddl	x0, x1, [x2]
	ldaddb	w0, w1, [x2]
	ldaddh	w0, w1, [x2]
	ldclr	x0, x1, [x2]
	ldeor	x0, x1, [x2]
	ldset	x0, x1, [x2]
	ldsmax	x0, x1, [x2]
	ldsmin	x0, x1, [x2]
	ldumax	x0, x1, [x2]
	ldumin	x0, x1, [x2]
	stadd	x0, [x2]
	staddl	w0, [x2]
	staddb	w0, [x2]
	staddlh	w0, [x2]
	stclr	x0, [x2]
	stclrl	w0, [x2]
	steor	x0, [x2]
	stset	x0, [x2]
	stsmax	x0, [x2]
	stsmin	x0, [x2]
	stumax	x0, [x2]
	stuminlb	w0, [x2]
	swp	x0, x1, [x2]
	swpal	w0, w1, [x2]
	swpb	w0, w1, [x2]
	swplh	w0, w1, [x2]
	// FP/SIMD moves and loads/stores.
	fmov	d0, x1
	fmov	x0, d1
	fmov	s0, w1
	fmov	w0, s1
	fmov	v0.d[1], x1
	fmov	x0, v1.d[1]
	fmov	d0, d1
	fmov	s0, #1.0
	fmov	d0, #-2.5
	fmov	v0.4s, #1.0
	movi	v0.16b, #0xff
	movi	d0, #0xff00ff00ff00ff00
	movi	v0.4s, #0x1, lsl #8
	mvni	v0.4h, #0x1
	mov	v0.16b, v1.16b
	mov	v0.8b, v1.8b
	mov	v0.s[1], w1
	mov	v0.d[0], v1.d[1]
	mov	w0, v1.s[1]
	mov	x0, v1.d[0]
	umov	w0, v1.b[1]
	smov	x0, v1.h[1]
	mov	s0, v1.s[1]
	dup	v0.4s, w1
	dup	v0.2d, v1.d[1]
	mvn	v0.16b, v1.16b
	not	v0.8b, v1.8b
	ldr	q0, [x1]
	ldr	d0, [x1, #8]!
	str	s0, [x1], #4
	ldr	b0, [x1, x2]
	ldr	h0, [x1, #2]
	ldur	q0, [x1, #-1]
	ldr	q0, start
	ldr	d0, start
	ldp	q0, q1, [sp, #32]
	stp	d0, d1, [sp, #-16]!
	ldnp	s0, s1, [x0]
	ld1	{v0.16b}, [x0]
	ld1	{v0.4s, v1.4s}, [x0], #32
	ld1	{v0.2d, v1.2d, v2.2d, v3.2d}, [x0], x1
	st1	{v0.8b}, [x0]
	ld2	{v0.8h, v1.8h}, [x0]
	st4	{v0.4s, v1.4s, v2.4s, v3.4s}, [x0]
	ld1	{v0.s}[1], [x0]
	st1	{v0.d}[1], [x0], #8
	ld1r	{v0.4s}, [x0]
	ld4r	{v0.2d, v1.2d, v2.2d, v3.2d}, [x0], x2
	// SIMD arithmetic the decoder knows.
	add	v0.4s, v1.4s, v2.4s
	add	d0, d1, d2
	sub	v0.8h, v1.8h, v2.8h
	addp	v0.2d, v1.2d, v2.2d
	addp	d0, v1.2d
	addv	s0, v1.4s
	cmeq	v0.16b, v1.16b, #0
	cmeq	v0.2d, v1.2d, v2.2d
	and	v0.16b, v1.16b, v2.16b
	orr	v0.16b, v1.16b, v2.16b
	bic	v0.4s, #0x1, lsl #8
	eor	v0.16b, v1.16b, v2.16b
	bsl	v0.16b, v1.16b, v2.16b
	ext	v0.16b, v1.16b, v2.16b, #3
	tbl	v0.16b, {v1.16b}, v2.16b
	tbl	v0.16b, {v1.16b, v2.16b}, v3.16b
	uzp1	v0.4s, v1.4s, v2.4s
	zip2	v0.8b, v1.8b, v2.8b
	xtn	v0.8b, v1.8h
	xtn2	v0.16b, v1.8h
	cnt	v0.8b, v1.8b
	rev64	v0.4s, v1.4s
	sshr	v0.4s, v1.4s, #3
	ushr	d0, d1, #63
	shl	v0.2d, v1.2d, #1
	sshll	v0.8h, v1.8b, #0
	sxtl	v0.8h, v1.8b
	uxtl2	v0.4s, v1.8h
	ushll	v0.2d, v1.2s, #4
	shrn	v0.8b, v1.8h, #4
	shrn2	v0.16b, v1.8h, #4
	sli	v0.2d, v1.2d, #8
	umaxv	b0, v1.16b
	sminp	v0.4s, v1.4s, v2.4s
