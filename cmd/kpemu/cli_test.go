package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/asm"
	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/internal/kernellib"
)

// The kernel-style functions of internal/kernellib, at the root of the
// repository, and the CLI's own inputs for error paths.
const (
	callsS   = "../../testdata/kernel/calls.s"
	atomicsS = "../../testdata/kernel/atomics.s"
	recurS   = "../../testdata/kernel/recursion.s"
	spinS    = "testdata/spin.s"
	badS     = "testdata/bad.s"
)

// result is one in-process invocation of kpemu through the cobra root.
type result struct {
	code           int
	stdout, stderr string
}

func kpemuCtx(ctx context.Context, args ...string) result {
	var out, errb bytes.Buffer
	code := execute(ctx, args, strings.NewReader(""), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func kpemu(args ...string) result { return kpemuCtx(context.Background(), args...) }

// ok runs kpemu and requires success.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	r := kpemu(args...)
	require.Equal(t, exitOK, r.code, "kpemu %s\nstderr: %s", strings.Join(args, " "), r.stderr)
	assert.Empty(t, r.stderr)
	return r.stdout
}

func TestRunKprobeAndKretprobe(t *testing.T) {
	out := ok(t, "run", callsS, "--call", "chain_a(5)", "--kprobe", "chain_b", "--kretprobe", "chain_c", "--show", "phases,regs")
	golden.Check(t, "testdata/run_chain.golden", []byte(out))

	want := kernellib.ChainA(5)
	assert.Contains(t, out, fmt.Sprintf("chain_a(5) returned %d (%#x) after ", want, want))
	// samples/kprobes/kprobe_example.c and kretprobe_example.c lines.
	assert.Contains(t, out, "<chain_b> p->addr = 0xffff800008000024, pc = 0xffff800008000024, pstate = 0x5\n")
	assert.Contains(t, out, "<chain_b> p->addr = 0xffff800008000024, pstate = 0x5\n")
	assert.Contains(t, out, fmt.Sprintf("chain_c returned %d and took ", kernellib.ChainC(6^0xff)))
	// The phase stream of a v6.17 hit: BRK #4, the slot, BRK #6.
	assert.Regexp(t, `(?s)brk-hit .*esr=0xf2000004.*pre-handler.*xol-enter.*ss-brk-hit .*esr=0xf2000006.*post-handler.*resume`, out)
	assert.Contains(t, out, "kretprobe-return")
	assert.Regexp(t, `x0 +0x5d4`, out)
}

// TestRunSingleStepProfile: v5.4 steps the slot with the hardware single
// step (a Software Step exception, EC 0x32: ESR 0xcf000022... from EL1,
// EC 0x33) instead of BRK #6; every executed instruction is shown, the
// slot's included.
func TestRunSingleStepProfile(t *testing.T) {
	out := ok(t, "--kernel-version", "v5.4", "run", callsS, "--call", "chain_a(5)", "--kprobe", "chain_c+4", "--show", "insns,phases")
	golden.Check(t, "testdata/run_v5.4_insns.golden", []byte(out))
	assert.Contains(t, out, "single-step")
	assert.NotContains(t, out, "ss-brk-hit")
	assert.Regexp(t, `ffff8000f0000000  kprobe_insn_page\+0x0/0x1000 \[__builtin__kprobes\] 8b000400  add +x0, x0, x0, lsl #1`, out)
	assert.Contains(t, out, "chain_c+0x4/0x10                 d4200080  brk     #0x4", "the armed BRK is what the CPU fetches")

	v617 := ok(t, "run", callsS, "--call", "chain_a(5)", "--kprobe", "chain_c+4", "--show", "phases")
	assert.Contains(t, v617, "ss-brk-hit")
	assert.NotContains(t, v617, "single-step")
}

func TestRunJSON(t *testing.T) {
	out := ok(t, "--json", "run", callsS, "--call", "chain_a", "--args", "5", "--kprobe", "chain_c+4", "--show", "phases,insns,regs")
	golden.Check(t, "testdata/run.json.golden", []byte(out))
	var rep runReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.NotNil(t, rep.Result)
	assert.Equal(t, kernellib.ChainA(5), rep.Result.X0)
	assert.Equal(t, "chain_a(5)", rep.Call)
	require.Len(t, rep.Probes, 1)
	assert.Equal(t, "xol", rep.Probes[0].How)
	assert.Equal(t, "chain_c+0x4/0x10", rep.Probes[0].Sym)
	require.Len(t, rep.Output, 2, "pre and post handler lines")
	assert.Less(t, rep.Output[0].Seq, rep.Output[1].Seq)
	assert.Equal(t, int(rep.Result.Instructions), len(rep.Insns), "one entry per executed instruction")
	require.NotNil(t, rep.Regs)
	assert.Len(t, rep.Regs.X, 31)
}

func TestRunSimulatedProbe(t *testing.T) {
	// fib+0x? is a bl: simulated (no slot), and the recursion hits it
	// many times.
	out := ok(t, "disasm", recurS, "--sym", "fib")
	var site string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "simulate simulate_b_bl") {
			site = strings.TrimSpace(strings.SplitN(line, ":", 2)[0])
			break
		}
	}
	require.NotEmpty(t, site, "fib has a bl")
	out = ok(t, "run", recurS, "--call", "fib(10)", "--kprobe", "0x"+site, "--show", "phases")
	assert.Contains(t, out, fmt.Sprintf("fib(10) returned %d ", kernellib.Fib(10)))
	assert.Contains(t, out, " simulated", "the handler phase says the instruction is simulated")
	assert.NotContains(t, out, "xol-enter")
	assert.Contains(t, out, "<fib> p->addr = 0x"+site, "an address probe prints the symbol it falls in")
}

