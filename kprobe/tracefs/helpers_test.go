package tracefs

import (
	"context"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/events"
)

// openSource stands for the kernel's open path as
// Documentation/trace/kprobetrace.rst probes it: do_sys_open(dfd,
// filename, flags, mode) reads the file name and fails with -ENOENT;
// sys_openat calls it (so a return probe on do_sys_open returns into
// sys_openat).
const openSource = `
	.text
	.globl	do_sys_open
	.type	do_sys_open, %function
	.p2align 2
do_sys_open:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	ldrb	w4, [x1]		// touch the file name
	mov	x0, #-2			// -ENOENT
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	do_sys_open, .-do_sys_open

	.globl	sys_openat
	.type	sys_openat, %function
	.p2align 2
sys_openat:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	do_sys_open
	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	sys_openat, .-sys_openat

	.globl	fact
	.type	fact, %function
	.p2align 2
fact:
	paciasp
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
	cmp	x0, #1
	b.ls	.Lbase
	sub	x0, x0, #1
	bl	fact
	mul	x0, x0, x19
	b	.Ldone
.Lbase:
	mov	x0, #1
.Ldone:
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	autiasp
	ret
	.size	fact, .-fact

	.data
	.globl	jiffies
	.p2align 3
jiffies:
	.quad	0x1234
	.size	jiffies, 8
`

// The machine's layout.
const (
	textBase = 0xffff800008000000
	stackTop = 0xffff800030004000
	dataBase = 0xffff800040000000
	// fileName is where the tests put the name of the file being opened.
	fileName = dataBase + 0x100
	// unmapped is a kernel address nothing maps.
	unmapped = 0xffff8000dead0000
)

type rig struct {
	m   *emu.Machine
	sub *kprobe.Subsystem
	fs  *Tracefs
	l   *loader.Loaded
}

func newRig(t testing.TB, cpus int, opts *Options) *rig {
	t.Helper()
	// The counter (1 GHz) starts at 5 s, so time stamps look like a
	// booted machine's, and one instruction takes 1 µs, so the trace's
	// microseconds show the work between events.
	m, err := emu.New(&emu.Config{CPUs: cpus, CounterBase: 5_000_000_000, InsnPerSecond: 1_000_000})
	require.NoError(t, err)
	require.NoError(t, m.Map(stackTop-0x4000, 0x4000, emu.PermRW))
	require.NoError(t, m.Map(dataBase, 0x1000, emu.PermRW))
	for i := range cpus {
		m.CPU(i).SetSP(stackTop - uint64(i)*0x1000)
	}
	require.NoError(t, m.Memory().Write(fileName, []byte("/etc/passwd\x00")))
	l, err := loader.LoadSource(m, "open.s", []byte(openSource), &loader.Options{Base: textBase})
	require.NoError(t, err)
	sub, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	require.NoError(t, err)
	fs, err := New(sub, opts)
	require.NoError(t, err)
	return &rig{m: m, sub: sub, fs: fs, l: l}
}

func (r *rig) sym(t testing.TB, name string) uint64 {
	t.Helper()
	s, ok := r.l.Symbols.LookupName(name)
	require.True(t, ok, name)
	return s.Addr
}

// open calls sys_openat(dfd, fileName, flags, mode) on cpu.
func (r *rig) open(t testing.TB, cpu int, dfd, flags, mode uint64) uint64 {
	t.Helper()
	ret, err := r.m.Call(context.Background(), r.sym(t, "sys_openat"),
		[]uint64{dfd, fileName, flags, mode}, &emu.CallOptions{CPU: cpu})
	require.NoError(t, err)
	return ret
}

// call calls fn(args...) on cpu.
func (r *rig) call(t testing.TB, cpu int, fn string, args ...uint64) uint64 {
	t.Helper()
	ret, err := r.m.Call(context.Background(), r.sym(t, fn), args, &emu.CallOptions{CPU: cpu})
	require.NoError(t, err)
	return ret
}

// typ is a fetch type of the events package.
func typ(t testing.TB, name string) *events.Type {
	t.Helper()
	ty := events.LookupType(name)
	require.NotNil(t, ty, name)
	return ty
}

// Fetch programs as kprobe/events compiles them.
func regArg(n uint, size int) []events.FetchInsn {
	return []events.FetchInsn{{Op: events.FetchOpReg, Param: n}, {Op: events.FetchOpStRaw, Size: size}, {Op: events.FetchOpEnd}}
}

func stringAt(reg uint, off int) []events.FetchInsn {
	return []events.FetchInsn{{Op: events.FetchOpReg, Param: reg}, {Op: events.FetchOpStString, Offset: off, Size: 4}, {Op: events.FetchOpEnd}}
}

// arg builds an argument with its offset in the record's argument area.
func arg(t testing.TB, name, comment, tyName string, code []events.FetchInsn) *events.Arg {
	ty := typ(t, tyName)
	return &events.Arg{Name: name, Comment: comment, Type: ty, Code: code, Dynamic: ty.IsString()}
}

// probe builds a parsed probe definition, laying the arguments out as
// traceprobe_parse_probe_arg does (each at the running size).
func probe(kind events.Kind, group, event, sym string, off uint64, args ...*events.Arg) *events.Probe {
	p := &events.Probe{Kind: kind, Group: group, Event: event, Symbol: sym, Offset: off, FuncEntry: off == 0, Args: args}
	for _, a := range args {
		a.Offset = p.Size
		n := a.Type.Size
		if a.Count > 0 {
			n *= a.Count
		}
		p.Size += n
	}
	letter := "p"
	if kind == events.Kretprobe {
		letter = "r"
	}
	p.Argv = []string{letter + ":" + group + "/" + event, sym}
	for _, a := range args {
		p.Argv = append(p.Argv, a.Name+"="+a.Comment)
	}
	return p
}

var errNotExistErr = fs.ErrNotExist
