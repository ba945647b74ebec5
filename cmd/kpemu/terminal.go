package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressDelay is how long a step runs before its status line shows,
// and how often the line is rewritten.
var progressDelay = 500 * time.Millisecond

func isTerminalFd(fd uintptr) bool { return term.IsTerminal(int(fd)) }

// progress writes a one-line status to a terminal while something slow
// runs (loading a large vmlinux, a long guest run): the message and the
// time elapsed, rewritten in place twice a second, erased when done. It
// reads nothing of the machine (which is not safe for concurrent use),
// only the clock. Off a terminal it writes nothing.
type progress struct {
	w    io.Writer
	stop chan struct{}
	done sync.WaitGroup
}

// startProgress shows msg on w after a short delay (a fast step shows
// nothing), when on is true.
func startProgress(w io.Writer, on bool, msg string) *progress {
	p := &progress{w: w, stop: make(chan struct{})}
	if !on {
		return p
	}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		start := time.Now()
		delay := time.NewTimer(progressDelay)
		defer delay.Stop()
		select {
		case <-p.stop:
			return
		case <-delay.C:
		}
		tick := time.NewTicker(progressDelay)
		defer tick.Stop()
		for {
			fmt.Fprintf(p.w, "\r\033[Kkpemu: %s (%.1fs)", msg, time.Since(start).Seconds())
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// Stop erases the status line; safe to call once.
func (p *progress) Stop() {
	close(p.stop)
	p.done.Wait()
}
