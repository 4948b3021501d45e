-- wrk script of the ingest scenario: POSTs pre-signed Lever deliveries, one per request, each
-- used once. wrk's Lua has no HMAC, so bench/scenarios/ingest.js writes the signed bodies to a
-- file, one JSON per line; thread i of n takes lines i, i+n, i+2n, ... so no two requests of a
-- run share a delivery token. If a thread runs out it starts again (and says so: "wrapped").
--
--   wrk -t1 -c50 -d10s -s bench/wrk/lever-webhooks.lua <webhook URL> -- <bodies file> <threads> [offset]
--
-- `offset`: bodies already used against this server by an earlier run (start after them).
-- done() prints one line "WRKJSON {...}": requests, duration, errors, latency percentiles (us),
-- the latency at every 0.1 percentile (so runs can be merged), the wrap count and wrk's own CPU
-- time during the run (from /proc/self/stat, after loading the file).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function cpu_ticks()
  local f = io.open("/proc/self/stat", "r")
  if not f then return -1 end
  local s = f:read("*a")
  f:close()
  local rest = s:sub(s:find(")", 1, true) + 2)
  local fields = {}
  for v in rest:gmatch("%S+") do fields[#fields + 1] = v end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function init(args)
  local file = args[1]
  local nthreads = tonumber(args[2]) or 1
  local offset = tonumber(args[3]) or 0
  bodies = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == id then bodies[#bodies + 1] = line end
    i = i + 1
  end
  index = math.floor(offset / nthreads) % math.max(1, #bodies)
  wrapped = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["User-Agent"] = "Lever-Webhooks"
  cpu0 = cpu_ticks()
end

function request()
  index = index + 1
  if index > #bodies then
    index = 1
    wrapped = wrapped + 1
  end
  return wrk.format(nil, nil, nil, bodies[index])
end

function done(summary, latency, requests)
  local wraps, start = 0, 0
  for _, t in ipairs(threads) do
    wraps = wraps + (t:get("wrapped") or 0)
    local c = t:get("cpu0") or 0
    if c > start then start = c end
  end
  local e = summary.errors
  local dist = {}
  for i = 1, 1000 do dist[i] = string.format("%d", latency:percentile(i / 10)) end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,"wrapped":%d,"cpu_ticks":%d,"dist":[%s]}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    wraps, cpu_ticks() - start, table.concat(dist, ",")))
end
