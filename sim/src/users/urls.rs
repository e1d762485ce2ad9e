//! The users area's routes. There is deliberately no `/users/{id}` route:
//! the API has none.

use super::responses::*;
use crate::app::App;
use axum::routing::{get, post, MethodRouter};

pub fn routes() -> Vec<(&'static str, MethodRouter<App>)> {
    vec![
        ("/users", post(create)),
        ("/user", get(current).patch(update_current)),
    ]
}
