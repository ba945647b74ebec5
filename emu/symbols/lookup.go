package symbols

import (
	"slices"
	"strings"
)

// LookupName finds a symbol by name as kallsyms_lookup_name does, which is
// how kprobes resolves kprobe.symbol_name (kernel/kprobes.c:
// kprobe_lookup_name). A plain name is looked up in the kernel first
// (kernel/kallsyms.c: kallsyms_lookup_name; of several kernel symbols with
// the name, the lowest address wins), then in the modules in module list
// order, each module in its symbol table order
// (kernel/module/kallsyms.c: module_kallsyms_lookup_name). "mod:sym" looks
// for sym in module mod only (after the kernel, which has no symbol named
// "mod:sym"). Names match exactly; see the package documentation for the
// .llvm. suffix rule of older kernels.
func (t *Table) LookupName(name string) (Symbol, bool) {
	if name == "" {
		return Symbol{}, false
	}
	ix := t.index()
	lo, hi := ix.nameRange(name)
	if lo < hi {
		// Group 0 (the kernel) sorts first, then modules in list order.
		return t.syms[ix.byName[lo]], true
	}
	mod, sym, ok := strings.Cut(name, ":")
	if !ok {
		return Symbol{}, false
	}
	for _, i := range ix.byNameIn(t, sym, mod) {
		return t.syms[i], true
	}
	return Symbol{}, false
}

// Lookup returns every symbol called name, in the order LookupName
// prefers them (its answer first): the kernel's by address, then each
// module's in module list order. "mod:sym" returns module mod's symbols
// called sym. Several symbols share a name when static functions of
// different files have the same name, or a module reuses a kernel name.
func (t *Table) Lookup(name string) []Symbol {
	if name == "" {
		return nil
	}
	ix := t.index()
	var out []Symbol
	if mod, sym, ok := strings.Cut(name, ":"); ok {
		for _, i := range ix.byNameIn(t, sym, mod) {
			out = append(out, t.syms[i])
		}
		return out
	}
	lo, hi := ix.nameRange(name)
	for _, i := range ix.byName[lo:hi] {
		out = append(out, t.syms[i])
	}
	return out
}

// Count is the number of symbols a kprobe event on name would match, as
// kernel/trace/trace_kprobe.c: number_of_same_symbols counts them (as of
// v6.11; the check came with commit b022f0c7e404 in v6.6 and was soon
// extended to module symbols and to MOD:SYM, with stable backports):
// for "mod:sym", the symbols called sym in module mod; for a plain name,
// those of the kernel and of every module. The kprobe_events parser
// refuses a count above 1 with -EADDRNOTAVAIL ("The symbol is not
// unique": the user must give an address) and 0 with -ENOENT, except that
// a "mod:sym" whose module is not loaded (not in Modules) is accepted and
// waits for the module (trace_kprobe.c: validate_probe_symbol).
func (t *Table) Count(name string) int {
	if name == "" {
		return 0
	}
	ix := t.index()
	if mod, sym, ok := strings.Cut(name, ":"); ok {
		return len(ix.byNameIn(t, sym, mod))
	}
	lo, hi := ix.nameRange(name)
	return hi - lo
}

// nameRange is the span of byName holding name.
func (ix *index) nameRange(name string) (lo, hi int) {
	lo, _ = slices.BinarySearch(ix.names, name)
	hi = lo
	for hi < len(ix.names) && ix.names[hi] == name {
		hi++
	}
	return lo, hi
}

// byNameIn returns the byName entries of module mod called name (a
// sub-slice of the index: no allocation).
func (ix *index) byNameIn(t *Table, name, mod string) []int32 {
	if mod == "" {
		return nil
	}
	lo, hi := ix.nameRange(name)
	for lo < hi && t.syms[ix.byName[lo]].Module != mod {
		lo++
	}
	end := lo
	for end < hi && t.syms[ix.byName[end]].Module == mod {
		end++
	}
	return ix.byName[lo:end]
}

// Location is what an address lookup finds: the symbol, the offset of the
// address in it and the symbol's size as kallsyms reports it.
type Location struct {
	Symbol Symbol
	Offset uint64 // address - Symbol.Addr
	// Size is kallsyms' size of the symbol: the distance to the next
	// symbol of the kernel (or of the same module) at a higher address,
	// or, for the highest one, to the end of the memory that holds the
	// address (see LookupAddr). It is not Symbol.Size, which kallsyms
	// never consults.
	Size uint64
}

// String is the %pS form: "name+0xoff/0xsize", with " [mod]" for a module
// symbol (kernel/kallsyms.c: __sprint_symbol).
func (l Location) String() string { return string(l.appendTo(nil, true)) }

// LookupAddr finds the symbol that contains addr, as
// kernel/kallsyms.c: kallsyms_lookup (and kallsyms_lookup_size_offset) do:
//
//   - the kernel first, then the modules (kernel/module/kallsyms.c:
//     module_address_lookup): if addr lies in the memory of the image (a
//     Region, or the implicit extent; see AddRegion), the symbol is the
//     closest one of that image at or below addr;
//   - of several symbols at that address (aliases), the first in kallsyms
//     order (kernel/kallsyms.c: get_symbol_pos walks back to the first
//     alias; see the package documentation for the order);
//   - the size is the distance to the next higher symbol address or to
//     the end of the memory that holds addr, whichever is nearer
//     (get_symbol_pos uses the next symbol, else _etext, _einittext or
//     _end; find_kallsyms_symbol starts from the end of the module's
//     text). The kernel image is one region, so within it this is the
//     next symbol, as in the kernel.
//
// It does not allocate.
func (t *Table) LookupAddr(addr uint64) (Location, bool) {
	ix := t.index()
	for g := range ix.groups {
		if loc, ok := ix.groups[g].lookup(t, addr); ok {
			return loc, true
		}
	}
	return Location{}, false
}

func (g *group) lookup(t *Table, addr uint64) (Location, bool) {
	end, covered := g.cover(addr)
	if !covered {
		return Location{}, false
	}
	// k = the last start <= addr.
	lo, hi := 0, len(g.starts)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if g.starts[mid] <= addr {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	k := lo - 1
	if k < 0 {
		return Location{}, false
	}
	start := g.starts[k]
	if k+1 < len(g.starts) {
		next := g.starts[k+1]
		if next < end {
			// The size is the distance to the next symbol
			// (get_symbol_pos), bounded by the memory that holds addr:
			// a module's by construction (find_kallsyms_symbol starts
			// from the end of module text); the kernel's image is one
			// region, so only text the model maps apart from it (the
			// kprobe trampoline, a declared region) is a bound the
			// contiguous kernel never meets.
			end = next
		}
	}
	return Location{Symbol: t.syms[g.first[k]], Offset: addr - start, Size: end - start}, true
}

// cover reports whether addr lies in the group's memory and where that
// memory ends: its regions if it has any, else its implicit extent.
func (g *group) cover(addr uint64) (end uint64, ok bool) {
	if len(g.regions) == 0 {
		return g.hi, addr >= g.lo && addr < g.hi
	}
	// Regions are few (one per section): a linear scan of the sorted list.
	for _, r := range g.regions {
		if r.Start > addr {
			break
		}
		if addr < r.End {
			return r.End, true
		}
	}
	return 0, false
}
