//! `cftenant_zone`: a customer's domain in an account (`/zones`).

use crate::adopt::{self, Candidate};
use crate::api::paths::{self, ZONES};
use crate::api::zones::{ApiZone, Meta, Owner};
use crate::api::{IdRef, ZoneStatus, ZoneType};
use crate::checks::{self, DOMAIN_NAME};
use crate::client::{ApiError, Client, Collection};
use crate::diagnostics::{api_error, parse_import_id, state_id, Context};
use crate::rate_plans;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::{import_by_reading, Change, Failure, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::{AttrPath, Type, Value};

pub struct ZoneResource;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Zone {
    pub id: Option<String>,
    pub account_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub zone_type: Option<ZoneType>,
    pub paused: Option<bool>,
    pub vanity_name_servers: Option<Vec<String>>,
    pub status: Option<ZoneStatus>,
    pub name_servers: Option<Vec<String>>,
    pub original_name_servers: Option<Vec<String>>,
    pub plan_id: Option<String>,
    pub verification_key: Option<String>,
    pub created_on: Option<String>,
    pub activated_on: Option<String>,
    pub development_mode: Option<f64>,
    pub original_registrar: Option<String>,
    pub original_dnshost: Option<String>,
    pub owner: Option<Owner>,
    pub meta: Option<Meta>,
}

/// Cloudflare's code for "a zone of this name already exists".
const ZONE_EXISTS: i64 = 1061;

#[derive(Serialize)]
struct CreateBody<'a> {
    name: &'a str,
    account: IdRef,
    #[serde(rename = "type")]
    zone_type: ZoneType,
}

/// The zone PATCH takes exactly one property per request.
#[derive(Serialize)]
struct PausedBody {
    paused: bool,
}

#[derive(Serialize)]
struct TypeBody {
    #[serde(rename = "type")]
    zone_type: ZoneType,
}

/// The type a new zone gets when the configuration leaves it out.
const DEFAULT_TYPE: ZoneType = ZoneType::Full;

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
        self.development_mode = api.development_mode;
        self.original_registrar = api.original_registrar;
        self.original_dnshost = api.original_dnshost;
        self.owner = api.owner;
        self.meta = api.meta;
    }
}

/// What a zone's update may change besides itself: values that move on
/// their own (development mode counts down) or follow other objects (the
/// owner's name, the quotas of the zone's rate plan) are read again then.
const ANY_UPDATE: &[&str] = &["type", "paused", "vanity_name_servers"];

fn path(id: &str) -> String {
    paths::zone(id)
}

/// `vanity_name_servers`: checked, and refused on a new zone (on the free
/// rate plan until its subscription is applied).
fn vanity_name_servers_attribute() -> Attribute {
    Attribute::optional(
        "vanity_name_servers",
        Type::list(Type::String),
        "Your own hostnames for the zone's nameservers, in order, instead of Cloudflare's. Cloudflare allows them on the Business and Enterprise plans only, \
         so a zone gets them once its `cftenant_zone_subscription` is on one of those: set them in a later apply than the plan. Updated in place; removing them returns to Cloudflare's nameservers.",
    )
    .check(DOMAIN_NAME)
    .check(Check::MinItems(1))
    .check(Check::MaxItems(5))
    // Known without asking the API, even before the zone's account exists.
    .refused_on_create(
        VANITY_REFUSED,
        "Cloudflare allows vanity_name_servers on Business and Enterprise zones only, and a new zone is on the free \
         plan until its subscription is applied, after it. Put the zone on one of those plans first \
         (cftenant_zone_subscription, applied on its own), then set vanity_name_servers.",
    )
}

/// `owner`: the account (or user) that holds the zone.
fn owner_attribute() -> Attribute {
    Attribute::computed("owner", Type::String, "Who holds the zone; for a tenant's customer, its account. Its name is the account's (`cftenant_account`).")
        .nested(
            Nesting::Single,
            vec![
                Attribute::computed("id", Type::String, "The owner's id."),
                Attribute::computed("type", Type::String, "`organization` (an account) or `user`."),
            ],
        )
        .unknown_when_changed(ANY_UPDATE)
}

