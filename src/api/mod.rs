//! The Cloudflare API as the provider speaks it: the paths it calls and the
//! ids its answers carry. Resources and data sources build every path here,
//! and read every id an answer gives through [`Id`] or [`Tag`], so that
//! nothing the network sends reaches the state or a later path unchecked.

mod ids;
pub mod nameservers;
pub mod paths;

pub use ids::{checked_id, checked_opt_id, checked_tag, Id, Tag};
