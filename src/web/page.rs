//! The context every HTML page receives: who is signed in, the CSRF token for its forms, flash
//! messages and asset URLs. Handlers take it as an extractor (`page: PageContext`).

use std::{borrow::Cow, fmt, future::Future, pin::Pin, sync::LazyLock};

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

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
    /// The request came from htmx, which expects a fragment rather than a whole page.
    pub htmx: bool,
    /// The display currency the visitor chose (the `roost_currency` cookie, unchecked: the
    /// currency service decides what it means).
    pub display_currency: Option<String>,
    /// This page's path and query, for the footer's currency link to come back to.
    pub here: String,
    session: Option<Session>,
    /// A visitor's CSRF token (see `csrf`): no session row is written for it.
    anonymous: Option<csrf::AnonymousToken>,
}

impl PageContext {
    /// The CSRF token for a form on this page: the session's for a signed-in user (created
    /// on first use), a signed double-submit token for a visitor.
    pub fn csrf_token(&self) -> String {
        let Some(session) = &self.session else {
            return String::new();
        };
        csrf::form_token(session, self.anonymous.as_ref()).unwrap_or_else(|error| {
            tracing::error!(%error, "could not create a CSRF token");
            String::new()
        })
    }

    pub fn asset(&self, path: &str) -> Cow<'static, str> {
        assets::url(path)
    }

    /// An icon of the sprite `static/img/icons.svg`, for `<use href>`.
    pub fn icon<'a>(&self, name: &'a str) -> IconHref<'a> {
        IconHref(name)
    }

    /// The footer's link to the currency picker, coming back here.
    pub fn currency_link(&self) -> String {
        super::forms::with_next("/currency", &self.here)
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
            htmx: false,
            display_currency: None,
            here: "/".to_string(),
            session,
            anonymous: None,
        }
    }

    async fn load(req: HttpRequest) -> Result<Self, AppError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?
            .clone();
        let session = req.get_session();
        let anonymous = req.extensions().get::<csrf::AnonymousToken>().cloned();
        let user = crate::accounts::current_user(&req, &state).await?;
        let search_location = web::Query::<SearchBox>::from_query(req.query_string())
            .map(|query| query.into_inner().location)
            .unwrap_or_default();
        Ok(PageContext {
            user,
            flashes: flash::take(&session),
            search_location,
            development: !state.config.is_production(),
            htmx: super::is_htmx(&req),
            display_currency: req
                .cookie(crate::currency::COOKIE)
                .map(|cookie| cookie.value().to_string()),
            here: here(&req),
            session: Some(session),
            anonymous,
        })
    }
}

/// This page's path and query, for links that come back to it; a query that carries a `next`
/// of its own (`/signup?next=…`) is left out, so that a page never echoes a `next` it was
/// given into its links (only the path is kept).
fn here(req: &HttpRequest) -> String {
    let query = req.query_string();
    let carries_next = query
        .split('&')
        .any(|pair| pair == "next" || pair.starts_with("next="));
    if query.is_empty() || carries_next {
        req.path().to_string()
    } else {
        format!("{}?{query}", req.path())
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

/// The sprite's versioned URL, looked up once.
static SPRITE: LazyLock<Cow<'static, str>> = LazyLock::new(|| assets::url("img/icons.svg"));

/// `/static/img/icons.svg?v=…#name`, written straight into the page (a search page links
/// forty icons; building each as a `String` was 6 % of its rendering).
pub struct IconHref<'a>(&'a str);

impl fmt::Display for IconHref<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&SPRITE)?;
        f.write_str("#")?;
        f.write_str(self.0)
    }
}

impl askama::FastWritable for IconHref<'_> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        dest.write_str(&SPRITE)?;
        dest.write_str("#")?;
        dest.write_str(self.0)?;
        Ok(())
    }
}

/// The sprite URL is made of the path and a hex hash, and icon names are template literals:
/// nothing to escape.
impl askama::filters::HtmlSafe for IconHref<'_> {}

#[cfg(test)]
mod icon_tests {
    use askama::Template;

    use super::*;

    #[derive(Template)]
    #[template(source = r#"<use href="{{ icon }}">"#, ext = "html")]
    struct Use<'a> {
        icon: IconHref<'a>,
    }

    #[test]
    fn an_icon_links_the_versioned_sprite() {
        let html = Use {
            icon: IconHref("star"),
        }
        .render()
        .expect("render");
        assert!(
            html.starts_with(r#"<use href="/static/img/icons.svg?v="#),
            "{html}"
        );
        assert!(html.ends_with(r##"#star">"##), "{html}");
        assert_eq!(IconHref("heart").to_string(), format!("{}#heart", *SPRITE));
    }
}
