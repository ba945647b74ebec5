package arm64

import (
	"fmt"
	"strings"
)

// Loads and stores of FP/SIMD registers (Arm ARM C4.1, "Loads and
// Stores", the encodings with V = 1): LDR/STR of B, H, S, D and Q registers
// in every addressing mode, the pairs (LDP, STP, LDNP, STNP), and the
// Advanced SIMD structure loads and stores (LD1..LD4, ST1..ST4, LD1R..LD4R).
//
// Not modelled, left without a row so that they decode as unallocated: the
// FEAT_LRCPC3 forms (LDAPUR/STLUR of SIMD registers, LDAP1/STL1) and the
// FEAT_MOPS memory copy and set instructions (CPYP.., SETP..), which
// share this part of the encoding space. The atomics and the unprivileged
// loads and stores have no V = 1 form.

// Ops of the FP/SIMD load/store class. Rt (and Rt2) are V register numbers
// 0..31; Rn is the base (SP for encoding 31).
//
//	LDRimmFP, STRimmFP  Rt, [Rn, #Imm] with Mode AddrOffset (unsigned scaled
//	                    offset), AddrPreIndex or AddrPostIndex (signed imm9);
//	                    Size is log2 of the register size (0 B, 1 H, 2 S,
//	                    3 D, 4 Q); Imm is the byte offset.
//	LDURFP, STURFP      Rt, [Rn, #Imm] (unscaled signed imm9), Mode AddrOffset.
//	LDRregFP, STRregFP  Rt, [Rn, Rm, Ext #Amount], Mode AddrRegOffset; Rm is
//	                    ZR for 31; Amount is 0 or Size (the S bit). Imm2 is
//	                    1 for a B register (Size 0) with S = 1, which shifts
//	                    by 0 like S = 0 but is another encoding ("[x1, x2,
//	                    lsl #0]"), and 0 otherwise, as for LDRreg.
//	LDRlitFP            Rt, PC+Imm, Mode AddrLiteral; Size 2, 3 or 4.
//	LDPFP..STNPFP       Rt, Rt2, [Rn, #Imm]; Size 2, 3 or 4; Mode AddrOffset,
//	                    AddrPreIndex or AddrPostIndex (LDNP/STNP: offset).
//	LDnmult, STnmult    {Rt..Rt+Imm2-1 (mod 32)}, [Rn]: multiple structures.
//	                    Size is the element size, Sf the Q bit (128-bit
//	                    arrangement), Imm2 the number of registers (1..4).
//	                    Mode AddrNone, or AddrPostIndex with either Rm a
//	                    register and Imm 0, or Rm = ZR and Imm the bytes
//	                    transferred (the "#imm" form); the base is updated by
//	                    Imm + Rm in both cases.
//	LDnsingle, STnsingle {Rt..Rt+n-1}[Imm2], [Rn]: one element to or from lane
//	                    Imm2 of n registers (n is the digit of the op); Size
//	                    is the element size; Sf unused (Q is part of the
//	                    index). Mode as for multiple structures.
//	LDnR                {Rt..Rt+n-1}, [Rn]: load one structure and replicate
//	                    it to all lanes; Size is the element size, Sf the Q
//	                    bit. Mode as for multiple structures.
const (
	LDRimmFP Op = Op(ClassSIMDLdSt)*opsPerClass + iota
	STRimmFP
	LDURFP
	STURFP
	LDRregFP
	STRregFP
	LDRlitFP
	LDPFP
	STPFP
	LDNPFP
	STNPFP
	LD1mult
	LD2mult
	LD3mult
	LD4mult
	ST1mult
	ST2mult
	ST3mult
	ST4mult
	LD1single
	LD2single
	LD3single
	LD4single
	ST1single
	ST2single
	ST3single
	ST4single
	LD1R
	LD2R
	LD3R
	LD4R
)

// StructRegs returns the number of registers a structure load or store op
// transfers per structure (the n of LDn/STn), 0 for other ops.
func StructRegs(op Op) int {
	switch {
	case op >= LD1mult && op <= LD4mult:
		return int(op-LD1mult) + 1
	case op >= ST1mult && op <= ST4mult:
		return int(op-ST1mult) + 1
	case op >= LD1single && op <= LD4single:
		return int(op-LD1single) + 1
	case op >= ST1single && op <= ST4single:
		return int(op-ST1single) + 1
	case op >= LD1R && op <= LD4R:
		return int(op-LD1R) + 1
	}
	return 0
}

