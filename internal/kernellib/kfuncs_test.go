package kernellib_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/internal/oracle"
)

// testdata/kernel/c/kfuncs.o is GCC's object of kfuncs.c, committed, built
// in testdata/kernel/c by the command in BUILD:
//
//	aarch64-linux-gnu-gcc -O2 -std=gnu11 -ffreestanding -fno-builtin -fno-pic -fno-common -fno-stack-protector -mgeneral-regs-only -mno-outline-atomics -mbranch-protection=standard -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-tree-loop-distribute-patterns -c kfuncs.c -o kfuncs.o
//
// It loads (ET_REL, linked at kl.Base) and each function computes what its
// Go reference does.
func TestKfuncs(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "c/kfuncs.o")
	mem := m.Memory()
	r := newRand()
	vs := values(r, 100)

	for _, x := range vs {
		assert.Equal(t, kl.ChainA(x), call(t, m, l, "c_chain_a", x), "c_chain_a(%#x)", x)
		assert.Equal(t, kl.PrimeAt(x), call(t, m, l, "c_prime_at", x), "c_prime_at(%#x)", x)
		y := vs[r.IntN(len(vs))]
		assert.Equal(t, kl.MaxU64(x, y), call(t, m, l, "c_max_u64", x, y))
		assert.Equal(t, kl.AbsDiff(x, y), call(t, m, l, "c_abs_diff", x, y))
		assert.Equal(t, uint64(uint32(kl.Sign(int64(x)))), call(t, m, l, "c_sign", x), "c_sign(%d)", int64(x))
		lo, hi := min(int64(x), int64(y)), max(int64(x), int64(y))
		v := int64(vs[r.IntN(len(vs))])
		assert.Equal(t, uint64(kl.Clamp(v, lo, hi)), call(t, m, l, "c_clamp", uint64(v), uint64(lo), uint64(hi)))
		garbage := r.Uint64() &^ 0xffffffff
		assert.Equal(t, uint64(kl.Popcount64(x)), call(t, m, l, "c_popcount64", x))
		assert.Equal(t, uint64(kl.Bitrev32(uint32(x))), call(t, m, l, "c_bitrev32", garbage|x&0xffffffff))
		assert.Equal(t, kl.PtePfn(x), call(t, m, l, "c_pte_pfn", x))
		assert.Equal(t, kl.PteMkpfn(x, y), call(t, m, l, "c_pte_mkpfn", x, y))
		nbits := uint32(1 + r.IntN(64))
		assert.Equal(t, kl.Hash64(x, nbits), call(t, m, l, "c_hash_64", x, garbage|uint64(nbits)))
		nr := uint32(r.IntN(12))
		if r.IntN(4) == 0 {
			nr = uint32(x)
		}
		assert.Equal(t, kl.SyscallClass(nr), call(t, m, l, "c_syscall_class", garbage|uint64(nr)), "c_syscall_class(%d)", nr)
	}
	for n := range uint64(20) {
		assert.Equal(t, kl.Fib(n), call(t, m, l, "c_fib", n), "c_fib(%d)", n)
	}
	for mm := range uint64(4) {
		for n := range uint64(5) {
			assert.Equal(t, kl.Ackermann(mm, n), call(t, m, l, "c_ackermann", mm, n))
		}
	}

	jaddr, ok := l.Addr("c_jiffies")
	require.True(t, ok)
	var jiffies uint64
	for _, d := range vs[:40] {
		assert.Equal(t, kl.JiffiesAdd(&jiffies, d), call(t, m, l, "c_jiffies_add", d))
		got, err := mem.ReadU64(jaddr)
		require.NoError(t, err)
		assert.Equal(t, jiffies, got)
	}

	const p = kl.Scratch + 0x100
	for _, v := range vs[:40] {
		old := r.Uint64()
		require.NoError(t, mem.WriteU64(p, old))
		want := old
		assert.Equal(t, kl.AtomicAddReturn(&want, v), call(t, m, l, "c_atomic_add_return", p, v))
		got, _ := mem.ReadU64(p)
		assert.Equal(t, want, got)
		for _, expect := range []uint32{uint32(old), uint32(old) ^ 1} {
			require.NoError(t, mem.WriteU64(p, old))
			w := uint32(old)
			assert.Equal(t, uint64(kl.Cmpxchg32(&w, expect, uint32(v))), call(t, m, l, "c_cmpxchg32", p, uint64(expect), v))
			got, _ = mem.ReadU64(p)
			assert.Equal(t, old&^0xffffffff|uint64(w), got)
		}
	}

	const a, b = kl.Scratch + 0x1000, kl.Scratch + 0x4000
	for range 100 {
		s := cstring(r, 80)
		require.NoError(t, mem.Write(a, s))
		assert.Equal(t, kl.Strlen(s), call(t, m, l, "c_strlen", a))
		u := append(slices.Clone(s[:r.IntN(len(s))]), cstring(r, 4)...)
		require.NoError(t, mem.Write(b, u))
		assert.Equal(t, uint64(uint32(kl.Strcmp(s, u))), call(t, m, l, "c_strcmp", a, b), "c_strcmp(%q, %q)", s, u)

		n := uint64(r.IntN(64))
		src := make([]byte, n) // s and whatever follows it
		require.NoError(t, mem.Read(a, src))
		fill := bytes.Repeat([]byte{0xee}, 80)
		require.NoError(t, mem.Write(b, fill))
		assert.Equal(t, uint64(b+1), call(t, m, l, "c_memcpy", b+1, a, n))
		want := slices.Clone(fill)
		copy(want[1:], src)
		got := make([]byte, 80)
		require.NoError(t, mem.Read(b, got))
		assert.Equal(t, want, got, "c_memcpy of %d bytes", n)
	}

	for range 100 {
		depth := r.IntN(6)
		var child kl.Task
		for i := depth; i >= 0; i-- {
			tk := kl.Task{PID: r.Uint32(), Flags: r.Uint32(), Utime: r.Uint64() >> r.IntN(64),
				Prio: uint16(r.Uint32()), State: byte(r.Uint32()), Nice: int32(r.Uint32())}
			if i < depth {
				tk.Parent = kl.Scratch + uint64(i+1)*kl.TaskSize
			}
			require.NoError(t, mem.Write(kl.Scratch+uint64(i)*kl.TaskSize, tk.Bytes()))
			child = tk
		}
		assert.Equal(t, kl.TaskScore(&child), call(t, m, l, "c_task_score", kl.Scratch), "c_task_score(%+v)", child)
		assert.Equal(t, uint64(depth), call(t, m, l, "c_task_depth", kl.Scratch))
	}
}

