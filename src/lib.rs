//! Roost: a vacation-rental marketplace. The binary (`src/main.rs`) is a thin command line over
//! this library, which the integration tests drive too.

pub mod accounts;
pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod errors;
pub mod health;
pub mod home;
pub mod schema;
pub mod startup;
pub mod web;