func init() {
	registerOps(ClassSIMDLdSt, []string{
		"LDRimmFP", "STRimmFP", "LDURFP", "STURFP", "LDRregFP", "STRregFP", "LDRlitFP",
		"LDPFP", "STPFP", "LDNPFP", "STNPFP",
		"LD1mult", "LD2mult", "LD3mult", "LD4mult",
		"ST1mult", "ST2mult", "ST3mult", "ST4mult",
		"LD1single", "LD2single", "LD3single", "LD4single",
		"ST1single", "ST2single", "ST3single", "ST4single",
		"LD1R", "LD2R", "LD3R", "LD4R",
	})
	registerEncodings(ClassSIMDLdSt, []encoding{
		// Load/store register (unsigned immediate), V = 1:
		// STR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>{, #<pimm>}]
		{0x3f400000, 0x3d000000, STRimmFP, decodeFPLdStUnsigned},
		// LDR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>{, #<pimm>}]
		{0x3f400000, 0x3d400000, LDRimmFP, decodeFPLdStUnsigned},
		// STUR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>{, #<simm>}]
		{0x3f600c00, 0x3c000000, STURFP, decodeFPLdStImm9},
		// LDUR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>{, #<simm>}]
		{0x3f600c00, 0x3c400000, LDURFP, decodeFPLdStImm9},
		// STR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>], #<simm>
		{0x3f600c00, 0x3c000400, STRimmFP, decodeFPLdStImm9},
		// LDR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>], #<simm>
		{0x3f600c00, 0x3c400400, LDRimmFP, decodeFPLdStImm9},
		// STR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>, #<simm>]!
		{0x3f600c00, 0x3c000c00, STRimmFP, decodeFPLdStImm9},
		// LDR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>, #<simm>]!
		{0x3f600c00, 0x3c400c00, LDRimmFP, decodeFPLdStImm9},
		// STR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>, (<Wm>|<Xm>){, <extend> {<amount>}}]
		{0x3f600c00, 0x3c200800, STRregFP, decodeFPLdStReg},
		// LDR <Bt|Ht|St|Dt|Qt>, [<Xn|SP>, (<Wm>|<Xm>){, <extend> {<amount>}}]
		{0x3f600c00, 0x3c600800, LDRregFP, decodeFPLdStReg},

		// LDR <St|Dt|Qt>, <label>
		{0x3f000000, 0x1c000000, LDRlitFP, decodeFPLdrLit},

		// Load/store pair, V = 1 (bits 24:23: 00 no-allocate offset,
		// 01 post-index, 10 signed offset, 11 pre-index).
		// STNP <St1>, <St2>, [<Xn|SP>{, #<imm>}]
		{0x3fc00000, 0x2c000000, STNPFP, decodeFPPair},
		// LDNP <St1>, <St2>, [<Xn|SP>{, #<imm>}]
		{0x3fc00000, 0x2c400000, LDNPFP, decodeFPPair},
		// STP <St1>, <St2>, [<Xn|SP>], #<imm>
		{0x3fc00000, 0x2c800000, STPFP, decodeFPPair},
		// LDP <St1>, <St2>, [<Xn|SP>], #<imm>
		{0x3fc00000, 0x2cc00000, LDPFP, decodeFPPair},
		// STP <St1>, <St2>, [<Xn|SP>{, #<imm>}]
		{0x3fc00000, 0x2d000000, STPFP, decodeFPPair},
		// LDP <St1>, <St2>, [<Xn|SP>{, #<imm>}]
		{0x3fc00000, 0x2d400000, LDPFP, decodeFPPair},
		// STP <St1>, <St2>, [<Xn|SP>, #<imm>]!
		{0x3fc00000, 0x2d800000, STPFP, decodeFPPair},
		// LDP <St1>, <St2>, [<Xn|SP>, #<imm>]!
		{0x3fc00000, 0x2dc00000, LDPFP, decodeFPPair},

		// Advanced SIMD load/store multiple structures (no offset), opcode
		// bits 15:12. LD2/LD3/LD4 fix the opcode; LD1 takes the four
		// one-element opcodes (0010, 0110, 0111, 1010) and its decoder
		// refuses the rest.
		// ST4 {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>, <Vt4>.<T>}, [<Xn|SP>]
		{0xbffff000, 0x0c000000, ST4mult, decodeLdStMulti},
		// ST3 {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>}, [<Xn|SP>]
		{0xbffff000, 0x0c004000, ST3mult, decodeLdStMulti},
		// ST2 {<Vt>.<T>, <Vt2>.<T>}, [<Xn|SP>]
		{0xbffff000, 0x0c008000, ST2mult, decodeLdStMulti},
		// ST1 {<Vt>.<T>, ...}, [<Xn|SP>] (1 to 4 registers)
		{0xbfff0000, 0x0c000000, ST1mult, decodeLdStMulti},
		// LD4 {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>, <Vt4>.<T>}, [<Xn|SP>]
		{0xbffff000, 0x0c400000, LD4mult, decodeLdStMulti},
		// LD3 {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>}, [<Xn|SP>]
		{0xbffff000, 0x0c404000, LD3mult, decodeLdStMulti},
		// LD2 {<Vt>.<T>, <Vt2>.<T>}, [<Xn|SP>]
		{0xbffff000, 0x0c408000, LD2mult, decodeLdStMulti},
		// LD1 {<Vt>.<T>, ...}, [<Xn|SP>] (1 to 4 registers)
		{0xbfff0000, 0x0c400000, LD1mult, decodeLdStMulti},

		// Advanced SIMD load/store multiple structures (post-indexed):
		// Rm = 31 is the immediate form.
		// ST4 {<Vt>.<T>, ...}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0f000, 0x0c800000, ST4mult, decodeLdStMulti},
		// ST3 {<Vt>.<T>, ...}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0f000, 0x0c804000, ST3mult, decodeLdStMulti},
		// ST2 {<Vt>.<T>, <Vt2>.<T>}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0f000, 0x0c808000, ST2mult, decodeLdStMulti},
		// ST1 {<Vt>.<T>, ...}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe00000, 0x0c800000, ST1mult, decodeLdStMulti},
		// LD4 {<Vt>.<T>, ...}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0f000, 0x0cc00000, LD4mult, decodeLdStMulti},
		// LD3 {<Vt>.<T>, ...}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0f000, 0x0cc04000, LD3mult, decodeLdStMulti},
		// LD2 {<Vt>.<T>, <Vt2>.<T>}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0f000, 0x0cc08000, LD2mult, decodeLdStMulti},
		// LD1 {<Vt>.<T>, ...}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe00000, 0x0cc00000, LD1mult, decodeLdStMulti},

		// Advanced SIMD load/store single structure (no offset): the number
		// of registers is (opcode<0>:R) + 1, opcode 11x (with L = 1) is the
		// replicating load.
		// LD1R {<Vt>.<T>}, [<Xn|SP>]
		{0xbfffe000, 0x0d40c000, LD1R, decodeLdStRepl},
		// LD2R {<Vt>.<T>, <Vt2>.<T>}, [<Xn|SP>]
		{0xbfffe000, 0x0d60c000, LD2R, decodeLdStRepl},
		// LD3R {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>}, [<Xn|SP>]
		{0xbfffe000, 0x0d40e000, LD3R, decodeLdStRepl},
		// LD4R {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>, <Vt4>.<T>}, [<Xn|SP>]
		{0xbfffe000, 0x0d60e000, LD4R, decodeLdStRepl},
		// ST1 {<Vt>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d000000, ST1single, decodeLdStSingle},
		// ST2 {<Vt>.<T>, <Vt2>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d200000, ST2single, decodeLdStSingle},
		// ST3 {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d002000, ST3single, decodeLdStSingle},
		// ST4 {<Vt>.<T>, ..., <Vt4>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d202000, ST4single, decodeLdStSingle},
		// LD1 {<Vt>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d400000, LD1single, decodeLdStSingle},
		// LD2 {<Vt>.<T>, <Vt2>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d600000, LD2single, decodeLdStSingle},
		// LD3 {<Vt>.<T>, <Vt2>.<T>, <Vt3>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d402000, LD3single, decodeLdStSingle},
		// LD4 {<Vt>.<T>, ..., <Vt4>.<T>}[<index>], [<Xn|SP>]
		{0xbfff2000, 0x0d602000, LD4single, decodeLdStSingle},

		// Advanced SIMD load/store single structure (post-indexed).
		// LD1R {<Vt>.<T>}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0e000, 0x0dc0c000, LD1R, decodeLdStRepl},
		// LD2R {<Vt>.<T>, <Vt2>.<T>}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0e000, 0x0de0c000, LD2R, decodeLdStRepl},
		// LD3R {<Vt>.<T>, ..., <Vt3>.<T>}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0e000, 0x0dc0e000, LD3R, decodeLdStRepl},
		// LD4R {<Vt>.<T>, ..., <Vt4>.<T>}, [<Xn|SP>], <imm>|<Xm>
		{0xbfe0e000, 0x0de0e000, LD4R, decodeLdStRepl},
		// ST1 {<Vt>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0d800000, ST1single, decodeLdStSingle},
		// ST2 {<Vt>.<T>, <Vt2>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0da00000, ST2single, decodeLdStSingle},
		// ST3 {<Vt>.<T>, ..., <Vt3>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0d802000, ST3single, decodeLdStSingle},
		// ST4 {<Vt>.<T>, ..., <Vt4>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0da02000, ST4single, decodeLdStSingle},
		// LD1 {<Vt>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0dc00000, LD1single, decodeLdStSingle},
		// LD2 {<Vt>.<T>, <Vt2>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0de00000, LD2single, decodeLdStSingle},
		// LD3 {<Vt>.<T>, ..., <Vt3>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0dc02000, LD3single, decodeLdStSingle},
		// LD4 {<Vt>.<T>, ..., <Vt4>.<T>}[<index>], [<Xn|SP>], <imm>|<Xm>
		{0xbfe02000, 0x0de02000, LD4single, decodeLdStSingle},
	})

	for _, op := range []Op{LDRimmFP, STRimmFP, LDURFP, STURFP, LDRregFP, STRregFP, LDRlitFP} {
		registerPrinter(op, printFPLdSt)
	}
	for _, op := range []Op{LDPFP, STPFP, LDNPFP, STNPFP} {
		registerPrinter(op, printFPPair)
	}
	for op := LD1mult; op <= LD4R; op++ {
		registerPrinter(op, printLdStStruct)
	}
}

