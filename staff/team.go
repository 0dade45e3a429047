package staff

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/werkwijzer/werkwijzer/clock"
)

// Team says who may act as staff in Slack. A channel holds more people
// than the work team (colleagues of other services, guests, the members of
// another organisation in a Slack Connect channel), and every one of them
// could write to a jobseeker or take their conversation; so only members
// act: thread replies, take-overs, hand-backs, attendance and the slash
// command of anyone else are ignored, and the person who tried is told
// privately why.
//
// Staff and Admins name Slack users (U…, W…) and user groups (S…), whose
// members are asked of Slack (usergroups.users.list, scope
// usergroups:read) and kept for CacheFor. Admins act as staff too, and may
// besides hand back a conversation a colleague took.
type Team struct {
	Staff, Admins []string
	// CacheFor is how long a user group's members are trusted before
	// Slack is asked again: a member removed from the group stops acting
	// within it. Zero is a minute.
	CacheFor time.Duration

	api   *slack.Client
	clock clock.Clock
	mu    sync.Mutex
	cache map[string]groupMembers
}

type groupMembers struct {
	users map[string]bool
	at    time.Time
}

// ParseTeam reads SLACK_STAFF and SLACK_ADMINS: ids of users and user
// groups, separated by commas or spaces.
func ParseTeam(staff, admins string) (*Team, error) {
	t := &Team{CacheFor: time.Minute}
	var err error
	if t.Staff, err = parseIDs("SLACK_STAFF", staff); err != nil {
		return nil, err
	}
	if t.Admins, err = parseIDs("SLACK_ADMINS", admins); err != nil {
		return nil, err
	}
	return t, nil
}

func parseIDs(name, s string) ([]string, error) {
	var out []string
	for _, id := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if len(id) < 2 || !strings.ContainsRune("UWS", rune(id[0])) || strings.ToUpper(id) != id {
			return nil, fmt.Errorf("%s: %q is not a Slack user id (U…, W…) or user group id (S…)", name, id)
		}
		out = append(out, id)
	}
	return out, nil
}

// bind gives t the client and clock of the staff side it serves, the
// first time it is used.
func (t *Team) bind(api *slack.Client, clk clock.Clock) *Team {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.api == nil {
		t.api, t.clock = api, clk
	}
	if t.cache == nil {
		t.cache = map[string]groupMembers{}
	}
	return t
}

// IsStaff tells whether user may act as staff. An error means Slack could
// not tell us a group's members: the caller refuses, rather than let
// anyone act while Slack is down.
func (t *Team) IsStaff(ctx context.Context, user string) (bool, error) {
	if t == nil {
		return false, nil
	}
	if ok, err := t.in(ctx, t.Admins, user); ok || err != nil {
		return ok, err
	}
	return t.in(ctx, t.Staff, user)
}

// IsAdmin tells whether user may hand back a colleague's conversation.
func (t *Team) IsAdmin(ctx context.Context, user string) (bool, error) {
	if t == nil {
		return false, nil
	}
	return t.in(ctx, t.Admins, user)
}

func (t *Team) in(ctx context.Context, ids []string, user string) (bool, error) {
	if user == "" {
		return false, nil
	}
	var firstErr error
	for _, id := range ids {
		if id == user {
			return true, nil
		}
		if id[0] != 'S' {
			continue
		}
		m, err := t.members(ctx, id)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if m[user] {
			return true, nil
		}
	}
	return false, firstErr
}

func (t *Team) members(ctx context.Context, group string) (map[string]bool, error) {
	now := clock.Or(t.clock).Now()
	t.mu.Lock()
	c, ok := t.cache[group]
	api := t.api
	t.mu.Unlock()
	cacheFor := t.CacheFor
	if cacheFor <= 0 {
		cacheFor = time.Minute
	}
	if ok && now.Sub(c.at) < cacheFor {
		return c.users, nil
	}
	if api == nil {
		return nil, fmt.Errorf("staff: team not bound to Slack")
	}
	list, err := api.GetUserGroupMembersContext(ctx, group)
	if err != nil {
		return nil, fmt.Errorf("staff: members of user group %s: %w", group, err)
	}
	users := make(map[string]bool, len(list))
	for _, u := range list {
		users[u] = true
	}
	t.mu.Lock()
	t.cache[group] = groupMembers{users: users, at: now}
	t.mu.Unlock()
	return users, nil
}
