package tracefs

// Importing golden defines the -update flag in this package's test
// binary, so that `go test ./... -update` works across the tree.
import _ "github.com/kpemu/kpemu/internal/golden"
