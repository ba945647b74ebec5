package arm64

import (
	"fmt"
	"math"
	mbits "math/bits"
)

// Data processing - scalar FP and Advanced SIMD (Arm ARM C4.1, "Data
// Processing -- Scalar Floating-Point and Advanced SIMD"): the
// subset that kernel and libc code uses to move and search data (memcpy,
// memset, strlen, memchr, strcmp, checksum and crypto glue): FMOV between
// register files, the modified-immediate moves, the vector logical,
// integer add/subtract and compare operations, the across-lanes and
// pairwise reductions, the element moves (DUP, INS, UMOV, SMOV), EXT, TBL,
// the permutes and the shifts by immediate.
//
// Not modelled, left without a row so that they decode as unallocated:
// floating-point arithmetic, conversion and comparison (FADD, FMUL, FCVT*,
// SCVTF, FCMP, ...), half-precision (FEAT_FP16) forms, the "three
// different" group (UADDL, UMULL, PMULL, ...), multiplies, saturating and
// rounding arithmetic, shifts by register, the scalar forms other than
// ADDP and DUP (element), and the cryptographic extensions.

// Ops of the scalar FP and Advanced SIMD class. Unless said otherwise, Rd,
// Rn and Rm are V register numbers 0..31, Sf is the Q bit (true: the
// 128-bit arrangement; false: 64 bits, and the upper half of Vd is written
// with zeros), and Size is the element size (0 B, 1 H, 2 S, 3 D). The
// scalar D forms of ADD, SUB, the compares, ABS, NEG and the shifts by
// immediate decode to the vector op with Size 3 and Sf false: one 64-bit
// lane, an arrangement (1D) the vector encodings reserve.
//
//	FMOVgen          FMOV (general). Imm 0: Vd <- Rn (general, ZR for 31);
//	                 Imm 1: Rd (general, ZR) <- Vn. Size 2 (W, S) or 3 (X, D);
//	                 Imm2 the 64-bit element of V (1 for "V.D[1]"); Sf the
//	                 general register is X.
//	FMOVreg          FMOV Sd/Dd, Sn/Dn; Size 2 or 3.
//	FMOVimm          FMOV Sd/Dd, #imm; Size 2 or 3; Imm the bits of the
//	                 value (VFPExpandImm); Imm2 the imm8 field.
//	MOVI, MVNI, ORRvecImm, BICvecImm, FMOVvecImm
//	                 Vd, #imm: Imm is the 64-bit pattern AdvSIMDExpandImm
//	                 gives for op:cmode:imm8, applied to each 64-bit half
//	                 (MVNI writes its inverse, ORR/BIC combine it with Vd).
//	                 Imm2 is op:cmode:imm8 itself (op<<12 | cmode<<8 |
//	                 imm8), the immediate as written: several encodings
//	                 expand to one pattern ("movi v0.4s, #0, lsl #8" and
//	                 "movi v0.4s, #0"; "msl #16" of 0 and "msl #8" of 0xff),
//	                 and the printer and Encode need the one it was.
//	                 ModImmPattern(Imm2) is Imm. Size is the element size
//	                 of the printed arrangement.
//	ANDvec..BIF      Vd, Vn, Vm (bitwise; Size 0).
//	ADDvec..ADDPvec  Vd, Vn, Vm, element-wise (the P forms pairwise over
//	                 Vn:Vm).
//	ADDPscalar       Dd = Vn.D[0] + Vn.D[1]; Size 3.
//	CMEQzero..CMLTzero, ABSvec..REV64vec
//	                 Vd, Vn, element-wise (NOTvec, RBITvec, CNTvec: Size 0).
//	XTN              Vd.Size <- Vn.(Size+1) narrowed; Sf: XTN2, which writes
//	                 the upper half of Vd and keeps the lower.
//	ADDV..UMINV      Vd (scalar, element Size) <- reduction of Vn; SADDLV and
//	                 UADDLV give an element of Size+1.
//	DUPelem          Vd.T <- Vn.Ts[Imm] in every lane.
//	DUPscalar        Vd (scalar of Size) <- Vn.Ts[Imm].
//	DUPgen           Vd.T <- Rn (general, ZR) in every lane.
//	INSgen           Vd.Ts[Imm] <- Rn (general, ZR); the rest of Vd kept.
//	INSelem          Vd.Ts[Imm] <- Vn.Ts[Imm2]; the rest of Vd kept.
//	UMOV, SMOV       Rd (general, ZR) <- Vn.Ts[Imm] zero/sign extended; Sf
//	                 the destination is X.
//	EXT              Vd <- bytes Imm.. of Vm:Vn (Size 0).
//	TBL, TBX         Vd <- table lookup of Vm's bytes in the Imm2 registers
//	                 Vn..Vn+Imm2-1 (mod 32); out of range: 0 (TBL) or Vd's
//	                 byte (TBX).
//	UZP1..TRN2       Vd, Vn, Vm permutes.
//	SSHR..SRI        Vd, Vn, #Imm (the shift amount).
//	SHRN             Vd.Size <- Vn.(Size+1) >> Imm narrowed; Sf: SHRN2 (as XTN2).
//	SSHLL, USHLL     Vd.(Size+1) <- Vn.Size << Imm widened; Sf: the "2" form,
//	                 which reads the upper half of Vn.
const (
	FMOVgen Op = Op(ClassSIMD)*opsPerClass + iota
	FMOVreg
	FMOVimm
	FMOVvecImm
	MOVI
	MVNI
	ORRvecImm
	BICvecImm
	ANDvec
	BICvecReg
	ORRvecReg
	ORNvec
	EORvec
	BSL
	BIT
	BIF
	ADDvec
	SUBvec
	CMEQreg
	CMTST
	CMGTreg
	CMGEreg
	CMHI
	CMHS
	SMAXvec
	SMINvec
	UMAXvec
	UMINvec
	SMAXP
	SMINP
	UMAXP
	UMINP
	ADDPvec
	ADDPscalar
	CMEQzero
	CMGTzero
	CMGEzero
	CMLEzero
	CMLTzero
	ABSvec
	NEGvec
	CNTvec
	NOTvec
	RBITvec
	CLSvec
	CLZvec
	REV16vec
	REV32vec
	REV64vec
	XTN
	ADDV
	SADDLV
	UADDLV
	SMAXV
	SMINV
	UMAXV
	UMINV
	DUPelem
	DUPscalar
	DUPgen
	INSgen
	INSelem
	SMOV
	UMOV
	EXT
	TBL
	TBX
	UZP1
	UZP2
	ZIP1
	ZIP2
	TRN1
	TRN2
	SSHR
	USHR
	SSRA
	USRA
	SHL
	SLI
	SRI
	SHRN
	SSHLL
	USHLL
)

