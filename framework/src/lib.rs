//! A framework for Terraform providers in Rust: the plugin protocol (v6)
//! server with go-plugin's handshake and AutoMTLS, the value layer
//! (msgpack dynamic values ⇄ typed serde models), schemas, the generic plan,
//! the typed [`resource::Resource`] and [`resource::DataSource`] traits and
//! their adapters, diagnostics, hclog-style logs and registry docs.
//!
//! A provider implements [`provider::ProviderDefinition`] and hands it to
//! [`server::serve`]. Nothing here knows what the provider manages.

/// Code generated from `proto/` by build.rs.
pub mod proto {
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

pub mod diag;
pub mod docs;
pub mod logging;
pub mod plan;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod server;
pub mod value;

/// rustls needs one process-wide crypto provider; we use ring (pure
/// Rust + asm, no C toolchain steps beyond cc). Safe to call more than once.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
