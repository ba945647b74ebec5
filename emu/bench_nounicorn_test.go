//go:build !unicorn

package emu

import "testing"

// benchUnicornLoop: without the unicorn build tag there is no second engine
// to measure; `make bench` builds with it.
func benchUnicornLoop(b *testing.B) {
	b.Run("unicorn", func(b *testing.B) {
		b.Skip("Unicorn engine not built: run with -tags unicorn (needs the Debian package libunicorn-dev)")
	})
}
