// Package diagram draws one kprobe hit as an SVG sequence diagram, from the
// phase stream of package kprobe (Subsystem.SetPhaseListener).
//
// # The model
//
// A hit is what one BRK #4 sets going, as arch/arm64/kernel/probes/
// kprobes.c handles it: the CPU running guest code executes the BRK, the
// EL1 synchronous exception is taken (ESR_EL1 says which BRK), the BRK
// handler (kprobe_brk_handler) finds the probe and calls the pre-handler,
// then either steps the probed instruction out of line in its XOL slot or
// simulates it in the exception. The out-of-line step ends with BRK #6
// (kprobe_ss_brk_handler), or before v5.10 with the hardware Software
// Step exception (kprobe_single_step_handler); DAIF, masked for the step,
// is restored; the post-handler runs and the exception returns to the
// code after the probe. A kretprobe's hit also hijacks X30 at the entry
// (arch_prepare_kretprobe), and its return is a second exception, BRK #7
// at __kretprobe_trampoline, drawn in the same diagram after the function
// ran (before v6.9 the trampoline is code that calls
// trampoline_probe_handler, with no exception, and is drawn so). A probe
// hit while another is being handled on the same CPU (from a handler's
// call into guest code) is drawn inside the outer hit, framed:
// reenter_kprobe counts it as missed and steps it without handlers. A
// fault of the instruction in the slot ends the hit in
// kprobe_fault_handler.
//
// Each lifeline is one of those actors, named as the kernel names it
// (per kernel version, Options.Version); each row of the diagram is one
// arrow or note, with the facts of the phase (ESR, the slot and its
// instruction, DAIF, the registers the phase changed) written beside it.
//
// # Using it
//
// Collect the phase stream, split it into hits with Hits, and draw each:
//
//	var events []kprobe.PhaseEvent
//	s.SetPhaseListener(func(e kprobe.PhaseEvent) { events = append(events, e) })
//	... run guest code ...
//	for i, hit := range diagram.Hits(events) {
//		err := diagram.WriteSVG(w[i], hit, nil)
//	}
//
// Build returns the diagram as data (lifelines and steps) for a text
// rendering, which is what the kpemu demo prints.
//
// The SVG is self-contained (no external fonts, style sheets or scripts;
// the generic monospace family) and deterministic: the same events give
// the same bytes, so diagrams can be golden files.
package diagram
