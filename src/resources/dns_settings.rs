//! What the account and zone DNS settings resources share: the settings an
//! account gives its new zones (`zone_defaults`) and a zone has itself,
//! their schema, how they are read back, the PATCH of what changed, and
//! Cloudflare's defaults that a destroy returns them to.
//!
//! The settings always exist: creating either resource changes them, and
//! destroying it puts back the defaults of those the configuration set
//! (recorded with each apply in `managed_settings`: Terraform gives a
//! destroy no configuration), never of others. Every setting is optional and
//! computed: one left out of the configuration is read, never changed.

use crate::api::{NameserverType, ZoneMode};
use crate::checks::DOMAIN_NAME;
use crate::client::Client;
use crate::diagnostics::{parse_import_id, Context};
use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use std::marker::PhantomData;
use tfplugin::diag::{Diagnostic, Diagnostics};
use tfplugin::resource::{import_by_reading, Change, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::Type;

/// `soa.rname`: an email address in DNS form, its `@` written as a dot.
const RNAME: Check = Check::Custom {
    allowed:
        "an email address in DNS form, such as `hostmaster.example.com` for hostmaster@example.com",
    check: check_rname,
};

/// A domain name; an email address is refused with its DNS form where a
/// plain one can be given (a local part with a dot needs escaping).
fn check_rname(s: &str) -> Result<(), String> {
    let said = format!("{s:?} is an email address: the SOA takes it in DNS form");
    match s.split_once('@') {
        Some((local, domain)) if !local.contains('.') => {
            Err(format!("{said}, {:?}", format!("{local}.{domain}")))
        }
        Some(_) => Err(format!(
            "{said}, its `@` a dot (and a dot before it escaped)"
        )),
        None => crate::checks::check_domain_name(s),
    }
}

/// The SOA record Cloudflare serves for the zone.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Soa {
    pub expire: Option<i64>,
    pub min_ttl: Option<i64>,
    pub mname: Option<String>,
    pub refresh: Option<i64>,
    pub retry: Option<i64>,
    pub rname: Option<String>,
    pub ttl: Option<i64>,
}

/// The settings both resources manage (the nameservers, which differ, are
/// each resource's own).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    pub flatten_all_cnames: Option<bool>,
    pub multi_provider: Option<bool>,
    pub secondary_overrides: Option<bool>,
    pub ns_ttl: Option<i64>,
    pub zone_mode: Option<ZoneMode>,
    pub soa: Option<Soa>,
}

/// The nameservers as the API answers them.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApiNameservers {
    #[serde(rename = "type")]
    pub kind: Option<NameserverType>,
    pub ns_set: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ApiSoa {
    expire: Option<f64>,
    min_ttl: Option<f64>,
    mname: Option<String>,
    refresh: Option<f64>,
    retry: Option<f64>,
    rname: Option<String>,
    ttl: Option<f64>,
}

/// The settings as the API answers them: every field may be missing or
/// null, numbers may come as decimals, and fields the provider does not
/// manage (`foundation_dns`, `internal_dns`, …) are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApiSettings {
    flatten_all_cnames: Option<bool>,
    multi_provider: Option<bool>,
    secondary_overrides: Option<bool>,
    ns_ttl: Option<f64>,
    zone_mode: Option<ZoneMode>,
    soa: Option<ApiSoa>,
    pub nameservers: Option<ApiNameservers>,
}

/// A number of the API as the state's whole number.
pub fn whole(n: Option<f64>) -> Option<i64> {
    n.map(|n| n.round() as i64)
}

impl Settings {
    /// The settings the API answered.
    pub fn read(api: &ApiSettings) -> Settings {
        let soa = api.soa.clone().unwrap_or_default();
        Settings {
            flatten_all_cnames: api.flatten_all_cnames,
            multi_provider: api.multi_provider,
            secondary_overrides: api.secondary_overrides,
            ns_ttl: whole(api.ns_ttl),
            zone_mode: api.zone_mode.clone(),
            soa: Some(Soa {
                expire: whole(soa.expire),
                min_ttl: whole(soa.min_ttl),
                mname: soa.mname,
                refresh: whole(soa.refresh),
                retry: whole(soa.retry),
                rname: soa.rname,
                ttl: whole(soa.ttl),
            }),
        }
    }
}

