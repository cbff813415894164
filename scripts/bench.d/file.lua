-- wrk: every request files the restaurant application (a durable write: the answer comes
-- after the commit).
local f = io.open(os.getenv("BENCH_BODY"), "r")
local answers = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"bundle":"restaurant","answers":' .. answers .. '}'
