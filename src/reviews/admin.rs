//! The admin console's door to reviews: the list, a review's page, hide and restore (with a
//! reason; sudo mode). Handlers parse, call one service of
//! [`crate::reviews::service::admin`] and render.

mod pages;

crate::admin_routes! {
    Get "/reviews" => pages::list,
    Get "/reviews/{id}" => pages::show,
    Post "/reviews/{id}/hide" => pages::hide,
    Post "/reviews/{id}/restore" => pages::restore,
}
