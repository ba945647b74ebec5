package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/tracefs"
)

// probeEvents sets up the tracefs kprobe interface for `run --probe`:
// each line is written to kprobe_events as `echo LINE >>
// /sys/kernel/tracing/kprobe_events` would write it, then every event is
// enabled (events/enable), so the trace shows each hit. A line the kernel
// refuses ends the command with the write's errno and the error_log
// entry, caret and all (exit 3).
func (ws *workspace) probeEvents(lines []string, file string) (*tracefs.Tracefs, error) {
	if file != "" {
		fl, err := readProbesFile(file)
		if err != nil {
			return nil, err
		}
		lines = append(lines, fl...)
	}
	if len(lines) == 0 {
		return nil, nil
	}
	fs, err := tracefs.New(ws.kp, nil)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		if _, err := fs.AppendFile("kprobe_events", l+"\n"); err != nil {
			var errno kprobe.Errno
			if !errors.As(err, &errno) {
				return nil, fmt.Errorf("--probe %q: %w", l, err)
			}
			msg := fmt.Sprintf("--probe %q: the write to kprobe_events failed: -%s", l, errno)
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

// readProbesFile reads kprobe_events lines, one per line, as a file
// written to kprobe_events holds them: blank lines and '#' comments are
// left for the kernel's parser to skip.
func readProbesFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, inputError(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" && !strings.HasPrefix(t, "#") {
			lines = append(lines, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", path, err))
	}
	return lines, nil
}
