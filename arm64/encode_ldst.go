package arm64

import "fmt"

// Encoders of the loads and stores of general-purpose registers
// (decode_ldst.go), and the operand checks they share with the
// synchronization forms (encode_atomic.go) and the FP/SIMD loads and stores
// (encode_simd_ldst.go). Each encoder is the inverse of its decode rows:
// the field layout is the manual's, Arm ARM C4.1 "Loads and Stores".

func init() {
	for _, op := range []Op{LDRimm, STRimm} {
		registerEncoder(op, encodeLdStImm)
	}
	for _, op := range []Op{LDUR, STUR, LDTR, STTR} {
		registerEncoder(op, encodeLdStImm9)
	}
	registerEncoder(LDRreg, encodeLdStReg)
	registerEncoder(STRreg, encodeLdStReg)
	registerEncoder(LDRlit, encodeLdrLit)
	registerEncoder(PRFMimm, encodePrefetch)
	registerEncoder(PRFUM, encodePrefetch)
	registerEncoder(PRFMreg, encodePrefetch)
	registerEncoder(PRFMlit, encodePrefetch)
	for _, op := range []Op{LDP, STP, LDNP, STNP} {
		registerEncoder(op, encodeLdStPair)
	}
}

// lsOperand names the fields of Inst, for the check that an encoder is not
// given an operand its op does not have (inst.go: "fields an Op does not
// use are zero"). An assembler that fills a field the encoding cannot hold
// has a bug, and silently dropping the field would hide it.
type lsOperand uint32

const (
	lsHasRd lsOperand = 1 << iota
	lsHasRn
	lsHasRm
	lsHasRa
	lsHasRt
	lsHasRt2
	lsHasRs
	lsHasSf
	lsHasSize
	lsHasImm
	lsHasImm2
	lsHasShift
	lsHasAmount
	lsHasExt
	lsHasCond
	lsHasMode
	lsHasAcquire
	lsHasRelease
	lsHasSigned
	lsHasSysReg
)

// lsCheckUnused returns an error naming the first field of in that is set
// although used does not list it.
func lsCheckUnused(in *Inst, used lsOperand) error {
	var set lsOperand
	for _, f := range []struct {
		op  lsOperand
		set bool
	}{
		{lsHasRd, in.Rd != 0}, {lsHasRn, in.Rn != 0}, {lsHasRm, in.Rm != 0},
		{lsHasRa, in.Ra != 0}, {lsHasRt, in.Rt != 0}, {lsHasRt2, in.Rt2 != 0},
		{lsHasRs, in.Rs != 0}, {lsHasSf, in.Sf}, {lsHasSize, in.Size != 0},
		{lsHasImm, in.Imm != 0}, {lsHasImm2, in.Imm2 != 0}, {lsHasShift, in.Shift != 0},
		{lsHasAmount, in.Amount != 0}, {lsHasExt, in.Ext != 0}, {lsHasCond, in.Cond != 0},
		{lsHasMode, in.Mode != 0}, {lsHasAcquire, in.Acquire}, {lsHasRelease, in.Release},
		{lsHasSigned, in.Signed}, {lsHasSysReg, in.SysReg != 0},
	} {
		if f.set {
			set |= f.op
		}
	}
	extra := set &^ used
	if extra == 0 {
		return nil
	}
	var txt string
	switch extra & -extra { // the first one
	case lsHasRd:
		txt = "Rd " + lsRegName(in.Rd)
	case lsHasRn:
		txt = "Rn " + lsRegName(in.Rn)
	case lsHasRm:
		txt = "Rm " + lsRegName(in.Rm)
	case lsHasRa:
		txt = "Ra " + lsRegName(in.Ra)
	case lsHasRt:
		txt = "Rt " + lsRegName(in.Rt)
	case lsHasRt2:
		txt = "Rt2 " + lsRegName(in.Rt2)
	case lsHasRs:
		txt = "Rs " + lsRegName(in.Rs)
	case lsHasSf:
		txt = "Sf"
	case lsHasSize:
		txt = fmt.Sprintf("Size %d", in.Size)
	case lsHasImm:
		txt = fmt.Sprintf("Imm %d", in.Imm)
	case lsHasImm2:
		txt = fmt.Sprintf("Imm2 %d", in.Imm2)
	case lsHasShift:
		txt = "Shift " + in.Shift.String()
	case lsHasAmount:
		txt = fmt.Sprintf("Amount %d", in.Amount)
	case lsHasExt:
		txt = "Ext " + in.Ext.String()
	case lsHasCond:
		txt = "Cond " + in.Cond.String()
	case lsHasMode:
		txt = "Mode " + lsModeName(in.Mode)
	case lsHasAcquire:
		txt = "Acquire"
	case lsHasRelease:
		txt = "Release"
	case lsHasSigned:
		txt = "Signed"
	case lsHasSysReg:
		txt = fmt.Sprintf("SysReg %#x", uint16(in.SysReg))
	}
	return encodeError(in.Op, "has no such operand: %s is set", txt)
}

