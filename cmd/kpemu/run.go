package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/kprobe"
)

// What --show can select.
var showChoices = []string{"phases", "insns", "regs", "trace", "profile", "diagram"}

type runOptions struct {
	load       loadOptions
	call       string
	args       []string
	kprobes    []string
	kretprobes []string
	show       []string
	maxInsns   uint64
	diagramDir string
	preCall    string

	// kprobe_events lines (--probe LINE, --probes-file FILE).
	probeLines []string
	probesFile string
}

func newRunCommand(a *app) *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run FILE... --call EXPR [--kprobe SYM[+OFF]]... [--kretprobe SYM]... [--probe LINE]... [--show phases,insns,regs,trace,diagram]",
		Short: "Call a function with kprobes and kretprobes on it",
		Long: `run loads FILE... (.s sources and relocatable objects are linked at --base;
one ELF executable or vmlinux stays at its addresses) into a machine whose
kernel has the kprobe subsystem of --kernel-version, registers the probes,
calls the function under AAPCS64 (arguments in x0..x7, then the stack) and
prints what it returned (x0).

The probes have the handlers of the kernel's samples/kprobes modules:
  --kprobe      pre:  <sym> p->addr = 0x..., pc = 0x..., pstate = 0x...
                post: <sym> p->addr = 0x..., pstate = 0x...
  --kretprobe   sym returned N and took N ns to execute
(times come from the machine's deterministic clock: one instruction is one
nanosecond). A probe the kernel would refuse stops the command with the
errno and the reason (exit 3).

--probe takes a kprobe_events line, as written to
/sys/kernel/tracing/kprobe_events ('p:myprobe kernel_clone flags=+0(%x0):x64',
'r:kernel_clone $retval'; --probes-file FILE holds one per line); the
events are enabled and the trace file, in the ftrace format, is printed
after the call (--show trace, implied). A line the kernel would refuse
stops the command with the write's errno and the error_log entry (exit 3).

--pre-call EXPR makes the --kprobe handlers call a kernel function, pre-
and post-handler alike, as the KUnit test test_kprobe_missed does: a probe
hit inside a handler is a reentry, counted in the probe's nmissed.

--show selects more: phases (every step of each probe hit: the BRK, the
handlers, the out-of-line step or the simulation, the resume), insns
(each executed instruction, with sym+off and its disassembly), regs (the
registers after the call), trace (the ftrace trace file of the --probe
events), profile (their kprobe_profile: hits and misses), diagram (each probe hit as an SVG sequence
diagram, hit1-SYM.svg, hit2-SYM.svg... in --diagram-dir). --json writes all
of it as one JSON document.

How the probed instruction is stepped depends on the profile: v5.4 steps
the XOL slot with the hardware single step (MDSCR_EL1.SS, ended by a
Software Step exception); v6.1 and later end the step with BRK #6 after
the slot. Simulated instructions (branches, adr, literal loads, ...) run
in the BRK handler under every profile.

--max-insns bounds the run: a function that does not return within it
(a runaway loop) stops with a message that says where (exit 1). Ctrl-C
stops it too (exit 130).`,
		Example: `  kpemu run testdata/kernel/calls.s --call 'chain_a(5)' --kprobe chain_b
  kpemu run testdata/kernel/calls.s --call chain_a --args 5 --kretprobe chain_c --show phases
  kpemu run testdata/kernel/recursion.s --call 'fib(10)' --kprobe fib+0x10 --show regs
  kpemu run --kernel-version v5.4 testdata/kernel/calls.s --call 'chain_a(5)' --kprobe chain_b+0x8 --show phases,insns --json
  kpemu run examples/kernel_clone.s --call '__do_sys_clone(17)' --probe 'p:clone kernel_clone flags=+0(%x0):x64' --probe 'r:clone_ret kernel_clone ret=$retval'
  kpemu run testdata/kernel/calls.s --call 'chain_a(5)' --kprobe chain_a --pre-call 'chain_a(1)'`,
		Args: minArgs(1, "FILE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, s := range o.show {
				if !slices.Contains(showChoices, s) {
					return usageErrorf("--show %s: want a comma-separated list of %s", s, strings.Join(showChoices, ","))
				}
			}
			if o.call == "" {
				return usageErrorf("run needs --call: the function to call, e.g. --call 'chain_a(5)'")
			}
			if (len(o.probeLines) > 0 || o.probesFile != "") && !slices.Contains(o.show, "trace") {
				o.show = append(o.show, "trace") // the trace is what --probe events produce
			}
			for _, what := range []string{"trace", "profile"} {
				if slices.Contains(o.show, what) && len(o.probeLines) == 0 && o.probesFile == "" {
					return usageErrorf("--show %s needs probe events: --probe LINE or --probes-file FILE", what)
				}
			}
			if o.preCall != "" && len(o.kprobes) == 0 {
				return usageErrorf("--pre-call needs a --kprobe whose handlers make the call")
			}
			if o.diagramDir != "" && !slices.Contains(o.show, "diagram") {
				o.show = append(o.show, "diagram") // --diagram-dir asks for diagrams
			}
			if o.maxInsns == 0 {
				return usageErrorf("--max-insns must be at least 1")
			}
			return a.run(cmd.Context(), cmd.OutOrStdout(), args, &o)
		},
	}
	f := cmd.Flags()
	addLoadFlags(cmd, &o.load)
	f.StringVar(&o.call, "call", "", "the function to call: 'FUNC(ARG, ...)' or FUNC with --args; an argument is a number or a symbol (its address)")
	f.StringSliceVar(&o.args, "args", nil, "arguments of --call FUNC, comma-separated")
	f.StringArrayVar(&o.kprobes, "kprobe", nil, "put a kprobe at SYM, SYM+OFF or 0xADDR (repeatable)")
	f.StringArrayVar(&o.kretprobes, "kretprobe", nil, "put a kretprobe on function SYM (repeatable)")
	f.StringArrayVar(&o.probeLines, "probe", nil, "a kprobe_events line, e.g. 'p:myprobe SYM+OFF arg=%x0' or 'r:SYM $retval' (repeatable)")
	f.StringVar(&o.probesFile, "probes-file", "", "a file of kprobe_events lines, one per line")
	f.StringVar(&o.preCall, "pre-call", "", "the --kprobe handlers call this function: 'FUNC(ARG, ...)' (a reentry when it is probed)")
	f.StringSliceVar(&o.show, "show", nil, "also show: "+strings.Join(showChoices, ","))
	f.Uint64Var(&o.maxInsns, "max-insns", defaultMaxInsns, "instruction budget of the call")
	f.StringVar(&o.diagramDir, "diagram-dir", "", "with --show diagram: the directory for the SVG files (default the current directory)")
	return cmd
}

