package arm64

import "fmt"

// Loads and stores of general-purpose registers (Arm ARM C4.1, "Loads and
// Stores", the encodings with V = 0): single registers in every addressing
// mode, pairs, literals, unprivileged forms and prefetches. The exclusives,
// acquire/release forms and LSE atomics of the class are in
// decode_atomic.go.
//
// LDRAA/LDRAB (FEAT_PAuth) are in decode_pac.go. Not decoded (UNDEFINED),
// as features kpemu does not model: STGP and the other tag forms
// (FEAT_MTE), CPY*/SET* (FEAT_MOPS), LDAPUR/STLUR and relatives
// (FEAT_LRCPC2), LD64B/ST64B* (FEAT_LS64).
//
// One op covers the sizes and signedness of a manual instruction form:
// LDRimm is LDR, LDRB, LDRH, LDRSB, LDRSH and LDRSW (immediate), told apart
// by Size (log2 bytes), Signed, and Sf (the target is an X register).
//
// Field use: Rt the transfer register (ZR for encoding 31), Rt2 the second
// register of pairs, Rn the base (SP for encoding 31), Rm the offset
// register; Imm the byte offset (scaled, sign-extended; for literals
// relative to the instruction); Mode the addressing mode. PRFM keeps its
// prefetch operation (the Rt field) in Imm2 and leaves Rt zero.
//
// Register offsets (LDRreg, STRreg, PRFMreg): Ext is the extend of Rm and
// Amount the shift, 0 or Size, which is what the S bit (bit 12) selects.
// For a byte access (Size 0) both S values shift by 0, yet they are
// different encodings and GNU as writes them differently ("[x1, x2]" is
// S = 0, "[x1, x2, lsl #0]" and "[x1, w2, uxtw #0]" are S = 1), so LDRreg
// and STRreg record S = 1 of a byte access as Imm2 = 1; Imm2 is 0 for every
// other access, whose S is Amount != 0 (regOffsetS).
const (
	LDRimm  Op = Op(ClassLdSt)*opsPerClass + iota // LDR/LDRB/LDRH/LDRSB/LDRSH/LDRSW (immediate): offset, pre, post
	STRimm                                        // STR/STRB/STRH (immediate)
	LDUR                                          // LDUR/LDURB/LDURH/LDURSB/LDURSH/LDURSW (unscaled)
	STUR                                          // STUR/STURB/STURH
	LDTR                                          // LDTR/LDTRB/LDTRH/LDTRSB/LDTRSH/LDTRSW (unprivileged)
	STTR                                          // STTR/STTRB/STTRH
	LDRreg                                        // LDR... (register offset)
	STRreg                                        // STR... (register offset)
	LDRlit                                        // LDR/LDRSW (literal)
	PRFMimm                                       // PRFM (immediate)
	PRFUM                                         // PRFUM (unscaled)
	PRFMreg                                       // PRFM (register)
	PRFMlit                                       // PRFM (literal)
	LDP                                           // LDP/LDPSW: offset, pre, post
	STP                                           // STP
	LDNP                                          // LDNP (non-temporal, offset only)
	STNP                                          // STNP
)

