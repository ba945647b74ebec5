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

// selftestCarets are the cases of the kernel's selftest
// tools/testing/selftests/ftrace/test.d/kprobe/kprobe_syntax_errors.tc
// (v6.1x, kernel without BTF arguments, x86-only and multi-probe cases
// left out), with '^' where error_log must put the caret.
var selftestCarets = []struct {
	cmd  string
	code ErrCode
}{
	{"p^100 vfs_read", ErrBadMaxactType},
	{"r^1a111 vfs_read", ErrBadMaxact},
	{"r^100000 vfs_read", ErrMaxactTooBig},
	{"p ^non_exist_func", ErrBadProbeAddr},
	{"p ^hoge-fuga", ErrBadProbeAddr},
	{"p ^hoge+1000-1000", ErrBadProbeAddr},
	{"r ^vfs_read+10", ErrBadRetprobe},
	{"p:^/bar vfs_read", ErrNoGroupName},
	{"p:^12345678901234567890123456789012345678901234567890123456789012345/bar vfs_read", ErrGroupTooLong},
	{"p:^foo.1/bar vfs_read", ErrBadGroupName},
	{"p:^ vfs_read", ErrNoEventName},
	{"p:foo/^12345678901234567890123456789012345678901234567890123456789012345 vfs_read", ErrEventTooLong},
	{"p:foo/^bar.1 vfs_read", ErrBadEventName},
	{"p vfs_read ^$retval", ErrRetvalOnProbe},
	{"p vfs_read ^$stack10000", ErrBadStackNum},
	{"p vfs_read ^$arg10000", ErrBadArgNum},
	{"p vfs_read ^$none_var", ErrBadVar},
	{"p vfs_read ^%none_reg", ErrBadRegName},
	{"p vfs_read ^@12345678abcde", ErrBadMemAddr},
	{"p vfs_read ^@+10", ErrFileOnKprobe},
	{"p vfs_read arg1=\\^x", ErrBadImm},
	{"p vfs_read arg1=\\\"abcd^", ErrImmstrNoClose},
	{"p vfs_read ^+0@0)", ErrDerefNeedBrace},
	{"p vfs_read ^+0ab1(@0)", ErrBadDerefOffs},
	{"p vfs_read +0(+0(@0^)", ErrDerefOpenBrace},
	{"p vfs_read +0(^$comm)", ErrCommCantDeref},
	{"p vfs_read ^&1", ErrBadFetchArg},
	{"p vfs_read +0(^+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(@0))))))))))))))", ErrTooManyOps},
	{"p vfs_read +0(@11):u8[10^", ErrArrayNoClose},
	{"p vfs_read +0(@11):u8[10]^a", ErrBadArraySuffix},
	{"p vfs_read +0(@11):u8[^10a]", ErrBadArrayNum},
	{"p vfs_read +0(@11):u8[^256]", ErrArrayTooBig},
	{"p vfs_read @11:^unknown_type", ErrBadType},
	{"p vfs_read $stack0:^string", ErrBadString},
	{"p vfs_read @11:^b10@a/16", ErrBadBitfield},
	{"p vfs_read ^arg123456789012345678901234567890=@11", ErrArgNameTooLong},
	{"p vfs_read ^=@11", ErrNoArgName},
	{"p vfs_read ^var.1=@11", ErrBadArgName},
	{"p vfs_read var1=@11 ^var1=@12", ErrUsedArgName},
	{"p vfs_read ^+1234567(+1234567(+1234567(+1234567(+1234567(+1234567(@1234))))))", ErrArgTooLong},
	{"p vfs_read arg1=^", ErrNoArgBody},
	{"p vfs_read^%hoge", ErrBadAddrSuffix},
	{"p ^vfs_read+10%return", ErrBadRetprobe},
	{"p vfs_read+20 ^$arg*", ErrNofentryArgs},
	{"p vfs_read $arg* ^$arg*", ErrDoubleArgs},
	// Without BTF: NOSUP_BTFARG is logged, then the word fails as a
	// $-variable, under the same caret.
	{"p vfs_read ^$arg*", ErrNosupBtfarg},
}

func TestSelftestCarets(t *testing.T) {
	for _, tc := range selftestCarets {
		pos := strings.IndexByte(tc.cmd, '^')
		require.GreaterOrEqual(t, pos, 0)
		cmd := tc.cmd[:pos] + tc.cmd[pos+1:]
		_, err := Parse(cmd, testContext())
		var e *Error
		require.True(t, errors.As(err, &e), "%s: %v", cmd, err)
		entries := e.Entries()
		require.NotEmpty(t, entries, cmd)
		found := false
		for _, en := range entries {
			found = found || en.Code == tc.code
		}
		assert.True(t, found, "%s: %v", cmd, entries)
		assert.Equal(t, pos, e.Pos, "%s: %s", cmd, e.Code)
		assert.Equal(t, cmd, e.Command)
	}
}

