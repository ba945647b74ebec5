// Package oracle decides what a test does when an external reference it
// compares against (an oracle: Unicorn, GNU binutils, qemu-aarch64,
// gdb-multiarch) is missing.
//
// A plain `go test ./...` on a machine with only Go skips the oracle
// suites, naming the Debian package to install and the command to run
// them. CI sets KPEMU_REQUIRE_ORACLES=1: then a missing oracle fails the
// test instead, so an oracle suite can never pass by skipping.
package oracle

import (
	"os"
	"os/exec"
	"testing"
)

// EnvRequire is the environment variable that makes missing oracles fail.
const EnvRequire = "KPEMU_REQUIRE_ORACLES"

// Required reports whether missing oracles must fail the tests.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Missing skips the test (or fails it when oracles are required) because
// the oracle what, from Debian package pkg, is not available; run says how
// to run the suite once it is installed.
func Missing(t testing.TB, what, pkg, run string) {
	t.Helper()
	msg := what + " is not available: install the Debian package " + pkg + " (apt-get install " + pkg + ")"
	if run != "" {
		msg += ", then run " + run
	}
	if Required() {
		t.Fatalf("%s=1 and %s", EnvRequire, msg)
	}
	t.Skip(msg)
}

// Command returns the path of an oracle program, skipping or failing the
// test as Missing does when it is not installed.
func Command(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, pkg, "")
	}
	return path
}
