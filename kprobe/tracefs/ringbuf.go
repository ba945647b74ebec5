package tracefs

// The ring buffer's geometry (kernel/trace/ring_buffer.c), for a 4 KiB
// page kernel.
const (
	// bufPageSize is BUF_PAGE_SIZE: a page less its header (the page's
	// time stamp and commit counter, 16 bytes).
	bufPageSize = 4096 - 16
	// rbEvntHdrSize is RB_EVNT_HDR_SIZE, the 4-byte event header
	// (type_len:5, time_delta:27).
	rbEvntHdrSize = 4
	// rbMaxSmallData is RB_MAX_SMALL_DATA (RB_ALIGNMENT 4 ×
	// RINGBUF_TYPE_DATA_TYPE_LEN_MAX 28): a longer payload stores its
	// length in an extra 32-bit word.
	rbMaxSmallData = 4 * 28
	// rbEvntMinSize is RB_EVNT_MIN_SIZE: the smallest padding event.
	rbEvntMinSize = 8
	// timeExtendSize is RB_LEN_TIME_EXTEND: the event that carries a time
	// delta that does not fit in 27 bits.
	timeExtendSize = 8
	// testTimeStampDelta is the first delta that needs a time extend
	// (1 << TS_SHIFT, TS_SHIFT = 27).
	testTimeStampDelta = 1 << 27
)

// rbEventLength is rb_calculate_event_length on arm64 (RB_ARCH_ALIGNMENT
// 4, no forced 8-byte alignment).
func rbEventLength(payload int) int {
	if payload == 0 {
		payload = 1
	}
	if payload > rbMaxSmallData {
		payload += 4
	}
	payload += rbEvntHdrSize
	return (payload + 3) &^ 3
}

// bufPage is a buffer_data_page: the events it holds and its commit
// (bytes used), plus what the page adds to entries_bytes.
type bufPage struct {
	ts     uint64 // the page's time stamp: its first event's
	events []*Event
	commit int
	bytes  int // the commit plus padding counted by rb_reset_tail
}

// cpuBuffer is struct ring_buffer_per_cpu in overwrite mode: nrPages
// data pages in a ring; when the writer needs a new page and every page
// holds data, the oldest page is overwritten and its events are counted
// in overrun (rb_handle_head_page).
type cpuBuffer struct {
	nrPages int
	pages   []*bufPage // oldest first; the last is the tail (write) page
	// overrun counts events lost to overwriting; written all events
	// committed; read the events consumed by trace_pipe; tooBig the events
	// the buffer refused because they do not fit in a page (the kernel
	// drops them without counting).
	overrun, written, read, tooBig uint64
	writeStamp                     uint64
}

// ringBuffer is the global trace buffer: one cpuBuffer per CPU.
type ringBuffer struct {
	cpus []*cpuBuffer
}

// nrPagesFor is ring_buffer_resize's page count for a size in bytes:
// DIV_ROUND_UP(size, BUF_PAGE_SIZE), at least 2.
func nrPagesFor(size uint64) int {
	n := int((size + bufPageSize - 1) / bufPageSize)
	return max(n, 2)
}

func newRingBuffer(cpus int, size uint64) *ringBuffer {
	rb := &ringBuffer{}
	for range cpus {
		rb.cpus = append(rb.cpus, &cpuBuffer{nrPages: nrPagesFor(size)})
	}
	return rb
}

// reset is tracing_reset_online_cpus: every CPU buffer emptied and its
// counters cleared (ring_buffer_reset_cpu).
func (rb *ringBuffer) reset() {
	for _, c := range rb.cpus {
		*c = cpuBuffer{nrPages: c.nrPages}
	}
}

