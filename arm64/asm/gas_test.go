package asm

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/internal/oracle"
)

// The GNU as oracle: assemble a source with aarch64-linux-gnu-as and read
// the object back with debug/elf into the same shape as ours, so that the
// tests compare sections, relocations and symbols of both.

const gasCmd = "aarch64-linux-gnu-as"

// gasArch is the architecture the oracle assembles for: every extension
// kpemu's assembler accepts without asking (binutils 2.40 knows up to
// armv9.3-a).
const gasArch = "-march=armv9.3-a"

func gasPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath(gasCmd)
	if err != nil {
		oracle.Missing(t, gasCmd, "binutils-aarch64-linux-gnu", "go test ./arm64/asm")
	}
	return p
}

// gasObj is what the tests compare of an object: sections by name, the
// relocations and the symbols, in a form independent of symbol indices.
type gasObj struct {
	sections map[string]gasSection
	relocs   []string // "section+offset TYPE target+addend", sorted
	symbols  []string // "name section value size kind binding", sorted
}

type gasSection struct {
	data  []byte
	size  uint64
	flags obj.SectionFlags
	align uint64
}

// runGAS assembles src with GNU as. It returns the object, or the
// messages when GNU as reports errors.
func runGAS(t testing.TB, src string) (*gasObj, string) {
	t.Helper()
	as := gasPath(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.s"), filepath.Join(dir, "out.o")
	require.NoError(t, os.WriteFile(in, []byte(src), 0o644))
	cmd := exec.Command(as, gasArch, "-o", out, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, stderr.String()
	}
	f, err := elf.Open(out)
	require.NoError(t, err)
	defer f.Close()
	return readGASObject(t, f), stderr.String()
}

func readGASObject(t testing.TB, f *elf.File) *gasObj {
	t.Helper()
	g := &gasObj{sections: map[string]gasSection{}}
	for _, s := range f.Sections {
		switch s.Type {
		case elf.SHT_PROGBITS, elf.SHT_NOBITS, elf.SHT_NOTE, elf.SHT_INIT_ARRAY, elf.SHT_FINI_ARRAY, elf.SHT_PREINIT_ARRAY:
		default:
			continue
		}
		gs := gasSection{size: s.Size, align: s.Addralign}
		if s.Flags&elf.SHF_ALLOC != 0 {
			gs.flags |= obj.SecAlloc
		}
		if s.Flags&elf.SHF_WRITE != 0 {
			gs.flags |= obj.SecWrite
		}
		if s.Flags&elf.SHF_EXECINSTR != 0 {
			gs.flags |= obj.SecExec
		}
		if s.Type != elf.SHT_NOBITS {
			data, err := s.Data()
			require.NoError(t, err)
			gs.data = data
		}
		g.sections[s.Name] = gs
	}
	syms, err := f.Symbols()
	require.NoError(t, err)
	secName := func(i elf.SectionIndex) string {
		switch {
		case i == elf.SHN_UNDEF:
			return "*UND*"
		case i == elf.SHN_ABS:
			return "*ABS*"
		case int(i) < len(f.Sections):
			return f.Sections[i].Name
		}
		return fmt.Sprint(i)
	}
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_SECTION || elf.ST_TYPE(s.Info) == elf.STT_FILE ||
			s.Name == "$x" || s.Name == "$d" || strings.HasPrefix(s.Name, "$x.") || strings.HasPrefix(s.Name, "$d.") {
			continue
		}
		g.symbols = append(g.symbols, symLine(s.Name, secName(s.Section), s.Value, s.Size,
			kindName(elf.ST_TYPE(s.Info)), bindName(elf.ST_BIND(s.Info))))
	}
	sort.Strings(g.symbols)
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA {
			continue
		}
		target := f.Sections[s.Info].Name
		data, err := s.Data()
		require.NoError(t, err)
		for i := 0; i+24 <= len(data); i += 24 {
			off := binary.LittleEndian.Uint64(data[i:])
			info := binary.LittleEndian.Uint64(data[i+8:])
			addend := int64(binary.LittleEndian.Uint64(data[i+16:]))
			symIdx, typ := info>>32, uint32(info)
			name := ""
			if symIdx > 0 {
				sym := syms[symIdx-1]
				name = sym.Name
				if elf.ST_TYPE(sym.Info) == elf.STT_SECTION {
					name = secName(sym.Section)
				}
			}
			g.relocs = append(g.relocs, relocLine(target, off, obj.RelocType(typ), name, addend))
		}
	}
	sort.Strings(g.relocs)
	return g
}

func symLine(name, sec string, value, size uint64, kind, bind string) string {
	return fmt.Sprintf("%s %s %#x size=%d %s %s", name, sec, value, size, kind, bind)
}

func relocLine(sec string, off uint64, typ obj.RelocType, sym string, addend int64) string {
	return fmt.Sprintf("%s+%#x %v %s%+d", sec, off, typ, sym, addend)
}

func kindName(t elf.SymType) string {
	switch t {
	case elf.STT_FUNC:
		return "func"
	case elf.STT_OBJECT:
		return "object"
	}
	return "notype"
}

func bindName(b elf.SymBind) string {
	switch b {
	case elf.STB_GLOBAL:
		return "global"
	case elf.STB_WEAK:
		return "weak"
	}
	return "local"
}

// ourObj puts our object in the same shape.
func ourObj(o *obj.Object) *gasObj {
	g := &gasObj{sections: map[string]gasSection{}}
	for _, s := range o.Sections {
		g.sections[s.Name] = gasSection{data: s.Data, size: s.Size, flags: s.Flags, align: s.Align}
	}
	secName := func(i int) string {
		switch i {
		case obj.SectionUndef:
			return "*UND*"
		case obj.SectionAbs:
			return "*ABS*"
		}
		return o.Sections[i].Name
	}
	for _, s := range o.Symbols {
		if s.Kind == obj.SymSection {
			continue
		}
		kind := map[obj.SymbolKind]string{obj.SymFunc: "func", obj.SymObject: "object"}[s.Kind]
		if kind == "" {
			kind = "notype"
		}
		bind := map[obj.Binding]string{obj.BindGlobal: "global", obj.BindWeak: "weak"}[s.Binding]
		if bind == "" {
			bind = "local"
		}
		g.symbols = append(g.symbols, symLine(s.Name, secName(s.Section), s.Value, s.Size, kind, bind))
	}
	sort.Strings(g.symbols)
	for _, r := range o.Relocs {
		s := o.Symbols[r.Symbol]
		name := s.Name
		if s.Kind == obj.SymSection {
			name = secName(s.Section)
		}
		g.relocs = append(g.relocs, relocLine(o.Sections[r.Section].Name, r.Offset, r.Type, name, r.Addend))
	}
	sort.Strings(g.relocs)
	return g
}

var gasErrorLine = regexp.MustCompile(`^[^:]*:(\d+): Error: (.*)$`)

// gasErrorLines returns the line numbers GNU as reports errors on.
func gasErrorLines(msgs string) map[int]string {
	out := map[int]string{}
	for _, l := range strings.Split(msgs, "\n") {
		if m := gasErrorLine.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			if _, ok := out[n]; !ok {
				out[n] = m[2]
			}
		}
	}
	return out
}
