//! `/host`: any verified user may become a host; hosts land on their dashboard, which says
//! what to do now (requests, arrivals and departures, unpaid stays, reviews to answer, this
//! month's earnings: [`crate::bookings::service::dashboard`]) and lists their listings with
//! their status and where to manage them.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use chrono::Utc;

use super::{connection, door};
use crate::{
    bookings::{
        model::earnings::Payouts as _,
        service::{self as bookings, HostDashboard},
    },
    listings::{
        model::HostListing,
        service::{self, Dashboard},
    },
    service::Actor,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms,
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "host/become.html")]
struct BecomeHostPage {
    page: PageContext,
    verified: bool,
}

#[derive(Template)]
#[template(path = "host/dashboard.html")]
struct DashboardPage {
    page: PageContext,
    listings: Vec<HostListing>,
    /// What to do now (`None` until the host has a listing: nothing can be booked before).
    desk: Option<HostDashboard>,
}

impl DashboardPage {
    /// How many of the host's listings have `status`.
    fn count(&self, status: &str) -> usize {
        self.listings.iter().filter(|l| l.status == status).count()
    }
}

async fn dashboard(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let mut conn = connection(&state).await?;
    let dashboard = service::dashboard(&mut conn, &actor)
        .await
        .map_err(door(&req))?;
    let html = match dashboard {
        Dashboard::Host(listings) => {
            let desk = if listings.is_empty() {
                None
            } else {
                Some(
                    bookings::dashboard(&mut conn, &actor, Utc::now())
                        .await
                        .map_err(door(&req))?,
                )
            };
            drop(conn);
            DashboardPage {
                page,
                listings,
                desk,
            }
            .render()
        }
        Dashboard::NotYetHost { verified } => BecomeHostPage { page, verified }.render(),
    }
    .map_err(crate::errors::AppError::from)?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn become_host(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let mut conn = connection(&state).await?;
    crate::accounts::service::become_host(&mut conn, &actor)
        .await
        .map_err(|error| match error {
            // Refusals of a member who may not host yet are explained on a page, not by
            // sending them to `/host`.
            crate::service::ServiceError::NotAllowed(message) => {
                crate::errors::AppError::Forbidden(message).into()
            }
            other => door(&req)(other),
        })?;
    flash::push(
        &session,
        FlashKind::Success,
        "You are now a host. Create your first listing to welcome guests.",
    );
    Ok(forms::see_other("/host"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host", web::get().to(dashboard))
        .route("/host/become", web::post().to(become_host));
}
