package corpusgen

// Synchronization loads and stores beyond the pilot's LDADD/STADD: the
// exclusives, load-acquire/store-release and LDAPR (class "excl"), the
// LSE atomics, SWP, CAS and CASP (class "lse"), and the authenticated
// loads LDRAA/LDRAB (class "pac", with the branches of rows_sys.go).

func init() {
	AddSet("exLd", "ldxr", "ldaxr", "ldar", "ldapr")
	AddSet("exSt", "stxr", "stlxr")
	AddSet("exLdp", "ldxp", "ldaxp")
	AddSet("exStp", "stxp", "stlxp")
	AddSet("exBH", "b", "h")
	// The offset GNU as takes: only 0, written as a number.
	AddSet("exZero", "", ", #0", ", 0", ",#0", ", # 0")
	Add("excl",
		"<exLd> <X>, [<Xbase><exZero>]",
		"<exLd> <W>, [<Xbase><exZero>]",
		"<exLd><exBH> <W>, [<Xbase>]",
		"<exLd><exBH> <Wt>, [<Xbase>, #0]",
		"stlr <X>, [<Xbase><exZero>]",
		"stlr <W>, [<Xbase>]",
		"stlr<exBH> <W>, [<Xbase>]",
		"stlr<exBH> wzr, [x3, #0]",
		"<exSt> <W>, <Xt>, [<Xbase>]",
		"<exSt> <Wt>, <W>, [<Xbase><exZero>]",
		"<exSt><exBH> <W>, <Wt>, [<Xbase>]",
		"<exSt><exBH> w5, w6, [x7, 0]",
		"<exLdp> <X>, <Xt>, [<Xbase>]",
		"<exLdp> <Wt>, <W>, [<Xbase><exZero>]",
		"<exStp> <W>, <Xt>, <Xt>, [<Xbase>]",
		"<exStp> <Wt>, <Wt>, <W>, [<Xbase>, #0]",
		// UNPREDICTABLE register overlaps: GNU as warns and assembles.
		"stxr w0, x0, [x0]",
		"stlxrb w1, w1, [x2]",
		"stxp w2, x1, x2, [x3]",
		"ldxp x0, x0, [x1]",
		"ldaxp w4, w4, [sp]",
		"LDAXR X0, [SP]",
		"ldar x0, [x1,#0]",
	)

	AddSet("lseOp", "clr", "eor", "set", "smax", "smin", "umax", "umin")
	AddSet("lseXpair", "x0, x1", "x2, x3", "x16, x17", "x30, xzr")
	AddSet("lseWpair", "w0, w1", "w4, w5", "w28, w29", "w30, wzr")
	AddSet("lseSwpCas", "swp", "cas")
	Add("lse",
		"ld<lseOp><ldorder> <X>, <Xt>, [<Xbase>]",
		"ld<lseOp><ldorder> <W>, <Wt>, [<Xbase>]",
		"ld<lseOp><ldorder><bh> <Wt>, <Wt>, [<Xbase>]",
		"st<lseOp><storder> <X>, [<Xbase>]",
		"st<lseOp><storder><bh> <W>, [<Xbase>]",
		"ld<lseOp> x0, x1, [x2, #0]",
		"<lseSwpCas><ldorder> <X>, <Xt>, [<Xbase>]",
		"<lseSwpCas><ldorder> <W>, <Wt>, [<Xbase>]",
		"<lseSwpCas><ldorder><bh> <Wt>, <W>, [<Xbase>]",
		"cas x0, x1, [x2, #0]",
		"casalh w3, w4, [sp, 0]",
		"casp<ldorder> <lseXpair>, <lseXpair>, [<Xbase>]",
		"casp<ldorder> <lseWpair>, <lseWpair>, [<Xbase>]",
		"caspal x4, x5, x6, x7, [x8, #0]",
		"casp w2, w3, w2, w3, [x2,0]",
	)

	AddSet("pacLdr", "ldraa", "ldrab")
	AddSet("pacOff", "-4096", "-8", "0", "8", "0x100", "4088", "-0")
	Add("pac",
		"<pacLdr> <X>, [<Xbase>]",
		"<pacLdr> <X>, [<Xbase>, #<pacOff>]",
		"<pacLdr> <Xt>, [<Xbase>, #<pacOff>]!",
		"ldraa x0, [x1, 16]",
	)

	AddInvalid("ldst2",
		// Exclusives and ordered.
		"ldxr x0, [x1, #8]",
		"ldxr x0, [x1, #0x0]",
		"ldxr x0, [x1, #1-1]",
		"ldxr x0, [x1, #(0)]",
		"ldxr x0, [x1], #0",
		"ldxr x0, [x1, #0]!",
		"ldxr x0, [x1, x2]",
		"ldxr x0, =0",
		"ldxrh x0, [x1]",
		"ldaxrb x0, [x1]",
		"ldarb x0, [x1]",
		"ldar x0, [x1, #8]",
		"ldapr x0, [x1, #1-1]",
		"ldapr x0, [x1, #0x0]",
		"ldaprh x0, [x1]",
		"stlr x0, [x1, #8]",
		"stlrb x0, [x1]",
		"stlr x0, x1, [x2]",
		"stxr x0, x1, [x2]",
		"stxr wsp, x0, [sp]",
		"stxr w0, [x1]",
		"stxrb w0, x1, [x2]",
		"stlxrh x0, w1, [x2]",
		"ldxp w0, x1, [x2]",
		"ldxp x0, [x2]",
		"ldaxp x0, x1, [x2, #8]",
		"ldxp x0, x1, [x2, #1-1]",
		"stxp x0, x1, x2, [x3]",
		"stlxp w0, w1, x2, [x3]",
		"stxp w0, x1, x2, [x3, #16]",
		"ldxr x0, [xzr]",
		"ldxr sp, [x0]",
		// LSE.
		"stswp x0, [x1]",
		"stswpl x0, [x1]",
		"stclral x0, [x1]",
		"stclra x0, [x1]",
		"steora w0, [x1]",
		"stcas x0, [x1]",
		"swpb x0, x1, [x2]",
		"swp x0, w1, [x2]",
		"swp x0, [x2]",
		"ldclr x0, x1, [x2, #8]",
		"ldeorb x0, x1, [x2]",
		"steor w0, x1, [x2]",
		"ldsmax x0, w1, [x2]",
		"ldumin x0, x1, [x2], #8",
		"stset x0, x1, [x2, #8]",
		"cas x0, x1, [x2, #8]",
		"cas x0, x1, [x2, #1-1]",
		"swpal x0, x1, [x2, #0x0]",
		"casb x0, x1, [x2]",
		"cash w0, x1, [x2]",
		"casa x0, [x1]",
		"casp x1, x2, x4, x5, [x0]",
		"casp x0, x2, x2, x3, [x0]",
		"casp x0, x1, x3, x4, [x0]",
		"casp xzr, x0, x2, x3, [x0]",
		"casp x0, x1, w2, w3, [x0]",
		"casp x0, x1, x2, x3, [x0, #8]",
		"casp x0, x1, [x0]",
		"caspb w0, w1, w2, w3, [x0]",
		"casph w0, w1, w2, w3, [x0]",
		"caspl w0, w1, w2, w3, [x0, #0x0]",
		// LDRAA, LDRAB.
		"ldraa x0, [x1, #4]",
		"ldraa x0, [x1], #8",
		"ldraa w0, [x1]",
		"ldraa x0, [x1, #4096]",
		"ldraa x0, [x1, #-4104]",
		"ldrab x0, [x1, #4096]!",
		"ldraa x0, [x1, x2]",
		"ldraa x0, =1",
		"ldraa x0, .",
		"ldraa x0, [x1, #:lo12:ext_sym]",
		"ldraa sp, [x1]",
	)
}
