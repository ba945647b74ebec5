package kprobe

import (
	"slices"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
)

// KretprobeTrampolineSymbol is the kallsyms name of the return trampoline
// (arch/arm64/kernel/probes/kprobes_trampoline.S) from v5.15;
// KretprobeTrampolineName gives the profile's.
const KretprobeTrampolineSymbol = "__kretprobe_trampoline"

// The trampoline's words (v6.9+ kprobes_trampoline.S): BRK #7, then
// ASM_BUG(), a BRK #0x800 the kretprobe handler never lets run (it moves
// PC to the real return address).
var (
	BRK64_OPCODE_KRETPROBES = arm64.EncodeBRK(KRETPROBES_BRK_IMM)
	brk64OpcodeBug          = arm64.EncodeBRK(BUG_BRK_IMM)
)

// kretprobeState is the subsystem's kretprobe side: the trampoline, its
// hook (BRK #7, or the BUG() of the pre-v6.9 trampoline_probe_handler) and
// each task's kretprobe_instances list. The model has one
// task per CPU (the task "current" on that CPU; no scheduler), so the
// per-task lists are per CPU: tasks[cpu], head last.
type kretprobeState struct {
	trampoline uint64
	hook       *BreakHook
	// code is the pre-v6.9 code trampoline (trampoline_code.go), nil for
	// the BRK #7 one; bug is the error trampoline_probe_handler's BUG()
	// dies with, ret what it returns.
	code *codeTrampoline
	bug  error
	ret  uint64
	// warnings are the WARN_ON_ONCE splats the kretprobe side printed
	// (each once, as WARN_ON_ONCE does).
	warnings []string
	tasks    [][]*KretprobeInstance
	// registered maps a registered kretprobe's kprobe to it
	// (container_of(p, struct kretprobe, kp) where the kernel tests
	// p->pre_handler == pre_handler_kretprobe).
	registered map[*Kprobe]*Kretprobe
}

// kretprobes returns the subsystem's kretprobe state, nil when no
// kretprobe was ever registered.
func (s *Subsystem) kretprobes() *kretprobeState { return s.kretp }

// initKretprobes sets the kretprobe side up on first use, as the kernel
// has it from boot: the trampoline in executable kernel memory, named in
// kallsyms, and v6.9+ the BRK #7 hook (arch_init_kprobes, v6.9-v6.16;
// v6.17's call_el1_break_hook calls kretprobe_brk_handler for #7); before
// v6.9 the code trampoline, the code hook that is the body of
// trampoline_probe_handler and the break hook of its BUG().
func (s *Subsystem) initKretprobes() (*kretprobeState, error) {
	if st := s.kretprobes(); st != nil {
		return st, nil
	}
	page, err := s.mapTrampolinePage()
	if err != nil {
		return nil, err
	}
	st := &kretprobeState{
		trampoline: page,
		tasks:      make([][]*KretprobeInstance, s.m.CPUs()),
		registered: map[*Kprobe]*Kretprobe{},
	}
	if s.ver.KretprobeBrkTrampoline {
		if err := s.writeBrkTrampoline(page); err != nil {
			return nil, err
		}
		st.hook = &BreakHook{Imm: KRETPROBES_BRK_IMM,
			Fn: func(c *emu.CPU, regs *PtRegs, esr uint64) (int, error) {
				return s.kretprobeBrkHandler(st, c, regs, esr)
			}}
	} else {
		// Before v6.9: the code trampoline, whose C handler is a code hook,
		// and the BUG() of that handler.
		if st.code, err = s.mapCodeTrampoline(page); err != nil {
			return nil, err
		}
		s.m.AddCodeHook(st.code.bodyAddr, st.code.bodyAddr, func(c *emu.CPU, _ uint64, _ *arm64.Inst) {
			s.trampolineProbeHandler(st, c)
		})
		st.hook = &BreakHook{Imm: BUG_BRK_IMM,
			Fn: func(c *emu.CPU, regs *PtRegs, esr uint64) (int, error) {
				return s.trampolineBug(st, c, regs, esr)
			}}
	}
	s.RegisterKernelBreakHook(st.hook)

	s.kretp = st
	return st, nil
}

// mapTrampolinePage maps one r-x page for the trampoline at the first
// unmapped page of the XOL slot area, moving the slot allocator past it.
func (s *Subsystem) mapTrampolinePage() (uint64, error) {
	mem := s.m.Memory()
	addr := s.slots.next
	for {
		if _, mapped := mem.Mapped(addr); !mapped {
			break
		}
		addr += emu.PageSize
	}
	if err := s.m.Map(addr, emu.PageSize, emu.PermRX); err != nil {
		return 0, errorf(opRegisterKretprobe, ENOMEM, "mapping __kretprobe_trampoline: %v", err)
	}
	s.slots.next = addr + emu.PageSize
	return addr, nil
}