func init() {
	registerOps(ClassLdSt, []string{
		"LDRimm", "STRimm", "LDUR", "STUR", "LDTR", "STTR", "LDRreg", "STRreg",
		"LDRlit", "PRFMimm", "PRFUM", "PRFMreg", "PRFMlit",
		"LDP", "STP", "LDNP", "STNP",
	})
	registerEncodings(ClassLdSt, []encoding{
		// Load/store register (unsigned immediate): size 111 0 01 opc imm12 Rn Rt.
		// PRFM (<prfop>|#<imm5>), [<Xn|SP>{, #<pimm>}]
		{0xffc00000, 0xf9800000, PRFMimm, decodePrefetchImm12},
		// STR{B,H} <Wt>, [<Xn|SP>{, #<pimm>}]; STR <Xt>, [<Xn|SP>{, #<pimm>}]
		{0x3fc00000, 0x39000000, STRimm, decodeLdStImm12},
		// LDR{B,H,SB,SH,SW} <Wt|Xt>, [<Xn|SP>{, #<pimm>}]
		{0x3f000000, 0x39000000, LDRimm, decodeLdStImm12},

		// Load/store register (unscaled immediate): size 111 0 00 opc 0 imm9 00 Rn Rt.
		// PRFUM (<prfop>|#<imm5>), [<Xn|SP>{, #<simm>}]
		{0xffe00c00, 0xf8800000, PRFUM, decodePrefetchImm9},
		// STUR{B,H} <Wt>, [<Xn|SP>{, #<simm>}]; STUR <Xt>, ...
		{0x3fe00c00, 0x38000000, STUR, decodeLdStImm9},
		// LDUR{B,H,SB,SH,SW} <Wt|Xt>, [<Xn|SP>{, #<simm>}]
		{0x3f200c00, 0x38000000, LDUR, decodeLdStImm9},

		// Load/store register (immediate post-indexed): ... 0 imm9 01 Rn Rt.
		// STR <Wt|Xt>, [<Xn|SP>], #<simm>
		{0x3fe00c00, 0x38000400, STRimm, decodeLdStImm9},
		// LDR <Wt|Xt>, [<Xn|SP>], #<simm>
		{0x3f200c00, 0x38000400, LDRimm, decodeLdStImm9},

		// Load/store register (unprivileged): ... 0 imm9 10 Rn Rt.
		// STTR{B,H} <Wt|Xt>, [<Xn|SP>{, #<simm>}]
		{0x3fe00c00, 0x38000800, STTR, decodeLdStImm9},
		// LDTR{B,H,SB,SH,SW} <Wt|Xt>, [<Xn|SP>{, #<simm>}]
		{0x3f200c00, 0x38000800, LDTR, decodeLdStImm9},

		// Load/store register (immediate pre-indexed): ... 0 imm9 11 Rn Rt.
		// STR <Wt|Xt>, [<Xn|SP>, #<simm>]!
		{0x3fe00c00, 0x38000c00, STRimm, decodeLdStImm9},
		// LDR <Wt|Xt>, [<Xn|SP>, #<simm>]!
		{0x3f200c00, 0x38000c00, LDRimm, decodeLdStImm9},

		// Load/store register (register offset): size 111 0 00 opc 1 Rm option S 10 Rn Rt.
		// PRFM (<prfop>|#<imm5>), [<Xn|SP>, (<Wm>|<Xm>){, <extend> {<amount>}}]
		{0xffe00c00, 0xf8a00800, PRFMreg, decodePrefetchReg},
		// STR <Wt|Xt>, [<Xn|SP>, (<Wm>|<Xm>){, <extend> {<amount>}}]
		{0x3fe00c00, 0x38200800, STRreg, decodeLdStReg},
		// LDR <Wt|Xt>, [<Xn|SP>, (<Wm>|<Xm>){, <extend> {<amount>}}]
		{0x3f200c00, 0x38200800, LDRreg, decodeLdStReg},

		// Load register (literal): opc 011 0 00 imm19 Rt.
		// PRFM (<prfop>|#<imm5>), <label>
		{0xff000000, 0xd8000000, PRFMlit, decodePrefetchLit},
		// LDR <Wt|Xt>, <label>; LDRSW <Xt>, <label>
		{0x3f000000, 0x18000000, LDRlit, decodeLdrLit},

		// Load/store no-allocate pair (offset): opc 101 0 000 L imm7 Rt2 Rn Rt.
		// STNP <Wt1|Xt1>, <Wt2|Xt2>, [<Xn|SP>{, #<imm>}]
		{0x7fc00000, 0x28000000, STNP, decodeLdStPair},
		// LDNP <Wt1|Xt1>, <Wt2|Xt2>, [<Xn|SP>{, #<imm>}]
		{0x7fc00000, 0x28400000, LDNP, decodeLdStPair},
		// Load/store register pair (post-indexed, offset, pre-indexed):
		// opc 101 0 idx L imm7 Rt2 Rn Rt, idx 01, 10, 11.
		// STP <Wt1|Xt1>, <Wt2|Xt2>, [<Xn|SP>], #<imm> (and offset, pre-index)
		{0x7e400000, 0x28000000, STP, decodeLdStPair},
		// LDP <Wt1|Xt1>, <Wt2|Xt2>, ...; LDPSW <Xt1>, <Xt2>, ...
		{0x3e400000, 0x28400000, LDP, decodeLdStPair},
	})
	for _, op := range []Op{LDRimm, STRimm, LDUR, STUR, LDTR, STTR, LDRreg, STRreg} {
		registerPrinter(op, printLdStSingle)
	}
	registerPrinter(LDRlit, printLdrLit)
	for _, op := range []Op{PRFMimm, PRFUM, PRFMreg, PRFMlit} {
		registerPrinter(op, printPrefetch)
	}
	for _, op := range []Op{LDP, STP, LDNP, STNP} {
		registerPrinter(op, printLdStPair)
	}
}

