// Package golden compares test output with golden files in testdata/.
//
// `go test ./... -update` rewrites the golden files with what the tests
// produce; read the diff before committing it. Every package with tests
// imports this package (directly or through a test helper), so that the
// -update flag is defined in every test binary and the command works
// across the whole tree.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Update is the -update flag.
var Update = flag.Bool("update", false, "rewrite golden files in testdata/ with the current output")

// Check compares got with the golden file at path (relative to the test's
// package directory), or rewrites the file when -update is set.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test -update and read the result")
	assert.Equal(t, string(want), string(got), "output differs from %s (go test -update rewrites it)", path)
}