// TestRunKretprobeMissed: fib(14) recurses deeper than the default
// instance pool (maxactive = max(10, 2 * CPUs)); the calls that found no
// free instance are counted in kretprobe.nmissed, and only the others
// report their return.
func TestRunKretprobeMissed(t *testing.T) {
	out := ok(t, "run", recurS, "--call", "fib(14)", "--kretprobe", "fib")
	assert.Contains(t, out, fmt.Sprintf("fib(14) returned %d ", kernellib.Fib(14)))
	reported := strings.Count(out, "fib returned ")
	var missed int
	_, err := fmt.Sscanf(out[strings.Index(out, "Missed probing "):], "Missed probing %d instances of fib", &missed)
	require.NoError(t, err)
	assert.Positive(t, missed, "the recursion outruns the pool")
	calls := ok(t, "run", recurS, "--call", "fib(14)", "--kprobe", "fib")
	assert.Equal(t, strings.Count(calls, "pstate = ")/2, reported+missed, "every call is either reported or missed")

	r := kpemu("--json", "run", recurS, "--call", "fib(14)", "--kretprobe", "fib")
	require.Equal(t, exitOK, r.code)
	var rep runReport
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	assert.Equal(t, uint64(missed), rep.Probes[0].NMissed)
}

func TestRunDiagram(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "svg")
	out := ok(t, "run", callsS, "--call", "chain_a(5)", "--kprobe", "chain_b", "--kretprobe", "chain_c", "--diagram-dir", dir)
	assert.Contains(t, out, "diagram "+filepath.Join(dir, "hit1-chain_b.svg")+": kprobe hit on CPU 0 at chain_b+0x0/0x30")
	assert.Contains(t, out, "diagram "+filepath.Join(dir, "hit2-chain_c.svg")+": kretprobe hit on CPU 0 at chain_c+0x0/")
	for _, f := range []string{"hit1-chain_b.svg", "hit2-chain_c.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.True(t, bytes.HasPrefix(b, []byte("<?xml")), "%s is an SVG document", f)
		assert.Contains(t, string(b), "<svg ")
	}
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, files, 2, "two hits, two diagrams")

	r := kpemu("--json", "run", callsS, "--call", "chain_a(5)", "--kprobe", "chain_c", "--show", "diagram", "--diagram-dir", dir)
	require.Equal(t, exitOK, r.code, r.stderr)
	var rep runReport
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	require.Len(t, rep.Diagrams, 1)
	assert.Equal(t, filepath.Join(dir, "hit1-chain_c.svg"), rep.Diagrams[0].File)
}

// TestRunObjectAndSources links a GCC-built object (testdata/kernel/c) with
// a .s source and probes the C function.
func TestRunObjectAndSources(t *testing.T) {
	out := ok(t, "run", "../../testdata/kernel/c/kfuncs.o", callsS, "--call", "c_chain_a(5)", "--kprobe", "c_chain_b", "--kretprobe", "chain_c")
	assert.Contains(t, out, fmt.Sprintf("c_chain_a(5) returned %d ", kernellib.ChainA(5)))
	assert.Contains(t, out, "<c_chain_b> p->addr = ")
	assert.NotContains(t, out, "chain_c returned", "the C chain does not call the assembly chain_c")
}

func TestRunRunawayLoop(t *testing.T) {
	r := kpemu("run", spinS, "--call", "spin(0)", "--max-insns", "1000")
	assert.Equal(t, exitRun, r.code)
	assert.Contains(t, r.stderr, "spin(0) did not return within 1000 instructions (--max-insns; a runaway loop?)")
	assert.Contains(t, r.stderr, "(spin+0x")
	assert.Empty(t, r.stdout)

	r = kpemu("run", spinS, "--call", "spin(0)", "--max-insns", "1000", "--show", "regs")
	assert.Equal(t, exitRun, r.code)
	assert.Regexp(t, `pc +0xffff800008000008`, r.stdout, "the registers where the budget stopped it")
	assert.Regexp(t, `x0 +0x1f4\b`, r.stdout, "500 iterations of add and b")

	r = kpemu("--json", "run", spinS, "--call", "spin(0)", "--max-insns", "1000")
	assert.Equal(t, exitRun, r.code)
	var rep runReport
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), "a JSON document even when the run fails")
	assert.Contains(t, rep.Error, "instruction budget of 1000 exhausted")
	assert.Nil(t, rep.Result)
}

