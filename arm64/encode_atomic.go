package arm64

// Encoders of the synchronization loads and stores (decode_atomic.go): the
// exclusives, LDAR/STLR, LDAPR, CAS/CASP and the LSE atomics. Arm ARM C4.1
// "Load/store exclusive register", "Load/store exclusive pair", "Load/store
// ordered", "Compare and swap (pair)", "Atomic memory operations".
//
// Should-be-one fields (Rs of the loads and of STLR, Rt2 of the
// single-register forms) are written as ones, their canonical form.

func init() {
	for _, op := range []Op{LDXR, STXR, LDXP, STXP, LDAR, STLR} {
		registerEncoder(op, encodeExclusive)
	}
	registerEncoder(LDAPR, encodeLDAPR)
	registerEncoder(CAS, encodeCAS)
	registerEncoder(CASP, encodeCAS)
	for _, op := range []Op{SWP, LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN} {
		registerEncoder(op, encodeAtomic)
	}
}

// lsAtomicSize checks Size against the sizes the op has and Sf against
// Size (Sf says the registers are X registers: Size 3), and returns Size.
func lsAtomicSize(in *Inst, pair bool) (uint32, error) {
	switch {
	case pair && in.Size != 2 && in.Size != 3:
		return 0, encodeError(in.Op, "Size %d, want 2 (W pair) or 3 (X pair)", in.Size)
	case in.Size > 3:
		return 0, encodeError(in.Op, "Size %d, want 0..3 (B, H, W, X)", in.Size)
	case in.Sf != (in.Size == 3):
		return 0, encodeError(in.Op, "Sf %v with Size %d: only a doubleword transfers an X register", in.Sf, in.Size)
	}
	return uint32(in.Size), nil
}

// lsAtomicOrder checks the orderings an op can have: acq and rel say
// whether Acquire and Release may be set, mustAcq and mustRel whether they
// must (LDAR always acquires, STLR always releases).
func lsAtomicOrder(in *Inst, acq, rel, mustAcq, mustRel bool) error {
	switch {
	case in.Acquire && !acq:
		return encodeError(in.Op, "has no acquire form")
	case in.Release && !rel:
		return encodeError(in.Op, "has no release form")
	case !in.Acquire && mustAcq:
		return encodeError(in.Op, "always has acquire semantics: Acquire must be set")
	case !in.Release && mustRel:
		return encodeError(in.Op, "always has release semantics: Release must be set")
	}
	return nil
}

func lsBool(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// encodeExclusive encodes size 001000 o2 L o1 Rs o0 Rt2 Rn Rt: LDXR/LDAXR
// (o2 L o1 = 010, o0 acquire), STXR/STLXR (000, o0 release), LDXP/LDAXP
// (011, size 1x), STXP/STLXP (001), LDAR (110, o0 1), STLR (100, o0 1).
func encodeExclusive(in *Inst) (uint32, error) {
	used := lsHasRn | lsHasRt | lsHasSize | lsHasSf | lsHasMode | lsHasAcquire | lsHasRelease
	var fixed uint32 // o2 L o1 and the should-be-one fields
	var rs, rt2 uint32 = 31, 31
	pair := in.Op == LDXP || in.Op == STXP
	var err error
	switch in.Op {
	case LDXR:
		fixed, err = 0x08400000, lsAtomicOrder(in, true, false, false, false)
	case STXR:
		used |= lsHasRs
		fixed, err = 0x08000000, lsAtomicOrder(in, false, true, false, false)
	case LDXP:
		used |= lsHasRt2
		fixed, err = 0x08600000, lsAtomicOrder(in, true, false, false, false)
	case STXP:
		used |= lsHasRs | lsHasRt2
		fixed, err = 0x08200000, lsAtomicOrder(in, false, true, false, false)
	case LDAR:
		fixed, err = 0x08c08000, lsAtomicOrder(in, true, false, true, false)
	case STLR:
		fixed, err = 0x08808000, lsAtomicOrder(in, false, true, false, true)
	}
	if err != nil {
		return 0, err
	}
	if err := lsCheckUnused(in, used); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrNone); err != nil {
		return 0, err
	}
	size, err := lsAtomicSize(in, pair)
	if err != nil {
		return 0, err
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	if in.Op == STXR || in.Op == STXP {
		if rs, err = lsRegZR(in, "status register Rs", in.Rs); err != nil {
			return 0, err
		}
	}
	if pair {
		if rt2, err = lsRegZR(in, "second transfer register Rt2", in.Rt2); err != nil {
			return 0, err
		}
	}
	o0 := lsBool(in.Acquire || in.Release)
	return fixed | size<<30 | rs<<16 | o0<<15 | rt2<<10 | regs, nil
}

// encodeLDAPR encodes LDAPR: size 111 0 00 1 0 1 11111 1 100 00 Rn Rt.
func encodeLDAPR(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasSize|lsHasSf|lsHasMode|lsHasAcquire); err != nil {
		return 0, err
	}
	if err := lsAtomicOrder(in, true, false, true, false); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrNone); err != nil {
		return 0, err
	}
	size, err := lsAtomicSize(in, false)
	if err != nil {
		return 0, err
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	return 0x38bfc000 | size<<30 | regs, nil
}

