-- wrk script of `make bench-http` (bench/http_load.py starts wrk with it; read that first).
-- Each request takes a random line of the file named by BENCH_PATHS: a path, or for a POST "path<TAB>body" with
-- "{n}" in the body replaced by a random six-digit number (a new phone and email each time, so that the filings
-- are not duplicates of one another). BENCH_COOKIE and BENCH_REFERER become headers. BENCH_EXPECT, when set, is
-- the one status every response must have (302 for the form's POST): others are counted as unexpected, since wrk
-- itself counts only statuses >= 400. done() prints one line of JSON, after the marker "BENCH-JSON ".

local lines = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  lines[#lines + 1] = line
end
local method = os.getenv("BENCH_METHOD") or "GET"
local expect = tonumber(os.getenv("BENCH_EXPECT") or "")

if os.getenv("BENCH_COOKIE") then wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") end
if os.getenv("BENCH_REFERER") then wrk.headers["Referer"] = os.getenv("BENCH_REFERER") end
if method == "POST" then wrk.headers["Content-Type"] = "application/x-www-form-urlencoded" end

local threads = {}

function setup(thread)
  thread:set("seed", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
  unexpected = 0
end

function request()
  local line = lines[math.random(#lines)]
  if method == "POST" then
    local path, body = line:match("^([^\t]+)\t(.*)$")
    body = body:gsub("{n}", string.format("%06d", math.random(0, 999999)))
    return wrk.format("POST", path, nil, body)
  end
  return wrk.format("GET", line)
end

if expect then
  function response(status, headers, body)
    if status ~= expect then unexpected = unexpected + 1 end
  end
end

function done(summary, latency, requests)
  local unexpected_total = 0
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, "unexpected": %d, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout, unexpected_total,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000
  ))
end
