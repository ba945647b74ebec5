package main

import (
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/kprobe"
)

// verdict is what register_kprobe made of a probe site: accepted and how
// the probed instruction runs (out of line from an XOL slot, or
// simulated), or refused with an errno and the reason.
type verdict struct {
	Addr     string `json:"addr"`
	Sym      string `json:"sym,omitempty"`
	Accepted bool   `json:"accepted"`
	// How is "xol", "simulate" or "reject".
	How     string `json:"how"`
	Insn    string `json:"insn,omitempty"`
	Class   string `json:"class,omitempty"`
	Handler string `json:"handler,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Slot    string `json:"slot,omitempty"`
	Errno   string `json:"errno,omitempty"`
	Reason  string `json:"reason,omitempty"`

	addr    uint64 // 0 when the site did not resolve
	word    uint32
	decoded bool // the decoder ran (Insn, Class, Rule are set)
}

// tryKprobe registers kp on the workspace's kprobe subsystem, as a module
// calling register_kprobe would, records the verdict and unregisters it
// again (which puts the original instruction back). Every check of the
// registration path runs: address resolution, check_kprobe_address_safe,
// alignment, arm_kprobe_decode_insn with the exclusive-sequence scan, the
// slot allocation. A refusal is returned as the verdict, not as an error.
func (ws *workspace) tryKprobe(kp *kprobe.Kprobe) verdict {
	if err := ws.kp.RegisterKprobe(kp); err == nil {
		v := ws.registered(kp)
		ws.kp.UnregisterKprobe(kp)
		return v
	} else {
		v := verdict{How: "reject"}
		if kp.Addr != 0 {
			v.addr, v.Addr, v.Sym = kp.Addr, hex(kp.Addr), ws.sym(kp.Addr)
		}
		if d := kp.Decision(); d.Rule != "" {
			v.decoded, v.word = true, d.Insn
			v.Insn, v.Class, v.Rule = fmt.Sprintf("%08x", d.Insn), d.Class.String(), d.Rule
		}
		var ke *kprobe.Error
		if errors.As(err, &ke) {
			v.Errno, v.Reason = ke.Errno.Error(), ke.Reason
		} else {
			v.Reason = err.Error()
		}
		return v
	}
}

// classText explains an instruction class in words.
func classText(how string) string {
	switch how {
	case "xol":
		return "executed out of line: copied to an XOL slot, stepped there, resumed at the next instruction"
	case "simulate":
		return "simulated: the BRK handler computes its effect on pt_regs, no slot"
	}
	return "cannot be probed: register_kprobe refuses the address"
}

// steppingText says how the profile ends an out-of-line step.
func steppingText(v kprobe.Version) string {
	if v.BrkSingleStep {
		return "the XOL slot is the instruction then BRK #6, which ends the step (v5.10+)"
	}
	return "the XOL slot instruction is stepped with the hardware single step (MDSCR_EL1.SS, a Software Step exception ends it; before v5.10)"
}
