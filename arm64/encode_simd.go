package arm64

import "slices"

// Encoders of the scalar FP and Advanced SIMD data processing ops
// (decode_simd.go). Arm ARM C4.1 "Data Processing -- Scalar
// Floating-Point and Advanced SIMD"; the field names are the manual's.
//
// The scalar D forms of the vector ops decode to the vector op with Size 3
// and Sf false (the 1D arrangement the vector encodings reserve), so that
// Inst is the whole story: Encode writes the scalar encoding for it.

func init() {
	registerEncoder(FMOVgen, encodeFMOVgen)
	registerEncoder(FMOVreg, encodeFMOVreg)
	registerEncoder(FMOVimm, encodeFMOVimm)
	for _, op := range []Op{FMOVvecImm, MOVI, MVNI, ORRvecImm, BICvecImm} {
		registerEncoder(op, encodeModImm)
	}
	for op := range simdSameBase {
		registerEncoder(op, encodeSIMDSame)
	}
	for op := range simdMiscBase {
		registerEncoder(op, encodeSIMDMisc)
	}
	registerEncoder(ADDPscalar, encodeADDPscalar)
	for _, op := range []Op{DUPelem, DUPscalar, DUPgen, INSgen, INSelem, SMOV, UMOV} {
		registerEncoder(op, encodeSIMDCopy)
	}
	registerEncoder(EXT, encodeEXT)
	registerEncoder(TBL, encodeTable)
	registerEncoder(TBX, encodeTable)
	for op := range simdShiftBase {
		registerEncoder(op, encodeShiftImm)
	}
}

// simdVRegs returns the Rd and Rn fields (V registers) placed, and Rm when
// three is set.
func simdVRegs(in *Inst, three bool) (uint32, error) {
	d, err := lsVReg(in, "destination Vd", in.Rd)
	if err != nil {
		return 0, err
	}
	n, err := lsVReg(in, "source Vn", in.Rn)
	if err != nil {
		return 0, err
	}
	w := n<<5 | d
	if three {
		m, err := lsVReg(in, "source Vm", in.Rm)
		if err != nil {
			return 0, err
		}
		w |= m << 16
	}
	return w, nil
}

// encodeFMOVgen encodes FMOV (general): sf 0 0 11110 ftype 1 rmode opcode
// 000000 Rn Rd with opcode 11x (bit 16: to the V register). Imm is the
// direction (1: to the general register), Imm2 1 the V.D[1] forms
// (ftype 10, rmode 01).
func encodeFMOVgen(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRd|lsHasRn|lsHasSf|lsHasSize|lsHasImm|lsHasImm2); err != nil {
		return 0, err
	}
	var w uint32
	switch {
	case !in.Sf && in.Size == 2 && in.Imm2 == 0:
		w = 0x1e260000 // W <-> S
	case in.Sf && in.Size == 3 && in.Imm2 == 0:
		w = 0x9e660000 // X <-> D
	case in.Sf && in.Size == 3 && in.Imm2 == 1:
		w = 0x9eae0000 // X <-> V.D[1]
	default:
		return 0, encodeError(in.Op, "Sf %v, Size %d, Imm2 %d: want W and S (Size 2), X and D (Sf, Size 3) or X and V.D[1] (Sf, Size 3, Imm2 1)",
			in.Sf, in.Size, in.Imm2)
	}
	var d, n uint32
	var err error
	switch in.Imm {
	case 0: // to the V register
		if d, err = lsVReg(in, "destination Vd", in.Rd); err != nil {
			return 0, err
		}
		if n, err = lsRegZR(in, "source Rn", in.Rn); err != nil {
			return 0, err
		}
		w |= 1 << 16
	case 1:
		if d, err = lsRegZR(in, "destination Rd", in.Rd); err != nil {
			return 0, err
		}
		if n, err = lsVReg(in, "source Vn", in.Rn); err != nil {
			return 0, err
		}
	default:
		return 0, encodeError(in.Op, "direction Imm %d, want 0 (general to V) or 1 (V to general)", in.Imm)
	}
	return w | n<<5 | d, nil
}

