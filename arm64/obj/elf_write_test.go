package obj

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip writes o and reads it back.
func roundTrip(t *testing.T, o *Object) (*Object, []byte) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteELF(&b, o))
	f, err := ReadELF(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.NotNil(t, f.Object)
	f.Object.Name = o.Name
	return f.Object, b.Bytes()
}

func TestWriteELFRoundTrip(t *testing.T) {
	o := callerObject()
	// Locals first, as ReadELF returns them.
	o.Symbols[1], o.Symbols[4] = o.Symbols[4], o.Symbols[1]
	for i := range o.Relocs {
		if o.Relocs[i].Symbol == 1 {
			o.Relocs[i].Symbol = 4
		}
	}
	back, _ := roundTrip(t, o)
	assert.Equal(t, o, back)
}

// TestWriteELFRoundTripGAS reads objects made by GNU as, writes them and
// reads them back: the same Object, which ld links to the same bytes.
func TestWriteELFRoundTripGAS(t *testing.T) {
	a, pa := asmObject(t, "a", relocSrcA)
	b, pb := asmObject(t, "b", relocSrcB)
	ra, da := roundTrip(t, a)
	rb, db := roundTrip(t, b)
	assert.Equal(t, a, ra)
	assert.Equal(t, b, rb)

	dir := t.TempDir()
	wa, wb := filepath.Join(dir, "wa.o"), filepath.Join(dir, "wb.o")
	require.NoError(t, os.WriteFile(wa, da, 0o644))
	require.NoError(t, os.WriteFile(wb, db, 0o644))
	args := []string{"-Ttext=0x400000", "-z", "norelro"}
	want := gnuLink(t, args, pa, pb)
	got := gnuLink(t, args, wa, wb)
	assert.Equal(t, want.Segments, got.Segments, "ld links the written objects to the same image")
	assert.Equal(t, want.Symbols, got.Symbols)
}

// TestWriteELFBinutilsAccept checks that readelf and objdump read a written
// object without a warning, and objdump shows the relocations.
func TestWriteELFBinutilsAccept(t *testing.T) {
	a, _ := asmObject(t, "a", relocSrcA)
	_, data := roundTrip(t, a)
	path := filepath.Join(t.TempDir(), "w.o")
	require.NoError(t, os.WriteFile(path, data, 0o644))

	for _, args := range [][]string{{"readelf", "-aW"}, {"objdump", "-dr"}} {
		cmd := exec.Command(binutil(t, args[0]), append(args[1:], path)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "%s: %s", args[0], stderr.String())
		assert.Empty(t, stderr.String(), args[0])
		if args[0] == "objdump" {
			out := stdout.String()
			assert.Contains(t, out, "R_AARCH64_CALL26\tfunc")
			assert.Contains(t, out, "R_AARCH64_LDST128_ABS_LO12_NC\tvar128")
			assert.Contains(t, out, "<_start>:")
			inText := 0
			for _, r := range a.Relocs {
				if a.Sections[r.Section].Name == ".text" {
					inText++
				}
			}
			assert.Equal(t, inText, strings.Count(out, ": R_AARCH64_"), "one line per relocation of the code")
		}
	}
}

func TestWriteELFRejectsBadObject(t *testing.T) {
	o := callerObject()
	o.Relocs = append(o.Relocs, Reloc{Section: 0, Symbol: 42, Type: R_AARCH64_ABS64})
	err := WriteELF(&bytes.Buffer{}, o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "symbol index 42 out of range")
}
