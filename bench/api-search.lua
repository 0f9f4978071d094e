-- wrk script for bench/api.sh: the searches of bench/search.lua (same places, dates, guests
-- and filters), asked of the API instead of the page.
dofile("bench/search.lua")
local page_request = request

request = function()
  return (page_request():gsub("^GET /search%?", "GET /api/v1/listings?", 1))
end