// ldstSizeOpc decodes the size and opc fields shared by the single-register
// forms (Arm ARM C6.2, "Shared decode for all encodings" of LDR (immediate)
// and its relatives): opc 00 store, 01 zero-extending load, 10
// sign-extending load to an X register (PRFM for size 11, decoded by its own
// row), 11 sign-extending load to a W register (size 00 and 01 only).
func ldstSizeOpc(w uint32, in *Inst) error {
	size := uint8(bits(w, 31, 30))
	opc := bits(w, 23, 22)
	in.Size = size
	switch opc {
	case 0, 1:
		in.Sf = size == 3
	case 2:
		if size == 3 {
			return unallocated("prefetch in a form that has none")
		}
		in.Signed, in.Sf = true, true
	case 3:
		if size >= 2 {
			return unallocated("opc 11 with size %d", size)
		}
		in.Signed = true
	}
	return nil
}

// decodeLdStImm12 decodes the unsigned scaled offset form: the offset is
// imm12 << size.
func decodeLdStImm12(w uint32, in *Inst) error {
	if err := ldstSizeOpc(w, in); err != nil {
		return err
	}
	in.Rt, in.Rn = zr(rd(w)), sp(rn(w))
	in.Imm = int64(bits(w, 21, 10)) << in.Size
	in.Mode = AddrOffset
	return nil
}

// decodeLdStImm9 decodes the forms with a signed, unscaled 9-bit offset:
// unscaled (LDUR), unprivileged (LDTR), post-indexed and pre-indexed
// (bits 11:10 = 00, 10, 01, 11).
func decodeLdStImm9(w uint32, in *Inst) error {
	if err := ldstSizeOpc(w, in); err != nil {
		return err
	}
	in.Rt, in.Rn = zr(rd(w)), sp(rn(w))
	in.Imm = sext(bits(w, 20, 12), 9)
	switch bits(w, 11, 10) {
	case 0b01:
		in.Mode = AddrPostIndex
	case 0b11:
		in.Mode = AddrPreIndex
	default:
		in.Mode = AddrOffset
	}
	return nil
}

// decodeLdStRegOffset decodes the option and S fields of a register offset:
// the extend of Rm (UXTW, LSL as UXTX, SXTW, SXTX; option<1> = 0 is
// reserved) and the shift, 0 or size as S says. For a byte access the
// amount "must be #0, encoded in S as 0 if omitted, or as 1 if present"
// (Arm ARM C6.2 LDRB (register), <amount>): that S is kept in Imm2 (see the
// op comment); the prefetch, whose Imm2 is prfop, has size 3 and never
// needs it.
func decodeLdStRegOffset(w uint32, in *Inst, size uint8) error {
	option := bits(w, 15, 13)
	if option&0b010 == 0 {
		return unallocated("register offset with option %03b", option)
	}
	in.Rm = zr(rm(w))
	in.Ext = Extend(option)
	if bit(w, 12) {
		in.Amount = size
		if size == 0 {
			in.Imm2 = 1
		}
	}
	in.Mode = AddrRegOffset
	return nil
}

// regOffsetS returns the S bit of a register offset (LDRreg, STRreg,
// PRFMreg, LDRregFP, STRregFP): set when the offset is shifted, or for a
// byte access when Imm2 records it. PRFMreg's Imm2 is its prfop, not S.
func regOffsetS(in *Inst) bool {
	return in.Amount != 0 || in.Size == 0 && in.Imm2 == 1 && in.Op != PRFMreg
}

