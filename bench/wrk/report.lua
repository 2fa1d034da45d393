-- Shared by every benchmark run: bound the request count and report exact figures as JSON.
-- BENCH_MAX_REQUESTS stops each wrk thread after that many responses (0 = time bound only).
-- BENCH_METHOD / BENCH_BODY / BENCH_COOKIE / BENCH_CSRF / BENCH_CONTENT_TYPE / BENCH_AUTH turn
-- the GET into a write; BENCH_PATHS ("a|b|c") rotates request paths (e.g. one thread per POST).

local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^|]+") do paths[#paths + 1] = p end

local headers = {}
if os.getenv("BENCH_COOKIE") then headers["Cookie"] = os.getenv("BENCH_COOKIE") end
if os.getenv("BENCH_CSRF") then headers["X-CSRFToken"] = os.getenv("BENCH_CSRF") end
if os.getenv("BENCH_AUTH") then headers["Authorization"] = os.getenv("BENCH_AUTH") end
if os.getenv("BENCH_CONTENT_TYPE") then headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") end

local counter = 0
local responses = 0

function request()
  local path = nil
  if #paths > 0 then
    counter = counter + 1
    path = paths[(counter % #paths) + 1]
  end
  return wrk.format(method, path, headers, body)
end

function response(status, _, _)
  responses = responses + 1
  if max_requests > 0 and responses >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
