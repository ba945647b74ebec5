package arm64

import (
	"fmt"
	mbits "math/bits"
)

// Data processing - immediate (Arm ARM C4.1, "Data Processing --
// Immediate"): PC-relative addressing,
// add/subtract, logical, move wide, bitfield and extract with immediate
// operands. ADDG/SUBG (FEAT_MTE) and the FEAT_CSSC min/max (immediate)
// forms are not modelled: they decode as unallocated.

// Ops of the data processing (immediate) class. Operands:
//
//	ADR, ADRP        Rd, Imm (byte offset from the instruction; for ADRP the
//	                 offset of the 4 KiB page, imm<<12, added to PC&^0xfff)
//	ADDimm..SUBSimm  Rd, Rn, Imm (imm12, already shifted; Amount is 12 when
//	                 the encoding says LSL #12)
//	ANDimm..ANDSimm  Rd, Rn, Imm (the expanded bitmask, zero-extended from
//	                 32 bits when Sf is false)
//	MOVN, MOVZ, MOVK Rd, Imm (imm16), Imm2 (the shift: 0, 16, 32 or 48)
//	SBFM, BFM, UBFM  Rd, Rn, Imm (immr), Imm2 (imms)
//	EXTR             Rd, Rn, Rm, Imm2 (lsb)
const (
	ADR Op = Op(ClassDPImm)*opsPerClass + iota
	ADRP
	ADDimm
	ADDSimm
	SUBimm
	SUBSimm
	ANDimm
	ORRimm
	EORimm
	ANDSimm
	MOVN
	MOVZ
	MOVK
	SBFM
	BFM
	UBFM
	EXTR
)

func init() {
	registerOps(ClassDPImm, []string{
		"ADR", "ADRP",
		"ADDimm", "ADDSimm", "SUBimm", "SUBSimm",
		"ANDimm", "ORRimm", "EORimm", "ANDSimm",
		"MOVN", "MOVZ", "MOVK",
		"SBFM", "BFM", "UBFM",
		"EXTR",
	})
	registerEncodings(ClassDPImm, []encoding{
		// ADR <Xd>, <label>
		{0x9f000000, 0x10000000, ADR, decodePCRel},
		// ADRP <Xd>, <label>
		{0x9f000000, 0x90000000, ADRP, decodePCRel},

		// ADD <Wd|WSP>, <Wn|WSP>, #<imm>{, <shift>} (and the X form)
		{0x7f800000, 0x11000000, ADDimm, decodeAddSubImm},
		// ADDS <Wd>, <Wn|WSP>, #<imm>{, <shift>}
		{0x7f800000, 0x31000000, ADDSimm, decodeAddSubImm},
		// SUB <Wd|WSP>, <Wn|WSP>, #<imm>{, <shift>}
		{0x7f800000, 0x51000000, SUBimm, decodeAddSubImm},
		// SUBS <Wd>, <Wn|WSP>, #<imm>{, <shift>}
		{0x7f800000, 0x71000000, SUBSimm, decodeAddSubImm},

		// AND <Wd|WSP>, <Wn>, #<imm>
		{0x7f800000, 0x12000000, ANDimm, decodeLogicalImm},
		// ORR <Wd|WSP>, <Wn>, #<imm>
		{0x7f800000, 0x32000000, ORRimm, decodeLogicalImm},
		// EOR <Wd|WSP>, <Wn>, #<imm>
		{0x7f800000, 0x52000000, EORimm, decodeLogicalImm},
		// ANDS <Wd>, <Wn>, #<imm>
		{0x7f800000, 0x72000000, ANDSimm, decodeLogicalImm},

		// MOVN <Wd>, #<imm>{, LSL #<shift>}
		{0x7f800000, 0x12800000, MOVN, decodeMoveWide},
		// MOVZ <Wd>, #<imm>{, LSL #<shift>}
		{0x7f800000, 0x52800000, MOVZ, decodeMoveWide},
		// MOVK <Wd>, #<imm>{, LSL #<shift>}
		{0x7f800000, 0x72800000, MOVK, decodeMoveWide},

		// SBFM <Wd>, <Wn>, #<immr>, #<imms>
		{0x7f800000, 0x13000000, SBFM, decodeBitfield},
		// BFM <Wd>, <Wn>, #<immr>, #<imms>
		{0x7f800000, 0x33000000, BFM, decodeBitfield},
		// UBFM <Wd>, <Wn>, #<immr>, #<imms>
		{0x7f800000, 0x53000000, UBFM, decodeBitfield},

		// EXTR <Wd>, <Wn>, <Wm>, #<lsb>
		{0x7fa00000, 0x13800000, EXTR, decodeExtract},
	})
	// arm64asm picks the MOV alias of ORR (immediate) and the BFC alias of
	// BFM differently from objdump.
	registerPrinter(ORRimm, printORRimm)
	registerPrinter(BFM, printBFM)
}

