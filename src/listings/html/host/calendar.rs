//! `/host/listings/{id}/calendar`: three months of the listing's calendar (free, blocked,
//! booked, past), a form to block dates and the list of blocks to release. Works as plain
//! forms; with htmx the calendar panel is swapped in place.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{connection, door};
use crate::{
    errors::AppError,
    listings::{
        block_dates,
        calendar::CalendarEntry,
        model::Listing,
        month_grid::{self, Month, WEEKDAYS},
        service::calendar::{self as calendar_service, Blocked, CalendarWindow, MONTHS_SHOWN},
    },
    service::{Actor, CalendarEntryId, ListingId, ServiceError},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        is_htmx,
        page::PageContext,
    },
};

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
    /// The whole export address, once the host made one.
    export_url: Option<String>,
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

/// What the panel says besides the calendar itself: the block form's state and a notice.
struct Shown {
    form: BlockForm,
    errors: FormErrors,
    notice: String,
}

impl Shown {
    /// The form as typed, with its problems.
    fn with_form(form: BlockForm, errors: FormErrors) -> Self {
        Shown {
            form,
            errors,
            notice: String::new(),
        }
    }

    /// A fresh form, with a message saying what just happened (or nothing).
    fn fresh(notice: impl Into<String>) -> Self {
        Shown {
            form: BlockForm::default(),
            errors: FormErrors::new(),
            notice: notice.into(),
        }
    }
}

/// Renders the page from the month `month`, or the panel alone for htmx.
#[allow(clippy::too_many_arguments)]
async fn render(
    req: &HttpRequest,
    actor: &Actor,
    state: &AppState,
    page: PageContext,
    listing_id: ListingId,
    month: &str,
    shown: Shown,
    status: StatusCode,
) -> actix_web::Result<HttpResponse> {
    let Shown {
        form,
        errors,
        notice,
    } = shown;
    let mut conn = connection(state).await?;
    let CalendarWindow {
        listing,
        first,
        months,
        blocks,
        export_token,
    } = calendar_service::window(&mut conn, actor, listing_id, month)
        .await
        .map_err(door(req))?;
    drop(conn);
    let view = CalendarView {
        months,
        first,
        blocks,
        export_url: export_token.map(|token| {
            format!(
                "{}{}",
                state.config.base_url.trim_end_matches('/'),
                crate::calendar_sync::service::feed_path(&token)
            )
        }),
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
        .render()
    } else {
        CalendarPage {
            page,
            listing,
            tab: "calendar",
            view,
        }
        .render()
    }
    .map_err(AppError::from)?;
    Ok(forms::html(status, html))
}

#[derive(Deserialize)]
struct MonthQuery {
    #[serde(default)]
    month: String,
}

async fn show(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
    query: web::Query<MonthQuery>,
) -> actix_web::Result<HttpResponse> {
    let shown = Shown::fresh("");
    let id = path.into_inner();
    render(
        &req,
        &actor,
        &state,
        page,
        id,
        &query.month,
        shown,
        StatusCode::OK,
    )
    .await
}

/// The calendar from the month `month` as clamped around today at the listing.
fn calendar_url(listing: &Listing, month: &str) -> String {
    let first = month_grid::first_shown(month, listing.today());
    let month = month_grid::key(first);
    format!("/host/listings/{}/calendar?month={month}", listing.id)
}

async fn block(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
    form: web::Form<BlockForm>,
) -> actix_web::Result<HttpResponse> {
    let form = form.into_inner();
    let id = path.into_inner();
    let mut conn = connection(&state).await?;
    let blocked =
        calendar_service::block(&mut conn, &actor, id, &form.start, &form.end, &form.note).await;
    drop(conn);
    // Keep showing the months being looked at, or those of the new block.
    let month_of_dates = |start: NaiveDate| match form.month.as_str() {
        "" => month_grid::key(start),
        month => month.to_string(),
    };
    match blocked {
        Ok(Blocked {
            listing, request, ..
        }) => {
            let month = month_of_dates(request.dates.start);
            let summary = format!("{} are blocked.", request.describe());
            if is_htmx(&req) {
                let shown = Shown::fresh(summary);
                return render(
                    &req,
                    &actor,
                    &state,
                    page,
                    id,
                    &month,
                    shown,
                    StatusCode::OK,
                )
                .await;
            }
            flash::push(&session, FlashKind::Success, summary);
            Ok(forms::see_other(&calendar_url(&listing, &month)))
        }
        Err(ServiceError::Invalid(errors)) => {
            let month = form.month.clone();
            let shown = Shown::with_form(form, errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&req, &actor, &state, page, id, &month, shown, status).await
        }
        Err(ServiceError::Conflict(message)) => {
            // The dates were well formed: only a booking or another block stood in the way.
            let month = match block_dates::parse_date(&form.start) {
                Ok(start) => month_of_dates(start),
                Err(_) => form.month.clone(),
            };
            let mut errors = FormErrors::new();
            errors.add("form", message);
            let shown = Shown::with_form(form, errors);
            render(
                &req,
                &actor,
                &state,
                page,
                id,
                &month,
                shown,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(door(&req)(error)),
    }
}

async fn unblock(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<(ListingId, CalendarEntryId)>,
    form: web::Form<MonthQuery>,
) -> actix_web::Result<HttpResponse> {
    let (id, entry_id) = path.into_inner();
    let mut conn = connection(&state).await?;
    let listing = calendar_service::unblock(&mut conn, &actor, id, entry_id)
        .await
        .map_err(door(&req))?;
    drop(conn);
    let notice = "Those dates are free again.".to_string();
    if is_htmx(&req) {
        let shown = Shown::fresh(notice);
        return render(
            &req,
            &actor,
            &state,
            page,
            id,
            &form.month,
            shown,
            StatusCode::OK,
        )
        .await;
    }
    flash::push(&session, FlashKind::Success, notice);
    Ok(forms::see_other(&calendar_url(&listing, &form.month)))
}

/// Gives the listing a new calendar export address (see `calendar_sync`).
async fn renew_export(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
) -> actix_web::Result<HttpResponse> {
    let id = path.into_inner();
    let mut conn = connection(&state).await?;
    crate::calendar_sync::service::renew_export(&mut conn, &actor, id)
        .await
        .map_err(door(&req))?;
    drop(conn);
    flash::push(
        &session,
        FlashKind::Success,
        "Your calendar has a new export address: paste it into your other sites. The old one no longer works.",
    );
    Ok(forms::see_other(&format!(
        "/host/listings/{id}/calendar#calendar-sync"
    )))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/listings/{id}/calendar", web::get().to(show))
        .route(
            "/host/listings/{id}/calendar/export",
            web::post().to(renew_export),
        )
        .route("/host/listings/{id}/calendar/block", web::post().to(block))
        .route(
            "/host/listings/{id}/calendar/blocks/{entry_id}/delete",
            web::post().to(unblock),
        );
}
