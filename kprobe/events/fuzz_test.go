package events

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse: Parse never panics, a rejection is an *Error whose caret is
// inside (or just past) the command, and an accepted definition reads
// back into a line that parses to the same probe. The kernel itself does
// not round-trip two kinds of definitions, which are skipped: default
// event names are not checked (a symbol like "a/b" gives "p_a/b_0"), and
// a MAXACTIVE of 2^31 or more is stored negative. A numeric symbol
// ("p 0+4" is symbol "0") reads back as an address; it cannot exist in
// kallsyms, but a nil Context takes every symbol to exist.
func FuzzParse(f *testing.F) {
	for _, c := range acceptedCommands {
		f.Add(c)
	}
	for _, c := range errorCommands {
		f.Add(c)
	}
	for _, tc := range selftestCarets {
		f.Add(tc.cmd)
	}
	f.Add("-:grp/ev vfs_read a=%x0")
	f.Fuzz(func(t *testing.T, cmd string) {
		for _, ctx := range []*Context{nil, {BTFArgs: true}} {
			c, err := Parse(cmd, ctx)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("%q: not an *Error: %v", cmd, err)
				}
				for _, en := range e.Entries() {
					if en.Pos < 0 || en.Pos > len(e.Command)+1 {
						t.Fatalf("%q: caret %d outside %q", cmd, en.Pos, e.Command)
					}
				}
				continue
			}
			d, ok := c.(*Define)
			if !ok {
				continue
			}
			p := d.Probe
			if !isGoodName(p.Event) || p.MaxActive < 0 {
				continue
			}
			if _, e := kstrtoul(p.symbolText(), 0); e == 0 && !p.IsAddress() {
				continue // "0+0": a symbol "0" reads back as address 0
			}
			again, err := Parse(p.String(), ctx)
			if err != nil {
				t.Fatalf("%q: readback %q does not parse: %v", cmd, p.String(), err)
			}
			q := again.(*Define).Probe
			x, y := *p, *q
			x.Argv, y.Argv, x.Command, y.Command = nil, nil, "", ""
			if !reflect.DeepEqual(x, y) {
				t.Fatalf("%q: readback %q parses differently:\n%+v\n%+v", cmd, p.String(), x, y)
			}
		}
	})
}
