//! What the provider knows of Cloudflare's API definition, held to the
//! definition itself (`testing/openapi/`).

use cftenant::client::GLOBAL_KEY_ONLY;
use std::collections::BTreeSet;

/// The endpoints whose 403 advises the global API key are exactly those the
/// definition documents for the key only.
#[test]
fn the_global_key_endpoints_are_the_definitions() {
    let documented = cftenant_testing::conformance::definition().key_only();
    let ours: BTreeSet<(String, String)> = GLOBAL_KEY_ONLY
        .iter()
        .flat_map(|(method, template)| {
            let methods: Vec<String> = match *method {
                "*" => documented
                    .iter()
                    .filter(|(_, t)| t == template)
                    .map(|(m, _)| m.clone())
                    .collect(),
                m => vec![m.to_string()],
            };
            assert!(!methods.is_empty(), "{template} is not in the definition");
            methods.into_iter().map(|m| (m, template.to_string()))
        })
        .collect();
    assert_eq!(ours, documented);
}
