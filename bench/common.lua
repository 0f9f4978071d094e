-- Shared by the wrk scripts (loaded with dofile; wrk runs from the repository's root):
-- a day `days` from today as YYYY-MM-DD (UTC), for check-in and check-out dates.
local today = os.time()

function date(days)
  return os.date("!%Y-%m-%d", today + days * 86400)
end