// simdMnemonic is the GNU mnemonic of each op (before aliases).
var simdMnemonic = map[Op]string{
	FMOVgen: "fmov", FMOVreg: "fmov", FMOVimm: "fmov", FMOVvecImm: "fmov",
	MOVI: "movi", MVNI: "mvni", ORRvecImm: "orr", BICvecImm: "bic",
	ANDvec: "and", BICvecReg: "bic", ORRvecReg: "orr", ORNvec: "orn", EORvec: "eor",
	BSL: "bsl", BIT: "bit", BIF: "bif",
	ADDvec: "add", SUBvec: "sub", CMEQreg: "cmeq", CMTST: "cmtst", CMGTreg: "cmgt",
	CMGEreg: "cmge", CMHI: "cmhi", CMHS: "cmhs",
	SMAXvec: "smax", SMINvec: "smin", UMAXvec: "umax", UMINvec: "umin",
	SMAXP: "smaxp", SMINP: "sminp", UMAXP: "umaxp", UMINP: "uminp",
	ADDPvec: "addp", ADDPscalar: "addp",
	CMEQzero: "cmeq", CMGTzero: "cmgt", CMGEzero: "cmge", CMLEzero: "cmle", CMLTzero: "cmlt",
	ABSvec: "abs", NEGvec: "neg", CNTvec: "cnt", NOTvec: "mvn", RBITvec: "rbit",
	CLSvec: "cls", CLZvec: "clz", REV16vec: "rev16", REV32vec: "rev32", REV64vec: "rev64",
	XTN: "xtn", ADDV: "addv", SADDLV: "saddlv", UADDLV: "uaddlv",
	SMAXV: "smaxv", SMINV: "sminv", UMAXV: "umaxv", UMINV: "uminv",
	DUPelem: "dup", DUPscalar: "mov", DUPgen: "dup", INSgen: "mov", INSelem: "mov",
	SMOV: "smov", UMOV: "umov", EXT: "ext", TBL: "tbl", TBX: "tbx",
	UZP1: "uzp1", UZP2: "uzp2", ZIP1: "zip1", ZIP2: "zip2", TRN1: "trn1", TRN2: "trn2",
	SSHR: "sshr", USHR: "ushr", SSRA: "ssra", USRA: "usra", SHL: "shl", SLI: "sli",
	SRI: "sri", SHRN: "shrn", SSHLL: "sshll", USHLL: "ushll",
}

