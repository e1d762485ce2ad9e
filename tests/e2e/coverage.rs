//! Guards that the end-to-end suite covers every resource type the provider
//! registers: each has a destroy check (testing/src/destroy.rs), and each is
//! imported by at least one test. They read the provider's list of
//! resource types and this directory's source, and run no terraform, so a
//! new resource type fails them until its tests are written.

use cftenant::provider::CftenantProvider;
use cftenant_testing::destroy::{resource_type, After, DESTROY_CHECKS};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn registered_resource_types() -> BTreeSet<&'static str> {
    CftenantProvider::plugin()
        .resources
        .keys()
        .copied()
        .collect()
}

#[test]
fn every_resource_type_has_a_destroy_check() {
    let registered = registered_resource_types();
    let checked: BTreeSet<&str> = DESTROY_CHECKS.iter().map(|c| c.resource_type).collect();
    let missing: Vec<_> = registered.difference(&checked).collect();
    assert!(
        missing.is_empty(),
        "resource types without a destroy check: {missing:?}. Add one to DESTROY_CHECKS in \
         testing/src/destroy.rs: which object of GET /__sim/state a resource of the type stands for, \
         and what a destroy leaves of it"
    );
    let stale: Vec<_> = checked.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "DESTROY_CHECKS (testing/src/destroy.rs) checks resource types the provider does not register: {stale:?}"
    );
    assert_eq!(
        DESTROY_CHECKS.len(),
        checked.len(),
        "a resource type is checked twice"
    );
    // The one named exception: what a destroy cannot delete.
    let kept: Vec<&str> = DESTROY_CHECKS
        .iter()
        .filter(|c| matches!(c.after, After::Kept { .. }))
        .map(|c| c.resource_type)
        .collect();
    assert_eq!(
        kept,
        ["cftenant_service_user"],
        "only service users outlive a destroy (Cloudflare cannot delete users); \
         anything else a destroy leaves on the API is a leak"
    );
}

#[test]
fn every_resource_type_is_imported_by_an_end_to_end_test() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let mut found = Imports::default();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // The harness defines the step; this file quotes it in its self-test.
        if name == "harness.rs" || name == "coverage.rs" {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        found.scan(&name, &source);
    }
    let missing: Vec<_> = registered_resource_types()
        .into_iter()
        .filter(|t| !found.by_type.contains_key(*t))
        .collect();
    assert!(
        missing.is_empty(),
        "resource types no end-to-end test imports: {missing:?}. Add a `Step::Import` of one \
         (tests/e2e/harness.rs; the address a string literal or a `const` of the file), or run \
         `terraform import` through `Workspace::ok`.\nImports found: {:#?}\nImports whose address \
         the scan could not read: {:#?}",
        found.by_type,
        found.unresolved
    );
}

/// The scan finds the forms it counts, and only those.
#[test]
fn the_import_scan_reads_the_forms_it_counts() {
    let source = r##"
        const MEMBER: &str = "cftenant_account_member.ada";
        // Step::Import { address: "cftenant_account.in_a_comment", id: .., check: .. },
        fn steps() -> Vec<Step> {
            let plan = "cftenant_zone_subscription.main";
            vec![
                Step::Import {
                    address: "module.m[\"a.b\"].cftenant_zone.main",
                    id: Box::new(|ctx| format!("{}", ctx.sim.base_url)),
                    check: check(|_| {}),
                },
                Step::Import {
                    id: Box::new(|_| "x".into()),
                    address: MEMBER,
                    check: check(|_| {}),
                },
            ]
        }
        fn more(ctx: &Ctx, id: &str, address: &str) {
            ctx.ws.ok(&["import", "-input=false", "-no-color", plan, &format!("{id}/{}", 1)]);
            ctx.ws.ok(&[
                "import",
                "-no-color",
                "cftenant_service_user.svc",
                r#"svc@partner.example"#,
            ]);
            // Not counted: a failing import, one whose result is not checked, and one of an unknown address.
            ctx.ws.terraform(&["import", "-no-color", "cftenant_account.failing", id]);
            ctx.ws.ok(&["import", "-no-color", address, id]);
            let c = '"'; let s: &'static str = "Step::Import { address: \"cftenant_account.in_a_string\" }";
        }
    "##;
    let mut found = Imports::default();
    found.scan("example.rs", source);
    let types: Vec<&str> = found.by_type.keys().map(String::as_str).collect();
    assert_eq!(
        types,
        [
            "cftenant_account_member",
            "cftenant_service_user",
            "cftenant_zone",
            "cftenant_zone_subscription"
        ],
        "{found:#?}"
    );
    assert_eq!(found.by_type["cftenant_zone"], ["example.rs:8"]);
    assert_eq!(found.by_type["cftenant_account_member"], ["example.rs:14"]);
    assert_eq!(found.unresolved, ["example.rs:29: address"], "{found:#?}");
}

