package kprobe

const (
	opRegisterKretprobe = "register_kretprobe"

	// KRETPROBE_MAX_DATA_SIZE bounds Kretprobe.DataSize
	// (include/linux/kprobes.h).
	KRETPROBE_MAX_DATA_SIZE = 4096
)

// Kretprobe is struct kretprobe (legacy instance path, reference §6): a
// probe on a function's return. Kp says where the function is (SymbolName
// or Addr, Offset 0: a return probe must sit at the function entry);
// registration takes Kp.PreHandler and Kp.PostHandler over, as the kernel
// does.
type Kretprobe struct {
	Kp Kprobe
	// Handler runs when the function returns, with regs showing the
	// return value in X0 (RegsReturnValue) and, from v5.15, PC = the real
	// return address (0 in v5.4, as the code trampoline saved it; ri.RetAddr
	// is the real address in every version). Before v6.9 regs is the
	// pt_regs the code trampoline built on the stack, from v6.9 the BRK #7
	// exception's. What Handler writes to X0..X29 takes effect on the
	// return in every version; to X30 only from v6.9 (the code trampoline
	// loads LR from trampoline_probe_handler's result); to PC never. Its
	// result is ignored.
	Handler func(ri *KretprobeInstance, regs *PtRegs) int
	// EntryHandler runs at the function entry (regs as the kprobe
	// pre-handler sees them); non-zero cancels the return probe for this
	// call (no hijack, no Handler).
	EntryHandler func(ri *KretprobeInstance, regs *PtRegs) int
	// DataSize is the size of each instance's private Data area, at most
	// KRETPROBE_MAX_DATA_SIZE (a negative size is the huge size_t it would
	// be in C: E2BIG).
	DataSize int
	// MaxActive is how many calls may be probed at once (the instance
	// pool size); <= 0 means max(10, 2 × possible CPUs), written back by
	// registration.
	MaxActive int
	// NMissed counts entries that found no free instance. Reentry misses
	// of the entry probe count in Kp.NMissed.
	NMissed uint64

	rph *kretprobeHolder
}

// kretprobeHolder is struct kretprobe_holder: the instance pool and the
// back-pointer to the kretprobe, cleared by unregistration while
// instances may still be pending (§6.4).
type kretprobeHolder struct {
	rp   *Kretprobe
	pool []*KretprobeInstance // free instances (freelist / objpool)
}

// KretprobeInstance is struct kretprobe_instance: one probed call in
// flight.
type KretprobeInstance struct {
	// RetAddr is the return address the entry saved from X30
	// (ri->ret_addr); in the return handler it is the real return
	// address even when the saved one was the trampoline.
	RetAddr uint64
	// FP is the key of the call (ri->fp), checked against the returning
	// frame's: X29 at the entry from v5.16, the SP at the entry before
	// (v5.10-v5.15); v5.4 keys nothing (0).
	FP uint64
	// Task is the task the call runs in: the model has one task per CPU,
	// so this is the CPU number.
	Task int
	// Data is the instance's private area, DataSize bytes (ri->data). It
	// is not cleared between uses, as in the kernel.
	Data []byte

	rph *kretprobeHolder
}

// GetKretprobe is get_kretprobe: the instance's kretprobe, nil once it
// was unregistered.
func GetKretprobe(ri *KretprobeInstance) *Kretprobe {
	if ri == nil || ri.rph == nil {
		return nil
	}
	return ri.rph.rp
}

// Registered reports whether rp is registered.
func (rp *Kretprobe) Registered() bool { return rp.rph != nil && rp.rph.rp == rp && rp.Kp.Registered() }

// FreeInstances is how many instances of the pool are free.
func (rp *Kretprobe) FreeInstances() int {
	if rp.rph == nil {
		return 0
	}
	return len(rp.rph.pool)
}

// TotalMissed is what kprobe_profile shows as the misses of a return
// event since v5.17: the entry probe's reentry misses plus the entries
// with no free instance (§6.5).
func (rp *Kretprobe) TotalMissed() uint64 { return rp.Kp.NMissed + rp.NMissed }

