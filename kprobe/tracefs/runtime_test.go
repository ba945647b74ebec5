package tracefs

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/events"
)

// defineDocProbes defines the two probes of kprobetrace.rst's usage
// example, with arm64 registers:
//
//	p:myprobe do_sys_open dfd=%x0 filename=%x1 flags=%x2 mode=%x3
//	r:myretprobe do_sys_open $retval
func defineDocProbes(t *testing.T, r *rig) {
	t.Helper()
	require.NoError(t, r.fs.createProbe(probe(events.Kprobe, "kprobes", "myprobe", "do_sys_open", 0,
		arg(t, "dfd", "%x0", "x64", regArg(0, 8)),
		arg(t, "filename", "%x1", "x64", regArg(1, 8)),
		arg(t, "flags", "%x2", "x64", regArg(2, 8)),
		arg(t, "mode", "%x3", "x64", regArg(3, 8)))))
	require.NoError(t, r.fs.createProbe(probe(events.Kretprobe, "kprobes", "myretprobe", "do_sys_open", 0,
		arg(t, "arg1", "$retval", "x64", []events.FetchInsn{{Op: events.FetchOpRetval}, {Op: events.FetchOpStRaw, Size: 8}, {Op: events.FetchOpEnd}}))))
}

// TestDocExampleTrace runs the usage example of kprobetrace.rst: both
// events enabled, two opens, the trace file as the kernel prints it.
func TestDocExampleTrace(t *testing.T) {
	r := newRig(t, 1, nil)
	defineDocProbes(t, r)
	_, err := r.fs.WriteFile("events/kprobes/enable", "1")
	require.NoError(t, err)

	assert.Equal(t, uint64(0xfffffffffffffffe), r.open(t, 0, 3, 0x8000, 0))
	r.open(t, 0, 0xffffff9c, 0x241, 0o644)

	got, err := r.fs.ReadFile("trace")
	require.NoError(t, err)
	golden.Check(t, "testdata/doc_example.trace", []byte(got))

	evs := r.fs.Events()
	require.Len(t, evs, 4)
	assert.Equal(t, "myprobe", evs[0].Name)
	assert.Equal(t, r.sym(t, "do_sys_open"), evs[0].IP)
	assert.Equal(t, uint64(3), evs[0].Args[0].Int)
	assert.Equal(t, uint64(fileName), evs[0].Args[1].Int)
	assert.True(t, evs[1].Return)
	assert.Equal(t, r.sym(t, "do_sys_open"), evs[1].Func)
	assert.Equal(t, r.sym(t, "sys_openat")+0x10, evs[1].RetIP, "the bl's return address")
	assert.Equal(t, uint64(0x241), evs[2].Args[2].Int)
	assert.Less(t, evs[0].Time, evs[1].Time)
	assert.Equal(t, uint8(TRACE_FLAG_IRQS_OFF), evs[0].Flags)
	assert.Equal(t, "myprobe: (do_sys_open+0x0/0x20) dfd=0x3 filename=0xffff800040000100 flags=0x8000 mode=0x0",
		strings.SplitN(evs[0].String(), ": ", 2)[1])
}

// TestProfileCountsHits: the dispatchers count hits per CPU; a disabled
// event's kprobe is not armed, so a call then is no hit; a return event
// counts returns.
func TestProfileCountsHits(t *testing.T) {
	r := newRig(t, 1, nil)
	defineDocProbes(t, r)
	r.open(t, 0, 3, 0, 0) // disabled: the kprobes are not armed
	require.NoError(t, r.fs.Enable("kprobes", "myprobe", true))
	require.NoError(t, r.fs.Enable("kprobes", "myretprobe", true))
	r.open(t, 0, 3, 0, 0)
	r.open(t, 0, 3, 0, 0)

	prof, err := r.fs.ReadFile("kprobe_profile")
	require.NoError(t, err)
	golden.Check(t, "testdata/profile.golden", []byte(prof))
	assert.Equal(t, []ProfileEntry{{"myprobe", 2, 0}, {"myretprobe", 2, 0}}, r.fs.Profile())
}

// TestProfileReturnMisses: a return probe with MAXACTIVE 1 on a recursive
// function takes the outermost call; the nested entries find no free
// instance and count as misses of the return event (rp.nmissed, summed
// with kp.nmissed since v5.17).
func TestProfileReturnMisses(t *testing.T) {
	r := newRig(t, 1, nil)
	p := probe(events.Kretprobe, "kprobes", "r_fact_0", "fact", 0)
	p.MaxActive = 1
	require.NoError(t, r.fs.createProbe(p))
	require.NoError(t, r.fs.Enable("kprobes", "r_fact_0", true))
	assert.Equal(t, uint64(24), r.call(t, 0, "fact", 4))
	assert.Equal(t, []ProfileEntry{{"r_fact_0", 1, 3}}, r.fs.Profile())
	prof, err := r.fs.ReadFile("kprobe_profile")
	require.NoError(t, err)
	assert.Equal(t, "  r_fact_0                                                   1               3\n", prof)
	assert.Len(t, r.fs.Events(), 1)
}

