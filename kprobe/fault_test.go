package kprobe_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	kl "github.com/kpemu/kpemu/internal/kernellib"
)

// The out-of-line instruction faults: PC goes back to the probe address,
// the kprobe state is unwound (§5.10); once the fault is resolved the
// probe fires again.
func TestFaultInSlot(t *testing.T) {
	f := newFixture(t, nil)
	p, c := f.counting(t, "strlen", 8) // ldrb w2, [x1], #1
	require.NotZero(t, p.Slot())
	end := uint64(kl.Scratch + kl.ScratchSize)
	require.NoError(t, f.m.Memory().Write(end-2, []byte{'a', 'b'}))
	f.m.CPU(0).SetDAIF(0)

	_, err := f.m.Call(context.Background(), f.addr(t, "strlen"), []uint64{end - 2}, nil)
	var ee *emu.ExceptionError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, emu.ECDataAbortCur, ee.Exception.EC)
	assert.Equal(t, p.Slot(), ee.Exception.ELR, "the fault is in the slot")
	assert.Equal(t, p.Addr, f.m.CPU(0).PC(), "resumes at the probe address")
	assert.Zero(t, f.m.CPU(0).DAIF(), "DAIF restored")
	assert.Nil(t, f.s.KprobeRunning(0))
	assert.Equal(t, 3, c.pre)
	assert.Equal(t, 2, c.post)

	// A handler that resolves the fault (maps the page): the BRK at the
	// probe address runs again and the string ends there.
	f.m.HandleException(emu.ECDataAbortCur, func(cpu *emu.CPU, e *emu.Exception) (bool, error) {
		if err := f.m.Map(end, emu.PageSize, emu.PermRW); err != nil {
			return false, err
		}
		assert.Equal(t, p.Addr, cpu.ELR())
		return true, nil
	})
	f.m.CPU(0).SetSP(kl.Stack + kl.StackSize)
	c.pre, c.post = 0, 0
	n, err := f.m.Call(context.Background(), f.addr(t, "strlen"), []uint64{end - 2}, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	assert.Equal(t, 4, c.pre, "the faulting step's probe fired again")
	assert.Equal(t, 3, c.post)
}
