package kprobe

import (
	"fmt"
	"runtime/debug"
	"slices"

	"github.com/kpemu/kpemu/emu"
)

// BRK immediates (arch/arm64/include/asm/brk-imm.h).
const (
	KPROBES_BRK_IMM           = 0x004
	UPROBES_BRK_IMM           = 0x005
	KPROBES_BRK_SS_IMM        = 0x006
	KRETPROBES_BRK_IMM        = 0x007
	FAULT_BRK_IMM             = 0x100
	KGDB_DYN_DBG_BRK_IMM      = 0x400
	KGDB_COMPILED_DBG_BRK_IMM = 0x401
	BUG_BRK_IMM               = 0x800
)

// Break hook results (arch/arm64/include/asm/debug-monitors.h).
const (
	DBG_HOOK_HANDLED = 0
	DBG_HOOK_ERROR   = 1
)

// BreakHook is struct break_hook: a handler for EL1 BRKs whose immediate
// matches, (imm16 &^ Mask) == Imm. Fn gets the CPU (for memory and the
// per-CPU state) and the interrupted registers as pt_regs, built from the
// exception entry state (X0..X30, the interrupted SP, PC = ELR_EL1,
// PSTATE = SPSR_EL1); what Fn changes in regs is written back and the CPU
// returns from the exception with it. Fn returns DBG_HOOK_HANDLED, or
// DBG_HOOK_ERROR for "not mine" (the kernel then dies: "Oops - BRK"); an
// error is a BUG() and stops the run with it.
type BreakHook struct {
	Imm  uint16
	Mask uint16
	Fn   func(c *emu.CPU, regs *PtRegs, esr uint64) (int, error)
}

// RegisterKernelBreakHook is register_kernel_break_hook: h handles EL1
// BRKs whose immediate it matches. Of several matching hooks the last
// registered wins, as the v5.x-v6.16 list walk does (v6.17 replaced the
// lists with a fixed switch on the immediate for the kernel's own
// users; this registry keeps them open for raw BRKs placed by users).
func (s *Subsystem) RegisterKernelBreakHook(h *BreakHook) {
	s.hooks = append(s.hooks, h)
}

// UnregisterKernelBreakHook is unregister_kernel_break_hook.
func (s *Subsystem) UnregisterKernelBreakHook(h *BreakHook) {
	if i := slices.Index(s.hooks, h); i >= 0 {
		s.hooks = slices.Delete(s.hooks, i, i+1)
	}
}

// findHook is the break-hook list walk: the last match wins.
func (s *Subsystem) findHook(imm uint16) *BreakHook {
	var found *BreakHook
	for _, h := range s.hooks {
		if imm&^h.Mask == h.Imm {
			found = h
		}
	}
	return found
}

// el1Brk is the machine's handler for EC 0x3C (BRK64): do_el1_brk64 /
// call_el1_break_hook. A BRK from EL0 is not the kernel's (uprobes and
// SIGTRAP are not modelled here) and a BRK no hook matches is left to the
// machine's other handlers; when nobody takes it the run stops with
// emu.ExceptionError, which stands for the kernel's "Unexpected kernel
// BRK exception at EL1" death.
func (s *Subsystem) el1Brk(c *emu.CPU, e *emu.Exception) (handled bool, err error) {
	if e.FromEL != 1 {
		return false, nil
	}
	h := s.findHook(e.Imm16())
	if h == nil {
		return false, nil
	}
	esr := e.ESR()
	regs := s.pushRegs(c)
	elr := e.ELR
	defer func() {
		s.popRegs()
		if r := recover(); r != nil {
			handled, err = false, s.handlerPanicked(c, elr, r)
		}
	}()
	rc, err := h.Fn(c, regs, esr)
	if err != nil {
		return false, err
	}
	if rc != DBG_HOOK_HANDLED {
		return false, &Oops{Msg: "Oops - BRK", ESR: esr, PC: e.ELR, Sym: s.symbolize(e.ELR)}
	}
	regsToException(c, regs)
	return true, nil
}

