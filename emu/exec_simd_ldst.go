package emu

import (
	"encoding/binary"

	"github.com/kpemu/kpemu/arm64"
)

// Executors of the FP/SIMD loads and stores (Arm ARM C7.2: LDR/STR
// (SIMD&FP), LDP/STP/LDNP/STNP (SIMD&FP), LD1-LD4, ST1-ST4, LD1R-LD4R).
// FP/SIMD access is always enabled (CPACR_EL1.FPEN = 3 from reset), so
// the FP access trap is not modelled.
//
// A load of a B, H, S or D register writes the whole V register, the
// bits above the access with zeros (the manual's V[t] = ZeroExtend). A
// fault leaves every register unchanged: multi-register accesses read or
// write the whole block with one readBytes/writeBytes, which check both
// pages before touching anything, and then report one memory access per
// register to the hooks.

func init() {
	defineExec(arm64.LDRimmFP, execLDRFP)
	defineExec(arm64.LDURFP, execLDRFP)
	defineExec(arm64.LDRregFP, execLDRFP)
	defineExec(arm64.LDRlitFP, execLDRFP)
	defineExec(arm64.STRimmFP, execSTRFP)
	defineExec(arm64.STURFP, execSTRFP)
	defineExec(arm64.STRregFP, execSTRFP)
	defineExec(arm64.LDPFP, execLDPFP)
	defineExec(arm64.LDNPFP, execLDPFP)
	defineExec(arm64.STPFP, execSTPFP)
	defineExec(arm64.STNPFP, execSTPFP)
	for op := arm64.LD1mult; op <= arm64.LD4mult; op++ {
		defineExec(op, execLdStMulti(arm64.StructRegs(op), true))
	}
	for op := arm64.ST1mult; op <= arm64.ST4mult; op++ {
		defineExec(op, execLdStMulti(arm64.StructRegs(op), false))
	}
	for op := arm64.LD1single; op <= arm64.LD4single; op++ {
		defineExec(op, execLdStSingle(arm64.StructRegs(op), true))
	}
	for op := arm64.ST1single; op <= arm64.ST4single; op++ {
		defineExec(op, execLdStSingle(arm64.StructRegs(op), false))
	}
	for op := arm64.LD1R; op <= arm64.LD4R; op++ {
		defineExec(op, execLdRepl(arm64.StructRegs(op)))
	}
}

// fpAddress is the address of an FP/SIMD load or store and the value its
// base register is written back with (pre- and post-index). A base of SP
// must be 16-byte aligned (CheckSPAlignment in the manual's pseudocode,
// done before the address is formed); ok is false when that faults.
func (c *CPU) fpAddress(in *arm64.Inst) (addr, wb uint64, ok bool) {
	if in.Mode == arm64.AddrLiteral {
		return c.pc + uint64(in.Imm), 0, true
	}
	if in.Rn == arm64.SP && !c.checkSPAlign(c.x[32]) {
		return 0, 0, false
	}
	base := c.x[in.Rn]
	switch in.Mode {
	case arm64.AddrPreIndex:
		addr = base + uint64(in.Imm)
		wb = addr
	case arm64.AddrPostIndex:
		addr = base
		wb = base + uint64(in.Imm)
	case arm64.AddrRegOffset:
		addr = base + extendReg(c.x[in.Rm], in.Ext, in.Amount)
	default:
		addr = base + uint64(in.Imm)
	}
	return addr, wb, true
}

// fpWriteBack updates the base register of a pre- or post-indexed access.
func (c *CPU) fpWriteBack(in *arm64.Inst, wb uint64) {
	if in.Mode == arm64.AddrPreIndex || in.Mode == arm64.AddrPostIndex {
		c.x[in.Rn] = wb
	}
}

func execLDRFP(c *CPU, in *arm64.Inst) {
	addr, wb, ok := c.fpAddress(in)
	if !ok {
		return
	}
	var lo, hi uint64
	if in.Size == 4 {
		lo, hi, ok = c.load128(addr)
	} else {
		lo, ok = c.load(addr, in.Size)
	}
	if !ok {
		return
	}
	c.v[in.Rt&31] = [2]uint64{lo, hi}
	c.fpWriteBack(in, wb)
	c.pc += 4
}

