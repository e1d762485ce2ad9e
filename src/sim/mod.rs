//! Cloudflare API simulator (see docs/SIMULATOR.md).