// encodeCAS encodes CAS (size 001000 1 L 1 Rs o0 11111 Rn Rt) and CASP
// (0 sz 001000 0 L 1 Rs o0 11111 Rn Rt): L acquire, o0 release. CASP
// takes the even registers of two pairs; Rt2 is Rt+1 (X30's partner is
// XZR), as the decoder gives it.
func encodeCAS(in *Inst) (uint32, error) {
	used := lsHasRn | lsHasRt | lsHasRs | lsHasSize | lsHasSf | lsHasMode | lsHasAcquire | lsHasRelease
	if in.Op == CASP {
		used |= lsHasRt2
	}
	if err := lsCheckUnused(in, used); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrNone); err != nil {
		return 0, err
	}
	size, err := lsAtomicSize(in, in.Op == CASP)
	if err != nil {
		return 0, err
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	s, err := lsRegZR(in, "compare register Rs", in.Rs)
	if err != nil {
		return 0, err
	}
	order := lsBool(in.Acquire)<<22 | lsBool(in.Release)<<15
	if in.Op == CAS {
		return 0x08a07c00 | size<<30 | s<<16 | order | regs, nil
	}
	if in.Rs&1 != 0 {
		return 0, encodeError(in.Op, "compare register Rs is %s, want an even register x0..x30", lsRegName(in.Rs))
	}
	if in.Rt&1 != 0 {
		return 0, encodeError(in.Op, "transfer register Rt is %s, want an even register x0..x30", lsRegName(in.Rt))
	}
	if in.Rt2 != in.Rt+1 {
		return 0, encodeError(in.Op, "second transfer register Rt2 is %s, want %s (Rt+1)",
			lsRegName(in.Rt2), lsRegName(in.Rt+1))
	}
	return 0x08207c00 | (size&1)<<30 | s<<16 | order | regs, nil
}

// lsAtomicOpc is the o3:opc field of the atomic memory operations.
var lsAtomicOpc = map[Op]uint32{
	LDADD: 0b0000, LDCLR: 0b0001, LDEOR: 0b0010, LDSET: 0b0011,
	LDSMAX: 0b0100, LDSMIN: 0b0101, LDUMAX: 0b0110, LDUMIN: 0b0111, SWP: 0b1000,
}

// encodeAtomic encodes SWP and LDADD...LDUMIN: size 111 0 00 A R 1 Rs o3
// opc 00 Rn Rt, A acquire, R release. The ST<op> aliases are Rt = ZR.
func encodeAtomic(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRs|lsHasSize|lsHasSf|lsHasMode|lsHasAcquire|lsHasRelease); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrNone); err != nil {
		return 0, err
	}
	size, err := lsAtomicSize(in, false)
	if err != nil {
		return 0, err
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	s, err := lsRegZR(in, "source register Rs", in.Rs)
	if err != nil {
		return 0, err
	}
	order := lsBool(in.Acquire)<<23 | lsBool(in.Release)<<22
	return 0x38200000 | size<<30 | order | s<<16 | lsAtomicOpc[in.Op]<<12 | regs, nil
}
