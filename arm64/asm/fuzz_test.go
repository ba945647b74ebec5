package asm

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/arm64/asm/internal/corpusgen"
	"github.com/kpemu/kpemu/arm64/obj"
)

// FuzzAssemble checks what must hold whatever the source: Assemble never
// panics; an error is an ErrorList of positioned errors, none of them an
// internal error (a bug of the assembler, not of the source); an object
// is consistent (section sizes, relocations inside their sections,
// symbol and section indices in range).
//
//	go test ./arm64/asm -run '^$' -fuzz '^FuzzAssemble$' -fuzztime 60s
func FuzzAssemble(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add([]byte(s))
	}
	maxSectionSize = 1 << 20 // keep ".skip 0x1000000" cheap
	f.Fuzz(func(t *testing.T, src []byte) {
		o, err := Assemble("fuzz.s", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if strings.Contains(e.Msg, "internal error") {
					t.Fatalf("%v", e)
				}
				if e.Pos.File != "fuzz.s" || e.Pos.Line < 1 || e.Pos.Col < 1 {
					t.Fatalf("error without a position: %#v", e)
				}
			}
			return
		}
		checkObject(t, o)
	})
}

func checkObject(t *testing.T, o *obj.Object) {
	for _, s := range o.Sections {
		if s.Data != nil && uint64(len(s.Data)) != s.Size {
			t.Fatalf("section %s: %d bytes of data, size %d", s.Name, len(s.Data), s.Size)
		}
		if s.Align == 0 || s.Align&(s.Align-1) != 0 {
			t.Fatalf("section %s: alignment %d", s.Name, s.Align)
		}
	}
	secOK := func(i int) bool { return i >= 0 && i < len(o.Sections) }
	for _, s := range o.Symbols {
		if !secOK(s.Section) && s.Section != obj.SectionUndef && s.Section != obj.SectionAbs {
			t.Fatalf("symbol %s in section %d", s.Name, s.Section)
		}
		if secOK(s.Section) && s.Value > o.Sections[s.Section].Size {
			t.Fatalf("symbol %s at %#x past the end of %s", s.Name, s.Value, o.Sections[s.Section].Name)
		}
	}
	for _, r := range o.Relocs {
		if !secOK(r.Section) || r.Symbol < 0 || r.Symbol >= len(o.Symbols) {
			t.Fatalf("relocation %+v out of range", r)
		}
		if r.Offset+2 > o.Sections[r.Section].Size {
			t.Fatalf("relocation %+v past the end of its section", r)
		}
	}
}

func fuzzSeeds(f *testing.F) []string {
	seeds := []string{poolSrc, relocSrc, numericLabelsSrc, labelsSrc, exprSource(), "",
		"\tb 1f\n1:\n", ".data\n.skip 10, 1\n.align 4\n", "\tldr x0, =x\nx:\t.ltorg\n",
		"a = b\nb = a\n", ".set x, .\n.quad x\n", "\tadd x0, x1, #:lo12:y\n\t.quad y - .\n"}
	if src, err := os.ReadFile("testdata/directives.s"); err == nil {
		seeds = append(seeds, string(src))
	}
	lines, err := corpusgen.Lines()
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < len(lines); i += 97 {
		seeds = append(seeds, lines[i].Text+"\n")
	}
	bad, err := corpusgen.Invalid()
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range bad {
		seeds = append(seeds, l.Text)
	}
	return seeds
}
