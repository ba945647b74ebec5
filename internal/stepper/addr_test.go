package stepper

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testRegs(name string) (uint64, bool) {
	switch name {
	case "pc":
		return 0x1000, true
	case "sp":
		return 0x8000, true
	case "x1":
		return 7, true
	}
	return 0, false
}

func testSyms(name string) (uint64, bool) {
	switch name {
	case "chain_a":
		return 0xffff800008000000, true
	case "mod:f":
		return 0xffff800009000000, true
	}
	return 0, false
}

func TestParseAddrExpr(t *testing.T) {
	good := map[string]uint64{
		"0x10":            0x10,
		"16":              16,
		"chain_a":         0xffff800008000000,
		"chain_a+0x10":    0xffff800008000010,
		"chain_a + 8 - 4": 0xffff800008000004,
		"$pc":             0x1000,
		"$sp+16":          0x8010,
		"$sp-0x10":        0x7ff0,
		"$x1+$x1":         14,
		"mod:f+4":         0xffff800009000004,
		"0-1":             ^uint64(0),
		" \t$PC ":         0x1000,
	}
	for expr, want := range good {
		got, err := parseAddrExpr(expr, testRegs, testSyms)
		if assert.NoError(t, err, expr) {
			assert.Equal(t, want, got, expr)
		}
	}
	bad := map[string]string{
		"":                     "empty expression",
		"  ":                   "empty expression",
		"chain_a+":             "ends with an operator",
		"+4":                   "unexpected '+'",
		"chain_a 4":            "want + or - between terms",
		"$x99":                 "no register $x99",
		"0xg":                  "bad number",
		"1*2":                  "want + or - between terms",
		"99999999999999999999": "bad number",
	}
	for expr, want := range bad {
		_, err := parseAddrExpr(expr, testRegs, testSyms)
		var ae *AddrError
		if assert.True(t, errors.As(err, &ae), "%q: %v", expr, err) {
			assert.Contains(t, ae.Error(), want, expr)
		}
	}
	_, err := parseAddrExpr("nosuch+4", testRegs, testSyms)
	var ue *UnknownSymbolError
	require.True(t, errors.As(err, &ue))
	assert.Equal(t, "nosuch", ue.Name)
}

func TestSymbolOffset(t *testing.T) {
	for _, c := range []struct {
		in   string
		name string
		off  uint64
		ok   bool
	}{
		{"chain_a", "chain_a", 0, true},
		{"chain_a+0x10", "chain_a", 0x10, true},
		{"chain_a+16", "chain_a", 16, true},
		{"mod:f+4", "mod:f", 4, true},
		{"0x1000", "", 0, false},
		{"$pc", "", 0, false},
		{"chain_a+$x1", "", 0, false},
		{"chain_a-4", "", 0, false},
	} {
		name, off, ok := symbolOffset(c.in)
		assert.Equal(t, c.ok, ok, c.in)
		assert.Equal(t, c.name, name, c.in)
		assert.Equal(t, c.off, off, c.in)
	}
}

func TestParseExamine(t *testing.T) {
	sp, addr, err := parseExamine("/8xg $sp", 'x', 'w')
	require.NoError(t, err)
	assert.Equal(t, examineSpec{8, 'x', 'g'}, sp)
	assert.Equal(t, "$sp", addr)
	sp, addr, err = parseExamine("/i", 'x', 'w')
	require.NoError(t, err)
	assert.Equal(t, examineSpec{1, 'i', 'w'}, sp)
	assert.Equal(t, "", addr)
	sp, _, err = parseExamine("chain_a", 'd', 'h')
	require.NoError(t, err)
	assert.Equal(t, examineSpec{1, 'd', 'h'}, sp, "defaults are the last format and unit")
	for _, bad := range []string{"/0x a", "/5000x a", "/4q a", "/4xz a"} {
		_, _, err := parseExamine(bad, 'x', 'w')
		assert.Error(t, err, bad)
	}
}

