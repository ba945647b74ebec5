package emu

import "github.com/kpemu/kpemu/arm64"

// Executors of the synchronization loads and stores: the exclusives,
// load-acquire/store-release, LDAPR and the LSE atomics. kpemu runs one
// instruction at a time, so acquire and release order nothing further and
// are not modelled; what remains is the exclusive monitor, the alignment
// the architecture requires (Arm ARM B2.5.2: exclusives, acquire/release
// and atomics must be naturally aligned without FEAT_LSE2, which kpemu does
// not have), and the permission checks of read-modify-write accesses.

func init() {
	defineExec(arm64.LDXR, execLdxr)
	defineExec(arm64.STXR, execStxr)
	defineExec(arm64.LDXP, execLdxp)
	defineExec(arm64.STXP, execStxp)
	defineExec(arm64.LDAR, execLdar)
	defineExec(arm64.STLR, execStlr)
	defineExecFeature(arm64.LDAPR, func(f *Features) bool { return f.LRCPC }, execLdar)

	lse := func(f *Features) bool { return f.LSE }
	defineExecFeature(arm64.CAS, lse, execCas)
	defineExecFeature(arm64.CASP, lse, execCasp)
	for _, op := range []arm64.Op{arm64.LDADD, arm64.LDCLR, arm64.LDEOR, arm64.LDSET,
		arm64.LDSMAX, arm64.LDSMIN, arm64.LDUMAX, arm64.LDUMIN, arm64.SWP} {
		defineExecFeature(op, lse, execAtomicOp)
	}
}

// atomicAddr reads the base of an exclusive, ordered or atomic access (all
// use [Xn|SP] with no offset) and checks SP and natural alignment of
// 1<<size bytes. write is the WnR an alignment fault reports.
func (c *CPU) atomicAddr(in *arm64.Inst, size uint8, write bool) (uint64, bool) {
	addr, ok := c.ldstBase(in)
	if !ok || !c.checkAlign(addr, size, write) {
		return 0, false
	}
	return addr, true
}

// The exclusive monitor (Arm ARM B2.9). kpemu models the local monitor of
// each CPU: a load-exclusive marks its address and size; a store-exclusive
// succeeds only when the marked address and size are its own, and clears
// the mark either way. Exception entry and return clear it too (see
// take and eret). For the global monitor, a successful store-exclusive or
// atomic clears the marks of other CPUs in the same reservation granule;
// ordinary stores do not (that would cost every store a check).

// exclGranule is the reservation granule used between CPUs: a 64-byte
// cache line.
const exclGranule = 64

func (c *CPU) exclMark(addr uint64, size uint8) {
	c.exclValid, c.exclAddr, c.exclSize = true, addr, size
}

// clearOtherMonitors clears the exclusive marks other CPUs hold on the
// granule of addr, after this CPU wrote it.
func (c *CPU) clearOtherMonitors(addr uint64) {
	for _, o := range c.m.cpus {
		if o != c && o.exclValid && o.exclAddr/exclGranule == addr/exclGranule {
			o.exclValid = false
		}
	}
}

// exclPass is the check of AArch64.ExclusiveMonitorsPass: whether a
// store-exclusive of 1<<size bytes at addr may write. It clears the mark.
func (c *CPU) exclPass(addr uint64, size uint8) bool {
	pass := c.exclValid && c.exclAddr == addr && c.exclSize == size
	c.exclValid = false
	return pass
}

// LDXR, LDAXR (B, H, W, X).
func execLdxr(c *CPU, in *arm64.Inst) {
	addr, ok := c.atomicAddr(in, in.Size, false)
	if !ok {
		return
	}
	v, ok := c.load(addr, in.Size)
	if !ok {
		return
	}
	c.exclMark(addr, in.Size)
	c.x[in.Rt] = v
	c.pc += 4
}

// STXR, STLXR: Rs gets 0 when the store was done, 1 when not. The
// alignment fault comes first (it does not depend on the monitor); a
// failing store-exclusive accesses no memory, so it cannot fault. Rs equal
// to Rt or Rn is CONSTRAINED UNPREDICTABLE: the sources are read first, so
// the store uses them, as in QEMU.
func execStxr(c *CPU, in *arm64.Inst) {
	addr, ok := c.atomicAddr(in, in.Size, true)
	if !ok {
		return
	}
	v := c.x[in.Rt]
	status := uint64(1)
	if c.exclPass(addr, in.Size) {
		if !c.store(addr, in.Size, v) {
			return
		}
		c.clearOtherMonitors(addr)
		status = 0
	}
	c.x[in.Rs] = status
	c.pc += 4
}

// LDXP, LDAXP: the pair is aligned to its total size and marked as one
// access. A W pair is one doubleword access (single-copy atomic, Arm ARM
// LDXP); Rt gets the lower-addressed word.
func execLdxp(c *CPU, in *arm64.Inst) {
	total := in.Size + 1
	addr, ok := c.atomicAddr(in, total, false)
	if !ok {
		return
	}
	var v1, v2 uint64
	if in.Size == 2 {
		v, ok := c.load(addr, 3)
		if !ok {
			return
		}
		v1, v2 = uint64(uint32(v)), v>>32
	} else if v1, v2, ok = c.ldstLoadPair(addr, 3); !ok {
		return
	}
	c.exclMark(addr, total)
	c.x[in.Rt2] = v2
	c.x[in.Rt] = v1
	c.pc += 4
}

