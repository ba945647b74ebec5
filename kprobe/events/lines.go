package events

import (
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

func splitLines(data string) []Line {
	var out []Line
	done := 0
	for done < len(data) {
		rest := data[done:]
		// The kernel copies at most WRITE_BUFSIZE - 1 bytes at a time
		// and NUL-terminates them; a line must end inside one copy.
		chunk := rest
		if len(chunk) >= WriteBufSize {
			chunk = chunk[:WriteBufSize-1]
		}
		chunk = cstr(chunk)
		var text string
		size := 0
		if nl := strings.IndexByte(chunk, '\n'); nl >= 0 {
			text, size = chunk[:nl], nl+1
		} else {
			text, size = chunk, len(chunk)
			if done+size < len(data) {
				// "Line length is too long: Should be less than
				// WRITE_BUFSIZE - 2", or a NUL byte cut the line.
				out = append(out, Line{Text: text, Offset: done, Err: &Error{Errno: kprobe.EINVAL}})
				return out
			}
		}
		if hash := strings.IndexByte(text, '#'); hash >= 0 {
			text = text[:hash]
		}
		if len(argvSplit(text)) > 0 {
			out = append(out, Line{Text: text, Offset: done})
		}
		done += size
	}
	return out
}
