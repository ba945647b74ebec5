package obj

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/golden"
	"github.com/kpemu/kpemu/internal/oracle"
)

// The GNU binutils for aarch64 are the oracle of this package's tests:
// as makes the objects, ld the reference links, readelf and objdump judge
// the files WriteELF writes.
const binutilsPkg = "binutils-aarch64-linux-gnu"

var _ = golden.Update // every test binary defines -update (see internal/golden)

// binutil returns the path of aarch64-linux-gnu-<tool>, skipping the test
// (or failing it when oracles are required) when it is not installed.
func binutil(t *testing.T, tool string) string {
	t.Helper()
	return oracle.Command(t, "aarch64-linux-gnu-"+tool, binutilsPkg)
}

// run runs a command and returns its standard output, failing the test
// with its standard error when it fails.
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s %v: %s", filepath.Base(name), args, stderr.String())
	return stdout.Bytes()
}

// assemble assembles src with GNU as and returns the object file's path.
func assemble(t *testing.T, name, src string) string {
	t.Helper()
	as := binutil(t, "as")
	dir := t.TempDir()
	s := filepath.Join(dir, name+".s")
	o := filepath.Join(dir, name+".o")
	require.NoError(t, os.WriteFile(s, []byte(src), 0o644))
	run(t, as, "-o", o, s)
	return o
}

// asmObject assembles src and reads the object with ReadELF.
func asmObject(t *testing.T, name, src string) (*Object, string) {
	t.Helper()
	path := assemble(t, name, src)
	f, err := OpenELF(path)
	require.NoError(t, err)
	require.NotNil(t, f.Object)
	f.Object.Name = name + ".o"
	return f.Object, path
}

// gnuLink links objects with GNU ld and reads the result.
func gnuLink(t *testing.T, args []string, objs ...string) *Image {
	t.Helper()
	ld := binutil(t, "ld")
	out := filepath.Join(t.TempDir(), "a.out")
	run(t, ld, append(append(append([]string{}, args...), "-o", out), objs...)...)
	f, err := OpenELF(out)
	require.NoError(t, err)
	require.NotNil(t, f.Image)
	return f.Image
}

// imageBytes reads n bytes at addr from an image's segments (zeros in
// the bss), failing the test when the range is not in one segment.
func imageBytes(t *testing.T, img *Image, addr, n uint64) []byte {
	t.Helper()
	for _, s := range img.Segments {
		if addr >= s.Addr && addr+n <= s.End() {
			out := make([]byte, n)
			if off := addr - s.Addr; off < uint64(len(s.Data)) {
				copy(out, s.Data[off:])
			}
			return out
		}
	}
	require.Failf(t, "address not in the image", "%#x+%#x in %s", addr, n, img.Name)
	return nil
}
