package kernellib_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os/exec"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/internal/oracle"
)

// Each test loads only the files it needs, so that a source our assembler
// cannot take yet fails its own test and no other.
var loadLib = kl.LoadFiles

func newRand() *rand.Rand { return rand.New(rand.NewPCG(0x6b70656d75, 1)) }

// edges are 64-bit values where arithmetic goes wrong.
var edges = []uint64{0, 1, 2, 7, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
	0x7fffffffffffffff, 0x8000000000000000, 0xfffffffffffffffe, 0xffffffffffffffff}

func values(r *rand.Rand, n int) []uint64 {
	v := slices.Clone(edges)
	for range n {
		switch r.IntN(3) {
		case 0:
			v = append(v, r.Uint64())
		case 1:
			v = append(v, r.Uint64()>>r.IntN(64))
		default:
			v = append(v, uint64(int64(r.IntN(2001)-1000)))
		}
	}
	return v
}

// call calls fn and checks that it kept the AAPCS64 contract: SP and the
// callee-saved registers x19-x29 as they were.
func call(t *testing.T, m *emu.Machine, l *loader.Loaded, fn string, args ...uint64) uint64 {
	t.Helper()
	c := m.CPU(0)
	var saved [11]uint64
	for i := range saved {
		saved[i] = 0x5ca1ab1e00000000 | uint64(19+i)
		c.SetX(19+i, saved[i])
	}
	sp := c.SP()
	x0 := kl.Call(t, m, l, fn, args...)
	require.Equal(t, sp, c.SP(), "%s: SP not restored", fn)
	for i := range saved {
		require.Equal(t, saved[i], c.X(19+i), "%s: x%d not preserved", fn, 19+i)
	}
	return x0
}

func TestChain(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "calls.s")
	for _, x := range values(newRand(), 200) {
		assert.Equal(t, kl.ChainC(x), call(t, m, l, "chain_c", x), "chain_c(%#x)", x)
		assert.Equal(t, kl.ChainB(x), call(t, m, l, "chain_b", x), "chain_b(%#x)", x)
		assert.Equal(t, kl.ChainA(x), call(t, m, l, "chain_a", x), "chain_a(%#x)", x)
	}
}

func TestRecursion(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "recursion.s")
	for n := range uint64(23) {
		assert.Equal(t, kl.Fib(n), call(t, m, l, "fib", n), "fib(%d)", n)
	}
	for mm := range uint64(4) {
		for n := range uint64(6) {
			assert.Equal(t, kl.Ackermann(mm, n), call(t, m, l, "ackermann", mm, n), "ackermann(%d, %d)", mm, n)
		}
	}
	r := newRand()
	for range 20 {
		mm, n := uint64(r.IntN(3)), uint64(r.IntN(40))
		assert.Equal(t, kl.Ackermann(mm, n), call(t, m, l, "ackermann", mm, n), "ackermann(%d, %d)", mm, n)
	}
}

func TestGlobals(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "globals.s")
	for _, i := range values(newRand(), 100) {
		assert.Equal(t, kl.PrimeAt(i), call(t, m, l, "prime_at", i), "prime_at(%#x)", i)
	}
	addr, ok := l.Addr("jiffies")
	require.True(t, ok)
	var jiffies uint64
	for _, d := range values(newRand(), 100) {
		want := kl.JiffiesAdd(&jiffies, d)
		assert.Equal(t, want, call(t, m, l, "jiffies_add", d), "jiffies_add(%#x)", d)
		got, err := m.Memory().ReadU64(addr)
		require.NoError(t, err)
		assert.Equal(t, jiffies, got, "jiffies in memory")
	}
}

func TestAtomics(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "atomics.s")
	mem := m.Memory()
	const p = kl.Scratch + 0x100
	r := newRand()
	for _, v := range values(r, 100) {
		old := r.Uint64()
		require.NoError(t, mem.WriteU64(p, old))
		want := old
		assert.Equal(t, kl.AtomicAddReturn(&want, v), call(t, m, l, "atomic_add_return_llsc", p, v))
		got, _ := mem.ReadU64(p)
		assert.Equal(t, want, got, "atomic_add_return_llsc(%#x, %#x)", old, v)

		require.NoError(t, mem.WriteU64(p, old))
		want = old
		assert.Equal(t, kl.AtomicFetchAdd(&want, v), call(t, m, l, "atomic_fetch_add_lse", p, v))
		got, _ = mem.ReadU64(p)
		assert.Equal(t, want, got, "atomic_fetch_add_lse(%#x, %#x)", old, v)

		// cmpxchg both ways: the expected value right, and wrong.
		for _, expect := range []uint64{old, old ^ v | 1} {
			require.NoError(t, mem.WriteU64(p, old))
			want = old
			assert.Equal(t, kl.Cmpxchg64(&want, expect, v), call(t, m, l, "cmpxchg_lse", p, expect, v))
			got, _ = mem.ReadU64(p)
			assert.Equal(t, want, got, "cmpxchg_lse(%#x, %#x, %#x)", old, expect, v)

			o32, e32, n32 := uint32(old), uint32(expect), uint32(v)
			require.NoError(t, mem.WriteU64(p, old)) // the upper word must stay as it is
			w32 := o32
			assert.Equal(t, uint64(kl.Cmpxchg32(&w32, e32, n32)), call(t, m, l, "cmpxchg_llsc", p, expect, v))
			got, _ = mem.ReadU64(p)
			assert.Equal(t, old&^0xffffffff|uint64(w32), got, "cmpxchg_llsc(%#x, %#x, %#x)", o32, e32, n32)
		}
	}
}

