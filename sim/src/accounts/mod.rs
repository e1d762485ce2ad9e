//! Accounts (reference §2): create, read, update, delete, list, and the KYC
//! profile.

pub mod models;
pub mod records;
pub mod responses;
pub mod urls;

pub use models::render;
