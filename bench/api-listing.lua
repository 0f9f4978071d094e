-- wrk script for bench/api.sh: one listing at a time over the seeded ids (about 3 % of them are
-- drafts or unlisted, which answer 404 and show as "Non-2xx" in wrk's report).
local counter = 0

request = function()
  counter = counter + 1
  local id = 1 + (counter * 7919) % 100000
  return wrk.format("GET", "/api/v1/listings/" .. id, { ["Accept"] = "application/json" })
end