// simdFPType returns the ftype field (bits 23:22) of single (Size 2) and
// double (Size 3) precision.
func simdFPType(in *Inst) (uint32, error) {
	if in.Size != 2 && in.Size != 3 {
		return 0, encodeError(in.Op, "Size %d, want 2 (single) or 3 (double)", in.Size)
	}
	return uint32(in.Size-2) << 22, nil
}

// encodeFMOVreg encodes FMOV (register): 000 11110 ftype 1 0000 00 10000
// Rn Rd.
func encodeFMOVreg(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRd|lsHasRn|lsHasSize); err != nil {
		return 0, err
	}
	ftype, err := simdFPType(in)
	if err != nil {
		return 0, err
	}
	regs, err := simdVRegs(in, false)
	if err != nil {
		return 0, err
	}
	return 0x1e204000 | ftype | regs, nil
}

// simdVFPImm8 returns the imm8 whose VFPExpandImm (Arm ARM, shared
// pseudocode) is the single (size 2) or double (size 3) value v, and
// whether there is one.
func simdVFPImm8(v uint64, size uint8) (uint32, bool) {
	var imm8 uint32
	if size == 2 {
		imm8 = uint32(v>>31&1)<<7 | uint32(v>>29&1)<<6 | uint32(v>>19&0x3f)
	} else {
		imm8 = uint32(v>>63&1)<<7 | uint32(v>>61&1)<<6 | uint32(v>>48&0x3f)
	}
	return imm8, vfpExpandImm(imm8, size) == v
}

// encodeFMOVimm encodes FMOV (scalar, immediate): 000 11110 ftype 1 imm8
// 100 00000 Rd. Imm is the value's bits, Imm2 its imm8; both must agree.
func encodeFMOVimm(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRd|lsHasSize|lsHasImm|lsHasImm2); err != nil {
		return 0, err
	}
	ftype, err := simdFPType(in)
	if err != nil {
		return 0, err
	}
	d, err := lsVReg(in, "destination Vd", in.Rd)
	if err != nil {
		return 0, err
	}
	imm8, ok := simdVFPImm8(uint64(in.Imm), in.Size)
	if !ok {
		return 0, encodeError(in.Op, "value %#x is not an FMOV immediate (+-n/16 * 2^e, n 16..31, e -3..4)", uint64(in.Imm))
	}
	if in.Imm2 != int64(imm8) {
		return 0, encodeError(in.Op, "imm8 Imm2 %d does not match the value %#x (imm8 %d)", in.Imm2, uint64(in.Imm), imm8)
	}
	return 0x1e201000 | ftype | imm8<<13 | d, nil
}

// simdModImmForms lists the op:cmode values of each modified-immediate op
// by element size (Arm ARM C7.2 MOVI, MVNI, ORR/BIC (vector, immediate),
// FMOV (vector, immediate)), in the order ModImmEncoding tries them.
func simdModImmForms(op Op, size uint8) (opBit uint32, cmodes []uint32) {
	switch {
	case op == MOVI && size == 0:
		return 0, []uint32{0b1110}
	case op == MOVI && size == 3:
		return 1, []uint32{0b1110}
	case (op == MOVI || op == MVNI) && size == 1:
		return lsBool(op == MVNI), []uint32{0b1000, 0b1010}
	case (op == MOVI || op == MVNI) && size == 2:
		return lsBool(op == MVNI), []uint32{0b0000, 0b0010, 0b0100, 0b0110, 0b1100, 0b1101}
	case (op == ORRvecImm || op == BICvecImm) && size == 1:
		return lsBool(op == BICvecImm), []uint32{0b1001, 0b1011}
	case (op == ORRvecImm || op == BICvecImm) && size == 2:
		return lsBool(op == BICvecImm), []uint32{0b0001, 0b0011, 0b0101, 0b0111}
	case op == FMOVvecImm && size == 2:
		return 0, []uint32{0b1111}
	case op == FMOVvecImm && size == 3:
		return 1, []uint32{0b1111}
	}
	return 0, nil
}