func init() {
	registerOps(ClassSIMD, []string{
		"FMOVgen", "FMOVreg", "FMOVimm", "FMOVvecImm",
		"MOVI", "MVNI", "ORRvecImm", "BICvecImm",
		"ANDvec", "BICvecReg", "ORRvecReg", "ORNvec", "EORvec", "BSL", "BIT", "BIF",
		"ADDvec", "SUBvec", "CMEQreg", "CMTST", "CMGTreg", "CMGEreg", "CMHI", "CMHS",
		"SMAXvec", "SMINvec", "UMAXvec", "UMINvec", "SMAXP", "SMINP", "UMAXP", "UMINP",
		"ADDPvec", "ADDPscalar",
		"CMEQzero", "CMGTzero", "CMGEzero", "CMLEzero", "CMLTzero", "ABSvec", "NEGvec",
		"CNTvec", "NOTvec", "RBITvec", "CLSvec", "CLZvec", "REV16vec", "REV32vec", "REV64vec",
		"XTN", "ADDV", "SADDLV", "UADDLV", "SMAXV", "SMINV", "UMAXV", "UMINV",
		"DUPelem", "DUPscalar", "DUPgen", "INSgen", "INSelem", "SMOV", "UMOV",
		"EXT", "TBL", "TBX", "UZP1", "UZP2", "ZIP1", "ZIP2", "TRN1", "TRN2",
		"SSHR", "USHR", "SSRA", "USRA", "SHL", "SLI", "SRI", "SHRN", "SSHLL", "USHLL",
	})
	registerEncodings(ClassSIMD, []encoding{
		// Conversion between floating-point and integer, rmode:opcode = FMOV.
		// FMOV <Wd>, <Sn>
		{0xfffffc00, 0x1e260000, FMOVgen, decodeFMOVgen},
		// FMOV <Sd>, <Wn>
		{0xfffffc00, 0x1e270000, FMOVgen, decodeFMOVgen},
		// FMOV <Xd>, <Dn>
		{0xfffffc00, 0x9e660000, FMOVgen, decodeFMOVgen},
		// FMOV <Dd>, <Xn>
		{0xfffffc00, 0x9e670000, FMOVgen, decodeFMOVgen},
		// FMOV <Xd>, <Vn>.D[1]
		{0xfffffc00, 0x9eae0000, FMOVgen, decodeFMOVgen},
		// FMOV <Vd>.D[1], <Xn>
		{0xfffffc00, 0x9eaf0000, FMOVgen, decodeFMOVgen},
		// FMOV <Sd>, <Sn> / FMOV <Dd>, <Dn> (ftype 00 or 01)
		{0xffbffc00, 0x1e204000, FMOVreg, decodeFMOVreg},
		// FMOV <Sd>, #<imm> / FMOV <Dd>, #<imm> (ftype 00 or 01, imm5 = 0)
		{0xffa01fe0, 0x1e201000, FMOVimm, decodeFMOVimm},

		// Advanced SIMD modified immediate: 0 Q op 0111100000 abc cmode o2 1
		// defgh Rd. o2 = 1 (the FP16 FMOV) has no row. Specific cmode
		// patterns first, then MOVI (op 0) and MVNI (op 1) take the rest.
		// ORR <Vd>.<T>, #<imm8>{, LSL #<amount>} (32-bit, cmode 0xx1)
		{0xbff89c00, 0x0f001400, ORRvecImm, decodeModImm},
		// ORR <Vd>.<T>, #<imm8>{, LSL #<amount>} (16-bit, cmode 10x1)
		{0xbff8dc00, 0x0f009400, ORRvecImm, decodeModImm},
		// BIC <Vd>.<T>, #<imm8>{, LSL #<amount>} (32-bit, cmode 0xx1)
		{0xbff89c00, 0x2f001400, BICvecImm, decodeModImm},
		// BIC <Vd>.<T>, #<imm8>{, LSL #<amount>} (16-bit, cmode 10x1)
		{0xbff8dc00, 0x2f009400, BICvecImm, decodeModImm},
		// FMOV <Vd>.<T>, #<imm> (single precision, op 0, cmode 1111)
		{0xbff8fc00, 0x0f00f400, FMOVvecImm, decodeModImm},
		// FMOV <Vd>.2D, #<imm> (double precision, Q 1, op 1, cmode 1111)
		{0xfff8fc00, 0x6f00f400, FMOVvecImm, decodeModImm},
		// MOVI <Dd>, #<imm> / MOVI <Vd>.2D, #<imm> (op 1, cmode 1110)
		{0xbff8fc00, 0x2f00e400, MOVI, decodeModImm},
		// MOVI <Vd>.<T>, #<imm8>{, LSL|MSL #<amount>} (op 0, other cmodes)
		{0xbff80c00, 0x0f000400, MOVI, decodeModImm},
		// MVNI <Vd>.<T>, #<imm8>{, LSL|MSL #<amount>} (op 1, other cmodes)
		{0xbff80c00, 0x2f000400, MVNI, decodeModImm},

		// Advanced SIMD three same: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd.
		// AND <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbfe0fc00, 0x0e201c00, ANDvec, decodeVecLogic},
		// BIC <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbfe0fc00, 0x0e601c00, BICvecReg, decodeVecLogic},
		// ORR <Vd>.<T>, <Vn>.<T>, <Vm>.<T> (MOV <Vd>.<T>, <Vn>.<T> when Rm = Rn)
		{0xbfe0fc00, 0x0ea01c00, ORRvecReg, decodeVecLogic},
		// ORN <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbfe0fc00, 0x0ee01c00, ORNvec, decodeVecLogic},
		// EOR <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbfe0fc00, 0x2e201c00, EORvec, decodeVecLogic},
		// BSL <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbfe0fc00, 0x2e601c00, BSL, decodeVecLogic},
		// BIT <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbfe0fc00, 0x2ea01c00, BIT, decodeVecLogic},
		// BIF <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbfe0fc00, 0x2ee01c00, BIF, decodeVecLogic},
		// ADD <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e208400, ADDvec, vecDecoder(3, true)},
		// SUB <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e208400, SUBvec, vecDecoder(3, true)},
		// CMTST <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e208c00, CMTST, vecDecoder(3, true)},
		// CMEQ <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e208c00, CMEQreg, vecDecoder(3, true)},
		// CMGT <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e203400, CMGTreg, vecDecoder(3, true)},
		// CMHI <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e203400, CMHI, vecDecoder(3, true)},
		// CMGE <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e203c00, CMGEreg, vecDecoder(3, true)},
		// CMHS <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e203c00, CMHS, vecDecoder(3, true)},
		// SMAX <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e206400, SMAXvec, vecDecoder(2, true)},
		// UMAX <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e206400, UMAXvec, vecDecoder(2, true)},
		// SMIN <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e206c00, SMINvec, vecDecoder(2, true)},
		// UMIN <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e206c00, UMINvec, vecDecoder(2, true)},
		// SMAXP <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e20a400, SMAXP, vecDecoder(2, true)},
		// UMAXP <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e20a400, UMAXP, vecDecoder(2, true)},
		// SMINP <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e20ac00, SMINP, vecDecoder(2, true)},
		// UMINP <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x2e20ac00, UMINP, vecDecoder(2, true)},
		// ADDP <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e20bc00, ADDPvec, vecDecoder(3, true)},

		// Advanced SIMD scalar pairwise: ADDP <V><d>, <Vn>.<T> (size 11 only)
		{0xff3ffc00, 0x5e31b800, ADDPscalar, decodeADDPscalar},

		// Advanced SIMD two-register miscellaneous: 0 Q U 01110 size 10000
		// opcode 10 Rn Rd.
		// REV64 <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x0e200800, REV64vec, vecDecoder(2, false)},
		// REV32 <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x2e200800, REV32vec, vecDecoder(1, false)},
		// REV16 <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x0e201800, REV16vec, vecDecoder(0, false)},
		// CLS <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x0e204800, CLSvec, vecDecoder(2, false)},
		// CLZ <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x2e204800, CLZvec, vecDecoder(2, false)},
		// CNT <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x0e205800, CNTvec, vecDecoder(0, false)},
		// NOT <Vd>.<T>, <Vn>.<T> (printed as MVN)
		{0xbffffc00, 0x2e205800, NOTvec, vecDecoder(0, false)},
		// RBIT <Vd>.<T>, <Vn>.<T> (size 01)
		{0xbffffc00, 0x2e605800, RBITvec, decodeRBITvec},
		// CMGT <Vd>.<T>, <Vn>.<T>, #0
		{0xbf3ffc00, 0x0e208800, CMGTzero, vecDecoder(3, false)},
		// CMGE <Vd>.<T>, <Vn>.<T>, #0
		{0xbf3ffc00, 0x2e208800, CMGEzero, vecDecoder(3, false)},
		// CMEQ <Vd>.<T>, <Vn>.<T>, #0
		{0xbf3ffc00, 0x0e209800, CMEQzero, vecDecoder(3, false)},
		// CMLE <Vd>.<T>, <Vn>.<T>, #0
		{0xbf3ffc00, 0x2e209800, CMLEzero, vecDecoder(3, false)},
		// CMLT <Vd>.<T>, <Vn>.<T>, #0
		{0xbf3ffc00, 0x0e20a800, CMLTzero, vecDecoder(3, false)},
		// ABS <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x0e20b800, ABSvec, vecDecoder(3, false)},
		// NEG <Vd>.<T>, <Vn>.<T>
		{0xbf3ffc00, 0x2e20b800, NEGvec, vecDecoder(3, false)},
		// XTN{2} <Vd>.<Tb>, <Vn>.<Ta>
		{0xbf3ffc00, 0x0e212800, XTN, decodeNarrow},

		// Advanced SIMD across lanes: 0 Q U 01110 size 11000 opcode 10 Rn Rd.
		// SADDLV <V><d>, <Vn>.<T>
		{0xbf3ffc00, 0x0e303800, SADDLV, decodeAcross},
		// UADDLV <V><d>, <Vn>.<T>
		{0xbf3ffc00, 0x2e303800, UADDLV, decodeAcross},
		// SMAXV <V><d>, <Vn>.<T>
		{0xbf3ffc00, 0x0e30a800, SMAXV, decodeAcross},
		// UMAXV <V><d>, <Vn>.<T>
		{0xbf3ffc00, 0x2e30a800, UMAXV, decodeAcross},
		// SMINV <V><d>, <Vn>.<T>
		{0xbf3ffc00, 0x0e31a800, SMINV, decodeAcross},
		// UMINV <V><d>, <Vn>.<T>
		{0xbf3ffc00, 0x2e31a800, UMINV, decodeAcross},
		// ADDV <V><d>, <Vn>.<T>
		{0xbf3ffc00, 0x0e31b800, ADDV, decodeAcross},

		// Advanced SIMD copy: 0 Q op 01110000 imm5 0 imm4 1 Rn Rd.
		// DUP <Vd>.<T>, <Vn>.<Ts>[<index>]
		{0xbfe0fc00, 0x0e000400, DUPelem, decodeCopy},
		// DUP <Vd>.<T>, <R><n>
		{0xbfe0fc00, 0x0e000c00, DUPgen, decodeCopy},
		// SMOV <Wd>|<Xd>, <Vn>.<Ts>[<index>]
		{0xbfe0fc00, 0x0e002c00, SMOV, decodeCopy},
		// UMOV <Wd>|<Xd>, <Vn>.<Ts>[<index>]
		{0xbfe0fc00, 0x0e003c00, UMOV, decodeCopy},
		// INS <Vd>.<Ts>[<index>], <R><n>
		{0xffe0fc00, 0x4e001c00, INSgen, decodeCopy},
		// INS <Vd>.<Ts>[<index1>], <Vn>.<Ts>[<index2>]
		{0xffe08400, 0x6e000400, INSelem, decodeCopy},
		// Advanced SIMD scalar copy: DUP <V><d>, <Vn>.<T>[<index>]
		{0xffe0fc00, 0x5e000400, DUPscalar, decodeCopy},

		// EXT <Vd>.<T>, <Vn>.<T>, <Vm>.<T>, #<index>
		{0xbfe08400, 0x2e000000, EXT, decodeEXT},
		// TBL <Vd>.<Ta>, { <Vn>.16B, ... }, <Vm>.<Ta>
		{0xbfe09c00, 0x0e000000, TBL, decodeTable},
		// TBX <Vd>.<Ta>, { <Vn>.16B, ... }, <Vm>.<Ta>
		{0xbfe09c00, 0x0e001000, TBX, decodeTable},

		// Advanced SIMD permute: 0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd.
		// UZP1 <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e001800, UZP1, vecDecoder(3, true)},
		// TRN1 <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e002800, TRN1, vecDecoder(3, true)},
		// ZIP1 <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e003800, ZIP1, vecDecoder(3, true)},
		// UZP2 <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e005800, UZP2, vecDecoder(3, true)},
		// TRN2 <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e006800, TRN2, vecDecoder(3, true)},
		// ZIP2 <Vd>.<T>, <Vn>.<T>, <Vm>.<T>
		{0xbf20fc00, 0x0e007800, ZIP2, vecDecoder(3, true)},

		// Advanced SIMD scalar three same, two-register miscellaneous and
		// shift by immediate: the D forms of the vector ops above, decoded
		// to the same ops as a single 64-bit lane (Size 3, Sf false).
		// ADD <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x5e208400, ADDvec, scalarDecoder(true)},
		// SUB <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x7e208400, SUBvec, scalarDecoder(true)},
		// CMTST <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x5e208c00, CMTST, scalarDecoder(true)},
		// CMEQ <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x7e208c00, CMEQreg, scalarDecoder(true)},
		// CMGT <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x5e203400, CMGTreg, scalarDecoder(true)},
		// CMHI <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x7e203400, CMHI, scalarDecoder(true)},
		// CMGE <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x5e203c00, CMGEreg, scalarDecoder(true)},
		// CMHS <V><d>, <V><n>, <V><m>
		{0xff20fc00, 0x7e203c00, CMHS, scalarDecoder(true)},
		// CMGT <V><d>, <V><n>, #0
		{0xff3ffc00, 0x5e208800, CMGTzero, scalarDecoder(false)},
		// CMGE <V><d>, <V><n>, #0
		{0xff3ffc00, 0x7e208800, CMGEzero, scalarDecoder(false)},
		// CMEQ <V><d>, <V><n>, #0
		{0xff3ffc00, 0x5e209800, CMEQzero, scalarDecoder(false)},
		// CMLE <V><d>, <V><n>, #0
		{0xff3ffc00, 0x7e209800, CMLEzero, scalarDecoder(false)},
		// CMLT <V><d>, <V><n>, #0
		{0xff3ffc00, 0x5e20a800, CMLTzero, scalarDecoder(false)},
		// ABS <V><d>, <V><n>
		{0xff3ffc00, 0x5e20b800, ABSvec, scalarDecoder(false)},
		// NEG <V><d>, <V><n>
		{0xff3ffc00, 0x7e20b800, NEGvec, scalarDecoder(false)},
		// SSHR <V><d>, <V><n>, #<shift>
		{0xff80fc00, 0x5f000400, SSHR, decodeShiftImm},
		// USHR <V><d>, <V><n>, #<shift>
		{0xff80fc00, 0x7f000400, USHR, decodeShiftImm},
		// SSRA <V><d>, <V><n>, #<shift>
		{0xff80fc00, 0x5f001400, SSRA, decodeShiftImm},
		// USRA <V><d>, <V><n>, #<shift>
		{0xff80fc00, 0x7f001400, USRA, decodeShiftImm},
		// SRI <V><d>, <V><n>, #<shift>
		{0xff80fc00, 0x7f004400, SRI, decodeShiftImm},
		// SHL <V><d>, <V><n>, #<shift>
		{0xff80fc00, 0x5f005400, SHL, decodeShiftImm},
		// SLI <V><d>, <V><n>, #<shift>
		{0xff80fc00, 0x7f005400, SLI, decodeShiftImm},

		// Advanced SIMD shift by immediate: 0 Q U 011110 immh immb opcode 1
		// Rn Rd, immh != 0 (immh = 0 is the modified immediate group above).
		// SSHR <Vd>.<T>, <Vn>.<T>, #<shift>
		{0xbf80fc00, 0x0f000400, SSHR, decodeShiftImm},
		// USHR <Vd>.<T>, <Vn>.<T>, #<shift>
		{0xbf80fc00, 0x2f000400, USHR, decodeShiftImm},
		// SSRA <Vd>.<T>, <Vn>.<T>, #<shift>
		{0xbf80fc00, 0x0f001400, SSRA, decodeShiftImm},
		// USRA <Vd>.<T>, <Vn>.<T>, #<shift>
		{0xbf80fc00, 0x2f001400, USRA, decodeShiftImm},
		// SRI <Vd>.<T>, <Vn>.<T>, #<shift>
		{0xbf80fc00, 0x2f004400, SRI, decodeShiftImm},
		// SHL <Vd>.<T>, <Vn>.<T>, #<shift>
		{0xbf80fc00, 0x0f005400, SHL, decodeShiftImm},
		// SLI <Vd>.<T>, <Vn>.<T>, #<shift>
		{0xbf80fc00, 0x2f005400, SLI, decodeShiftImm},
		// SHRN{2} <Vd>.<Tb>, <Vn>.<Ta>, #<shift>
		{0xbf80fc00, 0x0f008400, SHRN, decodeShiftImm},
		// SSHLL{2} <Vd>.<Ta>, <Vn>.<Tb>, #<shift> (SXTL{2} when shift is 0)
		{0xbf80fc00, 0x0f00a400, SSHLL, decodeShiftImm},
		// USHLL{2} <Vd>.<Ta>, <Vn>.<Tb>, #<shift> (UXTL{2} when shift is 0)
		{0xbf80fc00, 0x2f00a400, USHLL, decodeShiftImm},
	})

	for op := FMOVgen; op <= USHLL; op++ {
		registerPrinter(op, printSIMD)
	}
}

