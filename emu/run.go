package emu

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
)

// RunOptions says how long a run goes on. nil means CPU 0, no budget, no
// stop address.
type RunOptions struct {
	CPU int
	// Budget is the most instructions to execute; 0 means no limit (the
	// context still stops the run). An instruction that raises an
	// exception counts.
	Budget uint64
	// StopAt are addresses to stop at, before executing the instruction
	// there. The instruction at the run's starting PC is executed even if
	// it is a stop address, so that a run can continue from a stop.
	StopAt []uint64
}

// StopReason says why a run ended without an error.
type StopReason int

const (
	StopAddress   StopReason = iota + 1 // reached one of RunOptions.StopAt
	StopRequested                       // a hook or handler called RequestStop
	StopReturned                        // the function under Call returned
	StopSteps                           // Step executed its count
)

func (r StopReason) String() string {
	switch r {
	case StopAddress:
		return "stop address"
	case StopRequested:
		return "stop requested"
	case StopReturned:
		return "returned"
	case StopSteps:
		return "steps done"
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// RunResult reports how a run ended.
type RunResult struct {
	Reason   StopReason
	PC       uint64 // the next instruction to execute
	Executed uint64 // instructions executed by this run
}

// ReturnAddress is the link register value Call gives the called function:
// fetching from it ends the call. It is not a canonical address, so no
// mapping can ever hold it.
const ReturnAddress uint64 = 0xca11_0000_0000_0000

// RequestStop asks the run to stop: from a code hook, before the hooked
// instruction executes; from anywhere else, after the current instruction.
func (c *CPU) RequestStop() { c.events |= evStop }

// Run executes instructions on one CPU until a stop address, a stop
// request, an unhandled exception, the budget, or the context ends it.
func (m *Machine) Run(ctx context.Context, opts *RunOptions) (RunResult, error) {
	var o RunOptions
	if opts != nil {
		o = *opts
	}
	if o.CPU < 0 || o.CPU >= len(m.cpus) {
		return RunResult{}, fmt.Errorf("emu: no CPU %d (machine has %d)", o.CPU, len(m.cpus))
	}
	m.setStops(o.StopAt)
	return m.cpus[o.CPU].run(ctx, o.Budget, false)
}

// Step executes n instructions on CPU cpu (fewer if something stops the run
// first; an exception taken to a Go handler, with its ERET, is part of the
// instruction that raised it). Stop addresses do not apply.
func (m *Machine) Step(ctx context.Context, cpu int, n uint64) (RunResult, error) {
	if cpu < 0 || cpu >= len(m.cpus) {
		return RunResult{}, fmt.Errorf("emu: no CPU %d (machine has %d)", cpu, len(m.cpus))
	}
	m.setStops(nil)
	r, err := m.cpus[cpu].run(ctx, n, true)
	if err == nil && r.Reason == 0 {
		r.Reason = StopSteps
	}
	return r, err
}

// run is the interpreter's outer loop: it runs chunks of the inner loop and
// checks the context between chunks.
func (c *CPU) run(ctx context.Context, budget uint64, stepping bool) (res RunResult, err error) {
	start := c.retired
	limit := uint64(math.MaxUint64)
	if budget != 0 {
		limit = start + budget
	}
	defer func() {
		res.Executed = c.retired - start
		res.PC = c.pc
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: string(debug.Stack()), Where: c.where(c.pc)}
		}
	}()
	c.events &^= evStop
	c.stopErr = nil
	c.stopReason = 0
	done := ctx.Done()
	first := true
	for {
		chunk := limit
		if limit-c.retired > 1<<16 {
			chunk = c.retired + 1<<16
		}
		if c.loop(chunk, first) {
			if c.stopErr != nil {
				return res, c.stopErr
			}
			res.Reason = c.stopReason
			return res, nil
		}
		first = false
		if c.retired >= limit {
			if stepping {
				return res, nil
			}
			return res, &BudgetError{Budget: budget, Where: c.where(c.pc)}
		}
		if done != nil {
			select {
			case <-done:
				return res, &CanceledError{Err: ctx.Err(), Executed: c.retired - start, Where: c.where(c.pc)}
			default:
			}
		}
	}
}

// loop executes instructions until c.retired reaches limit (returns false)
// or the run must stop (returns true, with c.stopReason or c.stopErr set).
// The fast path is fetch (one compare for the page and alignment), a
// decoded-slot validity check, one flags test, the executor call, and one
// test of c.events.
func (c *CPU) loop(limit uint64, first bool) bool {
	if first && c.retired < limit {
		// The first instruction of a run ignores stop addresses.
		if c.slowStep(true) {
			return true
		}
	}
	for c.retired < limit {
		if c.events != 0 {
			if c.slowStep(false) {
				return true
			}
			continue
		}
		pc := c.pc
		if pc&^(pageMask&^3) != c.fetchBase {
			if !c.fetchSlow(pc) {
				if c.handleEvents() {
					return true
				}
				continue
			}
		}
		cp := c.fetchCode
		d := &cp.slots[(pc&pageMask)>>2]
		if d.gen != cp.gen {
			c.fill(d, c.fetchPage, cp, pc)
		}
		if d.flags != 0 {
			if c.flagged(d, pc, false) {
				return true
			}
			if c.pc != pc || c.events != 0 {
				continue // a hook redirected execution or raised something
			}
		}
		d.fn(c, &d.inst)
		c.x[31] = 0
		c.retired++
	}
	// The last instruction may have raised an exception: take it now, so
	// that a run never ends with an exception half taken.
	if c.events&evException != 0 {
		return c.handleEvents()
	}
	return false
}