// writeBrkTrampoline writes the v6.9+ trampoline at addr, BRK #7 and the
// BUG guard, through the text-patch path, and names it
// __kretprobe_trampoline, a kernel text symbol (T) as in /proc/kallsyms.
func (s *Subsystem) writeBrkTrampoline(addr uint64) error {
	if err := s.PatchText(addr, BRK64_OPCODE_KRETPROBES); err != nil {
		return err
	}
	if err := s.PatchText(addr+4, brk64OpcodeBug); err != nil {
		return err
	}
	s.addTextSymbol(KretprobeTrampolineSymbol, addr, 8)
	return nil
}

// IsKretprobeTrampoline reports whether addr is in the kretprobe return
// path's own text: __kretprobe_trampoline (the BRK #7 and its BUG guard,
// v6.9+), or before v6.9 the code trampoline (kretprobe_trampoline before
// v5.15) and trampoline_probe_handler. It is is_kretprobe_trampoline
// widened to the region, for register_kprobe's blacklist check:
// trampoline_probe_handler is __kprobes (in .kprobes.text, hence in the
// kprobe blacklist; arch/arm64/kernel/probes/kprobes.c, v5.4 to v6.8),
// the BRK #7 trampoline is refused by the decoder. False before the first
// kretprobe registration maps the trampoline.
func (s *Subsystem) IsKretprobeTrampoline(addr uint64) bool {
	st := s.kretprobes()
	if st == nil {
		return false
	}
	if st.code != nil {
		return addr >= st.code.start && addr < st.code.end
	}
	return addr >= st.trampoline && addr < st.trampoline+8
}

// KretprobeTrampolineName is the trampoline's kallsyms name in the
// profile: __kretprobe_trampoline from v5.15, kretprobe_trampoline before.
func (s *Subsystem) KretprobeTrampolineName() string {
	if s.ver.KretprobeFindRetAddr {
		return KretprobeTrampolineSymbol
	}
	return kretprobeTrampolineOldSymbol
}

// KretprobeWarnings returns the WARN_ON_ONCE splats of the kretprobe
// return path so far (reference §6.3: an instance whose key does not
// match the returning frame).
func (s *Subsystem) KretprobeWarnings() []string {
	if st := s.kretprobes(); st != nil {
		return slices.Clone(st.warnings)
	}
	return nil
}

// KretprobeTrampolineAddr is kretprobe_trampoline_addr: the address of
// the trampoline (KretprobeTrampolineName), 0 before the first kretprobe
// registration sets it up.
func (s *Subsystem) KretprobeTrampolineAddr() uint64 {
	if st := s.kretprobes(); st != nil {
		return st.trampoline
	}
	return 0
}

// kprobeBusy is kernel/kprobes.c's kprobe_busy: the dummy probe that is
// current_kprobe while the trampoline handler runs, so that a probe hit
// from a return handler is a miss (reference §6.3 step 1, §5.6).
var kprobeBusy = &Kprobe{SymbolName: "kprobe_busy"}

// kretprobeBrkHandler is kretprobe_brk_handler (v6.17;
// kretprobe_breakpoint_handler v6.9-v6.16): BRK #7 anywhere but the
// trampoline is not kprobes'; at the trampoline PC becomes what
// kretprobe_trampoline_handler returns, with the frame pointer X29.
func (s *Subsystem) kretprobeBrkHandler(st *kretprobeState, c *emu.CPU, regs *PtRegs, esr uint64) (int, error) {
	if regs.PC != st.trampoline {
		return DBG_HOOK_ERROR, nil
	}
	// kprobe_busy_begin.
	kcb := s.ctlblk(c)
	saved := *kcb
	kcb.current, kcb.status = kprobeBusy, KPROBE_HIT_ACTIVE
	pc, err := s.kretprobeTrampolineHandler(st, c, regs, regs.FramePointer())
	// kprobe_busy_end. The saved state is put back rather than cleared so
	// that a return through the trampoline inside a kprobe handler's
	// nested call leaves that handler's state alone.
	*kcb = saved
	if err != nil {
		return DBG_HOOK_ERROR, err
	}
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseKretprobeReturn, CPU: c.ID(), PC: st.trampoline, ESR: esr,
			Changed: []RegChange{{"pc", st.trampoline, pc}}})
		s.emitPhase(PhaseEvent{Phase: PhaseResume, CPU: c.ID(), PC: pc})
	}
	regs.PC = pc
	return DBG_HOOK_HANDLED, nil
}

