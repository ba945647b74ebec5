package stepper

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chzyer/readline"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
	"github.com/kpemu/kpemu/kprobe"
)

// Config configures a session.
type Config struct {
	Machine *emu.Machine
	// Kprobes is the kprobe subsystem of Machine; nil means a new one
	// (kprobe.New with Symbols and the default kernel profile).
	Kprobes *kprobe.Subsystem
	// Symbols names addresses; nil means the subsystem's table, else the
	// machine's symbolizer when it is a *symbols.Table.
	Symbols *symbols.Table

	// Entry is the function the session starts in, called with Args under
	// AAPCS64 as emu.Machine.Call sets a call up: X0..X7, the rest on the
	// stack, X30 = emu.ReturnAddress, PC = Entry, on CPU 0.
	Entry uint64
	Args  []uint64

	// In gives the commands and Out gets everything the session prints.
	// Interactive means a terminal: line editing and history
	// (github.com/chzyer/readline) on In and Out. Otherwise lines are read
	// from In (a script, a test) and each is echoed after the prompt, so
	// that Out reads as a transcript.
	In          io.Reader
	Out         io.Writer
	Interactive bool

	// MaxInsns bounds the instructions one command may run (si N, ni, c,
	// finish, phase); 0 means DefaultMaxInsns.
	MaxInsns uint64
}

// DefaultMaxInsns is the per-command instruction budget when
// Config.MaxInsns is 0.
const DefaultMaxInsns = 10_000_000

// Prompt is printed before each command.
const Prompt = "(kpemu) "

// stepCPU is the CPU the session drives.
const stepCPU = 0

// Stepper is one debugging session on a machine. It is not safe for
// concurrent use.
type Stepper struct {
	m       *emu.Machine
	cpu     *emu.CPU
	kp      *kprobe.Subsystem
	syms    *symbols.Table
	out     io.Writer
	in      io.Reader
	interac bool
	budget  uint64

	entry   uint64
	args    []uint64
	started bool // the entry call was set up
	// returned is set when the function under the session returned to
	// emu.ReturnAddress: nothing is left to run.
	returned bool
	// dead says why the kernel died (a kprobe Oops, a handler panic):
	// nothing runs after it.
	dead string

	bps    []breakpoint
	nextBP int

	probes     []*kprobe.Kprobe
	kretprobes []*kretprobeEntry
	brkHooks   map[uint16]*kprobe.BreakHook
	patches    map[uint64]uint32 // patched address -> original word

	// pending is what happened inside the last instructions (phase
	// events, handler output, break-hook reports), in order, not yet
	// printed. phase prints it one event at a time; the other commands
	// print it all after each instruction.
	pending []pendingItem

	// The last x command's format and unit, as gdb remembers them.
	lastFmt  byte
	lastUnit byte
	// nextX is where an x with no address goes on.
	nextX     uint64
	haveNextX bool

	quit bool

	// interrupts gives the channel that interrupts a running command
	// and the function that releases it (signalInterrupts; tests
	// replace it).
	interrupts func() (<-chan os.Signal, func())
}

// pendingItem is one line of asynchronous output.
type pendingItem struct {
	text  string
	phase bool // a phase event (phase stops after one)
}

// New checks cfg and prepares a session; nothing runs until Run.
func New(cfg Config) (*Stepper, error) {
	if cfg.Machine == nil {
		return nil, errors.New("stepper: no machine")
	}
	if cfg.Out == nil {
		return nil, errors.New("stepper: no output writer")
	}
	if cfg.In == nil && !cfg.Interactive {
		return nil, errors.New("stepper: no input: give In, or Interactive for a terminal")
	}
	m := cfg.Machine
	syms := cfg.Symbols
	if syms == nil && cfg.Kprobes != nil {
		syms = cfg.Kprobes.Symbols()
	}
	if syms == nil {
		syms, _ = m.Symbolizer().(*symbols.Table)
	}
	if syms == nil {
		syms = &symbols.Table{}
	}
	kp := cfg.Kprobes
	if kp == nil {
		var err error
		kp, err = kprobe.New(m, &kprobe.Options{Symbols: syms})
		if err != nil {
			return nil, fmt.Errorf("stepper: %w", err)
		}
	} else if kp.Machine() != m {
		return nil, errors.New("stepper: the kprobe subsystem belongs to another machine")
	}
	if perm, ok := m.Memory().Mapped(cfg.Entry); !ok || perm&emu.PermExec == 0 || cfg.Entry&3 != 0 {
		return nil, fmt.Errorf("stepper: entry %s is not an aligned address in executable memory", symAddr(syms, cfg.Entry))
	}
	budget := cfg.MaxInsns
	if budget == 0 {
		budget = DefaultMaxInsns
	}
	s := &Stepper{
		m:        m,
		cpu:      m.CPU(stepCPU),
		kp:       kp,
		syms:     syms,
		out:      cfg.Out,
		in:       cfg.In,
		interac:  cfg.Interactive,
		budget:   budget,
		entry:    cfg.Entry,
		args:     append([]uint64(nil), cfg.Args...),
		nextBP:   1,
		brkHooks: map[uint16]*kprobe.BreakHook{},
		patches:  map[uint64]uint32{},
		lastFmt:  'x',
		lastUnit: 'w',
	}
	s.interrupts = s.signalInterrupts
	return s, nil
}

