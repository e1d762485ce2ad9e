//! What the provider sent and the simulator answered, checked against
//! Cloudflare's own OpenAPI definition of the API (`openapi/`): the second
//! oracle beside our reference, so that a misunderstanding the client and
//! the simulator share does not pass unseen.
//!
//! Every request body the provider sends (told apart by its User-Agent) is
//! validated against its operation's request schema, and every answer of
//! the simulator against the response schema for its status. Answers made
//! by fault injection stand for a broken network, not for the API, and are
//! not validated. Nor are the answers of the simulator's observed dialect
//! (`--dialect observed`), which follow what the live API was recorded
//! answering instead of the definition; what the provider sends is
//! validated in both dialects. Where we deviate on purpose, [`DEVIATIONS`]
//! says where and why (docs/SIMULATOR.md lists the same, with the evidence).
//!
//! A request schema that offers forms (`anyOf`: a member granted roles, or
//! policies) is checked against the one form whose properties hold every
//! key of the body, when exactly one does: a body says which form it is,
//! and a wrong policy must not pass as a loose roles body.
//!
//! OpenAPI 3.0 schemas are not quite JSON Schema; [`translate`] says what
//! changes before validation.

use jsonschema::Validator;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

/// Cloudflare's definition, reduced to the paths the provider uses.
const DEFINITION: &str = include_str!("../openapi/openapi-subset.json");

/// Paths of the definition that neither the provider nor the simulator
/// touches (the definition was cut to what a tenant-provisioning provider
/// uses or will use): left out where lists are held to the definition.
pub const UNUSED_PATHS: &[&str] = &[
    "/memberships",
    "/memberships/{membership_id}",
    "/user/invites",
];

/// The provider's requests carry this User-Agent (`src/client/mod.rs`).
const PROVIDER_USER_AGENT: &str = "terraform-provider-cftenant/";

/// Which body a deviation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// What the provider sends.
    Request,
    /// A successful answer of the simulator.
    Response,
    /// An error answer (status 400 or more).
    Error,
}

/// A place where the simulator (and the provider) follow other evidence
/// than the definition, on purpose.
#[derive(Debug)]
pub struct Deviation {
    /// The operations (`operationId`; a trailing `*` matches a prefix).
    pub operations: &'static [&'static str],
    pub part: Part,
    /// Where in the body, as JSON pointers; `*` stands for any one segment,
    /// and what lies below a pointer is included, unless the pointer ends
    /// with `$` (then only that place itself).
    pub at: &'static [&'static str],
    /// Why (the evidence is in docs/SIMULATOR.md).
    pub why: &'static str,
}

const SUBSCRIPTION_WRITES: &[&str] = &[
    "zone-subscription-create-zone-subscription",
    "zone-subscription-update-zone-subscription",
    "POST /{accounts_or_zones}/{account_or_zone_id}/subscriptions",
    "account-subscriptions-update-subscription",
];
const ACCOUNT_SUBSCRIPTION_ANSWERS: &[&str] = &[
    "POST /{accounts_or_zones}/{account_or_zone_id}/subscriptions",
    "GET /{accounts_or_zones}/{account_or_zone_id}/subscriptions",
    "account-subscriptions-update-subscription",
];

pub const DEVIATIONS: &[Deviation] = &[
    Deviation {
        operations: SUBSCRIPTION_WRITES,
        part: Part::Request,
        at: &["/rate_plan/id"],
        why: "plan ids as the Tenant guide gives them to partners (PARTNERS_BIZ, TEAMS_STANDARD); \
              the definition's enum holds the zone plans' legacy ids only",
    },
    Deviation {
        operations: ACCOUNT_SUBSCRIPTION_ANSWERS,
        part: Part::Response,
        at: &["/result/rate_plan/id", "/result/*/rate_plan/id"],
        why: "account add-ons read back under their own ids (TEAMS_STANDARD); the definition reuses the \
              zone-plan enum for them, which its own notes call unreliable",
    },
    Deviation {
        operations: ACCOUNT_SUBSCRIPTION_ANSWERS,
        part: Part::Response,
        at: &["/result/frequency", "/result/*/frequency"],
        why: "contract add-ons read back `not-applicable`, as zone subscriptions do in the same definition",
    },
    Deviation {
        operations: &[
            "Tenants_*",
            "User_listUserTenants",
            "Accounts_getAccountProfile",
            "Accounts_modifyAccountProfile",
        ],
        part: Part::Error,
        at: &["/result"],
        why: "every v4 error carries `result: null`, as the definition's other failure schemas require; \
              these newer endpoints' failure schema types it as an object",
    },
    Deviation {
        operations: &["*"],
        part: Part::Error,
        at: &["/errors/*/code"],
        why: "rate-limited requests answer 429 with code 971, below the minimum of 1000 the definition sets",
    },
    Deviation {
        operations: &["account-members-add-member"],
        part: Part::Error,
        at: &["/result$"],
        why: "the live API refused an auto-accepted member (code 1001) with `result: []` \
              (app-sre/qontract-reconcile #5079); the definition's failure schema wants null",
    },
];

