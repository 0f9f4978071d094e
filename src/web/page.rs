//! The context every HTML page receives: who is signed in, the CSRF token for its forms, flash
//! messages and asset URLs. Handlers take it as an extractor (`page: PageContext`).

use std::{future::Future, pin::Pin};

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::{
    AppState, assets, csrf,
    flash::{self, Flash},
};
use crate::{accounts::CurrentUser, errors::AppError};

pub struct PageContext {
    pub user: Option<CurrentUser>,
    pub flashes: Vec<Flash>,
    /// The search box keeps what was searched.
    pub search_location: String,
    pub development: bool,
    session: Option<Session>,
}

impl PageContext {
    /// The CSRF token for a form on this page (created in the session on first use).
    pub fn csrf_token(&self) -> String {
        let Some(session) = &self.session else {
            return String::new();
        };
        csrf::token(session).unwrap_or_else(|error| {
            tracing::error!(%error, "could not create a CSRF token");
            String::new()
        })
    }

    pub fn asset(&self, path: &str) -> String {
        assets::url(path)
    }

    /// An icon of the sprite `static/img/icons.svg`, for `<use href>`.
    pub fn icon(&self, name: &str) -> String {
        format!("{}#{name}", assets::url("img/icons.svg"))
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    /// A context built without the database, for error pages: the user is known only if the
    /// request already loaded it.
    pub fn for_error(
        development: bool,
        user: Option<CurrentUser>,
        session: Option<Session>,
    ) -> Self {
        PageContext {
            user,
            flashes: Vec::new(),
            search_location: String::new(),
            development,
            session,
        }
    }

    async fn load(req: HttpRequest) -> Result<Self, AppError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?
            .clone();
        let session = req.get_session();
        let user = crate::accounts::current_user(&req, &state).await?;
        let search_location = web::Query::<SearchBox>::from_query(req.query_string())
            .map(|query| query.into_inner().location)
            .unwrap_or_default();
        Ok(PageContext {
            user,
            flashes: flash::take(&session),
            search_location,
            development: !state.config.is_production(),
            session: Some(session),
        })
    }
}

#[derive(serde::Deserialize)]
struct SearchBox {
    #[serde(default)]
    location: String,
}

impl FromRequest for PageContext {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(PageContext::load(req.clone()))
    }
}
