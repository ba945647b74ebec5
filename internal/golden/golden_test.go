package golden

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryTestPackageDefinesUpdate keeps `go test ./... -update` working:
// a test binary that does not define -update fails on it, so every
// directory with tests must import this package from one of its test
// files.
func TestEveryTestPackageDefinesUpdate(t *testing.T) {
	root := filepath.Join("..", "..")
	_, err := os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "the module root")
	dirs := map[string]bool{} // directory -> imports golden
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dirs[dir] = dirs[dir] || strings.Contains(string(b), `"github.com/kpemu/kpemu/internal/golden"`)
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for dir, ok := range dirs {
		if dir == "." || filepath.Base(dir) == "golden" {
			continue
		}
		assert.True(t, ok, "%s has tests but none imports internal/golden: `go test ./... -update` would fail there", dir)
	}
}