// lsRegName names a general-purpose register operand in messages; it
// also shows values that are no register at all.
func lsRegName(r Reg) string {
	if r > SP {
		return fmt.Sprintf("Reg(%d)", uint8(r))
	}
	return r.GNU(true)
}

func lsModeName(m AddrMode) string {
	switch m {
	case AddrNone:
		return "none"
	case AddrOffset:
		return "offset"
	case AddrPreIndex:
		return "pre-index"
	case AddrPostIndex:
		return "post-index"
	case AddrRegOffset:
		return "register offset"
	case AddrLiteral:
		return "literal"
	}
	return fmt.Sprintf("AddrMode(%d)", uint8(m))
}

// lsRegZR returns the field value of a register operand whose encoding 31
// is the zero register (Rt, Rs, Rm of loads and stores): X0..X30 or ZR.
func lsRegZR(in *Inst, name string, r Reg) (uint32, error) {
	if r > ZR {
		return 0, encodeError(in.Op, "%s is %s, want x0..x30 or xzr", name, lsRegName(r))
	}
	return uint32(r), nil
}

// lsRegSP returns the field value of a register operand whose encoding 31
// is the stack pointer (the base Rn of every load and store): X0..X30 or SP.
func lsRegSP(in *Inst, name string, r Reg) (uint32, error) {
	switch {
	case r == SP:
		return 31, nil
	case r >= ZR:
		return 0, encodeError(in.Op, "%s is %s, want x0..x30 or sp", name, lsRegName(r))
	}
	return uint32(r), nil
}

// lsHasMode checks the addressing mode against the modes the op has.
func lsCheckMode(in *Inst, allowed ...AddrMode) error {
	for _, m := range allowed {
		if in.Mode == m {
			return nil
		}
	}
	names := ""
	for i, m := range allowed {
		if i > 0 {
			names += ", "
		}
		names += lsModeName(m)
	}
	return encodeError(in.Op, "addressing mode %s, want %s", lsModeName(in.Mode), names)
}

// lsImmRange formats the values an immediate field can take.
func lsImmRange(name string, v int64, scale uint, lo, hi int64) string {
	if scale == 0 {
		return fmt.Sprintf("%s %d is not in %d..%d", name, v, lo, hi)
	}
	return fmt.Sprintf("%s %d is not a multiple of %d in %d..%d", name, v, int64(1)<<scale, lo, hi)
}

// lsUimm returns the n-bit field of an unsigned immediate scaled by
// 1<<scale (the imm12 offsets: Arm ARM LDR (immediate), "unsigned offset").
func lsUimm(in *Inst, name string, v int64, scale, n uint) (uint32, error) {
	hi := (int64(1)<<n - 1) << scale
	if v < 0 || v > hi || v&(int64(1)<<scale-1) != 0 {
		return 0, encodeError(in.Op, "%s", lsImmRange(name, v, scale, 0, hi))
	}
	return uint32(v >> scale), nil
}

// lsSimm returns the n-bit two's complement field of a signed immediate
// scaled by 1<<scale (imm9 unscaled offsets, imm7 pair offsets, imm19
// literal offsets).
func lsSimm(in *Inst, name string, v int64, scale, n uint) (uint32, error) {
	lo := -(int64(1) << (n - 1)) << scale
	hi := (int64(1)<<(n-1) - 1) << scale
	if v < lo || v > hi || v&(int64(1)<<scale-1) != 0 {
		return 0, encodeError(in.Op, "%s", lsImmRange(name, v, scale, lo, hi))
	}
	return uint32(v>>scale) & (1<<n - 1), nil
}

