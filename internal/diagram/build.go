package diagram

import (
	"fmt"

	"github.com/kpemu/kpemu/kprobe"
)

// Build turns a hit (one element of Hits) into a diagram.
func Build(hit []kprobe.PhaseEvent, opts *Options) (*Diagram, error) {
	if len(hit) == 0 {
		return nil, fmt.Errorf("diagram: empty hit")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	b := &builder{hit: hit, n: versionNames(o.Version, hit)}
	b.depths()
	for i := range hit {
		b.event(i)
	}
	d := &Diagram{Title: o.Title, Steps: b.steps, Frames: b.frames}
	if d.Title == "" {
		d.Title = b.title()
	}
	used := make([]bool, numLifelines)
	for _, s := range b.steps {
		used[s.From] = true
		if s.Kind != Note && s.Kind != Divider {
			used[s.To] = true
		}
	}
	used[LifeCPU] = true
	for l := Lifeline(0); l < numLifelines; l++ {
		if used[l] {
			d.Heads = append(d.Heads, b.head(l))
		}
	}
	return d, nil
}

type builder struct {
	hit    []kprobe.PhaseEvent
	depth  []int
	n      names
	steps  []Step
	frames []Frame
	open   []openFrame // the open reentered frames, innermost last
	ctx    []Lifeline  // per depth: the handler now running
	slot   uint64      // the slot and instruction of the step in progress
	insn   uint32
	// topSlot and topInsn are the hit's own (depth 0), for the title and
	// the heads.
	topSlot uint64
	topInsn uint32
	simAt   uint64 // the simulated instruction's address, 0: none
	cpu     int
	missed  bool // the hit has a missed reentered hit
	// codeTramp: the return went through the code trampoline of
	// kernels before v6.9.
	codeTramp bool
}

type openFrame struct {
	first  int // its first step
	missed bool
}

// depths computes each event's nesting: 0 for the hit's own events.
func (b *builder) depths() {
	b.depth = make([]int, len(b.hit))
	open := 0
	for i, e := range b.hit {
		switch e.Phase {
		case kprobe.PhaseBrkHit, kprobe.PhaseKretprobeReturn:
			b.depth[i] = open
			if opens(e) {
				open++
			}
			continue
		case kprobe.PhaseResume, kprobe.PhaseKprobeFaultHandler:
			if open > 0 {
				open--
			}
			b.depth[i] = open
			continue
		}
		b.depth[i] = max(open-1, 0)
	}
}

// next is the index of the next event after i at depth d, skipping
// deeper ones and the phases in skip; -1 when the hit's level ends first.
func (b *builder) next(i, d int, skip ...kprobe.Phase) int {
outer:
	for j := i + 1; j < len(b.hit); j++ {
		if b.depth[j] > d {
			continue
		}
		if b.depth[j] < d {
			return -1
		}
		for _, p := range skip {
			if b.hit[j].Phase == p {
				continue outer
			}
		}
		return j
	}
	return -1
}

func (b *builder) add(s Step) { b.steps = append(b.steps, s) }

func (b *builder) cur(d int) Lifeline {
	if d < len(b.ctx) {
		return b.ctx[d]
	}
	return LifeBrk
}

func (b *builder) setCur(d int, l Lifeline) {
	for len(b.ctx) <= d {
		b.ctx = append(b.ctx, LifeBrk)
	}
	b.ctx[d] = l
}

func (b *builder) event(i int) {
	e, d := b.hit[i], b.depth[i]
	switch e.Phase {
	case kprobe.PhaseBrkHit:
		if d > 0 {
			b.open = append(b.open, openFrame{first: len(b.steps)})
		} else {
			b.cpu = e.CPU
		}
		b.setCur(d, LifeBrk)
		b.add(Step{Kind: Exception, From: LifeCPU, To: LifeEntry, Label: "BRK #4", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("CPU %d executes the BRK #4 armed at %s", e.CPU, e.Sym),
				fmt.Sprintf("exception to EL1: ELR_EL1 = %#x, SPSR_EL1 = PSTATE", e.PC),
				fmt.Sprintf("DAIF was %s; the exception masks D A I F", daif(e.DAIF))}})
		detail := []string{"ESR_EL1 " + esrText(e.ESR)}
		if e.Probe == nil {
			detail = append(detail, "no kprobe at this address: v6.2+ returns DBG_HOOK_ERROR (die), before that the BRK re-executes")
		}
		b.add(Step{Kind: Call, From: LifeEntry, To: LifeBrk, Label: fmt.Sprintf("ESR %#x", e.ESR), Phase: e.Phase, Depth: d,
			Detail: append(detail, fmt.Sprintf("the EL1 BRK path calls %s for imm16 #4", b.n.brk))})
	case kprobe.PhaseHandlerChosen:
		b.slot, b.insn = e.Slot, e.Insn
		if d == 0 {
			b.topSlot, b.topInsn = e.Slot, e.Insn
		}
		where := fmt.Sprintf("XOL slot %#x", e.Slot)
		if e.Slot == 0 {
			where, b.simAt = "no slot: simulated", e.PC
		}
		b.add(Step{Kind: Note, From: LifeBrk, Label: "get_kprobe(pc)", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("the probe at %s: current_kprobe, KPROBE_HIT_ACTIVE", e.Sym),
				fmt.Sprintf("probed insn %08x %s, %s", e.Insn, disasm(e.Insn), where)}})
		if j := b.next(i, d, kprobe.PhaseKretprobeHijack); j >= 0 && b.hit[j].Phase == kprobe.PhasePreHandler {
			label := "pre_handler(p, regs)"
			for k := i + 1; k < j; k++ {
				if b.hit[k].Phase == kprobe.PhaseKretprobeHijack && b.depth[k] == d {
					label = "pre_handler_kretprobe"
				}
			}
			if e.Probe != nil && e.Probe.IsAggregator() {
				// Several probes at one address (kernel/kprobes.c).
				label = "aggr_pre_handler"
			}
			b.add(Step{Kind: Call, From: LifeBrk, To: LifePre, Label: label, Phase: kprobe.PhasePreHandler, Depth: d,
				Detail: []string{"p->pre_handler(p, regs): in the exception, interrupts masked"}})
		}
	case kprobe.PhaseKretprobeHijack:
		old, _ := changedFrom(e, "x30")
		tramp, _ := changedTo(e, "x30")
		b.add(Step{Kind: Note, From: LifePre, Label: "arch_prepare_kretprobe", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("ri->ret_addr = x30 = %#x; x30 = the trampoline, %#x", old, tramp),
				"the function will return to the trampoline"}})
	case kprobe.PhasePreHandler:
		detail := []string{fmt.Sprintf("returned %d", e.Result)}
		if e.Result != 0 {
			detail[0] += ": the handler set regs->pc, no step and no post-handler"
		}
		b.add(Step{Kind: Return, From: LifePre, To: LifeBrk, Label: fmt.Sprintf("returns %d", e.Result), Phase: e.Phase, Depth: d,
			Detail: append(detail, changes(e.Changed)...)})
	case kprobe.PhaseMissed:
		b.missed = true
		if len(b.open) > 0 {
			b.open[len(b.open)-1].missed = true
		}
		b.add(Step{Kind: Note, From: LifeBrk, Label: "reenter_kprobe", Phase: e.Phase, Depth: d,
			Detail: []string{"a kprobe is already running on this CPU: nmissed++ (kprobes_inc_nmissed_count),",
				fmt.Sprintf("no handlers; %08x %s is still executed (KPROBE_REENTER)", e.Insn, disasm(e.Insn))}})
	case kprobe.PhaseXOLEnter:
		b.slot, b.insn = e.Slot, e.Insn
		masking := "kprobes_save_local_irqflag: saved DAIF " + daif(e.DAIF) + ", D A I F masked for the step"
		if b.n.hwStep {
			masking = "saved DAIF " + daif(e.DAIF) + "; I set, D cleared (the step exception must be taken)"
		}
		detail := []string{masking}
		if ps, ok := changedTo(e, "pstate"); ok {
			old, _ := changedFrom(e, "pstate")
			s := fmt.Sprintf("pstate %#x -> %#x", old, ps)
			if b.n.hwStep {
				s += "; SPSR.SS and MDSCR_EL1.SS set (kernel_enable_single_step)"
			}
			detail = append(detail, s)
		}
		b.add(Step{Kind: Note, From: b.cur(d), Label: "setup_singlestep", Phase: e.Phase, Depth: d, Detail: detail})
		slotText := fmt.Sprintf("the slot holds %s, then brk #0x6", disasm(e.Insn))
		if b.n.hwStep {
			slotText = fmt.Sprintf("the slot holds only %s: the CPU steps it (MDSCR_EL1.SS)", disasm(e.Insn))
		}
		b.add(Step{Kind: Eret, From: b.cur(d), To: LifeSlot, Label: "ERET to slot", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("pc = slot %#x", e.Slot), slotText}})
		b.setCur(d, LifeSlot)
	case kprobe.PhaseSsBrkHit:
		b.add(Step{Kind: Exception, From: LifeSlot, To: LifeEntry, Label: "BRK #6", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("%s ran; BRK #6 at slot+4 %#x", disasm(b.insn), e.PC)}})
		b.add(Step{Kind: Call, From: LifeEntry, To: LifeStepDone, Label: fmt.Sprintf("ESR %#x", e.ESR), Phase: e.Phase, Depth: d,
			Detail: []string{"ESR_EL1 " + esrText(e.ESR), b.n.stepDone + " ends the out-of-line step"}})
		b.setCur(d, LifeStepDone)
	case kprobe.PhaseSingleStep:
		b.add(Step{Kind: Exception, From: LifeSlot, To: LifeEntry, Label: "Software Step", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("%s ran; the hardware step stops at slot+4 %#x", disasm(b.insn), e.PC)}})
		b.add(Step{Kind: Call, From: LifeEntry, To: LifeStepDone, Label: fmt.Sprintf("ESR %#x", e.ESR), Phase: e.Phase, Depth: d,
			Detail: []string{"ESR_EL1 " + esrText(e.ESR), "the kernel step hook " + b.n.stepDone + " (no BRK #6 before v5.10)"}})
		b.setCur(d, LifeStepDone)
	case kprobe.PhaseDAIFRestored:
		detail := []string{"kprobes_restore_local_irqflag: DAIF back to " + daif(e.DAIF)}
		if b.n.hwStep {
			detail = append(detail, "kernel_disable_single_step: MDSCR_EL1.SS cleared")
		}
		b.add(Step{Kind: Note, From: b.cur(d), Label: "restore DAIF", Phase: e.Phase, Depth: d,
			Detail: append(detail, changes(e.Changed)...)})
		b.postCall(i, d)
	case kprobe.PhaseSimulated:
		b.add(Step{Kind: Call, From: LifeBrk, To: LifeSlot, Label: "simulate", Phase: e.Phase, Depth: d,
			Detail: append([]string{fmt.Sprintf("arch_simulate_insn: %08x %s emulated on pt_regs, in the exception", e.Insn, disasm(e.Insn))},
				changes(e.Changed)...)})
		b.postCall(i, d)
	case kprobe.PhasePostHandler:
		b.add(Step{Kind: Return, From: LifePost, To: b.cur(d), Label: "returns", Phase: e.Phase, Depth: d,
			Detail: append([]string{"post_kprobe_handler: KPROBE_HIT_SSDONE, then current_kprobe = NULL"}, changes(e.Changed)...)})
	case kprobe.PhaseKretprobeReturn:
		if d == 0 {
			fn := "the function"
			for _, h := range b.hit {
				if h.Phase == kprobe.PhaseKretprobeHijack {
					fn = funcName(h.Sym)
				}
			}
			b.add(Step{Kind: Divider, From: LifeCPU, Label: fn + " runs; its ret goes to the trampoline", Phase: e.Phase, Depth: d})
		} else {
			b.open = append(b.open, openFrame{first: len(b.steps)})
		}
		b.setCur(d, LifeKret)
		if e.ESR == 0 {
			// Before v6.9: __kretprobe_trampoline was code that saved the
			// registers in a pt_regs on the stack and called
			// trampoline_probe_handler (arch/arm64/kernel/probes/
			// kprobe_trampoline.S, kprobes.c); no exception is taken.
			b.codeTramp = true
			real, _ := changedTo(e, "x0")
			b.add(Step{Kind: Call, From: LifeCPU, To: LifeKret, Label: "ret to trampoline", Phase: e.Phase, Depth: d,
				Detail: []string{fmt.Sprintf("ret to x30 = %s: code, no exception", e.Sym),
					"it saves the registers in a pt_regs and calls trampoline_probe_handler"}})
			b.add(Step{Kind: Note, From: LifeKret, Label: "trampoline_probe_handler", Phase: e.Phase, Depth: d,
				Detail: []string{"kretprobe_trampoline_handler: rp->handler(ri, regs)",
					fmt.Sprintf("returns the real return address %#x in x0", real)}})
			b.add(Step{Kind: Return, From: LifeKret, To: LifeCPU, Label: "ret", Phase: e.Phase, Depth: d,
				Detail: []string{"the trampoline restores the registers, puts x0 in x30 (lr) and returns",
					fmt.Sprintf("to %#x", real)}})
			b.closeFrame(d)
			break
		}
		b.add(Step{Kind: Exception, From: LifeCPU, To: LifeEntry, Label: "BRK #7", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("ret to x30 = %s: its BRK #7", e.Sym)}})
		real, _ := changedTo(e, "pc")
		b.add(Step{Kind: Call, From: LifeEntry, To: LifeKret, Label: fmt.Sprintf("ESR %#x", e.ESR), Phase: e.Phase, Depth: d,
			Detail: []string{"ESR_EL1 " + esrText(e.ESR),
				fmt.Sprintf("__kretprobe_trampoline_handler: rp->handler(ri, regs), pc = %#x", real)}})
	case kprobe.PhaseKprobeFaultHandler:
		// kprobe_fault_handler (arch/arm64/mm/fault.c asks kprobes
		// first): the instruction in the slot faulted.
		b.add(Step{Kind: Exception, From: LifeSlot, To: LifeEntry, Label: "fault", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("%s faulted in the slot at %#x", disasm(b.insn), e.PC),
				"ESR_EL1 " + esrText(e.ESR)}})
		b.add(Step{Kind: Note, From: LifeEntry, Label: "kprobe_fault_handler", Phase: e.Phase, Depth: d,
			Detail: append([]string{"the step is abandoned: pc back to the probe address, current_kprobe reset"},
				changes(e.Changed)...)})
		b.add(Step{Kind: Eret, From: LifeEntry, To: LifeCPU, Label: "fault handling", Phase: e.Phase, Depth: d,
			Detail: []string{"the fault is then handled as any other; a return re-executes the BRK #4"}})
		b.closeFrame(d)
	case kprobe.PhaseResume:
		b.add(Step{Kind: Eret, From: b.cur(d), To: LifeCPU, Label: "ERET", Phase: e.Phase, Depth: d,
			Detail: []string{fmt.Sprintf("resume at %s", symOr(e))}})
		b.closeFrame(d)
	}
}

