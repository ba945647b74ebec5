package emu

import (
	"context"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/require"
)

// loopWords is the benchmark loop of issue "execution core":
//
//	1:	add	x0, x0, #0x1
//		subs	x1, x1, #0x1
//		b.ne	1b
//		brk	#0x0      // not reached: the run stops at its address
var loopWords = []uint32{0x91000400, 0xf1000421, 0x54ffffc1, 0xd4200000}

const loopInsns = 3 // instructions per iteration

// BenchmarkLoop reports guest instructions per second (insn/s) of the
// interpreter, plain and with a Go code hook on every instruction. The
// Unicorn engine's figures, under the build tag unicorn, are sub-benchmarks
// of the same run (bench_unicorn_test.go).
func BenchmarkLoop(b *testing.B) {
	b.Run("interp", func(b *testing.B) { benchInterp(b, false) })
	b.Run("interp-hooked", func(b *testing.B) { benchInterp(b, true) })
	benchUnicornLoop(b)
}

func benchInterp(b *testing.B, hooked bool) {
	m := newTestMachine(b, nil, loopWords...)
	var seen uint64
	if hooked {
		m.AddCodeHook(0, ^uint64(0), func(c *CPU, pc uint64, in *arm64.Inst) { seen++ })
	}
	c := m.CPU(0)
	c.SetX(1, uint64(b.N))
	b.ResetTimer()
	r, err := m.Run(context.Background(), &RunOptions{StopAt: []uint64{testCode + 12}})
	b.StopTimer()
	require.NoError(b, err)
	require.Equal(b, StopAddress, r.Reason)
	require.Equal(b, uint64(b.N), c.X(0))
	insns := float64(b.N) * loopInsns
	if hooked {
		require.Equal(b, uint64(b.N)*loopInsns, seen)
	}
	b.ReportMetric(insns/b.Elapsed().Seconds(), "insn/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/insns, "ns/insn")
}