/// Cloudflare's documented defaults of the settings both resources manage,
/// as a PATCH body sends them (`mname: null` is Cloudflare's own primary
/// nameserver).
pub fn defaults() -> Json {
    json!({
        "flatten_all_cnames": false,
        "multi_provider": false,
        "secondary_overrides": false,
        "ns_ttl": 86400,
        "zone_mode": ZoneMode::Standard,
        "nameservers": { "type": NameserverType::Standard },
        "soa": {
            "expire": 604800,
            "min_ttl": 1800,
            "mname": null,
            "refresh": 10000,
            "retry": 2400,
            "rname": "dns.cloudflare.com",
            "ttl": 3600,
        },
    })
}

/// The part of `body` at the dotted `paths` (`soa.ttl`), or `None` when
/// there is none: of Cloudflare's defaults, what a destroy returns to them.
/// The paths come from the state: one that names nothing in `body`, or
/// runs through a value that is not an object, is passed over.
pub fn only(body: &Json, paths: &[String]) -> Option<Json> {
    let mut picked = Map::new();
    for path in paths {
        let steps: Vec<&str> = path.split('.').collect();
        let Some(value) = steps.iter().try_fold(body, |at, step| at.get(step)) else {
            continue;
        };
        let Some((last, parents)) = steps.split_last() else {
            continue;
        };
        if let Some(object) = object_at(&mut picked, parents) {
            object.insert(last.to_string(), value.clone());
        }
    }
    (!picked.is_empty()).then_some(Json::Object(picked))
}

/// The object at `steps` inside `at`, made where missing; `None` where a
/// step holds something else.
fn object_at<'a>(
    mut at: &'a mut Map<String, Json>,
    steps: &[&str],
) -> Option<&'a mut Map<String, Json>> {
    for step in steps {
        at = match at
            .entry(step.to_string())
            .or_insert_with(|| Json::Object(Map::new()))
        {
            Json::Object(next) => next,
            _ => return None,
        };
    }
    Some(at)
}

/// What the client remembers for the run (`Client::saw`) of each setting an
/// object created or updated configures, keyed `<path> <setting>`. A
/// destroy in the same run leaves those to the object that set them: a
/// `create_before_destroy` replace creates the new object before it destroys
/// the old one, whose reset would otherwise undo what the new one has just
/// set, and an object moved to another address without a `moved` block is
/// created and destroyed in either order.
const WRITTEN: &str = "DNS setting written";

/// Whose settings they are (`account` or `zone`, and its id), and where
/// the API serves them: the requests both resources make.
pub struct Owner<'a> {
    pub kind: &'static str,
    pub id: &'a str,
    pub path: String,
}

