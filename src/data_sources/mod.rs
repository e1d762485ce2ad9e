//! Data sources, one file each: model, schema, read. Those that list what
//! one tenant or account holds plug into [`listing`].

pub mod account_roles;
pub mod listing;
pub mod tenant;
pub mod tenant_account_types;
pub mod tenant_accounts;
pub mod tenant_custom_nameservers;
pub mod tenant_entitlements;
pub mod tenant_memberships;
