-- wrk script for bench/pages.sh: the listing page over the seeded ids, as bench/api-listing.lua
-- reads them (about 3 % are drafts or unlisted: 404, "Non-2xx" in wrk's report). Three views in
-- four are a plain page; the fourth carries a stay to quote, as after "Check price" or a search
-- with dates.
local counter = 0
dofile("bench/common.lua")

request = function()
  counter = counter + 1
  local id = 1 + (counter * 7919) % 100000
  local path = "/listings/" .. id
  if counter % 4 == 0 then
    local start = 3 + (counter * 7) % 150
    local nights = 2 + (counter % 6)
    path = path .. "?check_in=" .. date(start) .. "&check_out=" .. date(start + nights) ..
      "&guests=" .. (1 + counter % 4)
  end
  return wrk.format("GET", path)
end
