package events

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// acceptedCommands exercise every syntax element of a definition.
var acceptedCommands = []string{
	// probe kinds, names and groups
	"p vfs_read",
	"r vfs_read",
	"p:myprobe vfs_read",
	"p:mygrp/myprobe vfs_read",
	"p:mygrp.myprobe vfs_read",
	"p:my-grp/ev vfs_read",
	"p:-grp/ev vfs_read",
	"p:mygrp/ vfs_read",
	"r:myret vfs_read",
	"r100:myret vfs_read",
	"r0x10 vfs_read",
	"r4096 vfs_read",
	"p vfs_read%return",
	"p:ret vfs_read+0%return",
	"pxyz vfs_read",
	"p vfs_read+8",
	"p vfs_read+0x10",
	"p vfs_read+010",
	"p vfs_read+4294967295",
	"p mymod:mod_func",
	"p mymod:mod_func+4",
	"p nomod:any_func",
	"p foo.cold+4",
	"p 0xffff800080001000",
	"r 0xffff800080001000",
	"p 0",
	"p +4096",
	"p:kprobes/very_long_default_name_prefix vfs_read",
	"p kernel_clone+4000000000",
	// fetch arguments
	"p vfs_read %x0 %x30 %lr %sp %pc %pstate",
	"p vfs_read $stack $stack0 $stack2048",
	"p vfs_read $arg1 $arg8 $arg9 $arg2048",
	"p vfs_read $comm $COMM",
	"p vfs_read name=$comm:string",
	"r vfs_read $retval $retval:s32",
	"r vfs_read $arg1 $arg2 $arg1:u32 $retval",
	"p vfs_read @0xffff800081000000 @jiffies @jiffies+8 @jiffies-8 @",
	"p vfs_read +0(%x0) -8(%x0) +0x10(+8(%sp)) +u4(%x1) -u4(%x1)",
	"p vfs_read +0($stack) +8($arg1) +0(@jiffies)",
	"p vfs_read \\1 \\0x10 \\-1 \\+5 \\+-5 \\18446744073709551615",
	"p vfs_read \\\"hello\" \\\"\"",
	"p vfs_read s=\\\"hello\":string",
	"p vfs_read +0(%x0)junk",
	// types
	"p vfs_read %x0:u8 %x0:u16 %x0:u32 %x0:u64 %x0:s8 %x0:s16 %x0:s32 %x0:s64",
	"p vfs_read %x0:x8 %x0:x16 %x0:x32 %x0:x64 %x0:char %x0:symbol",
	"p vfs_read +0(%x0):string +0(%x0):ustring +u0(%x0):string %x0:symstr",
	"p vfs_read +0(%x0):symstr $stack0:symstr $arg1:symstr",
	"r vfs_read $retval:symstr",
	"p vfs_read +0(%x0):u32[4] +0(%x0):string[2] +0(%x0):ustring[3] +0(%x0):x8[64]",
	"p vfs_read %x0:b4@2/32 +0(%x0):b1@0/8 %x1:b64@0/64 %x2:b0x3@0x4/0x10",
	"p vfs_read +0(%x0):b4@28/32[2]",
	"p vfs_read file=%x0:%pD dentry=%x1:%pd %x2:%pd",
	// the deepest dereference: 14 levels fill the 16 fetch_insn slots
	"p vfs_read " + strings.Repeat("+0(", 14) + "%x0" + strings.Repeat(")", 14),
	"p vfs_read \\1:string",
	// names
	"p vfs_read a=%x0 _b=%x1 c9=%x2 arg2=%x3",
	"p vfs_read abcdefghijklmnopqrstuvwxyz012345=%x0",
	// white space
	"  p:ws   vfs_read\t%x0  \t %x1  ",
}

func TestParseGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range acceptedCommands {
		cmd, err := Parse(c, testContext())
		require.NoError(t, err, "%q", c)
		d, ok := cmd.(*Define)
		require.True(t, ok, "%q", c)
		fmt.Fprintf(&b, "%s\n%s\n", c, describe(d.Probe))
	}
	golden.Check(t, "testdata/parse.golden", []byte(b.String()))
}

