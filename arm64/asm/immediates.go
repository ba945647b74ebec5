package asm

import "math/bits"

// Immediate forms shared by the instruction handlers: which values the
// logical (bitmask) and move-wide encodings can hold.

// logicalImm reports whether v (of width 32 or 64 bits) is a bitmask
// immediate of AND/ORR/EOR/ANDS (Arm ARM C6.2 AND (immediate),
// DecodeBitMasks): a replicated element of 2, 4, ..., width bits whose
// bits are a rotated run of ones, neither all zeros nor all ones.
func logicalImm(v uint64, width int) bool {
	if width == 32 {
		v = uint64(uint32(v))
		v |= v << 32
	}
	size := 64
	for size > 2 {
		half := size / 2
		mask := uint64(1)<<half - 1
		if v&mask != (v>>half)&mask {
			break
		}
		size = half
	}
	mask := ^uint64(0)
	if size < 64 {
		mask = uint64(1)<<size - 1
	}
	elem := v & mask
	if elem == 0 || elem == mask {
		return false
	}
	// A rotated run of ones changes value exactly twice going round the
	// element.
	rot := (elem>>1 | elem<<(size-1)) & mask
	return bits.OnesCount64(elem^rot) == 2
}

// logicalValue reads the value of a logical immediate for a register of
// the given width: a 32-bit operation takes a 32-bit value, written
// either unsigned or as a negative number (#-16 for 0xfffffff0).
func logicalValue(v int64, sf bool) (uint64, bool) {
	if sf {
		return uint64(v), true
	}
	if v >= -(1<<31) && v < 1<<32 {
		return uint64(uint32(v)), true
	}
	return 0, false
}

// wideImm reports whether MOVZ can make v in a register of the given
// width: one 16-bit chunk at a multiple of 16, the rest zeros. It returns
// the chunk and its shift (0 for v = 0).
func wideImm(v uint64, width int) (imm16, shift int64, ok bool) {
	if width == 32 {
		if v>>32 != 0 {
			return 0, 0, false
		}
	}
	for s := 0; s < width; s += 16 {
		if v&^(uint64(0xffff)<<s) == 0 {
			return int64(v >> s & 0xffff), int64(s), true
		}
	}
	return 0, 0, false
}

// wideWidth is the width in bits of a register: 64 for sf.
func wideWidth(sf bool) int {
	if sf {
		return 64
	}
	return 32
}
