package emu

import (
	"math/bits"

	"github.com/kpemu/kpemu/arm64"
)

// Executors of the scalar FP and Advanced SIMD subset (Arm ARM C7.2). A V
// register is c.v[n] = {bits 63:0, bits 127:64}; lanes are numbered from
// the least significant. An operation on a 64-bit arrangement (Q = 0, Sf
// false) writes zeros to bits 127:64 of its destination, as the manual's
// V[d] = result with a 64-bit result does; the scalar D forms are one
// 64-bit lane and do the same. Exceptions: INS and the "2" forms of XTN
// and SHRN write part of Vd and keep the rest, FMOV Vd.D[1] keeps the low
// half.

// vLaneMask holds the mask of a lane of each element size.
var vLaneMask = [4]uint64{0xff, 0xffff, 0xffff_ffff, ^uint64(0)}

// vLane returns lane i (elements of 8<<size bits) of v.
func vLane(v *[2]uint64, size uint8, i int) uint64 {
	sh := uint(i) << (size&3 + 3)
	return v[sh>>6&1] >> (sh & 63) & vLaneMask[size&3]
}

// vSetLane sets lane i of v to the low bits of x.
func vSetLane(v *[2]uint64, size uint8, i int, x uint64) {
	sh := uint(i) << (size&3 + 3)
	m := vLaneMask[size&3] << (sh & 63)
	h := sh >> 6 & 1
	v[h] = v[h]&^m | x<<(sh&63)&m
}

// vReplicate fills 64 bits with copies of an element.
func vReplicate(x uint64, size uint8) uint64 {
	x &= vLaneMask[size&3]
	for w := uint(8) << (size & 3); w < 64; w *= 2 {
		x |= x << w
	}
	return x
}

// vLanes is the number of lanes of an instruction's arrangement.
func vLanes(in *arm64.Inst) int {
	n := 8
	if in.Sf {
		n = 16
	}
	return n >> (in.Size & 3)
}

// vSext returns lane value x of the given element size, sign-extended.
func vSext(x uint64, size uint8) int64 {
	sh := 64 - (8 << (size & 3))
	return int64(x<<sh) >> sh
}

func vAllOnes(b bool) uint64 {
	if b {
		return ^uint64(0)
	}
	return 0
}

