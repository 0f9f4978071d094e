//! The one "refused" page: a rule said no to what the user asked (booking taken dates, reviewing
//! too late, …). It says what happened and why, and offers the way back (and, when there is
//! one, the way forward). htmx requests get the same message as a fragment.

use actix_web::{HttpResponse, http::StatusCode};
use askama::Template;

use super::{forms, page::PageContext};
use crate::errors::AppResult;

/// What the refused page says.
pub struct Refusal<'a> {
    pub status: StatusCode,
    /// The heading: what could not be done ("Those dates were just taken").
    pub title: &'a str,
    /// Why, and what to do instead.
    pub message: &'a str,
    /// The way back: (href, label).
    pub back: (&'a str, &'a str),
    /// A way forward, if there is one: (href, label).
    pub action: Option<(&'a str, &'a str)>,
}

#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage<'a> {
    page: PageContext,
    refusal: &'a Refusal<'a>,
}

#[derive(Template)]
#[template(path = "refused_fragment.html")]
struct RefusedFragment<'a> {
    refusal: &'a Refusal<'a>,
    status: u16,
}

/// The refused page (a fragment for htmx) with the refusal's status.
pub fn respond(page: PageContext, refusal: &Refusal) -> AppResult<HttpResponse> {
    let html = if page.htmx {
        RefusedFragment {
            refusal,
            status: refusal.status.as_u16(),
        }
        .render()?
    } else {
        RefusedPage { page, refusal }.render()?
    };
    Ok(forms::html(refusal.status, html))
}