// decodePCRel: ADR and ADRP (Arm ARM C6.2, ADR and ADRP). The offset is
// immhi:immlo, sign-extended from 21 bits; ADRP counts 4 KiB pages.
func decodePCRel(w uint32, in *Inst) error {
	in.Sf = true
	in.Rd = zr(rd(w))
	imm := sext(bits(w, 23, 5)<<2|bits(w, 30, 29), 21)
	if in.Op == ADRP {
		imm <<= 12
	}
	in.Imm = imm
	return nil
}

// decodeAddSubImm: ADD/ADDS/SUB/SUBS (immediate) (Arm ARM C6.2,
// ADD (immediate) and its siblings). Rn is
// SP-capable; Rd is SP for ADD/SUB and ZR for the flag-setting forms.
func decodeAddSubImm(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	in.Rn = sp(rn(w))
	if bit(w, 29) {
		in.Rd = zr(rd(w))
	} else {
		in.Rd = sp(rd(w))
	}
	in.Imm = int64(bits(w, 21, 10))
	if bit(w, 22) {
		in.Imm <<= 12
		in.Amount = 12
	}
	return nil
}

// decodeLogicalImm: AND/ORR/EOR/ANDS (immediate) (Arm ARM
// C6.2, AND (immediate)). The
// 32-bit forms require N=0; DecodeBitMasks rejects the reserved N:imms
// patterns. Rd is SP for AND/ORR/EOR, ZR for ANDS; Rn is ZR.
func decodeLogicalImm(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	n := bit(w, 22)
	if !in.Sf && n {
		return unallocated("logical (immediate) with sf=0 and N=1")
	}
	width := uint(32)
	if in.Sf {
		width = 64
	}
	mask, ok := decodeBitMasks(n, bits(w, 15, 10), bits(w, 21, 16), width)
	if !ok {
		return unallocated("reserved bitmask immediate (N=%t, imms=%#x)", n, bits(w, 15, 10))
	}
	in.Imm = int64(mask)
	in.Rn = zr(rn(w))
	if in.Op == ANDSimm {
		in.Rd = zr(rd(w))
	} else {
		in.Rd = sp(rd(w))
	}
	return nil
}

// decodeBitMasks is the manual's DecodeBitMasks (Arm ARM pseudocode
// shared/functions/bitmasks/DecodeBitMasks) for a logical immediate: the wmask of an
// element of 2^len bits whose low S+1 bits are ones, rotated right by R and
// replicated to width bits. ok is false for the reserved encodings: len < 1
// (N:NOT(imms) has no bit above bit 0) and S = all ones (an all-ones
// element is not encodable).
func decodeBitMasks(n bool, imms, immr uint32, width uint) (mask uint64, ok bool) {
	v := ^imms & 0x3f
	if n {
		v |= 0x40
	}
	length := mbits.Len32(v) - 1
	if length < 1 {
		return 0, false
	}
	esize := uint(1) << length
	levels := uint32(esize - 1)
	s, r := imms&levels, immr&levels
	if s == levels {
		return 0, false
	}
	elem := uint64(1)<<(s+1) - 1
	if r != 0 {
		// ROR within the element.
		elem = (elem>>r | elem<<(esize-uint(r))) & (uint64(1)<<esize - 1)
	}
	for e := esize; e < 64; e *= 2 {
		elem |= elem << e
	}
	if width == 32 {
		elem = uint64(uint32(elem))
	}
	return elem, true
}

