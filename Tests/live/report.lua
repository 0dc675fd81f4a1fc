-- wrk script: GET one page (the URL wrk is given) and print the end of a Markdown table row for it:
-- requests/s, p50, p99 and max latency in ms, and the number of non-2xx/3xx answers.
-- RW_COOKIE, when set, is sent as the Cookie header (a signed-in operator).
local cookie = os.getenv("RW_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

done = function(summary, latency, requests)
  io.write(string.format("%.0f | %.2f | %.2f | %.2f | %d |\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status))
end
