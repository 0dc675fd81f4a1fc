-- wrk script: POST heartbeats with changing counts to one running run.
-- RUNWATCH_TOKEN and RUNWATCH_RUN_ID come from the environment (see `make bench-heartbeat`).
local token = os.getenv("RUNWATCH_TOKEN")
local run_id = os.getenv("RUNWATCH_RUN_ID")
local counter = 0

wrk.method = "POST"
wrk.path = "/api/v1/runs/" .. run_id .. "/heartbeat"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"summary_counts": {"processed": ' .. counter .. ', "total": 1000000}}')
end

done = function(summary)
  io.write(string.format("requests/s: %.0f, non-2xx answers: %d\n",
    summary.requests / (summary.duration / 1e6), summary.errors.status))
end
