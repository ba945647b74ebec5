package corpusgen

import "fmt"

// The data processing instructions beyond the pilot's add/sub and mov:
// logical (immediate and shifted register), negation and add/subtract
// with carry, bitfield moves and their aliases, extract and shifts,
// conditional select and compare, the 1-, 2- and 3-source operations,
// CRC32 and the pointer authentication data-processing forms.

// dpBitmasks returns bitmask immediates of a register width (Arm ARM
// C6.2 AND (immediate), DecodeBitMasks): for every element size from 2
// bits to the width, runs of one, a middle number and all but one ones,
// each unrotated, rotated by one and rotated by all but one bit, the
// element replicated to the width.
func dpBitmasks(width int) []string {
	var out []string
	seen := map[uint64]bool{}
	for esize := 2; esize <= width; esize *= 2 {
		emask := ^uint64(0) >> (64 - esize)
		for _, ones := range []int{1, esize / 2, esize - 1} {
			for _, rot := range []int{0, 1, esize - 1} {
				elem := uint64(1)<<ones - 1
				elem = (elem>>rot | elem<<(esize-rot)) & emask
				v := elem
				for e := esize; e < width; e *= 2 {
					v |= v << e
				}
				if !seen[v] {
					seen[v] = true
					out = append(out, fmt.Sprintf("%#x", v))
				}
			}
		}
	}
	return out
}

