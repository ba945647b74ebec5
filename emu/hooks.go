package emu

import (
	"github.com/kpemu/kpemu/arm64"
)

// Hooks let Go code watch the machine. They run on the goroutine that
// called Run, inside it, and may read and change CPU state and memory.
//
// Ordering guarantees:
//   - Code hooks run before the instruction at their address executes, in
//     the order they were added. A code hook that calls CPU.RequestStop
//     stops the run before the instruction executes. A hook that changes
//     PC makes the machine fetch from the new PC instead.
//   - Memory hooks run after a guest access succeeded (a read with the
//     value read, a write after memory holds the value written), in the
//     order they were added. A faulting access calls no memory hook.
//   - Exception hooks run after the exception was taken (ESR_EL1,
//     ELR_EL1, SPSR_EL1, FAR_EL1 and PSTATE written, PC at the vector)
//     and before it is delivered to a Go handler or the guest's vectors.
//   - Adding or removing a hook takes effect from the next instruction.

// CodeHook is called before the instruction in at pc executes.
type CodeHook func(c *CPU, pc uint64, in *arm64.Inst)

// MemHook is called after a guest data access.
type MemHook func(c *CPU, a MemAccess)

// ExceptionHook is called when an exception has been taken; e is valid only
// during the call.
type ExceptionHook func(c *CPU, e *Exception)

// MemAccess describes one guest data access.
type MemAccess struct {
	Write bool
	Addr  uint64
	Size  int    // bytes: 1, 2, 4, 8 or 16
	Value uint64 // the value read or written (the low 64 bits for 16 bytes)
	High  uint64 // the high 64 bits of a 16-byte access
	PC    uint64 // the instruction that made it
}

// Hook is the handle of an added hook, for RemoveHook.
type Hook struct{ id int }

type codeHook struct {
	id         int
	begin, end uint64 // [begin, end]
	fn         CodeHook
}

type memHook struct {
	id         int
	write      bool
	begin, end uint64
	fn         MemHook
}

type excHook struct {
	id int
	fn ExceptionHook
}

type hookSet struct {
	code []*codeHook
	mem  []*memHook
	exc  []*excHook
}

// AddCodeHook calls fn before each instruction whose address is in
// [begin, end] (inclusive, so 0 and ^0 hook everything).
func (m *Machine) AddCodeHook(begin, end uint64, fn CodeHook) Hook {
	m.nextID++
	m.hooks.code = append(m.hooks.code, &codeHook{m.nextID, begin, end, fn})
	m.mem.reflagAllCode()
	return Hook{m.nextID}
}

// AddMemHook calls fn after each guest read (write false) or write (write
// true) that touches [begin, end].
func (m *Machine) AddMemHook(write bool, begin, end uint64, fn MemHook) Hook {
	m.nextID++
	m.hooks.mem = append(m.hooks.mem, &memHook{m.nextID, write, begin, end, fn})
	return Hook{m.nextID}
}

// AddExceptionHook calls fn for every exception taken.
func (m *Machine) AddExceptionHook(fn ExceptionHook) Hook {
	m.nextID++
	m.hooks.exc = append(m.hooks.exc, &excHook{m.nextID, fn})
	return Hook{m.nextID}
}

// RemoveHook removes a hook added by any of the Add*Hook methods; removing
// a hook twice is harmless.
func (m *Machine) RemoveHook(h Hook) {
	for i, x := range m.hooks.code {
		if x.id == h.id {
			m.hooks.code = append(m.hooks.code[:i:i], m.hooks.code[i+1:]...)
			m.mem.reflagAllCode()
			return
		}
	}
	for i, x := range m.hooks.mem {
		if x.id == h.id {
			m.hooks.mem = append(m.hooks.mem[:i:i], m.hooks.mem[i+1:]...)
			return
		}
	}
	for i, x := range m.hooks.exc {
		if x.id == h.id {
			m.hooks.exc = append(m.hooks.exc[:i:i], m.hooks.exc[i+1:]...)
			return
		}
	}
}

// flagsFor computes the decoded-instruction cache flags of address pc.
func (m *Machine) flagsFor(pc uint64) uint8 {
	var f uint8
	for _, h := range m.hooks.code {
		if pc >= h.begin && pc <= h.end {
			f |= flagHook
			break
		}
	}
	if m.stops[pc] {
		f |= flagStop
	}
	return f
}

// runCodeHooks calls the code hooks covering pc.
func (c *CPU) runCodeHooks(pc uint64, in *arm64.Inst) {
	for _, h := range c.m.hooks.code {
		if pc >= h.begin && pc <= h.end {
			h.fn(c, pc, in)
		}
	}
}

// runMemHooks calls the memory hooks an access touches.
func (c *CPU) runMemHooks(a MemAccess) {
	a.PC = c.pc
	last := a.Addr + uint64(a.Size) - 1
	for _, h := range c.m.hooks.mem {
		if h.write == a.Write && a.Addr <= h.end && last >= h.begin {
			h.fn(c, a)
		}
	}
}

// setStops makes addrs the stop addresses, invalidating the decoded code
// of the pages whose stop flags change.
func (m *Machine) setStops(addrs []uint64) {
	same := len(addrs) == len(m.stops)
	if same {
		for _, a := range addrs {
			if !m.stops[a] {
				same = false
				break
			}
		}
	}
	if same {
		return
	}
	touch := func(a uint64) {
		if p, ok := m.mem.pages[a>>pageShift]; ok && p.code != nil {
			p.code.gen++
		}
	}
	for a := range m.stops {
		touch(a)
	}
	clear(m.stops)
	for _, a := range addrs {
		m.stops[a] = true
		touch(a)
	}
}

// exceptionHandler is a Go handler for a class of exceptions.
type exceptionHandler struct {
	id int
	fn ExceptionHandler
}

// ExceptionHandler handles an exception taken to EL1, in place of the
// guest's vector code, as a kernel's handler would: it runs with the CPU in
// the state exception entry left (EL1, DAIF masked; ESR_EL1, ELR_EL1,
// SPSR_EL1 and FAR_EL1 written; the general-purpose registers as the
// interrupted code left them), may change registers, ELR_EL1 and SPSR_EL1,
// and returns:
//   - handled true: the machine performs ERET (PSTATE from SPSR_EL1, PC from
//     ELR_EL1) and the run goes on;
//   - handled false: the next handler for the class is asked, then the
//     guest's vector table (when VBAR_EL1 is not zero); if nobody handles
//     it, Run stops with an *ExceptionError;
//   - an error: Run stops with it.
//
// e is valid only during the call (the machine reuses it); copy it to keep it.
type ExceptionHandler func(c *CPU, e *Exception) (handled bool, err error)

// HandleException registers fn for exceptions of class ec. Handlers of a
// class are asked newest first, as Linux's break hook lists are walked.
func (m *Machine) HandleException(ec EC, fn ExceptionHandler) Hook {
	m.nextID++
	h := &exceptionHandler{m.nextID, fn}
	m.handlers[ec] = append([]*exceptionHandler{h}, m.handlers[ec]...)
	return Hook{m.nextID}
}

// RemoveHandler removes a handler registered with HandleException.
func (m *Machine) RemoveHandler(h Hook) {
	for ec, list := range m.handlers {
		for i, x := range list {
			if x.id == h.id {
				m.handlers[ec] = append(list[:i:i], list[i+1:]...)
				return
			}
		}
	}
}
