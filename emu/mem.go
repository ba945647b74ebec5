package emu

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// PageSize is the granule of mapping and permissions: 4 KiB, as Linux arm64
// uses by default.
const (
	PageSize  = 4096
	pageShift = 12
	pageMask  = PageSize - 1
)

// Perm is the set of permissions of a mapped page.
type Perm uint8

const (
	PermRead  Perm = 1 << iota // readable
	PermWrite                  // writable
	PermExec                   // executable
	// PermUser makes the page accessible at EL0, as the AP[1] bit of a
	// stage 1 descriptor does. A user page is never executable at EL1:
	// Linux maps user memory PXN, so kernel code that jumps into it takes a
	// permission fault.
	PermUser

	PermRW  = PermRead | PermWrite
	PermRX  = PermRead | PermExec
	PermRWX = PermRead | PermWrite | PermExec
)

func (p Perm) String() string {
	b := []byte("---")
	if p&PermRead != 0 {
		b[0] = 'r'
	}
	if p&PermWrite != 0 {
		b[1] = 'w'
	}
	if p&PermExec != 0 {
		b[2] = 'x'
	}
	if p&PermUser != 0 {
		return string(b) + "u"
	}
	return string(b)
}

// page is one 4 KiB page of guest memory.
type page struct {
	data [PageSize]byte
	perm Perm
	// code holds the decoded instructions of this page once something was
	// fetched from it; writes to the page invalidate them (see icache.go).
	code *codePage
}

// Memory is the guest's physical memory, addressed by virtual address (kpemu
// models no page tables: a mapping is a range of pages with permissions).
// It is sparse: only mapped pages exist. All CPUs of a machine share it.
type Memory struct {
	pages map[uint64]*page // by page number (address >> 12)
	// tlbs of the CPUs, flushed when a page goes away or changes
	// permissions, so that no CPU keeps using a stale translation.
	cpus []*CPU
	// codePages lists the pages with decoded code, to invalidate them all
	// when hooks change.
	codePages []*page
	strict    bool // strict instruction cache: see Config.StrictICache
}

func newMemory(strict bool) *Memory {
	return &Memory{pages: make(map[uint64]*page), strict: strict}
}

// Canonical reports whether addr is a virtual address the machine can map:
// bits 63:48 all zero (the user half, TTBR0) or all one (the kernel half,
// TTBR1), as with Linux's 48-bit virtual addresses.
func Canonical(addr uint64) bool {
	top := addr >> 47
	return top == 0 || top == 1<<17-1
}

// MapError is returned by mapping calls given a bad range.
type MapError struct {
	Addr, Size uint64
	Reason     string
}

func (e *MapError) Error() string {
	return fmt.Sprintf("map %#x+%#x: %s", e.Addr, e.Size, e.Reason)
}

func checkRange(addr, size uint64) error {
	switch {
	case size == 0:
		return &MapError{addr, size, "empty range"}
	case addr&pageMask != 0 || size&pageMask != 0:
		return &MapError{addr, size, "not page aligned"}
	case addr+size < addr:
		return &MapError{addr, size, "range wraps around"}
	case !Canonical(addr) || !Canonical(addr+size-1):
		return &MapError{addr, size, "not a canonical 48-bit virtual address"}
	}
	return nil
}

// Map maps [addr, addr+size) with perm, zero-filled. Both must be page
// aligned. Mapping over a mapped page is an error: unmap it first.
func (m *Memory) Map(addr, size uint64, perm Perm) error {
	if err := checkRange(addr, size); err != nil {
		return err
	}
	for a := addr; a < addr+size; a += PageSize {
		if _, ok := m.pages[a>>pageShift]; ok {
			return &MapError{addr, size, fmt.Sprintf("page %#x already mapped", a)}
		}
	}
	for a := addr; a < addr+size; a += PageSize {
		m.pages[a>>pageShift] = &page{perm: perm}
	}
	return nil
}

// Unmap removes the pages of [addr, addr+size) that are mapped.
func (m *Memory) Unmap(addr, size uint64) error {
	if err := checkRange(addr, size); err != nil {
		return err
	}
	for a := addr; a < addr+size; a += PageSize {
		if p, ok := m.pages[a>>pageShift]; ok {
			m.dropCode(p)
			delete(m.pages, a>>pageShift)
		}
	}
	m.flushTLBs()
	return nil
}

