package diagram

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kpemu/kpemu/kprobe"
)

// Layout, in pixels. Text is the generic monospace family at 12px, whose
// advance is about 0.6em: 7.2px a character.
const (
	margin     = 16
	fontSize   = 12
	lineH      = 14
	headTop    = 44
	headH      = 38
	minGap     = 120 // minimum distance between two lifelines
	minRowH    = 34
	detailGap  = 24 // between the last lifeline's half and the detail text
	titleSize  = 15
	arrowHeadW = 8
	// frameLabelH is the height of a frame's label tab.
	frameLabelH = 16
)

// Colours of the step kinds.
var kindColor = [...]string{
	Exception: "#c0392b",
	Call:      "#1f5fa8",
	Return:    "#555555",
	Eret:      "#2e7d32",
	Note:      "#7a5c00",
	Divider:   "#777777",
}

func textW(s string) int { return (utf8.RuneCountInString(s)*72 + 9) / 10 }

// WriteSVG draws hit (one element of Hits) as an SVG sequence diagram.
func WriteSVG(w io.Writer, hit []kprobe.PhaseEvent, opts *Options) error {
	d, err := Build(hit, opts)
	if err != nil {
		return err
	}
	return d.WriteSVG(w)
}

// WriteSVG draws the diagram.
func (d *Diagram) WriteSVG(w io.Writer) error {
	l := d.layout()
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="monospace" font-size="%d">`+"\n",
		l.width, l.height, l.width, l.height, fontSize)
	p("<title>%s</title>\n", esc(d.Title))
	p(`<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", l.width, l.height)
	p(`<text x="%d" y="26" font-size="%d" font-weight="bold" fill="#111111">%s</text>`+"\n", margin, titleSize, esc(d.Title))

	// Row bands, so that an arrow and its detail read as one line.
	for i := range d.Steps {
		if i%2 == 1 {
			p(`<rect x="%d" y="%d" width="%d" height="%d" fill="#f3f5f8"/>`+"\n", margin/2, l.rowY[i], l.width-margin, l.rowH[i])
		}
	}
	// Lifelines and their heads.
	for i, h := range d.Heads {
		x := l.x[h.Life]
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9aa3ad" stroke-dasharray="4 4"/>`+"\n", x, headTop+headH, x, l.bottom)
		bw2 := l.headW[i]
		p(`<rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#e8eef7" stroke="#4a6a94"/>`+"\n", x-bw2/2, headTop, bw2, headH)
		p(`<text x="%d" y="%d" text-anchor="middle" font-weight="bold" fill="#1b2a3a">%s</text>`+"\n", x, headTop+15, esc(h.Name))
		p(`<text x="%d" y="%d" text-anchor="middle" font-size="11" fill="#44556a">%s</text>`+"\n", x, headTop+30, esc(h.Sub))
	}
	// Frames of reentered hits.
	for _, f := range d.Frames {
		y0, y1 := l.rowY[f.First]-frameLabelH, l.rowY[f.Last]+l.rowH[f.Last]-2
		x0, x1 := l.gridL-6, l.gridR+6
		p(`<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#d35400" stroke-width="1.5" stroke-dasharray="6 3"/>`+"\n", x0, y0, x1-x0, y1-y0)
		lw := textW(f.Label) + 10
		p(`<rect x="%d" y="%d" width="%d" height="%d" fill="#d35400"/>`+"\n", x0, y0, lw, frameLabelH)
		p(`<text x="%d" y="%d" font-size="11" fill="#ffffff">%s</text>`+"\n", x0+5, y0+12, esc(f.Label))
	}
	// Steps.
	for i, s := range d.Steps {
		y := l.rowY[i]
		color := kindColor[s.Kind]
		switch s.Kind {
		case Note:
			x := l.x[s.From]
			nw := textW(s.Label) + 14
			p(`<rect x="%d" y="%d" width="%d" height="22" rx="3" fill="#fff6d5" stroke="#b8962e"/>`+"\n", x-nw/2, y+6, nw)
			p(`<text x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n", x, y+21, color, esc(s.Label))
		case Divider:
			p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-dasharray="2 3"/>`+"\n", l.gridL, y+17, l.gridR, y+17, color)
			tw := textW(s.Label) + 12
			cx := (l.gridL + l.gridR) / 2
			p(`<rect x="%d" y="%d" width="%d" height="18" fill="#ffffff" stroke="%s"/>`+"\n", cx-tw/2, y+8, tw, color)
			p(`<text x="%d" y="%d" text-anchor="middle" font-style="italic" fill="#333333">%s</text>`+"\n", cx, y+21, esc(s.Label))
		default:
			x1, x2 := l.x[s.From], l.x[s.To]
			ay := y + 24
			dash := ""
			if s.Kind == Return || s.Kind == Eret {
				dash = ` stroke-dasharray="6 4"`
			}
			dir := 1
			if x2 < x1 {
				dir = -1
			}
			tip := x2 - dir*2
			p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1.6"%s/>`+"\n", x1, ay, tip-dir*arrowHeadW, ay, color, dash)
			p(`<polygon points="%d,%d %d,%d %d,%d" fill="%s"/>`+"\n", tip, ay, tip-dir*arrowHeadW, ay-4, tip-dir*arrowHeadW, ay+4, color)
			p(`<text x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`+"\n", (x1+x2)/2, ay-6, color, esc(s.Label))
		}
		for k, line := range s.Detail {
			p(`<text x="%d" y="%d" fill="#222222">%s</text>`+"\n", l.detailX, y+15+k*lineH, esc(line))
		}
	}
	p("</svg>\n")
	return bw.Flush()
}

