package kprobe_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// The transparency property (reference §1: a kprobe must not change what
// the probed code computes): for every function of the kernel library,
// every offset arm_kprobe_decode_insn accepts
// (arch/arm64/kernel/probes/decode-insn.c) takes a kprobe, and separately
// the function takes a kretprobe, and both at once; each probed run must
// leave X0, the callee-saved registers, SP and the memory the function may
// write as the unprobed run left them, and every handler must run exactly
// as often as the probed instruction (or the function) executed. Offsets
// the classifier refuses must be refused by register_kprobe
// (arch_prepare_kprobe returns -EINVAL). TestTransparency and
// TestVersionTransparency arm many probes at once against the Go
// references; this test arms one at a time and compares whole machine
// outcomes, so a probe that only perturbs a register or a byte is caught
// and named.

// tcase is one call: the arguments, the bytes laid at kl.Scratch before
// it and the value of the jiffies global.
type tcase struct {
	args    []uint64
	mem     []byte
	jiffies uint64
}

// tpWindow is the part of the scratch area the cases use and compare:
// every pointer argument points into it.
const tpWindow = 0x400

// tpRandom is the number of random inputs per function, besides the
// edge values.
const tpRandom = 8

// tpMaxActive is more than the deepest recursion of the cases
// (ackermann(2, 3) nests a few dozen calls), so no kretprobe misses.
const tpMaxActive = 256

func u64s(vs ...uint64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	return b
}

func cstr(s string) []byte { return append([]byte(s), 0) }

// word returns an "interesting" random 64-bit value: all widths.
func word(r *rand.Rand) uint64 { return r.Uint64() >> r.UintN(64) }