// fpLdStSize is the register size of LDR/STR (SIMD&FP): opc<1>:size, where
// opc<1> = 1 is only allocated with size 00 (the Q register).
func fpLdStSize(w uint32) (uint8, error) {
	size := uint8(bits(w, 31, 30))
	if bit(w, 23) {
		if size != 0 {
			return 0, unallocated("opc<1> = 1 with size %d", size)
		}
		return 4, nil
	}
	return size, nil
}

// decodeFPLdStUnsigned: LDR/STR (immediate, SIMD&FP), unsigned offset:
// Imm = imm12 << size.
func decodeFPLdStUnsigned(w uint32, in *Inst) error {
	size, err := fpLdStSize(w)
	if err != nil {
		return err
	}
	in.Rt, in.Rn, in.Size = Reg(rd(w)), sp(rn(w)), size
	in.Imm = int64(bits(w, 21, 10)) << size
	in.Mode = AddrOffset
	return nil
}

// decodeFPLdStImm9: LDUR/STUR (bits 11:10 = 00) and the pre- (11) and
// post-indexed (01) LDR/STR, all with an unscaled signed imm9.
func decodeFPLdStImm9(w uint32, in *Inst) error {
	size, err := fpLdStSize(w)
	if err != nil {
		return err
	}
	in.Rt, in.Rn, in.Size = Reg(rd(w)), sp(rn(w)), size
	in.Imm = sext(bits(w, 20, 12), 9)
	switch bits(w, 11, 10) {
	case 0b00:
		in.Mode = AddrOffset
	case 0b01:
		in.Mode = AddrPostIndex
	default:
		in.Mode = AddrPreIndex
	}
	return nil
}

