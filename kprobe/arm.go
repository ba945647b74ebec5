package kprobe

import "github.com/kpemu/kpemu/arm64"

// BRK64_OPCODE_KPROBES is the word arming writes over a probed
// instruction: BRK #KPROBES_BRK_IMM.
var BRK64_OPCODE_KPROBES = arm64.EncodeBRK(KPROBES_BRK_IMM)

// armKprobe is arm_kprobe as kernel/kprobes.c calls it: every caller
// (__register_kprobe, register_aggr_kprobe, enable_kprobe) first checks
// !kprobes_all_disarmed, so while kprobes are globally disarmed (§7.5)
// nothing is patched. The check sits here, once, for all of them.
func (s *Subsystem) armKprobe(p *Kprobe) error {
	if s.KprobesAllDisarmed() {
		return nil
	}
	return s.archArmKprobe(p)
}

// disarmKprobe is disarm_kprobe as __disable_kprobe calls it: only when
// kprobes are not globally disarmed (the word is the original one then).
func (s *Subsystem) disarmKprobe(p *Kprobe) error {
	if s.KprobesAllDisarmed() {
		return nil
	}
	return s.archDisarmKprobe(p)
}

// archArmKprobe is arch_arm_kprobe: patch BRK #4 over the probed word.
func (s *Subsystem) archArmKprobe(p *Kprobe) error {
	if err := s.PatchText(p.Addr, BRK64_OPCODE_KPROBES); err != nil {
		return err
	}
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseArmed, CPU: -1, Probe: p, PC: p.Addr, Insn: p.opcode, Slot: p.slot})
	}
	return nil
}

// archDisarmKprobe is arch_disarm_kprobe: patch the saved word back.
func (s *Subsystem) archDisarmKprobe(p *Kprobe) error {
	if err := s.PatchText(p.Addr, p.opcode); err != nil {
		return err
	}
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseDisarmed, CPU: -1, Probe: p, PC: p.Addr, Insn: p.opcode, Slot: p.slot})
	}
	return nil
}
