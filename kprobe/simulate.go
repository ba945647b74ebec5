package kprobe

import "fmt"

// Memory is how the literal-load simulation reads kernel memory: size in
// bytes (4 or 8), little-endian, ok false on a fault. *emu.CPU satisfies
// it (its Load reads with the CPU's current permissions, raising nothing).
type Memory interface {
	Load(addr uint64, size int) (uint64, bool)
}

// LiteralFault is the error of a simulated literal load whose read faults.
// In the kernel this is a fault inside the BRK handler (an oops); the
// simulation leaves the registers untouched.
type LiteralFault struct {
	Addr uint64
	Size int
}

func (e *LiteralFault) Error() string {
	return fmt.Sprintf("kprobe: simulated literal load of %d bytes at %#x faults", e.Size, e.Addr)
}

// signExtend is sign_extend64(v, top): bit top is the sign.
func signExtend(v uint64, top uint) uint64 {
	s := 63 - top
	return uint64(int64(v<<s) >> s)
}

// Displacements, as simulate-insn.c's bbl_/bcond_/cbz_/tbz_/ldr_displacement.
func bblDisplacement(op uint32) uint64   { return signExtend(uint64(op&0x3ffffff)<<2, 27) }
func bcondDisplacement(op uint32) uint64 { return signExtend(uint64((op>>5)&0x7ffff)<<2, 20) }
func tbzDisplacement(op uint32) uint64   { return signExtend(uint64((op>>5)&0x3fff)<<2, 15) }

// aarch32OpcodeCondChecks is the table simulate_b_cond indexes with the
// condition field: aarch32_opcode_cond_checks, the __check_* pstate_check_t
// functions (arch/arm64/kernel/traps.c), evaluated on the saved PSTATE's
// NZCV. 0xE (AL) and 0xF (NV) both pass, as the Arm ARM says NV behaves
// as AL.
func aarch32OpcodeCondChecks(cond uint32, pstate uint64) bool {
	n := pstate&PSR_N_BIT != 0
	z := pstate&PSR_Z_BIT != 0
	c := pstate&PSR_C_BIT != 0
	v := pstate&PSR_V_BIT != 0
	switch cond & 0xf {
	case 0x0: // __check_eq
		return z
	case 0x1: // __check_ne
		return !z
	case 0x2: // __check_cs
		return c
	case 0x3: // __check_cc
		return !c
	case 0x4: // __check_mi
		return n
	case 0x5: // __check_pl
		return !n
	case 0x6: // __check_vs
		return v
	case 0x7: // __check_vc
		return !v
	case 0x8: // __check_hi
		return c && !z
	case 0x9: // __check_ls
		return !c || z
	case 0xa: // __check_ge
		return n == v
	case 0xb: // __check_lt
		return n != v
	case 0xc: // __check_gt
		return !z && n == v
	case 0xd: // __check_le
		return z || n != v
	}
	return true // __check_al for 0xE and 0xF
}

// SimulateAdrAdrp is simulate-insn.c:simulate_adr_adrp.
func SimulateAdrAdrp(opcode uint32, addr uint64, regs *PtRegs) {
	imm := uint64((opcode>>3)&0x1ffffc) | uint64((opcode>>29)&3)
	imm = signExtend(imm, 20)
	var val uint64
	if opcode&0x80000000 != 0 {
		val = imm<<12 + addr&^0xfff
	} else {
		val = addr + imm
	}
	regs.PtRegsWriteReg(int(opcode&0x1f), val)
	regs.InstructionPointerSet(regs.InstructionPointer() + 4)
}

// SimulateBBl is simulate-insn.c:simulate_b_bl. The kernel path is the
// same in every profile (the GCS push of newer kernels is for user mode).
func SimulateBBl(opcode uint32, addr uint64, regs *PtRegs) {
	disp := bblDisplacement(opcode)
	if opcode&(1<<31) != 0 { // BL: the link register is X30
		regs.PtRegsWriteReg(30, addr+4)
	}
	regs.InstructionPointerSet(addr + disp)
}

// SimulateBCond is simulate-insn.c:simulate_b_cond (also BC.cond where the
// profile's mask takes it: the consistency hint is ignored).
func SimulateBCond(opcode uint32, addr uint64, regs *PtRegs) {
	disp := uint64(4)
	if aarch32OpcodeCondChecks(opcode&0xf, regs.PState&0xffffffff) {
		disp = bcondDisplacement(opcode)
	}
	regs.InstructionPointerSet(addr + disp)
}

// SimulateBrBlrRet is simulate-insn.c:simulate_br_blr_ret (v6.16 and
// earlier). The target is read before X30 is written, so BLR X30 jumps to
// the old X30.
func SimulateBrBlrRet(opcode uint32, addr uint64, regs *PtRegs) {
	regs.InstructionPointerSet(regs.PtRegsReadReg(int((opcode >> 5) & 0x1f)))
	if (opcode>>21)&3 == 1 { // BLR
		regs.PtRegsWriteReg(30, addr+4)
	}
}

// SimulateBrBlr is simulate-insn.c:simulate_br_blr (SplitRet kernels);
// for kernel mode it behaves as SimulateBrBlrRet.
func SimulateBrBlr(opcode uint32, addr uint64, regs *PtRegs) {
	SimulateBrBlrRet(opcode, addr, regs)
}

// SimulateRet is simulate-insn.c:simulate_ret (SplitRet kernels): PC = Xn.
// The GCS pop and compare apply to user mode only.
func SimulateRet(opcode uint32, addr uint64, regs *PtRegs) {
	regs.InstructionPointerSet(regs.PtRegsReadReg(int((opcode >> 5) & 0x1f)))
}

