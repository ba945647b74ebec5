package emu

import (
	"math/bits"

	"github.com/kpemu/kpemu/arm64"
)

// Arithmetic shared by the executors of several classes, written after the
// manual's pseudocode functions of the same names.

// condHolds is the manual's ConditionHolds(cond) over PSTATE.NZCV.
func (c *CPU) condHolds(cond arm64.Cond) bool {
	f := c.nzcv
	n, z, cf, v := f&PSR_N != 0, f&PSR_Z != 0, f&PSR_C != 0, f&PSR_V != 0
	var r bool
	switch cond >> 1 {
	case 0:
		r = z
	case 1:
		r = cf
	case 2:
		r = n
	case 3:
		r = v
	case 4:
		r = cf && !z
	case 5:
		r = n == v
	case 6:
		r = n == v && !z
	default:
		r = true
	}
	if cond&1 != 0 && cond != arm64.NV {
		r = !r
	}
	return r
}

// addWithCarry64 is AddWithCarry for 64-bit operands: the sum and the NZCV
// flags it produces (in place, bits 31:28).
func addWithCarry64(x, y uint64, carry uint64) (uint64, uint64) {
	sum, c := bits.Add64(x, y, carry)
	nzcv := sum & (1 << 63) >> 32
	if sum == 0 {
		nzcv |= PSR_Z
	}
	if c != 0 {
		nzcv |= PSR_C
	}
	if (x^sum)&(y^sum)&(1<<63) != 0 {
		nzcv |= PSR_V
	}
	return sum, nzcv
}

// addWithCarry32 is AddWithCarry for 32-bit operands (the upper halves of
// x and y are ignored; the result is zero-extended).
func addWithCarry32(x, y uint64, carry uint64) (uint64, uint64) {
	x32, y32 := uint32(x), uint32(y)
	sum, c := bits.Add32(x32, y32, uint32(carry))
	nzcv := uint64(sum>>31) << 31
	if sum == 0 {
		nzcv |= PSR_Z
	}
	if c != 0 {
		nzcv |= PSR_C
	}
	if (x32^sum)&(y32^sum)&(1<<31) != 0 {
		nzcv |= PSR_V
	}
	return uint64(sum), nzcv
}

// logicFlags are the NZCV flags of ANDS/BICS/TST: N and Z from the result,
// C and V clear.
func logicFlags(v uint64, sf bool) uint64 {
	if !sf {
		v = uint64(uint32(v)) << 32
	}
	f := v & (1 << 63) >> 32
	if v == 0 {
		f |= PSR_Z
	}
	return f
}

// shiftReg is the manual's ShiftReg: v shifted by amount, in a 32-bit or
// 64-bit register. amount is below the register width.
func shiftReg(v uint64, t arm64.Shift, amount uint8, sf bool) uint64 {
	if sf {
		switch t {
		case arm64.LSL:
			return v << amount
		case arm64.LSR:
			return v >> amount
		case arm64.ASR:
			return uint64(int64(v) >> amount)
		default:
			return bits.RotateLeft64(v, -int(amount))
		}
	}
	w := uint32(v)
	switch t {
	case arm64.LSL:
		return uint64(w << amount)
	case arm64.LSR:
		return uint64(w >> amount)
	case arm64.ASR:
		return uint64(uint32(int32(w) >> amount))
	default:
		return uint64(bits.RotateLeft32(w, -int(amount)))
	}
}

// extendReg is the manual's ExtendReg: v extended by ext and shifted left
// by shift (0..4), as a 64-bit value (callers truncate for 32-bit ops).
func extendReg(v uint64, ext arm64.Extend, shift uint8) uint64 {
	switch ext {
	case arm64.UXTB:
		v = uint64(uint8(v))
	case arm64.UXTH:
		v = uint64(uint16(v))
	case arm64.UXTW:
		v = uint64(uint32(v))
	case arm64.SXTB:
		v = uint64(int64(int8(v)))
	case arm64.SXTH:
		v = uint64(int64(int16(v)))
	case arm64.SXTW:
		v = uint64(int64(int32(v)))
	}
	return v << shift
}
