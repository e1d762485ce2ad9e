//! Users (reference §4): tenant service users (`POST /users`) and the
//! authenticated user (`GET`/`PATCH /user`).

pub mod models;
pub mod records;
pub mod responses;
pub mod urls;

pub use models::{render_created, render_current};