impl Owner<'_> {
    /// PATCHes `changed`, or reads the settings when nothing changes; once
    /// that succeeds, the object configures the `managed` settings.
    pub async fn write<A: DeserializeOwned>(
        &self,
        client: &Client,
        changed: Option<Json>,
        managed: Option<&[String]>,
    ) -> Result<A, Diagnostic> {
        let answer = match changed {
            Some(changed) => client
                .patch(&self.path, &changed)
                .await
                .context(|| format!("changing the DNS settings of {} {}", self.kind, self.id)),
            None => client
                .get(&self.path)
                .await
                .context(|| format!("reading the DNS settings of {} {}", self.kind, self.id)),
        }?;
        for setting in managed.unwrap_or_default() {
            client.saw(WRITTEN, &format!("{} {setting}", self.path));
        }
        Ok(answer)
    }

    /// The settings, or `None` when their owner is gone.
    pub async fn read<A: DeserializeOwned>(
        &self,
        client: &Client,
    ) -> Result<Option<A>, Diagnostic> {
        client
            .get_if_exists(&self.path)
            .await
            .context(|| format!("reading the DNS settings of {} {}", self.kind, self.id))
    }

    /// A destroy: returns the `managed` settings to Cloudflare's `defaults`
    /// (the body a PATCH of every setting would send). With no record of
    /// what the configuration sets (imported, not applied since), nothing
    /// is reset, and the warning says so.
    pub async fn reset(
        &self,
        client: &Client,
        defaults: &Json,
        managed: Option<&[String]>,
    ) -> Result<Diagnostics, Diagnostic> {
        let mut diags = Diagnostics::default();
        let Some(managed) = managed else {
            diags.warning(
                NOTHING_RECORDED,
                format!(
                    "The DNS settings of {} {} were imported and not changed by an apply since, so nothing records \
                     which of them this configuration sets: none was returned to Cloudflare's defaults.",
                    self.kind, self.id
                ),
            );
            return Ok(diags);
        };
        let (kept, reset): (Vec<String>, Vec<String>) = managed
            .iter()
            .cloned()
            .partition(|setting| client.has_seen(WRITTEN, &format!("{} {setting}", self.path)));
        if !kept.is_empty() {
            diags.warning(
                "DNS settings left to the object that set them",
                format!(
                    "Another object set {} of {} {} in this run (a replace with create_before_destroy does this): \
                     they were not returned to Cloudflare's defaults.",
                    kept.join(", "),
                    self.kind,
                    self.id
                ),
            );
        }
        let Some(body) = only(defaults, &reset) else {
            return Ok(diags);
        };
        match client.patch::<_, Json>(&self.path, &body).await {
            // The owner is gone, and its settings with it.
            Err(e) if e.is_not_found() => Ok(diags),
            other => {
                other.context(|| {
                    format!(
                        "returning the DNS settings of {} {} to Cloudflare's defaults",
                        self.kind, self.id
                    )
                })?;
                Ok(diags)
            }
        }
    }
}

/// What sets one object's DNS settings apart from another's (the zone's,
/// the account's): the model, its schema, how it is sent and read back.
/// The resource around it, [`DnsSettingsResource`], is written once.
pub trait Scope: Serialize + DeserializeOwned + Send + Sync + 'static {
    const TYPE_NAME: &'static str;
    /// The owner's id attribute, the import id's one part: `zone_id`.
    const ID_ATTRIBUTE: &'static str;
    /// The settings as the API answers them.
    type Api: DeserializeOwned + Send;

    fn schema() -> Schema;
    /// Refusals of what would fail at apply (see `Resource::review_plan`).
    fn review(_change: &Change<'_, Self>) -> Diagnostics {
        Diagnostics::default()
    }
    /// The state an import reads: the owner's id, nothing else known.
    fn imported(id: &str) -> Self;
    fn owner(&self) -> Owner<'_>;
    /// What the configuration sets, as recorded by its last apply.
    fn managed(&self) -> Option<&[String]>;
    /// The settings as JSON, the shape `changes` compares (null where unset).
    fn settings_json(&self) -> Json;
    /// The PATCH body that sends `settings` (the account's nests them in
    /// `zone_defaults`).
    fn body(settings: Json) -> Json {
        settings
    }
    fn merge(&mut self, api: Self::Api);
}

/// A DNS settings resource: `S` says whose.
pub struct DnsSettingsResource<S>(PhantomData<S>);

impl<S> Default for DnsSettingsResource<S> {
    fn default() -> Self {
        DnsSettingsResource(PhantomData)
    }
}

/// PATCHes the settings that change from `prior` to `planned` (a create
/// passes `Json::Null`), or reads them when nothing does.
async fn write<S: Scope>(client: &Client, prior: &Json, mut planned: S) -> Result<S, Diagnostic> {
    let changed = changes(prior, &planned.settings_json()).map(S::body);
    let api = planned
        .owner()
        .write(client, changed, planned.managed())
        .await?;
    planned.merge(api);
    Ok(planned)
}

