-- wrk script for bench/pages.sh (PAGES=graphql): the nested query of the GraphQL issue,
-- POSTed as JSON: 20 listings of a place (rotating the places, dates and guests of
-- bench/search.lua) with each one's host, cover photo, amenities and first three reviews with
-- their authors. A POST needs the CSRF token: bench/serve.sh fetches a visitor's
-- (GET /api/v1/session) and passes the cookie and the token in ROOST_BENCH_COOKIE and
-- ROOST_BENCH_CSRF.
dofile("bench/search.lua")
local search_request = request

local query = "query($location: String!, $checkIn: String!, $checkOut: String!, $guests: Int!) { " ..
  "listings(location: $location, checkIn: $checkIn, checkOut: $checkOut, guests: $guests, first: 20) { " ..
  "edges { cursor node { id title city nightlyPrice { amountMinor currency formatted } rating reviewCount " ..
  "host { name avatarUrl memberSince } coverPhoto { url width height } amenities { slug name } " ..
  "reviews(first: 3) { rating comment publishedAt author { name avatarUrl } } } } " ..
  "pageInfo { hasNextPage endCursor } } }"

local function unescape(text)
  return (text:gsub("%%20", " "))
end

local headers = {
  ["Content-Type"] = "application/json",
  ["Cookie"] = os.getenv("ROOST_BENCH_COOKIE"),
  ["X-CSRF-Token"] = os.getenv("ROOST_BENCH_CSRF"),
}

request = function()
  -- The search script's URL carries this request's place, dates and guests.
  local path = search_request():match("^GET ([^ ]+)")
  local location = unescape(path:match("location=([^&]+)"))
  local check_in = path:match("check_in=([^&]+)")
  local check_out = path:match("check_out=([^&]+)")
  local guests = path:match("guests=(%d+)")
  local body = string.format(
    '{"query":"%s","variables":{"location":"%s","checkIn":"%s","checkOut":"%s","guests":%s}}',
    query, location, check_in, check_out, guests)
  return wrk.format("POST", "/graphql", headers, body)
end
