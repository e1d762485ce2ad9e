//! Managed resources, one file each. A file reads top to bottom: model,
//! schema, plan rules, create/read/update/delete, import.

pub mod account;
pub mod account_dns_settings;
pub mod account_member;
pub mod account_subscription;
mod dns_settings;
pub mod service_user;
mod subscription;
pub mod tenant_custom_nameserver;
pub mod zone;
pub mod zone_dns_settings;
pub mod zone_subscription;

/// The end of a read: the state with what the API answered merged in, or
/// `None` when the object is gone (Terraform then plans to create it).
fn read_back<M, A>(mut state: M, found: Option<A>, merge: impl FnOnce(&mut M, A)) -> Option<M> {
    let api = found?;
    merge(&mut state, api);
    Some(state)
}

/// What a zone's planned destroy notes for the rest of the run
/// (`Client::saw`, keyed by the zone's id): the account's planned destroy
/// tells from it which of the account's zones this run destroys too.
const ZONE_DESTROY_PLANNED: &str = "zone planned for destroy";
