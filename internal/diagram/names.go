package diagram

import (
	"strconv"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

// names are the handlers' names in one kernel version.
type names struct {
	brk, stepDone, kret string
	hwStep              bool
}

func versionNames(v *kprobe.Version, hit []kprobe.PhaseEvent) names {
	hw, v617 := false, true
	if v != nil {
		hw = !v.BrkSingleStep
		v617 = atLeast(v.Name, 6, 17)
	} else {
		for _, e := range hit {
			if e.Phase == kprobe.PhaseSingleStep {
				hw, v617 = true, false
			}
		}
	}
	n := names{brk: "kprobe_breakpoint_handler", stepDone: "kprobe_breakpoint_ss_handler",
		kret: "kretprobe_breakpoint_handler", hwStep: hw}
	if v617 {
		// v6.17 renamed the BRK hooks (arch/arm64/kernel/probes/kprobes.c).
		n.brk, n.stepDone, n.kret = "kprobe_brk_handler", "kprobe_ss_brk_handler", "kretprobe_brk_handler"
	}
	if hw {
		n.stepDone = "kprobe_single_step_handler"
	}
	return n
}

// atLeast reports whether the version name "vX.Y" is X.Y or later.
func atLeast(name string, major, minor int) bool {
	maj, min, ok := strings.Cut(strings.TrimPrefix(name, "v"), ".")
	if !ok {
		return true
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil {
		return true
	}
	return a > major || a == major && b >= minor
}
