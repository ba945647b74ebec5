// Package corpusgen generates the assembly lines that arm64/asm's tests
// assemble twice, with kpemu's assembler and with GNU as, and compare byte
// for byte: every operand variant of every instruction the assembler
// implements.
//
// The corpus is a table. A Row is a template in the Arm ARM's style,
//
//	add <X|SP>, <X|SP>, #<imm12>
//
// in which each <name> is replaced, in turn, by every value of the Set of
// that name, so a row expands to the product of its sets. Sets are small
// (a handful of values chosen for their edges: x0, x30, xzr; 0, the
// largest value, a negative one), so that a row gives tens of lines, not
// thousands. Each instruction class adds its rows and sets from init in a
// file of its own (rows_<class>.go) with Add, AddSet and AddInvalid.
// Set names are shared by all files (sets.go has the registers and branch
// targets every class uses); a name defined twice panics, so a class's
// own sets carry its prefix ("simdArr", "fpImm").
//
// Every valid line must be accepted by GNU as (the test fails, naming the
// line, when it is not) and assemble to exactly one 4-byte instruction;
// "ldr x0, =value" lines may add literal pool entries at the end of the
// section. Lines may refer to the labels of Header and to the undefined
// symbol ext_sym (relocations, compared too).
//
// Invalid rows are lines GNU as rejects; kpemu must reject them as well.
package corpusgen

import (
	"fmt"
	"regexp"
	"sort"
)

// Header is assembled before the lines: it defines hdr_text (the start
// of .text, a local label for resolved branches) and hdr_data (a label in
// another section, for relocations against a section symbol). It emits
// no bytes into .text.
const Header = "\t.text\nhdr_text:\n\t.data\nhdr_data:\n\t.quad 0\n\t.text\n"

// Row is one template of a class.
type Row struct {
	Class    string
	Template string
}

// Line is one expanded line and the row it came from.
type Line struct {
	Row  Row
	Text string
}

var (
	rows    []Row
	invalid []Row
	sets    = map[string][]string{}
)

// Add adds valid templates of a class.
func Add(class string, templates ...string) {
	for _, t := range templates {
		rows = append(rows, Row{class, t})
	}
}

// AddInvalid adds templates whose every expansion GNU as rejects.
func AddInvalid(class string, templates ...string) {
	for _, t := range templates {
		invalid = append(invalid, Row{class, t})
	}
}

// AddSet defines the values of a placeholder. Names are shared by all
// classes: a second definition of a name panics.
func AddSet(name string, values ...string) {
	if _, ok := sets[name]; ok {
		panic("corpusgen: set defined twice: " + name)
	}
	if len(values) == 0 {
		panic("corpusgen: empty set " + name)
	}
	sets[name] = values
}

var placeholder = regexp.MustCompile(`<([^<>\s]+)>`)

// Expand replaces the placeholders of a template by every combination of
// their values, in order.
func Expand(template string) ([]string, error) {
	m := placeholder.FindStringSubmatchIndex(template)
	if m == nil {
		return []string{template}, nil
	}
	name := template[m[2]:m[3]]
	values, ok := sets[name]
	if !ok {
		return nil, fmt.Errorf("corpusgen: template %q uses the undefined set <%s>", template, name)
	}
	var out []string
	for _, v := range values {
		more, err := Expand(template[:m[0]] + v + template[m[1]:])
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

func expandAll(rs []Row) ([]Line, error) {
	var out []Line
	for _, r := range rs {
		texts, err := Expand(r.Template)
		if err != nil {
			return nil, err
		}
		for _, t := range texts {
			out = append(out, Line{Row: r, Text: t})
		}
	}
	return out, nil
}

// Lines returns the valid corpus, class by class in the order the rows
// were added.
func Lines() ([]Line, error) { return expandAll(sortedRows(rows)) }

// Invalid returns the invalid corpus.
func Invalid() ([]Line, error) { return expandAll(sortedRows(invalid)) }

// sortedRows orders rows by class (stable within a class), so that the
// corpus does not depend on the order of the files' init functions.
func sortedRows(rs []Row) []Row {
	out := append([]Row(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Class < out[j].Class })
	return out
}

// Classes returns the classes that have rows.
func Classes() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		if !seen[r.Class] {
			seen[r.Class] = true
			out = append(out, r.Class)
		}
	}
	sort.Strings(out)
	return out
}
