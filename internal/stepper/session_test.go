package stepper

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/internal/golden"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// fixture is a machine with some of the kernel library loaded and its
// kprobe subsystem.
type fixture struct {
	m  *emu.Machine
	l  *loader.Loaded
	kp *kprobe.Subsystem
}

func newFixture(t *testing.T, files ...string) *fixture { return newFixtureTB(t, files...) }

func newFixtureTB(t testing.TB, files ...string) *fixture {
	t.Helper()
	m := kl.NewMachine(t)
	l := kl.LoadFiles(t, m, files...)
	kp, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	require.NoError(t, err)
	return &fixture{m: m, l: l, kp: kp}
}

func (f *fixture) addr(t *testing.T, name string) uint64 {
	t.Helper()
	a, ok := f.l.Addr(name)
	require.True(t, ok, "no symbol %s", name)
	return a
}

// session runs a scripted session in fn(args...) and returns its
// transcript.
func (f *fixture) session(t *testing.T, fn string, args []uint64, script string, budget uint64) string {
	t.Helper()
	var out bytes.Buffer
	s, err := New(Config{Machine: f.m, Kprobes: f.kp, Symbols: f.l.Symbols, Entry: f.addr(t, fn), Args: args,
		In: strings.NewReader(script), Out: &out, MaxInsns: budget})
	require.NoError(t, err)
	require.NoError(t, s.Run(context.Background()))
	return out.String()
}

// A probe on an XOL-stepped instruction, hit and walked phase by phase:
// BRK #4, the handler chosen, the pre-handler, the XOL slot, BRK #6,
// DAIF restored, the post-handler, the resume.
func TestProbeHitPhaseByPhase(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, `probe chain_a+8
list
si 2
x/3i $pc
phase
phase
phase
phase
x/2i $pc
phase
phase
phase
phase
phase
phase
unprobe
list
c
`, 0)
	golden.Check(t, "testdata/probe_phases.golden", []byte(got))
	assert.Equal(t, 2, strings.Count(got, "<chain_a> p->addr = 0x"), "one pre- and one post-handler line")
	assert.Contains(t, got, "[chain_a(0x5) returned 0x5d4 (1492)]")
	assert.Equal(t, kl.ChainA(5), uint64(0x5d4))
}

// Stepping without probes: si, si N, ni over a BL, a breakpoint, bt from
// a nested frame, finish (twice, the second ending the call), and
// commands after the end.
func TestStepping(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, `si
si 3
b chain_c
b chain_c+4
info breakpoints
delete 2
info breakpoints
c
bt
regs
finish
bt
finish
ni
ni
finish
si
ni
c
delete
info breakpoints
quit
si
`, 0)
	golden.Check(t, "testdata/stepping.golden", []byte(got))
	assert.Contains(t, got, "Breakpoint 1, ")
	assert.Contains(t, got, "[chain_a(0x5) returned 0x5d4 (1492)]")
	assert.NotContains(t, got, "(kpemu) si\n\n", "quit ends the session: the last si is never read")
}

// ni over a BL steps the whole call; c runs to the end.
func TestNextOverCall(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{0x10}, `si 4
ni
regs
c
`, 0)
	golden.Check(t, "testdata/next.golden", []byte(got))
	assert.Contains(t, got, "x0     0x"+strconvHex(kl.ChainB(0x11))+" ")
	assert.Contains(t, got, "returned 0x"+strconvHex(kl.ChainA(0x10)))
}

