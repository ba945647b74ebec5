package kernellib

import (
	"encoding/binary"
	"math/bits"
)

// The Go references of the library's functions: what each computes, with
// the C types of its arguments and result (a u32 or int result is in W0,
// the upper half of X0 zero).

func ChainC(x uint64) uint64 { return 3*x - 7 }
func ChainB(x uint64) uint64 { return ChainC(x^0xff) + x }
func ChainA(x uint64) uint64 { return 2 * ChainB(x+1) }

func Fib(n uint64) uint64 {
	a, b := uint64(0), uint64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

func Ackermann(m, n uint64) uint64 {
	if m == 0 {
		return n + 1
	}
	if n == 0 {
		return Ackermann(m-1, 1)
	}
	return Ackermann(m-1, Ackermann(m, n-1))
}

// Primes is the table prime_at reads.
var Primes = [16]uint64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53}

func PrimeAt(i uint64) uint64 { return Primes[i&15] }

// JiffiesAdd adds d to *jiffies and returns the new value.
func JiffiesAdd(jiffies *uint64, d uint64) uint64 {
	*jiffies += d
	return *jiffies
}

// AtomicAddReturn adds v to *p and returns the new value.
func AtomicAddReturn(p *uint64, v uint64) uint64 {
	*p += v
	return *p
}

// AtomicFetchAdd adds v to *p and returns the old value.
func AtomicFetchAdd(p *uint64, v uint64) uint64 {
	o := *p
	*p += v
	return o
}

// Cmpxchg64 stores new in *p if *p is old and returns the previous *p.
func Cmpxchg64(p *uint64, old, new uint64) uint64 {
	o := *p
	if o == old {
		*p = new
	}
	return o
}

// Cmpxchg32 is Cmpxchg64 on a u32.
func Cmpxchg32(p *uint32, old, new uint32) uint32 {
	o := *p
	if o == old {
		*p = new
	}
	return o
}

func SyscallClass(nr uint32) uint64 {
	switch nr {
	case 0:
		return 100
	case 1:
		return 2
	case 2, 3:
		return 7
	case 4:
		return ^uint64(0)
	case 5:
		return 55
	case 6:
		return 42
	case 7:
		return uint64(nr) + 1000
	}
	return 0
}

func ErrnoClass(e uint32) uint64 {
	switch e {
	case 0:
		return 0
	case 1, 13:
		return 1
	case 2:
		return 2
	case 12:
		return 3
	case 14:
		return uint64(e) << 8
	}
	return 9
}

// Strlen is the length of the NUL-terminated string at the start of s.
func Strlen(s []byte) uint64 {
	for i, c := range s {
		if c == 0 {
			return uint64(i)
		}
	}
	return uint64(len(s))
}

// Strcmp compares NUL-terminated strings as lib/string.c does: the
// difference of the first unequal bytes, as unsigned chars.
func Strcmp(a, b []byte) int32 {
	for i := 0; ; i++ {
		var ca, cb byte
		if i < len(a) {
			ca = a[i]
		}
		if i < len(b) {
			cb = b[i]
		}
		if ca != cb || ca == 0 {
			return int32(ca) - int32(cb)
		}
	}
}

func Clamp(v, lo, hi int64) int64 {
	if v < lo {
		v = lo
	}
	if v > hi {
		v = hi
	}
	return v
}

func MaxU64(a, b uint64) uint64 { return max(a, b) }

func Sign(v int64) int32 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func AbsDiff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

func Popcount64(x uint64) uint32 { return uint32(bits.OnesCount64(x)) }
func Bitrev32(x uint32) uint32   { return bits.Reverse32(x) }
func PtePfn(pte uint64) uint64   { return pte >> 12 & (1<<36 - 1) }

func PteMkpfn(pte, pfn uint64) uint64 {
	const mask = (1<<36 - 1) << 12
	return pte&^mask | pfn<<12&mask
}

// GoldenRatio64 is include/linux/hash.h's GOLDEN_RATIO_64.
const GoldenRatio64 = 0x61c8864680b583eb

// Hash64 is hash_64 for bits 1..64 (a shift count is taken modulo 64, as
// LSRV does, so bits 0 gives the whole product).
func Hash64(val uint64, nbits uint32) uint64 { return val * GoldenRatio64 >> ((64 - nbits) & 63) }

// Task is struct task of struct.s and kfuncs.c.
type Task struct {
	PID    uint32
	Flags  uint32
	Utime  uint64
	Prio   uint16
	State  uint8
	Nice   int32
	Parent uint64 // the guest address of the parent, 0 for none
}

// TaskSize is sizeof(struct task).
const TaskSize = 32

// PFKthread is PF_KTHREAD.
const PFKthread = 0x00200000

// Bytes lays the task out as the guest's struct task.
func (t *Task) Bytes() []byte {
	b := make([]byte, TaskSize)
	binary.LittleEndian.PutUint32(b[0:], t.PID)
	binary.LittleEndian.PutUint32(b[4:], t.Flags)
	binary.LittleEndian.PutUint64(b[8:], t.Utime)
	binary.LittleEndian.PutUint16(b[16:], t.Prio)
	b[18] = t.State
	binary.LittleEndian.PutUint32(b[20:], uint32(t.Nice))
	binary.LittleEndian.PutUint64(b[24:], t.Parent)
	return b
}

func TaskScore(t *Task) uint64 {
	s := t.Utime + 4*uint64(t.Prio) + uint64(int64(t.Nice)) + uint64(t.State)
	if t.Flags&PFKthread != 0 {
		s += 1000
	}
	return s
}