// buildCommand is the compiler line of testdata/kernel/c/BUILD.
func buildCommand(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(kl.Path(t, "c/BUILD"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "aarch64-linux-gnu-gcc ") {
			return strings.Fields(line)
		}
	}
	require.NoError(t, sc.Err())
	t.Fatal("no aarch64-linux-gnu-gcc line in testdata/kernel/c/BUILD")
	return nil
}

// The committed kfuncs.o is what BUILD's command makes of kfuncs.c: a
// changed source or flag without a rebuilt object (or the reverse) fails
// here. The object embeds the compiler's version (.comment), so another
// GCC than Debian bookworm's 12.2.0 gives other bytes: rebuild with that
// one.
func TestKfuncsRebuild(t *testing.T) {
	gcc := oracle.Command(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
	args := buildCommand(t)
	dir := t.TempDir()
	src, err := os.ReadFile(kl.Path(t, "c/kfuncs.c"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kfuncs.c"), src, 0o644))
	cmd := exec.Command(gcc, args[1:]...)
	cmd.Dir = dir // the object names its source "kfuncs.c", as in testdata/kernel/c
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	rebuilt, err := os.ReadFile(filepath.Join(dir, "kfuncs.o"))
	require.NoError(t, err)
	committed, err := os.ReadFile(kl.Path(t, "c/kfuncs.o"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(committed, rebuilt),
		"testdata/kernel/c/kfuncs.o is not what `sh BUILD` makes of kfuncs.c (%d bytes committed, %d rebuilt): run `sh BUILD` in testdata/kernel/c", len(committed), len(rebuilt))
}
