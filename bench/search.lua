-- wrk script for bench/search.sh: search requests rotating cities, dates, stay lengths and
-- guests, the way people search (most with dates and guests, some with a sort or a filter).
local cities = {
  "Paris", "London", "New%20York", "Barcelona", "Rome", "Amsterdam", "Lisbon", "Tokyo",
  "Los%20Angeles", "Berlin", "Miami", "Sydney", "Florence", "Madrid", "Vienna", "Prague",
  "Venice", "Porto", "Edinburgh", "Kyoto", "Toronto", "Athens", "Chicago", "Nice", "Zurich",
  "Bangkok", "Dubai", "Chamonix", "Aspen", "Italy", "Spain", "United%20States", "amster",
}
local extras = {
  "", "", "", "", "&sort=price_asc", "&sort=rating", "&min_price=50&max_price=200",
  "&amenities=wifi&amenities=kitchen", "&property_type=apartment", "&bedrooms=2",
}
local counter = 0
dofile("bench/common.lua")

request = function()
  counter = counter + 1
  local city = cities[(counter % #cities) + 1]
  local start = 3 + (counter * 7) % 150
  local nights = 2 + (counter % 6)
  local guests = 1 + (counter % 4)
  local extra = extras[(counter % #extras) + 1]
  local path = "/search?location=" .. city .. "&check_in=" .. date(start) ..
    "&check_out=" .. date(start + nights) .. "&guests=" .. guests .. extra
  return wrk.format("GET", path)
end
