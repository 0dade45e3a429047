package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Source is the language every message is written in first and the last
// fallback: the city works in Dutch, so staff can always read what was sent.
const Source = "nl"

// Language is one language a jobseeker can choose.
type Language struct {
	Code string // our code and the locale file's name, e.g. "fa-AF"
	RTL  bool   // written right to left
	// Telegram is the code Telegram's language_code and setMyCommands use
	// (ISO 639-1); it differs from Code only for Dari.
	Telegram string
}

// Languages lists the supported languages in the order the picker shows them
// (after the one Telegram reports for the user). Dari has no CLDR plural rules
// of its own under "prs", so it is "fa-AF", which inherits Persian's.
var Languages = []Language{
	{Code: "nl", Telegram: "nl"},
	{Code: "en", Telegram: "en"},
	{Code: "fr", Telegram: "fr"},
	{Code: "ar", Telegram: "ar", RTL: true},
	{Code: "tr", Telegram: "tr"},
	{Code: "pl", Telegram: "pl"},
	{Code: "ro", Telegram: "ro"},
	{Code: "bg", Telegram: "bg"},
	{Code: "es", Telegram: "es"},
	{Code: "uk", Telegram: "uk"},
	{Code: "ru", Telegram: "ru"},
	{Code: "fa-AF", Telegram: "fa", RTL: true},
	{Code: "ps", Telegram: "ps", RTL: true},
	{Code: "ti", Telegram: "ti"},
	{Code: "so", Telegram: "so"},
}

// Supported reports whether code is one of Languages.
func Supported(code string) bool {
	_, ok := lookup(code)
	return ok
}

func lookup(code string) (Language, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// Match maps a language code as Telegram reports it ("en-US", "fa", "prs")
// to one of ours, or "" when we do not speak it.
func Match(telegram string) string {
	t := strings.ToLower(strings.TrimSpace(telegram))
	if t == "" {
		return ""
	}
	base, _, _ := strings.Cut(t, "-")
	base, _, _ = strings.Cut(base, "_")
	switch base {
	case "fa", "prs":
		return "fa-AF"
	case "pbu", "pbt", "pst":
		return "ps"
	}
	for _, l := range Languages {
		if l.Code == base {
			return l.Code
		}
	}
	return ""
}

// Chain is the order in which a message is looked up for lang: the language
// itself, then English (more of our jobseekers read it than Dutch), then Dutch.
func Chain(lang string) []string {
	chain := []string{}
	for _, c := range []string{lang, "en", Source} {
		if c != "" && Supported(c) && !slices.Contains(chain, c) {
			chain = append(chain, c)
		}
	}
	return chain
}

// Catalog renders messages. go-i18n's Localizer only falls back to the
// bundle's default language, so Catalog keeps one localizer per language and
// walks Chain itself.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	// have lists the ids each language's own file holds (by code), so that
	// tests can look at a language's own texts without the fallback.
	have    map[string]map[string]bool
	mu      sync.Mutex
	missing map[string]bool // reported once each, see Missing
}

// Load parses the embedded message files.
func Load() (*Catalog, error) {
	return LoadFS(files)
}

// LoadFS parses every *.toml file at the root of fsys; tests use it to check
// broken catalogues.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	b := i18n.NewBundle(language.Dutch)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}, have: map[string]map[string]bool{}, missing: map[string]bool{}}
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", name, err)
		}
		ids := map[string]bool{}
		for _, m := range mf.Messages {
			ids[m.ID] = true
		}
		c.have[strings.TrimSuffix(name, ".toml")] = ids
	}
	for _, l := range Languages {
		c.localizers[l.Code] = i18n.NewLocalizer(b, l.Code)
	}
	return c, nil
}

// MustLoad is Load for program start, where a broken embedded catalogue is a
// build mistake.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Bundle exposes the parsed messages to the completeness tests.
func (c *Catalog) Bundle() *i18n.Bundle { return c.bundle }

// T renders message id in lang with data for its placeholders. In a
// language written right to left, every number in the text, whether the
// message or a placeholder's value holds it, is isolated (IsolateNumbers),
// so that "0800 30 700" does not show as "700 30 0800".
func (c *Catalog) T(lang, id string, data map[string]any) string {
	return c.render(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: data})
}

// N renders the plural message id for count; count is also {{.Count}}.
func (c *Catalog) N(lang, id string, count int, data map[string]any) string {
	d := map[string]any{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	return c.render(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
}

func (c *Catalog) render(lang string, cfg *i18n.LocalizeConfig) string {
	for _, code := range Chain(lang) {
		loc := c.localizers[code]
		s, tag, err := loc.LocalizeWithTag(cfg)
		// go-i18n answers from its default language when code lacks the
		// message; only accept an answer in the language asked for.
		if err == nil && (tag == language.Make(code) || code == Source) {
			if IsRTL(lang) {
				s = IsolateNumbers(s)
			}
			return s
		}
	}
	c.mu.Lock()
	c.missing[cfg.MessageID] = true
	c.mu.Unlock()
	return cfg.MessageID
}

// own renders id from lang's own file only: false when that file lacks it.
func (c *Catalog) own(lang, id string, data map[string]any) (string, bool) {
	loc := c.localizers[lang]
	if loc == nil || !c.have[lang][id] {
		return "", false
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	return s, err == nil
}

// Missing lists message ids that were asked for but exist in no language:
// a programming error the tests look for.
func (c *Catalog) Missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	for id := range c.missing {
		ids = append(ids, id)
	}
	return ids
}

// List joins items as a list in running text in lang, with the language's
// own separator (the message list_sep: ", " in Dutch, "، " in Arabic script,
// "፣ " in Tigrinya), so that no comma is hard-coded where a language has
// its own.
func (c *Catalog) List(lang string, items []string) string {
	return strings.Join(items, c.T(lang, "list_sep", nil))
}

// Name is the language's name written in itself, for the picker.
func (c *Catalog) Name(code string) string {
	return c.T(code, "language_name", nil)
}

// IsRTL reports whether code is written right to left.
func IsRTL(code string) bool {
	l, _ := lookup(code)
	return l.RTL
}

// TelegramCode is the language_code Telegram uses for code.
func TelegramCode(code string) string {
	l, ok := lookup(code)
	if !ok {
		return ""
	}
	return l.Telegram
}
