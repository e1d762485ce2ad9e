//! `cftenant_zone`: a customer's domain in an account (`/zones`).

use crate::adopt::{Candidate, Creation, Origin};
use crate::api::paths::{self, ZONES};
use crate::checks;
use crate::client::{ApiError, Client, Collection};
use crate::diagnostics::{import_not_found, parse_import_id, state_id, Context};
use crate::resources::zone_subscription::plan_family_of;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::plan::PlannedChange;
use tfplugin::resource::{Failure, Imported, OpResult, PlanContext, Resource};
use tfplugin::schema::{Attribute, Check, Schema};
use tfplugin::value::{AttrPath, Type};

pub struct ZoneResource;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Zone {
    pub id: Option<String>,
    pub account_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub zone_type: Option<String>,
    pub paused: Option<bool>,
    pub vanity_name_servers: Option<Vec<String>>,
    pub status: Option<String>,
    pub name_servers: Option<Vec<String>>,
    pub original_name_servers: Option<Vec<String>>,
    pub plan_id: Option<String>,
    pub verification_key: Option<String>,
    pub created_on: Option<String>,
    pub activated_on: Option<String>,
}

/// Cloudflare's code for "a zone of this name already exists".
const ZONE_EXISTS: i64 = 1061;

/// A domain name as Cloudflare accepts it for a zone.
pub const DOMAIN_NAME: Check = Check::Custom {
    allowed: "a lowercase domain name under a public suffix, such as `example.com` or `shop.example.co.uk` (internationalised names in their `xn--` form)",
    check: check_domain_name,
};

/// Checks a zone name the way Cloudflare does: a name of letters, digits
/// and hyphens (internationalised names in punycode) under a suffix of the
/// public suffix list, and not an IP address.
pub fn check_domain_name(s: &str) -> Result<(), String> {
    let why = domain_name_problem(s);
    match why {
        Some(w) => Err(format!("{s:?} is not a valid domain name: it {w}")),
        None => Ok(()),
    }
}

fn domain_name_problem(s: &str) -> Option<String> {
    if s.parse::<std::net::IpAddr>().is_ok() {
        return Some("is an IP address; a zone is a domain name such as `example.com`".into());
    }
    if !s.is_ascii() {
        return Some(match idna::domain_to_ascii(s) {
            Ok(ascii) if check_domain_name(&ascii).is_ok() => {
                format!("is not ASCII: write it in its punycode form {ascii:?}")
            }
            _ => "is not ASCII, and not a valid internationalised domain name either".into(),
        });
    }
    if s != s.to_ascii_lowercase() {
        return Some(format!(
            "must be lowercase (write {:?})",
            s.to_ascii_lowercase()
        ));
    }
    if s.ends_with('.') {
        return Some("must not end with a dot".into());
    }
    if s.len() > 253 {
        return Some("is longer than 253 characters".into());
    }
    if s.split('.').count() < 2 {
        return Some("needs at least two labels, like `example.com`".into());
    }
    let label_problem = s.split('.').find_map(|label| {
        if label.is_empty() {
            Some("has an empty label (two dots in a row?)".to_string())
        } else if label.len() > 63 {
            Some(format!("has a label longer than 63 characters ({label:?})"))
        } else if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            Some(format!(
                "has a label with characters other than letters, digits and hyphens ({label:?})"
            ))
        } else if label.starts_with('-') || label.ends_with('-') {
            Some(format!(
                "has a label starting or ending with a hyphen ({label:?})"
            ))
        } else {
            None
        }
    });
    if label_problem.is_some() {
        return label_problem;
    }
    if idna::domain_to_unicode(s).1.is_err() {
        return Some("has an `xn--` label that is not valid punycode".into());
    }
    match psl::suffix(s.as_bytes()) {
        Some(suffix) if suffix.is_known() => {}
        _ => {
            let tld = s.rsplit('.').next().unwrap_or(s);
            return Some(format!(
                "ends in {tld:?}, which is not a top-level domain of the public suffix list"
            ));
        }
    }
    if psl::domain(s.as_bytes()).is_none() {
        return Some(
            "is itself a public suffix (like `co.uk`): a zone needs a name under it, such as `example.co.uk`".into(),
        );
    }
    None
}

