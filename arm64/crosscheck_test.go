package arm64

// Cross-check of Decode against golang.org/x/arch/arm64/arm64asm, a second
// decoder written independently from the same manual. It needs no oracle
// program, so it runs everywhere.

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/arch/arm64/arm64asm"
)

// familyAliases maps an arm64asm mnemonic that is an alias (or a variant
// spelled differently from our op's name) to the base mnemonics of the
// instructions it can stand for (Arm ARM C6.2, each alias's "is an alias
// of" note).
var familyAliases = map[string][]string{
	"mov":  {"orr", "add", "movz", "movn", "ins", "umov", "dup"},
	"cmp":  {"subs"},
	"cmn":  {"adds"},
	"tst":  {"ands"},
	"neg":  {"sub"},
	"negs": {"subs"},
	"mvn":  {"orn", "not"},
	"ngc":  {"sbc"},
	"ngcs": {"sbcs"},
	"lsl":  {"ubfm", "lslv"},
	"lsr":  {"ubfm", "lsrv"},
	"asr":  {"sbfm", "asrv"},
	"ror":  {"extr", "rorv"},
	"sxtb": {"sbfm"}, "sxth": {"sbfm"}, "sxtw": {"sbfm"},
	"uxtb": {"ubfm"}, "uxth": {"ubfm"},
	"sbfx": {"sbfm"}, "sbfiz": {"sbfm"},
	"ubfx": {"ubfm"}, "ubfiz": {"ubfm"},
	"bfi": {"bfm"}, "bfxil": {"bfm"}, "bfc": {"bfm"},
	"cset": {"csinc"}, "cinc": {"csinc"},
	"csetm": {"csinv"}, "cinv": {"csinv"},
	"cneg":   {"csneg"},
	"mul":    {"madd"},
	"mneg":   {"msub"},
	"smull":  {"smaddl"},
	"smnegl": {"smsubl"},
	"umull":  {"umaddl"},
	"umnegl": {"umsubl"},
	"nop":    {"hint"}, "yield": {"hint"}, "wfe": {"hint"}, "wfi": {"hint"},
	"sev": {"hint"}, "sevl": {"hint"}, "esb": {"hint"}, "psb": {"hint"},
	"csdb": {"hint"}, "dgh": {"hint"}, "bti": {"hint"}, "xpaclri": {"hint"},
	"dc": {"sys"}, "ic": {"sys"}, "at": {"sys"}, "tlbi": {"sys"},
	"ssbb": {"dsb"}, "pssbb": {"dsb"},
	"sxtl": {"sshll"}, "sxtl2": {"sshll"}, "uxtl": {"ushll"}, "uxtl2": {"ushll"},
	"shll": {"shl"},
}

// opFamilySuffixes are the form suffixes of our op names (ADDimm,
// LDRlitFP, BICvecImm, ...), stripped to get the base mnemonic.
var opFamilySuffixes = []string{"fp", "imm", "shift", "ext", "reg", "lit", "vec",
	"gen", "elem", "scalar", "zero", "mult", "single"}

// opFamily returns the base mnemonic of an op: its name in lower case
// without the form suffix (LDRimmFP is ldr, CMEQzero cmeq, Bcond b).
func opFamily(op Op) string {
	name := strings.ToLower(op.String())
	if name == "bcond" {
		return "b"
	}
	for again := true; again; {
		again = false
		for _, s := range opFamilySuffixes {
			if len(name) > len(s) && strings.HasSuffix(name, s) {
				name, again = strings.TrimSuffix(name, s), true
			}
		}
	}
	return name
}

// sameFamily reports whether arm64asm's mnemonic m can name an instruction
// of our op: m is the op's base mnemonic or a variant of it (ldrsb for
// ldr, ldaddal for ldadd, stlxr for stxr, crc32cb for crc32c), or an alias
// of it.
func sameFamily(op Op, m string) bool {
	base := opFamily(op)
	variant := func(m string) bool {
		if strings.HasPrefix(m, base) {
			return true
		}
		// Ordering and pair letters inside the mnemonic: stlxr, ldaxp,
		// stlr for stxr, ldxp, ...: drop them and compare again.
		for _, r := range []string{"a", "l"} {
			if len(m) > 2 && strings.HasPrefix(strings.Replace(m[:3], r, "", 1)+m[3:], base) {
				return true
			}
		}
		return false
	}
	if variant(m) {
		return true
	}
	for _, a := range familyAliases[m] {
		if variant(a) {
			return true
		}
	}
	return false
}

// arm64asmDecode decodes w with arm64asm and returns its lower-case
// mnemonic and its GNU syntax as we normalize it.
func arm64asmDecode(w uint32) (mnemonic, text string, ok bool) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	ai, err := arm64asm.Decode(b[:])
	if err != nil {
		return "", "", false
	}
	text = normalizeArm64asm(arm64asm.GNUSyntax(ai))
	m := strings.ToLower(ai.Op.String())
	if _, ok := ai.Args[0].(arm64asm.Cond); ok && m == "b" {
		m = "b" // B.cond: arm64asm's op is B with a Cond argument
	}
	return m, text, true
}

