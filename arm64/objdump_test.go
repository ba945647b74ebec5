package arm64

// The objdump oracle: GNU binutils' disassembler for aarch64 is the
// reference for Disasm (and so GNUSyntax, which differs only in how it
// writes PC-relative operands), and its idea of which words are
// instructions is a check on Decode.
//
//	go test ./arm64 -run Objdump -v
//
// needs aarch64-linux-gnu-objdump (Debian binutils-aarch64-linux-gnu).

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/oracle"
)

const (
	objdumpName = "aarch64-linux-gnu-objdump"
	objdumpPkg  = "binutils-aarch64-linux-gnu"
)

// objdumpTool returns the path of aarch64-linux-gnu-objdump, or skips (or
// fails, with KPEMU_REQUIRE_ORACLES=1) when it is not installed.
func objdumpTool(t testing.TB, run string) string {
	t.Helper()
	path, err := exec.LookPath(objdumpName)
	if err != nil {
		oracle.Missing(t, objdumpName, objdumpPkg, run)
	}
	return path
}

// objdumpWords disassembles words laid out from address base and returns
// objdump's text for each, in order: "b\t0x400010", "mov\tx0, x1",
// ".inst\t0x00010000 ; undefined".
//
// The words go into one raw file that objdump reads as a binary blob
// (-b binary -m aarch64, --adjust-vma for the address): it then prints
// objdump -d's instruction text with every PC-relative target as a bare
// 0x address, since a blob has no symbols, which is what Disasm prints
// with a nil sym. -z keeps it from folding runs of zero words into "...".
func objdumpWords(t testing.TB, tool string, words []uint32, base uint64) []string {
	t.Helper()
	buf := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(buf[4*i:], w)
	}
	file := filepath.Join(t.TempDir(), "words.bin")
	require.NoError(t, os.WriteFile(file, buf, 0o644))
	cmd := exec.Command(tool, "-D", "-z", "-b", "binary", "-m", "aarch64",
		fmt.Sprintf("--adjust-vma=%#x", base), file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	// Read the output as it comes: for a million words it is some 40 MB.
	texts := make([]string, len(words))
	seen := 0
	var bad string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		addr, word, text, ok := parseObjdumpLine(sc.Text())
		if !ok {
			continue
		}
		i := (addr - base) / 4
		if addr < base || i >= uint64(len(words)) || words[i] != word || texts[i] != "" {
			if bad == "" {
				bad = sc.Text()
			}
			continue
		}
		texts[i] = text
		seen++
	}
	scanErr := sc.Err()
	_, _ = io.Copy(io.Discard, stdout) // let objdump finish if the scanner stopped early
	require.NoError(t, cmd.Wait(), "%s: %s", tool, stderr.String())
	require.NoError(t, scanErr)
	require.Empty(t, bad, "objdump output out of step with the words")
	require.Equal(t, len(words), seen, "objdump printed one line for every word")
	return texts
}

// parseObjdumpLine splits an instruction line of objdump -D,
// "  400000:\t14000004 \tb\t0x400010", into its address, word and text.
func parseObjdumpLine(line string) (addr uint64, word uint32, text string, ok bool) {
	a, rest, found := strings.Cut(line, ":\t")
	if !found {
		return 0, 0, "", false
	}
	addr, err := strconv.ParseUint(strings.TrimSpace(a), 16, 64)
	if err != nil {
		return 0, 0, "", false
	}
	w, text, found := strings.Cut(rest, " \t")
	if !found || len(w) != 8 {
		return 0, 0, "", false
	}
	v, err := strconv.ParseUint(w, 16, 32)
	if err != nil {
		return 0, 0, "", false
	}
	return addr, uint32(v), text, true
}

// objdumpUndefined reports whether objdump's text says the word is no
// instruction it knows.
func objdumpUndefined(text string) bool { return strings.HasPrefix(text, ".inst\t") }

// mnemonicOf returns the mnemonic of a disassembly line.
func mnemonicOf(text string) string {
	if i := strings.IndexAny(text, "\t "); i >= 0 {
		return text[:i]
	}
	return text
}

