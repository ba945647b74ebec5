package kprobe

import (
	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
)

// The XOL slot cache (kernel/kprobes.c: struct kprobe_insn_cache,
// __get_insn_slot, __free_insn_slot). Since v5.10 a slot is
// MAX_INSN_SIZE = 2 words: the probed instruction and BRK #6; before, with
// the hardware single step, MAX_INSN_SIZE was 1 and a slot one word
// (reference §4.2), so a page held twice as many.
const (
	SlotSize       = 8 // v5.10+
	SlotSizeHWStep = 4 // before v5.10
	SlotsPerPage   = emu.PageSize / SlotSize

	// The kallsyms name of a slot page, in the pseudo-module the kernel
	// reports it in (kernel/kprobes.c: kprobe_cache_get_kallsym).
	InsnPageSymbol = "kprobe_insn_page"
	InsnPageModule = "__builtin__kprobes"
)

type insnPage struct {
	addr  uint64
	used  [emu.PageSize / SlotSizeHWStep]bool // the first perPage() are in use
	nused int
}

type slotCache struct {
	s     *Subsystem
	pages []*insnPage // newest first, as the kernel lists them
	next  uint64      // where the next new page is mapped
	free  []uint64    // addresses of released pages, reused first
	named map[uint64]bool
	size  uint64 // the profile's slot size: SlotSize, or SlotSizeHWStep before v5.10
}

// perPage is the number of slots a page holds (slots_per_page).
func (sc *slotCache) perPage() int { return int(emu.PageSize / sc.size) }

// get is __get_insn_slot: the first free slot of the pages (newest page
// first), else slot 0 of a new page. Slots are freed clean, so the
// kernel's garbage-collection retry never finds anything here.
func (sc *slotCache) get() (uint64, error) {
	n := sc.perPage()
	for _, pg := range sc.pages {
		if pg.nused == n {
			continue
		}
		for i := range n {
			if !pg.used[i] {
				pg.used[i] = true
				pg.nused++
				return pg.addr + uint64(i)*sc.size, nil
			}
		}
	}
	addr, err := sc.newPage()
	if err != nil {
		return 0, err
	}
	pg := &insnPage{addr: addr}
	pg.used[0], pg.nused = true, 1
	sc.pages = append([]*insnPage{pg}, sc.pages...)
	return addr, nil
}

// newPage is alloc_insn_page: an executable, read-only kernel page,
// named kprobe_insn_page [__builtin__kprobes] in kallsyms.
func (sc *slotCache) newPage() (uint64, error) {
	m := sc.s.m
	var addr uint64
	if n := len(sc.free); n > 0 {
		addr, sc.free = sc.free[n-1], sc.free[:n-1]
	} else {
		for {
			if _, mapped := m.Memory().Mapped(sc.next); !mapped {
				break
			}
			sc.next += emu.PageSize
		}
		addr = sc.next
		sc.next += emu.PageSize
	}
	if err := m.Map(addr, emu.PageSize, emu.PermRX); err != nil {
		return 0, errorf("alloc_insn_page", ENOMEM, "%v", err)
	}
	if sc.named == nil {
		sc.named = map[uint64]bool{}
	}
	if !sc.named[addr] {
		// Best effort: a name the table refuses only costs the name.
		if sc.s.syms.Add(symbols.Symbol{Name: InsnPageSymbol, Addr: addr, Size: emu.PageSize,
			Type: 't', Module: InsnPageModule}) == nil {
			_ = sc.s.syms.AddRegion(InsnPageModule, addr, addr+emu.PageSize)
		}
		sc.named[addr] = true
	}
	return addr, nil
}

// put is __free_insn_slot with dirty = 0: the slot is free at once; a
// page left empty is released unless it is the only one.
func (sc *slotCache) put(slot uint64) {
	for i, pg := range sc.pages {
		if slot < pg.addr || slot >= pg.addr+emu.PageSize {
			continue
		}
		idx := (slot - pg.addr) / sc.size
		if !pg.used[idx] {
			return
		}
		pg.used[idx] = false
		pg.nused--
		if pg.nused == 0 && len(sc.pages) > 1 {
			sc.pages = append(sc.pages[:i:i], sc.pages[i+1:]...)
			// free_insn_page. The kallsyms entry stays (the table has no
			// removal); the address is reused for the next page.
			_ = sc.s.m.Memory().Unmap(pg.addr, emu.PageSize)
			sc.free = append(sc.free, pg.addr)
		}
		return
	}
}

// isInsnSlot is is_kprobe_insn_slot: addr lies in a slot page.
func (sc *slotCache) isInsnSlot(addr uint64) bool {
	for _, pg := range sc.pages {
		if addr >= pg.addr && addr < pg.addr+emu.PageSize {
			return true
		}
	}
	return false
}

// InsnPages returns the addresses of the slot pages, newest first.
func (s *Subsystem) InsnPages() []uint64 {
	out := make([]uint64, len(s.slots.pages))
	for i, pg := range s.slots.pages {
		out[i] = pg.addr
	}
	return out
}

// prepareSlot is arch_prepare_ss_slot (v6.2+): the probed instruction,
// then BRK #6, each written by the text-patch path. Before v5.10
// (!BrkSingleStep) the slot is the instruction alone, stepped by the
// hardware.
func (s *Subsystem) prepareSlot(p *Kprobe) error {
	if err := s.PatchText(p.slot, p.opcode); err != nil || !s.ver.BrkSingleStep {
		return err
	}
	return s.PatchText(p.slot+4, arm64.EncodeBRK(KPROBES_BRK_SS_IMM))
}
