package arm64

import "fmt"

// Inst is one decoded A64 instruction: the operation and its operands, fully
// extracted from the encoding so that an executor never looks at bit fields
// again. Which fields an Op uses is written beside the Op's constant; fields
// an Op does not use are zero.
//
// General-purpose register operands are Reg values in which the decoder has
// already resolved encoding 31 to either ZR or SP, as the manual's operand
// description for that field says (Rn of ADD (immediate) is SP, Rn of ADD
// (shifted register) is ZR). Vector and FP register operands use the same
// fields with the register number 0..31 (V0..V31).
type Inst struct {
	Word uint32 // the encoding
	Op   Op

	// Register operands. Rd is the destination of data processing; Rt (and
	// Rt2) the transfer register(s) of loads, stores and system register
	// moves; Rn the first source or the base address; Rm the second source
	// or the offset register; Ra the accumulator of 3-source operations;
	// Rs the status register of store-exclusives and the source/compare
	// register of LSE atomics and CAS.
	Rd, Rn, Rm, Ra, Rt, Rt2, Rs Reg

	// Sf is true for 64-bit operations (X registers), false for 32-bit (W).
	// For loads it says whether a sign-extending load targets an X register.
	Sf bool

	// Size is the log2 of the memory access size in bytes: 0 B, 1 H, 2 W,
	// 3 X/D, 4 Q. For vector data processing it is the element size.
	Size uint8

	// Imm is the main immediate, fully decoded: shifted (ADD #imm, LSL 12),
	// expanded (logical bitmask), sign-extended and scaled (load/store
	// offsets and branch offsets in bytes, relative to the instruction's
	// own address for branches and literals).
	Imm int64
	// Imm2 is a second immediate where an instruction has one: imms of the
	// bitfield moves (Imm holds immr), the bit number of TBZ/TBNZ (Imm is
	// the offset), the nzcv of CCMP/CCMN (Imm holds the compare immediate,
	// if any), the lsb of EXTR, the shift of MOVZ/MOVN/MOVK (0, 16, 32, 48;
	// Imm holds imm16), the CRm of hints and barriers.
	Imm2 int64

	Shift  Shift  // shift applied to Rm (shifted register), or LSL of an extend
	Amount uint8  // shift amount, or the left shift of an extended register
	Ext    Extend // extend applied to Rm (extended register, register offset)
	Cond   Cond   // condition of B.cond, CSEL, CCMP, ...

	Mode AddrMode // addressing mode of a load or store

	// Memory ordering of loads, stores and atomics: acquire (LDAR, LDAXR,
	// LDADDA, CASA, ...) and release (STLR, STLXR, LDADDL, CASL, ...).
	Acquire, Release bool
	// Signed marks sign-extending loads (LDRSB, LDRSH, LDRSW, LDPSW) and
	// the signed forms of data processing where the op itself does not say.
	Signed bool

	// SysReg is the system register of MRS and MSR (register), and the
	// op1:CRn:CRm:op2 of SYS/SYSL (DC, IC, TLBI, AT).
	SysReg SysReg
}

// Reg is a general-purpose register operand: X0..X30 are 0..30, and the two
// meanings of encoding 31 are separate values, so that an executor cannot
// confuse them.
type Reg uint8

const (
	ZR Reg = 31 // the zero register (XZR/WZR)
	SP Reg = 32 // the current stack pointer (SP/WSP)
)

// R returns the general-purpose register with number n, 0 to 30.
func R(n int) Reg { return Reg(n) }

// GNU returns the register as GNU as writes it for a 64-bit (x) or 32-bit (w)
// operand.
func (r Reg) GNU(sf bool) string {
	switch {
	case r == ZR && sf:
		return "xzr"
	case r == ZR:
		return "wzr"
	case r == SP && sf:
		return "sp"
	case r == SP:
		return "wsp"
	case sf:
		return fmt.Sprintf("x%d", r)
	default:
		return fmt.Sprintf("w%d", r)
	}
}

func (r Reg) String() string { return r.GNU(true) }

// Shift is the shift type of a shifted register operand.
type Shift uint8

const (
	LSL Shift = iota
	LSR
	ASR
	ROR
)

func (s Shift) String() string { return [...]string{"lsl", "lsr", "asr", "ror"}[s&3] }

// Extend is the extend type of an extended register operand or a register
// offset, numbered as the option field encodes it.
type Extend uint8

const (
	UXTB Extend = iota
	UXTH
	UXTW
	UXTX
	SXTB
	SXTH
	SXTW
	SXTX
)

func (e Extend) String() string {
	return [...]string{"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"}[e&7]
}

// Cond is a condition code, numbered as the cond field encodes it.
type Cond uint8

const (
	EQ Cond = iota
	NE
	CS // also HS
	CC // also LO
	MI
	PL
	VS
	VC
	HI
	LS
	GE
	LT
	GT
	LE
	AL
	NV
)

func (c Cond) String() string {
	return [...]string{"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
		"hi", "ls", "ge", "lt", "gt", "le", "al", "nv"}[c&15]
}

// Invert returns the opposite condition (the manual's Invert(cond)).
func (c Cond) Invert() Cond { return c ^ 1 }

// AddrMode is the addressing mode of a load or store.
type AddrMode uint8

const (
	// AddrNone: the instruction has no addressing mode beyond [Rn]
	// (exclusives, acquire/release, atomics: the address is Rn).
	AddrNone AddrMode = iota
	// AddrOffset: [Rn, #Imm] (unsigned scaled offset, unscaled LDUR/STUR,
	// signed pair offset). Imm is the byte offset.
	AddrOffset
	// AddrPreIndex: [Rn, #Imm]! - address Rn+Imm, Rn updated to it.
	AddrPreIndex
	// AddrPostIndex: [Rn], #Imm - address Rn, Rn updated to Rn+Imm. For
	// LD1/ST1 (multiple structures) with a register post-index, Rm is the
	// increment register and Imm is 0.
	AddrPostIndex
	// AddrRegOffset: [Rn, Rm, Ext #Amount] - Rm extended by Ext and
	// shifted left by Amount (0 or log2 of the access size).
	AddrRegOffset
	// AddrLiteral: [PC + Imm] (LDR literal, LDRSW literal, PRFM literal).
	AddrLiteral
)

// SysReg identifies a system register by its encoding op0:op1:CRn:CRm:op2,
// packed as in the MRS/MSR instruction bits 20:5 (o0 is op0-2).
type SysReg uint16

// MakeSysReg packs a system register encoding.
func MakeSysReg(op0, op1, crn, crm, op2 int) SysReg {
	return SysReg((op0&3)<<14 | (op1&7)<<11 | (crn&15)<<7 | (crm&15)<<3 | op2&7)
}

// Fields unpacks the encoding.
func (s SysReg) Fields() (op0, op1, crn, crm, op2 int) {
	return int(s>>14) & 3, int(s>>11) & 7, int(s>>7) & 15, int(s>>3) & 15, int(s) & 7
}