func execSTRFP(c *CPU, in *arm64.Inst) {
	addr, wb, ok := c.fpAddress(in)
	if !ok {
		return
	}
	v := c.v[in.Rt&31]
	if in.Size == 4 {
		ok = c.store128(addr, v[0], v[1])
	} else {
		ok = c.store(addr, in.Size, v[0])
	}
	if !ok {
		return
	}
	c.fpWriteBack(in, wb)
	c.pc += 4
}

// simdRead reads buf at addr (a block of several registers) and reports
// it to the memory hooks as accesses of chunk bytes each.
func (c *CPU) simdRead(addr uint64, buf []byte, chunk int) bool {
	if !c.readBytes(addr, buf) {
		return false
	}
	if c.m.hooks.mem != nil {
		c.simdReportChunks(false, addr, buf, chunk)
	}
	return true
}

// simdWrite writes buf at addr, all or nothing, and reports it to the
// memory hooks as accesses of chunk bytes each.
func (c *CPU) simdWrite(addr uint64, buf []byte, chunk int) bool {
	if !c.writeBytes(addr, buf) {
		return false
	}
	if c.m.hooks.mem != nil {
		c.simdReportChunks(true, addr, buf, chunk)
	}
	return true
}

func (c *CPU) simdReportChunks(write bool, addr uint64, buf []byte, chunk int) {
	for off := 0; off+chunk <= len(buf); off += chunk {
		var b [16]byte
		copy(b[:], buf[off:off+chunk])
		c.runMemHooks(MemAccess{
			Write: write, Addr: addr + uint64(off), Size: chunk,
			Value: binary.LittleEndian.Uint64(b[:]), High: binary.LittleEndian.Uint64(b[8:]),
		})
	}
}

// vPutBytes stores the low n bytes (4, 8 or 16) of v into b.
func vPutBytes(b []byte, v [2]uint64, n int) {
	var t [16]byte
	binary.LittleEndian.PutUint64(t[:], v[0])
	binary.LittleEndian.PutUint64(t[8:], v[1])
	copy(b[:n], t[:])
}

// vFromBytes reads a register of n bytes (4, 8 or 16) from b, zero-extended
// to 128 bits.
func vFromBytes(b []byte, n int) [2]uint64 {
	var t [16]byte
	copy(t[:], b[:n])
	return [2]uint64{binary.LittleEndian.Uint64(t[:]), binary.LittleEndian.Uint64(t[8:])}
}

func execLDPFP(c *CPU, in *arm64.Inst) {
	addr, wb, ok := c.fpAddress(in)
	if !ok {
		return
	}
	n := 1 << in.Size
	var buf [32]byte
	if !c.simdRead(addr, buf[:2*n], n) {
		return
	}
	// Rt == Rt2 is CONSTRAINED UNPREDICTABLE; the second value wins.
	c.v[in.Rt&31] = vFromBytes(buf[:], n)
	c.v[in.Rt2&31] = vFromBytes(buf[n:], n)
	c.fpWriteBack(in, wb)
	c.pc += 4
}

func execSTPFP(c *CPU, in *arm64.Inst) {
	addr, wb, ok := c.fpAddress(in)
	if !ok {
		return
	}
	n := 1 << in.Size
	var buf [32]byte
	vPutBytes(buf[:], c.v[in.Rt&31], n)
	vPutBytes(buf[n:], c.v[in.Rt2&31], n)
	if !c.simdWrite(addr, buf[:2*n], n) {
		return
	}
	c.fpWriteBack(in, wb)
	c.pc += 4
}

// structAddress is the address of a structure load or store and its
// post-indexed base: Rn + Imm + Rm, where the decoder leaves Imm 0 for a
// register increment and Rm = ZR (reading zero) for an immediate one.
func (c *CPU) structAddress(in *arm64.Inst) (addr, wb uint64, ok bool) {
	if in.Rn == arm64.SP && !c.checkSPAlign(c.x[32]) {
		return 0, 0, false
	}
	addr = c.x[in.Rn]
	return addr, addr + uint64(in.Imm) + c.x[in.Rm], true
}

