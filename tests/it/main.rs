//! Integration tests: one binary, so that the whole run shares one throwaway PostgreSQL cluster.
//! Every test starts the real server on a random port with its own database.

mod accounts;
mod email;
mod fixtures;
mod foundation;
mod jobs;
mod reviews;
mod support;
