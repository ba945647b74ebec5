package difftest

// Shrink minimizes a program that mismatches: it drops instructions, then
// simplifies the initial state (registers to zero, memory to zero), keeping
// each change while the engines still disagree on the same instruction
// word. It returns the smallest program found and its mismatch.
func (r *Runner) Shrink(p *Program, mm *Mismatch) (*Program, *Mismatch) {
	word, inProgram := mm.Word()
	still := func(q *Program) *Mismatch {
		_, m, err := r.Run(q)
		if err != nil || m == nil {
			return nil
		}
		if w, ok := m.Word(); inProgram && (!ok || w != word) {
			return nil
		}
		return m
	}
	try := func(q *Program) bool {
		if m := still(q); m != nil {
			p, mm = q, m
			return true
		}
		return false
	}

	// Instructions: drop each one, from the end (later instructions
	// rarely matter), and repeat while something goes.
	for changed := true; changed; {
		changed = false
		for i := len(p.Words) - 1; i >= 0 && len(p.Words) > 1; i-- {
			q := p.Clone()
			q.Words = append(q.Words[:i], q.Words[i+1:]...)
			if try(q) {
				changed = true
			}
		}
	}

	// State: each field to zero, or to a plainer value.
	fields := []func(s *State) bool{
		func(s *State) bool { return set(&s.NZCV, 0) },
		func(s *State) bool { return set(&s.FPCR, 0) },
		func(s *State) bool { return set(&s.FPSR, 0) },
		func(s *State) bool { return set(&s.TPIDR, 0) },
		func(s *State) bool { return set(&s.TPIDRRO, 0) },
		func(s *State) bool { return set(&s.TPIDR1, 0) },
		func(s *State) bool { return set(&s.SP, DataBase+DataSize/2) },
	}
	for i := range p.Init.X {
		fields = append(fields, func(s *State) bool { return set(&s.X[i], 0) })
	}
	for i := range p.Init.V {
		fields = append(fields, func(s *State) bool {
			if s.V[i] == [2]uint64{} {
				return false
			}
			s.V[i] = [2]uint64{}
			return true
		})
	}
	for _, f := range fields {
		q := p.Clone()
		if f(&q.Init) {
			try(q)
		}
	}
	// Memory: all of it, else chunk by chunk.
	q := p.Clone()
	clear(q.Mem)
	if !try(q) {
		for off := 0; off < len(p.Mem); off += 512 {
			q := p.Clone()
			chunk := q.Mem[off : off+512]
			if allZero(chunk) {
				continue
			}
			clear(chunk)
			try(q)
		}
	}
	return p, mm
}

func set(p *uint64, v uint64) bool {
	if *p == v {
		return false
	}
	*p = v
	return true
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
