package diagram_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/diagram"
	"github.com/kpemu/kpemu/kprobe"
)

// Any phase stream, however out of order, splits and draws without a
// panic, and the SVG stays well-formed.
func FuzzHits(f *testing.F) {
	f.Add([]byte{2, 3, 4, 5, 7, 9, 10, 11})
	f.Add([]byte{2, 3, 13, 4, 6, 10, 11, 14, 11})
	f.Add([]byte{2, 3, 2, 12, 5, 7, 9, 11, 4, 5, 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &kprobe.Kprobe{SymbolName: "f"}
		var events []kprobe.PhaseEvent
		for i, b := range data {
			e := kprobe.PhaseEvent{Phase: kprobe.Phase(b % 18), CPU: int(b>>5) - 1, PC: uint64(i) * 4,
				ESR: uint64(b&0x10) << 24, Slot: uint64(b & 0x20), Insn: uint32(b) << 20, DAIF: uint64(b&0xf) << 6,
				Sym: "f+0x0/0x10", Result: int(b & 1)}
			if b&0x40 != 0 {
				e.Probe = p
			}
			if b&0x80 != 0 {
				e.Changed = []kprobe.RegChange{{Name: "x30", Old: 8, New: 16}, {Name: "pc", Old: 4, New: 8},
					{Name: "x0", Old: 1, New: 8}, {Name: "pstate", Old: 0x3c5, New: 5}}
			}
			events = append(events, e)
		}
		for _, hit := range diagram.Hits(events) {
			require.NotEmpty(t, hit)
			var buf bytes.Buffer
			require.NoError(t, diagram.WriteSVG(&buf, hit, nil))
			wellFormed(t, buf.Bytes())
		}
	})
}