// runReport is everything run shows; text mode prints it as it happens,
// --json collects it into one document. Seq orders the entries of the
// different lists in the order they happened.
type runReport struct {
	Files         []string         `json:"files"`
	KernelVersion string           `json:"kernel_version"`
	Stepping      string           `json:"stepping"`
	Call          string           `json:"call"`
	Function      string           `json:"function_addr"`
	Args          []string         `json:"args"`
	Probes        []probeReport    `json:"probes"`
	Output        []outputLine     `json:"output"`
	Phases        []phaseReport    `json:"phases,omitempty"`
	Insns         []insnReport     `json:"insns,omitempty"`
	Result        *resultReport    `json:"result,omitempty"`
	Regs          *registersReport `json:"regs,omitempty"`
	Diagrams      []diagramReport  `json:"diagrams,omitempty"`
	Trace         []string         `json:"trace,omitempty"`
	Profile       []string         `json:"kprobe_profile,omitempty"`
	Error         string           `json:"error,omitempty"`
}

type probeReport struct {
	Kind string `json:"kind"` // "kprobe" or "kretprobe"
	Spec string `json:"spec"`
	verdict
	// NMissed is kprobe.nmissed, or for a kretprobe kretprobe.nmissed
	// (calls that found no free instance), after the run.
	NMissed uint64 `json:"nmissed"`

	kp *kprobe.Kprobe
	rp *kprobe.Kretprobe
}

type outputLine struct {
	Seq  int    `json:"seq"`
	Text string `json:"text"`
}