func TestNewChecksConfig(t *testing.T) {
	f := newFixture(t, "calls.s")
	entry := f.addr(t, "chain_a")
	in := strings.NewReader("")
	var out strings.Builder
	_, err := New(Config{Kprobes: f.kp, Entry: entry, In: in, Out: &out})
	assert.ErrorContains(t, err, "no machine")
	_, err = New(Config{Machine: f.m, Entry: entry, In: in})
	assert.ErrorContains(t, err, "no output")
	_, err = New(Config{Machine: f.m, Entry: entry, Out: &out})
	assert.ErrorContains(t, err, "no input")
	_, err = New(Config{Machine: f.m, Kprobes: f.kp, Entry: 0xdead0000, In: in, Out: &out})
	assert.ErrorContains(t, err, "not an aligned address in executable memory")
	_, err = New(Config{Machine: f.m, Kprobes: f.kp, Entry: entry + 2, In: in, Out: &out})
	assert.ErrorContains(t, err, "not an aligned address")
	other := newFixture(t, "calls.s")
	_, err = New(Config{Machine: f.m, Kprobes: other.kp, Entry: entry, In: in, Out: &out})
	assert.ErrorContains(t, err, "another machine")

	// Without Kprobes and Symbols, the machine's symbolizer (the loaded
	// table) names things and a subsystem is made.
	s, err := New(Config{Machine: other.m, Entry: entry, Args: []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		In: strings.NewReader("x/2xg $sp\nregs\n"), Out: &out})
	require.NoError(t, err)
	require.NoError(t, s.Run(context.Background()))
	got := out.String()
	assert.Contains(t, got, "chain_a(0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa) on cpu0")
	assert.Contains(t, got, "0x0000000000000009\t0x000000000000000a", "arguments 9 and 10 on the stack")
	assert.Contains(t, got, "x7     0x8 ")
}

// cancelAfter is a context whose Err turns Canceled after n calls: the
// session checks it between instructions.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

func TestContextCanceled(t *testing.T) {
	f := newFixture(t, "recursion.s")
	var out strings.Builder
	s, err := New(Config{Machine: f.m, Kprobes: f.kp, Entry: f.addr(t, "ackermann"), Args: []uint64{3, 5},
		In: strings.NewReader("c\nregs\n"), Out: &out})
	require.NoError(t, err)
	err = s.Run(&cancelAfter{Context: context.Background(), n: 3})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, out.String(), "Stopped: context canceled")
	assert.NotContains(t, out.String(), "(kpemu) regs", "the session ends with the context")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err = New(Config{Machine: f.m, Kprobes: f.kp, Entry: f.addr(t, "fib"), In: strings.NewReader("c\n"), Out: &out})
	require.NoError(t, err)
	assert.ErrorIs(t, s.Run(ctx), context.Canceled)
}

// A breakpoint in a loop stops on every pass; the run resumes past it.
func TestBreakpointLoop(t *testing.T) {
	f := newFixture(t, "string.s")
	buf := uint64(0xffff800040000000)
	require.NoError(t, f.m.Memory().Write(buf, []byte("abc\x00")))
	got := f.session(t, "strlen", []uint64{buf}, "b strlen+8\nc\nc\nc\nc\ninfo breakpoints\nc\n", 0)
	assert.Equal(t, 4, strings.Count(got, "Breakpoint 1, 0xffff800008000008 <strlen+0x8>"))
	assert.Contains(t, got, "1    0xffff800008000008  strlen+0x8             4")
	assert.Contains(t, got, "[strlen(0xffff800040000000) returned 0x3 (3)]")
}

func FuzzParseAddrExpr(f *testing.F) {
	for _, s := range []string{"chain_a+0x10", "$sp-16", "0x", "1+", "mod:f", "$x1+$x1-3", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		v, err := parseAddrExpr(expr, testRegs, testSyms)
		if err != nil {
			return
		}
		// Adding zero changes nothing: the sum is well formed.
		w, err := parseAddrExpr(expr+"+0", testRegs, testSyms)
		require.NoError(t, err, "%q parsed but %q did not", expr, expr+"+0")
		require.Equal(t, v, w)
	})
}

func FuzzParseExamine(f *testing.F) {
	for _, s := range []string{"/8xg $sp", "/i", "/s buf", "/", "/99999999999999999999x a", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, args string) {
		sp, _, err := parseExamine(args, 'x', 'w')
		if err != nil {
			return
		}
		require.True(t, sp.count >= 1 && sp.count <= maxExamine)
		require.Contains(t, "xduotacsi", string(sp.fmt))
		require.Contains(t, "bhwg", string(sp.unit))
	})
}

// An interrupt (^C at a terminal) stops the running command and the
// session goes on.
func TestInterrupt(t *testing.T) {
	f := newFixture(t, "recursion.s")
	var out strings.Builder
	s, err := New(Config{Machine: f.m, Kprobes: f.kp, Entry: f.addr(t, "ackermann"), Args: []uint64{3, 5},
		In: strings.NewReader("c\nbt\n"), Out: &out})
	require.NoError(t, err)
	ch := make(chan os.Signal, 1)
	ch <- os.Interrupt
	s.interrupts = func() (<-chan os.Signal, func()) { return ch, func() {} }
	require.NoError(t, s.Run(context.Background()))
	got := out.String()
	assert.Contains(t, got, "Interrupted after 4095 instructions.")
	assert.Contains(t, got, "(kpemu) bt\n#0  0x")
	assert.Contains(t, got, "<ackermann+0x", "bt walks the recursion")
}
