package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/kprobe"
)

// TestDemo runs the seed scenario and compares its output with
// testdata/demo.golden (go test ./cmd/kpemu -update rewrites it; read the
// diff), and checks the facts the demo claims, so that a change in the
// model that alters them fails here even if the golden file is
// regenerated carelessly.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, demo(&out, demoOptions{}))
	text := out.String()
	golden.Check(t, "testdata/demo.golden", out.Bytes())
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	assert.LessOrEqual(t, len(lines), 150, "short enough for a newcomer to read")

	// The samples' printk lines, with arm64's registers.
	assert.Contains(t, text, "kprobe_init: Planted kprobe at ffff800008000000\n")
	assert.Contains(t, text, "handler_pre: <kernel_clone> p->addr = 0xffff800008000000, pc = 0xffff800008000000, pstate = 0x5\n",
		"pc is the probe address; interrupts were on")
	assert.Contains(t, text, "handler_post: <kernel_clone> p->addr = 0xffff800008000000, pstate = 0x5\n",
		"DAIF restored before the post-handler")
	assert.Regexp(t, `\nkernel_clone returned 1234 and took \d+ ns to execute\n`, text)
	assert.Contains(t, text, "\nPlanted return probe at kernel_clone: ffff800008000000\n", "kretprobe_example.c has no pr_fmt")
	assert.Contains(t, text, "\nMissed probing 0 instances of kernel_clone\n")
	assert.Contains(t, text, "fork() returned 1234\n")

	// Every phase of the hit, in the kernel's order.
	var phases []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(l, "  [") {
			phases = append(phases, f[0])
		}
	}
	assert.Equal(t, []string{"[brk-hit]", "[handler]", "[kretprobe-hijack]", "[pre-handler]", "[xol-enter]",
		"[ss-brk-hit]", "[daif-restored]", "[post-handler]", "[resume]", "[kretprobe-return]", "[resume]"}, phases)
	assert.Contains(t, text, "ESR_EL1 0xf2000004  ELR_EL1 0xffff800008000000  SPSR_EL1 0x5 (DAIF was 0x0)")
	assert.Contains(t, text, "setup_singlestep: DAIF 0x0 saved, pstate 0x5 -> 0x3c5\n      ERET to the XOL slot 0xffff8000f0000000\n")
	assert.Contains(t, text, "brk #0x6 at 0xffff8000f0000004\n      ESR_EL1 0xf2000006 (imm16 6, KPROBES_BRK_SS_IMM) -> kprobe_ss_brk_handler\n")
	assert.Contains(t, text, "ESR_EL1 0xf2000007 (imm16 7, KRETPROBES_BRK_IMM) -> kretprobe_brk_handler")
	assert.Contains(t, text, "kprobes_restore_local_irqflag: DAIF 0x0 again, pstate 0x3c5 -> 0x5\n")
	assert.Contains(t, text, "ERET: pc = 0xffff800008000004 <kernel_clone+0x4/0x2c>")
	assert.Contains(t, text, "ri->ret_addr = x30 = 0xffff800008000060 <__do_sys_clone+0x28>")
	assert.Contains(t, text, "x30 = 0xffff8000f0001000 <__kretprobe_trampoline>")
	assert.Contains(t, text, "pc = the real return 0xffff800008000060")
	assert.Contains(t, text, "ERET: pc = 0xffff800008000060 <__do_sys_clone+0x28/0x34>")
	// The prologue it probes.
	assert.Contains(t, text, "kernel_clone+0x0   d503233f  paciasp\n")
	assert.Contains(t, text, "kernel_clone+0x4   a9be7bfd  stp     x29, x30, [sp, #-32]!\n")
	assert.Contains(t, text, "bl      ffff80000800002c <copy_process>\n")
	assert.Contains(t, text, "arch_disarm_kprobe put paciasp (d503233f) back")
}

// Before v5.10 the step ends with the hardware Software Step exception,
// not BRK #6.
func TestDemoV5_4(t *testing.T) {
	var out bytes.Buffer
	v := kprobe.V5_4
	require.NoError(t, demo(&out, demoOptions{Version: &v}))
	text := out.String()
	assert.Contains(t, text, "[single-step]")
	assert.NotContains(t, text, "[ss-brk-hit]")
	assert.Contains(t, text, "(EC 0x33)")
	assert.Contains(t, text, "pstate 0x5 -> 0x200085", "I set, D clear, SPSR.SS")
	assert.Contains(t, text, "XOL slot")
	assert.Contains(t, text, "kprobe_breakpoint_handler: get_kprobe(pc)")
	assert.Regexp(t, `\nkernel_clone returned 1234 and took \d+ ns to execute\n`, text)
}

// --diagram-dir writes one SVG per hit, named for the hit.
func TestDemoDiagrams(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, demo(&out, demoOptions{DiagramDir: dir}))
	path := filepath.Join(dir, "hit1-kernel_clone.svg")
	assert.Contains(t, out.String(), "sequence diagram of hit 1: "+path+"\n")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "one hit: the kprobe and the kretprobe share it")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
	}
	assert.Contains(t, string(b), "kretprobe_brk_handler")
	assert.Contains(t, string(b), "kprobe_ss_brk_handler")
}

// The cobra command: no arguments, the flag, the root's --kernel-version
// when there is one.
func TestDemoCommand(t *testing.T) {
	cmd := newDemoCommand()
	assert.Equal(t, "demo", cmd.Use)
	assert.NotEmpty(t, cmd.Short)
	assert.NotEmpty(t, cmd.Example)
	require.NotNil(t, cmd.Flags().Lookup("diagram-dir"))
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{})
	require.NoError(t, cmd.Execute())
	assert.Contains(t, out.String(), "kernel profile v6.17")

	cmd = newDemoCommand()
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"extra"})
	assert.Error(t, cmd.Execute(), "no arguments")
}

// Through the root command: the root's --kernel-version picks the profile.
func TestDemoThroughRoot(t *testing.T) {
	var out, errb bytes.Buffer
	code := execute(context.Background(), []string{"--kernel-version", "v5.4", "demo"}, nil, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	assert.Contains(t, out.String(), "kernel profile v5.4")
	assert.Contains(t, out.String(), "[single-step]")
	out.Reset()
	errb.Reset()
	assert.NotEqual(t, 0, execute(context.Background(), []string{"demo", "extra"}, nil, &out, &errb))
	errb.Reset()
	assert.NotEqual(t, 0, execute(context.Background(), []string{"--json", "demo"}, nil, &out, &errb))
	assert.Contains(t, errb.String(), "demo has no JSON form")
}
