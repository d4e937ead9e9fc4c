-- PUT /v1/meetings/{id} with the seed's body (start_time, end_time, attendees, reason) over the
-- seeded meetings, at random; new times every time, so each request is a real reschedule that
-- writes its meeting.updated event.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local BODY = '{"start_time":"%s","end_time":"%s","attendees":["alice@example.com","bob@example.com"],' ..
             '"reason":"Rescheduled due to conflict"}'

request = function()
  local s = random_start()
  return wrk.format("PUT", random_meeting_path(), nil, string.format(BODY, rfc3339(s), rfc3339(s + 1800)))
end
