package arm64

import "reflect"

// Encoders of the pointer authentication forms of decode_pac.go (Arm ARM
// C4.1, "Data-processing (1 source)", "Data-processing (2 source)",
// "Load/store register (pac)"). All are 64-bit only.

func init() {
	// PACIA..AUTDB <Xd>, <Xn|SP>: opcode 000000..000111.
	for op := PACIA; op <= AUTDB; op++ {
		registerEncoder(op, encodePACMod(0xdac10000|uint32(op-PACIA)<<10))
	}
	// PACIZA..AUTDZB <Xd>: opcode 001000..001111, Rn=11111.
	for op := PACIZA; op <= AUTDZB; op++ {
		registerEncoder(op, encodePACRd(0xdac103e0|uint32(op-PACIA)<<10))
	}
	// XPACI <Xd>
	registerEncoder(XPACI, encodePACRd(0xdac143e0))
	// XPACD <Xd>
	registerEncoder(XPACD, encodePACRd(0xdac147e0))
	// PACGA <Xd>, <Xn>, <Xm|SP>
	registerEncoder(PACGA, encodePACGA)
	// LDRAA <Xt>, [<Xn|SP>{, #<simm>}]{!}
	registerEncoder(LDRAA, encodeLDRA(0xf8200400))
	// LDRAB <Xt>, [<Xn|SP>{, #<simm>}]{!}
	registerEncoder(LDRAB, encodeLDRA(0xf8a00400))
}

// encodePACMod: PACIA..AUTDB: Rn (the modifier, SP for 31), Rd.
func encodePACMod(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.only64(in.Sf)
		e.regZR("Rd", in.Rd, true, 0)
		e.regSP("Rn", in.Rn, true, 5)
		return e.pacDone(in)
	}
}

// encodePACRd: PACIZA..AUTDZB, XPACI, XPACD: Rd only (base holds Rn=11111).
func encodePACRd(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.only64(in.Sf)
		e.regZR("Rd", in.Rd, true, 0)
		return e.pacDone(in)
	}
}

// encodePACGA: PACGA (Arm ARM C6.2, PACGA): Rm (the modifier, SP for 31),
// Rn, Rd.
func encodePACGA(in *Inst) (uint32, error) {
	e := newFieldEnc(in, 0x9ac03000)
	e.only64(in.Sf)
	e.regZR("Rd", in.Rd, true, 0)
	e.regZR("Rn", in.Rn, true, 5)
	e.regSP("Rm", in.Rm, true, 16)
	return e.pacDone(in)
}

// encodeLDRA: LDRAA, LDRAB (Arm ARM C6.2, LDRAA, LDRAB): a doubleword load
// whose offset S:imm9 is in units of 8 bytes, -4096..4088; W=1 for the
// pre-indexed form.
func encodeLDRA(base uint32) func(in *Inst) (uint32, error) {
	return func(in *Inst) (uint32, error) {
		e := newFieldEnc(in, base)
		e.only64(in.Sf)
		if in.Size != 3 {
			e.failf("size %d not allowed (a doubleword load: size 3)", in.Size)
		}
		switch in.Mode {
		case AddrOffset:
		case AddrPreIndex:
			e.put(1, 11)
		default:
			e.failf("addressing mode %d not allowed (offset or pre-index)", in.Mode)
		}
		e.regZR("Rt", in.Rt, true, 0)
		e.regSP("Rn", in.Rn, true, 5)
		off := e.offset("offset", in.Imm, 10, 3)
		e.put(off&0x1ff, 12)
		e.put(off>>9, 22)
		return e.pacDone(in)
	}
}

// pacDone finishes a PAC encoder: the word, unless an operand did not fit
// or in sets a field the op does not have (inst.go: fields an op does not
// use are zero). Such a field would be dropped silently, hiding the
// caller's mistake, so it is refused: the word must decode to in exactly.
func (e *fieldEnc) pacDone(in *Inst) (uint32, error) {
	w, err := e.done()
	if err != nil {
		return 0, err
	}
	back, err := Decode(w)
	if err != nil {
		return 0, encodeError(in.Op, "the word %#08x does not decode: %v", w, err)
	}
	want := *in
	want.Word = w
	if back == want {
		return w, nil
	}
	got, exp := reflect.ValueOf(back), reflect.ValueOf(want)
	for i := range exp.NumField() {
		if !got.Field(i).Equal(exp.Field(i)) {
			return 0, encodeError(in.Op, "%s %v is not an operand of %v (leave it zero)",
				exp.Type().Field(i).Name, exp.Field(i), in.Op)
		}
	}
	return 0, encodeError(in.Op, "the word %#08x does not decode to the instruction", w)
}
