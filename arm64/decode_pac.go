package arm64

import (
	"fmt"
	"strings"
)

// Pointer authentication (FEAT_PAuth) outside the hint space: the
// data-processing (1 source) forms that add, check or strip a pointer
// authentication code (PACIA..AUTDB, their zero-modifier forms
// PACIZA..AUTDZB, XPACI, XPACD), the 2-source PACGA (Arm ARM C4.1,
// "Data-processing (1 source)" with sf=1, S=0, opcode2=00001, and
// "Data-processing (2 source)" opcode=001100), and the authenticated loads
// LDRAA/LDRAB (C4.1, "Load/store register (pac)"). The hint forms
// (PACIASP, AUTIASP, XPACLRI, ...) are HINT (decode_system.go), the
// authenticated branches BRAA..ERETAB are in decode_branch.go.
//
// kpemu decodes, prints and encodes them; it does not implement FEAT_PAuth
// (no QARMA), so they execute as UNDEFINED, as on a CPU without it.
//
// The ops sit at pacOpsBase in the blocks of their classes, clear of the
// classes' other ops. Field use (all 64-bit only: Sf is set):
//
//	PACIA..AUTDB    Rd (the pointer, source and destination; ZR for 31),
//	                Rn (the modifier; SP for 31)
//	PACIZA..AUTDZB  Rd (the modifier is zero; the Rn field is 11111)
//	XPACI, XPACD    Rd (the Rn field is 11111)
//	PACGA           Rd, Rn (ZR for 31), Rm (the modifier; SP for 31)
//	LDRAA, LDRAB    Rt (ZR for 31), Rn (SP for 31), Imm (the byte offset,
//	                S:imm9 scaled by 8: -4096..4088), Mode (AddrOffset,
//	                or AddrPreIndex for the writeback form), Size 3
const (
	PACIA Op = Op(ClassDPReg)*opsPerClass + pacOpsBase + iota
	PACIB
	PACDA
	PACDB
	AUTIA
	AUTIB
	AUTDA
	AUTDB
	PACIZA
	PACIZB
	PACDZA
	PACDZB
	AUTIZA
	AUTIZB
	AUTDZA
	AUTDZB
	XPACI
	XPACD
	PACGA
)

const (
	LDRAA Op = Op(ClassLdSt)*opsPerClass + pacOpsBase + iota
	LDRAB
)

// pacOpsBase is the index of the first PAC op in the blocks of
// ClassDPReg and ClassLdSt.
const pacOpsBase = 256

// pacDPNames are the mnemonics of PACIA..XPACD, in op order: the order of
// the 1-source opcode field (bits 15:10), PACIA 000000 to XPACD 010001.
var pacDPNames = [...]string{
	"pacia", "pacib", "pacda", "pacdb", "autia", "autib", "autda", "autdb",
	"paciza", "pacizb", "pacdza", "pacdzb", "autiza", "autizb", "autdza", "autdzb",
	"xpaci", "xpacd",
}

func init() {
	dp := make([]string, pacOpsBase, pacOpsBase+len(pacDPNames)+1)
	for _, n := range pacDPNames {
		dp = append(dp, strings.ToUpper(n))
	}
	registerOps(ClassDPReg, append(dp, "PACGA"))
	ls := make([]string, pacOpsBase, pacOpsBase+2)
	registerOps(ClassLdSt, append(ls, "LDRAA", "LDRAB"))

	// Data-processing (1 source): sf=1 S=0 11010110 opcode2=00001 opcode Rn Rd.
	registerEncodings(ClassDPReg, []encoding{
		// PACIA <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac10000, PACIA, decodePACMod},
		// PACIB <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac10400, PACIB, decodePACMod},
		// PACDA <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac10800, PACDA, decodePACMod},
		// PACDB <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac10c00, PACDB, decodePACMod},
		// AUTIA <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac11000, AUTIA, decodePACMod},
		// AUTIB <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac11400, AUTIB, decodePACMod},
		// AUTDA <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac11800, AUTDA, decodePACMod},
		// AUTDB <Xd>, <Xn|SP>
		{0xfffffc00, 0xdac11c00, AUTDB, decodePACMod},
		// The Z=1 forms need Rn=11111; other Rn values are unallocated
		// (no row matches them).
		// PACIZA <Xd>
		{0xffffffe0, 0xdac123e0, PACIZA, decodePACRd},
		// PACIZB <Xd>
		{0xffffffe0, 0xdac127e0, PACIZB, decodePACRd},
		// PACDZA <Xd>
		{0xffffffe0, 0xdac12be0, PACDZA, decodePACRd},
		// PACDZB <Xd>
		{0xffffffe0, 0xdac12fe0, PACDZB, decodePACRd},
		// AUTIZA <Xd>
		{0xffffffe0, 0xdac133e0, AUTIZA, decodePACRd},
		// AUTIZB <Xd>
		{0xffffffe0, 0xdac137e0, AUTIZB, decodePACRd},
		// AUTDZA <Xd>
		{0xffffffe0, 0xdac13be0, AUTDZA, decodePACRd},
		// AUTDZB <Xd>
		{0xffffffe0, 0xdac13fe0, AUTDZB, decodePACRd},
		// XPACI <Xd>
		{0xffffffe0, 0xdac143e0, XPACI, decodePACRd},
		// XPACD <Xd>
		{0xffffffe0, 0xdac147e0, XPACD, decodePACRd},

		// Data-processing (2 source): sf=1 S=0 11010110 Rm opcode=001100 Rn Rd.
		// PACGA <Xd>, <Xn>, <Xm|SP>
		{0xffe0fc00, 0x9ac03000, PACGA, decodePACGA},
	})

	// Load/store register (pac): size=11 111 V=0 00 M S 1 imm9 W 1 Rn Rt.
	registerEncodings(ClassLdSt, []encoding{
		// LDRAA <Xt>, [<Xn|SP>{, #<simm>}]
		{0xffa00c00, 0xf8200400, LDRAA, decodeLDRA},
		// LDRAA <Xt>, [<Xn|SP>{, #<simm>}]!
		{0xffa00c00, 0xf8200c00, LDRAA, decodeLDRA},
		// LDRAB <Xt>, [<Xn|SP>{, #<simm>}]
		{0xffa00c00, 0xf8a00400, LDRAB, decodeLDRA},
		// LDRAB <Xt>, [<Xn|SP>{, #<simm>}]!
		{0xffa00c00, 0xf8a00c00, LDRAB, decodeLDRA},
	})

	// arm64asm does not know FEAT_PAuth: our printers, as objdump prints.
	for op := PACIA; op <= XPACD; op++ {
		registerPrinter(op, printPAC)
	}
	registerPrinter(PACGA, func(in *Inst) string {
		return "pacga\t" + in.Rd.GNU(true) + ", " + in.Rn.GNU(true) + ", " + in.Rm.GNU(true)
	})
	registerPrinter(LDRAA, printLDRA)
	registerPrinter(LDRAB, printLDRA)
}

