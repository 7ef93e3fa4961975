-- wrk script for bench:e2e. Every request carries the next buyer's token from a
-- file (one per line); each thread takes its own stride of the file's slice, so
-- no two requests of a run share a buyer until the slice wraps around.
-- args: method path tokens-file first-line line-count
-- Prints one line at the end: "E2E_RESULT {json}" with latency percentiles (µs) and the status mix.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count - 1)
  table.insert(threads, thread)
end

function init(args)
  method, target = args[1], args[2]
  local file, first, count = args[3], tonumber(args[4]), tonumber(args[5])
  local stride = tonumber(args[6])
  tokens = {}
  local line_number = 0
  for line in io.lines(file) do
    line_number = line_number + 1
    local offset = line_number - first
    if offset >= 0 and offset < count and offset % stride == thread_index then table.insert(tokens, line) end
    if offset >= count then break end
  end
  if #tokens == 0 then error("no tokens for thread " .. thread_index) end
  next_token = 1
  statuses = {}
end

function request()
  local token = tokens[next_token]
  next_token = next_token % #tokens + 1
  local headers = { ["Authorization"] = "Bearer " .. token }
  if method == "POST" then headers["Content-Type"] = "application/json" end
  return wrk.format(method, target, headers, method == "POST" and "{}" or nil)
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local mix = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do mix[status] = (mix[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(mix) do table.insert(parts, string.format('"%d":%d', status, count)) end
  local errors = summary.errors
  io.write(string.format(
    'E2E_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,' ..
      '"socketErrors":%d,"timeouts":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, errors.connect + errors.read + errors.write, errors.timeout, table.concat(parts, ",")))
end