#[derive(Debug, Deserialize)]
struct ApiZone {
    #[serde(deserialize_with = "crate::api::checked_id")]
    id: String,
    name: String,
    account: Option<IdRef>,
    #[serde(rename = "type")]
    zone_type: Option<String>,
    paused: Option<bool>,
    status: Option<String>,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    name_servers: Vec<String>,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    vanity_name_servers: Vec<String>,
    original_name_servers: Option<Vec<String>>,
    verification_key: Option<String>,
    created_on: Option<String>,
    activated_on: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
struct IdRef {
    #[serde(deserialize_with = "crate::api::checked_id")]
    id: String,
}

#[derive(Serialize)]
struct CreateBody<'a> {
    name: &'a str,
    account: IdRef,
    #[serde(rename = "type")]
    zone_type: &'a str,
}

/// The zone PATCH takes exactly one property per request.
#[derive(Serialize)]
struct PausedBody {
    paused: bool,
}

#[derive(Serialize)]
struct TypeBody<'a> {
    #[serde(rename = "type")]
    zone_type: &'a str,
}

/// The type a new zone gets when the configuration leaves it out.
const DEFAULT_TYPE: &str = "full";

/// A PATCH of a zone that exists, its answer merged into `state`. When it
/// fails, `state` goes back with the error: Terraform keeps the zone
/// (tainted) with what earlier steps changed, rather than lose it.
async fn patch_keeping(
    client: &Client,
    id: &str,
    body: &impl Serialize,
    doing: &str,
    mut state: Zone,
) -> OpResult<Zone, Zone> {
    match patched(client, id, body)
        .await
        .context(|| format!("{doing} zone {id}"))
    {
        Ok(z) => {
            state.merge(z);
            Ok(state)
        }
        Err(d) => Err(Failure {
            diags: d.into(),
            state: Some(state),
        }),
    }
}

/// A PATCH of a zone and the zone after it. Some recorded answers to the
/// PATCH carry only the changed fields (`tests/corpus/22`): the zone is then
/// read again rather than pieced together.
async fn patched(client: &Client, id: &str, body: &impl Serialize) -> Result<ApiZone, ApiError> {
    let answer: serde_json::Value = client.patch(&path(id), body).await?;
    match serde_json::from_value::<ApiZone>(answer) {
        Ok(zone) => Ok(zone),
        Err(e) => {
            tracing::debug!(zone = id, error = %e, "the PATCH answer is not a whole zone: reading it");
            client.get(&path(id)).await
        }
    }
}

/// Sets the zone's vanity nameservers (`[]` removes them), keeping the zone
/// in state when that fails.
async fn set_vanity_name_servers(
    client: &Client,
    id: &str,
    names: &[String],
    state: Zone,
) -> OpResult<Zone, Zone> {
    let body = VanityBody {
        vanity_name_servers: names,
    };
    patch_keeping(
        client,
        id,
        &body,
        "setting the vanity nameservers of",
        state,
    )
    .await
}

#[derive(Serialize)]
struct VanityBody<'a> {
    /// `[]` removes them.
    vanity_name_servers: &'a [String],
}

/// The plans on which Cloudflare allows vanity nameservers.
const VANITY_PLANS: [&str; 2] = ["business", "enterprise"];

impl Zone {
    fn merge(&mut self, api: ApiZone) {
        self.id = Some(api.id);
        self.name = api.name;
        if let Some(a) = api.account {
            self.account_id = a.id;
        }
        self.zone_type = api.zone_type.or(self.zone_type.take());
        self.paused = Some(api.paused.unwrap_or(false));
        self.vanity_name_servers = Some(api.vanity_name_servers).filter(|names| !names.is_empty());
        self.status = api.status;
        self.name_servers = Some(api.name_servers);
        self.original_name_servers = api.original_name_servers;
        self.plan_id = None;
        self.verification_key = api.verification_key;
        // Set once: an answer's own never moves it.
        self.created_on = self.created_on.take().or(api.created_on);
        self.activated_on = api.activated_on;
    }
}

fn path(id: &str) -> String {
    paths::zone(id)
}