// simdModImm8 returns the only imm8 that AdvSIMDExpandImm(op, cmode, .)
// might expand to v; the caller checks that it does.
func simdModImm8(op bool, cmode uint32, v uint64) uint64 {
	switch cmode >> 1 {
	case 0, 1, 2, 3: // 32-bit, LSL 0..24
		return v >> (8 * (cmode >> 1)) & 0xff
	case 4, 5: // 16-bit, LSL 0 or 8
		return v >> (8 * (cmode >> 1 & 1)) & 0xff
	case 6: // 32-bit, MSL 8 or 16
		return v >> (8 << (cmode & 1)) & 0xff
	}
	switch {
	case cmode&1 == 0 && !op: // bytes
		return v & 0xff
	case cmode&1 == 0: // 64-bit byte mask
		var imm8 uint64
		for i := range 8 {
			imm8 |= (v >> (8 * i) & 1) << i
		}
		return imm8
	case !op:
		imm8, _ := simdVFPImm8(v&0xffffffff, 2)
		return uint64(imm8)
	}
	imm8, _ := simdVFPImm8(v, 3)
	return uint64(imm8)
}

// ModImmEncoding returns the op:cmode:imm8 (the Imm2 of MOVI, MVNI,
// ORRvecImm, BICvecImm and FMOVvecImm) that gives the 64-bit pattern
// with elements of log2 size bytes, for an assembler given a value rather
// than an imm8 and shift ("movi v0.2d, #0xff00ff00ff00ff00", "fmov
// v0.4s, #1.0"). Where several encodings give the pattern (imm8 0 with any
// LSL; MSL #8 of 0xff and MSL #16 of 0) it returns the first of
// simdModImmForms: LSL #0, then MSL #8. ok is false when none does.
func ModImmEncoding(op Op, size uint8, pattern uint64) (imm2 int64, ok bool) {
	opBit, cmodes := simdModImmForms(op, size)
	for _, cmode := range cmodes {
		imm8 := simdModImm8(opBit == 1, cmode, pattern)
		if advSIMDExpandImm(opBit == 1, cmode, imm8) == pattern {
			return int64(opBit<<12|cmode<<8) | int64(imm8), true
		}
	}
	return 0, false
}

// encodeModImm encodes the Advanced SIMD modified immediate ops: 0 Q op
// 0111100000 abc cmode 0 1 defgh Rd, with op:cmode:imm8 from Imm2. Imm
// (the pattern) and Size (the element size) are what the decoder derives
// from it and must agree: op and cmode must be a form of the Op with that
// element size, and Imm its expansion.
func encodeModImm(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRd|lsHasSf|lsHasSize|lsHasImm|lsHasImm2); err != nil {
		return 0, err
	}
	if in.Imm2 < 0 || in.Imm2 > 0x1fff {
		return 0, encodeError(in.Op, "op:cmode:imm8 Imm2 %#x does not fit 13 bits", in.Imm2)
	}
	op, cmode, imm8 := uint32(in.Imm2>>12), uint32(in.Imm2>>8)&15, uint32(in.Imm2)&0xff
	opBit, cmodes := simdModImmForms(in.Op, in.Size)
	if cmodes == nil {
		return 0, encodeError(in.Op, "element Size %d has no immediate form", in.Size)
	}
	if op != opBit || !slices.Contains(cmodes, cmode) {
		return 0, encodeError(in.Op, "op:cmode:imm8 Imm2 %#x: op %d cmode %04b is not a form of element Size %d",
			in.Imm2, op, cmode, in.Size)
	}
	if in.Op == FMOVvecImm && in.Size == 3 && !in.Sf {
		return 0, encodeError(in.Op, "double precision needs the 2D arrangement (Sf)")
	}
	if want := ModImmPattern(in.Imm2); uint64(in.Imm) != want {
		return 0, encodeError(in.Op, "pattern Imm %#x is not the expansion %#x of op:cmode:imm8 Imm2 %#x",
			uint64(in.Imm), want, in.Imm2)
	}
	d, err := lsVReg(in, "destination Vd", in.Rd)
	if err != nil {
		return 0, err
	}
	return 0x0f000400 | lsBool(in.Sf)<<30 | op<<29 | imm8>>5<<16 | cmode<<12 | (imm8&0x1f)<<5 | d, nil
}

