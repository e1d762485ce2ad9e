//! Data sources, one file each: model, schema, read.

pub mod tenant;
