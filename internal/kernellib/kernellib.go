// Package kernellib is a small library of kernel-style arm64 functions
// for tests: assembly sources in testdata/kernel (one file per theme, each
// function with the prologue and epilogue GCC gives kernel code built with
// -mbranch-protection=standard) and a C file compiled for the kernel
// (testdata/kernel/c), with a Go reference for what each function
// computes (reference.go).
//
// The functions cover what a probe or a tracer meets in a real kernel: a
// call chain, recursion, PC-relative loads of globals, LL/SC and LSE
// atomics, jump tables, string and memory loops, conditional selects,
// bitfield logic, structures read through pointers. Later work (the kprobe
// model) probes every instruction of them; Load gives it a machine with
// all of them and their symbols.
package kernellib

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
)

// The machine's layout: the library at a kernel text address, a kernel
// stack and a scratch area for the buffers and structures the functions
// take pointers to.
const (
	Base        = 0xffff800008000000
	Stack       = 0xffff800030000000
	StackSize   = 64 << 10 // ackermann(3, 5) nests about 250 frames of 32 bytes
	Scratch     = 0xffff800040000000
	ScratchSize = 64 << 10
)

// Sources are the assembly files of the library, in testdata/kernel.
var Sources = []string{
	"atomics.s",
	"bits.s",
	"calls.s",
	"globals.s",
	"recursion.s",
	"select.s",
	"string.s",
	"struct.s",
	"switch.s",
}

// Functions are the functions the sources define, each with a Go
// reference in reference.go.
var Functions = []string{
	"atomic_add_return_llsc", "cmpxchg_llsc", "atomic_fetch_add_lse", "cmpxchg_lse",
	"popcount64", "bitrev32", "pte_pfn", "pte_mkpfn", "hash_64",
	"chain_a", "chain_b", "chain_c",
	"prime_at", "jiffies_add",
	"fib", "ackermann",
	"clamp", "max_u64", "sign", "abs_diff",
	"strlen", "memcpy", "memset", "strcmp",
	"task_score", "task_depth",
	"syscall_class", "errno_class",
}

// Dir returns the directory of the library's sources, testdata/kernel at
// the root of the repository: found from this file's path, or upwards
// from the working directory when the build trimmed paths.
func Dir() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		d := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "kernel")
		if _, err := os.Stat(filepath.Join(d, "calls.s")); err == nil {
			return filepath.Clean(d), nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		k := filepath.Join(d, "testdata", "kernel")
		if _, err := os.Stat(filepath.Join(k, "calls.s")); err == nil {
			return k, nil
		}
		if filepath.Dir(d) == d {
			return "", os.ErrNotExist
		}
	}
}

// Path returns the path of a file of the library, relative to
// testdata/kernel ("calls.s", "c/kfuncs.o").
func Path(t testing.TB, name string) string {
	t.Helper()
	d, err := Dir()
	require.NoError(t, err, "finding testdata/kernel")
	return filepath.Join(d, name)
}

// NewMachine returns a machine with the stack and the scratch area
// mapped, SP at the top of the stack, CPU 0 at EL1.
func NewMachine(t testing.TB) *emu.Machine {
	t.Helper()
	m, err := emu.New(nil)
	require.NoError(t, err)
	require.NoError(t, m.Map(Stack, StackSize, emu.PermRW))
	require.NoError(t, m.Map(Scratch, ScratchSize, emu.PermRW))
	m.CPU(0).SetSP(Stack + StackSize)
	return m
}

// Load assembles and links the whole library at Base into m and returns
// it: Loaded.Symbols is its symbol table, Loaded.Addr finds a function.
func Load(t testing.TB, m *emu.Machine) *loader.Loaded {
	t.Helper()
	return LoadFiles(t, m, Sources...)
}

// LoadFiles links some files of the library (names relative to
// testdata/kernel: sources or objects) at Base into m.
func LoadFiles(t testing.TB, m *emu.Machine, names ...string) *loader.Loaded {
	t.Helper()
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = Path(t, n)
	}
	l, err := loader.LoadFiles(m, paths, &loader.Options{Base: Base})
	require.NoError(t, err)
	return l
}

// Call calls the named function of l with args (AAPCS64) and returns X0,
// failing the test if the symbol is missing or the call faults.
func Call(t testing.TB, m *emu.Machine, l *loader.Loaded, name string, args ...uint64) uint64 {
	t.Helper()
	fn, ok := l.Addr(name)
	require.True(t, ok, "no symbol %s", name)
	x0, err := m.Call(context.Background(), fn, args, nil)
	require.NoError(t, err, "%s(%#x)", name, args)
	return x0
}
