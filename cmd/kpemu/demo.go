package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/examples"
	"github.com/kpemu/kpemu/internal/diagram"
	"github.com/kpemu/kpemu/kprobe"
)

const (
	demoText  uint64 = 0xffff_8000_0800_0000
	demoStack uint64 = 0xffff_8000_3000_0000
	sigchld          = 17
)

// demoOptions are the demo's flags.
type demoOptions struct {
	// DiagramDir receives one SVG sequence diagram per hit.
	DiagramDir string
	// Version is the kernel profile; nil means kprobe.Default.
	Version *kprobe.Version
}

func newDemoCommand() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Probe kernel_clone with a kprobe and a kretprobe and show every phase of the hit",
		Long: `demo runs the seed scenario end to end, with no input: kernel_clone, assembled
by kpemu into emulated kernel memory with a real prologue (paciasp, stp x29,
x30, [sp, #-32]!, ...), gets the kprobe of samples/kprobes/kprobe_example.c
(pre- and post-handlers printing p->addr, pc and pstate) and the kretprobe
of kretprobe_example.c (the return value and the time taken). A task then
forks, and every phase of the hit is shown as the kernel goes through it:
the BRK #4 exception and its ESR, the handlers, the XOL slot, DAIF masked
and restored, BRK #6, the resume, the return through __kretprobe_trampoline.

--kernel-version picks the kernel profile: v5.4 shows the hardware single
step that ended the out-of-line step before v5.10. --diagram-dir writes an
SVG sequence diagram of each hit (hit1-kernel_clone.svg, ...).`,
		Example: `  kpemu demo
  kpemu demo --kernel-version v5.4
  kpemu demo --diagram-dir /tmp/hits`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The root's persistent flags, when demo runs under it.
			if f := cmd.Flags().Lookup("json"); f != nil && f.Value.String() == "true" {
				return usageErrorf("demo has no JSON form: it is a narrative (kpemu run --json gives the phases as data)")
			}
			if f := cmd.Flags().Lookup("kernel-version"); f != nil {
				v, ok := kprobe.VersionByName(f.Value.String())
				if !ok {
					return fmt.Errorf("unknown kernel version %q", f.Value.String())
				}
				o.Version = &v
			}
			return demo(cmd.OutOrStdout(), o)
		},
	}
	cmd.Flags().StringVar(&o.DiagramDir, "diagram-dir", "", "write an SVG sequence diagram of each hit into `DIR`")
	return cmd
}

