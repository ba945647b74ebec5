package emu

import "encoding/binary"

// Guest data accesses. Executors call these; each checks permissions for
// the current exception level, raises a Data Abort (translation fault for
// an unmapped or non-canonical address, permission fault otherwise) and
// returns ok false when the access faults, and calls the memory hooks when
// it succeeds. The fast path is a software TLB hit on an access within one
// page with no memory hook installed.
//
// Alignment: normal accesses may be unaligned (SCTLR_EL1.A is 0, as Linux
// runs); executors of exclusives, atomics and acquire/release check
// alignment themselves with checkAlign, where the architecture requires it.

// translate finds the page for addr with the permission need at the
// current EL, filling the TLB. It raises the fault and returns nil when
// the access is not allowed.
func (c *CPU) translate(addr uint64, need Perm, write bool) *page {
	vpn := addr >> pageShift
	e := &c.tlb[vpn&(tlbSize-1)]
	p := e.p
	if e.vpn != vpn {
		var ok bool
		if !Canonical(addr) {
			c.dataAbort(addr, write, faultTranslationL0)
			return nil
		}
		p, ok = c.m.mem.pages[vpn]
		if !ok {
			c.dataAbort(addr, write, faultTranslationL3)
			return nil
		}
		*e = tlbEntry{vpn, p}
	}
	if p.perm&(need|c.accessNeed) != need|c.accessNeed {
		c.dataAbort(addr, write, faultPermissionL3)
		return nil
	}
	return p
}

// load reads 1<<size bytes (size 0..3) at addr, zero-extended.
func (c *CPU) load(addr uint64, size uint8) (uint64, bool) {
	n := uint64(1) << size
	if off := addr & pageMask; off+n <= PageSize && c.m.hooks.mem == nil {
		e := &c.tlb[(addr>>pageShift)&(tlbSize-1)]
		if e.vpn == addr>>pageShift && e.p.perm&(PermRead|c.accessNeed) == PermRead|c.accessNeed {
			d := e.p.data[off:]
			switch size {
			case 0:
				return uint64(d[0]), true
			case 1:
				return uint64(binary.LittleEndian.Uint16(d)), true
			case 2:
				return uint64(binary.LittleEndian.Uint32(d)), true
			default:
				return binary.LittleEndian.Uint64(d), true
			}
		}
	}
	var b [8]byte
	if !c.readBytes(addr, b[:n]) {
		return 0, false
	}
	v := binary.LittleEndian.Uint64(b[:])
	if c.m.hooks.mem != nil {
		c.runMemHooks(MemAccess{Addr: addr, Size: int(n), Value: v})
	}
	return v, true
}

// store writes the low 1<<size bytes (size 0..3) of v at addr.
func (c *CPU) store(addr uint64, size uint8, v uint64) bool {
	n := uint64(1) << size
	if off := addr & pageMask; off+n <= PageSize && c.m.hooks.mem == nil {
		e := &c.tlb[(addr>>pageShift)&(tlbSize-1)]
		if e.vpn == addr>>pageShift && e.p.perm&(PermWrite|c.accessNeed) == PermWrite|c.accessNeed {
			d := e.p.data[off:]
			switch size {
			case 0:
				d[0] = byte(v)
			case 1:
				binary.LittleEndian.PutUint16(d, uint16(v))
			case 2:
				binary.LittleEndian.PutUint32(d, uint32(v))
			default:
				binary.LittleEndian.PutUint64(d, v)
			}
			if e.p.code != nil {
				c.m.mem.guestStored(e.p)
			}
			return true
		}
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	if !c.writeBytes(addr, b[:n]) {
		return false
	}
	if c.m.hooks.mem != nil {
		c.runMemHooks(MemAccess{Write: true, Addr: addr, Size: int(n), Value: v & (^uint64(0) >> (64 - 8*n))})
	}
	return true
}

// load128 reads 16 bytes at addr (Q registers, LDP of X pairs use load).
func (c *CPU) load128(addr uint64) (lo, hi uint64, ok bool) {
	var b [16]byte
	if !c.readBytes(addr, b[:]) {
		return 0, 0, false
	}
	lo, hi = binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[8:])
	if c.m.hooks.mem != nil {
		c.runMemHooks(MemAccess{Addr: addr, Size: 16, Value: lo, High: hi})
	}
	return lo, hi, true
}