// vreg is a V register operand from a 5-bit field.
func vreg(n uint8) Reg { return Reg(n & 31) }

// vecDecoder returns the decoder of a vector op with Rd, Rn (and Rm when
// three) whose size field (bits 23:22) may be at most maxSize; the 1D
// arrangement (size 11 with Q = 0) is always reserved.
func vecDecoder(maxSize uint8, three bool) func(w uint32, in *Inst) error {
	return func(w uint32, in *Inst) error {
		size, q := uint8(bits(w, 23, 22)), bit(w, 30)
		if size > maxSize || size == 3 && !q {
			return unallocated("arrangement size %d Q %v", size, q)
		}
		in.Rd, in.Rn, in.Size, in.Sf = vreg(rd(w)), vreg(rn(w)), size, q
		if three {
			in.Rm = vreg(rm(w))
		}
		return nil
	}
}

// scalarDecoder returns the decoder of the scalar D form of a vector op:
// size must be 11, and the op runs as one 64-bit lane (Size 3, Sf false,
// the 1D arrangement the vector encodings reserve).
func scalarDecoder(three bool) func(w uint32, in *Inst) error {
	return func(w uint32, in *Inst) error {
		if bits(w, 23, 22) != 3 {
			return unallocated("scalar %v with size %d", in.Op, bits(w, 23, 22))
		}
		in.Rd, in.Rn, in.Size = vreg(rd(w)), vreg(rn(w)), 3
		if three {
			in.Rm = vreg(rm(w))
		}
		return nil
	}
}

