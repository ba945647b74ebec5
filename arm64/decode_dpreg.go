package arm64

import (
	"fmt"
	"strings"
)

// Data processing - register (Arm ARM C4.1, "Data Processing -- Register"):
// logical and add/subtract with a shifted or extended register, add/subtract
// with carry, conditional compare and select, the 1-, 2- and 3-source
// operations.
//
// The PAC 1-source forms (PACIA..XPACD, opcode2=00001) and PACGA are in
// decode_pac.go. Not modelled, left without a row so that they decode as
// unallocated: the FEAT_MTE forms (IRG, GMI, SUBP, SUBPS), the FEAT_FlagM
// flag manipulations (RMIF, SETF8, SETF16), the FEAT_CSSC forms (ABS, CNT,
// CTZ, SMAX, SMIN, UMAX, UMIN) and the FEAT_CPA forms (ADDPT, SUBPT,
// MADDPT, MSUBPT).

// Ops of the data processing (register) class. Unless said otherwise every
// register operand is ZR-capable, and Sf selects W or X registers.
//
//	ANDshift..BICSshift  Rd, Rn, Rm, Shift, Amount
//	ADDshift..SUBSshift  Rd, Rn, Rm, Shift (not ROR), Amount
//	ADDext..SUBSext      Rd (SP for ADD/SUB, ZR for ADDS/SUBS), Rn (SP),
//	                     Rm, Ext, Amount (0..4, the left shift)
//	ADC..SBCS            Rd, Rn, Rm
//	CCMNreg, CCMPreg     Rn, Rm, Cond, Imm2 (nzcv)
//	CCMNimm, CCMPimm     Rn, Imm (imm5), Cond, Imm2 (nzcv)
//	CSEL..CSNEG          Rd, Rn, Rm, Cond
//	RBIT..CLS            Rd, Rn (REV32 is 64-bit only)
//	UDIV..RORV           Rd, Rn, Rm
//	CRC32, CRC32C        Rd, Rn, Rm, Size (0 B, 1 H, 2 W, 3 X; Sf is set
//	                     only for X, whose Rm is an X register)
//	MADD, MSUB           Rd, Rn, Rm, Ra
//	SMADDL..UMSUBL       Rd, Rn, Rm, Ra (Rn, Rm are W registers; Sf set)
//	SMULH, UMULH         Rd, Rn, Rm (Sf set)
const (
	ANDshift Op = Op(ClassDPReg)*opsPerClass + iota
	BICshift
	ORRshift
	ORNshift
	EORshift
	EONshift
	ANDSshift
	BICSshift
	ADDshift
	ADDSshift
	SUBshift
	SUBSshift
	ADDext
	ADDSext
	SUBext
	SUBSext
	ADC
	ADCS
	SBC
	SBCS
	CCMNreg
	CCMPreg
	CCMNimm
	CCMPimm
	CSEL
	CSINC
	CSINV
	CSNEG
	RBIT
	REV16
	REV32
	REV
	CLZ
	CLS
	UDIV
	SDIV
	LSLV
	LSRV
	ASRV
	RORV
	CRC32
	CRC32C
	MADD
	MSUB
	SMADDL
	SMSUBL
	UMADDL
	UMSUBL
	SMULH
	UMULH
)

