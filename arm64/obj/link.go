package obj

import (
	"errors"
	"fmt"
	"sort"
)

// DefaultBase is where Link puts an image when LinkOptions.Base is 0: the
// address GNU ld gives the text segment of an AArch64 Linux executable.
const DefaultBase = 0x400000

// MaxImageSize bounds the memory of an image, the sum of its segments'
// sizes: the linker and the ELF reader refuse more, so that a hostile or
// broken file cannot make a loader allocate without limit.
const MaxImageSize = 1 << 30

// pageSize is the granule segments are aligned to, so that each can have
// its own permissions: the 4 KiB pages Linux arm64 uses by default.
const pageSize = 4096

// LinkOptions configure Link; nil means the defaults.
type LinkOptions struct {
	// Base is the address of the first segment; it must be page aligned.
	// 0 means DefaultBase. Kernel-style code is linked at a kernel-half
	// address such as 0xffff800008000000.
	Base uint64
	// Entry names the entry-point symbol. "" means _start when some object
	// defines it, else the start of the text.
	Entry string
	// Name names the image in messages; "" means the first object's name.
	Name string
}

// The output groups, in address order. Each starts on a page boundary so
// that it can be mapped with its own permissions.
const (
	groupText = iota
	groupRodata
	groupData
	groupBss
	numGroups
)

var groupProt = [numGroups]Prot{ProtRead | ProtExec, ProtRead, ProtRead | ProtWrite, ProtRead | ProtWrite}

func sectionGroup(s *Section) int {
	switch {
	case s.Flags&SecExec != 0:
		return groupText
	case s.Flags&SecWrite == 0:
		return groupRodata
	case s.Data == nil:
		return groupBss
	}
	return groupData
}

// outSection is an output section: the same-named input sections of all
// objects, in object order.
type outSection struct {
	name   string
	group  int
	align  uint64
	flags  SectionFlags
	noBits bool
	addr   uint64
	size   uint64
	pieces []piece
}

type piece struct {
	obj, sec int
	off      uint64 // offset in the output section
}

// linker holds the state of one Link.
type linker struct {
	objs []*Object
	opts LinkOptions
	outs []*outSection
	// secAddr[o][s] is the address of section s of object o; placed[o][s]
	// is false for the sections not loaded (not SHF_ALLOC).
	secAddr [][]uint64
	placed  [][]bool
	// symAddr[o][i] is the resolved address of symbol i of object o.
	symAddr [][]uint64
	globals map[string]globalDef
	groups  [numGroups]struct {
		start, end uint64
		data       []byte
	}
}

type globalDef struct {
	obj, sym int
	weak     bool
}

// Link lays out objects at an address and makes an image of them: same-named
// sections of all objects are merged in object order, each at its
// alignment; text, then read-only data, then data, then bss, each group
// starting on a page so that it gets its own permissions (r-x, r--, rw-,
// rw-). Global symbols resolve across objects (a strong definition beats a
// weak one; two strong ones are an error), local symbols within their
// object; an undefined weak symbol is 0; an undefined reference that
// nothing defines is an error naming the symbol and the object. Then the
// relocations are applied (Apply).
func Link(objs []*Object, opts *LinkOptions) (*Image, error) {
	l := &linker{objs: objs, globals: make(map[string]globalDef)}
	if opts != nil {
		l.opts = *opts
	}
	if l.opts.Base == 0 {
		l.opts.Base = DefaultBase
	}
	if l.opts.Base%pageSize != 0 {
		return nil, fmt.Errorf("link: base %#x is not page aligned", l.opts.Base)
	}
	if l.opts.Name == "" && len(objs) > 0 {
		l.opts.Name = objs[0].Name
	}
	for i, o := range objs {
		if o == nil {
			return nil, fmt.Errorf("link: object %d is nil", i)
		}
		if err := checkObject(o); err != nil {
			return nil, err
		}
	}
	if err := l.layout(); err != nil {
		return nil, err
	}
	if err := l.resolve(); err != nil {
		return nil, err
	}
	if err := l.relocate(); err != nil {
		return nil, err
	}
	return l.image()
}