// RegisterKretprobe is register_kretprobe, with its checks in the
// kernel's order (reference §6.1): kprobe_on_func_entry (EINVAL for both
// or neither of symbol and address, ENOENT for an unknown symbol or an
// address in no symbol, EINVAL off the function entry: arm64 does not skip
// a leading BTI), a kretprobe already registered by address (EINVAL), the
// kretprobe blacklist (empty on arm64), DataSize (E2BIG), the default
// MaxActive, the instance pool, then register_kprobe of Kp with the
// kretprobe pre-handler (its errors, the pool freed).
func (s *Subsystem) RegisterKretprobe(rp *Kretprobe) error {
	s.mightSleep(opRegisterKretprobe)
	if rp == nil {
		return errorf(opRegisterKretprobe, EINVAL, "nil kretprobe")
	}
	if err := s.kprobeOnFuncEntry(rp.Kp.Addr, rp.Kp.SymbolName, rp.Kp.Offset); err != nil {
		return err
	}
	// "If only rp->kp.addr is specified, check reregistering kprobes".
	if rp.Kp.Addr != 0 && rp.Kp.Registered() {
		return errorf(opRegisterKretprobe, EINVAL, "kretprobe at %s is already registered", s.symbolize(rp.Kp.Addr))
	}
	if rp.DataSize < 0 || rp.DataSize > KRETPROBE_MAX_DATA_SIZE {
		return errorf(opRegisterKretprobe, E2BIG, "data_size %d > %d", rp.DataSize, KRETPROBE_MAX_DATA_SIZE)
	}
	st, err := s.initKretprobes()
	if err != nil {
		return err
	}
	rp.Kp.PreHandler = func(p *Kprobe, regs *PtRegs) int { return s.preHandlerKretprobe(st, rp, regs) }
	rp.Kp.PostHandler = nil
	if rp.MaxActive <= 0 {
		rp.MaxActive = max(10, 2*s.m.CPUs())
	}
	rph := &kretprobeHolder{rp: rp, pool: make([]*KretprobeInstance, rp.MaxActive)}
	for i := range rph.pool {
		rph.pool[i] = &KretprobeInstance{rph: rph, Data: make([]byte, rp.DataSize)}
	}
	rp.rph = rph
	rp.NMissed = 0
	if err := s.RegisterKprobe(&rp.Kp); err != nil {
		// free_rp_inst.
		rph.rp, rph.pool, rp.rph = nil, nil, nil
		return err
	}
	st.registered[&rp.Kp] = rp
	return nil
}

// kprobeOnFuncEntry is kprobe_on_func_entry: _kprobe_addr's resolution
// (the checks of register_kprobe's first step, reference §7.1) and
// "offset within the symbol is 0". It leaves the kprobe as it was.
func (s *Subsystem) kprobeOnFuncEntry(addr uint64, sym string, offset uint64) error {
	if (sym != "") == (addr != 0) {
		return errorf(opRegisterKretprobe, EINVAL, "exactly one of symbol_name and addr must be set")
	}
	if sym != "" {
		ks, ok := s.syms.LookupName(sym)
		if !ok {
			return errorf(opRegisterKretprobe, ENOENT, "no symbol %q", sym)
		}
		addr = ks.Addr
	}
	addr += offset
	if addr == 0 {
		return errorf(opRegisterKretprobe, EINVAL, "address 0")
	}
	loc, ok := s.syms.LookupAddr(addr)
	if !ok {
		return errorf(opRegisterKretprobe, ENOENT, "address %#x is in no kallsyms symbol", addr)
	}
	if loc.Offset != 0 {
		return errorf(opRegisterKretprobe, EINVAL, "%s is not a function entry", loc)
	}
	return nil
}

// RegisterKretprobes is register_kretprobes: num <= 0 is EINVAL; in
// order, and on the first failure the ones already registered are
// unregistered and that error is returned.
func (s *Subsystem) RegisterKretprobes(rps []*Kretprobe) error {
	if len(rps) == 0 {
		return errorf("register_kretprobes", EINVAL, "no kretprobes")
	}
	for i, rp := range rps {
		if err := s.RegisterKretprobe(rp); err != nil {
			s.UnregisterKretprobes(rps[:i])
			return err
		}
	}
	return nil
}