// shapeOf abstracts an objdump line to its form: numbers (decimal, 0x
// hex, with their sign) become N and the comment goes, so "ldar\tx7, [x21]"
// is "ldar\txN, [xN]" and "mul\tv1.4s, v2.4s, v3.s[1]" is
// "mul\tvN.Ns, vN.Ns, vN.s[N]". The mnemonic stays as it is (crc32b,
// ld1, sha256h).
func shapeOf(text string) string {
	if i := strings.Index(text, "//"); i >= 0 {
		text = text[:i]
	}
	text = strings.TrimSpace(text)
	b := make([]byte, 0, len(text))
	start := strings.IndexAny(text, "\t ")
	if start < 0 {
		return text
	}
	b = append(b, text[:start]...)
	for i := start; i < len(text); {
		c := text[i]
		isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
		if c == '-' && i+1 < len(text) && isDigit(text[i+1]) {
			i++
			continue
		}
		if !isDigit(c) {
			b = append(b, c)
			i++
			continue
		}
		if c == '0' && i+1 < len(text) && text[i+1] == 'x' {
			i += 2
			for i < len(text) && (isDigit(text[i]) || text[i] >= 'a' && text[i] <= 'f') {
				i++
			}
		} else {
			for i < len(text) && isDigit(text[i]) {
				i++
			}
		}
		b = append(b, 'N')
	}
	return string(b)
}

// randomBits returns 32 random bits, biased so that fields often hold
// the values the printers treat specially (zero, all ones: register 31,
// shift 0, imms 63, ...): uniform, sparse, dense, or uniform with a random
// run of bits forced to zeros or ones.
func randomBits(rng *rand.Rand) uint32 {
	r := rng.Uint32()
	switch rng.IntN(4) {
	case 1:
		r &= rng.Uint32() & rng.Uint32()
	case 2:
		r |= rng.Uint32() | rng.Uint32()
	case 3:
		lo := rng.IntN(32)
		n := 1 + rng.IntN(32-lo)
		field := uint32((uint64(1)<<n - 1) << lo)
		if rng.IntN(2) == 0 {
			r &^= field
		} else {
			r |= field
		}
	}
	return r
}

// rowWords generates words from the decode rows of every class: for each
// row up to n distinct words with the row's fixed bits and random free
// bits that Decode accepts (accepted), the words of the same rows that
// Decode rejects, and words one fixed bit away from an accepted word (the
// encodings next to a row, where a row too narrow or too wide shows up),
// accepted or not (near).
func rowWords(rng *rand.Rand, n int) (accepted, rejected, near []uint32) {
	seen := map[uint32]bool{}
	add := func(list *[]uint32, w uint32) {
		if !seen[w] {
			seen[w] = true
			*list = append(*list, w)
		}
	}
	for c := ClassInvalid + 1; c < numClasses; c++ {
		for _, row := range Encodings(c) {
			got := 0
			for try := 0; try < 4*n && got < n; try++ {
				w := row.Value | randomBits(rng)&^row.Mask
				if seen[w] {
					continue
				}
				if _, err := Decode(w); err != nil {
					add(&rejected, w)
					continue
				}
				add(&accepted, w)
				got++
				if try%2 == 0 {
					add(&near, w^fixedBit(rng, row.Mask))
				}
			}
		}
	}
	return accepted, rejected, near
}

// fixedBit returns one random bit of mask.
func fixedBit(rng *rand.Rand, mask uint32) uint32 {
	for {
		b := uint32(1) << rng.IntN(32)
		if mask&b != 0 || mask == 0 {
			return b
		}
	}
}

// objdumpBase is where the oracle's words are laid out: a typical
// user-space text address, page aligned, low enough that backward ADRP
// and B targets wrap below zero as objdump prints them.
const objdumpBase = 0x400000

// objdumpSamples is the number of accepted words per decode row, and
// objdumpRandom the number of uniformly random words for the reverse
// check: together about 700,000 words, which objdump reads in about a
// second.
const (
	objdumpSamples = 1000
	objdumpRandom  = 1000000
)

