package loader

import (
	"debug/elf"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
)

// Options configure Load and LoadFile; nil means the defaults.
type Options struct {
	// Base is where the image goes. For a relocatable object (ET_REL) it
	// is the link address (0 means obj.DefaultBase). For a
	// position-independent image (ET_DYN) it is the address of its lowest
	// segment, its relative relocations applied again for it; 0 keeps the
	// link addresses, which for the Linux kernel means a KASLR offset of
	// 0. An executable (ET_EXEC) is linked at fixed addresses: Base must
	// be 0 or its own address. Load ignores it.
	Base uint64
	// User maps the segments as EL0 pages (emu.PermUser), for a user
	// program run at EL0. Off, they are kernel pages, whatever their
	// address: emu treats the two halves of the address space alike.
	User bool
	// Entry names the entry symbol when LoadFile links an object; see
	// obj.LinkOptions.
	Entry string
	// NoSymbolizer leaves the machine's symbolizer alone; by default
	// Load makes the image's symbol table the machine's symbolizer, so
	// that errors and traces name addresses as sym+0xoff/0xsize.
	NoSymbolizer bool
}

// Loaded is an image in a machine's memory.
type Loaded struct {
	Image   *obj.Image
	Entry   uint64
	Symbols *symbols.Table // the image's symbols (kallsyms model)
	// Regions are the memory ranges mapped, page aligned, in address
	// order.
	Regions []emu.Region
}

// Addr returns the address of the named symbol (kallsyms_lookup_name's
// choice when several share the name).
func (l *Loaded) Addr(name string) (uint64, bool) {
	s, ok := l.Symbols.LookupName(name)
	return s.Addr, ok
}

// Load maps the image's segments into m with their permissions (r, w, x;
// plus emu.PermUser with Options.User), writes their bytes and leaves the
// rest of each segment, its bss, zero. A page that two segments share
// gets the permissions of both. Memory already mapped where the image goes
// is an error, and a failed Load leaves m as it was. The image's symbols
// become a symbols.Table, the machine's symbolizer.
func Load(m *emu.Machine, img *obj.Image, opts *Options) (*Loaded, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	runs, err := pageRuns(img, o.User)
	if err != nil {
		return nil, err
	}
	// The image plays the kernel of its table: AddImage keeps the
	// definitions kallsyms can hold, with obj's nm letters, and spans the
	// segments as the image's memory.
	table := &symbols.Table{}
	if err := table.AddImage(img, ""); err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	mem := m.Memory()
	var mapped []emu.Region
	undo := func() {
		for _, r := range mapped {
			_ = mem.Unmap(r.Addr, r.Size)
		}
	}
	for _, r := range runs {
		if err := m.Map(r.Addr, r.Size, r.Perm); err != nil {
			undo()
			return nil, fmt.Errorf("loader: %s: mapping %#x-%#x %v: %w", img.Name, r.Addr, r.Addr+r.Size, r.Perm, err)
		}
		mapped = append(mapped, r)
	}
	for _, s := range img.Segments {
		if err := mem.Write(s.Addr, s.Data); err != nil {
			undo()
			return nil, fmt.Errorf("loader: %s: writing the segment at %#x: %w", img.Name, s.Addr, err)
		}
	}
	if !o.NoSymbolizer {
		m.SetSymbolizer(table)
	}
	return &Loaded{Image: img, Entry: img.Entry, Symbols: table, Regions: runs}, nil
}

// pageRuns turns the segments into runs of pages with one permission
// each.
func pageRuns(img *obj.Image, user bool) ([]emu.Region, error) {
	var total uint64
	perms := make(map[uint64]emu.Perm)
	for _, s := range img.Segments {
		if s.MemSize == 0 {
			continue
		}
		if uint64(len(s.Data)) > s.MemSize {
			return nil, fmt.Errorf("loader: %s: segment at %#x has %d bytes for a size of %d", img.Name, s.Addr, len(s.Data), s.MemSize)
		}
		first, last := s.Addr&^(emu.PageSize-1), (s.End()-1)&^(emu.PageSize-1)
		if s.End() < s.Addr {
			return nil, fmt.Errorf("loader: %s: segment at %#x wraps around the address space", img.Name, s.Addr)
		}
		if total += last - first + emu.PageSize; total > obj.MaxImageSize {
			return nil, fmt.Errorf("loader: %s: the image needs more than %d MiB", img.Name, obj.MaxImageSize>>20)
		}
		p := perm(s.Prot, user)
		for a := first; ; a += emu.PageSize {
			perms[a] |= p
			if a == last {
				break
			}
		}
	}
	pages := make([]uint64, 0, len(perms))
	for a := range perms {
		pages = append(pages, a)
	}
	slices.Sort(pages)
	var runs []emu.Region
	for _, a := range pages {
		if n := len(runs); n > 0 && runs[n-1].Addr+runs[n-1].Size == a && runs[n-1].Perm == perms[a] {
			runs[n-1].Size += emu.PageSize
			continue
		}
		runs = append(runs, emu.Region{Addr: a, Size: emu.PageSize, Perm: perms[a]})
	}
	return runs, nil
}

func perm(p obj.Prot, user bool) emu.Perm {
	var r emu.Perm
	if p&obj.ProtRead != 0 {
		r |= emu.PermRead
	}
	if p&obj.ProtWrite != 0 {
		r |= emu.PermWrite
	}
	if p&obj.ProtExec != 0 {
		r |= emu.PermExec
	}
	if user {
		r |= emu.PermUser
	}
	return r
}

// LoadFile loads the ELF file at path into m: an executable (ET_EXEC) at
// its addresses, a position-independent image (ET_DYN: a static PIE, the
// Linux kernel's vmlinux) at its link addresses or at Options.Base, a
// relocatable object (ET_REL) linked at Options.Base. A ".s" file is
// assembly source (GNU as syntax): it is assembled with arm64/asm and
// linked at Options.Base like an object (see LoadFiles).
func LoadFile(m *emu.Machine, path string, opts *Options) (*Loaded, error) {
	if IsSource(path) || filepath.Ext(path) == ".S" {
		return LoadFiles(m, []string{path}, opts)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	f, err := obj.OpenELF(path)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	img, err := place(f, &o)
	if err != nil {
		return nil, fmt.Errorf("loader: %s: %w", path, err)
	}
	return Load(m, img, &o)
}

// place lays a read file out where the options say.
func place(f *obj.File, o *Options) (*obj.Image, error) {
	switch f.Type {
	case elf.ET_REL:
		return obj.Link([]*obj.Object{f.Object}, &obj.LinkOptions{Base: o.Base, Entry: o.Entry, Name: f.Object.Name})
	case elf.ET_DYN:
		if o.Base != 0 {
			lo, _ := f.Image.Bounds()
			if o.Base%emu.PageSize != 0 {
				return nil, fmt.Errorf("base %#x is not page aligned", o.Base)
			}
			if err := f.Image.Rebase(o.Base - lo); err != nil {
				return nil, err
			}
		}
		return f.Image, nil
	case elf.ET_EXEC:
		if lo, _ := f.Image.Bounds(); o.Base != 0 && o.Base != lo {
			return nil, fmt.Errorf("an ET_EXEC is linked at %#x and cannot move to %#x", lo, o.Base)
		}
		return f.Image, nil
	}
	return nil, errors.New("no image in the file")
}
