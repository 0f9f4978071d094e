//! The admin console's door to listings: `/admin/listings` (search, filters, sorting, pages),
//! its CSV export, a listing's page and unlisting / relisting it. Handlers parse, call one
//! service of [`crate::listings::service::admin`] and render; the rules live there.

mod detail;
mod list;

crate::admin_routes! {
    Get "/listings" => list::show,
    Get "/listings.csv" => list::csv,
    Get "/listings/{id}" => detail::show,
    Post "/listings/{id}/unlist" => detail::unlist,
    Post "/listings/{id}/relist" => detail::relist,
}
