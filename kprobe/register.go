package kprobe

import (
	"strings"

	"github.com/kpemu/kpemu/emu/symbols"
)

const opRegister = "register_kprobe"

// RegisterKprobe is register_kprobe, with its checks in the kernel's
// order (reference §7.1): address resolution (EINVAL, ENOENT), a probe
// already registered (EINVAL), flag sanitizing, check_kprobe_address_safe
// (EINVAL), then either aggregation with the probe already at the address
// (§7.2: no second decode) or arch_prepare_kprobe (alignment,
// classification: EINVAL; slot: ENOMEM), insertion and arming.
func (s *Subsystem) RegisterKprobe(p *Kprobe) error {
	s.mightSleep(opRegister)
	if p == nil {
		return errorf(opRegister, EINVAL, "nil kprobe")
	}
	// _kprobe_addr.
	if (p.SymbolName != "") == (p.Addr != 0) {
		return errorf(opRegister, EINVAL, "exactly one of symbol_name and addr must be set")
	}
	addr := p.Addr
	if p.SymbolName != "" {
		sym, ok := s.syms.LookupName(p.SymbolName)
		if !ok {
			return errorf(opRegister, ENOENT, "no symbol %q", p.SymbolName)
		}
		addr = sym.Addr
	}
	addr += p.Offset
	if addr == 0 {
		return errorf(opRegister, EINVAL, "address 0")
	}
	loc, ok := s.syms.LookupAddr(addr)
	if !ok || s.moduleGone(loc.Symbol.Module) {
		return errorf(opRegister, ENOENT, "address %#x is in no kallsyms symbol", addr)
	}
	p.Addr = addr
	// warn_kprobe_rereg.
	if p.s != nil {
		return errorf(opRegister, EINVAL, "kprobe at %s is already registered", loc)
	}
	p.Flags &= KPROBE_FLAG_DISABLED
	if loc.Offset == 0 {
		p.Flags |= KPROBE_FLAG_ON_FUNC_ENTRY
	}
	p.NMissed = 0
	if err := s.checkAddressSafe(addr, loc); err != nil {
		return err
	}
	if old := s.probes[addr]; old != nil {
		s.registerAggrKprobe(old, p)
		return nil
	}
	if err := s.archPrepareKprobe(p, loc); err != nil {
		return err
	}
	p.s = s
	s.probes[addr] = p
	s.noteHashed(addr)
	if !p.Disabled() {
		if err := s.armKprobe(p); err != nil {
			delete(s.probes, addr)
			s.archRemoveKprobe(p)
			p.s = nil
			return err
		}
	}
	return nil
}

// checkAddressSafe is check_kprobe_address_safe (kernel/kprobes.c), in
// its order: check_ftrace_location (the ftrace call site itself; func+0
// is allowed), then kernel or module text, then the reserved areas
// (within_kprobe_blacklist, jump_label_text_reserved, find_bug since
// v5.9, is_cfi_preamble_symbol), all EINVAL. static_call_text_reserved is
// always false on arm64 (no HAVE_STATIC_CALL_INLINE); the gate area and
// module init text do not exist in the model.
func (s *Subsystem) checkAddressSafe(addr uint64, loc symbols.Location) error {
	if s.siteIs(addr, SiteFtrace) {
		return errorf(opRegister, EINVAL, "%s is an %s (ftrace_location)", loc, SiteFtrace)
	}
	if !s.isKernelText(addr) || loc.Symbol.Module == InsnPageModule {
		return errorf(opRegister, EINVAL, "%s is not kernel or module text", loc)
	}
	if src, ok := s.withinKprobeBlacklist(addr, loc); ok {
		return errorf(opRegister, EINVAL, "%s is in the kprobe blacklist (%s)", loc, src)
	}
	if s.jumpLabelTextReserved(addr) {
		return errorf(opRegister, EINVAL, "%s is a %s (jump_label_text_reserved)", loc, SiteJumpLabel)
	}
	if s.ver.BugSitesProhibited && s.siteIs(addr, SiteBug) {
		return errorf(opRegister, EINVAL, "%s is a %s (find_bug)", loc, SiteBug)
	}
	name := loc.Symbol.Name
	if strings.HasPrefix(name, "__cfi_") || strings.HasPrefix(name, "__pfx_") {
		return errorf(opRegister, EINVAL, "%s is a CFI/prefix preamble symbol", loc)
	}
	return nil
}

// archPrepareKprobe is arch_prepare_kprobe (reference §4.1): alignment,
// the original word, the exception tables, then the decoder.
func (s *Subsystem) archPrepareKprobe(p *Kprobe, loc symbols.Location) error {
	if p.Addr&3 != 0 {
		return errorf(opRegister, EINVAL, "%s is not 4-byte aligned", loc)
	}
	op, ok := s.readInsn(p.Addr)
	if !ok {
		return errorf(opRegister, EFAULT, "cannot read the instruction at %s", loc)
	}
	p.opcode = op
	// search_exception_tables: an instruction with a fixup (a uaccess)
	// cannot be stepped out of line, where its fault would find no fixup.
	if s.siteIs(p.Addr, SiteExtable) {
		return errorf(opRegister, EINVAL, "%s is an %s (search_exception_tables)", loc, SiteExtable)
	}
	d := ArmKprobeDecodeInsn(s.ver, p.Addr, s.readInsn, loc.Symbol.Addr, true)
	p.decision = d
	switch d.Class {
	case InsnRejected:
		errno := d.Errno
		if errno == 0 {
			errno = EINVAL
		}
		return errorf(opRegister, errno, "instruction %s at %s cannot be probed: %s", wordString(op), loc, d.Rule)
	case InsnGoodNoSlot:
		p.slot, p.xolRestore = 0, 0
		return nil
	}
	slot, err := s.slots.get()
	if err != nil {
		return errorf(opRegister, ENOMEM, "no XOL slot: %v", err)
	}
	p.slot, p.xolRestore = slot, p.Addr+4
	if err := s.prepareSlot(p); err != nil {
		s.archRemoveKprobe(p)
		return err
	}
	return nil
}