// lsLdStSizeOpc returns the size and opc fields of a single-register load
// or store from Size, Signed and Sf, the inverse of ldstSizeOpc (Arm ARM
// C6.2 LDR (immediate) and relatives): opc 00 store, 01 zero-extending
// load, 10 sign-extending load to an X register, 11 to a W register.
func lsLdStSizeOpc(in *Inst, load bool) (size, opc uint32, err error) {
	if in.Size > 3 {
		return 0, 0, encodeError(in.Op, "Size %d, want 0..3 (B, H, W, X)", in.Size)
	}
	size = uint32(in.Size)
	switch {
	case !load && in.Signed:
		return 0, 0, encodeError(in.Op, "a store cannot be Signed")
	case !in.Signed && in.Sf != (in.Size == 3):
		return 0, 0, encodeError(in.Op, "Sf %v with Size %d: only a doubleword transfers an X register", in.Sf, in.Size)
	case !load:
		return size, 0b00, nil
	case !in.Signed:
		return size, 0b01, nil
	case in.Size == 3:
		return 0, 0, encodeError(in.Op, "Signed with Size 3: there is no sign-extending doubleword load")
	case in.Sf:
		return size, 0b10, nil
	case in.Size == 2:
		return 0, 0, encodeError(in.Op, "Signed word load needs Sf (LDRSW targets an X register)")
	}
	return size, 0b11, nil
}

// lsLdStRegOffset returns the Rm, option and S fields of a register
// offset [Xn, Rm{, extend {#amount}}] (Arm ARM LDR (register)): the extend
// is UXTW, LSL (UXTX), SXTW or SXTX, the amount 0 or log2 of the access
// size. For a byte access both S values give amount 0: byteS (Imm2 of
// LDRreg, STRreg, LDRregFP, STRregFP; 0 for PRFMreg, whose Imm2 is prfop)
// is 1 for S = 1 ("lsl #0"), and must be 0 for other sizes, whose S is
// Amount != 0.
func lsLdStRegOffset(in *Inst, size uint8, byteS int64) (uint32, error) {
	m, err := lsRegZR(in, "offset register Rm", in.Rm)
	if err != nil {
		return 0, err
	}
	switch in.Ext {
	case UXTW, UXTX, SXTW, SXTX:
	default:
		return 0, encodeError(in.Op, "offset extend %v, want uxtw, lsl (uxtx), sxtw or sxtx", in.Ext)
	}
	var s uint32
	switch in.Amount {
	case 0:
	case size:
		s = 1
	default:
		return 0, encodeError(in.Op, "offset shift amount %d, want 0 or %d", in.Amount, size)
	}
	switch {
	case byteS == 0:
	case byteS == 1 && size == 0:
		s = 1
	case byteS == 1:
		return 0, encodeError(in.Op, "Imm2 1 (S of a byte access) with Size %d: S is Amount != 0", size)
	default:
		return 0, encodeError(in.Op, "Imm2 %d, want 0, or 1 for S = 1 of a byte access (lsl #0)", byteS)
	}
	return m<<16 | uint32(in.Ext)<<13 | s<<12, nil
}

// lsLdStRegs returns the Rn and Rt fields, placed.
func lsLdStRegs(in *Inst) (uint32, error) {
	n, err := lsRegSP(in, "base register Rn", in.Rn)
	if err != nil {
		return 0, err
	}
	t, err := lsRegZR(in, "transfer register Rt", in.Rt)
	if err != nil {
		return 0, err
	}
	return n<<5 | t, nil
}

func lsIsLoad(op Op) bool {
	switch op {
	case STRimm, STUR, STTR, STRreg, STP, STNP:
		return false
	}
	return true
}

// encodeLdStImm encodes LDR/STR (immediate): the unsigned offset form
// (size 111 0 01 opc imm12 Rn Rt) and the pre- and post-indexed forms
// (size 111 0 00 opc 0 imm9 x1 Rn Rt).
func encodeLdStImm(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasSf|lsHasSize|lsHasImm|lsHasMode|lsHasSigned); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrOffset, AddrPreIndex, AddrPostIndex); err != nil {
		return 0, err
	}
	size, opc, err := lsLdStSizeOpc(in, lsIsLoad(in.Op))
	if err != nil {
		return 0, err
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	w := size<<30 | opc<<22 | regs
	if in.Mode == AddrOffset {
		imm12, err := lsUimm(in, "offset", in.Imm, uint(size), 12)
		if err != nil {
			return 0, err
		}
		return w | 0x39000000 | imm12<<10, nil
	}
	imm9, err := lsSimm(in, "offset", in.Imm, 0, 9)
	if err != nil {
		return 0, err
	}
	idx := uint32(0b01) // post-index
	if in.Mode == AddrPreIndex {
		idx = 0b11
	}
	return w | 0x38000000 | imm9<<12 | idx<<10, nil
}