// TestObjdump compares Disasm with objdump for words of every decode row
// (Disasm), and lists the words that objdump knows as an instruction of a
// class we decode but Decode rejects (Reverse).
func TestObjdump(t *testing.T) {
	tool := objdumpTool(t, "go test ./arm64 -run Objdump")
	if v, err := exec.Command(tool, "--version").Output(); err == nil {
		// The expectations were taken from binutils 2.40; another
		// version may print some forms differently.
		t.Logf("%s", bytes.SplitN(v, []byte("\n"), 2)[0])
	}
	known := loadKnown(t, knownFile)

	rng := rand.New(rand.NewPCG(0x6b70656d75, 1))
	accepted, rejected, near := rowWords(rng, objdumpSamples)
	words := append(append(append([]uint32{}, accepted...), rejected...), near...)
	for range objdumpRandom {
		words = append(words, rng.Uint32())
	}
	texts := objdumpWords(t, tool, words, objdumpBase)

	// Decode every word once. The forms objdump gives the words we
	// decode, per class, are the families we claim: a word we reject
	// that objdump prints in one of these forms is a gap.
	insts := make([]Inst, len(words))
	decoded := make([]bool, len(words))
	claimed := make([]map[string]bool, numClasses)
	claimedMnemonic := make([]map[string]bool, numClasses)
	for c := range claimed {
		claimed[c], claimedMnemonic[c] = map[string]bool{}, map[string]bool{}
	}
	for i, w := range words {
		in, err := Decode(w)
		if err != nil {
			continue
		}
		insts[i], decoded[i] = in, true
		c := in.Op.Class()
		claimed[c][shapeOf(texts[i])] = true
		claimedMnemonic[c][mnemonicOf(texts[i])] = true
	}
	ran := map[string]bool{}

	t.Run("Disasm", func(t *testing.T) {
		ran["disasm"] = true
		var unexpected []mismatch
		for i, w := range words {
			if !decoded[i] {
				continue
			}
			in := insts[i]
			got := Disasm(in, objdumpBase+4*uint64(i), nil)
			if got == texts[i] {
				continue
			}
			m := mismatch{word: w, op: in.Op, ours: got, objdump: texts[i]}
			if !known.absorb("disasm", m) {
				unexpected = append(unexpected, m)
			}
		}
		known.report(t, "disasm")
		reportMismatches(t, "Disasm differs from objdump", unexpected)
	})

	t.Run("Reverse", func(t *testing.T) {
		ran["reverse"] = true
		var gaps []mismatch
		other := map[Class]map[string]int{}
		for i, w := range words {
			c := ClassOf(w)
			if objdumpUndefined(texts[i]) {
				continue
			}
			if decoded[i] {
				continue
			}
			m := mismatch{word: w, ours: "(rejected)", objdump: texts[i]}
			if claimed[c][shapeOf(texts[i])] {
				if !known.absorb("reverse", m) {
					gaps = append(gaps, m)
				}
				continue
			}
			if other[c] == nil {
				other[c] = map[string]int{}
			}
			mn := mnemonicOf(texts[i])
			if claimedMnemonic[c][mn] {
				mn += "*"
			}
			other[c][mn]++
		}
		// What objdump decodes and we do not, outside the forms we
		// claim: features kpemu does not model (SVE and SME in the
		// invalid class, MTE, FP arithmetic, ...). Informational; a *
		// marks a mnemonic we print for other forms.
		for c := Class(0); c < numClasses; c++ {
			if len(other[c]) == 0 {
				continue
			}
			total := 0
			var mns []string
			for mn, n := range other[c] {
				total += n
				mns = append(mns, fmt.Sprintf("%s %d", mn, n))
			}
			sort.Strings(mns)
			t.Logf("not decoded, %s: %d words: %s", c, total, strings.Join(mns, ", "))
		}
		known.report(t, "reverse")
		reportMismatches(t, "objdump decodes, Decode rejects, in a form we decode elsewhere", gaps)
	})
	known.checkStale(t, ran)
}

// A mismatch is one word on which we and objdump disagree.
type mismatch struct {
	word          uint32
	op            Op // OpInvalid when Decode rejects the word
	ours, objdump string
}

