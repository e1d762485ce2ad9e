//! Which evidence the simulator's answers follow (`--dialect`).
//!
//! The **documented** dialect (the default) answers as Cloudflare's
//! documentation describes the API: the reference, the Tenant guide and the
//! OpenAPI definition. The **observed** dialect answers in the shapes that
//! people recorded from the live API (`tests/corpus/`), where those differ
//! from the documentation: lists without `total_pages`, members without a
//! top-level `email`, tenant accounts keyed by `account_tag`, and so on
//! (docs/SIMULATOR.md, "Dialects"). Behaviour the records show more strongly
//! than the documentation (error codes, accepted ids) is the same in both.
//!
//! The dialect is chosen at start and never changes while the simulator
//! runs: it is kept in [`crate::store::SeedConfig`] and copied into every
//! [`crate::store::SimState`] (seeded, reset or loaded), so that each render
//! function can read it from the state it renders.

use serde::{Deserialize, Serialize};

/// The shapes the simulator answers in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// As Cloudflare documents the API.
    #[default]
    Documented,
    /// As the live API has been recorded to answer.
    Observed,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Documented => "documented",
            Dialect::Observed => "observed",
        }
    }

    pub fn is_observed(self) -> bool {
        self == Dialect::Observed
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
