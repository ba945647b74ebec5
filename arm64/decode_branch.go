package arm64

import "fmt"

// Branches and exception generation (Arm ARM C4.1.65, "Branches, Exception
// Generating and System instructions"): conditional branch (immediate),
// unconditional branch (immediate and register), compare and branch, test
// and branch, exception generation, and UDF from the reserved class. The
// system instructions of the same encoding group are in decode_system.go.
//
// Not modelled (they decode as unallocated): BC.cond (FEAT_HBC), TCANCEL
// (FEAT_TME), and the FEAT_WFxT, FEAT_GCS and 128-bit system forms.

// Ops of the branch and exception generating group. Operands:
//
//	B, BL                  Imm (byte offset from the instruction)
//	Bcond                  Cond, Imm
//	CBZ, CBNZ              Rt, Sf, Imm
//	TBZ, TBNZ              Rt, Imm (offset), Imm2 (bit number 0..63); Sf is
//	                       set when the bit number is 32 or more (an X
//	                       register in the assembly)
//	BR, BLR, RET           Rn (ZR for encoding 31)
//	BRAA, BRAB, BLRAA,
//	BLRAB                  Rn, Rm (the modifier; SP for encoding 31)
//	BRAAZ, BRABZ, BLRAAZ,
//	BLRABZ                 Rn
//	RETAA, RETAB, ERET,
//	ERETAA, ERETAB, DRPS   none
//	SVC, HVC, SMC, BRK,
//	HLT, DCPS1..3, UDF     Imm (imm16)
const (
	B Op = Op(ClassBranch)*opsPerClass + iota
	BL
	Bcond
	CBZ
	CBNZ
	TBZ
	TBNZ
	BR
	BLR
	RET
	BRAA
	BRAAZ
	BRAB
	BRABZ
	BLRAA
	BLRAAZ
	BLRAB
	BLRABZ
	RETAA
	RETAB
	ERET
	ERETAA
	ERETAB
	DRPS
	SVC
	HVC
	SMC
	BRK
	HLT
	DCPS1
	DCPS2
	DCPS3
	UDF
)

var branchOpNames = []string{
	"B", "BL", "Bcond", "CBZ", "CBNZ", "TBZ", "TBNZ",
	"BR", "BLR", "RET",
	"BRAA", "BRAAZ", "BRAB", "BRABZ", "BLRAA", "BLRAAZ", "BLRAB", "BLRABZ",
	"RETAA", "RETAB", "ERET", "ERETAA", "ERETAB", "DRPS",
	"SVC", "HVC", "SMC", "BRK", "HLT", "DCPS1", "DCPS2", "DCPS3", "UDF",
}