// closeFrame ends the reentered hit at depth d, if one is open.
func (b *builder) closeFrame(d int) {
	if d == 0 || len(b.open) == 0 {
		return
	}
	f := b.open[len(b.open)-1]
	b.open = b.open[:len(b.open)-1]
	label := "nested hit"
	if f.missed {
		label = "reentered: missed, no handlers"
	}
	b.frames = append(b.frames, Frame{First: f.first, Last: len(b.steps) - 1, Label: label})
}

// postCall adds the call of the post-handler when the next event at this
// depth is its return.
func (b *builder) postCall(i, d int) {
	if j := b.next(i, d); j >= 0 && b.hit[j].Phase == kprobe.PhasePostHandler {
		b.add(Step{Kind: Call, From: b.cur(d), To: LifePost, Label: "post_handler", Phase: kprobe.PhasePostHandler, Depth: d,
			Detail: []string{"p->post_handler(p, regs, 0)"}})
	}
}

func (b *builder) title() string {
	e := b.hit[0]
	kind := "kprobe hit"
	for _, h := range b.hit {
		if h.Phase == kprobe.PhaseKretprobeHijack {
			kind = "kretprobe hit"
			if h.Probe != nil && e.Probe != nil && e.Probe.IsAggregator() {
				kind = "kprobe and kretprobe hit"
			}
		}
	}
	how := ""
	switch {
	case e.Phase == kprobe.PhaseKretprobeReturn:
		return fmt.Sprintf("kretprobe return on CPU %d", e.CPU)
	case b.simAt != 0:
		how = ", simulated"
	case b.topSlot != 0 && b.n.hwStep:
		how = ", stepped out of line (hardware step)"
	case b.topSlot != 0:
		how = ", stepped out of line"
	}
	if b.missed {
		how += ", with a reentered (missed) hit"
	}
	return fmt.Sprintf("%s on CPU %d at %s: %s%s", kind, e.CPU, e.Sym, disasm(b.topInsn), how)
}