// objName names an object in messages.
func objName(o *Object, i int) string {
	if o.Name != "" {
		return o.Name
	}
	return fmt.Sprintf("object %d", i)
}

// checkObject checks the indices an object's symbols and relocations hold,
// so that the rest of the linker can trust them.
func checkObject(o *Object) error {
	for i, s := range o.Sections {
		if s == nil {
			return fmt.Errorf("%s: section %d is nil", o.Name, i)
		}
		if s.Align == 0 || s.Align&(s.Align-1) != 0 {
			return fmt.Errorf("%s: section %s: alignment %d is not a power of two", o.Name, s.Name, s.Align)
		}
		if s.Data != nil && uint64(len(s.Data)) != s.Size {
			return fmt.Errorf("%s: section %s: %d bytes of data for size %d", o.Name, s.Name, len(s.Data), s.Size)
		}
	}
	for i, s := range o.Symbols {
		if s == nil {
			return fmt.Errorf("%s: symbol %d is nil", o.Name, i)
		}
		if s.Section != SectionUndef && s.Section != SectionAbs && (s.Section < 0 || s.Section >= len(o.Sections)) {
			return fmt.Errorf("%s: symbol %s: section index %d out of range", o.Name, s.Name, s.Section)
		}
	}
	for _, r := range o.Relocs {
		if r.Section < 0 || r.Section >= len(o.Sections) {
			return fmt.Errorf("%s: relocation %v: section index %d out of range", o.Name, r.Type, r.Section)
		}
		if r.Symbol < 0 || r.Symbol >= len(o.Symbols) {
			return fmt.Errorf("%s: %s+%#x: relocation %v: symbol index %d out of range", o.Name, o.Sections[r.Section].Name, r.Offset, r.Type, r.Symbol)
		}
	}
	return nil
}

func alignUp(v, a uint64) (uint64, bool) {
	r := (v + a - 1) &^ (a - 1)
	return r, r >= v
}

// layout gives every allocated section its address.
func (l *linker) layout() error {
	byName := [numGroups]map[string]*outSection{}
	var order [numGroups][]*outSection
	l.secAddr = make([][]uint64, len(l.objs))
	l.placed = make([][]bool, len(l.objs))
	for oi, o := range l.objs {
		l.secAddr[oi] = make([]uint64, len(o.Sections))
		l.placed[oi] = make([]bool, len(o.Sections))
		for si, s := range o.Sections {
			if s.Flags&SecAlloc == 0 {
				continue
			}
			g := sectionGroup(s)
			if byName[g] == nil {
				byName[g] = make(map[string]*outSection)
			}
			out := byName[g][s.Name]
			if out == nil {
				out = &outSection{name: s.Name, group: g, align: 1, noBits: s.Data == nil}
				byName[g][s.Name] = out
				order[g] = append(order[g], out)
			}
			out.flags |= s.Flags
			out.noBits = out.noBits && s.Data == nil
			out.align = max(out.align, s.Align)
			out.pieces = append(out.pieces, piece{obj: oi, sec: si})
			l.placed[oi][si] = true
		}
	}
	addr := l.opts.Base
	var total uint64
	for g := range numGroups {
		if len(order[g]) == 0 {
			continue
		}
		var ok bool
		if addr, ok = alignUp(addr, pageSize); !ok {
			return fmt.Errorf("link: the image does not fit below 2^64 from base %#x", l.opts.Base)
		}
		start := addr
		for _, out := range order[g] {
			if addr, ok = alignUp(addr, out.align); !ok {
				return fmt.Errorf("link: section %s does not fit below 2^64", out.name)
			}
			out.addr = addr
			for i := range out.pieces {
				p := &out.pieces[i]
				s := l.objs[p.obj].Sections[p.sec]
				if addr, ok = alignUp(addr, s.Align); !ok || addr+s.Size < addr {
					return fmt.Errorf("link: section %s does not fit below 2^64", out.name)
				}
				p.off = addr - out.addr
				l.secAddr[p.obj][p.sec] = addr
				addr += s.Size
			}
			out.size = addr - out.addr
			l.outs = append(l.outs, out)
		}
		total += addr - start
		if total > MaxImageSize {
			return fmt.Errorf("link: the image needs more than %d MiB of memory", MaxImageSize>>20)
		}
		gr := &l.groups[g]
		gr.start, gr.end = start, addr
		if g != groupBss {
			gr.data = make([]byte, addr-start)
			for _, out := range order[g] {
				for _, p := range out.pieces {
					if d := l.objs[p.obj].Sections[p.sec].Data; d != nil {
						copy(gr.data[out.addr+p.off-start:], d)
					}
				}
			}
		}
	}
	return nil
}