func init() {
	registerOps(ClassBranch, branchOpNames)
	registerEncodings(ClassBranch, []encoding{
		// B <label>
		{0xfc000000, 0x14000000, B, decodeBranchImm},
		// BL <label>
		{0xfc000000, 0x94000000, BL, decodeBranchImm},
		// B.<cond> <label> (o1 = 0, o0 = 0; o0 = 1 is BC.cond, FEAT_HBC)
		{0xff000010, 0x54000000, Bcond, decodeBranchCond},

		// CBZ <Wt>, <label> (and the X form)
		{0x7f000000, 0x34000000, CBZ, decodeCompareBranch},
		// CBNZ <Wt>, <label>
		{0x7f000000, 0x35000000, CBNZ, decodeCompareBranch},
		// TBZ <R><t>, #<imm>, <label>
		{0x7f000000, 0x36000000, TBZ, decodeTestBranch},
		// TBNZ <R><t>, #<imm>, <label>
		{0x7f000000, 0x37000000, TBNZ, decodeTestBranch},

		// Unconditional branch (register): opc, op2 = 11111, op3, Rn, op4.
		// BR <Xn>
		{0xfffffc1f, 0xd61f0000, BR, decodeBranchReg},
		// BLR <Xn>
		{0xfffffc1f, 0xd63f0000, BLR, decodeBranchReg},
		// RET {<Xn>}
		{0xfffffc1f, 0xd65f0000, RET, decodeBranchReg},
		// BRAAZ <Xn>
		{0xfffffc1f, 0xd61f081f, BRAAZ, decodeBranchReg},
		// BRABZ <Xn>
		{0xfffffc1f, 0xd61f0c1f, BRABZ, decodeBranchReg},
		// BLRAAZ <Xn>
		{0xfffffc1f, 0xd63f081f, BLRAAZ, decodeBranchReg},
		// BLRABZ <Xn>
		{0xfffffc1f, 0xd63f0c1f, BLRABZ, decodeBranchReg},
		// BRAA <Xn>, <Xm|SP>
		{0xfffffc00, 0xd71f0800, BRAA, decodeBranchRegMod},
		// BRAB <Xn>, <Xm|SP>
		{0xfffffc00, 0xd71f0c00, BRAB, decodeBranchRegMod},
		// BLRAA <Xn>, <Xm|SP>
		{0xfffffc00, 0xd73f0800, BLRAA, decodeBranchRegMod},
		// BLRAB <Xn>, <Xm|SP>
		{0xfffffc00, 0xd73f0c00, BLRAB, decodeBranchRegMod},
		// RETAA
		{0xffffffff, 0xd65f0bff, RETAA, decodeNoOperands},
		// RETAB
		{0xffffffff, 0xd65f0fff, RETAB, decodeNoOperands},
		// ERET
		{0xffffffff, 0xd69f03e0, ERET, decodeNoOperands},
		// ERETAA
		{0xffffffff, 0xd69f0bff, ERETAA, decodeNoOperands},
		// ERETAB
		{0xffffffff, 0xd69f0fff, ERETAB, decodeNoOperands},
		// DRPS
		{0xffffffff, 0xd6bf03e0, DRPS, decodeNoOperands},

		// Exception generation: opc, imm16, op2 = 000, LL.
		// SVC #<imm>
		{0xffe0001f, 0xd4000001, SVC, decodeImm16},
		// HVC #<imm>
		{0xffe0001f, 0xd4000002, HVC, decodeImm16},
		// SMC #<imm>
		{0xffe0001f, 0xd4000003, SMC, decodeImm16},
		// BRK #<imm>
		{0xffe0001f, 0xd4200000, BRK, decodeImm16},
		// HLT #<imm>
		{0xffe0001f, 0xd4400000, HLT, decodeImm16},
		// DCPS1 {#<imm>}
		{0xffe0001f, 0xd4a00001, DCPS1, decodeImm16},
		// DCPS2 {#<imm>}
		{0xffe0001f, 0xd4a00002, DCPS2, decodeImm16},
		// DCPS3 {#<imm>}
		{0xffe0001f, 0xd4a00003, DCPS3, decodeImm16},

		// UDF #<imm> (the reserved class: op0 = 0000, bits 31:16 zero)
		{0xffff0000, 0x00000000, UDF, decodeUDF},
	})

	for _, op := range []Op{B, BL} {
		name := map[Op]string{B: "b", BL: "bl"}[op]
		registerPrinter(op, func(in *Inst) string { return name + "\t" + pcRel(in.Imm) })
	}
	registerPrinter(Bcond, printBranchCond)
	for _, op := range []Op{CBZ, CBNZ} {
		name := map[Op]string{CBZ: "cbz", CBNZ: "cbnz"}[op]
		registerPrinter(op, func(in *Inst) string {
			return name + "\t" + in.Rt.GNU(in.Sf) + ", " + pcRel(in.Imm)
		})
	}
	for _, op := range []Op{TBZ, TBNZ} {
		name := map[Op]string{TBZ: "tbz", TBNZ: "tbnz"}[op]
		registerPrinter(op, func(in *Inst) string {
			return fmt.Sprintf("%s\t%s, #%d, %s", name, in.Rt.GNU(in.Sf), in.Imm2, pcRel(in.Imm))
		})
	}
	registerPrinter(RET, func(in *Inst) string {
		if in.Rn == 30 {
			return "ret"
		}
		return "ret\t" + in.Rn.GNU(true)
	})
	for op, name := range map[Op]string{BR: "br", BLR: "blr", BRAAZ: "braaz", BRABZ: "brabz",
		BLRAAZ: "blraaz", BLRABZ: "blrabz"} {
		registerPrinter(op, func(in *Inst) string { return name + "\t" + in.Rn.GNU(true) })
	}
	for op, name := range map[Op]string{BRAA: "braa", BRAB: "brab", BLRAA: "blraa", BLRAB: "blrab"} {
		registerPrinter(op, func(in *Inst) string {
			return name + "\t" + in.Rn.GNU(true) + ", " + in.Rm.GNU(true)
		})
	}
	for op, name := range map[Op]string{RETAA: "retaa", RETAB: "retab", ERET: "eret",
		ERETAA: "eretaa", ERETAB: "eretab", DRPS: "drps"} {
		registerPrinter(op, func(*Inst) string { return name })
	}
	// objdump writes UDF's immediate in decimal, the others in hex.
	registerPrinter(UDF, func(in *Inst) string { return fmt.Sprintf("udf\t#%d", in.Imm) })
	for op, name := range map[Op]string{SVC: "svc", HVC: "hvc", SMC: "smc", BRK: "brk",
		HLT: "hlt"} {
		registerPrinter(op, func(in *Inst) string { return fmt.Sprintf("%s\t#%#x", name, in.Imm) })
	}
	for op, name := range map[Op]string{DCPS1: "dcps1", DCPS2: "dcps2", DCPS3: "dcps3"} {
		registerPrinter(op, func(in *Inst) string {
			if in.Imm == 0 {
				return name
			}
			return fmt.Sprintf("%s\t#%#x", name, in.Imm)
		})
	}
}

