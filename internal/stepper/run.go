package stepper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/kprobe"
)

// The session drives the CPU one instruction at a time with
// emu.Machine.Step, so that it can stop between any two instructions: at
// a breakpoint, when the frame being finished returns, when a phase event
// arrives, at the end of the call. An exception taken to a Go handler (a
// kprobe's BRK, with its ERET) is part of the instruction that raised it,
// so stepping onto an armed BRK #4 runs the kprobe handler and lands in
// the XOL slot (or after the simulated instruction).
//
// The function returning is seen before it happens: emu.Machine.Call ends
// when the CPU fetches from emu.ReturnAddress, which Step would take as
// an instruction abort (the sentinel is not canonical), so the session
// never steps at that PC.

// stopMode says when a run ends, besides breakpoints, the end of the
// call, errors and the budget.
type stopMode int

const (
	stopCount stopMode = iota // after n instructions (si N)
	stopLevel                 // when the call depth drops to want (ni, finish)
	stopPhase                 // when a phase event is pending (phase)
	stopNever                 // c
)

type runSpec struct {
	mode  stopMode
	n     uint64 // stopCount: instructions
	level int    // stopLevel: stop when depth <= level after an instruction
}

// runOutcome is how a run ended.
type runOutcome int

const (
	outDone        runOutcome = iota // the stop condition held
	outBreak                         // a breakpoint
	outReturned                      // the function under the session returned
	outError                         // the guest faulted or a handler failed
	outBudget                        // MaxInsns instructions ran
	outCanceled                      // the context ended
	outDead                          // the kernel died earlier: nothing runs
	outInterrupted                   // ^C at the terminal
)

// run executes instructions until spec's condition, a breakpoint, the
// end of the call, an error or the budget. It prints what the
// instructions produced as they run (all of it, or in stopPhase mode up
// to the first phase event) and how the run ended, but not the location:
// the caller does.
func (s *Stepper) run(ctx context.Context, spec runSpec) runOutcome {
	if s.returned {
		s.printf("The function has returned: nothing to run.\n")
		return outReturned
	}
	if s.dead != "" {
		s.printf("The kernel died (%s): nothing more can run.\n", s.dead)
		return outDead
	}
	c := s.cpu
	depth := 0
	intr, stop := s.interrupts()
	defer stop()
	for i := uint64(0); ; i++ {
		pc := c.PC()
		if pc == emu.ReturnAddress {
			return s.callReturned()
		}
		if i > 0 {
			if n := s.breakpointAt(pc); n != nil {
				s.flushPending(false)
				n.hits++
				s.printf("\nBreakpoint %d, %s\n", n.num, symAddr(s.syms, pc))
				return outBreak
			}
		}
		if i >= s.budget {
			s.flushPending(false)
			s.printf("Stopped: the budget of %d instructions per command ran out.\n", s.budget)
			return outBudget
		}
		if i&0xfff == 0xfff {
			if ctx.Err() != nil {
				s.flushPending(false)
				s.printf("Stopped: %v\n", ctx.Err())
				return outCanceled
			}
			select {
			case <-intr:
				s.flushPending(false)
				s.printf("\nInterrupted after %d instructions.\n", i)
				return outInterrupted
			default:
			}
		}
		kind := branchNone
		if spec.mode == stopLevel {
			kind = s.branchKind(pc)
		}
		_, err := s.m.Step(ctx, stepCPU, 1)
		if err != nil {
			s.flushPending(false)
			s.printError(err)
			var ce *emu.CanceledError
			if errors.As(err, &ce) {
				return outCanceled
			}
			return outError
		}
		switch kind {
		case branchCall:
			depth++
		case branchReturn:
			depth--
		}
		switch spec.mode {
		case stopPhase:
			if s.hasPendingPhase() {
				s.flushPending(true)
				if c.PC() == emu.ReturnAddress && !s.hasPendingPhase() {
					return s.callReturned()
				}
				return outDone
			}
			s.flushPending(false)
		default:
			s.flushPending(false)
		}
		switch spec.mode {
		case stopCount:
			if i+1 >= spec.n {
				if c.PC() == emu.ReturnAddress {
					return s.callReturned()
				}
				return outDone
			}
		case stopLevel:
			// A return into the kretprobe trampoline is not the end of
			// the frame yet: its BRK #7 takes the real return.
			if depth <= spec.level && !s.atTrampoline(c.PC()) {
				if c.PC() == emu.ReturnAddress {
					return s.callReturned()
				}
				return outDone
			}
		}
	}
}

