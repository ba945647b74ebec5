package tracefs

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzKprobeEvents writes arbitrary commands to kprobe_events, enables
// whatever was defined, runs the probed code and reads every file: guest
// input never panics the host, and the trace's entry count matches the
// buffer.
func FuzzKprobeEvents(f *testing.F) {
	for _, s := range []string{
		"p:myprobe do_sys_open dfd=%x0 filename=%x1 flags=%x2 mode=%x3\nr:myretprobe do_sys_open $retval",
		`p do_sys_open name=+0(%x1):string b=+0(%x1):b3@2/8 a=+0(%x1):u8[8] s=%x30:symstr c=$comm i=\"x"`,
		"p:g/e sys_openat+16 x=+8(+0($stack)):s16\n-:g/e\n# comment\np fact",
		"r2 fact n=$arg1 r=$retval:s64",
		"p 0xffff800008000000 s=+0(%x2):string u=+0(%x2):ustring",
		"p:bad @jiffies v=@jiffies+8",
	} {
		f.Add(s)
	}
	r := newRig(f, 1, &Options{BufferSizeKB: 8})
	f.Fuzz(func(t *testing.T, data string) {
		r.fs.WriteFile("events/enable", "0")
		r.fs.WriteFile("kprobe_events", data)
		r.fs.WriteFile("events/enable", "1")
		r.open(t, 0, 3, 0, 0)
		r.call(t, 0, "fact", 5)
		for _, p := range []string{"kprobe_events", "kprobe_profile", "error_log", "per_cpu/cpu0/stats", "events/enable"} {
			if _, err := r.fs.ReadFile(p); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		}
		for _, ev := range r.fs.evs {
			if _, err := r.fs.ReadFile(fmt.Sprintf("events/%s/%s/format", ev.group, ev.name)); err != nil {
				t.Fatal(err)
			}
		}
		trace, err := r.fs.ReadFile("trace")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range strings.Split(trace, "\n") {
			if l != "" && l[0] != '#' {
				n++
			}
		}
		if uint64(n) != r.fs.Stats(0).Entries {
			t.Fatalf("trace has %d lines, buffer %d entries", n, r.fs.Stats(0).Entries)
		}
	})
}
