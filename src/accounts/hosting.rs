//! `/host`: any verified user may become a host; hosts land on their dashboard.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use super::{SignedIn, model, service};
use crate::{
    errors::{AppError, AppResult},
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
}

async fn dashboard(SignedIn(current): SignedIn, page: PageContext) -> AppResult<HttpResponse> {
    let html = if current.is_host {
        DashboardPage { page }.render()?
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