// kretprobeTrampolineHandler is __kretprobe_trampoline_handler (kernel/
// kprobes.c, legacy instance path; reference §6.3), v5.11+: find the real
// return address (the first instance from the head whose saved address is
// not the trampoline), show it as regs->pc (v5.15+), call the return
// handlers of the instances up to that one (head first), unlink them and
// recycle them. fp is the returning frame's key (X29 from v5.16, the SP
// before): from v5.15 an instance whose key differs stops the handler
// walk with WARN_ON_ONCE; v5.11-v5.14 checked the key while searching,
// BUG_ON. arch_kretprobe_fixup_return is a no-op on arm64 v6.9+: X30 keeps
// the trampoline address (the BRK #7 handler sets PC only).
func (s *Subsystem) kretprobeTrampolineHandler(st *kretprobeState, c *emu.CPU, regs *PtRegs, fp uint64) (uint64, error) {
	cpu := c.ID()
	list := st.tasks[cpu]
	oopsPC := regs.PC
	if st.code != nil {
		oopsPC = c.PC() // in trampoline_probe_handler
	}
	// __kretprobe_find_ret_addr: walk from the head (the end of list).
	node := -1
	for i := len(list) - 1; i >= 0; i-- {
		if !s.ver.KretprobeFindRetAddr && list[i].FP != fp {
			// BUG_ON(ri->fp != frame_pointer).
			return 0, &Oops{Msg: "kernel BUG at kernel/kprobes.c (__kretprobe_trampoline_handler: ri->fp != frame_pointer)",
				ESR: c.ESR(), PC: oopsPC, Sym: s.symbolize(oopsPC)}
		}
		if list[i].RetAddr != st.trampoline {
			node = i
			break
		}
	}
	if node < 0 {
		// pr_err, then BUG_ON(1).
		msg := "kretprobe: Return address not found, not execute handler. Maybe there is a bug in the kernel."
		if !s.ver.CleanupErrorMessages {
			msg = "Oops! Kretprobe fails to find correct return address."
		}
		return 0, &Oops{Msg: msg, ESR: c.ESR(), PC: oopsPC, Sym: s.symbolize(oopsPC)}
	}
	correct := list[node].RetAddr
	if s.ver.KretprobeFindRetAddr {
		regs.InstructionPointerSet(correct)
	}

	kcb := s.ctlblk(c)
	for i := len(list) - 1; i >= node; i-- {
		ri := list[i]
		if ri.FP != fp {
			// WARN_ON_ONCE(ri->fp != frame_pointer), then no more handlers.
			s.warnOnce(st, "WARNING: kernel/kprobes.c __kretprobe_trampoline_handler: ri->fp != frame_pointer")
			break
		}
		if rp := GetKretprobe(ri); rp != nil && rp.Handler != nil {
			prev := kcb.current
			kcb.current = &rp.Kp
			ri.RetAddr = correct
			rp.Handler(ri, regs)
			kcb.current = prev
		}
	}
	// Unlink the frame's instances; a handler's nested guest calls may
	// have pushed and popped their own meanwhile, which left the list as
	// it was.
	st.recycleFrom(cpu, node)
	return correct, nil
}

// recycleFrom unlinks the instances of CPU cpu's task from index node to
// the head and gives them back to their pools (recycle_rp_inst), head
// first.
func (st *kretprobeState) recycleFrom(cpu, node int) {
	done := st.tasks[cpu][node:]
	for i := len(done) - 1; i >= 0; i-- {
		recycleRpInst(done[i])
	}
	clear(done) // the list keeps its capacity: the next call's push does not allocate
	st.tasks[cpu] = st.tasks[cpu][:node]
}

// warnOnce records a WARN_ON_ONCE splat the first time it happens.
func (s *Subsystem) warnOnce(st *kretprobeState, msg string) {
	if !slices.Contains(st.warnings, msg) {
		st.warnings = append(st.warnings, msg)
	}
}

// KprobeFlushTask recycles the kretprobe instances still pending on the
// task of CPU cpu, as the kernel does when a task dies with hijacked
// returns on its stack (kretprobe instances are freed at task teardown):
// use it after abandoning a guest call that never returned, so that the
// next return through the trampoline does not take the dead call's
// instance.
func (s *Subsystem) KprobeFlushTask(cpu int) {
	st := s.kretprobes()
	if st == nil || cpu < 0 || cpu >= len(st.tasks) {
		return
	}
	for _, ri := range st.tasks[cpu] {
		recycleRpInst(ri)
	}
	st.tasks[cpu] = nil
}

// PendingKretprobeInstances returns the instances on CPU cpu's task list,
// head (the newest) first.
func (s *Subsystem) PendingKretprobeInstances(cpu int) []*KretprobeInstance {
	st := s.kretprobes()
	if st == nil || cpu < 0 || cpu >= len(st.tasks) {
		return nil
	}
	list := st.tasks[cpu]
	out := make([]*KretprobeInstance, len(list))
	for i, ri := range list {
		out[len(list)-1-i] = ri
	}
	return out
}