// store128 writes 16 bytes at addr.
func (c *CPU) store128(addr uint64, lo, hi uint64) bool {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], lo)
	binary.LittleEndian.PutUint64(b[8:], hi)
	if !c.writeBytes(addr, b[:]) {
		return false
	}
	if c.m.hooks.mem != nil {
		c.runMemHooks(MemAccess{Write: true, Addr: addr, Size: 16, Value: lo, High: hi})
	}
	return true
}

// readBytes reads buf at addr, which may cross a page boundary; the whole
// range is checked before anything is read.
func (c *CPU) readBytes(addr uint64, buf []byte) bool {
	first := c.translate(addr, PermRead, false)
	if first == nil {
		return false
	}
	end := addr + uint64(len(buf)) - 1
	second := first
	if end>>pageShift != addr>>pageShift {
		if second = c.translate(end&^pageMask, PermRead, false); second == nil {
			return false
		}
	}
	n := copy(buf, first.data[addr&pageMask:])
	copy(buf[n:], second.data[:])
	return true
}

// writeBytes writes data at addr, which may cross a page boundary; both
// pages are checked before anything is written, so a faulting store
// changes nothing.
func (c *CPU) writeBytes(addr uint64, data []byte) bool {
	first := c.translate(addr, PermWrite, true)
	if first == nil {
		return false
	}
	end := addr + uint64(len(data)) - 1
	second := first
	if end>>pageShift != addr>>pageShift {
		if second = c.translate(end&^pageMask, PermWrite, true); second == nil {
			return false
		}
	}
	n := copy(first.data[addr&pageMask:], data)
	copy(second.data[:], data[n:])
	for _, p := range [2]*page{first, second} {
		if p.code != nil {
			c.m.mem.guestStored(p)
		}
	}
	return true
}

// checkAlign raises an alignment fault and returns false if addr is not
// aligned to 1<<size bytes (exclusives, atomics, acquire/release require
// it; Arm ARM B2.5.2).
func (c *CPU) checkAlign(addr uint64, size uint8, write bool) bool {
	if addr&(1<<size-1) == 0 {
		return true
	}
	c.dataAbort(addr, write, faultAlignment)
	return false
}

// checkSPAlign raises the SP alignment fault (EC 0x26) when SP is used as
// a base register while not 16-byte aligned and SCTLR_EL1.SA (EL1) or SA0
// (EL0) enables the check.
func (c *CPU) checkSPAlign(sp uint64) bool {
	if sp&15 == 0 {
		return true
	}
	bitSA := uint64(sctlrSA)
	if c.el == 0 {
		bitSA = sctlrSA0
	}
	if c.sys.sctlr&bitSA == 0 {
		return true
	}
	c.raise(ECSPAlign, 0, c.pc)
	return false
}

// Load and Store give Go code (handlers, hooks, the kprobe model) guest
// accesses with the CPU's current permissions, without raising an
// exception: a fault returns ok false and leaves the CPU as it was.
func (c *CPU) Load(addr uint64, size int) (v uint64, ok bool) {
	saved, pend := c.events, c.pending
	v, ok = c.load(addr, log2(size))
	c.events, c.pending = saved, pend
	return v, ok
}

func (c *CPU) Store(addr uint64, size int, v uint64) bool {
	saved, pend := c.events, c.pending
	ok := c.store(addr, log2(size), v)
	c.events, c.pending = saved, pend
	return ok
}

func log2(size int) uint8 {
	switch size {
	case 1:
		return 0
	case 2:
		return 1
	case 4:
		return 2
	default:
		return 3
	}
}
