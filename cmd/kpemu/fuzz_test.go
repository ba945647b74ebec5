package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/kprobe"
)

// FuzzParseLocation: any text either parses into a probe site that
// register_kprobe can be given, or is a usage error; never a panic.
func FuzzParseLocation(f *testing.F) {
	for _, s := range []string{"chain_b", "chain_b+8", "chain_b+0x10", "0xffff800008000000", "", "+", "a+", "1x", "f(1)", "sym+-1", "foo.isra.0+0x4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, err := parseLocation(s)
		if err != nil {
			assert.Equal(t, exitUsage, exitCode(err, true), "a bad address is a usage error: %v", err)
			return
		}
		kp := loc.kprobe()
		// symbol_name and offset, or addr, as a module fills struct kprobe.
		if loc.sym != "" {
			assert.Equal(t, loc.sym, kp.SymbolName)
			assert.Equal(t, loc.offset, kp.Offset)
			assert.Zero(t, kp.Addr)
			assert.NotContains(t, loc.sym, "(")
		} else {
			assert.Empty(t, kp.SymbolName)
			assert.Equal(t, loc.addr, kp.Addr)
		}
	})
}

// FuzzParseCall: call expressions over a loaded library never panic, and
// what parses names a known function.
func FuzzParseCall(f *testing.F) {
	m, err := emu.New(nil)
	require.NoError(f, err)
	l, err := loader.LoadFile(m, callsS, &loader.Options{Base: defaultBase})
	require.NoError(f, err)
	s, err := kprobe.New(m, nil)
	require.NoError(f, err)
	ws := &workspace{files: []string{callsS}, m: m, loaded: l, syms: l.Symbols, kp: s}
	for _, c := range []string{"chain_a(5)", "chain_a( 1 , -2 ,0x3)", "chain_a(chain_b)", "chain_a(", "(1)", "chain_a(,)", "x(1)", "chain_a"} {
		f.Add(c, "")
		f.Add(c, "1,2")
	}
	f.Fuzz(func(t *testing.T, expr, args string) {
		var sep []string
		if args != "" {
			sep = strings.Split(args, ",")
		}
		c, err := ws.parseCall(expr, sep)
		if err != nil {
			assert.Equal(t, exitUsage, exitCode(err, true), "%v", err)
			return
		}
		if cc := c.name[0]; cc < '0' || cc > '9' {
			_, ok := l.Symbols.LookupAddr(c.fn)
			assert.True(t, ok, "a named function is in the image: %q at %#x", c.name, c.fn)
		}
		assert.True(t, strings.HasPrefix(c.text, c.name+"("), "%q", c.text)
	})
}