func init() {
	AddSet("dpXa", "x0", "x30", "xzr")
	AddSet("dpWa", "w0", "w30", "wzr")
	AddSet("dpXd|SP", "x0", "x30", "sp")
	AddSet("dpWd|WSP", "w0", "w30", "wsp")
	AddSet("dpX|SP", "x1", "x30", "sp")

	AddSet("dplogic", "and", "orr", "eor", "ands", "bic", "bics", "orn", "eon")
	AddSet("dplogimm", "and", "orr", "eor")
	AddSet("dpsh64", "lsl #0", "lsl #1", "lsl #63", "lsr #0", "lsr #32", "lsr #63", "asr #0", "asr #31",
		"asr #63", "ror #0", "ror #1", "ror #63", "LSL #5", "lsl 7", "ror #(1+2)")
	AddSet("dpsh32", "lsl #0", "lsl #31", "lsr #1", "lsr #31", "asr #16", "asr #31", "ror #0", "ror #31")
	AddSet("dpsh64nr", "lsl #0", "lsl #63", "lsr #1", "lsr #63", "asr #0", "asr #63")
	AddSet("dpsh32nr", "lsl #31", "lsr #0", "asr #31")
	AddSet("dpmask64", dpBitmasks(64)...)
	AddSet("dpmask32", dpBitmasks(32)...)
	// w-register values written as 64-bit numbers whose upper half is
	// all zeros or all ones, and negative numbers.
	AddSet("dpmask32x", "-16", "-2", "-0x80000000", "0xfffffffffffffff0", "0xffffffff00000001", "-0x80000001",
		"0xffffffff7fffffff", "~1", "-(1 << 16)")
	AddSet("dpmask64x", "-2", "-0x5555555555555556", "~0xff", "1 << 63", "(1 << 32) - 1", "-(1 << 32)")

	Add("logic",
		"<dplogic> <dpXa>, <dpXa>, <dpXa>",
		"<dplogic> <dpWa>, <dpWa>, <dpWa>",
		"<dplogic> x1, x2, x3, <dpsh64>",
		"<dplogic> w1, w2, w3, <dpsh32>",
		"<dplogic> xzr, xzr, xzr, ror #17",
		"<dplogimm> <dpXd|SP>, <dpXa>, #<dpmask64>",
		"<dplogimm> <dpWd|WSP>, <dpWa>, #<dpmask32>",
		"ands <dpXa>, <dpXa>, #<dpmask64>",
		"ands <dpWa>, <dpWa>, #<dpmask32>",
		"bic <dpXd|SP>, x3, #<dpmask64>",
		"bic <dpWd|WSP>, w3, #<dpmask32>",
		"<dplogimm> x4, x5, #<dpmask64x>",
		"ands x4, x5, <dpmask64x>",
		"<dplogimm> w4, w5, #<dpmask32x>",
		"ands w4, w5, #<dpmask32x>",
		"bic w4, w5, #<dpmask32x>",
		"and x0, x1, 0xff",
		"orr w0, wzr, #0x10001",
	)

	AddSet("dpneg", "neg", "negs")
	AddSet("dpcarry", "adc", "adcs", "sbc", "sbcs")
	AddSet("dpngc", "ngc", "ngcs")
	Add("logic",
		"mvn <X>, <X>",
		"mvn <W>, <W>",
		"mvn x7, x8, <dpsh64>",
		"mvn w7, w8, <dpsh32>",
		"<dpneg> <X>, <X>",
		"<dpneg> <W>, <W>",
		"<dpneg> x7, x8, <dpsh64nr>",
		"<dpneg> w7, w8, <dpsh32nr>",
		"<dpcarry> <dpXa>, <dpXa>, <dpXa>",
		"<dpcarry> <dpWa>, <dpWa>, <dpWa>",
		"<dpngc> <X>, <X>",
		"<dpngc> <W>, <W>",
	)

	AddSet("dpbfm", "sbfm", "bfm", "ubfm")
	AddSet("dpimm64", "0", "1", "31", "32", "63")
	AddSet("dpimm32", "0", "1", "15", "31")
	AddSet("dpshop", "asr", "lsl", "lsr", "ror")
	AddSet("dpshv", "asrv", "lslv", "lsrv", "rorv")
	AddSet("dpsxt", "sxtb", "sxth")
	AddSet("dpuxt", "uxtb", "uxth")
	AddSet("dpfield", "sbfx", "ubfx", "bfxil", "sbfiz", "ubfiz", "bfi")
	AddSet("dpfield64", "#0, #1", "#0, #64", "#1, #63", "#63, #1", "#32, #32", "#31, #1", "#17, #5", "#62, #2", "#1, #1")
	AddSet("dpfield32", "#0, #1", "#0, #32", "#1, #31", "#31, #1", "#16, #16", "#15, #3", "#30, #2")
	Add("bitfield",
		"<dpbfm> <dpXa>, <dpXa>, #<dpimm64>, #<dpimm64>",
		"<dpbfm> <dpWa>, <dpWa>, #<dpimm32>, #<dpimm32>",
		"<dpbfm> x3, x4, 5, 6",
		"<dpshop> <dpXa>, <dpXa>, #<dpimm64>",
		"<dpshop> <dpWa>, <dpWa>, #<dpimm32>",
		"<dpshop> <dpXa>, <dpXa>, <dpXa>",
		"<dpshop> <dpWa>, <dpWa>, <dpWa>",
		"<dpshv> <dpXa>, <dpXa>, <dpXa>",
		"<dpshv> <dpWa>, <dpWa>, <dpWa>",
		"lsl x2, x3, 4",
		"<dpsxt> <X>, <W>",
		"<dpsxt> <W>, <W>",
		"sxtw <X>, <W>",
		"<dpuxt> <W>, <W>",
		"<dpuxt> <X>, <W>",
		"uxtw <X>, <W>",
		"uxtw <W>, <W>",
		"<dpfield> <dpXa>, <dpXa>, <dpfield64>",
		"<dpfield> <dpWa>, <dpWa>, <dpfield32>",
		"bfc <X>, <dpfield64>",
		"bfc <W>, <dpfield32>",
		"extr <dpXa>, <dpXa>, <dpXa>, #<dpimm64>",
		"extr <dpWa>, <dpWa>, <dpWa>, #<dpimm32>",
	)

	AddSet("dpcsel", "csel", "csinc", "csinv", "csneg")
	AddSet("dpcset", "cset", "csetm")
	AddSet("dpcinc", "cinc", "cinv", "cneg")
	AddSet("dpccmp", "ccmp", "ccmn")
	AddSet("dpnzcv", "#0", "#4", "#15", "8")
	AddSet("dpimm5", "#0", "#1", "#31", "17")
	Add("condsel",
		"<dpcsel> <dpXa>, <dpXa>, <dpXa>, ne",
		"<dpcsel> <dpWa>, <dpWa>, <dpWa>, hs",
		"<dpcsel> x1, x2, xzr, <cond>",
		"<dpcsel> w1, wzr, w3, <cond>",
		"<dpcset> <dpXa>, <bcond>",
		"<dpcset> <dpWa>, <bcond>",
		"<dpcinc> <dpXa>, <dpXa>, <bcond>",
		"<dpcinc> <dpWa>, <dpWa>, <bcond>",
		"<dpccmp> <dpXa>, <dpXa>, <dpnzcv>, lt",
		"<dpccmp> x1, x2, #3, <cond>",
		"<dpccmp> <dpWa>, <dpWa>, #7, <cond>",
		"<dpccmp> <dpXa>, <dpimm5>, <dpnzcv>, ge",
		"<dpccmp> x4, <dpimm5>, #9, <cond>",
		"<dpccmp> <dpWa>, <dpimm5>, #2, <cond>",
		"CSEL X1, X2, X3, EQ",
	)

	AddSet("dp1src", "rbit", "rev16", "rev", "clz", "cls")
	AddSet("dp1src64", "rev32", "rev64")
	AddSet("dpdiv", "udiv", "sdiv")
	AddSet("dpcrc", "crc32b", "crc32h", "crc32w", "crc32cb", "crc32ch", "crc32cw")
	AddSet("dpcrcx", "crc32x", "crc32cx")
	AddSet("dpmadd", "madd", "msub")
	AddSet("dpmul", "mul", "mneg")
	AddSet("dplong", "smaddl", "smsubl", "umaddl", "umsubl")
	AddSet("dplong3", "smull", "smnegl", "umull", "umnegl")
	AddSet("dpmulh", "smulh", "umulh")
	Add("muldiv",
		"<dp1src> <X>, <X>",
		"<dp1src> <W>, <W>",
		"<dp1src64> <X>, <X>",
		"<dpdiv> <dpXa>, <dpXa>, <dpXa>",
		"<dpdiv> <dpWa>, <dpWa>, <dpWa>",
		"<dpcrc> <dpWa>, <dpWa>, <dpWa>",
		"<dpcrcx> <dpWa>, <dpWa>, <dpXa>",
		"<dpmadd> <dpXa>, <dpXa>, <dpXa>, <dpXa>",
		"<dpmadd> <dpWa>, <dpWa>, <dpWa>, <dpWa>",
		"<dpmul> <dpXa>, <dpXa>, <dpXa>",
		"<dpmul> <dpWa>, <dpWa>, <dpWa>",
		"<dplong> <dpXa>, <dpWa>, <dpWa>, <dpXa>",
		"<dplong3> <dpXa>, <dpWa>, <dpWa>",
		"<dpmulh> <dpXa>, <dpXa>, <dpXa>",
	)

	AddSet("dppac", "pacia", "pacib", "pacda", "pacdb", "autia", "autib", "autda", "autdb")
	AddSet("dppacz", "paciza", "pacizb", "pacdza", "pacdzb", "autiza", "autizb", "autdza", "autdzb", "xpaci", "xpacd")
	Add("pac",
		"<dppac> <X>, <X|SP>",
		"<dppacz> <X>",
		"pacga <dpXa>, <dpXa>, <dpX|SP>",
	)

	AddInvalid("dp",
		"lsl x0, x1, #64",
		"lsl w0, w1, #32",
		"lsl x0, x1, #-1",
		"asr w0, w1, #32",
		"lsr x0, x1, #64",
		"ror x0, x1, #64",
		"ror w0, w1, #32",
		"asr x0, x1, w2",
		"lsl x0, x1",
		"and x0, x1, #0",
		"and x0, x1, #-1",
		"and x0, x1, #0xffffffffffffffff",
		"and w0, w1, #0xffffffff",
		"orr w0, w1, #-1",
		"eor x0, x1, #0x1234",
		"and w0, w1, #0x1fffffff0",
		"and w0, w1, #0x100000000",
		"ands sp, x1, #1",
		"and x0, sp, #1",
		"and sp, x1, x2",
		"bics x0, x1, #0xff",
		"orn x0, x1, #1",
		"eon x0, x1, #1",
		"bic x0, x1, #-1",
		"and x0, x1, w2",
		"and w0, w1, w2, lsl #32",
		"and w0, w1, w2, ror #32",
		"and x0, x1, x2, lsl #64",
		"eon x0, x1, x2, msl #8",
		"and x0, x1, x2, uxtw",
		"and x0, x1, x2, lsl",
		"neg x0, x1, ror #3",
		"neg x0, sp",
		"mvn x0, w1",
		"ngc x0, x1, lsl #1",
		"adc x0, x1, x2, lsl #1",
		"adc sp, x1, x2",
		"sbc x0, x1, w2",
		"bfi w0, w1, #30, #4",
		"bfi w0, w1, #32, #1",
		"bfi x0, x1, #0, #65",
		"bfi x0, x1, #1, #64",
		"bfxil w0, w1, #0, #0",
		"sbfx x0, x1, #-1, #1",
		"ubfx w0, w1, #0, #33",
		"sbfiz x0, x1, #1, #64",
		"ubfiz w0, w1, #31, #2",
		"bfc w0, #0, #33",
		"bfc x0, x1, #0, #1",
		"ubfm x0, x1, #64, #0",
		"sbfm w0, w1, #0, #32",
		"bfm x0, w1, #0, #1",
		"extr x0, x1, x2, #64",
		"extr w0, w1, w2, #32",
		"extr x0, x1, w2, #3",
		"sxtb x0, x1",
		"sxtw w0, w1",
		"sxtw x0, x1",
		"uxtb w0, x1",
		"uxtw x0, x1",
		"and xzr, x1, #1",
		"orr wzr, w1, #1",
		"cset x0, al",
		"cset x0, nv",
		"csetm w0, al",
		"cinc x0, x1, nv",
		"cneg x0, x1, al",
		"cinv w0, w1, al",
		"csel x0, x1, x2, xx",
		"csel x0, x1, w2, eq",
		"csel sp, x1, x2, eq",
		"ccmp x0, #-1, #4, eq",
		"ccmp x0, #32, #0, eq",
		"ccmp x0, x1, #16, eq",
		"ccmp x0, x1, #-1, eq",
		"ccmn w0, x1, #0, eq",
		"ccmp x0, x1, #0",
		"rev32 w0, w1",
		"rev64 w0, w1",
		"rev x0, w1",
		"clz sp, x1",
		"mul x0, x1, w2",
		"mul x0, x1, x2, x3",
		"madd x0, x1, x2, w3",
		"smull x0, x1, x2",
		"smaddl x0, w1, w2, w3",
		"umulh w0, w1, w2",
		"udiv x0, x1, w2",
		"crc32x x0, x1, x2",
		"crc32b w0, w1, x2",
		"crc32cw w0, w1, x2",
		"pacia x0, xzr",
		"pacia sp, x1",
		"pacga x0, sp, x1",
		"xpaci sp",
		"paciza x0, x1",
		"autda w0, x1",
	)
}
