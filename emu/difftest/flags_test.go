package difftest

import (
	"flag"
	"testing"
)

// The flags are defined without a build tag, so that `go test ./...
// -difftest.n=...` works in either build.
var (
	flagN = flag.Int("difftest.n", 0,
		"instructions TestDifferential executes (default 200000, 20000 with -short)")
	flagSeed    = flag.Uint64("difftest.seed", 1, "seed of the random programs")
	flagVerbose = flag.Bool("difftest.v", false, "log per-op counts")
)

// instructionBudget is the number of instructions TestDifferential runs.
func instructionBudget() int {
	switch {
	case *flagN > 0:
		return *flagN
	case testing.Short():
		return 20_000
	}
	return 200_000
}