// resolve computes the address of every symbol of every object.
func (l *linker) resolve() error {
	// Definitions first: globals across objects, strong over weak.
	var errs []error
	for oi, o := range l.objs {
		for si, s := range o.Symbols {
			if s.Section == SectionUndef || s.Binding == BindLocal || s.Kind == SymSection || s.Name == "" {
				continue
			}
			prev, seen := l.globals[s.Name]
			switch {
			case !seen || prev.weak && s.Binding != BindWeak:
				l.globals[s.Name] = globalDef{obj: oi, sym: si, weak: s.Binding == BindWeak}
			case !prev.weak && s.Binding != BindWeak:
				errs = append(errs, fmt.Errorf("link: duplicate symbol %s: defined in %s and in %s",
					s.Name, objName(l.objs[prev.obj], prev.obj), objName(o, oi)))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	l.symAddr = make([][]uint64, len(l.objs))
	for oi, o := range l.objs {
		l.symAddr[oi] = make([]uint64, len(o.Symbols))
		for si := range o.Symbols {
			l.symAddr[oi][si], _ = l.defAddr(oi, si)
		}
	}
	for oi, o := range l.objs {
		for si, s := range o.Symbols {
			if s.Section != SectionUndef {
				continue
			}
			if def, ok := l.globals[s.Name]; ok {
				l.symAddr[oi][si] = l.symAddr[def.obj][def.sym]
			}
		}
	}
	return nil
}

// defAddr is the address of a defined symbol; ok is false for undefined
// symbols and symbols of sections that are not loaded.
func (l *linker) defAddr(oi, si int) (uint64, bool) {
	s := l.objs[oi].Symbols[si]
	switch s.Section {
	case SectionUndef:
		return 0, false
	case SectionAbs:
		return s.Value, true
	}
	if !l.placed[oi][s.Section] {
		return 0, false
	}
	return l.secAddr[oi][s.Section] + s.Value, true
}

// symbolFor checks that relocation r of object oi can use its symbol.
func (l *linker) symbolFor(oi int, r Reloc) error {
	o := l.objs[oi]
	s := o.Symbols[r.Symbol]
	if s.Section == SectionUndef {
		if _, ok := l.globals[s.Name]; ok || s.Binding == BindWeak {
			return nil
		}
		return fmt.Errorf("link: undefined symbol %s, referenced by %s at %s+%#x", s.Name, objName(o, oi), o.Sections[r.Section].Name, r.Offset)
	}
	if s.Section >= 0 && !l.placed[oi][s.Section] {
		return fmt.Errorf("link: %s: %s+%#x: relocation %v against %s, in section %s which is not loaded",
			objName(o, oi), o.Sections[r.Section].Name, r.Offset, r.Type, s.Name, o.Sections[s.Section].Name)
	}
	return nil
}

// relocate applies every relocation of the loaded sections.
func (l *linker) relocate() error {
	var errs []error
	for oi, o := range l.objs {
		for _, r := range o.Relocs {
			if !l.placed[oi][r.Section] {
				continue // a relocation of debugging information
			}
			if err := l.symbolFor(oi, r); err != nil {
				errs = append(errs, err)
				continue
			}
			if err := l.apply(oi, r); err != nil {
				errs = append(errs, err)
			}
			if len(errs) >= 20 {
				errs = append(errs, errors.New("link: too many errors"))
				return errors.Join(errs...)
			}
		}
	}
	return errors.Join(errs...)
}

func (l *linker) apply(oi int, r Reloc) error {
	o := l.objs[oi]
	sec := o.Sections[r.Section]
	s := o.Symbols[r.Symbol]
	where := fmt.Sprintf("%s: %s+%#x", objName(o, oi), sec.Name, r.Offset)
	if !r.Type.Supported() {
		return fmt.Errorf("link: %s: unsupported relocation %v against %s", where, r.Type, s.Name)
	}
	if r.Offset >= sec.Size {
		return fmt.Errorf("link: %s: relocation %v past the end of the section (%#x bytes)", where, r.Type, sec.Size)
	}
	P := l.secAddr[oi][r.Section] + r.Offset
	g := &l.groups[sectionGroup(sec)]
	if g.data == nil {
		return fmt.Errorf("link: %s: relocation %v in a section without data", where, r.Type)
	}
	secEnd := l.secAddr[oi][r.Section] + sec.Size - g.start
	place := g.data[P-g.start : secEnd]
	if err := Apply(r.Type, place, l.symAddr[oi][r.Symbol], uint64(r.Addend), P); err != nil {
		name := s.Name
		if name == "" && s.Section >= 0 {
			name = o.Sections[s.Section].Name
		}
		return fmt.Errorf("link: %s against %s: %w", where, name, err)
	}
	return nil
}

// image assembles the result.
func (l *linker) image() (*Image, error) {
	img := &Image{Name: l.opts.Name, Entry: l.opts.Base}
	for g := range numGroups {
		gr := l.groups[g]
		if gr.end == gr.start {
			continue
		}
		img.Segments = append(img.Segments, &Segment{Addr: gr.start, Data: gr.data, MemSize: gr.end - gr.start, Prot: groupProt[g]})
	}
	if gr := l.groups[groupText]; gr.end > gr.start {
		img.Entry = gr.start
	}
	for _, out := range l.outs {
		if out.size == 0 {
			continue // the empty .data and .bss every assembled object has
		}
		img.Sections = append(img.Sections, ImageSection{Name: out.name, Addr: out.addr, Size: out.size, Flags: out.flags, NoBits: out.noBits})
	}
	weakUndef := make(map[string]bool)
	for oi, o := range l.objs {
		for si, s := range o.Symbols {
			if s.Kind == SymSection || s.Name == "" || isMappingSymbol(s.Name) {
				continue
			}
			p := symPlace{abs: s.Section == SectionAbs, undef: s.Section == SectionUndef}
			if p.undef {
				// Listed once, where nothing defines it: an undefined
				// weak symbol is 0, as nm shows it ("w").
				if _, ok := l.globals[s.Name]; ok || s.Binding != BindWeak || weakUndef[s.Name] {
					continue
				}
				weakUndef[s.Name] = true
			} else if s.Section >= 0 {
				if !l.placed[oi][s.Section] {
					continue
				}
				sec := o.Sections[s.Section]
				p.section, p.flags, p.noBits = sec.Name, sec.Flags, sec.Data == nil
			}
			if s.Binding != BindLocal && !p.undef {
				// A weak definition that a strong one replaced is not
				// part of the image.
				if def := l.globals[s.Name]; def.obj != oi || def.sym != si {
					continue
				}
			}
			img.Symbols = append(img.Symbols, ImageSymbol{
				Name: s.Name, Addr: l.symAddr[oi][si], Size: s.Size, Kind: s.Kind, Binding: s.Binding,
				Type: nmType(s.Binding, s.Kind, p),
			})
		}
	}
	sortSymbols(img.Symbols)
	entry := l.opts.Entry
	if entry == "" {
		if _, ok := l.globals["_start"]; ok {
			entry = "_start"
		}
	}
	if entry != "" {
		def, ok := l.globals[entry]
		if !ok {
			return nil, fmt.Errorf("link: entry symbol %s is not defined", entry)
		}
		img.Entry = l.symAddr[def.obj][def.sym]
	}
	sort.SliceStable(img.Sections, func(i, j int) bool { return img.Sections[i].Addr < img.Sections[j].Addr })
	return img, nil
}