func init() {
	// Moves between register files and immediates.
	defineExec(arm64.FMOVgen, execFMOVgen)
	defineExec(arm64.FMOVreg, execFMOVreg)
	defineExec(arm64.FMOVimm, execFMOVimm)
	defineExec(arm64.FMOVvecImm, execMOVI)
	defineExec(arm64.MOVI, execMOVI)
	defineExec(arm64.MVNI, execMVNI)
	defineExec(arm64.ORRvecImm, execImmLogic(func(d, imm uint64) uint64 { return d | imm }))
	defineExec(arm64.BICvecImm, execImmLogic(func(d, imm uint64) uint64 { return d &^ imm }))

	// Bitwise, on 64-bit halves: f(d, n, m).
	defineExec(arm64.ANDvec, execBitwise(func(_, n, m uint64) uint64 { return n & m }))
	defineExec(arm64.BICvecReg, execBitwise(func(_, n, m uint64) uint64 { return n &^ m }))
	defineExec(arm64.ORRvecReg, execBitwise(func(_, n, m uint64) uint64 { return n | m }))
	defineExec(arm64.ORNvec, execBitwise(func(_, n, m uint64) uint64 { return n | ^m }))
	defineExec(arm64.EORvec, execBitwise(func(_, n, m uint64) uint64 { return n ^ m }))
	defineExec(arm64.BSL, execBitwise(func(d, n, m uint64) uint64 { return d&n | ^d&m }))
	defineExec(arm64.BIT, execBitwise(func(d, n, m uint64) uint64 { return d&^m | n&m }))
	defineExec(arm64.BIF, execBitwise(func(d, n, m uint64) uint64 { return d&m | n&^m }))

	// Element-wise with two sources.
	defineExec(arm64.ADDvec, execLanes2(func(a, b uint64, _ uint8) uint64 { return a + b }))
	defineExec(arm64.SUBvec, execLanes2(func(a, b uint64, _ uint8) uint64 { return a - b }))
	defineExec(arm64.CMEQreg, execLanes2(func(a, b uint64, _ uint8) uint64 { return vAllOnes(a == b) }))
	defineExec(arm64.CMTST, execLanes2(func(a, b uint64, _ uint8) uint64 { return vAllOnes(a&b != 0) }))
	defineExec(arm64.CMHI, execLanes2(func(a, b uint64, _ uint8) uint64 { return vAllOnes(a > b) }))
	defineExec(arm64.CMHS, execLanes2(func(a, b uint64, _ uint8) uint64 { return vAllOnes(a >= b) }))
	defineExec(arm64.CMGTreg, execLanes2(func(a, b uint64, s uint8) uint64 {
		return vAllOnes(vSext(a, s) > vSext(b, s))
	}))
	defineExec(arm64.CMGEreg, execLanes2(func(a, b uint64, s uint8) uint64 {
		return vAllOnes(vSext(a, s) >= vSext(b, s))
	}))
	defineExec(arm64.UMAXvec, execLanes2(vUMax))
	defineExec(arm64.UMINvec, execLanes2(vUMin))
	defineExec(arm64.SMAXvec, execLanes2(vSMax))
	defineExec(arm64.SMINvec, execLanes2(vSMin))
	defineExec(arm64.UMAXP, execPairwise(vUMax))
	defineExec(arm64.UMINP, execPairwise(vUMin))
	defineExec(arm64.SMAXP, execPairwise(vSMax))
	defineExec(arm64.SMINP, execPairwise(vSMin))
	defineExec(arm64.ADDPvec, execPairwise(func(a, b uint64, _ uint8) uint64 { return a + b }))
	defineExec(arm64.ADDPscalar, execADDPscalar)

	// Element-wise with one source.
	defineExec(arm64.CMEQzero, execLanes1(func(a uint64, _ uint8) uint64 { return vAllOnes(a == 0) }))
	defineExec(arm64.CMGTzero, execLanes1(func(a uint64, s uint8) uint64 { return vAllOnes(vSext(a, s) > 0) }))
	defineExec(arm64.CMGEzero, execLanes1(func(a uint64, s uint8) uint64 { return vAllOnes(vSext(a, s) >= 0) }))
	defineExec(arm64.CMLEzero, execLanes1(func(a uint64, s uint8) uint64 { return vAllOnes(vSext(a, s) <= 0) }))
	defineExec(arm64.CMLTzero, execLanes1(func(a uint64, s uint8) uint64 { return vAllOnes(vSext(a, s) < 0) }))
	defineExec(arm64.ABSvec, execLanes1(func(a uint64, s uint8) uint64 {
		if vSext(a, s) < 0 {
			return -a
		}
		return a
	}))
	defineExec(arm64.NEGvec, execLanes1(func(a uint64, _ uint8) uint64 { return -a }))
	defineExec(arm64.CLZvec, execLanes1(func(a uint64, s uint8) uint64 {
		return uint64(bits.LeadingZeros64(a) - (64 - 8<<s))
	}))
	defineExec(arm64.CLSvec, execLanes1(func(a uint64, s uint8) uint64 {
		// CountLeadingSignBits: the leading zeros of x<N-1:1> EOR x<N-2:0>.
		n := 8 << s
		x := (a ^ a>>1) & (vLaneMask[s] >> 1)
		return uint64(bits.LeadingZeros64(x) - (64 - (n - 1)))
	}))
	defineExec(arm64.CNTvec, execHalves(func(x uint64) uint64 {
		var r uint64
		for i := 0; i < 64; i += 8 {
			r |= uint64(bits.OnesCount8(uint8(x>>i))) << i
		}
		return r
	}))
	defineExec(arm64.NOTvec, execHalves(func(x uint64) uint64 { return ^x }))
	defineExec(arm64.RBITvec, execHalves(func(x uint64) uint64 { return bits.ReverseBytes64(bits.Reverse64(x)) }))
	defineExec(arm64.REV16vec, execRev(1))
	defineExec(arm64.REV32vec, execRev(2))
	defineExec(arm64.REV64vec, execRev(3))
	defineExec(arm64.XTN, execXTN)

	// Across lanes.
	defineExec(arm64.ADDV, execAcross(func(acc, x uint64, _ uint8) uint64 { return acc + x }, false))
	defineExec(arm64.UMAXV, execAcross(vUMax, false))
	defineExec(arm64.UMINV, execAcross(vUMin, false))
	defineExec(arm64.SMAXV, execAcross(vSMax, false))
	defineExec(arm64.SMINV, execAcross(vSMin, false))
	defineExec(arm64.UADDLV, execAcross(func(acc, x uint64, _ uint8) uint64 { return acc + x }, true))
	defineExec(arm64.SADDLV, execAcross(func(acc, x uint64, s uint8) uint64 {
		return acc + uint64(vSext(x, s))
	}, true))

	// Element moves and permutes.
	defineExec(arm64.DUPelem, execDUPelem)
	defineExec(arm64.DUPscalar, execDUPscalar)
	defineExec(arm64.DUPgen, execDUPgen)
	defineExec(arm64.INSgen, execINSgen)
	defineExec(arm64.INSelem, execINSelem)
	defineExec(arm64.UMOV, execUMOV)
	defineExec(arm64.SMOV, execSMOV)
	defineExec(arm64.EXT, execEXT)
	defineExec(arm64.TBL, execTBL(false))
	defineExec(arm64.TBX, execTBL(true))
	defineExec(arm64.ZIP1, execZip(0))
	defineExec(arm64.ZIP2, execZip(1))
	defineExec(arm64.UZP1, execUzp(0))
	defineExec(arm64.UZP2, execUzp(1))
	defineExec(arm64.TRN1, execTrn(0))
	defineExec(arm64.TRN2, execTrn(1))

	// Shifts by immediate: f(d, n, shift, size) with d the destination's
	// old lane (for the accumulating and inserting forms).
	defineExec(arm64.SSHR, execShift(func(_, a uint64, sh uint, s uint8) uint64 { return uint64(vSext(a, s) >> sh) }))
	defineExec(arm64.USHR, execShift(func(_, a uint64, sh uint, _ uint8) uint64 { return a >> sh }))
	defineExec(arm64.SSRA, execShift(func(d, a uint64, sh uint, s uint8) uint64 { return d + uint64(vSext(a, s)>>sh) }))
	defineExec(arm64.USRA, execShift(func(d, a uint64, sh uint, _ uint8) uint64 { return d + a>>sh }))
	defineExec(arm64.SHL, execShift(func(_, a uint64, sh uint, _ uint8) uint64 { return a << sh }))
	defineExec(arm64.SLI, execShift(func(d, a uint64, sh uint, s uint8) uint64 {
		m := vLaneMask[s] << sh
		return d&^m | a<<sh&m
	}))
	defineExec(arm64.SRI, execShift(func(d, a uint64, sh uint, s uint8) uint64 {
		m := vLaneMask[s] >> sh // zero for a shift by the element size: Vd kept
		return d&^m | a>>sh&m
	}))
	defineExec(arm64.SHRN, execSHRN)
	defineExec(arm64.SSHLL, execShiftLong(true))
	defineExec(arm64.USHLL, execShiftLong(false))
}

