package privacy_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/dialogs/orientation"
	"github.com/werkwijzer/werkwijzer/dialogs/privacy"
)

// /mydata tells what the staff side holds, once it holds something: the
// reference staff know the person by, the Slack messages about them, and
// in the file who has their request.
func TestMyDataShowsWhatStaffHold(t *testing.T) {
	ctx := context.Background()
	p := dialogstest.New(t, "nl")
	staff := dialogstest.NewStaff(p.Clock)
	p.Engine.Register(orientation.Flow{}, privacy.Flow{Staff: staff})
	p.Onboard()
	ref := "ref-" + strconv.FormatInt(p.Chat, 10)
	if r := p.Command("mydata"); strings.Contains(r[0].Text, ref) || strings.Contains(string(r[0].Document.Content), `"staff"`) {
		t.Fatalf("/mydata tells of a staff side that holds nothing:%s", dialogstest.Dump(r))
	}
	staff.Ask(ctx, p.Chat)
	staff.Take(ctx, p.Chat, "Lotte")
	r := p.Command("mydata")
	p.Expect(r, "mydata_staff", map[string]any{"Ref": ref, "Count": 2})
	var doc struct {
		Staff privacy.StaffHeld `json:"staff"`
	}
	if err := json.Unmarshal(r[0].Document.Content, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Staff.Request == nil || doc.Staff.Request.TakenBy != "Lotte" {
		t.Fatalf("the file's staff part: %+v", doc.Staff)
	}
	staff.Forget(ctx, p.Chat)
	if r := p.Command("mydata"); strings.Contains(r[0].Text, ref) {
		t.Fatalf("/mydata after the staff side forgot them:%s", dialogstest.Dump(r))
	}
}
