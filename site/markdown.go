package site

import (
	"bytes"
	"html/template"
	"reflect"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	gmrenderer "github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md renders the Markdown of every page's texts (the generated summary, the
// disclosure-risk summary, the changelog): CommonMark with GitHub's tables.
// It has no HTML parser: a tag in the source is text and reaches the page
// escaped, never as markup. A table is laid out as the site's own are (see
// markdown); an image shows its text.
var md = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(without(parser.DefaultBlockParsers(), parser.NewHTMLBlockParser())...),
		parser.WithInlineParsers(without(parser.DefaultInlineParsers(), parser.NewRawHTMLParser())...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)),
	goldmark.WithExtensions(extension.Table),
	// Below the table extension's 500: a lower number registers last and wins.
	goldmark.WithRendererOptions(gmrenderer.WithNodeRenderers(util.Prioritized(siteRules{}, 100))),
)

// without returns the parsers less the one of drop's type.
func without[T any](ps []util.PrioritizedValue, drop T) []util.PrioritizedValue {
	out := make([]util.PrioritizedValue, 0, len(ps))
	for _, p := range ps {
		if reflect.TypeOf(p.Value) != reflect.TypeOf(drop) {
			out = append(out, p)
		}
	}
	return out
}

// captionAttr carries a table's caption from markdown to siteRules.
const captionAttr = "kensho-caption"

// markdown renders src with its headings shifted so that "#" becomes
// <h{headingBase}>, below the page's own headings (at most <h6>). A table
// gets what the site's tables have: a caption (the heading above it, else
// its column headings), column headings with scope, figures aligned right
// by class rather than by style, and a scrolling frame on a narrow screen.
func markdown(src string, headingBase int) template.HTML {
	b := []byte(src)
	doc := md.Parser().Parse(text.NewReader(b))
	heading := ""
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+headingBase-1, 6)
			heading = plainText(n, b)
		case *east.Table:
			caption := heading
			if caption == "" {
				var heads []string
				for c := n.FirstChild().FirstChild(); c != nil; c = c.NextSibling() {
					heads = append(heads, plainText(c, b))
				}
				caption = strings.Join(heads, " / ")
			}
			n.SetAttributeString(captionAttr, caption)
		case *east.TableCell:
			if _, head := n.Parent().(*east.TableHeader); head {
				n.SetAttributeString("scope", "col")
			}
			if n.Alignment == east.AlignRight {
				n.SetAttributeString("class", "num")
			}
			n.Alignment = east.AlignNone
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, b, doc); err != nil {
		// Rendering into memory fails only on a bug; show the text, escaped.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>\n")
	}
	return template.HTML(buf.String()) // goldmark escapes all text; the source has no HTML parser
}

// plainText is the text of a node and its children, without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// siteRules renders what the site does its own way: a table in the
// site's scrolling frame, with its caption; an image as its text, since no
// page loads anything (from another host or not) that a release text names.
type siteRules struct{}

func (siteRules) RegisterFuncs(reg gmrenderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString(template.HTMLEscapeString(plainText(n, src)))
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(east.KindTable, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			w.WriteString("</table>\n</div>\n")
			return ast.WalkContinue, nil
		}
		caption := ""
		if v, ok := n.AttributeString(captionAttr); ok {
			caption, _ = v.(string)
		}
		w.WriteString(`<div class="table-wrap" role="region" tabindex="0" aria-label="` + template.HTMLEscapeString(caption) + `">` + "\n")
		// The caption repeats the heading above, or names the columns: for
		// screen readers, not to be read twice on screen.
		w.WriteString("<table>\n<caption class=\"visually-hidden\">" + template.HTMLEscapeString(caption) + "</caption>\n")
		return ast.WalkContinue, nil
	})
}
