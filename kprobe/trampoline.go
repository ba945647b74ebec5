package kprobe

import (
	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
)

// KretprobeTrampolineSymbol is the kallsyms name of the return trampoline
// (arch/arm64/kernel/probes/kprobes_trampoline.S, v5.15+ name).
const KretprobeTrampolineSymbol = "__kretprobe_trampoline"

// The trampoline's words (v6.9+ kprobes_trampoline.S): BRK #7, then
// ASM_BUG(), a BRK #0x800 the kretprobe handler never lets run (it moves
// PC to the real return address).
var (
	BRK64_OPCODE_KRETPROBES = arm64.EncodeBRK(KRETPROBES_BRK_IMM)
	brk64OpcodeBug          = arm64.EncodeBRK(BUG_BRK_IMM)
)

// kretprobeState is the subsystem's kretprobe side: the trampoline, the
// BRK #7 hook and each task's kretprobe_instances list. The model has one
// task per CPU (the task "current" on that CPU; no scheduler), so the
// per-task lists are per CPU: tasks[cpu], head last.
type kretprobeState struct {
	trampoline uint64
	hook       *BreakHook
	tasks      [][]*KretprobeInstance
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
// kallsyms, and the BRK #7 hook (arch_init_kprobes, v6.9-v6.16; v6.17's
// call_el1_break_hook calls kretprobe_brk_handler for #7).
func (s *Subsystem) initKretprobes() (*kretprobeState, error) {
	if st := s.kretprobes(); st != nil {
		return st, nil
	}
	tramp, err := s.mapTrampoline()
	if err != nil {
		return nil, err
	}
	st := &kretprobeState{
		trampoline: tramp,
		tasks:      make([][]*KretprobeInstance, s.m.CPUs()),
		registered: map[*Kprobe]*Kretprobe{},
	}
	st.hook = &BreakHook{Imm: KRETPROBES_BRK_IMM,
		Fn: func(c *emu.CPU, regs *PtRegs, esr uint64) (int, error) {
			return s.kretprobeBrkHandler(st, c, regs, esr)
		}}
	s.RegisterKernelBreakHook(st.hook)

	s.kretp = st
	return st, nil
}

// mapTrampoline maps one r-x page for the trampoline at the first unmapped
// page of the XOL slot area (moving the slot allocator past it), writes
// BRK #7 and the BUG guard there through the text-patch path, and names
// it __kretprobe_trampoline, a kernel text symbol (T) as in
// /proc/kallsyms. Probing it is refused by the decoder (BRK is
// exception-generating, reference §2.3), as the kernel refuses it.
func (s *Subsystem) mapTrampoline() (uint64, error) {
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
	if err := s.PatchText(addr, BRK64_OPCODE_KRETPROBES); err != nil {
		return 0, err
	}
	if err := s.PatchText(addr+4, brk64OpcodeBug); err != nil {
		return 0, err
	}
	// Best effort, as for the slot pages: a refused name only costs the
	// name. A kernel whose table declares its memory (regions, as the
	// loader's tables do) gets the trampoline's 8 bytes as one more region.
	if s.syms.Add(symbols.Symbol{Name: KretprobeTrampolineSymbol, Addr: addr, Size: 8, Type: 'T'}) == nil {
		if loc, ok := s.syms.LookupAddr(addr); !ok || loc.Symbol.Name != KretprobeTrampolineSymbol {
			_ = s.syms.AddRegion("", addr, addr+8)
		}
	}
	return addr, nil
}

// KretprobeTrampolineAddr is kretprobe_trampoline_addr: the address of
// __kretprobe_trampoline, 0 before the first kretprobe registration sets
// it up.
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
// kprobes.c, legacy instance path; reference §6.3): find the real return
// address (the first instance from the head whose saved address is not
// the trampoline), show it as regs->pc, call the return handlers of the
// instances up to that one (head first; stop at a frame-pointer mismatch,
// WARN_ON_ONCE), unlink them and recycle them. arch_kretprobe_fixup_return
// is a no-op on arm64 v6.9+: X30 keeps the trampoline address.
func (s *Subsystem) kretprobeTrampolineHandler(st *kretprobeState, c *emu.CPU, regs *PtRegs, fp uint64) (uint64, error) {
	cpu := c.ID()
	list := st.tasks[cpu]
	// __kretprobe_find_ret_addr: walk from the head (the end of list).
	node := -1
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].RetAddr != st.trampoline {
			node = i
			break
		}
	}
	if node < 0 {
		// pr_err, then BUG_ON(1).
		return 0, &Oops{Msg: "kretprobe: Return address not found, not execute handler. Maybe there is a bug in the kernel.",
			ESR: c.ESR(), PC: regs.PC, Sym: s.symbolize(regs.PC)}
	}
	correct := list[node].RetAddr
	regs.InstructionPointerSet(correct)

	kcb := s.ctlblk(c)
	for i := len(list) - 1; i >= node; i-- {
		ri := list[i]
		if ri.FP != fp {
			break // WARN_ON_ONCE(ri->fp != frame_pointer)
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
	done := st.tasks[cpu][node:]
	for i := len(done) - 1; i >= 0; i-- {
		recycleRpInst(done[i])
	}
	clear(done) // the list keeps its capacity: the next call's push does not allocate
	st.tasks[cpu] = st.tasks[cpu][:node]
	return correct, nil
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