type phaseReport struct {
	Seq     int         `json:"seq"`
	Phase   string      `json:"phase"`
	CPU     int         `json:"cpu"`
	PC      string      `json:"pc,omitempty"`
	Sym     string      `json:"sym,omitempty"`
	ESR     string      `json:"esr,omitempty"`
	Insn    string      `json:"insn,omitempty"`
	Slot    string      `json:"slot,omitempty"`
	DAIF    string      `json:"daif,omitempty"`
	Result  *int        `json:"result,omitempty"`
	Changed []regChange `json:"changed,omitempty"`
	Text    string      `json:"text"`
}

type regChange struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

type insnReport struct {
	Seq  int    `json:"seq"`
	PC   string `json:"pc"`
	Sym  string `json:"sym"`
	Word string `json:"word"`
	Text string `json:"text"`
}

type resultReport struct {
	X0           uint64 `json:"x0"`
	X0Hex        string `json:"x0_hex"`
	Instructions uint64 `json:"instructions"`
}

type registersReport struct {
	X      []string `json:"x"` // x0..x30
	SP     string   `json:"sp"`
	PC     string   `json:"pc"`
	PSTATE string   `json:"pstate"`
}

// runSink receives what happens during the run, in order.
type runSink struct {
	w    io.Writer
	json bool
	rep  *runReport
	seq  int
}

func (s *runSink) next() int { s.seq++; return s.seq }

func (s *runSink) output(text string) {
	if s.json {
		s.rep.Output = append(s.rep.Output, outputLine{s.next(), text})
		return
	}
	fmt.Fprintln(s.w, text)
}

func (s *runSink) phase(e kprobe.PhaseEvent) {
	if !s.json {
		fmt.Fprintln(s.w, e.String())
		return
	}
	p := phaseReport{Seq: s.next(), Phase: e.Phase.String(), CPU: e.CPU, Sym: e.Sym, Text: e.String()}
	if e.PC != 0 {
		p.PC = hex(e.PC)
	}
	if e.ESR != 0 {
		p.ESR = hex(e.ESR)
	}
	if e.Insn != 0 {
		p.Insn = fmt.Sprintf("%08x", e.Insn)
	}
	if e.Slot != 0 {
		p.Slot = hex(e.Slot)
	}
	if e.Phase == kprobe.PhaseXOLEnter || e.Phase == kprobe.PhaseDAIFRestored {
		p.DAIF = hex(e.DAIF)
	}
	if e.Phase == kprobe.PhasePreHandler {
		r := e.Result
		p.Result = &r
	}
	for _, c := range e.Changed {
		p.Changed = append(p.Changed, regChange{c.Name, hex(c.Old), hex(c.New)})
	}
	s.rep.Phases = append(s.rep.Phases, p)
}

func (s *runSink) insn(pc uint64, sym string, in *arm64.Inst, text string) {
	if s.json {
		s.rep.Insns = append(s.rep.Insns, insnReport{s.next(), hex(pc), sym, fmt.Sprintf("%08x", in.Word), text})
		return
	}
	fmt.Fprintf(s.w, "%16x  %-32s %08x  %s\n", pc, sym, in.Word, insnColumns(text))
}

func hex(v uint64) string { return fmt.Sprintf("%#x", v) }

