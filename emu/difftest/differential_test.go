//go:build unicorn

package difftest

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stats are the counts of one differential run.
type stats struct {
	programs map[arm64.Class]int
	insns    map[arm64.Class]int // instructions of programs generated for the class
	byClass  map[string]int      // instructions by the class of the word executed
	ops      map[arm64.Op]int
	kinds    map[Kind]int // how programs ended
	tol      map[string]int
}

func newStats() *stats {
	return &stats{programs: map[arm64.Class]int{}, insns: map[arm64.Class]int{},
		byClass: map[string]int{}, ops: map[arm64.Op]int{}, kinds: map[Kind]int{}, tol: map[string]int{}}
}

func (s *stats) add(o *stats) {
	for k, v := range o.programs {
		s.programs[k] += v
	}
	for k, v := range o.insns {
		s.insns[k] += v
	}
	for k, v := range o.byClass {
		s.byClass[k] += v
	}
	for k, v := range o.ops {
		s.ops[k] += v
	}
	for k, v := range o.kinds {
		s.kinds[k] += v
	}
	for k, v := range o.tol {
		s.tol[k] += v
	}
}

// record counts a finished program run from the runner's trace.
func (s *stats) record(p *Program, r *Runner, steps int, end Kind) {
	s.programs[p.Class]++
	s.insns[p.Class] += steps
	s.kinds[end]++
	for _, pc := range r.Trace {
		w, ok := p.WordAt(pc)
		if !ok {
			s.byClass["outside the program"]++
			continue
		}
		in, err := arm64.Decode(w)
		if err != nil {
			s.byClass["undecodable"]++
			continue
		}
		s.byClass[in.Op.Class().String()]++
		s.ops[in.Op]++
	}
}

// worker owns one runner and generator per model.
type worker struct {
	runners [numModels]*Runner
	gens    [numModels]*Generator
	st      *stats
}

func newWorker(t testing.TB) *worker {
	w := &worker{st: newStats()}
	for m := Model(0); m < numModels; m++ {
		w.runners[m] = newPair(t, m)
		w.gens[m] = NewGenerator(m, 0)
		w.gens[m].Skip = skipKnown
	}
	return w
}

// programSeed derives program i's seed from the run's seed, so that any
// program can be regenerated alone.
func programSeed(seed uint64, i int) uint64 { return seed*0x100000001b3 + uint64(i) }

