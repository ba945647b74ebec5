package kprobe_test

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/emu/symbols"
	"github.com/kpemu/kpemu/internal/oracle"
	"github.com/kpemu/kpemu/kprobe"
)

// envVmlinux names the distribution vmlinux, as for emu/loader's
// TestRealVmlinux.
const envVmlinux = "KPEMU_VMLINUX"

// vmlinuxFacts are what the file says about its tables, read with
// debug/elf from the file's sections, symbols and R_AARCH64_RELATIVE
// relocations, independently of the loader and the machine's memory.
type vmlinuxFacts struct {
	syms     map[string]uint64
	relative map[uint64]uint64 // place -> addend
	extable  []uint64          // insn targets
	bugs     []uint64          // bug_addr targets
	jumps    []uint64          // code targets
}

func readVmlinuxFacts(t *testing.T, path string) *vmlinuxFacts {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	require.NoError(t, err)
	v := &vmlinuxFacts{syms: map[string]uint64{}, relative: map[uint64]uint64{}}
	for _, s := range syms {
		v.syms[s.Name] = s.Value
	}
	rela := f.Section(".rela.dyn")
	require.NotNil(t, rela)
	data, err := rela.Data()
	require.NoError(t, err)
	for i := 0; i+24 <= len(data); i += 24 {
		if elf.R_AARCH64(binary.LittleEndian.Uint64(data[i+8:])&0xffffffff) == elf.R_AARCH64_RELATIVE {
			v.relative[binary.LittleEndian.Uint64(data[i:])] = binary.LittleEndian.Uint64(data[i+16:])
		}
	}
	rel32 := func(sec string, size int) []uint64 {
		s := f.Section(sec)
		require.NotNil(t, s, sec)
		d, err := s.Data()
		require.NoError(t, err)
		require.Zero(t, len(d)%size, sec)
		var out []uint64
		for i := 0; i < len(d); i += size {
			out = append(out, s.Addr+uint64(i)+uint64(int64(int32(binary.LittleEndian.Uint32(d[i:])))))
		}
		return out
	}
	v.extable = rel32("__ex_table", 12)
	v.bugs = rel32("__bug_table", 12)
	jt, ok := v.syms["__start___jump_table"]
	require.True(t, ok)
	for _, s := range f.Sections {
		if s.Addr <= jt && jt < s.Addr+s.Size { // __jump_table sits in .data
			d, err := s.Data()
			require.NoError(t, err)
			for a := jt; a < v.syms["__stop___jump_table"]; a += 16 {
				off := a - s.Addr
				v.jumps = append(v.jumps, a+uint64(int64(int32(binary.LittleEndian.Uint32(d[off:])))))
			}
		}
	}
	return v
}

// pointers are the relocated 64-bit values of [start, stop).
func (v *vmlinuxFacts) pointers(start, stop string) []uint64 {
	var out []uint64
	for a := v.syms[start]; a < v.syms[stop]; a += 8 {
		out = append(out, v.relative[a])
	}
	return out
}