// callReturned ends the call: the function returned to the sentinel.
func (s *Stepper) callReturned() runOutcome {
	s.flushPending(false)
	s.returned = true
	x0 := s.cpu.X(0)
	s.printf("[%s returned %#x (%d)]\n", s.callString(), x0, int64(x0))
	return outReturned
}

func (s *Stepper) atTrampoline(pc uint64) bool {
	return pc != 0 && pc == s.kp.KretprobeTrampolineAddr()
}

// printError prints a stopped run's error: what the guest did, where.
func (s *Stepper) printError(err error) {
	var ee *emu.ExceptionError
	var oops *kprobe.Oops
	var hp *kprobe.HandlerPanic
	switch {
	case errors.As(err, &ee):
		s.printf("\nException: %v, ESR 0x%08x", ee.EC, ee.ESR())
		if ee.FARValid {
			s.printf(", FAR %s", symAddr(s.syms, ee.FAR))
		}
		s.printf(", at %s\n", symAddr(s.syms, ee.Where.PC))
	case errors.As(err, &oops):
		s.printf("\nKernel death: %s at %s, ESR 0x%08x\n", oops.Msg, symAddr(s.syms, oops.PC), oops.ESR)
		if oops.Probe != "" {
			s.printf("%s\n", oops.Probe)
		}
		s.died(oops.Msg)
	case errors.As(err, &hp):
		s.printf("\n%v\n", hp)
		s.died("a handler panicked")
	default:
		s.printf("\nStopped: %v\n", err)
	}
}

// branchKind is what the instruction at pc does to the call depth. An
// armed kprobe's BRK #4 counts as the instruction it replaced, which the
// kprobe handler simulates (BL, BLR, RET are INSN_GOOD_NO_SLOT).
type branchKindT int

const (
	branchNone branchKindT = iota
	branchCall
	branchReturn
)

func (s *Stepper) branchKind(pc uint64) branchKindT {
	w, err := s.m.Memory().ReadU32(pc)
	if err != nil {
		return branchNone
	}
	if imm, ok := brkImm(w); ok && imm == kprobe.KPROBES_BRK_IMM {
		if p := s.kp.GetKprobe(pc); p != nil {
			w = p.Opcode()
		}
	}
	in, err := arm64.Decode(w)
	if err != nil {
		return branchNone
	}
	switch in.Op {
	case arm64.BL, arm64.BLR, arm64.BLRAA, arm64.BLRAAZ, arm64.BLRAB, arm64.BLRABZ:
		return branchCall
	case arm64.RET, arm64.RETAA, arm64.RETAB:
		return branchReturn
	}
	return branchNone
}

// flushPending prints the pending asynchronous output. With onePhase it
// prints up to and including the first phase event and keeps the rest.
func (s *Stepper) flushPending(onePhase bool) {
	n := len(s.pending)
	if onePhase {
		for i, it := range s.pending {
			if it.phase {
				n = i + 1
				break
			}
		}
	}
	for _, it := range s.pending[:n] {
		s.printf("%s\n", it.text)
	}
	s.pending = append(s.pending[:0], s.pending[n:]...)
}

func (s *Stepper) hasPendingPhase() bool {
	for _, it := range s.pending {
		if it.phase {
			return true
		}
	}
	return false
}

// note queues a line of output made inside an instruction (a handler's
// printk, a break hook's report).
func (s *Stepper) note(format string, args ...any) {
	s.pending = append(s.pending, pendingItem{text: fmt.Sprintf(format, args...)})
}

// installPhaseListener makes the kprobe phase stream part of the
// session's output.
func (s *Stepper) installPhaseListener() {
	s.kp.SetPhaseListener(func(e kprobe.PhaseEvent) {
		s.pending = append(s.pending, pendingItem{text: "[phase] " + e.String(), phase: true})
	})
}

// died records a kernel death (a kprobe BUG() or die(), a handler's
// panic): the exception that killed it was never returned from, so the
// CPU is put back where it was taken (PC = ELR_EL1, PSTATE = SPSR_EL1;
// the registers are still the interrupted ones) for inspection, and no
// command runs the guest any more.
func (s *Stepper) died(why string) {
	s.dead = why
	s.cpu.SetPSTATE(s.cpu.SPSR())
	s.cpu.SetPC(s.cpu.ELR())
}

// signalInterrupts makes ^C at a terminal stop the running command and
// come back to the prompt, as in gdb, instead of killing the program:
// SIGINT is caught while a command runs (the terminal is not in raw mode
// then). A script session gets a nil channel, which never fires.
func (s *Stepper) signalInterrupts() (<-chan os.Signal, func()) {
	if !s.interac {
		return nil, func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	return ch, func() { signal.Stop(ch) }
}
