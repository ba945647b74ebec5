package emu

import (
	"encoding/binary"

	"github.com/kpemu/kpemu/arm64"
)

// The decoded-instruction cache. Each page that code was fetched from gets a
// codePage: one slot per instruction word, filled the first time the word
// is executed with the decoded Inst and the function that executes it.
// A slot is valid while its gen equals the page's gen; bumping the page's
// gen invalidates every slot of the page at once. Three things bump it:
//
//   - a write to the page (a guest store, or Memory.Write), so patched code
//     is seen at once, as with a coherent instruction cache; with
//     Config.StrictICache a guest store does not, and only IC IVAU/IALLU
//     followed by a context synchronization event (ISB, exception entry or
//     return) does, as on real hardware (a text patch that forgets cache
//     maintenance then executes the old instruction: a real bug, made
//     visible);
//   - a change of the code hooks or stop addresses covering the page, since
//     a slot also caches whether its address is hooked (flags);
//   - unmapping the page (the codePage goes away with it).

type decoded struct {
	fn      execFn
	gen     uint64 // valid while equal to the page's gen
	codeGen uint64 // the page's codeGen when the word was decoded
	flags   uint8
	inst    arm64.Inst
}

// decoded.flags: why the run loop must look at this slot before executing.
const (
	flagHook uint8 = 1 << iota // a code hook covers the address
	flagStop                   // the address is a stop address of the run
)

type codePage struct {
	// gen changes whenever any slot must be looked at again; codeGen only
	// when the words must be decoded again. A change of hooks or stop
	// addresses bumps gen alone, so the slots recompute their flags but
	// keep their instructions: with a strict instruction cache, a stale
	// instruction stays stale until cache maintenance, whatever the
	// debugger does.
	gen     uint64
	codeGen uint64
	base    uint64 // address of the page
	pending bool   // strict mode: invalidated by IC, awaiting context synchronization
	slots   [PageSize / 4]decoded
}

// codeFor returns the page's decoded-instruction cache, creating it.
func (m *Memory) codeFor(p *page, base uint64) *codePage {
	if p.code == nil {
		p.code = &codePage{gen: 1, codeGen: 1, base: base}
		m.codePages = append(m.codePages, p)
	}
	return p.code
}

// codeWritten is called for every write to a page through Memory.Write.
func (m *Memory) codeWritten(p *page) {
	if p.code != nil {
		p.code.invalidate()
	}
}

// invalidate makes every slot of the page decode its word again.
func (cp *codePage) invalidate() {
	cp.gen++
	cp.codeGen++
}

// guestStored is called when a guest store hits a page holding decoded code.
func (m *Memory) guestStored(p *page) {
	if !m.strict {
		p.code.invalidate()
	}
}

// dropCode forgets a page's decoded code (the page is being unmapped).
func (m *Memory) dropCode(p *page) {
	if p.code == nil {
		return
	}
	p.code.invalidate()
	for i, q := range m.codePages {
		if q == p {
			m.codePages = append(m.codePages[:i], m.codePages[i+1:]...)
			break
		}
	}
	p.code = nil
}

// reflagAllCode makes every slot recompute its flags (hooks changed).
func (m *Memory) reflagAllCode() {
	for _, p := range m.codePages {
		p.code.gen++
	}
}

// icInvalidate models IC IVAU for the page holding addr (IC IALLU(IS) when
// all is set): the invalidation takes effect at the next context
// synchronization event of the CPU (see synchronize).
func (m *Memory) icInvalidate(addr uint64, all bool) {
	if all {
		for _, p := range m.codePages {
			p.code.pending = true
		}
		return
	}
	if p, ok := m.pages[addr>>pageShift]; ok && p.code != nil {
		p.code.pending = true
	}
}

// synchronize applies pending instruction cache invalidations: ISB,
// exception entry and exception return are context synchronization events.
func (m *Memory) synchronize() {
	if !m.strict {
		return
	}
	for _, p := range m.codePages {
		if p.code.pending {
			p.code.pending = false
			p.code.invalidate()
		}
	}
}

// fill decodes the instruction at pc into slot d of page p.
func (c *CPU) fill(d *decoded, p *page, cp *codePage, pc uint64) {
	if d.fn != nil && d.codeGen == cp.codeGen {
		// Only the flags are out of date.
		d.flags = c.m.flagsFor(pc)
		d.gen = cp.gen
		return
	}
	w := binary.LittleEndian.Uint32(p.data[pc&pageMask:])
	in, err := arm64.Decode(w)
	d.inst = in
	d.fn = nil
	if err == nil {
		d.fn = c.m.execFor(&in)
	}
	if d.fn == nil {
		d.fn = execUndefined
	}
	d.flags = c.m.flagsFor(pc)
	d.gen = cp.gen
	d.codeGen = cp.codeGen
}
