package tracefs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/golden"
)

// TestRbEventLength: rb_calculate_event_length on arm64: a 4-byte
// header, 4-byte alignment, and an extra length word past 112 bytes.
func TestRbEventLength(t *testing.T) {
	for _, c := range []struct{ payload, want int }{
		{0, 8}, {1, 8}, {16, 20}, {17, 24}, {112, 116}, {113, 124}, {116, 124},
	} {
		assert.Equal(t, c.want, rbEventLength(c.payload), "payload %d", c.payload)
	}
	assert.Equal(t, 2, nrPagesFor(1), "at least two pages")
	assert.Equal(t, 354, nrPagesFor(1408*1024), "the default 1408 KiB")
}

// TestOverrun: a buffer of two pages (buffer_size_kb 4) of 4080 bytes
// takes 145 records of 28 bytes per page (16-byte kprobe head, one u64
// argument, 4-byte event header; the first record has an 8-byte time
// extend, which the first page's 20 spare bytes absorb); the next record
// overwrites the oldest page. Every lost record is counted: entries-in-buffer + overrun =
// entries-written, and the stats file agrees.
func TestOverrun(t *testing.T) {
	const recLen, perPage = 28, 4080 / 28
	r := newRig(t, 1, &Options{BufferSizeKB: 4})
	_, err := r.fs.WriteFile("kprobe_events", "p:hit do_sys_open dfd=%x0\n")
	require.NoError(t, err)
	_, err = r.fs.WriteFile("events/kprobes/hit/enable", "1")
	require.NoError(t, err)
	s, err := r.fs.ReadFile("buffer_size_kb")
	require.NoError(t, err)
	assert.Equal(t, "7\n", s, "2 pages of 4080 bytes")

	for i := range 2 * perPage {
		r.open(t, 0, uint64(i), 0, 0)
	}
	st := r.fs.Stats(0)
	// The first page's 12 unused bytes are padding, counted in bytes.
	assert.Equal(t, BufferStats{Entries: 2 * perPage, Written: 2 * perPage, Bytes: 4080 + perPage*recLen, OldestTS: st.OldestTS}, st)

	r.open(t, 0, 2*perPage, 0, 0)
	st = r.fs.Stats(0)
	assert.Equal(t, uint64(perPage+1), st.Entries, "one page overwritten, one record on the new page")
	assert.Equal(t, uint64(perPage), st.Overrun)
	assert.Equal(t, st.Entries+st.Overrun, st.Written)

	for i := 2*perPage + 1; i < 1000; i++ {
		r.open(t, 0, uint64(i), 0, 0)
	}
	st = r.fs.Stats(0)
	assert.Equal(t, uint64(1000), st.Entries+st.Overrun)
	assert.Equal(t, uint64(0), st.Overrun%perPage, "whole pages are lost")

	trace, err := r.fs.ReadFile("trace")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(trace, "\n"), "\n")
	assert.Equal(t, fmt.Sprintf("# entries-in-buffer/entries-written: %d/1000   #P:1", st.Entries), lines[2])
	assert.Len(t, lines, 12+int(st.Entries))
	assert.Contains(t, lines[len(lines)-1], "dfd=0x3e7", "the newest record is kept")
	assert.True(t, strings.HasSuffix(lines[12], fmt.Sprintf(" dfd=0x%x", st.Overrun)),
		"the oldest kept record follows the lost ones: %s", lines[12])

	stats, err := r.fs.ReadFile("per_cpu/cpu0/stats")
	require.NoError(t, err)
	assert.Contains(t, stats, fmt.Sprintf("entries: %d\noverrun: %d\ncommit overrun: 0\nbytes: %d\n", st.Entries, st.Overrun, st.Bytes))

	// echo > trace empties the buffer and its counters.
	_, err = r.fs.WriteFile("trace", "")
	require.NoError(t, err)
	assert.Equal(t, BufferStats{}, r.fs.Stats(0))
}

// TestTimeExtend: a gap of 2^27 ns or more since the previous record
// (or since the reset, for the first one) costs an 8-byte time extend.
func TestTimeExtend(t *testing.T) {
	rb := newRingBuffer(1, 8192)
	rb.write(&Event{Time: 1, size: 16})
	rb.write(&Event{Time: 2, size: 16})
	rb.write(&Event{Time: 2 + testTimeStampDelta, size: 16})
	assert.Equal(t, 20+20+28, rb.cpus[0].pages[0].commit)
	rb.reset()
	rb.write(&Event{Time: 5_000_000_000, size: 16})
	assert.Equal(t, 28, rb.cpus[0].pages[0].commit, "the first record after a reset")
}

// TestMultiCPUMerge: records of several CPUs are merged by time stamp,
// each CPU with its own clock (its CNTVCT), and counted per CPU.
func TestMultiCPUMerge(t *testing.T) {
	r := newRig(t, 2, &Options{Task: func(cpu int) Task { return Task{Comm: fmt.Sprintf("worker/%d", cpu), PID: 200 + cpu} }})
	_, err := r.fs.WriteFile("kprobe_events", "p:hit do_sys_open dfd=%x0\n")
	require.NoError(t, err)
	_, err = r.fs.WriteFile("events/enable", "1")
	require.NoError(t, err)
	r.open(t, 0, 1, 0, 0)
	r.open(t, 0, 2, 0, 0)
	r.open(t, 1, 3, 0, 0)
	trace, err := r.fs.ReadFile("trace")
	require.NoError(t, err)
	golden.Check(t, "testdata/two_cpus.trace", []byte(trace))
	assert.Equal(t, uint64(2), r.fs.Stats(0).Entries)
	assert.Equal(t, uint64(1), r.fs.Stats(1).Entries)
	// One 28-byte record with the 8-byte time extend of the first record
	// after a reset; the CPU's clock stands where the call left it.
	stats, err := r.fs.ReadFile("per_cpu/cpu1/stats")
	require.NoError(t, err)
	assert.Equal(t, "entries: 1\noverrun: 0\ncommit overrun: 0\nbytes: 36\noldest event ts:     5.000005\n"+
		"now ts:     5.000017\ndropped events: 0\nread events: 0\n", stats)

	// trace_pipe consumes.
	pipe, err := r.fs.ReadFile("trace_pipe")
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(pipe, "\n"))
	assert.Empty(t, r.fs.Events())
	assert.Equal(t, uint64(2), r.fs.Stats(0).Read)

	// tracing_on 0: hits are counted, nothing is recorded.
	_, err = r.fs.WriteFile("tracing_on", "0")
	require.NoError(t, err)
	r.open(t, 0, 4, 0, 0)
	assert.Empty(t, r.fs.Events())
	assert.Equal(t, uint64(4), r.fs.Profile()[0].Hits)
}
