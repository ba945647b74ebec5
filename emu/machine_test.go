package emu

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// The layout of test machines: kernel-half addresses, as kpemu's users
// mostly run kernel code at EL1.
const (
	testCode  uint64 = 0xffff_8000_1000_0000 // r-x, 64 KiB
	testData  uint64 = 0xffff_8000_2000_0000 // rw-, 64 KiB
	testStack uint64 = 0xffff_8000_3000_0000 // rw-, 64 KiB; SP starts at its top
	testArea         = 0x10000
)

// newTestMachine returns a machine (nil cfg: defaults) with the test layout
// mapped, words written at testCode, PC there, and SP at the top of the
// test stack.
func newTestMachine(t testing.TB, cfg *Config, words ...uint32) *Machine {
	t.Helper()
	m, err := New(cfg)
	require.NoError(t, err)
	require.NoError(t, m.Map(testCode, testArea, PermRX))
	require.NoError(t, m.Map(testData, testArea, PermRW))
	require.NoError(t, m.Map(testStack, testArea, PermRW))
	writeWords(t, m, testCode, words...)
	c := m.CPU(0)
	c.SetPC(testCode)
	c.SetSP(testStack + testArea)
	return m
}

// writeWords stores instruction words at addr.
func writeWords(t testing.TB, m *Machine, addr uint64, words ...uint32) {
	t.Helper()
	b := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	require.NoError(t, m.Memory().Write(addr, b))
}

// stepN executes exactly n instructions on CPU 0 and requires that nothing
// stopped the run early.
func stepN(t testing.TB, m *Machine, n uint64) {
	t.Helper()
	r, err := m.Step(context.Background(), 0, n)
	require.NoError(t, err)
	require.Equal(t, n, r.Executed, "instructions executed")
}
