//! The admin console's door to payments: `/admin/payments` (the ledger, charges and refunds,
//! filtered and paged), its CSV export, a payment's page and the manual refund. Handlers
//! parse, call one service of [`crate::payments::service::admin`] and render.

mod detail;
mod list;

crate::admin_routes! {
    Get "/payments" => list::show,
    Get "/payments.csv" => list::csv,
    Get "/payments/{id}" => detail::show,
    Post "/payments/{id}/refund" => detail::refund,
}