func init() {
	registerOps(ClassDPReg, []string{
		"ANDshift", "BICshift", "ORRshift", "ORNshift",
		"EORshift", "EONshift", "ANDSshift", "BICSshift",
		"ADDshift", "ADDSshift", "SUBshift", "SUBSshift",
		"ADDext", "ADDSext", "SUBext", "SUBSext",
		"ADC", "ADCS", "SBC", "SBCS",
		"CCMNreg", "CCMPreg", "CCMNimm", "CCMPimm",
		"CSEL", "CSINC", "CSINV", "CSNEG",
		"RBIT", "REV16", "REV32", "REV", "CLZ", "CLS",
		"UDIV", "SDIV", "LSLV", "LSRV", "ASRV", "RORV", "CRC32", "CRC32C",
		"MADD", "MSUB", "SMADDL", "SMSUBL", "UMADDL", "UMSUBL", "SMULH", "UMULH",
	})
	registerEncodings(ClassDPReg, []encoding{
		// AND <Wd>, <Wn>, <Wm>{, <shift> #<amount>} (and the X forms)
		{0x7f200000, 0x0a000000, ANDshift, decodeLogicalShift},
		// BIC <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x0a200000, BICshift, decodeLogicalShift},
		// ORR <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x2a000000, ORRshift, decodeLogicalShift},
		// ORN <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x2a200000, ORNshift, decodeLogicalShift},
		// EOR <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x4a000000, EORshift, decodeLogicalShift},
		// EON <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x4a200000, EONshift, decodeLogicalShift},
		// ANDS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x6a000000, ANDSshift, decodeLogicalShift},
		// BICS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x6a200000, BICSshift, decodeLogicalShift},

		// ADD <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x0b000000, ADDshift, decodeAddSubShift},
		// ADDS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x2b000000, ADDSshift, decodeAddSubShift},
		// SUB <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x4b000000, SUBshift, decodeAddSubShift},
		// SUBS <Wd>, <Wn>, <Wm>{, <shift> #<amount>}
		{0x7f200000, 0x6b000000, SUBSshift, decodeAddSubShift},

		// ADD <Wd|WSP>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
		{0x7fe00000, 0x0b200000, ADDext, decodeAddSubExt},
		// ADDS <Wd>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
		{0x7fe00000, 0x2b200000, ADDSext, decodeAddSubExt},
		// SUB <Wd|WSP>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
		{0x7fe00000, 0x4b200000, SUBext, decodeAddSubExt},
		// SUBS <Wd>, <Wn|WSP>, <Wm>{, <extend> {#<amount>}}
		{0x7fe00000, 0x6b200000, SUBSext, decodeAddSubExt},

		// ADC <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x1a000000, ADC, decodeRRR},
		// ADCS <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x3a000000, ADCS, decodeRRR},
		// SBC <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x5a000000, SBC, decodeRRR},
		// SBCS <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x7a000000, SBCS, decodeRRR},

		// CCMN <Wn>, <Wm>, #<nzcv>, <cond>
		{0x7fe00c10, 0x3a400000, CCMNreg, decodeCondCompare},
		// CCMP <Wn>, <Wm>, #<nzcv>, <cond>
		{0x7fe00c10, 0x7a400000, CCMPreg, decodeCondCompare},
		// CCMN <Wn>, #<imm>, #<nzcv>, <cond>
		{0x7fe00c10, 0x3a400800, CCMNimm, decodeCondCompare},
		// CCMP <Wn>, #<imm>, #<nzcv>, <cond>
		{0x7fe00c10, 0x7a400800, CCMPimm, decodeCondCompare},

		// CSEL <Wd>, <Wn>, <Wm>, <cond>
		{0x7fe00c00, 0x1a800000, CSEL, decodeCondSelect},
		// CSINC <Wd>, <Wn>, <Wm>, <cond>
		{0x7fe00c00, 0x1a800400, CSINC, decodeCondSelect},
		// CSINV <Wd>, <Wn>, <Wm>, <cond>
		{0x7fe00c00, 0x5a800000, CSINV, decodeCondSelect},
		// CSNEG <Wd>, <Wn>, <Wm>, <cond>
		{0x7fe00c00, 0x5a800400, CSNEG, decodeCondSelect},

		// RBIT <Wd>, <Wn>
		{0x7ffffc00, 0x5ac00000, RBIT, decodeRR},
		// REV16 <Wd>, <Wn>
		{0x7ffffc00, 0x5ac00400, REV16, decodeRR},
		// REV32 <Xd>, <Xn> (opc=10 is REV32 with sf=1, REV with sf=0)
		{0xfffffc00, 0xdac00800, REV32, decodeRR},
		// REV <Wd>, <Wn>
		{0xfffffc00, 0x5ac00800, REV, decodeRR},
		// REV <Xd>, <Xn> (opc=11 with sf=0 is unallocated)
		{0xfffffc00, 0xdac00c00, REV, decodeRR},
		// CLZ <Wd>, <Wn>
		{0x7ffffc00, 0x5ac01000, CLZ, decodeRR},
		// CLS <Wd>, <Wn>
		{0x7ffffc00, 0x5ac01400, CLS, decodeRR},

		// UDIV <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x1ac00800, UDIV, decodeRRR},
		// SDIV <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x1ac00c00, SDIV, decodeRRR},
		// LSLV <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x1ac02000, LSLV, decodeRRR},
		// LSRV <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x1ac02400, LSRV, decodeRRR},
		// ASRV <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x1ac02800, ASRV, decodeRRR},
		// RORV <Wd>, <Wn>, <Wm>
		{0x7fe0fc00, 0x1ac02c00, RORV, decodeRRR},
		// CRC32B <Wd>, <Wn>, <Wm> .. CRC32X <Wd>, <Wn>, <Xm>
		{0x7fe0f000, 0x1ac04000, CRC32, decodeCRC32},
		// CRC32CB <Wd>, <Wn>, <Wm> .. CRC32CX <Wd>, <Wn>, <Xm>
		{0x7fe0f000, 0x1ac05000, CRC32C, decodeCRC32},

		// MADD <Wd>, <Wn>, <Wm>, <Wa>
		{0x7fe08000, 0x1b000000, MADD, decodeRRRR},
		// MSUB <Wd>, <Wn>, <Wm>, <Wa>
		{0x7fe08000, 0x1b008000, MSUB, decodeRRRR},
		// SMADDL <Xd>, <Wn>, <Wm>, <Xa>
		{0xffe08000, 0x9b200000, SMADDL, decodeRRRR},
		// SMSUBL <Xd>, <Wn>, <Wm>, <Xa>
		{0xffe08000, 0x9b208000, SMSUBL, decodeRRRR},
		// UMADDL <Xd>, <Wn>, <Wm>, <Xa>
		{0xffe08000, 0x9ba00000, UMADDL, decodeRRRR},
		// UMSUBL <Xd>, <Wn>, <Wm>, <Xa>
		{0xffe08000, 0x9ba08000, UMSUBL, decodeRRRR},
		// SMULH <Xd>, <Xn>, <Xm> (Ra is should-be-one: any value decodes)
		{0xffe08000, 0x9b400000, SMULH, decodeRRR},
		// UMULH <Xd>, <Xn>, <Xm>
		{0xffe08000, 0x9bc00000, UMULH, decodeRRR},
	})
	// arm64asm prints the condition NV (1111) as "al" (objdump: "nv") and
	// lacks objdump's comment with the condition's other names.
	for _, op := range []Op{CCMNreg, CCMPreg, CCMNimm, CCMPimm} {
		registerPrinter(op, printCondCompare)
	}
	for _, op := range []Op{CSEL, CSINC, CSINV, CSNEG} {
		registerPrinter(op, printCondSelect)
	}
}

