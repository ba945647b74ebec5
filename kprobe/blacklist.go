package kprobe

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
)

// The kprobe blacklist and the "reserved" sites (reference §4.1 step 3,
// §4.5, §7.1 step 4): what init_kprobes builds at boot
// (kernel/kprobes.c: populate_kprobe_blacklist, kprobe_add_ksym_blacklist,
// kprobe_add_area_blacklist; arch/arm64/kernel/probes/kprobes.c:
// arch_populate_kprobe_blacklist) and the tables check_kprobe_address_safe
// and arch_prepare_kprobe search (ftrace_location, jump_label_text_reserved,
// find_bug, search_exception_tables).
//
// New reads them from the loaded image when the bracketing symbols are in
// the symbol table (the machine's memory then holds the tables, with the
// relocations the loader applied), and takes the same facts declared in
// Options for hand-written kernels that have no such tables.
//
// Static-call sites: static_call_text_reserved is a stub returning 0
// unless the architecture has HAVE_STATIC_CALL_INLINE
// (include/linux/static_call.h), which arm64 never has in the modelled
// versions, so there is no static-call table to read.

// maxTableBytes bounds one table read from guest memory: the real 6.1
// kernel's largest, __mcount_loc, is 354 KB; a bigger one comes from
// wrong symbols and is an error rather than a long loop.
const maxTableBytes = 64 << 20

// SiteKind is the kind of a single refused address.
type SiteKind uint8

const (
	// SiteFtrace is an ftrace call site, the patched NOP of a traceable
	// function: check_ftrace_location refuses ftrace_location(addr) ==
	// addr with EINVAL, as arm64 has no KPROBES_ON_FTRACE.
	SiteFtrace SiteKind = iota + 1
	// SiteJumpLabel is the patched instruction of a static branch
	// (jump_label_text_reserved).
	SiteJumpLabel
	// SiteBug is the BRK of a BUG() or WARN() (find_bug, v5.9+).
	SiteBug
	// SiteExtable is an instruction with an exception-table fixup
	// (search_exception_tables in arch_prepare_kprobe).
	SiteExtable
)

func (k SiteKind) String() string {
	switch k {
	case SiteFtrace:
		return "ftrace call site"
	case SiteJumpLabel:
		return "jump-label site"
	case SiteBug:
		return "BUG site"
	case SiteExtable:
		return "exception-fixup site"
	}
	return fmt.Sprintf("SiteKind(%d)", uint8(k))
}

// Site is one refused address and its kind.
type Site struct {
	Addr uint64
	Kind SiteKind
}

// BlacklistSource says where a blacklist entry came from.
type BlacklistSource uint8

const (
	// SourceSymbol: a name of Options.Blacklist (NOKPROBE_SYMBOL declared
	// by the user).
	SourceSymbol BlacklistSource = iota
	// SourceNokprobe: an address of the image's _kprobe_blacklist section
	// (__start_kprobe_blacklist.. __stop_kprobe_blacklist), which
	// NOKPROBE_SYMBOL fills.
	SourceNokprobe
	// SourceKprobesText: a symbol of the __kprobes text
	// (__kprobes_text_start.. __kprobes_text_end).
	SourceKprobesText
	// SourceNoinstrText: a symbol of the noinstr text
	// (__noinstr_text_start.. __noinstr_text_end).
	SourceNoinstrText
	// SourceEntryText: arm64's entry text (__entry_text_start..).
	SourceEntryText
	// SourceIrqentryText: arm64's irqentry text (__irqentry_text_start..).
	SourceIrqentryText
	// SourceHypText: arm64's hyp text (__hyp_text_start..).
	SourceHypText
	// SourceHypIdmapText: arm64's hyp idmap text (__hyp_idmap_text_start..).
	SourceHypIdmapText
	// SourceArea: an area of Options.BlacklistAreas.
	SourceArea
)

func (b BlacklistSource) String() string {
	switch b {
	case SourceSymbol:
		return "NOKPROBE_SYMBOL (declared)"
	case SourceNokprobe:
		return "NOKPROBE_SYMBOL"
	case SourceKprobesText:
		return "__kprobes text"
	case SourceNoinstrText:
		return "noinstr text"
	case SourceEntryText:
		return "entry text"
	case SourceIrqentryText:
		return "irqentry text"
	case SourceHypText:
		return "hyp text"
	case SourceHypIdmapText:
		return "hyp idmap text"
	case SourceArea:
		return "declared area"
	}
	return fmt.Sprintf("BlacklistSource(%d)", uint8(b))
}

