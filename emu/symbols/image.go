package symbols

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kpemu/kpemu/arm64/obj"
)

// AddImage adds the symbols of an image, as one module load (see Add):
// module "" for the kernel (vmlinux, or any image that plays it), else
// the module's name. The image comes from arm64/obj, which reads ELF files
// and computes the nm type letters: obj.ReadELF or obj.OpenELF for an
// executable or a vmlinux, obj.Link for an object such as a module placed
// at an address, or just obj.ReadSymbols' list in an Image without
// segments, for a table without memory.
//
// It adds the image's defined symbols with their nm letters, leaving out
// what kallsyms cannot hold: undefined references (U, w, v; they are not
// definitions) and names that the text forms cannot write (with a blank or
// a NUL), and for a kernel image what scripts/kallsyms.c leaves out
// (IgnoredByKallsyms: absolute symbols, linker stubs, the __kvm_nvhe_$x
// mapping symbols that the nVHE prefixing turns into names, ...). A kernel
// image's symbols keep the image's order (nm -n: by
// address, then name), the order scripts/kallsyms.c reads System.map in.
// A module's symbols at one address come locals first, as the module's
// symbol table holds them (gABI: the STB_LOCAL symbols precede the
// others) and kernel/module/kallsyms.c: find_kallsyms_symbol, which names
// an address after the first of them, walks it; among the locals, and
// among the others, the image's name order stands in for the symbol table
// order, which an Image does not keep.
//
// It adds Regions for the memory the image occupies, so that an address
// after the last symbol of a segment still belongs to that symbol: for
// the kernel one region from its lowest segment to the end of its highest,
// as kernel/kallsyms.c: is_ksym_addr takes _stext.._end; for a module one
// per segment, since the kernel places a module's text, read-only data and
// data in separate allocations (kernel/module/main.c: mod->mem[type]). An
// image without segments adds no region.
//
// Like Add, it adds nothing when it fails.
func (t *Table) AddImage(img *obj.Image, module string) error {
	if err := checkModule(module); err != nil {
		return fmt.Errorf("symbols: %s: %w", img.Name, err)
	}
	defs := make([]obj.ImageSymbol, 0, len(img.Symbols))
	for _, s := range img.Symbols {
		switch s.Type {
		case 'U', 'w', 'v':
			continue
		}
		if s.Name == "" || strings.ContainsFunc(s.Name, isBlankOrNUL) {
			continue
		}
		if module == "" && IgnoredByKallsyms(s.Name, Type(s.Type)) {
			continue // scripts/kallsyms.c leaves it out of the kernel's table
		}
		defs = append(defs, s)
	}
	if module != "" {
		slices.SortStableFunc(defs, func(a, b obj.ImageSymbol) int {
			return cmp.Or(cmp.Compare(a.Addr, b.Addr), cmp.Compare(nonLocal(a), nonLocal(b)))
		})
	}
	syms := make([]Symbol, len(defs))
	for i, s := range defs {
		syms[i] = Symbol{Name: s.Name, Addr: s.Addr, Size: s.Size, Type: Type(s.Type), Module: module}
	}
	var regions []Region
	for _, seg := range img.Segments {
		if seg.MemSize == 0 || seg.End() < seg.Addr {
			continue // nothing, or not an address range (ReadELF refuses both)
		}
		if module == "" && len(regions) == 1 {
			regions[0].Start = min(regions[0].Start, seg.Addr)
			regions[0].End = max(regions[0].End, seg.End())
			continue
		}
		regions = append(regions, Region{module, seg.Addr, seg.End()})
	}
	if err := t.Add(syms...); err != nil {
		return fmt.Errorf("symbols: %s: %w", img.Name, err)
	}
	// The module name is valid and every region is non-empty: these
	// cannot fail, so the table is not left half extended.
	for _, r := range regions {
		if err := t.AddRegion(r.Module, r.Start, r.End); err != nil {
			return err
		}
	}
	return nil
}

// nonLocal is 0 for a local symbol, 1 for the others, which a symbol
// table holds after the locals.
func nonLocal(s obj.ImageSymbol) int {
	if s.Binding == obj.BindLocal {
		return 0
	}
	return 1
}
