package corpusgen

import "strings"

// FP/SIMD loads and stores (LDR/STR/LDUR/STUR of B-Q registers, the
// pairs, LD1-LD4/ST1-ST4 in their multiple, single and replicate forms)
// and the FP/SIMD data processing ops arm64 decodes.

func init() {
	AddSet("simdV", "v0", "v17", "v31")
	AddSet("simdVn", "v1", "v31")
	AddSet("simdVm", "v2", "v30")
	AddSet("simdB", "b0", "b31")
	AddSet("simdH", "h0", "h31")
	AddSet("simdS", "s0", "s17", "s31")
	AddSet("simdD", "d0", "d17", "d31")
	AddSet("simdQ", "q0", "q17", "q31")
	AddSet("simdDn", "d1", "d30")
	AddSet("simdSn", "s1", "s30")
	simdArr := []string{"8b", "16b", "4h", "8h", "2s", "4s", "2d"}
	simdArrNoD := []string{"8b", "16b", "4h", "8h", "2s", "4s"}
	simdArrB := []string{"8b", "16b"}
	simdArrStruct := []string{"8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"}
	simdArrBH := []string{"8b", "16b", "4h", "8h"}
	simdArrFS := []string{"2s", "4s", "2d"}
	simdArrH := []string{"4h", "8h"}
	simdArrS := []string{"2s", "4s"}
	simdArrStructNo1D := []string{"8b", "16b", "4h", "8h", "2s", "4s", "2d"}

	// Single registers: every width in every addressing mode.
	AddSet("simdFPReg", "b0", "h31", "s17", "d3", "q31")
	AddSet("simdLdSt", "ldr", "str")
	AddSet("simdLdStU", "ldur", "stur")
	AddSet("simdSimm9", "0", "-256", "255", "-1", "8")
	addRows("simdldst",
		"<simdLdSt> <simdB>, [<Xbase>, #<simdPimmB>]",
		"<simdLdSt> <simdH>, [<Xbase>, #<simdPimmH>]",
		"<simdLdSt> <simdS>, [<Xbase>, #<simdPimmS>]",
		"<simdLdSt> <simdD>, [<Xbase>, #<simdPimmD>]",
		"<simdLdSt> <simdQ>, [<Xbase>, #<simdPimmQ>]",
		"<simdLdSt> <simdFPReg>, [<Xbase>]",
		"<simdLdSt> <simdFPReg>, [<Xbase>, #<simdSimm9>]!",
		"<simdLdSt> <simdFPReg>, [<Xbase>], #<simdSimm9>",
		"<simdLdStU> <simdFPReg>, [<Xbase>, #<simdSimm9>]",
		"<simdLdStU> <simdFPReg>, [<Xbase>]",
		"<simdLdSt> <simdB>, [<Xbase>, <Xm>]",
		"<simdLdSt> <simdB>, [<Xbase>, <Xm>, lsl #0]",
		"<simdLdSt> <simdB>, [<Xbase>, <Wm>, <simdExtW> #0]",
		"<simdLdSt> <simdB>, [<Xbase>, <Xm>, sxtx]",
		"<simdLdSt> <simdH>, [<Xbase>, <Xm>, lsl #1]",
		"<simdLdSt> <simdS>, [<Xbase>, <Wm>, <simdExtW> #2]",
		"<simdLdSt> <simdD>, [<Xbase>, <Xm>, sxtx #3]",
		"<simdLdSt> <simdQ>, [<Xbase>, <Xm>, lsl #4]",
		"<simdLdSt> <simdQ>, [<Xbase>, <Wm>, <simdExtW>]",
		"<simdLdSt> <simdFPReg>, [<Xbase>, <Xm>]",
		"<simdLdSt> <simdFPReg>, [<Xbase>, #:lo12:<simdLo12Sym>]",
		"ldr <simdS>, <label19>",
		"ldr <simdD>, <label19>",
		"ldr <simdQ>, <label19>",
		"ldr <simdS>, =<simdLit>",
		"ldr <simdD>, =<simdLit>",
		"ldr <simdQ>, =<simdLitQ>",
	)
	AddSet("simdPimmB", "0", "1", "4095", "-1", "-256")
	AddSet("simdPimmH", "0", "2", "8190", "1", "-255")
	AddSet("simdPimmS", "0", "4", "16380", "3", "255")
	AddSet("simdPimmD", "0", "8", "32760", "-8", "7")
	AddSet("simdPimmQ", "0", "16", "65520", "-16", "240")
	AddSet("simdExtW", "uxtw", "sxtw")
	AddSet("simdLo12Sym", "ext_sym", "hdr_data")
	AddSet("simdLit", "0", "0x1234", "ext_sym")
	// GNU as cannot relocate a 16-byte pool entry: numbers only.
	AddSet("simdLitQ", "0", "0x1234", "-1")

	// Pairs.
	AddSet("simdPairLdSt", "ldp", "stp")
	AddSet("simdPairNT", "ldnp", "stnp")
	AddSet("simdPimm7S", "0", "-256", "252", "4")
	AddSet("simdPimm7D", "0", "-512", "504", "-8")
	AddSet("simdPimm7Q", "0", "-1024", "1008", "16")
	addRows("simdldst",
		"<simdPairLdSt> <simdS>, <simdSn>, [<Xbase>, #<simdPimm7S>]",
		"<simdPairLdSt> <simdD>, <simdDn>, [<Xbase>, #<simdPimm7D>]!",
		"<simdPairLdSt> <simdQ>, q1, [<Xbase>], #<simdPimm7Q>",
		"<simdPairLdSt> q0, q30, [<Xbase>, #<simdPimm7Q>]",
		"<simdPairLdSt> s0, s1, [<Xbase>], #<simdPimm7S>",
		"<simdPairLdSt> d2, d3, [<Xbase>]",
		"<simdPairNT> <simdS>, <simdSn>, [<Xbase>, #<simdPimm7S>]",
		"<simdPairNT> <simdD>, <simdDn>, [<Xbase>, #<simdPimm7D>]",
		"<simdPairNT> <simdQ>, q1, [<Xbase>, #<simdPimm7Q>]",
		"<simdPairNT> d0, d1, [<Xbase>]",
	)

	// Structures: lists of each length, ranges, wraparound, post-index.
	AddSet("simdLdSt1", "ld1", "st1")
	AddSet("simdLdSt2", "ld2", "st2")
	AddSet("simdLdSt3", "ld3", "st3")
	AddSet("simdLdSt4", "ld4", "st4")
	AddSet("simdXpost", "x2", "x30")
	addRows("simdstruct",
		arrRow(simdArrStruct, "<simdLdSt1> {v0.@T}, [<Xbase>]"),
		arrRow(simdArrStruct, "<simdLdSt1> {v31.@T}, [x0]"),
		arrRow(simdArrStruct, "<simdLdSt1> {v3.@T, v4.@T}, [<Xbase>]"),
		arrRow(simdArrStruct, "<simdLdSt1> {v31.@T, v0.@T}, [x1]"),
		arrRow(simdArrStruct, "<simdLdSt1> {v5.@T, v6.@T, v7.@T}, [<Xbase>]"),
		arrRow(simdArrStruct, "<simdLdSt1> {v0.@T-v3.@T}, [<Xbase>]"),
		arrRow(simdArrStruct, "<simdLdSt1> {v28.@T-v31.@T}, [x2]"),
		arrRow(simdArrStruct, "<simdLdSt1> {v30.@T, v31.@T, v0.@T, v1.@T}, [x2]"),
		"<simdLdSt1> {v0.8b}, [<Xbase>], #8",
		"<simdLdSt1> {v0.16b}, [<Xbase>], #16",
		"<simdLdSt1> {v0.4h, v1.4h}, [<Xbase>], #16",
		"<simdLdSt1> {v0.4s, v1.4s}, [<Xbase>], #32",
		"<simdLdSt1> {v0.1d-v2.1d}, [<Xbase>], #24",
		"<simdLdSt1> {v0.2d-v2.2d}, [<Xbase>], #48",
		"<simdLdSt1> {v0.2s-v3.2s}, [<Xbase>], #32",
		"<simdLdSt1> {v0.8h-v3.8h}, [<Xbase>], #64",
		arrRow(simdArrStruct, "<simdLdSt1> {v1.@T-v4.@T}, [<Xbase>], <simdXpost>"),
		arrRow(simdArrStructNo1D, "<simdLdSt2> {v0.@T, v1.@T}, [<Xbase>]"),
		arrRow(simdArrStructNo1D, "<simdLdSt2> {v31.@T, v0.@T}, [x3], <simdXpost>"),
		"<simdLdSt2> {v4.8b, v5.8b}, [<Xbase>], #16",
		"<simdLdSt2> {v4.2d, v5.2d}, [<Xbase>], #32",
		arrRow(simdArrStructNo1D, "<simdLdSt3> {v0.@T, v1.@T, v2.@T}, [<Xbase>]"),
		arrRow(simdArrStructNo1D, "<simdLdSt3> {v30.@T, v31.@T, v0.@T}, [x3], <simdXpost>"),
		"<simdLdSt3> {v7.4h-v9.4h}, [<Xbase>], #24",
		"<simdLdSt3> {v7.16b-v9.16b}, [<Xbase>], #48",
		arrRow(simdArrStructNo1D, "<simdLdSt4> {v0.@T-v3.@T}, [<Xbase>]"),
		arrRow(simdArrStructNo1D, "<simdLdSt4> {v29.@T, v30.@T, v31.@T, v0.@T}, [x3], <simdXpost>"),
		"<simdLdSt4> {v8.2s-v11.2s}, [<Xbase>], #32",
		"<simdLdSt4> {v8.4s-v11.4s}, [<Xbase>], #64",
	)
	// Single structures: each element size at the lane edges.
	AddSet("simdLaneB", "0", "7", "8", "15")
	AddSet("simdLaneH", "0", "3", "4", "7")
	AddSet("simdLaneS", "0", "1", "2", "3")
	AddSet("simdLaneD", "0", "1")
	addRows("simdstruct",
		"<simdLdSt1> {v0.b}[<simdLaneB>], [<Xbase>]",
		"<simdLdSt1> {v31.h}[<simdLaneH>], [<Xbase>], #2",
		"<simdLdSt1> {v9.s}[<simdLaneS>], [<Xbase>], <simdXpost>",
		"<simdLdSt1> {v9.d}[<simdLaneD>], [<Xbase>], #8",
		"<simdLdSt2> {v0.b, v1.b}[<simdLaneB>], [<Xbase>], #2",
		"<simdLdSt2> {v31.h, v0.h}[<simdLaneH>], [<Xbase>]",
		"<simdLdSt2> {v9.s, v10.s}[<simdLaneS>], [<Xbase>], #8",
		"<simdLdSt2> {v9.d, v10.d}[<simdLaneD>], [<Xbase>], <simdXpost>",
		"<simdLdSt3> {v0.b-v2.b}[<simdLaneB>], [<Xbase>], #3",
		"<simdLdSt3> {v30.h, v31.h, v0.h}[<simdLaneH>], [<Xbase>], #6",
		"<simdLdSt3> {v9.s-v11.s}[<simdLaneS>], [<Xbase>]",
		"<simdLdSt3> {v9.d-v11.d}[<simdLaneD>], [<Xbase>], #24",
		"<simdLdSt4> {v0.b-v3.b}[<simdLaneB>], [<Xbase>], <simdXpost>",
		"<simdLdSt4> {v28.h-v31.h}[<simdLaneH>], [<Xbase>], #8",
		"<simdLdSt4> {v29.s, v30.s, v31.s, v0.s}[<simdLaneS>], [<Xbase>], #16",
		"<simdLdSt4> {v9.d-v12.d}[<simdLaneD>], [<Xbase>]",
	)
	addRows("simdstruct",
		arrRow(simdArrStruct, "ld1r {v0.@T}, [<Xbase>]"),
		arrRow(simdArrStruct, "ld1r {v31.@T}, [<Xbase>], <simdXpost>"),
		"ld1r {v1.8b}, [<Xbase>], #1",
		"ld1r {v1.8h}, [<Xbase>], #2",
		"ld1r {v1.2s}, [<Xbase>], #4",
		"ld1r {v1.1d}, [<Xbase>], #8",
		arrRow(simdArrStruct, "ld2r {v0.@T, v1.@T}, [<Xbase>]"),
		"ld2r {v31.8b, v0.8b}, [x4], #2",
		"ld2r {v31.8h, v0.8h}, [x4], #4",
		"ld2r {v31.2s, v0.2s}, [x4], #8",
		"ld2r {v31.2d, v0.2d}, [x4], #16",
		arrRow(simdArrStruct, "ld3r {v0.@T-v2.@T}, [<Xbase>], <simdXpost>"),
		"ld3r {v2.16b-v4.16b}, [<Xbase>], #3",
		"ld3r {v2.2d-v4.2d}, [<Xbase>], #24",
		arrRow(simdArrStruct, "ld4r {v0.@T-v3.@T}, [<Xbase>]"),
		"ld4r {v30.4h, v31.4h, v0.4h, v1.4h}, [<Xbase>], #8",
		"ld4r {v3.4s-v6.4s}, [<Xbase>], #16",
	)

	// Data processing.
	AddSet("simdThreeAll", "add", "sub", "cmeq", "cmtst", "cmgt", "cmge", "cmhi", "cmhs", "addp",
		"uzp1", "uzp2", "zip1", "zip2", "trn1", "trn2")
	AddSet("simdThreeNoD", "smax", "smin", "umax", "umin", "smaxp", "sminp", "umaxp", "uminp")
	AddSet("simdLogic", "and", "orr", "bic", "orn", "eor", "bsl", "bit", "bif")
	AddSet("simdScalarThree", "add", "sub", "cmeq", "cmtst", "cmgt", "cmge", "cmhi", "cmhs")
	addRows("simd",
		arrRow(simdArr, "<simdThreeAll> <simdV>.@T, <simdVn>.@T, <simdVm>.@T"),
		arrRow(simdArrNoD, "<simdThreeNoD> <simdV>.@T, <simdVn>.@T, <simdVm>.@T"),
		arrRow(simdArrB, "<simdLogic> <simdV>.@T, <simdVn>.@T, <simdVm>.@T"),
		"<simdScalarThree> <simdD>, <simdDn>, d2",
		arrRow(simdArrB, "mov <simdV>.@T, <simdVn>.@T"),
		"orr v3.16b, v4.16b, v4.16b",
		"addp <simdD>, <simdVn>.2d",
	)
	AddSet("simdTwoAll", "abs", "neg")
	AddSet("simdTwoNoD", "cls", "clz", "rev64")
	AddSet("simdTwoB", "cnt", "not", "mvn", "rbit", "rev16")
	AddSet("simdCmpZero", "cmeq", "cmgt", "cmge", "cmle", "cmlt")
	addRows("simd",
		arrRow(simdArr, "<simdTwoAll> <simdV>.@T, <simdVn>.@T"),
		"<simdTwoAll> <simdD>, <simdDn>",
		arrRow(simdArrNoD, "<simdTwoNoD> <simdV>.@T, <simdVn>.@T"),
		arrRow(simdArrB, "<simdTwoB> <simdV>.@T, <simdVn>.@T"),
		arrRow(simdArrBH, "rev32 <simdV>.@T, <simdVn>.@T"),
		arrRow(simdArr, "<simdCmpZero> <simdV>.@T, <simdVn>.@T, #0"),
		"<simdCmpZero> <simdD>, <simdDn>, #0",
		"xtn <simdV>.8b, <simdVn>.8h",
		"xtn <simdV>.4h, <simdVn>.4s",
		"xtn <simdV>.2s, <simdVn>.2d",
		"xtn2 <simdV>.16b, <simdVn>.8h",
		"xtn2 <simdV>.8h, <simdVn>.4s",
		"xtn2 <simdV>.4s, <simdVn>.2d",
	)
	AddSet("simdAcross", "addv", "smaxv", "sminv", "umaxv", "uminv")
	AddSet("simdAcrossL", "saddlv", "uaddlv")
	addRows("simd",
		arrRow(simdArrB, "<simdAcross> <simdB>, <simdVn>.@T"),
		"<simdAcross> <simdH>, <simdVn>.4h",
		"<simdAcross> <simdH>, <simdVn>.8h",
		"<simdAcross> <simdS>, <simdVn>.4s",
		arrRow(simdArrB, "<simdAcrossL> <simdH>, <simdVn>.@T"),
		"<simdAcrossL> <simdS>, <simdVn>.4h",
		"<simdAcrossL> <simdS>, <simdVn>.8h",
		"<simdAcrossL> <simdD>, <simdVn>.4s",
	)

	// Element moves.
	addRows("simd",
		"dup <simdV>.8b, <simdVn>.b[<simdLaneB>]",
		"dup <simdV>.16b, <simdVn>.b[<simdLaneB>]",
		"dup <simdV>.4h, <simdVn>.h[<simdLaneH>]",
		"dup <simdV>.8h, <simdVn>.h[<simdLaneH>]",
		"dup <simdV>.2s, <simdVn>.s[<simdLaneS>]",
		"dup <simdV>.4s, <simdVn>.s[<simdLaneS>]",
		"dup <simdV>.2d, <simdVn>.d[<simdLaneD>]",
		arrRow(simdArrNoD, "dup <simdV>.@T, <W>"),
		"dup <simdV>.2d, <X>",
		"<simdDupMov> <simdB>, <simdVn>.b[<simdLaneB>]",
		"<simdDupMov> <simdH>, <simdVn>.h[<simdLaneH>]",
		"<simdDupMov> <simdS>, <simdVn>.s[<simdLaneS>]",
		"<simdDupMov> <simdD>, <simdVn>.d[<simdLaneD>]",
		"<simdInsMov> <simdV>.b[<simdLaneB>], <W>",
		"<simdInsMov> <simdV>.h[<simdLaneH>], <W>",
		"<simdInsMov> <simdV>.s[<simdLaneS>], <W>",
		"<simdInsMov> <simdV>.d[<simdLaneD>], <X>",
		"<simdInsMov> <simdV>.b[<simdLaneB>], <simdVn>.b[15]",
		"<simdInsMov> <simdV>.h[<simdLaneH>], <simdVn>.h[<simdLaneH>]",
		"<simdInsMov> <simdV>.s[<simdLaneS>], <simdVn>.s[<simdLaneS>]",
		"<simdInsMov> <simdV>.d[<simdLaneD>], <simdVn>.d[<simdLaneD>]",
		"umov <W>, <simdVn>.b[<simdLaneB>]",
		"umov <W>, <simdVn>.h[<simdLaneH>]",
		"<simdUmovMov> <W>, <simdVn>.s[<simdLaneS>]",
		"<simdUmovMov> <X>, <simdVn>.d[<simdLaneD>]",
		"smov <W>, <simdVn>.b[<simdLaneB>]",
		"smov <W>, <simdVn>.h[<simdLaneH>]",
		"smov <X>, <simdVn>.b[<simdLaneB>]",
		"smov <X>, <simdVn>.h[<simdLaneH>]",
		"smov <X>, <simdVn>.s[<simdLaneS>]",
	)
	AddSet("simdDupMov", "dup", "mov")
	AddSet("simdInsMov", "ins", "mov")
	AddSet("simdUmovMov", "umov", "mov")
	addRows("simd",
		"ext <simdV>.8b, <simdVn>.8b, <simdVm>.8b, #<simdExt8>",
		"ext <simdV>.16b, <simdVn>.16b, <simdVm>.16b, #<simdExt16>",
		arrRow(simdArrB, "<simdTbl> <simdV>.@T, {<simdVn>.16b}, <simdVm>.@T"),
		arrRow(simdArrB, "<simdTbl> <simdV>.@T, {v1.16b, v2.16b}, <simdVm>.@T"),
		arrRow(simdArrB, "<simdTbl> <simdV>.@T, {v31.16b, v0.16b}, <simdVm>.@T"),
		arrRow(simdArrB, "<simdTbl> <simdV>.@T, {v4.16b-v6.16b}, <simdVm>.@T"),
		arrRow(simdArrB, "<simdTbl> <simdV>.@T, {v30.16b, v31.16b, v0.16b}, <simdVm>.@T"),
		arrRow(simdArrB, "<simdTbl> <simdV>.@T, {v28.16b-v31.16b}, <simdVm>.@T"),
		arrRow(simdArrB, "<simdTbl> <simdV>.@T, {v31.16b, v0.16b, v1.16b, v2.16b}, <simdVm>.@T"),
	)
	AddSet("simdExt8", "0", "1", "7")
	AddSet("simdExt16", "0", "8", "15")
	AddSet("simdTbl", "tbl", "tbx")

	// Shifts by immediate: every element size at its edges.
	AddSet("simdShR", "sshr", "ushr", "ssra", "usra", "sri")
	AddSet("simdShL", "shl", "sli")
	AddSet("simdShRB", "1", "8")
	AddSet("simdShRH", "1", "9", "16")
	AddSet("simdShRS", "1", "32")
	AddSet("simdShRD", "1", "33", "64")
	AddSet("simdShLB", "0", "7")
	AddSet("simdShLH", "0", "15")
	AddSet("simdShLS", "0", "1", "31")
	AddSet("simdShLD", "0", "63")
	addRows("simd",
		arrRow(simdArrB, "<simdShR> <simdV>.@T, <simdVn>.@T, #<simdShRB>"),
		"<simdShR> <simdV>.4h, <simdVn>.4h, #<simdShRH>",
		"<simdShR> <simdV>.8h, <simdVn>.8h, #<simdShRH>",
		"<simdShR> <simdV>.2s, <simdVn>.2s, #<simdShRS>",
		"<simdShR> <simdV>.4s, <simdVn>.4s, #<simdShRS>",
		"<simdShR> <simdV>.2d, <simdVn>.2d, #<simdShRD>",
		"<simdShR> <simdD>, <simdDn>, #<simdShRD>",
		arrRow(simdArrB, "<simdShL> <simdV>.@T, <simdVn>.@T, #<simdShLB>"),
		"<simdShL> <simdV>.4h, <simdVn>.4h, #<simdShLH>",
		"<simdShL> <simdV>.8h, <simdVn>.8h, #<simdShLH>",
		"<simdShL> <simdV>.2s, <simdVn>.2s, #<simdShLS>",
		"<simdShL> <simdV>.4s, <simdVn>.4s, #<simdShLS>",
		"<simdShL> <simdV>.2d, <simdVn>.2d, #<simdShLD>",
		"<simdShL> <simdD>, <simdDn>, #<simdShLD>",
		"shrn <simdV>.8b, <simdVn>.8h, #<simdShRB>",
		"shrn <simdV>.4h, <simdVn>.4s, #<simdShRH>",
		"shrn <simdV>.2s, <simdVn>.2d, #<simdShRS>",
		"shrn2 <simdV>.16b, <simdVn>.8h, #<simdShRB>",
		"shrn2 <simdV>.8h, <simdVn>.4s, #<simdShRH>",
		"shrn2 <simdV>.4s, <simdVn>.2d, #<simdShRS>",
		"<simdShll> <simdV>.8h, <simdVn>.8b, #<simdShLB>",
		"<simdShll> <simdV>.4s, <simdVn>.4h, #<simdShLH>",
		"<simdShll> <simdV>.2d, <simdVn>.2s, #<simdShLS>",
		"<simdShll>2 <simdV>.8h, <simdVn>.16b, #<simdShLB>",
		"<simdShll>2 <simdV>.4s, <simdVn>.8h, #<simdShLH>",
		"<simdShll>2 <simdV>.2d, <simdVn>.4s, #<simdShLS>",
		"<simdXtl> <simdV>.8h, <simdVn>.8b",
		"<simdXtl> <simdV>.4s, <simdVn>.4h",
		"<simdXtl> <simdV>.2d, <simdVn>.2s",
		"<simdXtl>2 <simdV>.8h, <simdVn>.16b",
		"<simdXtl>2 <simdV>.4s, <simdVn>.8h",
		"<simdXtl>2 <simdV>.2d, <simdVn>.4s",
	)
	AddSet("simdShll", "sshll", "ushll")
	AddSet("simdXtl", "sxtl", "uxtl")

	// FMOV and the modified immediates.
	AddSet("simdFloat", "1.0", "-1.0", "0.125", "-0.125", "31.0", "-31.0", "2", "-2", "1.5", "0.1875", "15.5", "1.0e1", "3.0", "0.25")
	AddSet("simdFloatHexS", "0x3f800000", "0xc1f80000", "0x3e000000")
	AddSet("simdFloatHexD", "0x3ff0000000000000", "0xc03f000000000000", "0x3fc0000000000000")
	addRows("simd",
		"fmov <W>, <simdS>",
		"fmov <simdS>, <W>",
		"fmov <X>, <simdD>",
		"fmov <simdD>, <X>",
		"fmov <X>, <simdV>.d[1]",
		"fmov <simdV>.d[1], <X>",
		"fmov <simdS>, <simdSn>",
		"fmov <simdD>, <simdDn>",
		"fmov <simdS>, #<simdFloat>",
		"fmov <simdD>, #<simdFloat>",
		"fmov s5, #<simdFloatHexS>",
		"fmov d5, #<simdFloatHexD>",
		arrRow(simdArrFS, "fmov <simdV>.@T, #<simdFloat>"),
		"fmov v6.2s, #<simdFloatHexS>",
		"fmov v6.4s, #<simdFloatHexS>",
		"fmov v6.2d, #<simdFloatHexD>",
	)
	AddSet("simdImm8", "0", "1", "0x7f", "0xff", "-1", "-128", "0x5a")
	AddSet("simdLsl16", "lsl #0", "lsl #8")
	AddSet("simdLsl32", "lsl #0", "lsl #8", "lsl #16", "lsl #24")
	AddSet("simdMsl", "msl #8", "msl #16")
	AddSet("simdMvn", "movi", "mvni")
	AddSet("simdOrrBic", "orr", "bic")
	AddSet("simdImm64", "0", "0xff", "0xff00ff00ff00ff00", "0xffffffffffffffff", "0x00ffff0000ffff00", "0xff00000000000000", "-1")
	addRows("simd",
		arrRow(simdArrB, "movi <simdV>.@T, #<simdImm8>"),
		arrRow(simdArrB, "movi <simdV>.@T, #<simdImm8>, lsl #0"),
		arrRow(simdArrH, "<simdMvn> <simdV>.@T, #<simdImm8>"),
		arrRow(simdArrH, "<simdMvn> <simdV>.@T, #<simdImm8>, <simdLsl16>"),
		arrRow(simdArrS, "<simdMvn> <simdV>.@T, #<simdImm8>"),
		arrRow(simdArrS, "<simdMvn> <simdV>.@T, #<simdImm8>, <simdLsl32>"),
		arrRow(simdArrS, "<simdMvn> <simdV>.@T, #<simdImm8>, <simdMsl>"),
		arrRow(simdArrH, "<simdOrrBic> <simdV>.@T, #<simdImm8>"),
		arrRow(simdArrH, "<simdOrrBic> <simdV>.@T, #<simdImm8>, <simdLsl16>"),
		arrRow(simdArrS, "<simdOrrBic> <simdV>.@T, #<simdImm8>, <simdLsl32>"),
		"movi <simdV>.2d, #<simdImm64>",
		"movi <simdD>, #<simdImm64>",
	)

	// Spellings: immediates without '#', upper case.
	addRows("simd",
		"cmeq v0.4s, v1.4s, 0",
		"movi v0.4s, 1",
		"movi v0.4s, #1, lsl 8",
		"sshr v0.4s, v1.4s, 3",
		"ext v0.16b, v1.16b, v2.16b, 3",
		"fmov s0, 1.0",
		"FMOV V0.2D, #1.0",
		"ADD V0.4S, V1.4S, V2.4S",
	)
	addRows("simdstruct",
		"ld1 {v0.16b}, [x0], 16",
		"LD1 {V0.16B}, [X0]",
		"LD4R {V0.4S-V3.4S}, [SP]",
	)
	addRows("simdldst", "ldr Q0, [x0]", "STR D31, [SP, #8]")

	// Invalid: wrong arrangement for the op, lane out of range, list
	// length mismatch, range wrapping past v31, bad immediates.
	AddInvalid("simd",
		"add v0.1d, v1.1d, v2.1d",
		"add v0.4s, v1.4s, v2.8h",
		"smax v0.2d, v1.2d, v2.2d",
		"and v0.4s, v1.4s, v2.4s",
		"cnt v0.4h, v1.4h",
		"rev32 v0.4s, v1.4s",
		"rev16 v0.4h, v1.4h",
		"cls v0.2d, v1.2d",
		"smax d0, d1, d2",
		"addv s0, v1.2s",
		"addv d0, v1.2d",
		"saddlv b0, v1.8b",
		"uaddlv h0, v1.4h",
		"xtn v0.16b, v1.8h",
		"xtn2 v0.8b, v1.8h",
		"dup v0.4s, v1.s[4]",
		"dup v0.8b, v1.b[16]",
		"dup v0.2d, v1.d[2]",
		"dup v0.4s, v1.h[1]",
		"dup v0.1d, x1",
		"dup v0.2d, w1",
		"mov v0.h[8], w1",
		"ins v0.d[1], w1",
		"mov v0.s[1], v1.s[4]",
		"umov x0, v1.s[1]",
		"umov w0, v1.b[16]",
		"smov w0, v1.s[1]",
		"smov x0, v1.d[0]",
		"mov w0, v1.b[1]",
		"mov v0.4s, v1.4s",
		"ext v0.8b, v1.8b, v2.8b, #8",
		"ext v0.16b, v1.16b, v2.16b, #16",
		"tbl v0.16b, {v1.8b}, v2.16b",
		"tbl v0.16b, {v1.16b}, v2.8b",
		"sshr v0.4s, v1.4s, #0",
		"sshr v0.4s, v1.4s, #33",
		"shl v0.8b, v1.8b, #8",
		"shl d0, d1, #64",
		"sshr v0.1d, v1.1d, #1",
		"shrn v0.8b, v1.8h, #9",
		"shrn v0.2d, v1.2d, #1",
		"sshll v0.8h, v1.8b, #8",
		"sxtl v0.8h, v1.16b",
		"uxtl2 v0.8h, v1.8b",
		"fmov s0, #0.0",
		"fmov d0, #0.1",
		"fmov s0, #32.0",
		"fmov v0.4s, #0.0",
		"fmov v0.1d, #1.0",
		"fmov x0, v1.d[0]",
		"fmov w0, d1",
		"fmov s0, d1",
		"movi v0.4s, #0x100",
		"movi v0.8b, #1, lsl #8",
		"movi v0.4h, #1, lsl #16",
		"movi v0.4h, #1, msl #8",
		"movi v0.4s, #1, msl #24",
		"movi v0.2d, #0x1234",
		"mvni v0.8b, #1",
		"orr v0.8b, #1",
		"orr v0.4s, #1, msl #8",
		"bic v0.4h, #0x100",
		"cmle v0.4s, v1.4s, #1",
		"cmhi v0.4s, v1.4s, #0",
	)
	AddInvalid("simdldst",
		"ldr b0, =1",
		"ldr h0, label",
		"ldr q0, [x0, #-257]!",
		"ldr q0, [x0, #256]!",
		"ldr q0, [x0, x1, lsl #3]",
		"ldr s0, [x0, x1, lsl #3]",
		"ldr d0, [x0, #32768]",
		"ldur q0, [x0, #256]",
		"ldp q0, d1, [x0]",
		"ldp b0, b1, [x0]",
		"ldp h0, h1, [x0]",
		"ldp q0, q1, [x0, #8]",
		"ldp q0, q1, [x0, #1024]",
		"ldnp d0, d1, [x0], #8",
		"ldp s0, s1, [x0, #256]",
	)
	AddInvalid("simdstruct",
		"ld1 {v0.16b}, [x0], #8",
		"ld1 {v0.16b}, [x0], xzr",
		"ld1 {v0.16b, v1.16b}, [x0], #16",
		"ld2 {v0.16b}, [x0]",
		"ld2 {v0.16b, v1.16b, v2.16b}, [x0]",
		"ld3 {v0.4s, v1.4s}, [x0]",
		"ld4 {v0.4s-v2.4s}, [x0]",
		"ld2 {v0.1d, v1.1d}, [x0]",
		"st4 {v0.1d-v3.1d}, [x0]",
		"ld1 {v30.16b-v1.16b}, [x0]",
		"ld1 {v0.b}[16], [x0]",
		"ld1 {v0.h}[8], [x0]",
		"ld1 {v0.s}[4], [x0]",
		"ld1 {v0.d}[2], [x0]",
		"ld2 {v0.s}[1], [x0]",
		"ld1 {v0.s}[1], [x0], #8",
		"ld1 {v0.s, v1.s}[1], [x0]",
		"ld1r {v0.4s}, [x0], #8",
		"ld2r {v0.4s}, [x0]",
		"ld4r {v0.4s-v2.4s}, [x0]",
		"ld1 {v0.4s, v2.4s}, [x0]",
		"ld1 {v0.4s, v1.2s}, [x0]",
	)
}

// arrRow writes a template once per arrangement of arrs, "@T" standing for
// it: the operands of a vector op share one arrangement, which a set
// (expanded independently at each use) cannot say. addRows unpacks it.
func arrRow(arrs []string, template string) string {
	return "@@" + strings.Join(arrs, ",") + "|" + template
}

// addRows adds templates, unpacking those of arrRow.
func addRows(class string, templates ...string) {
	for _, t := range templates {
		rest, ok := strings.CutPrefix(t, "@@")
		if !ok {
			Add(class, t)
			continue
		}
		arrs, tmpl, _ := strings.Cut(rest, "|")
		for _, a := range strings.Split(arrs, ",") {
			Add(class, strings.ReplaceAll(tmpl, "@T", a))
		}
	}
}
