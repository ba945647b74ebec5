package kprobe

import (
	"fmt"
	"strings"
)

// Phase is one step of a probe's life as arch/arm64/kernel/probes/
// kprobes.c and kernel/kprobes.c walk it: arming, the BRK #4 exception,
// the handlers, the out-of-line step or the simulation, the end of the
// step, the resume, and the kretprobe entry and return (reference §5,
// §6). The phase stream exists for teaching and tracing: the kernel has
// no such hook (the nearest is the kprobe tracepoints' own probes).
type Phase int

// The phases, named for the kernel function or state that makes them.
const (
	// PhaseArmed: arch_arm_kprobe patched BRK #4 over the probed word.
	PhaseArmed Phase = iota + 1
	// PhaseBrkHit: an EL1 BRK #4 reached kprobe_brk_handler
	// (kprobe_breakpoint_handler before v6.17); PC, ESR and the symbol.
	PhaseBrkHit
	// PhaseHandlerChosen: get_kprobe found the probe at PC; Insn is the
	// probed word, Slot its XOL slot (0: simulated).
	PhaseHandlerChosen
	// PhasePreHandler: p->pre_handler returned Result; Changed is what it
	// did to pt_regs.
	PhasePreHandler
	// PhaseXOLEnter: setup_singlestep points PC at the slot; DAIF is the
	// saved interrupted DAIF (kprobes_save_local_irqflag), Changed shows
	// the masking and PC.
	PhaseXOLEnter
	// PhaseSimulated: arch_simulate_insn ran the instruction in the
	// exception; Changed is what it did.
	PhaseSimulated
	// PhaseSsBrkHit: BRK #6 after the slot reached kprobe_ss_brk_handler
	// (kprobe_breakpoint_ss_handler v5.10-v6.16).
	PhaseSsBrkHit
	// PhaseSingleStep: before v5.10, the Software Step exception after the
	// slot reached kprobe_single_step_handler.
	PhaseSingleStep
	// PhaseDAIFRestored: kprobes_restore_local_irqflag put the saved DAIF
	// back; DAIF is the restored value.
	PhaseDAIFRestored
	// PhasePostHandler: post_kprobe_handler called p->post_handler;
	// Changed is what it did.
	PhasePostHandler
	// PhaseResume: the exception returns to PC.
	PhaseResume
	// PhaseMissed: reenter_kprobe counted a miss (kprobes_inc_nmissed_count)
	// and steps the instruction without handlers.
	PhaseMissed
	// PhaseKretprobeHijack: arch_prepare_kretprobe saved X30 and pointed
	// it at the trampoline.
	PhaseKretprobeHijack
	// PhaseKretprobeReturn: the return through the trampoline ran the
	// return handlers (__kretprobe_trampoline_handler). v6.9+: BRK #7 at
	// the trampoline, ESR set, Changed shows PC becoming the real return
	// address. Before v6.9: trampoline_probe_handler called by the code
	// trampoline (no exception, ESR 0), Changed shows X0 going from the
	// pt_regs pointer to the real return address, which the trampoline
	// then moves to LR.
	PhaseKretprobeReturn
	// PhaseDisarmed: arch_disarm_kprobe put the original word back.
	PhaseDisarmed
	// PhaseKprobeFaultHandler: kprobe_fault_handler found the instruction
	// stepped out of line faulted (status HIT_SS or REENTER, reference
	// §5.10): PC is the faulting address in the slot, ESR the fault's;
	// Changed shows PC (ELR_EL1) sent back to the probe address and, from
	// v5.13, PSTATE (SPSR_EL1) with the saved DAIF bits put back; DAIF is
	// the DAIF the fault returns with. The fault is then handled as any
	// other.
	PhaseKprobeFaultHandler
)

var phaseNames = [...]string{
	PhaseArmed:              "armed",
	PhaseBrkHit:             "brk-hit",
	PhaseHandlerChosen:      "handler",
	PhasePreHandler:         "pre-handler",
	PhaseXOLEnter:           "xol-enter",
	PhaseSimulated:          "simulated",
	PhaseSsBrkHit:           "ss-brk-hit",
	PhaseSingleStep:         "single-step",
	PhaseDAIFRestored:       "daif-restored",
	PhasePostHandler:        "post-handler",
	PhaseResume:             "resume",
	PhaseMissed:             "missed",
	PhaseKretprobeHijack:    "kretprobe-hijack",
	PhaseKretprobeReturn:    "kretprobe-return",
	PhaseDisarmed:           "disarmed",
	PhaseKprobeFaultHandler: "kprobe-fault",
}

