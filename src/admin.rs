//! The admin console (`/admin`), for users with the admin role; everyone else gets the site's
//! 404 page for every `/admin` URL.
//!
//! Where things live, and why. Each feature's admin pages are a door of that feature, beside
//! its HTML door (`accounts/admin.rs` for users, `reviews/admin.rs` for reviews, `bookings/admin.rs`
//! for bookings), calling that feature's admin services
//! (`accounts/service/admin.rs`): a rule about accounts stays in accounts, whichever door
//! uses it. What belongs to no feature is here, the console's shell: the route registry and
//! the gate ([`configure`], [`routes`]), the audit log ([`audit`]), sudo mode ([`sudo`]), list
//! paging and CSV ([`paging`], [`csv`]), the job queue's admin service ([`jobs`]: the queue
//! is no feature's) and the shell's own pages (`html/`: dashboard, audit log, jobs, password
//! confirmation).
//!
//! Every admin service function takes an [`Admin`](crate::service::Admin) proof (only
//! `Actor::admin` makes one), destructive ones a [`sudo::Sudo`] (an admin who confirmed their
//! password in the last ten minutes), and each writes its [`audit`] row in the transaction of
//! the change.

pub mod audit;
pub mod charts;
pub mod csv;
pub mod dashboard;
pub mod html;
pub mod jobs;
pub mod paging;
pub mod sudo;

use actix_web::{
    Error,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::{Next, from_fn},
    web,
};

use crate::{errors::AppError, web::AppState};

/// An HTTP method an admin route answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn route(self) -> actix_web::Route {
        match self {
            Method::Get => web::get(),
            Method::Post => web::post(),
        }
    }
}

/// One admin route: its method and its path under `/admin`.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: Method,
    /// Relative to `/admin` (`""` is the dashboard, `/users/{id}` a user).
    pub path: &'static str,
}

impl Route {
    /// The full path, `/admin…`.
    pub fn full_path(&self) -> String {
        format!("/admin{}", self.path)
    }
}

/// Declares a door's admin routes once: the `ROUTES` list (which the tests walk) and the
/// `configure` that registers exactly those, so that a route cannot be registered without
/// being listed.
#[macro_export]
macro_rules! admin_routes {
    ($($method:ident $path:literal => $handler:path),+ $(,)?) => {
        /// This door's admin routes, as registered by `configure`.
        pub const ROUTES: &[$crate::admin::Route] = &[
            $($crate::admin::Route { method: $crate::admin::Method::$method, path: $path }),+
        ];

        pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
            $(cfg.route($path, $crate::admin::Method::$method.route().to($handler));)+
        }
    };
}

/// A door of the console: its routes and how to register them.
struct Door {
    routes: &'static [Route],
    configure: fn(&mut web::ServiceConfig),
}

/// Every door of the console. Registration and [`routes`] both read this list.
const DOORS: &[Door] = &[
    Door {
        routes: html::ROUTES,
        configure: html::configure,
    },
    Door {
        routes: crate::accounts::admin::ROUTES,
        configure: crate::accounts::admin::configure,
    },
    Door {
        routes: crate::reviews::admin::ROUTES,
        configure: crate::reviews::admin::configure,
    },
    Door {
        routes: crate::listings::admin::ROUTES,
        configure: crate::listings::admin::configure,
    },
    Door {
        routes: crate::bookings::admin::ROUTES,
        configure: crate::bookings::admin::configure,
    },
    Door {
        routes: crate::payments::admin::ROUTES,
        configure: crate::payments::admin::configure,
    },
    Door {
        routes: crate::currency::admin::ROUTES,
        configure: crate::currency::admin::configure,
    },
];

/// Every admin route the application registers.
pub fn routes() -> impl Iterator<Item = &'static Route> {
    DOORS.iter().flat_map(|door| door.routes.iter())
}

/// Mounts the console under `/admin`, behind [`gate`].
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .wrap(from_fn(gate))
            .configure(|cfg| {
                for door in DOORS {
                    (door.configure)(cfg);
                }
            })
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// The console does not exist for anyone but an active admin: everyone else gets the 404 page
/// before any handler runs (and reads a form). The handlers still obtain their `Admin` proof
/// from the actor themselves; this gate is the second lock, not the only one.
async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?;
    let user = crate::accounts::current_user(req.request(), &state).await?;
    if !user.is_some_and(|user| user.is_admin) {
        return Ok(req.error_response(AppError::NotFound).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The admin proof of a request's actor, for the console's handlers: anyone else (visitors
/// included, who elsewhere are asked to log in) gets the 404 page.
pub fn admin_of(actor: &crate::service::Actor) -> Result<crate::service::Admin, AppError> {
    actor.admin().map_err(|_| AppError::NotFound)
}
