package symbols

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// vmlinuxSized returns a synthetic kernel of n symbols (a distribution
// vmlinux has about 150,000 in kallsyms): functions 16 to 1024 bytes apart
// from 0xffff800080000000, one in 16 without an ELF size.
func vmlinuxSized(n int) []Symbol {
	r := rand.New(rand.NewPCG(1, 2))
	syms := make([]Symbol, n)
	addr := uint64(0xffff800080000000)
	for i := range syms {
		size := 16 + 4*r.Uint64N(253)
		syms[i] = Symbol{Name: "func_" + strconv.Itoa(i), Addr: addr, Size: size, Type: 'T'}
		if i%16 == 0 {
			syms[i].Size, syms[i].Type = 0, 't'
		}
		addr += size
	}
	r.Shuffle(n, func(i, j int) { syms[i], syms[j] = syms[j], syms[i] })
	return syms
}

func lookupAddrs(syms []Symbol) []uint64 {
	r := rand.New(rand.NewPCG(3, 4))
	lo, hi := uint64(0xffff800080000000), uint64(0)
	for _, s := range syms {
		hi = max(hi, s.Addr+s.Size)
	}
	addrs := make([]uint64, 4096)
	for i := range addrs {
		addrs[i] = lo + r.Uint64N(hi-lo)
	}
	return addrs
}

// BenchmarkLookupAddr is one kallsyms address lookup in 150,000 symbols.
func BenchmarkLookupAddr(b *testing.B) {
	syms := vmlinuxSized(150_000)
	tab, err := New(syms...)
	if err != nil {
		b.Fatal(err)
	}
	addrs := lookupAddrs(syms)
	tab.LookupAddr(0) // build the index outside the timing
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := tab.LookupAddr(addrs[i%len(addrs)]); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkAppendSymbol is LookupAddr plus the %pS text into a reused
// buffer, as a trace writer does.
func BenchmarkAppendSymbol(b *testing.B) {
	syms := vmlinuxSized(150_000)
	tab, _ := New(syms...)
	addrs := lookupAddrs(syms)
	buf := tab.AppendSymbol(nil, addrs[0])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		buf = tab.AppendSymbol(buf[:0], addrs[i%len(addrs)])
	}
}

// BenchmarkLookupName is kallsyms_lookup_name in 150,000 symbols.
func BenchmarkLookupName(b *testing.B) {
	syms := vmlinuxSized(150_000)
	tab, _ := New(syms...)
	names := make([]string, 4096)
	for i := range names {
		names[i] = syms[i*31%len(syms)].Name
	}
	tab.LookupName("x")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, ok := tab.LookupName(names[i%len(names)]); !ok {
			b.Fatal("not found")
		}
	}
}

// BenchmarkIndex is loading 150,000 symbols: Add and the first query,
// which sorts them by address and by name.
func BenchmarkIndex(b *testing.B) {
	syms := vmlinuxSized(150_000)
	b.ReportAllocs()
	for b.Loop() {
		tab, _ := New(syms...)
		tab.LookupAddr(0)
	}
}