// run is `kpemu run`.
func (a *app) run(ctx context.Context, w io.Writer, files []string, o *runOptions) error {
	ws, err := a.load(files, o.load)
	if err != nil {
		return err
	}
	c, err := ws.parseCall(o.call, o.args)
	if err != nil {
		return err
	}
	rep := &runReport{Files: files, KernelVersion: a.version.Name, Stepping: steppingText(a.version),
		Call: c.text, Function: hex(c.fn), Probes: []probeReport{}, Output: []outputLine{}}
	for _, v := range c.args {
		rep.Args = append(rep.Args, hex(v))
	}
	sink := &runSink{w: w, json: a.json, rep: rep}
	// A JSON document is written even when the run fails, with the error
	// in it; the exit code still says what happened.
	finish := func(err error) error {
		if err != nil {
			rep.Error = err.Error()
		}
		if a.json {
			if werr := writeJSON(w, rep); werr != nil {
				return werr
			}
		}
		return err
	}
	show := func(what string) bool { return slices.Contains(o.show, what) }
	var events []kprobe.PhaseEvent
	if show("phases") || show("diagram") {
		ws.kp.SetPhaseListener(func(e kprobe.PhaseEvent) {
			if show("diagram") {
				events = append(events, e)
			}
			if show("phases") {
				sink.phase(e)
			}
		})
	}
	if err := ws.registerProbes(ctx, o, sink, rep); err != nil {
		return finish(err)
	}
	trace, err := ws.probeEvents(o.probeLines, o.probesFile)
	if err != nil {
		return finish(err)
	}
	if show("insns") {
		ws.m.AddCodeHook(0, ^uint64(0), func(cpu *emu.CPU, pc uint64, in *arm64.Inst) {
			sink.insn(pc, ws.sym(pc), in, arm64.Disasm(*in, pc, ws.objdumpSym))
		})
	}
	x0, n, err := a.callFunction(ctx, ws, c, o.maxInsns)
	if err != nil {
		if show("regs") { // where the guest stopped, for the fault
			rep.Regs = registers(ws.m.CPU(0))
			if !a.json {
				writeRegisters(w, rep.Regs)
			}
		}
		return finish(err)
	}
	rep.Result = &resultReport{X0: x0, X0Hex: hex(x0), Instructions: n}
	if !a.json {
		fmt.Fprintf(w, "%s returned %d (%#x) after %d instructions\n", c.text, x0, x0, n)
	}
	for i := range rep.Probes {
		p := &rep.Probes[i]
		if p.kp != nil {
			p.NMissed = p.kp.NMissed
			if !a.json && (p.NMissed != 0 || o.preCall != "") {
				fmt.Fprintf(w, "kprobe %s: nmissed = %d\n", p.Spec, p.NMissed)
			}
			continue
		}
		// kretprobe_exit of samples/kprobes/kretprobe_example.c.
		p.NMissed = p.rp.NMissed
		if !a.json {
			fmt.Fprintf(w, "Missed probing %d instances of %s\n", p.rp.NMissed, ws.probeName(p.rp.Kp.SymbolName, p.rp.Kp.Addr))
		}
	}
	if show("regs") {
		rep.Regs = registers(ws.m.CPU(0))
		if !a.json {
			writeRegisters(w, rep.Regs)
		}
	}
	for _, f := range []struct {
		show, file string
		lines      *[]string
	}{{"trace", "trace", &rep.Trace}, {"profile", "kprobe_profile", &rep.Profile}} {
		if trace == nil || !show(f.show) {
			continue
		}
		text, err := trace.ReadFile(f.file)
		if err != nil {
			return finish(err)
		}
		if a.json {
			*f.lines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		} else {
			fmt.Fprint(w, text)
		}
	}
	if show("diagram") {
		dir := o.diagramDir
		if dir == "" {
			dir = "."
		}
		if rep.Diagrams, err = writeHitDiagrams(dir, events, a.version); err != nil {
			return finish(err)
		}
		if !a.json {
			for _, d := range rep.Diagrams {
				fmt.Fprintf(w, "diagram %s: %s\n", d.File, d.Title)
			}
		}
	}
	return finish(nil)
}