// simdSameBase is the word of each three-register op with its fixed
// fields, and the largest element size it has. The scalar D form, where
// the op has one, is the vector word with bits 30 and 28 set.
var simdSameBase = map[Op]struct {
	base    uint32
	maxSize uint8
	scalar  bool
}{
	// Three same, bitwise: the size field is part of the opcode.
	ANDvec: {0x0e201c00, 0, false}, BICvecReg: {0x0e601c00, 0, false},
	ORRvecReg: {0x0ea01c00, 0, false}, ORNvec: {0x0ee01c00, 0, false},
	EORvec: {0x2e201c00, 0, false}, BSL: {0x2e601c00, 0, false},
	BIT: {0x2ea01c00, 0, false}, BIF: {0x2ee01c00, 0, false},
	// Three same.
	ADDvec: {0x0e208400, 3, true}, SUBvec: {0x2e208400, 3, true},
	CMTST: {0x0e208c00, 3, true}, CMEQreg: {0x2e208c00, 3, true},
	CMGTreg: {0x0e203400, 3, true}, CMHI: {0x2e203400, 3, true},
	CMGEreg: {0x0e203c00, 3, true}, CMHS: {0x2e203c00, 3, true},
	SMAXvec: {0x0e206400, 2, false}, UMAXvec: {0x2e206400, 2, false},
	SMINvec: {0x0e206c00, 2, false}, UMINvec: {0x2e206c00, 2, false},
	SMAXP: {0x0e20a400, 2, false}, UMAXP: {0x2e20a400, 2, false},
	SMINP: {0x0e20ac00, 2, false}, UMINP: {0x2e20ac00, 2, false},
	ADDPvec: {0x0e20bc00, 3, false},
	// Permute.
	UZP1: {0x0e001800, 3, false}, TRN1: {0x0e002800, 3, false},
	ZIP1: {0x0e003800, 3, false}, UZP2: {0x0e005800, 3, false},
	TRN2: {0x0e006800, 3, false}, ZIP2: {0x0e007800, 3, false},
}

// simdSize returns the placed Q (bit 30), size (23:22) and scalar (28)
// fields of a vector op: Size up to maxSize, 1D (Size 3 without Sf) only
// as the scalar form where the op has one.
func simdSize(in *Inst, maxSize uint8, scalar bool) (uint32, error) {
	switch {
	case in.Size > maxSize:
		return 0, encodeError(in.Op, "element Size %d, want 0..%d", in.Size, maxSize)
	case in.Size == 3 && !in.Sf && scalar:
		return 1<<30 | 1<<28 | 3<<22, nil
	case in.Size == 3 && !in.Sf:
		return 0, encodeError(in.Op, "arrangement 1D (Size 3 without Sf) is reserved")
	}
	return lsBool(in.Sf)<<30 | uint32(in.Size)<<22, nil
}

// encodeSIMDSame encodes the Advanced SIMD three same and permute ops: 0 Q
// U 01110 size 1 Rm opcode 1 Rn Rd (three same), 0 Q 001110 size 0 Rm 0
// opcode 10 Rn Rd (permute), and the scalar three same D forms 01 U 11110
// 11 1 Rm opcode 1 Rn Rd.
func encodeSIMDSame(in *Inst) (uint32, error) {
	f := simdSameBase[in.Op]
	used := lsHasRd | lsHasRn | lsHasRm | lsHasSf
	if f.maxSize > 0 {
		used |= lsHasSize
	}
	if err := lsCheckUnused(in, used); err != nil {
		return 0, err
	}
	sz, err := simdSize(in, f.maxSize, f.scalar)
	if err != nil {
		return 0, err
	}
	regs, err := simdVRegs(in, true)
	if err != nil {
		return 0, err
	}
	return f.base | sz | regs, nil
}

