package web

import (
	"mime"
	"path"
	"strconv"

	"github.com/werkwijzer/werkwijzer/dialogs"
)

// Entry is one message in a web conversation's log: what the page shows,
// in order. The stream of entries is what makes a reconnect exact: a page
// asks for what came after the last entry it has, by number.
type Entry struct {
	// N is the entry's number in the log (set on reading).
	N int64 `json:"-"`
	// Me marks the person's own message; CID is the page's id for it, so
	// the page that sent it replaces its pending copy.
	Me  bool   `json:"me,omitempty"`
	CID string `json:"cid,omitempty"`
	// Lang is the language the dialogs spoke in this turn: the page
	// follows it (texts, direction).
	Lang    string     `json:"lang,omitempty"`
	Text    string     `json:"text,omitempty"`
	Buttons [][]button `json:"buttons,omitempty"`
	// Replace is the number of the entry this one takes the place of (a
	// multi-select press updates its question).
	Replace int64 `json:"replace,omitempty"`
	Doc     *Doc  `json:"doc,omitempty"`
	// Push offers the person to allow notifications here.
	Push bool `json:"push,omitempty"`
}

type button struct {
	Text string `json:"t"`
	Data string `json:"d"`
}

// Doc is a file sent with a message (a calendar file, the /mydata export),
// downloaded from /chat/files/<entry>.
type Doc struct {
	Name    string `json:"name"`
	Caption string `json:"caption,omitempty"`
	Type    string `json:"type,omitempty"`
	Size    int    `json:"size"`
	Content []byte `json:"content,omitempty"`
	URL     string `json:"url,omitempty"`
}

func entryOf(r dialogs.Reply, turn *dialogs.Turn) Entry {
	e := Entry{Text: r.Text, Lang: turn.Lang}
	for _, row := range r.Buttons {
		var out []button
		for _, b := range row {
			out = append(out, button{Text: b.Text, Data: b.Data})
		}
		e.Buttons = append(e.Buttons, out)
	}
	if r.Replace && turn.Ref > 0 {
		e.Replace = int64(turn.Ref)
	}
	if d := r.Document; d != nil {
		typ := mime.TypeByExtension(path.Ext(d.Name))
		if typ == "" {
			typ = "application/octet-stream"
		}
		e.Doc = &Doc{Name: d.Name, Caption: d.Caption, Type: typ, Size: len(d.Content), Content: d.Content}
	}
	return e
}

// view is the entry as a page gets it: a file by its address, not its
// bytes.
func (e Entry) view() Entry {
	if e.Doc != nil {
		d := *e.Doc
		d.Content = nil
		if e.N > 0 {
			d.URL = "/chat/files/" + strconv.FormatInt(e.N, 10)
		}
		e.Doc = &d
	}
	return e
}
