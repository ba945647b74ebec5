package obj

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
)

// The ELF reader parses the headers itself, with debug/elf's constants and
// record layouts, instead of calling elf.NewFile: NewFile copies every
// section name out of the string table, so a hostile file with many
// section headers pointing into one long name makes it allocate the
// product of the two (quadratic in the file size). Here every read is
// checked against the file size first, and the bytes read in all are
// bounded by a small multiple of it, so memory stays proportional to the
// file whatever its headers say.

var le = binary.LittleEndian

// Sizes of the ELF64 records (ELF gABI, "ELF Header", "Sections",
// "Program Header", "Symbol Table", "Relocation").
const (
	ehdrSize = 64
	shdrSize = 64
	phdrSize = 56
	symSize  = 24
	relaSize = 24
)

// fileReader reads a file through ReadAt, within its size and a budget.
type fileReader struct {
	r      io.ReaderAt
	size   uint64
	budget uint64 // bytes still allowed to be read
}

// readBudgetFactor bounds the bytes read from a file (tables that overlap
// are read more than once) to this many times its size, plus a little.
const readBudgetFactor = 4

func newFileReader(r io.ReaderAt) (*fileReader, error) {
	size, err := readerSize(r)
	if err != nil {
		return nil, err
	}
	return &fileReader{r: r, size: uint64(size), budget: readBudgetFactor*uint64(size) + 1<<20}, nil
}

// readerSize finds the size of what r reads: from Size or Stat when r has
// them, else by probing for the last readable byte.
func readerSize(r io.ReaderAt) (int64, error) {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size(), nil
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size(), nil
		}
	}
	var b [1]byte
	readable := func(off int64) bool {
		n, _ := r.ReadAt(b[:], off)
		return n == 1
	}
	if !readable(0) {
		return 0, nil
	}
	lo, hi := int64(0), int64(1) // lo is readable, hi is not known to be
	for readable(hi) {
		lo = hi
		if hi > 1<<50 {
			return 0, errors.New("elf: the reader has no end")
		}
		hi *= 2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if readable(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1, nil
}

// read returns n bytes at off, or an error naming what was read.
func (f *fileReader) read(off, n uint64, what string) ([]byte, error) {
	if off > f.size || n > f.size-off {
		return nil, fmt.Errorf("elf: %s at offset %#x, %#x bytes, extends past the end of the file (%d bytes)", what, off, n, f.size)
	}
	if n > f.budget {
		return nil, fmt.Errorf("elf: %s: the file's tables overlap so much that reading them would take over %d times its size", what, readBudgetFactor)
	}
	f.budget -= n
	buf := make([]byte, n)
	if k, err := f.r.ReadAt(buf, int64(off)); k < len(buf) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("elf: reading %s: %w", what, err)
	}
	return buf, nil
}

// header is what the reader needs of the ELF header.
type header struct {
	typ       elf.Type
	entry     uint64
	phoff     uint64
	shoff     uint64
	phnum     uint64
	shnum     uint64
	shstrndx  uint64
	phentsize uint16
	shentsize uint16
}

// section is a section header with its name.
type section struct {
	index int
	name  string
	typ   elf.SectionType
	flags elf.SectionFlag
	addr  uint64
	off   uint64
	size  uint64
	link  uint32
	info  uint32
	align uint64
	ent   uint64
}

func (s *section) String() string {
	if s.name != "" {
		return s.name
	}
	return fmt.Sprintf("section %d", s.index)
}

// prog is a program header.
type prog struct {
	typ    elf.ProgType
	flags  elf.ProgFlag
	off    uint64
	vaddr  uint64
	filesz uint64
	memsz  uint64
}

// describe says what a file that kpemu cannot read is, from its first
// bytes, so that the error helps: a 32-bit or big-endian ELF, another
// machine's ELF, an archive, a compressed or EFI boot image, a script.
func describe(b []byte) string {
	switch {
	case len(b) >= 16 && string(b[:4]) == elf.ELFMAG:
		return describeELF(b)
	case bytes.HasPrefix(b, []byte("!<arch>\n")):
		return "an ar archive (a static library): extract its objects with ar x"
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return "gzip-compressed data (a vmlinuz? the ELF vmlinux with symbols is in the distribution's -dbg package)"
	case len(b) >= 0x40 && string(b[0x38:0x3c]) == "ARM\x64":
		return "an arm64 Linux boot Image (ARM\\x64 magic at 0x38), not an ELF vmlinux: the ELF vmlinux is in the distribution's -dbg package"
	case bytes.HasPrefix(b, []byte("MZ")):
		return "a PE/COFF file (MZ)"
	case bytes.HasPrefix(b, []byte("#!")):
		return "a script (#!)"
	case len(b) == 0:
		return "an empty file"
	case len(b) < 4:
		return fmt.Sprintf("a %d-byte file, too short for an ELF header", len(b))
	}
	n := min(len(b), 8)
	return fmt.Sprintf("not an ELF file (it starts with % x)", b[:n])
}