#[async_trait]
impl<S: Scope> Resource for DnsSettingsResource<S> {
    type Client = Client;
    type Model = S;
    const TYPE_NAME: &'static str = S::TYPE_NAME;

    fn schema() -> Schema {
        S::schema()
    }

    async fn review_plan(&self, _client: Option<&Client>, change: &Change<'_, S>) -> Diagnostics {
        S::review(change)
    }

    async fn create(&self, client: &Client, planned: S) -> OpResult<S, S> {
        Ok(write(client, &Json::Null, planned).await?)
    }

    async fn read(&self, client: &Client, state: S) -> OpResult<Option<S>, S> {
        let found: Option<S::Api> = state.owner().read(client).await?;
        Ok(super::read_back(state, found, S::merge))
    }

    async fn update(&self, client: &Client, prior: S, planned: S) -> OpResult<S, S> {
        Ok(write(client, &prior.settings_json(), planned).await?)
    }

    async fn delete(&self, client: &Client, state: S) -> OpResult<Diagnostics, S> {
        Ok(state
            .owner()
            .reset(client, &S::body(defaults()), state.managed())
            .await?)
    }

    async fn import(&self, client: &Client, id: &str) -> OpResult<Imported<S>, S> {
        let [id] = parse_import_id(S::TYPE_NAME, id, [S::ID_ATTRIBUTE])?;
        let state = S::imported(id);
        let what = format!("{} with id {id}", state.owner().kind);
        import_by_reading(self, client, state, &what).await
    }
}

/// The attribute that records what the configuration sets, and so what a
/// destroy returns to the defaults; `description` gives an example of the
/// resource's own paths.
pub fn managed_settings_attribute(description: &'static str) -> Attribute {
    Attribute::configured_paths("managed_settings", description)
}

/// What a destroy of settings with no record of what was configured says.
pub const NOTHING_RECORDED: &str = "The DNS settings were left as they are";

/// What a PATCH must send to go from `prior` to `planned` (the settings as
/// JSON): the fields whose planned value is known and differs, objects
/// field by field; `None` when nothing does. A create passes `Json::Null`
/// as `prior`, so that every configured field is sent.
pub fn changes(prior: &Json, planned: &Json) -> Option<Json> {
    match planned {
        Json::Null => None,
        Json::Object(fields) => {
            let changed: Map<String, Json> = fields
                .iter()
                .filter_map(|(name, value)| {
                    let before = prior.get(name).unwrap_or(&Json::Null);
                    changes(before, value).map(|v| (name.clone(), v))
                })
                .collect();
            (!changed.is_empty()).then_some(Json::Object(changed))
        }
        value => (value != prior).then(|| value.clone()),
    }
}

/// The `soa` attribute.
fn soa_attribute() -> Attribute {
    let seconds = |name, description, lo, hi| {
        Attribute::optional_computed(name, Type::Number, description).check(Check::Range(lo, hi))
    };
    Attribute::optional_computed(
        "soa",
        Type::String,
        "The zone's SOA record. Each field left out keeps its value.",
    )
    .nested(
        Nesting::Single,
        vec![
            seconds("expire", "Seconds after which secondary nameservers stop answering for the zone (Cloudflare's default 604800).", 86400, 2419200),
            seconds("min_ttl", "Seconds negative answers are cached (default 1800).", 60, 86400),
            Attribute::optional_computed(
                "mname",
                Type::String,
                "The primary nameserver's hostname; null means Cloudflare's own (the default). Once set, only a destroy returns it to null.",
            )
            .check(DOMAIN_NAME),
            seconds("refresh", "Seconds between secondary nameservers' refreshes (default 10000).", 600, 86400),
            seconds("retry", "Seconds before a failed refresh is retried (default 2400).", 600, 86400),
            Attribute::optional_computed(
                "rname",
                Type::String,
                "The zone administrator's email address in DNS form (default `dns.cloudflare.com`).",
            )
            .check(RNAME),
            seconds("ttl", "Seconds the SOA record is cached (default 3600).", 300, 86400),
        ],
    )
}

