package stepper

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	kl "github.com/kpemu/kpemu/internal/kernellib"
	"github.com/kpemu/kpemu/kprobe"
)

// FuzzSession feeds arbitrary command lines to a session: whatever they
// say, the host never panics, the session never ends on an error, and
// Run returns nil at the end of the input.
func FuzzSession(f *testing.F) {
	for _, s := range []string{
		"si 3\nphase\nphase\nc",
		"probe chain_a+8\nsi 2\nphase\nphase\nphase\nphase\nphase\nc",
		"kretprobe chain_b\nfinish\nfinish\nbt",
		"patch chain_a+4 brk #0x100\nc\npatch $pc brk #4\nsi",
		"b chain_c\nc\nbt\nx/8xg $sp\nx/4i $pc\ndisas\nregs\nfinish\nni\nni",
		"x/s 0\nx/99999a $sp\nunprobe\nlist\nhelp x\ndelete",
		"patch $sp brk #1\npatch chain_c brk #6\nc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		m := kl.NewMachine(t)
		l := kl.LoadFiles(t, m, "calls.s")
		kp, err := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
		require.NoError(t, err)
		entry, _ := l.Addr("chain_a")
		var out bytes.Buffer
		s, err := New(Config{Machine: m, Kprobes: kp, Entry: entry, Args: []uint64{5},
			In: strings.NewReader(script), Out: &out, MaxInsns: 10000})
		require.NoError(t, err)
		require.NoError(t, s.Run(context.Background()))
	})
}