// decodeBranchImm: imm26 is a word offset (C6.2.26 B, C6.2.35 BL).
func decodeBranchImm(w uint32, in *Inst) error {
	in.Imm = sext(bits(w, 25, 0), 26) << 2
	return nil
}

// decodeBranchCond: imm19 word offset and cond (C6.2.27 B.cond).
func decodeBranchCond(w uint32, in *Inst) error {
	in.Imm = sext(bits(w, 23, 5), 19) << 2
	in.Cond = Cond(bits(w, 3, 0))
	return nil
}

// decodeCompareBranch: sf, imm19, Rt; Rt = 31 is the zero register
// (C6.2.60 CBZ).
func decodeCompareBranch(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Imm = sext(bits(w, 23, 5), 19) << 2
	in.Rt = zr(rd(w))
	return nil
}

// decodeTestBranch: the bit number is b5:b40, the offset imm14 words; the
// register is an X register when b5 is set (C6.2.375 TBZ).
func decodeTestBranch(w uint32, in *Inst) error {
	b5 := bits(w, 31, 31)
	in.Imm2 = int64(b5<<5 | bits(w, 23, 19))
	in.Sf = b5 == 1
	in.Imm = sext(bits(w, 18, 5), 14) << 2
	in.Rt = zr(rd(w))
	return nil
}

// decodeBranchReg: Rn, a general-purpose register where 31 is XZR.
func decodeBranchReg(w uint32, in *Inst) error {
	in.Rn = zr(rn(w))
	return nil
}

// decodeBranchRegMod: Rn and the modifier in bits 4:0, which is SP for 31
// (C6.2.38 BRAA: "<Xm|SP>").
func decodeBranchRegMod(w uint32, in *Inst) error {
	in.Rn = zr(rn(w))
	in.Rm = sp(rd(w))
	return nil
}

func decodeNoOperands(uint32, *Inst) error { return nil }

// decodeImm16: the 16-bit immediate of the exception generating
// instructions, bits 20:5.
func decodeImm16(w uint32, in *Inst) error {
	in.Imm = int64(bits(w, 20, 5))
	return nil
}

// decodeUDF: UDF's immediate is bits 15:0 (C6.2.387 UDF).
func decodeUDF(w uint32, in *Inst) error {
	in.Imm = int64(bits(w, 15, 0))
	return nil
}

// pcRel writes a branch target relative to the instruction, as GNU as
// accepts it ("." is the instruction's address). objdump prints the
// absolute target instead, which needs the instruction's address.
func pcRel(off int64) string {
	if off < 0 {
		return fmt.Sprintf(".-%#x", -off)
	}
	return fmt.Sprintf(".+%#x", off)
}

// bcondAliases are the comments objdump appends to B.cond: the SVE
// condition names of the same encodings (Arm ARM C1.2.4, "Condition code").
var bcondAliases = [16]string{
	EQ: "b.none", NE: "b.any", CS: "b.hs, b.nlast", CC: "b.lo, b.ul, b.last",
	MI: "b.first", PL: "b.nfrst", HI: "b.pmore", LS: "b.plast",
	GE: "b.tcont", LT: "b.tstop",
}

func printBranchCond(in *Inst) string {
	s := "b." + in.Cond.String() + "\t" + pcRel(in.Imm)
	if a := bcondAliases[in.Cond]; a != "" {
		s += "  // " + a
	}
	return s
}