func vUMax(a, b uint64, _ uint8) uint64 { return max(a, b) }
func vUMin(a, b uint64, _ uint8) uint64 { return min(a, b) }
func vSMax(a, b uint64, s uint8) uint64 {
	if vSext(a, s) >= vSext(b, s) {
		return a
	}
	return b
}
func vSMin(a, b uint64, s uint8) uint64 {
	if vSext(a, s) <= vSext(b, s) {
		return a
	}
	return b
}

// setVec writes a result to Vd, zeroing bits 127:64 for a 64-bit
// arrangement.
func (c *CPU) setVec(d arm64.Reg, r [2]uint64, q bool) {
	if !q {
		r[1] = 0
	}
	c.v[d&31] = r
}

// FMOV (general): Imm 0 moves a general register into V, Imm 1 out of it;
// Imm2 = 1 is the upper doubleword (FMOV Vd.D[1], Xn keeps the lower).
func execFMOVgen(c *CPU, in *arm64.Inst) {
	switch {
	case in.Imm == 1 && in.Size == 2:
		c.x[in.Rd] = uint64(uint32(c.v[in.Rn&31][0]))
	case in.Imm == 1:
		c.x[in.Rd] = c.v[in.Rn&31][in.Imm2&1]
	case in.Imm2 == 1:
		c.v[in.Rd&31][1] = c.x[in.Rn]
	case in.Size == 2:
		c.v[in.Rd&31] = [2]uint64{uint64(uint32(c.x[in.Rn])), 0}
	default:
		c.v[in.Rd&31] = [2]uint64{c.x[in.Rn], 0}
	}
	c.pc += 4
}