// TextArea is [Start, End) of a text area whose symbols are all
// blacklisted (kprobe_add_area_blacklist).
type TextArea struct {
	Start, End uint64
}

// blacklistState is the boot-time blacklist: the entries of the
// kprobe_blacklist list in the kernel's order, the __kprobes text range
// (arch_within_kprobe_blacklist's default), and the site tables.
type blacklistState struct {
	entries     []blacklistEntry
	kprobesText TextArea
	sites       map[uint64][]SiteKind // SiteFtrace, SiteBug, SiteExtable: exact addresses
	jumpCodes   []uint64              // jump-label codes, sorted (jump_label_text_reserved)
	err         error                 // populate_kprobe_blacklist's failure, if any
}

type blacklistEntry struct {
	BlacklistEntry
	module string
}

// The areas arch_populate_kprobe_blacklist and populate_kprobe_blacklist
// add, by their bracketing symbols (include/asm-generic/sections.h,
// arch/arm64/include/asm/sections.h).
type areaSyms struct {
	start, stop string
	src         BlacklistSource
}

var (
	kprobesTextSyms = areaSyms{"__kprobes_text_start", "__kprobes_text_end", SourceKprobesText}
	noinstrTextSyms = areaSyms{"__noinstr_text_start", "__noinstr_text_end", SourceNoinstrText}
	entryTextSyms   = areaSyms{"__entry_text_start", "__entry_text_end", SourceEntryText}
	irqentrySyms    = areaSyms{"__irqentry_text_start", "__irqentry_text_end", SourceIrqentryText}
	hypTextSyms     = areaSyms{"__hyp_text_start", "__hyp_text_end", SourceHypText}
	hypIdmapSyms    = areaSyms{"__hyp_idmap_text_start", "__hyp_idmap_text_end", SourceHypIdmapText}
)

// initBlacklist builds the blacklist as init_kprobes does, then adds
// what o declares. A table whose symbols are inconsistent or whose memory
// cannot be read is an error naming the table; a symbol that is not
// kernel text ends population with EINVAL as in the kernel, which
// init_kprobes only reports ("Failed to populate blacklist (error -22),
// kprobes not restricted, be careful using them!"): BlacklistErr returns
// it and the entries added before stay.
func (s *Subsystem) initBlacklist(o *Options) error {
	b := &s.bl
	b.sites = map[uint64][]SiteKind{}
	if !o.NoImageBlacklist {
		var nokprobe table
		if r, ok := s.symRange(areaSyms{"__start_kprobe_blacklist", "__stop_kprobe_blacklist", SourceNokprobe}); ok {
			var err error
			if nokprobe, err = s.readTable("_kprobe_blacklist", r, 8); err != nil {
				return err
			}
		}
		b.err = s.populateKprobeBlacklist(nokprobe)
		if r, ok := s.symRange(kprobesTextSyms); ok {
			b.kprobesText = r
		}
		if err := s.readImageSites(o); err != nil {
			return err
		}
	}
	for _, a := range o.BlacklistAreas {
		if a.End < a.Start {
			return fmt.Errorf("kprobe: New: blacklist area %#x-%#x ends before it starts", a.Start, a.End)
		}
		if b.err == nil { // population stops at its first failure
			b.err = s.addAreaBlacklist(a, SourceArea)
		}
	}
	for _, d := range []struct {
		addrs []uint64
		kind  SiteKind
	}{{o.FtraceSites, SiteFtrace}, {o.BugSites, SiteBug}, {o.ExtableSites, SiteExtable}} {
		for _, a := range d.addrs {
			b.addSite(a, d.kind)
		}
	}
	b.jumpCodes = append(b.jumpCodes, o.JumpLabelSites...)
	slices.Sort(b.jumpCodes)
	return nil
}

func (b *blacklistState) addSite(a uint64, k SiteKind) {
	if !slices.Contains(b.sites[a], k) {
		b.sites[a] = append(b.sites[a], k)
	}
}

// symRange is [start, stop) of a pair of bracketing symbols, when both
// are in the symbol table.
func (s *Subsystem) symRange(a areaSyms) (TextArea, bool) {
	lo, ok1 := s.syms.LookupName(a.start)
	hi, ok2 := s.syms.LookupName(a.stop)
	if !ok1 || !ok2 || hi.Addr < lo.Addr {
		return TextArea{}, false
	}
	return TextArea{lo.Addr, hi.Addr}, true
}