// errorCommands are rejected commands, beyond the selftest's.
var errorCommands = []string{
	// not a kprobe command: -ECANCELED becomes -EINVAL, nothing logged
	"x vfs_read",
	"p",
	"r:onlyname",
	"p /bin/sh:0x100",
	// probe point
	"p1 vfs_read",
	"r0 vfs_read",
	"r4097 vfs_read",
	"r1234567890123456789012345678901234567890123456789012345678901234 vfs_read",
	"r99999999999 vfs_read",
	"p vfs_read-4",
	"p vfs_read+4294967296",
	"p vfs_read+",
	"p name_show",
	"p mymod:name_show",
	"p -4",
	"p %return",
	"p vfs_read%ret",
	"p vfs_read%return%return",
	"r vfs_read+4%return",
	"p:g/ev vfs_read+4 $arg1",
	"p 0x1000 $arg1",
	"r 0x1000 $retval",
	// names
	"p: vfs_read",
	"p:/ vfs_read",
	"p:1abc vfs_read",
	"p:grp/1abc vfs_read",
	"p:grp/a-b vfs_read",
	"p:grp/ev/x vfs_read",
	"p:a.b.c vfs_read",
	"p:123456789012345678901234567890123456789012345678901234567890123/ev vfs_read",
	"p:g/123456789012345678901234567890123456789012345678901234567890123 vfs_read",
	// argument names
	"p vfs_read 1a=%x0",
	"p vfs_read common_pid=%x0",
	"p vfs_read __probe_ip=%x0",
	"p vfs_read %x0 arg1=%x1",
	"p vfs_read \\\"a=b\"",
	"p vfs_read abcdefghijklmnopqrstuvwxyz0123456=%x0",
	// fetch arguments
	"p vfs_read $",
	"p vfs_read $arg",
	"p vfs_read $arg0",
	"p vfs_read $arg2049",
	"p vfs_read $argx",
	"p vfs_read $stack2049",
	"p vfs_read $stackx",
	"p vfs_read $stack99999999999999999999",
	"p vfs_read $Comm",
	"p vfs_read %x31",
	"p vfs_read %X0",
	"p vfs_read %w0",
	"p vfs_read %fp",
	"p vfs_read @0x",
	"p vfs_read @99999999999999999999",
	"p vfs_read +99999999999999999999(%x0)",
	"p vfs_read +0()",
	"p vfs_read +0(%x0)):u8",
	"p vfs_read -u8(%x0",
	"p vfs_read +u8(%x0",
	"p vfs_read +0(\\\"abc\")",
	"p vfs_read \\",
	"p vfs_read \\x",
	"p vfs_read \\99999999999999999999",
	"p vfs_read \\-99999999999999999999",
	"p vfs_read \\\"",
	"p vfs_read \\\"abc",
	"p vfs_read foo",
	"p vfs_read+4 foo",
	"p vfs_read x=$comm:u8",
	"p vfs_read $comm:string[2]",
	"p vfs_read \\\"abc\":x8",
	// types
	"p vfs_read %x0:",
	"p vfs_read %x0:u128",
	"p vfs_read %x0:%pd:string",
	"p vfs_read %x0:string",
	"p vfs_read +0(%x0):symstr[2]",
	"p vfs_read \\1:symstr",
	"p vfs_read $comm:symstr",
	"r vfs_read $arg1:symstr",
	"p vfs_read %x0:u8[2]",
	"p vfs_read +u0(%x0):u8[2]",
	"p vfs_read %x0:u8[0]",
	"p vfs_read %x0:u8[65]",
	"p vfs_read %x0:u8[]",
	"p vfs_read %x0:b0@0/32",
	"p vfs_read %x0:b4/32",
	"p vfs_read %x0:b4@/32",
	"p vfs_read %x0:b30@4/32",
	"p vfs_read %x0:b4@0/24",
	"p vfs_read %x0:bogus/32",
	"p vfs_read @jiffies:b4@0/8[2]:u8",
	// too much
	"p vfs_read " + strings.Repeat("+0(", 15) + "%x0" + strings.Repeat(")", 15),
	"p vfs_read " + strings.Repeat("+0(", 13) + "@s" + strings.Repeat(")", 13),
	"p vfs_read " + strings.Repeat("+0(", 14) + "%x0" + strings.Repeat(")", 14) + ":string[2]",
	"p vfs_read " + strings.Repeat("+0(%x0):u64[64] ", 6) + "+0(%x0):u64[64]",
	"p vfs_read" + strings.Repeat(" %x0", 129),
	// the expanded :%pD arguments outgrow their 256-byte buffer: -ENOMEM
	"p vfs_read a=%x0:%pD b=%x0:%pD c=%x0:%pD d=%x0:%pD e=%x0:%pD f=%x0:%pD g=%x0:%pD h=%x0:%pD",
	"p vfs_read x=%x0:%pd x=%x1:%pd",
	// $arg*
	"p 0x1000 $arg*",
	"p vfs_read $arg*x",
	"p vfs_read a=$arg*",
	"p vfs_read +0($arg*)",
}

func TestErrorsGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range errorCommands {
		_, err := Parse(c, testContext())
		require.Error(t, err, c)
		fmt.Fprintf(&b, "%s\n%s\n", c, describeError(err))
	}
	for _, tc := range selftestCarets {
		c := strings.Replace(tc.cmd, "^", "", 1)
		_, err := Parse(c, testContext())
		require.Error(t, err, c)
		fmt.Fprintf(&b, "%s\n%s\n", c, describeError(err))
	}
	golden.Check(t, "testdata/errors.golden", []byte(b.String()))
}

