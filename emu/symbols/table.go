package symbols

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Table is a kallsyms symbol table: the kernel's symbols and those of its
// loaded modules. Build it with New or Add (and AddImage, AddRegion), then
// query it. The zero Table is empty and ready to use.
//
// Queries index the table on first use (one sort by address, one by name)
// and then run without allocating; Add invalidates the index. Queries are
// safe for concurrent use by several goroutines; Add, AddImage and AddRegion
// are not safe concurrently with anything else.
type Table struct {
	syms    []Symbol
	modules []string // module list order: kernel/module/main.c keeps it newest first
	regions []Region

	mu sync.Mutex // serializes building the index
	ix atomic.Pointer[index]
}

// Region is memory that belongs to the kernel image (Module "") or to a
// module: an address in it that no symbol starts at is attributed to the
// closest symbol below it of the same module.
type Region struct {
	Module     string
	Start, End uint64 // [Start, End)
}

// New returns a table holding syms; see Add.
func New(syms ...Symbol) (*Table, error) {
	t := &Table{}
	if err := t.Add(syms...); err != nil {
		return nil, err
	}
	return t, nil
}

// Add adds symbols. It adds all of them or, when one is invalid (empty
// name, a name or module with blanks, a module with '[', ']' or ':', a type
// letter that is U or not printable), none and returns an error that wraps
// ErrName, ErrModule or ErrType.
//
// Each call is one module load: modules that first appear in this call go
// ahead of the modules already in the table, in the order this call names
// them. This is the kernel's module list order (newest first), which
// decides which module answers a plain name and the order of
// /proc/kallsyms; a table read from /proc/kallsyms in one call keeps the
// file's order.
func (t *Table) Add(syms ...Symbol) error {
	for i := range syms {
		if err := syms[i].validate(); err != nil {
			return err
		}
	}
	var fresh []string
	prev := ""
	for i := range syms {
		m := syms[i].Module
		if m == "" || m == prev { // a module's symbols usually come together
			continue
		}
		prev = m
		if !slices.Contains(t.modules, m) && !slices.Contains(fresh, m) {
			fresh = append(fresh, m)
		}
	}
	if len(fresh) > 0 {
		t.modules = append(fresh, t.modules...)
	}
	t.syms = append(t.syms, syms...)
	t.ix.Store(nil)
	return nil
}

// AddRegion declares memory of the kernel (module "") or of a module, as
// the kernel knows its own image (kernel/kallsyms.c: is_ksym_addr, the
// _stext.._etext, _sinittext.._einittext or, with CONFIG_KALLSYMS_ALL,
// _stext.._end ranges) and each module's memory (kernel/module/kallsyms.c:
// find_kallsyms_symbol). A module (or the kernel) with regions has that
// memory and no other. One without runs from its lowest symbol to the
// highest end of a symbol with a known Size: so its highest symbol, when
// its size is not known, covers nothing, as the kernel's _end does
// (is_kernel: _stext <= addr < _end). AddImage adds regions for the
// image's segments.
func (t *Table) AddRegion(module string, start, end uint64) error {
	if end <= start {
		return fmt.Errorf("symbols: empty region [%#x, %#x)", start, end)
	}
	if module != "" {
		if err := checkModule(module); err != nil {
			return err
		}
		if !slices.Contains(t.modules, module) {
			t.modules = append([]string{module}, t.modules...)
		}
	}
	t.regions = append(t.regions, Region{module, start, end})
	t.ix.Store(nil)
	return nil
}

// Len returns the number of symbols.
func (t *Table) Len() int { return len(t.syms) }

// Modules returns the module names in module list order (see Add).
func (t *Table) Modules() []string { return slices.Clone(t.modules) }

// All yields every symbol in address order. Symbols at one address come
// in kallsyms order: the kernel's before modules', and among the kernel's
// the order of scripts/kallsyms.c: compare_symbols (see the package
// documentation); the first one is the one that LookupAddr reports.
func (t *Table) All() iter.Seq[Symbol] {
	ix := t.index()
	return func(yield func(Symbol) bool) {
		for _, i := range ix.byAddr {
			if !yield(t.syms[i]) {
				return
			}
		}
	}
}

// Range yields the symbols with start <= Addr < end in address order, as
// All orders them.
func (t *Table) Range(start, end uint64) iter.Seq[Symbol] {
	ix := t.index()
	return func(yield func(Symbol) bool) {
		k, _ := slices.BinarySearch(ix.addrs, start)
		for ; k < len(ix.addrs) && ix.addrs[k] < end; k++ {
			if !yield(t.syms[ix.byAddr[k]]) {
				return
			}
		}
	}
}

// index is what the queries read: built once per change of the table.
type index struct {
	byAddr []int32  // symbol indexes in address order (All)
	addrs  []uint64 // addrs[k] = syms[byAddr[k]].Addr, for binary search
	byName []int32  // symbol indexes by name, then group, then kallsyms order
	names  []string // names[k] = syms[byName[k]].Name, for binary search
	groups []group  // [0] is the kernel, then the modules in list order
}

// group is the kernel or one module, for address lookups.
type group struct {
	module string
	starts []uint64 // distinct symbol addresses, ascending
	first  []int32  // the symbol named for starts[k]: the first alias
	// lo, hi is the implicit extent, used when there are no regions:
	// lowest symbol to highest known end.
	lo, hi  uint64
	regions []Region // declared memory, sorted by Start and merged
}

