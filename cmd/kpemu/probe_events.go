package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/tracefs"
)

// probeEvents sets up the tracefs kprobe interface for `run --probe`:
// each line is written to kprobe_events as `echo LINE >>
// /sys/kernel/tracing/kprobe_events` would write it, and a probes file
// as `cat FILE >> kprobe_events` would (the kernel's parser skips its
// blank lines and '#' comments); then every event is enabled
// (events/enable), so the trace shows each hit. A write the kernel
// refuses ends the command with its errno and the error_log entry, caret
// and all (exit 3).
func (ws *workspace) probeEvents(lines []string, file string) (*tracefs.Tracefs, error) {
	type write struct{ what, data string }
	var writes []write
	for _, l := range lines {
		writes = append(writes, write{fmt.Sprintf("--probe %q", l), l + "\n"})
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, inputError(err)
		}
		writes = append(writes, write{"--probes-file " + file, string(b)})
	}
	if len(writes) == 0 {
		return nil, nil
	}
	fs, err := tracefs.New(ws.kp, nil)
	if err != nil {
		return nil, err
	}
	for _, w := range writes {
		if _, err := fs.AppendFile("kprobe_events", w.data); err != nil {
			var errno kprobe.Errno
			if !errors.As(err, &errno) {
				return nil, fmt.Errorf("%s: %w", w.what, err)
			}
			msg := fmt.Sprintf("%s: the write to kprobe_events failed: -%s", w.what, errno)
			if log, _ := fs.ReadFile("error_log"); log != "" {
				msg += "; error_log:\n" + strings.TrimRight(log, "\n")
			}
			return nil, &exitError{exitRefused, errors.New(msg)}
		}
	}
	if _, err := fs.WriteFile("events/enable", "1"); err != nil {
		return nil, fmt.Errorf("enabling the probe events: %w", err)
	}
	return fs, nil
}
