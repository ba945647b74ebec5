package stepper

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/chzyer/readline"

	"github.com/kpemu/kpemu/emu"
)

// command is one debugger command.
type command struct {
	name    string
	aliases []string
	usage   string
	summary string
	detail  string
	// run executes the command with its argument text (trimmed; for x,
	// the "/NFU" suffix is part of it).
	run func(s *Stepper, ctx context.Context, args string)
}

// commands are the session's commands, in the order help lists them.
var commands []*command

func init() {
	commands = []*command{
		{name: "si", aliases: []string{"stepi"}, usage: "si [N]", run: (*Stepper).cmdSi,
			summary: "execute N instructions (default 1)",
			detail: "An armed BRK #4 is one instruction: the CPU takes the exception, the kprobe\n" +
				"handler runs, and the phases it went through are shown; the next si runs the\n" +
				"XOL slot. Stops early at a breakpoint, at the end of the call or on an error."},
		{name: "ni", aliases: []string{"nexti"}, usage: "ni", run: (*Stepper).cmdNi,
			summary: "execute one instruction, running a called function (BL, BLR) to its return"},
		{name: "continue", aliases: []string{"c"}, usage: "c", run: (*Stepper).cmdContinue,
			summary: "run to a breakpoint, the end of the call, an error or the budget"},
		{name: "finish", usage: "finish", run: (*Stepper).cmdFinish,
			summary: "run until the current function returns and show X0",
			detail: "Counts calls and returns (BL/BLR and RET, an armed kprobe counting as the\n" +
				"instruction it replaced); the function has returned when a RET leaves it."},
		{name: "break", aliases: []string{"b"}, usage: "b SYM[+OFF]|ADDR", run: (*Stepper).cmdBreak,
			summary: "set a debugger breakpoint (the emulator stops there; no BRK is written)"},
		{name: "delete", aliases: []string{"d"}, usage: "delete [N]", run: (*Stepper).cmdDelete,
			summary: "delete breakpoint N, or all breakpoints"},
		{name: "info", usage: "info registers|breakpoints", run: (*Stepper).cmdInfo,
			summary: "show registers or breakpoints"},
		{name: "regs", usage: "regs", run: func(s *Stepper, _ context.Context, _ string) { s.cmdRegs() },
			summary: "show the general registers, SP, PC and PSTATE (info registers)"},
		{name: "x", usage: "x/NFU ADDR", run: (*Stepper).cmdExamine,
			summary: "examine memory, as gdb's x",
			detail: "N is a count, F a format: x (hex), d (signed), u (unsigned), o (octal),\n" +
				"t (binary), a (address), c (char), s (string), i (instruction); U a unit:\n" +
				"b (1 byte), h (2), w (4), g (8). Format and unit default to the last used.\n" +
				"ADDR is a number, a symbol, sym+off, a register ($pc, $sp, $lr, $fp, $x0..$x30),\n" +
				"or a sum of those: x/8xg $sp, x/4xw jiffies, x/s buf, x/10i $pc."},
		{name: "disas", aliases: []string{"disassemble"}, usage: "disas [SYM]", run: (*Stepper).cmdDisas,
			summary: "disassemble a function (default: the one around PC)"},
		{name: "probe", usage: "probe SYM[+OFF]|ADDR", run: (*Stepper).cmdProbe,
			summary: "register a kprobe with samples/kprobes/kprobe_example.c's handlers",
			detail: "register_kprobe's checks apply: a refused probe prints the errno and why.\n" +
				"The handlers print what the sample prints on arm64:\n" +
				"  <sym> p->addr = 0x..., pc = 0x..., pstate = 0x...   (pre-handler)\n" +
				"  <sym> p->addr = 0x..., pstate = 0x...               (post-handler)"},
		{name: "kretprobe", usage: "kretprobe SYM", run: (*Stepper).cmdKretprobe,
			summary: "register a kretprobe with samples/kprobes/kretprobe_example.c's handlers"},
		{name: "unprobe", usage: "unprobe [SYM[+OFF]]", run: (*Stepper).cmdUnprobe,
			summary: "unregister the probe at SYM+OFF, or every probe of the session"},
		{name: "patch", usage: "patch ADDR brk #IMM", run: (*Stepper).cmdPatch,
			summary: "write a raw BRK with the kprobe subsystem's text patching",
			detail: "A break hook registered for the immediate reports the exception (ESR, ELR)\n" +
				"and skips the BRK. The kprobe immediates (#4, #6, #7) are left to kprobes'\n" +
				"own hooks, which is how a stray kprobe BRK is handled in the kernel."},
		{name: "list", usage: "list", run: func(s *Stepper, _ context.Context, _ string) { s.cmdList() },
			summary: "show /sys/kernel/debug/kprobes/list"},
		{name: "phase", usage: "phase", run: (*Stepper).cmdPhase,
			summary: "run to the next phase event of a probe hit and show it",
			detail: "One instruction can produce several events (BRK #4 hit, handler chosen,\n" +
				"pre-handler, XOL enter): each phase shows one, without running further while\n" +
				"events of the last instruction remain."},
		{name: "bt", aliases: []string{"backtrace", "where"}, usage: "bt", run: func(s *Stepper, _ context.Context, _ string) { s.cmdBt() },
			summary: "walk the frame records from X29"},
		{name: "help", aliases: []string{"h"}, usage: "help [CMD]", run: func(s *Stepper, _ context.Context, a string) { s.cmdHelp(a) },
			summary: "list the commands, or explain one"},
		{name: "quit", aliases: []string{"q", "exit"}, usage: "quit", run: func(s *Stepper, _ context.Context, _ string) { s.quit = true },
			summary: "end the session"},
	}
}

