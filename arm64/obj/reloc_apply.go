package obj

import (
	"encoding/binary"
	"fmt"
)

// Relocation arithmetic, as "ELF for the Arm 64-bit Architecture"
// (AAELF64) §5.7 defines it. S is the address of the symbol, A the addend,
// P the address of the place; X is the result of the formula, of which the
// relocation writes some bits into a data word or an instruction field.
// Types without _NC check that X fits (AAELF64 §5.7.3: "overflow check");
// the _NC ("no check") types write the bits they take and ignore the rest.

// RelocError is an overflow or a misalignment found while applying a
// relocation; its message names the relocation type first.
type RelocError struct {
	Type RelocType
	Msg  string
}

func (e *RelocError) Error() string { return e.Type.String() + ": " + e.Msg }

func relocErr(t RelocType, format string, args ...any) error {
	return &RelocError{Type: t, Msg: fmt.Sprintf(format, args...)}
}

// Apply patches place, the bytes at address P, for relocation type t
// against a symbol at S with addend A. place starts at the relocated
// word and must hold it whole. For R_AARCH64_RELATIVE, S is the load bias
// (Delta(S) of AAELF64 §5.7.15) and the word becomes S+A.
//
// On an overflow or a misaligned target Apply returns a *RelocError and
// leaves place unchanged.
func Apply(t RelocType, place []byte, S, A, P uint64) error {
	x := S + A
	switch t {
	case R_AARCH64_NONE:
		return nil

	// AAELF64 §5.7.6 Static data relocations.
	case R_AARCH64_ABS64, R_AARCH64_RELATIVE:
		return putData(t, place, 8, x)
	case R_AARCH64_ABS32:
		return putDataChecked(t, place, 4, x)
	case R_AARCH64_ABS16:
		return putDataChecked(t, place, 2, x)
	case R_AARCH64_PREL64:
		return putData(t, place, 8, x-P)
	case R_AARCH64_PREL32:
		return putDataChecked(t, place, 4, x-P)
	case R_AARCH64_PREL16:
		return putDataChecked(t, place, 2, x-P)

	// AAELF64 §5.7.7 Group relocations for MOVZ/MOVK: imm16 (bits 20:5)
	// takes X[16g+15:16g]; the checked forms require X < 2^(16(g+1)).
	case R_AARCH64_MOVW_UABS_G0:
		return movw(t, place, x, 0, true)
	case R_AARCH64_MOVW_UABS_G0_NC:
		return movw(t, place, x, 0, false)
	case R_AARCH64_MOVW_UABS_G1:
		return movw(t, place, x, 1, true)
	case R_AARCH64_MOVW_UABS_G1_NC:
		return movw(t, place, x, 1, false)
	case R_AARCH64_MOVW_UABS_G2:
		return movw(t, place, x, 2, true)
	case R_AARCH64_MOVW_UABS_G2_NC:
		return movw(t, place, x, 2, false)
	case R_AARCH64_MOVW_UABS_G3:
		// The top group: every X fits, there is nothing to check.
		return movw(t, place, x, 3, false)

	// AAELF64 §5.7.8 PC-relative addresses.
	case R_AARCH64_LD_PREL_LO19:
		// LDR (literal): imm19 (bits 23:5) = X[20:2], -2^20 <= X < 2^20.
		return pcrel(t, place, x, P, 21, 2, "+-1MiB", insertImm19)
	case R_AARCH64_ADR_PREL_LO21:
		// ADR: immhi:immlo = X[20:0], -2^20 <= X < 2^20, any alignment.
		return pcrel(t, place, x, P, 21, 0, "+-1MiB", insertADR)
	case R_AARCH64_ADR_PREL_PG_HI21:
		// ADRP: immhi:immlo = X[32:12] with X = Page(S+A) - Page(P),
		// -2^32 <= X < 2^32.
		return pcrel(t, place, x&^0xfff, P&^0xfff, 33, 12, "+-4GiB", insertADR)
	case R_AARCH64_ADR_PREL_PG_HI21_NC:
		return pcrelNC(place, x&^0xfff, P&^0xfff, 12, insertADR)

	// AAELF64 §5.7.8: the low 12 bits of an address, for the ADD or the
	// load/store that follows an ADRP. The LDSTn forms scale by the access
	// size (imm12 = X[11:n]), so the address must be a multiple of it.
	case R_AARCH64_ADD_ABS_LO12_NC, R_AARCH64_LDST8_ABS_LO12_NC:
		return lo12(t, place, x, 0)
	case R_AARCH64_LDST16_ABS_LO12_NC:
		return lo12(t, place, x, 1)
	case R_AARCH64_LDST32_ABS_LO12_NC:
		return lo12(t, place, x, 2)
	case R_AARCH64_LDST64_ABS_LO12_NC:
		return lo12(t, place, x, 3)
	case R_AARCH64_LDST128_ABS_LO12_NC:
		return lo12(t, place, x, 4)

	// AAELF64 §5.7.9 Control-flow relocations.
	case R_AARCH64_TSTBR14:
		// TBZ/TBNZ: imm14 (bits 18:5) = X[15:2], -2^15 <= X < 2^15.
		return pcrel(t, place, x, P, 16, 2, "+-32KiB", insertImm14)
	case R_AARCH64_CONDBR19:
		// B.cond, CBZ/CBNZ: imm19 = X[20:2], -2^20 <= X < 2^20.
		return pcrel(t, place, x, P, 21, 2, "+-1MiB", insertImm19)
	case R_AARCH64_JUMP26, R_AARCH64_CALL26:
		// B, BL: imm26 (bits 25:0) = X[27:2], -2^27 <= X < 2^27.
		return pcrel(t, place, x, P, 28, 2, "+-128MiB", insertImm26)
	}
	return relocErr(t, "relocation type not supported")
}