// TestReadbackRoundTrip: what readback prints parses back to the same
// probe (the runtime relies on this for "cat kprobe_events > file; cat
// file > kprobe_events").
func TestReadbackRoundTrip(t *testing.T) {
	for _, c := range acceptedCommands {
		cmd, err := Parse(c, testContext())
		require.NoError(t, err, c)
		p := cmd.(*Define).Probe
		again, err := Parse(p.String(), testContext())
		require.NoError(t, err, p.String())
		assertSameProbe(t, p, again.(*Define).Probe)
	}
}

// assertSameProbe compares two probes but for the text they were parsed
// from.
func assertSameProbe(t *testing.T, a, b *Probe) {
	t.Helper()
	x, y := *a, *b
	x.Argv, y.Argv, x.Command, y.Command = nil, nil, "", ""
	assert.Equal(t, x, y)
}

func TestParseDetails(t *testing.T) {
	cmd, err := Parse("r16:grp/ev mymod:mod_func $arg2 x=+8(%x1):u32[2]", testContext())
	require.NoError(t, err)
	p := cmd.(*Define).Probe
	assert.Equal(t, Kretprobe, p.Kind)
	assert.Equal(t, 16, p.MaxActive)
	assert.Equal(t, "mymod", p.Module)
	assert.Equal(t, "mod_func", p.Symbol)
	assert.False(t, p.FuncEntry, "a return probe is not TPARG_FL_FENTRY")
	require.Len(t, p.Args, 2)
	assert.Equal(t, []FetchInsn{{Op: FetchOpEData}, {Op: FetchOpStRaw, Size: 8}, {Op: FetchOpEnd}}, p.Args[0].Code)
	assert.Equal(t, &EntryArg{Code: []FetchInsn{{Op: FetchOpArg, Param: 1}, {Op: FetchOpStEData}}, Size: 8}, p.EntryArg)
	assert.Equal(t, []FetchInsn{{Op: FetchOpReg, Param: 1}, {Op: FetchOpStMem, Offset: 8, Size: 4},
		{Op: FetchOpLpArray, Param: 2}, {Op: FetchOpEnd}}, p.Args[1].Code)
	assert.Equal(t, 8, p.Args[1].Offset)
	assert.Equal(t, 16, p.Size)
	assert.Equal(t, "u32[2]", p.Args[1].Fmt)
	assert.Equal(t, []string{"r16:grp/ev", "mymod:mod_func", "$arg2", "x=+8(%x1):u32[2]"}, p.Argv)
}

// TestAddressProbeFlags: the kernel sets TPARG_FL_RETURN and
// TPARG_FL_FENTRY only for symbol probes, so an address kretprobe cannot
// fetch $retval and an address kprobe cannot fetch $argN.
func TestAddressProbeFlags(t *testing.T) {
	_, err := Parse("r 0xffff800080001000 $retval", nil)
	requireCode(t, err, ErrRetvalOnProbe, 21, kprobe.EINVAL)
	_, err = Parse("p 0xffff800080001000 $arg1", nil)
	requireCode(t, err, ErrNofentryArgs, 21, kprobe.EINVAL)
}

func requireCode(t *testing.T, err error, code ErrCode, pos int, errno kprobe.Errno) {
	t.Helper()
	var e *Error
	require.True(t, errors.As(err, &e), "want *Error, got %v", err)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, code.Msg(), e.Msg)
	assert.Equal(t, pos, e.Pos)
	assert.Equal(t, errno, e.Errno)
	assert.True(t, errors.Is(err, errno))
}