// archRemoveKprobe is arch_remove_kprobe: free the slot, after the
// grace period when a CPU is still stepping the probe (rcu.go).
func (s *Subsystem) archRemoveKprobe(p *Kprobe) { s.freeSlot(p) }

// RegisterKprobes is register_kprobes: n <= 0 is EINVAL; the probes are
// registered in order, and on the first failure the ones already
// registered are unregistered and that error is returned.
func (s *Subsystem) RegisterKprobes(kps []*Kprobe) error {
	if len(kps) == 0 {
		return errorf("register_kprobes", EINVAL, "no probes")
	}
	for i, p := range kps {
		if err := s.RegisterKprobe(p); err != nil {
			s.UnregisterKprobes(kps[:i])
			return err
		}
	}
	return nil
}

// UnregisterKprobe is unregister_kprobe: disable (disarming unless
// other enabled probes share the address), remove from the table or from
// the aggregator, free the slot when nothing uses it any more. A probe
// that is not registered gets Addr = 0 and is otherwise ignored, as in
// the kernel (which returns nothing). As in the kernel the probe keeps
// KPROBE_FLAG_DISABLED afterwards: registering it again without clearing
// Flags registers it disabled.
func (s *Subsystem) UnregisterKprobe(p *Kprobe) { s.UnregisterKprobes([]*Kprobe{p}) }

// UnregisterKprobes is unregister_kprobes.
func (s *Subsystem) UnregisterKprobes(kps []*Kprobe) {
	s.mightSleep("unregister_kprobes")
	for _, p := range kps {
		if p == nil {
			continue
		}
		ap := s.getValidKprobe(p)
		if ap == nil {
			p.Addr = 0
			continue
		}
		s.disableKprobe(p, ap)
		switch {
		case ap == p:
			delete(s.probes, p.Addr)
			s.archRemoveKprobe(p)
		case len(ap.children) == 1 && ap.Disabled():
			// The last child: the aggregator goes, with its slot.
			delete(s.probes, p.Addr)
			s.archRemoveKprobe(ap)
			ap.children, p.aggr, p.slot = nil, nil, 0
		default:
			s.removeChild(ap, p)
		}
		p.s = nil
	}
}

// getValidKprobe is __get_valid_kprobe: the table entry p is registered
// under (p itself, or its aggregator), nil when p is not registered.
func (s *Subsystem) getValidKprobe(p *Kprobe) *Kprobe {
	if p.s != s {
		return nil
	}
	ap := s.probes[p.Addr]
	if ap == nil {
		return nil
	}
	if ap == p {
		return ap
	}
	if ap.isAggr {
		for _, c := range ap.children {
			if c == p {
				return ap
			}
		}
	}
	return nil
}

// disableKprobe is __disable_kprobe: a child only gets its flag; the
// table entry is disarmed and flagged when no enabled child remains.
func (s *Subsystem) disableKprobe(p, ap *Kprobe) {
	if p.Disabled() {
		return
	}
	if p != ap {
		p.Flags |= KPROBE_FLAG_DISABLED
	}
	if p == ap || aggrKprobeDisabled(ap) {
		if !ap.Disabled() {
			_ = s.disarmKprobe(ap)
		}
		ap.Flags |= KPROBE_FLAG_DISABLED
	}
}

// DisableKprobe is disable_kprobe: a probe not registered is EINVAL;
// otherwise it is flagged DISABLED and its address disarmed unless other
// enabled probes share it (already disabled: 0).
func (s *Subsystem) DisableKprobe(p *Kprobe) error {
	s.mightSleep("disable_kprobe")
	if p == nil {
		return errorf("disable_kprobe", EINVAL, "nil kprobe")
	}
	ap := s.getValidKprobe(p)
	if ap == nil {
		return errorf("disable_kprobe", EINVAL, "kprobe is not registered")
	}
	s.disableKprobe(p, ap)
	return nil
}

// EnableKprobe is enable_kprobe: not registered or GONE is EINVAL; the
// probe's flag is cleared and its address re-armed if it was disarmed (a
// failure restores the flags). While kprobes are globally disarmed only a
// child of an aggregator gets its flag cleared; the table entry keeps
// DISABLED, so ArmAllKprobes leaves it disarmed (the kernel's behaviour).
func (s *Subsystem) EnableKprobe(p *Kprobe) error {
	s.mightSleep("enable_kprobe")
	if p == nil {
		return errorf("enable_kprobe", EINVAL, "nil kprobe")
	}
	ap := s.getValidKprobe(p)
	if ap == nil || p.Gone() {
		return errorf("enable_kprobe", EINVAL, "kprobe is not registered")
	}
	if ap != p {
		p.Flags &^= KPROBE_FLAG_DISABLED
	}
	if !s.KprobesAllDisarmed() && ap.Disabled() {
		ap.Flags &^= KPROBE_FLAG_DISABLED
		if err := s.armKprobe(ap); err != nil {
			ap.Flags |= KPROBE_FLAG_DISABLED
			if ap != p {
				p.Flags |= KPROBE_FLAG_DISABLED
			}
			return err
		}
	}
	return nil
}

// GetKprobe is get_kprobe: the probe registered at addr.
func (s *Subsystem) GetKprobe(addr uint64) *Kprobe { return s.probes[addr] }
