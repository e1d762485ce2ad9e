//! `cftenant-sim`: local simulator of Cloudflare's partner (Tenant)
//! provisioning API. The logic lives in the library; see docs/SIMULATOR.md.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = cftenant_sim::SimOptions::parse();
    cftenant_sim::init_logging();
    cftenant_sim::run(options).await
}