func describeELF(b []byte) string {
	class := map[byte]string{1: "ELF32", 2: "ELF64"}[b[elf.EI_CLASS]]
	if class == "" {
		class = fmt.Sprintf("ELF of class %d", b[elf.EI_CLASS])
	}
	var bo binary.ByteOrder
	var data string
	switch b[elf.EI_DATA] {
	case 1:
		bo, data = binary.LittleEndian, "little-endian"
	case 2:
		bo, data = binary.BigEndian, "big-endian"
	default:
		return fmt.Sprintf("an %s file with data encoding %d (neither little- nor big-endian)", class, b[elf.EI_DATA])
	}
	if len(b) < 20 {
		return fmt.Sprintf("a truncated %s %s ELF file", class, data)
	}
	typ := elf.Type(bo.Uint16(b[16:]))
	mach := elf.Machine(bo.Uint16(b[18:]))
	return fmt.Sprintf("an %s %s %v %v file", class, data, mach, typ)
}

// readHeader reads and checks the ELF header: only ELF64 little-endian
// EM_AARCH64 files are accepted.
// readHeaders reads and checks the file header and the section headers,
// the start of every reader of an ELF file.
func readHeaders(r io.ReaderAt) (*fileReader, *header, []*section, error) {
	f, err := newFileReader(r)
	if err != nil {
		return nil, nil, nil, err
	}
	h, err := readHeader(f)
	if err != nil {
		return nil, nil, nil, err
	}
	secs, err := readSections(f, h)
	if err != nil {
		return nil, nil, nil, err
	}
	return f, h, secs, nil
}

func readHeader(f *fileReader) (*header, error) {
	first, _ := f.read(0, min(f.size, 64), "the ELF header")
	if len(first) < 4 || string(first[:4]) != elf.ELFMAG {
		return nil, fmt.Errorf("elf: %s", describe(first))
	}
	if len(first) < ehdrSize {
		return nil, fmt.Errorf("elf: a truncated ELF file (%d bytes; the ELF header alone takes %d)", len(first), ehdrSize)
	}
	if first[elf.EI_CLASS] != byte(elf.ELFCLASS64) || first[elf.EI_DATA] != byte(elf.ELFDATA2LSB) ||
		elf.Machine(le.Uint16(first[18:])) != elf.EM_AARCH64 {
		return nil, fmt.Errorf("elf: %s: kpemu reads ELF64 little-endian EM_AARCH64 files only", describe(first))
	}
	if v := first[elf.EI_VERSION]; v != byte(elf.EV_CURRENT) {
		return nil, fmt.Errorf("elf: ELF identification version %d, want 1", v)
	}
	h := &header{
		typ:       elf.Type(le.Uint16(first[16:])),
		entry:     le.Uint64(first[24:]),
		phoff:     le.Uint64(first[32:]),
		shoff:     le.Uint64(first[40:]),
		phentsize: le.Uint16(first[54:]),
		phnum:     uint64(le.Uint16(first[56:])),
		shentsize: le.Uint16(first[58:]),
		shnum:     uint64(le.Uint16(first[60:])),
		shstrndx:  uint64(le.Uint16(first[62:])),
	}
	// Extended numbering (gABI, "Sections"): when the counts do not fit in
	// the header, section 0's sh_size, sh_link and sh_info hold them.
	if h.shoff != 0 && (h.shnum == 0 || h.shstrndx == uint64(elf.SHN_XINDEX) || h.phnum == 0xffff) {
		if h.shentsize != shdrSize {
			return nil, fmt.Errorf("elf: section header size %d, want %d", h.shentsize, shdrSize)
		}
		s0, err := f.read(h.shoff, shdrSize, "section header 0")
		if err != nil {
			return nil, err
		}
		if h.shnum == 0 {
			h.shnum = le.Uint64(s0[32:])
		}
		if h.shstrndx == uint64(elf.SHN_XINDEX) {
			h.shstrndx = uint64(le.Uint32(s0[40:]))
		}
		if h.phnum == 0xffff {
			h.phnum = uint64(le.Uint32(s0[44:]))
		}
	}
	if h.shnum > 0 && h.shentsize != shdrSize {
		return nil, fmt.Errorf("elf: section header size %d, want %d", h.shentsize, shdrSize)
	}
	if h.phnum > 0 && h.phentsize != phdrSize {
		return nil, fmt.Errorf("elf: program header size %d, want %d", h.phentsize, phdrSize)
	}
	// Each header takes file space: counts above what the file can hold
	// are lies, refused before anything is allocated from them.
	if h.shnum > f.size/shdrSize {
		return nil, fmt.Errorf("elf: %d section headers do not fit in a %d-byte file", h.shnum, f.size)
	}
	if h.phnum > f.size/phdrSize {
		return nil, fmt.Errorf("elf: %d program headers do not fit in a %d-byte file", h.phnum, f.size)
	}
	if h.shnum > 0 && h.shstrndx >= h.shnum {
		return nil, fmt.Errorf("elf: section name table index %d out of range (%d sections)", h.shstrndx, h.shnum)
	}
	return h, nil
}

