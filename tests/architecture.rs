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

/// The source files of a folder of the provider, with their text.
fn sources(folder: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_stem().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no source files in {folder}");
    files
}

/// What a file refers to of its sibling modules: `super::x` and
/// `crate::<folder>::x`, by module name.
fn siblings_used(text: &str, folder: &str) -> Vec<String> {
    let mut used = Vec::new();
    for prefix in ["super::".to_string(), format!("crate::{folder}::")] {
        for (at, _) in text.match_indices(&prefix) {
            let name: String = text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && !used.contains(&name) {
                used.push(name);
            }
        }
    }
    used
}

#[test]
fn no_resource_imports_another_resource() {
    // Modules of `resources/` that are not resources, but what several share.
    const SHARED: &[&str] = &["mod", "subscription", "dns_settings"];
    let files = sources("src/resources");
    let resources: Vec<&str> = files
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !SHARED.contains(name))
        .collect();
    assert!(resources.len() >= 7, "read only {resources:?}");
    let mut imports = Vec::new();
    for (name, text) in &files {
        for used in siblings_used(text, "resources") {
            if resources.contains(&used.as_str()) && used != *name {
                imports.push(format!("resources/{name}.rs uses resources/{used}.rs"));
            }
        }
    }
    for (name, text) in sources("src/data_sources") {
        if text.contains("crate::resources") {
            imports.push(format!("data_sources/{name}.rs uses a resource"));
        }
    }
    assert!(
        imports.is_empty(),
        "resources never import each other (nor do data sources import them): what two of them share has \
         a home of its own (api, rate_plans, tenants, checks, adopt; docs/ARCHITECTURE.md):\n{}",
        imports.join("\n")
    );
}

#[test]
fn every_path_is_built_in_api_paths() {
    let mut inline = Vec::new();
    for folder in [
        "src",
        "src/resources",
        "src/data_sources",
        "src/client",
        "src/api",
    ] {
        for (name, text) in sources(folder) {
            if folder == "src/api" && name == "paths" {
                continue;
            }
            for prefix in [
                "\"/accounts",
                "\"/zones",
                "\"/tenants",
                "\"/user",
                "\"/memberships",
            ] {
                if text.contains(prefix) {
                    inline.push(format!("{folder}/{name}.rs writes a path {prefix}…\""));
                }
            }
        }
    }
    assert!(
        inline.is_empty(),
        "API paths are built in src/api/paths.rs, where every segment is encoded:\n{}",
        inline.join("\n")
    );
}
