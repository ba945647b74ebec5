package corpusgen

// System instructions beyond the pilot's: SYS, SYSL and their aliases DC,
// IC, AT, TLBI, CFP, DVP, CPP, the exception returns ERET and DRPS, and
// DCPS1..3 (class "sysop"), and the authenticated branches BRAA...ERETAB
// (class "pac").

func init() {
	AddSet("sysOp1", "0", "3", "7")
	AddSet("sysOp2", "0", "5", "7")
	AddSet("sysC", "c0", "C7", "c15")
	// The DC operations GNU as assembles for armv9.3-a: without the MTE
	// ones (dc gva, dc cgvac, ...), which need +memtag
	// (insn_ldst_more_test.go assembles those).
	AddSet("sysDC", "ivac", "isw", "csw", "cisw", "zva", "cvac", "cvau", "cvap", "cvadp", "civac",
		"cipapa", "cigdpapa", "ZVA")
	AddSet("sysIC", "ialluis", "iallu", "IALLU")
	AddSet("sysAT", "s1e1r", "s1e1w", "s1e0r", "s1e0w", "s1e1rp", "s1e1wp", "s1e2r", "s1e2w",
		"s12e1r", "s12e1w", "s12e0r", "s12e0w", "s1e3r", "s1e3w")
	AddSet("sysTLBIall", "vmalle1os", "vmalle1is", "vmalle1", "alle2is", "alle1is", "vmalls12e1is",
		"alle2", "alle1", "vmalls12e1", "alle3is", "alle3", "alle2os", "alle1os", "vmalls12e1os",
		"alle3os", "paallos", "paall", "VMALLE1IS")
	AddSet("sysTLBIreg", "vae1os", "aside1os", "vaae1os", "vale1os", "vaale1os",
		"rvae1is", "rvaae1is", "rvale1is", "rvaale1is", "vae1is", "aside1is", "vaae1is", "vale1is", "vaale1is",
		"rvae1os", "rvaae1os", "rvale1os", "rvaale1os", "rvae1", "rvaae1", "rvale1", "rvaale1",
		"vae1", "aside1", "vaae1", "vale1", "vaale1",
		"ipas2e1is", "ipas2le1is", "vae2is", "vale2is", "ipas2e1", "ipas2le1", "vae2", "vale2",
		"vae3is", "vale3is", "vae3", "vale3",
		"ripas2e1is", "ripas2le1is", "vae2os", "vale2os", "rvae2is", "rvale2is", "ipas2e1os", "ripas2e1",
		"ripas2e1os", "ipas2le1os", "ripas2le1", "ripas2le1os", "rvae2os", "rvale2os", "rvae2", "rvale2",
		"vae3os", "vale3os", "rvae3is", "rvale3is", "rpaos", "rpalos", "rvae3os", "rvale3os", "rvae3", "rvale3",
		"VAE1IS")
	AddSet("sysRctx", "cfp", "dvp", "cpp")
	AddSet("sysDCPS", "1", "2", "3")
	Add("sysop",
		"sys #<sysOp1>, <sysC>, <sysC>, #<sysOp2>",
		"sys #<sysOp1>, <sysC>, <sysC>, #<sysOp2>, <X>",
		"sys 1, c2, c3, 4, x5",
		"sys #0, c7, c5, #0, xzr",
		"sys #3, c7, c4, #1, x3",
		"sys #0, c8, c7, #0, x9",
		"sysl <X>, #<sysOp1>, <sysC>, <sysC>, #<sysOp2>",
		"sysl x1, 2, C3, C4, 5",
		// GNU as reads the number after the C in its own syntax.
		"sys #0, c07, c015, #0, x1",
		"sys #0, c0x7, C0XF, #0",
		"dc <sysDC>, <X>",
		"ic <sysIC>",
		"ic ivau, <X>",
		"at <sysAT>, <X>",
		"tlbi <sysTLBIall>",
		"tlbi <sysTLBIreg>, <X>",
		"<sysRctx> rctx, <X>",
		"DC CIVAC, X3",
		"eret",
		"drps",
		"dcps<sysDCPS>",
		"dcps<sysDCPS> #<imm16e>",
		"dcps2 0x800",
	)

	AddSet("pacBr", "braa", "brab", "blraa", "blrab")
	AddSet("pacBrz", "braaz", "brabz", "blraaz", "blrabz")
	AddSet("pacRet", "retaa", "retab", "eretaa", "eretab")
	Add("pac",
		"<pacBr> <X>, <X|SP>",
		"<pacBrz> <X>",
		"<pacRet>",
	)

	AddInvalid("sys2",
		"sys #8, c7, c5, #0",
		"sys #-1, c7, c5, #0",
		"sys #0, c16, c5, #0",
		"sys #0, c7, c5, #8",
		"sys #0, 7, 5, #0",
		"sys #0, x7, c5, #0",
		"sys #0, c0x10, c5, #0",
		"sys #0, cx, c5, #0",
		"sys #0, c, c5, #0",
		"sys #0, c7, c5, #0, w0",
		"sys #0, c7, c5, #0, sp",
		"sys #0, c7, c5",
		"sysl x0, #0, c7, c5, #0, x1",
		"sysl w0, #0, c7, c5, #0",
		"sysl #0, c7, c5, #0",
		"sysl sp, #0, c7, c5, #0",
		"tlbi vmalle1, x0",
		"tlbi alle1, x0",
		"tlbi vae1",
		"tlbi vae9, x0",
		"tlbi vae1, w0",
		"ic iallu, x0",
		"ic ialluis, x0",
		"ic ivau",
		"ic ivau, x0, x1",
		"dc zva",
		"dc zva, w0",
		"dc zva, sp",
		"dc foo, x0",
		"dc iallu",
		"ic zva, x0",
		"at s1e1r",
		"at s1e1x, x0",
		"at s1e1r, w0",
		"cfp rctx",
		"cfp foo, x0",
		"dc",
		"eret x0",
		"drps #0",
		"dcps1 #65536",
		"dcps2 x0",
		"dcps3 #-1",
		"dcps4",
		"braa x0, xzr",
		"braa sp, x0",
		"braa w0, x1",
		"braa x0",
		"braa x0, x1, x2",
		"blrab x0",
		"braaz sp",
		"braaz w0",
		"blraaz x0, x1",
		"retaa x0",
		"retab x30",
		"eretaa x0",
	)
}