/// `meta`: the zone's setup step and modes.
fn meta_attribute() -> Attribute {
    Attribute::computed("meta", Type::String, "The zone's setup step and modes, as the API reports them; each is null where the API does not say. The rate \
         plan's quotas are not here: they follow `cftenant_zone_subscription`, which changes them after the zone is read.")
        .nested(
            Nesting::Single,
            vec![
                Attribute::computed("step", Type::Number, "The setup step the zone is at."),
                Attribute::computed("phishing_detected", Type::Bool, "Whether Cloudflare detected phishing on the zone."),
                Attribute::computed("cdn_only", Type::Bool, "Whether the zone is CDN only."),
                Attribute::computed("dns_only", Type::Bool, "Whether the zone is DNS only."),
                Attribute::computed("foundation_dns", Type::Bool, "Whether the zone uses Foundation DNS."),
            ],
        )
        .unknown_when_changed(ANY_UPDATE)
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
                     allows); removing it from the configuration keeps the zone's type; a new zone without it, a replacement too, \
                     is `full` (the diff shows it, and a replacement that a change of the configuration causes warns, naming the line that keeps the type; \
                     under `-replace` or `taint`, Terraform shows the diff only).",
                )
                .check(Check::OneOf(ZoneType::WORDS))
                .default_on_create(Value::String(DEFAULT_TYPE.as_str().into())),
                Attribute::optional_computed(
                    "paused",
                    Type::Bool,
                    "Whether Cloudflare only serves DNS for the zone (no proxying, no security). Updated in place; removing it from the \
                     configuration keeps the zone as it is (set `false` to unpause); a new zone without it, a replacement too, is not \
                     paused (the diff shows it, and a replacement that a change of the configuration causes warns).",
                )
                .default_on_create(Value::Bool(false)),
                vanity_name_servers_attribute(),
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
                Attribute::computed(
                    "development_mode",
                    Type::Number,
                    "Seconds left in development mode (caching bypassed); 0 when off. It counts down on its own, so it is \
                     as of the last refresh.",
                )
                .unknown_when_changed(ANY_UPDATE),
                Attribute::computed("original_registrar", Type::String, "The registrar the zone was registered with before Cloudflare, where known."),
                Attribute::computed("original_dnshost", Type::String, "The DNS host before Cloudflare, where known."),
                owner_attribute(),
                meta_attribute(),
            ],
        )
    }

    /// Vanity nameservers need a rate plan that allows them; a replacement
    /// destroys the zone before creating the new one: refused at plan when
    /// the new one cannot be created.
    async fn review_plan(&self, client: Option<&Client>, change: &Change<'_, Zone>) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let Some(client) = client else {
            return diags;
        };
        let planned = change.planned;
        let vanity_changes = planned.vanity_name_servers.is_some()
            && planned.vanity_name_servers
                != change.prior.and_then(|p| p.vanity_name_servers.clone());
        if let (true, Some(zone), false) = (vanity_changes, change.prior, change.replacing) {
            check_vanity_rate_plan(client, zone, &mut diags).await;
        }
        // A create that finds the name taken fails cleanly at apply (and
        // checking every create would cost a request each): only what a
        // replacement would destroy first is checked.
        let targets_known = change.known("account_id") && change.known("name");
        if let Some(prior) = change.prior.filter(|_| change.replacing && targets_known) {
            check_replacement(client, prior, planned, &mut diags).await;
        }
        diags
    }

    async fn create(&self, client: &Client, planned: Zone) -> OpResult<Zone, Zone> {
        let created = adopt::create(client, &planned).await?;
        let mut state = planned.clone();
        state.merge(created);
        // An answer without the type: the one sent.
        state.zone_type = state.zone_type.or(Some(planned.type_to_create()));
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

    async fn read(&self, client: &Client, state: Zone) -> OpResult<Option<Zone>, Zone> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        let found = client
            .read_one::<ApiZone>(Some(&path(&id)), &id, Collection::paged(ZONES, 50))
            .await
            .context(|| format!("reading zone {id}"))?;
        Ok(super::read_back(state, found, Zone::merge))
    }

    async fn update(&self, client: &Client, prior: Zone, planned: Zone) -> OpResult<Zone, Zone> {
        let id = state_id(Self::TYPE_NAME, &prior.id)?.to_string();
        let mut state = prior.clone();
        // One property per PATCH; what an earlier one changed is kept when
        // a later one fails.
        if let Some(zone_type) = planned
            .zone_type
            .clone()
            .filter(|t| Some(t) != prior.zone_type.as_ref())
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

    /// Noted for the account's planned destroy, which looks for zones this
    /// run does not destroy.
    async fn review_destroy(&self, client: Option<&Client>, prior: &Zone) -> Diagnostics {
        if let (Some(client), Some(id)) = (client, &prior.id) {
            client.saw(super::ZONE_DESTROY_PLANNED, id);
        }
        Diagnostics::default()
    }

    async fn delete(&self, client: &Client, state: Zone) -> OpResult<Diagnostics, Zone> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        client
            .delete_if_exists(&path(&id))
            .await
            .context(|| format!("deleting zone {:?} ({id})", state.name))?;
        Ok(Diagnostics::default())
    }

    async fn import(&self, client: &Client, id: &str) -> OpResult<Imported<Zone>, Zone> {
        let [zone_id] = parse_import_id(Self::TYPE_NAME, id, ["zone_id"])?;
        let state = Zone {
            id: Some(zone_id.to_string()),
            ..Default::default()
        };
        import_by_reading(self, client, state, &format!("zone with id {zone_id}")).await
    }
}

