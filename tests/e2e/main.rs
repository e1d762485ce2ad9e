//! End-to-end tests: the real `terraform` CLI, the provider binary and the
//! simulator on 127.0.0.1. One test binary, one module per resource or data
//! source; configurations live in testdata/.

mod harness;

mod account;
mod account_dns_settings;
mod account_member;
mod account_roles;
mod account_subscription;
mod adoption;
mod bad_input;
mod coalesced_reads;
mod coverage;
mod durability;
mod examples;
mod faults;
mod first_week;
mod guides;
mod hostile;
mod logs;
mod lookups;
mod matrix;
mod messages;
mod mirror;
mod modules;
mod observed_dialect;
mod peer_scenarios;
mod postgres;
mod provider_config;
mod recorded_answers;
mod release;
mod secrets;
mod service_user;
mod teams;
mod tenant;
mod tenant_account_types;
mod tenant_accounts;
mod tenant_custom_nameserver;
mod tenant_entitlements;
mod tenant_memberships;
mod tls;
mod upgrade;
mod zone;
mod zone_dns_settings;
mod zone_subscription;
