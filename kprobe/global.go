package kprobe

// The global arm/disarm switch and GONE probes (reference §7.5,
// kernel/kprobes.c: kprobes_all_disarmed, arm_all_kprobes,
// disarm_all_kprobes, kill_kprobe, kprobes_module_callback,
// kprobe_free_init_mem).

// globalState is the subsystem's state that kernel/kprobes.c keeps in
// file-scope variables: kprobes_all_disarmed, the insertion order of the
// kprobe_table hash chains (for the debugfs list), and the modules that
// went away.
type globalState struct {
	allDisarmed bool
	// hashed is the order in which addresses entered kprobe_table
	// (hlist_add_head_rcu in __register_kprobe): address -> sequence.
	// An aggregator takes over its first probe's place (hlist_replace_rcu),
	// so the entry is per address.
	hashed map[uint64]uint64
	seq    uint64
	// goneModules are the modules ModuleGoing was told about: their memory
	// is freed, so kallsyms no longer finds their symbols.
	goneModules map[string]bool
}

// global returns s's globalState, its maps made on first use.
func (s *Subsystem) global() *globalState {
	g := &s.glob
	if g.hashed == nil {
		g.hashed = map[uint64]uint64{}
		g.goneModules = map[string]bool{}
	}
	return g
}

// KprobesAllDisarmed is kprobes_all_disarmed: true after DisarmAllKprobes
// (writing 0 to debugfs kprobes/enabled) until ArmAllKprobes.
func (s *Subsystem) KprobesAllDisarmed() bool { return s.global().allDisarmed }

// noteHashed records that a new table entry was inserted at addr
// (__register_kprobe's hlist_add_head_rcu), and forgets addresses that
// left the table.
func (s *Subsystem) noteHashed(addr uint64) {
	g := s.global()
	for a := range g.hashed {
		if s.probes[a] == nil {
			delete(g.hashed, a)
		}
	}
	g.seq++
	g.hashed[addr] = g.seq
}

// ArmAllKprobes is arm_all_kprobes (debugfs kprobes/enabled written with
// a true value): if kprobes were globally disarmed, clear
// kprobes_all_disarmed and arm every table entry that is not disabled
// (DISABLED or GONE), best effort: a failure is counted and the last error
// returned, the others are still armed. Per-probe flags are not touched,
// so probes disabled one by one stay disarmed.
func (s *Subsystem) ArmAllKprobes() error {
	s.mightSleep("arm_all_kprobes")
	g := s.global()
	if !g.allDisarmed {
		return nil
	}
	g.allDisarmed = false
	var ret error
	for _, p := range s.tableOrder() {
		if !p.Disabled() {
			if err := s.archArmKprobe(p); err != nil {
				ret = err
			}
		}
	}
	return ret
}

// DisarmAllKprobes is disarm_all_kprobes (debugfs kprobes/enabled written
// with a false value): set kprobes_all_disarmed and put the original
// instruction back at every table entry that is not disabled, best
// effort. The probes stay registered with their flags unchanged; while
// kprobes_all_disarmed is set, registering, enabling and aggregating
// probes change flags and tables but patch nothing (see armKprobe), and
// disabling or unregistering patches nothing either (the word is already
// the original one).
func (s *Subsystem) DisarmAllKprobes() error {
	s.mightSleep("disarm_all_kprobes")
	g := s.global()
	if g.allDisarmed {
		return nil
	}
	g.allDisarmed = true
	var ret error
	for _, p := range s.tableOrder() {
		// arch_trampoline_kprobe is false on arm64 for every probe.
		if !p.Disabled() {
			if err := s.archDisarmKprobe(p); err != nil {
				ret = err
			}
		}
	}
	return ret
}

// killKprobe is kill_kprobe: the text under p is being freed, so p (and,
// for an aggregator, every probe on its list) gets KPROBE_FLAG_GONE, the
// aggregator loses its post-handler and the XOL slot is freed. The BRK is
// not disarmed: the memory is going away (kprobes_module_callback: "the
// vaddr this probe is installed will soon be vfreed").
func (s *Subsystem) killKprobe(p *Kprobe) {
	p.Flags |= KPROBE_FLAG_GONE
	if p.isAggr {
		for _, c := range p.children {
			c.Flags |= KPROBE_FLAG_GONE
			// The children's copies of the slot (copy_kprobe) point at
			// the slot freed below.
			c.slot, c.xolRestore = 0, 0
		}
		p.PostHandler = nil
	}
	s.archRemoveKprobe(p)
}

// ModuleGoing is kprobes_module_callback for MODULE_STATE_GOING: module
// mod is being unloaded, so every probe in its memory (an address whose
// kallsyms symbol belongs to mod, as within_module_core/init decide) is
// killed: flagged GONE, its slot freed, its BRK left in place. It returns
// how many table entries were killed.
//
// GONE probes stay registered: the debugfs list shows them with [GONE],
// EnableKprobe refuses them (EINVAL), UnregisterKprobe removes them without
// writing to the (freed) text. From now on the module's symbols are gone
// for this subsystem, as kallsyms forgets a freed module: registering at
// one of its addresses fails with ENOENT and the debugfs views print its
// addresses raw. The module's memory belongs to the caller (the module
// loader), which frees or unmaps it after this call as the kernel does
// after the notifier; a BRK left in memory that is still executed hits a
// probe without a slot, which the model reports as an Oops.
func (s *Subsystem) ModuleGoing(mod string) int {
	if mod == "" {
		return 0
	}
	n := 0
	for _, p := range s.tableOrder() {
		if loc, ok := s.syms.LookupAddr(p.Addr); ok && loc.Symbol.Module == mod {
			s.killKprobe(p)
			n++
		}
	}
	s.global().goneModules[mod] = true
	return n
}

// KprobeFreeInitMem is kprobe_free_init_mem for the range [start, end):
// kill every probe whose address lies in it (the kernel calls it for
// __init_begin..__init_end when init memory is freed). It returns how many
// table entries were killed.
func (s *Subsystem) KprobeFreeInitMem(start, end uint64) int {
	n := 0
	for _, p := range s.tableOrder() {
		if p.Addr >= start && p.Addr < end {
			s.killKprobe(p)
			n++
		}
	}
	return n
}

// moduleGone reports whether ModuleGoing was called for mod.
func (s *Subsystem) moduleGone(mod string) bool {
	return mod != "" && s.global().goneModules[mod]
}
