package outreach_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/outreach"
)

// With the web chat on, the link staff make (from Slack, the command line
// or a poster) leads to its landing page, and its QR code says so; the
// bot's username is not even asked for.
func TestMakerLeadsToTheLandingPage(t *testing.T) {
	_, links, _ := setup(t)
	m := outreach.Maker{Links: links, Landing: "https://werk.example.be/",
		Username: func(context.Context) (string, error) { return "", errors.New("not asked") }}
	url, qr, err := m.Make(context.Background(), outreach.Spec{Partner: "moskee-attaqwa", Lang: "ti"})
	if err != nil {
		t.Fatal(err)
	}
	code, ok := strings.CutPrefix(url, "https://werk.example.be/chat/l/")
	if !ok || len(code) != outreach.CodeLen {
		t.Fatalf("link %q, want the landing page with the code", url)
	}
	if got := decodeQR(t, qr); got != url {
		t.Fatalf("QR decodes to %q, want %q", got, url)
	}
	if l, problem, err := links.ResolveLink(context.Background(), code); err != nil || problem != "" || l.Lang != "ti" {
		t.Fatalf("the landing page's code stands for %+v (%q, %v)", l, problem, err)
	}
}