// simdMiscBase is the word of each two-register op (two-register
// miscellaneous, across lanes) with its largest element size; scalar as
// for simdSameBase.
var simdMiscBase = map[Op]struct {
	base    uint32
	maxSize uint8
	scalar  bool
}{
	REV64vec: {0x0e200800, 2, false}, REV32vec: {0x2e200800, 1, false},
	REV16vec: {0x0e201800, 0, false}, CLSvec: {0x0e204800, 2, false},
	CLZvec: {0x2e204800, 2, false}, CNTvec: {0x0e205800, 0, false},
	NOTvec: {0x2e205800, 0, false}, RBITvec: {0x2e605800, 0, false},
	CMGTzero: {0x0e208800, 3, true}, CMGEzero: {0x2e208800, 3, true},
	CMEQzero: {0x0e209800, 3, true}, CMLEzero: {0x2e209800, 3, true},
	CMLTzero: {0x0e20a800, 3, true}, ABSvec: {0x0e20b800, 3, true},
	NEGvec: {0x2e20b800, 3, true},
	XTN:    {0x0e212800, 2, false},
	SADDLV: {0x0e303800, 2, false}, UADDLV: {0x2e303800, 2, false},
	SMAXV: {0x0e30a800, 2, false}, UMAXV: {0x2e30a800, 2, false},
	SMINV: {0x0e31a800, 2, false}, UMINV: {0x2e31a800, 2, false},
	ADDV: {0x0e31b800, 2, false},
}

// encodeSIMDMisc encodes the two-register miscellaneous ops (0 Q U 01110
// size 10000 opcode 10 Rn Rd), their scalar D forms (01 U 11110 11 10000
// opcode 10 Rn Rd) and the across-lanes reductions (0 Q U 01110 size 11000
// opcode 10 Rn Rd). XTN's Sf is XTN2; the reductions have no 2S (size 10
// needs 4S).
func encodeSIMDMisc(in *Inst) (uint32, error) {
	f := simdMiscBase[in.Op]
	used := lsHasRd | lsHasRn | lsHasSf
	if f.maxSize > 0 {
		used |= lsHasSize
	}
	if err := lsCheckUnused(in, used); err != nil {
		return 0, err
	}
	var sz uint32
	var err error
	switch in.Op {
	case XTN:
		// Sf is the "2" (upper half) form, Size the narrow element:
		// every Size 0..2 exists with either.
		if in.Size > 2 {
			return 0, encodeError(in.Op, "narrow element Size %d, want 0..2", in.Size)
		}
		sz = lsBool(in.Sf)<<30 | uint32(in.Size)<<22
	case SADDLV, UADDLV, SMAXV, UMAXV, SMINV, UMINV, ADDV:
		if in.Size == 2 && !in.Sf {
			return 0, encodeError(in.Op, "arrangement 2S has no across-lanes form, want 4S (Sf)")
		}
		sz, err = simdSize(in, f.maxSize, false)
	default:
		sz, err = simdSize(in, f.maxSize, f.scalar)
	}
	if err != nil {
		return 0, err
	}
	regs, err := simdVRegs(in, false)
	if err != nil {
		return 0, err
	}
	return f.base | sz | regs, nil
}

// encodeADDPscalar encodes ADDP (scalar): 01 0 11110 11 11000 11011 10 Rn
// Rd, Dd = Vn.D[0] + Vn.D[1].
func encodeADDPscalar(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRd|lsHasRn|lsHasSize); err != nil {
		return 0, err
	}
	if in.Size != 3 {
		return 0, encodeError(in.Op, "element Size %d, want 3 (D)", in.Size)
	}
	regs, err := simdVRegs(in, false)
	if err != nil {
		return 0, err
	}
	return 0x5ef1b800 | regs, nil
}

