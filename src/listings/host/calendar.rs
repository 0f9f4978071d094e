//! `/host/listings/{id}/calendar`: three months of the listing's calendar (free, blocked,
//! booked, past), a form to block dates and the list of blocks to release. Works as plain
//! forms; with htmx the calendar panel is swapped in place.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{Host, owned};
use crate::{
    errors::{AppError, AppResult},
    listings::{
        block_dates::BlockRequest,
        calendar::{self, BlockError, CalendarEntry},
        model::Listing,
        month_grid::{self, Month, WEEKDAYS},
    },
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        is_htmx,
        page::PageContext,
    },
};

/// Months shown at once.
const MONTHS_SHOWN: u32 = 3;
/// Most upcoming blocks listed for release.
const BLOCKS_LISTED: i64 = 100;

/// The block form as typed; `month` keeps the months being looked at.
#[derive(Clone, Debug, Default, Deserialize)]
struct BlockForm {
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    month: String,
}

/// What the calendar panel shows.
struct CalendarView {
    months: Vec<Month>,
    first: NaiveDate,
    blocks: Vec<CalendarEntry>,
    form: BlockForm,
    errors: FormErrors,
    notice: String,
}

impl CalendarView {
    fn month_key(&self) -> String {
        month_grid::key(self.first)
    }

    fn earlier(&self) -> String {
        month_grid::key(month_grid::shift(self.first, -(MONTHS_SHOWN as i32)))
    }

    fn later(&self) -> String {
        month_grid::key(month_grid::shift(self.first, MONTHS_SHOWN as i32))
    }

    fn weekdays(&self) -> &'static [(&'static str, &'static str)] {
        &WEEKDAYS
    }
}

#[derive(Template)]
#[template(path = "listings/host/calendar.html")]
struct CalendarPage {
    page: PageContext,
    listing: Listing,
    tab: &'static str,
    view: CalendarView,
}

#[derive(Template)]
#[template(path = "listings/host/calendar_panel.html")]
struct CalendarPanel {
    page: PageContext,
    listing: Listing,
    view: CalendarView,
}

/// Today where the listing is.
fn today_at(listing: &Listing) -> NaiveDate {
    calendar::today_in(listing.tz())
}

/// What to show besides the calendar itself: from which month, and the block form's state.
struct Shown {
    first: NaiveDate,
    form: BlockForm,
    errors: FormErrors,
    notice: String,
}

impl Shown {
    /// The form as typed, with its problems.
    fn with_form(first: NaiveDate, form: BlockForm, errors: FormErrors) -> Self {
        Shown {
            first,
            form,
            errors,
            notice: String::new(),
        }
    }

    /// A fresh form, with a message saying what just happened (or nothing).
    fn fresh(first: NaiveDate, notice: impl Into<String>) -> Self {
        Shown {
            first,
            form: BlockForm::default(),
            errors: FormErrors::new(),
            notice: notice.into(),
        }
    }
}

/// Loads the window's entries and the upcoming blocks (two queries) and renders the page, or
/// the panel alone for htmx.
async fn render(
    req: &HttpRequest,
    state: &AppState,
    page: PageContext,
    listing: Listing,
    shown: Shown,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let Shown {
        first,
        form,
        errors,
        notice,
    } = shown;
    let today = today_at(&listing);
    let (from, to) = month_grid::window(first, MONTHS_SHOWN);
    let mut conn = crate::db::connection(&state.pool).await?;
    let entries = calendar::entries_between(&mut conn, listing.id, from, to).await?;
    let blocks = calendar::blocks_from(&mut conn, listing.id, today, BLOCKS_LISTED).await?;
    drop(conn);
    let view = CalendarView {
        months: month_grid::months(first, MONTHS_SHOWN, today, &entries),
        first,
        blocks,
        form,
        errors,
        notice,
    };
    let html = if is_htmx(req) {
        CalendarPanel {
            page,
            listing,
            view,
        }
        .render()?
    } else {
        CalendarPage {
            page,
            listing,
            tab: "calendar",
            view,
        }
        .render()?
    };
    Ok(forms::html(status, html))
}

#[derive(Deserialize)]
struct MonthQuery {
    #[serde(default)]
    month: String,
}

async fn show(
    req: HttpRequest,
    Host(host): Host,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<MonthQuery>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    drop(conn);
    let shown = Shown::fresh(
        month_grid::first_shown(&query.month, today_at(&listing)),
        "",
    );
    render(&req, &state, page, listing, shown, StatusCode::OK).await
}

fn calendar_url(listing: &Listing, first: NaiveDate) -> String {
    let month = month_grid::key(first);
    format!("/host/listings/{}/calendar?month={month}", listing.id)
}

async fn block(
    req: HttpRequest,
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<BlockForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    let today = today_at(&listing);
    let parsed = BlockRequest::parse(&form.start, &form.end, &form.note, today);
    // Keep showing the months being looked at (or those of the new block).
    let first = match (form.month.as_str(), &parsed) {
        ("", Ok(request)) => month_grid::first_shown(&month_grid::key(request.dates.start), today),
        (month, _) => month_grid::first_shown(month, today),
    };
    let mut errors = FormErrors::new();
    let request = match parsed {
        Ok(request) => request,
        Err(problems) => {
            drop(conn);
            for problem in problems {
                errors.add(problem.field, problem.message);
            }
            let shown = Shown::with_form(first, form, errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&req, &state, page, listing, shown, status).await;
        }
    };
    let outcome =
        calendar::block(&mut conn, listing.id, request.dates.clone(), &request.note).await;
    drop(conn);
    let summary = format!("{} are blocked.", request.describe());
    match outcome {
        Ok(_) if is_htmx(&req) => {
            let shown = Shown::fresh(first, summary);
            render(&req, &state, page, listing, shown, StatusCode::OK).await
        }
        Ok(_) => {
            flash::push(&session, FlashKind::Success, summary);
            Ok(forms::see_other(&calendar_url(&listing, first)))
        }
        Err(BlockError::Overlap) => {
            errors.add(
                "form",
                "Those dates overlap a booking or another block. Choose other dates, or unblock the other dates first.",
            );
            let shown = Shown::with_form(first, form, errors);
            render(&req, &state, page, listing, shown, StatusCode::CONFLICT).await
        }
        Err(BlockError::Database(error)) => Err(error.into()),
    }
}

async fn unblock(
    req: HttpRequest,
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<MonthQuery>,
) -> AppResult<HttpResponse> {
    let (listing_id, entry_id) = path.into_inner();
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, listing_id, &host).await?;
    if !calendar::unblock(&mut conn, listing.id, entry_id).await? {
        return Err(AppError::NotFound);
    }
    drop(conn);
    let first = month_grid::first_shown(&form.month, today_at(&listing));
    let notice = "Those dates are free again.".to_string();
    if is_htmx(&req) {
        let shown = Shown::fresh(first, notice);
        return render(&req, &state, page, listing, shown, StatusCode::OK).await;
    }
    flash::push(&session, FlashKind::Success, notice);
    Ok(forms::see_other(&calendar_url(&listing, first)))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/listings/{id}/calendar", web::get().to(show))
        .route("/host/listings/{id}/calendar/block", web::post().to(block))
        .route(
            "/host/listings/{id}/calendar/blocks/{entry_id}/delete",
            web::post().to(unblock),
        );
}