// execLdStMulti executes LDn/STn (multiple structures), selem being n. The
// manual's pseudocode walks rpt = registers/selem groups; within a group,
// element e of register s is at offset (e*selem + s) * ebytes. For LD1/ST1
// (selem 1) each register is simply its bytes in order.
func execLdStMulti(selem int, load bool) execFn {
	return func(c *CPU, in *arm64.Inst) {
		addr, wb, ok := c.structAddress(in)
		if !ok {
			return
		}
		nregs := int(in.Imm2) & 7
		regBytes := 8
		if in.Sf {
			regBytes = 16
		}
		total := nregs * regBytes
		var buf [64]byte
		var regs [4][2]uint64
		if load {
			if !c.simdRead(addr, buf[:total], regBytes) {
				return
			}
			if selem == 1 {
				for r := range nregs {
					regs[r] = vFromBytes(buf[r*regBytes:], regBytes)
				}
			} else {
				vDeinterleave(&regs, buf[:total], selem, in.Size, regBytes)
			}
			for r := range nregs {
				c.v[(int(in.Rt)+r)&31] = regs[r]
			}
		} else {
			for r := range nregs {
				regs[r] = c.v[(int(in.Rt)+r)&31]
			}
			if selem == 1 {
				for r := range nregs {
					vPutBytes(buf[r*regBytes:], regs[r], regBytes)
				}
			} else {
				vInterleave(buf[:total], &regs, selem, in.Size, regBytes)
			}
			if !c.simdWrite(addr, buf[:total], regBytes) {
				return
			}
		}
		if in.Mode == arm64.AddrPostIndex {
			c.x[in.Rn] = wb
		}
		c.pc += 4
	}
}

// vDeinterleave distributes the elements of LD2/LD3/LD4 over selem
// registers: element e of register s is at (e*selem + s) * ebytes.
func vDeinterleave(regs *[4][2]uint64, buf []byte, selem int, size uint8, regBytes int) {
	eb := 1 << size
	for e := range regBytes / eb {
		for s := range selem {
			off := (e*selem + s) * eb
			vSetLane(&regs[s], size, e, vLoadLE(buf[off:off+eb]))
		}
	}
}

// vInterleave is the inverse of vDeinterleave, for ST2/ST3/ST4.
func vInterleave(buf []byte, regs *[4][2]uint64, selem int, size uint8, regBytes int) {
	eb := 1 << size
	for e := range regBytes / eb {
		for s := range selem {
			off := (e*selem + s) * eb
			vStoreLE(buf[off:off+eb], vLane(&regs[s], size, e))
		}
	}
}

// vLoadLE reads a little-endian value of len(b) (at most 8) bytes.
func vLoadLE(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// vStoreLE writes the low len(b) bytes of v little-endian.
func vStoreLE(b []byte, v uint64) {
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
}

// execLdStSingle executes LDn/STn (single structure): selem consecutive
// elements to or from lane Imm2 of registers Rt..Rt+selem-1. The other
// lanes are kept, in all 128 bits (the manual reads and writes back the
// whole V register).
func execLdStSingle(selem int, load bool) execFn {
	return func(c *CPU, in *arm64.Inst) {
		addr, wb, ok := c.structAddress(in)
		if !ok {
			return
		}
		eb := 1 << in.Size
		index := int(in.Imm2) & 15
		var buf [32]byte
		if load {
			if !c.simdRead(addr, buf[:selem*eb], eb) {
				return
			}
			for s := range selem {
				r := (int(in.Rt) + s) & 31
				v := c.v[r]
				vSetLane(&v, in.Size, index, vLoadLE(buf[s*eb:(s+1)*eb]))
				c.v[r] = v
			}
		} else {
			for s := range selem {
				v := c.v[(int(in.Rt)+s)&31]
				vStoreLE(buf[s*eb:(s+1)*eb], vLane(&v, in.Size, index))
			}
			if !c.simdWrite(addr, buf[:selem*eb], eb) {
				return
			}
		}
		if in.Mode == arm64.AddrPostIndex {
			c.x[in.Rn] = wb
		}
		c.pc += 4
	}
}

// execLdRepl executes LDnR: selem consecutive elements, each replicated to
// every lane of its register (the upper half zeroed for a 64-bit
// arrangement).
func execLdRepl(selem int) execFn {
	return func(c *CPU, in *arm64.Inst) {
		addr, wb, ok := c.structAddress(in)
		if !ok {
			return
		}
		eb := 1 << in.Size
		var buf [32]byte
		if !c.simdRead(addr, buf[:selem*eb], eb) {
			return
		}
		for s := range selem {
			x := vReplicate(vLoadLE(buf[s*eb:(s+1)*eb]), in.Size)
			v := [2]uint64{x, x}
			if !in.Sf {
				v[1] = 0
			}
			c.v[(int(in.Rt)+s)&31] = v
		}
		if in.Mode == arm64.AddrPostIndex {
			c.x[in.Rn] = wb
		}
		c.pc += 4
	}
}