func (p Phase) String() string {
	if p > 0 && int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// RegChange is one pt_regs field a phase changed.
type RegChange struct {
	Name     string // "x0".."x30", "sp", "pc", "pstate"
	Old, New uint64
}

// PhaseEvent is one event of the phase stream. Fields a phase does not
// use are zero.
type PhaseEvent struct {
	Phase Phase
	// CPU is the CPU the event happened on; -1 for arming and disarming,
	// which are not tied to a CPU (text patching under stop_machine).
	CPU   int
	Probe *Kprobe
	// PC is the address the event is about: the probe address, the BRK #6
	// or step address, the resume address.
	PC   uint64
	ESR  uint64
	Sym  string // %pS of PC
	Slot uint64
	Insn uint32
	DAIF uint64
	// Result is the pre-handler's return value.
	Result  int
	Changed []RegChange
}

// String reads as one line of a teaching trace.
func (e PhaseEvent) String() string {
	var b strings.Builder
	cpu := "--"
	if e.CPU >= 0 {
		cpu = fmt.Sprint(e.CPU)
	}
	fmt.Fprintf(&b, "cpu%s %-16s", cpu, e.Phase)
	if e.PC != 0 {
		fmt.Fprintf(&b, " pc=%#x", e.PC)
	}
	if e.Sym != "" {
		fmt.Fprintf(&b, " <%s>", e.Sym)
	}
	switch e.Phase {
	case PhaseBrkHit, PhaseSsBrkHit, PhaseSingleStep, PhaseKretprobeReturn, PhaseKprobeFaultHandler:
		if e.ESR != 0 {
			fmt.Fprintf(&b, " esr=%#x", e.ESR)
		}
	case PhaseHandlerChosen, PhaseArmed, PhaseDisarmed:
		fmt.Fprintf(&b, " insn=%#08x", e.Insn)
		if e.Slot != 0 {
			fmt.Fprintf(&b, " slot=%#x", e.Slot)
		} else if e.Phase == PhaseHandlerChosen {
			b.WriteString(" simulated")
		}
	case PhasePreHandler:
		fmt.Fprintf(&b, " returned %d", e.Result)
	case PhaseXOLEnter:
		fmt.Fprintf(&b, " slot=%#x insn=%#08x daif saved=%#x", e.Slot, e.Insn, e.DAIF)
	case PhaseSimulated:
		fmt.Fprintf(&b, " insn=%#08x", e.Insn)
	case PhaseDAIFRestored:
		fmt.Fprintf(&b, " daif=%#x", e.DAIF)
	}
	for _, c := range e.Changed {
		fmt.Fprintf(&b, " %s:%#x->%#x", c.Name, c.Old, c.New)
	}
	return b.String()
}

// SetPhaseListener sets the function that receives the phase stream;
// nil removes it. The listener runs inside the exception handling, on
// the CPU's goroutine: it must not keep Changed past its return if it
// modifies it, and it must not run guest code. With no listener nothing
// is built (every emission is behind a nil check).
func (s *Subsystem) SetPhaseListener(fn func(PhaseEvent)) { s.phase = fn }

// regNames are the names RegChange uses for pt_regs fields.
var regNames = [...]string{"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",
	"x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30"}

// regsDiff lists the pt_regs fields that differ between old and new.
func regsDiff(old, new *PtRegs) []RegChange {
	var out []RegChange
	for i := range old.Regs {
		if old.Regs[i] != new.Regs[i] {
			out = append(out, RegChange{regNames[i], old.Regs[i], new.Regs[i]})
		}
	}
	if old.SP != new.SP {
		out = append(out, RegChange{"sp", old.SP, new.SP})
	}
	if old.PC != new.PC {
		out = append(out, RegChange{"pc", old.PC, new.PC})
	}
	if old.PState != new.PState {
		out = append(out, RegChange{"pstate", old.PState, new.PState})
	}
	return out
}

// emitPhase sends e to the listener, filling Sym from PC. Callers check
// s.phase != nil first so that nothing is built without a listener.
func (s *Subsystem) emitPhase(e PhaseEvent) {
	fn := s.phase
	if fn == nil {
		return
	}
	if e.Sym == "" && e.PC != 0 {
		e.Sym = s.symbolize(e.PC)
	}
	fn(e)
}
