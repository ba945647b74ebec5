package kprobe_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/kprobe"
)

// benchSource is a small kernel-style function and a guest loop calling it
// n times, so that one m.Call runs all of a benchmark's hits and the
// host-side Call overhead does not count per hit. bench_target(x) returns
// x+1; bench_loop(n) returns n (0+1+...+1) after n calls.
const benchSource = `
	.text
	.globl	bench_target
	.type	bench_target, %function
	.p2align 2
bench_target:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	add	x0, x0, #1		// +0x8: stepped out of line
	cbz	x0, 1f			// +0xc: simulated
	nop
1:	ldp	x29, x30, [sp], #16
	ret
	.size	bench_target, .-bench_target

	.globl	bench_loop
	.type	bench_loop, %function
	.p2align 2
bench_loop:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	x19, x0
	mov	x20, #0
2:	cbz	x19, 3f
	mov	x0, x20
	bl	bench_target
	mov	x20, x0
	sub	x19, x19, #1
	b	2b
3:	mov	x0, x20
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	.size	bench_loop, .-bench_loop
`

const (
	benchBase  = 0xffff800008000000
	benchStack = 0xffff800030000000
	benchXOL   = 0x8 // add x0, x0, #1
	benchSim   = 0xc // cbz x0, 1f
	benchWarm  = 64  // calls before timing: fills the decoded-instruction cache
)

type benchFixture struct {
	m          *emu.Machine
	s          *kprobe.Subsystem
	loop, targ uint64
}

func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	m, err := emu.New(nil)
	require.NoError(b, err)
	require.NoError(b, m.Map(benchStack, 0x4000, emu.PermRW))
	m.CPU(0).SetSP(benchStack + 0x4000)
	l, err := loader.LoadSource(m, "bench.s", []byte(benchSource), &loader.Options{Base: benchBase})
	require.NoError(b, err)
	s, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	require.NoError(b, err)
	loop, ok := l.Addr("bench_loop")
	require.True(b, ok)
	targ, ok := l.Addr("bench_target")
	require.True(b, ok)
	return &benchFixture{m, s, loop, targ}
}

// run calls bench_loop(n) once and returns how long it took.
func (f *benchFixture) run(b *testing.B, n int) time.Duration {
	b.Helper()
	t0 := time.Now()
	got, err := f.m.Call(context.Background(), f.loop, []uint64{uint64(n)},
		&emu.CallOptions{Budget: 64*uint64(n) + 1<<20})
	d := time.Since(t0)
	require.NoError(b, err)
	require.EqualValues(b, n, got, "bench_loop(%d)", n)
	return d
}

// BenchmarkProbeHit reports the host time one probe hit adds (ns/hit): the
// guest loop runs b.N calls unprobed (the baseline, base-ns/iter) and then
// b.N calls probed, in the same run. Sub-benchmarks: xol (an instruction
// stepped out of line, arch/arm64/kernel/probes/kprobes.c:setup_singlestep
// with a slot), simulated (a branch, simulate_insn from the BRK handler)
// and kretprobe (entry probe plus the return through
// __kretprobe_trampoline).
func BenchmarkProbeHit(b *testing.B) {
	kprobeCase := func(off uint64, class kprobe.InsnClass) func(*benchFixture, *testing.B) (func() int, func()) {
		return func(f *benchFixture, b *testing.B) (func() int, func()) {
			var pre, post int
			p := &kprobe.Kprobe{SymbolName: "bench_target", Offset: off,
				PreHandler:  func(*kprobe.Kprobe, *kprobe.PtRegs) int { pre++; return 0 },
				PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { post++ },
			}
			require.NoError(b, f.s.RegisterKprobe(p))
			require.Equal(b, class, p.Decision().Class, "the probed instruction's class")
			hits := func() int {
				require.Equal(b, pre, post, "pre- and post-handler calls")
				return pre
			}
			return hits, func() { pre, post = 0, 0 }
		}
	}
	cases := []struct {
		name string
		arm  func(*benchFixture, *testing.B) (hits func() int, reset func())
	}{
		{"xol", kprobeCase(benchXOL, kprobe.InsnGood)},
		{"simulated", kprobeCase(benchSim, kprobe.InsnGoodNoSlot)},
		{"kretprobe", func(f *benchFixture, b *testing.B) (func() int, func()) {
			var n int
			rp := &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: "bench_target"},
				Handler: func(_ *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int { n++; return 0 }}
			require.NoError(b, f.s.RegisterKretprobe(rp))
			hits := func() int {
				require.Zero(b, rp.TotalMissed())
				return n
			}
			return hits, func() { n = 0 }
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			f := newBenchFixture(b)
			f.run(b, benchWarm)
			b.ResetTimer()
			base := f.run(b, b.N)

			b.StopTimer()
			hits, reset := tc.arm(f, b)
			f.run(b, benchWarm)
			require.Equal(b, benchWarm, hits(), "hits while warming up")
			reset()
			b.StartTimer()

			probed := f.run(b, b.N)
			b.StopTimer()
			require.Equal(b, b.N, hits(), "one hit per call")
			b.ReportMetric(float64(probed-base)/float64(b.N), "ns/hit")
			b.ReportMetric(float64(base)/float64(b.N), "base-ns/iter")
		})
	}
}
