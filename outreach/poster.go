package outreach

import (
	"bytes"
	"encoding/base64"
	"html/template"

	"github.com/skip2/go-qrcode"

	"github.com/werkwijzer/werkwijzer/locales"
)

// QRPNG draws url as a QR code, a PNG of size×size pixels. Medium error
// correction (15 %) survives a creased or smudged print.
func QRPNG(url string, size int) ([]byte, error) {
	return qrcode.Encode(url, qrcode.Medium, size)
}

// Poster is a printable A4 page: the QR code, the link as text, and one
// line in several languages. It is HTML, printed from a browser, because
// the browser shapes every script with the system's fonts: Arabic, Dari and
// Pashto right to left, Tigrinya in Ge'ez; a PDF would have to embed a font
// for each.
type Poster struct {
	URL     string
	Partner string // the partner's name
	Place   string
	// Line gives the poster's line in a language (the locale message
	// poster_line).
	Line func(lang string) string
	// Langs are the languages shown, in order; nil for all of the bot's.
	Langs []string
}

type posterLine struct {
	Lang, Dir, Text string
}

var posterPage = template.Must(template.New("poster").Parse(`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Werkwijzer · {{.Partner}}</title>
<style>
@page { size: A4; margin: 15mm; }
html, body { margin: 0; font-family: "Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic", Arial, sans-serif; }
main { width: 180mm; margin: 0 auto; text-align: center; }
img { width: 110mm; height: 110mm; image-rendering: pixelated; }
.url { font-family: monospace; font-size: 11pt; word-break: break-all; margin: 2mm 0 6mm; }
ul { list-style: none; padding: 0; margin: 0; columns: 2; column-gap: 8mm; }
li { font-size: 12.5pt; line-height: 1.35; margin: 0 0 2.5mm; break-inside: avoid; }
li[dir="rtl"] { text-align: right; }
li[dir="ltr"] { text-align: left; }
footer { margin-top: 6mm; font-size: 10pt; color: #444; }
</style>
</head>
<body>
<main>
<img src="{{.QR}}" alt="QR code: {{.URL}}">
<p class="url">{{.URL}}</p>
<ul>
{{range .Lines}}<li lang="{{.Lang}}" dir="{{.Dir}}">{{.Text}}</li>
{{end}}</ul>
<footer>{{.Partner}}{{if .Place}} · {{.Place}}{{end}}</footer>
</main>
</body>
</html>
`))

// HTML renders the poster.
func (p Poster) HTML() ([]byte, error) {
	png, err := QRPNG(p.URL, 600)
	if err != nil {
		return nil, err
	}
	langs := p.Langs
	if langs == nil {
		for _, l := range locales.Languages {
			langs = append(langs, l.Code)
		}
	}
	var lines []posterLine
	for _, code := range langs {
		dir := "ltr"
		if locales.IsRTL(code) {
			dir = "rtl"
		}
		lines = append(lines, posterLine{Lang: code, Dir: dir, Text: p.Line(code)})
	}
	var b bytes.Buffer
	err = posterPage.Execute(&b, map[string]any{
		"URL": p.URL, "Partner": p.Partner, "Place": p.Place, "Lines": lines,
		// A data: URI is ours, not input: trusted as it is.
		"QR": template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
	})
	return b.Bytes(), err
}