// TestCrossCheckArm64asm decodes a few million words (uniformly random,
// and random words of every decode row) with both decoders. Where both
// decode a word, the families must agree. Where only one does, the words
// are counted per class: arm64asm's known gaps (LSE, PAC, BTI, LDAPR, ...)
// are logged; a word only arm64asm decodes in a form that we decode for
// other words (the same mnemonic and operand shape in arm64asm's text) is
// a gap of ours and fails.
func TestCrossCheckArm64asm(t *testing.T) {
	nRandom, nRow := 2_000_000, 1000
	if testing.Short() {
		nRandom, nRow = 200_000, 100
	}
	rng := rand.New(rand.NewPCG(0x78617263, 2))
	accepted, rejected, near := rowWords(rng, nRow)
	words := append(append(accepted, rejected...), near...)
	for range nRandom {
		words = append(words, rng.Uint32())
	}

	type onlyKey struct {
		class Class
		name  string
	}
	onlyOurs := map[onlyKey]int{}
	onlyTheirs := map[onlyKey][]uint32{}
	claimed := map[string]bool{} // arm64asm's shapes of words both decode
	var disagree []string
	disagreeOps := map[string]int{}

	for _, w := range words {
		in, err := Decode(w)
		m, text, theirs := arm64asmDecode(w)
		ours := err == nil
		switch {
		case ours && theirs:
			claimed[shapeOf(text)] = true
			if !sameFamily(in.Op, m) {
				k := in.Op.String() + "/" + m
				if disagreeOps[k] < 3 {
					disagree = append(disagree, fmt.Sprintf("%08x: ours %v %q, arm64asm %q", w, in.Op, GNUSyntax(in), text))
				}
				disagreeOps[k]++
			}
		case ours:
			onlyOurs[onlyKey{in.Op.Class(), in.Op.String()}]++
		case theirs:
			k := onlyKey{ClassOf(w), shapeOf(text)}
			onlyTheirs[k] = append(onlyTheirs[k], w)
		}
	}

	// Report: what only we decode (arm64asm's gaps), per class and op.
	logCounts := func(what string, counts map[onlyKey]int) {
		perClass := map[Class][]string{}
		total := map[Class]int{}
		for k, n := range counts {
			perClass[k.class] = append(perClass[k.class], fmt.Sprintf("%s %d", k.name, n))
			total[k.class] += n
		}
		for c := Class(0); c < numClasses; c++ {
			if len(perClass[c]) > 0 {
				sort.Strings(perClass[c])
				t.Logf("%s, %s: %d words: %s", what, c, total[c], strings.Join(perClass[c], ", "))
			}
		}
	}
	logCounts("only ours decodes", onlyOurs)

	// What only arm64asm decodes. In a form we decode for other words it
	// may be a gap of ours, or arm64asm accepting what the manual
	// reserves (it takes extend amounts over 4, 32-bit bitmask immediates
	// with N set, ...): objdump, when installed, is the judge.
	var candidates []uint32
	theirCounts := map[onlyKey]int{}
	for k, ws := range onlyTheirs {
		if claimed[k.name] {
			candidates = append(candidates, ws...)
		}
		theirCounts[onlyKey{k.class, mnemonicOf(k.name)}] += len(ws)
	}
	logCounts("only arm64asm decodes", theirCounts)
	sort.Slice(candidates, func(i, j int) bool { return candidates[i] < candidates[j] })
	var gaps []mismatch
	if tool, err := exec.LookPath(objdumpName); err != nil {
		t.Logf("%d words only arm64asm decodes are in forms we decode: not judged without %s",
			len(candidates), objdumpName)
	} else if len(candidates) > 0 {
		known := loadKnown(t, knownFile)
		texts := objdumpWords(t, tool, candidates, objdumpBase)
		reserved := 0
		for i, w := range candidates {
			if objdumpUndefined(texts[i]) {
				reserved++
				continue
			}
			m := mismatch{word: w, ours: "(rejected)", objdump: texts[i]}
			if !known.absorb("reverse", m) {
				gaps = append(gaps, m)
			}
		}
		t.Logf("%d words only arm64asm decodes are in forms we decode: objdump rejects %d, knows %d (%d of them in %s)",
			len(candidates), reserved, len(candidates)-reserved, len(candidates)-reserved-len(gaps), knownFile)
	}

	t.Logf("%d words checked", len(words))
	sort.Strings(disagree)
	assert.Empty(t, disagree, "families differ (ours, arm64asm): %v", disagreeOps)
	reportMismatches(t, "Decode rejects, arm64asm and objdump decode, in a form we decode elsewhere", gaps)
}

func TestSameFamily(t *testing.T) {
	for _, tt := range []struct {
		op   Op
		m    string
		want bool
	}{
		{ADDimm, "add", true},
		{ADDimm, "mov", true},
		{ADDimm, "sub", false},
		{SUBSshift, "cmp", true},
		{SBFM, "asr", true},
		{SBFM, "lsl", false},
		{UBFM, "lsl", true},
		{LDRimm, "ldrsb", true},
		{LDRimmFP, "ldr", true},
		{STXR, "stlxr", true},
		{LDXR, "ldaxr", true},
		{LDADD, "ldaddal", true},
		{LDADD, "swp", false},
		{HINT, "yield", true},
		{Bcond, "b", true},
		{B, "bl", true}, // loose on purpose: variants share a prefix
		{CSINC, "cset", true},
		{CSINC, "csetm", false},
	} {
		assert.Equal(t, tt.want, sameFamily(tt.op, tt.m), "%v %s", tt.op, tt.m)
	}
}