func execFMOVreg(c *CPU, in *arm64.Inst) {
	x := c.v[in.Rn&31][0]
	if in.Size == 2 {
		x = uint64(uint32(x))
	}
	c.v[in.Rd&31] = [2]uint64{x, 0}
	c.pc += 4
}

func execFMOVimm(c *CPU, in *arm64.Inst) {
	c.v[in.Rd&31] = [2]uint64{uint64(in.Imm), 0}
	c.pc += 4
}

func execMOVI(c *CPU, in *arm64.Inst) {
	c.setVec(in.Rd, [2]uint64{uint64(in.Imm), uint64(in.Imm)}, in.Sf)
	c.pc += 4
}

func execMVNI(c *CPU, in *arm64.Inst) {
	c.setVec(in.Rd, [2]uint64{^uint64(in.Imm), ^uint64(in.Imm)}, in.Sf)
	c.pc += 4
}

func execImmLogic(f func(d, imm uint64) uint64) execFn {
	return func(c *CPU, in *arm64.Inst) {
		d := c.v[in.Rd&31]
		c.setVec(in.Rd, [2]uint64{f(d[0], uint64(in.Imm)), f(d[1], uint64(in.Imm))}, in.Sf)
		c.pc += 4
	}
}

func execBitwise(f func(d, n, m uint64) uint64) execFn {
	return func(c *CPU, in *arm64.Inst) {
		d, n, m := c.v[in.Rd&31], c.v[in.Rn&31], c.v[in.Rm&31]
		c.setVec(in.Rd, [2]uint64{f(d[0], n[0], m[0]), f(d[1], n[1], m[1])}, in.Sf)
		c.pc += 4
	}
}

// execHalves applies a byte-wise function to each 64-bit half (CNT, NOT,
// RBIT, whose element size is B).
func execHalves(f func(x uint64) uint64) execFn {
	return func(c *CPU, in *arm64.Inst) {
		n := c.v[in.Rn&31]
		c.setVec(in.Rd, [2]uint64{f(n[0]), f(n[1])}, in.Sf)
		c.pc += 4
	}
}