// TestTruncateBusy: an enabled event cannot be removed; "echo >
// kprobe_events" fails with EBUSY and removes nothing.
func TestTruncateBusy(t *testing.T) {
	r := newRig(t, 1, nil)
	defineDocProbes(t, r)
	require.NoError(t, r.fs.Enable("kprobes", "myprobe", true))

	_, err := r.fs.WriteFile("kprobe_events", "\n")
	require.Error(t, err)
	assert.True(t, errors.Is(err, kprobe.EBUSY), "%v", err)
	assert.Len(t, r.fs.probes, 2)

	require.NoError(t, r.fs.Enable("kprobes", "myprobe", false))
	_, err = r.fs.WriteFile("kprobe_events", "\n")
	require.NoError(t, err)
	assert.Empty(t, r.fs.probes)
	assert.Nil(t, r.sub.GetKprobe(r.sym(t, "do_sys_open")), "the kprobes are unregistered")
	out, err := r.fs.ReadFile("kprobe_events")
	require.NoError(t, err)
	assert.Empty(t, out)
}

// TestDeleteBusyAndReset: "-:EVENT" of an enabled event is EBUSY; an
// unknown one ENOENT; a removal resets the trace buffer.
func TestDeleteBusyAndReset(t *testing.T) {
	r := newRig(t, 1, nil)
	defineDocProbes(t, r)
	require.NoError(t, r.fs.Enable("kprobes", "myprobe", true))
	r.open(t, 0, 3, 0, 0)
	require.Len(t, r.fs.Events(), 1)

	err := r.fs.deleteProbes(&events.Delete{Event: "myprobe"})
	assert.True(t, errors.Is(err, kprobe.EBUSY), "%v", err)
	err = r.fs.deleteProbes(&events.Delete{Event: "nosuch"})
	assert.True(t, errors.Is(err, kprobe.ENOENT), "%v", err)
	assert.Empty(t, r.fs.Events(), "dyn_event_release resets the buffers")

	require.NoError(t, r.fs.deleteProbes(&events.Delete{Group: "kprobes", GroupGiven: true, Event: "myretprobe"}))
	assert.Len(t, r.fs.probes, 1)

	// The freed event type is reused (ida_alloc_range: the lowest free).
	require.NoError(t, r.fs.createProbe(probe(events.Kprobe, "kprobes", "again", "fact", 0)))
	id, err := r.fs.ReadFile("events/kprobes/again/id")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%d\n", DefaultFirstEventID+1), id)
}

// TestEnableFiles: the enable files read and write as the kernel's do.
func TestEnableFiles(t *testing.T) {
	r := newRig(t, 1, nil)
	s, err := r.fs.ReadFile("events/enable")
	require.NoError(t, err)
	assert.Equal(t, "?\n", s, "no event")
	defineDocProbes(t, r)
	for _, c := range []struct{ path, data, want string }{
		{"events/kprobes/myprobe/enable", "1\n", "X\n"},
		{"events/kprobes/myretprobe/enable", "1", "1\n"},
		{"events/kprobes/enable", "0", "0\n"},
		{"events/enable", "1", "1\n"},
	} {
		_, err := r.fs.WriteFile(c.path, c.data)
		require.NoError(t, err, c.path)
		got, err := r.fs.ReadFile("/sys/kernel/tracing/events/kprobes/enable")
		require.NoError(t, err)
		assert.Equal(t, c.want, got, c.path)
	}
	_, err = r.fs.WriteFile("events/kprobes/myprobe/enable", "2")
	assert.True(t, errors.Is(err, kprobe.EINVAL), "%v", err)
	_, err = r.fs.ReadFile("events/kprobes/nosuch/enable")
	assert.ErrorIs(t, err, errNotExist())
	assert.False(t, r.sub.GetKprobe(r.sym(t, "do_sys_open")).Disabled(), "enabled events arm their kprobes")
}

