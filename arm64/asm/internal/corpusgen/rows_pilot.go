package corpusgen

// The pilot instructions of arm64/asm: add/sub and their aliases, mov
// and the move-wide instructions, branches, loads and stores of
// general-purpose registers, hints, exceptions, barriers, system register
// moves and LDADD/STADD.

func init() {
	AddSet("imm12", "0", "1", "0x7ff", "4095")
	AddSet("imm12neg", "-1", "-4095", "-4096", "-0x7ff000")
	AddSet("imm12sh", "4096", "0x7ff000", "0xfff000", "(1 << 12) * 3")
	AddSet("shift12", "lsl #0", "lsl #12")
	AddSet("shift64", "lsl #0", "lsl #1", "lsr #17", "asr #63")
	AddSet("shift32", "lsl #31", "lsr #1", "asr #16")
	AddSet("shiftror64", "lsl #3", "lsr #63", "asr #1", "ror #7", "ror #63")
	AddSet("shiftror32", "ror #31", "lsr #0")
	AddSet("extW", "uxtb", "uxth #1", "uxtw #2", "sxtb #3", "sxth #4", "sxtw")
	AddSet("extX", "uxtx", "sxtx #2", "uxtx #4")
	AddSet("ext32", "uxtb", "uxth #4", "uxtw #1", "uxtx", "sxtb #2", "sxth", "sxtw #3", "sxtx")
	AddSet("extlsl", "lsl #0", "lsl #2", "lsl #4")
	AddSet("addsub", "add", "sub", "adds", "subs")
	AddSet("addsubnf", "add", "sub")
	AddSet("addsubf", "adds", "subs")
	AddSet("cmpcmn", "cmp", "cmn")

	for _, t := range []string{
		"<addsubnf> <X|SP>, <X|SP>, #<imm12>",
		"<addsubnf> <W|WSP>, <W|WSP>, #<imm12>",
		"<addsubnf> <X|SP>, <X|SP>, #<imm12>, <shift12>",
		"<addsubnf> <X|SP>, <X|SP>, #<imm12neg>",
		"<addsubnf> <W|WSP>, <W|WSP>, <imm12sh>",
		"<addsubf> <X>, <X|SP>, #<imm12>",
		"<addsubf> <W>, <W|WSP>, #<imm12>, <shift12>",
		"<addsubf> <X>, <X|SP>, #<imm12neg>",
		"<addsubf> <X>, <X|SP>, #<imm12sh>",
		"<addsub> <X>, <X>, <X>",
		"<addsub> <X>, <X>, <X>, <shift64>",
		"<addsub> <W>, <W>, <W>, <shift32>",
		"<addsubnf> <X|SP>, <X|SP>, <W>, <extW>",
		"<addsubnf> <X|SP>, <X|SP>, <X>, <extX>",
		"<addsubnf> <W|WSP>, <W|WSP>, <W>, <ext32>",
		"<addsubnf> sp, <Xr>, <X>, <extlsl>",
		"<addsubnf> <Xr>, sp, <X>, <extlsl>",
		"<addsubnf> wsp, <Wr>, <W>, <extlsl>",
		"<addsubf> <X>, <X|SP>, <W>, <extW>",
		"<addsubf> <X>, sp, <X>",
		"<addsubf> <W>, wsp, <W>, <extlsl>",
		"add x0, x1, #:lo12:ext_sym",
		"add x0, x1, :lo12:hdr_data+0x10",
		"add x0, sp, #:lo12:hdr_text",
		"add w3, w4, #:lo12:ext_sym",
		"<cmpcmn> <X|SP>, #<imm12>",
		"<cmpcmn> <W|WSP>, #<imm12>, <shift12>",
		"<cmpcmn> <X|SP>, #<imm12neg>",
		"<cmpcmn> <X>, <X>",
		"<cmpcmn> <X>, <X>, <shift64>",
		"<cmpcmn> <W>, <W>, <shift32>",
		"<cmpcmn> <X|SP>, <W>, <extW>",
		"<cmpcmn> sp, <X>, <extlsl>",
		"<cmpcmn> wsp, <W>",
	} {
		Add("addsub", t)
	}

	AddSet("bitmask64", "0x1", "0xff", "0xfffffffffffffffe", "0x5555555555555555", "0x0f0f0f0f0f0f0f0f",
		"0x8000000000000000", "0x7fffffffffffffff", "0xffff0000ffff0000", "-2")
	AddSet("bitmask32", "0x1", "0xff", "0xfffffffe", "0x55555555", "0x80000000", "-16", "0x3ffc")
	Add("addsub",
		"tst <X>, #<bitmask64>",
		"tst <W>, #<bitmask32>",
		"tst <X>, <X>",
		"tst <X>, <X>, <shiftror64>",
		"tst <W>, <W>, <shiftror32>",
	)

	AddSet("movimm64", "0", "1", "0xffff", "0x10000", "0xffff0000", "0x1234000000000000", "-1", "-2",
		"-0x10000", "0x5555555555555555", "0xffffffff", "0xffffffff00000000", "0x7fffffffffffffff", "'a'", "0b1010", "017")
	AddSet("movimm32", "0", "0xffff", "0x10000", "0xffff0000", "0xffffffff", "-1", "-65536", "0x55555555",
		"0x80000000", "0x7fffffff", "-0x80000000")
	AddSet("imm16", "0", "1", "0x8000", "0xffff")
	AddSet("hw64", "lsl #0", "lsl #16", "lsl #32", "lsl #48")
	AddSet("hw32", "lsl #0", "lsl #16")
	AddSet("movw", "movz", "movn", "movk")
	AddSet("absg64", ":abs_g0:", ":abs_g0_nc:", ":abs_g1:", ":abs_g1_nc:", ":abs_g2:", ":abs_g2_nc:", ":abs_g3:")
	AddSet("absg32", ":abs_g0:", ":abs_g0_nc:", ":abs_g1:", ":abs_g1_nc:")
	AddSet("absgval", "ext_sym", "ext_sym+0x100", "hdr_data", "0x1234")
	Add("mov",
		"mov <X>, <X>",
		"mov <W>, <W>",
		"mov <X|SP>, sp",
		"mov sp, <X|SP>",
		"mov <W|WSP>, wsp",
		"mov wsp, <W|WSP>",
		"mov <Xr>, #<movimm64>",
		"mov xzr, #0x10000",
		"mov <Wr>, #<movimm32>",
		"mov wzr, #-1",
		"mov sp, #<bitmask64>",
		"mov wsp, #<bitmask32>",
		"mov x3, 0x10",
		"<movw> <X>, #<imm16>",
		"<movw> <X>, #<imm16>, <hw64>",
		"<movw> <W>, #<imm16>, <hw32>",
		"<movw> x5, #<absg64><absgval>",
		"movz w5, #<absg32>ext_sym",
		"movk w5, #<absg32>ext_sym",
	)

	AddSet("cond", "eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv")
	AddSet("bcond", "eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le")
	AddSet("bit64", "0", "1", "31", "32", "63")
	AddSet("bit32", "0", "5", "31")
	AddSet("adrp", "ext_sym", "ext_sym+0x10", "hdr_data", "hdr_text+0x1000", ":pg_hi21:ext_sym", ":pg_hi21_nc:ext_sym+4")
	Add("branch",
		"1: b <label26>",
		"1: bl <label26>",
		"b.<cond> <label19>",
		"b<bcond> .+12",
		"cbz <X>, <label19>",
		"cbnz <W>, <label19>",
		"tbz <X>, #<bit64>, <label14>",
		"tbnz <W>, #<bit32>, <label14>",
		"tbz x3, 7, .+4",
		"br <X>",
		"blr <X>",
		"ret",
		"ret <X>",
		"adr <X>, <label21>",
		"adrp <X>, <adrp>",
	)

	AddSet("ldrX", "ldr", "str")
	AddSet("ldrW", "ldr", "str", "ldrsw")
	AddSet("ldrB", "ldrb", "strb", "ldrsb")
	AddSet("ldrH", "ldrh", "strh", "ldrsh")
	AddSet("ldrSX", "ldrsb", "ldrsh", "ldrsw")
	AddSet("pimm64", "0", "8", "0x7ff8", "32760", "-8", "1", "255", "-256", "0x100")
	AddSet("pimm32", "0", "4", "16380", "-4", "3", "-256")
	AddSet("pimm16", "0", "2", "8190", "-2", "1", "255")
	AddSet("pimm8", "0", "1", "4095", "-1", "-256", "255")
	AddSet("simm9", "-256", "-1", "0", "1", "255")
	AddSet("lsl3", "lsl #0", "lsl #3")
	AddSet("lsl2", "lsl #0", "lsl #2")
	AddSet("lsl1", "lsl #1", "lsl #0")
	AddSet("lsl0", "lsl #0")
	AddSet("xext3", "sxtx", "sxtx #3", "sxtx #0")
	AddSet("wext3", "uxtw", "uxtw #3", "sxtw", "sxtw #0", "uxtw #0")
	AddSet("wext0", "uxtw", "uxtw #0", "sxtw #0", "sxtw")
	AddSet("lit64", "0", "0x1234", "0x123456789abcdef0", "-1", "ext_sym", "hdr_text", "hdr_data+16", "2+0x1232")
	AddSet("lit32", "0", "0x12345678", "-1", "0xffffffff", "ext_sym", "hdr_data")
	AddSet("ldu", "ldur", "stur", "ldtr", "sttr")
	AddSet("lduB", "ldurb", "sturb", "ldursb", "ldtrb", "sttrb", "ldtrsb")
	AddSet("lduH", "ldurh", "sturh", "ldursh", "ldtrh", "sttrh", "ldtrsh")
	AddSet("lduSW", "ldursw", "ldtrsw")
	AddSet("lo12", "ext_sym", "hdr_data+8", "hdr_text")
	Add("ldst",
		"<ldrX> <Xt>, [<Xbase>]",
		"<ldrX> <Xt>, [<Xbase>, #<pimm64>]",
		"<ldrX> <Wt>, [<Xbase>, #<pimm32>]",
		"<ldrX> <Xt>, [<Xbase>, #<simm9>]!",
		"<ldrX> <Wt>, [<Xbase>], #<simm9>",
		"<ldrX> <Xt>, [<Xbase>, <Xm>]",
		"<ldrX> <Xt>, [<Xbase>, <Xm>, <lsl3>]",
		"<ldrX> <Wt>, [<Xbase>, <Xm>, <lsl2>]",
		"<ldrX> <Xt>, [<Xbase>, <Wm>, <wext3>]",
		"<ldrX> <Xt>, [<Xbase>, <Xm>, <xext3>]",
		"ldrsw <Xt>, [<Xbase>, #<pimm32>]",
		"ldrsw <Xt>, [<Xbase>, #<simm9>]!",
		"ldrsw <Xt>, [<Xbase>, <Wm>, sxtw #2]",
		"<ldrB> <Wt>, [<Xbase>, #<pimm8>]",
		"<ldrB> <Wt>, [<Xbase>], #<simm9>",
		"<ldrB> <Wt>, [<Xbase>, <Xm>]",
		"<ldrB> <Wt>, [<Xbase>, <Xm>, <lsl0>]",
		"<ldrB> <Wt>, [<Xbase>, <Wm>, <wext0>]",
		"<ldrH> <Wt>, [<Xbase>, #<pimm16>]",
		"<ldrH> <Wt>, [<Xbase>, #<simm9>]!",
		"<ldrH> <Wt>, [<Xbase>, <Xm>, <lsl1>]",
		"<ldrH> <Wt>, [<Xbase>, <Wm>, sxtw #1]",
		"<ldrSX> <Xt>, [<Xbase>, #4]",
		"ldrsb <Xt>, [<Xbase>, <Wm>, uxtw]",
		"ldrsh <Xt>, [<Xbase>], #-2",
		"ldr <Xt>, <label19>",
		"ldr <Wt>, <label19>",
		"ldrsw <Xt>, <label19>",
		"ldr <Xt>, =<lit64>",
		"ldr <Wt>, =<lit32>",
		"ldrsw x1, =0x7fffffff",
		"<ldrX> x0, [x1, #:lo12:<lo12>]",
		"<ldrX> w0, [x1, :lo12:<lo12>]",
		"<ldrB> w0, [sp, #:lo12:<lo12>]",
		"<ldrH> w0, [x2, #:lo12:<lo12>]",
		"<ldu> <Xt>, [<Xbase>, #<simm9>]",
		"<ldu> <Wt>, [<Xbase>]",
		"<lduB> <Wt>, [<Xbase>, #<simm9>]",
		"<lduH> <Wt>, [<Xbase>, #-1]",
		"<lduSW> <Xt>, [<Xbase>, #255]",
		"ldursb x3, [x4, #1]",
		"ldtrsh x3, [x4, #-3]",
	)

	AddSet("pair", "ldp", "stp", "ldnp", "stnp")
	AddSet("pairidx", "ldp", "stp")
	AddSet("pair64", "-512", "-8", "0", "8", "504")
	AddSet("pair32", "-256", "-4", "0", "4", "252")
	AddSet("prfop", "pldl1keep", "pldl3strm", "plil2keep", "pstl1strm", "pstl3keep", "#7", "#31")
	AddSet("prfoff", "0", "8", "32760", "-8", "3", "255", "-256")
	Add("ldst",
		"<pair> <Xt>, <Xt>, [<Xbase>]",
		"<pair> <Xt>, <Xt>, [<Xbase>, #<pair64>]",
		"<pair> <Wt>, <Wt>, [<Xbase>, #<pair32>]",
		"<pairidx> <Xt>, <Xt>, [<Xbase>, #<pair64>]!",
		"<pairidx> <Wt>, <Wt>, [<Xbase>], #<pair32>",
		"ldpsw <Xt>, <Xt>, [<Xbase>, #<pair32>]",
		"ldpsw x0, x1, [sp, #-8]!",
		"ldpsw x0, x1, [x2], #252",
		"stp x29, x30, [sp, #-16]!",
		"ldp x29, x30, [sp], #16",
		"prfm <prfop>, [<Xbase>, #<prfoff>]",
		"prfm <prfop>, [<Xbase>, <Xm>, <lsl3>]",
		"prfm <prfop>, [<Xbase>, <Wm>, <wext3>]",
		"prfm <prfop>, <label19>",
		"prfum <prfop>, [<Xbase>, #<simm9>]",
		"prfm pldl1keep, [x0, #:lo12:ext_sym]",
	)

	AddSet("hintname", "nop", "yield", "wfe", "wfi", "sev", "sevl", "dgh", "xpaclri", "pacia1716", "pacib1716",
		"autia1716", "autib1716", "esb", "csdb", "paciaz", "paciasp", "pacibz", "pacibsp", "autiaz", "autiasp",
		"autibz", "autibsp", "bti", "bti c", "bti j", "bti jc", "psb csync", "tsb csync", "clearbhb")
	AddSet("hintnum", "0", "8", "17", "35", "127")
	AddSet("imm16e", "0", "1", "0x800", "0xffff")
	AddSet("exc", "brk", "svc", "hvc", "smc", "hlt", "udf")
	AddSet("barrier", "sy", "ish", "ishld", "ishst", "nsh", "nshld", "nshst", "osh", "oshld", "oshst", "ld", "st",
		"#0", "#4", "#5", "#15")
	AddSet("dmbdsb", "dmb", "dsb")
	AddSet("isbopt", "isb", "isb sy", "isb #0", "isb #15", "clrex", "clrex #0", "clrex #15", "ssbb", "pssbb", "sb")
	AddSet("sysreg", "tpidr_el0", "TPIDR_EL1", "sctlr_el1", "nzcv", "fpcr", "fpsr", "daif", "sp_el0", "elr_el1",
		"spsr_el1", "vbar_el1", "ttbr0_el1", "tcr_el1", "mair_el1", "cntvct_el0", "s3_0_c15_c2_0", "s2_0_c0_c0_4")
	AddSet("sysregRO", "midr_el1", "currentel", "CurrentEL", "ctr_el0", "id_aa64isar0_el1", "mpidr_el1")
	AddSet("pstate1", "spsel", "pan", "uao", "dit", "ssbs")
	AddSet("bit01", "#0", "#1")
	AddSet("pstate15", "daifset", "daifclr")
	AddSet("imm4", "#0", "#2", "#15")
	Add("system",
		"<hintname>",
		"hint #<hintnum>",
		"<exc> #<imm16e>",
		"svc 0",
		"<dmbdsb> <barrier>",
		"<isbopt>",
		"mrs <X>, <sysreg>",
		"mrs x3, <sysregRO>",
		"msr <sysreg>, <X>",
		"msr <pstate1>, <bit01>",
		"msr <pstate15>, <imm4>",
	)

	AddSet("ldorder", "", "a", "al", "l")
	AddSet("storder", "", "l")
	AddSet("bh", "b", "h")
	Add("atomic",
		"ldadd<ldorder> <X>, <X>, [<Xbase>]",
		"ldadd<ldorder> <W>, <W>, [<Xbase>]",
		"ldadd<ldorder><bh> <W>, <Wt>, [<Xbase>]",
		"stadd<storder> <X>, [<Xbase>]",
		"stadd<storder><bh> <W>, [<Xbase>]",
		"ldadd x0, x1, [x2, #0]",
	)

	AddInvalid("pilot",
		"add x0, x1, #4097",
		"add x0, w1, #1",
		"add x0, x1, x2, ror #3",
		"add x0, x1, #1, lsl #3",
		"adds sp, x1, #1",
		"cmp x0, #-4097",
		"mov x0, wzr",
		"mov sp, #0",
		"mov x0, #0x123456789",
		"mov w0, #0x100000000",
		"movz x0, #0x10000",
		"movz w0, #1, lsl #32",
		"movz x0, #1, lsl #8",
		"ldr x0, [x1, #32768]",
		"ldr x0, [x1, #257]!",
		"ldr x0, [x1, x2, lsl #2]",
		"ldr x0, [x1, w2, lsl #3]",
		"ldr x0, [x1, x2, uxtw]",
		"ldrb x0, [x1]",
		"ldrsw w0, [x1]",
		"strb w0, =5",
		"str x0, .",
		"ldp x0, w1, [x2]",
		"ldp x0, x1, [x2, #4]",
		"ldp x0, x1, [x2, #512]",
		"ldnp x0, x1, [x2], #16",
		"ldur x0, [x1, #256]",
		"tbz w0, #32, .",
		"tbz x0, #64, .",
		"b.eq .+0x100000",
		"cbz x0, .+2",
		"b .+0x8000000",
		"svc #0x10000",
		"dmb foo",
		"isb ish",
		"msr daifset, #16",
		"msr spsel, #2",
		"mrs x0, no_such_reg",
		"mrs w0, tpidr_el0",
		"stadd w0, x1, [x2]",
		"ldaddb x0, x1, [x2]",
		"stadd w0, [x1, #8]",
		"bti x",
		"ret w0",
		"br sp",
		"adrp x0, #4096",
		"tst x0, #0",
		"tst w0, #0x100000000",
		"add x0, x1",
		"nop x0",
		"prfm pldl4keep, [x0]",
		"prfm pldl1keep, [x0, #32768]",
		"hint #128",
		"udf #-1",
		"bal .",
		"bnv .",
		"mov xzr, #0x5555555555555555",
	)
}