func TestJumpTables(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "switch.s")
	r := newRand()
	// A u32 argument's upper half is unspecified (AAPCS64): fill it.
	var nrs []uint32
	for n := range uint32(20) {
		nrs = append(nrs, n)
	}
	for _, v := range values(r, 50) {
		nrs = append(nrs, uint32(v))
	}
	for _, nr := range nrs {
		arg := r.Uint64()&^0xffffffff | uint64(nr)
		assert.Equal(t, kl.SyscallClass(nr), call(t, m, l, "syscall_class", arg), "syscall_class(%d)", nr)
		assert.Equal(t, kl.ErrnoClass(nr), call(t, m, l, "errno_class", arg), "errno_class(%d)", nr)
	}
}

// cstring is a random NUL-terminated string of 0 to max bytes, with
// bytes of the upper half too (strcmp compares unsigned chars).
func cstring(r *rand.Rand, maxLen int) []byte {
	s := make([]byte, r.IntN(maxLen+1))
	for i := range s {
		s[i] = byte(1 + r.IntN(255))
	}
	return append(s, 0)
}

func TestStrings(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "string.s")
	mem := m.Memory()
	r := newRand()
	const a, b = kl.Scratch, kl.Scratch + 0x4000
	for range 200 {
		s := cstring(r, 100)
		off := uint64(r.IntN(16))
		require.NoError(t, mem.Write(a+off, s))
		assert.Equal(t, kl.Strlen(s), call(t, m, l, "strlen", a+off), "strlen(%q)", s)

		// strcmp: a random string against itself, a copy changed at one
		// place, a prefix of it.
		u := slices.Clone(s)
		switch r.IntN(3) {
		case 0:
			if len(u) > 1 {
				u[r.IntN(len(u)-1)] = byte(1 + r.IntN(255))
			}
		case 1:
			u = append(u[:r.IntN(len(u))], 0)
		}
		require.NoError(t, mem.Write(b, u))
		assert.Equal(t, uint64(uint32(kl.Strcmp(s, u))), call(t, m, l, "strcmp", a+off, b), "strcmp(%q, %q)", s, u)
	}
	for range 200 {
		n := r.IntN(100)
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		so, do := uint64(r.IntN(16)), uint64(r.IntN(16))
		fill := bytes.Repeat([]byte{0xee}, n+32)
		require.NoError(t, mem.Write(b, fill))
		require.NoError(t, mem.Write(a+so, src))
		assert.Equal(t, b+do, call(t, m, l, "memcpy", b+do, a+so, uint64(n)), "memcpy returns d")
		want := slices.Clone(fill)
		copy(want[do:], src)
		got := make([]byte, len(want))
		require.NoError(t, mem.Read(b, got))
		assert.Equal(t, want, got, "memcpy of %d bytes from +%d to +%d", n, so, do)

		c := r.Uint64() // memset stores the low byte of its int
		require.NoError(t, mem.Write(b, fill))
		assert.Equal(t, b+do, call(t, m, l, "memset", b+do, c, uint64(n)), "memset returns d")
		want = slices.Clone(fill)
		for i := range n {
			want[int(do)+i] = byte(c)
		}
		require.NoError(t, mem.Read(b, got))
		assert.Equal(t, want, got, "memset of %d bytes of %#x at +%d", n, byte(c), do)
	}
}

func TestSelect(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "select.s")
	r := newRand()
	vs := values(r, 100)
	for _, x := range vs {
		y := vs[r.IntN(len(vs))]
		assert.Equal(t, kl.MaxU64(x, y), call(t, m, l, "max_u64", x, y), "max_u64(%#x, %#x)", x, y)
		assert.Equal(t, kl.AbsDiff(x, y), call(t, m, l, "abs_diff", x, y), "abs_diff(%#x, %#x)", x, y)
		assert.Equal(t, uint64(uint32(kl.Sign(int64(x)))), call(t, m, l, "sign", x), "sign(%d)", int64(x))
		lo, hi := int64(y), int64(vs[r.IntN(len(vs))])
		if lo > hi {
			lo, hi = hi, lo
		}
		for _, v := range []int64{int64(x), lo, hi, lo - 1, hi + 1, math.MinInt64, math.MaxInt64} {
			assert.Equal(t, uint64(kl.Clamp(v, lo, hi)), call(t, m, l, "clamp", uint64(v), uint64(lo), uint64(hi)),
				"clamp(%d, %d, %d)", v, lo, hi)
		}
	}
}

