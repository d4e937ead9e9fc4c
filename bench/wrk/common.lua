-- Shared by the wrk scripts (dofile'd by each): the API key, the seeded meeting ids, RFC 3339
-- times, a per-thread random seed, and one machine-readable summary line for run.sh.
-- Settings come from the environment run.sh exports (BENCH_*).

local key = os.getenv("BENCH_API_KEY")
meeting_prefix = os.getenv("BENCH_ID_PREFIX") or "meet_bench"
meetings = tonumber(os.getenv("BENCH_MEETINGS") or "10000")
id_digits = tonumber(os.getenv("BENCH_ID_DIGITS") or "11")

if key then
  wrk.headers["X-API-Key"] = key
end
wrk.headers["Content-Type"] = "application/json"

local id_format = "%s%0" .. id_digits .. "d"
function random_meeting_path()
  return "/v1/meetings/" .. string.format(id_format, meeting_prefix, math.random(1, meetings))
end

-- Times in the seed's offset (-08:00), on whole minutes from 2026-01-05, within about a year, so that
-- every update is a real change of the meeting's times.
local BASE = 1767600000 -- 2026-01-05T08:00:00Z
function random_start()
  return BASE + math.random(0, 500000) * 60
end
function rfc3339(t)
  return os.date("!%Y-%m-%dT%H:%M:%S", t - 28800) .. "-08:00"
end

-- setup runs in wrk's main Lua state, init in each thread's own state (which gets bench_thread_no).
bench_threads = 0
function setup(thread)
  bench_threads = bench_threads + 1
  thread:set("bench_thread_no", bench_threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (bench_thread_no or 0) * 7919)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,' ..
    '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"lat_mean_us":%.1f,"lat_p50_us":%d,' ..
    '"lat_p90_us":%d,"lat_p99_us":%d,"lat_p999_us":%d,"lat_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