// tpCases are the inputs of each function: the edge values of its
// reference (reference.go) and tpRandom random ones.
func tpCases(fn string, r *rand.Rand) []tcase {
	var cs []tcase
	one := func(args ...uint64) { cs = append(cs, tcase{args: args}) }
	rnd := func(gen func()) {
		for range tpRandom {
			gen()
		}
	}
	const p = kl.Scratch
	switch fn {
	case "atomic_add_return_llsc", "atomic_fetch_add_lse":
		for _, v := range []uint64{0, 1, ^uint64(0)} {
			cs = append(cs, tcase{args: []uint64{p, v}, mem: u64s(^uint64(0))})
		}
		rnd(func() { cs = append(cs, tcase{args: []uint64{p, word(r)}, mem: u64s(word(r))}) })
	case "cmpxchg_lse", "cmpxchg_llsc":
		// Equal and unequal old values; cmpxchg_llsc works on a u32.
		rnd(func() {
			cur, nw := word(r), word(r)
			old := cur
			if r.IntN(2) == 0 {
				old = word(r)
			}
			cs = append(cs, tcase{args: []uint64{p, old, nw}, mem: u64s(cur)})
		})
		cs = append(cs, tcase{args: []uint64{p, 0, 1}, mem: u64s(0)}, tcase{args: []uint64{p, 0, 1}, mem: u64s(1)})
	case "popcount64", "pte_pfn", "chain_a", "chain_b", "chain_c", "sign":
		for _, v := range []uint64{0, 1, 1 << 63, ^uint64(0), 1<<63 - 1} {
			one(v)
		}
		rnd(func() { one(word(r)) })
	case "bitrev32":
		one(0)
		one(0xffffffff)
		one(1)
		rnd(func() { one(uint64(r.Uint32())) })
	case "pte_mkpfn":
		one(0, 0)
		one(^uint64(0), 0)
		one(0, ^uint64(0))
		rnd(func() { one(word(r), word(r)) })
	case "hash_64":
		for _, b := range []uint64{1, 32, 63, 64} {
			one(^uint64(0), b)
		}
		rnd(func() { one(word(r), 1+r.Uint64N(64)) })
	case "prime_at":
		one(0)
		one(15)
		one(16)
		rnd(func() { one(word(r)) })
	case "jiffies_add":
		cs = append(cs, tcase{args: []uint64{1}, jiffies: ^uint64(0)}, tcase{args: []uint64{0}})
		rnd(func() { cs = append(cs, tcase{args: []uint64{word(r)}, jiffies: word(r)}) })
	case "fib":
		for n := range uint64(3) {
			one(n)
		}
		rnd(func() { one(3 + r.Uint64N(8)) })
	case "ackermann":
		one(0, 0)
		one(1, 0)
		one(0, 5)
		rnd(func() { one(r.Uint64N(3), r.Uint64N(4)) })
	case "clamp":
		one(1<<63, 0, 10)
		one(1<<63-1, 0, 10)
		one(5, 5, 5)
		rnd(func() {
			lo := word(r) >> 1
			one(word(r), lo, lo+r.Uint64N(1000))
		})
	case "max_u64", "abs_diff":
		one(0, ^uint64(0))
		one(^uint64(0), 0)
		one(7, 7)
		rnd(func() { one(word(r), word(r)) })
	case "strlen":
		cs = append(cs, tcase{args: []uint64{p}, mem: cstr("")}, tcase{args: []uint64{p + 1}, mem: cstr("kprobes")})
		rnd(func() {
			s := make([]byte, r.IntN(40))
			for i := range s {
				s[i] = byte(1 + r.IntN(255))
			}
			cs = append(cs, tcase{args: []uint64{p + uint64(r.IntN(8))}, mem: cstr(string(s))})
		})
	case "strcmp":
		pair := func(a, b string) {
			m := make([]byte, 0x100)
			copy(m, cstr(a))
			cs = append(cs, tcase{args: []uint64{p, p + 0x100}, mem: append(m, cstr(b)...)})
		}
		pair("", "")
		pair("abc", "abd")
		pair("abc", "ab")
		pair("\xff", "\x01")
		rnd(func() {
			a := fmt.Sprintf("%x", r.Uint64N(1<<20))
			b := a
			if r.IntN(2) == 0 {
				b = fmt.Sprintf("%x", r.Uint64N(1<<20))
			}
			pair(a, b)
		})
	case "memcpy", "memset":
		src := make([]byte, 0x100)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		// The destination is in the second half of the window, the
		// source in the first; n 0 and every alignment.
		one(p+0x200, p, 0)
		one(p+0x201, p+3, 17)
		rnd(func() {
			cs = append(cs, tcase{args: []uint64{p + 0x200 + r.Uint64N(16), p + r.Uint64N(16), r.Uint64N(0xf0)}, mem: src})
		})
		if fn == "memset" {
			for i := range cs {
				cs[i].args[1] = word(r) // c: only its low byte counts
				cs[i].mem = src
			}
		}
	case "task_score", "task_depth":
		for _, depth := range []int{0, 1, 2, 3, 5, 7, 8, 9, 10, 4, 6} {
			var m []byte
			for i := 0; i <= depth; i++ {
				tk := kl.Task{PID: r.Uint32(), Flags: r.Uint32(), Utime: word(r),
					Prio: uint16(r.Uint32()), State: byte(r.Uint32()), Nice: int32(r.IntN(40) - 20)}
				if i < depth {
					tk.Parent = p + uint64(i+1)*kl.TaskSize
				}
				m = append(m, tk.Bytes()...)
			}
			cs = append(cs, tcase{args: []uint64{p}, mem: m})
		}
	case "syscall_class":
		for nr := range uint64(9) {
			one(nr)
		}
		one(0xffffffff)
		rnd(func() { one(word(r)) })
	case "errno_class":
		for _, e := range []uint64{0, 1, 2, 3, 12, 13, 14, 15, 0xffffffff} {
			one(e)
		}
		rnd(func() { one(word(r)) })
	default:
		panic("transparency_test: no inputs for " + fn)
	}
	return cs
}

// outcome is what a call leaves behind that a probe must not change.
type outcome struct {
	Err     string
	X0      uint64
	X19_29  [11]uint64
	SP      uint64
	Scratch []byte
	Jiffies uint64
}

type tpMachine struct {
	m       *emu.Machine
	l       *loader.Loaded
	s       *kprobe.Subsystem
	jiffies uint64
}

func newTPMachine(t *testing.T, v kprobe.Version) *tpMachine {
	t.Helper()
	m := kl.NewMachine(t)
	l := kl.Load(t, m)
	// No blacklist: strcmp is probed too.
	s, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols, Version: &v})
	require.NoError(t, err)
	j, ok := l.Addr("jiffies")
	require.True(t, ok)
	return &tpMachine{m: m, l: l, s: s, jiffies: j}
}

