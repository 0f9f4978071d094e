//! A host's listings: the list, the form to create or edit one (details and amenities), and
//! publishing / unlisting.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use super::{Host, owned};
use crate::{
    errors::AppResult,
    listings::{
        amenities::{self, Amenity},
        fields::COMMON_TIMEZONES,
        form::{ListingForm, ListingInput},
        model::{self, HostListing, Listing},
        service,
    },
    money,
    web::{
        AppState,
        flash::{self, FlashKind},
        forms::{self, FormErrors},
        page::PageContext,
    },
};

#[derive(Template)]
#[template(path = "listings/host/index.html")]
struct IndexPage {
    page: PageContext,
    listings: Vec<HostListing>,
}

/// An option of a select, radio group or checkbox list.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "listings/host/form.html")]
struct FormPage {
    page: PageContext,
    /// `None` while creating.
    listing: Option<Listing>,
    form: ListingForm,
    errors: FormErrors,
    catalogue: Vec<Amenity>,
    tab: &'static str,
}

impl FormPage {
    fn new(
        page: PageContext,
        listing: Option<Listing>,
        form: ListingForm,
        errors: FormErrors,
        catalogue: Vec<Amenity>,
    ) -> Self {
        FormPage {
            page,
            listing,
            form,
            errors,
            catalogue,
            tab: "details",
        }
    }

    fn action(&self) -> String {
        match &self.listing {
            Some(listing) => format!("/host/listings/{}/edit", listing.id),
            None => "/host/listings".into(),
        }
    }

    fn property_types(&self) -> Vec<Choice> {
        model::PROPERTY_TYPES
            .iter()
            .map(|(value, label)| choice(value, label, "", self.form.property_type == *value))
            .collect()
    }

    fn currencies(&self) -> Vec<Choice> {
        money::CURRENCIES
            .iter()
            .map(|code| choice(code, code, "", self.form.currency == *code))
            .collect()
    }

    fn policies(&self) -> Vec<Choice> {
        model::CANCELLATION_POLICIES
            .iter()
            .map(|(value, label, hint)| {
                choice(value, label, hint, self.form.cancellation_policy == *value)
            })
            .collect()
    }

    fn amenity_choices(&self) -> Vec<Choice> {
        self.catalogue
            .iter()
            .map(|a| choice(&a.slug, &a.name, "", self.form.amenities.contains(&a.slug)))
            .collect()
    }

    fn timezones(&self) -> &'static [&'static str] {
        &COMMON_TIMEZONES
    }
}

fn choice(value: &str, label: &str, hint: &'static str, selected: bool) -> Choice {
    Choice {
        value: value.into(),
        label: label.into(),
        hint,
        selected,
    }
}

fn render(page: FormPage, status: StatusCode) -> AppResult<HttpResponse> {
    Ok(forms::html(status, page.render()?))
}

async fn index(
    Host(host): Host,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listings = model::for_host(&mut conn, host.id).await?;
    let html = IndexPage { page, listings }.render()?;
    Ok(forms::html(StatusCode::OK, html))
}

async fn new(
    _host: Host,
    page: PageContext,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let catalogue = amenities::all(&mut conn).await?;
    let form = FormPage::new(
        page,
        None,
        ListingForm::blank(),
        FormErrors::new(),
        catalogue,
    );
    render(form, StatusCode::OK)
}

async fn create(
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let form = ListingForm::from_body(&body);
    let mut conn = crate::db::connection(&state.pool).await?;
    let input = match ListingInput::try_from(&form) {
        Ok(input) => input,
        Err(errors) => {
            let catalogue = amenities::all(&mut conn).await?;
            let page = FormPage::new(page, None, form, errors, catalogue);
            return render(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let id = service::create(&mut conn, &state.places, host.id, &input).await?;
    flash::push(
        &session,
        FlashKind::Success,
        "Your listing was saved as a draft. Add photos, then publish it.",
    );
    Ok(forms::see_other(&format!("/host/listings/{id}/photos")))
}

async fn edit(
    Host(host): Host,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    let catalogue = amenities::all(&mut conn).await?;
    let slugs = amenities::of_listing(&mut conn, listing.id)
        .await?
        .into_iter()
        .map(|amenity| amenity.slug)
        .collect();
    let form = ListingForm::from_listing(&listing, slugs);
    let page = FormPage::new(page, Some(listing), form, FormErrors::new(), catalogue);
    render(page, StatusCode::OK)
}

async fn update(
    Host(host): Host,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    let form = ListingForm::from_body(&body);
    let input = match ListingInput::try_from(&form) {
        Ok(input) => input,
        Err(errors) => {
            let catalogue = amenities::all(&mut conn).await?;
            let page = FormPage::new(page, Some(listing), form, errors, catalogue);
            return render(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    service::update(&mut conn, &state.places, listing.id, &input).await?;
    flash::push(&session, FlashKind::Success, "Your changes were saved.");
    Ok(forms::see_other(&format!(
        "/host/listings/{}/edit",
        listing.id
    )))
}

async fn publish(
    Host(host): Host,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    match service::publish(&mut conn, listing.id).await? {
        Ok(()) => {
            flash::push(
                &session,
                FlashKind::Success,
                format!(
                    "“{}” is published: guests can find and book it.",
                    listing.title
                ),
            );
            Ok(forms::see_other(&format!(
                "/host/listings/{}/edit",
                listing.id
            )))
        }
        Err(refusal) => {
            flash::push(&session, FlashKind::Error, refusal.message());
            Ok(forms::see_other(&format!(
                "/host/listings/{}/photos",
                listing.id
            )))
        }
    }
}

async fn unlist(
    Host(host): Host,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let mut conn = crate::db::connection(&state.pool).await?;
    let listing = owned(&mut conn, path.into_inner(), &host).await?;
    if service::unlist(&mut conn, listing.id).await? {
        flash::push(
            &session,
            FlashKind::Success,
            format!(
                "“{}” is unlisted: guests no longer find it. Existing bookings stay as they are.",
                listing.title
            ),
        );
    }
    Ok(forms::see_other(&format!(
        "/host/listings/{}/edit",
        listing.id
    )))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/host/listings", web::get().to(index))
        .route("/host/listings", web::post().to(create))
        .route("/host/listings/new", web::get().to(new))
        .route("/host/listings/{id}/edit", web::get().to(edit))
        .route("/host/listings/{id}/edit", web::post().to(update))
        .route("/host/listings/{id}/publish", web::post().to(publish))
        .route("/host/listings/{id}/unlist", web::post().to(unlist));
}
