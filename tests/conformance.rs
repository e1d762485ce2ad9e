//! What the provider knows of Cloudflare's API definition, held to the
//! definition itself (`testing/openapi/`).

use cftenant::api::paths::GLOBAL_KEY_ONLY;

/// The endpoints whose 403 advises the global API key are exactly those the
/// definition documents for the key only.
#[test]
fn the_global_key_endpoints_are_the_definitions() {
    let definition = cftenant_testing::conformance::definition();
    let documented: std::collections::BTreeSet<_> = definition
        .key_only()
        .into_iter()
        .filter(|(_, path)| !cftenant_testing::conformance::UNUSED_PATHS.contains(&path.as_str()))
        .collect();
    assert_eq!(definition.expand_key_only(GLOBAL_KEY_ONLY), documented);
}
