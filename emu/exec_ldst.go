package emu

import "github.com/kpemu/kpemu/arm64"

// Executors of the loads and stores of general-purpose registers: single
// registers in every addressing mode, pairs, literals, the unprivileged
// forms and the prefetches (Arm ARM C6.2, LDR (immediate) and its
// relatives). The exclusives, acquire/release and LSE atomics are in
// exec_atomic.go.
//
// These are the hottest executors after the branches, so the selectors
// pick one small function per addressing mode and signedness: a
// zero-extending load needs no per-size variant, since c.load returns the
// value zero-extended and a W destination is zero-extended anyway.
//
// CONSTRAINED UNPREDICTABLE cases, resolved as QEMU (and so Unicorn) does:
//   - a load with writeback whose base is also the transfer register (LDR
//     x0, [x0], #8; LDP with Rn == Rt or Rt2; Arm ARM appendix K1,
//     "Architectural Constraints on UNPREDICTABLE behaviors"): the
//     writeback wins, Rn holds the updated address;
//   - a store with writeback whose base is the transfer register: the value
//     stored is the register before the writeback;
//   - LDP/LDPSW with Rt == Rt2: Rt receives the value from the lower
//     address.
// Architectural alignment is not required (SCTLR_EL1.A is 0, as Linux
// runs); a base of SP must be 16-byte aligned (SCTLR_EL1.SA/SA0), except
// for the prefetches, whose pseudocode skips CheckSPAlignment.

func init() {
	defineExecSelect(arm64.LDRimm, selectLoadImm)
	defineExecSelect(arm64.LDUR, selectLoadImm)
	defineExecSelect(arm64.STRimm, selectStoreImm)
	defineExecSelect(arm64.STUR, selectStoreImm)
	defineExec(arm64.LDTR, execLdtr)
	defineExec(arm64.STTR, execSttr)
	defineExecSelect(arm64.LDRreg, func(in *arm64.Inst) execFn {
		if in.Signed {
			return execLdrsReg
		}
		return execLdrReg
	})
	defineExec(arm64.STRreg, execStrReg)
	defineExecSelect(arm64.LDRlit, func(in *arm64.Inst) execFn {
		if in.Signed {
			return execLdrswLit
		}
		return execLdrLit
	})
	for _, op := range []arm64.Op{arm64.PRFMimm, arm64.PRFUM, arm64.PRFMreg, arm64.PRFMlit} {
		defineExec(op, execPrefetch)
	}
	defineExecSelect(arm64.LDP, selectLoadPair)
	defineExecSelect(arm64.LDNP, selectLoadPair)
	defineExecSelect(arm64.STP, selectStorePair)
	defineExecSelect(arm64.STNP, selectStorePair)
}

func selectLoadImm(in *arm64.Inst) execFn {
	switch {
	case in.Mode == arm64.AddrPreIndex && in.Signed:
		return execLdrsPre
	case in.Mode == arm64.AddrPreIndex:
		return execLdrPre
	case in.Mode == arm64.AddrPostIndex && in.Signed:
		return execLdrsPost
	case in.Mode == arm64.AddrPostIndex:
		return execLdrPost
	case in.Signed:
		return execLdrsOff
	}
	return execLdrOff
}

func selectStoreImm(in *arm64.Inst) execFn {
	switch in.Mode {
	case arm64.AddrPreIndex:
		return execStrPre
	case arm64.AddrPostIndex:
		return execStrPost
	}
	return execStrOff
}

func selectLoadPair(in *arm64.Inst) execFn {
	switch {
	case in.Mode == arm64.AddrPreIndex && in.Signed:
		return execLdpswPre
	case in.Mode == arm64.AddrPreIndex:
		return execLdpPre
	case in.Mode == arm64.AddrPostIndex && in.Signed:
		return execLdpswPost
	case in.Mode == arm64.AddrPostIndex:
		return execLdpPost
	case in.Signed:
		return execLdpswOff
	}
	return execLdpOff
}

func selectStorePair(in *arm64.Inst) execFn {
	switch in.Mode {
	case arm64.AddrPreIndex:
		return execStpPre
	case arm64.AddrPostIndex:
		return execStpPost
	}
	return execStpOff
}

// ldstBase reads the base register, checking SP alignment when it is SP
// (the Arm ARM's CheckSPAlignment()).
func (c *CPU) ldstBase(in *arm64.Inst) (uint64, bool) {
	b := c.x[in.Rn]
	if in.Rn == arm64.SP && !c.checkSPAlign(b) {
		return 0, false
	}
	return b, true
}