func execLanes2(f func(a, b uint64, size uint8) uint64) execFn {
	return func(c *CPU, in *arm64.Inst) {
		a, b := c.v[in.Rn&31], c.v[in.Rm&31]
		var r [2]uint64
		for i := range vLanes(in) {
			vSetLane(&r, in.Size, i, f(vLane(&a, in.Size, i), vLane(&b, in.Size, i), in.Size))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

func execLanes1(f func(a uint64, size uint8) uint64) execFn {
	return func(c *CPU, in *arm64.Inst) {
		a := c.v[in.Rn&31]
		var r [2]uint64
		for i := range vLanes(in) {
			vSetLane(&r, in.Size, i, f(vLane(&a, in.Size, i), in.Size))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

// execPairwise: lane i of the result combines lanes 2i and 2i+1 of the
// concatenation Vm:Vn (Vn the low half).
func execPairwise(f func(a, b uint64, size uint8) uint64) execFn {
	return func(c *CPU, in *arm64.Inst) {
		src := [2][2]uint64{c.v[in.Rn&31], c.v[in.Rm&31]}
		n := vLanes(in)
		var r [2]uint64
		for i := range n {
			v := &src[(2*i)/n&1]
			j := (2 * i) % n
			vSetLane(&r, in.Size, i, f(vLane(v, in.Size, j), vLane(v, in.Size, j+1), in.Size))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

func execADDPscalar(c *CPU, in *arm64.Inst) {
	n := c.v[in.Rn&31]
	c.v[in.Rd&31] = [2]uint64{n[0] + n[1], 0}
	c.pc += 4
}

// execRev reverses the order of the elements within each container of
// 1<<container bytes (REV16, REV32, REV64).
func execRev(container uint8) execFn {
	return func(c *CPU, in *arm64.Inst) {
		a := c.v[in.Rn&31]
		flip := 1<<(container-in.Size&3) - 1
		var r [2]uint64
		for i := range vLanes(in) {
			vSetLane(&r, in.Size, i, vLane(&a, in.Size, i^flip))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

// setVecNarrow writes a 64-bit narrowed result to Vd: the low half (upper
// zeroed) or, for the "2" forms, the upper half (lower kept).
func (c *CPU) setVecNarrow(in *arm64.Inst, r uint64) {
	if in.Sf {
		c.v[in.Rd&31][1] = r
	} else {
		c.v[in.Rd&31] = [2]uint64{r, 0}
	}
}

func execXTN(c *CPU, in *arm64.Inst) {
	a := c.v[in.Rn&31]
	var r [2]uint64
	for i := range 8 >> in.Size {
		vSetLane(&r, in.Size, i, vLane(&a, in.Size+1, i))
	}
	c.setVecNarrow(in, r[0])
	c.pc += 4
}

func execSHRN(c *CPU, in *arm64.Inst) {
	a := c.v[in.Rn&31]
	var r [2]uint64
	for i := range 8 >> in.Size {
		vSetLane(&r, in.Size, i, vLane(&a, in.Size+1, i)>>uint(in.Imm))
	}
	c.setVecNarrow(in, r[0])
	c.pc += 4
}

// execShiftLong: SSHLL/USHLL read the low (or, for the "2" form, the high)
// half of Vn and widen each element before shifting it.
func execShiftLong(signed bool) execFn {
	return func(c *CPU, in *arm64.Inst) {
		src := [2]uint64{c.v[in.Rn&31][0], 0}
		if in.Sf {
			src[0] = c.v[in.Rn&31][1]
		}
		var r [2]uint64
		for i := range 8 >> in.Size {
			x := vLane(&src, in.Size, i)
			if signed {
				x = uint64(vSext(x, in.Size))
			}
			vSetLane(&r, in.Size+1, i, x<<uint(in.Imm))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

func execShift(f func(d, a uint64, shift uint, size uint8) uint64) execFn {
	return func(c *CPU, in *arm64.Inst) {
		d, a := c.v[in.Rd&31], c.v[in.Rn&31]
		sh := uint(in.Imm)
		var r [2]uint64
		for i := range vLanes(in) {
			vSetLane(&r, in.Size, i, f(vLane(&d, in.Size, i), vLane(&a, in.Size, i), sh, in.Size))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

// execAcross reduces the lanes of Vn into lane 0 of Vd (the rest zeroed);
// long (SADDLV, UADDLV) gives an element twice as wide.
func execAcross(f func(acc, x uint64, size uint8) uint64, long bool) execFn {
	return func(c *CPU, in *arm64.Inst) {
		a := c.v[in.Rn&31]
		acc := vLane(&a, in.Size, 0)
		if long && in.Op == arm64.SADDLV {
			acc = uint64(vSext(acc, in.Size))
		}
		for i := 1; i < vLanes(in); i++ {
			acc = f(acc, vLane(&a, in.Size, i), in.Size)
		}
		rs := in.Size
		if long {
			rs++
		}
		c.v[in.Rd&31] = [2]uint64{acc & vLaneMask[rs&3], 0}
		c.pc += 4
	}
}

func execDUPelem(c *CPU, in *arm64.Inst) {
	a := c.v[in.Rn&31]
	x := vReplicate(vLane(&a, in.Size, int(in.Imm)), in.Size)
	c.setVec(in.Rd, [2]uint64{x, x}, in.Sf)
	c.pc += 4
}

func execDUPscalar(c *CPU, in *arm64.Inst) {
	a := c.v[in.Rn&31]
	c.v[in.Rd&31] = [2]uint64{vLane(&a, in.Size, int(in.Imm)), 0}
	c.pc += 4
}

func execDUPgen(c *CPU, in *arm64.Inst) {
	x := vReplicate(c.x[in.Rn], in.Size)
	c.setVec(in.Rd, [2]uint64{x, x}, in.Sf)
	c.pc += 4
}

func execINSgen(c *CPU, in *arm64.Inst) {
	v := c.v[in.Rd&31]
	vSetLane(&v, in.Size, int(in.Imm), c.x[in.Rn])
	c.v[in.Rd&31] = v
	c.pc += 4
}

func execINSelem(c *CPU, in *arm64.Inst) {
	a := c.v[in.Rn&31]
	x := vLane(&a, in.Size, int(in.Imm2))
	v := c.v[in.Rd&31]
	vSetLane(&v, in.Size, int(in.Imm), x)
	c.v[in.Rd&31] = v
	c.pc += 4
}

func execUMOV(c *CPU, in *arm64.Inst) {
	a := c.v[in.Rn&31]
	c.x[in.Rd] = vLane(&a, in.Size, int(in.Imm))
	c.pc += 4
}

func execSMOV(c *CPU, in *arm64.Inst) {
	a := c.v[in.Rn&31]
	x := uint64(vSext(vLane(&a, in.Size, int(in.Imm)), in.Size))
	if !in.Sf {
		x = uint64(uint32(x))
	}
	c.x[in.Rd] = x
	c.pc += 4
}

// vBytes returns the 16 bytes of a V register, least significant first.
func vBytes(v [2]uint64) (b [16]byte) {
	for i := range 8 {
		b[i] = byte(v[0] >> (8 * i))
		b[8+i] = byte(v[1] >> (8 * i))
	}
	return b
}

func vFromBytes16(b *[16]byte) (v [2]uint64) {
	for i := 7; i >= 0; i-- {
		v[0] = v[0]<<8 | uint64(b[i])
		v[1] = v[1]<<8 | uint64(b[8+i])
	}
	return v
}

// execEXT: the result is bytes Imm.. of the concatenation Vm:Vn, each
// taken at the arrangement's width (8 or 16 bytes).
func execEXT(c *CPU, in *arm64.Inst) {
	n := 8
	if in.Sf {
		n = 16
	}
	lo, hi := vBytes(c.v[in.Rn&31]), vBytes(c.v[in.Rm&31])
	var cat [32]byte
	copy(cat[:n], lo[:n])
	copy(cat[n:2*n], hi[:n])
	var r [16]byte
	copy(r[:n], cat[int(in.Imm)&15:])
	c.setVec(in.Rd, vFromBytes16(&r), in.Sf)
	c.pc += 4
}

// execTBL: TBL/TBX look each byte of Vm up in the table of Imm2
// registers from Vn (wrapping past V31); an index past the table gives 0
// (TBL) or keeps Vd's byte (TBX).
func execTBL(tbx bool) execFn {
	return func(c *CPU, in *arm64.Inst) {
		var table [64]byte
		nregs := int(in.Imm2) & 7
		for r := range nregs {
			b := vBytes(c.v[(int(in.Rn)+r)&31])
			copy(table[16*r:], b[:])
		}
		idx := vBytes(c.v[in.Rm&31])
		var res [16]byte
		if tbx {
			res = vBytes(c.v[in.Rd&31])
		}
		n := 8
		if in.Sf {
			n = 16
		}
		for i := range n {
			if j := int(idx[i]); j < 16*nregs {
				res[i] = table[j]
			}
		}
		c.setVec(in.Rd, vFromBytes16(&res), in.Sf)
		c.pc += 4
	}
}

// execZip interleaves the low (part 0) or high (part 1) halves of Vn and Vm.
func execZip(part int) execFn {
	return func(c *CPU, in *arm64.Inst) {
		a, b := c.v[in.Rn&31], c.v[in.Rm&31]
		pairs := vLanes(in) / 2
		base := part * pairs
		var r [2]uint64
		for p := range pairs {
			vSetLane(&r, in.Size, 2*p, vLane(&a, in.Size, base+p))
			vSetLane(&r, in.Size, 2*p+1, vLane(&b, in.Size, base+p))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

// execUzp takes the even (part 0) or odd (part 1) lanes of Vm:Vn.
func execUzp(part int) execFn {
	return func(c *CPU, in *arm64.Inst) {
		src := [2][2]uint64{c.v[in.Rn&31], c.v[in.Rm&31]}
		n := vLanes(in)
		var r [2]uint64
		for i := range n {
			j := 2*i + part
			vSetLane(&r, in.Size, i, vLane(&src[j/n&1], in.Size, j%n))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}

// execTrn interleaves the even (part 0) or odd (part 1) lanes of Vn and Vm.
func execTrn(part int) execFn {
	return func(c *CPU, in *arm64.Inst) {
		a, b := c.v[in.Rn&31], c.v[in.Rm&31]
		var r [2]uint64
		for p := range vLanes(in) / 2 {
			vSetLane(&r, in.Size, 2*p, vLane(&a, in.Size, 2*p+part))
			vSetLane(&r, in.Size, 2*p+1, vLane(&b, in.Size, 2*p+part))
		}
		c.v[in.Rd&31] = r
		c.pc += 4
	}
}