func (t *Table) index() *index {
	if ix := t.ix.Load(); ix != nil {
		return ix
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if ix := t.ix.Load(); ix != nil {
		return ix
	}
	ix := t.build()
	t.ix.Store(ix)
	return ix
}

// groupNumbers numbers the kernel 0 and the modules 1.. in module list
// order.
func (t *Table) groupNumbers() map[string]int32 {
	g := make(map[string]int32, len(t.modules)+1)
	g[""] = 0
	for i, m := range t.modules {
		g[m] = int32(i + 1)
	}
	return g
}

// addrKey orders symbols by address for the index.
type addrKey struct {
	addr  uint64
	group int32
	rank  uint32 // kallsyms tie-break among the kernel's aliases
	idx   int32  // insertion order: the last tie-break
}

func (t *Table) build() *index {
	gnum := t.groupNumbers()
	n := len(t.syms)
	keys := make([]addrKey, n)
	for i := range t.syms {
		s := &t.syms[i]
		g := gnum[s.Module]
		k := addrKey{addr: s.Addr, group: g, idx: int32(i)}
		if g == 0 {
			k.rank = kallsymsRank(s)
		}
		keys[i] = k
	}
	slices.SortFunc(keys, func(a, b addrKey) int {
		if c := cmp.Compare(a.addr, b.addr); c != 0 {
			return c
		}
		if c := cmp.Compare(a.group, b.group); c != 0 {
			return c
		}
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})

	ix := &index{
		byAddr: make([]int32, n),
		addrs:  make([]uint64, n),
		groups: make([]group, len(t.modules)+1),
	}
	pos := make([]int32, n) // position of each symbol in byAddr
	for k, key := range keys {
		ix.byAddr[k] = key.idx
		ix.addrs[k] = key.addr
		pos[key.idx] = int32(k)
	}
	for g := range ix.groups {
		ix.groups[g].lo = math.MaxUint64
		if g > 0 {
			ix.groups[g].module = t.modules[g-1]
		}
	}
	for _, key := range keys {
		g := &ix.groups[key.group]
		if len(g.starts) == 0 || g.starts[len(g.starts)-1] != key.addr {
			g.starts = append(g.starts, key.addr)
			g.first = append(g.first, key.idx)
		}
		s := &t.syms[key.idx]
		g.lo = min(g.lo, s.Addr)
		end := s.Addr + s.Size
		if end < s.Addr {
			end = math.MaxUint64
		}
		g.hi = max(g.hi, end)
	}
	for _, r := range t.regions {
		g := &ix.groups[gnum[r.Module]]
		g.regions = append(g.regions, r)
	}
	for g := range ix.groups {
		ix.groups[g].regions = mergeRegions(ix.groups[g].regions)
	}

	// By name: scripts/kallsyms.c: compare_names sorts the kernel's
	// symbols by name, then address, then address order, so the first of
	// several is the lowest (kallsyms_lookup_name's answer); modules follow
	// in list order, each in its own (symbol table) order.
	type nameKey struct {
		name  string
		group int32
		order int32 // kernel: position in address order; module: insertion
		idx   int32
	}
	nkeys := make([]nameKey, n)
	for _, key := range keys {
		order := key.idx
		if key.group == 0 {
			order = pos[key.idx]
		}
		nkeys[key.idx] = nameKey{t.syms[key.idx].Name, key.group, order, key.idx}
	}
	slices.SortFunc(nkeys, func(a, b nameKey) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(a.group, b.group); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	ix.byName = make([]int32, n)
	ix.names = make([]string, n)
	for i, k := range nkeys {
		ix.byName[i] = k.idx
		ix.names[i] = k.name
	}
	return ix
}

// kallsymsRank is the tie-break of scripts/kallsyms.c: compare_symbols for
// kernel symbols at one address, smaller first: non-weak before weak, then
// ordinary names before names that look like linker-script PROVIDEs, then
// fewer leading underscores. (Ties after that keep the input order, which
// for System.map is nm -n order.)
func kallsymsRank(s *Symbol) uint32 {
	var r uint32
	if s.Type == 'W' || s.Type == 'w' {
		r |= 1 << 31
	}
	if linkerProvided(s.Name) {
		r |= 1 << 30
	}
	u := len(s.Name) - len(strings.TrimLeft(s.Name, "_"))
	return r | uint32(min(u, 1<<30-1))
}

// linkerProvided guesses a linker-script symbol as
// scripts/kallsyms.c: may_be_linker_script_provide_symbol does:
// __start_*, __stop_*, __end_*, __*_start, __*_end, at least 8 bytes long.
func linkerProvided(name string) bool {
	if len(name) < 8 || !strings.HasPrefix(name, "__") {
		return false
	}
	rest := name[2:]
	return strings.HasPrefix(rest, "start_") || strings.HasPrefix(rest, "stop_") ||
		strings.HasPrefix(rest, "end_") || strings.HasSuffix(name, "_start") ||
		strings.HasSuffix(name, "_end")
}

func mergeRegions(rs []Region) []Region {
	if len(rs) == 0 {
		return nil
	}
	slices.SortFunc(rs, func(a, b Region) int { return cmp.Compare(a.Start, b.Start) })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.Start <= last.End {
			last.End = max(last.End, r.End)
			continue
		}
		out = append(out, r)
	}
	return out
}