// decodeFPLdStReg: LDR/STR (register, SIMD&FP). The offset fields are
// those of the general-purpose form (decodeLdStRegOffset: option<1> must be
// 1; S selects a shift by the access size).
func decodeFPLdStReg(w uint32, in *Inst) error {
	size, err := fpLdStSize(w)
	if err != nil {
		return err
	}
	in.Rt, in.Rn, in.Size = Reg(rd(w)), sp(rn(w)), size
	return decodeLdStRegOffset(w, in, size)
}

// decodeFPLdrLit: LDR (literal, SIMD&FP); opc 00 S, 01 D, 10 Q, 11
// unallocated.
func decodeFPLdrLit(w uint32, in *Inst) error {
	opc := bits(w, 31, 30)
	if opc == 3 {
		return unallocated("LDR (literal, SIMD&FP) with opc 11")
	}
	in.Rt, in.Size = Reg(rd(w)), uint8(opc)+2
	in.Imm = sext(bits(w, 23, 5), 19) * 4
	in.Mode = AddrLiteral
	return nil
}

// decodeFPPair: LDP/STP/LDNP/STNP (SIMD&FP); opc 00 S, 01 D, 10 Q, 11
// unallocated. Imm = imm7 scaled by the register size.
func decodeFPPair(w uint32, in *Inst) error {
	opc := bits(w, 31, 30)
	if opc == 3 {
		return unallocated("load/store pair (SIMD&FP) with opc 11")
	}
	size := uint8(opc) + 2
	in.Rt, in.Rt2, in.Rn, in.Size = Reg(rd(w)), Reg(ra(w)), sp(rn(w)), size
	in.Imm = sext(bits(w, 21, 15), 7) << size
	switch bits(w, 24, 23) {
	case 0b01:
		in.Mode = AddrPostIndex
	case 0b11:
		in.Mode = AddrPreIndex
	default:
		in.Mode = AddrOffset
	}
	return nil
}

