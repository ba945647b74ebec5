package kprobe

// PtRegs is the kernel's struct pt_regs as kprobe handlers and the
// simulation see it (arch/arm64/include/asm/ptrace.h): the general
// registers, SP, PC and PSTATE (the SPSR layout saved on exception entry).
// Methods are the kernel's accessor helpers, Go-cased.
type PtRegs struct {
	Regs   [31]uint64
	SP     uint64
	PC     uint64
	PState uint64
}

// PSTATE bits the package reads (arch/arm64/include/uapi/asm/ptrace.h).
const (
	PSR_MODE_MASK  = 0x0000000f
	PSR_MODE_EL0t  = 0x00000000
	PSR_BTYPE_MASK = 0x00000c00
	PSR_V_BIT      = 1 << 28
	PSR_C_BIT      = 1 << 29
	PSR_Z_BIT      = 1 << 30
	PSR_N_BIT      = 1 << 31
)

// PtRegsReadReg is pt_regs_read_reg: register 31 reads as zero (XZR), as
// the instructions the simulation handles encode it. Out-of-range numbers
// read zero too, so no input can panic.
func (r *PtRegs) PtRegsReadReg(n int) uint64 {
	if n < 0 || n >= 31 {
		return 0
	}
	return r.Regs[n]
}

// PtRegsWriteReg is pt_regs_write_reg: a write to register 31 is discarded.
func (r *PtRegs) PtRegsWriteReg(n int, v uint64) {
	if n >= 0 && n < 31 {
		r.Regs[n] = v
	}
}

// RegsReturnValue is regs_return_value: X0.
func (r *PtRegs) RegsReturnValue() uint64 { return r.Regs[0] }

// RegsSetReturnValue is regs_set_return_value: X0 = v.
func (r *PtRegs) RegsSetReturnValue(v uint64) { r.Regs[0] = v }

// InstructionPointer is instruction_pointer: PC.
func (r *PtRegs) InstructionPointer() uint64 { return r.PC }

// InstructionPointerSet is instruction_pointer_set: PC = v.
func (r *PtRegs) InstructionPointerSet(v uint64) { r.PC = v }

// UserStackPointer is user_stack_pointer: SP (the kernel keeps the
// interrupted context's SP in pt_regs->sp whichever EL it came from).
func (r *PtRegs) UserStackPointer() uint64 { return r.SP }

// KernelStackPointer is kernel_stack_pointer: SP.
func (r *PtRegs) KernelStackPointer() uint64 { return r.SP }

// FramePointer is frame_pointer: X29.
func (r *PtRegs) FramePointer() uint64 { return r.Regs[29] }

// ProcedureLinkPointer is procedure_link_pointer: X30.
func (r *PtRegs) ProcedureLinkPointer() uint64 { return r.Regs[30] }

// ProcedureLinkPointerSet is procedure_link_pointer_set: X30 = v.
func (r *PtRegs) ProcedureLinkPointerSet(v uint64) { r.Regs[30] = v }

// RegsGetKernelArgument is regs_get_kernel_argument: X0..X7 for n < 8
// (AAPCS64 argument registers), zero beyond.
func (r *PtRegs) RegsGetKernelArgument(n uint) uint64 {
	if n < 8 {
		return r.Regs[n]
	}
	return 0
}

// UserMode is user_mode: the saved mode is EL0t.
func (r *PtRegs) UserMode() bool { return r.PState&PSR_MODE_MASK == PSR_MODE_EL0t }