impl Zone {
    fn type_to_create(&self) -> ZoneType {
        self.zone_type.clone().unwrap_or(DEFAULT_TYPE)
    }

    fn lookup_query(&self) -> [(&'static str, String); 2] {
        [
            ("name", self.name.clone()),
            ("account.id", self.account_id.clone()),
        ]
    }
}

/// Zones have a creation time: one found after a POST that lost its answer
/// is ours when made after it.
#[async_trait]
impl adopt::Create for Zone {
    type Made = ApiZone;
    const RESOURCE_TYPE: &'static str = ZoneResource::TYPE_NAME;
    const UNIQUE: &'static str = "one zone of a name per account";
    const EXISTS_CODES: &'static [i64] = &[ZONE_EXISTS];

    fn what(&self) -> String {
        format!("zone {:?} in account {}", self.name, self.account_id)
    }

    fn created_on(made: &ApiZone) -> Option<&str> {
        made.created_on.as_deref()
    }

    async fn post(&self, client: &Client) -> Result<ApiZone, ApiError> {
        let body = CreateBody {
            name: &self.name,
            account: IdRef {
                id: self.account_id.clone(),
            },
            zone_type: self.type_to_create(),
        };
        client.post(ZONES, &body).await
    }

    async fn lookup(&self, client: &Client) -> Result<Vec<Candidate<ApiZone>>, ApiError> {
        let zones: Vec<ApiZone> = client.list_all(ZONES, &self.lookup_query(), 50).await?;
        Ok(zones
            .into_iter()
            .filter(|z| z.name == self.name)
            .map(|z| Candidate::created(z.id.clone(), z.created_on.clone(), z))
            .collect())
    }
}

/// A replacement deletes the zone first: its new account must exist, and
/// its name must be free there.
async fn check_replacement(client: &Client, prior: &Zone, planned: &Zone, diags: &mut Diagnostics) {
    if planned.account_id != prior.account_id {
        match client
            .get_if_exists::<serde_json::Value>(&paths::account(&planned.account_id))
            .await
        {
            Ok(Some(_)) => {}
            Ok(None) => {
                return diags.attr_error(
                    AttrPath::attr("account_id"),
                    "Cannot move the zone to an unknown account",
                    format!(
                        "Account {} does not exist, or the credentials cannot see it: replacing the zone would delete \
                         {:?} and then fail to create it there.",
                        planned.account_id, prior.name
                    ),
                );
            }
            Err(e) => {
                return diags
                    .0
                    .push(api_error("checking the zone's new account", &e))
            }
        }
    }
    let zones = match client
        .list_all::<ApiZone>(ZONES, &planned.lookup_query(), 50)
        .await
    {
        Ok(zones) => zones,
        Err(e) => return diags.0.push(api_error("checking the zone's new name", &e)),
    };
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

const VANITY_REFUSED: &str = "Vanity nameservers need the Business or Enterprise plan";

/// Vanity nameservers need the zone on a rate plan that allows them.
async fn check_vanity_rate_plan(client: &Client, zone: &Zone, diags: &mut Diagnostics) {
    let Some(id) = zone.id.as_deref() else {
        return;
    };
    match rate_plans::zone_subscription(client, id).await {
        Ok(Some(s)) if !s.family().allows_vanity_name_servers() => diags.attr_error(
            AttrPath::attr("vanity_name_servers"),
            VANITY_REFUSED,
            format!(
                "Cloudflare allows vanity_name_servers on Business and Enterprise zones only, and zone {id} is on the {} plan. \
                 Put the zone on one of those plans first (cftenant_zone_subscription, applied on its own), then set vanity_name_servers.",
                s.family()
            ),
        ),
        Ok(_) => {}
        Err(e) => diags.0.push(api_error("reading the zone's rate plan", &e)),
    }
}
