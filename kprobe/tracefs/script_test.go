package tracefs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/kprobe"
)

// script runs shell-like steps against the facade and records every
// step's output, as a transcript for a golden file: "> PATH DATA" is
// echo DATA > PATH, ">> PATH DATA" echo DATA >> PATH, "cat PATH" prints
// the file, "call FN ARGS" calls a guest function.
func script(t *testing.T, r *rig, steps ...string) string {
	t.Helper()
	var b strings.Builder
	for _, st := range steps {
		b.WriteString("$ " + st + "\n")
		op, rest, _ := strings.Cut(st, " ")
		switch op {
		case ">", ">>":
			path, data, _ := strings.Cut(rest, " ")
			var err error
			if op == ">" {
				_, err = r.fs.WriteFile(path, data+"\n")
			} else {
				_, err = r.fs.AppendFile(path, data+"\n")
			}
			if err != nil {
				var e *Error
				require.True(t, errors.As(err, &e), "%v", err)
				fmt.Fprintf(&b, "write error: -%d\n", e.Errno)
			}
		case "cat":
			s, err := r.fs.ReadFile(rest)
			require.NoError(t, err, rest)
			b.WriteString(s)
		case "call":
			f := strings.Fields(rest)
			var args []uint64
			for _, a := range f[1:] {
				var v uint64
				_, err := fmt.Sscan(a, &v)
				require.NoError(t, err)
				args = append(args, v)
			}
			fmt.Fprintf(&b, "returned %#x\n", r.call(t, 0, f[0], args...))
		default:
			t.Fatalf("bad step %q", st)
		}
	}
	return b.String()
}

// TestKprobetraceDocScript is the usage section of
// Documentation/trace/kprobetrace.rst, with arm64 registers and the
// do_sys_open of the test image: define, read back, format, enable,
// run, trace, disable, delete.
func TestKprobetraceDocScript(t *testing.T) {
	r := newRig(t, 1, nil)
	out := script(t, r,
		"> kprobe_events p:myprobe do_sys_open dfd=%x0 filename=%x1 flags=%x2 mode=%x3",
		">> kprobe_events r:myretprobe do_sys_open $retval",
		"cat kprobe_events",
		"cat events/kprobes/myprobe/format",
		"cat events/kprobes/myretprobe/format",
		"> events/kprobes/myprobe/enable 1",
		"> events/kprobes/myretprobe/enable 1",
		fmt.Sprintf("call sys_openat 3 %d 32768 0", uint64(fileName)),
		"> events/kprobes/myprobe/enable 0",
		"> events/kprobes/myretprobe/enable 0",
		"cat trace",
		"cat kprobe_profile",
		">> kprobe_events -:myprobe",
		"cat kprobe_events",
		"> kprobe_events",
		"cat kprobe_events",
	)
	golden.Check(t, "testdata/doc_script.golden", []byte(out))
}

// TestFetchArgsScript: the fetch argument forms of kprobetrace.rst
// against real memory: strings, dereferences, symbols, $comm, bitfields,
// arrays, immediates and a faulting string.
func TestFetchArgsScript(t *testing.T) {
	r := newRig(t, 1, &Options{Task: func(int) Task { return Task{Comm: "cat", PID: 117} }})
	// argv: two strings and a pointer to unmapped memory.
	const argvArray = dataBase + 0x200
	for i, p := range []uint64{fileName, fileName + 5, unmapped} {
		require.NoError(t, r.m.Memory().WriteU64(argvArray+uint64(i)*8, p))
	}
	out := script(t, r,
		`> kprobe_events p:args do_sys_open name=+0(%x1):string bytes=+0(%x1):u8[4] word=+0(%x1):x32 bits=+0(%x1):b4@4/8 `+
			`comm=$comm imm=\"hello" jif=@jiffies sym=%x30:symbol ss=%x30:symstr neg=%x0:s32 stk=$stack0 bad=+0(%x2):string `+
			`argv=+0(%x3):string[3] words=+0(%x1):x16[2] j8=@jiffies+1:u8`,
		">> kprobe_events r:rets do_sys_open ret=$retval:s64 arg1=$arg1",
		"cat kprobe_events",
		"cat events/kprobes/args/format",
		"> events/enable 1",
		fmt.Sprintf("call sys_openat %d %d 16 %d", uint64(0xfffffffffffffff6), uint64(fileName), uint64(argvArray)),
		"cat trace",
	)
	golden.Check(t, "testdata/fetch_args.golden", []byte(out))
}

// TestErrorLogScript: commands the kernel rejects, with the errno of
// the write and the error_log entries (caret under the offending word).
func TestErrorLogScript(t *testing.T) {
	r := newRig(t, 1, nil)
	out := script(t, r,
		"> kprobe_events p:myprobe do_sys_open dfd=%x0",
		">> kprobe_events r:myprobe do_sys_open",
		">> kprobe_events p:myprobe sys_openat flags=%x1",
		">> kprobe_events p:myprobe do_sys_open dfd=%x0",
		">> kprobe_events p:other no_such_function",
		">> kprobe_events r:other do_sys_open+4",
		">> kprobe_events p:other do_sys_open x=%x0 x=%x1",
		">> kprobe_events p:other do_sys_open $comm:u32",
		">> kprobe_events p:bad @no_such_symbol",
		">> kprobe_events p:bad do_sys_open x=@no_such_symbol",
		"cat error_log",
		"> error_log",
		"cat error_log",
	)
	golden.Check(t, "testdata/error_log.golden", []byte(out))
}