// TestRunInterrupted: SIGINT cancels the context (main.go); the run stops
// between instructions with exit code 130.
func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := kpemuCtx(ctx, "run", spinS, "--call", "spin(0)", "--max-insns", "100000000")
	assert.Equal(t, exitInterrupted, r.code)
	assert.Contains(t, r.stderr, "spin(0) interrupted")
}

func TestRunErrors(t *testing.T) {
	var all bytes.Buffer // every case, for the golden file
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing file", []string{"run", "testdata/nosuch.s", "--call", "f"}, exitInput,
			[]string{"testdata/nosuch.s", "no such file or directory"}},
		{"syntax error", []string{"run", badS, "--call", "broken"}, exitInput,
			[]string{"testdata/bad.s:5:10: expected a register or an immediate but found 'q7'"}},
		{"unknown function", []string{"run", callsS, "--call", "nosuch(1)"}, exitUsage,
			[]string{`unknown symbol "nosuch": not defined in calls.s`, "Run 'kpemu run --help' for usage."}},
		{"unknown symbol argument", []string{"run", callsS, "--call", "chain_a(nosuch)"}, exitUsage,
			[]string{`argument 1 of chain_a: unknown symbol "nosuch"`}},
		{"bad call", []string{"run", callsS, "--call", "chain_a(1"}, exitUsage, []string{"missing ')'"}},
		{"no call", []string{"run", callsS}, exitUsage, []string{"run needs --call"}},
		{"bad show", []string{"run", callsS, "--call", "chain_a(1)", "--show", "bogus"}, exitUsage,
			[]string{"--show bogus: want a comma-separated list of phases,insns,regs,trace,profile,diagram"}},
		{"misaligned kprobe", []string{"run", callsS, "--call", "chain_a(1)", "--kprobe", "chain_b+2"}, exitRefused,
			[]string{"--kprobe chain_b+2: register_kprobe: -EINVAL: chain_b+0x2/0x30 is not 4-byte aligned"}},
		{"rejected kprobe", []string{"run", atomicsS, "--call", "atomic_fetch_add_lse(0, 1)", "--kprobe", "atomic_add_return_llsc+8"}, exitRefused,
			[]string{"register_kprobe: -EINVAL", "aarch64_insn_is_exclusive"}},
		{"kretprobe off entry", []string{"run", callsS, "--call", "chain_a(1)", "--kretprobe", "chain_c+4"}, exitRefused,
			[]string{"--kretprobe chain_c+4: register_kretprobe: -EINVAL"}},
		{"unknown kprobe symbol", []string{"run", callsS, "--call", "chain_a(1)", "--kprobe", "nosuch"}, exitRefused,
			[]string{`register_kprobe: -ENOENT: no symbol "nosuch"`}},
		{"guest fault", []string{"run", atomicsS, "--call", "atomic_fetch_add_lse(0, 1)"}, exitRun,
			[]string{"atomic_fetch_add_lse(0, 1): unhandled exception: DABT (current EL), ESR 0x96000007, at cpu0 pc 0xffff800008000048 (atomic_fetch_add_lse+0x4/0xc)", "FAR 0x0"}},
		{"svc in kernel code", []string{"run", spinS, "--call", "do_svc"}, exitRun,
			[]string{"do_svc(): unhandled exception: SVC64", "(do_svc+0x8/0x10)"}},
		{"unknown flag", []string{"run", "--bogus"}, exitUsage, []string{"unknown flag: --bogus"}},
		{"unknown command", []string{"bogus"}, exitUsage, []string{`unknown command "bogus" for "kpemu"`}},
		{"bad kernel version", []string{"--kernel-version", "v9", "run", callsS, "--call", "chain_a(1)"}, exitUsage,
			[]string{`unknown --kernel-version "v9": want one of v5.4, v6.1, v6.12, v6.17`}},
		{"no files", []string{"run", "--call", "f"}, exitUsage, []string{"kpemu run takes FILE... (got 0 arguments)"}},
		{"refused probe event", []string{"run", callsS, "--call", "chain_a(1)", "--probe", "r:bad chain_b+8 $retval"}, exitRefused,
			[]string{"the write to kprobe_events failed: -EINVAL; error_log:", "trace_kprobe: error: Retprobe address must be an function entry", "  Command: r:bad chain_b+8 $retval\n", "           ^"}},
		{"trace without events", []string{"run", callsS, "--call", "chain_a(1)", "--show", "trace"}, exitUsage,
			[]string{"--show trace needs probe events"}},
		{"pre-call without kprobe", []string{"run", callsS, "--call", "chain_a(1)", "--pre-call", "chain_c(1)"}, exitUsage,
			[]string{"--pre-call needs a --kprobe"}},
		{"missing probes file", []string{"run", callsS, "--call", "chain_a(1)", "--probes-file", "testdata/nosuch.events"}, exitInput,
			[]string{"testdata/nosuch.events"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := kpemu(tc.args...)
			assert.Equal(t, tc.code, r.code, "stderr: %s", r.stderr)
			for _, w := range tc.want {
				assert.Contains(t, r.stderr, w)
			}
			assert.True(t, strings.HasPrefix(r.stderr, "kpemu: "), "errors start with kpemu: %q", r.stderr)
			fmt.Fprintf(&all, "$ kpemu %s\nexit %d\n%s%s\n", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr)
		})
	}
	golden.Check(t, "testdata/run_errors.golden", all.Bytes())
}