// UnregisterKretprobe is unregister_kretprobe.
func (s *Subsystem) UnregisterKretprobe(rp *Kretprobe) { s.UnregisterKretprobes([]*Kretprobe{rp}) }

// UnregisterKretprobes is unregister_kretprobes (§6.4): the entry probe
// goes (unregister_kprobe's top half: a kretprobe that is not registered
// gets Kp.Addr = 0), and the holder forgets the kretprobe, so instances
// still in flight restore their return address at the function's return
// but no longer call Handler, and are dropped instead of returning to the
// pool. The kernel would dereference a NULL holder for a kretprobe never
// registered; the model skips it.
func (s *Subsystem) UnregisterKretprobes(rps []*Kretprobe) {
	s.mightSleep("unregister_kretprobes")
	st := s.kretprobes()
	for _, rp := range rps {
		if rp == nil {
			continue
		}
		s.UnregisterKprobe(&rp.Kp)
		if st != nil {
			delete(st.registered, &rp.Kp)
		}
		if rp.rph != nil {
			// free_rp_inst: the free instances go with the pool.
			rp.rph.rp, rp.rph.pool = nil, nil
			rp.rph = nil
		}
	}
}

// KretprobeOf returns the kretprobe whose entry probe p is (the kernel
// tests p->pre_handler == pre_handler_kretprobe, e.g. for the "r" type of
// the debugfs list), nil for a plain kprobe.
func (s *Subsystem) KretprobeOf(p *Kprobe) *Kretprobe {
	if st := s.kretprobes(); st != nil {
		return st.registered[p]
	}
	return nil
}

// preHandlerKretprobe is pre_handler_kretprobe (§6.2): take a free
// instance (none: NMissed++, no entry handler), let EntryHandler veto it
// (the instance goes back), else arch_prepare_kretprobe: save X30 and X29
// in it and point X30 at the trampoline; push it on the task's list.
// Always 0, so the entry instruction is then stepped or simulated.
func (s *Subsystem) preHandlerKretprobe(st *kretprobeState, rp *Kretprobe, regs *PtRegs) int {
	rph := rp.rph
	if rph == nil || len(rph.pool) == 0 {
		rp.NMissed++
		return 0
	}
	ri := rph.pool[len(rph.pool)-1]
	rph.pool = rph.pool[:len(rph.pool)-1]
	if rp.EntryHandler != nil && rp.EntryHandler(ri, regs) != 0 {
		rph.pool = append(rph.pool, ri)
		return 0
	}
	// arch_prepare_kretprobe: the key is X29 from v5.16, the stack
	// pointer (kernel_stack_pointer) from v5.10 (the model: v5.11), none
	// in v5.4.
	ri.RetAddr = regs.ProcedureLinkPointer()
	switch {
	case s.ver.KretprobeFramePointer:
		ri.FP = regs.FramePointer()
	case s.ver.KretprobeHashRemoved:
		ri.FP = regs.KernelStackPointer()
	default:
		ri.FP = 0
	}
	regs.ProcedureLinkPointerSet(st.trampoline)
	// The current task: the one on the CPU taking the BRK.
	cpu := s.SmpProcessorID()
	ri.Task = cpu
	st.tasks[cpu] = append(st.tasks[cpu], ri)
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseKretprobeHijack, CPU: cpu, Probe: &rp.Kp, PC: rp.Kp.Addr,
			Changed: []RegChange{{"x30", ri.RetAddr, st.trampoline}}})
	}
	return 0
}

// recycleRpInst is recycle_rp_inst: back to the pool, or dropped when the
// kretprobe was unregistered meanwhile.
func recycleRpInst(ri *KretprobeInstance) {
	if rph := ri.rph; rph != nil && rph.rp != nil {
		rph.pool = append(rph.pool, ri)
		return
	}
	ri.rph = nil
}