// simdIndex checks an element index against the lanes of a 128-bit vector
// of elements of Size.
func simdIndex(in *Inst, name string, idx int64) (uint32, error) {
	lanes := int64(16) >> in.Size
	if idx < 0 || idx >= lanes {
		return 0, encodeError(in.Op, "%s %d is not in 0..%d", name, idx, lanes-1)
	}
	return uint32(idx), nil
}

// encodeSIMDCopy encodes the Advanced SIMD copy ops: 0 Q op 01110000 imm5
// 0 imm4 1 Rn Rd, and DUP (element, scalar) 01 0 11110000 imm5 0 0000 1
// Rn Rd. imm5 holds the element size (its lowest set bit) and, above it,
// the index Imm; INS (element) has the source index Imm2 in imm4 above the
// size. The bits of imm5 (DUP general) and imm4 (INS element) that hold
// no index are written as zeros.
func encodeSIMDCopy(in *Inst) (uint32, error) {
	used := lsHasRd | lsHasRn | lsHasSize | lsHasImm
	switch in.Op {
	case DUPelem, DUPgen, SMOV, UMOV:
		used |= lsHasSf
	case INSelem:
		used |= lsHasImm2
	}
	if err := lsCheckUnused(in, used); err != nil {
		return 0, err
	}
	if in.Size > 3 {
		return 0, encodeError(in.Op, "element Size %d, want 0..3 (B, H, S, D)", in.Size)
	}
	var base uint32
	switch in.Op {
	case DUPelem:
		base = 0x0e000400
	case DUPgen:
		base = 0x0e000c00
	case SMOV:
		base = 0x0e002c00
	case UMOV:
		base = 0x0e003c00
	case INSgen:
		base = 0x4e001c00
	case INSelem:
		base = 0x6e000400
	case DUPscalar:
		base = 0x5e000400
	}
	switch in.Op {
	case DUPelem, DUPgen:
		if in.Size == 3 && !in.Sf {
			return 0, encodeError(in.Op, "arrangement 1D (Size 3 without Sf) is reserved")
		}
	case SMOV:
		if in.Size == 3 || in.Size == 2 && !in.Sf {
			return 0, encodeError(in.Op, "element Size %d with Sf %v: SMOV sign-extends B or H into W or X, S into X", in.Size, in.Sf)
		}
	case UMOV:
		if in.Sf != (in.Size == 3) {
			return 0, encodeError(in.Op, "element Size %d with Sf %v: UMOV moves B, H or S into W, D into X", in.Size, in.Sf)
		}
	}
	var d, n uint32
	var err error
	switch in.Op {
	case DUPgen, INSgen:
		d, err = lsVReg(in, "destination Vd", in.Rd)
		if err == nil {
			n, err = lsRegZR(in, "source Rn", in.Rn)
		}
	case SMOV, UMOV:
		d, err = lsRegZR(in, "destination Rd", in.Rd)
		if err == nil {
			n, err = lsVReg(in, "source Vn", in.Rn)
		}
	default:
		d, err = lsVReg(in, "destination Vd", in.Rd)
		if err == nil {
			n, err = lsVReg(in, "source Vn", in.Rn)
		}
	}
	if err != nil {
		return 0, err
	}
	var idx uint32
	if in.Op == DUPgen {
		if in.Imm != 0 {
			return 0, encodeError(in.Op, "has no index: Imm %d", in.Imm)
		}
	} else if idx, err = simdIndex(in, "index Imm", in.Imm); err != nil {
		return 0, err
	}
	var imm4 uint32
	if in.Op == INSelem {
		idx2, err := simdIndex(in, "source index Imm2", in.Imm2)
		if err != nil {
			return 0, err
		}
		imm4 = idx2 << in.Size
	}
	imm5 := (idx<<1 | 1) << in.Size
	q := lsBool(in.Sf) << 30
	return base | q | imm5<<16 | imm4<<11 | n<<5 | d, nil
}