// TestRunProbeEvents: --probe lines are kprobe_events lines; the events
// are enabled and the trace file printed after the call, in the ftrace
// format: the entry probe with its fetch arguments, the return probe
// with the return site and the function.
func TestRunProbeEvents(t *testing.T) {
	out := ok(t, "run", "../../examples/kernel_clone.s", "--call", "__do_sys_clone(17)",
		"--probe", "p:clone kernel_clone flags=+0(%x0):x64 sig=+32(%x0):s32",
		"--probe", "r:clone_ret kernel_clone ret=$retval")
	golden.Check(t, "testdata/run_probe_events.golden", []byte(out))
	assert.Contains(t, out, "# tracer: nop\n")
	assert.Contains(t, out, "# entries-in-buffer/entries-written: 2/2   #P:1\n")
	assert.Regexp(t, `kpemu-\d+ +\[000\] d\.\.\.\. +\d+\.\d{6}: clone: \(kernel_clone\+0x0/0x2c\) flags=0x0 sig=17\n`, out)
	assert.Regexp(t, `clone_ret: \(__do_sys_clone\+0x28/0x34 <- kernel_clone\) ret=0x4d2\n`, out)

	// The same lines from a file, and in JSON.
	file := filepath.Join(t.TempDir(), "probes")
	require.NoError(t, os.WriteFile(file, []byte("# clone\np:clone kernel_clone flags=+0(%x0):x64 sig=+32(%x0):s32\n\nr:clone_ret kernel_clone ret=$retval\n"), 0o644))
	assert.Equal(t, out, ok(t, "run", "../../examples/kernel_clone.s", "--call", "__do_sys_clone(17)", "--probes-file", file))
	js := ok(t, "--json", "run", "../../examples/kernel_clone.s", "--call", "__do_sys_clone(17)", "--probes-file", file)
	var rep struct{ Trace []string }
	require.NoError(t, json.Unmarshal([]byte(js), &rep))
	require.NotEmpty(t, rep.Trace)
	assert.Contains(t, rep.Trace[len(rep.Trace)-1], "clone_ret: (__do_sys_clone+0x28/0x34 <- kernel_clone) ret=0x4d2")
}

// TestRunPreCallReentry is test_kprobe_missed from the command line: the
// pre- and post-handler call the probed function, each call hits the
// probe again, and nmissed is 2.
func TestRunPreCallReentry(t *testing.T) {
	out := ok(t, "run", "../../examples/kernel_clone.s", "--call", "__do_sys_clone(17)",
		"--kprobe", "kernel_clone", "--pre-call", "__do_sys_clone(17)", "--show", "phases")
	assert.Contains(t, out, "kprobe kernel_clone: nmissed = 2\n")
	assert.Equal(t, 2, strings.Count(out, " missed "), out)
	assert.Contains(t, out, "  pre-handler: __do_sys_clone(17) returned 1234\n")
	assert.Contains(t, out, "  post-handler: __do_sys_clone(17) returned 1234\n")
}

func TestDisasm(t *testing.T) {
	out := ok(t, "disasm", callsS, atomicsS)
	golden.Check(t, "testdata/disasm.golden", []byte(out))
	lines := strings.Split(out, "\n")
	verdictOf := func(sym string) string {
		for _, l := range lines {
			if strings.Contains(l, sym) {
				return l[strings.Index(l, "// kprobe: "):]
			}
		}
		t.Fatalf("no line with %q", sym)
		return ""
	}
	assert.Equal(t, "// kprobe: xol", verdictOf("ffff800008000000:\td503233f"), "paciasp steps out of line")
	assert.Contains(t, verdictOf("\tbl      ffff800008000024 <chain_b>"), "simulate simulate_b_bl")
	assert.Contains(t, verdictOf("ldxr    x2, [x0]"), "reject -EINVAL aarch64_insn_is_exclusive")
	assert.Contains(t, verdictOf("add     x2, x2, x1"), "reject -EINVAL is_probed_address_atomic")
	assert.Contains(t, verdictOf("d50323bf \tautiasp"), "reject -EINVAL aarch64_insn_is_steppable_hint")
	assert.Contains(t, out, "\nffff800008000054 <chain_c>:\n")
	assert.Contains(t, out, "Disassembly of section .text:")
}

// TestDisasmProfiles: the verdicts follow the profile: v5.4 steps autiasp
// (any hint but the listed ones), v6.17 rejects it and simulates ret
// with simulate_ret (simulate_br_blr_ret before the split).
func TestDisasmProfiles(t *testing.T) {
	v54 := ok(t, "--kernel-version", "v5.4", "disasm", callsS, "--sym", "chain_a")
	v617 := ok(t, "disasm", callsS, "--sym", "chain_a")
	assert.Regexp(t, `autiasp +// kprobe: xol`, v54)
	assert.Regexp(t, `autiasp +// kprobe: reject -EINVAL`, v617)
	assert.Regexp(t, `ret +// kprobe: simulate simulate_br_blr_ret`, v54)
	assert.Regexp(t, `ret +// kprobe: simulate simulate_ret`, v617)
	assert.NotContains(t, v617, "<chain_b>:", "--sym prints one function")
}