// lineReader gives the session its command lines.
type lineReader interface {
	readLine() (string, error) // io.EOF at the end
	close()
}

// Run sets up the call to Entry, then reads and executes commands until
// quit, the end of the input, or ctx is done (a canceled context also
// stops a running command). Command errors, guest faults and the function
// returning are printed and the session goes on; Run returns an error
// only for a failure to set the call up, to read input, or ctx's error.
func (s *Stepper) Run(ctx context.Context) error {
	if !s.started {
		if err := s.setupCall(); err != nil {
			return err
		}
		s.started = true
		s.printf("%s on cpu%d; at most %d instructions per command; \"help\" lists the commands.\n",
			s.callString(), stepCPU, s.budget)
		s.printLocation()
	}
	s.installPhaseListener()
	defer s.kp.SetPhaseListener(nil)
	lr, err := s.newLineReader()
	if err != nil {
		return err
	}
	defer lr.close()
	for !s.quit {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := lr.readLine()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("stepper: reading commands: %w", err)
		}
		s.execute(ctx, line)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// setupCall puts the CPU where emu.Machine.Call would start the function:
// the AAPCS64 arguments, X30 = emu.ReturnAddress, PC = Entry.
func (s *Stepper) setupCall() error {
	c := s.cpu
	for i, a := range s.args {
		if i == 8 {
			break
		}
		c.SetX(i, a)
	}
	if len(s.args) > 8 {
		stack := s.args[8:]
		size := (uint64(len(stack))*8 + 15) &^ 15
		sp := c.SP() - size
		for i, a := range stack {
			if !c.Store(sp+uint64(i)*8, 8, a) {
				return fmt.Errorf("stepper: cannot push argument %d at %#x", 8+i, sp+uint64(i)*8)
			}
		}
		c.SetSP(sp)
	}
	c.SetX(30, emu.ReturnAddress)
	c.SetPC(s.entry)
	return nil
}

// callString is "name(arg, ...)" for the session's call.
func (s *Stepper) callString() string {
	name := symAddr(s.syms, s.entry)
	if loc, ok := s.syms.LookupAddr(s.entry); ok && loc.Offset == 0 {
		name = loc.Symbol.Name
	}
	args := make([]string, len(s.args))
	for i, a := range s.args {
		args[i] = fmt.Sprintf("%#x", a)
	}
	return name + "(" + strings.Join(args, ", ") + ")"
}

func (s *Stepper) newLineReader() (lineReader, error) {
	if s.interac {
		cfg := &readline.Config{
			Prompt:          Prompt,
			HistoryLimit:    1000,
			AutoComplete:    completer(),
			InterruptPrompt: "^C",
			EOFPrompt:       "quit",
		}
		if f, ok := s.in.(*os.File); s.in != nil && (!ok || f != os.Stdin) {
			cfg.Stdin = io.NopCloser(s.in)
		}
		cfg.Stdout = s.out
		rl, err := readline.NewEx(cfg)
		if err != nil {
			return nil, fmt.Errorf("stepper: terminal: %w", err)
		}
		return &termReader{rl: rl}, nil
	}
	return &scriptReader{sc: bufio.NewScanner(s.in), out: s.out}, nil
}

// termReader reads a terminal with line editing and history; an empty
// line repeats the last command, as in gdb.
type termReader struct {
	rl   *readline.Instance
	last string
}

func (r *termReader) readLine() (string, error) {
	for {
		line, err := r.rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			continue // ^C at the prompt clears the line
		}
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(line) == "" {
			if r.last == "" {
				continue
			}
			return r.last, nil
		}
		r.last = line
		return line, nil
	}
}

func (r *termReader) close() { r.rl.Close() }

// scriptReader reads lines and echoes each after the prompt.
type scriptReader struct {
	sc  *bufio.Scanner
	out io.Writer
}

func (r *scriptReader) readLine() (string, error) {
	fmt.Fprint(r.out, Prompt)
	if !r.sc.Scan() {
		fmt.Fprintln(r.out)
		if err := r.sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	line := strings.TrimRight(r.sc.Text(), "\r")
	fmt.Fprintln(r.out, line)
	return line, nil
}

func (r *scriptReader) close() {}

func (s *Stepper) printf(format string, args ...any) { fmt.Fprintf(s.out, format, args...) }
