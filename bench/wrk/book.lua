-- POST /public/v1/meetingevents/{slug}/book (issue 16), each booking a different slot: BENCH_BOOK_EVENTS events
-- (bench-book-0, ...), each with its own host, 5-minute slots at any time of day. Request n of thread t of a run
-- takes index k = offset + n * threads + t, the run's offset being (seconds since BENCH_BOOK_EPOCH) *
-- BENCH_BOOK_PER_SECOND, so that no two runs (warm-up, measured) share an index below that rate. Index k goes
-- to event k % events, on day (k / events) % BENCH_BOOK_DAYS after BENCH_BOOK_BASE, at the 5-minute slot
-- (k / events) / BENCH_BOOK_DAYS of that day: a host gets at most one booking a day until every day has one.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local events = tonumber(os.getenv("BENCH_BOOK_EVENTS"))
local days = tonumber(os.getenv("BENCH_BOOK_DAYS"))
local base = tonumber(os.getenv("BENCH_BOOK_BASE"))
local epoch = tonumber(os.getenv("BENCH_BOOK_EPOCH"))
local per_second = tonumber(os.getenv("BENCH_BOOK_PER_SECOND"))
local threads = tonumber(os.getenv("BENCH_BOOK_THREADS"))
local BODY = '{"start":"%s","duration":5,"attendees":[{"email":"b%d@bench.example.com","firstName":"Bench"}]}'
local offset
local n = 0

local previous_init = init
init = function(args)
  previous_init(args)
  offset = (os.time() - epoch) * per_second
end

request = function()
  local k = offset + n * threads + (bench_thread_no - 1)
  n = n + 1
  local event = k % events
  local rest = math.floor(k / events)
  local start = base + (rest % days) * 86400 + math.floor(rest / days) * 300
  return wrk.format("POST", "/public/v1/meetingevents/bench-book-" .. event .. "/book", nil,
    string.format(BODY, os.date("!%Y-%m-%dT%H:%M:%SZ", start), k))
end
