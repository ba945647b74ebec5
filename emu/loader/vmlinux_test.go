package loader

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/internal/oracle"
)

// EnvVmlinux names the distribution arm64 vmlinux TestRealVmlinux loads;
// scripts/fetch-vmlinux.sh downloads one and prints its path.
const EnvVmlinux = "KPEMU_VMLINUX"

// TestRealVmlinux loads a distribution kernel (Debian's
// linux-image-<version>-arm64-dbg ships the ELF vmlinux with its symbols)
// and checks what the kernel itself would see after __relocate_kernel at
// KASLR offset 0: its symbols, and pointer tables that R_AARCH64_RELATIVE
// relocations fill (they are zero in the file).
func TestRealVmlinux(t *testing.T) {
	path := os.Getenv(EnvVmlinux)
	if path == "" {
		oracle.Missing(t, "a distribution arm64 vmlinux", "linux-image-<version>-arm64-dbg",
			EnvVmlinux+"=path go test ./emu/loader -run RealVmlinux (scripts/fetch-vmlinux.sh prints a path)")
	}
	m, err := emu.New(nil)
	require.NoError(t, err)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	l, err := LoadFile(m, path, nil)
	elapsed := time.Since(start)
	require.NoError(t, err)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("loaded %s in %v: %d symbols, %d relative relocations, %d MiB allocated, peak RSS %s",
		path, elapsed, len(l.Image.Symbols), len(l.Image.Relative), (after.TotalAlloc-before.TotalAlloc)>>20, peakRSS())
	for _, n := range l.Image.Notes {
		t.Log("note: ", n)
	}
	assert.Less(t, elapsed, 30*time.Second, "a few seconds on a developer's machine")

	// Symbols.
	assert.Greater(t, len(l.Image.Symbols), 100000)
	lo, _ := l.Image.Bounds()
	text, ok := l.Addr("_text")
	require.True(t, ok)
	assert.Equal(t, lo, text, "_text starts the image, at its link address")
	for _, name := range []string{"_stext", "vectors", "kernel_clone", "__arm64_sys_openat", "el0_svc", "do_sys_openat2", "__arm64_sys_ni_syscall"} {
		s, ok := l.Symbols.LookupName(name)
		if assert.True(t, ok, name) {
			assert.True(t, s.Type.Text(), "%s is %c", name, s.Type)
		}
	}
	clone, _ := l.Addr("kernel_clone")
	assert.True(t, strings.HasPrefix(m.Symbolize(clone+4), "kernel_clone+0x4/0x"), m.Symbolize(clone+4))
	w, err := m.Memory().ReadU32(clone)
	require.NoError(t, err)
	_, err = arm64.Decode(w)
	assert.NoError(t, err, "kernel_clone starts with an instruction: %#08x", w)

	// The symbol list is nm's, letter for letter.
	if nm, err := exec.LookPath("aarch64-linux-gnu-nm"); err == nil {
		out, err := exec.Command(nm, path).Output()
		require.NoError(t, err)
		want := map[string]int{}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			want[sc.Text()]++
		}
		got := map[string]int{}
		for _, s := range l.Image.Symbols {
			got[fmt.Sprintf("%016x %c %s", s.Addr, s.Type, s.Name)]++
		}
		assert.True(t, mapsEqual(want, got), "the image's symbols differ from nm's")
	}

	// sys_call_table: every entry a relocated pointer to a syscall
	// function; openat is 56 on arm64 (include/uapi/asm-generic/unistd.h).
	checkTable := func(name string) {
		tab, ok := l.Symbols.LookupName(name)
		require.True(t, ok, name)
		require.NotZero(t, tab.Size, name)
		for i := uint64(0); i < tab.Size/8; i++ {
			p, err := m.Memory().ReadU64(tab.Addr + 8*i)
			require.NoError(t, err)
			// A syscall not built in is a weak alias of sys_ni_syscall
			// (W: include/linux/syscalls.h COND_SYSCALL).
			loc, ok := l.Symbols.LookupAddr(p)
			fn := ok && loc.Offset == 0 && (loc.Symbol.Type.Text() || loc.Symbol.Type == 'W')
			if !assert.True(t, fn, "%s[%d] = %#x (%s)", name, i, p, m.Symbolize(p)) {
				return
			}
		}
	}
	checkTable("sys_call_table")
	checkTable("compat_sys_call_table")
	sct, _ := l.Addr("sys_call_table")
	openat, _ := l.Addr("__arm64_sys_openat")
	p, err := m.Memory().ReadU64(sct + 56*8)
	require.NoError(t, err)
	assert.Equal(t, openat, p, "sys_call_table[__NR_openat]")

	// Every relative place holds its addend, as after __relocate_kernel.
	for i, r := range l.Image.Relative {
		v, err := m.Memory().ReadU64(r.Offset)
		require.NoError(t, err)
		if !assert.Equal(t, uint64(r.Addend), v, "relocation %d at %#x", i, r.Offset) {
			break
		}
	}

	callRealKernelFunctions(t, m, l)
}

// callRealKernelFunctions calls functions of the real kernel by name, as a
// user of kpemu would: gcd and int_sqrt from lib/math (compiled C), strlen
// and memchr from arch/arm64/lib (hand-written assembly).
func callRealKernelFunctions(t *testing.T, m *emu.Machine, l *Loaded) {
	const stack, scratch uint64 = 0xffff_8000_7000_0000, 0xffff_8000_7100_0000
	require.NoError(t, m.Map(stack, 0x10000, emu.PermRW))
	require.NoError(t, m.Map(scratch, 0x1000, emu.PermRW))
	require.NoError(t, m.Memory().Write(scratch, []byte("kernel_clone\x00")))
	call := func(name string, args ...uint64) uint64 {
		t.Helper()
		fn, ok := l.Addr(name)
		require.True(t, ok, name)
		x0, err := m.Call(context.Background(), fn, args, &emu.CallOptions{SP: stack + 0x10000, Budget: 1_000_000})
		require.NoError(t, err, name)
		return x0
	}
	assert.Equal(t, uint64(21), call("gcd", 1071, 462))
	assert.Equal(t, uint64(1000), call("int_sqrt", 1_000_000))
	assert.Equal(t, uint64(12), call("strlen", scratch))
	assert.Equal(t, scratch+6, call("memchr", scratch, '_', 13))
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// peakRSS reads the process's peak resident set size (VmHWM) on Linux.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