// need checks that the place holds n bytes.
func need(t RelocType, place []byte, n int) error {
	if len(place) < n {
		return relocErr(t, "place of %d bytes, the relocation writes %d", len(place), n)
	}
	return nil
}

// putData stores the low n bytes of v, unchecked.
func putData(t RelocType, place []byte, n int, v uint64) error {
	if err := need(t, place, n); err != nil {
		return err
	}
	switch n {
	case 8:
		binary.LittleEndian.PutUint64(place, v)
	case 4:
		binary.LittleEndian.PutUint32(place, uint32(v))
	case 2:
		binary.LittleEndian.PutUint16(place, uint16(v))
	}
	return nil
}

// putDataChecked stores an n-byte datum that must satisfy
// -2^(8n-1) <= X < 2^(8n) (AAELF64 §5.7.6: the value may be read as
// signed or unsigned, so both ranges are accepted).
func putDataChecked(t RelocType, place []byte, n int, v uint64) error {
	bits := uint(8 * n)
	s := int64(v)
	if s < -(1<<(bits-1)) || s >= 0 && uint64(s) >= 1<<bits {
		return relocErr(t, "value %#x does not fit in %d bits (-%#x to %#x)", v, bits, uint64(1)<<(bits-1), uint64(1)<<bits-1)
	}
	return putData(t, place, n, v)
}

// patch replaces the instruction word at place with f(word).
func patch(t RelocType, place []byte, f func(w uint32) uint32) error {
	if err := need(t, place, 4); err != nil {
		return err
	}
	w := binary.LittleEndian.Uint32(place)
	binary.LittleEndian.PutUint32(place, f(w))
	return nil
}

// movw writes group g of x into the imm16 field (bits 20:5) of MOVZ/MOVK.
func movw(t RelocType, place []byte, x uint64, g uint, check bool) error {
	if check && x>>(16*(g+1)) != 0 {
		return relocErr(t, "value %#x does not fit in %d bits (0 to %#x)", x, 16*(g+1), uint64(1)<<(16*(g+1))-1)
	}
	imm := uint32(x>>(16*g)) & 0xffff
	return patch(t, place, func(w uint32) uint32 { return w&^(0xffff<<5) | imm<<5 })
}

// pcrel checks X = target - P against -2^(bits-1) <= X < 2^(bits-1) and
// the alignment 2^shift, then inserts X >> shift.
func pcrel(t RelocType, place []byte, target, P uint64, bits, shift uint, rng string, insert func(w uint32, v uint64) uint32) error {
	x := int64(target - P)
	if x < -(1<<(bits-1)) || x >= 1<<(bits-1) {
		return relocErr(t, "target %#x out of range of %#x (%s)", target, P, rng)
	}
	// Branches and LDR (literal) hold a word offset: an unaligned target
	// cannot be encoded. GNU ld reports this for LD_PREL_LO19 and silently
	// drops the low bits for branches; kpemu reports both.
	if shift == 2 && x&3 != 0 {
		return relocErr(t, "target %#x is not 4-byte aligned", target)
	}
	v := uint64(x) >> shift
	return patch(t, place, func(w uint32) uint32 { return insert(w, v) })
}

// pcrelNC inserts (target - P) >> shift without a range check.
func pcrelNC(place []byte, target, P uint64, shift uint, insert func(w uint32, v uint64) uint32) error {
	v := (target - P) >> shift
	return patch(R_AARCH64_ADR_PREL_PG_HI21_NC, place, func(w uint32) uint32 { return insert(w, v) })
}

// lo12 inserts x[11:scale] into imm12 (bits 21:10) of ADD (immediate) or
// LDR/STR (unsigned offset), whose offset is scaled by the access size.
func lo12(t RelocType, place []byte, x uint64, scale uint) error {
	if x&(1<<scale-1) != 0 {
		return relocErr(t, "address %#x is not %d-byte aligned, as the scaled offset of a %d-byte access needs", x, 1<<scale, 1<<scale)
	}
	imm := uint32(x&0xfff) >> scale
	return patch(t, place, func(w uint32) uint32 { return w&^(0xfff<<10) | imm<<10 })
}

// Instruction fields, Arm ARM C4.1: imm26 is bits 25:0 (B, BL); imm19 is
// bits 23:5 (B.cond, CBZ, LDR literal); imm14 is bits 18:5 (TBZ); ADR and
// ADRP split imm21 into immlo (bits 30:29) and immhi (bits 23:5).
func insertImm26(w uint32, v uint64) uint32 { return w&^0x03ffffff | uint32(v)&0x03ffffff }
func insertImm19(w uint32, v uint64) uint32 { return w&^(0x7ffff<<5) | (uint32(v)&0x7ffff)<<5 }
func insertImm14(w uint32, v uint64) uint32 { return w&^(0x3fff<<5) | (uint32(v)&0x3fff)<<5 }
func insertADR(w uint32, v uint64) uint32 {
	lo := uint32(v) & 3
	hi := uint32(v>>2) & 0x7ffff
	return w&^(3<<29|0x7ffff<<5) | lo<<29 | hi<<5
}
