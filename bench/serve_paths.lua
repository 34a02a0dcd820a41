-- Requests drawn in turn from a list of paths; stops each thread after its share of the
-- requests; counts non-2xx answers; prints percentiles as JSON at the end.
local paths = {}
local limit = tonumber(os.getenv("WRK_REQUESTS") or "10000")
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do table.insert(paths, line) end
  n = 0; errors = 0; share = math.ceil(limit / tonumber(os.getenv("WRK_THREADS") or "1"))
  i = id
end
function request()
  i = (i % #paths) + 1
  return wrk.format("GET", paths[i])
end
function response(status, headers, body)
  n = n + 1
  if status ~= 200 then errors = errors + 1 end
  if n >= share then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do errs = errs + t:get("errors") end
  io.write(string.format('{"requests": %d, "errors": %d, "socket_errors": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, "max": %.3f}\n',
    summary.requests, errs, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
