package emu

import (
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/arm64"
)

// Where locates an instruction for an error message: the CPU, the PC, the
// PC as sym+0xoff/0xsize when a symbolizer knows it, the word and its
// disassembly.
type Where struct {
	CPU    int
	PC     uint64
	Symbol string // sym+0xoff/0xsize, or "" when unknown
	Word   uint32
	Fetch  bool   // the word was read (false when PC is not readable)
	Disasm string // GNU syntax, or "" when the word is not an instruction
}

func (w Where) String() string {
	s := fmt.Sprintf("cpu%d pc %#x", w.CPU, w.PC)
	if w.Symbol != "" {
		s += " (" + w.Symbol + ")"
	}
	if w.Fetch {
		if w.Disasm != "" {
			s += fmt.Sprintf(": %08x  %s", w.Word, w.Disasm)
		} else {
			s += fmt.Sprintf(": %08x  (undefined)", w.Word)
		}
	}
	return s
}

// where describes the instruction at pc on c.
func (c *CPU) where(pc uint64) Where {
	w := Where{CPU: c.id, PC: pc}
	if s := c.m.Symbolize(pc); s != fmt.Sprintf("%#x", pc) {
		w.Symbol = s
	}
	if word, err := c.m.mem.ReadU32(pc); err == nil && pc&3 == 0 {
		w.Word, w.Fetch = word, true
		if in, err := arm64.Decode(word); err == nil {
			w.Disasm = arm64.GNUSyntax(in)
		}
	}
	return w
}

// ExceptionError stops a run when an exception is taken that no Go handler
// handles and the guest has no vector table (VBAR_EL1 is zero). The CPU is
// left as if the exception had been handled by doing nothing: PC at ELR_EL1
// and PSTATE restored from SPSR_EL1, with ESR_EL1, ELR_EL1, SPSR_EL1 and
// FAR_EL1 holding the exception's values.
type ExceptionError struct {
	Exception
	Where Where // the instruction that caused it (for SVC, the svc itself)
}

func (e *ExceptionError) Error() string {
	s := fmt.Sprintf("unhandled exception: %v, ESR 0x%08x, at %v", e.EC, e.ESR(), e.Where)
	if e.FARValid {
		s += fmt.Sprintf(", FAR %#x", e.FAR)
	}
	return s
}

// ErrBudget is matched (errors.Is) by a *BudgetError.
var ErrBudget = errors.New("instruction budget exhausted")

// BudgetError stops a run that executed its whole instruction budget: a
// runaway loop, or simply more work than allowed.
type BudgetError struct {
	Budget uint64
	Where  Where // the next instruction, not executed
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("instruction budget of %d exhausted; stopped before %v", e.Budget, e.Where)
}

func (e *BudgetError) Is(target error) bool { return target == ErrBudget }

// CanceledError stops a run whose context was canceled or timed out; it
// wraps the context's error.
type CanceledError struct {
	Err      error
	Executed uint64
	Where    Where
}

func (e *CanceledError) Error() string {
	return fmt.Sprintf("run %v after %d instructions; stopped before %v", e.Err, e.Executed, e.Where)
}

func (e *CanceledError) Unwrap() error { return e.Err }

// PanicError is returned when Go code running inside Run (a hook, an
// exception handler) panics: the panic is contained and the run stops.
type PanicError struct {
	Value any
	Stack string
	Where Where
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in Go code called by the machine at %v: %v", e.Where, e.Value)
}