// TestBTFArgsConfig runs the BTF-argument paths with
// CONFIG_PROBE_EVENTS_BTF_ARGS and no BTF for the function.
func TestBTFArgsConfig(t *testing.T) {
	ctx := testContext()
	ctx.BTFArgs = true
	var b strings.Builder
	for _, c := range []string{
		"p vfs_read foo",
		"p vfs_read foo->bar",
		"p vfs_read foo.bar",
		"p vfs_read foo-bar",
		"r vfs_read $retval->x",
		"r vfs_read $retvalx",
		"r vfs_read $retval.x",
		"p vfs_read+4 foo",
		"p vfs_read $arg*",
	} {
		_, err := Parse(c, ctx)
		require.Error(t, err, c)
		fmt.Fprintf(&b, "%s\n%s\n", c, describeError(err))
	}
	for _, c := range []string{"r vfs_read $retval", "p vfs_read %x0 x1=%x1:u8 $stack:x32"} {
		cmd, err := Parse(c, ctx)
		require.NoError(t, err, c)
		fmt.Fprintf(&b, "%s\n%s\n", c, describe(cmd.(*Define).Probe))
	}
	golden.Check(t, "testdata/btfargs.golden", []byte(b.String()))
}

// kprobeParseCodes are the TP_ERR_ codes the kprobe parser itself can
// log; the others come from registration (the runtime), uprobes, eprobes,
// fprobes or BTF.
var kprobeParseCodes = []ErrCode{
	ErrBadMaxactType, ErrBadMaxact, ErrMaxactTooBig, ErrBadProbeAddr, ErrNonUniqSymbol,
	ErrBadRetprobe, ErrBadAddrSuffix, ErrNoGroupName, ErrGroupTooLong, ErrBadGroupName,
	ErrNoEventName, ErrEventTooLong, ErrBadEventName, ErrRetvalOnProbe, ErrBadStackNum,
	ErrBadArgNum, ErrBadVar, ErrBadRegName, ErrBadMemAddr, ErrBadImm, ErrImmstrNoClose,
	ErrFileOnKprobe, ErrTooManyOps, ErrDerefNeedBrace, ErrBadDerefOffs, ErrDerefOpenBrace,
	ErrCommCantDeref, ErrBadFetchArg, ErrArrayNoClose, ErrBadArraySuffix, ErrBadArrayNum,
	ErrArrayTooBig, ErrBadType, ErrBadString, ErrBadSymstring, ErrBadBitfield,
	ErrArgNameTooLong, ErrNoArgName, ErrBadArgName, ErrUsedArgName, ErrArgTooLong,
	ErrNoArgBody, ErrNosupBtfarg, ErrNofentryArgs, ErrDoubleArgs, ErrNeedStringType,
	ErrTooManyArgs, ErrEventTooBig,
}

// TestEveryParseErrorCovered: every code the parser can log is produced
// by some command of the tables above.
func TestEveryParseErrorCovered(t *testing.T) {
	seen := map[ErrCode]bool{}
	cmds := append([]string(nil), errorCommands...)
	for _, tc := range selftestCarets {
		cmds = append(cmds, strings.Replace(tc.cmd, "^", "", 1))
	}
	for _, c := range cmds {
		_, err := Parse(c, testContext())
		var e *Error
		if errors.As(err, &e) {
			for _, en := range e.Entries() {
				seen[en.Code] = true
			}
		}
	}
	for _, c := range kprobeParseCodes {
		assert.True(t, seen[c], "no test command logs %s", c)
	}
}

func TestErrCodes(t *testing.T) {
	codes := ErrCodes()
	assert.Len(t, codes, 81)
	seen := map[ErrCode]bool{}
	for _, c := range codes {
		assert.NotEmpty(t, c.Msg(), c)
		assert.False(t, seen[c], "duplicate %s", c)
		seen[c] = true
	}
	assert.Equal(t, "Invalid $-valiable specified", ErrBadVar.Msg(), "the kernel's spelling")
	assert.Equal(t, "Retprobe address must be an function entry", ErrBadRetprobe.Msg())
}

func TestErrorLogFormat(t *testing.T) {
	_, err := Parse("p:mygrp/myevent vfs_read+1%return", nil)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "trace_kprobe: error: Retprobe address must be an function entry\n"+
		"  Command: p:mygrp/myevent vfs_read+1%return\n"+
		strings.Repeat(" ", len("  Command: p:mygrp/myevent "))+"^\n", e.ErrorLog())
	assert.ErrorIs(t, err, kprobe.EINVAL)
	assert.Contains(t, e.Error(), "BAD_RETPROBE")

	// An index past the last word puts the caret one past the command's
	// end (__trace_probe_log_err).
	l := probeLog{argv: []string{"p", "vfs_read"}, index: 2}
	l.err(5, ErrTooManyArgs)
	assert.Equal(t, 11, l.entries[0].Pos)
}
