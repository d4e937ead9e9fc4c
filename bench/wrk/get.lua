-- GET /v1/meetings/{id} over the seeded meetings, at random.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.headers["Content-Type"] = nil

request = function()
  return wrk.format("GET", random_meeting_path())
end
