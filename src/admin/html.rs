//! The console shell's HTML door: the dashboard, the audit log and the password confirmation
//! of sudo mode, and what every admin page shares (sudo mode kept in the session, links that
//! keep a list's query string).

mod audit;
mod confirm;
mod dashboard;

use actix_session::Session;
use actix_web::HttpResponse;
use chrono::Utc;

use super::sudo::{Confirmation, Sudo};
use crate::{service::Admin, web::forms};

crate::admin_routes! {
    Get "" => dashboard::show,
    Get "/" => dashboard::show,
    Get "/audit" => audit::show,
    Get "/audit.csv" => audit::csv,
    Get "/confirm" => confirm::show,
    Post "/confirm" => confirm::submit,
}

/// Session key of the admin's last password confirmation (the session state is stored
/// server-side: `web::session_store`).
const SUDO_KEY: &str = "admin_sudo";

/// Sudo mode for `admin` in this session, if their confirmation is fresh.
pub fn sudo(session: &Session, admin: Admin) -> Option<Sudo> {
    let confirmation = session.get::<Confirmation>(SUDO_KEY).ok().flatten();
    Sudo::check(admin, confirmation, Utc::now())
}

fn remember(session: &Session, confirmation: Confirmation) -> Result<(), crate::errors::AppError> {
    session.insert(SUDO_KEY, confirmation)?;
    Ok(())
}

/// The answer to a destructive action without a fresh confirmation: the confirmation page,
/// which then brings the admin back to `back` (the page the action was on) to do it again.
pub fn confirm_first(back: &str) -> HttpResponse {
    let back = forms::safe_next(back).unwrap_or("/admin");
    forms::see_other(&format!(
        "/admin/confirm?next={}",
        crate::errors::url_encode(back)
    ))
}

/// `?key=value&…` of the non-empty pairs (for pagination and sort links that keep a list's
/// filters).
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| (*key, value.as_str()))
        .collect();
    match serde_urlencoded::to_string(kept) {
        Ok(query) if !query.is_empty() => format!("?{query}"),
        _ => String::new(),
    }
}