// regOffsetOperand prints [Xn|SP, Rm{, extend {#amount}}] as objdump does:
// Rm is an X register for LSL (UXTX) and SXTX, a W register for UXTW and
// SXTW; LSL without S is left out; an extend is always printed, its amount
// whenever S is set, even when it is 0 (byte accesses).
func regOffsetOperand(in *Inst) string {
	xm := in.Ext&3 == 3
	s := fmt.Sprintf("[%s, %s", in.Rn.GNU(true), in.Rm.GNU(xm))
	shifted := regOffsetS(in)
	switch {
	case in.Ext == UXTX && shifted:
		s += fmt.Sprintf(", lsl #%d", in.Amount)
	case in.Ext == UXTX:
	case shifted:
		s += fmt.Sprintf(", %v #%d", in.Ext, in.Amount)
	default:
		s += ", " + in.Ext.String()
	}
	return s + "]"
}

func decodeLdStReg(w uint32, in *Inst) error {
	if err := ldstSizeOpc(w, in); err != nil {
		return err
	}
	in.Rt, in.Rn = zr(rd(w)), sp(rn(w))
	return decodeLdStRegOffset(w, in, in.Size)
}

func decodeLdrLit(w uint32, in *Inst) error {
	in.Rt = zr(rd(w))
	in.Imm = sext(bits(w, 23, 5), 19) << 2
	in.Mode = AddrLiteral
	switch bits(w, 31, 30) {
	case 0b00:
		in.Size = 2
	case 0b01:
		in.Size, in.Sf = 3, true
	default: // 10: LDRSW (literal); 11 is PRFM, decoded by its own row
		in.Size, in.Sf, in.Signed = 2, true, true
	}
	return nil
}

// The prefetches keep prfop (the Rt field) in Imm2; their Size is 3 (the
// offset scale of the immediate and register forms).
func decodePrefetchImm12(w uint32, in *Inst) error {
	in.Rn, in.Size, in.Imm2 = sp(rn(w)), 3, int64(rd(w))
	in.Imm = int64(bits(w, 21, 10)) << 3
	in.Mode = AddrOffset
	return nil
}

func decodePrefetchImm9(w uint32, in *Inst) error {
	in.Rn, in.Size, in.Imm2 = sp(rn(w)), 3, int64(rd(w))
	in.Imm = sext(bits(w, 20, 12), 9)
	in.Mode = AddrOffset
	return nil
}

func decodePrefetchReg(w uint32, in *Inst) error {
	in.Rn, in.Size, in.Imm2 = sp(rn(w)), 3, int64(rd(w))
	return decodeLdStRegOffset(w, in, 3)
}

func decodePrefetchLit(w uint32, in *Inst) error {
	in.Size, in.Imm2 = 3, int64(rd(w))
	in.Imm = sext(bits(w, 23, 5), 19) << 2
	in.Mode = AddrLiteral
	return nil
}

// decodeLdStPair decodes LDP, STP, LDPSW, LDNP and STNP: opc 00 W pair,
// 10 X pair, 01 LDPSW (loads only, not non-temporal), 11 unallocated; the
// offset is imm7 scaled by the register size. Rt == Rt2 for a load and
// writeback into Rt or Rt2 are CONSTRAINED UNPREDICTABLE; they decode, and
// the executor does what QEMU does (see emu/exec_ldst.go).
func decodeLdStPair(w uint32, in *Inst) error {
	opc := bits(w, 31, 30)
	idx := bits(w, 24, 23)
	load := bit(w, 22)
	switch opc {
	case 0b00:
		in.Size = 2
	case 0b10:
		in.Size, in.Sf = 3, true
	case 0b01:
		if !load || idx == 0 {
			return unallocated("opc 01 pair without LDPSW")
		}
		in.Size, in.Sf, in.Signed = 2, true, true
	default:
		return unallocated("pair with opc 11")
	}
	in.Rt, in.Rt2, in.Rn = zr(rd(w)), zr(uint8(bits(w, 14, 10))), sp(rn(w))
	in.Imm = sext(bits(w, 21, 15), 7) << in.Size
	switch idx {
	case 0b01:
		in.Mode = AddrPostIndex
	case 0b11:
		in.Mode = AddrPreIndex
	default:
		in.Mode = AddrOffset
	}
	return nil
}