// registerProbes registers the --kprobe and --kretprobe probes with the
// handlers of samples/kprobes/kprobe_example.c and kretprobe_example.c.
// A refusal is the kprobe.Error register_kprobe returned (exit 3).
func (ws *workspace) registerProbes(ctx context.Context, o *runOptions, sink *runSink, rep *runReport) error {
	// --pre-call: the handlers call a kernel function, as
	// test_kprobe_missed's do (lib/tests/test_kprobes.c).
	nested := func(string) {}
	if o.preCall != "" {
		c, err := ws.parseCall(o.preCall, nil)
		if err != nil {
			return err
		}
		nested = func(who string) {
			x0, err := ws.m.Call(ctx, c.fn, c.args, &emu.CallOptions{Budget: o.maxInsns})
			if err != nil {
				sink.output(fmt.Sprintf("  %s: %s: %v", who, c.text, err))
				return
			}
			sink.output(fmt.Sprintf("  %s: %s returned %d", who, c.text, x0))
		}
	}
	for _, spec := range o.kprobes {
		loc, err := parseLocation(spec)
		if err != nil {
			return err
		}
		kp := loc.kprobe()
		name := loc.sym
		kp.PreHandler = func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
			sink.output(fmt.Sprintf("<%s> p->addr = %#x, pc = %#x, pstate = %#x", ws.probeName(name, p.Addr), p.Addr, regs.PC, regs.PState))
			nested("pre-handler")
			return 0
		}
		kp.PostHandler = func(p *kprobe.Kprobe, regs *kprobe.PtRegs, flags uint64) {
			sink.output(fmt.Sprintf("<%s> p->addr = %#x, pstate = %#x", ws.probeName(name, p.Addr), p.Addr, regs.PState))
			nested("post-handler")
		}
		if err := ws.kp.RegisterKprobe(kp); err != nil {
			return fmt.Errorf("--kprobe %s: %w", spec, err)
		}
		rep.Probes = append(rep.Probes, probeReport{Kind: "kprobe", Spec: spec, verdict: ws.registered(kp), kp: kp})
	}
	for _, spec := range o.kretprobes {
		loc, err := parseLocation(spec)
		if err != nil {
			return err
		}
		rp := &kprobe.Kretprobe{Kp: *loc.kprobe(), DataSize: 8}
		name := loc.sym
		// entry_handler stamps the entry time in the instance's data,
		// ret_handler prints the return value and the time taken.
		rp.EntryHandler = func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			binary.LittleEndian.PutUint64(ri.Data, ws.m.CPU(ri.Task).Retired())
			return 0
		}
		rp.Handler = func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			delta := ws.m.CPU(ri.Task).Retired() - binary.LittleEndian.Uint64(ri.Data)
			sink.output(fmt.Sprintf("%s returned %d and took %d ns to execute", ws.probeName(name, rp.Kp.Addr), regs.RegsReturnValue(), delta))
			return 0
		}
		if err := ws.kp.RegisterKretprobe(rp); err != nil {
			return fmt.Errorf("--kretprobe %s: %w", spec, err)
		}
		rep.Probes = append(rep.Probes, probeReport{Kind: "kretprobe", Spec: spec, verdict: ws.registered(&rp.Kp), rp: rp})
	}
	return nil
}

// probeName is the symbol_name a handler prints: the one the probe was
// registered with, or for an address the symbol it falls in.
func (ws *workspace) probeName(name string, addr uint64) string {
	if name != "" {
		return name
	}
	if loc, ok := ws.syms.LookupAddr(addr); ok {
		return loc.Symbol.Name
	}
	return hex(addr)
}

// registered describes a probe that registration accepted.
func (ws *workspace) registered(kp *kprobe.Kprobe) verdict {
	d := kp.Decision()
	v := verdict{Accepted: true, How: "xol", Addr: hex(kp.Addr), Sym: ws.sym(kp.Addr),
		Insn: fmt.Sprintf("%08x", d.Insn), Class: d.Class.String(), Handler: d.Handler.String(), Rule: d.Rule,
		addr: kp.Addr, word: d.Insn, decoded: true}
	if d.Simulated() {
		v.How = "simulate"
	} else {
		v.Slot = hex(kp.Slot())
	}
	return v
}

func registers(c *emu.CPU) *registersReport {
	r := &registersReport{SP: hex(c.SP()), PC: hex(c.PC()), PSTATE: hex(c.PSTATE())}
	for i := 0; i < 31; i++ {
		r.X = append(r.X, hex(c.X(i)))
	}
	return r
}

func writeRegisters(w io.Writer, r *registersReport) {
	fmt.Fprintln(w, "registers:")
	for i, x := range r.X {
		fmt.Fprintf(w, "  %-4s %18s", fmt.Sprintf("x%d", i), x)
		if i%4 == 3 {
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "  %-4s %18s\n", "sp", r.SP)
	fmt.Fprintf(w, "  %-4s %18s  %-6s %18s\n", "pc", r.PC, "pstate", r.PSTATE)
}
