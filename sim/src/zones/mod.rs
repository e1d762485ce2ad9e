//! Zones (reference §5): create, read, one-property PATCH, delete, list.

pub mod models;
pub mod records;
pub mod responses;
pub mod urls;

pub use models::render;