func TestDisasmJSON(t *testing.T) {
	out := ok(t, "--json", "disasm", spinS, "--sym", "do_svc")
	golden.Check(t, "testdata/disasm_svc.json.golden", []byte(out))
	var doc struct {
		Functions []function `json:"functions"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Functions, 1)
	fn := doc.Functions[0]
	require.Len(t, fn.Insns, 4)
	svc := fn.Insns[2].Kprobe
	assert.Equal(t, "svc\t#0x0", fn.Insns[2].Text)
	assert.Equal(t, "reject", svc.How)
	assert.Equal(t, "EINVAL", svc.Errno)
	assert.Equal(t, "INSN_REJECTED", svc.Class)
	assert.Contains(t, svc.Rule, "aarch64_insn_is_exception")
}

func TestDisasmErrors(t *testing.T) {
	r := kpemu("disasm", callsS, "--sym", "nosuch")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown symbol "nosuch": not defined in calls.s`)
	r = kpemu("disasm", badS)
	assert.Equal(t, exitInput, r.code)
	assert.Contains(t, r.stderr, "testdata/bad.s:5:10:")
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
		code   int
		want   []string
	}{
		{"check_accepted", []string{callsS, "chain_b+0x10"}, exitOK,
			[]string{"result:   accepted, xol", "class:    INSN_GOOD", "mov     x19, x0", "slot:     0xffff8000f0000000"}},
		{"check_simulated", []string{callsS, "chain_b+0x18"}, exitOK,
			[]string{"result:   accepted, simulate", "INSN_GOOD_NO_SLOT", "handler:  simulate_b_bl"}},
		{"check_misaligned", []string{callsS, "chain_b+2"}, exitRefused,
			[]string{"result:   refused: -EINVAL", "reason:   chain_b+0x2/0x30 is not 4-byte aligned"}},
		{"check_ldxr", []string{atomicsS, "atomic_add_return_llsc+0x8"}, exitRefused,
			[]string{"refused: -EINVAL", "ldxr    x2, [x0]", "class:    INSN_REJECTED", "aarch64_insn_is_exclusive"}},
		{"check_svc", []string{spinS, "do_svc+8"}, exitRefused,
			[]string{"refused: -EINVAL", "svc     #0x0", "aarch64_insn_is_exception"}},
		{"check_unknown", []string{callsS, "nosuch"}, exitRefused,
			[]string{"refused: -ENOENT", `no symbol "nosuch"`}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			r := kpemu(append([]string{"check"}, tc.args...)...)
			assert.Equal(t, tc.code, r.code, "stderr: %s", r.stderr)
			golden.Check(t, "testdata/"+tc.golden+".golden", []byte(r.stdout))
			for _, w := range tc.want {
				assert.Contains(t, r.stdout, w)
			}
			if tc.code == exitRefused {
				assert.Contains(t, r.stderr, "refused: register_kprobe: -")
			} else {
				assert.Empty(t, r.stderr)
			}
		})
	}
}

func TestCheckProfileAndJSON(t *testing.T) {
	// autiasp: stepped before the v5.7 ptrauth change, refused after.
	r := kpemu("--kernel-version", "v5.4", "check", callsS, "chain_a+0x1c")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "hardware single step")
	r = kpemu("--json", "check", callsS, "chain_a+0x1c")
	assert.Equal(t, exitRefused, r.code)
	var v struct {
		Probe         string `json:"probe"`
		KernelVersion string `json:"kernel_version"`
		verdict
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
	assert.Equal(t, "chain_a+0x1c", v.Probe)
	assert.Equal(t, "v6.17", v.KernelVersion)
	assert.False(t, v.Accepted)
	assert.Equal(t, "EINVAL", v.Errno)
	assert.Equal(t, "d50323bf", v.Insn)

	r = kpemu("check", callsS)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "kpemu check takes FILE... and a probe site")
}

func TestAsm(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(callsS)
	require.NoError(t, err)
	in := filepath.Join(dir, "calls.s")
	require.NoError(t, os.WriteFile(in, src, 0o644))

	out := ok(t, "asm", in)
	assert.Contains(t, out, filepath.Join(dir, "calls.o")+": ")
	assert.Contains(t, out, "ELF64 relocatable")
	got, err := os.ReadFile(filepath.Join(dir, "calls.o"))
	require.NoError(t, err)
	o, err := asm.Assemble(in, src)
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, obj.WriteELF(&want, o))
	assert.Equal(t, want.Bytes(), got, "the object asm.Assemble and obj.WriteELF make")
	f, err := obj.OpenELF(filepath.Join(dir, "calls.o"))
	require.NoError(t, err)
	require.NotNil(t, f.Object)

	raw := ok(t, "asm", in, "--format", "raw", "-o", "-")
	require.Len(t, raw, 0x64, "chain_a, chain_b, chain_c: 25 instructions")
	assert.Equal(t, []byte{0x3f, 0x23, 0x03, 0xd5}, []byte(raw[:4]), "paciasp")

	// The object links and runs like the source.
	r := ok(t, "run", filepath.Join(dir, "calls.o"), "--call", "chain_a(5)")
	assert.Contains(t, r, fmt.Sprintf("returned %d ", kernellib.ChainA(5)))
}

