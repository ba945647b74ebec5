// Command oracles says which oracle suites a plain `go test ./...` skipped
// on this machine and how to run them; `make test` runs it after the tests,
// since go test does not print skipped tests without -v.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	var skipped []string
	for _, o := range []struct{ cmd, pkg, suites string }{
		{"aarch64-linux-gnu-objdump", "binutils-aarch64-linux-gnu", "disassembly vs objdump (arm64)"},
		{"aarch64-linux-gnu-as", "binutils-aarch64-linux-gnu", "assembler, relocation and symbol tests vs GNU as and ld (arm64/asm, arm64/obj)"},
		{"aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu", "rebuild of the committed C test objects (internal/kernellib)"},
	} {
		if _, err := exec.LookPath(o.cmd); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %s is missing (apt-get install %s)", o.suites, o.cmd, o.pkg))
		}
	}
	// go test ./... never builds the unicorn tag: those suites always need
	// the tag and Debian's libunicorn-dev.
	uc := "instruction semantics vs Unicorn (emu/difftest, emu/unicorn): run go test -tags unicorn ./..."
	if _, err := os.Stat("/usr/include/unicorn/unicorn.h"); err != nil {
		uc += " after apt-get install libunicorn-dev"
	}
	skipped = append(skipped, uc)
	if os.Getenv("KPEMU_VMLINUX") == "" {
		skipped = append(skipped, "a real kernel (emu/loader, kprobe blacklist, cmd/kpemu): KPEMU_VMLINUX=$(scripts/fetch-vmlinux.sh) go test ./...")
	}
	fmt.Println("oracle suites skipped by this run:")
	for _, s := range skipped {
		fmt.Println("  -", s)
	}
	fmt.Println("make ci installs every oracle and runs them all with KPEMU_REQUIRE_ORACLES=1.")
}