#[async_trait]
impl Resource for ZoneResource {
    type Client = Client;
    type Model = Zone;
    const TYPE_NAME: &'static str = "cftenant_zone";

    fn schema() -> Schema {
        Schema::new(
            "A zone (domain) in a customer account. New zones are `pending` until their nameservers point to Cloudflare (`full`) or verification completes (`partial`).",
            vec![
                Attribute::computed("id", Type::String, "Zone id."),
                Attribute::required("account_id", Type::String, "The account that owns the zone.").check(checks::ID32).replaces(),
                Attribute::required("name", Type::String, "The domain, e.g. `example.com`.").check(DOMAIN_NAME).replaces(),
                Attribute::optional_computed(
                    "type",
                    Type::String,
                    "`full` (Cloudflare is the authoritative DNS), `partial` (CNAME setup), `secondary`, or `internal` (resolvable only \
                     inside the account); `full` when a new zone leaves it out. Changed in place (Cloudflare decides which changes it \
                     allows); removing it from the configuration keeps the zone's type.",
                )
                .check(Check::OneOf(&["full", "partial", "secondary", "internal"])),
                Attribute::optional_computed("paused", Type::Bool, "Whether Cloudflare only serves DNS for the zone (no proxying, no security). Updated in place."),
                Attribute::optional(
                    "vanity_name_servers",
                    Type::list(Type::String),
                    "Your own hostnames for the zone's nameservers, in order, instead of Cloudflare's. Cloudflare allows them on the Business and Enterprise plans only, \
                     so a zone gets them once its `cftenant_zone_subscription` is on one of those: set them in a later apply than the plan. Updated in place; removing them returns to Cloudflare's nameservers.",
                )
                .check(DOMAIN_NAME)
                .check(Check::MinItems(1))
                .check(Check::MaxItems(5)),
                Attribute::computed("status", Type::String, "`initializing`, `pending`, `active` or `moved`.")
                    .unknown_when_changed(&["type"]),
                Attribute::computed(
                    "name_servers",
                    Type::list(Type::String),
                    "The Cloudflare nameservers assigned to the zone: set these at the registrar. None for a `partial` zone, whose DNS stays with its own nameservers.",
                )
                .unknown_when_changed(&["type"]),
                Attribute::computed("original_name_servers", Type::list(Type::String), "The zone's nameservers before moving to Cloudflare."),
                Attribute::computed(
                    "plan_id",
                    Type::String,
                    "Always null. It was the zone's plan as the zone reported it, which lagged behind every change made with \
                     `cftenant_zone_subscription` (and Cloudflare deprecates it): read the plan from `cftenant_zone_subscription`. \
                     It stays so that states written before read; it goes away in 1.0.",
                )
                .deprecated(),
                Attribute::computed("verification_key", Type::String, "For `partial` zones: the TXT verification key.")
                    .unknown_when_changed(&["type"]),
                Attribute::computed("created_on", Type::String, "When the zone was created (RFC 3339)."),
                Attribute::computed("activated_on", Type::String, "When the zone was activated (RFC 3339), if it has been."),
            ],
        )
    }

    /// A new zone is on the free plan, which has no vanity nameservers:
    /// known without asking the API, even before the zone's account exists.
    fn modify_plan(ctx: &PlanContext, plan: &mut PlannedChange, diags: &mut Diagnostics) {
        let creating = ctx.prior.is_null() || !plan.requires_replace.is_empty();
        let vanity = ctx.config.attr("vanity_name_servers");
        if creating && !vanity.is_null() && !vanity.is_unknown() {
            vanity_refused(
                diags,
                "a new zone is on the free plan until its subscription is applied, after it",
            );
        }
    }