// isScalar reports whether in is the scalar D form of a vector op: Size 3
// without Sf, the 1D arrangement that the vector encodings reserve (see the
// op comment). The ops that print such an Inst otherwise (FMOV, MOVI of a
// D register, ADDP and DUP (scalar), INS, UMOV) have their own cases.
func isScalar(in *Inst) bool { return in.Size == 3 && !in.Sf }

// decodeVecLogic: the bitwise three-same ops, whose size field is part of
// the opcode.
func decodeVecLogic(w uint32, in *Inst) error {
	in.Rd, in.Rn, in.Rm, in.Sf = vreg(rd(w)), vreg(rn(w)), vreg(rm(w)), bit(w, 30)
	return nil
}

func decodeRBITvec(w uint32, in *Inst) error {
	in.Rd, in.Rn, in.Sf = vreg(rd(w)), vreg(rn(w)), bit(w, 30)
	return nil
}

// decodeNarrow: XTN{2}: size is the narrow element, 11 reserved.
func decodeNarrow(w uint32, in *Inst) error {
	size := uint8(bits(w, 23, 22))
	if size == 3 {
		return unallocated("XTN with size 11")
	}
	in.Rd, in.Rn, in.Size, in.Sf = vreg(rd(w)), vreg(rn(w)), size, bit(w, 30)
	return nil
}