// demo runs the seed scenario and narrates it on w.
func demo(w io.Writer, o demoOptions) error {
	v := kprobe.Default
	if o.Version != nil {
		v = *o.Version
	}
	m, err := emu.New(nil)
	if err != nil {
		return err
	}
	l, err := loader.LoadSource(m, "kernel_clone.s", examples.KernelClone, &loader.Options{Base: demoText})
	if err != nil {
		return err
	}
	if err := m.Map(demoStack, 0x4000, emu.PermRW); err != nil {
		return err
	}
	c := m.CPU(0)
	c.SetSP(demoStack + 0x4000)
	c.SetDAIF(0) // a task in a system call: interrupts on
	s, err := kprobe.New(m, &kprobe.Options{Version: &v, Symbols: l.Symbols})
	if err != nil {
		return err
	}
	defer s.Close()
	clone, _ := l.Symbols.LookupName("kernel_clone")
	sysClone, _ := l.Symbols.LookupName("__do_sys_clone")

	fmt.Fprintf(w, "kpemu demo: a kprobe and a kretprobe on kernel_clone, every phase of the hit\n")
	fmt.Fprintf(w, "kernel profile %s, CPU 0 at EL1; addresses print unhashed (no_hash_pointers)\n\n", v.Name)
	fmt.Fprintf(w, "kernel_clone, assembled by kpemu into emulated kernel memory:\n")
	for a := clone.Addr; a < clone.Addr+clone.Size; a += 4 {
		word, err := m.Memory().ReadU32(a)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-18s %08x  %s\n", shortSym(m, a), word, demoDisasm(m, word, a))
	}

	// samples/kprobes/kprobe_example.c, its CONFIG_ARM64 printks
	// (pr_fmt is "%s: " __func__).
	kp := &kprobe.Kprobe{SymbolName: "kernel_clone",
		PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
			fmt.Fprintf(w, "handler_pre: <%s> p->addr = 0x%x, pc = 0x%x, pstate = 0x%x\n",
				p.SymbolName, p.Addr, regs.PC, regs.PState)
			return 0
		},
		PostHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs, flags uint64) {
			fmt.Fprintf(w, "handler_post: <%s> p->addr = 0x%x, pstate = 0x%x\n", p.SymbolName, p.Addr, regs.PState)
		},
	}
	fmt.Fprintf(w, "\n$ insmod kprobe_example.ko\n")
	if err := s.RegisterKprobe(kp); err != nil {
		return fmt.Errorf("kprobe_init: register_kprobe failed, returned %w", err)
	}
	fmt.Fprintf(w, "kprobe_init: Planted kprobe at %x\n", kp.Addr)
	if kp.Slot() != 0 {
		slotText := "then brk #0x6 (KPROBES_BRK_SS_IMM) to end the step"
		if !v.BrkSingleStep {
			slotText = "alone: before v5.10 the hardware single-steps it"
		}
		fmt.Fprintf(w, "  # %s: %s (%s)\n", disasmWord(kp.Opcode()), kp.Decision().Class, kp.Decision().Rule)
		fmt.Fprintf(w, "  #   its XOL slot at %#x (kprobe_insn_page) holds it,\n", kp.Slot())
		fmt.Fprintf(w, "  #   %s\n", slotText)
	}
	fmt.Fprintf(w, "  # arch_arm_kprobe wrote brk #0x4 (d4200080, KPROBES_BRK_IMM) over it\n")

	// samples/kprobes/kretprobe_example.c (no pr_fmt): the entry handler stamps the
	// time (ktime_get: here the deterministic counter, one instruction a
	// nanosecond), the return handler prints the value and the delta.
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "kernel_clone"}, MaxActive: 20, DataSize: 8,
		EntryHandler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			putU64(ri.Data, ktimeGet(c))
			return 0
		},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			delta := int64(ktimeGet(c) - getU64(ri.Data))
			fmt.Fprintf(w, "%s returned %d and took %d ns to execute\n", "kernel_clone", regs.RegsReturnValue(), delta)
			return 0
		},
	}
	fmt.Fprintf(w, "$ insmod kretprobe_example.ko\n")
	if err := s.RegisterKretprobe(rp); err != nil {
		return fmt.Errorf("kretprobe_init: register_kretprobe failed, returned %w", err)
	}
	fmt.Fprintf(w, "Planted return probe at %s: %x\n", rp.Kp.SymbolName, rp.Kp.Addr)
	fmt.Fprintf(w, "  # the same address: one aggregated kprobe calls both pre-handlers (aggr_pre_handler)\n")

	var events []kprobe.PhaseEvent
	n := &narrator{w: w, m: m, v: v, seen: map[string]bool{}}
	s.SetPhaseListener(func(e kprobe.PhaseEvent) {
		events = append(events, e)
		n.phase(e)
	})
	fmt.Fprintf(w, "\na task forks: __do_sys_clone(SIGCHLD) calls kernel_clone(&args) on CPU 0, interrupts on\n")
	pid, err := m.Call(context.Background(), sysClone.Addr, []uint64{sigchld}, nil)
	if err != nil {
		return err
	}
	s.SetPhaseListener(nil)
	fmt.Fprintf(w, "fork() returned %d\n", pid)

	fmt.Fprintf(w, "\n$ rmmod kretprobe_example kprobe_example\n")
	s.UnregisterKretprobe(rp)
	fmt.Fprintf(w, "kretprobe at %x unregistered\n", rp.Kp.Addr)
	fmt.Fprintf(w, "Missed probing %d instances of %s\n", rp.NMissed, rp.Kp.SymbolName)
	s.UnregisterKprobe(kp)
	fmt.Fprintf(w, "kprobe_exit: kprobe at %x unregistered\n", kp.Addr)
	word, err := m.Memory().ReadU32(clone.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  # arch_disarm_kprobe put %s (%08x) back at kernel_clone+0x0\n", disasmWord(word), word)

	if o.DiagramDir != "" {
		return writeDiagrams(w, o.DiagramDir, events, &v)
	}
	return nil
}

// writeDiagrams writes one SVG sequence diagram per hit into dir, named
// hitN-FUNCTION.svg.
func writeDiagrams(w io.Writer, dir string, events []kprobe.PhaseEvent, v *kprobe.Version) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for i, hit := range diagram.Hits(events) {
		name := fmt.Sprintf("hit%d-%s.svg", i+1, fileSafe(funcOf(hit[0].Sym)))
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		err = diagram.WriteSVG(f, hit, &diagram.Options{Version: v})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "sequence diagram of hit %d: %s\n", i+1, filepath.Join(dir, name))
	}
	return nil
}