// run lays out c, calls fn with every register not an argument holding
// a marker, and collects the outcome.
func (tm *tpMachine) run(t *testing.T, fn uint64, c tcase) outcome {
	t.Helper()
	mem := tm.m.Memory()
	fill := make([]byte, tpWindow)
	for i := range fill {
		fill[i] = byte(i*7 + 1)
	}
	copy(fill, c.mem)
	require.NoError(t, mem.Write(kl.Scratch, fill))
	require.NoError(t, mem.WriteU64(tm.jiffies, c.jiffies))
	cpu := tm.m.CPU(0)
	var xs [31]uint64
	for i := range xs {
		xs[i] = 0x5a5a_0000_0000_0000 | uint64(i)
	}
	cpu.SetXs(&xs)
	cpu.SetSP(kl.Stack + kl.StackSize)
	var o outcome
	x0, err := tm.m.Call(context.Background(), fn, c.args, &emu.CallOptions{Budget: 1 << 22})
	if err != nil {
		o.Err = err.Error()
	}
	o.X0 = x0
	cpu.Xs(&xs)
	copy(o.X19_29[:], xs[19:30])
	o.SP = cpu.SP()
	o.Scratch = make([]byte, tpWindow)
	require.NoError(t, mem.Read(kl.Scratch, o.Scratch))
	o.Jiffies, err = mem.ReadU64(tm.jiffies)
	require.NoError(t, err)
	return o
}

// baseline runs the cases unprobed and counts, per case, how often each
// instruction of [start, start+size) executed.
func (tm *tpMachine) baseline(t *testing.T, start, size uint64, cases []tcase) ([]outcome, []map[uint64]int) {
	t.Helper()
	var counts map[uint64]int
	h := tm.m.AddCodeHook(start, start+size-1, func(_ *emu.CPU, pc uint64, _ *arm64.Inst) { counts[pc-start]++ })
	defer tm.m.RemoveHook(h)
	outs := make([]outcome, len(cases))
	all := make([]map[uint64]int, len(cases))
	for i, c := range cases {
		counts = map[uint64]int{}
		outs[i] = tm.run(t, start, c)
		require.Empty(t, outs[i].Err, "unprobed %#x", c.args)
		all[i] = counts
	}
	return outs, all
}

// tpProbes arms the probes of one subtest and counts their handlers.
type tpProbes struct {
	kp          *kprobe.Kprobe
	rp          *kprobe.Kretprobe
	pre, post   int
	entry, rets int
}

func TestTransparencyProperty(t *testing.T) {
	for _, v := range kprobe.Versions() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			tm := newTPMachine(t, v)
			r := rand.New(rand.NewPCG(4, uint64(len(v.Name))))
			refused := 0
			for _, fn := range kl.Functions {
				t.Run(fn, func(t *testing.T) { refused += tm.function(t, v, fn, tpCases(fn, r)) })
			}
			// The LL/SC loops (is_probed_address_atomic) under every
			// profile, AUTIASP from v5.7 (PtrauthNotSteppable).
			assert.Positive(t, refused, "the classifier refuses some offsets")
		})
	}
}