// decodeMoveWide: MOVN/MOVZ/MOVK (Arm ARM C6.2, MOVN, MOVZ, MOVK). The 32-bit forms
// can only shift by 0 or 16 (hw<1> set is unallocated). opc=01 has no row.
func decodeMoveWide(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	hw := bits(w, 22, 21)
	if !in.Sf && hw >= 2 {
		return unallocated("move wide with sf=0 and hw=%d", hw)
	}
	in.Rd = zr(rd(w))
	in.Imm = int64(bits(w, 20, 5))
	in.Imm2 = int64(hw * 16)
	return nil
}

// decodeBitfield: SBFM/BFM/UBFM (Arm ARM C6.2, SBFM, BFM, UBFM): N
// must equal sf, and the 32-bit forms take immr and imms below 32. opc=11
// has no row.
func decodeBitfield(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	immr, imms := bits(w, 21, 16), bits(w, 15, 10)
	if in.Sf != bit(w, 22) {
		return unallocated("bitfield with N != sf")
	}
	if !in.Sf && (immr >= 32 || imms >= 32) {
		return unallocated("32-bit bitfield with immr=%d, imms=%d", immr, imms)
	}
	in.Rd, in.Rn = zr(rd(w)), zr(rn(w))
	in.Imm, in.Imm2 = int64(immr), int64(imms)
	return nil
}

// decodeExtract: EXTR (Arm ARM C6.2, EXTR): N must equal sf, and the 32-bit
// form takes lsb below 32. op21 and o0 other than 0 have no row.
func decodeExtract(w uint32, in *Inst) error {
	in.Sf = bit(w, 31)
	imms := bits(w, 15, 10)
	if in.Sf != bit(w, 22) {
		return unallocated("extract with N != sf")
	}
	if !in.Sf && imms >= 32 {
		return unallocated("32-bit extract with lsb=%d", imms)
	}
	in.Rd, in.Rn, in.Rm = zr(rd(w)), zr(rn(w)), zr(rm(w))
	in.Imm2 = int64(imms)
	return nil
}

// printORRimm prints ORR (immediate) as objdump does: as MOV (bitmask
// immediate) when Rn is ZR and either Rd is SP or MOVZ/MOVN cannot make the
// value (binutils prefers the move-wide alias; arm64asm applies the
// manual's MoveWidePreferred test to the fields instead, and never uses MOV
// for SP), followed as objdump does by the value in decimal.
func printORRimm(in *Inst) string {
	imm := fmt.Sprintf("#%#x", uint64(in.Imm))
	if in.Rn == ZR && (in.Rd == SP || !wideConstant(uint64(in.Imm), in.Sf)) {
		return movImmComment("mov\t" + in.Rd.GNU(in.Sf) + ", " + imm)
	}
	return "orr\t" + in.Rd.GNU(in.Sf) + ", " + in.Rn.GNU(in.Sf) + ", " + imm
}

// wideConstant reports whether MOVZ or MOVN can produce v in a register of
// the width sf says: v or its complement has at most one non-zero
// halfword.
func wideConstant(v uint64, sf bool) bool {
	one := func(v uint64) bool {
		n := 0
		for ; v != 0; v >>= 16 {
			if v&0xffff != 0 {
				n++
			}
		}
		return n <= 1
	}
	nv := ^v
	if !sf {
		v, nv = uint64(uint32(v)), uint64(uint32(nv))
	}
	return one(v) || one(nv)
}

// printBFM prints BFM through its aliases, as objdump always does (Arm ARM
// C6.2, BFM: BFC when Rn is ZR and imms < immr, BFI when imms < immr,
// BFXIL otherwise). arm64asm lacks BFC.
func printBFM(in *Inst) string {
	size := int64(32)
	if in.Sf {
		size = 64
	}
	r, s := in.Imm, in.Imm2
	d := in.Rd.GNU(in.Sf)
	if s < r {
		lsb, width := (size-r)&(size-1), s+1
		if in.Rn == ZR {
			return fmt.Sprintf("bfc\t%s, #%d, #%d", d, lsb, width)
		}
		return fmt.Sprintf("bfi\t%s, %s, #%d, #%d", d, in.Rn.GNU(in.Sf), lsb, width)
	}
	return fmt.Sprintf("bfxil\t%s, %s, #%d, #%d", d, in.Rn.GNU(in.Sf), r, s-r+1)
}