// decodeLogicalShift: AND..BICS (shifted register) (Arm ARM C6.2, AND
// (shifted register) and its siblings). All four shift types are allowed;
// a 32-bit form with imm6 >= 32 is unallocated.
func decodeLogicalShift(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	amount := bits(w, 15, 10)
	if !in.Sf && amount >= 32 {
		return unallocated("32-bit logical (shifted register) with shift amount %d", amount)
	}
	in.Rd, in.Rn, in.Rm = zr(rd(w)), zr(rn(w)), zr(rm(w))
	in.Shift = Shift(bits(w, 23, 22))
	in.Amount = uint8(amount)
	return nil
}

// decodeAddSubShift: ADD..SUBS (shifted register) (Arm ARM C6.2, ADD
// (shifted register)): shift=11 (ROR) is reserved, and so is a 32-bit form
// with imm6 >= 32.
func decodeAddSubShift(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	shift, amount := bits(w, 23, 22), bits(w, 15, 10)
	if shift == 3 {
		return unallocated("add/subtract (shifted register) with shift=ROR")
	}
	if !in.Sf && amount >= 32 {
		return unallocated("32-bit add/subtract (shifted register) with shift amount %d", amount)
	}
	in.Rd, in.Rn, in.Rm = zr(rd(w)), zr(rn(w)), zr(rm(w))
	in.Shift = Shift(shift)
	in.Amount = uint8(amount)
	return nil
}

// decodeAddSubExt: ADD..SUBS (extended register) (Arm ARM C6.2, ADD
// (extended register)). Rn is SP-capable; Rd is SP for ADD/SUB and ZR for
// ADDS/SUBS. A left shift above 4 is reserved.
func decodeAddSubExt(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	imm3 := bits(w, 12, 10)
	if imm3 > 4 {
		return unallocated("add/subtract (extended register) with shift %d", imm3)
	}
	in.Rn, in.Rm = sp(rn(w)), zr(rm(w))
	if bit(w, 29) {
		in.Rd = zr(rd(w))
	} else {
		in.Rd = sp(rd(w))
	}
	in.Ext = Extend(bits(w, 15, 13))
	in.Amount = uint8(imm3)
	return nil
}

