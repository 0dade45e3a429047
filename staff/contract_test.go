package staff_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/werkwijzer/werkwijzer/dialogs/dialogstest"
	"github.com/werkwijzer/werkwijzer/staff"
)

// The staff side over Redis and a fake Slack keeps the contract of what
// /mydata says it holds, the request filed by a turn's note and taken by
// a press in Slack.
func TestStaffSideContract(t *testing.T) {
	t.Parallel()
	dialogstest.StaffSideContract(t, func(t testing.TB) dialogstest.StaffDesk {
		w := newWorld(t, time.Date(2026, 11, 23, 10, 0, 0, 0, brussels))
		return contractDesk{w.desk(), map[int64]string{}}
	})
}

// contractDesk is a staff side with the person's and staff's part, as
// the contract calls them.
type contractDesk struct {
	desk
	requests map[int64]string // chat: their request's message
}

func (d contractDesk) Ask(_ context.Context, chat int64) error {
	d.requests[chat] = d.asks(chat).TS
	return nil
}

func (d contractDesk) Take(_ context.Context, chat int64, name string) error {
	user := "U-" + strings.ToUpper(name) // on the team (world.staff)
	d.w.f.AddUser(user, name)
	if code := d.press(user, d.requests[chat], staff.ActionHandoverTake, d.Ref(chat)); code != http.StatusOK {
		return fmt.Errorf("taking the request: HTTP %d", code)
	}
	return nil
}