// encodeEXT encodes EXT: 0 Q 101110 00 0 Rm 0 imm4 0 Rn Rd; the byte index
// Imm must lie within the vector (0..7 for 8B).
func encodeEXT(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRd|lsHasRn|lsHasRm|lsHasSf|lsHasImm); err != nil {
		return 0, err
	}
	hi := int64(7)
	if in.Sf {
		hi = 15
	}
	if in.Imm < 0 || in.Imm > hi {
		return 0, encodeError(in.Op, "byte index Imm %d is not in 0..%d", in.Imm, hi)
	}
	regs, err := simdVRegs(in, true)
	if err != nil {
		return 0, err
	}
	return 0x2e000000 | lsBool(in.Sf)<<30 | uint32(in.Imm)<<11 | regs, nil
}

// encodeTable encodes TBL and TBX: 0 Q 001110 00 0 Rm 0 len op 00 Rn Rd,
// Imm2 the number of table registers (len+1).
func encodeTable(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRd|lsHasRn|lsHasRm|lsHasSf|lsHasImm2); err != nil {
		return 0, err
	}
	if in.Imm2 < 1 || in.Imm2 > 4 {
		return 0, encodeError(in.Op, "table register count Imm2 %d is not in 1..4", in.Imm2)
	}
	regs, err := simdVRegs(in, true)
	if err != nil {
		return 0, err
	}
	base := uint32(0x0e000000)
	if in.Op == TBX {
		base = 0x0e001000
	}
	return base | lsBool(in.Sf)<<30 | uint32(in.Imm2-1)<<13 | regs, nil
}

// simdShiftBase is the vector word of each shift by immediate, whether it
// shifts left (immh:immb = esize + shift) and whether it has a scalar D
// form.
var simdShiftBase = map[Op]struct {
	base   uint32
	left   bool
	scalar bool
}{
	SSHR: {0x0f000400, false, true}, USHR: {0x2f000400, false, true},
	SSRA: {0x0f001400, false, true}, USRA: {0x2f001400, false, true},
	SRI: {0x2f004400, false, true}, SHL: {0x0f005400, true, true},
	SLI: {0x2f005400, true, true}, SHRN: {0x0f008400, false, false},
	SSHLL: {0x0f00a400, true, false}, USHLL: {0x2f00a400, true, false},
}

// encodeShiftImm encodes the shifts by immediate: 0 Q U 011110 immh immb
// opcode 1 Rn Rd, and the scalar D forms 01 U 111110 immh immb opcode 1 Rn
// Rd. immh's highest set bit is the element size; right shifts are 1..esize
// (immh:immb = 2*esize - shift), left shifts 0..esize-1 (esize + shift).
// SHRN (Sf: SHRN2) narrows from Size+1, SSHLL/USHLL (Sf: the "2" forms)
// widen to Size+1: both have Size 0..2 with either Q.
func encodeShiftImm(in *Inst) (uint32, error) {
	f := simdShiftBase[in.Op]
	if err := lsCheckUnused(in, lsHasRd|lsHasRn|lsHasSf|lsHasSize|lsHasImm); err != nil {
		return 0, err
	}
	var sz uint32 // Q and the scalar bit
	switch {
	case in.Op == SHRN || in.Op == SSHLL || in.Op == USHLL:
		if in.Size > 2 {
			return 0, encodeError(in.Op, "element Size %d, want 0..2", in.Size)
		}
		sz = lsBool(in.Sf) << 30
	default:
		v, err := simdSize(in, 3, f.scalar)
		if err != nil {
			return 0, err
		}
		sz = v &^ (3 << 22) // the size goes into immh
	}
	esize := int64(8) << in.Size
	var immhb int64
	if f.left {
		if in.Imm < 0 || in.Imm >= esize {
			return 0, encodeError(in.Op, "shift Imm %d is not in 0..%d", in.Imm, esize-1)
		}
		immhb = esize + in.Imm
	} else {
		if in.Imm < 1 || in.Imm > esize {
			return 0, encodeError(in.Op, "shift Imm %d is not in 1..%d", in.Imm, esize)
		}
		immhb = 2*esize - in.Imm
	}
	regs, err := simdVRegs(in, false)
	if err != nil {
		return 0, err
	}
	return f.base | sz | uint32(immhb)<<16 | regs, nil
}