/// Endpoints the simulator serves that the definition does not describe,
/// as `METHOD /template`, with where they are documented.
pub const UNDOCUMENTED: &[(&str, &str)] = &[
    ("POST /users", "tenant service users: the Tenant guide only"),
    (
        "GET /accounts/{account_id}/subscriptions/{subscription_id}",
        "one account subscription: our reference, section 7.1 (the provider reads the list instead)",
    ),
];

/// One operation of the definition, its schemas compiled.
struct Operation {
    id: String,
    /// No API token among its security schemes: the global API key only.
    key_only: bool,
    method: String,
    segments: Vec<String>,
    request: Option<Validator>,
    /// The forms of an `anyOf` request schema: each one's property names,
    /// and its own validator.
    request_forms: Vec<(BTreeSet<String>, Validator)>,
    /// By response key (`200`, `4XX`, `default`); `None` where the answer
    /// has no JSON schema.
    responses: BTreeMap<String, Option<Validator>>,
}

pub struct Definition {
    operations: Vec<Operation>,
}

/// One thing that does not conform.
#[derive(Debug, Clone)]
pub struct Violation {
    pub exchange: String,
    pub operation: String,
    pub what: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.exchange, self.operation, self.what)
    }
}

/// What a batch of exchanges amounted to.
#[derive(Debug, Default)]
pub struct Report {
    pub exchanges: usize,
    pub requests_validated: usize,
    pub responses_validated: usize,
    /// Answers of the observed dialect, which follow the recordings instead
    /// of the definition and are not validated.
    pub responses_skipped: usize,
    /// Deviations from [`DEVIATIONS`] that were met (and so not violations).
    pub deviations_met: BTreeSet<String>,
    pub undocumented: BTreeSet<String>,
    pub violations: Vec<Violation>,
}

impl Report {
    pub fn summary(&self) -> String {
        format!(
            "{} exchanges: {} request bodies and {} responses validated against Cloudflare's definition \
             ({} answers of the observed dialect not validated), \
             {} undocumented endpoints, {} deliberate deviations met, {} violations",
            self.exchanges,
            self.requests_validated,
            self.responses_validated,
            self.responses_skipped,
            self.undocumented.len(),
            self.deviations_met.len(),
            self.violations.len()
        )
    }
}

/// The definition, loaded and compiled once per test process.
pub fn definition() -> &'static Definition {
    static DEFINITION_COMPILED: OnceLock<Definition> = OnceLock::new();
    DEFINITION_COMPILED.get_or_init(|| Definition::parse(DEFINITION))
}

/// Which way a body goes: OpenAPI's `readOnly` properties are required in
/// answers only, and `writeOnly` ones in requests only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