/// The attributes of the settings both resources manage, nameservers
/// aside.
pub fn attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed(
            "flatten_all_cnames",
            Type::Bool,
            "Whether every CNAME is flattened into the addresses it names (default false).",
        ),
        Attribute::optional_computed(
            "multi_provider",
            Type::Bool,
            "Whether the zone may be served by other DNS providers too (default false).",
        ),
        Attribute::optional_computed(
            "secondary_overrides",
            Type::Bool,
            "Whether records made at Cloudflare override those of a secondary zone's primary (default false).",
        ),
        Attribute::optional_computed(
            "ns_ttl",
            Type::Number,
            "TTL in seconds of the zone's NS records (default 86400).",
        )
        .check(Check::Range(30, 86400)),
        Attribute::optional_computed(
            "zone_mode",
            Type::String,
            "`standard` (DNS and proxying, the default), `cdn_only` or `dns_only`.",
        )
        .check(Check::OneOf(ZoneMode::WORDS)),
        soa_attribute(),
    ]
}

/// The `nameservers.type` attribute, with the types `allowed` where it is.
pub fn nameserver_type(allowed: &'static [&'static str]) -> Attribute {
    Attribute::optional_computed(
        "type",
        Type::String,
        "Which nameservers: Cloudflare's (`cloudflare.standard`, the default; `cloudflare.advanced`), or custom ones \
         (`custom.tenant`: the tenant's, see `cftenant_tenant_custom_nameserver`; `custom.account`).",
    )
    .check(Check::OneOf(allowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_changed_fields_are_sent() {
        let prior =
            json!({ "ns_ttl": 60, "soa": { "ttl": 300, "retry": 600 }, "zone_mode": "standard" });
        let planned =
            json!({ "ns_ttl": 60, "soa": { "ttl": 900, "retry": 600 }, "zone_mode": null });
        assert_eq!(
            changes(&prior, &planned),
            Some(json!({ "soa": { "ttl": 900 } }))
        );
        assert_eq!(changes(&prior, &prior), None);
        assert_eq!(
            changes(
                &Json::Null,
                &json!({ "ns_ttl": 60, "soa": { "ttl": null } })
            ),
            Some(json!({ "ns_ttl": 60 }))
        );
    }

    #[test]
    fn a_destroy_sends_the_defaults_of_the_configured_settings_only() {
        let paths = |p: &[&str]| p.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        assert_eq!(
            only(
                &defaults(),
                &paths(&["ns_ttl", "soa.mname", "soa.ttl", "nameservers.ns_set"])
            ),
            Some(json!({ "ns_ttl": 86400, "soa": { "mname": null, "ttl": 3600 } }))
        );
        assert_eq!(
            only(
                &json!({ "zone_defaults": defaults() }),
                &paths(&["zone_defaults.nameservers.type"])
            ),
            Some(json!({ "zone_defaults": { "nameservers": { "type": "cloudflare.standard" } } }))
        );
        assert_eq!(only(&defaults(), &[]), None);
        // Paths from a state are not trusted to be well formed.
        assert_eq!(
            only(
                &defaults(),
                &paths(&["ns_ttl", "ns_ttl.x", "soa", "soa.ttl", ""])
            ),
            Some(json!({ "ns_ttl": 86400, "soa": defaults()["soa"] }))
        );
    }

    #[test]
    fn decimals_read_as_whole_numbers() {
        let api: ApiSettings =
            serde_json::from_value(json!({ "ns_ttl": 3600.0, "soa": null, "unknown": 1 })).unwrap();
        let settings = Settings::read(&api);
        assert_eq!(settings.ns_ttl, Some(3600));
        assert_eq!(settings.soa, Some(Soa::default()));
    }
}