/// Successful imports found in test source, by resource type (`file:line`
/// of each), and those whose address is not a literal or a constant.
#[derive(Debug, Default)]
struct Imports {
    by_type: BTreeMap<String, Vec<String>>,
    unresolved: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Str(String),
    Ident(String),
    Punct(char),
}

/// Rust source as tokens with their lines: string literals (plain and raw),
/// identifiers and punctuation; comments, char literals and lifetimes
/// dropped. Enough to read struct literals and arrays, not a Rust parser.
fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && at(i + 1) == '/') {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                i += 2;
            }
            'r' if at(i + 1) == '"' || (at(i + 1) == '#' && matches!(at(i + 2), '"' | '#')) => {
                let start_line = line;
                let mut hashes = 0;
                i += 1;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1; // the opening quote
                let mut text = String::new();
                loop {
                    if i >= chars.len() {
                        break;
                    }
                    if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        i += 1 + hashes;
                        break;
                    }
                    line += usize::from(chars[i] == '\n');
                    text.push(chars[i]);
                    i += 1;
                }
                out.push((Token::Str(text), start_line));
            }
            '"' => {
                let start_line = line;
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                        match at(i) {
                            'n' => text.push('\n'),
                            '\n' => {
                                line += 1;
                                while at(i + 1).is_whitespace() {
                                    line += usize::from(at(i + 1) == '\n');
                                    i += 1;
                                }
                            }
                            other => text.push(other),
                        }
                    } else {
                        line += usize::from(chars[i] == '\n');
                        text.push(chars[i]);
                    }
                    i += 1;
                }
                i += 1;
                out.push((Token::Str(text), start_line));
            }
            '\'' => {
                // A char literal ('x', '\n', '"') or a lifetime ('static).
                if at(i + 1) == '\\' {
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if at(i + 2) == '\'' {
                    i += 3;
                } else {
                    i += 1;
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Token::Ident(chars[start..i].iter().collect()), line));
            }
            c => {
                out.push((Token::Punct(c), line));
                i += 1;
            }
        }
    }
    out
}