// HandlerPanic stops the machine's run when a handler (a kprobe's pre- or
// post-handler, a kretprobe's handlers, a break hook) panics: the panic is
// contained, and the error names the probe being handled. The CPU's kprobe
// state is reset, as no kernel would survive this to say more.
type HandlerPanic struct {
	Probe string // the probe's address as sym+0xoff/0xsize, "" for a break hook of the user's
	PC    uint64 // the BRK's address
	Sym   string // PC as sym+0xoff/0xsize
	Value any    // what the handler panicked with
	Stack string
}

func (e *HandlerPanic) Error() string {
	if e.Probe == "" {
		return fmt.Sprintf("kprobe: break hook panicked at %s: %v", e.Sym, e.Value)
	}
	return fmt.Sprintf("kprobe: handler of the probe at %s panicked (BRK at %s): %v", e.Probe, e.Sym, e.Value)
}

// handlerPanicked turns a handler's panic into a *HandlerPanic naming the
// probe: the one being handled on this CPU, else the one at the BRK.
func (s *Subsystem) handlerPanicked(c *emu.CPU, pc uint64, v any) error {
	e := &HandlerPanic{PC: pc, Sym: s.symbolize(pc), Value: v, Stack: string(debug.Stack())}
	kcb := s.ctlblk(c)
	p := kcb.current
	if p == nil {
		p = s.probes[pc]
	}
	if p != nil {
		e.Probe = s.symbolize(p.Addr)
	}
	*kcb = kprobeCtlblk{dbg: kcb.dbg}
	return e
}

// pushRegs takes a pt_regs frame filled from the exception state, and
// popRegs gives it back. pt_regs live on the exception stack in the
// kernel; here in a per-subsystem stack of reused frames (a handler's
// guest call can take exceptions of its own), so that a probe hit
// allocates nothing. A handler must not keep its regs after returning.
func (s *Subsystem) pushRegs(c *emu.CPU) *PtRegs {
	r := s.pushFrameRegs(c)
	regsFromException(c, r)
	return r
}

// pushFrameRegs takes an empty pt_regs frame for a handler running on c
// (the kretprobe code trampoline fills it from guest memory).
func (s *Subsystem) pushFrameRegs(c *emu.CPU) *PtRegs {
	if s.regsDepth == len(s.regsFrames) {
		s.regsFrames = append(s.regsFrames, new(PtRegs))
		s.regsCPU = append(s.regsCPU, 0)
	}
	r := s.regsFrames[s.regsDepth]
	s.regsCPU[s.regsDepth] = c.ID()
	s.regsDepth++
	return r
}

func (s *Subsystem) popRegs() { s.regsDepth-- }

// SmpProcessorID is smp_processor_id() for the kprobe handlers: the CPU
// whose BRK exception, step exception or kretprobe trampoline is being
// handled (the innermost, when a handler's guest call took one of its
// own), or -1 outside any handler. In the kernel a handler's CPU is
// implicit in its per-CPU context; a Go handler asks for it here.
func (s *Subsystem) SmpProcessorID() int {
	if s.regsDepth == 0 {
		return -1
	}
	return s.regsCPU[s.regsDepth-1]
}

// regsFromException fills pt_regs as kernel_entry saves them: the
// general registers, the interrupted context's SP (SP_EL1 when it ran at
// EL1h, else SP_EL0), PC = ELR_EL1, PSTATE = SPSR_EL1.
func regsFromException(c *emu.CPU, r *PtRegs) {
	c.Xs(&r.Regs)
	r.PC, r.PState = c.ELR(), c.SPSR()
	r.SP = c.SPEL(spEL(r.PState))
}

// regsToException is kernel_exit: registers, SP, ELR_EL1 and SPSR_EL1
// from pt_regs; the machine's ERET then applies ELR and SPSR. Writing
// everything back also undoes whatever a handler's nested guest calls
// left in the registers.
func regsToException(c *emu.CPU, r *PtRegs) {
	c.SetXs(&r.Regs)
	c.SetSPEL(spEL(r.PState), r.SP)
	c.SetELR(r.PC)
	c.SetSPSR(r.PState)
}

// spEL is the stack pointer a saved PSTATE uses: SP_EL1 for EL1h, SP_EL0
// for EL1t and EL0t.
func spEL(pstate uint64) int {
	if pstate&PSR_MODE_MASK == emu.PSR_EL1h {
		return 1
	}
	return 0
}
