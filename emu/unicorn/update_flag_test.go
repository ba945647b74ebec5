//go:build unicorn

package unicorn

// Importing golden defines the -update flag in this package's test
// binary, so that `go test -tags unicorn ./... -update` works across the tree.
import _ "github.com/kpemu/kpemu/internal/golden"
