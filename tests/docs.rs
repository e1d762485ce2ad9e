//! The committed registry docs (docs/index.md, docs/resources/,
//! docs/data-sources/) match what the provider's schema generates, and the
//! schema gives the docs something to say about every attribute.

use cftenant::provider::CftenantProvider;
use std::collections::BTreeMap;
use std::path::Path;
use tfplugin::docs::{self, Examples};
use tfplugin::schema::{Attribute, Schema};

#[test]
fn committed_docs_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let provider = CftenantProvider::plugin();
    let examples = Examples::load(&root.join("examples"), &provider).expect("reading examples/");
    let pages = docs::render(&provider, &examples);
    let differences = docs::differences(&root.join("docs"), &pages).expect("reading docs/");
    let listed: Vec<String> = differences.iter().map(|d| format!("  docs/{d}")).collect();
    assert!(
        differences.is_empty(),
        "{}\n{}",
        docs::STALE,
        listed.join("\n")
    );
}

#[test]
fn every_schema_and_attribute_has_a_description() {
    let provider = CftenantProvider::plugin();
    let mut schemas: Vec<(String, &Schema)> = vec![("provider".into(), &provider.schema)];
    for (type_name, resource) in &provider.resources {
        schemas.push((format!("resource {type_name}"), resource.schema()));
    }
    for (type_name, data_source) in &provider.data_sources {
        schemas.push((format!("data source {type_name}"), data_source.schema()));
    }
    let mut undocumented = Vec::new();
    for (owner, schema) in &schemas {
        if schema.description.trim().is_empty() {
            undocumented.push(format!("{owner} (its own description)"));
        }
        find_undocumented(owner, "", &schema.attributes, &mut undocumented);
    }
    assert!(
        undocumented.is_empty(),
        "these have no description, so the registry docs would show nothing for them:\n  {}",
        undocumented.join("\n  ")
    );
}

fn find_undocumented(owner: &str, prefix: &str, attributes: &[Attribute], found: &mut Vec<String>) {
    for a in attributes {
        let path = format!("{prefix}{}", a.name);
        if a.description.trim().is_empty() {
            found.push(format!("{owner}: {path}"));
        }
        if let Some((_, nested)) = &a.nested {
            find_undocumented(owner, &format!("{path}."), nested, found);
        }
    }
}

#[test]
fn pages_of_the_provider() {
    let provider = CftenantProvider::plugin();
    let examples = Examples(BTreeMap::from([(
        "provider/provider.tf".to_string(),
        "provider \"cftenant\" {}\n".to_string(),
    )]));
    let pages = docs::render(&provider, &examples);
    assert!(pages.contains_key("resources/account.md"));
    assert!(pages.contains_key("data-sources/tenant.md"));
    let index = &pages["index.md"];
    assert!(index.contains("# cftenant Provider\n"));
    assert!(index.contains("## Example Usage\n\n```terraform\nprovider \"cftenant\" {}\n```\n"));
    assert!(index.contains("- `api_token` (String) Cloudflare API token."));
    assert!(index.contains("`CLOUDFLARE_API_TOKEN`"));
    assert!(index.contains("Sensitive."));
}
