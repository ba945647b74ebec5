package arm64

import "fmt"

// Synchronization loads and stores of general-purpose registers: the
// exclusives, load-acquire/store-release, LDAPR (FEAT_LRCPC) and the LSE
// atomics (FEAT_LSE). Arm ARM C4.1, "Loads and Stores": "Load/store
// exclusive register", "Load/store exclusive pair", "Load/store ordered",
// "Compare and swap", "Compare and swap pair", "Atomic memory operations".
//
// One op per manual instruction, sizes and orderings in fields: LDXR is
// LDXR, LDXRB, LDXRH, LDAXR, LDAXRB and LDAXRH (Size; Acquire for the A
// forms), LDADD is LDADD{,A,L,AL}{,B,H} (Size, Acquire, Release), and so on.
//
// Field use: Rn the address (SP for 31), Rt the transferred or result
// register, Rt2 the second register of a pair (CASP: Rt+1), Rs the status
// register of a store-exclusive or the source/compare register of an atomic
// (CASP: Rs and Rs+1). Sf is true for X registers.
//
// Not decoded (UNDEFINED): LDLAR/STLLR (FEAT_LOR, which kpemu does not
// model), LDAPUR/STLUR and relatives (FEAT_LRCPC2: no feature flag), and
// the later extensions of these encoding spaces (LSE128, RCpc3, LS64, THE).
const (
	LDXR   Op = Op(ClassLdSt)*opsPerClass + atomicBase + iota // LDXR/LDAXR (B, H, W, X)
	STXR                                                      // STXR/STLXR (B, H, W, X)
	LDXP                                                      // LDXP/LDAXP (W, X pairs)
	STXP                                                      // STXP/STLXP
	LDAR                                                      // LDAR (B, H, W, X)
	STLR                                                      // STLR
	LDAPR                                                     // LDAPR (B, H, W, X), FEAT_LRCPC
	CAS                                                       // CAS{,A,L,AL}{,B,H}
	CASP                                                      // CASP{,A,L,AL} (W, X pairs)
	LDADD                                                     // LDADD{,A,L,AL}{,B,H}; STADD is Rt = ZR
	LDCLR                                                     // LDCLR...
	LDEOR                                                     // LDEOR...
	LDSET                                                     // LDSET...
	LDSMAX                                                    // LDSMAX...
	LDSMIN                                                    // LDSMIN...
	LDUMAX                                                    // LDUMAX...
	LDUMIN                                                    // LDUMIN...
	SWP                                                       // SWP{,A,L,AL}{,B,H}
)

// atomicBase is the index of LDXR in the class's block of ops.
const atomicBase = 64

