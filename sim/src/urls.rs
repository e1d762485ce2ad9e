//! Every API route (each area declares its own, `<area>/urls.rs`), each
//! behind the request gate's layers.

use crate::app::App;
use crate::gate::{self, RouteGate};
use crate::{accounts, custom_ns, dns_settings, members, subscriptions, tenants, users, zones};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::MethodRouter;
use axum::Router;
use tower::ServiceBuilder;

/// Path prefix of every API route.
pub const API_PREFIX: &str = "/client/v4";

/// Path templates (relative to `/client/v4`) and their handlers.
pub fn api_routes() -> Vec<(&'static str, MethodRouter<App>)> {
    [
        accounts::urls::routes(),
        members::urls::routes(),
        users::urls::routes(),
        zones::urls::routes(),
        subscriptions::urls::routes(),
        tenants::urls::routes(),
        custom_ns::urls::routes(),
        dns_settings::urls::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The API's router (to be nested under [`API_PREFIX`]): every route's
/// handlers behind the request gate's layers, outermost first (`gate` says
/// what each does). The gate wraps the method
/// router's fallback as well, so a wrong method on a known path is counted,
/// authenticated and answered with 405 / 7001.
pub fn api_router(app: &App, routes: Vec<(&'static str, MethodRouter<App>)>) -> Router<App> {
    let mut api = Router::new();
    for (template, methods) in routes {
        let route = RouteGate {
            app: app.clone(),
            template,
        };
        let gate = ServiceBuilder::new()
            .layer(from_fn_with_state(route.clone(), gate::count_request))
            .layer(from_fn_with_state(route.clone(), gate::inject_faults))
            .layer(from_fn(gate::reject_malformed_ids))
            .layer(from_fn_with_state(route.clone(), gate::authenticate))
            .layer(from_fn_with_state(route, gate::rate_limit));
        let methods = methods.fallback(gate::method_not_allowed).layer(gate);
        api = api.route(template, methods);
    }
    api
}