// populateKprobeBlacklist is populate_kprobe_blacklist: every address of
// the _kprobe_blacklist section t (an EINVAL entry is skipped), then the
// __kprobes and noinstr text areas, then arch_populate_kprobe_blacklist.
func (s *Subsystem) populateKprobeBlacklist(t table) error {
	for i := range t.len() {
		// kprobe_add_ksym_blacklist's EINVAL (not text) is skipped here.
		_, _ = s.addKsymBlacklist(t.u64(i, 0), SourceNokprobe)
	}
	for _, a := range []areaSyms{kprobesTextSyms, noinstrTextSyms} {
		if err := s.addAreaBlacklistSyms(a); err != nil {
			return err
		}
	}
	return s.archPopulateKprobeBlacklist()
}

// archPopulateKprobeBlacklist is arm64's arch_populate_kprobe_blacklist:
// entry, irqentry and hyp text, then, unless the kernel runs at EL2
// (is_kernel_in_hyp_mode, VHE), hyp idmap text; kernels since early 2023
// (Version.HypIdmapNotBlacklisted) no longer add the idmap, which moved
// out of .text. The model's kernel runs at EL1 (the machine takes its
// exceptions at EL1), so it is never in hyp mode.
func (s *Subsystem) archPopulateKprobeBlacklist() error {
	for _, a := range []areaSyms{entryTextSyms, irqentrySyms, hypTextSyms} {
		if err := s.addAreaBlacklistSyms(a); err != nil {
			return err
		}
	}
	if s.ver.HypIdmapNotBlacklisted {
		return nil
	}
	return s.addAreaBlacklistSyms(hypIdmapSyms)
}

func (s *Subsystem) addAreaBlacklistSyms(a areaSyms) error {
	r, ok := s.symRange(a)
	if !ok {
		return nil
	}
	return s.addAreaBlacklist(r, a.src)
}

// addAreaBlacklist is kprobe_add_area_blacklist: one entry per kallsyms
// symbol from Start on, stepping by each symbol's size (by one byte for a
// zero size), until End.
func (s *Subsystem) addAreaBlacklist(a TextArea, src BlacklistSource) error {
	for entry := a.Start; entry < a.End; {
		size, err := s.addKsymBlacklist(entry, src)
		if err != nil {
			return err
		}
		if size == 0 {
			size = 1
		}
		entry += size
	}
	return nil
}

// addKsymBlacklist is kprobe_add_ksym_blacklist: the function around
// entry (kernel_text_address and kallsyms_lookup_size_offset, else
// EINVAL) is appended to the list; its size is returned.
func (s *Subsystem) addKsymBlacklist(entry uint64, src BlacklistSource) (uint64, error) {
	loc, ok := s.syms.LookupAddr(entry)
	if !ok || !s.isKernelText(entry) {
		return 0, errorf("kprobe_add_ksym_blacklist", EINVAL, "%s is not kernel text", s.symbolize(entry))
	}
	start := entry - loc.Offset
	s.bl.entries = append(s.bl.entries, blacklistEntry{
		BlacklistEntry: BlacklistEntry{Start: start, End: start + loc.Size, Source: src},
		module:         loc.Symbol.Module,
	})
	return loc.Size, nil
}

// isKernelText is the model's kernel_text_address: mapped executable at
// EL1, outside the XOL slots.
func (s *Subsystem) isKernelText(addr uint64) bool {
	perm, mapped := s.m.Memory().Mapped(addr)
	return mapped && perm&emu.PermExec != 0 && perm&emu.PermUser == 0 && !s.slots.isInsnSlot(addr)
}

// table is a table read from guest memory: its address and bytes.
type table struct {
	addr uint64
	data []byte
	size uint64 // entry size
}

// readTable reads the table of size-byte entries in [r.Start, r.End),
// checking the bounds and that the memory is there.
func (s *Subsystem) readTable(name string, r TextArea, size uint64) (table, error) {
	n := r.End - r.Start
	if n > maxTableBytes {
		return table{}, fmt.Errorf("kprobe: New: table %s at %#x is %d bytes, more than %d", name, r.Start, n, maxTableBytes)
	}
	if n%size != 0 {
		return table{}, fmt.Errorf("kprobe: New: table %s at %#x-%#x is not a whole number of %d-byte entries", name, r.Start, r.End, size)
	}
	t := table{addr: r.Start, data: make([]byte, n), size: size}
	if err := s.m.Memory().Read(r.Start, t.data); err != nil {
		return table{}, fmt.Errorf("kprobe: New: table %s at %#x: %w", name, r.Start, err)
	}
	return t, nil
}