// function checks the property for fn and returns how many of its
// offsets the classifier refused.
func (tm *tpMachine) function(t *testing.T, v kprobe.Version, fn string, cases []tcase) int {
	start, ok := tm.l.Addr(fn)
	require.True(t, ok)
	loc, ok := tm.s.Symbols().LookupAddr(start)
	require.True(t, ok)
	// The function's own instructions: its ELF size. kallsyms' size
	// (loc.Size, the distance to the next symbol) also covers the
	// alignment padding after it, and for the last function of .text the
	// zero fill up to the end of the page, which is never executed.
	size := loc.Symbol.Size
	if size == 0 {
		size = loc.Size
	}
	require.Positive(t, size)
	want, counts := tm.baseline(t, start, size, cases)
	mem := tm.m.Memory()
	read := func(a uint64) (uint32, bool) {
		w, err := mem.ReadU32(a)
		return w, err == nil
	}

	// check runs every case with the probes armed and compares.
	check := func(t *testing.T, pr *tpProbes, off uint64) {
		t.Helper()
		for i, c := range cases {
			pr.pre, pr.post, pr.entry, pr.rets = 0, 0, 0, 0
			got := tm.run(t, start, c)
			if !assert.Equal(t, want[i], got, "%s%#x: probed outcome differs from the unprobed one", fn, c.args) {
				continue
			}
			if pr.kp != nil {
				n := counts[i][off]
				assert.Equal(t, n, pr.pre, "%s%#x: pre-handler calls = executions of +%#x", fn, c.args, off)
				assert.Equal(t, n, pr.post, "%s%#x: post-handler calls = executions of +%#x", fn, c.args, off)
			}
			if pr.rp != nil {
				n := counts[i][0]
				assert.Equal(t, n, pr.entry, "%s%#x: entry-handler calls = calls", fn, c.args)
				assert.Equal(t, n, pr.rets, "%s%#x: return-handler calls = calls", fn, c.args)
			}
		}
		if pr.kp != nil {
			assert.Zero(t, pr.kp.NMissed)
		}
		if pr.rp != nil {
			assert.Zero(t, pr.rp.NMissed)
			assert.Zero(t, pr.rp.Kp.NMissed)
			assert.Equal(t, tpMaxActive, pr.rp.FreeInstances(), "every instance returned")
		}
		assert.Nil(t, tm.s.KprobeRunning(0))
	}
	newKprobe := func(pr *tpProbes, off uint64) *kprobe.Kprobe {
		return &kprobe.Kprobe{SymbolName: fn, Offset: off,
			PreHandler:  func(*kprobe.Kprobe, *kprobe.PtRegs) int { pr.pre++; return 0 },
			PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) { pr.post++ }}
	}
	newKretprobe := func(pr *tpProbes) *kprobe.Kretprobe {
		return &kprobe.Kretprobe{Kp: kprobe.Kprobe{SymbolName: fn}, MaxActive: tpMaxActive,
			EntryHandler: func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { pr.entry++; return 0 },
			Handler:      func(*kprobe.KretprobeInstance, *kprobe.PtRegs) int { pr.rets++; return 0 }}
	}

	// The kretprobe alone: its kprobe at the entry.
	entryOK := kprobe.ArmKprobeDecodeInsn(v, start, read, start, true).Class != kprobe.InsnRejected
	t.Run("kretprobe", func(t *testing.T) {
		pr := &tpProbes{}
		rp := newKretprobe(pr)
		err := tm.s.RegisterKretprobe(rp)
		if !entryOK {
			require.ErrorIs(t, err, kprobe.EINVAL, "the entry is refused")
			return
		}
		require.NoError(t, err)
		pr.rp = rp
		defer tm.s.UnregisterKretprobe(rp)
		check(t, pr, 0)
	})

	accepted, refused := 0, 0
	for off := uint64(0); off < size; off += 4 {
		d := kprobe.ArmKprobeDecodeInsn(v, start+off, read, start, true)
		t.Run(fmt.Sprintf("kprobe+%#x", off), func(t *testing.T) {
			pr := &tpProbes{}
			kp := newKprobe(pr, off)
			err := tm.s.RegisterKprobe(kp)
			if d.Class == kprobe.InsnRejected {
				require.ErrorIs(t, err, kprobe.EINVAL, "classifier: %s", d.Rule)
				assert.False(t, kp.Registered())
				return
			}
			require.NoError(t, err, "classifier accepts: %s", d.Rule)
			pr.kp = kp
			defer tm.s.UnregisterKprobe(kp)
			check(t, pr, off)
		})
		if d.Class == kprobe.InsnRejected {
			refused++
			continue
		}
		if !entryOK {
			continue
		}
		accepted++
		t.Run(fmt.Sprintf("both+%#x", off), func(t *testing.T) {
			pr := &tpProbes{}
			rp := newKretprobe(pr)
			require.NoError(t, tm.s.RegisterKretprobe(rp))
			defer tm.s.UnregisterKretprobe(rp)
			kp := newKprobe(pr, off)
			require.NoError(t, tm.s.RegisterKprobe(kp))
			defer tm.s.UnregisterKprobe(kp)
			pr.kp, pr.rp = kp, rp
			check(t, pr, off)
		})
	}
	assert.Positive(t, accepted, "some offset of %s is probeable", fn)

	// Nothing is left behind: the text is the original and the unprobed
	// outcomes are unchanged.
	for off := uint64(0); off < size; off += 4 {
		assert.Nil(t, tm.s.GetKprobe(start+off))
	}
	again, _ := tm.baseline(t, start, size, cases[:1])
	assert.Equal(t, want[0], again[0], "after every probe is gone")
	return refused
}
