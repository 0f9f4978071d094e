-- wrk script for bench/api.sh: price quotes for stays of 2 to 7 nights over the seeded ids
-- (taken dates and drafts answer 422 and 404, counted as "Non-2xx" by wrk).
local counter = 0
dofile("bench/common.lua")

request = function()
  counter = counter + 1
  local id = 1 + (counter * 7919) % 100000
  local start = 3 + (counter * 7) % 150
  local path = "/api/v1/listings/" .. id .. "/quote?check_in=" .. date(start) ..
    "&check_out=" .. date(start + 2 + counter % 6) .. "&guests=2"
  return wrk.format("GET", path, { ["Accept"] = "application/json" })
end
