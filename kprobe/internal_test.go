package kprobe

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
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

// TestSlotCachePages: a page holds PAGE_SIZE / slot size slots (512 of
// 8 bytes since v5.10, 1024 of 4 before); the next one opens a new page,
// listed first; a page emptied is released unless it is the only one.
func TestSlotCachePages(t *testing.T) {
	for _, v := range []Version{V5_4, V6_17} {
		t.Run(v.Name, func(t *testing.T) {
			f := newVerFixture(t, v)
			sc := &f.s.slots
			n := sc.perPage()
			assert.Equal(t, int(emu.PageSize/sc.size), n)
			if v.BrkSingleStep {
				assert.Equal(t, 512, n)
			} else {
				assert.Equal(t, 1024, n)
			}
			var slots []uint64
			for range n {
				a, err := sc.get()
				require.NoError(t, err)
				slots = append(slots, a)
			}
			require.Len(t, f.s.InsnPages(), 1)
			assert.Equal(t, slots[0]+uint64(n-1)*sc.size, slots[n-1])
			next, err := sc.get()
			require.NoError(t, err)
			pages := f.s.InsnPages()
			require.Len(t, pages, 2)
			assert.Equal(t, next, pages[0], "the new page is listed first, its slot 0 taken")
			sc.put(next)
			assert.Len(t, f.s.InsnPages(), 1, "the emptied page is released")
			assert.True(t, sc.isInsnSlot(slots[n-1]))
		})
	}
}
