//! Data sources, one file each: model, schema, read. Those that list what
//! one tenant or account holds plug into [`listing`].

pub mod account;
pub mod account_members;
pub mod account_roles;
pub mod listing;
pub mod permission_groups;
pub mod resource_groups;
pub mod tenant;
pub mod tenant_account_types;
pub mod tenant_accounts;
pub mod tenant_custom_nameservers;
pub mod tenant_entitlements;
pub mod tenant_memberships;
pub mod zone_rate_plans;
pub mod zones;
