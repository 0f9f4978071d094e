//! Roost: a vacation-rental marketplace. The binary (`src/main.rs`) is a thin command line over
//! this library, which the integration tests drive too.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod app;
pub mod backup;
pub mod bookings;
pub mod cli;
pub mod config;
pub mod currency;
pub mod dates;
pub mod db;
pub mod deploy;
pub mod dev_mailbox;
pub mod email;
pub mod errors;
pub mod graphql;
pub mod health;
pub mod home;
pub mod images;
pub mod jobs;
pub mod listings;
pub mod media;
pub mod money;
pub mod payments;
pub mod pricing;
pub mod reviews;
pub mod schema;
pub mod search;
pub mod seed;
pub mod service;
pub mod startup;
pub mod stays;
pub mod storage;
pub mod throttle;
pub mod web;
