package kprobe

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kl "github.com/kpemu/kpemu/internal/kernellib"
)

// A probe hit while an out-of-line step is pending (HIT_SS) or at the
// second nesting level (REENTER) is the kernel's BUG (§5.6).
func TestReenterFatal(t *testing.T) {
	for _, status := range []int{KPROBE_HIT_SS, KPROBE_REENTER} {
		m := kl.NewMachine(t)
		l := kl.Load(t, m)
		s, err := New(m, &Options{Symbols: l.Symbols})
		require.NoError(t, err)
		outer := &Kprobe{SymbolName: "chain_a", Offset: 4}
		require.NoError(t, s.RegisterKprobe(outer))
		p := &Kprobe{SymbolName: "chain_c"}
		require.NoError(t, s.RegisterKprobe(p))
		s.kcb[0].current, s.kcb[0].status = outer, status
		_, err = m.Call(context.Background(), p.Addr, []uint64{1}, nil)
		var oops *Oops
		require.ErrorAs(t, err, &oops)
		assert.Equal(t, "Failed to recover from reentered kprobes.", oops.Msg)
		assert.Equal(t, p.Addr, oops.PC)
	}
}
