package dialogstest

import (
	"strings"

	"github.com/werkwijzer/werkwijzer/dialogs"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
)

// Orientation is the person's orientation part as stored.
func (p *Person) Orientation() orientation.State {
	p.T.Helper()
	o, err := orientation.Part.Read(p.state)
	if err != nil {
		p.T.Fatal(err)
	}
	return o
}

// Onboard takes the person from /start through the whole orientation,
// pressing and typing, checking that each question appears in their
// language; it returns the replies to confirming the summary (the advice,
// or the question whether coaches may see the answers).
func (p *Person) Onboard() []dialogs.Reply {
	p.T.Helper()
	r := p.Command("start")
	p.Expect(r, "start_greeting")
	p.Expect(r, "language_choose")
	if p.state != nil {
		p.T.Fatalf("state stored before the person chose anything: %+v", p.state)
	}
	p.Expect(p.Press("lang:"+p.Lang), "consent_notice", map[string]any{"Period": Texts.N(p.Lang, "unit_days", 180, nil)})
	p.Expect(p.Press("consent:yes"), "q_name")
	p.Expect(p.Say("Amira"), "q_age")
	p.Expect(p.Press("a:age:u25"), "q_dutch")
	p.Expect(p.Press("a:dutch:little"), "q_situation")
	p.Expect(p.Press("a:sit:ocmw"), "q_education")
	p.Expect(p.Press("a:edu:secondary_unfinished"), "q_diploma")
	p.Expect(p.Press("a:dipl:not_recognised"), "q_sectors")
	p.Press("a:sec:construction")
	p.Press("a:sec:port")
	p.Expect(p.Press("done:sec"), "q_licence")
	p.Expect(p.Press("a:lic:b"), "q_availability")
	p.Press("a:av:fulltime")
	p.Expect(p.Press("done:av"), "q_home")
	p.Expect(p.Press("a:home:deurne"), "q_goal")
	p.Expect(p.Press("a:goal:unknown"), "q_support")
	p.Press("a:sup:childcare")
	r = p.Press("done:sup")
	p.Expect(r, "summary_title")
	for _, want := range []string{"Amira", "Deurne", p.Tr("opt_sec_construction"), p.Tr("opt_sec_port"), p.Tr("opt_sup_childcare")} {
		if !strings.Contains(r[0].Text, want) {
			p.T.Fatalf("[%s] summary lacks %q:%s", p.Lang, want, Dump(r))
		}
	}
	return p.Press("ok:sum")
}