// decodeAcross: the across-lanes reductions: size 11 is reserved, and
// size 10 only exists as 4S.
func decodeAcross(w uint32, in *Inst) error {
	size, q := uint8(bits(w, 23, 22)), bit(w, 30)
	if size == 3 || size == 2 && !q {
		return unallocated("across lanes with size %d Q %v", size, q)
	}
	in.Rd, in.Rn, in.Size, in.Sf = vreg(rd(w)), vreg(rn(w)), size, q
	return nil
}

func decodeADDPscalar(w uint32, in *Inst) error {
	if bits(w, 23, 22) != 3 {
		return unallocated("ADDP (scalar) with size %d", bits(w, 23, 22))
	}
	in.Rd, in.Rn, in.Size = vreg(rd(w)), vreg(rn(w)), 3
	return nil
}

// decodeCopy: DUP, INS, UMOV, SMOV. The lowest set bit of imm5 is the
// element size, the bits above it the index (Arm ARM C7.2, "DUP
// (element)"); imm5 = x0000 is reserved.
func decodeCopy(w uint32, in *Inst) error {
	imm5 := bits(w, 20, 16)
	if imm5&0xf == 0 {
		return unallocated("copy with imm5 %05b", imm5)
	}
	size := uint8(mbits.TrailingZeros32(imm5))
	q := bit(w, 30)
	in.Size, in.Sf = size, q
	in.Imm = int64(imm5 >> (size + 1))
	switch in.Op {
	case DUPelem:
		if size == 3 && !q {
			return unallocated("DUP (element) with arrangement 1D")
		}
		in.Rd, in.Rn = vreg(rd(w)), vreg(rn(w))
	case DUPscalar:
		in.Rd, in.Rn, in.Sf = vreg(rd(w)), vreg(rn(w)), false
	case DUPgen:
		if size == 3 && !q {
			return unallocated("DUP (general) with arrangement 1D")
		}
		in.Rd, in.Rn, in.Imm = vreg(rd(w)), zr(rn(w)), 0
	case INSgen:
		in.Rd, in.Rn, in.Sf = vreg(rd(w)), zr(rn(w)), false
	case INSelem:
		in.Rd, in.Rn, in.Sf = vreg(rd(w)), vreg(rn(w)), false
		in.Imm2 = int64(bits(w, 14, 11) >> size)
	case SMOV:
		// 32-bit destination for B and H, 64-bit for B, H and S.
		if size > 2 || size == 2 && !q {
			return unallocated("SMOV with element size %d Q %v", size, q)
		}
		in.Rd, in.Rn = zr(rd(w)), vreg(rn(w))
	case UMOV:
		// W destination for B, H, S; X destination for D only.
		if q != (size == 3) {
			return unallocated("UMOV with element size %d Q %v", size, q)
		}
		in.Rd, in.Rn = zr(rd(w)), vreg(rn(w))
	}
	return nil
}

// decodeEXT: the byte index must fit the arrangement (imm4<3> = 0 for 8B).
func decodeEXT(w uint32, in *Inst) error {
	q, imm4 := bit(w, 30), bits(w, 14, 11)
	if !q && imm4&8 != 0 {
		return unallocated("EXT 8B with index %d", imm4)
	}
	in.Rd, in.Rn, in.Rm, in.Sf = vreg(rd(w)), vreg(rn(w)), vreg(rm(w)), q
	in.Imm = int64(imm4)
	return nil
}

// decodeTable: TBL/TBX, len+1 table registers.
func decodeTable(w uint32, in *Inst) error {
	in.Rd, in.Rn, in.Rm, in.Sf = vreg(rd(w)), vreg(rn(w)), vreg(rm(w)), bit(w, 30)
	in.Imm2 = int64(bits(w, 14, 13)) + 1
	return nil
}

// decodeShiftImm: the element size is the position of the highest set bit
// of immh; right shifts are 2*esize - immh:immb (1..esize), left shifts
// immh:immb - esize (0..esize-1). The narrowing and lengthening forms have
// no D source (immh = 1xxx) and the others no 1D arrangement.
func decodeShiftImm(w uint32, in *Inst) error {
	immh := bits(w, 22, 19)
	if immh == 0 {
		return unallocated("shift by immediate with immh 0")
	}
	size := uint8(31 - mbits.LeadingZeros32(immh))
	immhb := int64(bits(w, 22, 16))
	esize := int64(8) << size
	q := bit(w, 30)
	switch {
	case bit(w, 28):
		// Scalar: only the D form (immh = 1xxx) is allocated.
		if size != 3 {
			return unallocated("scalar %v with immh %04b", in.Op, immh)
		}
		q = false
	case in.Op == SHRN || in.Op == SSHLL || in.Op == USHLL:
		if size == 3 {
			return unallocated("%v with immh 1xxx", in.Op)
		}
	case size == 3 && !q:
		return unallocated("%v with arrangement 1D", in.Op)
	}
	switch in.Op {
	case SHL, SLI, SSHLL, USHLL:
		in.Imm = immhb - esize
	default:
		in.Imm = 2*esize - immhb
	}
	in.Rd, in.Rn, in.Size, in.Sf = vreg(rd(w)), vreg(rn(w)), size, q
	return nil
}

// decodeFMOVgen: the six FMOV (general) rows; opcode<0> (bit 16) is the
// direction, sf the general register width, rmode 01 the V.D[1] forms.
func decodeFMOVgen(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Size = 2
	if in.Sf {
		in.Size = 3
	}
	if bit(w, 19) {
		in.Imm2 = 1
	}
	if bit(w, 16) {
		in.Rd, in.Rn, in.Imm = vreg(rd(w)), zr(rn(w)), 0
	} else {
		in.Rd, in.Rn, in.Imm = zr(rd(w)), vreg(rn(w)), 1
	}
	return nil
}

