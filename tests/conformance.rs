//! What the provider knows of Cloudflare's API definition, held to the
//! definition itself (`testing/openapi/`).

use cftenant::api::paths::GLOBAL_KEY_ONLY;

/// The endpoints whose 403 advises the global API key are exactly those the
/// definition documents for the key only.
#[test]
fn the_global_key_endpoints_are_the_definitions() {
    let definition = cftenant_testing::conformance::definition();
    assert_eq!(
        definition.expand_key_only(GLOBAL_KEY_ONLY),
        definition.key_only()
    );
}
