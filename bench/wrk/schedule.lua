-- POST /v1/schedule: a new meeting (and its meeting.scheduled event) per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local BODY = '{"attendees":["alice@example.com","bob@example.com"],"start_time":"%s",' ..
             '"duration_minutes":30,"title":"Bench meeting"}'

request = function()
  return wrk.format("POST", "/v1/schedule", nil, string.format(BODY, rfc3339(random_start())))
end
