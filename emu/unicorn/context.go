//go:build unicorn

package unicorn

/*
#include <unicorn/unicorn.h>
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"time"
	"unsafe"
)

// Context is a snapshot of the CPU state (registers, system registers and
// Unicorn's cached translation flags such as the current EL), taken with
// SaveContext. Memory is not part of it.
type Context struct {
	c *C.uc_context
}

// SaveContext snapshots the CPU state.
func (e *Engine) SaveContext() (*Context, error) {
	if err := e.check("SaveContext"); err != nil {
		return nil, err
	}
	var c *C.uc_context
	if err := ucErr("uc_context_alloc", C.uc_context_alloc(e.uc, &c)); err != nil {
		return nil, err
	}
	ctx := &Context{c: c}
	runtime.AddCleanup(ctx, func(p *C.uc_context) { C.uc_free(unsafe.Pointer(p)) }, c)
	if err := ucErr("uc_context_save", C.uc_context_save(e.uc, c)); err != nil {
		return nil, err
	}
	return ctx, nil
}

// RestoreContext restores a snapshot taken with SaveContext on an engine
// of the same model. Restoring is also the way back from EL0 to EL1, since
// Unicorn never takes exceptions itself.
func (e *Engine) RestoreContext(ctx *Context) error {
	if err := e.check("RestoreContext"); err != nil {
		return err
	}
	if ctx == nil || ctx.c == nil {
		return argErr("RestoreContext", "nil context")
	}
	err := ucErr("uc_context_restore", C.uc_context_restore(e.uc, ctx.c))
	runtime.KeepAlive(ctx)
	return err
}

// PSTATE values for SwitchPSTATE: M[3:0] with DAIF masked.
const (
	PstateEL0t uint64 = 0x3c0 // EL0, SP_EL0
	PstateEL1t uint64 = 0x3c4 // EL1, SP_EL0
	PstateEL1h uint64 = 0x3c5 // EL1, SP_EL1 (Unicorn's reset mode)
)

// eretInsn is ERET (0xd69f03e0).
const eretInsn = 0xd69f03e0

// SwitchPSTATE changes the exception level / stack pointer selection the
// architectural way, which is the only way that takes effect in Unicorn
// 2.0.1: writing the PSTATE register updates the value read back but not
// the EL that Unicorn translates code for.
//
// It must be called while the CPU is at EL1 (Unicorn's reset state). It
// writes an ERET to scratch (4 bytes of executable mapped memory, restored
// afterwards), points ELR_EL1 at the current PC, SPSR_EL1 at pstate, and
// executes that single instruction. ELR_EL1 and SPSR_EL1 are restored, PC
// is unchanged, and PSTATE (including NZCV and DAIF) becomes pstate. The
// ERET also switches the live SP: going to EL0t (or EL1t) the current SP is
// saved to SP_EL1 and SP_EL0 becomes SP.
//
// Hooks installed on the engine see the ERET.
func (e *Engine) SwitchPSTATE(scratch uint64, pstate uint64) error {
	const op = "SwitchPSTATE"
	if err := e.check(op); err != nil {
		return err
	}
	if e.running {
		return argErr(op, "cannot switch PSTATE from a hook")
	}
	pc, err := e.RegRead(PC)
	if err != nil {
		return err
	}
	if pc >= scratch && pc < scratch+4 {
		return argErr(op, "scratch overlaps PC")
	}
	cur, err := e.RegRead(PSTATE)
	if err != nil {
		return err
	}
	if (cur>>2)&3 != 1 {
		return argErr(op, fmt.Sprintf("ERET needs EL1, PSTATE is %#x", cur))
	}
	elr, err := e.RegRead(ELR_EL1)
	if err != nil {
		return err
	}
	spsr, err := e.ReadSysReg(SysSPSR_EL1)
	if err != nil {
		return err
	}
	var saved [4]byte
	if err := e.ReadMem(scratch, saved[:]); err != nil {
		return err
	}
	var code [4]byte
	binary.LittleEndian.PutUint32(code[:], eretInsn)
	if err := e.WriteMem(scratch, code[:]); err != nil {
		return err
	}
	restore := func() error {
		if err := e.WriteMem(scratch, saved[:]); err != nil {
			return err
		}
		if err := e.InvalidateTB(scratch, scratch+4); err != nil {
			return err
		}
		if err := e.RegWrite(ELR_EL1, elr); err != nil {
			return err
		}
		return e.WriteSysReg(SysSPSR_EL1, spsr)
	}
	steps := []func() error{
		func() error { return e.InvalidateTB(scratch, scratch+4) },
		func() error { return e.WriteSysReg(SysSPSR_EL1, pstate) },
		func() error { return e.RegWrite(ELR_EL1, pc) },
		// until = pc stops right after the ERET. No instruction count: a
		// counted Start makes the next uncounted one flush every TB (slow).
		func() error { return e.Start(scratch, pc, time.Second, 0) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			_ = restore()
			return err
		}
	}
	if err := restore(); err != nil {
		return err
	}
	// The block Unicorn generated at pc to stop there (the "until" exit)
	// was translated for the new EL and is not dropped by Unicorn's own
	// exit clean-up; without this the next Start at pc returns at once.
	if err := e.InvalidateTB(pc, pc+4); err != nil {
		return err
	}
	got, err := e.RegRead(PSTATE)
	if err != nil {
		return err
	}
	if npc, _ := e.RegRead(PC); got != pstate || npc != pc {
		return argErr(op, fmt.Sprintf("ERET did not reach PSTATE %#x at PC %#x (PSTATE %#x, PC %#x; illegal return?)", pstate, pc, got, npc))
	}
	return nil
}