/// Is this property schema (or the component it refers to) marked with
/// `keyword` (`readOnly`, `writeOnly`)?
fn marked(property: &Json, keyword: &str, components: &Json) -> bool {
    property[keyword] == true
        || property["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .is_some_and(|name| components["schemas"][name][keyword] == true)
}

/// OpenAPI 3.0 → JSON Schema, for one direction: `nullable` and null in an
/// `enum` become a `"null"` type; a property read-only (in a request) or
/// write-only (in an answer) is not required; names a merged schema repeats
/// in `required` are listed once. Everything else is JSON Schema already
/// (draft 4 family) or a keyword validators ignore. `components` are the
/// untranslated ones, to see what a `$ref` is marked.
pub fn translate(schema: &Json, direction: Direction, components: &Json) -> Json {
    let not_required = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    let translated = |s: &Json| translate(s, direction, components);
    match schema {
        Json::Array(items) => Json::Array(items.iter().map(translated).collect()),
        Json::Object(map) => {
            let mut out: Map<String, Json> = map
                .iter()
                .filter(|(k, _)| k.as_str() != "nullable")
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        // Maps from names to schemas.
                        ("properties" | "patternProperties" | "schemas", Json::Object(named)) => {
                            Json::Object(
                                named
                                    .iter()
                                    .map(|(n, s)| (n.clone(), translated(s)))
                                    .collect(),
                            )
                        }
                        ("required", Json::Array(names)) => {
                            let mut seen = BTreeSet::new();
                            Json::Array(
                                names
                                    .iter()
                                    .filter(|n| seen.insert(n.to_string()))
                                    .filter(|n| {
                                        let property = &map
                                            .get("properties")
                                            .and_then(|p| p.get(n.as_str().unwrap_or_default()))
                                            .cloned()
                                            .unwrap_or_default();
                                        !marked(property, not_required, components)
                                    })
                                    .cloned()
                                    .collect(),
                            )
                        }
                        // Data, not schemas.
                        ("enum" | "example" | "default", _) => v.clone(),
                        _ => translated(v),
                    };
                    (k.clone(), v)
                })
                .collect();
            let nullable = map.get("nullable") == Some(&Json::Bool(true))
                || map
                    .get("enum")
                    .and_then(Json::as_array)
                    .is_some_and(|e| e.contains(&Json::Null));
            if !nullable {
                return Json::Object(out);
            }
            if let Some(values) = out.get_mut("enum").and_then(Json::as_array_mut) {
                if !values.contains(&Json::Null) {
                    values.push(Json::Null);
                }
            }
            match out.get("type").cloned() {
                Some(Json::String(t)) => {
                    out.insert("type".into(), json!([t, "null"]));
                    Json::Object(out)
                }
                Some(Json::Array(mut types)) => {
                    if !types.contains(&json!("null")) {
                        types.push(json!("null"));
                    }
                    out.insert("type".into(), Json::Array(types));
                    Json::Object(out)
                }
                _ => json!({ "anyOf": [Json::Object(out), { "type": "null" }] }),
            }
        }
        other => other.clone(),
    }
}

fn segments(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .map(str::to_string)
        .collect()
}

