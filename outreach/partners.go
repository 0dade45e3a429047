// Package outreach is what outreach workers hand out and what staff learn
// from it: the registry of partner organisations, sign-up links (Telegram
// deep links, printable as QR codes and posters) that say which partner and
// place a jobseeker came from, and the funnel that counts, per partner,
// place and link, how far people got. It counts; it never records who.
//
// It implements signup.Resolver and takes the dialogs' notes for the
// funnel; it must not import Telegram or Slack packages (the staff side
// answers "/werkwijzer link" through it).
//
// # Keys
//
// Under the caller's prefix, none naming a person:
//
//	<p>:outreach:partners        hash  partner id → Partner (JSON); replaced
//	                                   whole by an import.
//	<p>:outreach:secret          string the key signing link codes, when
//	                                   LINK_SECRET is not set.
//	<p>:outreach:link:<id>       hash  what a link stands for. TTL: its expiry.
//	<p>:{funnel}:<week>          hash  "<stage>|<partner>|<place>|<link>" →
//	                                   count, for one ISO week (Brussels).
//	                                   TTL: two years.
//	<p>:{funnel}:seen:<note>     string a note counted, so a turn delivered
//	                                   twice counts once. TTL: a day.
package outreach

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"

	"github.com/redis/go-redis/v9"
	"go.yaml.in/yaml/v3"
)

// Kind is which of the city's seven kinds of partner an organisation is
// (see the pathway in DOMAIN.md). The values are stored: never rename.
type Kind string

// The seven kinds, in the order of the pathway.
const (
	KindOutreach          Kind = "outreach"
	KindVindplaats        Kind = "vindplaats"
	KindLabourMarketReady Kind = "labour_market_ready"
	KindOrientation       Kind = "orientation"
	KindTraining          Kind = "training"
	KindWorkplaceLearning Kind = "workplace_learning"
	KindLastingEmployment Kind = "lasting_employment"
)

// Kinds lists the kinds in pathway order.
var Kinds = []Kind{KindOutreach, KindVindplaats, KindLabourMarketReady, KindOrientation,
	KindTraining, KindWorkplaceLearning, KindLastingEmployment}

// Partner is one organisation that refers jobseekers.
type Partner struct {
	ID   string `json:"id" yaml:"id"`
	Name string `json:"name" yaml:"name"`
	Kind Kind   `json:"kind" yaml:"kind"`
	// CitySupported: the city supports the organisation (a pink tile on
	// the city's map; others are blue).
	CitySupported bool `json:"city_supported" yaml:"city_supported"`
	// Contact is how staff reach the organisation (optional).
	Contact string `json:"contact,omitempty" yaml:"contact"`
}

var partnerID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,31}$`)

// LineError is a refused import file: the line and the reason.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// ParsePartners reads a partner registry (see partners.example.yaml): a
// list under "partners:". It refuses the whole file at the first problem,
// with its line.
func ParsePartners(data []byte) ([]Partner, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(trimBOM(data), &doc); err != nil {
		return nil, yamlError(err)
	}
	if len(doc.Content) == 0 {
		return nil, &LineError{1, "the file is empty; want a list under partners:"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &LineError{root.Line, "want a mapping with partners:"}
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "partners" {
			return nil, &LineError{k.Line, fmt.Sprintf("unknown field %q; the file holds only partners:", k.Value)}
		}
		list = root.Content[i+1]
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, &LineError{root.Line, "partners: must be a list"}
	}
	var out []Partner
	seen := map[string]int{}
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			return nil, &LineError{item.Line, "each partner is a mapping with id, name, kind and city_supported"}
		}
		var p Partner
		has := map[string]bool{}
		line := map[string]int{} // where each field's value is, for errors
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			has[k.Value], line[k.Value] = true, v.Line
			switch k.Value {
			case "id", "name", "kind", "contact":
				if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
					return nil, &LineError{v.Line, k.Value + " must be text"}
				}
			case "city_supported":
				if v.Tag != "!!bool" {
					return nil, &LineError{v.Line, fmt.Sprintf("city_supported must be true or false, not %q", v.Value)}
				}
			default:
				return nil, &LineError{k.Line, fmt.Sprintf("unknown field %q (want id, name, kind, city_supported, contact)", k.Value)}
			}
		}
		if err := item.Decode(&p); err != nil {
			return nil, yamlError(err)
		}
		for _, f := range []string{"id", "name", "kind", "city_supported"} {
			if !has[f] {
				return nil, &LineError{item.Line, "missing " + f}
			}
		}
		switch {
		case !partnerID.MatchString(p.ID):
			return nil, &LineError{line["id"], fmt.Sprintf("id %q: use 2 to 32 of a-z, 0-9 and -, starting with a letter or digit", p.ID)}
		case seen[p.ID] != 0:
			return nil, &LineError{line["id"], fmt.Sprintf("id %q is used twice (also on line %d)", p.ID, seen[p.ID])}
		case !slices.Contains(Kinds, p.Kind):
			return nil, &LineError{line["kind"], fmt.Sprintf("kind %q is not one of %v", p.Kind, Kinds)}
		}
		seen[p.ID] = line["id"]
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, &LineError{list.Line, "no partners"}
	}
	return out, nil
}

func yamlError(err error) error {
	var line int
	if _, scanErr := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); scanErr == nil {
		return &LineError{line, err.Error()}
	}
	return &LineError{1, err.Error()}
}

// Registry keeps the partners in Redis.
type Registry struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRegistry returns the registry under prefix.
func NewRegistry(rdb redis.UniversalClient, prefix string) *Registry {
	return &Registry{rdb: rdb, prefix: prefix}
}

func (r *Registry) key() string { return r.prefix + ":outreach:partners" }

// Replace makes partners the whole registry, at once: a reader sees the old
// list or the new one, never a mix.
func (r *Registry) Replace(ctx context.Context, partners []Partner) error {
	args := []any{}
	for _, p := range partners {
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		args = append(args, p.ID, b)
	}
	p := r.rdb.TxPipeline()
	p.Del(ctx, r.key())
	p.HSet(ctx, r.key(), args...)
	_, err := p.Exec(ctx)
	return err
}

// Get returns partner id, or nil.
func (r *Registry) Get(ctx context.Context, id string) (*Partner, error) {
	b, err := r.rdb.HGet(ctx, r.key(), id).Bytes()
	if err == redis.Nil {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p Partner
	return &p, json.Unmarshal(b, &p)
}

// All returns every partner, by id.
func (r *Registry) All(ctx context.Context) ([]Partner, error) {
	m, err := r.rdb.HGetAll(ctx, r.key()).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Partner, 0, len(m))
	for _, v := range m {
		var p Partner
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// trimBOM drops a byte-order mark that some editors put in front.
func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }
