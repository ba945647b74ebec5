package kprobe_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// TestAggregation: several probes at one address (§7.2).
func TestAggregation(t *testing.T) {
	for _, off := range []uint64{0, 0x10} { // XOL (paciasp) and simulated (bl)
		f := newFixture(t, nil)
		a := f.addr(t, "chain_a") + off
		orig := f.word(t, a)
		var order []string
		mk := func(name string, ret int) *kprobe.Kprobe {
			return &kprobe.Kprobe{SymbolName: "chain_a", Offset: off,
				PreHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
					assert.Equal(t, a, regs.PC)
					order = append(order, "pre "+name)
					return ret
				},
				PostHandler: func(p *kprobe.Kprobe, regs *kprobe.PtRegs, flags uint64) {
					order = append(order, "post "+name)
				}}
		}
		p1, p2, p3 := mk("1", 0), mk("2", 0), mk("3", 0)
		require.NoError(t, f.s.RegisterKprobe(p1))
		slot := p1.Slot()
		require.NoError(t, f.s.RegisterKprobe(p2))
		require.NoError(t, f.s.RegisterKprobe(p3))
		ap := f.s.GetKprobe(a)
		require.NotNil(t, ap)
		assert.True(t, ap.IsAggregator())
		assert.Equal(t, []*kprobe.Kprobe{p3, p2, p1}, ap.Children())
		assert.Equal(t, slot, ap.Slot())
		assert.Equal(t, slot, p3.Slot())

		assert.Equal(t, kl.ChainA(5), f.call(t, "chain_a", 5))
		assert.Equal(t, []string{"pre 3", "pre 2", "pre 1", "post 3", "post 2", "post 1"}, order, "newest first")

		// A disabled child is skipped; the address stays armed.
		order = nil
		require.NoError(t, f.s.DisableKprobe(p2))
		assert.EqualValues(t, brk4, f.word(t, a))
		assert.Equal(t, kl.ChainA(6), f.call(t, "chain_a", 6))
		assert.Equal(t, []string{"pre 3", "pre 1", "post 3", "post 1"}, order)

		// All disabled: disarmed; enabling one re-arms.
		require.NoError(t, f.s.DisableKprobe(p1))
		require.NoError(t, f.s.DisableKprobe(p3))
		assert.Equal(t, orig, f.word(t, a))
		require.NoError(t, f.s.EnableKprobe(p1))
		assert.EqualValues(t, brk4, f.word(t, a))
		order = nil
		f.call(t, "chain_a", 7)
		assert.Equal(t, []string{"pre 1", "post 1"}, order)
		require.NoError(t, f.s.EnableKprobe(p2))
		require.NoError(t, f.s.EnableKprobe(p3))

		// Unregistering children: the address stays armed until the last.
		f.s.UnregisterKprobe(p3)
		assert.EqualValues(t, brk4, f.word(t, a))
		assert.Equal(t, []*kprobe.Kprobe{p2, p1}, ap.Children())
		order = nil
		assert.Equal(t, kl.ChainA(8), f.call(t, "chain_a", 8))
		assert.Equal(t, []string{"pre 2", "pre 1", "post 2", "post 1"}, order)
		f.s.UnregisterKprobes([]*kprobe.Kprobe{p2, p1})
		assert.Equal(t, orig, f.word(t, a))
		assert.Nil(t, f.s.GetKprobe(a))
		if slot != 0 {
			q, _ := f.counting(t, "chain_c", 4)
			assert.Equal(t, slot, q.Slot(), "the aggregator's slot was freed with it")
		}
	}
}

func TestAggregatePreNonZeroStops(t *testing.T) {
	f := newFixture(t, nil)
	var order []string
	posts := 0
	older := &kprobe.Kprobe{SymbolName: "chain_c",
		PreHandler:  func(*kprobe.Kprobe, *kprobe.PtRegs) int { order = append(order, "older"); return 0 },
		PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { posts++ }}
	newer := &kprobe.Kprobe{SymbolName: "chain_c",
		PreHandler: func(_ *kprobe.Kprobe, regs *kprobe.PtRegs) int {
			order = append(order, "newer")
			regs.RegsSetReturnValue(7)
			regs.InstructionPointerSet(regs.ProcedureLinkPointer())
			return 1
		}}
	require.NoError(t, f.s.RegisterKprobe(older))
	require.NoError(t, f.s.RegisterKprobe(newer))
	assert.EqualValues(t, 7, f.call(t, "chain_c", 100))
	assert.Equal(t, []string{"newer"}, order)
	assert.Zero(t, posts)
}

// A miss on an aggregated address counts on every child.
func TestAggregateNmissed(t *testing.T) {
	f := newFixture(t, nil)
	fn := f.addr(t, "chain_c")
	p1 := &kprobe.Kprobe{SymbolName: "chain_c",
		PreHandler: func(*kprobe.Kprobe, *kprobe.PtRegs) int {
			_, err := f.m.Call(context.Background(), fn, []uint64{3}, nil)
			require.NoError(t, err)
			return 0
		}}
	p2 := &kprobe.Kprobe{SymbolName: "chain_c"}
	require.NoError(t, f.s.RegisterKprobe(p1))
	require.NoError(t, f.s.RegisterKprobe(p2))
	assert.Equal(t, kl.ChainC(4), f.call(t, "chain_c", 4))
	assert.EqualValues(t, 1, p1.NMissed)
	assert.EqualValues(t, 1, p2.NMissed)
}