func TestAsmErrors(t *testing.T) {
	r := kpemu("asm", badS, "-o", filepath.Join(t.TempDir(), "bad.o"))
	assert.Equal(t, exitInput, r.code)
	assert.Contains(t, r.stderr, "kpemu: testdata/bad.s:5:10: expected a register or an immediate but found 'q7'")
	r = kpemu("asm", callsS, "--format", "hex")
	assert.Equal(t, exitUsage, r.code)
	r = kpemu("asm", "testdata/nosuch.s")
	assert.Equal(t, exitInput, r.code)
}

func TestSymbols(t *testing.T) {
	out := ok(t, "symbols", callsS, atomicsS)
	golden.Check(t, "testdata/symbols_kallsyms.golden", []byte(out))
	assert.Contains(t, out, "ffff800008000000 T chain_a\n")
	assert.Contains(t, out, "ffff800008000064 T atomic_add_return_llsc\n")
	m := ok(t, "symbols", callsS, "--format", "system.map")
	assert.Contains(t, m, "ffff800008000054 T chain_c\n")
	hidden := ok(t, "symbols", callsS, "--hide-addresses")
	assert.Contains(t, hidden, "0000000000000000 T chain_b\n")
	base := ok(t, "symbols", callsS, "--base", "0xffff800010000000")
	assert.Contains(t, base, "ffff800010000024 T chain_b\n")
}

func TestHelp(t *testing.T) {
	root := ok(t, "--help")
	assert.Contains(t, root, "Exit codes:")
	assert.Contains(t, root, "3    a probe was refused")
	assert.Contains(t, root, "Examples:")
	for _, c := range []string{"run", "disasm", "check", "asm", "symbols", "step", "demo"} {
		out := ok(t, c, "--help")
		assert.Contains(t, out, "Examples:\n  kpemu "+c, "kpemu %s --help has an example", c)
	}
	codes := ok(t, "help", "exit-codes")
	assert.Contains(t, codes, "130  interrupted by SIGINT")
	run := ok(t, "run", "--help")
	assert.Contains(t, run, "hardware single step", "the stepping scheme per profile is explained")
	assert.Contains(t, ok(t, "--version"), "kpemu version ")
}

func TestDemoWired(t *testing.T) {
	out := ok(t, "demo")
	assert.Contains(t, out, "kpemu demo")
}

