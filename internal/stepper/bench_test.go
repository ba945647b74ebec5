package stepper

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkContinue measures c over fib(15): the session steps one
// instruction at a time, checking its stop conditions between them.
func BenchmarkContinue(b *testing.B) {
	f := newFixtureTB(b, "recursion.s")
	entry, _ := f.l.Addr("fib")
	var insns uint64
	for b.Loop() {
		var out bytes.Buffer
		s, err := New(Config{Machine: f.m, Kprobes: f.kp, Entry: entry, Args: []uint64{15},
			In: strings.NewReader("c\n"), Out: &out})
		require.NoError(b, err)
		before := f.m.CPU(0).Retired()
		require.NoError(b, s.Run(context.Background()))
		insns += f.m.CPU(0).Retired() - before
		require.Contains(b, out.String(), "returned 0x262 (610)")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(insns), "ns/insn")
}