// checkCbz is simulate-insn.c:check_cbz: the W or X register is zero.
func checkCbz(opcode uint32, regs *PtRegs) bool {
	x := regs.PtRegsReadReg(int(opcode & 0x1f))
	if opcode&(1<<31) == 0 {
		x = uint64(uint32(x))
	}
	return x == 0
}

// checkTbz is simulate-insn.c:check_tbz: the tested bit (b5:b40) is zero.
func checkTbz(opcode uint32, regs *PtRegs) bool {
	pos := (opcode&(1<<31))>>26 | (opcode>>19)&0x1f
	return (regs.PtRegsReadReg(int(opcode&0x1f))>>pos)&1 == 0
}

// SimulateCbzCbnz is simulate-insn.c:simulate_cbz_cbnz.
func SimulateCbzCbnz(opcode uint32, addr uint64, regs *PtRegs) {
	disp := uint64(4)
	if zero := checkCbz(opcode, regs); zero == (opcode&(1<<24) == 0) {
		disp = bcondDisplacement(opcode) // cbz_displacement: same field
	}
	regs.InstructionPointerSet(addr + disp)
}

// SimulateTbzTbnz is simulate-insn.c:simulate_tbz_tbnz.
func SimulateTbzTbnz(opcode uint32, addr uint64, regs *PtRegs) {
	disp := uint64(4)
	if zero := checkTbz(opcode, regs); zero == (opcode&(1<<24) == 0) {
		disp = tbzDisplacement(opcode)
	}
	regs.InstructionPointerSet(addr + disp)
}

// SimulateLdrLiteral is simulate-insn.c:simulate_ldr_literal as fixed in
// v6.12 ("arm64: probes: Fix simulate_ldr*_literal()"): an 8-byte load for
// Xt, a zero-extended 4-byte load for Wt.
func SimulateLdrLiteral(opcode uint32, addr uint64, regs *PtRegs, mem Memory) error {
	return simulateLdrLiteral(opcode, addr, regs, mem, true)
}

// SimulateLdrLiteralUnsized is simulate_ldr_literal before v6.12: the Wt
// form also reads 8 bytes and keeps the low 32 bits, so it faults where
// the 4-byte read would not (e.g. the last word of a mapping).
func SimulateLdrLiteralUnsized(opcode uint32, addr uint64, regs *PtRegs, mem Memory) error {
	return simulateLdrLiteral(opcode, addr, regs, mem, false)
}

func simulateLdrLiteral(opcode uint32, addr uint64, regs *PtRegs, mem Memory, sized bool) error {
	la := addr + bcondDisplacement(opcode) // ldr_displacement: imm19 << 2
	x := opcode&(1<<30) != 0
	size := 8
	if !x && sized {
		size = 4
	}
	v, ok := mem.Load(la, size)
	if !ok {
		return &LiteralFault{Addr: la, Size: size}
	}
	if !x {
		v = uint64(uint32(v)) // set_w_reg: lower_32_bits
	}
	regs.PtRegsWriteReg(int(opcode&0x1f), v)
	regs.InstructionPointerSet(regs.InstructionPointer() + 4)
	return nil
}

// SimulateLdrswLiteral is simulate-insn.c:simulate_ldrsw_literal: a 4-byte
// load, sign-extended.
func SimulateLdrswLiteral(opcode uint32, addr uint64, regs *PtRegs, mem Memory) error {
	la := addr + bcondDisplacement(opcode)
	v, ok := mem.Load(la, 4)
	if !ok {
		return &LiteralFault{Addr: la, Size: 4}
	}
	regs.PtRegsWriteReg(int(opcode&0x1f), signExtend(uint64(uint32(v)), 31))
	regs.InstructionPointerSet(regs.InstructionPointer() + 4)
	return nil
}

// SimulateNop is simulate-insn.c:simulate_nop (v6.13):
// arm64_skip_faulting_instruction, i.e. PC += 4 and PSTATE.BTYPE cleared
// (the user-mode single-step fast-forward is not modelled here).
func SimulateNop(opcode uint32, addr uint64, regs *PtRegs) {
	regs.InstructionPointerSet(regs.InstructionPointer() + 4)
	regs.PState &^= PSR_BTYPE_MASK
}

// Simulate runs handler h on regs for the instruction opcode at the probe
// address addr, as arch_simulate_insn calls api.handler(opcode, p->addr,
// regs) (arch/arm64/kernel/probes/kprobes.c). v selects the
// version-dependent semantics (the literal-load width). Only literal loads
// can fail.
func Simulate(v Version, h Handler, opcode uint32, addr uint64, regs *PtRegs, mem Memory) error {
	switch h {
	case HandlerBBl:
		SimulateBBl(opcode, addr, regs)
	case HandlerBCond:
		SimulateBCond(opcode, addr, regs)
	case HandlerBrBlrRet:
		SimulateBrBlrRet(opcode, addr, regs)
	case HandlerBrBlr:
		SimulateBrBlr(opcode, addr, regs)
	case HandlerRet:
		SimulateRet(opcode, addr, regs)
	case HandlerCbzCbnz:
		SimulateCbzCbnz(opcode, addr, regs)
	case HandlerTbzTbnz:
		SimulateTbzTbnz(opcode, addr, regs)
	case HandlerAdrAdrp:
		SimulateAdrAdrp(opcode, addr, regs)
	case HandlerNop:
		SimulateNop(opcode, addr, regs)
	case HandlerLdrLiteral:
		if v.SizedLiteralLoads {
			return SimulateLdrLiteral(opcode, addr, regs, mem)
		}
		return SimulateLdrLiteralUnsized(opcode, addr, regs, mem)
	case HandlerLdrswLiteral:
		return SimulateLdrswLiteral(opcode, addr, regs, mem)
	default:
		return fmt.Errorf("kprobe: no simulation handler %v", h)
	}
	return nil
}
