package arm64

import mbits "math/bits"

// Encoders of data processing - immediate (Arm ARM C4.1, "Data Processing
// -- Immediate"), the inverse of decode_dpimm.go, and the field builder
// that the encoders of the integer classes (encode_dpreg.go,
// encode_branch.go, encode_system.go) share.

func init() {
	// ADR <Xd>, <label>
	registerEncoder(ADR, encodePCRel(0x10000000, 0))
	// ADRP <Xd>, <label>
	registerEncoder(ADRP, encodePCRel(0x90000000, 12))

	// ADD <Wd|WSP>, <Wn|WSP>, #<imm>{, <shift>} (and the X form)
	registerEncoder(ADDimm, encodeAddSubImm(0x11000000))
	// ADDS <Wd>, <Wn|WSP>, #<imm>{, <shift>}
	registerEncoder(ADDSimm, encodeAddSubImm(0x31000000))
	// SUB <Wd|WSP>, <Wn|WSP>, #<imm>{, <shift>}
	registerEncoder(SUBimm, encodeAddSubImm(0x51000000))
	// SUBS <Wd>, <Wn|WSP>, #<imm>{, <shift>}
	registerEncoder(SUBSimm, encodeAddSubImm(0x71000000))

	// AND <Wd|WSP>, <Wn>, #<imm>
	registerEncoder(ANDimm, encodeLogicalImm(0x12000000))
	// ORR <Wd|WSP>, <Wn>, #<imm>
	registerEncoder(ORRimm, encodeLogicalImm(0x32000000))
	// EOR <Wd|WSP>, <Wn>, #<imm>
	registerEncoder(EORimm, encodeLogicalImm(0x52000000))
	// ANDS <Wd>, <Wn>, #<imm>
	registerEncoder(ANDSimm, encodeLogicalImm(0x72000000))

	// MOVN <Wd>, #<imm>{, LSL #<shift>}
	registerEncoder(MOVN, encodeMoveWide(0x12800000))
	// MOVZ <Wd>, #<imm>{, LSL #<shift>}
	registerEncoder(MOVZ, encodeMoveWide(0x52800000))
	// MOVK <Wd>, #<imm>{, LSL #<shift>}
	registerEncoder(MOVK, encodeMoveWide(0x72800000))

	// SBFM <Wd>, <Wn>, #<immr>, #<imms>
	registerEncoder(SBFM, encodeBitfield(0x13000000))
	// BFM <Wd>, <Wn>, #<immr>, #<imms>
	registerEncoder(BFM, encodeBitfield(0x33000000))
	// UBFM <Wd>, <Wn>, #<immr>, #<imms>
	registerEncoder(UBFM, encodeBitfield(0x53000000))

	// EXTR <Wd>, <Wn>, <Wm>, #<lsb>
	registerEncoder(EXTR, encodeExtract)
}

// encodePCRel: ADR and ADRP (Arm ARM C6.2, ADR and ADRP): immhi:immlo is
// the offset in bytes (ADR, ±1 MiB) or in 4 KiB pages (ADRP, ±4 GiB).
func encodePCRel(base uint32, pageShift uint) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.only64(in.Sf)
		e.regZR("Rd", in.Rd, true, 0)
		imm := e.offset("offset", in.Imm, 21, pageShift)
		e.put(imm&3, 29)
		e.put(imm>>2, 5)
		return e.done()
	}
}

// encodeAddSubImm: ADD/ADDS/SUB/SUBS (immediate) (Arm ARM C6.2, ADD
// (immediate)): sf, sh, imm12, Rn (SP-capable), Rd (SP-capable unless S).
// Imm is the value added, so with LSL #12 (Amount 12) it is imm12<<12.
func encodeAddSubImm(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		if base&(1<<29) != 0 { // S: the flag-setting forms write ZR
			e.regZR("Rd", in.Rd, in.Sf, 0)
		} else {
			e.regSP("Rd", in.Rd, in.Sf, 0)
		}
		e.regSP("Rn", in.Rn, in.Sf, 5)
		switch in.Amount {
		case 0:
			e.put(e.uimm("immediate", in.Imm, 4095), 10)
		case 12:
			if in.Imm&0xfff != 0 {
				e.failf("immediate %#x with lsl #12 is not a multiple of 0x1000", in.Imm)
			}
			e.put(e.uimmRange("immediate", in.Imm, 0, 0xfff000, "%#x")>>12, 10)
			e.put(1, 22)
		default:
			e.failf("shift amount %d not allowed (lsl #0 or lsl #12)", in.Amount)
		}
		return e.done()
	}
}