// encodeLdStImm9 encodes the unscaled (LDUR, STUR: bits 11:10 = 00) and
// unprivileged (LDTR, STTR: 10) forms: size 111 0 00 opc 0 imm9 xx Rn Rt.
func encodeLdStImm9(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasSf|lsHasSize|lsHasImm|lsHasMode|lsHasSigned); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrOffset); err != nil {
		return 0, err
	}
	size, opc, err := lsLdStSizeOpc(in, lsIsLoad(in.Op))
	if err != nil {
		return 0, err
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	imm9, err := lsSimm(in, "offset", in.Imm, 0, 9)
	if err != nil {
		return 0, err
	}
	var kind uint32 // LDUR, STUR
	if in.Op == LDTR || in.Op == STTR {
		kind = 0b10
	}
	return 0x38000000 | size<<30 | opc<<22 | imm9<<12 | kind<<10 | regs, nil
}

// encodeLdStReg encodes LDR/STR (register): size 111 0 00 opc 1 Rm option
// S 10 Rn Rt; Imm2 is S of a byte access.
func encodeLdStReg(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRm|lsHasSf|lsHasSize|lsHasExt|lsHasAmount|lsHasMode|lsHasSigned|lsHasImm2); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrRegOffset); err != nil {
		return 0, err
	}
	size, opc, err := lsLdStSizeOpc(in, in.Op == LDRreg)
	if err != nil {
		return 0, err
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	off, err := lsLdStRegOffset(in, in.Size, in.Imm2)
	if err != nil {
		return 0, err
	}
	return 0x38200800 | size<<30 | opc<<22 | off | regs, nil
}

// encodeLdrLit encodes LDR (literal) and LDRSW (literal): opc 011 0 00
// imm19 Rt, opc 00 W, 01 X, 10 LDRSW.
func encodeLdrLit(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRt|lsHasSf|lsHasSize|lsHasImm|lsHasMode|lsHasSigned); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrLiteral); err != nil {
		return 0, err
	}
	var opc uint32
	switch {
	case in.Size == 2 && !in.Sf && !in.Signed:
		opc = 0b00
	case in.Size == 3 && in.Sf && !in.Signed:
		opc = 0b01
	case in.Size == 2 && in.Sf && in.Signed:
		opc = 0b10
	default:
		return 0, encodeError(in.Op, "Size %d, Sf %v, Signed %v: want a W, X or LDRSW (Size 2, Sf, Signed) literal load",
			in.Size, in.Sf, in.Signed)
	}
	t, err := lsRegZR(in, "transfer register Rt", in.Rt)
	if err != nil {
		return 0, err
	}
	imm19, err := lsSimm(in, "literal offset", in.Imm, 2, 19)
	if err != nil {
		return 0, err
	}
	return 0x18000000 | opc<<30 | imm19<<5 | t, nil
}

// encodeLdStPrfop checks the prefetch operation (prfop, the Rt field),
// which the decoder keeps in Imm2.
func encodeLdStPrfop(in *Inst) (uint32, error) {
	if in.Imm2 < 0 || in.Imm2 > 31 {
		return 0, encodeError(in.Op, "prefetch operation Imm2 %d is not in 0..31", in.Imm2)
	}
	return uint32(in.Imm2), nil
}