    /// A replacement destroys the zone before creating the new one: refuse
    /// it at plan when the new one cannot be created.
    async fn check_change(
        &self,
        client: &Client,
        prior: Option<&Zone>,
        planned: &Zone,
        replacing: bool,
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let vanity_changes = planned.vanity_name_servers.is_some()
            && planned.vanity_name_servers != prior.and_then(|p| p.vanity_name_servers.clone());
        if let (true, Some(zone), false) = (vanity_changes, prior, replacing) {
            check_vanity_plan(client, zone, &mut diags).await;
        }
        // A create that finds the name taken fails cleanly at apply (and
        // checking every create would cost a request each): only what a
        // replacement would destroy first is checked.
        let Some(prior) = prior.filter(|_| replacing) else {
            return diags;
        };
        if planned.account_id != prior.account_id {
            match client
                .get_if_exists::<serde_json::Value>(&paths::account(&planned.account_id))
                .await
            {
                Ok(Some(_)) => {}
                Ok(None) => {
                    diags.attr_error(
                        AttrPath::attr("account_id"),
                        "Cannot move the zone to an unknown account",
                        format!(
                            "Account {} does not exist, or the credentials cannot see it: replacing the zone would delete \
                             {:?} and then fail to create it there.",
                            planned.account_id, prior.name
                        ),
                    );
                    return diags;
                }
                Err(e) => {
                    diags.0.push(crate::diagnostics::api_error(
                        "checking the zone's new account",
                        &e,
                    ));
                    return diags;
                }
            }
        }
        let query = [
            ("name", planned.name.clone()),
            ("account.id", planned.account_id.clone()),
        ];
        match client.list_all::<ApiZone>(ZONES, &query, 50).await {
            Ok(zones) => {
                if let Some(taken) = zones
                    .iter()
                    .find(|z| z.name == planned.name && Some(&z.id) != prior.id.as_ref())
                {
                    diags.attr_error(
                        AttrPath::attr("name"),
                        format!("Zone {:?} already exists in account {}", planned.name, planned.account_id),
                        format!(
                            "Replacing zone {:?} with {:?} would delete the old zone and then fail: zone {} already has that \
                             name. Choose another name, or manage that zone here with `terraform import cftenant_zone.<name> {}`.",
                            prior.name, planned.name, taken.id, taken.id
                        ),
                    );
                }
            }
            Err(e) => diags.0.push(crate::diagnostics::api_error(
                "checking the zone's new name",
                &e,
            )),
        }
        diags
    }

    async fn create(&self, client: &Client, planned: Zone) -> OpResult<Zone, Zone> {
        let body = CreateBody {
            name: &planned.name,
            account: IdRef {
                id: planned.account_id.clone(),
            },
            zone_type: planned.zone_type.as_deref().unwrap_or(DEFAULT_TYPE),
        };
        let creation = Creation {
            client,
            what: format!("zone {:?} in account {}", planned.name, planned.account_id),
            resource_type: Self::TYPE_NAME,
            import_id: Box::new(str::to_string),
            exists_codes: &[ZONE_EXISTS],
            unique: "one zone of a name per account",
        };
        let lookup_query = [
            ("name", planned.name.clone()),
            ("account.id", planned.account_id.clone()),
        ];
        let created: ApiZone = creation
            .run(
                || client.post(ZONES, &body),
                || async {
                    let zones: Vec<ApiZone> = client.list_all(ZONES, &lookup_query, 50).await?;
                    Ok(zones
                        .into_iter()
                        .filter(|z| z.name == planned.name)
                        .map(|z| Candidate {
                            id: z.id.clone(),
                            origin: z
                                .created_on
                                .clone()
                                .map_or(Origin::Unknown, Origin::CreatedOn),
                            object: z,
                        })
                        .collect())
                },
                |z| z.created_on.as_deref(),
            )
            .await?;
        let mut state = planned.clone();
        state.merge(created);
        // An answer without the type: the one sent.
        state.zone_type = state.zone_type.or(Some(body.zone_type.to_string()));
        if planned.paused == Some(true) {
            let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
            state =
                patch_keeping(client, &id, &PausedBody { paused: true }, "pausing", state).await?;
        }
        // Refused at plan when known then; a value known only now is tried.
        if let Some(names) = &planned.vanity_name_servers {
            let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
            state = set_vanity_name_servers(client, &id, names, state).await?;
        }
        Ok(state)
    }

