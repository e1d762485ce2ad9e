//! Account members and roles (reference §3).

pub mod models;
pub mod records;
pub mod responses;
pub mod urls;

pub use models::render;
