//! Listings: the host's management pages (create, edit, photos, calendar) and the model that
//! search, the listing page and bookings share.

pub mod model;