    async fn read(&self, client: &Client, mut state: Zone) -> OpResult<Option<Zone>, Zone> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        let found = client
            .read_one::<ApiZone>(Some(&path(&id)), &id, Collection::paged(ZONES, 50))
            .await
            .context(|| format!("reading zone {id}"))?;
        Ok(found.map(|api| {
            state.merge(api);
            state
        }))
    }

    async fn update(&self, client: &Client, prior: Zone, planned: Zone) -> OpResult<Zone, Zone> {
        let id = state_id(Self::TYPE_NAME, &prior.id)?.to_string();
        let mut state = prior.clone();
        // One property per PATCH; what an earlier one changed is kept when
        // a later one fails.
        if let Some(zone_type) = planned
            .zone_type
            .as_deref()
            .filter(|t| Some(*t) != prior.zone_type.as_deref())
        {
            state = patch_keeping(
                client,
                &id,
                &TypeBody { zone_type },
                "changing the type of",
                state,
            )
            .await?;
        }
        if let Some(paused) = planned.paused.filter(|p| Some(*p) != state.paused) {
            state = patch_keeping(
                client,
                &id,
                &PausedBody { paused },
                "pausing or unpausing",
                state,
            )
            .await?;
        }
        if planned.vanity_name_servers != prior.vanity_name_servers {
            let names = planned.vanity_name_servers.as_deref().unwrap_or_default();
            // What the first PATCH changed is kept.
            state = set_vanity_name_servers(client, &id, names, state).await?;
        }
        Ok(state)
    }

    async fn delete(&self, client: &Client, state: Zone) -> OpResult<Diagnostics, Zone> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        client
            .delete_if_exists(&path(&id))
            .await
            .context(|| format!("deleting zone {id}"))?;
        Ok(Diagnostics::default())
    }

    async fn import(&self, client: &Client, id: &str) -> OpResult<Imported<Zone>, Zone> {
        let [id] = parse_import_id(Self::TYPE_NAME, id, ["zone_id"])?;
        let state = Zone {
            id: Some(id.to_string()),
            ..Default::default()
        };
        self.read(client, state)
            .await?
            .map(Into::into)
            .ok_or_else(|| import_not_found(Self::TYPE_NAME, &format!("zone with id {id}")).into())
    }
}

/// Vanity nameservers need the zone on Business or Enterprise.
async fn check_vanity_plan(client: &Client, zone: &Zone, diags: &mut Diagnostics) {
    let Some(id) = zone.id.as_deref() else {
        return;
    };
    match plan_family_of(client, id).await {
        Ok(Some(family)) if !VANITY_PLANS.contains(&family.as_str()) => {
            vanity_refused(diags, &format!("zone {id} is on the {family} plan"));
        }
        Ok(_) => {}
        Err(e) => diags
            .0
            .push(crate::diagnostics::api_error("reading the zone's plan", &e)),
    }
}

fn vanity_refused(diags: &mut Diagnostics, problem: &str) {
    diags.attr_error(
        AttrPath::attr("vanity_name_servers"),
        "Vanity nameservers need the Business or Enterprise plan",
        format!(
            "Cloudflare allows vanity_name_servers on Business and Enterprise zones only, and {problem}. \
             Put the zone on one of those plans first (cftenant_zone_subscription, applied on its own), then set vanity_name_servers."
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_names() {
        for ok in [
            "example.com",
            "a.b.c.example.co.uk",
            "xn--bcher-kva.com",
            "xn--mnchen-3ya.de",
            "my-shop1.io",
        ] {
            assert!(
                check_domain_name(ok).is_ok(),
                "{ok}: {:?}",
                check_domain_name(ok)
            );
        }
        for (bad, why) in [
            ("example", "at least two labels"),
            ("Example.com", "lowercase"),
            ("example.com.", "end with a dot"),
            ("exa mple.com", "letters, digits and hyphens"),
            ("-shop.com", "hyphen"),
            ("a..com", "empty label"),
            ("", "at least two labels"),
            ("example.123", "not a top-level domain"),
            ("shop.example", "not a top-level domain"),
            ("192.168.1.1", "IP address"),
            ("::1", "IP address"),
            ("co.uk", "itself a public suffix"),
            ("münchen.de", "\"xn--mnchen-3ya.de\""),
            ("xn--zz.com", "not valid punycode"),
        ] {
            let e = check_domain_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        assert!(check_domain_name(&format!("{}.com", "a".repeat(64)))
            .unwrap_err()
            .contains("63"));
    }
}
