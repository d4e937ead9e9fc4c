-- GET /health: the HTTP ceiling of the server and router (no auth, no database).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.headers["X-API-Key"] = nil
wrk.headers["Content-Type"] = nil

request = function()
  return wrk.format("GET", "/health")
end