func init() {
	names := make([]string, atomicBase, atomicBase+20)
	names = append(names, "LDXR", "STXR", "LDXP", "STXP", "LDAR", "STLR", "LDAPR",
		"CAS", "CASP", "LDADD", "LDCLR", "LDEOR", "LDSET", "LDSMAX", "LDSMIN",
		"LDUMAX", "LDUMIN", "SWP")
	registerOps(ClassLdSt, names)

	registerEncodings(ClassLdSt, []encoding{
		// Load/store exclusive and ordered: size 001000 o2 L o1 Rs o0 Rt2 Rn Rt.
		// STXR{B,H} <Ws>, <Wt>, [<Xn|SP>{, #0}] (o0 = 1: STLXR)
		{0x3fe00000, 0x08000000, STXR, decodeExclusive},
		// LDXR{B,H} <Wt>, [<Xn|SP>{, #0}] (o0 = 1: LDAXR)
		{0x3fe00000, 0x08400000, LDXR, decodeExclusive},
		// STXP <Ws>, <Xt1>, <Xt2>, [<Xn|SP>{, #0}] (size 1x; o0 = 1: STLXP)
		{0xbfe00000, 0x88200000, STXP, decodeExclusive},
		// LDXP <Xt1>, <Xt2>, [<Xn|SP>{, #0}] (o0 = 1: LDAXP)
		{0xbfe00000, 0x88600000, LDXP, decodeExclusive},
		// CASP{A,L,AL} <Xs>, <X(s+1)>, <Xt>, <X(t+1)>, [<Xn|SP>{, #0}] (size 0x)
		{0xbfa07c00, 0x08207c00, CASP, decodeCAS},
		// STLR{B,H} <Wt>, [<Xn|SP>{, #0}]
		{0x3fe08000, 0x08808000, STLR, decodeExclusive},
		// LDAR{B,H} <Wt>, [<Xn|SP>{, #0}]. Unlike the other forms, its
		// should-be-one Rs and Rt2 must be ones (except Rs bit 4, see
		// decodeExclusive), as GNU objdump requires.
		{0x3feffc00, 0x08cffc00, LDAR, decodeExclusive},
		// CAS{A,L,AL}{B,H} <Ws>, <Wt>, [<Xn|SP>{, #0}]
		{0x3fa07c00, 0x08a07c00, CAS, decodeCAS},

		// Atomic memory operations: size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt.
		// LDAPR{B,H} <Wt>, [<Xn|SP> {, #0}]
		{0x3ffffc00, 0x38bfc000, LDAPR, decodeLDAPR},
		// SWP{A,L,AL}{B,H} <Ws>, <Wt>, [<Xn|SP>]
		{0x3f20fc00, 0x38208000, SWP, decodeAtomic},
		// LDADD{A,L,AL}{B,H} <Ws>, <Wt>, [<Xn|SP>] and the others, by opc.
		{0x3f20fc00, 0x38200000, LDADD, decodeAtomic},
		{0x3f20fc00, 0x38201000, LDCLR, decodeAtomic},
		{0x3f20fc00, 0x38202000, LDEOR, decodeAtomic},
		{0x3f20fc00, 0x38203000, LDSET, decodeAtomic},
		{0x3f20fc00, 0x38204000, LDSMAX, decodeAtomic},
		{0x3f20fc00, 0x38205000, LDSMIN, decodeAtomic},
		{0x3f20fc00, 0x38206000, LDUMAX, decodeAtomic},
		{0x3f20fc00, 0x38207000, LDUMIN, decodeAtomic},
	})

	// The software step exception reports stepping a load-exclusive.
	opLoadExclusive[LDXR] = true
	opLoadExclusive[LDXP] = true

	for _, op := range []Op{LDXR, STXR, LDXP, STXP, LDAR, STLR, LDAPR} {
		registerPrinter(op, printExclusive)
	}
	registerPrinter(CAS, printCAS)
	registerPrinter(CASP, printCAS)
	for _, op := range []Op{SWP, LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN} {
		registerPrinter(op, printAtomic)
	}
}

// decodeExclusive decodes the exclusives and LDAR/STLR. The Rs field of the
// loads and of STLR, and the Rt2 field of the single-register forms, are
// should-be-one: other values are CONSTRAINED UNPREDICTABLE (the Arm ARM's
// SBO rule: UNDEFINED, or as if the field were all ones), and kpemu, like
// QEMU and GNU objdump, ignores them. LDAR follows objdump (binutils
// 2.40), which calls other values undefined (a permitted choice) except
// for bit 20 (Rs bit 4) of LDAR, LDARB and 64-bit LDAR.
func decodeExclusive(w uint32, in *Inst) error {
	in.Size = uint8(bits(w, 31, 30))
	if in.Op == LDAR && in.Size == 1 && !bit(w, 20) {
		return unallocated("LDARH with Rs != 11111")
	}
	in.Rt, in.Rn = zr(rd(w)), sp(rn(w))
	o0 := bit(w, 15)
	switch in.Op {
	case STXR, STXP:
		in.Rs, in.Release = zr(rm(w)), o0
	case LDXR, LDXP:
		in.Acquire = o0
	case LDAR:
		in.Acquire = true
	case STLR:
		in.Release = true
	}
	if in.Op == LDXP || in.Op == STXP {
		// Pairs: size 10 is a W pair, 11 an X pair; Size is the size of
		// one register.
		in.Rt2 = zr(uint8(bits(w, 14, 10)))
	}
	in.Sf = in.Size == 3
	return nil
}

// decodeCAS decodes CAS and CASP: L (bit 22) is acquire, o0 (bit 15)
// release. CASP takes register pairs, so Rs and Rt must be even.
func decodeCAS(w uint32, in *Inst) error {
	in.Rs, in.Rt, in.Rn = zr(rm(w)), zr(rd(w)), sp(rn(w))
	in.Acquire, in.Release = bit(w, 22), bit(w, 15)
	if in.Op == CASP {
		if in.Rs&1 != 0 || in.Rt&1 != 0 {
			return unallocated("CASP with an odd register")
		}
		in.Size = 2 + uint8(bits(w, 30, 30))
		in.Rt2 = in.Rt + 1 // X30+1 is XZR
	} else {
		in.Size = uint8(bits(w, 31, 30))
	}
	in.Sf = in.Size == 3
	return nil
}

func decodeLDAPR(w uint32, in *Inst) error {
	in.Size = uint8(bits(w, 31, 30))
	in.Rt, in.Rn = zr(rd(w)), sp(rn(w))
	in.Acquire, in.Sf = true, in.Size == 3
	return nil
}