// lookupCommand finds a command by name or alias.
func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
		for _, a := range c.aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// execute runs one command line.
func (s *Stepper) execute(ctx context.Context, line string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return
	}
	name, args := splitCommand(line)
	c := lookupCommand(name)
	if c == nil {
		s.printf("Undefined command: %q. Try \"help\".\n", name)
		return
	}
	if c.name != "phase" {
		// Events left from a phase-by-phase walk have happened: show
		// them before anything else.
		s.flushPending(false)
	}
	c.run(s, ctx, args)
	if c.name != "phase" {
		// Output made outside a run (arming and disarming events) shows
		// after the command.
		s.flushPending(false)
	}
}

// splitCommand separates the command name from its arguments; "x/8xg"
// is the command x with arguments "/8xg ...".
func splitCommand(line string) (name, args string) {
	end := strings.IndexAny(line, " \t/")
	if end < 0 {
		return line, ""
	}
	return line[:end], strings.TrimSpace(line[end:])
}

// completer completes command names at a terminal.
func completer() readline.AutoCompleter {
	var items []readline.PrefixCompleterInterface
	for _, c := range commands {
		items = append(items, readline.PcItem(c.name))
	}
	return readline.NewPrefixCompleter(items...)
}

func (s *Stepper) cmdHelp(args string) {
	if args != "" {
		c := lookupCommand(args)
		if c == nil {
			s.printf("Undefined command: %q. Try \"help\".\n", args)
			return
		}
		s.printf("%s -- %s\n", c.usage, c.summary)
		if len(c.aliases) > 0 {
			s.printf("Names: %s\n", strings.Join(append([]string{c.name}, c.aliases...), ", "))
		}
		if c.detail != "" {
			s.printf("%s\n", c.detail)
		}
		return
	}
	s.printf("Commands:\n")
	for _, c := range commands {
		s.printf("  %-28s %s\n", c.usage, c.summary)
	}
	s.printf("Addresses print as sym+off. An empty line at a terminal repeats the last command.\n")
}

// parseCount parses an optional instruction count.
func parseCount(args string) (uint64, error) {
	if args == "" {
		return 1, nil
	}
	n, err := strconv.ParseUint(args, 0, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad count %q: want a positive number", args)
	}
	return n, nil
}

func (s *Stepper) cmdSi(ctx context.Context, args string) {
	n, err := parseCount(args)
	if err != nil {
		s.printf("%v\n", err)
		return
	}
	s.afterRun(s.run(ctx, runSpec{mode: stopCount, n: n}))
}

func (s *Stepper) cmdNi(ctx context.Context, args string) {
	if args != "" {
		s.printf("ni takes no argument\n")
		return
	}
	s.afterRun(s.run(ctx, runSpec{mode: stopLevel, level: 0}))
}

func (s *Stepper) cmdContinue(ctx context.Context, args string) {
	if args != "" {
		s.printf("continue takes no argument\n")
		return
	}
	if !s.returned && s.dead == "" {
		s.printf("Continuing.\n")
	}
	s.afterRun(s.run(ctx, runSpec{mode: stopNever}))
}

