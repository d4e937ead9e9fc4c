-- GET /public/v1/meetingevents/{slug}/slots over a week (issue 16): the read a booking page makes on every visit.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path = os.getenv("BENCH_SLOTS_PATH")

request = function()
  return wrk.format("GET", path)
end
