package diagram_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/internal/diagram"
	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/kprobe"
)

// kernelSource stands for the kernel's clone path: __do_sys_clone calls
// kernel_clone(args), which reads args->flags and calls copy_process.
const kernelSource = `
	.text
	.globl	copy_process
	.type	copy_process, %function
	.p2align 2
copy_process:
	ldr	x2, [x0, #8]		// args->exit_signal
	add	x0, x2, x1, lsr #56	// a "pid"
	ret
	.size	copy_process, .-copy_process

	.globl	kernel_clone
	.type	kernel_clone, %function
	.p2align 2
kernel_clone:
	paciasp
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	ldr	x1, [x0]		// u64 clone_flags = args->flags
	bl	copy_process
	add	x0, x0, #100
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	autiasp
	ret
	.size	kernel_clone, .-kernel_clone

	.globl	__do_sys_clone
	.type	__do_sys_clone, %function
	.p2align 2
__do_sys_clone:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	kernel_clone
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	__do_sys_clone, .-__do_sys_clone

	.globl	_etext			// the end of kernel text, so that
_etext:					// kallsyms sizes the last function
`

const (
	textBase  = 0xffff800008000000
	stackBase = 0xffff800030000000
	dataBase  = 0xffff800040000000
)

type fixture struct {
	m      *emu.Machine
	s      *kprobe.Subsystem
	l      *loader.Loaded
	events []kprobe.PhaseEvent
}

func newFixture(t *testing.T, v kprobe.Version) *fixture {
	t.Helper()
	m, err := emu.New(nil)
	require.NoError(t, err)
	require.NoError(t, m.Map(stackBase, 0x4000, emu.PermRW))
	require.NoError(t, m.Map(dataBase, 0x1000, emu.PermRW))
	m.CPU(0).SetSP(stackBase + 0x4000)
	m.CPU(0).SetDAIF(0)                                     // process context: interrupts on
	require.NoError(t, m.Memory().WriteU64(dataBase, 0x11)) // args->flags
	require.NoError(t, m.Memory().WriteU64(dataBase+8, 17)) // args->exit_signal = SIGCHLD
	l, err := loader.LoadSource(m, "kernel.s", []byte(kernelSource), &loader.Options{Base: textBase})
	require.NoError(t, err)
	s, err := kprobe.New(m, &kprobe.Options{Version: &v, Symbols: l.Symbols})
	require.NoError(t, err)
	f := &fixture{m: m, s: s, l: l}
	s.SetPhaseListener(func(e kprobe.PhaseEvent) { f.events = append(f.events, e) })
	return f
}

func (f *fixture) addr(t *testing.T, fn string) uint64 {
	t.Helper()
	sym, ok := f.l.Symbols.LookupName(fn)
	require.True(t, ok, fn)
	return sym.Addr
}

// call runs fn(args) and returns its result.
func (f *fixture) call(t *testing.T, fn string) uint64 {
	t.Helper()
	r, err := f.m.Call(context.Background(), f.addr(t, fn), []uint64{dataBase}, nil)
	require.NoError(t, err)
	return r
}

// probe registers a kprobe with pre- and post-handlers that do nothing.
func (f *fixture) probe(t *testing.T, fn string, off uint64) *kprobe.Kprobe {
	t.Helper()
	p := &kprobe.Kprobe{SymbolName: fn, Offset: off,
		PreHandler:  func(*kprobe.Kprobe, *kprobe.PtRegs) int { return 0 },
		PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) {},
	}
	require.NoError(t, f.s.RegisterKprobe(p))
	return p
}

// hit runs the scenario and returns its one hit.
func (f *fixture) hit(t *testing.T, fn string) []kprobe.PhaseEvent {
	t.Helper()
	f.events = nil
	assert.EqualValues(t, 0x11+100, f.call(t, fn)&0xffff)
	hits := diagram.Hits(f.events)
	require.Len(t, hits, 1)
	return hits[0]
}

// svg draws the hit, checks that it is well-formed XML, compares it with
// its golden file and returns the diagram.
func svg(t *testing.T, name string, hit []kprobe.PhaseEvent, opts *diagram.Options) *diagram.Diagram {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, diagram.WriteSVG(&buf, hit, opts))
	wellFormed(t, buf.Bytes())
	golden.Check(t, "testdata/"+name+".svg", buf.Bytes())
	var again bytes.Buffer
	require.NoError(t, diagram.WriteSVG(&again, hit, opts))
	assert.Equal(t, buf.String(), again.String(), "deterministic")
	d, err := diagram.Build(hit, opts)
	require.NoError(t, err)
	return d
}

