package emu

import (
	"context"
	"fmt"
)

// CallOptions configure Call. nil means CPU 0 at its current exception
// level and stack, with DefaultCallBudget.
type CallOptions struct {
	CPU int
	// EL0 runs the function at EL0 (a user function): the CPU is put in
	// EL0t for the call and back in its previous mode afterwards. The
	// function's pages must then be user pages.
	EL0 bool
	// SP, when not zero, is the stack pointer the function starts with.
	SP uint64
	// Budget bounds the instructions executed; 0 means DefaultCallBudget.
	Budget uint64
}

// DefaultCallBudget stops a called function that runs away.
const DefaultCallBudget = 1 << 32

// Call calls the guest function at fn under the AAPCS64 procedure call
// standard: the first eight arguments in X0..X7, the rest on the stack
// (each in an 8-byte slot, SP kept 16-byte aligned), the link register set
// to ReturnAddress; it runs until the function returns there and returns
// X0. The other registers are left as the function left them. Exceptions
// the function takes are delivered as in Run.
func (m *Machine) Call(ctx context.Context, fn uint64, args []uint64, opts *CallOptions) (uint64, error) {
	var o CallOptions
	if opts != nil {
		o = *opts
	}
	if o.CPU < 0 || o.CPU >= len(m.cpus) {
		return 0, fmt.Errorf("emu: no CPU %d (machine has %d)", o.CPU, len(m.cpus))
	}
	if o.Budget == 0 {
		o.Budget = DefaultCallBudget
	}
	c := m.cpus[o.CPU]
	savedMode := c.PSTATE() & PSR_MODE
	if o.EL0 {
		c.switchSP(0, 0)
		c.updateStep()
	}
	defer func() {
		if o.EL0 {
			c.switchSP(uint8(savedMode>>2), uint8(savedMode&1))
			c.updateStep()
		}
	}()
	if o.SP != 0 {
		c.x[32] = o.SP
	}
	for i, a := range args {
		if i == 8 {
			break
		}
		c.x[i] = a
	}
	if len(args) > 8 {
		stack := args[8:]
		size := (uint64(len(stack))*8 + 15) &^ 15
		sp := c.x[32] - size
		for i, a := range stack {
			if !c.Store(sp+uint64(i)*8, 8, a) {
				return 0, fmt.Errorf("emu: call %s: cannot push argument %d at %#x", m.Symbolize(fn), 8+i, sp+uint64(i)*8)
			}
		}
		c.x[32] = sp
	}
	c.x[30] = ReturnAddress
	c.pc = fn
	c.calls++
	defer func() { c.calls-- }()
	m.setStops(nil)
	r, err := c.run(ctx, o.Budget, false)
	if err != nil {
		return 0, err
	}
	if r.Reason != StopReturned {
		return 0, fmt.Errorf("emu: call %s stopped (%v) at %s before returning", m.Symbolize(fn), r.Reason, m.Symbolize(r.PC))
	}
	return c.x[0], nil
}
