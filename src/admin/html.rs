//! The console shell's HTML door: the dashboard, the audit log, the job queue and the password
//! confirmation of sudo mode, and what every admin page shares (sudo mode kept in the session, links that
//! keep a list's query string).

mod audit;
mod confirm;
mod dashboard;
mod jobs;

use actix_session::Session;
use actix_web::HttpResponse;
use chrono::Utc;

use super::{
    paging::Direction,
    sudo::{Confirmation, Sudo},
};
use crate::{service::Admin, web::forms};

crate::admin_routes! {
    Get "" => dashboard::show,
    Get "/" => dashboard::show,
    Get "/audit" => audit::show,
    Get "/audit.csv" => audit::csv,
    Get "/confirm" => confirm::show,
    Post "/confirm" => confirm::submit,
    Get "/jobs" => jobs::show,
    Post "/jobs/{id}/retry" => jobs::retry,
    Post "/jobs/{id}/discard" => jobs::discard,
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

/// The status of an action's page shown again with the message of a rule that refused the
/// action (`None`: not a refusal, and the error pages answer as usual).
pub fn refusal_status(error: &crate::service::ServiceError) -> Option<actix_web::http::StatusCode> {
    use crate::service::ServiceError;
    use actix_web::http::StatusCode;
    match error {
        ServiceError::Conflict(_) => Some(StatusCode::CONFLICT),
        ServiceError::NotAllowed(_) => Some(StatusCode::FORBIDDEN),
        ServiceError::Refused(_) => Some(StatusCode::UNPROCESSABLE_ENTITY),
        _ => None,
    }
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

/// A sortable column's header link.
pub struct SortLink {
    pub label: &'static str,
    pub href: String,
    /// `ascending`/`descending` when the list is sorted by it (for `aria-sort`).
    pub aria_sort: &'static str,
}

/// The links of a sortable, paged list at `path` (`/admin/users`): the pages, the CSV export
/// (`{path}.csv` with the same filters) and the column headers, each keeping the filters.
pub struct ListLinks {
    /// Ends in `page=`, for the page number.
    pub page_link: String,
    pub csv_link: String,
    pub columns: Vec<SortLink>,
}

impl ListLinks {
    /// `columns` are (label, sort key); the list is sorted by `sort` in `direction`.
    pub fn new(
        path: &str,
        filters: &[(&'static str, String)],
        columns: &[(&'static str, &'static str)],
        (sort, direction): (&'static str, Direction),
        size: i64,
    ) -> ListLinks {
        let with = |extra: &[(&'static str, String)]| {
            let mut pairs = filters.to_vec();
            pairs.extend_from_slice(extra);
            query_string(&pairs)
        };
        let base = with(&[
            ("sort", sort.to_string()),
            ("dir", direction.as_str().to_string()),
            ("per_page", size.to_string()),
        ]);
        let page_link = format!(
            "{path}{base}{}page=",
            if base.is_empty() { "?" } else { "&" }
        );
        let csv_link = format!("{path}.csv{}", with(&[]));
        let columns = columns
            .iter()
            .map(|&(label, column)| {
                let current = column == sort;
                let next = if current {
                    direction.flipped()
                } else {
                    Direction::Asc
                };
                SortLink {
                    label,
                    href: format!(
                        "{path}{}",
                        with(&[
                            ("sort", column.to_string()),
                            ("dir", next.as_str().to_string()),
                            ("per_page", size.to_string()),
                        ])
                    ),
                    aria_sort: match (current, direction) {
                        (false, _) => "none",
                        (true, Direction::Asc) => "ascending",
                        (true, Direction::Desc) => "descending",
                    },
                }
            })
            .collect();
        ListLinks {
            page_link,
            csv_link,
            columns,
        }
    }
}
