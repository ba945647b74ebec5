package kprobe

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The files of /sys/kernel/debug/kprobes/ (reference §8.1,
// kernel/kprobes.c: debugfs_kprobe_init): list (show_kprobe_addr,
// report_probe), enabled (read_enabled_file_bool,
// write_enabled_file_bool) and blacklist (kprobe_blacklist_seq_show).

// KPROBE_HASH_BITS sizes kprobe_table: 1 << 6 hash chains.
const (
	KPROBE_HASH_BITS  = 6
	KPROBE_TABLE_SIZE = 1 << KPROBE_HASH_BITS
)

// goldenRatio64 is include/linux/hash.h's GOLDEN_RATIO_64.
const goldenRatio64 = 0x61C8864680B583EB

// hashPtr is hash_ptr(addr, KPROBE_HASH_BITS) on a 64-bit kernel:
// hash_long = hash_64 = hash_64_generic (arm64 has no arch hash), the
// multiplicative hash keeping the top bits.
func hashPtr(addr uint64) int {
	return int(addr * goldenRatio64 >> (64 - KPROBE_HASH_BITS))
}

// tableOrder is the table entries (single probes and aggregators) in
// the order the kernel walks kprobe_table: chain 0 to 63 by hash_ptr of
// the address, each chain newest first (hlist_add_head_rcu). Addresses
// whose insertion was not recorded sort last in their chain, by address.
func (s *Subsystem) tableOrder() []*Kprobe {
	g := s.global()
	ps := make([]*Kprobe, 0, len(s.probes))
	for _, p := range s.probes {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Kprobe) int {
		if c := cmp.Compare(hashPtr(a.Addr), hashPtr(b.Addr)); c != 0 {
			return c
		}
		if c := cmp.Compare(g.hashed[b.Addr], g.hashed[a.Addr]); c != 0 {
			return c
		}
		return cmp.Compare(a.Addr, b.Addr)
	})
	return ps
}

// kprobeType is report_probe's type column: "r" for a kretprobe's kprobe,
// else "k". (The "j" of jprobes went with them in v4.15; there is no "f".)
func kprobeType(isKretprobe bool) string {
	if isKretprobe {
		return "r"
	}
	return "k"
}

// px is how %px prints a pointer on a 64-bit kernel: 16 lower-case
// hex digits, zero-padded, no prefix (lib/vsprintf.c: pointer_string).
func px(addr uint64) string { return fmt.Sprintf("%016x", addr) }

// DebugfsList is what reading /sys/kernel/debug/kprobes/list gives a
// reader who may see kernel addresses (kallsyms_show_value true: root
// with kptr_restrict < 2): show_kprobe_addr over every chain, one
// report_probe line per probe, an aggregator's probes each on its own
// line, newest first.
func (s *Subsystem) DebugfsList() string { return s.DebugfsListAs(true) }

// DebugfsListAs is DebugfsList for a reader for whom kallsyms_show_value
// is showValue; when false the address column is %px of NULL.
//
// Each line is report_probe's: "%px  %s  %s+0x%x  %s " (address, type,
// symbol, offset in the symbol printed as an int, module name or " " for
// the kernel), or "%px  %s  %pS " when kallsyms finds no symbol; then
// "[GONE]", "[DISABLED]" (disabled and not gone), "[OPTIMIZED]" and
// "[FTRACE]" (these two from the aggregator; never set on arm64), and a
// newline. A built-in, enabled probe at kernel_clone+0 is
// "ffff8000802a1b40  k  kernel_clone+0x0    \n".
func (s *Subsystem) DebugfsListAs(showValue bool) string {
	var b strings.Builder
	for _, p := range s.tableOrder() {
		if p.isAggr {
			for _, c := range p.children {
				s.reportProbe(&b, c, p, showValue)
			}
		} else {
			s.reportProbe(&b, p, p, showValue)
		}
	}
	return b.String()
}

// reportProbe is report_probe: one line for p, whose table entry is pp.
// The symbol comes from kallsyms_lookup of p's address (the same for
// every probe of an aggregator).
func (s *Subsystem) reportProbe(b *strings.Builder, p, pp *Kprobe, showValue bool) {
	addr := p.Addr
	if !showValue {
		addr = 0
	}
	typ := kprobeType(s.KretprobeOf(p) != nil)
	loc, ok := s.syms.LookupAddr(p.Addr)
	if ok && s.moduleGone(loc.Symbol.Module) {
		ok = false // a freed module's symbols are no longer in kallsyms
	}
	if ok {
		mod := loc.Symbol.Module
		if mod == "" {
			mod = " "
		}
		// offset is an int in report_probe, printed with %x.
		fmt.Fprintf(b, "%s  %s  %s+0x%x  %s ", px(addr), typ, loc.Symbol.Name, uint32(loc.Offset), mod)
	} else {
		// %pS of an address kallsyms does not know: "0x%lx".
		fmt.Fprintf(b, "%s  %s  %#x ", px(addr), typ, p.Addr)
	}
	if p.Gone() {
		b.WriteString("[GONE]")
	}
	if p.Disabled() && !p.Gone() {
		b.WriteString("[DISABLED]")
	}
	if pp.Flags&KPROBE_FLAG_OPTIMIZED != 0 {
		b.WriteString("[OPTIMIZED]")
	}
	if pp.Flags&KPROBE_FLAG_FTRACE != 0 {
		b.WriteString("[FTRACE]")
	}
	b.WriteByte('\n')
}

