package events

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kprobetraceWrite is the walk-through of Documentation/trace/
// kprobetrace.rst ("Usage examples") with the x86 registers replaced by
// their arm64 counterparts (%ax, %dx, %cx, the first three arguments of
// do_sys_open -> %x0, %x1, %x2), and the document's other syntax examples
// after it, as one write to kprobe_events.
const kprobetraceWrite = `# Usage examples (arm64 registers)
p:myprobe do_sys_open dfd=%x0 filename=%x1 flags=%x2 mode=+4($stack)
r:myretprobe do_sys_open $retval
# the same with $argN and types
p:myprobe2 do_sys_open dfd=$arg1:s32 filename=+0($arg2):string flags=$arg3:x32
r:myretprobe2 do_sys_open ret=$retval:s32 file=+0($arg2):ustring
p:myprobe3 do_sys_open%return $retval
p:comm do_sys_open comm=$comm
p:mygroup/myev vfs_read count=%x2:u64 buf=+0(%x1):x8[8] addr=@jiffies
r64:kprobes/maxact vfs_read
p:bits vfs_read flags=+0x10(%x0):b3@2/32 top=+0x10(%x0):b1@31/32
p:imm vfs_read one=\1 str=\"hello\":string
p:sym vfs_read caller=%lr:symbol where=%lr:symstr
-:myprobe
-:kprobes/myretprobe
`

func TestKprobetraceExamples(t *testing.T) {
	var b strings.Builder
	lines := SplitLines(kprobetraceWrite)
	require.Len(t, lines, 13)
	for _, l := range lines {
		require.NoError(t, l.Err)
		cmd, err := Parse(l.Text, testContext())
		require.NoError(t, err, l.Text)
		fmt.Fprintf(&b, "@%d %s\n", l.Offset, l.Text)
		switch c := cmd.(type) {
		case *Define:
			b.WriteString(describe(c.Probe))
		case *Delete:
			fmt.Fprintf(&b, "  delete group=%q (given %v) event=%q args=%q\n", c.Group, c.GroupGiven, c.Event, c.Args)
		}
		b.WriteByte('\n')
	}
	golden.Check(t, "testdata/kprobetrace.golden", []byte(b.String()))
}

func TestSplitLines(t *testing.T) {
	lines := SplitLines("p a\n\n  # comment only\np b # trailing\n   \nr c")
	assert.Equal(t, []Line{
		{Text: "p a", Offset: 0},
		{Text: "p b ", Offset: 22},
		{Text: "r c", Offset: 41},
	}, lines)

	// A line keeps its leading white space: "  -:ev" is not a delete.
	lines = SplitLines("  -:ev\n")
	require.Len(t, lines, 1)
	assert.Equal(t, "  -:ev", lines[0].Text)

	// The longest line the kernel reads is WRITE_BUFSIZE - 2 bytes plus
	// its newline; the last line needs no newline and may be one longer.
	ok := "p " + strings.Repeat("a", WriteBufSize-4) // 4094 bytes
	lines = SplitLines(ok + "\n" + ok + "a")
	require.Len(t, lines, 2)
	assert.NoError(t, lines[0].Err)
	assert.NoError(t, lines[1].Err)
	assert.Equal(t, WriteBufSize-1, len(lines[1].Text))

	lines = SplitLines("p x\n" + ok + "a\np y\n")
	require.Len(t, lines, 2)
	assert.Equal(t, "p x", lines[0].Text)
	assert.ErrorIs(t, lines[1].Err, kprobe.EINVAL, "a 4095-byte line followed by more")
	assert.Equal(t, 4, lines[1].Offset)

	lines = SplitLines("p x\np y\x00z\np w\n")
	require.Len(t, lines, 2)
	assert.ErrorIs(t, lines[1].Err, kprobe.EINVAL, "a NUL byte cuts the line")

	assert.Empty(t, SplitLines(""))
	assert.Empty(t, SplitLines("\n\n#x\n"))
}

func TestKstrto(t *testing.T) {
	for _, tc := range []struct {
		in    string
		base  int
		want  uint64
		errno kprobe.Errno
	}{
		{"0", 0, 0, 0}, {"10", 0, 10, 0}, {"010", 0, 8, 0}, {"0x10", 0, 16, 0},
		{"0X1f", 0, 31, 0}, {"+7", 0, 7, 0}, {"7\n", 0, 7, 0}, {"0x", 0, 0, kprobe.EINVAL},
		{"", 0, 0, kprobe.EINVAL}, {"08", 0, 0, kprobe.EINVAL}, {"1a", 10, 0, kprobe.EINVAL},
		{"18446744073709551615", 0, 1<<64 - 1, 0}, {"18446744073709551616", 0, 0, kprobe.ERANGE},
		{"-1", 0, 0, kprobe.EINVAL}, {"++1", 0, 0, kprobe.EINVAL}, {"7\n\n", 0, 0, kprobe.EINVAL},
	} {
		v, e := kstrtoul(tc.in, tc.base)
		assert.Equal(t, tc.errno, e, "%q", tc.in)
		assert.Equal(t, tc.want, v, "%q", tc.in)
	}
	for _, tc := range []struct {
		in    string
		want  int64
		errno kprobe.Errno
	}{
		{"-8", -8, 0}, {"+8", 8, 0}, {"-0x10", -16, 0}, {"9223372036854775807", 1<<63 - 1, 0},
		{"9223372036854775808", 0, kprobe.ERANGE}, {"-9223372036854775808", -1 << 63, 0},
		{"-9223372036854775809", 0, kprobe.ERANGE}, {"--1", 0, kprobe.EINVAL}, {"-+1", 0, kprobe.EINVAL},
	} {
		v, e := kstrtol(tc.in, 0)
		assert.Equal(t, tc.errno, e, "%q", tc.in)
		assert.Equal(t, tc.want, v, "%q", tc.in)
	}
	v, rest := simpleStrtoul("0x1f@3", 0)
	assert.Equal(t, uint64(31), v)
	assert.Equal(t, "@3", rest)
	v, rest = simpleStrtoul("0xg", 0)
	assert.Equal(t, uint64(0), v)
	assert.Equal(t, "xg", rest)
}

func TestKernelCtype(t *testing.T) {
	assert.True(t, isGoodName("_a1"))
	assert.True(t, isGoodName("caf\xe9"), "Latin-1 letters are alpha in lib/ctype.c")
	assert.False(t, isGoodName("a\xd7b"), "0xD7 is not a letter")
	assert.False(t, isGoodName("a-b"))
	assert.True(t, isGoodSystemName("a-b"))
	assert.True(t, isGoodSystemName("-"))
	assert.False(t, isGoodSystemName("a.b"))
	assert.Equal(t, []string{"p", "a", "b"}, argvSplit("\xa0p\ta\v\fb\r\n"))
	assert.Equal(t, ":a_b_c_d", sanitizeEventName(":a:b.c*d"), "the first byte is not looked at")
}
