//! The HTML door of reviews: the writing pages, the listing's reviews, the reply and the public
//! profile. Handlers extract input, call one service function and render.

mod pages;
mod write;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    write::configure(cfg);
    pages::configure(cfg);
}
