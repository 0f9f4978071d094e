//! Bookings as an admin sees and changes them: the list ([`list`], with its CSV chunks), a
//! booking's page ([`detail`]: price lines, state history, ledger, admin history) and the
//! platform's cancellation ([`cancel`]: the host cancellation's transition, refunding in full
//! through the ledger, with its audit row in the same transaction). Every function takes the
//! admin's proof; the cancellation takes sudo mode.

mod detail;
mod list;

pub use detail::{BookingDetail, cancel, detail};
pub use list::{BookingFilters, BookingRow, BookingSort, export_chunk, list};