/// How well a template matches a path: the number of literal segments that
/// match, or `None` when it does not match.
fn match_score(template: &[String], path: &[String]) -> Option<usize> {
    if template.len() != path.len() {
        return None;
    }
    let mut literal = 0;
    for (t, p) in template.iter().zip(path) {
        if t.starts_with('{') && t.ends_with('}') {
            if p.is_empty() {
                return None;
            }
        } else if t == p {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

/// Does a JSON pointer match a pattern where `*` is any one segment, or
/// lie below such a match (unless the pattern ends with `$`)?
fn pointer_matches(pattern: &str, pointer: &str) -> bool {
    let (pattern, exact) = match pattern.strip_suffix('$') {
        Some(pattern) => (pattern, true),
        None => (pattern, false),
    };
    let pattern: Vec<&str> = pattern.split('/').collect();
    let pointer: Vec<&str> = pointer.split('/').collect();
    let deep_enough = if exact {
        pointer.len() == pattern.len()
    } else {
        pointer.len() >= pattern.len()
    };
    deep_enough
        && pattern
            .iter()
            .zip(&pointer)
            .all(|(want, got)| *want == "*" || want == got)
}

/// The forms of a request schema that is an `anyOf` of object schemas
/// (directly or through one `$ref`): each one's schema and property names.
fn request_forms(schema: &Json, raw_components: &Json) -> Vec<(Json, BTreeSet<String>)> {
    let resolve = |s: &Json| -> Json {
        match s["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            Some(name) => raw_components["schemas"][name].clone(),
            None => s.clone(),
        }
    };
    let Some(forms) = resolve(schema)["anyOf"].as_array().cloned() else {
        return Vec::new();
    };
    forms
        .iter()
        .map(|form| {
            let names = resolve(form)["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            (form.clone(), names)
        })
        .collect()
}

impl Operation {
    /// The validator for a request body: the one form whose properties
    /// hold all of the body's keys, when the schema has forms and exactly
    /// one does; otherwise the whole schema.
    fn request_validator(&self, body: &Json) -> Option<&Validator> {
        let keys: Vec<&String> = body
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        let mut fitting = self
            .request_forms
            .iter()
            .filter(|(names, _)| keys.iter().all(|k| names.contains(*k)));
        match (fitting.next(), fitting.next()) {
            (Some((_, form)), None) => Some(form),
            _ => self.request.as_ref(),
        }
    }
}

impl Definition {
    pub fn parse(text: &str) -> Definition {
        let document: Json = serde_json::from_str(text).expect("the OpenAPI definition is JSON");
        let raw = &document["components"];
        let components = [Direction::Request, Direction::Response]
            .map(|direction| (direction, translate(raw, direction, raw)));
        let compile = |schema: &Json, direction: Direction, what: &str| -> Validator {
            let components = &components.iter().find(|(d, _)| *d == direction).unwrap().1;
            let wrapped = json!({
                "allOf": [translate(schema, direction, raw)],
                "components": components,
            });
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .should_validate_formats(true)
                .build(&wrapped)
                .unwrap_or_else(|e| panic!("{what}: the schema does not compile: {e}"))
        };
        let mut operations = Vec::new();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("a path item") {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let id = op["operationId"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
                let json_schema = |content: &Json| {
                    content["content"]["application/json"]
                        .get("schema")
                        .cloned()
                };
                let request_schema = json_schema(&op["requestBody"]);
                let request = request_schema
                    .as_ref()
                    .map(|s| compile(s, Direction::Request, &format!("{id} request")));
                let request_forms = request_schema
                    .as_ref()
                    .map(|s| request_forms(s, raw))
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(i, (form, names))| {
                        let what = format!("{id} request form {i}");
                        (names, compile(&form, Direction::Request, &what))
                    })
                    .collect();
                let responses = op["responses"]
                    .as_object()
                    .map(|r| {
                        r.iter()
                            .map(|(key, response)| {
                                let validator = json_schema(response).map(|s| {
                                    compile(
                                        &s,
                                        Direction::Response,
                                        &format!("{id} response {key}"),
                                    )
                                });
                                (key.clone(), validator)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let key_only = op["security"].as_array().is_some_and(|schemes| {
                    !schemes
                        .iter()
                        .any(|scheme| scheme.get("api_token").is_some())
                });
                operations.push(Operation {
                    id,
                    key_only,
                    method: method.to_uppercase(),
                    segments: segments(path),
                    request,
                    request_forms,
                    responses,
                });
            }
        }
        Definition { operations }
    }

    /// The operations documented for the global API key only, as
    /// `(METHOD, /template)`.
    pub fn key_only(&self) -> BTreeSet<(String, String)> {
        self.operations
            .iter()
            .filter(|op| op.key_only)
            .map(|op| (op.method.clone(), format!("/{}", op.segments.join("/"))))
            .collect()
    }

    /// A list of key-only operations as the provider and the simulator
    /// write them, `(method, /template)` with `*` for every method, in the
    /// terms of [`Definition::key_only`]: `*` stands for the methods the
    /// definition documents for the key only on that path. Panics on a
    /// path for which it documents none.
    pub fn expand_key_only(&self, list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
        let documented = self.key_only();
        list.iter()
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
            .collect()
    }

    fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = segments(path);
        self.operations
            .iter()
            .filter(|op| op.method == method)
            .filter_map(|op| match_score(&op.segments, &path).map(|score| (score, op)))
            .max_by_key(|(score, _)| *score)
            .map(|(_, op)| op)
    }

    /// Checks exchanges as `GET /__sim/exchanges` lists them.
    pub fn check(&self, exchanges: &[Json]) -> Report {
        let mut report = Report::default();
        for exchange in exchanges {
            report.exchanges += 1;
            self.check_one(exchange, &mut report);
        }
        report
    }

    fn check_one(&self, exchange: &Json, report: &mut Report) {
        let method = exchange["method"].as_str().unwrap_or_default();
        let path = exchange["path"].as_str().unwrap_or_default();
        let status = exchange["status"].as_u64().unwrap_or_default();
        let name = format!("{method} {path} → {status}");
        let response = &exchange["response_body"];
        // An answer that says there is no such operation is not one of its answers.
        let no_operation =
            [7000, 7001].contains(&response["errors"][0]["code"].as_i64().unwrap_or(0));
        if exchange["injected"] == true || no_operation {
            return;
        }
        let Some(op) = self.operation(method, path) else {
            let path_segments = segments(path);
            match UNDOCUMENTED.iter().map(|(t, _)| t).find(|t| {
                t.split_once(' ').is_some_and(|(m, template)| {
                    m == method && match_score(&segments(template), &path_segments).is_some()
                })
            }) {
                Some(template) => {
                    report.undocumented.insert(template.to_string());
                }
                None => report.violations.push(Violation {
                    exchange: name,
                    operation: "-".into(),
                    what:
                        "neither in Cloudflare's definition nor listed in conformance::UNDOCUMENTED"
                            .into(),
                }),
            }
            return;
        };
        let mut violations = Vec::new();
        let from_provider = exchange["user_agent"]
            .as_str()
            .is_some_and(|ua| ua.starts_with(PROVIDER_USER_AGENT));
        let body = &exchange["request_body"];
        if from_provider && !body.is_null() {
            match op.request_validator(body) {
                Some(validator) => {
                    report.requests_validated += 1;
                    for e in validator.iter_errors(body) {
                        violations.push((
                            Part::Request,
                            e.instance_path().to_string(),
                            e.to_string(),
                        ));
                    }
                }
                None => violations.push((
                    Part::Request,
                    String::new(),
                    format!("a body was sent, and the operation takes none: {body}"),
                )),
            }
        }
        let answer = if status >= 400 {
            Part::Error
        } else {
            Part::Response
        };
        // The observed dialect answers as the live API was recorded to,
        // not as the definition says: its answers are not checked.
        let observed = exchange["dialect"] == "observed";
        if observed {
            report.responses_skipped += 1;
        }
        let status_key = status.to_string();
        let class_key = format!("{}XX", status / 100);
        let validator = op
            .responses
            .get(&status_key)
            .or_else(|| op.responses.get(&class_key))
            .or_else(|| op.responses.get("default"));
        match validator {
            _ if observed => {}
            Some(Some(validator)) => {
                report.responses_validated += 1;
                for e in validator.iter_errors(response) {
                    violations.push((answer, e.instance_path().to_string(), e.to_string()));
                }
            }
            Some(None) => {}
            None => violations.push((
                answer,
                String::new(),
                format!("status {status} is not an answer the definition lists"),
            )),
        }
        for (part, pointer, what) in violations {
            let deviation = DEVIATIONS.iter().find(|d| {
                d.part == part
                    && d.operations.iter().any(|o| match o.strip_suffix('*') {
                        Some(prefix) => op.id.starts_with(prefix),
                        None => *o == op.id,
                    })
                    && d.at.iter().any(|at| pointer_matches(at, &pointer))
            });
            match deviation {
                Some(d) => {
                    report.deviations_met.insert(d.why.to_string());
                }
                None => report.violations.push(Violation {
                    exchange: name.clone(),
                    operation: op.id.clone(),
                    what: format!("{part:?} {pointer}: {what}"),
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_a_null_type() {
        let t = |s: Json| translate(&s, Direction::Response, &json!({}));
        assert_eq!(
            t(json!({"type": "string", "nullable": true})),
            json!({"type": ["string", "null"]})
        );
        assert_eq!(
            t(json!({"enum": ["a", null], "type": "string"})),
            json!({"enum": ["a", null], "type": ["string", "null"]})
        );
        assert_eq!(
            t(json!({"$ref": "#/x", "nullable": true})),
            json!({"anyOf": [{"$ref": "#/x"}, {"type": "null"}]})
        );
        assert_eq!(
            t(
                json!({"properties": {"required": {"type": "string", "nullable": true}}, "required": ["required"]})
            ),
            json!({"properties": {"required": {"type": ["string", "null"]}}, "required": ["required"]})
        );
    }

    #[test]
    fn read_only_properties_are_required_in_answers_only() {
        let components = json!({"schemas": {"id": {"type": "string", "readOnly": true}}});
        let schema = json!({
            "properties": {"id": {"$ref": "#/components/schemas/id"}, "name": {"type": "string", "readOnly": true}, "email": {}},
            "required": ["id", "name", "email", "email"],
        });
        assert_eq!(
            translate(&schema, Direction::Request, &components)["required"],
            json!(["email"])
        );
        assert_eq!(
            translate(&schema, Direction::Response, &components)["required"],
            json!(["id", "name", "email"])
        );
    }

    fn exchange(method: &str, path: &str, status: u16, response: Json) -> Json {
        json!({
            "method": method, "path": path, "query": "", "user_agent": "test",
            "request_body": null, "status": status, "response_body": response, "injected": false,
            "dialect": "documented",
        })
    }

    const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const MEMBER: &str = "4536bcfad5faccb111b47003c79917fa";
    const ROLE: &str = "05784afa30c1afe1440e79d9351c7430";

    /// A member update the provider sent, answered with a member.
    fn member_update(body: Json) -> Json {
        let mut e = exchange(
            "PUT",
            &format!("/accounts/{ACCOUNT}/members/{MEMBER}"),
            200,
            json!({
                "success": true, "errors": [], "messages": [],
                "result": {"id": MEMBER, "email": "a@example.com", "status": "pending", "roles": [], "policies": []},
            }),
        );
        e["user_agent"] = json!("terraform-provider-cftenant/0.2.0");
        e["request_body"] = body;
        e
    }

    fn request_violations(report: &Report) -> Vec<&Violation> {
        report
            .violations
            .iter()
            .filter(|v| v.what.starts_with("Request"))
            .collect()
    }

    /// Role ids as `[{id}]` conform to the definition (since its 2026-08
    /// revision, whose role object no longer requires the read-only name
    /// and permissions); everything in the body is checked.
    #[test]
    fn a_member_update_is_checked_in_the_form_it_takes() {
        let roles = definition().check(&[member_update(json!({"roles": [{"id": ROLE}]}))]);
        assert_eq!(roles.requests_validated, 1, "{roles:?}");
        assert!(
            request_violations(&roles).is_empty(),
            "{:#?}",
            roles.violations
        );
        assert!(roles.deviations_met.is_empty(), "{roles:?}");

        let policy = |access: Option<&str>| {
            let mut policy = json!({
                "permission_groups": [{"id": "c8fed203ed3043cba015a93ad1616f1f"}],
                "resource_groups": [{"id": "6d7f2f5f5b1d4a0e9081fdc98d432fd1"}],
            });
            if let Some(access) = access {
                policy["access"] = json!(access);
            }
            json!({"policies": [policy]})
        };
        let good = definition().check(&[member_update(policy(Some("allow")))]);
        assert!(
            request_violations(&good).is_empty(),
            "{:#?}",
            good.violations
        );

        // A policy without `access` is wrong, roles or not.
        let bad = definition().check(&[member_update(policy(None))]);
        let found = request_violations(&bad);
        assert_eq!(found.len(), 1, "{:#?}", bad.violations);
        assert!(found[0].what.contains("/policies/0"), "{}", found[0]);
        assert!(found[0].what.contains("access"), "{}", found[0]);

        // A role id that is not a string is wrong.
        let bad_id = definition().check(&[member_update(json!({"roles": [{"id": 5}]}))]);
        let found = request_violations(&bad_id);
        assert_eq!(found.len(), 1, "{:#?}", bad_id.violations);
        assert!(found[0].what.contains("/roles/0/id"), "{}", found[0]);
    }

    #[test]
    fn exact_pointers_do_not_reach_below() {
        assert!(pointer_matches("/roles/*$", "/roles/0"));
        assert!(!pointer_matches("/roles/*$", "/roles/0/id"));
        assert!(!pointer_matches("/roles/*$", ""));
        assert!(pointer_matches("/roles/*", "/roles/0/id"));
        assert!(pointer_matches("", "/anything"));
    }

    /// The refusal of an auto-accepted member, as recorded, with `result: []`.
    #[test]
    fn the_recorded_member_refusal_is_a_deliberate_deviation() {
        let refusal = json!({
            "success": false, "messages": [], "result": [],
            "errors": [{"code": 1001, "message": "Invalid request: automatic verification of new members is not allowed"}],
        });
        let report = definition().check(&[exchange(
            "POST",
            &format!("/accounts/{ACCOUNT}/members"),
            400,
            refusal,
        )]);
        assert!(report.violations.is_empty(), "{:#?}", report.violations);
        assert_eq!(report.deviations_met.len(), 1);
    }

    /// Observed answers are counted, not checked; requests still are.
    #[test]
    fn observed_answers_are_not_validated() {
        let mut observed = exchange(
            "GET",
            "/zones/023e105f4ecef8ad9ca31a8372d0c353",
            200,
            zone(Json::Null),
        );
        observed["dialect"] = json!("observed");
        let report = definition().check(&[observed]);
        assert!(report.violations.is_empty(), "{:#?}", report.violations);
        assert_eq!(
            (report.responses_validated, report.responses_skipped),
            (0, 1)
        );
        assert!(report
            .summary()
            .contains("1 answers of the observed dialect not validated"));

        let mut update = member_update(json!({"roles": [{"id": 5}]}));
        update["dialect"] = json!("observed");
        let report = definition().check(&[update]);
        assert_eq!(report.requests_validated, 1);
        assert_eq!(
            request_violations(&report).len(),
            1,
            "{:#?}",
            report.violations
        );
    }

    fn zone(owner_id: Json) -> Json {
        json!({
            "success": true, "errors": [], "messages": [],
            "result": {
                "id": "023e105f4ecef8ad9ca31a8372d0c353",
                "name": "example.com",
                "account": {"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "Customer"},
                "owner": {"id": owner_id, "name": "Customer", "type": "organization"},
                "created_on": "2014-01-01T05:20:00.12345Z",
                "modified_on": "2014-01-01T05:20:00.12345Z",
                "activated_on": null,
                "development_mode": 0,
                "meta": {},
                "name_servers": ["a.ns.cloudflare.com"],
                "original_dnshost": null,
                "original_name_servers": null,
                "original_registrar": null,
                "paused": false,
                "status": "pending",
                "type": "full",
                "plan": {},
            }
        })
    }

    /// The check can fail: a null where the definition wants a string is
    /// found, at its place.
    #[test]
    fn a_null_owner_id_is_a_violation() {
        let definition = definition();
        let good = definition.check(&[exchange(
            "GET",
            "/zones/023e105f4ecef8ad9ca31a8372d0c353",
            200,
            zone(json!("023e105f4ecef8ad9ca31a8372d0c353")),
        )]);
        assert_eq!(good.responses_validated, 1, "{good:?}");
        assert!(good.violations.is_empty(), "{:#?}", good.violations);
        let bad = definition.check(&[exchange(
            "GET",
            "/zones/023e105f4ecef8ad9ca31a8372d0c353",
            200,
            zone(Json::Null),
        )]);
        assert_eq!(bad.violations.len(), 1, "{:#?}", bad.violations);
        assert!(
            bad.violations[0].what.contains("/result/owner/id"),
            "{}",
            bad.violations[0]
        );
    }

    #[test]
    fn an_endpoint_nobody_listed_is_a_violation() {
        let report = definition().check(&[exchange("GET", "/nowhere/1", 200, json!({}))]);
        assert_eq!(report.violations.len(), 1, "{report:?}");
    }

    #[test]
    fn the_most_literal_template_wins() {
        let op = definition()
            .operation(
                "GET",
                "/zones/023e105f4ecef8ad9ca31a8372d0c353/subscription",
            )
            .unwrap();
        assert_eq!(op.id, "zone-subscription-zone-subscription-details");
        let op = definition()
            .operation(
                "GET",
                "/accounts/023e105f4ecef8ad9ca31a8372d0c353/subscriptions",
            )
            .unwrap();
        assert_eq!(op.segments[0], "{accounts_or_zones}");
    }
}
