//! Managed resources, one file each. A file reads top to bottom: model,
//! schema, plan rules, create/read/update/delete, import.

pub mod account;
