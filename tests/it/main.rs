//! Integration tests: one binary, so that the whole run shares one throwaway PostgreSQL cluster.
//! Every test starts the real server on a random port with its own database.

mod accounts;
mod accounts_security;
mod api;
mod api_listings;
mod bookings;
mod bookings_concurrency;
mod bookings_lifecycle;
mod bookings_rules;
mod bookings_support;
mod email;
mod fixtures;
mod foundation;
mod jobs;
mod listings_host;
mod money;
mod operations;
mod payments_stripe;
mod payments_support;
mod payments_webhooks;
mod reviews;
mod search;
mod search_places;
mod services_accounts;
mod services_bookings;
mod services_listings;
mod services_reviews;
mod stays;
mod stripe_fake;
mod support;
mod uploads;
mod vocabularies_accounts;
mod vocabularies_bookings;
mod vocabularies_listings;