// narrator prints the phase stream as it happens, with the registers the
// phases touch and, the first time a mechanism shows up, why it is so.
type narrator struct {
	w     io.Writer
	m     *emu.Machine
	v     kprobe.Version
	seen  map[string]bool
	start uint64 // instructions retired at the first resume
}

// line prints a phase's first line, "  [phase] text", or with phase ""
// one of its further lines.
func (n *narrator) line(phase, format string, args ...any) {
	if phase == "" {
		fmt.Fprintf(n.w, "      %s\n", fmt.Sprintf(format, args...))
		return
	}
	fmt.Fprintf(n.w, "  %s %s\n", phase, fmt.Sprintf(format, args...))
}

// why explains once.
func (n *narrator) why(key string, lines ...string) {
	if n.seen[key] {
		return
	}
	n.seen[key] = true
	for _, l := range lines {
		fmt.Fprintf(n.w, "      # %s\n", l)
	}
}

func (n *narrator) phase(e kprobe.PhaseEvent) {
	c := n.m.CPU(max(e.CPU, 0))
	brk, ss, kret := n.v.BrkHandlerNames()
	ph := "[" + e.Phase.String() + "]"
	switch e.Phase {
	case kprobe.PhaseBrkHit:
		n.line(ph, "CPU %d executes brk #0x4 at %s: a synchronous exception", e.CPU, e.Sym)
		n.line("", "ESR_EL1 %#x  ELR_EL1 %#x  SPSR_EL1 %#x (DAIF was %#x)", c.ESR(), c.ELR(), c.SPSR(), e.DAIF)
		n.line("", "x0 %#x (args)  sp %#x  x30 %#x <%s>", c.X(0), c.SP(), c.X(30), shortSym(n.m, c.X(30)))
		n.why("brk", "why BRK #4: arm64 kprobes own BRK immediate 4 (KPROBES_BRK_IMM); the EL1 BRK path",
			"  dispatches on it to "+brk+". ESR 0xf2000004 = EC 0x3c (BRK64) << 26",
			"  | IL (a 32-bit instruction) | ISS = the immediate, 4. The CPU masked D, A, I and F.")
	case kprobe.PhaseHandlerChosen:
		where := fmt.Sprintf("XOL slot %#x", e.Slot)
		if e.Slot == 0 {
			where = "simulated, no slot"
		}
		n.line(ph, "%s: get_kprobe(pc) finds the probe: %s, %s", brk, disasmWord(e.Insn), where)
	case kprobe.PhaseKretprobeHijack:
		n.line(ph, "pre_handler_kretprobe: ri->ret_addr = x30 = %#x <%s>", e.Changed[0].Old, shortSym(n.m, e.Changed[0].Old))
		n.line("", "x30 = %#x <%s>: kernel_clone will return there", e.Changed[0].New,
			strings.TrimSuffix(shortSym(n.m, e.Changed[0].New), "+0x0"))
		n.why("pac", "paciasp, stepped next, signs the trampoline address; autiasp checks it at the end")
	case kprobe.PhasePreHandler:
		n.line(ph, "the pre-handlers returned %d: now execute the probed instruction", e.Result)
	case kprobe.PhaseXOLEnter:
		var ps kprobe.RegChange
		for _, ch := range e.Changed {
			if ch.Name == "pstate" {
				ps = ch
			}
		}
		n.line(ph, "setup_singlestep: DAIF %#x saved, pstate %#x -> %#x", e.DAIF, ps.Old, ps.New)
		n.line("", "ERET to the XOL slot %#x", e.Slot)
		if n.v.BrkSingleStep {
			n.why("daif", "why DAIF is masked in the slot: the slot must run its one instruction and reach",
				"  BRK #6 on this CPU with nothing in between; an interrupt there could hit another",
				"  probe while this step is pending, which reenter_kprobe cannot recover from (BUG)")
		} else {
			n.why("daif", "before v5.10: I set, D cleared (a step exception is taken only with D clear),",
				"  SPSR.SS and MDSCR_EL1.SS set: the CPU executes one instruction and traps")
		}
	case kprobe.PhaseSsBrkHit:
		n.line(ph, "the slot ran %s, then brk #0x6 at %#x", disasmWord(n.opcode(e)), e.PC)
		n.line("", "ESR_EL1 %#x (imm16 6, KPROBES_BRK_SS_IMM) -> %s", e.ESR, ss)
	case kprobe.PhaseSingleStep:
		n.line(ph, "the slot ran %s; the Software Step exception at %#x", disasmWord(n.opcode(e)), e.PC)
		n.line("", "ESR_EL1 %#x (EC 0x33) -> kprobe_single_step_handler, a kernel step hook", e.ESR)
	case kprobe.PhaseDAIFRestored:
		n.line(ph, "kprobes_restore_local_irqflag: DAIF %#x again, %s", e.DAIF, pstateChange(e.Changed))
	case kprobe.PhaseSimulated:
		n.line(ph, "arch_simulate_insn: %s emulated on pt_regs %s", disasmWord(e.Insn), pstateChange(e.Changed))
	case kprobe.PhasePostHandler:
		n.line(ph, "post_kprobe_handler called the post-handler; current_kprobe = NULL")
	case kprobe.PhaseResume:
		n.line(ph, "ERET: pc = %#x <%s>", e.PC, e.Sym)
		if n.start == 0 {
			n.start = c.Retired()
			fmt.Fprintf(n.w, "  ... kernel_clone runs on, calls copy_process, returns to x30 ...\n")
		}
	case kprobe.PhaseKretprobeReturn:
		if e.ESR == 0 {
			// Before v6.9 the trampoline is code: no exception.
			n.line(ph, "ret to x30 = %s: code that saves the registers in a", e.Sym)
			n.line("", "pt_regs and calls trampoline_probe_handler, which runs the return handler")
			n.line("", "and gives back the real return %#x; the trampoline returns there", e.Changed[0].New)
		} else {
			n.line(ph, "ret to x30 = %s: brk #0x7", e.Sym)
			n.line("", "ESR_EL1 %#x (imm16 7, KRETPROBES_BRK_IMM) -> %s", e.ESR, kret)
			n.line("", "__kretprobe_trampoline_handler: x0 = %#x, pc = the real return %#x", c.X(0), e.Changed[0].New)
		}
		n.why("ns", "the time is the emulated clock's: CNTVCT_EL0 counts one tick per instruction")
	case kprobe.PhaseMissed:
		n.line(ph, "reenter_kprobe: a probe is already running on this CPU; nmissed++")
	}
}