// TestFetchFaults: a string at an unmapped address prints "(fault)"; a
// numeric dereference that faults leaves the field unwritten (0 here);
// $comm, immediate strings, $stackN and symbols fetch as the kernel does.
func TestFetchFaults(t *testing.T) {
	r := newRig(t, 1, &Options{Task: func(int) Task { return Task{Comm: "cat", PID: 117} }})
	derefBad := []events.FetchInsn{{Op: events.FetchOpImm, Immediate: unmapped}, {Op: events.FetchOpDeref, Offset: 8},
		{Op: events.FetchOpStRaw, Size: 8}, {Op: events.FetchOpEnd}}
	memU32 := []events.FetchInsn{{Op: events.FetchOpReg, Param: 1}, {Op: events.FetchOpStMem, Size: 4}, {Op: events.FetchOpEnd}}
	require.NoError(t, r.fs.createProbe(probe(events.Kprobe, "kprobes", "f", "do_sys_open", 0,
		arg(t, "name", "+0(%x1):string", "string", stringAt(1, 0)),
		arg(t, "bad", "@0xffff8000dead0000:string", "string",
			[]events.FetchInsn{{Op: events.FetchOpImm, Immediate: unmapped}, {Op: events.FetchOpStString, Size: 4}, {Op: events.FetchOpEnd}}),
		arg(t, "badnum", "+8(@0xffff8000dead0000)", "x64", derefBad),
		arg(t, "word", "+0(%x1):u32", "u32", memU32),
		arg(t, "comm", "$comm", "string", []events.FetchInsn{{Op: events.FetchOpComm}, {Op: events.FetchOpStString, Size: 4}, {Op: events.FetchOpEnd}}),
		arg(t, "imm", `\"hi"`, "string", []events.FetchInsn{{Op: events.FetchOpData, Data: "hi"}, {Op: events.FetchOpStString, Size: 4}, {Op: events.FetchOpEnd}}),
		arg(t, "sp0", "$stack0", "x64", []events.FetchInsn{{Op: events.FetchOpStack}, {Op: events.FetchOpStRaw, Size: 8}, {Op: events.FetchOpEnd}}),
		arg(t, "far", "$stack10000", "x64", []events.FetchInsn{{Op: events.FetchOpStack, Param: 10000}, {Op: events.FetchOpStRaw, Size: 8}, {Op: events.FetchOpEnd}}),
		arg(t, "lr", "%x30:symbol", "symbol", regArg(30, 8)),
		arg(t, "lrs", "%x30:symstr", "symstr", []events.FetchInsn{{Op: events.FetchOpReg, Param: 30}, {Op: events.FetchOpStSymstr, Size: 4}, {Op: events.FetchOpEnd}}),
		arg(t, "neg", "%x0:s8", "s8", regArg(0, 1)),
		arg(t, "c", "+0(%x1):char", "char", []events.FetchInsn{{Op: events.FetchOpReg, Param: 1}, {Op: events.FetchOpStMem, Size: 1}, {Op: events.FetchOpEnd}}),
		arg(t, "sym", "@jiffies", "u64", []events.FetchInsn{{Op: events.FetchNopSymbol, Data: "jiffies"}, {Op: events.FetchOpImm},
			{Op: events.FetchOpDeref}, {Op: events.FetchOpStRaw, Size: 8}, {Op: events.FetchOpEnd}}),
		arg(t, "us", "+0(%x2):ustring", "ustring", []events.FetchInsn{{Op: events.FetchOpReg, Param: 2}, {Op: events.FetchOpStUString, Size: 4}, {Op: events.FetchOpEnd}}),
		arg(t, "ks", "+0(%x2):string", "string", stringAt(2, 0)),
		arg(t, "uk", "+0(%x1):ustring", "ustring", []events.FetchInsn{{Op: events.FetchOpReg, Param: 1}, {Op: events.FetchOpStUString, Size: 4}, {Op: events.FetchOpEnd}}),
	)))
	require.NoError(t, r.fs.Enable("kprobes", "f", true))
	// A user page with a string: ustring reads it, string (a kernel
	// access, PAN) faults; ustring of a kernel address faults too.
	const user = 0x400000
	require.NoError(t, r.m.Map(user, 0x1000, emu.PermRead|emu.PermUser))
	require.NoError(t, r.m.Memory().Write(user, []byte("user\x00")))
	r.open(t, 0, 0xff, user, 0)

	evs := r.fs.Events()
	require.Len(t, evs, 1)
	line := evs[0].String()
	ret := r.l.Symbols.SprintSymbol(r.sym(t, "sys_openat") + 0x10)
	// "/etc" read as a little-endian u32 is 0x6374652f.
	assert.Contains(t, line, `name="/etc/passwd" bad=(fault) badnum=0x0 word=1668572463 comm="cat" imm="hi" `)
	assert.Contains(t, line, " far=0x0 lr="+ret+` lrs="`+ret+`" neg=-1 c='/' sym=4660`)
	assert.Contains(t, line, ` us="user" ks=(fault) uk=(fault)`)
	assert.True(t, evs[0].Args[1].Fault)
	assert.True(t, evs[0].Args[2].Fault)
	assert.Equal(t, "cat", evs[0].Comm)
	assert.True(t, strings.HasPrefix(line, "             cat-117     [000] d.... "), line)
	assert.Equal(t, uint8(0), evs[0].PreemptCount, "debug_exception_enter's preempt_disable, taken off by tracing_gen_ctx_dec")
}

func errNotExist() error { return errNotExistErr }

// TestClose: Close disables the events and removes every probe, leaving
// the probed code as it was.
func TestClose(t *testing.T) {
	r := newRig(t, 1, nil)
	defineDocProbes(t, r)
	require.NoError(t, r.fs.Enable("kprobes", "myprobe", true))
	require.NoError(t, r.fs.Close())
	assert.Nil(t, r.sub.GetKprobe(r.sym(t, "do_sys_open")))
	assert.Empty(t, r.fs.Profile())
	assert.Equal(t, uint64(0xfffffffffffffffe), r.open(t, 0, 3, 0, 0))
	assert.Empty(t, r.fs.Events())
}