// TestProgress: the status line shows only after progressDelay, on the
// writer given, and is erased when the step ends; off a terminal nothing
// is written (every ok() call above checks stderr is empty).
func TestProgress(t *testing.T) {
	saved := progressDelay
	progressDelay = 20 * time.Millisecond
	defer func() { progressDelay = saved }()

	var quick bytes.Buffer
	startProgress(&quick, true, "quick").Stop()
	assert.Empty(t, quick.String(), "a fast step shows nothing")

	var slow syncBuffer
	p := startProgress(&slow, true, "loading vmlinux (300 MB)")
	time.Sleep(100 * time.Millisecond)
	p.Stop()
	text := slow.String()
	assert.Contains(t, text, "\r\033[Kkpemu: loading vmlinux (300 MB) (")
	assert.True(t, strings.HasSuffix(text, "\r\033[K"), "the line is erased: %q", text)

	var off bytes.Buffer
	p = startProgress(&off, false, "x")
	time.Sleep(50 * time.Millisecond)
	p.Stop()
	assert.Empty(t, off.String())
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestHelpExamplesRun runs every example of the help texts kpemu's own
// commands give whose input files exist in the repository (paths are
// relative to its root), so that the help stays true: each must exit 0,
// or 3 for a check whose probe is refused (said in its comment).
func TestHelpExamplesRun(t *testing.T) {
	a := &app{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	root := newRootCommand(a)
	ran := 0
	for _, cmd := range append(root.Commands(), root) {
		if cmd.Name() == "demo" || cmd.Example == "" {
			continue // demo's examples are its own helper's
		}
		for _, line := range strings.Split(cmd.Example, "\n") {
			line = strings.TrimSpace(line)
			comment := ""
			if i := strings.Index(line, "#"); i >= 0 {
				line, comment = strings.TrimSpace(line[:i]), line[i:]
			}
			args := shellWords(t, strings.TrimPrefix(line, "kpemu "))
			missing := false
			for i, arg := range args {
				if strings.HasPrefix(arg, "testdata/") {
					args[i] = "../../" + arg
				} else if strings.HasSuffix(arg, ".s") || arg == "vmlinux" || arg == "|" {
					missing = true // gcd.s, a vmlinux, a pipe: not in the repository
				}
			}
			if missing {
				continue
			}
			ran++
			r := kpemu(args...)
			want := exitOK
			if strings.Contains(comment, "-EINVAL") {
				want = exitRefused
			}
			assert.Equal(t, want, r.code, "example %q: %s", line, r.stderr)
		}
	}
	assert.GreaterOrEqual(t, ran, 10, "the examples were found")
}

// shellWords splits a command line as sh does for the examples' simple
// quoting ('...').
func shellWords(t *testing.T, s string) []string {
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	require.False(t, quoted, "unbalanced quote in %q", s)
	if in {
		words = append(words, cur.String())
	}
	return words
}

// TestRunPointerArgument: a symbol as an argument passes its address (a
// pointer to a global), here to an LL/SC atomic on jiffies.
func TestRunPointerArgument(t *testing.T) {
	globals := "../../testdata/kernel/globals.s"
	out := ok(t, "run", globals, atomicsS, "--call", "atomic_add_return_llsc(jiffies, 7)", "--kprobe", "atomic_add_return_llsc+0x4")
	var jiffies uint64
	assert.Contains(t, out, fmt.Sprintf("atomic_add_return_llsc(jiffies, 7) returned %d ", kernellib.AtomicAddReturn(&jiffies, 7)))
	assert.Contains(t, out, "<atomic_add_return_llsc> p->addr = ", "prfm before the ldxr is probed out of line")

	// Negative numbers are passed as two's complement; --base moves the
	// code.
	out = ok(t, "run", "../../testdata/kernel/select.s", "--base", "0xffff800010000000", "--call", "clamp(-5, -3, 10)", "--show", "regs")
	assert.Contains(t, out, fmt.Sprintf("clamp(-5, -3, 10) returned %d ", uint64(kernellib.Clamp(-5, -3, 10))))
	assert.Regexp(t, `x0 +0xfffffffffffffffd`, out)
}

func TestCheckAddressForms(t *testing.T) {
	// adrp is simulated; the same site by address and by symbol.
	bySym := kpemu("check", "../../testdata/kernel/globals.s", "prime_at+0x8")
	byAddr := kpemu("check", "../../testdata/kernel/globals.s", "0xffff800008000008")
	require.Equal(t, exitOK, bySym.code, bySym.stderr)
	require.Equal(t, exitOK, byAddr.code, byAddr.stderr)
	assert.Contains(t, bySym.stdout, "handler:  simulate_adr_adrp")
	_, restSym, _ := strings.Cut(bySym.stdout, "\n")
	_, restAddr, _ := strings.Cut(byAddr.stdout, "\n")
	assert.Equal(t, restSym, restAddr, "the same verdict either way")

	r := kpemu("check", callsS, "0x1000")
	assert.Equal(t, exitRefused, r.code)
	assert.Contains(t, r.stdout, "refused: -ENOENT", "an address in no symbol")
	r = kpemu("check", callsS, "chain_b+zz")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `bad offset in "chain_b+zz"`)
}

func TestSymbolsAndAsmJSON(t *testing.T) {
	out := ok(t, "--json", "symbols", callsS)
	var syms []struct{ Addr, Type, Name string }
	require.NoError(t, json.Unmarshal([]byte(out), &syms))
	require.Len(t, syms, 3)
	assert.Equal(t, "chain_a", syms[0].Name)
	assert.Equal(t, "0xffff800008000000", syms[0].Addr)
	assert.Equal(t, "T", syms[0].Type)

	o := filepath.Join(t.TempDir(), "x.o")
	out = ok(t, "--json", "asm", callsS, "-o", o)
	var doc struct {
		Output, Format string
		Bytes          int
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, o, doc.Output)
	assert.Equal(t, "elf", doc.Format)
	st, err := os.Stat(o)
	require.NoError(t, err)
	assert.Equal(t, int64(doc.Bytes), st.Size())
}

// kpemuIn runs kpemu with stdin.
func kpemuIn(stdin string, args ...string) result {
	var out, errb bytes.Buffer
	code := execute(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// TestStep drives the stepper (internal/stepper) through the command with
// a script on stdin: the glue gives it the loaded machine, the kprobe
// subsystem of the profile, the call and the budget.
func TestStep(t *testing.T) {
	r := kpemuIn("probe chain_c\nc\nregs\n", "step", callsS, "--call", "chain_a(5)")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "(kpemu) probe chain_c\n", "commands are echoed: a transcript")
	assert.Contains(t, r.stdout, "<chain_c> p->addr = 0xffff800008000054, pc = 0xffff800008000054, pstate = 0x5")
	assert.Contains(t, r.stdout, fmt.Sprintf("returned %#x (%d)", kernellib.ChainA(5), kernellib.ChainA(5)))
	assert.Contains(t, r.stdout, "ss-brk-hit", "v6.17 ends the step with BRK #6")

	// The profile reaches the stepper's kprobe subsystem: v5.4 steps the
	// slot with the hardware single step.
	script := filepath.Join(t.TempDir(), "cmds")
	require.NoError(t, os.WriteFile(script, []byte("probe chain_c\nc\n"), 0o644))
	r = kpemu("--kernel-version", "v5.4", "step", callsS, "--call", "chain_a", "--args", "5", "--script", script)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "single-step")
	assert.NotContains(t, r.stdout, "ss-brk-hit")

	// A script session ends on SIGINT (the canceled context), exit 130.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := execute(ctx, []string{"step", spinS, "--call", "spin(0)"}, strings.NewReader("c\n"), &out, &errb)
	assert.Equal(t, exitInterrupted, code, errb.String())

	r = kpemu("step", callsS)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "step needs --call")
	r = kpemu("step", callsS, "--call", "chain_a(1)", "--script", "testdata/nosuch")
	assert.Equal(t, exitInput, r.code)
}