func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "the SVG parses as XML")
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
			assert.Equal(t, "http://www.w3.org/2000/svg", se.Name.Space)
		}
	}
	assert.Equal(t, "svg", root)
	assert.NotContains(t, string(b), "@import", "self-contained")
	assert.NotContains(t, string(b), "href", "self-contained")
}

func heads(d *diagram.Diagram) []string {
	var out []string
	for _, h := range d.Heads {
		out = append(out, h.Name)
	}
	return out
}

func details(d *diagram.Diagram) string {
	var b bytes.Buffer
	for _, s := range d.Steps {
		b.WriteString(s.Label + "\n")
		for _, l := range s.Detail {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func labels(d *diagram.Diagram) []string {
	var out []string
	for _, s := range d.Steps {
		out = append(out, s.Label)
	}
	return out
}

func TestXOLHit(t *testing.T) {
	f := newFixture(t, kprobe.V6_17)
	p := f.probe(t, "kernel_clone", 0)
	require.NotZero(t, p.Slot())
	hit := f.hit(t, "__do_sys_clone")
	d := svg(t, "xol", hit, nil)
	assert.Equal(t, []string{"CPU 0", "exception entry", "kprobe_brk_handler", "pre-handler", "XOL slot",
		"kprobe_ss_brk_handler", "post-handler"}, heads(d))
	assert.Equal(t, []string{"BRK #4", "ESR 0xf2000004", "get_kprobe(pc)", "pre_handler(p, regs)", "returns 0",
		"setup_singlestep", "ERET to slot", "BRK #6", "ESR 0xf2000006", "restore DAIF", "post_handler", "returns", "ERET"}, labels(d))
	text := details(d)
	assert.Contains(t, text, "ESR_EL1 0xf2000004: EC 0x3c (BRK64), IL, imm16 0x4 KPROBES_BRK_IMM")
	assert.Contains(t, text, "saved DAIF 0x0 (none masked), D A I F masked for the step")
	assert.Contains(t, text, "pstate 0x5 -> 0x3c5")
	assert.Contains(t, text, "the slot holds paciasp, then brk #0x6")
	assert.Contains(t, text, "DAIF back to 0x0 (none masked)")
	assert.Contains(t, text, "resume at kernel_clone+0x4/")
	assert.Equal(t, "XOL slot", d.Heads[4].Name)
	assert.Equal(t, "0xffff8000f0000000", d.Heads[4].Sub)
	assert.Contains(t, d.Title, "kprobe hit on CPU 0 at kernel_clone+0x0/0x2c: paciasp, stepped out of line")
	assert.Empty(t, d.Frames)
}

func TestSimulatedHit(t *testing.T) {
	f := newFixture(t, kprobe.V6_17)
	p := f.probe(t, "kernel_clone", 0x14) // bl copy_process
	require.Zero(t, p.Slot())
	hit := f.hit(t, "__do_sys_clone")
	d := svg(t, "simulated", hit, nil)
	assert.Equal(t, []string{"CPU 0", "exception entry", "kprobe_brk_handler", "pre-handler", "simulation", "post-handler"}, heads(d))
	assert.Equal(t, []string{"BRK #4", "ESR 0xf2000004", "get_kprobe(pc)", "pre_handler(p, regs)", "returns 0",
		"simulate", "post_handler", "returns", "ERET"}, labels(d))
	text := details(d)
	assert.Contains(t, text, "no slot: simulated")
	assert.Contains(t, text, "arch_simulate_insn: ")
	assert.Contains(t, text, "resume at copy_process+0x0/")
	assert.NotContains(t, text, "DAIF back", "no step, no DAIF juggling")
	assert.Contains(t, d.Title, ", simulated")
	// The post-handler is called from the BRK #4 handler itself.
	assert.Equal(t, diagram.LifeBrk, d.Steps[6].From)
}

func TestKretprobeHit(t *testing.T) {
	f := newFixture(t, kprobe.V6_17)
	var got uint64
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "kernel_clone"},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			got = regs.RegsReturnValue()
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	// A probe inside kernel_clone, between the entry and the return: a
	// hit of its own.
	f.probe(t, "copy_process", 0)
	f.events = nil
	assert.EqualValues(t, 0x11+100, f.call(t, "__do_sys_clone")&0xffff)
	assert.EqualValues(t, 0x11+100, got&0xffff)
	hits := diagram.Hits(f.events)
	require.Len(t, hits, 2)
	assert.Equal(t, kprobe.PhaseKretprobeReturn, hits[0][len(hits[0])-2].Phase, "the return goes with its entry")
	assert.Contains(t, hits[1][0].Sym, "copy_process+0x0/")
	d := svg(t, "kretprobe", hits[0], nil)
	assert.Equal(t, []string{"CPU 0", "exception entry", "kprobe_brk_handler", "pre-handler", "XOL slot",
		"kprobe_ss_brk_handler", "kretprobe_brk_handler"}, heads(d))
	text := details(d)
	assert.Contains(t, text, "pre_handler_kretprobe")
	assert.Contains(t, text, "ri->ret_addr = x30 = ")
	assert.Contains(t, text, "kernel_clone runs; its ret goes to the trampoline")
	assert.Contains(t, text, "ESR_EL1 0xf2000007: EC 0x3c (BRK64), IL, imm16 0x7 KRETPROBES_BRK_IMM")
	assert.Contains(t, text, "ret to x30 = __kretprobe_trampoline+0x0/0x8")
	assert.Contains(t, text, "resume at __do_sys_clone+0x")
	assert.Contains(t, d.Title, "kretprobe hit")
}

func TestV5_4Hit(t *testing.T) {
	f := newFixture(t, kprobe.V5_4)
	f.probe(t, "kernel_clone", 0)
	hit := f.hit(t, "__do_sys_clone")
	v := kprobe.V5_4
	d := svg(t, "v5.4", hit, &diagram.Options{Version: &v})
	assert.Equal(t, []string{"CPU 0", "exception entry", "kprobe_breakpoint_handler", "pre-handler", "XOL slot",
		"kprobe_single_step_handler", "post-handler"}, heads(d))
	assert.Equal(t, "Software Step", d.Heads[5].Sub)
	assert.Contains(t, labels(d), "Software Step")
	assert.NotContains(t, labels(d), "BRK #6")
	text := details(d)
	assert.Contains(t, text, "EC 0x33 (Software Step, same EL)")
	assert.Contains(t, text, "I set, D cleared")
	assert.Contains(t, text, "the slot holds only paciasp")
	assert.Contains(t, text, "kernel_disable_single_step")
	assert.Contains(t, d.Title, "(hardware step)")
	// Without Options.Version the Software Step picks the same names.
	d2, err := diagram.Build(hit, nil)
	require.NoError(t, err)
	assert.Equal(t, heads(d), heads(d2))
}

func TestMissedHit(t *testing.T) {
	f := newFixture(t, kprobe.V6_17)
	fn := f.addr(t, "copy_process")
	p := &kprobe.Kprobe{SymbolName: "copy_process",
		PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int {
			// A handler calling the probed function: the nested hit is
			// missed.
			_, err := f.m.Call(context.Background(), fn, []uint64{dataBase}, nil)
			require.NoError(t, err)
			return 0
		}}
	require.NoError(t, f.s.RegisterKprobe(p))
	hit := f.hit(t, "__do_sys_clone")
	assert.EqualValues(t, 1, p.NMissed)
	d := svg(t, "missed", hit, nil)
	require.Len(t, d.Frames, 1)
	fr := d.Frames[0]
	assert.Equal(t, "reentered: missed, no handlers", fr.Label)
	assert.Equal(t, "pre_handler(p, regs)", d.Steps[fr.First-1].Label, "the nested hit happens in the pre-handler")
	assert.Equal(t, "BRK #4", d.Steps[fr.First].Label)
	assert.Equal(t, "reenter_kprobe", d.Steps[fr.First+2].Label)
	assert.Equal(t, "ERET", d.Steps[fr.Last].Label)
	assert.Equal(t, "returns 0", d.Steps[fr.Last+1].Label)
	for i, s := range d.Steps {
		assert.Equal(t, i >= fr.First && i <= fr.Last, s.Depth == 1, "%d %s", i, s.Label)
	}
	assert.Contains(t, d.Title, "with a reentered (missed) hit")
}

// Kernel versions name the handlers differently.
func TestHandlerNames(t *testing.T) {
	f := newFixture(t, kprobe.V6_1)
	f.probe(t, "kernel_clone", 0)
	hit := f.hit(t, "__do_sys_clone")
	v := kprobe.V6_1
	d, err := diagram.Build(hit, &diagram.Options{Version: &v, Title: "custom"})
	require.NoError(t, err)
	assert.Equal(t, "custom", d.Title)
	assert.Contains(t, heads(d), "kprobe_breakpoint_handler")
	assert.Contains(t, heads(d), "kprobe_breakpoint_ss_handler")
	_, err = diagram.Build(nil, nil)
	assert.Error(t, err)
}

func TestHits(t *testing.T) {
	f := newFixture(t, kprobe.V6_17)
	p := f.probe(t, "kernel_clone", 0)
	q := f.probe(t, "kernel_clone", 0x14)
	f.call(t, "__do_sys_clone")
	f.s.UnregisterKprobes([]*kprobe.Kprobe{p, q})
	require.Equal(t, kprobe.PhaseArmed, f.events[0].Phase)
	hits := diagram.Hits(f.events)
	require.Len(t, hits, 2, "arming and disarming are no hits")
	for _, h := range hits {
		assert.Equal(t, kprobe.PhaseBrkHit, h[0].Phase)
		assert.Equal(t, kprobe.PhaseResume, h[len(h)-1].Phase)
	}
	assert.Same(t, p, hits[0][0].Probe)
	assert.Same(t, q, hits[1][0].Probe)
	n := 0
	for _, h := range hits {
		n += len(h)
	}
	assert.Equal(t, len(f.events)-4, n, "every other event is in a hit")
	assert.Empty(t, diagram.Hits(nil))
}

// Before v6.9 the return goes through code, not an exception: the
// trampoline calls trampoline_probe_handler and returns to what it gives.
func TestKretprobeCodeTrampoline(t *testing.T) {
	f := newFixture(t, kprobe.V5_4)
	var got uint64
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "kernel_clone"},
		Handler: func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
			got = regs.RegsReturnValue()
			return 0
		}}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	hit := f.hit(t, "__do_sys_clone")
	assert.EqualValues(t, 0x11+100, got&0xffff)
	last := hit[len(hit)-1]
	require.Equal(t, kprobe.PhaseKretprobeReturn, last.Phase, "the return joins its entry")
	assert.Zero(t, last.ESR, "no exception")
	v := kprobe.V5_4
	d := svg(t, "kretprobe-v5.4", hit, &diagram.Options{Version: &v})
	assert.Equal(t, "kretprobe_trampoline", d.Heads[len(d.Heads)-1].Name)
	assert.NotContains(t, labels(d), "BRK #7")
	n := len(d.Steps)
	assert.Equal(t, []string{"ret to trampoline", "trampoline_probe_handler", "ret"},
		[]string{d.Steps[n-3].Label, d.Steps[n-2].Label, d.Steps[n-1].Label})
	assert.Equal(t, diagram.LifeCPU, d.Steps[n-1].To)
	assert.Contains(t, details(d), "returns the real return address 0xffff8000080000")
}