func (m mismatch) String() string {
	if m.op == OpInvalid {
		return fmt.Sprintf("%08x: objdump %q", m.word, m.objdump)
	}
	return fmt.Sprintf("%08x %v: ours %q, objdump %q", m.word, m.op, m.ours, m.objdump)
}

// reportMismatches fails with up to 5 examples per op (or objdump
// mnemonic, for rejected words) and the count of each.
func reportMismatches(t *testing.T, what string, ms []mismatch) {
	t.Helper()
	if len(ms) == 0 {
		return
	}
	groups := map[string][]mismatch{}
	for _, m := range ms {
		k := m.op.String()
		if m.op == OpInvalid {
			k = ClassOf(m.word).String() + ": " + mnemonicOf(m.objdump)
		}
		groups[k] = append(groups[k], m)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		g := groups[k]
		fmt.Fprintf(&b, "%s: %d words\n", k, len(g))
		for _, m := range g[:min(5, len(g))] {
			fmt.Fprintf(&b, "\t%v\n", m)
		}
	}
	assert.Failf(t, what, "%d words (add to %s only while a fix is under way):\n%s", len(ms), knownFile, b.String())
}

// knownFile lists the disagreements with objdump that are known: each
// either being fixed (the list shrinks to nothing) or a decision (a
// reason starting "policy:") where objdump departs from the Arm ARM.
const knownFile = "testdata/objdump_known.txt"

// A knownEntry is one line of the known file:
//
//	disasm OP [/REGEXP/] | reason
//	disasm 0xWORD | reason
//	reverse MNEMONIC [/REGEXP/] | reason
//	reverse /REGEXP/ | reason
//
// disasm entries cover words that Decode accepts as op OP (or the one
// word) on which Disasm differs from objdump; reverse entries cover words
// that objdump prints with MNEMONIC in a form we decode elsewhere but
// Decode rejects. REGEXP must match objdump's text.
type knownEntry struct {
	line     int
	kind     string
	key      string
	re       *regexp.Regexp
	reason   string
	count    int
	examples []mismatch
}

type knownList []*knownEntry

func loadKnown(t *testing.T, path string) knownList {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var list knownList
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		pat, reason, ok := strings.Cut(line, " | ")
		require.True(t, ok, "%s:%d: no \" | reason\"", path, n+1)
		e := &knownEntry{line: n + 1, reason: strings.TrimSpace(reason)}
		kind, rest, _ := strings.Cut(strings.TrimSpace(pat), " ")
		e.kind = kind
		require.Contains(t, []string{"disasm", "reverse"}, kind, "%s:%d", path, n+1)
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, "/") {
			e.key, rest, _ = strings.Cut(rest, " ")
			rest = strings.TrimSpace(rest)
		}
		if rest != "" {
			require.True(t, len(rest) >= 2 && strings.HasPrefix(rest, "/") && strings.HasSuffix(rest, "/"),
				"%s:%d: pattern %q is not /regexp/", path, n+1, rest)
			e.re, err = regexp.Compile(rest[1 : len(rest)-1])
			require.NoError(t, err, "%s:%d", path, n+1)
		}
		require.True(t, e.key != "" || e.re != nil, "%s:%d: empty pattern", path, n+1)
		list = append(list, e)
	}
	return list
}

// absorb reports whether a known entry of the kind covers m, counting it.
func (l knownList) absorb(kind string, m mismatch) bool {
	for _, e := range l {
		if e.kind != kind || !e.matches(m) {
			continue
		}
		e.count++
		if len(e.examples) < 3 {
			e.examples = append(e.examples, m)
		}
		return true
	}
	return false
}

func (e *knownEntry) matches(m mismatch) bool {
	if e.re != nil && !e.re.MatchString(m.objdump) {
		return false
	}
	switch {
	case e.key == "":
		return true
	case strings.HasPrefix(e.key, "0x"):
		w, err := strconv.ParseUint(e.key[2:], 16, 32)
		return err == nil && uint32(w) == m.word
	case e.kind == "reverse":
		return mnemonicOf(m.objdump) == e.key
	default:
		return m.op.String() == e.key
	}
}