// structPost fills the post-index operands of a structure load or store:
// bit 23 set is the post-indexed form, whose Rm = 31 means an immediate
// increment of the bytes transferred.
func structPost(w uint32, in *Inst, bytes int64) {
	if !bit(w, 23) {
		in.Mode = AddrNone
		return
	}
	in.Mode = AddrPostIndex
	if m := rm(w); m == 31 {
		in.Rm, in.Imm = ZR, bytes
	} else {
		in.Rm = Reg(m)
	}
}

// decodeLdStMulti: LD1-LD4/ST1-ST4 (multiple structures). The opcode gives
// the number of registers and how many of them one structure spans
// (Arm ARM C7.2, "LD1 (multiple structures)": opcode 0000 LD4, 0010 LD1
// x4, 0100 LD3, 0110 LD1 x3, 0111 LD1 x1, 1000 LD2, 1010 LD1 x2).
func decodeLdStMulti(w uint32, in *Inst) error {
	var nregs, selem int
	switch bits(w, 15, 12) {
	case 0b0000:
		nregs, selem = 4, 4
	case 0b0010:
		nregs, selem = 4, 1
	case 0b0100:
		nregs, selem = 3, 3
	case 0b0110:
		nregs, selem = 3, 1
	case 0b0111:
		nregs, selem = 1, 1
	case 0b1000:
		nregs, selem = 2, 2
	case 0b1010:
		nregs, selem = 2, 1
	default:
		return unallocated("load/store multiple structures opcode %04b", bits(w, 15, 12))
	}
	size, q := uint8(bits(w, 11, 10)), bit(w, 30)
	if size == 3 && !q && selem != 1 {
		return unallocated("LD%d/ST%d with arrangement 1D", selem, selem)
	}
	in.Rt, in.Rn, in.Size, in.Sf = Reg(rd(w)), sp(rn(w)), size, q
	in.Imm2 = int64(nregs)
	regBytes := int64(8)
	if q {
		regBytes = 16
	}
	structPost(w, in, regBytes*int64(nregs))
	return nil
}

// decodeLdStSingle: LD1-LD4/ST1-ST4 (single structure). opcode<2:1> is
// the element size (00 B, 01 H, 10 S or D by size<0>), and the lane index
// is Q:S:size in as many bits as the element size leaves.
func decodeLdStSingle(w uint32, in *Inst) error {
	q, s, size := bits(w, 30, 30), bits(w, 12, 12), bits(w, 11, 10)
	scale := uint8(bits(w, 15, 14))
	var index uint32
	switch scale {
	case 0:
		index = q<<3 | s<<2 | size
	case 1:
		if size&1 != 0 {
			return unallocated("single structure H with size<0> = 1")
		}
		index = q<<2 | s<<1 | size>>1
	case 2:
		if size&2 != 0 {
			return unallocated("single structure S/D with size<1> = 1")
		}
		if size&1 == 0 {
			index = q<<1 | s
		} else {
			if s != 0 {
				return unallocated("single structure D with S = 1")
			}
			index, scale = q, 3
		}
	default:
		return unallocated("store single structure with opcode 11x")
	}
	in.Rt, in.Rn, in.Size = Reg(rd(w)), sp(rn(w)), scale
	in.Imm2 = int64(index)
	structPost(w, in, int64(StructRegs(in.Op))<<scale)
	return nil
}

