//! `/host`: any verified user may become a host; hosts land on their dashboard, which lists
//! their listings with their status and where to manage them.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use super::{SignedIn, model, service};
use crate::{
    errors::{AppError, AppResult},
    listings::model::{self as listing_model, HostListing},
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
}

impl DashboardPage {
    /// How many of the host's listings have `status`.
    fn count(&self, status: &str) -> usize {
        self.listings.iter().filter(|l| l.status == status).count()
    }
}

async fn dashboard(
    SignedIn(current): SignedIn,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let html = if current.is_host {
        let mut conn = crate::db::connection(&state.pool).await?;
        let listings = listing_model::for_host(&mut conn, current.id).await?;
        DashboardPage { page, listings }.render()?
    } else {
        BecomeHostPage {
            page,
            verified: current.email_verified,
        }
        .render()?
    };
    Ok(forms::html(StatusCode::OK, html))
}

async fn become_host(
    SignedIn(current): SignedIn,
    session: Session,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let user = model::find(&mut conn, current.id)
        .await?
        .ok_or(AppError::NotFound)?;
    service::become_host(&mut conn, &user).await?;
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
