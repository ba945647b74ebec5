package diagram

import "github.com/kpemu/kpemu/kprobe"

// names are the handlers' names in one kernel version.
type names struct {
	brk, stepDone, kret string
	hwStep              bool
}

// versionNames takes the names from the profile; with none, the default
// profile's, or v5.4's when the hit shows the hardware step.
func versionNames(v *kprobe.Version, hit []kprobe.PhaseEvent) names {
	p := kprobe.Default
	if v != nil {
		p = *v
	} else {
		for _, e := range hit {
			if e.Phase == kprobe.PhaseSingleStep {
				p = kprobe.V5_4
			}
		}
	}
	var n names
	n.brk, n.stepDone, n.kret = p.BrkHandlerNames()
	n.hwStep = !p.BrkSingleStep
	return n
}