// x in its formats, disas with and without a symbol, help.
func TestExamine(t *testing.T) {
	f := newFixture(t, "calls.s", "string.s")
	require.NoError(t, f.m.Memory().Write(kl.Scratch, []byte("kprobe\x00emu\x00")))
	require.NoError(t, f.m.Memory().WriteU64(kl.Scratch+16, 0x1122334455667788))
	require.NoError(t, f.m.Memory().WriteU64(kl.Scratch+24, f.addr(t, "chain_b")+8))
	got := f.session(t, "strlen", []uint64{kl.Scratch}, `x/2s $x0
x/16xb $x0
x/4xw 0xffff800040000010
x/2xg $x0+16
x
x/3dh $x0
x/2ub $x0
x/1tb $x0
x/2ob $x0
x/1a $x0+24
x/2c $x0
x/4i strlen
x/2i chain_b+8
x/8xg $sp-64
disas
disas chain_c
si 2
disas
x/0x $sp
x/4q $sp
x/4x nosuchsym
x/4x $x99
x/4x 0xdead0000
x/s 0xdead0000
x/2i 0xdead0000
x/4x chain_a +
x
`, 0)
	golden.Check(t, "testdata/examine.golden", []byte(got))
	assert.Contains(t, got, `"kprobe"`)
	assert.Contains(t, got, `"emu"`)
	assert.Contains(t, got, "0x55667788\t0x11223344")
}

