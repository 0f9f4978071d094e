//! The listing form: raw input exactly as typed ([`ListingForm`], all text, so reading it never
//! fails and nothing typed is lost) and its conversion into a checked [`ListingInput`], which
//! collects a message per wrong field. Field names are fixed by DESIGN.md §3. The dates a host
//! blocks are parsed by [`block_dates`]; [`fields`] holds the parsers of single fields.

use chrono::{NaiveTime, Timelike};
use chrono_tz::Tz;

pub mod block_dates;
pub(crate) mod fields;

use self::fields::Bounds;
use super::model::{self, CancellationPolicy, Listing, PropertyType};
use crate::{money, service::FieldErrors as FormErrors};

/// Most amenity values read from one form (the catalogue is smaller; more is tampering).
const MAX_AMENITY_VALUES: usize = 100;

/// The listing form as typed.
#[derive(Clone, Debug, Default)]
pub struct ListingForm {
    pub title: String,
    pub description: String,
    pub property_type: String,
    pub address: String,
    pub city: String,
    pub region: String,
    pub country: String,
    pub timezone: String,
    pub latitude: String,
    pub longitude: String,
    pub max_guests: String,
    pub bedrooms: String,
    pub beds: String,
    pub bathrooms: String,
    pub house_rules: String,
    pub check_in_instructions: String,
    pub check_in_time: String,
    pub check_out_time: String,
    pub nightly_price: String,
    pub cleaning_fee: String,
    pub currency: String,
    pub weekly_discount_pct: String,
    pub monthly_discount_pct: String,
    pub min_nights: String,
    pub max_nights: String,
    pub instant_book: bool,
    pub cancellation_policy: String,
    /// Amenity slugs, one per ticked checkbox.
    pub amenities: Vec<String>,
}

impl ListingForm {
    /// Reads an `application/x-www-form-urlencoded` body, keeping every `amenities` value
    /// (actix's `web::Form` cannot collect repeated keys). Unknown keys are ignored.
    pub fn from_body(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut form = ListingForm::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "amenities" => {
                    if form.amenities.len() < MAX_AMENITY_VALUES && !form.amenities.contains(&value)
                    {
                        form.amenities.push(value);
                    }
                    continue;
                }
                "instant_book" => {
                    form.instant_book = matches!(value.as_str(), "on" | "true" | "1" | "yes");
                    continue;
                }
                "title" => &mut form.title,
                "description" => &mut form.description,
                "property_type" => &mut form.property_type,
                "address" => &mut form.address,
                "city" => &mut form.city,
                "region" => &mut form.region,
                "country" => &mut form.country,
                "timezone" => &mut form.timezone,
                "latitude" => &mut form.latitude,
                "longitude" => &mut form.longitude,
                "max_guests" => &mut form.max_guests,
                "bedrooms" => &mut form.bedrooms,
                "beds" => &mut form.beds,
                "bathrooms" => &mut form.bathrooms,
                "house_rules" => &mut form.house_rules,
                "check_in_instructions" => &mut form.check_in_instructions,
                "check_in_time" => &mut form.check_in_time,
                "check_out_time" => &mut form.check_out_time,
                "nightly_price" => &mut form.nightly_price,
                "cleaning_fee" => &mut form.cleaning_fee,
                "currency" => &mut form.currency,
                "weekly_discount_pct" => &mut form.weekly_discount_pct,
                "monthly_discount_pct" => &mut form.monthly_discount_pct,
                "min_nights" => &mut form.min_nights,
                "max_nights" => &mut form.max_nights,
                "cancellation_policy" => &mut form.cancellation_policy,
                _ => continue,
            };
            *slot = value;
        }
        form
    }

    /// What a new listing's form starts with.
    pub fn blank() -> Self {
        ListingForm {
            property_type: "apartment".into(),
            timezone: "Europe/Paris".into(),
            max_guests: "2".into(),
            bedrooms: "1".into(),
            beds: "1".into(),
            bathrooms: "1".into(),
            check_in_time: "15:00".into(),
            check_out_time: "11:00".into(),
            cleaning_fee: "0.00".into(),
            currency: "EUR".into(),
            weekly_discount_pct: "0".into(),
            monthly_discount_pct: "0".into(),
            min_nights: "1".into(),
            max_nights: "365".into(),
            cancellation_policy: "moderate".into(),
            ..ListingForm::default()
        }
    }

    /// The form filled with a stored listing (the edit page).
    pub fn from_listing(listing: &Listing, amenity_slugs: Vec<String>) -> Self {
        let coordinate = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        ListingForm {
            title: listing.title.clone(),
            description: listing.description.clone(),
            property_type: listing.property_type.to_string(),
            address: listing.address.clone(),
            city: listing.city.clone(),
            region: listing.region.clone(),
            country: listing.country.clone(),
            timezone: listing.timezone.clone(),
            latitude: coordinate(listing.latitude),
            longitude: coordinate(listing.longitude),
            max_guests: listing.max_guests.to_string(),
            bedrooms: listing.bedrooms.to_string(),
            beds: listing.beds.to_string(),
            bathrooms: listing.bathrooms(),
            house_rules: listing.house_rules.clone(),
            check_in_instructions: listing.check_in_instructions.clone(),
            check_in_time: time_input(listing.check_in_time),
            check_out_time: time_input(listing.check_out_time),
            nightly_price: money::to_input(listing.nightly_price, &listing.currency),
            cleaning_fee: money::to_input(listing.cleaning_fee, &listing.currency),
            currency: listing.currency.clone(),
            weekly_discount_pct: listing.weekly_discount_pct.to_string(),
            monthly_discount_pct: listing.monthly_discount_pct.to_string(),
            min_nights: listing.min_nights.to_string(),
            max_nights: listing.max_nights.to_string(),
            instant_book: listing.instant_book,
            cancellation_policy: listing.cancellation_policy.to_string(),
            amenities: amenity_slugs,
        }
    }
}