// STXP, STLXP.
func execStxp(c *CPU, in *arm64.Inst) {
	total := in.Size + 1
	addr, ok := c.atomicAddr(in, total, true)
	if !ok {
		return
	}
	v1, v2 := c.x[in.Rt], c.x[in.Rt2]
	status := uint64(1)
	if c.exclPass(addr, total) {
		if in.Size == 2 {
			ok = c.store(addr, 3, uint64(uint32(v1))|v2<<32)
		} else {
			ok = c.ldstStorePair(addr, 3, v1, v2)
		}
		if !ok {
			return
		}
		c.clearOtherMonitors(addr)
		status = 0
	}
	c.x[in.Rs] = status
	c.pc += 4
}

// LDAR and LDAPR (B, H, W, X).
func execLdar(c *CPU, in *arm64.Inst) {
	addr, ok := c.atomicAddr(in, in.Size, false)
	if !ok {
		return
	}
	v, ok := c.load(addr, in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = v
	c.pc += 4
}

// STLR (B, H, W, X).
func execStlr(c *CPU, in *arm64.Inst) {
	addr, ok := c.atomicAddr(in, in.Size, true)
	if !ok {
		return
	}
	if !c.store(addr, in.Size, c.x[in.Rt]) {
		return
	}
	c.pc += 4
}

// rmwAddr checks an atomic read-modify-write of 1<<size bytes: SP and
// alignment, then read and write permission, before anything is accessed.
// The Data Abort's WnR follows the Arm ARM's rule for atomics (ESR_ELx ISS,
// WnR): 0 when a read of the address would have faulted as well (alignment,
// translation, no read permission), 1 when only the write faults. A CAS
// needs write permission even when its comparison fails.
func (c *CPU) rmwAddr(in *arm64.Inst, size uint8) (uint64, bool) {
	addr, ok := c.atomicAddr(in, size, false)
	if !ok {
		return 0, false
	}
	if c.translate(addr, PermRead, false) == nil || c.translate(addr, PermWrite, true) == nil {
		return 0, false
	}
	return addr, true
}

// atomicResult is the value an LSE atomic writes to memory: the operation
// of the op on the old memory value and the Rs operand, both 1<<size bytes
// (old zero-extended; s is the whole register, truncated by the store).
// The signed min/max compare the values sign-extended from their size.
func atomicResult(op arm64.Op, old, s uint64, size uint8) uint64 {
	shift := 64 - 8<<size
	switch op {
	case arm64.LDADD:
		return old + s
	case arm64.LDCLR:
		return old &^ s
	case arm64.LDEOR:
		return old ^ s
	case arm64.LDSET:
		return old | s
	case arm64.LDSMAX, arm64.LDSMIN:
		so, ss := int64(old<<shift)>>shift, int64(s<<shift)>>shift
		if (so > ss) == (op == arm64.LDSMAX) {
			return old
		}
		return s
	case arm64.LDUMAX, arm64.LDUMIN:
		uo, us := old<<shift>>shift, s<<shift>>shift
		if (uo > us) == (op == arm64.LDUMAX) {
			return old
		}
		return s
	}
	return s // SWP
}

// execAtomicOp is LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX,
// LDUMIN and SWP (and their ST aliases, Rt = ZR): Rt gets the old value,
// zero-extended.
func execAtomicOp(c *CPU, in *arm64.Inst) {
	addr, ok := c.rmwAddr(in, in.Size)
	if !ok {
		return
	}
	s := c.x[in.Rs]
	old, ok := c.load(addr, in.Size)
	if !ok || !c.store(addr, in.Size, atomicResult(in.Op, old, s, in.Size)) {
		return
	}
	c.clearOtherMonitors(addr)
	c.x[in.Rt] = old
	c.pc += 4
}

// CAS: if memory equals Rs (of the access size), Rt is written; either way
// Rs gets the old value, zero-extended.
func execCas(c *CPU, in *arm64.Inst) {
	addr, ok := c.rmwAddr(in, in.Size)
	if !ok {
		return
	}
	shift := 64 - 8<<in.Size
	cmp, nv := c.x[in.Rs]<<shift>>shift, c.x[in.Rt]
	old, ok := c.load(addr, in.Size)
	if !ok {
		return
	}
	if old == cmp {
		if !c.store(addr, in.Size, nv) {
			return
		}
		c.clearOtherMonitors(addr)
	}
	c.x[in.Rs] = old
	c.pc += 4
}

// CASP: the pair Rs, Rs+1 is compared with memory and Rt, Rt2 (= Rt+1)
// written if both match; Rs, Rs+1 get the old values. A W pair is one
// doubleword access with Rs in the lower word. Rs+1 of Rs = 30 is XZR,
// which c.x[31] reads as zero.
func execCasp(c *CPU, in *arm64.Inst) {
	total := in.Size + 1
	addr, ok := c.rmwAddr(in, total)
	if !ok {
		return
	}
	s2 := in.Rs + 1
	c1, c2, n1, n2 := c.x[in.Rs], c.x[s2], c.x[in.Rt], c.x[in.Rt2]
	var o1, o2 uint64
	if in.Size == 2 {
		v, ok := c.load(addr, 3)
		if !ok {
			return
		}
		o1, o2 = uint64(uint32(v)), v>>32
		if v == uint64(uint32(c1))|c2<<32 {
			if !c.store(addr, 3, uint64(uint32(n1))|n2<<32) {
				return
			}
			c.clearOtherMonitors(addr)
		}
	} else {
		if o1, o2, ok = c.ldstLoadPair(addr, 3); !ok {
			return
		}
		if o1 == c1 && o2 == c2 {
			if !c.ldstStorePair(addr, 3, n1, n2) {
				return
			}
			c.clearOtherMonitors(addr)
		}
	}
	c.x[s2] = o2
	c.x[in.Rs] = o1
	c.pc += 4
}