type layout struct {
	x             [numLifelines]int
	headW         []int
	rowY, rowH    []int
	gridL, gridR  int
	detailX       int
	width, height int
	bottom        int
}

func (d *Diagram) layout() *layout {
	l := &layout{}
	// Each lifeline is as wide as its head and its notes.
	half := map[Lifeline]int{}
	for _, h := range d.Heads {
		half[h.Life] = (max(textW(h.Name), textW(h.Sub)) + 16) / 2
	}
	for _, s := range d.Steps {
		if s.Kind == Note {
			half[s.From] = max(half[s.From], (textW(s.Label)+14)/2)
		}
	}
	l.headW = make([]int, len(d.Heads))
	pos := map[Lifeline]int{}
	x := margin + 4
	for i, h := range d.Heads {
		if i == 0 {
			x += half[h.Life]
		} else {
			prev := d.Heads[i-1].Life
			x += max(minGap, half[prev]+half[h.Life]+14)
		}
		l.x[h.Life] = x
		pos[h.Life] = i
		l.headW[i] = 2 * half[h.Life]
	}
	// Stretch the gaps an arrow's label needs.
	for _, s := range d.Steps {
		if s.Kind == Note || s.Kind == Divider {
			continue
		}
		a, b := pos[s.From], pos[s.To]
		if a > b {
			a, b = b, a
		}
		need := textW(s.Label) + 24
		if have := l.x[d.Heads[b].Life] - l.x[d.Heads[a].Life]; have < need {
			for _, h := range d.Heads[b:] {
				l.x[h.Life] += need - have
			}
		}
	}
	first, last := d.Heads[0], d.Heads[len(d.Heads)-1]
	l.gridL = l.x[first.Life] - half[first.Life]
	l.gridR = l.x[last.Life] + half[last.Life]
	l.detailX = l.gridR + detailGap
	detailW := textW(d.Title) - (l.detailX - margin)
	y := headTop + headH + 12
	starts := map[int]int{}
	for _, f := range d.Frames {
		starts[f.First]++
	}
	for i, s := range d.Steps {
		y += starts[i] * (frameLabelH + 2) // room for the frame's label
		h := max(minRowH, len(s.Detail)*lineH+12)
		l.rowY = append(l.rowY, y)
		l.rowH = append(l.rowH, h)
		y += h
		for _, line := range s.Detail {
			detailW = max(detailW, textW(line))
		}
	}
	l.bottom = y + 8
	l.height = y + margin
	l.width = l.detailX + detailW + margin
	return l
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