// encodeLogicalImm: AND/ORR/EOR/ANDS (immediate) (Arm ARM C6.2, AND
// (immediate)): sf, N, immr, imms, Rn (ZR), Rd (SP-capable unless ANDS).
// Imm is the value of the mask; a 32-bit form also takes it
// sign-extended from 32 bits, as GNU as does (and w0, w1, #-16).
func encodeLogicalImm(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		if base == 0x72000000 { // ANDS
			e.regZR("Rd", in.Rd, in.Sf, 0)
		} else {
			e.regSP("Rd", in.Rd, in.Sf, 0)
		}
		e.regZR("Rn", in.Rn, in.Sf, 5)
		width := uint(64)
		v := uint64(in.Imm)
		if !in.Sf {
			width = 32
			if hi := v >> 32; hi != 0 && (hi != 0xffffffff || v&(1<<31) == 0) {
				e.failf("immediate %#x does not fit a 32-bit register", v)
			}
			v = uint64(uint32(v))
		}
		if e.err == nil {
			n, immr, imms, ok := encodeBitMasks(v, width)
			if !ok {
				e.failf("immediate %#x is not a valid bitmask immediate", v)
			}
			e.put(n, 22)
			e.put(immr, 16)
			e.put(imms, 10)
		}
		return e.done()
	}
}

// encodeBitMasks is the inverse of decodeBitMasks (Arm ARM pseudocode
// DecodeBitMasks): the N:immr:imms of a logical immediate whose value,
// in a register of width bits, is v. The value must be a replicated
// element of 2, 4, ..., 64 bits holding one rotated run of ones that is
// neither empty nor the whole element; the smallest such element is the
// only one (a run of ones in an element is never also periodic in half
// of it), and immr is the rotation within it, below the element size.
func encodeBitMasks(v uint64, width uint) (n, immr, imms uint32, ok bool) {
	if width == 32 {
		v = uint64(uint32(v))
		v |= v << 32
	}
	if v == 0 || v == ^uint64(0) {
		return 0, 0, 0, false
	}
	esize := uint(64)
	for esize > 2 {
		half := esize / 2
		if mbits.RotateLeft64(v, int(half)) != v {
			break
		}
		esize = half
	}
	elemMask := uint64(1)<<esize - 1
	if esize == 64 {
		elemMask = ^uint64(0)
	}
	elem := v & elemMask
	ones := uint(mbits.OnesCount64(elem))
	run := uint64(1)<<ones - 1
	for r := uint(0); r < esize; r++ {
		// DecodeBitMasks rotates the run right by immr: rotating the
		// element left by the same amount gives the run back.
		// (A shift by esize, for r = 0, gives 0 in Go.)
		if (elem<<r|elem>>(esize-r))&elemMask != run {
			continue
		}
		if esize == 64 {
			n = 1
		}
		// imms: the element size in its high bits (NOT of them, with N),
		// the run length minus one below.
		imms = uint32(^(2*esize-1))&0x3f | uint32(ones-1)
		return n, uint32(r), imms, true
	}
	return 0, 0, 0, false
}

// encodeMoveWide: MOVN/MOVZ/MOVK (Arm ARM C6.2, MOVZ): sf, hw, imm16, Rd
// (ZR). Imm is imm16 and Imm2 the shift, hw*16.
func encodeMoveWide(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		e.regZR("Rd", in.Rd, in.Sf, 0)
		e.put(e.uimm("immediate", in.Imm, 0xffff), 5)
		switch {
		case in.Imm2 == 0 || in.Imm2 == 16 || (in.Sf && (in.Imm2 == 32 || in.Imm2 == 48)):
			e.put(uint32(in.Imm2/16), 21)
		case in.Sf:
			e.failf("shift lsl #%d not allowed (0, 16, 32 or 48)", in.Imm2)
		default:
			e.failf("shift lsl #%d not allowed for a 32-bit register (0 or 16)", in.Imm2)
		}
		return e.done()
	}
}

// encodeBitfield: SBFM/BFM/UBFM (Arm ARM C6.2, SBFM): sf, N (= sf), immr,
// imms, Rn, Rd (all ZR).
func encodeBitfield(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.sf(in.Sf)
		e.regZR("Rd", in.Rd, in.Sf, 0)
		e.regZR("Rn", in.Rn, in.Sf, 5)
		top := e.regWidth(in.Sf) - 1
		e.put(e.uimm("immr", in.Imm, top), 16)
		e.put(e.uimm("imms", in.Imm2, top), 10)
		if in.Sf {
			e.put(1, 22)
		}
		return e.done()
	}
}

