package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/arm64/asm"
	"github.com/kpemu/kpemu/kprobe"
)

// The exit codes, documented in the root help and in `kpemu help
// exit-codes`. Scripts rely on them: change none without changing both.
const (
	exitOK          = 0   // the command did what it was asked
	exitRun         = 1   // the guest run failed: an exception nobody handled, the instruction budget, a kernel Oops
	exitUsage       = 2   // bad command line: unknown command or flag, wrong arguments, an unknown symbol or expression
	exitRefused     = 3   // the kprobe subsystem refused a probe (register_kprobe/register_kretprobe returned an errno)
	exitInput       = 4   // an input file is missing, unreadable, not valid assembly (file:line:col) or does not link
	exitInterrupted = 130 // interrupted (SIGINT), as a shell reports 128+2
)

const exitCodesHelp = `Exit codes:
  0    success (for check: the probe was accepted)
  1    the guest run failed: an exception nobody handled, the instruction
       budget (--max-insns) exhausted, a kernel Oops in the kprobe handlers
  2    usage: unknown command or flag, wrong arguments, an unknown symbol,
       a malformed address or call expression, an unknown --kernel-version
  3    a probe was refused: register_kprobe (or register_kretprobe)
       returned an errno; the message names it (-EINVAL, -ENOENT, ...) and
       says why
  4    an input file is missing or unreadable, is not valid assembly (the
       message starts with file:line:col) or does not link
  130  interrupted by SIGINT (Ctrl-C); the run stops between instructions`

// exitError carries the exit code an error maps to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

func inputError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{exitInput, err}
}

// exitCode is the one place errors become exit codes. started says
// whether the command's own code ran: an unclassified error before that
// is cobra's (unknown command, argument count), a usage error.
func exitCode(err error, started bool) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	var ke *kprobe.Error
	if errors.As(err, &ke) {
		return exitRefused
	}
	var al asm.ErrorList
	if errors.As(err, &al) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return exitInput
	}
	if !started {
		return exitUsage
	}
	return exitRun
}

// app is the state the commands share: where they read and write, and
// the global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stderrTerminal enables progress messages (loading, long runs).
	stderrTerminal bool

	kernelVersion string
	stepping      string
	version       kprobe.Version
	json          bool

	started bool // a command's RunE was entered
}

// kpemuVersion is the module version the binary was built from ("(devel)"
// for a build in the work tree).
func kpemuVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func versionNames() string {
	var names []string
	for _, v := range kprobe.Versions() {
		names = append(names, v.Name)
	}
	return strings.Join(names, ", ")
}

// newRootCommand builds the command tree for one invocation.
func newRootCommand(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "kpemu",
		Short: "arm64 kernel-probe emulator: run, disassemble and probe kernel code",
		Long: `kpemu runs arm64 kernel code (assembly it assembles itself, relocatable
objects, a vmlinux) in a pure-Go emulated machine and models the Linux
arm64 kprobe mechanism: registration checks and errno values, the BRK
over the probed instruction, the out-of-line step or the simulation, the
handlers, kretprobes. The kernel behaviour follows the profile chosen with
--kernel-version (` + versionNames() + `; default ` + kprobe.Default.Name + `).
--stepping chooses the stepping scheme instead: hw is the hardware single
step of kernels before v5.10 (the newest such profile, v5.4), brk the
BRK #6 of v5.10 and later; with both flags they must agree, as each
kernel has one scheme.

` + exitCodesHelp,
		Example: `  kpemu run testdata/kernel/calls.s --call 'chain_a(5)' --kprobe chain_b --show phases
  kpemu check testdata/kernel/atomics.s atomic_add_return_llsc+0x8   # ldxr: refused, -EINVAL
  kpemu disasm testdata/kernel/calls.s --sym chain_b
  kpemu asm gcd.s -o gcd.o
  kpemu symbols vmlinux --format system.map
  kpemu step testdata/kernel/calls.s --call 'chain_a(5)'`,
		Version:       kpemuVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// No completion command: kpemu's commands are few and take files.
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			v, err := a.chooseVersion(cmd.Flags().Changed("kernel-version"))
			if err != nil {
				return err
			}
			a.version = v
			// Commands that read the flag themselves (demo) see the
			// profile --stepping resolved to.
			if f := cmd.Flags().Lookup("kernel-version"); f != nil {
				_ = f.Value.Set(v.Name)
			}
			a.started = true
			return nil
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("kpemu version {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &exitError{exitUsage, err}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.kernelVersion, "kernel-version", kprobe.Default.Name,
		"kernel profile whose kprobe behaviour to follow: "+versionNames())
	pf.StringVar(&a.stepping, "stepping", "auto",
		"how the probed instruction is stepped: brk (BRK #6 after the slot, v5.10+), hw (hardware single step, before v5.10) or auto (the kernel version's)")
	pf.BoolVar(&a.json, "json", false, "write one JSON document instead of text")

	root.AddCommand(
		newRunCommand(a),
		newDisasmCommand(a),
		newCheckCommand(a),
		newAsmCommand(a),
		newSymbolsCommand(a),
		newStepCommand(a),
		newDemoCommand(),
		&cobra.Command{
			Use:   "exit-codes",
			Short: "The exit codes kpemu returns",
			Long:  exitCodesHelp,
		},
	)
	return root
}

// execute runs kpemu with args and returns the exit code.
func execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, stderrTerminal: isTerminal(stderr)}
	root := newRootCommand(a)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	code := exitCode(err, a.started)
	if err != nil {
		fmt.Fprintln(stderr, "kpemu:", err)
		if code == exitUsage && cmd != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return code
}

// exactArgs and minArgs are cobra's argument checks with usage errors
// that name what is expected.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %s (got %d argument%s)", cmd.CommandPath(), what, len(args), plural(len(args)))
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf("%s takes %s (got %d argument%s)", cmd.CommandPath(), what, len(args), plural(len(args)))
		}
		return nil
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// isTerminal reports whether w is a terminal (progress is only written
// to one).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminalFd(f.Fd())
}

// chooseVersion resolves --kernel-version and --stepping. A kernel has
// one stepping scheme (the BRK #6 step replaced the hardware single step
// in v5.10), so --stepping alone picks the newest profile with that
// scheme, and the two flags together must agree.
func (a *app) chooseVersion(versionGiven bool) (kprobe.Version, error) {
	v, ok := kprobe.VersionByName(a.kernelVersion)
	if !ok {
		return v, usageErrorf("unknown --kernel-version %q: want one of %s", a.kernelVersion, versionNames())
	}
	var brk bool
	switch a.stepping {
	case "auto":
		return v, nil
	case "brk":
		brk = true
	case "hw":
	default:
		return v, usageErrorf("unknown --stepping %q: want brk, hw or auto", a.stepping)
	}
	if versionGiven {
		if v.BrkSingleStep != brk {
			return v, usageErrorf("--stepping %s does not match --kernel-version %s: %s", a.stepping, v.Name, steppingText(v))
		}
		return v, nil
	}
	vs := kprobe.Versions()
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].BrkSingleStep == brk {
			return vs[i], nil
		}
	}
	return v, usageErrorf("no kernel profile steps with --stepping %s", a.stepping)
}