func TestContextOnFuncEntry(t *testing.T) {
	ctx := testContext()
	var asked []string
	ctx.OnFuncEntry = func(addr uint64, sym string, off uint64) error {
		asked = append(asked, fmt.Sprintf("%#x %s %d", addr, sym, off))
		if sym == "mymod:mod_func" && off == 8 {
			return nil // e.g. after a BTI landing pad on another arch
		}
		if off != 0 {
			return kprobe.EINVAL
		}
		return nil
	}
	cmd, err := Parse("p mymod:mod_func+8 $arg1", ctx)
	require.NoError(t, err)
	assert.True(t, cmd.(*Define).Probe.FuncEntry)
	_, err = Parse("r vfs_read+4", ctx)
	requireCode(t, err, ErrBadRetprobe, 2, kprobe.EINVAL)
	assert.Equal(t, []string{"0x0 mymod:mod_func 8", "0x0 vfs_read 4"}, asked)

	// An unknown symbol is left for registration (ENOENT is deferred).
	ctx.CountSymbols = nil
	ctx.OnFuncEntry = func(uint64, string, uint64) error { return &kprobe.Error{Op: "kallsyms", Errno: kprobe.ENOENT} }
	cmd, err = Parse("r later_func", ctx)
	require.NoError(t, err)
	assert.Equal(t, Kretprobe, cmd.(*Define).Probe.Kind)
	_, err = Parse("p later_func $arg1", ctx)
	requireCode(t, err, ErrNofentryArgs, 13, kprobe.EINVAL)
}

func TestBlankAndComment(t *testing.T) {
	for _, c := range []string{"", "   ", "\t\v\f\r", "\xa0"} {
		cmd, err := Parse(c, nil)
		assert.NoError(t, err, "%q", c)
		assert.Nil(t, cmd, "%q", c)
	}
}

func TestDeleteParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *Delete
	}{
		{"-:myprobe", &Delete{Event: "myprobe"}},
		{"-:grp/myprobe", &Delete{Group: "grp", Event: "myprobe", GroupGiven: true}},
		{"-:grp/", &Delete{Group: "grp", GroupGiven: true}},
		{"-:/ev", &Delete{Event: "ev", GroupGiven: true}},
		{"-:grp.ev", &Delete{Event: "grp.ev"}},
		{"-:ev vfs_read a=%x0", &Delete{Event: "ev", Args: []string{"vfs_read", "a=%x0"}}},
	} {
		cmd, err := Parse(tc.in, nil)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, cmd, tc.in)
		assert.Equal(t, strings.Join(strings.Fields(tc.in), " "), cmd.String())
	}
	for _, in := range []string{"-", "-:", "- :ev", "-x:ev", "-p:ev"} {
		_, err := Parse(in, nil)
		var e *Error
		require.True(t, errors.As(err, &e), in)
		assert.Equal(t, kprobe.EINVAL, e.Errno, in)
		assert.Equal(t, ErrCode(""), e.Code, "dyn_event_release does not log: %s", in)
	}
	// White space before the '-' makes it a definition, which fails.
	_, err := Parse(" -:ev", nil)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, kprobe.EINVAL, e.Errno)
	assert.Equal(t, ErrCode(""), e.Code)
}

func TestDeleteMatch(t *testing.T) {
	probe := func(c string) *Probe {
		cmd, err := Parse(c, testContext())
		require.NoError(t, err)
		return cmd.(*Define).Probe
	}
	del := func(c string) *Delete {
		cmd, err := Parse(c, nil)
		require.NoError(t, err)
		return cmd.(*Delete)
	}
	p := probe("p:grp/ev vfs_read+4 a=%x0 b=+0(%x1):string")
	addr := probe("p:grp/at 0xffff800080001000")
	digits := strings.Repeat("0123456789", 6)                   // 60 bytes
	long := probe("p:grp/long vfs_read s=\\\"" + digits + "\"") // s= and 63 bytes
	for _, tc := range []struct {
		cmd  string
		p    *Probe
		want bool
	}{
		{"-:ev", p, true},
		{"-:grp/ev", p, true},
		{"-:other/ev", p, false},
		{"-:grp/", p, true},
		{"-:/ev", p, false},
		{"-:ev2", p, false},
		{"-:ev vfs_read+4", p, true},
		{"-:ev vfs_read", p, false},
		{"-:ev vfs_read+4 a=%x0", p, true},
		{"-:ev vfs_read+4 a=%x0 b=+0(%x1):string", p, true},
		{"-:ev vfs_read+4 a=%x1", p, false},
		{"-:ev vfs_read+4 a=%x0 b=+0(%x1):string c=%x2", p, false},
		{"-:at 0xffff800080001000", addr, true},
		// only the first 63 bytes of "name=text" are compared
		{"-:long vfs_read s=\\\"" + digits[:59], long, true},
		{"-:long vfs_read s=\\\"" + digits + "\"", long, false},
	} {
		assert.Equal(t, tc.want, del(tc.cmd).Match(tc.p, nil), tc.cmd)
	}
	assert.True(t, (&Delete{Group: "grp", Event: "ev"}).Match(p, nil), "a group set by hand counts")
	assert.False(t, (&Delete{Group: "other", Event: "ev"}).Match(p, nil))
	assert.True(t, (&Delete{}).Match(p, nil), "an empty delete matches all (the parser never makes one)")
	assert.False(t, del("-:at 0xffff800080001000").Match(addr, hashPointer), "hashed %p differs")
	assert.True(t, del("-:at 0x00000000da5a4a5a").Match(addr, hashPointer))
}

