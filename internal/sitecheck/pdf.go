package sitecheck

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// ReadPDF reads what each printed page holds from a PDF that chromium
// (Skia) wrote, enough to tell how much of each page is used and what its
// footer says: the objects, the page tree, each page's content stream
// interpreted for where it draws (text, paths, images), and the fonts'
// ToUnicode maps to read the text. It is no general PDF reader.

// Page is what one printed page holds.
type Page struct {
	Width, Height float64
	// Marks are the vertical extents of everything drawn, in points from
	// the bottom of the page.
	Marks []Mark
	// Text is the text drawn on the page, in drawing order, with where.
	Text []Text
}

type Mark struct{ Lo, Hi float64 }

type Text struct {
	X, Y float64
	S    string
}

// footer is the text drawn below y (the bottom margin), joined.
func (p Page) Footer(below float64) string {
	var parts []string
	for _, t := range p.Text {
		if t.Y < below {
			parts = append(parts, t.S)
		}
	}
	return strings.Join(parts, "")
}

// used is the share of the page's text area (between the margins) that
// its content takes, from the top of the text area down to the lowest mark
// above the bottom margin.
func (p Page) Used(top, bottom float64) float64 {
	lowest := p.Height - top
	for _, m := range p.Marks {
		if m.Hi > bottom && m.Lo < lowest {
			lowest = max(m.Lo, bottom)
		}
	}
	return (p.Height - top - lowest) / (p.Height - top - bottom)
}

type pdfDoc struct {
	data []byte
	objs map[int][]byte // object number -> its body (dictionary and stream)
	cmap map[string]*toUnicode
}

var objRE = regexp.MustCompile(`(?s)(\d+) 0 obj\s*(.*?)\bendobj`)

// ReadPDF reads the pages of a PDF.
func ReadPDF(b []byte) ([]Page, error) {
	d := &pdfDoc{data: b, objs: map[int][]byte{}, cmap: map[string]*toUnicode{}}
	for _, m := range objRE.FindAllSubmatchIndex(b, -1) {
		n, _ := strconv.Atoi(string(b[m[2]:m[3]]))
		d.objs[n] = b[m[4]:m[5]]
	}
	root := regexp.MustCompile(`/Root (\d+) 0 R`).FindSubmatch(b)
	if root == nil {
		return nil, fmt.Errorf("no /Root")
	}
	cat := d.obj(atoi(root[1]))
	pages := regexp.MustCompile(`/Pages (\d+) 0 R`).FindSubmatch(cat)
	if pages == nil {
		return nil, fmt.Errorf("no /Pages")
	}
	var out []Page
	var walk func(n int) error
	walk = func(n int) error {
		body := d.obj(n)
		if regexp.MustCompile(`/Type\s*/Pages\b`).Match(body) {
			kids := regexp.MustCompile(`(?s)/Kids\s*\[(.*?)\]`).FindSubmatch(body)
			if kids == nil {
				return fmt.Errorf("object %d: pages without kids", n)
			}
			for _, k := range regexp.MustCompile(`(\d+) 0 R`).FindAllSubmatch(kids[1], -1) {
				if err := walk(atoi(k[1])); err != nil {
					return err
				}
			}
			return nil
		}
		p, err := d.page(body)
		if err != nil {
			return fmt.Errorf("page %d: %w", len(out)+1, err)
		}
		out = append(out, p)
		return nil
	}
	return out, walk(atoi(pages[1]))
}

func atoi(b []byte) int { n, _ := strconv.Atoi(string(b)); return n }

func (d *pdfDoc) obj(n int) []byte { return d.objs[n] }

// dictOf returns the dictionary named key in body, following a reference.
func (d *pdfDoc) dictOf(body []byte, key string) []byte {
	i := bytes.Index(body, []byte("/"+key))
	if i < 0 {
		return nil
	}
	rest := bytes.TrimLeft(body[i+len(key)+1:], " \r\n")
	if m := regexp.MustCompile(`^(\d+) 0 R`).FindSubmatch(rest); m != nil {
		return d.obj(atoi(m[1]))
	}
	if !bytes.HasPrefix(rest, []byte("<<")) {
		return nil
	}
	depth := 0
	for j := 0; j+1 < len(rest); j++ {
		switch {
		case rest[j] == '<' && rest[j+1] == '<':
			depth++
			j++
		case rest[j] == '>' && rest[j+1] == '>':
			depth--
			j++
			if depth == 0 {
				return rest[:j+1]
			}
		}
	}
	return nil
}