// decodePACMod: PACIA, PACIB, PACDA, PACDB, AUTIA, AUTIB, AUTDA, AUTDB
// (Arm ARM C6.2, PACIA: "<Xd>", and "<Xn|SP>" the modifier).
func decodePACMod(w uint32, in *Inst) error {
	in.Sf = true
	in.Rd, in.Rn = zr(rd(w)), sp(rn(w))
	return nil
}

// decodePACRd: the zero-modifier forms PACIZA..AUTDZB (Arm ARM C6.2,
// PACIA, Z=1) and XPACI, XPACD (C6.2, XPACD, XPACI, XPACLRI): <Xd> only.
func decodePACRd(w uint32, in *Inst) error {
	in.Sf = true
	in.Rd = zr(rd(w))
	return nil
}

// decodePACGA: PACGA <Xd>, <Xn>, <Xm|SP> (Arm ARM C6.2, PACGA).
func decodePACGA(w uint32, in *Inst) error {
	in.Sf = true
	in.Rd, in.Rn, in.Rm = zr(rd(w)), zr(rn(w)), sp(rm(w))
	return nil
}

// decodeLDRA: LDRAA, LDRAB (Arm ARM C6.2, LDRAA, LDRAB): the offset is
// S:imm9 scaled by 8; W=1 is the pre-indexed (writeback) form. With
// writeback and Rt == Rn (not SP) the behaviour is CONSTRAINED
// UNPREDICTABLE, which does not make the encoding unallocated: it
// decodes, as LDR (immediate) does in that case.
func decodeLDRA(w uint32, in *Inst) error {
	in.Sf, in.Size = true, 3
	in.Rt, in.Rn = zr(rd(w)), sp(rn(w))
	in.Imm = sext(bits(w, 22, 22)<<9|bits(w, 20, 12), 10) * 8
	in.Mode = AddrOffset
	if bit(w, 11) {
		in.Mode = AddrPreIndex
	}
	return nil
}

// printPAC prints PACIA..XPACD: "pacia\tx1, sp", "paciza\tx5".
func printPAC(in *Inst) string {
	name := pacDPNames[in.Op-PACIA]
	if in.Op >= PACIZA {
		return name + "\t" + in.Rd.GNU(true)
	}
	return name + "\t" + in.Rd.GNU(true) + ", " + in.Rn.GNU(true)
}

// printLDRA prints LDRAA/LDRAB as objdump does: the offset in decimal, left
// out when it is zero ("[x1]", and "[x1]!" for the writeback form).
func printLDRA(in *Inst) string {
	name := "ldraa"
	if in.Op == LDRAB {
		name = "ldrab"
	}
	addr := "[" + in.Rn.GNU(true)
	if in.Imm != 0 {
		addr += fmt.Sprintf(", #%d", in.Imm)
	}
	addr += "]"
	if in.Mode == AddrPreIndex {
		addr += "!"
	}
	return name + "\t" + in.Rt.GNU(true) + ", " + addr
}