// write reserves and commits e (whose payload is e.size bytes) on its
// CPU, as rb_reserve_next_event does: a delta of 2^27 ns or more from the
// CPU's write stamp (the previous event; 0 after a reset, so the first
// event after one always qualifies) reserves an 8-byte time extend in
// front of the event, wherever it lands (the first event of a page zeroes
// it but keeps the space, rb_add_time_stamp). An event that does not fit
// in the tail page moves the writer to the next page (rb_move_tail),
// padding the rest of the tail page (rb_reset_tail); if every page holds
// data, the oldest is overwritten and its events are counted as overrun
// (rb_handle_head_page).
func (rb *ringBuffer) write(e *Event) {
	c := rb.cpus[e.CPU]
	length := rbEventLength(e.size)
	if e.Time-c.writeStamp >= testTimeStampDelta {
		length += timeExtendSize
	}
	if length > bufPageSize {
		c.tooBig++
		return
	}
	if tail := c.tail(); tail != nil {
		if tail.commit+length <= bufPageSize {
			tail.commit += length
			tail.bytes += length
			tail.events = append(tail.events, e)
			c.written++
			c.writeStamp = e.Time
			return
		}
		// rb_reset_tail: padding is counted in entries_bytes when a
		// padding event fits.
		if rest := bufPageSize - tail.commit; rest >= rbEvntMinSize {
			tail.bytes += rest
		}
	}
	if len(c.pages) == c.nrPages {
		c.overrun += uint64(len(c.pages[0].events))
		c.pages = c.pages[1:]
	}
	c.pages = append(c.pages, &bufPage{ts: e.Time, events: []*Event{e}, commit: length, bytes: length})
	c.written++
	c.writeStamp = e.Time
}

func (c *cpuBuffer) tail() *bufPage {
	if len(c.pages) == 0 {
		return nil
	}
	return c.pages[len(c.pages)-1]
}

// entries is ring_buffer_entries_cpu: events in the buffer.
func (c *cpuBuffer) entries() uint64 {
	n := 0
	for _, p := range c.pages {
		n += len(p.events)
	}
	return uint64(n)
}

// bytes is ring_buffer_bytes_cpu: the bytes of the pages that hold data.
func (c *cpuBuffer) bytes() uint64 {
	n := 0
	for _, p := range c.pages {
		n += p.bytes
	}
	return uint64(n)
}

// oldest is the oldest event, nil when empty.
func (c *cpuBuffer) oldest() *Event {
	for _, p := range c.pages {
		if len(p.events) > 0 {
			return p.events[0]
		}
	}
	return nil
}

// consume removes the oldest event (a trace_pipe read). A page emptied by
// reads is recycled, as the reader page swap does.
func (c *cpuBuffer) consume() *Event {
	for len(c.pages) > 0 {
		p := c.pages[0]
		if len(p.events) == 0 {
			if len(c.pages) == 1 {
				return nil
			}
			c.pages = c.pages[1:]
			continue
		}
		e := p.events[0]
		p.events = p.events[1:]
		c.read++
		return e
	}
	return nil
}

// all returns the events of every CPU merged by time stamp, as the trace
// iterator reads them (trace_find_next_entry: the smallest time stamp
// first; on a tie the lowest CPU).
func (rb *ringBuffer) all() []*Event {
	idx := make([][]*Event, len(rb.cpus))
	total := 0
	for i, c := range rb.cpus {
		for _, p := range c.pages {
			idx[i] = append(idx[i], p.events...)
		}
		total += len(idx[i])
	}
	out := make([]*Event, 0, total)
	pos := make([]int, len(rb.cpus))
	for len(out) < total {
		best := -1
		for i := range idx {
			if pos[i] < len(idx[i]) && (best < 0 || idx[i][pos[i]].Time < idx[best][pos[best]].Time) {
				best = i
			}
		}
		out = append(out, idx[best][pos[best]])
		pos[best]++
	}
	return out
}

// BufferStats are one CPU's ring buffer counters (per_cpu/cpuN/stats).
type BufferStats struct {
	Entries uint64 // events in the buffer
	Overrun uint64 // events lost because the buffer wrapped
	Written uint64 // events written since the last reset
	Read    uint64 // events consumed through trace_pipe
	Bytes   uint64 // bytes of the buffer pages that hold events
	// OldestTS is the time stamp of the oldest event in the buffer (0
	// when empty).
	OldestTS uint64
	// TooBig counts events larger than a buffer page, which the kernel
	// refuses without counting them anywhere.
	TooBig uint64
}

// Stats returns the buffer counters of cpu.
func (t *Tracefs) Stats(cpu int) BufferStats {
	c := t.buf.cpus[cpu]
	s := BufferStats{Entries: c.entries(), Overrun: c.overrun, Written: c.written, Read: c.read,
		Bytes: c.bytes(), TooBig: c.tooBig}
	if e := c.oldest(); e != nil {
		s.OldestTS = e.Time
	}
	return s
}