func decodeFMOVreg(w uint32, in *Inst) error {
	in.Rd, in.Rn, in.Size = vreg(rd(w)), vreg(rn(w)), 2+uint8(bits(w, 22, 22))
	return nil
}

func decodeFMOVimm(w uint32, in *Inst) error {
	imm8 := bits(w, 20, 13)
	in.Rd, in.Size = vreg(rd(w)), 2+uint8(bits(w, 22, 22))
	in.Imm = int64(vfpExpandImm(imm8, in.Size))
	in.Imm2 = int64(imm8)
	return nil
}

// vfpExpandImm is the manual's VFPExpandImm: imm8 = a:b:cdefgh becomes
// sign a, exponent NOT(b):Replicate(b):cd, fraction efgh:Zeros, for a
// single (size 2) or double (size 3) precision value.
func vfpExpandImm(imm8 uint32, size uint8) uint64 {
	a, b, rest := uint64(imm8>>7)&1, uint64(imm8>>6)&1, uint64(imm8)&0x3f
	if size == 2 {
		exp := (b^1)<<7 | b*0b11111<<2 | rest>>4
		return a<<31 | exp<<23 | (rest&0xf)<<19
	}
	exp := (b^1)<<10 | b*0xff<<2 | rest>>4
	return a<<63 | exp<<52 | (rest&0xf)<<48
}

// advSIMDExpandImm is the manual's AdvSIMDExpandImm: the 64-bit pattern
// op:cmode:imm8 stands for.
func advSIMDExpandImm(op bool, cmode uint32, imm8 uint64) uint64 {
	rep32 := func(v uint64) uint64 { return v<<32 | v }
	rep16 := func(v uint64) uint64 { return rep32(v<<16 | v) }
	switch cmode >> 1 {
	case 0, 1, 2, 3:
		return rep32(imm8 << (8 * (cmode >> 1)))
	case 4, 5:
		return rep16(imm8 << (8 * (cmode >> 1 & 1)))
	case 6:
		if cmode&1 == 0 {
			return rep32(imm8<<8 | 0xff)
		}
		return rep32(imm8<<16 | 0xffff)
	}
	switch {
	case cmode&1 == 0 && !op:
		return imm8 * 0x0101010101010101
	case cmode&1 == 0:
		var v uint64
		for i := range 8 {
			if imm8>>i&1 != 0 {
				v |= 0xff << (8 * i)
			}
		}
		return v
	case !op:
		return rep32(vfpExpandImm(uint32(imm8), 2))
	}
	return vfpExpandImm(uint32(imm8), 3)
}

// ModImmPattern returns the 64-bit pattern (the Imm of MOVI, MVNI,
// ORRvecImm, BICvecImm and FMOVvecImm) that a modified immediate
// op:cmode:imm8 (their Imm2: op<<12 | cmode<<8 | imm8) stands for: the
// manual's AdvSIMDExpandImm. Bits of imm2 above bit 12 are ignored.
func ModImmPattern(imm2 int64) uint64 {
	return advSIMDExpandImm(imm2>>12&1 != 0, uint32(imm2>>8)&15, uint64(imm2)&0xff)
}

// decodeModImm: the modified-immediate moves. Imm2 keeps op:cmode:imm8
// and Imm its expansion. Size records the element size of the arrangement
// for the printer: B for the 8-bit MOVI, H for the 16-bit forms, S for the
// 32-bit and single FMOV, D for the 64-bit MOVI and double FMOV.
func decodeModImm(w uint32, in *Inst) error {
	op, cmode := bit(w, 29), bits(w, 15, 12)
	imm8 := bits(w, 18, 16)<<5 | bits(w, 9, 5)
	switch {
	case cmode == 0b1111 && op && !bit(w, 30):
		return unallocated("FMOV (vector, immediate) double with Q 0")
	case cmode == 0b1110 && op, cmode == 0b1111 && op:
		in.Size = 3
	case cmode == 0b1110:
		in.Size = 0
	case cmode>>2 == 0b10:
		in.Size = 1
	default:
		in.Size = 2
	}
	in.Rd, in.Sf = vreg(rd(w)), bit(w, 30)
	in.Imm2 = int64(bits(w, 29, 29)<<12 | cmode<<8 | imm8)
	in.Imm = int64(ModImmPattern(in.Imm2))
	return nil
}

// Printers: every op of the class has its own, as objdump writes it
// (arm64asm separates the mnemonic with a space, not a tab).

func vecReg(r Reg, size uint8, q bool) string {
	return fmt.Sprintf("v%d.%s", r&31, vecArrangement(size, q))
}

func vecElem(r Reg, size uint8, index int64) string {
	return fmt.Sprintf("v%d.%c[%d]", r&31, "bhsd"[size&3], index)
}