// len is the number of entries.
func (t table) len() int {
	if t.size == 0 {
		return 0 // no table
	}
	return int(uint64(len(t.data)) / t.size)
}

// u64 is the 64-bit field at byte off of entry i.
func (t table) u64(i int, off uint64) uint64 {
	return binary.LittleEndian.Uint64(t.data[uint64(i)*t.size+off:])
}

// rel32 is the target of the 32-bit place-relative field at byte off of
// entry i (exception_table_entry.insn, bug_entry.bug_addr_disp,
// jump_entry.code): the field's address plus its signed value.
func (t table) rel32(i int, off uint64) uint64 {
	at := uint64(i)*t.size + off
	v := int32(binary.LittleEndian.Uint32(t.data[at:]))
	return t.addr + at + uint64(int64(v))
}

// Entry sizes of the tables (arm64, relative pointers everywhere).
const (
	// struct exception_table_entry: int insn, fixup (v5.4); plus short
	// type, data since v5.16 (arch/arm64/include/asm/extable.h).
	extableEntrySizeOld = 8
	extableEntrySize    = 12
	// struct bug_entry with GENERIC_BUG_RELATIVE_POINTERS: int
	// bug_addr_disp; with DEBUG_BUGVERBOSE int file_disp, unsigned short
	// line; unsigned short flags (include/asm-generic/bug.h): 12 bytes,
	// 8 without DEBUG_BUGVERBOSE.
	bugEntrySizeVerbose = 12
	bugEntrySize        = 8
	// struct jump_entry with HAVE_ARCH_JUMP_LABEL_RELATIVE: s32 code, s32
	// target, long key (include/linux/jump_label.h).
	jumpEntrySize = 16
)

// readImageSites reads the site tables of the image: __ex_table,
// __bug_table, __jump_table and __mcount_loc.
func (s *Subsystem) readImageSites(o *Options) error {
	b := &s.bl
	exSize := uint64(extableEntrySizeOld)
	if s.ver.ExtableTypeData {
		exSize = extableEntrySize
	}
	bugSize := uint64(bugEntrySizeVerbose)
	if o.NoBugVerbose {
		bugSize = bugEntrySize
	}
	if r, ok := s.symRange(areaSyms{start: "__start___ex_table", stop: "__stop___ex_table"}); ok {
		es, err := s.readTable("__ex_table", r, exSize)
		if err != nil {
			return err
		}
		for i := range es.len() {
			b.addSite(es.rel32(i, 0), SiteExtable)
		}
	}
	if r, ok := s.symRange(areaSyms{start: "__start___bug_table", stop: "__stop___bug_table"}); ok {
		es, err := s.readTable("__bug_table", r, bugSize)
		if err != nil {
			return err
		}
		for i := range es.len() {
			b.addSite(es.rel32(i, 0), SiteBug)
		}
	}
	if r, ok := s.symRange(areaSyms{start: "__start___jump_table", stop: "__stop___jump_table"}); ok {
		es, err := s.readTable("__jump_table", r, jumpEntrySize)
		if err != nil {
			return err
		}
		// jump_label_init marks the entries in init text
		// (jump_entry_set_init); once the system runs,
		// __jump_label_text_reserved skips them.
		initText, hasInit := s.symRange(areaSyms{start: "__init_begin", stop: "__init_end"})
		for i := range es.len() {
			code := es.rel32(i, 0)
			if hasInit && code >= initText.Start && code < initText.End {
				continue
			}
			b.jumpCodes = append(b.jumpCodes, code)
		}
	}
	if r, ok := s.symRange(areaSyms{start: "__start_mcount_loc", stop: "__stop_mcount_loc"}); ok {
		es, err := s.readTable("__mcount_loc", r, 8)
		if err != nil {
			return err
		}
		for i := range es.len() {
			rec := es.u64(i, 0)
			if rec == 0 { // ftrace_process_locs skips the zeroed ones
				continue
			}
			b.addSite(s.ftraceCallAdjust(rec, o), SiteFtrace)
		}
	}
	return nil
}

