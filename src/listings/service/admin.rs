//! Listings as an admin sees and changes them: the list ([`list`], with its CSV chunks), a
//! listing's page ([`detail`]: every field, photos, the calendar ahead, bookings) and taking
//! a listing off the site or putting it back ([`set_listed`]), with a reason the host is
//! emailed. Every function takes the admin's proof; the actions take sudo mode and write their
//! audit row in their transaction.

mod detail;
mod list;

pub use detail::{ListingDetail, detail, set_listed};
pub use list::{ListingFilters, ListingRow, ListingSort, export_chunk, list};