func TestBits(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "bits.s")
	r := newRand()
	vs := values(r, 200)
	for _, x := range vs {
		garbage := r.Uint64() &^ 0xffffffff // the unspecified upper half of a u32 argument
		assert.Equal(t, uint64(kl.Popcount64(x)), call(t, m, l, "popcount64", x), "popcount64(%#x)", x)
		assert.Equal(t, uint64(kl.Bitrev32(uint32(x))), call(t, m, l, "bitrev32", garbage|x&0xffffffff), "bitrev32(%#x)", uint32(x))
		assert.Equal(t, kl.PtePfn(x), call(t, m, l, "pte_pfn", x), "pte_pfn(%#x)", x)
		pfn := vs[r.IntN(len(vs))]
		assert.Equal(t, kl.PteMkpfn(x, pfn), call(t, m, l, "pte_mkpfn", x, pfn), "pte_mkpfn(%#x, %#x)", x, pfn)
		nbits := uint32(1 + r.IntN(64))
		assert.Equal(t, kl.Hash64(x, nbits), call(t, m, l, "hash_64", x, garbage|uint64(nbits)), "hash_64(%#x, %d)", x, nbits)
	}
}

func TestStruct(t *testing.T) {
	m := kl.NewMachine(t)
	l := loadLib(t, m, "struct.s")
	mem := m.Memory()
	r := newRand()
	for range 200 {
		// A chain of 0 to 10 ancestors, the child first.
		depth := r.IntN(11)
		addrs := make([]uint64, depth+1)
		for i := range addrs {
			addrs[i] = kl.Scratch + uint64(i)*kl.TaskSize
		}
		var child kl.Task
		for i := depth; i >= 0; i-- {
			tk := kl.Task{
				PID: r.Uint32(), Flags: r.Uint32(), Utime: r.Uint64() >> r.IntN(64),
				Prio: uint16(r.Uint32()), State: byte(r.Uint32()), Nice: int32(r.IntN(40) - 20),
			}
			if r.IntN(4) == 0 {
				tk.Nice = int32(r.Uint32())
			}
			if i < depth {
				tk.Parent = addrs[i+1]
			}
			require.NoError(t, mem.Write(addrs[i], tk.Bytes()))
			child = tk
		}
		assert.Equal(t, kl.TaskScore(&child), call(t, m, l, "task_score", addrs[0]), "task_score(%+v)", child)
		assert.Equal(t, uint64(depth), call(t, m, l, "task_depth", addrs[0]))
	}
}

// The whole library links into one image, each function a sized FUNC
// symbol in the machine's symbolizer.
func TestLoadWholeLibrary(t *testing.T) {
	m := kl.NewMachine(t)
	l := kl.Load(t, m)
	for _, fn := range kl.Functions {
		s, ok := l.Symbols.LookupName(fn)
		if assert.True(t, ok, fn) {
			assert.NotZero(t, s.Size, fn)
			// kallsyms sizes a symbol up to the next one: the last
			// function of the text reaches the rodata.
			assert.Contains(t, m.Symbolize(s.Addr+4), fn+"+0x4/")
		}
	}
	assert.Equal(t, uint64(2*(3*(41^0xff)-7+41)), call(t, m, l, "chain_a", 40))
}

// Our assembler gives every source of the library the bytes GNU as gives:
// both objects, linked alike, make identical images.
func TestLibraryMatchesGNUAs(t *testing.T) {
	as := oracle.Command(t, "aarch64-linux-gnu-as", "binutils-aarch64-linux-gnu")
	for _, name := range kl.Sources {
		t.Run(name, func(t *testing.T) {
			o := t.TempDir() + "/" + name + ".o"
			out, err := exec.Command(as, "-o", o, kl.Path(t, name)).CombinedOutput()
			require.NoError(t, err, "%s", out)
			gnu, err := obj.OpenELF(o)
			require.NoError(t, err)
			theirs, err := obj.Link([]*obj.Object{gnu.Object}, &obj.LinkOptions{Base: kl.Base})
			require.NoError(t, err)

			m := kl.NewMachine(t)
			ours := loadLib(t, m, name).Image
			require.Equal(t, len(theirs.Segments), len(ours.Segments))
			for i, s := range theirs.Segments {
				assert.Equal(t, s.Addr, ours.Segments[i].Addr)
				assert.Equal(t, s.Data, ours.Segments[i].Data, "segment at %#x", s.Addr)
			}
		})
	}
}