fn time_input(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// A listing's details, every one checked: only [`TryFrom<&ListingForm>`] makes one.
#[derive(Clone, Debug)]
#[expect(
    clippy::manual_non_exhaustive,
    reason = "`#[non_exhaustive]` would still let the rest of the crate build unchecked input"
)]
pub struct ListingInput {
    pub title: String,
    pub description: String,
    pub property_type: PropertyType,
    pub address: String,
    pub city: String,
    pub region: String,
    pub country: String,
    pub timezone: Tz,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub max_guests: i32,
    pub bedrooms: i32,
    pub beds: i32,
    pub bathrooms_tenths: i32,
    pub house_rules: String,
    /// Only the guest of a confirmed stay sees them.
    pub check_in_instructions: String,
    pub check_in_time: NaiveTime,
    pub check_out_time: NaiveTime,
    /// Minor units of `currency`.
    pub nightly_price: i64,
    pub cleaning_fee: i64,
    pub currency: &'static str,
    pub weekly_discount_pct: i32,
    pub monthly_discount_pct: i32,
    pub min_nights: i32,
    pub max_nights: i32,
    pub instant_book: bool,
    pub cancellation_policy: CancellationPolicy,
    /// Amenity slugs (well-formed, unique; unknown ones are dropped when stored).
    pub amenities: Vec<String>,
    _checked: (),
}

impl TryFrom<&ListingForm> for ListingInput {
    type Error = FormErrors;

