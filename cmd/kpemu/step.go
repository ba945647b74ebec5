package main

import (
	"context"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/internal/stepper"
)

func newStepCommand(a *app) *cobra.Command {
	var lo loadOptions
	var call, script string
	var args []string
	var maxInsns uint64
	cmd := &cobra.Command{
		Use:   "step FILE... --call EXPR [--script FILE]",
		Short: "Step through a function and its probe hits, gdb style",
		Long: `step loads FILE... as run does, sets up the call (AAPCS64 arguments, x30 the
return sentinel, pc at the function) and gives a gdb-like prompt: si, ni,
c, finish, b, regs, x, disas, bt, probe SYM[+OFF], kretprobe SYM, phase
(one phase of a probe hit at a time), patch ADDR brk #IMM, help. The
kprobe subsystem of --kernel-version runs underneath: stepping onto an
armed BRK #4 takes the exception into kprobe's handler, the next step
runs the XOL slot, and its end (BRK #6 since v5.10, the hardware single
step for v5.4) resumes after the probe.

On a terminal the prompt has line editing and history. Otherwise the
commands are read from standard input (or --script), and each is echoed
after the prompt, so the output reads as a transcript. --max-insns bounds
what one command may run.`,
		Example: `  kpemu step testdata/kernel/calls.s --call 'chain_a(5)'
  printf 'probe chain_c\nphase\nphase\nc\nregs\n' | kpemu step testdata/kernel/calls.s --call 'chain_a(5)'`,
		Args: minArgs(1, "FILE..."),
		RunE: func(cmd *cobra.Command, files []string) error {
			if a.json {
				return usageErrorf("step has no JSON form: it is a session (kpemu run --json gives a run as data)")
			}
			if call == "" {
				return usageErrorf("step needs --call: the function to step through, e.g. --call 'chain_a(5)'")
			}
			ws, err := a.load(files, lo)
			if err != nil {
				return err
			}
			c, err := ws.parseCall(call, args)
			if err != nil {
				return err
			}
			var in io.Reader = a.stdin
			interactive := isTerminal(a.stdout)
			if f, ok := a.stdin.(*os.File); !ok || !isTerminalFd(f.Fd()) {
				interactive = false
			}
			if script != "" {
				f, err := os.Open(script)
				if err != nil {
					return inputError(err)
				}
				defer f.Close()
				in, interactive = f, false
			}
			s, err := stepper.New(stepper.Config{
				Machine: ws.m, Kprobes: ws.kp, Symbols: ws.syms,
				Entry: c.fn, Args: c.args,
				In: in, Out: cmd.OutOrStdout(), Interactive: interactive,
				MaxInsns: maxInsns,
			})
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if interactive {
				// At a terminal the stepper catches ^C itself, to stop the
				// running command and come back to the prompt as gdb
				// does; the SIGINT that main turns into a cancellation
				// must not end the session.
				ctx = context.WithoutCancel(ctx)
			}
			return s.Run(ctx)
		},
	}
	addLoadFlags(cmd, &lo)
	f := cmd.Flags()
	f.StringVar(&call, "call", "", "the function to step through: 'FUNC(ARG, ...)' or FUNC with --args")
	f.StringSliceVar(&args, "args", nil, "arguments of --call FUNC, comma-separated")
	f.StringVar(&script, "script", "", "read the commands from FILE instead of standard input")
	f.Uint64Var(&maxInsns, "max-insns", defaultMaxInsns, "instruction budget of one command (si N, c, finish, ...)")
	return cmd
}