// encodePrefetch encodes PRFM (immediate) 11 111 0 01 10 imm12 Rn Rt,
// PRFUM 11 111 0 00 10 0 imm9 00 Rn Rt, PRFM (register) 11 111 0 00 10 1
// Rm option S 10 Rn Rt and PRFM (literal) 11 011 0 00 imm19 Rt. Size is 3,
// as the decoder sets it: the scale of the offsets.
func encodePrefetch(in *Inst) (uint32, error) {
	used := lsHasSize | lsHasImm2 | lsHasMode
	switch in.Op {
	case PRFMimm, PRFUM:
		used |= lsHasRn | lsHasImm
	case PRFMreg:
		used |= lsHasRn | lsHasRm | lsHasExt | lsHasAmount
	case PRFMlit:
		used |= lsHasImm
	}
	if err := lsCheckUnused(in, used); err != nil {
		return 0, err
	}
	if in.Size != 3 {
		return 0, encodeError(in.Op, "Size %d, want 3 (a prefetch has the doubleword offset scale)", in.Size)
	}
	prfop, err := encodeLdStPrfop(in)
	if err != nil {
		return 0, err
	}
	if in.Op == PRFMlit {
		if err := lsCheckMode(in, AddrLiteral); err != nil {
			return 0, err
		}
		imm19, err := lsSimm(in, "literal offset", in.Imm, 2, 19)
		if err != nil {
			return 0, err
		}
		return 0xd8000000 | imm19<<5 | prfop, nil
	}
	n, err := lsRegSP(in, "base register Rn", in.Rn)
	if err != nil {
		return 0, err
	}
	w := n<<5 | prfop
	switch in.Op {
	case PRFMimm:
		if err := lsCheckMode(in, AddrOffset); err != nil {
			return 0, err
		}
		imm12, err := lsUimm(in, "offset", in.Imm, 3, 12)
		if err != nil {
			return 0, err
		}
		return 0xf9800000 | imm12<<10 | w, nil
	case PRFUM:
		if err := lsCheckMode(in, AddrOffset); err != nil {
			return 0, err
		}
		imm9, err := lsSimm(in, "offset", in.Imm, 0, 9)
		if err != nil {
			return 0, err
		}
		return 0xf8800000 | imm9<<12 | w, nil
	}
	if err := lsCheckMode(in, AddrRegOffset); err != nil {
		return 0, err
	}
	off, err := lsLdStRegOffset(in, 3, 0)
	if err != nil {
		return 0, err
	}
	return 0xf8a00800 | off | w, nil
}

// lsPairIdx checks the addressing mode of a load/store pair and returns
// its idx field: 00 for the non-temporal pairs (offset only), else 01
// post-index, 10 offset, 11 pre-index.
func lsPairIdx(in *Inst, nonTemporal bool) (uint32, error) {
	if nonTemporal {
		return 0, lsCheckMode(in, AddrOffset)
	}
	if err := lsCheckMode(in, AddrOffset, AddrPreIndex, AddrPostIndex); err != nil {
		return 0, err
	}
	switch in.Mode {
	case AddrPostIndex:
		return 0b01, nil
	case AddrOffset:
		return 0b10, nil
	}
	return 0b11, nil
}

// encodeLdStPair encodes LDP, LDPSW, STP (opc 101 0 idx L imm7 Rt2 Rn Rt,
// idx 01 post-index, 10 offset, 11 pre-index) and LDNP, STNP (idx 00,
// offset only). opc 00 is a W pair, 10 an X pair, 01 LDPSW; the offset is
// imm7 scaled by the register size.
func encodeLdStPair(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRt2|lsHasSf|lsHasSize|lsHasImm|lsHasMode|lsHasSigned); err != nil {
		return 0, err
	}
	nonTemporal := in.Op == LDNP || in.Op == STNP
	idx, err := lsPairIdx(in, nonTemporal)
	if err != nil {
		return 0, err
	}
	load := lsIsLoad(in.Op)
	var opc uint32
	switch {
	case in.Size == 2 && !in.Sf && !in.Signed:
		opc = 0b00
	case in.Size == 3 && in.Sf && !in.Signed:
		opc = 0b10
	case in.Size == 2 && in.Sf && in.Signed && in.Op == LDP:
		opc = 0b01
	default:
		return 0, encodeError(in.Op, "Size %d, Sf %v, Signed %v: want a W pair (Size 2), an X pair (Size 3, Sf)%s",
			in.Size, in.Sf, in.Signed, map[bool]string{true: " or LDPSW (Size 2, Sf, Signed)"}[in.Op == LDP])
	}
	regs, err := lsLdStRegs(in)
	if err != nil {
		return 0, err
	}
	t2, err := lsRegZR(in, "second transfer register Rt2", in.Rt2)
	if err != nil {
		return 0, err
	}
	imm7, err := lsSimm(in, "offset", in.Imm, uint(in.Size), 7)
	if err != nil {
		return 0, err
	}
	var l uint32
	if load {
		l = 1
	}
	return 0x28000000 | opc<<30 | idx<<23 | l<<22 | imm7<<15 | t2<<10 | regs, nil
}
