package obj

import (
	"debug/elf"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// shtRELR is SHT_RELR (gABI, "relative relocations in a compact form"),
// which debug/elf does not name.
const shtRELR elf.SectionType = 19

// readImage makes an Image of an ET_EXEC or ET_DYN file.
func readImage(f *fileReader, h *header, secs []*section, progs []prog) (*Image, error) {
	img := &Image{Entry: h.entry}
	var total uint64
	hasDynamic := false
	for i, p := range progs {
		if p.typ == elf.PT_DYNAMIC {
			hasDynamic = true
		}
		if p.typ == elf.PT_TLS {
			return nil, fmt.Errorf("elf: program header %d: thread-local storage (PT_TLS) is not supported", i)
		}
		if p.typ != elf.PT_LOAD || p.memsz == 0 {
			continue
		}
		if p.filesz > p.memsz {
			return nil, fmt.Errorf("elf: segment %d at %#x: file size %#x above its memory size %#x", i, p.vaddr, p.filesz, p.memsz)
		}
		if p.vaddr+p.memsz < p.vaddr {
			return nil, fmt.Errorf("elf: segment %d at %#x, %#x bytes, wraps around the address space", i, p.vaddr, p.memsz)
		}
		if total += p.memsz; total > MaxImageSize || p.memsz > MaxImageSize {
			return nil, fmt.Errorf("elf: segment %d at %#x, %#x bytes: the image needs more than %d MiB", i, p.vaddr, p.memsz, MaxImageSize>>20)
		}
		data, err := f.read(p.off, p.filesz, fmt.Sprintf("segment %d", i))
		if err != nil {
			return nil, err
		}
		var prot Prot
		if p.flags&elf.PF_R != 0 {
			prot |= ProtRead
		}
		if p.flags&elf.PF_W != 0 {
			prot |= ProtWrite
		}
		if p.flags&elf.PF_X != 0 {
			prot |= ProtExec
		}
		img.Segments = append(img.Segments, &Segment{Addr: p.vaddr, Data: data, MemSize: p.memsz, Prot: prot})
	}
	if len(img.Segments) == 0 {
		return nil, fmt.Errorf("elf: an %v file with no PT_LOAD segment: nothing to load", h.typ)
	}
	sort.SliceStable(img.Segments, func(i, j int) bool { return img.Segments[i].Addr < img.Segments[j].Addr })
	for i := 1; i < len(img.Segments); i++ {
		if a, b := img.Segments[i-1], img.Segments[i]; b.Addr < a.End() {
			return nil, fmt.Errorf("elf: segments at %#x and %#x overlap", a.Addr, b.Addr)
		}
	}
	for _, s := range secs {
		if s.index == 0 || s.flags&elf.SHF_ALLOC == 0 || s.size == 0 {
			continue
		}
		img.Sections = append(img.Sections, ImageSection{Name: s.name, Addr: s.addr, Size: s.size, Flags: secFlags(s.flags), NoBits: s.typ == elf.SHT_NOBITS})
	}
	sort.SliceStable(img.Sections, func(i, j int) bool { return img.Sections[i].Addr < img.Sections[j].Addr })
	if err := readImageSymbols(f, secs, img); err != nil {
		return nil, err
	}
	if err := readDynRelocs(f, h, secs, img, hasDynamic); err != nil {
		return nil, err
	}
	return img, nil
}

func secFlags(fl elf.SectionFlag) SectionFlags {
	var r SectionFlags
	if fl&elf.SHF_ALLOC != 0 {
		r |= SecAlloc
	}
	if fl&elf.SHF_WRITE != 0 {
		r |= SecWrite
	}
	if fl&elf.SHF_EXECINSTR != 0 {
		r |= SecExec
	}
	return r
}

// readImageSymbols gives an image the symbols of its .symtab (or .dynsym),
// as nm -n lists them: by address, then name. A file without a symbol
// table is an image without symbols.
func readImageSymbols(f *fileReader, secs []*section, img *Image) error {
	syms, err := listSymbols(f, secs)
	if err != nil {
		if errors.Is(err, ErrNoSymbols) {
			return nil
		}
		return err
	}
	sortSymbols(syms)
	img.Symbols = syms
	return nil
}

// readDynRelocs applies the dynamic relocations of a position-independent
// image (ET_DYN) for its link addresses and keeps them for Rebase.
//
// A static PIE (PT_DYNAMIC present) may hold only R_AARCH64_RELATIVE
// (and R_AARCH64_NONE): any other type needs a dynamic linker, and is an
// error. The Linux kernel is an ET_DYN without PT_DYNAMIC that relocates
// itself at boot: arch/arm64/kernel/head.S:__relocate_kernel (v6.1;
// arch/arm64/kernel/pi/relocate.c:relocate_kernel since v6.6) applies the
// R_AARCH64_RELATIVE entries between __rela_start and __rela_end, writing
// r_addend + offset at r_offset + offset, and skips every other type; it
// is linked with --no-apply-dynamic-relocs, so the places hold 0 in the
// file and the loader must fill them even at KASLR offset 0. The other
// types are skipped likewise, and said so in Image.Notes. RELR entries
// (SHT_RELR) hold their link-time value in place: they are only kept, for
// Rebase.
//
// An ET_EXEC's dynamic relocations (R_AARCH64_IRELATIVE of a static glibc
// program) are the program's own business at startup: they are left alone.
func readDynRelocs(f *fileReader, h *header, secs []*section, img *Image, hasDynamic bool) error {
	var skipped map[RelocType]int
	var nskipped int
	for _, s := range secs {
		if s.flags&elf.SHF_ALLOC == 0 || s.typ != elf.SHT_RELA && s.typ != shtRELR && s.typ != elf.SHT_REL {
			continue
		}
		if h.typ == elf.ET_EXEC {
			img.Notes = append(img.Notes, fmt.Sprintf("dynamic relocations of %v left to the program (an ET_EXEC relocates nothing at load)", s))
			continue
		}
		raw, err := f.data(s)
		if err != nil {
			return err
		}
		switch s.typ {
		case elf.SHT_REL:
			if len(raw) > 0 {
				return fmt.Errorf("elf: %v: REL relocations are not used on AArch64 and not supported", s)
			}
		case shtRELR:
			if err := readRELR(raw, s, img); err != nil {
				return err
			}
		case elf.SHT_RELA:
			if s.ent != relaSize || s.size%relaSize != 0 {
				return fmt.Errorf("elf: %v: entry size %d and size %d, want entries of %d bytes", s, s.ent, s.size, relaSize)
			}
			for k := 0; k+relaSize <= len(raw); k += relaSize {
				off, info, add := le.Uint64(raw[k:]), le.Uint64(raw[k+8:]), int64(le.Uint64(raw[k+16:]))
				switch typ := RelocType(uint32(info)); typ {
				case R_AARCH64_NONE:
				case R_AARCH64_RELATIVE:
					img.Relative = append(img.Relative, RelativeReloc{Offset: off, Addend: add})
				default:
					if hasDynamic {
						return fmt.Errorf("elf: %v: relocation %v at %#x (symbol %d): a static image may hold only R_AARCH64_RELATIVE; other dynamic relocations need a dynamic linker", s, typ, off, info>>32)
					}
					if skipped == nil {
						skipped = make(map[RelocType]int)
					}
					skipped[typ]++
					nskipped++
				}
			}
		}
	}
	if nskipped > 0 {
		var kinds []string
		for t, n := range skipped {
			kinds = append(kinds, fmt.Sprintf("%v x%d", t, n))
		}
		sort.Strings(kinds)
		img.Notes = append(img.Notes, fmt.Sprintf("skipped %d dynamic relocations other than R_AARCH64_RELATIVE (%s): the image has no PT_DYNAMIC and relocates itself, as Linux's __relocate_kernel does, applying R_AARCH64_RELATIVE only",
			nskipped, strings.Join(kinds, ", ")))
	}
	return img.applyRelative(0)
}

// readRELR decodes an SHT_RELR table (gABI: an even entry is the address
// of a relocated word and starts a run; an odd entry is a bitmap of the 63
// words that follow the run, bit i+1 for word i) into relative relocations
// whose addend is the word's link-time value.
func readRELR(raw []byte, s *section, img *Image) error {
	if s.ent != 8 || len(raw)%8 != 0 {
		return fmt.Errorf("elf: %v: entry size %d and size %d, want entries of 8 bytes", s, s.ent, len(raw))
	}
	// A bitmap word stands for up to 63 relocations: bound them by the
	// words the segments hold, so that a hostile table cannot allocate 126
	// times its size.
	var words uint64
	for _, seg := range img.Segments {
		words += uint64(len(seg.Data)) / 8
	}
	var next uint64 // the address after the last run
	add := func(addr uint64) error {
		if uint64(len(img.Relative)) >= words {
			return fmt.Errorf("elf: %v: more relative relocations than words in the segments", s)
		}
		seg := img.segmentAt(addr, 8)
		if seg == nil {
			return fmt.Errorf("elf: %v: relative relocation at %#x is not in a segment's file bytes", s, addr)
		}
		img.Relative = append(img.Relative, RelativeReloc{Offset: addr, Addend: int64(le.Uint64(seg.Data[addr-seg.Addr:]))})
		return nil
	}
	for k := 0; k < len(raw); k += 8 {
		e := le.Uint64(raw[k:])
		if e&1 == 0 {
			if err := add(e); err != nil {
				return err
			}
			next = e + 8
			continue
		}
		for i := uint64(0); i < 63; i++ {
			if e>>(i+1)&1 != 0 {
				if err := add(next + i*8); err != nil {
					return err
				}
			}
		}
		next += 63 * 8
	}
	return nil
}