// Protect changes the permissions of the mapped pages of [addr, addr+size);
// every page of the range must be mapped.
func (m *Memory) Protect(addr, size uint64, perm Perm) error {
	if err := checkRange(addr, size); err != nil {
		return err
	}
	for a := addr; a < addr+size; a += PageSize {
		if _, ok := m.pages[a>>pageShift]; !ok {
			return &MapError{addr, size, fmt.Sprintf("page %#x not mapped", a)}
		}
	}
	for a := addr; a < addr+size; a += PageSize {
		m.pages[a>>pageShift].perm = perm
	}
	m.flushTLBs()
	return nil
}

// Region is a run of contiguous mapped pages with the same permissions.
type Region struct {
	Addr, Size uint64
	Perm       Perm
}

// Regions lists the mapped memory in address order.
func (m *Memory) Regions() []Region {
	keys := make([]uint64, 0, len(m.pages))
	for k := range m.pages {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var out []Region
	for _, k := range keys {
		p := m.pages[k]
		n := len(out)
		if n > 0 && out[n-1].Addr+out[n-1].Size == k<<pageShift && out[n-1].Perm == p.perm {
			out[n-1].Size += PageSize
			continue
		}
		out = append(out, Region{k << pageShift, PageSize, p.perm})
	}
	return out
}

// Mapped reports whether addr is in a mapped page, and its permissions.
func (m *Memory) Mapped(addr uint64) (Perm, bool) {
	p, ok := m.pages[addr>>pageShift]
	if !ok {
		return 0, false
	}
	return p.perm, true
}

// AccessError is returned by the debugger-style accessors (Read, Write)
// when part of the range is not mapped.
type AccessError struct {
	Addr uint64 // the first address that is not mapped
}

func (e *AccessError) Error() string { return fmt.Sprintf("address %#x is not mapped", e.Addr) }

// Read copies guest memory at addr into buf, ignoring permissions (it is the
// debugger's view, not a guest access: no hooks, no faults).
func (m *Memory) Read(addr uint64, buf []byte) error {
	for len(buf) > 0 {
		p, ok := m.pages[addr>>pageShift]
		if !ok {
			return &AccessError{addr}
		}
		n := copy(buf, p.data[addr&pageMask:])
		buf, addr = buf[n:], addr+uint64(n)
	}
	return nil
}

// Write copies data into guest memory at addr, ignoring permissions (the
// debugger's and the loader's view). Decoded instructions of the pages
// written are invalidated, unless the machine models a strict instruction
// cache (then the guest must do cache maintenance, as on hardware).
func (m *Memory) Write(addr uint64, data []byte) error {
	// Check the whole range first: a failed Write changes nothing.
	for a := addr &^ pageMask; a < addr+uint64(len(data)); a += PageSize {
		if _, ok := m.pages[a>>pageShift]; !ok {
			if a < addr {
				a = addr
			}
			return &AccessError{a}
		}
	}
	for len(data) > 0 {
		p := m.pages[addr>>pageShift]
		n := copy(p.data[addr&pageMask:], data)
		m.codeWritten(p)
		data, addr = data[n:], addr+uint64(n)
	}
	return nil
}

// ReadU32 and the like read little-endian values through Read.
func (m *Memory) ReadU32(addr uint64) (uint32, error) {
	var b [4]byte
	err := m.Read(addr, b[:])
	return binary.LittleEndian.Uint32(b[:]), err
}

func (m *Memory) ReadU64(addr uint64) (uint64, error) {
	var b [8]byte
	err := m.Read(addr, b[:])
	return binary.LittleEndian.Uint64(b[:]), err
}

func (m *Memory) WriteU32(addr uint64, v uint32) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return m.Write(addr, b[:])
}

func (m *Memory) WriteU64(addr uint64, v uint64) error {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return m.Write(addr, b[:])
}

func (m *Memory) flushTLBs() {
	for _, c := range m.cpus {
		c.flushTLB()
	}
}
