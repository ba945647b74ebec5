package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kpemu/kpemu/internal/diagram"
	"github.com/kpemu/kpemu/kprobe"
)

// diagramReport names one SVG file written by run --show diagram.
type diagramReport struct {
	File  string `json:"file"`
	Title string `json:"title"`
}

// writeDiagrams draws each probe hit of the phase stream as an SVG
// sequence diagram (package internal/diagram), dir/hit1-SYM.svg onwards
// (the names kpemu demo uses).
func writeHitDiagrams(dir string, events []kprobe.PhaseEvent, v kprobe.Version) ([]diagramReport, error) {
	hits := diagram.Hits(events)
	if len(hits) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []diagramReport
	for i, hit := range hits {
		d, err := diagram.Build(hit, &diagram.Options{Version: &v})
		if err != nil {
			return out, fmt.Errorf("diagram of hit %d: %w", i+1, err)
		}
		var buf bytes.Buffer
		if err := d.WriteSVG(&buf); err != nil {
			return out, fmt.Errorf("diagram of hit %d: %w", i+1, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("hit%d-%s.svg", i+1, hitFunction(hit[0].Sym)))
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			return out, err
		}
		out = append(out, diagramReport{File: file, Title: d.Title})
	}
	return out, nil
}

// hitFunction is the function a hit's first event is in, as a file name
// part: "chain_b" of "chain_b+0x0/0x30".
func hitFunction(sym string) string {
	name, _, _ := strings.Cut(sym, "+")
	name, _, _ = strings.Cut(name, " ")
	b := []byte(name)
	for i, c := range b {
		if !(c == '_' || c == '.' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "hit"
	}
	return string(b)
}
