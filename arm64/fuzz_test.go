package arm64

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecode checks the properties every word must have, whatever it is:
// Decode never panics; an error is an *UndefinedError for the word, naming
// its class; a decoded word prints (GNUSyntax, Disasm) without panicking,
// as a real instruction, and decodes again to the same Inst.
//
//	go test ./arm64 -run '^$' -fuzz '^FuzzDecode$' -fuzztime 30s
func FuzzDecode(f *testing.F) {
	for _, w := range fuzzSeeds(f) {
		f.Add(w, uint64(0x400000))
	}
	f.Add(uint32(0x17ffffff), uint64(0))                  // b .-4 at 0: the target wraps
	f.Add(uint32(0x90800000), uint64(0xffffffffffff0000)) // adrp at the top of memory
	f.Fuzz(func(t *testing.T, w uint32, pc uint64) {
		pc &^= 3
		in, err := Decode(w)
		if err != nil {
			var ue *UndefinedError
			if !errors.As(err, &ue) {
				t.Fatalf("%08x: error %T %v, want *UndefinedError", w, err, err)
			}
			if ue.Word != w || ue.Class != ClassOf(w) || ue.Reason == "" {
				t.Fatalf("%08x: %+v: want word %08x, class %v and a reason", w, ue, w, ClassOf(w))
			}
			if in.Word != w || in.Op != OpInvalid {
				t.Fatalf("%08x: rejected word decodes to %+v", w, in)
			}
			// A rejected word still prints (as arm64asm knows it, or as
			// .inst), as a disassembler of memory contents needs.
			if GNUSyntax(in) == "" || Disasm(in, pc, nil) == "" {
				t.Fatalf("%08x: rejected word prints empty", w)
			}
			return
		}
		if in.Word != w || in.Op == OpInvalid || in.Op.Class() != ClassOf(w) {
			t.Fatalf("%08x: decoded %v (class %v), word %08x; ClassOf says %v",
				w, in.Op, in.Op.Class(), in.Word, ClassOf(w))
		}
		again, err := Decode(in.Word)
		if err != nil || again != in {
			t.Fatalf("%08x: decodes to %+v, then to %+v (%v)", w, in, again, err)
		}

		gnu := GNUSyntax(in)
		dis := Disasm(in, pc, nil)
		named := Disasm(in, pc, func(addr uint64) (string, bool) { return "sym", addr%8 == 0 })
		for _, s := range []string{gnu, dis, named} {
			if s == "" || strings.TrimSpace(s) != s || strings.HasPrefix(s, ".inst") || strings.Contains(s, "Op(") {
				t.Fatalf("%08x %v: prints %q, want an instruction", w, in.Op, s)
			}
		}
		if _, ok := PCTarget(in, pc); !ok && (dis != gnu || named != gnu) {
			t.Fatalf("%08x %v: not PC-relative, but Disasm %q differs from GNUSyntax %q", w, in.Op, dis, gnu)
		}
	})
}

// fuzzSeeds returns the words of the golden cases, one of every op and
// form, as the fuzzer's starting corpus.
func fuzzSeeds(f *testing.F) []uint32 {
	file, err := os.Open(gnuCasesFile)
	if err != nil {
		f.Logf("no seeds from %s: %v", gnuCasesFile, err)
		return []uint32{0xd503201f}
	}
	defer file.Close()
	var words []uint32
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		hex, _, ok := strings.Cut(sc.Text(), "|")
		if !ok || strings.HasPrefix(hex, "#") {
			continue
		}
		if w, err := strconv.ParseUint(hex, 16, 32); err == nil {
			words = append(words, uint32(w))
		}
	}
	return words
}
