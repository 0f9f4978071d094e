//! The admin console's door to bookings: `/admin/bookings` (search, filters, sorting, pages),
//! its CSV export, a booking's page and the platform's cancellation. Handlers parse, call one
//! service of [`crate::bookings::service::admin`] and render; the rules live there.

mod detail;
mod list;

crate::admin_routes! {
    Get "/bookings" => list::show,
    Get "/bookings.csv" => list::csv,
    Get "/bookings/{id}" => detail::show,
    Post "/bookings/{id}/cancel" => detail::cancel,
}