func TestHelp(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_c", []uint64{1}, `help
help x
help c
help phase
help nosuch
`, 0)
	golden.Check(t, "testdata/help.golden", []byte(got))
	for _, c := range commands {
		assert.Contains(t, got, c.usage, "help lists %s", c.name)
	}
}

func strconvHex(v uint64) string { return strconv.FormatUint(v, 16) }

// A probe on a BL is simulated in the BRK #4 exception (INSN_GOOD_NO_SLOT:
// no slot, no BRK #6); ni counts it as the call it replaces and runs the
// callee to its return.
func TestSimulatedProbe(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, `probe chain_a+0x10
disas
si 4
si
bt
unprobe chain_a+0x10
probe chain_a+0x10
c
`, 0)
	golden.Check(t, "testdata/simulated.golden", []byte(got))
	assert.Contains(t, got, "(simulated)")
	assert.Contains(t, got, "simulated")
	assert.NotContains(t, got, "ss-brk-hit", "a simulated instruction has no BRK #6")
}

// ni over a probed BL: the BRK #4 is the call it replaced.
func TestNextOverProbedCall(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, `probe chain_a+0x10
si 4
ni
c
`, 0)
	golden.Check(t, "testdata/next_probed.golden", []byte(got))
	assert.Contains(t, got, "=> 0xffff800008000014 <chain_a+0x14>")
}

// kretprobe_example.c's handlers on chain_b: the entry hijacks X30, the
// return goes through the trampoline's BRK #7, the handler prints the
// return value and the deterministic time.
func TestKretprobe(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, `kretprobe chain_b
kretprobe chain_b+4
kretprobe nosuch
list
b chain_b
c
si
phase
phase
phase
bt
finish
unprobe
c
`, 0)
	golden.Check(t, "testdata/kretprobe.golden", []byte(got))
	assert.Contains(t, got, "chain_b returned 746 and took")
	assert.Contains(t, got, "kretprobe-return")
	assert.Contains(t, got, "register_kretprobe failed, returned -22 (EINVAL)")
}

// patch writes raw BRKs: #0x100 is reported by the session's break hook
// and skipped; #4 with no probe is kprobes' own, which dies as the kernel
// does; bad patches are refused.
func TestPatchBrk(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, `patch chain_a+0xc brk #0x100
x/2i chain_a+0xc
disas chain_a
si 3
si
regs
patch chain_c+4 brk #0x100
c
patch chain_a+2 brk #1
patch 0xdead0000 brk #1
patch chain_a brk #0x10000
patch chain_a brk
patch chain_a nop
probe chain_b
patch chain_b brk #1
`, 0)
	golden.Check(t, "testdata/patch.golden", []byte(got))
	assert.Equal(t, 2, strings.Count(got, "BRK #0x100: ESR 0xf2000100"), "both patched BRKs are reported")
	// Each BRK replaced an instruction: chain_a skips its add (x+1), chain_c
	// its x*3: chain_a(5) = 2*(chain_c'(5^0xff)+5) = 0x1f0 with
	// chain_c'(x) = x-7.
	assert.Contains(t, got, "returned 0x1f0 ")
}

// A raw BRK #4 where no probe is: kprobes' handler finds none, and the
// kernel dies ("Oops - BRK"); the session prints it and goes on.
func TestPatchKprobeImmediate(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_c", []uint64{5}, `patch chain_c+4 brk #4
si
si
regs
si
c
bt
`, 0)
	golden.Check(t, "testdata/patch_brk4.golden", []byte(got))
	assert.Contains(t, got, "kprobe immediate")
	assert.Contains(t, got, "Kernel death: Oops - BRK at 0xffff800008000058 <chain_c+0x4>")
	assert.Contains(t, got, "pc     0xffff800008000058   <chain_c+0x4>", "the CPU is left at the BRK")
	assert.Equal(t, 2, strings.Count(got, "The kernel died (Oops - BRK): nothing more can run."))
}

// Errors never end the session.
func TestErrors(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, `frobnicate
si 0
si x
ni 3
c now
finish 2
phase 1
b
b nosuch
b chain_a+2
b 0xdead0000
b chain_c
b chain_c
delete 9
delete x
info
info frobs
probe
probe nosuch
probe chain_a+2
probe chain_a+0x100
probe 0xdead0000
probe chain_c
probe chain_c
list
kretprobe
kretprobe chain_a+x
unprobe chain_b
unprobe nosuch
disas nosuch
disas 0xdead0000
x/4x $pc+
x/4x 1+*2
x/4x 0x
help frobs

   # a comment, then a blank line
unprobe
unprobe
c
delete
c
`, 0)
	golden.Check(t, "testdata/errors.golden", []byte(got))
	assert.Contains(t, got, "register_kprobe failed, returned -2 (ENOENT)")
	assert.Contains(t, got, "register_kprobe failed, returned -22 (EINVAL)")
	assert.Contains(t, got, "ffff800008000054  k  chain_c+0x0    \nffff800008000054  k  chain_c+0x0    \n",
		"a second probe at an address is aggregated: two lines in the list")
	assert.Contains(t, got, "[chain_a(0x5) returned 0x5d4 (1492)]")
}

// A guest fault (strlen of an unmapped pointer) is printed; the session
// stays at the faulting instruction.
func TestGuestFault(t *testing.T) {
	f := newFixture(t, "string.s")
	got := f.session(t, "strlen", []uint64{0xdead0000}, `c
info registers
si
bt
x/s $x1
`, 0)
	golden.Check(t, "testdata/fault.golden", []byte(got))
	assert.Equal(t, 2, strings.Count(got, "Exception: DABT (current EL)"))
	assert.Contains(t, got, "FAR 0xdead0000")
}

// The per-command budget stops a long run, and the next command goes on.
func TestBudget(t *testing.T) {
	f := newFixture(t, "recursion.s")
	got := f.session(t, "fib", []uint64{20}, `c
si 150
bt
c
`, 100)
	golden.Check(t, "testdata/budget.golden", []byte(got))
	assert.Equal(t, 3, strings.Count(got, "budget of 100 instructions"))
}

// fib(10) to the end with probes on the recursion: the probe is hit on
// every call (the handlers count in the transcript) and the result is
// right.
func TestContinueRecursion(t *testing.T) {
	f := newFixture(t, "recursion.s")
	got := f.session(t, "fib", []uint64{10}, `kretprobe fib
c
unprobe
`, 0)
	assert.Equal(t, 177, strings.Count(got, "fib returned"), "fib(10) makes 177 calls")
	assert.Contains(t, got, "[fib(0xa) returned 0x37 (55)]")
	assert.Contains(t, got, "Missed probing 0 instances of fib")
}

// A probe set by address has no symbol_name: the sample's "<%s>" prints
// printk's "(null)".
func TestProbeByAddress(t *testing.T) {
	f := newFixture(t, "calls.s")
	got := f.session(t, "chain_a", []uint64{5}, "probe 0xffff800008000058\nc\n", 0)
	assert.Contains(t, got, "<(null)> p->addr = 0xffff800008000058, pc = 0xffff800008000058, pstate = 0x3c5\n")
	assert.Contains(t, got, "<(null)> p->addr = 0xffff800008000058, pstate = 0x3c5\n")
	assert.Contains(t, got, "[chain_a(0x5) returned 0x5d4 (1492)]")
}
