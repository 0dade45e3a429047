package schedule

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

// moveScript gives every seat, place on a waiting list (at the same place)
// and attendance mark of one chat to another, with the person's list of
// appointments, in one step. KEYS: person(from), person(to), then seats,
// wait and attended of each item. ARGV: from, to. A chat that holds
// appointments already is not merged into: it returns 0.
var moveScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 3, #KEYS, 3 do
  if redis.call('SREM', KEYS[i], ARGV[1]) == 1 then redis.call('SADD', KEYS[i], ARGV[2]) end
  local at = redis.call('LPOS', KEYS[i+1], ARGV[1])
  if at then redis.call('LSET', KEYS[i+1], at, ARGV[2]) end
  local mark = redis.call('HGET', KEYS[i+2], ARGV[1])
  if mark then
    redis.call('HDEL', KEYS[i+2], ARGV[1])
    redis.call('HSET', KEYS[i+2], ARGV[2], mark)
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[2]) end
return 1`)

// MoveChat gives what chat from holds (appointments, waiting lists,
// attendance, the reminders and news still to come) to chat to: the
// conversation of a web chat went on in Telegram. It is safe to call again
// (a note delivered twice): from then holds nothing. A chat that holds
// appointments of its own keeps them, and from's stay where they were.
func (s *Store) MoveChat(ctx context.Context, from, to int64) error {
	ids, err := s.rdb.HKeys(ctx, s.person(from)).Result()
	if err != nil || len(ids) == 0 {
		return err
	}
	keys := []string{s.person(from), s.person(to)}
	for _, id := range ids {
		keys = append(keys, s.seats(id), s.wait(id), s.attended(id))
	}
	moved, err := moveScript.Run(ctx, s.rdb, keys, chatStr(from), chatStr(to)).Int()
	if err != nil || moved == 0 {
		return err
	}
	// Reminders and news are members "<chat>|<item>|<kind>", scored by
	// when they are due: the same, under the new chat.
	for _, key := range []string{s.reminders(), s.claimed()} {
		iter := s.rdb.ZScan(ctx, key, 0, chatStr(from)+"|*", 200).Iterator()
		var members []string
		for i := 0; iter.Next(ctx); i++ {
			if i%2 == 0 && strings.HasPrefix(iter.Val(), chatStr(from)+"|") {
				members = append(members, iter.Val())
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		for _, m := range members {
			score, err := s.rdb.ZScore(ctx, key, m).Result()
			if err == redis.Nil {
				continue // sent meanwhile
			}
			if err != nil {
				return err
			}
			p := s.rdb.TxPipeline()
			p.ZAdd(ctx, key, redis.Z{Score: score, Member: chatStr(to) + strings.TrimPrefix(m, chatStr(from))})
			p.ZRem(ctx, key, m)
			if _, err := p.Exec(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}