// decodeAtomic decodes SWP and LDADD...LDUMIN: A (bit 23) is acquire,
// R (bit 22) release.
func decodeAtomic(w uint32, in *Inst) error {
	in.Size = uint8(bits(w, 31, 30))
	in.Rs, in.Rt, in.Rn = zr(rm(w)), zr(rd(w)), sp(rn(w))
	in.Acquire, in.Release = bit(w, 23), bit(w, 22)
	in.Sf = in.Size == 3
	return nil
}

// ldstSizeSuffix is the B or H suffix of byte and halfword forms.
func ldstSizeSuffix(size uint8) string {
	switch size {
	case 0:
		return "b"
	case 1:
		return "h"
	}
	return ""
}

// atomicOrderSuffix is the ordering suffix of the LSE atomics: A, L or AL.
func atomicOrderSuffix(in *Inst) string {
	switch {
	case in.Acquire && in.Release:
		return "al"
	case in.Acquire:
		return "a"
	case in.Release:
		return "l"
	}
	return ""
}

// ldstBaseOnly prints a [Xn|SP] operand.
func ldstBaseOnly(in *Inst) string { return "[" + in.Rn.GNU(true) + "]" }

func printExclusive(in *Inst) string {
	var mn string
	switch in.Op {
	case LDXR:
		mn = "ldxr"
		if in.Acquire {
			mn = "ldaxr"
		}
	case STXR:
		mn = "stxr"
		if in.Release {
			mn = "stlxr"
		}
	case LDXP:
		mn = "ldxp"
		if in.Acquire {
			mn = "ldaxp"
		}
	case STXP:
		mn = "stxp"
		if in.Release {
			mn = "stlxp"
		}
	case LDAR:
		mn = "ldar"
	case STLR:
		mn = "stlr"
	case LDAPR:
		mn = "ldapr"
	}
	if in.Op != LDXP && in.Op != STXP {
		mn += ldstSizeSuffix(in.Size)
	}
	s := mn + "\t"
	if in.Op == STXR || in.Op == STXP {
		s += in.Rs.GNU(false) + ", "
	}
	s += in.Rt.GNU(in.Sf) + ", "
	if in.Op == LDXP || in.Op == STXP {
		s += in.Rt2.GNU(in.Sf) + ", "
	}
	return s + ldstBaseOnly(in)
}

func printCAS(in *Inst) string {
	mn := "cas"
	if in.Op == CASP {
		mn = "casp"
	}
	mn += atomicOrderSuffix(in) + ldstSizeSuffix(in.Size)
	if in.Op == CASP {
		return fmt.Sprintf("%s\t%s, %s, %s, %s, %s", mn,
			in.Rs.GNU(in.Sf), (in.Rs + 1).GNU(in.Sf),
			in.Rt.GNU(in.Sf), in.Rt2.GNU(in.Sf), ldstBaseOnly(in))
	}
	return mn + "\t" + in.Rs.GNU(in.Sf) + ", " + in.Rt.GNU(in.Sf) + ", " + ldstBaseOnly(in)
}

var atomicNames = [...]string{
	LDADD - LDADD: "add", LDCLR - LDADD: "clr", LDEOR - LDADD: "eor",
	LDSET - LDADD: "set", LDSMAX - LDADD: "smax", LDSMIN - LDADD: "smin",
	LDUMAX - LDADD: "umax", LDUMIN - LDADD: "umin",
}

// printAtomic prints SWP and LDADD...LDUMIN. GNU objdump prints the
// ST<op> alias (Arm ARM: STADD is LDADD with Rt = ZR) for the forms without
// acquire, whose result is discarded.
func printAtomic(in *Inst) string {
	if in.Op == SWP {
		return "swp" + atomicOrderSuffix(in) + ldstSizeSuffix(in.Size) + "\t" +
			in.Rs.GNU(in.Sf) + ", " + in.Rt.GNU(in.Sf) + ", " + ldstBaseOnly(in)
	}
	name := atomicNames[in.Op-LDADD]
	if in.Rt == ZR && !in.Acquire {
		return "st" + name + atomicOrderSuffix(in) + ldstSizeSuffix(in.Size) + "\t" +
			in.Rs.GNU(in.Sf) + ", " + ldstBaseOnly(in)
	}
	return "ld" + name + atomicOrderSuffix(in) + ldstSizeSuffix(in.Size) + "\t" +
		in.Rs.GNU(in.Sf) + ", " + in.Rt.GNU(in.Sf) + ", " + ldstBaseOnly(in)
}
