-- POST /v1/availability for the step's two attendees over their default 14-day window (issue 15).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local body = os.getenv("BENCH_AVAILABILITY_BODY")

request = function()
  return wrk.format("POST", "/v1/availability", nil, body)
end