// slowStep executes one instruction with everything the fast path leaves
// out: pending events first (an exception to take, a stop), the Illegal
// Execution state check, and the software step state machine.
func (c *CPU) slowStep(ignoreStop bool) bool {
	if c.events&(evException|evStop) != 0 {
		return c.handleEvents()
	}
	stepping := false
	if c.events&evStep != 0 {
		if c.il {
			// PSTATE.IL after an illegal exception return: the next
			// instruction takes the Illegal Execution state exception.
			c.raise(ECIllegalState, 0, c.pc)
			return c.handleEvents()
		}
		if c.stepActive() {
			if !c.ss {
				// Active-pending: the step exception comes before any
				// instruction executes.
				c.softwareStep(false)
				return c.handleEvents()
			}
			stepping = true
		}
	}
	pc := c.pc
	if pc&^(pageMask&^3) != c.fetchBase && !c.fetchSlow(pc) {
		return c.handleEvents()
	}
	cp := c.fetchCode
	d := &cp.slots[(pc&pageMask)>>2]
	if d.gen != cp.gen {
		c.fill(d, c.fetchPage, cp, pc)
	}
	if d.flags != 0 {
		if c.flagged(d, pc, ignoreStop) {
			return true
		}
		if c.pc != pc {
			return false // a hook redirected execution: fetch again
		}
	}
	d.fn(c, &d.inst)
	c.x[31] = 0
	c.retired++
	if stepping {
		// The stepped instruction completed (or raised an exception, which
		// is then taken with SPSR_EL1.SS clear): the state machine is now
		// active-pending.
		c.ss = false
		if c.events&evException == 0 {
			c.softwareStep(d.inst.Op.IsLoadExclusive())
		}
	}
	if c.events&(evException|evStop) != 0 {
		return c.handleEvents()
	}
	return false
}

// flagged handles a slot that has stop or hook flags; true stops the run
// before the instruction executes.
func (c *CPU) flagged(d *decoded, pc uint64, ignoreStop bool) bool {
	if d.flags&flagStop != 0 && !ignoreStop && c.m.stops[pc] {
		c.stopReason = StopAddress
		return true
	}
	if d.flags&flagHook != 0 {
		c.runCodeHooks(pc, &d.inst)
		if c.events&evStop != 0 {
			c.events &^= evStop
			c.stopReason = StopRequested
			return true
		}
	}
	return false
}

// fetchSlow resolves the page of pc for instruction fetch: the PC
// alignment fault, the Instruction Abort for unmapped or non-executable
// memory, and the end of a Call. It returns false when no instruction can
// be fetched (an event is then pending).
func (c *CPU) fetchSlow(pc uint64) bool {
	if pc == ReturnAddress && c.calls > 0 {
		c.stopReason = StopReturned
		c.events |= evStop
		return false
	}
	if pc&3 != 0 {
		c.raiseFault(ECPCAlign, 0, pc, pc)
		return false
	}
	ec := ECInstAbortCur
	if c.el == 0 {
		ec = ECInstAbortLow
	}
	if !Canonical(pc) {
		c.raiseFault(ec, faultTranslationL0, pc, pc)
		return false
	}
	p, ok := c.m.mem.pages[pc>>pageShift]
	if !ok {
		c.raiseFault(ec, faultTranslationL3, pc, pc)
		return false
	}
	// EL0 needs a user page; EL1 may not execute a user page (PXN).
	if p.perm&PermExec == 0 || (c.el == 0) != (p.perm&PermUser != 0) {
		c.raiseFault(ec, faultPermissionL3, pc, pc)
		return false
	}
	c.fetchBase = pc &^ pageMask
	c.fetchPage = p
	c.fetchCode = c.m.mem.codeFor(p, c.fetchBase)
	return true
}

// handleEvents takes a pending exception or honours a stop request. It
// returns true when the run must stop.
func (c *CPU) handleEvents() bool {
	if c.events&evException != 0 {
		c.events &^= evException
		// The exception handed to hooks and handlers lives in a per-CPU
		// frame, reused: no allocation per exception. A handler may run
		// guest code that takes exceptions of its own, hence a stack.
		if c.excDepth == len(c.excFrames) {
			c.excFrames = append(c.excFrames, new(Exception))
		}
		e := c.excFrames[c.excDepth]
		*e = c.pending
		c.excDepth++
		err := c.deliver(e)
		c.excDepth--
		if err != nil {
			c.stopErr = err
			return true
		}
	}
	if c.events&evStop != 0 {
		c.events &^= evStop
		if c.stopReason == 0 {
			c.stopReason = StopRequested
		}
		return true
	}
	return false
}

// deliver takes exception e and hands it to the Go handlers of its class,
// then to the guest's vector table. An error stops the run.
func (c *CPU) deliver(e *Exception) error {
	c.take(e)
	for _, h := range c.m.hooks.exc {
		h.fn(c, e)
	}
	for _, h := range c.m.handlers[e.EC] {
		handled, err := h.fn(c, e)
		if err != nil {
			return err
		}
		if handled {
			c.eret()
			return nil
		}
	}
	if c.sys.vbar != 0 {
		return nil // the guest's vector code runs from c.pc
	}
	// Nobody handles it: undo the entry so the CPU shows where it
	// happened, and stop.
	err := &ExceptionError{Exception: *e}
	c.eret()
	err.Where = c.where(faultingPC(e))
	return err
}

// faultingPC is the address of the instruction that caused e: ELR, except
// for SVC, HVC and SMC whose preferred return is the next instruction.
func faultingPC(e *Exception) uint64 {
	switch e.EC {
	case ECSVC64, ECHVC64, ECSMC64:
		return e.ELR - 4
	}
	return e.ELR
}
