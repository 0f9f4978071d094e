//! A host's listings: the list, the form to create or edit one (details and amenities), and
//! publishing / unlisting.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;

use super::{connection, door};
use crate::{
    errors::AppResult,
    listings::{
        amenities::Amenity,
        forms::{ListingForm, ListingInput, fields::COMMON_TIMEZONES},
        model::{self, HostListing, Listing},
        service::{self, FormData},
    },
    money,
    service::{Actor, ListingId, ServiceError},
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
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let mut conn = connection(&state).await?;
    let listings = service::host_listings(&mut conn, &actor)
        .await
        .map_err(door(&req))?;
    let html = IndexPage { page, listings }
        .render()
        .map_err(crate::errors::AppError::from)?;
    Ok(forms::html(StatusCode::OK, html))
}

/// The form page for `listing_id` (`None`: a new listing) with `form` as typed.
async fn form_page(
    req: &HttpRequest,
    actor: &Actor,
    state: &AppState,
    page: PageContext,
    listing_id: Option<ListingId>,
    form: Option<ListingForm>,
    errors: FormErrors,
) -> actix_web::Result<HttpResponse> {
    let mut conn = connection(state).await?;
    let FormData {
        listing,
        catalogue,
        amenities,
    } = service::form_data(&mut conn, actor, listing_id)
        .await
        .map_err(door(req))?;
    drop(conn);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = match (form, &listing) {
        (Some(form), _) => form,
        (None, Some(listing)) => ListingForm::from_listing(listing, amenities),
        (None, None) => ListingForm::blank(),
    };
    Ok(render(
        FormPage::new(page, listing, form, errors, catalogue),
        status,
    )?)
}

async fn new(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    form_page(&req, &actor, &state, page, None, None, FormErrors::new()).await
}

async fn create(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> actix_web::Result<HttpResponse> {
    let form = ListingForm::from_body(&body);
    let input = match ListingInput::try_from(&form) {
        Ok(input) => input,
        Err(errors) => {
            return form_page(&req, &actor, &state, page, None, Some(form), errors).await;
        }
    };
    let mut conn = connection(&state).await?;
    let id = service::create(&mut conn, &actor, &state.places, &input)
        .await
        .map_err(door(&req))?;
    flash::push(
        &session,
        FlashKind::Success,
        "Your listing was saved as a draft. Add photos, then publish it.",
    );
    Ok(forms::see_other(&format!("/host/listings/{id}/photos")))
}

async fn edit(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
) -> actix_web::Result<HttpResponse> {
    let id = path.into_inner();
    form_page(
        &req,
        &actor,
        &state,
        page,
        Some(id),
        None,
        FormErrors::new(),
    )
    .await
}

async fn update(
    req: HttpRequest,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
    body: web::Bytes,
) -> actix_web::Result<HttpResponse> {
    let id = path.into_inner();
    let form = ListingForm::from_body(&body);
    let input = match ListingInput::try_from(&form) {
        Ok(input) => input,
        Err(errors) => {
            return form_page(&req, &actor, &state, page, Some(id), Some(form), errors).await;
        }
    };
    let mut conn = connection(&state).await?;
    service::update(&mut conn, &actor, &state.places, id, &input)
        .await
        .map_err(door(&req))?;
    flash::push(&session, FlashKind::Success, "Your changes were saved.");
    Ok(forms::see_other(&format!("/host/listings/{id}/edit")))
}

async fn publish(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
) -> actix_web::Result<HttpResponse> {
    let id = path.into_inner();
    let mut conn = connection(&state).await?;
    match service::publish(&mut conn, &actor, id).await {
        Ok(listing) => {
            flash::push(
                &session,
                FlashKind::Success,
                format!(
                    "“{}” is published: guests can find and book it.",
                    listing.title
                ),
            );
            Ok(forms::see_other(&format!("/host/listings/{id}/edit")))
        }
        Err(ServiceError::Refused(message)) => {
            flash::push(&session, FlashKind::Error, message);
            Ok(forms::see_other(&format!("/host/listings/{id}/photos")))
        }
        Err(error) => Err(door(&req)(error)),
    }
}

async fn unlist(
    req: HttpRequest,
    actor: Actor,
    session: Session,
    state: web::Data<AppState>,
    path: web::Path<ListingId>,
) -> actix_web::Result<HttpResponse> {
    let id = path.into_inner();
    let mut conn = connection(&state).await?;
    let (listing, was_published) = service::unlist(&mut conn, &actor, id)
        .await
        .map_err(door(&req))?;
    if was_published {
        flash::push(
            &session,
            FlashKind::Success,
            format!(
                "“{}” is unlisted: guests no longer find it. Existing bookings stay as they are.",
                listing.title
            ),
        );
    }
    Ok(forms::see_other(&format!("/host/listings/{id}/edit")))
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