// refs maps the names of a resource dictionary to object numbers.
func refs(dict []byte) map[string]int {
	out := map[string]int{}
	for _, m := range regexp.MustCompile(`/([A-Za-z0-9_.]+)\s+(\d+) 0 R`).FindAllSubmatch(dict, -1) {
		out[string(m[1])] = atoi(m[2])
	}
	return out
}

// stream returns the decoded stream of an object body.
func stream(body []byte) ([]byte, error) {
	i := bytes.Index(body, []byte("stream"))
	if i < 0 {
		return nil, fmt.Errorf("no stream")
	}
	head, data := body[:i], body[i+len("stream"):]
	data = bytes.TrimPrefix(bytes.TrimPrefix(data, []byte("\r")), []byte("\n"))
	if l := regexp.MustCompile(`/Length (\d+)\b`).FindSubmatch(head); l != nil && atoi(l[1]) <= len(data) {
		data = data[:atoi(l[1])]
	}
	if bytes.Contains(head, []byte("/FlateDecode")) {
		r, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	}
	return data, nil
}

func (d *pdfDoc) page(body []byte) (Page, error) {
	var p Page
	mb := regexp.MustCompile(`/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]`).FindSubmatch(body)
	if mb == nil {
		return p, fmt.Errorf("no /MediaBox")
	}
	p.Width, _ = strconv.ParseFloat(string(mb[3]), 64)
	p.Height, _ = strconv.ParseFloat(string(mb[4]), 64)
	res := d.dictOf(body, "Resources")
	var content []byte
	if m := regexp.MustCompile(`/Contents\s*(\d+) 0 R`).FindSubmatch(body); m != nil {
		s, err := stream(d.obj(atoi(m[1])))
		if err != nil {
			return p, err
		}
		content = s
	} else if m := regexp.MustCompile(`(?s)/Contents\s*\[(.*?)\]`).FindSubmatch(body); m != nil {
		for _, r := range regexp.MustCompile(`(\d+) 0 R`).FindAllSubmatch(m[1], -1) {
			s, err := stream(d.obj(atoi(r[1])))
			if err != nil {
				return p, err
			}
			content = append(append(content, s...), '\n')
		}
	}
	return p, d.run(&p, content, res, identity, 0)
}

