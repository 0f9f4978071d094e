-- wrk script for bench/pages.sh: the home page (the search bar and the featured stays), as a
-- visitor opens it.
request = function()
  return wrk.format("GET", "/")
end
