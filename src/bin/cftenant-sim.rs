//! `cftenant-sim`: local simulator of Cloudflare's partner (Tenant) provisioning API.
//! All logic lives in `cftenant::sim`; see docs/SIMULATOR.md.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = cftenant::sim::SimOptions::parse();
    cftenant::sim::init_logging();
    cftenant::sim::run(options).await
}
