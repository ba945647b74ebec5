// Command kpemu is the kernel-probe emulator's command line: it runs arm64
// kernel code in the emulated machine with kprobes on it (run), shows
// where Linux would accept a kprobe and how it would run it (disasm,
// check), steps through a probe hit (step), assembles (asm), prints
// symbol tables (symbols), and demonstrates the machine (demo).
//
// Install it with `go install ./cmd/kpemu`. Every command has --help with
// examples; `kpemu help exit-codes` lists the exit codes scripts can rely
// on. The commands are built with cobra in root.go; what they share
// (loading files into a machine with a kprobe subsystem, resolving
// symbols and call expressions, the instruction budget, SIGINT) is in
// workspace.go.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	// SIGINT cancels the context: a run in progress stops between
	// instructions with an error that says where, exit code 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills kpemu at once
	}()
	code := execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
