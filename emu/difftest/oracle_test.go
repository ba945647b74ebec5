//go:build !unicorn

package difftest

import (
	"testing"

	"github.com/kpemu/kpemu/internal/oracle"
)

// TestUnicornOracle stands for the differential suite in a build without
// the unicorn tag: it skips, naming what is missing and how to run the
// suite, or fails when KPEMU_REQUIRE_ORACLES=1 (CI), so that the suite can
// never pass by not running.
func TestUnicornOracle(t *testing.T) {
	oracle.Missing(t, "the Unicorn oracle (this test binary was built without the unicorn build tag)",
		"libunicorn-dev", "go test -tags unicorn ./emu/difftest")
}