// TestAppendProbePoint: a second probe point with the same arguments
// joins the event; both feed it, and each has its profile line.
func TestAppendProbePoint(t *testing.T) {
	r := newRig(t, 1, nil)
	out := script(t, r,
		"> kprobe_events p:open do_sys_open fd=%x0:s32",
		">> kprobe_events p:open sys_openat fd=%x0:s32",
		"cat kprobe_events",
		"> events/kprobes/open/enable 1",
		fmt.Sprintf("call sys_openat 5 %d 0 0", uint64(fileName)),
		"cat trace",
		"cat kprobe_profile",
		">> kprobe_events -:open",
		"> events/kprobes/open/enable 0",
		">> kprobe_events -:kprobes/open sys_openat fd=%x0:s32",
		"cat kprobe_events",
	)
	golden.Check(t, "testdata/append.golden", []byte(out))
}

// TestUnloadedModule: MOD:SYM of a module that is not loaded is accepted
// and registered when the module comes (trace_kprobe_module_callback).
func TestUnloadedModule(t *testing.T) {
	r := newRig(t, 1, nil)
	_, err := r.fs.WriteFile("kprobe_events", "p:modprobe mymod:mod_func\n")
	require.NoError(t, err)
	tk := r.fs.probes[0]
	assert.False(t, tk.registered)
	s, err := r.fs.ReadFile("kprobe_events")
	require.NoError(t, err)
	assert.Equal(t, "p:kprobes/modprobe mymod:mod_func\n", s)

	// The module arrives: loaded into memory, its symbols added to
	// kallsyms, then the module notifier.
	const modBase = 0xffff800009000000
	ml, err := loader.LoadSource(r.m, "mymod.s", []byte(modSource), &loader.Options{Base: modBase, NoSymbolizer: true})
	require.NoError(t, err)
	require.NoError(t, r.l.Symbols.AddImage(ml.Image, "mymod"))
	assert.Empty(t, r.fs.ModuleComing("mymod"))
	assert.True(t, tk.registered)
	require.NoError(t, r.fs.Enable("kprobes", "modprobe", true))
	ret, err := r.m.Call(context.Background(), modBase, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(7), ret)
	require.Len(t, r.fs.Events(), 1)
	assert.Contains(t, r.fs.Events()[0].String(), "modprobe: (mod_func+0x0/0x8 [mymod])")

	// The module goes: its probe is GONE (kprobes_module_callback); the
	// event stays, and enabling it again skips the gone probe point.
	require.NoError(t, r.fs.Enable("kprobes", "modprobe", false))
	assert.Equal(t, 1, r.sub.ModuleGoing("mymod"))
	assert.True(t, tk.rp.Kp.Gone())
	require.NoError(t, r.fs.Enable("kprobes", "modprobe", true))
	s, err = r.fs.ReadFile("kprobe_events")
	require.NoError(t, err)
	assert.Equal(t, "p:kprobes/modprobe mymod:mod_func\n", s)
	require.NoError(t, r.fs.Enable("kprobes", "modprobe", false))

	// A module symbol that does not exist in a loaded module is refused.
	_, err = r.fs.AppendFile("kprobe_events", "p:nope mymod:no_func\n")
	assert.True(t, errors.Is(err, kprobe.ENOENT) || errors.Is(err, kprobe.EINVAL), "%v", err)
}

const modSource = `
	.text
	.globl	mod_func
	.type	mod_func, %function
	.p2align 2
mod_func:
	mov	x0, #7
	ret
	.size	mod_func, .-mod_func
`

// TestAddressProbe: a probe on an address is named and read back with
// %p of the address (hashed unless no_hash_pointers); a second address
// probe with the same arguments on the same event is "the exact same
// probe" because trace_kprobe_symbol is "unknown" for both.
func TestAddressProbe(t *testing.T) {
	hash := func(a uint64) uint64 { return a>>4&0xffffffff | 0x5a5a0000 }
	r := newRig(t, 1, &Options{HashPointer: hash})
	at := r.sym(t, "do_sys_open")
	out := script(t, r,
		fmt.Sprintf("> kprobe_events p %#x", at),
		fmt.Sprintf(">> kprobe_events p:kprobes/addr %#x x=%%x0", at),
		fmt.Sprintf(">> kprobe_events p:kprobes/addr %#x x=%%x0", r.sym(t, "sys_openat")),
		"cat kprobe_events",
		"cat error_log",
		"> events/enable 1",
		fmt.Sprintf("call sys_openat 9 %d 0 0", uint64(fileName)),
		"cat trace",
	)
	golden.Check(t, "testdata/address.golden", []byte(out))
}

// TestMultiLineWrite: one write of several lines with comments runs them
// in order; a failing line ends the write with its errno and the lines
// before it stay; a line longer than the kernel's 4096-byte copy buffer is
// -EINVAL.
func TestMultiLineWrite(t *testing.T) {
	r := newRig(t, 1, nil)
	n, err := r.fs.WriteFile("kprobe_events", "# probes\np:a do_sys_open # entry\n\n  p:b sys_openat\np:c nosuch\np:d fact\n")
	assert.Equal(t, 0, n)
	assert.True(t, errors.Is(err, kprobe.EINVAL), "%v", err)
	s, err := r.fs.ReadFile("kprobe_events")
	require.NoError(t, err)
	assert.Equal(t, "p:kprobes/a do_sys_open\np:kprobes/b sys_openat\n", s)

	long := "p:e fact " + strings.Repeat("x", 5000) + "\n"
	_, err = r.fs.AppendFile("kprobe_events", long)
	assert.True(t, errors.Is(err, kprobe.EINVAL), "%v", err)
	s, err = r.fs.ReadFile("kprobe_events")
	require.NoError(t, err)
	assert.Equal(t, "p:kprobes/a do_sys_open\np:kprobes/b sys_openat\n", s)
}