// matrix is a PDF transformation [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul is m × n (m applied first).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// run interprets a content stream for where it draws.
func (d *pdfDoc) run(p *Page, content, res []byte, ctm matrix, depth int) error {
	if depth > 8 {
		return fmt.Errorf("forms nested too deep")
	}
	fonts := refs(d.dictOf(res, "Font"))
	xobjs := refs(d.dictOf(res, "XObject"))
	var stack []matrix
	var tm, tlm matrix
	var font string
	var size float64
	var ops []string
	var path []float64 // y of the points of the current path, in device space
	num := func(i int) float64 {
		if i < 0 || i >= len(ops) {
			return 0
		}
		v, _ := strconv.ParseFloat(ops[i], 64)
		return v
	}
	last := func(k int) []float64 {
		out := make([]float64, k)
		for i := range k {
			out[i] = num(len(ops) - k + i)
		}
		return out
	}
	point := func(x, y float64) { _, yy := ctm.apply(x, y); path = append(path, yy) }
	// A white fill or stroke (the page's background) draws nothing one
	// can see.
	whiteFill, whiteStroke := false, false
	white := func(k int) bool {
		for _, v := range last(k) {
			if v < 0.99 {
				return false
			}
		}
		return true
	}
	mark := func(ys []float64) {
		if len(ys) == 0 {
			return
		}
		lo, hi := ys[0], ys[0]
		for _, y := range ys {
			lo, hi = min(lo, y), max(hi, y)
		}
		p.Marks = append(p.Marks, Mark{lo, hi})
	}
	show := func(s string) {
		m := tm.mul(ctm)
		x, y := m.apply(0, 0)
		_, top := m.apply(0, size)
		p.Text = append(p.Text, Text{X: x, Y: y, S: d.decode(fonts[font], s)})
		mark([]float64{y, top})
	}
	for _, tok := range tokenize(content) {
		if !tok.op {
			ops = append(ops, tok.s)
			continue
		}
		switch tok.s {
		case "q":
			stack = append(stack, ctm)
		case "Q":
			if n := len(stack); n > 0 {
				ctm, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			v := last(6)
			ctm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}.mul(ctm)
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(ops) >= 2 {
				font = strings.TrimPrefix(ops[len(ops)-2], "/")
				size = num(len(ops) - 1)
			}
		case "Tm":
			v := last(6)
			tm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}
			tlm = tm
		case "Td", "TD":
			v := last(2)
			tlm = matrix{1, 0, 0, 1, v[0], v[1]}.mul(tlm)
			tm = tlm
		case "Tj", "'", "\"":
			if len(ops) > 0 {
				show(ops[len(ops)-1])
			}
		case "TJ":
			var b strings.Builder
			for _, o := range ops {
				if strings.HasPrefix(o, "<") || strings.HasPrefix(o, "(") {
					b.WriteString(d.decode(fonts[font], o))
				}
			}
			m := tm.mul(ctm)
			x, y := m.apply(0, 0)
			_, top := m.apply(0, size)
			p.Text = append(p.Text, Text{X: x, Y: y, S: b.String()})
			mark([]float64{y, top})
		case "re":
			v := last(4)
			point(v[0], v[1])
			point(v[0]+v[2], v[1]+v[3])
		case "m", "l":
			v := last(2)
			point(v[0], v[1])
		case "c":
			v := last(6)
			point(v[4], v[5])
		case "v", "y":
			v := last(4)
			point(v[2], v[3])
		case "rg":
			whiteFill = white(3)
		case "g":
			whiteFill = white(1)
		case "RG":
			whiteStroke = white(3)
		case "G":
			whiteStroke = white(1)
		case "f", "F", "f*":
			if !whiteFill {
				mark(path)
			}
			path = nil
		case "S", "s":
			if !whiteStroke {
				mark(path)
			}
			path = nil
		case "B", "B*", "b", "b*":
			if !whiteFill || !whiteStroke {
				mark(path)
			}
			path = nil
		case "n":
			path = nil
		case "Do":
			name := ""
			if len(ops) > 0 {
				name = strings.TrimPrefix(ops[len(ops)-1], "/")
			}
			body := d.obj(xobjs[name])
			switch {
			case bytes.Contains(body, []byte("/Subtype /Image")):
				_, y0 := ctm.apply(0, 0)
				_, y1 := ctm.apply(0, 1)
				_, y2 := ctm.apply(1, 1)
				mark([]float64{y0, y1, y2})
			case bytes.Contains(body, []byte("/Subtype /Form")):
				s, err := stream(body)
				if err != nil {
					return err
				}
				fm := identity
				if m := regexp.MustCompile(`/Matrix\s*\[([^\]]*)\]`).FindSubmatch(body); m != nil {
					f := strings.Fields(string(m[1]))
					for i := 0; i < 6 && i < len(f); i++ {
						fm[i], _ = strconv.ParseFloat(f[i], 64)
					}
				}
				fres := d.dictOf(body, "Resources")
				if fres == nil {
					fres = res
				}
				if err := d.run(p, s, fres, fm.mul(ctm), depth+1); err != nil {
					return err
				}
			}
		}
		ops = ops[:0]
	}
	return nil
}

type token struct {
	s  string
	op bool
}

