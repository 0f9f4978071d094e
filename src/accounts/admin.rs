//! The admin console's door to accounts: `/admin/users` (search, filters, sorting, pages), its
//! CSV export, a user's page and the actions on it, and the security events
//! (`/admin/security-events`). Handlers parse, call one service of
//! [`crate::accounts::service::admin`] and render; the rules live there.

mod actions;
mod detail;
mod export;
mod list;
mod security;

crate::admin_routes! {
    Get "/users" => list::show,
    Get "/users.csv" => export::csv,
    Get "/users/{id}" => detail::show,
    Post "/users/{id}/suspend" => actions::suspend,
    Post "/users/{id}/unsuspend" => actions::unsuspend,
    Post "/users/{id}/verify-email" => actions::verify_email,
    Post "/users/{id}/roles" => actions::change_role,
    Post "/users/{id}/send-password-reset" => actions::send_password_reset,
    Get "/security-events" => security::list,
}