// report logs what each entry of the kind absorbed: the summary of the
// known disagreements that the test prints on every run.
func (l knownList) report(t *testing.T, kind string) {
	t.Helper()
	total, fixes := 0, 0
	for _, e := range l {
		if e.kind != kind || e.count == 0 {
			continue
		}
		total += e.count
		if !strings.HasPrefix(e.reason, "policy:") {
			fixes += e.count
		}
		var ex []string
		for _, m := range e.examples {
			ex = append(ex, fmt.Sprintf("%08x ours %q objdump %q", m.word, m.ours, m.objdump))
		}
		t.Logf("known (%s:%d) %s %s: %d words: %s\n\te.g. %s", knownFile, e.line, e.kind,
			strings.TrimSpace(e.key+" "+reString(e.re)), e.count, e.reason, strings.Join(ex, "\n\t     "))
	}
	t.Logf("%s: %d known disagreements with objdump, %d of them still to fix", kind, total, fixes)
}

// checkStale fails on entries of the kinds that ran that covered nothing: the fix is in, and
// the line must go so that the list only shrinks.
func (l knownList) checkStale(t *testing.T, ran map[string]bool) {
	t.Helper()
	for _, e := range l {
		if !ran[e.kind] {
			continue
		}
		assert.NotZero(t, e.count, "%s:%d covers no word any more: delete it", knownFile, e.line)
	}
}

func reString(re *regexp.Regexp) string {
	if re == nil {
		return ""
	}
	return "/" + re.String() + "/"
}

// TestObjdumpSymbols checks Disasm's symbolic targets against objdump -d
// on a linked executable with symbols: testdata/disasm_symbols.s, built
// with aarch64-linux-gnu-as and aarch64-linux-gnu-ld at 0x400000. The sym
// function names an address as objdump does: the nearest symbol at or
// below it, "name" or "name+0xoff" (mapping symbols $x and $d excluded).
func TestObjdumpSymbols(t *testing.T) {
	tool := objdumpTool(t, "go test ./arm64 -run ObjdumpSymbols")
	as, err1 := exec.LookPath("aarch64-linux-gnu-as")
	ld, err2 := exec.LookPath("aarch64-linux-gnu-ld")
	if err1 != nil || err2 != nil {
		oracle.Missing(t, "aarch64-linux-gnu-as and -ld", objdumpPkg, "go test ./arm64 -run ObjdumpSymbols")
	}
	dir := t.TempDir()
	obj, exe := filepath.Join(dir, "s.o"), filepath.Join(dir, "s.elf")
	out, err := exec.Command(as, "-march=armv8.5-a", "testdata/disasm_symbols.s", "-o", obj).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(ld, "-Ttext=0x400000", "-e", "main", obj, "-o", exe).CombinedOutput()
	require.NoError(t, err, "%s", out)

	f, err := elf.Open(exe)
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	require.NoError(t, err)
	var table []elf.Symbol
	for _, s := range syms {
		if s.Name != "" && !strings.HasPrefix(s.Name, "$") && s.Section != elf.SHN_UNDEF && s.Section < elf.SHN_LORESERVE {
			table = append(table, s)
		}
	}
	sort.SliceStable(table, func(i, j int) bool { return table[i].Value < table[j].Value })
	sym := func(addr uint64) (string, bool) {
		i := sort.Search(len(table), func(i int) bool { return table[i].Value > addr }) - 1
		if i < 0 {
			return "", false
		}
		if off := addr - table[i].Value; off != 0 {
			return fmt.Sprintf("%s+%#x", table[i].Name, off), true
		}
		return table[i].Name, true
	}

	cmd := exec.Command(tool, "-d", exe)
	out, err = cmd.Output()
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		addr, word, want, ok := parseObjdumpLine(line)
		if !ok {
			continue
		}
		n++
		in, err := Decode(word)
		require.NoError(t, err, "%q", line)
		assert.Equal(t, want, Disasm(in, addr, sym), "%q", line)
	}
	assert.Greater(t, n, 20, "objdump -d printed the test program")
}