/// The tokens from `start` (just after an opening bracket) to its closing
/// one, split at the commas between them; and the index after the closing one.
fn items(tokens: &[(Token, usize)], start: usize) -> (Vec<&[(Token, usize)]>, usize) {
    let mut items = Vec::new();
    let (mut depth, mut from, mut i) = (0usize, start, start);
    while i < tokens.len() {
        match tokens[i].0 {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') if depth == 0 => {
                if i > from {
                    items.push(&tokens[from..i]);
                }
                return (items, i + 1);
            }
            Token::Punct(')' | ']' | '}') => depth -= 1,
            Token::Punct(',') if depth == 0 => {
                items.push(&tokens[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    (items, i)
}

fn is(token: Option<&(Token, usize)>, want: &Token) -> bool {
    token.is_some_and(|(t, _)| t == want)
}

fn ident(name: &str) -> Token {
    Token::Ident(name.into())
}

impl Imports {
    fn scan(&mut self, file: &str, source: &str) {
        let tokens = tokens(source);
        // `const NAME: &str = "…";` and `let NAME = "…";`, by name.
        let mut constants = BTreeMap::new();
        for (i, (t, _)) in tokens.iter().enumerate() {
            if matches!(t, Token::Ident(k) if k == "const" || k == "let") {
                if let Some((Token::Ident(name), _)) = tokens.get(i + 1) {
                    let end = tokens[i..]
                        .iter()
                        .position(|(t, _)| *t == Token::Punct(';'))
                        .map_or(tokens.len(), |p| i + p);
                    if let [.., (Token::Punct('='), _), (Token::Str(value), _)] = &tokens[i..end] {
                        constants.insert(name.clone(), value.clone());
                    }
                }
            }
        }
        let address_of = |expression: &[(Token, usize)]| -> Option<String> {
            let expression = match expression {
                [(Token::Punct('&'), _), rest @ ..] => rest,
                e => e,
            };
            match expression {
                [(Token::Str(s), _)] => Some(s.clone()),
                [(Token::Ident(name), _)] => constants.get(name).cloned(),
                _ => None,
            }
        };
        let mut i = 0;
        while i < tokens.len() {
            let line = tokens[i].1;
            // Step::Import { address: …, id: …, check: … }: the harness
            // requires the import to succeed.
            if is(tokens.get(i), &ident("Step"))
                && is(tokens.get(i + 1), &Token::Punct(':'))
                && is(tokens.get(i + 2), &Token::Punct(':'))
                && is(tokens.get(i + 3), &ident("Import"))
                && is(tokens.get(i + 4), &Token::Punct('{'))
            {
                let (fields, next) = items(&tokens, i + 5);
                let address = fields.iter().find_map(|field| match field {
                    [(Token::Ident(name), _), (Token::Punct(':'), _), expression @ ..]
                        if name == "address" =>
                    {
                        Some(expression)
                    }
                    // `Step::Import { address, … }`: a variable of that name.
                    [(Token::Ident(name), _)] if name == "address" => Some(&field[..]),
                    _ => None,
                });
                if let Some(expression) = address {
                    let at = format!("{file}:{}", expression.first().map_or(line, |t| t.1));
                    self.found(address_of(expression), at, expression);
                }
                i = next;
                continue;
            }
            // ….ok(&["import", …, ADDRESS, …]): `Workspace::ok` requires
            // the command to succeed.
            if is(tokens.get(i), &Token::Punct('.'))
                && is(tokens.get(i + 1), &ident("ok"))
                && is(tokens.get(i + 2), &Token::Punct('('))
                && is(tokens.get(i + 3), &Token::Punct('&'))
                && is(tokens.get(i + 4), &Token::Punct('['))
            {
                let (args, next) = items(&tokens, i + 5);
                if let [[(Token::Str(command), _)], rest @ ..] = args.as_slice() {
                    if command == "import" {
                        let address = rest.iter().find(
                            |arg| !matches!(arg, [(Token::Str(flag), _)] if flag.starts_with('-')),
                        );
                        if let Some(expression) = address {
                            let at = format!("{file}:{}", expression.first().map_or(line, |t| t.1));
                            self.found(address_of(expression), at, expression);
                        }
                    }
                }
                i = next;
                continue;
            }
            i += 1;
        }
    }

    fn found(&mut self, address: Option<String>, at: String, expression: &[(Token, usize)]) {
        match address.as_deref().and_then(resource_type) {
            Some(t) if t.starts_with("cftenant_") => {
                self.by_type.entry(t.to_string()).or_default().push(at)
            }
            _ => {
                let shown: Vec<String> = expression
                    .iter()
                    .map(|(t, _)| match t {
                        Token::Str(s) => format!("{s:?}"),
                        Token::Ident(s) => s.clone(),
                        Token::Punct(c) => c.to_string(),
                    })
                    .collect();
                self.unresolved.push(format!("{at}: {}", shown.join("")));
            }
        }
    }
}