// TestDifferential runs random programs of every class on the interpreter
// and on Unicorn in lock step, -difftest.n instructions in all, and
// requires them to agree after every instruction. Mismatches are shrunk
// and printed as reproductions.
func TestDifferential(t *testing.T) {
	budget := int64(instructionBudget())
	seed := *flagSeed
	workers := runtime.GOMAXPROCS(0)
	var (
		next, done atomic.Int64
		mu         sync.Mutex
		reports    = map[string]int{} // by the op that mismatched
		failures   atomic.Int64
		total      = newStats()
		wg         sync.WaitGroup
	)
	const maxReports = 20
	ws := make([]*worker, workers)
	for i := range ws {
		ws[i] = newWorker(t)
	}
	start := time.Now()
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done.Load() < budget && failures.Load() < maxReports {
				i := int(next.Add(1) - 1)
				c := Classes[i%len(Classes)]
				m := ClassModel[c]
				g, r := w.gens[m], w.runners[m]
				g.Seed(programSeed(seed, i))
				p := g.Program(c)
				if len(p.Words) == 0 {
					continue
				}
				steps, mm, err := r.Run(p)
				if err != nil {
					t.Errorf("program %d (seed %d): %v", i, seed, err)
					failures.Add(1)
					return
				}
				done.Add(int64(steps))
				w.st.record(p, r, steps, r.Last.Kind)
				if mm == nil {
					continue
				}
				key := mismatchKey(mm)
				mu.Lock()
				reports[key]++
				first := reports[key] == 1
				mu.Unlock()
				if first { // shrink and print one reproduction per kind
					failures.Add(1)
					_, smm := r.Shrink(p, mm)
					t.Errorf("program %d (-difftest.seed=%d), %s:\n%v", i, seed, key, smm)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, w := range ws {
		total.add(w.st)
		for m := range w.runners {
			for k, v := range w.runners[m].Tolerated {
				total.tol[k] += v
			}
		}
	}
	logStats(t, total, elapsed, done.Load())
	logKnown(t)
	if len(reports) > 0 {
		var keys []string
		for k, n := range reports {
			keys = append(keys, fmt.Sprintf("%s (%d programs)", k, n))
		}
		sort.Strings(keys)
		t.Errorf("%d kinds of mismatch:\n  %s", len(reports), strings.Join(keys, "\n  "))
	}
	assert.GreaterOrEqual(t, done.Load(), budget, "instructions executed")
}

// mismatchKey groups mismatches by the op (or place) where they happen.
func mismatchKey(m *Mismatch) string {
	w, ok := m.Word()
	if !ok {
		return fmt.Sprintf("%v at pc %#x outside the program", m.ExcA.Kind, m.PC)
	}
	in, err := arm64.Decode(w)
	if err != nil {
		return fmt.Sprintf("undecodable %08x", w)
	}
	return fmt.Sprintf("%v on %v", in.Op, m.Program.Model)
}

func logStats(t *testing.T, s *stats, elapsed time.Duration, n int64) {
	t.Logf("%d instructions in %v (%.0f/s) on %d workers", n, elapsed.Round(time.Millisecond),
		float64(n)/elapsed.Seconds(), runtime.GOMAXPROCS(0))
	t.Logf("%-48s %-5s %9s %12s %9s %9s", "class (programs generated for it)", "model", "programs", "instructions", "ops seen", "ops")
	for _, c := range Classes {
		seen := 0
		for op := range s.ops {
			if op.Class() == c {
				seen++
			}
		}
		t.Logf("%-48v %-5v %9d %12d %9d %9d", c, ClassModel[c], s.programs[c], s.insns[c], seen, countOps(c))
	}
	var cls []string
	for k, v := range s.byClass {
		cls = append(cls, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(cls)
	t.Logf("instructions by the class of the word executed: %s", strings.Join(cls, ", "))
	var kinds []string
	for k, v := range s.kinds {
		kinds = append(kinds, fmt.Sprintf("%v %d", k, v))
	}
	sort.Strings(kinds)
	t.Logf("programs ended by: %s (none: MaxSteps)", strings.Join(kinds, ", "))
	t.Logf("tolerated divergences: %v", s.tol)
	if *flagVerbose {
		var ops []string
		for op, n := range s.ops {
			ops = append(ops, fmt.Sprintf("%v %d", op, n))
		}
		sort.Strings(ops)
		t.Logf("per op: %s", strings.Join(ops, ", "))
	}
}

// countOps is the number of distinct ops the interpreter executes in class
// c on the class's model.
func countOps(c arm64.Class) int {
	ops := map[arm64.Op]bool{}
	for _, r := range NewGenerator(ClassModel[c], 0).Rows(c) {
		ops[r.Op] = true
	}
	return len(ops)
}

// FuzzDifferential: the fuzzer's bytes are a program (4 bytes a word, the
// words the tester cannot compare dropped) and a seed for the state; the
// first byte picks the model.
func FuzzDifferential(f *testing.F) {
	for _, sn := range snippets {
		b := []byte{byte(sn.model), 1, 2, 3, 4, 5, 6, 7, 8}
		f.Add(append(b, le32(sn.words...)...))
	}
	f.Add(append([]byte{0, 9, 9, 9, 9, 9, 9, 9, 9}, le32(0xf9400020, 0x8b010000, 0xd4200000)...))
	var (
		mu      sync.Mutex
		runners [numModels]*Runner
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 13 {
			return
		}
		m := Model(data[0] % byte(numModels))
		var seed uint64
		for _, b := range data[1:9] {
			seed = seed<<8 | uint64(b)
		}
		p := &Program{Model: m, Class: arm64.ClassInvalid}
		for b := data[9:]; len(b) >= 4 && len(p.Words) < MaxProgram; b = b[4:] {
			w := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
			if _, ok := Eligible(w, m); ok {
				if _, skip := skipKnown(w, m); !skip {
					p.Words = append(p.Words, w)
				}
			}
		}
		if len(p.Words) == 0 {
			return
		}
		g := NewGenerator(m, seed)
		p.Init = RandomState(g.Rand())
		p.Mem = RandomMemory(g.Rand())
		mu.Lock()
		defer mu.Unlock()
		if runners[m] == nil {
			a, err := NewInterp(m.Features())
			require.NoError(t, err)
			u, err := NewUnicorn(m)
			require.NoError(t, err)
			runners[m] = NewRunner(a, u)
		}
		r := runners[m]
		_, mm, err := r.Run(p)
		require.NoError(t, err)
		if mm != nil {
			_, smm := r.Shrink(p, mm)
			t.Fatalf("%v", smm)
		}
	})
}