// TestBlacklistRealVmlinux loads Debian's 6.1 arm64 vmlinux and checks
// the blacklist New builds from it against what the file says: entry
// text symbols listed, the ftrace site of kernel_clone refused and its
// entry accepted, a BUG site and an exception-fixup site refused, and the
// counts of entries and sites. Gated like emu/loader's TestRealVmlinux:
// it loads 300 MB.
func TestBlacklistRealVmlinux(t *testing.T) {
	path := os.Getenv(envVmlinux)
	if path == "" {
		oracle.Missing(t, "a distribution arm64 vmlinux", "linux-image-<version>-arm64-dbg",
			envVmlinux+"=path go test ./kprobe -run BlacklistRealVmlinux (scripts/fetch-vmlinux.sh prints a path)")
	}
	m, err := emu.New(nil)
	require.NoError(t, err)
	l, err := loader.LoadFile(m, path, nil)
	require.NoError(t, err)
	v := kprobe.V6_1
	s, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols, Version: &v})
	require.NoError(t, err)
	require.NoError(t, s.BlacklistErr(), "populate_kprobe_blacklist completes on the real kernel")
	facts := readVmlinuxFacts(t, path)

	// The entry text: every symbol of __entry_text_start..end is listed.
	bl := s.KprobeBlacklist()
	count := map[kprobe.BlacklistSource]int{}
	for _, e := range bl {
		count[e.Source]++
	}
	view := s.DebugfsBlacklist()
	for _, name := range []string{"vectors", "el1h_64_sync", "el0t_64_sync", "ret_to_user"} {
		a, ok := l.Addr(name)
		require.True(t, ok, name)
		assert.True(t, slices.ContainsFunc(bl, func(e kprobe.BlacklistEntry) bool {
			return e.Source == kprobe.SourceEntryText && e.Start == a
		}), name)
		assert.Contains(t, view, "\t"+name+"\n")
		assert.ErrorIs(t, s.RegisterKprobe(&kprobe.Kprobe{SymbolName: name, Offset: 4}), kprobe.EINVAL, name)
	}
	// Each area has one entry per distinct symbol address in it
	// (kprobe_add_area_blacklist steps by kallsyms sizes), counted over
	// the symbols the kernel's kallsyms holds: the image's definitions
	// less what scripts/kallsyms.c ignores (symbols.IgnoredByKallsyms:
	// the __kvm_nvhe_$x/$d mapping symbols make 266 and 12 addresses in
	// the hyp areas, 263 and 10 in the kernel).
	addrsIn := func(start, stop string) int {
		seen := map[uint64]bool{}
		lo, hi := facts.syms[start], facts.syms[stop]
		for _, sym := range l.Image.Symbols {
			if sym.Addr < lo || sym.Addr >= hi || sym.Type == 'U' || sym.Type == 'w' || sym.Type == 'v' ||
				symbols.IgnoredByKallsyms(sym.Name, symbols.Type(sym.Type)) {
				continue
			}
			seen[sym.Addr] = true
		}
		return len(seen)
	}
	for _, a := range []struct {
		start, stop string
		src         kprobe.BlacklistSource
	}{
		{"__entry_text_start", "__entry_text_end", kprobe.SourceEntryText},
		{"__irqentry_text_start", "__irqentry_text_end", kprobe.SourceIrqentryText},
		{"__kprobes_text_start", "__kprobes_text_end", kprobe.SourceKprobesText},
		{"__noinstr_text_start", "__noinstr_text_end", kprobe.SourceNoinstrText},
		{"__hyp_text_start", "__hyp_text_end", kprobe.SourceHypText},
		{"__hyp_idmap_text_start", "__hyp_idmap_text_end", kprobe.SourceHypIdmapText},
	} {
		assert.Equal(t, addrsIn(a.start, a.stop), count[a.src], a.src.String())
	}
	assert.Equal(t, 263, count[kprobe.SourceHypText], "Debian 6.1 hyp text, kallsyms symbols only")
	assert.Equal(t, 10, count[kprobe.SourceHypIdmapText])
	nokprobe := facts.pointers("__start_kprobe_blacklist", "__stop_kprobe_blacklist")
	assert.Len(t, nokprobe, 93)
	validNok := 0
	for _, a := range nokprobe {
		if _, ok := l.Symbols.LookupAddr(a); ok && a != 0 {
			validNok++
		}
	}
	assert.Equal(t, validNok, count[kprobe.SourceNokprobe])
	t.Logf("blacklist: %d entries %v", len(bl), count)

	// Sites: counts as computed from the file.
	kinds := map[kprobe.SiteKind]map[uint64]bool{}
	for _, st := range s.BlacklistSites() {
		if kinds[st.Kind] == nil {
			kinds[st.Kind] = map[uint64]bool{}
		}
		kinds[st.Kind][st.Addr] = true
	}
	distinct := func(as []uint64, adj uint64, keep func(uint64) bool) int {
		seen := map[uint64]bool{}
		for _, a := range as {
			if keep(a) {
				seen[a+adj] = true
			}
		}
		return len(seen)
	}
	all := func(uint64) bool { return true }
	initLo, initHi := facts.syms["__init_begin"], facts.syms["__init_end"]
	assert.Len(t, facts.extable, 789)
	assert.Equal(t, distinct(facts.extable, 0, all), len(kinds[kprobe.SiteExtable]))
	assert.Len(t, facts.bugs, 7270)
	assert.Equal(t, distinct(facts.bugs, 0, all), len(kinds[kprobe.SiteBug]))
	assert.Equal(t, distinct(facts.jumps, 0, func(a uint64) bool { return a < initLo || a >= initHi }), len(kinds[kprobe.SiteJumpLabel]))
	mcount := facts.pointers("__start_mcount_loc", "__stop_mcount_loc")
	assert.Equal(t, distinct(mcount, 4, func(a uint64) bool { return a != 0 }), len(kinds[kprobe.SiteFtrace]))
	t.Logf("sites: %d ftrace, %d jump-label, %d BUG, %d extable", len(kinds[kprobe.SiteFtrace]),
		len(kinds[kprobe.SiteJumpLabel]), len(kinds[kprobe.SiteBug]), len(kinds[kprobe.SiteExtable]))

	// Scenario 28 on the real kernel: kernel_clone starts with the two
	// patchable NOPs; the second is the ftrace site.
	clone, ok := l.Addr("kernel_clone")
	require.True(t, ok)
	for off := uint64(0); off < 8; off += 4 {
		w, err := m.Memory().ReadU32(clone + off)
		require.NoError(t, err)
		assert.Equal(t, uint32(0xd503201f), w, "kernel_clone+%d is a NOP", off)
	}
	err = s.RegisterKprobe(&kprobe.Kprobe{SymbolName: "kernel_clone", Offset: 4})
	assert.ErrorIs(t, err, kprobe.EINVAL)
	assert.ErrorContains(t, err, "kernel_clone+0x4/")
	assert.ErrorContains(t, err, "is an ftrace call site")
	p := &kprobe.Kprobe{SymbolName: "kernel_clone"}
	assert.NoError(t, s.RegisterKprobe(p), "func+0 is allowed")
	s.UnregisterKprobe(p)

	// Scenario 27 on the real kernel: a BUG site and an exception-fixup
	// site outside the blacklisted areas.
	inBlacklist := func(a uint64) bool {
		return slices.ContainsFunc(bl, func(e kprobe.BlacklistEntry) bool { return a >= e.Start && a < e.End })
	}
	check := func(targets []uint64, kind kprobe.SiteKind) {
		for _, a := range targets {
			if inBlacklist(a) || !slices.Equal(s.SiteKinds(a), []kprobe.SiteKind{kind}) {
				continue
			}
			if w, err := m.Memory().ReadU32(a); err != nil || kind == kprobe.SiteBug && w != 0xd4210000 {
				continue // a BUG site is BRK #0x800 (BUG_BRK_IMM)
			}
			err := s.RegisterKprobe(&kprobe.Kprobe{Addr: a})
			assert.ErrorIs(t, err, kprobe.EINVAL)
			assert.ErrorContains(t, err, "is a"+map[bool]string{true: "n", false: ""}[kind == kprobe.SiteExtable]+" "+kind.String())
			t.Logf("%v", err)
			return
		}
		t.Errorf("no %s to try", kind)
	}
	check(facts.bugs, kprobe.SiteBug)
	check(facts.extable, kprobe.SiteExtable)
}