// encodeExtract: EXTR (Arm ARM C6.2, EXTR): sf, N (= sf), Rm, imms (the
// lsb), Rn, Rd.
func encodeExtract(in *Inst) (uint32, error) {
	e := newFieldEnc(in, 0x13800000)
	e.sf(in.Sf)
	e.regZR("Rd", in.Rd, in.Sf, 0)
	e.regZR("Rn", in.Rn, in.Sf, 5)
	e.regZR("Rm", in.Rm, in.Sf, 16)
	e.put(e.uimm("lsb", in.Imm2, e.regWidth(in.Sf)-1), 10)
	if in.Sf {
		e.put(1, 22)
	}
	return e.done()
}

// fieldEnc builds an instruction word field by field. Each operand check
// that fails records the first error, which done returns; the checks
// return 0 then, so that an encoder can go on without testing each one.
type fieldEnc struct {
	op  Op
	w   uint32
	err error
}

func newFieldEnc(in *Inst, base uint32) *fieldEnc { return &fieldEnc{op: in.Op, w: base} }

func (e *fieldEnc) failf(format string, args ...any) {
	if e.err == nil {
		e.err = encodeError(e.op, format, args...)
	}
}

// put ORs a checked field value into the word at bit lo.
func (e *fieldEnc) put(v uint32, lo uint) { e.w |= v << lo }

func (e *fieldEnc) done() (uint32, error) {
	if e.err != nil {
		return 0, e.err
	}
	return e.w, nil
}

// sf sets bit 31 for the 64-bit form.
func (e *fieldEnc) sf(sf bool) {
	if sf {
		e.put(1, 31)
	}
}

// only64 checks Sf of an instruction that has only a 64-bit form (its
// encoding has sf fixed at 1, and the decoder sets Sf).
func (e *fieldEnc) only64(sf bool) {
	if !sf {
		e.failf("no 32-bit form (Sf must be set)")
	}
}

func (e *fieldEnc) regWidth(sf bool) int64 {
	if sf {
		return 64
	}
	return 32
}

// regZR puts a register field in which encoding 31 is the zero register
// (<Wd>, <Xn>, ...): SP cannot be encoded there.
func (e *fieldEnc) regZR(name string, r Reg, sf bool, lo uint) {
	switch {
	case r <= ZR:
		e.put(uint32(r), lo)
	case r == SP:
		e.failf("register %s not allowed as %s (%s)", r.GNU(sf), name, regChoices(sf, ZR))
	default:
		e.failf("invalid register number %d as %s", r, name)
	}
}

// regSP puts a register field in which encoding 31 is the stack pointer
// (<Wd|WSP>, <Xn|SP>): ZR cannot be encoded there.
func (e *fieldEnc) regSP(name string, r Reg, sf bool, lo uint) {
	switch {
	case r < ZR:
		e.put(uint32(r), lo)
	case r == SP:
		e.put(31, lo)
	case r == ZR:
		e.failf("register %s not allowed as %s (%s)", r.GNU(sf), name, regChoices(sf, SP))
	default:
		e.failf("invalid register number %d as %s", r, name)
	}
}

// regChoices names the registers a field can hold, for error messages.
func regChoices(sf bool, r31 Reg) string {
	if sf {
		return "x0-x30 or " + r31.GNU(true)
	}
	return "w0-w30 or " + r31.GNU(false)
}

// uimm checks an unsigned field's value, 0..max, and returns it.
func (e *fieldEnc) uimm(what string, v, max int64) uint32 {
	return e.uimmRange(what, v, 0, max, "%d")
}

// uimmRange checks that lo <= v <= hi, writing the numbers in the
// verb's format in the error, and returns v.
func (e *fieldEnc) uimmRange(what string, v, lo, hi int64, verb string) uint32 {
	if v < lo || v > hi {
		e.failf("%s "+verb+" out of range "+verb+".."+verb, what, v, lo, hi)
		return 0
	}
	return uint32(v)
}

// offset checks a PC-relative offset in bytes that the encoding holds as
// a signed field of n bits in units of 1<<shift bytes (4 for branches,
// 4096 for ADRP), and returns the field.
func (e *fieldEnc) offset(what string, v int64, n, shift uint) uint32 {
	unit := int64(1) << shift
	if v&(unit-1) != 0 {
		e.failf("%s %#x is not a multiple of %d", what, v, unit)
		return 0
	}
	lo, hi := -(int64(1)<<(n-1))*unit, (int64(1)<<(n-1)-1)*unit
	if v < lo || v > hi {
		e.failf("%s %#x out of range %#x..%#x", what, v, lo, hi)
		return 0
	}
	return uint32(v>>shift) & (1<<n - 1)
}