// A fault in the slot ends the hit in kprobe_fault_handler.
func TestFaultInSlot(t *testing.T) {
	f := newFixture(t, kprobe.V6_17)
	p := f.probe(t, "kernel_clone", 0x10) // ldr x1, [x0]
	require.NotZero(t, p.Slot())
	_, err := f.m.Call(context.Background(), f.addr(t, "kernel_clone"), []uint64{0xffff800050000000}, nil)
	require.Error(t, err, "nobody handles the data abort")
	hits := diagram.Hits(f.events)
	require.Len(t, hits, 1)
	d := svg(t, "fault", hits[0], nil)
	n := len(d.Steps)
	assert.Equal(t, []string{"fault", "kprobe_fault_handler", "fault handling"},
		[]string{d.Steps[n-3].Label, d.Steps[n-2].Label, d.Steps[n-1].Label})
	text := details(d)
	assert.Contains(t, text, "EC 0x25 (Data Abort, same EL)")
	assert.Contains(t, text, fmt.Sprintf("pc %#x -> %#x", p.Slot(), p.Addr))
}

// A kprobe and a kretprobe at one address: one aggregated probe, one hit.
func TestAggregatedHit(t *testing.T) {
	f := newFixture(t, kprobe.V6_17)
	f.probe(t, "kernel_clone", 0)
	rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "kernel_clone"},
		Handler: func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { return 0 }}
	require.NoError(t, f.s.RegisterKretprobe(rp))
	hit := f.hit(t, "__do_sys_clone")
	d, err := diagram.Build(hit, nil)
	require.NoError(t, err)
	assert.Contains(t, labels(d), "aggr_pre_handler")
	assert.Contains(t, labels(d), "arch_prepare_kretprobe")
	assert.Contains(t, labels(d), "post_handler")
	assert.Contains(t, labels(d), "BRK #7")
	assert.True(t, strings.HasPrefix(d.Title, "kprobe and kretprobe hit on CPU 0 at kernel_clone+0x0/"), d.Title)
}
