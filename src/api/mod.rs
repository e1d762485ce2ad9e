//! The Cloudflare API as the provider speaks it: the paths it calls, the
//! ids its answers carry and the closed sets of words it uses. Resources and data sources build every path here,
//! and read every id an answer gives through [`Id`] or [`Tag`], so that
//! nothing the network sends reaches the state or a later path unchecked.

pub mod accounts;
mod ids;
pub mod members;
pub mod nameservers;
pub mod paths;
mod values;
pub mod zones;

pub use ids::{checked_id, checked_opt_id, checked_tag, Id, IdRef, Tag};
pub use values::{
    AccountType, Frequency, MemberStatus, NameserverType, RatePlanFamily, ZoneMode, ZoneStatus,
    ZoneType,
};