    fn try_from(form: &ListingForm) -> Result<Self, FormErrors> {
        let mut e = FormErrors::new();
        let title = e.check("title", fields::text(&form.title, "a title", 1, 120));
        let description = e.check(
            "description",
            fields::text(&form.description, "a description", 0, 10_000),
        );
        let property_type = e.check(
            "property_type",
            fields::choice(&form.property_type, model::PROPERTY_TYPES.map(|(v, _)| v)),
        );
        let address = e.check(
            "address",
            fields::text(&form.address, "the address", 1, 300),
        );
        let city = e.check("city", fields::text(&form.city, "the city", 1, 100));
        let region = e.check("region", fields::text(&form.region, "the region", 0, 100));
        let country = e.check(
            "country",
            fields::text(&form.country, "the country", 2, 100),
        );
        let timezone = e.check("timezone", fields::timezone(&form.timezone));
        let latitude = e.check("latitude", fields::coordinate(&form.latitude, 90.0));
        let longitude = e.check("longitude", fields::coordinate(&form.longitude, 180.0));
        if let (Some(lat), Some(lng)) = (latitude, longitude)
            && lat.is_some() != lng.is_some()
        {
            let field = if lat.is_none() {
                "latitude"
            } else {
                "longitude"
            };
            e.add(field, "Enter both latitude and longitude, or neither.");
        }
        let max_guests = e.check("max_guests", fields::int(&form.max_guests, Bounds(1, 50)));
        let bedrooms = e.check("bedrooms", fields::int(&form.bedrooms, Bounds(0, 50)));
        let beds = e.check("beds", fields::int(&form.beds, Bounds(1, 100)));
        let bathrooms_tenths = e.check("bathrooms", fields::bathrooms(&form.bathrooms));
        let house_rules = e.check(
            "house_rules",
            fields::text(&form.house_rules, "house rules", 0, 5_000),
        );
        let check_in_instructions = e.check(
            "check_in_instructions",
            fields::text(
                &form.check_in_instructions,
                "check-in instructions",
                0,
                5_000,
            ),
        );
        let check_in_time = e.check("check_in_time", fields::time(&form.check_in_time));
        let check_out_time = e.check("check_out_time", fields::time(&form.check_out_time));
        let currency = e.check(
            "currency",
            fields::choice(&form.currency, money::CURRENCIES),
        );
        // Amounts are read in the chosen currency's minor unit (EUR's if the choice is bad,
        // so that the price still gets its own message).
        let unit = currency.unwrap_or("EUR");
        let nightly_price = e.check("nightly_price", fields::price(&form.nightly_price, unit));
        let cleaning_fee = e.check("cleaning_fee", fields::fee(&form.cleaning_fee, unit));
        let weekly = e.check(
            "weekly_discount_pct",
            fields::optional_int(&form.weekly_discount_pct, Bounds(0, 90)),
        );
        let monthly = e.check(
            "monthly_discount_pct",
            fields::optional_int(&form.monthly_discount_pct, Bounds(0, 90)),
        );
        let min_nights = e.check("min_nights", fields::int(&form.min_nights, Bounds(1, 365)));
        let max_nights = e.check("max_nights", fields::int(&form.max_nights, Bounds(1, 1095)));
        if let (Some(min), Some(max)) = (min_nights, max_nights)
            && max < min
        {
            e.add(
                "max_nights",
                format!("The longest stay must be at least the shortest stay ({min} nights)."),
            );
        }
        let cancellation_policy = e.check(
            "cancellation_policy",
            fields::choice(
                &form.cancellation_policy,
                model::CANCELLATION_POLICIES.map(|(v, _, _)| v),
            ),
        );
        let amenities = e.check("amenities", fields::slugs(&form.amenities));
        match (|| {
            Some(ListingInput {
                title: title?,
                description: description?,
                property_type: PropertyType::parse(property_type?)?,
                address: address?,
                city: city?,
                region: region?,
                country: country?,
                timezone: timezone?,
                latitude: latitude?,
                longitude: longitude?,
                max_guests: max_guests?,
                bedrooms: bedrooms?,
                beds: beds?,
                bathrooms_tenths: bathrooms_tenths?,
                house_rules: house_rules?,
                check_in_instructions: check_in_instructions?,
                check_in_time: check_in_time?,
                check_out_time: check_out_time?,
                nightly_price: nightly_price?,
                cleaning_fee: cleaning_fee?,
                currency: currency?,
                weekly_discount_pct: weekly?,
                monthly_discount_pct: monthly?,
                min_nights: min_nights?,
                max_nights: max_nights?,
                instant_book: form.instant_book,
                cancellation_policy: CancellationPolicy::parse(cancellation_policy?)?,
                amenities: amenities?,
                _checked: (),
            })
        })() {
            Some(input) if e.is_empty() => Ok(input),
            _ => Err(e),
        }
    }
}
