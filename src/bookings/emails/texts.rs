//! What each booking email says, per event and per person concerned.

use super::{Context, Notice};
use crate::bookings::domain::Status;

pub(super) enum To {
    Guest,
    Host,
}

pub(super) struct Message {
    pub to: To,
    pub subject: String,
    pub message: String,
    pub receipt: bool,
    /// Adds the stay's arrival details (address, instructions, host): for the guest of a
    /// confirmed stay only.
    pub arrival: bool,
}

fn guest(subject: String, message: String) -> Message {
    Message {
        to: To::Guest,
        subject,
        message,
        receipt: false,
        arrival: false,
    }
}

fn host(subject: String, message: String) -> Message {
    Message {
        to: To::Host,
        ..guest(subject, message)
    }
}

impl Message {
    /// Adds the receipt (line items and total) below the message.
    fn with_receipt(self) -> Message {
        Message {
            receipt: true,
            ..self
        }
    }

    /// Adds where and how to arrive below the message.
    fn with_arrival(self) -> Message {
        Message {
            arrival: true,
            ..self
        }
    }
}

pub(super) fn messages(ctx: &Context<'_>, notice: &Notice) -> Vec<Message> {
    let b = ctx.booking;
    let title = &ctx.listing.title;
    let name = &ctx.guest.name;
    let dates = b.dates();
    let deadline = b
        .hold_deadline_in(&ctx.listing.timezone)
        .unwrap_or_default();
    let refund_text = |refund: i64| {
        if refund > 0 {
            format!("{} will be refunded to your card.", b.money(refund))
        } else if b.request_to_book {
            "Your card was not charged: the hold on it is released.".to_string()
        } else {
            "Nothing was refunded.".to_string()
        }
    };
    match notice {
        Notice::Booked if b.status() == Status::Requested => request_sent(ctx),
        // A request to book starts by authorizing the guest's card; the host hears of it once
        // the card is authorized (`Entered` requested).
        Notice::Booked if b.request_to_book => vec![guest(
            format!("Send your request to book {title}"),
            format!(
                "Your dates are held until {deadline}. Enter your card before then to send \
                 your request: it is authorized, not charged, until the host accepts."
            ),
        )],
        // An instant booking tells the host nothing until it is paid: the one "new
        // reservation" email comes with the confirmation, and an unpaid hold that expires
        // never reaches the host's inbox at all.
        Notice::Booked => vec![
            guest(
                format!("Complete your payment for {title}"),
                format!(
                    "Your dates are held until {deadline}. Pay before then to confirm your stay."
                ),
            )
            .with_receipt(),
        ],
        Notice::Entered {
            from,
            status,
            refund,
        } => entered(ctx, *from, *status, &refund_text(*refund)),
        Notice::CancelledByRoost { refund } => vec![
            guest(
                format!("Roost cancelled your stay at {title}"),
                format!(
                    "We're sorry: Roost had to cancel this stay. {}",
                    refund_text(*refund)
                ),
            ),
            host(
                format!("Roost cancelled a reservation of {title}"),
                format!(
                    "Roost cancelled the reservation of {name} for {dates}; \
                     the guest is refunded in full. Reply to this email if you have a question."
                ),
            ),
        ],
        Notice::DatesChanged {
            previous,
            difference,
        } => {
            let money = if *difference > 0 {
                format!(
                    "The new dates cost {} more; please pay the difference.",
                    b.money(*difference)
                )
            } else if *difference < 0 {
                format!(
                    "The new dates cost less: {} will be refunded.",
                    b.money(-difference)
                )
            } else {
                "The price did not change.".into()
            };
            vec![
                guest(
                    format!("New dates for your stay at {title}"),
                    format!("Your stay moved from {previous} to {dates}. {money}"),
                )
                .with_receipt(),
                host(
                    format!("{name} changed the dates of their stay at {title}"),
                    format!("The reservation moved from {previous} to {dates}."),
                ),
            ]
        }
        Notice::ChargeFailed => vec![
            guest(
                format!("We could not charge your card for {title}"),
                format!(
                    "The host accepted your request, but your card was declined when we charged \
                     it. Pay before {deadline} on your trip page to keep your stay; after that \
                     the dates are released."
                ),
            ),
            host(
                format!("{name}'s card could not be charged"),
                format!(
                    "You accepted the request of {name} for {dates}, but their card was declined \
                     when charged. They have until {deadline} to pay; the stay is confirmed once \
                     they do."
                ),
            ),
        ],
        Notice::Reminder => vec![
            guest(
                format!("Your stay at {title} starts tomorrow"),
                format!(
                    "Check-in is from {} at {}.",
                    ctx.listing.check_in_time.format("%H:%M"),
                    ctx.listing.address
                ),
            )
            .with_arrival(),
        ],
    }
}

