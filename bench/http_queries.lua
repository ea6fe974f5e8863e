-- wrk script: each request asks /search for the next real query of the
-- file named by the QUERIES environment variable (KIND<TAB>QUERY lines),
-- and every non-200 answer is counted so the summary can report it.
local queries = {}
local n, bad = 0, 0

local function escape(s)
    return (s:gsub("[^%w%-_%.~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

for line in io.lines(os.getenv("QUERIES")) do
    local q = line:match("^[^\t]*\t(.*)$")
    if q then
        queries[#queries + 1] = "/search?q=" .. escape(q)
    end
end

function setup(thread)
    thread:set("offset", math.random(#queries))
end

function request()
    n = n + 1
    local path = queries[(offset + n) % #queries + 1]
    return wrk.format("GET", path)
end

function response(status, headers, body)
    if status ~= 200 then
        bad = bad + 1
    end
end

function done(summary, latency, requests)
    io.write(string.format(
        "result requests=%d non2xx=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f\n",
        summary.requests, summary.errors.status,
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
