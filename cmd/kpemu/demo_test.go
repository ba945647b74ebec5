package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/internal/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemo runs the demo and compares its output with
// testdata/demo.golden (go test ./cmd/kpemu -update rewrites it; read the
// diff), and checks the facts the demo claims, so that a change in the
// machine that alters them fails here even if the golden file is
// regenerated carelessly.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, demo(&out))
	text := out.String()
	golden.Check(t, "testdata/demo.golden", out.Bytes())

	assert.Contains(t, text, "returned x0 = 21 after 25 instructions", "gcd(1071, 462) = 21")
	assert.Contains(t, text, "ESR_EL1  0xf2000004", "BRK #4: EC 0x3c, IL, ISS 4")
	assert.Contains(t, text, "ELR_EL1  0xffff800010000010  gcd+0x10/0x30")
	assert.Contains(t, text, "SPSR_EL1 0x000003c5", "EL1h with DAIF masked")
	assert.Contains(t, text, "the handler ran 1 time(s)")
	assert.Contains(t, text, "unhandled exception: BRK (AArch64), ESR 0xf2000001")
	traced := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "  gcd+0x") {
			traced++
		}
	}
	assert.Equal(t, 25, traced, "one trace line per instruction executed")
}
