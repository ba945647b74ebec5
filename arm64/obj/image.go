package obj

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Image is a program laid out at its addresses: what the linker makes of
// objects and what the ELF reader makes of an executable (ET_EXEC) or a
// position-independent image (ET_DYN: a static PIE, the Linux kernel). A
// loader maps its segments and writes their bytes; nothing in an Image
// needs further linking.
type Image struct {
	Name     string // the file it came from, for messages
	Entry    uint64
	Segments []*Segment
	Sections []ImageSection // the allocated sections, in address order
	Symbols  []ImageSymbol  // sorted by address, then name
	// Relative lists the R_AARCH64_RELATIVE relocations of a position
	// independent image, already applied for the image's current
	// addresses; Rebase applies them again for new ones.
	Relative []RelativeReloc
	// Notes says what the reader chose to skip, for the user to judge:
	// for example the dynamic relocations other than R_AARCH64_RELATIVE
	// of an image that relocates itself as the Linux kernel does.
	Notes []string

	bias uint64 // how far Rebase moved the image from its link addresses
}

// Prot is the set of access permissions of a segment.
type Prot uint8

const (
	ProtRead Prot = 1 << iota
	ProtWrite
	ProtExec
)

// String returns the permissions as "r-x".
func (p Prot) String() string {
	b := []byte("---")
	if p&ProtRead != 0 {
		b[0] = 'r'
	}
	if p&ProtWrite != 0 {
		b[1] = 'w'
	}
	if p&ProtExec != 0 {
		b[2] = 'x'
	}
	return string(b)
}

// Segment is a range of memory to map: Data at Addr, then zeros up to
// MemSize (the bss), with permissions Prot.
type Segment struct {
	Addr    uint64
	Data    []byte
	MemSize uint64 // at least len(Data)
	Prot    Prot
}

// End returns the address just past the segment.
func (s *Segment) End() uint64 { return s.Addr + s.MemSize }

// ImageSection is an allocated output section: where it is and what it
// holds, for symbol types and for messages.
type ImageSection struct {
	Name   string
	Addr   uint64
	Size   uint64
	Flags  SectionFlags
	NoBits bool // occupies no file space (.bss)
}

// ImageSymbol is a symbol of a laid-out image.
type ImageSymbol struct {
	Name    string
	Addr    uint64
	Size    uint64
	Kind    SymbolKind
	Binding Binding
	// Type is the letter GNU nm prints for the symbol: T/t text, D/d
	// data, R/r read-only data, B/b bss, A/a absolute, W/w and V/v weak,
	// U undefined (upper case for global symbols).
	Type byte
}

// RelativeReloc is one R_AARCH64_RELATIVE relocation: the 64-bit word at
// Offset (an address of the image as linked) holds Addend plus the load
// bias (AAELF64 §5.7.15: Delta(S) + A).
type RelativeReloc struct {
	Offset uint64
	Addend int64
}

// Size returns the span of memory the image occupies, from its lowest
// segment address to the end of its highest segment.
func (img *Image) Size() uint64 {
	lo, hi := img.Bounds()
	return hi - lo
}

// Bounds returns the lowest segment address and the end of the highest
// segment (both 0 for an image without segments).
func (img *Image) Bounds() (lo, hi uint64) {
	for i, s := range img.Segments {
		if i == 0 || s.Addr < lo {
			lo = s.Addr
		}
		if s.End() > hi {
			hi = s.End()
		}
	}
	return lo, hi
}

// Lookup returns the first symbol named name.
func (img *Image) Lookup(name string) (ImageSymbol, bool) {
	for _, s := range img.Symbols {
		if s.Name == name {
			return s, true
		}
	}
	return ImageSymbol{}, false
}

// segmentAt returns the segment whose file bytes hold [addr, addr+n).
func (img *Image) segmentAt(addr, n uint64) *Segment {
	for _, s := range img.Segments {
		if addr >= s.Addr && addr-s.Addr <= uint64(len(s.Data)) && n <= uint64(len(s.Data))-(addr-s.Addr) {
			return s
		}
	}
	return nil
}

// applyRelative writes Addend + bias into every relative place. Places are
// given as linked; bias moves both the place and the value.
func (img *Image) applyRelative(bias uint64) error {
	for _, r := range img.Relative {
		at := r.Offset + bias
		s := img.segmentAt(at, 8)
		if s == nil {
			return fmt.Errorf("%s: R_AARCH64_RELATIVE at %#x: the place is not in a segment's file bytes", img.Name, r.Offset)
		}
		if err := Apply(R_AARCH64_RELATIVE, s.Data[at-s.Addr:], bias, uint64(r.Addend), at); err != nil {
			return err
		}
	}
	return nil
}

// Rebase moves a position-independent image by delta bytes (arithmetic
// wraps: pass uint64(-d) to move down): segments, sections, symbols
// (except absolute and undefined ones) and the entry point move, and the
// relative relocations are applied again so that the pointers they fill
// follow. Only an image whose code is position independent (ET_DYN) can
// be moved: code of a fixed-address image would still point at the old
// addresses.
func (img *Image) Rebase(delta uint64) error {
	if delta == 0 {
		return nil
	}
	for _, s := range img.Segments {
		s.Addr += delta
	}
	for i := range img.Sections {
		img.Sections[i].Addr += delta
	}
	for i := range img.Symbols {
		if s := &img.Symbols[i]; s.Type != 'A' && s.Type != 'a' && s.Type != 'U' && s.Type != 'w' && s.Type != 'v' {
			s.Addr += delta
		}
	}
	img.Entry += delta
	// The relocation offsets stay as linked: applyRelative adds the bias.
	img.bias += delta
	return img.applyRelative(img.bias)
}

// sortSymbols orders symbols by address, then name, as nm -n does, so that
// lookups by address can use binary search.
func sortSymbols(syms []ImageSymbol) {
	slices.SortStableFunc(syms, func(a, b ImageSymbol) int {
		if c := cmp.Compare(a.Addr, b.Addr); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}
