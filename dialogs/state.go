package dialogs

import (
	"bytes"
	"encoding/json"
	"maps"
	"time"
)

// StateVersion is written with every State so that a later change to its
// shape can still read conversations saved by an older binary. Version 1
// was one flat struct of every feature's fields; version 2 keeps what the
// frame needs and gives each flow its own part (State.Flows).
const StateVersion = 2

// Step names where a conversation is. The values are stored and appear in
// callback data, so they are short and must never be renamed. The frame's
// steps are here; each flow names its own.
type Step string

// The frame's steps.
const (
	StepLanguage Step = "lang"
	StepConsent  Step = "consent"
	StepMenu     Step = "menu"
)

// State is everything we hold on one chat, stored as one value: the
// frame's fields, and one part per flow under its key, which only that flow
// reads and writes (see Part).
type State struct {
	V    int    `json:"v"`
	Lang string `json:"lang,omitempty"`
	Step Step   `json:"step"`
	// Agreed is when the person accepted the privacy notice; zero before.
	Agreed     time.Time `json:"agreed,omitzero"`
	Created    time.Time `json:"created"`
	LastSeen   time.Time `json:"last_seen"`
	LastUpdate int64     `json:"last_update,omitempty"`
	// Flows holds each flow's part as JSON, by the flow's key.
	Flows map[string]json.RawMessage `json:"flows,omitempty"`
}

// Consented reports whether the person agreed to the privacy notice.
func (s *State) Consented() bool { return !s.Agreed.IsZero() }

// clone copies s so that a turn never changes its caller's value: parts
// are replaced, never changed in place, so sharing their bytes is safe.
func (s *State) clone() *State {
	cp := *s
	cp.Flows = maps.Clone(s.Flows)
	return &cp
}

// UnmarshalJSON reads a State of any version, moving the fields of an older
// one to where this binary keeps them.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*s = State(p)
	if s.V >= 2 {
		return nil
	}
	var legacy map[string]json.RawMessage
	if err := json.Unmarshal(b, &legacy); err != nil {
		return err
	}
	flows, err := fromV1(legacy)
	if err != nil {
		return err
	}
	if len(flows) > 0 {
		s.Flows = flows
	}
	s.V = StateVersion
	return nil
}

// v1Parts says, for each flow, which fields of a version-1 State became its
// part, under the same JSON names. It is history: it never changes.
var v1Parts = map[string][]string{
	"orientation": {"oriented", "profile", "picked", "editing", "share", "sector_first"},
	"handover":    {"handover"},
	"signup":      {"source"},
	"vacancies":   {"rejected", "alerts", "alerted"},
	"booking":     {"moving", "noticed"},
}

func fromV1(legacy map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	flows := map[string]json.RawMessage{}
	for flow, fields := range v1Parts {
		part := map[string]json.RawMessage{}
		for _, f := range fields {
			if v, ok := legacy[f]; ok && !bytes.Equal(v, []byte("null")) {
				part[f] = v
			}
		}
		if len(part) == 0 {
			continue
		}
		b, err := json.Marshal(part)
		if err != nil {
			return nil, err
		}
		flows[flow] = b
	}
	return flows, nil
}

// Part is one flow's share of the State, kept as JSON under Key: the flow
// declares it once (var part = dialogs.Part[myState]{Key: "my"}) and reads
// it in a turn with Of. Nothing outside the flow changes it.
type Part[T any] struct{ Key string }

// Of is the part in this turn, decoded on first use and stored with the
// turn's state at its end. Before any state is held (a person who has not
// chosen a language yet) it is a scratch value that is not kept.
func (p Part[T]) Of(c *Conv) *T {
	if v, ok := c.parts[p.Key]; ok {
		return v.ptr.(*T)
	}
	v := new(T)
	if c.st != nil {
		if raw, ok := c.st.Flows[p.Key]; ok {
			// A part that no longer reads (it never should) starts
			// afresh rather than block the conversation for good.
			_ = json.Unmarshal(raw, v)
		}
	}
	c.parts[p.Key] = partValue{ptr: v, encode: func() ([]byte, error) { return json.Marshal(v) }}
	return v
}

// Read is the part as stored in st, outside a turn (planning alerts, tests).
func (p Part[T]) Read(st *State) (T, error) {
	var v T
	if st == nil {
		return v, nil
	}
	raw, ok := st.Flows[p.Key]
	if !ok {
		return v, nil
	}
	err := json.Unmarshal(raw, &v)
	return v, err
}

// Write stores v as the part in st, outside a turn (tests, fixtures).
func (p Part[T]) Write(st *State, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	setPart(st, p.Key, b)
	return nil
}

type partValue struct {
	ptr    any
	encode func() ([]byte, error)
}

// setPart stores a part, leaving out one that holds nothing.
func setPart(st *State, key string, b []byte) {
	if bytes.Equal(b, []byte("{}")) || bytes.Equal(b, []byte("null")) {
		delete(st.Flows, key)
		return
	}
	if st.Flows == nil {
		st.Flows = map[string]json.RawMessage{}
	}
	st.Flows[key] = b
}
