//! The price of a stay before booking: the rules a stay must meet (dates, minimum and maximum
//! nights, guests, availability) and its line items from `pricing::quote`.
//!
//! `GET /listings/{id}/quote` answers the fragment the booking widget swaps in live;
//! `POST /listings/{id}/quote` is the widget's "Check price" button without JavaScript: it
//! sends the browser to the listing page with the same dates, where the quote is shown.

use diesel_async::AsyncPgConnection;

use super::{
    model as details,
    stay::{Guests, StayDates, check_nights, earliest_today},
};
use crate::{
    currency::model::Display,
    listings::{booked_nights::BookedNights, model::Listing},
    money,
    pricing::{self, PricingPolicy, Quote},
};

/// The stay fields of a query string or form, as typed.
pub use super::forms::StayQuery;

/// Checks a stay against the listing's rules and prices it. `Ok(Err(message))` is a stay the
/// guest must change; the database error is the only failure. `taken`, the listing's taken
/// nights when the caller already read them with the listing, answers whether the stay is free
/// without a query; otherwise (or for nights before what it holds) the calendar is asked.
pub async fn quote_stay(
    conn: &mut AsyncPgConnection,
    listing: &Listing,
    dates: &StayDates,
    guests: Guests,
    taken: Option<&BookedNights>,
) -> diesel::QueryResult<Result<Quote, String>> {
    if dates.check_in() < listing.today() {
        return Ok(Err("Check-in cannot be in the past.".into()));
    }
    if let Err(problem) = guests.fit(listing.max_guests) {
        return Ok(Err(problem.message));
    }
    if let Err(nights) = check_nights(dates.nights(), listing.min_nights, listing.max_nights) {
        return Ok(Err(nights.quote_message()));
    }
    let known = taken.and_then(|taken| taken.all_free(dates.check_in(), dates.check_out()));
    let free = match known {
        Some(free) => free,
        None => details::is_free(conn, listing.id, dates).await?,
    };
    if !free {
        return Ok(Err(
            "Those dates are not available. Please choose other dates.".into(),
        ));
    }
    Ok(Ok(pricing::quote(
        &listing.rates(),
        dates.nights(),
        &PricingPolicy::default(),
    )))
}

/// One line of the price breakdown.
pub struct PriceLine {
    pub label: String,
    pub amount: String,
}

/// What the quote area shows.
pub struct QuoteView {
    pub listing_id: i64,
    /// A prompt or a problem, instead of prices.
    pub message: Option<String>,
    pub problem: bool,
    pub lines: Vec<PriceLine>,
    pub total: String,
    /// When the lines are shown converted into a display currency: what the booking will
    /// actually be charged ("$270.00 USD").
    pub charged: Option<String>,
    /// The quote the lines were written from, to show them again in a display currency.
    priced: Option<Quote>,
}

impl QuoteView {
    fn message(listing_id: i64, message: impl Into<String>, problem: bool) -> Self {
        QuoteView {
            listing_id,
            message: Some(message.into()),
            problem,
            lines: Vec::new(),
            total: String::new(),
            charged: None,
            priced: None,
        }
    }

    /// The same quote as `display` shows prices: each line converted and marked approximate,
    /// with what will be charged named (unchanged when nothing is converted).
    pub fn shown_in(self, display: &Display) -> Self {
        match (&self.priced, display.code()) {
            (Some(quote), Some(code)) if code != quote.currency => {
                QuoteView::priced_as(self.listing_id, quote, display)
            }
            _ => self,
        }
    }

    fn priced(listing_id: i64, quote: &Quote) -> Self {
        QuoteView::priced_as(listing_id, quote, &Display::none())
    }

    fn priced_as(listing_id: i64, quote: &Quote, display: &Display) -> Self {
        let f = |amount: i64| display.price(amount, &quote.currency).text;
        let mut lines = vec![PriceLine {
            label: format!(
                "{} × {} night{}",
                f(quote.nightly_price),
                quote.nights,
                if quote.nights == 1 { "" } else { "s" }
            ),
            amount: f(quote.base_amount),
        }];
        if quote.discount_amount > 0 {
            let kind = if quote.nights >= 28 {
                "Monthly"
            } else {
                "Weekly"
            };
            lines.push(PriceLine {
                label: format!("{kind} discount ({}%)", quote.discount_pct),
                amount: format!("−{}", f(quote.discount_amount)),
            });
        }
        if quote.cleaning_fee > 0 {
            lines.push(PriceLine {
                label: "Cleaning fee".into(),
                amount: f(quote.cleaning_fee),
            });
        }
        lines.push(PriceLine {
            label: "Roost service fee".into(),
            amount: f(quote.service_fee),
        });
        if quote.tax_amount > 0 {
            lines.push(PriceLine {
                label: "Taxes".into(),
                amount: f(quote.tax_amount),
            });
        }
        let converted = display.code().is_some_and(|code| code != quote.currency);
        QuoteView {
            listing_id,
            message: None,
            problem: false,
            lines,
            total: f(quote.total_amount),
            charged: converted
                .then(|| money::format_with_code(quote.total_amount, &quote.currency)),
            priced: Some(quote.clone()),
        }
    }
}

/// Parses the typed stay and answers what the quote area shows (at most one query, none when
/// `taken` holds the stay's nights; see [`quote_stay`]).
pub async fn answer(
    conn: &mut AsyncPgConnection,
    listing: &Listing,
    stay: &StayQuery,
    taken: Option<&BookedNights>,
) -> diesel::QueryResult<QuoteView> {
    let id = listing.id.get();
    let dates = match StayDates::parse(&stay.check_in, &stay.check_out, earliest_today()) {
        Ok(Some(dates)) => dates,
        Ok(None) => {
            return Ok(QuoteView::message(
                id,
                "Add your dates to see the price.",
                false,
            ));
        }
        Err(problem) => return Ok(QuoteView::message(id, problem.message, true)),
    };
    let guests = match Guests::parse(&stay.guests) {
        Ok(guests) => guests.unwrap_or(Guests::ONE),
        Err(problem) => return Ok(QuoteView::message(id, problem.message, true)),
    };
    Ok(
        match quote_stay(conn, listing, &dates, guests, taken).await? {
            Ok(quote) => QuoteView::priced(id, &quote),
            Err(message) => QuoteView::message(id, message, true),
        },
    )
}