func (b *builder) head(l Lifeline) Head {
	switch l {
	case LifeCPU:
		return Head{l, fmt.Sprintf("CPU %d", b.cpu), "guest code"}
	case LifeEntry:
		return Head{l, "exception entry", "EL1 sync, ESR_EL1"}
	case LifeBrk:
		return Head{l, b.n.brk, "BRK #4"}
	case LifePre:
		return Head{l, "pre-handler", "p->pre_handler"}
	case LifeSlot:
		if b.simAt != 0 && b.topSlot == 0 {
			return Head{l, "simulation", disasm(b.topInsn)}
		}
		if b.topSlot == 0 {
			return Head{l, "XOL slot", ""}
		}
		return Head{l, "XOL slot", fmt.Sprintf("%#x", b.topSlot)}
	case LifeStepDone:
		if b.n.hwStep {
			return Head{l, b.n.stepDone, "Software Step"}
		}
		return Head{l, b.n.stepDone, "BRK #6"}
	case LifePost:
		return Head{l, "post-handler", "p->post_handler"}
	case LifeKret:
		if b.codeTramp {
			return Head{l, "kretprobe_trampoline", "code, before v6.9"}
		}
		return Head{l, b.n.kret, "BRK #7"}
	}
	return Head{l, "?", ""}
}