func printSIMD(in *Inst) string {
	m := simdMnemonic[in.Op]
	d, n, mm := vecReg(in.Rd, in.Size, in.Sf), vecReg(in.Rn, in.Size, in.Sf), vecReg(in.Rm, in.Size, in.Sf)
	if isScalar(in) {
		// The scalar D forms of vector ops (ADDPscalar, DUPscalar have
		// their own cases below).
		d, n, mm = fpReg(3, in.Rd), fpReg(3, in.Rn), fpReg(3, in.Rm)
	}
	switch in.Op {
	case FMOVgen:
		v := fpReg(in.Size, in.Rd)
		if in.Imm == 1 {
			v = fpReg(in.Size, in.Rn)
		}
		if in.Imm2 == 1 {
			v = fmt.Sprintf("v%d.d[1]", in.Rd&31)
			if in.Imm == 1 {
				v = fmt.Sprintf("v%d.d[1]", in.Rn&31)
			}
		}
		if in.Imm == 1 {
			return m + "\t" + in.Rd.GNU(in.Sf) + ", " + v
		}
		return m + "\t" + v + ", " + in.Rn.GNU(in.Sf)
	case FMOVreg:
		return m + "\t" + fpReg(in.Size, in.Rd) + ", " + fpReg(in.Size, in.Rn)
	case FMOVimm:
		return m + "\t" + fpReg(in.Size, in.Rd) + ", " + fpImmString(uint64(in.Imm), in.Size)
	case FMOVvecImm:
		return m + "\t" + d + ", " + fpImmString(uint64(in.Imm), in.Size)
	case MOVI, MVNI, ORRvecImm, BICvecImm:
		return printModImm(in, m, d)
	case ANDvec, BICvecReg, ORRvecReg, ORNvec, EORvec, BSL, BIT, BIF, EXT:
		d, n, mm = vecReg(in.Rd, 0, in.Sf), vecReg(in.Rn, 0, in.Sf), vecReg(in.Rm, 0, in.Sf)
		switch {
		case in.Op == ORRvecReg && in.Rn == in.Rm:
			return "mov\t" + d + ", " + n
		case in.Op == EXT:
			return fmt.Sprintf("%s\t%s, %s, %s, #%d", m, d, n, mm, in.Imm)
		}
		return m + "\t" + d + ", " + n + ", " + mm
	case ADDPscalar:
		return m + "\t" + fpReg(3, in.Rd) + ", " + vecReg(in.Rn, 3, true)
	case CMEQzero, CMGTzero, CMGEzero, CMLEzero, CMLTzero:
		return m + "\t" + d + ", " + n + ", #0"
	case ABSvec, NEGvec, CNTvec, NOTvec, CLSvec, CLZvec, REV16vec, REV32vec, REV64vec:
		return m + "\t" + d + ", " + n
	case RBITvec:
		return m + "\t" + vecReg(in.Rd, 0, in.Sf) + ", " + vecReg(in.Rn, 0, in.Sf)
	case XTN:
		if in.Sf {
			m += "2"
		}
		return m + "\t" + d + ", " + vecReg(in.Rn, in.Size+1, true)
	case ADDV, SMAXV, SMINV, UMAXV, UMINV:
		return m + "\t" + fpReg(in.Size, in.Rd) + ", " + n
	case SADDLV, UADDLV:
		return m + "\t" + fpReg(in.Size+1, in.Rd) + ", " + n
	case DUPelem:
		return m + "\t" + d + ", " + vecElem(in.Rn, in.Size, in.Imm)
	case DUPscalar:
		return m + "\t" + fpReg(in.Size, in.Rd) + ", " + vecElem(in.Rn, in.Size, in.Imm)
	case DUPgen:
		return m + "\t" + d + ", " + in.Rn.GNU(in.Size == 3)
	case INSgen:
		return m + "\t" + vecElem(in.Rd, in.Size, in.Imm) + ", " + in.Rn.GNU(in.Size == 3)
	case INSelem:
		return m + "\t" + vecElem(in.Rd, in.Size, in.Imm) + ", " + vecElem(in.Rn, in.Size, in.Imm2)
	case UMOV, SMOV:
		if in.Op == UMOV && in.Size >= 2 {
			m = "mov"
		}
		return m + "\t" + in.Rd.GNU(in.Sf) + ", " + vecElem(in.Rn, in.Size, in.Imm)
	case TBL, TBX:
		return m + "\t" + vecReg(in.Rd, 0, in.Sf) + ", " + vecList(in.Rn, int(in.Imm2), "16b") + ", " +
			vecReg(in.Rm, 0, in.Sf)
	case SSHR, USHR, SSRA, USRA, SHL, SLI, SRI:
		return fmt.Sprintf("%s\t%s, %s, #%d", m, d, n, in.Imm)
	case SHRN:
		if in.Sf {
			m += "2"
		}
		return fmt.Sprintf("%s\t%s, %s, #%d", m, d, vecReg(in.Rn, in.Size+1, true), in.Imm)
	case SSHLL, USHLL:
		wide := vecReg(in.Rd, in.Size+1, true)
		suffix := ""
		if in.Sf {
			suffix = "2"
		}
		if in.Imm == 0 {
			return fmt.Sprintf("%cxtl%s\t%s, %s", m[0], suffix, wide, n)
		}
		return fmt.Sprintf("%s%s\t%s, %s, #%d", m, suffix, wide, n, in.Imm)
	}
	return m + "\t" + d + ", " + n + ", " + mm
}

// fpImmString writes an FMOV immediate as objdump does ("%.18e").
func fpImmString(v uint64, size uint8) string {
	f := math.Float64frombits(v)
	if size == 2 {
		f = float64(math.Float32frombits(uint32(v)))
	}
	return fmt.Sprintf("#%.18e", f)
}

// printModImm writes MOVI, MVNI, ORR and BIC (vector, immediate) with the
// imm8 and its shift as the encoding (Imm2: op:cmode:imm8) has them (LSL
// for the shifted forms, MSL for the shifting-ones forms, the whole 64-bit
// pattern for the 64-bit MOVI).
func printModImm(in *Inst, m, d string) string {
	cmode := uint32(in.Imm2>>8) & 15
	imm8 := uint32(in.Imm2) & 0xff
	switch {
	case in.Op == MOVI && in.Size == 3:
		if !in.Sf {
			d = fpReg(3, in.Rd)
		}
		return fmt.Sprintf("%s\t%s, #%#x", m, d, uint64(in.Imm))
	case cmode == 0b1110:
		return fmt.Sprintf("%s\t%s, #%#x", m, d, imm8)
	case cmode>>1 == 0b110:
		return fmt.Sprintf("%s\t%s, #%#x, msl #%d", m, d, imm8, 8<<(cmode&1))
	}
	shift := 8 * (cmode >> 1 & 3)
	if cmode>>2 == 0b10 {
		shift = 8 * (cmode >> 1 & 1)
	}
	if shift == 0 {
		return fmt.Sprintf("%s\t%s, #%#x", m, d, imm8)
	}
	return fmt.Sprintf("%s\t%s, #%#x, lsl #%d", m, d, imm8, shift)
}
