package kprobe

import "slices"

// registerAggrKprobe is register_aggr_kprobe (§7.2): the first extra
// probe at an address replaces the probe in the table with an aggregator
// that copies its address, flags, instruction and slot; every probe at the
// address becomes a child, the newest first.
func (s *Subsystem) registerAggrKprobe(orig, p *Kprobe) {
	ap := orig
	if !orig.isAggr {
		ap = &Kprobe{SymbolName: orig.SymbolName, Offset: orig.Offset, Addr: orig.Addr,
			Flags: orig.Flags &^ KPROBE_FLAG_OPTIMIZED, s: s, isAggr: true,
			opcode: orig.opcode, decision: orig.decision, slot: orig.slot, xolRestore: orig.xolRestore}
		ap.PreHandler = aggrPreHandler
		if orig.PostHandler != nil && !orig.Gone() {
			ap.PostHandler = aggrPostHandler
		}
		ap.children = []*Kprobe{orig}
		orig.aggr = ap
		s.probes[ap.Addr] = ap
	}
	// copy_kprobe: the child shares the aggregator's instruction and slot.
	p.opcode, p.decision, p.slot, p.xolRestore = ap.opcode, ap.decision, ap.slot, ap.xolRestore
	// add_new_kprobe.
	if p.PostHandler != nil {
		ap.PostHandler = aggrPostHandler
	}
	ap.children = append([]*Kprobe{p}, ap.children...)
	p.aggr, p.s = ap, s
	if ap.Disabled() && !p.Disabled() {
		ap.Flags &^= KPROBE_FLAG_DISABLED
		_ = s.armKprobe(ap)
	}
}

// removeChild is the aggregator branch of __unregister_kprobe_top: the
// child leaves the list; the aggregator loses its post-handler when no
// other child has one. The slot stays with the aggregator.
func (s *Subsystem) removeChild(ap, p *Kprobe) {
	if p.PostHandler != nil && !p.Gone() {
		other := false
		for _, c := range ap.children {
			if c != p && c.PostHandler != nil {
				other = true
			}
		}
		if !other && !ap.Gone() {
			ap.PostHandler = nil
		}
	}
	if i := slices.Index(ap.children, p); i >= 0 {
		ap.children = slices.Delete(ap.children, i, i+1)
	}
	p.aggr, p.slot = nil, 0
}

// aggrKprobeDisabled is aggr_kprobe_disabled: every child is disabled.
func aggrKprobeDisabled(ap *Kprobe) bool {
	for _, c := range ap.children {
		if !c.Disabled() {
			return false
		}
	}
	return true
}

// aggrPreHandler is aggr_pre_handler: the enabled children's
// pre-handlers, newest first; the first non-zero stops the walk.
func aggrPreHandler(ap *Kprobe, regs *PtRegs) int {
	for _, c := range slices.Clone(ap.children) {
		if c.PreHandler != nil && !c.Disabled() {
			if c.PreHandler(c, regs) != 0 {
				return 1
			}
		}
	}
	return 0
}

// aggrPostHandler is aggr_post_handler.
func aggrPostHandler(ap *Kprobe, regs *PtRegs, flags uint64) {
	for _, c := range slices.Clone(ap.children) {
		if c.PostHandler != nil && !c.Disabled() {
			c.PostHandler(c, regs, flags)
		}
	}
}

// incNmissed is kprobes_inc_nmissed_count: an aggregator counts the miss
// on every child.
func incNmissed(p *Kprobe) {
	if !p.isAggr {
		p.NMissed++
		return
	}
	for _, c := range p.children {
		c.NMissed++
	}
}

// IsAggregator reports whether p is an aggregator (kprobe_aggrprobe), as
// GetKprobe may return one.
func (p *Kprobe) IsAggregator() bool { return p.isAggr }

// Children returns an aggregator's probes, newest first.
func (p *Kprobe) Children() []*Kprobe { return slices.Clone(p.children) }
