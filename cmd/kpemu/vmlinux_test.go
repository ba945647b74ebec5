package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kpemu/kpemu/internal/oracle"
)

// TestRealVmlinuxCLI runs the command line on a distribution kernel (the
// Debian 6.1 arm64 vmlinux scripts/fetch-vmlinux.sh fetches): the ftrace
// call site of kernel_clone is refused and its entry accepted, and a real
// kernel function runs with a kprobe and a return probe event on it.
func TestRealVmlinuxCLI(t *testing.T) {
	path := os.Getenv("KPEMU_VMLINUX")
	if path == "" {
		oracle.Missing(t, "a distribution arm64 vmlinux", "linux-image-<version>-arm64-dbg",
			"KPEMU_VMLINUX=path go test ./cmd/kpemu -run RealVmlinux (scripts/fetch-vmlinux.sh prints a path)")
	}
	r := kpemu("check", path, "kernel_clone+4")
	assert.Equal(t, exitRefused, r.code, r.stderr)
	assert.Contains(t, r.stdout, "result:   refused: -EINVAL\nreason:   kernel_clone+0x4/0x")
	assert.Contains(t, r.stdout, "is an ftrace call site (ftrace_location)")

	r = kpemu("--kernel-version", "v6.1", "check", path, "kernel_clone")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "result:   accepted, xol\ninsn:     d503201f  nop", "before v6.13 a NOP is stepped out of line")

	r = kpemu("run", path, "--call", "gcd(1071, 462)", "--kprobe", "gcd", "--probe", "r:gcd_ret gcd ret=$retval")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "<gcd> p->addr = 0x")
	assert.Contains(t, r.stdout, "gcd(1071, 462) returned 21 (0x15)")
	assert.Contains(t, r.stdout, "gcd_ret: (0xca11000000000000 <- gcd) ret=0x15\n")
}
