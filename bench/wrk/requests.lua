-- wrk script for the Transition benchmark.
--
--   wrk -t1 -c4 -d15s -s bench/wrk/requests.lua http://127.0.0.1:8765 -- FILE
--
-- FILE has one request per line, tab-separated: METHOD, PATH, BODY, then header name/value
-- pairs (the session and CSRF cookies, X-CSRFToken, HX-Request, ...). Each connection's
-- thread walks the lines round-robin. done() prints one JSON line with the throughput,
-- the latency percentiles (microseconds) and how many answers were not 200.

local threads = {}
local requests = {}
local next_index = 1
not_ok = 0  -- global: done() reads it from each thread with thread:get

local function split(line)
  local fields, start = {}, 1
  while true do
    local tab = string.find(line, "\t", start, true)
    if not tab then
      fields[#fields + 1] = string.sub(line, start)
      return fields
    end
    fields[#fields + 1] = string.sub(line, start, tab - 1)
    start = tab + 1
  end
end

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if line ~= "" then
      local f = split(line)
      local headers = {}
      for i = 4, #f - 1, 2 do
        headers[f[i]] = f[i + 1]
      end
      local body = f[3] ~= "" and f[3] or nil
      requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
    end
  end
  file:close()
  -- Threads start at different lines, so they do not all hit the same row at once.
  next_index = (id or 0) % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests_)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("not_ok") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "not_200": %d, "socket_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, bad, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean
  ))
end