// tokenize splits a content stream into operands and operators. Arrays
// and dictionaries are flattened: their members are operands.
func tokenize(b []byte) []token {
	var out []token
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0:
			i++
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '[' || c == ']':
			i++
		case c == '<' && i+1 < len(b) && b[i+1] == '<', c == '>' && i+1 < len(b) && b[i+1] == '>':
			i += 2
		case c == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return out
			}
			out = append(out, token{s: string(b[i : i+j+1])})
			i += j + 1
		case c == '(':
			depth, j := 0, i
			for ; j < len(b); j++ {
				if b[j] == '\\' {
					j++
					continue
				}
				if b[j] == '(' {
					depth++
				}
				if b[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			out = append(out, token{s: string(b[i:min(j+1, len(b))])})
			i = j + 1
		case c == '/':
			j := i + 1
			for j < len(b) && !strings.ContainsRune(" \n\r\t\f/[]<>()", rune(b[j])) {
				j++
			}
			out = append(out, token{s: string(b[i:j])})
			i = j
		default:
			j := i
			for j < len(b) && !strings.ContainsRune(" \n\r\t\f/[]<>()%", rune(b[j])) {
				j++
			}
			if j == i {
				i++
				continue
			}
			w := string(b[i:j])
			_, err := strconv.ParseFloat(w, 64)
			out = append(out, token{s: w, op: err != nil && w != "true" && w != "false" && w != "null"})
			i = j
		}
	}
	return out
}

// toUnicode is a font's map from codes to text.
type toUnicode struct {
	width int // bytes per code
	m     map[uint32]string
}

// decode reads a string operand (<hex> or (literal)) of the font object n
// as text; a code without a mapping reads as U+FFFD.
func (d *pdfDoc) decode(n int, s string) string {
	var raw []byte
	switch {
	case strings.HasPrefix(s, "<"):
		h := strings.Map(func(r rune) rune {
			if strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return r
			}
			return -1
		}, s)
		if len(h)%2 == 1 {
			h += "0"
		}
		for i := 0; i+1 < len(h); i += 2 {
			v, _ := strconv.ParseUint(h[i:i+2], 16, 8)
			raw = append(raw, byte(v))
		}
	case strings.HasPrefix(s, "("):
		raw = []byte(strings.TrimSuffix(strings.TrimPrefix(s, "("), ")"))
	}
	cm := d.toUnicode(n)
	var b strings.Builder
	for i := 0; i+cm.width <= len(raw); i += cm.width {
		var code uint32
		for k := range cm.width {
			code = code<<8 | uint32(raw[i+k])
		}
		if t, ok := cm.m[code]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

func (d *pdfDoc) toUnicode(n int) *toUnicode {
	key := strconv.Itoa(n)
	if cm, ok := d.cmap[key]; ok {
		return cm
	}
	cm := &toUnicode{width: 1, m: map[uint32]string{}}
	d.cmap[key] = cm
	font := d.obj(n)
	ref := regexp.MustCompile(`/ToUnicode (\d+) 0 R`).FindSubmatch(font)
	if ref == nil {
		return cm
	}
	s, err := stream(d.obj(atoi(ref[1])))
	if err != nil {
		return cm
	}
	hex := func(h []byte) uint32 { v, _ := strconv.ParseUint(string(h), 16, 32); return uint32(v) }
	utf := func(h []byte) string {
		var rs []rune
		for i := 0; i+4 <= len(h); i += 4 {
			rs = append(rs, rune(hex(h[i:i+4])))
		}
		return string(rs)
	}
	if m := regexp.MustCompile(`begincodespacerange\s*<([0-9A-Fa-f]+)>`).FindSubmatch(s); m != nil {
		cm.width = len(m[1]) / 2
	}
	for _, blk := range regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`).FindAllSubmatch(s, -1) {
		for _, m := range regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`).FindAllSubmatch(blk[1], -1) {
			cm.m[hex(m[1])] = utf(m[2])
		}
	}
	for _, blk := range regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`).FindAllSubmatch(s, -1) {
		for _, m := range regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`).FindAllSubmatch(blk[1], -1) {
			lo, hi, dst := hex(m[1]), hex(m[2]), hex(m[3])
			for c := lo; c <= hi && c-lo < 65536; c++ {
				cm.m[c] = string(rune(dst + c - lo))
			}
		}
	}
	return cm
}