// ftraceCallAdjust is arm64's ftrace_call_adjust
// (arch/arm64/include/asm/ftrace.h): the recorded address of a
// __mcount_loc entry to rec->ip, the instruction ftrace patches into a
// call. Before v5.5 (-pg) the record is the "bl _mcount" itself. With
// patchable-function-entry (Version.FtraceWithRegs) the record is the
// first of the two NOPs (after a BTI C when there is one) and the call is
// the second, record + 4. With DYNAMIC_FTRACE_WITH_CALL_OPS
// (Options.FtraceCallOps, v6.3+ builds) the record is the first of two
// NOPs placed before the function: the call is record + 12, or + 16 with
// ARM64_BTI_KERNEL (Options.BTIKernel), where the function starts with BTI C.
func (s *Subsystem) ftraceCallAdjust(addr uint64, o *Options) uint64 {
	switch {
	case !s.ver.FtraceWithRegs:
		return addr
	case !o.FtraceCallOps:
		return addr + 4
	case o.BTIKernel:
		return addr + 16
	}
	return addr + 12
}

// withinKprobeBlacklist is within_kprobe_blacklist: the address is in the
// __kprobes text (arch_within_kprobe_blacklist's default) or in a listed
// function, or its symbol is a "name.suffix" copy of a listed function.
// Options.Blacklist names are matched by name as well. It returns where
// the matching entry came from.
func (s *Subsystem) withinKprobeBlacklist(addr uint64, loc symbols.Location) (BlacklistSource, bool) {
	if src, ok := s.withinBlacklistRanges(addr); ok {
		return src, true
	}
	name := loc.Symbol.Name
	base := symbols.BaseName(name)
	if s.blacklist[name] || s.blacklist[base] {
		return SourceSymbol, true
	}
	if base != name {
		if sym, ok := s.syms.LookupName(base); ok {
			return s.withinBlacklistRanges(sym.Addr)
		}
	}
	return 0, false
}

// withinBlacklistRanges is __within_kprobe_blacklist.
func (s *Subsystem) withinBlacklistRanges(addr uint64) (BlacklistSource, bool) {
	kt := s.bl.kprobesText
	if addr >= kt.Start && addr < kt.End {
		return SourceKprobesText, true
	}
	for _, e := range s.bl.entries {
		if addr >= e.Start && addr < e.End && !s.moduleGone(e.module) {
			return e.Source, true
		}
	}
	return 0, false
}

// siteIs reports whether addr is a site of kind k (exact address, as
// ftrace_location(addr) == addr, find_bug and search_exception_tables
// compare).
func (s *Subsystem) siteIs(addr uint64, k SiteKind) bool {
	return slices.Contains(s.bl.sites[addr], k)
}

// jumpLabelTextReserved is jump_label_text_reserved(addr, addr): a jump
// entry whose 4-byte instruction (JUMP_LABEL_NOP_SIZE) covers addr
// (addr_conflict).
func (s *Subsystem) jumpLabelTextReserved(addr uint64) bool {
	i, _ := slices.BinarySearch(s.bl.jumpCodes, addr+1)
	return i > 0 && s.bl.jumpCodes[i-1]+4 > addr
}

// BlacklistSites lists the refused single addresses the subsystem knows,
// from the image's tables and Options, by address then kind. A jump-label
// site covers its whole 4-byte instruction.
func (s *Subsystem) BlacklistSites() []Site {
	var out []Site
	for a, ks := range s.bl.sites {
		for _, k := range ks {
			out = append(out, Site{a, k})
		}
	}
	for _, a := range s.bl.jumpCodes {
		out = append(out, Site{a, SiteJumpLabel})
	}
	slices.SortFunc(out, func(x, y Site) int { return cmp.Or(cmp.Compare(x.Addr, y.Addr), cmp.Compare(x.Kind, y.Kind)) })
	return slices.Compact(out)
}

// SiteKinds returns the kinds of site addr is (none: nil), in the order
// the registration checks them.
func (s *Subsystem) SiteKinds(addr uint64) []SiteKind {
	var out []SiteKind
	for _, k := range []SiteKind{SiteFtrace, SiteJumpLabel, SiteBug, SiteExtable} {
		if k == SiteJumpLabel && s.jumpLabelTextReserved(addr) || k != SiteJumpLabel && s.siteIs(addr, k) {
			out = append(out, k)
		}
	}
	return out
}

// KprobesText returns the __kprobes text range (zero when the image has
// none): every address in it is blacklisted, between symbols too.
func (s *Subsystem) KprobesText() TextArea { return s.bl.kprobesText }

// BlacklistErr is the error that ended populate_kprobe_blacklist at New
// (nil when it completed): the kernel then logs "Failed to populate
// blacklist (error %d), kprobes not restricted, be careful using them!"
// and keeps the entries added before.
func (s *Subsystem) BlacklistErr() error { return s.bl.err }