// opcode is the probed word of the event's probe.
func (n *narrator) opcode(e kprobe.PhaseEvent) uint32 {
	if e.Probe != nil {
		return e.Probe.Opcode()
	}
	return 0
}

func pstateChange(ch []kprobe.RegChange) string {
	var parts []string
	for _, c := range ch {
		parts = append(parts, fmt.Sprintf("%s %#x -> %#x", c.Name, c.Old, c.New))
	}
	return strings.Join(parts, ", ")
}

// ktimeGet reads CNTVCT_EL0 and converts it to nanoseconds, as ktime_get
// does with the arch timer.
func ktimeGet(c *emu.CPU) uint64 {
	cnt, freq := sysReg(c, "CNTVCT_EL0"), sysReg(c, "CNTFRQ_EL0")
	if freq == 0 {
		return cnt
	}
	return cnt * 1_000_000_000 / freq
}

func sysReg(c *emu.CPU, name string) uint64 {
	r, ok := arm64.LookupSysReg(name)
	if !ok {
		return 0
	}
	v, _ := c.SysReg(r)
	return v
}

func putU64(b []byte, v uint64) {
	for i := range min(len(b), 8) {
		b[i] = byte(v >> (8 * i))
	}
}

func getU64(b []byte) uint64 {
	var v uint64
	for i := range min(len(b), 8) {
		v |= uint64(b[i]) << (8 * i)
	}
	return v
}

// shortSym is sym+0xoff without the size.
func shortSym(m *emu.Machine, a uint64) string {
	s := m.Symbolize(a)
	if i := strings.LastIndexByte(s, '/'); i > 0 {
		return s[:i]
	}
	return s
}

func funcOf(sym string) string {
	name, _, _ := strings.Cut(sym, "+")
	if name == "" {
		return "hit"
	}
	return name
}

// fileSafe keeps a symbol usable as a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' {
			return '_'
		}
		return r
	}, s)
}

func disasmWord(word uint32) string {
	in, err := arm64.Decode(word)
	if err != nil {
		return fmt.Sprintf(".inst %#08x", word)
	}
	return strings.ReplaceAll(arm64.GNUSyntax(in), "\t", " ")
}

// demoDisasm is objdump's line for word at a: a branch target by name.
func demoDisasm(m *emu.Machine, word uint32, a uint64) string {
	in, err := arm64.Decode(word)
	if err != nil {
		return fmt.Sprintf(".inst %#08x", word)
	}
	text := arm64.Disasm(in, a, func(t uint64) (string, bool) {
		return strings.TrimSuffix(shortSym(m, t), "+0x0"), true
	})
	if mn, ops, ok := strings.Cut(text, "\t"); ok {
		return fmt.Sprintf("%-7s %s", mn, ops)
	}
	return text
}