/// The emails of a request that reached its host: the guest's receipt of it, and the host's
/// call to answer.
fn request_sent(ctx: &Context<'_>) -> Vec<Message> {
    let b = ctx.booking;
    let title = &ctx.listing.title;
    let name = &ctx.guest.name;
    let dates = b.dates();
    let deadline = b
        .hold_deadline_in(&ctx.listing.timezone)
        .unwrap_or_default();
    vec![
        guest(
            format!("Your request to book {title} was sent"),
            format!(
                "Your dates are held while the host decides; they have until {deadline}. \
                 Your card is authorized, not charged, until they accept."
            ),
        ),
        host(
            format!("New booking request for {title}"),
            format!(
                "{name} would like to stay {dates}. \
                 Please accept or decline before {deadline}."
            ),
        ),
    ]
}

/// The emails of a booking that went from `from` into `status`; `refund` says what goes back.
fn entered(ctx: &Context<'_>, from: Status, status: Status, refund: &str) -> Vec<Message> {
    let b = ctx.booking;
    let title = &ctx.listing.title;
    let name = &ctx.guest.name;
    let dates = b.dates();
    let deadline = b
        .hold_deadline_in(&ctx.listing.timezone)
        .unwrap_or_default();
    let payout = b.money(b.host_payout);
    match status {
        Status::Requested => request_sent(ctx),
        // The card authorized with the request is charged now; the confirmation follows.
        Status::Accepted if b.request_to_book => vec![guest(
            format!("{title}: your request was accepted"),
            "Good news: the host accepted your request. Your card is being charged; we will \
             confirm your stay as soon as the payment goes through."
                .into(),
        )],
        Status::Accepted => vec![guest(
            format!("{title}: your request was accepted"),
            format!(
                "Good news: the host accepted your request. \
                 Pay before {deadline} to confirm your stay."
            ),
        )],
        Status::Declined => vec![guest(
            format!("{title}: your request was declined"),
            format!("The host cannot host you on these dates. {refund}"),
        )],
        Status::Expired => {
            let mut messages = vec![guest(
                format!("Your booking of {title} expired"),
                format!("The hold on your dates ran out, so they were released. {refund}"),
            )];
            // The host heard of a request; an unpaid instant hold was never theirs to know.
            if from != Status::PendingPayment {
                messages.push(host(
                    format!("A booking of {title} expired"),
                    format!(
                        "The booking of {name} for {dates} expired and the dates are free again."
                    ),
                ));
            }
            messages
        }
        Status::Confirmed => vec![
            guest(
                format!("Your stay at {title} is confirmed"),
                "Your payment was received and your stay is confirmed. Here is how to get \
                 there, and your receipt."
                    .into(),
            )
            .with_arrival()
            .with_receipt(),
            if from == Status::Accepted {
                // The host already had the request and accepted it: this one says it is paid.
                host(
                    format!("Reservation confirmed: {title}"),
                    format!(
                        "{name} paid, so their stay {dates} is confirmed. Your payout is {payout}."
                    ),
                )
            } else {
                host(
                    format!("New reservation: {title}"),
                    format!("{name} is coming {dates}. Your payout is {payout}."),
                )
            },
        ],
        Status::CheckedIn => vec![guest(
            format!("Welcome to {title}"),
            "Your stay has started. Enjoy it, and reach out to your host if you need anything."
                .into(),
        )],
        Status::Completed => vec![
            guest(
                format!("Thanks for staying at {title}"),
                "Your stay is complete. We hope you had a wonderful time.".into(),
            ),
            host(
                format!("{name}'s stay at {title} is complete"),
                format!("The stay is complete; your payout of {payout} is on its way."),
            ),
        ],
        Status::CancelledByGuest => vec![
            guest(
                format!("You cancelled your stay at {title}"),
                refund.to_string(),
            ),
            host(
                format!("{name} cancelled their stay at {title}"),
                format!("The reservation for {dates} was cancelled and the dates are free again."),
            ),
        ],
        Status::CancelledByHost => vec![
            guest(
                format!("Your host cancelled your stay at {title}"),
                format!("We're sorry: the host had to cancel. {refund}"),
            ),
            host(
                format!("You cancelled a reservation of {title}"),
                format!(
                    "The reservation of {name} for {dates} was cancelled; \
                     the guest is refunded in full."
                ),
            ),
        ],
        Status::PendingPayment => Vec::new(),
    }
}