// decodeCondCompare: CCMN/CCMP (register and immediate) (Arm ARM C6.2,
// CCMP (register)). The rows fix S=1, o2=0 and o3=0; the other values are
// unallocated.
func decodeCondCompare(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Rn = zr(rn(w))
	if bit(w, 11) {
		in.Imm = int64(bits(w, 20, 16))
	} else {
		in.Rm = zr(rm(w))
	}
	in.Cond = Cond(bits(w, 15, 12))
	in.Imm2 = int64(bits(w, 3, 0))
	return nil
}

// decodeCondSelect: CSEL/CSINC/CSINV/CSNEG (Arm ARM C6.2, CSEL).
func decodeCondSelect(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Rd, in.Rn, in.Rm = zr(rd(w)), zr(rn(w)), zr(rm(w))
	in.Cond = Cond(bits(w, 15, 12))
	return nil
}

// decodeRR: the 1-source operations (Arm ARM C4.1, "Data-processing (1
// source)").
func decodeRR(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Rd, in.Rn = zr(rd(w)), zr(rn(w))
	return nil
}

// decodeRRR: three plain registers (ADC..SBCS, the 2-source operations,
// SMULH, UMULH).
func decodeRRR(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Rd, in.Rn, in.Rm = zr(rd(w)), zr(rn(w)), zr(rm(w))
	return nil
}

// decodeRRRR: the 3-source multiply-accumulate operations (Arm ARM C4.1,
// "Data-processing (3 source)").
func decodeRRRR(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Rd, in.Rn, in.Rm, in.Ra = zr(rd(w)), zr(rn(w)), zr(rm(w)), zr(ra(w))
	return nil
}

// decodeCRC32: CRC32B..CRC32X and CRC32CB..CRC32CX (Arm ARM C6.2, CRC32B,
// CRC32H, CRC32W, CRC32X): sf=1 goes with sz=11 (the X forms) and sf=0 with
// the others; the other combinations are unallocated.
func decodeCRC32(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	sz := bits(w, 11, 10)
	if in.Sf != (sz == 3) {
		return unallocated("CRC32 with sf=%t and sz=%d", in.Sf, sz)
	}
	in.Rd, in.Rn, in.Rm = zr(rd(w)), zr(rn(w)), zr(rm(w))
	in.Size = uint8(sz)
	return nil
}

// printCondCompare prints CCMN/CCMP (register and immediate); they have no
// aliases. objdump follows the condition with its other names.
func printCondCompare(in *Inst) string {
	mn := "ccmp"
	if in.Op == CCMNreg || in.Op == CCMNimm {
		mn = "ccmn"
	}
	op2 := in.Rm.GNU(in.Sf)
	if in.Op == CCMNimm || in.Op == CCMPimm {
		op2 = fmt.Sprintf("#%#x", in.Imm)
	}
	return fmt.Sprintf("%s\t%s, %s, #%#x, %v", mn, in.Rn.GNU(in.Sf), op2, in.Imm2, in.Cond) +
		gnuCondComment(in.Cond)
}

// printCondSelect prints CSEL/CSINC/CSINV/CSNEG with the aliases the
// manual prefers when Rn == Rm and the condition is not AL or NV (Arm ARM
// C6.2, CSINC: CSET/CINC; CSINV: CSETM/CINV; CSNEG: CNEG), which take the
// inverted condition. objdump follows the printed condition with its other
// names.
func printCondSelect(in *Inst) string {
	d, n := in.Rd.GNU(in.Sf), in.Rn.GNU(in.Sf)
	if in.Rn == in.Rm && in.Cond < AL {
		inv := in.Cond.Invert()
		c := gnuCondComment(inv)
		switch {
		case in.Op == CSINC && in.Rn == ZR:
			return fmt.Sprintf("cset\t%s, %v", d, inv) + c
		case in.Op == CSINC:
			return fmt.Sprintf("cinc\t%s, %s, %v", d, n, inv) + c
		case in.Op == CSINV && in.Rn == ZR:
			return fmt.Sprintf("csetm\t%s, %v", d, inv) + c
		case in.Op == CSINV:
			return fmt.Sprintf("cinv\t%s, %s, %v", d, n, inv) + c
		case in.Op == CSNEG:
			return fmt.Sprintf("cneg\t%s, %s, %v", d, n, inv) + c
		}
	}
	mn := strings.ToLower(in.Op.String()) // csel, csinc, csinv, csneg
	return fmt.Sprintf("%s\t%s, %s, %s, %v", mn, d, n, in.Rm.GNU(in.Sf), in.Cond) +
		gnuCondComment(in.Cond)
}
