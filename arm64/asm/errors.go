package asm

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a place in a source file: a line and a column, both counted from
// 1. Columns count bytes, as GNU as and most editors' "column" jump do for
// ASCII sources.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is one assembly error: where, and what was expected or what is
// wrong there.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every error of one source file, in source order. The
// assembler does not stop at the first error: a run reports all of them,
// as GNU as does.
type ErrorList []*Error

// maxErrors bounds what one run collects, so that a binary file fed to the
// assembler by mistake does not produce a million lines.
const maxErrors = 200

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d errors:", len(l))
	for _, e := range l {
		b.WriteString("\n")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives errors.As and errors.Is access to each *Error.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// errorSet collects errors, drops exact duplicates (a statement parsed
// once but checked in both passes reports its error once) and sorts them
// by position.
type errorSet struct {
	list ErrorList
	seen map[string]bool
	more bool // errors beyond maxErrors were dropped
}

func (s *errorSet) add(e *Error) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	key := e.Error()
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	if len(s.list) >= maxErrors {
		s.more = true
		return
	}
	s.list = append(s.list, e)
}

func (s *errorSet) errorf(pos Pos, format string, args ...any) {
	s.add(&Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// err returns the collected errors as an ErrorList, or nil.
func (s *errorSet) err() error {
	if len(s.list) == 0 {
		return nil
	}
	l := append(ErrorList(nil), s.list...)
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	if s.more {
		last := l[len(l)-1].Pos
		l = append(l, &Error{Pos: last, Msg: fmt.Sprintf("too many errors (more than %d), the rest are not shown", maxErrors)})
	}
	return l
}

// errorAt makes a positioned error. Handlers return these; the framework
// adds them to the run's list.
func errorAt(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