// DebugfsEnabled is reading /sys/kernel/debug/kprobes/enabled
// (read_enabled_file_bool): "1\n" unless kprobes are globally disarmed,
// then "0\n".
func (s *Subsystem) DebugfsEnabled() string {
	if s.KprobesAllDisarmed() {
		return "0\n"
	}
	return "1\n"
}

// WriteDebugfsEnabled is writing data to /sys/kernel/debug/kprobes/enabled
// (write_enabled_file_bool): the value is parsed as kstrtobool_from_user
// does, then true arms all probes (ArmAllKprobes) and false disarms them
// (DisarmAllKprobes). It returns len(data) on success, as write(2) would;
// an unparsable value is EINVAL and changes nothing; an arming failure
// is returned after the best-effort pass.
func (s *Subsystem) WriteDebugfsEnabled(data string) (int, error) {
	enable, err := kstrtoboolFromUser(data)
	if err != nil {
		return 0, err
	}
	if enable {
		err = s.ArmAllKprobes()
	} else {
		err = s.DisarmAllKprobes()
	}
	if err != nil {
		return 0, err
	}
	return len(data), nil
}

// kstrtoboolFromUser is kstrtobool_from_user: at most 3 bytes are copied
// (a 4-byte buffer with its terminator), then kstrtobool (lib/kstrtox.c,
// current kernels): the first character decides, 'y' 'Y' 't' 'T' 'e' 'E'
// '1' true and 'n' 'N' 'f' 'F' 'd' 'D' '0' false, or "on"/"off" by their
// second character, case-insensitively; anything else is EINVAL. (Older
// kernels accept fewer letters: 't'/'f' came with v5.17, 'e'/'d' later.)
func kstrtoboolFromUser(data string) (bool, error) {
	if len(data) > 3 {
		data = data[:3]
	}
	if i := strings.IndexByte(data, 0); i >= 0 {
		data = data[:i]
	}
	bad := errorf("write_enabled_file_bool", EINVAL, "%q is not a boolean", data)
	if data == "" {
		return false, bad
	}
	switch data[0] {
	case 'y', 'Y', 't', 'T', 'e', 'E', '1':
		return true, nil
	case 'n', 'N', 'f', 'F', 'd', 'D', '0':
		return false, nil
	case 'o', 'O':
		if len(data) > 1 {
			switch data[1] {
			case 'n', 'N':
				return true, nil
			case 'f', 'F':
				return false, nil
			}
		}
	}
	return false, bad
}

// BlacklistEntry is struct kprobe_blacklist_entry: [Start, End) of one
// blacklisted function, and where the entry came from.
type BlacklistEntry struct {
	Start, End uint64
	Source     BlacklistSource
}

// KprobeBlacklist is the kprobe_blacklist list, in the kernel's order:
// what populate_kprobe_blacklist adds at boot (blacklist.go) — the
// _kprobe_blacklist section's functions, then one entry per kallsyms
// symbol of the __kprobes and noinstr text, then arm64's entry,
// irqentry, hyp and hyp idmap text (kprobe_add_area_blacklist) — then
// Options.BlacklistAreas. The kernel does not merge duplicates: a
// NOKPROBE function in noinstr text has two entries.
//
// The Options.Blacklist names come first: they stand for
// NOKPROBE_SYMBOL, whose section the kernel walks first. Each spans its
// function as kprobe_add_ksym_blacklist does (its start and kallsyms
// size; names kallsyms does not find are skipped, as
// populate_kprobe_blacklist skips its EINVAL entries); having no section
// order, they are in address order, resolved when the list is read so
// that symbols added after New count. A "name.suffix" copy of a
// blacklisted function has no entry of its own: within_kprobe_blacklist
// finds it through its base name. Entries of a module that went away
// (ModuleGoing) are removed, as remove_module_kprobe_blacklist does.
func (s *Subsystem) KprobeBlacklist() []BlacklistEntry {
	var out []BlacklistEntry
	for name := range s.blacklist {
		sym, ok := s.syms.LookupName(name)
		if !ok || s.moduleGone(sym.Module) {
			continue
		}
		loc, ok := s.syms.LookupAddr(sym.Addr)
		if !ok {
			continue
		}
		out = append(out, BlacklistEntry{Start: sym.Addr, End: sym.Addr + loc.Size, Source: SourceSymbol})
	}
	slices.SortFunc(out, func(a, b BlacklistEntry) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	out = slices.CompactFunc(out, func(a, b BlacklistEntry) bool { return a == b })
	for _, e := range s.bl.entries {
		if !s.moduleGone(e.module) {
			out = append(out, e.BlacklistEntry)
		}
	}
	return out
}

// DebugfsBlacklist is reading /sys/kernel/debug/kprobes/blacklist as a
// reader who may see kernel addresses: kprobe_blacklist_seq_show's
// "0x%px-0x%px\t%ps\n" per entry.
func (s *Subsystem) DebugfsBlacklist() string { return s.DebugfsBlacklistAs(true) }

// DebugfsBlacklistAs is DebugfsBlacklist for a reader for whom
// kallsyms_show_value is showValue: when false both addresses print as
// %px of NULL, the name still shows.
func (s *Subsystem) DebugfsBlacklistAs(showValue bool) string {
	var b strings.Builder
	for _, e := range s.KprobeBlacklist() {
		start, end := e.Start, e.End
		if !showValue {
			start, end = 0, 0
		}
		fmt.Fprintf(&b, "0x%s-0x%s\t%s\n", px(start), px(end), s.syms.SprintSymbolNoOffset(e.Start))
	}
	return b.String()
}