func TestUpdateArg(t *testing.T) {
	cmd, err := Parse("p vfs_read @jiffies+8 +4(@jiffies-16) @nosuch", nil)
	require.NoError(t, err)
	args := cmd.(*Define).Probe.Args
	lookup := func(name string) (uint64, bool) {
		if name == "jiffies" {
			return 0xffff800081230000, true
		}
		return 0, false
	}
	require.NoError(t, UpdateArg(args[0], lookup))
	assert.Equal(t, uint64(0xffff800081230008), args[0].Code[1].Immediate)
	require.NoError(t, UpdateArg(args[1], lookup))
	assert.Equal(t, uint64(0xffff800081230000-16), args[1].Code[1].Immediate)
	assert.ErrorIs(t, UpdateArg(args[2], lookup), kprobe.ENOENT)
	cmd, err = Parse("p vfs_read @jiffies+x", nil)
	require.NoError(t, err, "the offset is checked at registration")
	assert.ErrorIs(t, UpdateArg(cmd.(*Define).Probe.Args[0], lookup), kprobe.EINVAL)
}

func TestDefaultEventNames(t *testing.T) {
	for _, tc := range []struct {
		cmd, event string
		ctx        *Context
	}{
		{"p vfs_read", "p_vfs_read_0", nil},
		{"r vfs_read", "r_vfs_read_0", nil},
		{"p vfs_read+16", "p_vfs_read_16", nil},
		{"p vfs_read%return", "r_vfs_read_0", nil},
		{"p mymod:mod_func", "p_mymod_mod_func_0", testContext()},
		{"p foo.cold", "p_foo_cold_0", nil},
		{"p 0x1000", "p_0x0000000000001000", nil},
		{"r 4096", "r_0x0000000000001000", nil},
		{"p 0xffff800080001000", "p_0x00000000da5a4a5a", &Context{HashPointer: hashPointer}},
		{"p " + strings.Repeat("s", 70), "p_" + strings.Repeat("s", 61), nil},
		{"p " + strings.Repeat("s", 58) + "+12345", "p_" + strings.Repeat("s", 58) + "_12", nil},
	} {
		cmd, err := Parse(tc.cmd, tc.ctx)
		require.NoError(t, err, tc.cmd)
		assert.Equal(t, tc.event, cmd.(*Define).Probe.Event, tc.cmd)
		assert.Equal(t, DefaultGroup, cmd.(*Define).Probe.Group)
	}
}

func TestTypesTable(t *testing.T) {
	for _, name := range []string{"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
		"x8", "x16", "x32", "x64", "char", "symbol", "string", "ustring", "symstr"} {
		ty := LookupType(name)
		require.NotNil(t, ty, name)
		assert.Equal(t, name, ty.Name)
	}
	assert.Equal(t, "x64", LookupType("").Name)
	assert.Equal(t, "u16", LookupType("b1@0/16").Name)
	assert.Equal(t, "u8", LookupType("bogus/0x8").Name, "find_fetch_type only reads the container")
	for _, bad := range []string{"b1@0/12", "b1@0", "int", "u128", "%pd", "U8"} {
		assert.Nil(t, LookupType(bad), bad)
	}
}