// ldstSignExtend sign-extends a loaded value of 1<<size bytes into an X
// register, or into a W register (zero-extended above bit 31) when !sf.
func ldstSignExtend(v uint64, size uint8, sf bool) uint64 {
	shift := 64 - 8<<size
	v = uint64(int64(v<<shift) >> shift)
	if !sf {
		v = uint64(uint32(v))
	}
	return v
}

// Single register, immediate offset (unsigned scaled or unscaled).

func execLdrOff(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v, ok := c.load(base+uint64(in.Imm), in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = v
	c.pc += 4
}

func execLdrsOff(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v, ok := c.load(base+uint64(in.Imm), in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = ldstSignExtend(v, in.Size, in.Sf)
	c.pc += 4
}

func execStrOff(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	if !c.store(base+uint64(in.Imm), in.Size, c.x[in.Rt]) {
		return
	}
	c.pc += 4
}

// Pre-index: the access is at Rn+Imm, which is written back to Rn.

func execLdrPre(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	addr := base + uint64(in.Imm)
	v, ok := c.load(addr, in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = v
	c.x[in.Rn] = addr
	c.pc += 4
}

func execLdrsPre(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	addr := base + uint64(in.Imm)
	v, ok := c.load(addr, in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = ldstSignExtend(v, in.Size, in.Sf)
	c.x[in.Rn] = addr
	c.pc += 4
}

func execStrPre(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	addr := base + uint64(in.Imm)
	if !c.store(addr, in.Size, c.x[in.Rt]) {
		return
	}
	c.x[in.Rn] = addr
	c.pc += 4
}

// Post-index: the access is at Rn, then Rn+Imm is written back.

func execLdrPost(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v, ok := c.load(base, in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = v
	c.x[in.Rn] = base + uint64(in.Imm)
	c.pc += 4
}

func execLdrsPost(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v, ok := c.load(base, in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = ldstSignExtend(v, in.Size, in.Sf)
	c.x[in.Rn] = base + uint64(in.Imm)
	c.pc += 4
}

func execStrPost(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	if !c.store(base, in.Size, c.x[in.Rt]) {
		return
	}
	c.x[in.Rn] = base + uint64(in.Imm)
	c.pc += 4
}

// Register offset: Rn + (Rm extended and shifted).

func execLdrReg(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v, ok := c.load(base+extendReg(c.x[in.Rm], in.Ext, in.Amount), in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = v
	c.pc += 4
}

func execLdrsReg(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v, ok := c.load(base+extendReg(c.x[in.Rm], in.Ext, in.Amount), in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = ldstSignExtend(v, in.Size, in.Sf)
	c.pc += 4
}

func execStrReg(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	if !c.store(base+extendReg(c.x[in.Rm], in.Ext, in.Amount), in.Size, c.x[in.Rt]) {
		return
	}
	c.pc += 4
}

// Literal: the address is the instruction's own plus Imm.

func execLdrLit(c *CPU, in *arm64.Inst) {
	v, ok := c.load(c.pc+uint64(in.Imm), in.Size)
	if !ok {
		return
	}
	c.x[in.Rt] = v
	c.pc += 4
}

func execLdrswLit(c *CPU, in *arm64.Inst) {
	v, ok := c.load(c.pc+uint64(in.Imm), 2)
	if !ok {
		return
	}
	c.x[in.Rt] = uint64(int64(int32(v)))
	c.pc += 4
}

// execPrefetch is every PRFM and PRFUM: a hint with no architectural
// effect, which never faults (Arm ARM, PRFM (immediate): a prefetch of an
// address that would fault does nothing).
func execPrefetch(c *CPU, in *arm64.Inst) { c.pc += 4 }

// Unprivileged (Arm ARM, LDTR and STTR): at EL1 the access has EL0's
// permissions, so it needs a user page, unless PSTATE.UAO is set (then it
// is an ordinary EL1 access). At EL0 it is an ordinary access.

// ldstUnprivileged sets the permission an access of LDTR/STTR needs on top
// of read or write, and returns the value to restore.
func (c *CPU) ldstUnprivileged() Perm {
	saved := c.accessNeed
	if !c.uao {
		c.accessNeed = PermUser
	}
	return saved
}

func execLdtr(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	saved := c.ldstUnprivileged()
	v, ok := c.load(base+uint64(in.Imm), in.Size)
	c.accessNeed = saved
	if !ok {
		return
	}
	if in.Signed {
		v = ldstSignExtend(v, in.Size, in.Sf)
	}
	c.x[in.Rt] = v
	c.pc += 4
}

func execSttr(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	saved := c.ldstUnprivileged()
	ok = c.store(base+uint64(in.Imm), in.Size, c.x[in.Rt])
	c.accessNeed = saved
	if !ok {
		return
	}
	c.pc += 4
}

// Pairs. Both loads complete before any register is written, so a fault on
// the second leaves the registers as they were. Rt2 is written before Rt,
// so that Rt == Rt2 ends with the value from the lower address, as in
// QEMU.

// ldstLoadPair loads two registers of 1<<size bytes at addr.
func (c *CPU) ldstLoadPair(addr uint64, size uint8) (v1, v2 uint64, ok bool) {
	if v1, ok = c.load(addr, size); !ok {
		return 0, 0, false
	}
	if v2, ok = c.load(addr+1<<size, size); !ok {
		return 0, 0, false
	}
	return v1, v2, true
}

// ldstStorePair stores two registers of 1<<size bytes at addr. A pair that
// crosses into another page has both pages checked first, so that a fault
// on the second half writes nothing.
func (c *CPU) ldstStorePair(addr uint64, size uint8, v1, v2 uint64) bool {
	n := uint64(2) << size
	if addr&pageMask+n > PageSize {
		if c.translate(addr, PermWrite, true) == nil ||
			c.translate((addr+n-1)&^pageMask, PermWrite, true) == nil {
			return false
		}
	}
	return c.store(addr, size, v1) && c.store(addr+1<<size, size, v2)
}

func execLdpOff(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v1, v2, ok := c.ldstLoadPair(base+uint64(in.Imm), in.Size)
	if !ok {
		return
	}
	c.x[in.Rt2] = v2
	c.x[in.Rt] = v1
	c.pc += 4
}

func execLdpPre(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	addr := base + uint64(in.Imm)
	v1, v2, ok := c.ldstLoadPair(addr, in.Size)
	if !ok {
		return
	}
	c.x[in.Rt2] = v2
	c.x[in.Rt] = v1
	c.x[in.Rn] = addr
	c.pc += 4
}

func execLdpPost(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v1, v2, ok := c.ldstLoadPair(base, in.Size)
	if !ok {
		return
	}
	c.x[in.Rt2] = v2
	c.x[in.Rt] = v1
	c.x[in.Rn] = base + uint64(in.Imm)
	c.pc += 4
}

// LDPSW: two words, each sign-extended into an X register.

func execLdpswOff(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v1, v2, ok := c.ldstLoadPair(base+uint64(in.Imm), 2)
	if !ok {
		return
	}
	c.x[in.Rt2] = uint64(int64(int32(v2)))
	c.x[in.Rt] = uint64(int64(int32(v1)))
	c.pc += 4
}

func execLdpswPre(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	addr := base + uint64(in.Imm)
	v1, v2, ok := c.ldstLoadPair(addr, 2)
	if !ok {
		return
	}
	c.x[in.Rt2] = uint64(int64(int32(v2)))
	c.x[in.Rt] = uint64(int64(int32(v1)))
	c.x[in.Rn] = addr
	c.pc += 4
}

func execLdpswPost(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	v1, v2, ok := c.ldstLoadPair(base, 2)
	if !ok {
		return
	}
	c.x[in.Rt2] = uint64(int64(int32(v2)))
	c.x[in.Rt] = uint64(int64(int32(v1)))
	c.x[in.Rn] = base + uint64(in.Imm)
	c.pc += 4
}

func execStpOff(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	if !c.ldstStorePair(base+uint64(in.Imm), in.Size, c.x[in.Rt], c.x[in.Rt2]) {
		return
	}
	c.pc += 4
}

func execStpPre(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	addr := base + uint64(in.Imm)
	if !c.ldstStorePair(addr, in.Size, c.x[in.Rt], c.x[in.Rt2]) {
		return
	}
	c.x[in.Rn] = addr
	c.pc += 4
}

func execStpPost(c *CPU, in *arm64.Inst) {
	base, ok := c.ldstBase(in)
	if !ok {
		return
	}
	if !c.ldstStorePair(base, in.Size, c.x[in.Rt], c.x[in.Rt2]) {
		return
	}
	c.x[in.Rn] = base + uint64(in.Imm)
	c.pc += 4
}
