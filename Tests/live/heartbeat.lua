-- wrk script: POST heartbeats with changing counts to one running run and print the end of a
-- Markdown table row like report.lua.
-- RW_TOKEN and RW_RUN_ID come from the environment (see Tests/live/bench.sh).
local token = os.getenv("RW_TOKEN")
local run_id = os.getenv("RW_RUN_ID")
local counter = 0

wrk.method = "POST"
wrk.path = "/api/v1/runs/" .. run_id .. "/heartbeat"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"summary_counts": {"processed": ' .. counter .. ', "total": 1000000}}')
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("%.0f | %.2f | %.2f | %.2f | %d |\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status))
end
