//go:build unicorn

package emu

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/kpemu/kpemu/emu/unicorn"
	"github.com/stretchr/testify/require"
)

// benchUnicornLoop measures the same loop on Unicorn (CPU model A72, which
// has what the loop needs), plain and with a Go code hook on every
// instruction, so that `make bench` compares the engines in one run.
func benchUnicornLoop(b *testing.B) {
	b.Run("unicorn", func(b *testing.B) { benchUnicorn(b, false) })
	b.Run("unicorn-hooked", func(b *testing.B) { benchUnicorn(b, true) })
}

func benchUnicorn(b *testing.B, hooked bool) {
	e, err := unicorn.New(unicorn.CPUA72)
	require.NoError(b, err)
	defer e.Close()
	const base = 0x10000
	require.NoError(b, e.Map(base, 0x1000, unicorn.PermR|unicorn.PermX))
	code := make([]byte, 4*len(loopWords))
	for i, w := range loopWords {
		binary.LittleEndian.PutUint32(code[4*i:], w)
	}
	require.NoError(b, e.WriteMem(base, code))
	var seen uint64
	if hooked {
		// begin > end: every address, as Unicorn defines it.
		_, err := e.HookCode(1, 0, func(addr uint64, size uint32) { seen++ })
		require.NoError(b, err)
	}
	require.NoError(b, e.RegWrite(unicorn.X0, 0))
	require.NoError(b, e.RegWrite(unicorn.X1, uint64(b.N)))
	b.ResetTimer()
	err = e.Start(base, base+12, time.Duration(0), 0)
	b.StopTimer()
	require.NoError(b, err)
	x0, err := e.RegRead(unicorn.X0)
	require.NoError(b, err)
	require.Equal(b, uint64(b.N), x0)
	insns := float64(b.N) * loopInsns
	if hooked {
		require.Equal(b, uint64(b.N)*loopInsns, seen)
	}
	b.ReportMetric(insns/b.Elapsed().Seconds(), "insn/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/insns, "ns/insn")
}
