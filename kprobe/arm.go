package kprobe

import "github.com/kpemu/kpemu/arm64"

// BRK64_OPCODE_KPROBES is the word arming writes over a probed
// instruction: BRK #KPROBES_BRK_IMM.
var BRK64_OPCODE_KPROBES = arm64.EncodeBRK(KPROBES_BRK_IMM)

// armKprobe is arch_arm_kprobe: patch BRK #4 over the probed word.
func (s *Subsystem) armKprobe(p *Kprobe) error {
	return s.PatchText(p.Addr, BRK64_OPCODE_KPROBES)
}

// disarmKprobe is arch_disarm_kprobe: patch the saved word back.
func (s *Subsystem) disarmKprobe(p *Kprobe) error {
	return s.PatchText(p.Addr, p.opcode)
}
