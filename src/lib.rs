//! terraform-provider-cftenant: a Terraform provider for Cloudflare's partner
//! (Tenant) provisioning API, and `cftenant-sim`, a local simulator of that
//! API. See docs/ARCHITECTURE.md for how the modules fit together.

/// Code generated from `proto/` by build.rs.
pub mod proto {
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

pub mod adopt;
pub mod client;
pub mod data_sources;
pub mod diag;
pub mod docs;
pub mod logging;
pub mod plan;
pub mod provider;
pub mod resource;
pub mod resources;
pub mod schema;
pub mod server;
pub mod sim;
pub mod value;

/// rustls needs one process-wide crypto provider; we use ring (pure
/// Rust + asm, no C toolchain steps beyond cc).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
