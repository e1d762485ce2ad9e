//! Contracts of the whole tree, checked mechanically: the rooms import one
//! way, and every resource's model carries every attribute of its schema.

use cftenant::provider::CftenantProvider;
use std::path::Path;

/// The `[dependencies]` of a crate's manifest, by name.
fn dependencies(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(manifest))
        .unwrap_or_else(|e| panic!("{manifest}: {e}"));
    let mut in_dependencies = false;
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies {
            if let Some((name, _)) = line.split_once(['=', '.']) {
                if !name.trim().is_empty() && !name.starts_with('#') {
                    names.push(name.trim().to_string());
                }
            }
        }
    }
    names
}

#[test]
fn the_framework_and_the_simulator_import_nothing_of_the_provider_or_each_other() {
    let ours = [
        "terraform-provider-cftenant",
        "tfplugin",
        "cftenant-sim",
        "cftenant-testing",
    ];
    for (manifest, allowed) in [
        ("framework/Cargo.toml", &[][..]),
        ("sim/Cargo.toml", &[][..]),
        ("Cargo.toml", &["tfplugin"][..]),
    ] {
        let deps = dependencies(manifest);
        assert!(!deps.is_empty(), "no [dependencies] read from {manifest}");
        for dep in deps.iter().filter(|d| ours.contains(&d.as_str())) {
            assert!(
                allowed.contains(&dep.as_str()),
                "{manifest} depends on {dep}: the framework imports nothing of the provider or the simulator, \
                 the simulator nothing of either, and the provider only the framework (docs/ARCHITECTURE.md)"
            );
        }
    }
}

#[test]
fn every_model_carries_every_attribute_of_its_schema() {
    let plugin = CftenantProvider::plugin();
    let mut wrong = Vec::new();
    for (name, r) in &plugin.resources {
        if let Err(e) = r.check_model() {
            wrong.push(format!("resource {name}: {e}"));
        }
    }
    for (name, d) in &plugin.data_sources {
        if let Err(e) = d.check_model() {
            wrong.push(format!("data source {name}: {e}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