// TestBadInputGolden pins what every command says to bad input, and its
// exit code: a missing file, a syntax error in a .s file (file:line:col),
// an unknown symbol, a misaligned offset, a rejected instruction, a
// runaway loop stopped by the instruction budget.
func TestBadInputGolden(t *testing.T) {
	var all bytes.Buffer
	for _, args := range [][]string{
		{"check", "testdata/nosuch.s", "chain_b"},
		{"check", badS, "broken"},
		{"check", callsS, "nosuch+4"},
		{"check", callsS, "chain_b+2"},
		{"check", atomicsS, "atomic_add_return_llsc+8"},
		{"check", spinS, "do_svc+8"},
		{"disasm", "testdata/nosuch.s"},
		{"disasm", badS},
		{"disasm", callsS, "--sym", "nosuch"},
		{"asm", "testdata/nosuch.s"},
		{"asm", badS, "-o", "-"},
		{"symbols", "testdata/nosuch.o"},
		{"step", "testdata/nosuch.s", "--call", "f"},
		{"step", callsS, "--call", "nosuch(1)"},
		{"run", spinS, "--call", "spin(0)", "--max-insns", "1000"},
		{"run", callsS, "--call", "chain_a(1)", "--kprobe", "chain_b+2"},
	} {
		r := kpemu(args...)
		assert.NotEqual(t, exitOK, r.code, "kpemu %s", strings.Join(args, " "))
		assert.True(t, strings.HasPrefix(r.stderr, "kpemu: "), "errors start with kpemu: %q", r.stderr)
		fmt.Fprintf(&all, "$ kpemu %s\nexit %d\n%s%s\n", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	golden.Check(t, "testdata/bad_input.golden", all.Bytes())
}

// TestStepTranscript pins a whole stepper session through the command
// line: a probe planted, the hit phase by phase, the slot, the resume.
func TestStepTranscript(t *testing.T) {
	r := kpemuIn("probe chain_c\nb chain_c\nc\nphase\nphase\nphase\nphase\nx/2i $pc\nphase\nphase\nphase\nphase\nbt\nfinish\nlist\nquit\n",
		"step", callsS, "--call", "chain_a(5)")
	require.Equal(t, exitOK, r.code, r.stderr)
	golden.Check(t, "testdata/step_transcript.golden", []byte(r.stdout))
	assert.Regexp(t, `(?s)brk-hit.*handler.*pre-handler.*xol-enter.*brk     #0x6.*ss-brk-hit.*daif-restored.*post-handler.*resume`, r.stdout)
}

// TestAsmRawGolden pins the raw bytes of the kernel-style call chain.
func TestAsmRawGolden(t *testing.T) {
	raw := ok(t, "asm", callsS, "--format", "raw", "-o", "-")
	var b strings.Builder
	for i := 0; i+4 <= len(raw); i += 4 {
		fmt.Fprintf(&b, "%04x: %02x%02x%02x%02x\n", i, raw[i+3], raw[i+2], raw[i+1], raw[i])
	}
	golden.Check(t, "testdata/asm_calls_raw.golden", []byte(b.String()))
}

// TestStepping: --stepping picks the scheme (hw: the newest profile
// before v5.10, v5.4), and must agree with --kernel-version when both
// are given.
func TestStepping(t *testing.T) {
	out := ok(t, "--stepping", "hw", "run", callsS, "--call", "chain_a(5)", "--kprobe", "chain_b", "--show", "phases")
	assert.Contains(t, out, "single-step")
	assert.NotContains(t, out, "ss-brk-hit")
	out = ok(t, "--stepping", "brk", "run", callsS, "--call", "chain_a(5)", "--kprobe", "chain_b", "--show", "phases")
	assert.Contains(t, out, "ss-brk-hit")
	ok(t, "--stepping", "hw", "--kernel-version", "v5.4", "run", callsS, "--call", "chain_a(5)")

	r := kpemu("--stepping", "hw", "--kernel-version", "v6.1", "run", callsS, "--call", "chain_a(5)")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--stepping hw does not match --kernel-version v6.1: the XOL slot is the instruction then BRK #6")
	r = kpemu("--stepping", "sideways", "run", callsS, "--call", "chain_a(5)")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown --stepping "sideways"`)
}

// TestNoJSONForms: step and demo have no JSON form and say so (usage).
func TestNoJSONForms(t *testing.T) {
	r := kpemu("--json", "step", callsS, "--call", "chain_a(1)")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "step has no JSON form")
	r = kpemu("--json", "demo")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "demo has no JSON form")
}

// TestDemoStepping: --stepping reaches the demo, which reads the profile
// from the flag.
func TestDemoStepping(t *testing.T) {
	out := ok(t, "--stepping", "hw", "demo")
	assert.Contains(t, out, "kernel profile v5.4")
}
