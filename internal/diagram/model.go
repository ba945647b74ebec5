package diagram

import (
	"github.com/kpemu/kpemu/kprobe"
)

// Options changes how a hit is drawn; nil means the defaults.
type Options struct {
	// Title replaces the title made from the hit ("kprobe hit on CPU 0 at
	// kernel_clone+0x0/0x30: ...").
	Title string
	// Version is the kernel profile the events come from; it picks the
	// handlers' names, which changed over time (kprobe_breakpoint_handler
	// before v6.17, kprobe_brk_handler since). nil: v6.17's names, or the
	// pre-v5.10 ones when the hit ends its step with a Software Step
	// exception.
	Version *kprobe.Version
}

// Lifeline is one actor of a hit.
type Lifeline int

// The lifelines, left to right.
const (
	// LifeCPU is the CPU running guest code.
	LifeCPU Lifeline = iota
	// LifeEntry is the EL1 synchronous exception entry: ESR_EL1, ELR_EL1,
	// SPSR_EL1, DAIF masked.
	LifeEntry
	// LifeBrk is the BRK #4 handler (kprobe_brk_handler).
	LifeBrk
	// LifePre is the probe's pre-handler.
	LifePre
	// LifeSlot is the XOL slot, or the simulation when the instruction
	// has no slot.
	LifeSlot
	// LifeStepDone is what ends the out-of-line step: the BRK #6 handler
	// (kprobe_ss_brk_handler), or before v5.10 the Software Step handler.
	LifeStepDone
	// LifePost is the probe's post-handler.
	LifePost
	// LifeKret is the BRK #7 handler at __kretprobe_trampoline.
	LifeKret
	numLifelines
)

// Head is a lifeline's heading.
type Head struct {
	Life Lifeline
	Name string // the kernel's name
	Sub  string // a second line: what or where it is
}

// StepKind is what a step draws.
type StepKind int

const (
	// Exception: an arrow for an exception being taken.
	Exception StepKind = iota
	// Call: an arrow for a function call.
	Call
	// Return: a dashed arrow back from a call.
	Return
	// Eret: a dashed arrow for the exception return.
	Eret
	// Note: a box on one lifeline (From).
	Note
	// Divider: a line across all lifelines (time passes: the probed
	// function runs to its return).
	Divider
)

// Step is one row of the diagram.
type Step struct {
	Kind     StepKind
	From, To Lifeline
	// Label is the short text on the arrow or in the note box.
	Label string
	// Detail explains the step: the phase's facts, one line each.
	Detail []string
	// Phase is the phase event the step comes from.
	Phase kprobe.Phase
	// Depth is 0 for the hit's own steps, 1 inside a reentered hit.
	Depth int
}

// Frame groups the steps First..Last (indexes in Diagram.Steps) of a
// reentered hit.
type Frame struct {
	First, Last int
	Label       string
}

// Diagram is a hit as data: the lifelines it uses, in order, and its
// steps.
type Diagram struct {
	Title  string
	Heads  []Head
	Steps  []Step
	Frames []Frame
}