// readSections reads the section headers and their names.
func readSections(f *fileReader, h *header) ([]*section, error) {
	if h.shnum == 0 {
		return nil, nil
	}
	raw, err := f.read(h.shoff, h.shnum*shdrSize, "the section header table")
	if err != nil {
		return nil, err
	}
	secs := make([]*section, h.shnum)
	for i := range secs {
		b := raw[i*shdrSize:]
		s := &section{
			index: i,
			typ:   elf.SectionType(le.Uint32(b[4:])),
			flags: elf.SectionFlag(le.Uint64(b[8:])),
			addr:  le.Uint64(b[16:]),
			off:   le.Uint64(b[24:]),
			size:  le.Uint64(b[32:]),
			link:  le.Uint32(b[40:]),
			info:  le.Uint32(b[44:]),
			align: le.Uint64(b[48:]),
			ent:   le.Uint64(b[56:]),
		}
		if i == 0 {
			s.size = 0 // holds the extended section count, not a size
		}
		secs[i] = s
	}
	strs := secs[h.shstrndx]
	if strs.typ != elf.SHT_STRTAB {
		return nil, fmt.Errorf("elf: section name table (section %d) has type %v, want SHT_STRTAB", h.shstrndx, strs.typ)
	}
	tab, err := readStrtab(f, strs, "the section name table")
	if err != nil {
		return nil, err
	}
	for i, s := range secs {
		name, ok := tab.at(le.Uint32(raw[i*shdrSize:]))
		if !ok {
			return nil, fmt.Errorf("elf: section %d: name offset out of the section name table", i)
		}
		s.name = name
	}
	return secs, nil
}

// readProgs reads the program headers.
func readProgs(f *fileReader, h *header) ([]prog, error) {
	if h.phnum == 0 {
		return nil, nil
	}
	raw, err := f.read(h.phoff, h.phnum*phdrSize, "the program header table")
	if err != nil {
		return nil, err
	}
	ps := make([]prog, h.phnum)
	for i := range ps {
		b := raw[i*phdrSize:]
		ps[i] = prog{
			typ:    elf.ProgType(le.Uint32(b[0:])),
			flags:  elf.ProgFlag(le.Uint32(b[4:])),
			off:    le.Uint64(b[8:]),
			vaddr:  le.Uint64(b[16:]),
			filesz: le.Uint64(b[32:]),
			memsz:  le.Uint64(b[40:]),
		}
	}
	return ps, nil
}

// data reads a section's contents (none for SHT_NOBITS).
func (f *fileReader) data(s *section) ([]byte, error) {
	if s.typ == elf.SHT_NOBITS {
		return nil, nil
	}
	return f.read(s.off, s.size, "section "+s.String())
}

// strtab is a string table kept as one string, whose names are substrings
// of it: no name is copied, whatever the symbols point at. nuls lists where
// its strings end, so that finding the end of a name takes a binary search
// rather than a scan: a hostile table of one long name pointed at from
// every offset costs n log n, not n squared.
type strtab struct {
	s    string
	nuls []uint32
}

func readStrtab(f *fileReader, s *section, what string) (*strtab, error) {
	if s.typ == elf.SHT_NOBITS {
		return nil, fmt.Errorf("elf: %s has no bits", what)
	}
	if s.size >= 1<<32 {
		return nil, fmt.Errorf("elf: %s: %d bytes, more than a string table can index", what, s.size)
	}
	b, err := f.read(s.off, s.size, what)
	if err != nil {
		return nil, err
	}
	t := &strtab{s: string(b)}
	for i, c := range b {
		if c == 0 {
			t.nuls = append(t.nuls, uint32(i))
		}
	}
	return t, nil
}

// at returns the NUL-terminated string at off.
func (t *strtab) at(off uint32) (string, bool) {
	if uint64(off) >= uint64(len(t.s)) {
		return "", off == 0 && len(t.s) == 0
	}
	i := sort.Search(len(t.nuls), func(i int) bool { return t.nuls[i] >= off })
	if i == len(t.nuls) {
		return "", false
	}
	return t.s[off:t.nuls[i]], true
}