// Printers, in the form GNU objdump (binutils 2.40) gives: the mnemonic, a
// tab, the operands separated by ", ", immediates in decimal; a zero offset
// of an offset form is left out, pre-index and post-index always show it.

// ldstMnemonic is the mnemonic of a single-register load or store: base
// ("ldr", "ldur", "ldtr", "str"...) with the size and sign suffix.
func ldstMnemonic(base string, in *Inst) string {
	switch {
	case in.Signed:
		return base + "s" + [...]string{"b", "h", "w", "?"}[in.Size&3]
	case in.Size == 0:
		return base + "b"
	case in.Size == 1:
		return base + "h"
	}
	return base
}

func ldstMnemonicBase(op Op) string {
	switch op {
	case LDRimm, LDRreg, LDRlit:
		return "ldr"
	case STRimm, STRreg:
		return "str"
	case LDUR:
		return "ldur"
	case STUR:
		return "stur"
	case LDTR:
		return "ldtr"
	case STTR:
		return "sttr"
	case LDP:
		return "ldp"
	case STP:
		return "stp"
	case LDNP:
		return "ldnp"
	case STNP:
		return "stnp"
	}
	return "?"
}

// ldstAddr prints the memory operand of an immediate or register form.
func ldstAddr(in *Inst) string {
	base := in.Rn.GNU(true)
	switch in.Mode {
	case AddrPreIndex:
		return fmt.Sprintf("[%s, #%d]!", base, in.Imm)
	case AddrPostIndex:
		return fmt.Sprintf("[%s], #%d", base, in.Imm)
	case AddrRegOffset:
		return regOffsetOperand(in)
	}
	if in.Imm == 0 {
		return "[" + base + "]"
	}
	return fmt.Sprintf("[%s, #%d]", base, in.Imm)
}

func printLdStSingle(in *Inst) string {
	return ldstMnemonic(ldstMnemonicBase(in.Op), in) + "\t" + in.Rt.GNU(in.Sf) + ", " + ldstAddr(in)
}

// ldstPCRel prints a PC-relative target. GNUSyntax has no address, so
// where objdump prints the absolute target we print the offset from the
// instruction as arm64asm does (".+0x8", ".-0x4").
func ldstPCRel(off int64) string {
	if off < 0 {
		return fmt.Sprintf(".-%#x", -off)
	}
	return fmt.Sprintf(".+%#x", off)
}

func printLdrLit(in *Inst) string {
	return ldstMnemonic("ldr", in) + "\t" + in.Rt.GNU(in.Sf) + ", " + ldstPCRel(in.Imm)
}

// ldstPrfop names a prefetch operation as objdump does: PLD, PLI or PST,
// the target cache level L1..L3, KEEP or STRM; other values print as
// #0xNN.
func ldstPrfop(op int64) string {
	typ, target, policy := op>>3&3, op>>1&3, op&1
	if typ == 3 || target == 3 {
		return fmt.Sprintf("#0x%02x", op)
	}
	return [...]string{"pld", "pli", "pst"}[typ] + fmt.Sprintf("l%d", target+1) +
		[...]string{"keep", "strm"}[policy]
}

func printPrefetch(in *Inst) string {
	mn := "prfm"
	if in.Op == PRFUM {
		mn = "prfum"
	}
	if in.Op == PRFMlit {
		return mn + "\t" + ldstPrfop(in.Imm2) + ", " + ldstPCRel(in.Imm)
	}
	return mn + "\t" + ldstPrfop(in.Imm2) + ", " + ldstAddr(in)
}

func printLdStPair(in *Inst) string {
	mn := ldstMnemonicBase(in.Op)
	if in.Signed {
		mn = "ldpsw"
	}
	return mn + "\t" + in.Rt.GNU(in.Sf) + ", " + in.Rt2.GNU(in.Sf) + ", " + ldstAddr(in)
}