// decodeLdStRepl: LD1R-LD4R; S must be 0.
func decodeLdStRepl(w uint32, in *Inst) error {
	if bit(w, 12) {
		return unallocated("LDnR with S = 1")
	}
	size := uint8(bits(w, 11, 10))
	in.Rt, in.Rn, in.Size, in.Sf = Reg(rd(w)), sp(rn(w)), size, bit(w, 30)
	structPost(w, in, int64(StructRegs(in.Op))<<size)
	return nil
}

// Printers. arm64asm decodes these forms but writes "[x0,#16]" where
// objdump writes "[x0, #16]", so every op of the class has its own.

// fpRegPrefix is the scalar register letter of each access size.
const fpRegPrefix = "bhsdq"

func fpReg(size uint8, r Reg) string { return fmt.Sprintf("%c%d", fpRegPrefix[size%5], r&31) }

// fpLdStMnemonic is the mnemonic of each single-register op.
var fpLdStMnemonic = map[Op]string{
	LDRimmFP: "ldr", STRimmFP: "str", LDURFP: "ldur", STURFP: "stur",
	LDRregFP: "ldr", STRregFP: "str", LDRlitFP: "ldr",
	LDPFP: "ldp", STPFP: "stp", LDNPFP: "ldnp", STNPFP: "stnp",
}

// memOperand writes an immediate addressing mode as objdump does: a zero
// offset is left out of [Xn] but not of the pre-index form.
func memOperand(in *Inst) string {
	base := in.Rn.GNU(true)
	switch in.Mode {
	case AddrPreIndex:
		return fmt.Sprintf("[%s, #%d]!", base, in.Imm)
	case AddrPostIndex:
		return fmt.Sprintf("[%s], #%d", base, in.Imm)
	}
	if in.Imm == 0 {
		return "[" + base + "]"
	}
	return fmt.Sprintf("[%s, #%d]", base, in.Imm)
}

func printFPLdSt(in *Inst) string {
	s := fpLdStMnemonic[in.Op] + "\t" + fpReg(in.Size, in.Rt) + ", "
	switch in.Mode {
	case AddrLiteral:
		return s + pcRel(in.Imm)
	case AddrRegOffset:
		return s + regOffsetOperand(in)
	}
	return s + memOperand(in)
}

func printFPPair(in *Inst) string {
	return fpLdStMnemonic[in.Op] + "\t" + fpReg(in.Size, in.Rt) + ", " + fpReg(in.Size, in.Rt2) + ", " + memOperand(in)
}

// vecArrangement names the arrangement of elements of log2 size size in a
// 64-bit (q false) or 128-bit vector.
func vecArrangement(size uint8, q bool) string {
	i := int(size&3) * 2
	if q {
		i++
	}
	return [...]string{"8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"}[i]
}

// vecList writes a register list as objdump does: a range when it has more
// than two registers and does not wrap past V31, else each register.
func vecList(first Reg, n int, suffix string) string {
	f := int(first & 31)
	if n > 2 && f+n-1 <= 31 {
		return fmt.Sprintf("{v%d.%s-v%d.%s}", f, suffix, f+n-1, suffix)
	}
	regs := make([]string, n)
	for i := range regs {
		regs[i] = fmt.Sprintf("v%d.%s", (f+i)%32, suffix)
	}
	return "{" + strings.Join(regs, ", ") + "}"
}

func printLdStStruct(in *Inst) string {
	n := StructRegs(in.Op)
	var mnem, list string
	switch {
	case in.Op >= LD1R:
		mnem = fmt.Sprintf("ld%dr", n)
		list = vecList(in.Rt, n, vecArrangement(in.Size, in.Sf))
	case in.Op >= LD1single:
		mnem = fmt.Sprintf("ld%d", n)
		if in.Op >= ST1single {
			mnem = fmt.Sprintf("st%d", n)
		}
		list = fmt.Sprintf("%s[%d]", vecList(in.Rt, n, string("bhsd"[in.Size&3])), in.Imm2)
	default:
		mnem = fmt.Sprintf("ld%d", n)
		if in.Op >= ST1mult {
			mnem = fmt.Sprintf("st%d", n)
		}
		list = vecList(in.Rt, int(in.Imm2), vecArrangement(in.Size, in.Sf))
	}
	s := mnem + "\t" + list + ", [" + in.Rn.GNU(true) + "]"
	if in.Mode == AddrPostIndex {
		if in.Rm == ZR {
			s += fmt.Sprintf(", #%d", in.Imm)
		} else {
			s += ", " + in.Rm.GNU(true)
		}
	}
	return s
}