func (s *Stepper) cmdFinish(ctx context.Context, args string) {
	if args != "" {
		s.printf("finish takes no argument\n")
		return
	}
	if !s.returned && s.dead == "" {
		s.printf("Run till exit from %s\n", symAddr(s.syms, s.cpu.PC()))
	}
	out := s.run(ctx, runSpec{mode: stopLevel, level: -1})
	s.afterRun(out)
	if out == outDone {
		x0 := s.cpu.X(0)
		s.printf("Value returned: x0 = %#x (%d)\n", x0, int64(x0))
	}
}

func (s *Stepper) cmdPhase(ctx context.Context, args string) {
	if args != "" {
		s.printf("phase takes no argument\n")
		return
	}
	if s.hasPendingPhase() {
		// Events of the last instruction are still to show: no running.
		s.flushPending(true)
		if !s.hasPendingPhase() {
			s.printLocation()
		}
		return
	}
	out := s.run(ctx, runSpec{mode: stopPhase})
	if out == outDone && s.hasPendingPhase() {
		return // more events of this instruction: the location comes after them
	}
	s.afterRun(out)
}

// afterRun prints the location where a run stopped.
func (s *Stepper) afterRun(out runOutcome) {
	if out == outReturned || out == outDead {
		return
	}
	s.printLocation()
}

// breakpoint is a debugger breakpoint: the session stops before the
// instruction at addr; memory is not changed.
type breakpoint struct {
	num  int
	addr uint64
	hits int
}

func (s *Stepper) breakpointAt(pc uint64) *breakpoint {
	for i := range s.bps {
		if s.bps[i].addr == pc {
			return &s.bps[i]
		}
	}
	return nil
}

func (s *Stepper) cmdBreak(_ context.Context, args string) {
	if args == "" {
		s.printf("usage: b SYM[+OFF]|ADDR\n")
		return
	}
	addr, err := s.evalAddr(args)
	if err != nil {
		s.printf("%v\n", err)
		return
	}
	if addr&3 != 0 {
		s.printf("%s is not 4-byte aligned: no instruction starts there\n", symAddr(s.syms, addr))
		return
	}
	if perm, ok := s.m.Memory().Mapped(addr); !ok || perm&emu.PermExec == 0 {
		s.printf("Cannot set a breakpoint at %s: not executable memory\n", symAddr(s.syms, addr))
		return
	}
	if b := s.breakpointAt(addr); b != nil {
		s.printf("Breakpoint %d is already at %s\n", b.num, symAddr(s.syms, addr))
		return
	}
	b := breakpoint{num: s.nextBP, addr: addr}
	s.nextBP++
	s.bps = append(s.bps, b)
	s.printf("Breakpoint %d at %s\n", b.num, symAddr(s.syms, addr))
}

func (s *Stepper) cmdDelete(_ context.Context, args string) {
	if args == "" {
		n := len(s.bps)
		s.bps = nil
		s.printf("Deleted %d breakpoint(s)\n", n)
		return
	}
	n, err := strconv.Atoi(args)
	if err != nil {
		s.printf("bad breakpoint number %q\n", args)
		return
	}
	for i, b := range s.bps {
		if b.num == n {
			s.bps = append(s.bps[:i], s.bps[i+1:]...)
			s.printf("Deleted breakpoint %d at %s\n", n, symAddr(s.syms, b.addr))
			return
		}
	}
	s.printf("No breakpoint number %d.\n", n)
}

func (s *Stepper) cmdInfo(_ context.Context, args string) {
	switch args {
	case "registers", "reg", "r", "registers all":
		s.cmdRegs()
	case "breakpoints", "break", "b":
		if len(s.bps) == 0 {
			s.printf("No breakpoints.\n")
			return
		}
		bps := append([]breakpoint(nil), s.bps...)
		sort.Slice(bps, func(i, j int) bool { return bps[i].num < bps[j].num })
		s.printf("Num  Address             Where                  Hits\n")
		for _, b := range bps {
			s.printf("%-4d %#x  %-22s %d\n", b.num, b.addr, symAt(s.syms, b.addr), b.hits)
		}
	default:
		s.printf("usage: info registers|breakpoints\n")
	}
}
