package events_test

import (
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/kprobe/events"
)

// Parse a write to kprobe_events line by line, print the probes back as
// reading the file shows them, and show the error_log entry of a rejected
// line.
func ExampleParse() {
	write := "p:myprobe do_sys_open dfd=%x0 filename=+0(%x1):string\n" +
		"r:myretprobe do_sys_open $retval:s32 # comment\n" +
		"r:bad do_sys_open+4\n"
	for _, line := range events.SplitLines(write) {
		cmd, err := events.Parse(line.Text, nil)
		var e *events.Error
		if errors.As(err, &e) {
			fmt.Printf("write fails: -%s\n%s", e.Errno.Error(), e.ErrorLog())
			break
		}
		p := cmd.(*events.Define).Probe
		fmt.Println(p)
		for _, a := range p.Args {
			fmt.Printf("  %s: %s, %d fetch steps\n", a.Name, a.Type.Name, len(a.Code))
		}
	}
	// Output:
	// p:kprobes/myprobe do_sys_open dfd=%x0 filename=+0(%x1):string
	//   dfd: x64, 3 fetch steps
	//   filename: string, 3 fetch steps
	// r:kprobes/myretprobe do_sys_open arg1=$retval:s32
	//   arg1: s32, 3 fetch steps
	// write fails: -EINVAL
	// trace_kprobe: error: Retprobe address must be an function entry
	//   Command: r:bad do_sys_open+4
	//                  ^
}
