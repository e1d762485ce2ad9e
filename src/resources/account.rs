//! `cftenant_account`: a customer account created under the tenant.
//!
//! The KYC fields (`business_*`, `external_metadata`) are accepted by
//! `POST /accounts` but afterwards only change through
//! `PUT /accounts/{id}/profile`, which cannot clear a field. They are
//! therefore optional + computed: removing one from the configuration keeps
//! Cloudflare's value, and no change to them ever replaces the account
//! (which would delete the customer's account and everything in it).

use crate::adopt::{self, Candidate};
use crate::api::accounts::{ApiAccount, ManagedBy};
use crate::api::paths::{self, ACCOUNTS, ZONES};
use crate::api::AccountType;
use crate::checks;
use crate::client::{ApiError, Client, Collection, ErrorKind};
use crate::diagnostics::{api_error, parse_import_id, state_id, Context};
use crate::tenants::{self, Tenants};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::{Diagnostic, Diagnostics};
use tfplugin::resource::{import_not_found, Change, Failure, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::{AttrPath, Type, Value};

pub struct AccountResource;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Account {
    pub id: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub account_type: Option<AccountType>,
    pub unit_id: Option<String>,
    pub business_name: Option<String>,
    pub business_address: Option<String>,
    pub business_email: Option<String>,
    pub business_phone: Option<String>,
    pub external_metadata: Option<String>,
    pub enforce_twofactor: Option<bool>,
    pub abuse_contact_email: Option<String>,
    pub created_on: Option<String>,
    pub force_destroy: Option<bool>,
    pub allow_duplicate_name: Option<bool>,
    pub managed_by: Option<ManagedBy>,
}

fn kyc(name: &'static str, what: &'static str) -> Attribute {
    let description = match what {
        "name" => "Legal business name of the customer (KYC). At most 120 characters. Removing it from the configuration keeps Cloudflare's value: the API cannot clear it.",
        "address" => "Business address of the customer (KYC). At most 120 characters. Removing it from the configuration keeps Cloudflare's value.",
        "email" => "Business contact email of the customer (KYC). At most 120 characters. Removing it from the configuration keeps Cloudflare's value.",
        "phone" => "Business phone number of the customer (KYC). At most 120 characters. Removing it from the configuration keeps Cloudflare's value.",
        _ => "Free-form partner metadata stored with the account profile (e.g. your CRM id). At most 120 characters. Removing it from the configuration keeps Cloudflare's value.",
    };
    // The profile endpoint cannot clear a field, so an empty value could
    // never be applied: refused, with the way to stop managing the field.
    Attribute::optional_computed(name, Type::String, description)
        .check(Check::NotEmpty)
        .check(Check::MaxLen(120))
}

/// `type`: set when Cloudflare creates the account, never changed after.
fn type_attribute() -> Attribute {
    Attribute::optional_computed(
        "type",
        Type::String,
        "Account type: `standard` or `enterprise`; `standard` when a new account leaves it out. Cloudflare sets it at creation \
         and cannot change it: another value for an existing account is refused at plan (an account of another type is a new \
         account). Removing it from the configuration keeps the account's type; a new account without it, a replacement \
         too, is `standard` (the diff shows it, and a replacement that a change of the configuration causes warns, naming the line that keeps the type; \
         under `-replace` or `taint`, Terraform shows the diff only).",
    )
    .check(Check::OneOf(AccountType::WORDS))
    .default_on_create(Value::String(DEFAULT_TYPE.as_str().into()))
    // Cloudflare cannot change it (the official provider strips it
    // from updates): refused, rather than planned as an update that
    // fails, or as a replacement that deletes the customer's account
    // with everything in it.
    .unchangeable(
        "An account's type cannot be changed",
        "The account is {held}, and Cloudflare sets the type when it creates an account: it cannot be \
         changed to {wanted}. Remove `type`, or set it back to {held}, to keep the account. An account of \
         another type is a new account: declare another `cftenant_account` for it, move what the customer \
         needs, then remove this one when you choose to (destroying it deletes everything in it).",
    )
}

// ---- API shapes ----

/// The settings an update writes.
#[derive(Debug, Default, Serialize)]
struct Settings {
    #[serde(skip_serializing_if = "Option::is_none")]
    enforce_twofactor: Option<bool>,
    /// Written: `""` clears it (the definition types it as a string, so
    /// not null); not sent, it stays as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    abuse_contact_email: Option<String>,
}

impl Settings {
    /// The settings to PUT for `planned`, given what the API has: those
    /// that change. One the plan keeps as it was is not sent, so a value
    /// set outside Terraform since the plan is not undone by this update:
    /// the next plan shows it, and sets it back where the configuration
    /// sets the line.
    fn to_write(prior: &Account, planned: &Account) -> Settings {
        Settings {
            enforce_twofactor: (planned.enforce_twofactor != prior.enforce_twofactor)
                .then_some(planned.enforce_twofactor)
                .flatten(),
            abuse_contact_email: (planned.abuse_contact_email != prior.abuse_contact_email)
                .then(|| planned.abuse_contact_email.clone().unwrap_or_default()),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, PartialEq)]
struct Profile {
    #[serde(skip_serializing_if = "Option::is_none")]
    business_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_metadata: Option<String>,
}

#[derive(Serialize)]
struct CreateBody<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    account_type: AccountType,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<UnitRef<'a>>,
    #[serde(flatten)]
    profile: Profile,
}

#[derive(Serialize)]
struct UnitRef<'a> {
    id: &'a str,
}

#[derive(Serialize)]
struct UpdateBody<'a> {
    id: &'a str,
    name: &'a str,
    /// Cannot change, but the definition requires it.
    #[serde(rename = "type")]
    account_type: AccountType,
    settings: Settings,
}

/// The profile's PUT: every field, as the definition requires; an empty
/// one leaves the field as it is.
#[derive(Serialize)]
struct ProfileUpdate {
    business_name: String,
    business_address: String,
    business_email: String,
    business_phone: String,
    external_metadata: String,
}

impl ProfileUpdate {
    /// The PUT that takes the profile from `prior` to `planned`: only
    /// changed, non-empty fields (the profile endpoint cannot clear one, and
    /// leaves those sent empty as they are); `None` when nothing changes.
    fn between(prior: &Account, planned: &Account) -> Option<ProfileUpdate> {
        let (old, new) = (prior.profile(), planned.profile());
        let changed = |o: Option<String>, n: Option<String>| {
            n.filter(|v| Some(v) != o.as_ref()).unwrap_or_default()
        };
        let delta = ProfileUpdate {
            business_name: changed(old.business_name, new.business_name),
            business_address: changed(old.business_address, new.business_address),
            business_email: changed(old.business_email, new.business_email),
            business_phone: changed(old.business_phone, new.business_phone),
            external_metadata: changed(old.external_metadata, new.external_metadata),
        };
        let fields = [
            &delta.business_name,
            &delta.business_address,
            &delta.business_email,
            &delta.business_phone,
            &delta.external_metadata,
        ];
        fields.iter().any(|v| !v.is_empty()).then_some(delta)
    }
}

impl Account {
    fn profile(&self) -> Profile {
        Profile {
            business_name: self.business_name.clone(),
            business_address: self.business_address.clone(),
            business_email: self.business_email.clone(),
            business_phone: self.business_phone.clone(),
            external_metadata: self.external_metadata.clone(),
        }
    }

    fn set_profile(&mut self, p: Profile) {
        // Cloudflare reports unset fields as empty strings; we keep them null.
        let keep = |s: Option<String>| s.filter(|s| !s.is_empty());
        self.business_name = keep(p.business_name);
        self.business_address = keep(p.business_address);
        self.business_email = keep(p.business_email);
        self.business_phone = keep(p.business_phone);
        self.external_metadata = keep(p.external_metadata);
    }

    fn manages_profile(&self) -> bool {
        self.profile() != Profile::default()
    }

    /// Copies what the API reports; configuration-only values stay as they are.
    fn merge(&mut self, api: ApiAccount) {
        if let Some(unit) = api.unit_id() {
            self.unit_id = Some(unit.to_string());
        }
        self.id = Some(api.id.into());
        self.name = api.name;
        // Some recorded answers leave `type` out: what is known stands.
        self.account_type = api.account_type.or(self.account_type.take());
        // Some recorded answers to an update leave it out: what is known stands.
        self.managed_by = api.managed_by.or(self.managed_by.take());
        let settings = api.settings.unwrap_or_default();
        self.enforce_twofactor = Some(settings.enforce_twofactor.unwrap_or(false));
        // Cloudflare may report the address in another case; the adapter
        // keeps the configured spelling of the same address. None at all
        // reads as null, or as the `""` that asked for none.
        let cleared = self.abuse_contact_email.as_deref() == Some("");
        self.abuse_contact_email = settings
            .abuse_contact_email
            .filter(|e| !e.is_empty())
            .or_else(|| cleared.then(String::new));
        // Set once: an answer's own (a recorded update answers with another)
        // never moves it.
        self.created_on = self.created_on.take().or(api.created_on);
    }
}

fn path(id: &str) -> String {
    paths::account(id)
}

fn profile_path(id: &str) -> String {
    paths::account_profile(id)
}

/// The type a new account gets when the configuration leaves it out.
const DEFAULT_TYPE: AccountType = AccountType::Standard;

#[async_trait]
impl Resource for AccountResource {
    type Client = Client;
    type Model = Account;
    const TYPE_NAME: &'static str = "cftenant_account";

    fn schema() -> Schema {
        Schema::new(
            "A customer account under the tenant (`POST /accounts`). Deleting it deletes everything in the account.",
            vec![
                Attribute::computed("id", Type::String, "Account id (32 hexadecimal characters)."),
                Attribute::required("name", Type::String, "Account name, as shown in the dashboard. At most 100 characters.")
                    .check(Check::NotEmpty)
                    .check(Check::MaxLen(100)),
                type_attribute(),
                Attribute::optional_computed(
                    "unit_id",
                    Type::String,
                    "Tenant unit (`unit_tag`) to create the account in, or the tenant's own tag. Defaults to the tenant's first unit. \
                     Another unit replaces the account; removing it from the configuration keeps the account where it is.",
                )
                .check(Check::NotEmpty)
                .replaces(),
                kyc("business_name", "name"),
                kyc("business_address", "address"),
                kyc("business_email", "email"),
                kyc("business_phone", "phone"),
                kyc("external_metadata", "metadata"),
                Attribute::optional_computed("enforce_twofactor", Type::Bool, "Whether members must use two-factor authentication. Removing it from the configuration keeps the account's setting (set `false` to stop enforcing it)."),
                Attribute::optional_computed(
                    "abuse_contact_email",
                    Type::String,
                    "Where Cloudflare sends abuse reports about the account (`settings.abuse_contact_email`). `\"\"` clears it; \
                     removing it from the configuration keeps Cloudflare's value. The same address in other letter case is no change.",
                )
                .check(checks::EMAIL_OR_EMPTY)
                .equivalent(checks::same_email),
                Attribute::computed("created_on", Type::String, "When the account was created (RFC 3339)."),
                Attribute::computed("managed_by", Type::String, "The tenant unit that manages the account; null for an account outside a tenant.").nested(
                    Nesting::Single,
                    vec![
                        Attribute::computed("parent_org_id", Type::String, "The unit's id (the account's `unit_id`)."),
                        Attribute::computed("parent_org_name", Type::String, "The unit's name."),
                    ],
                ),
                Attribute::optional(
                    "force_destroy",
                    Type::Bool,
                    "Destroy the account even when it still has zones this configuration does not manage (default false). \
                     Deleting an account deletes every zone in it. Without this, a plan to destroy the account warns, naming \
                     the zones it would take that the plan does not destroy (outside `terraform destroy`, a zone whose destroy \
                     Terraform plans after the account's, as when an instance of a `for_each` goes with its zone, is named too: \
                     the apply destroys it first all the same), and the apply keeps the account and those zones: it fails at the \
                     account, after destroying what the configuration manages in it (Terraform destroys that first). Set it (and \
                     apply) only to delete them too.",
                ),
                Attribute::optional(
                    "allow_duplicate_name",
                    Type::Bool,
                    "Create the account even when the tenant already has an account of this name (default false). \
                     Without it, such a create is refused at plan, with the `terraform import` that takes the existing \
                     account over: a lost state must not make a second customer account. Two resources creating one \
                     name need it too, each of them. A replacement keeps the name, so one under \
                     `create_before_destroy` (the new account made while the old one is still there) needs it too; \
                     the plan warns of that.",
                ),
            ],
        )
    }

    /// A create of a name the tenant or this plan has already is refused
    /// where the plan can tell the apply would refuse it (see
    /// `review_the_name`): a lost state would otherwise make a second
    /// customer account. A create or replacement in a unit the tenant does
    /// not have, or of a type it may not create, fails at apply (a
    /// replacement after deleting the account, with everything in it):
    /// refused at plan instead.
    async fn review_plan(
        &self,
        client: Option<&Client>,
        change: &Change<'_, Account>,
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let Some(client) = client else {
            return diags;
        };
        let planned = change.planned;
        if change.known("name") {
            review_the_name(client, change, &mut diags).await;
        }
        if let (true, Some(prior)) = (change.replacing, change.prior) {
            warn_of_the_zones_a_replacement_deletes(client, prior, &mut diags).await;
        }
        if !change.creates() {
            return diags;
        }
        let prior = change.prior;
        let new_unit = planned
            .unit_id
            .as_deref()
            .filter(|u| prior.and_then(|p| p.unit_id.as_deref()) != Some(*u));
        let new_type = planned
            .account_type
            .as_ref()
            .filter(|t| prior.and_then(|p| p.account_type.as_ref()) != Some(*t));
        if new_unit.is_none() && new_type.is_none() {
            return diags;
        }
        let Some(tenants) = tenants::of_caller(client).await else {
            return diags;
        };
        let consequence = match prior {
            Some(p) => format!(
                "Replacing account {:?} would delete it, with everything in it, and then fail",
                p.name
            ),
            None => format!("Creating account {:?} would fail", planned.name),
        };
        if let Some(unit) = new_unit {
            check_unit(&tenants, unit, &consequence, &mut diags);
        }
        if let Some(wanted) = new_type {
            check_type(client, &tenants, planned, wanted, &consequence, &mut diags).await;
        }
        diags
    }

    async fn create(&self, client: &Client, planned: Account) -> OpResult<Account, Account> {
        let created = adopt::create(client, &planned).await?;
        let mut state = planned.clone();
        state.merge(created);
        // An answer without the type: the one sent.
        state.account_type = state.account_type.or(Some(planned.type_to_create()));
        // Settings are only changeable after creation.
        let created_settings = Account {
            abuse_contact_email: state.abuse_contact_email.clone(),
            ..Account::default()
        };
        let settings = Settings::to_write(&created_settings, &planned);
        if (planned.enforce_twofactor == Some(true) && state.enforce_twofactor != Some(true))
            || settings.abuse_contact_email.is_some()
        {
            let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
            let body = UpdateBody {
                id: &id,
                name: &state.name,
                account_type: state.type_to_create(),
                settings,
            };
            match client
                .put::<_, ApiAccount>(&path(&id), &body)
                .await
                .context(|| format!("applying the settings (two-factor enforcement, abuse contact) of account {id}"))
            {
                Ok(updated) => state.merge(updated),
                // The account exists: keep it in state (tainted) rather than lose it.
                Err(d) => {
                    return Err(Failure {
                        diags: d.into(),
                        state: Some(state),
                    })
                }
            }
        }
        Ok(state)
    }

    async fn read(
        &self,
        client: &Client,
        mut state: Account,
    ) -> OpResult<Option<Account>, Account> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        let Some(api) = client
            .read_one::<ApiAccount>(Some(&path(&id)), &id, Collection::paged(ACCOUNTS, 50))
            .await
            .context(|| format!("reading account {id}"))?
        else {
            return Ok(None);
        };
        state.merge(api);
        client.saw(READ, &id);
        // The profile costs a second request: only made when the
        // configuration manages KYC fields.
        if state.manages_profile() {
            let profile: Profile = client
                .get(&profile_path(&id))
                .await
                .context(|| format!("reading the profile of account {id}"))?;
            state.set_profile(profile);
        }
        Ok(Some(state))
    }

    async fn update(
        &self,
        client: &Client,
        prior: Account,
        planned: Account,
    ) -> OpResult<Account, Account> {
        let id = state_id(Self::TYPE_NAME, &prior.id)?.to_string();
        let mut state = planned.clone();
        state.id = Some(id.clone());
        let settings = Settings::to_write(&prior, &planned);
        if planned.name != prior.name
            || (planned.enforce_twofactor.is_some()
                && planned.enforce_twofactor != prior.enforce_twofactor)
            || settings.abuse_contact_email.is_some()
        {
            let body = UpdateBody {
                id: &id,
                name: &planned.name,
                account_type: planned
                    .account_type
                    .clone()
                    .or(prior.account_type.clone())
                    .unwrap_or(DEFAULT_TYPE),
                settings,
            };
            let updated: ApiAccount = client
                .put(&path(&id), &body)
                .await
                .context(|| format!("updating account {id}"))?;
            state.merge(updated);
        }
        if let Some(delta) = ProfileUpdate::between(&prior, &planned) {
            client
                .put::<_, serde_json::Value>(&profile_path(&id), &delta)
                .await
                .context(|| format!("updating the profile (KYC fields) of account {id}"))
                .map_err(|d| Failure {
                    diags: d.into(),
                    state: Some(prior_with_settings(&prior, &state)),
                })?;
        }
        Ok(state)
    }

    /// Noted for a create of the same name in this run: another resource
    /// of this configuration holds this account.
    async fn note_planned(&self, client: Option<&Client>, prior: &Account) {
        if let (Some(client), Some(id)) = (client, &prior.id) {
            client.saw(PLANNED, id);
        }
    }

    /// A destroy that will find zones this run does not destroy still in
    /// the account stops there at apply (after the resources it manages in
    /// the account are gone, as Terraform destroys them first): warned now.
    /// Zones whose destroy is planned in this run are not named; they are
    /// given a moment. In a plan that is not `-destroy` a zone's destroy
    /// may be planned only after its account's (an instance of `for_each`
    /// removed with its zone): then it is named too, and the warning says so.
    async fn review_destroy(&self, client: Option<&Client>, prior: &Account) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let (Some(client), Some(id)) = (client, &prior.id) else {
            return diags;
        };
        if prior.force_destroy == Some(true) {
            return diags;
        }
        let zones = match zones_of(client, id).await {
            Ok(zones) => zones,
            // The apply looks again, and refuses then if it must.
            Err(_) => return diags,
        };
        let destroyed = |z: &ZoneName| client.has_seen(super::ZONE_DESTROY_PLANNED, &z.id);
        given_a_moment(std::time::Duration::from_secs(2), || {
            zones.iter().all(destroyed)
        })
        .await;
        let kept: Vec<&ZoneName> = zones.iter().filter(|z| !destroyed(z)).collect();
        if !kept.is_empty() {
            diags.warning(
                format!("Account {:?} holds zones this plan may not destroy", prior.name),
                format!(
                    "Deleting account {id} would delete {}. The zones this configuration manages with a reference to \
                     the account are destroyed before it; outside `terraform destroy` their plans may come after this \
                     one, and they are named here too. With `force_destroy` false, the apply refuses to delete the \
                     account while any other zone is in it, and keeps it with that zone, after destroying what this \
                     configuration manages in it. Destroy or move such zones first, or set `force_destroy = true` on \
                     the account and apply, to delete them with it.",
                    zone_list(&kept)
                ),
            );
        }
        diags
    }

    async fn delete(&self, client: &Client, state: Account) -> OpResult<Diagnostics, Account> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        if state.force_destroy != Some(true) {
            keep_unmanaged_zones(client, &id, &state.name).await?;
        }
        client
            .delete_if_exists(&path(&id))
            .await
            .context(|| format!("deleting account {:?} ({id})", state.name))?;
        Ok(Diagnostics::default())
    }

    async fn import(&self, client: &Client, id: &str) -> OpResult<Imported<Account>, Account> {
        let [id] = parse_import_id(Self::TYPE_NAME, id, ["account_id"])?;
        let state = Account {
            id: Some(id.to_string()),
            ..Default::default()
        };
        let Some(mut account) = self.read(client, state).await? else {
            return Err(import_not_found(Self::TYPE_NAME, &format!("account with id {id}")).into());
        };
        // Nobody has recorded the profile endpoint answering, and Cloudflare
        // documents it for the account's own members (observed-api.md row
        // 18): where it refuses, the account imports without its KYC fields.
        let mut warnings = Diagnostics::default();
        match client.get::<Profile>(&profile_path(id)).await {
            Ok(profile) => account.set_profile(profile),
            Err(e) if matches!(e.kind, ErrorKind::Forbidden | ErrorKind::NotFound) => {
                warnings.warning(
                    format!("Imported account {id} without its KYC fields"),
                    format!(
                        "Cloudflare did not show the account's profile ({e}), so `business_name`, `business_address`, \
                         `business_email`, `business_phone` and `external_metadata` are not in the state. Cloudflare documents \
                         the profile for the account's own members. Leave those attributes out of the configuration to keep \
                         whatever Cloudflare holds, or set them to manage them from now on."
                    ),
                );
            }
            Err(e) => {
                return Err(api_error(&format!("reading the profile of account {id}"), &e).into())
            }
        }
        Ok(Imported {
            model: account,
            warnings,
        })
    }
}

impl Account {
    /// The type a create sends.
    fn type_to_create(&self) -> AccountType {
        self.account_type.clone().unwrap_or(DEFAULT_TYPE)
    }
}

/// Accounts have a creation time: one found after a POST that lost its
/// answer is ours when made after it.
#[async_trait]
impl adopt::Create for Account {
    type Made = ApiAccount;
    const RESOURCE_TYPE: &'static str = AccountResource::TYPE_NAME;
    const UNIQUE: &'static str = "several accounts of a name";

    fn what(&self) -> String {
        format!("account {:?}", self.name)
    }

    fn created_on(made: &ApiAccount) -> Option<&str> {
        made.created_on.as_deref()
    }

    async fn post(&self, client: &Client) -> Result<ApiAccount, ApiError> {
        let body = CreateBody {
            name: &self.name,
            account_type: self.type_to_create(),
            unit: self.unit_id.as_deref().map(|id| UnitRef { id }),
            profile: self.profile(),
        };
        client.post(ACCOUNTS, &body).await
    }

    async fn lookup(&self, client: &Client) -> Result<Vec<Candidate<ApiAccount>>, ApiError> {
        let named: Vec<ApiAccount> = client
            .list_all(ACCOUNTS, &[("name", self.name.clone())], 50)
            .await?;
        Ok(named
            .into_iter()
            .filter(|a| a.name == self.name)
            .map(|a| Candidate::created(a.id.to_string(), a.created_on.clone(), a))
            .collect())
    }
}

/// A unit the caller's tenants do not have.
fn check_unit(tenants: &Tenants, unit: &str, consequence: &str, diags: &mut Diagnostics) {
    let units = tenants.units();
    if !units.is_empty() && !units.contains(&unit) {
        diags.attr_error(
            AttrPath::attr("unit_id"),
            format!("{unit:?} is not a unit of your tenant"),
            format!(
                "{consequence}: no tenant of these credentials has unit {unit:?}. Known units: {}.",
                units.join(", ")
            ),
        );
    }
}

/// A type the unit's tenant may not create.
async fn check_type(
    client: &Client,
    tenants: &Tenants,
    planned: &Account,
    wanted: &AccountType,
    consequence: &str,
    diags: &mut Diagnostics,
) {
    let Some(tenant) = tenants.tenant_of(planned.unit_id.as_deref()) else {
        return;
    };
    let path = paths::tenant_account_types(tenant);
    let Ok(types) = client.get_cached::<Vec<AccountType>>(&path).await else {
        return;
    };
    if !types.contains(wanted) {
        let words: Vec<&str> = types.iter().map(AccountType::as_str).collect();
        diags.attr_error(
            AttrPath::attr("type"),
            format!("Your tenant cannot create {:?} accounts", wanted.as_str()),
            format!(
                "{consequence}: tenant {tenant} may create {} accounts only.",
                words.join(", ")
            ),
        );
    }
}

/// What the reads and plans of a run note of accounts (`Client::saw`, by
/// id), so that a create's review knows which accounts of its name this
/// configuration holds: an account read (refreshed) is in this state; one
/// planned from is another resource's (a tainted account is read, and its
/// replacement planned as a create, never from it).
const READ: &str = "account read";
const PLANNED: &str = "account planned";
/// The creates a run plans, tallied by name (`Client::tally`): all of them,
/// and those without `allow_duplicate_name`.
const CREATES: &str = "account create";
/// A replacement created before the old account is destroyed is a second
/// account of the name until then.
const CBD_HINT: &str = " If this apply replaces that account with `lifecycle { create_before_destroy = true }` \
     (its own, or that of a resource referring to it, which Terraform gives to the account too), or such a \
     replacement refused before left it aside (\"deposed\"), the new account is created while the old one is still \
     there: set `allow_duplicate_name = true` for it.";
/// A resource renamed, or moved into a module, without a `moved` block is
/// a create beside a destroy of its own account.
const MOVED_HINT: &str = " If this resource takes the place of another resource of this configuration (renamed, or \
     moved into a module), a `moved { from = <old address>, to = <this address> }` block keeps the account instead \
     of destroying it and making a new one.";
/// `terraform destroy` plans the configuration before it destroys (a
/// refresh), and a refusal there stops it.
const DESTROY_HINT: &str =
    " (`terraform destroy` plans this create too before it destroys, and stops \
     here: `terraform destroy -refresh=false` destroys without that plan.)";
const PLAIN_CREATES: &str = "account create without allow_duplicate_name";

/// A name the tenant, or this plan, has already: what would be refused at
/// apply is refused here, what may go through is warned of.
async fn review_the_name(client: &Client, change: &Change<'_, Account>, diags: &mut Diagnostics) {
    let planned = change.planned;
    let allowed = planned.allow_duplicate_name == Some(true);
    // A rename takes a name as a create does.
    let takes_the_name = match change.prior {
        None => !change.new_half,
        Some(prior) => prior.name != planned.name,
    };
    if takes_the_name {
        review_a_twin_create(client, planned, diags);
    }
    match change.prior {
        None if !change.new_half && !allowed => {
            review_a_create_of_a_name_there(client, planned, diags).await;
        }
        Some(prior) if !allowed && change.replacing => {
            if prior.name == planned.name {
                warn_a_replacement_created_first_is_refused(planned, diags);
            }
            refuse_a_replacement_of_a_name_there(client, prior, planned, diags).await;
        }
        // A rename onto a name the tenant has is Cloudflare's to allow: not
        // looked for (the tenant's list, read for each rename of an estate,
        // cost more than the warning is worth).
        _ => {}
    }
}

fn lookup_failed(planned: &Account, e: &ApiError) -> Diagnostic {
    api_error(&format!("looking for accounts named {:?}", planned.name), e)
}

/// The accounts of the planned name the tenant has, from the list read
/// once per run (a look per create of an estate would be one request per
/// account).
async fn accounts_named(client: &Client, planned: &Account) -> Result<Vec<String>, Diagnostic> {
    let all: Vec<ApiAccount> = client
        .list_all_cached(ACCOUNTS, 50)
        .await
        .map_err(|e| lookup_failed(planned, &e))?;
    Ok(all
        .iter()
        .filter(|a| a.name == planned.name)
        .map(|a| a.id.to_string())
        .collect())
}

/// Two creates of a name in one run (or a create and a rename onto it)
/// would race: each looks, finds nothing, and both make an account, or one
/// is refused. Refused unless both allow the duplicate. Tallied so that of
/// two plans side by side at least one sees the other: a plain create
/// counts itself among the plain ones before it counts all creates; one
/// allowing duplicates counts itself before it looks for a plain one.
fn review_a_twin_create(client: &Client, planned: &Account, diags: &mut Diagnostics) {
    let twin = if planned.allow_duplicate_name == Some(true) {
        client.tally(CREATES, &planned.name);
        client.tallied(PLAIN_CREATES, &planned.name) > 0
    } else {
        client.tally(PLAIN_CREATES, &planned.name);
        client.tally(CREATES, &planned.name) > 1
    };
    if twin {
        // Which of the two plans sees the other depends on their order: the
        // one that does says which line is missing where.
        let way_out = match planned.allow_duplicate_name {
            Some(true) => {
                "This one sets `allow_duplicate_name = true`; the other does not: set it there too"
            }
            _ => "set `allow_duplicate_name = true` on each of them",
        };
        diags.attr_error(
            AttrPath::attr("name"),
            format!(
                "Another resource of this configuration also creates (or renames an account to) an account named {:?}",
                planned.name
            ),
            format!(
                "Creates and renames run side by side: each would look for an account of the name, find none, and \
                 make one, or be refused when the other came first. Give the accounts different names, or, if \
                 several accounts of this name are wanted, {way_out}.{DESTROY_HINT}"
            ),
        );
    }
}

/// A create of an account whose name the tenant already has: a lost state
/// (`terraform state rm`, a workspace recreated), a resource renamed
/// without a `moved` block, or a second block of a name, each of which
/// would make a second customer account, and which the create refuses at
/// apply: refused here (at the apply too, which plans each create again
/// just before it: a plan saved before the name was taken), so that the
/// outcome never hangs on the order the apply runs things in. Not when the
/// account there is this create's own tainted account (read in this run,
/// never planned from), which the apply deletes first. (Without a refresh, a tainted account is not read: its
/// replacement is refused too, and the error says so.) The apply plans the
/// create again, after a tainted account's destroy (by then gone), and
/// before the create of a `create_before_destroy` replacement, whose old
/// account is still there: refused then, Terraform keeps the old account
/// aside ("deposed") and plans the create again until
/// `allow_duplicate_name = true`, as the refusal says. A warning only would
/// let a plan through whose apply can delete an account and then refuse its
/// replacement (a resource renamed without a `moved` block, when the
/// destroy runs first).
async fn review_a_create_of_a_name_there(
    client: &Client,
    planned: &Account,
    diags: &mut Diagnostics,
) {
    let ids = match accounts_named(client, planned).await {
        Ok(ids) if ids.is_empty() => return,
        // The list is read once per run: in an apply, an account it holds
        // may have been deleted since (a tainted one, replaced): the look
        // the create makes decides.
        Ok(_) => match adopt::Create::lookup(planned, client).await {
            Ok(found) => found.into_iter().map(|c| c.id).collect::<Vec<_>>(),
            Err(e) => return diags.0.push(lookup_failed(planned, &e)),
        },
        Err(d) => return diags.0.push(d),
    };
    if ids.is_empty() {
        return;
    }
    let Holders {
        held,
        elsewhere,
        tainted,
    } = holders(client, ids).await;
    if !held.is_empty() {
        diags.attr_error(
            AttrPath::attr("name"),
            format!("Another resource of this configuration manages an account named {:?}", planned.name),
            format!(
                "Creating this one would make a second account of that name, beside {}.{MOVED_HINT} If that resource \
                 renames its account in this same apply, apply the rename first. If a second account of this name \
                 is wanted, set `allow_duplicate_name = true`.{CBD_HINT}{DESTROY_HINT}",
                held.join(", ")
            ),
        );
    } else if !elsewhere.is_empty() {
        let (summary, detail) = second_account_refusal(planned, &elsewhere);
        diags.attr_error(
            AttrPath::attr("name"),
            summary,
            format!(
                "{detail}{MOVED_HINT} If it is tainted and this plan runs with `-refresh=false`, plan with the \
                 refresh: its replacement deletes it first.{DESTROY_HINT}"
            ),
        );
    } else if let Some(id) = tainted {
        warn_a_replacement_created_first_is_refused(planned, diags);
        // Its state is not passed: its configuration says as much.
        let old = Account {
            id: Some(id),
            ..planned.clone()
        };
        warn_of_the_zones_a_replacement_deletes(client, &old, diags).await;
    }
}

/// Waits until `done` holds, or `limit` has passed: for what other plans
/// of the run note beside this one, in an order nothing tells.
async fn given_a_moment(limit: std::time::Duration, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !done() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Who holds the accounts of a name, as far as this run can tell.
struct Holders {
    /// Another resource of this configuration (planned from).
    held: Vec<String>,
    /// Nothing this run has read.
    elsewhere: Vec<String>,
    /// The create's own account, tainted (read, never planned from).
    tainted: Option<String>,
}

async fn holders(client: &Client, ids: Vec<String>) -> Holders {
    // Another resource's account read in this run is planned from at once
    // after its read, as this plan runs: it is given a moment. (One not
    // read yet cannot be this create's own, always read before this plan.)
    let read_only = |id: &String| client.has_seen(READ, id) && !client.has_seen(PLANNED, id);
    given_a_moment(std::time::Duration::from_secs(1), || {
        !ids.iter().any(read_only)
    })
    .await;
    let mut holders = Holders {
        held: Vec::new(),
        elsewhere: Vec::new(),
        tainted: None,
    };
    for id in ids {
        if client.has_seen(PLANNED, &id) {
            holders.held.push(id);
        } else if client.has_seen(READ, &id) {
            holders.tainted = Some(id);
        } else {
            holders.elsewhere.push(id);
        }
    }
    holders
}

/// A replacement deletes the old account, then creates the new one, which
/// is refused while another account of the name is there: the account
/// would be lost. Refused here.
async fn refuse_a_replacement_of_a_name_there(
    client: &Client,
    prior: &Account,
    planned: &Account,
    diags: &mut Diagnostics,
) {
    let ids = match accounts_named(client, planned).await {
        Ok(ids) => ids,
        Err(d) => return diags.0.push(d),
    };
    let others: Vec<String> = ids
        .into_iter()
        .filter(|id| prior.id.as_deref() != Some(id.as_str()))
        .collect();
    if !others.is_empty() {
        diags.attr_error(
            AttrPath::attr("name"),
            format!("The tenant has another account named {:?}", planned.name),
            format!(
                "Replacing account {:?} would delete it, and then refuse to create the new one beside {} (a \
                 second account of the name). Set `allow_duplicate_name = true` if a second account of this \
                 name is meant, or keep the change that replaces the account out of this apply.{}",
                prior.name,
                others.join(", "),
                DESTROY_HINT
            ),
        );
    }
}

/// What a create of a name the tenant has already is told: what is there,
/// and each way through.
fn second_account_refusal(planned: &Account, ids: &[String]) -> (String, String) {
    let imports: Vec<String> = ids
        .iter()
        .map(|id| format!("`terraform import cftenant_account.<name> {id}`"))
        .collect();
    (
        format!("The tenant already has an account named {:?}", planned.name),
        format!(
            "Creating it would make a second account of that name ({}). If it is the one this configuration \
             manages (its state was lost or moved), take it over with {} (or an `import` block), then plan again. \
             If a second account of this name is wanted, set `allow_duplicate_name = true`.{CBD_HINT}",
            ids.join(", "),
            imports.join(" or ")
        ),
    )
}

/// A replacement that keeps the account's name: the old account is deleted
/// before the new one is made, unless `create_before_destroy`, under which
/// the create finds the old account still there and is refused. The
/// provider is never told of `create_before_destroy`, so the plan warns.
/// (Under `-replace` Terraform shows no warning of the new half's plan: the
/// apply's refusal names the way through, and Terraform keeps the old
/// account.)
fn warn_a_replacement_created_first_is_refused(planned: &Account, diags: &mut Diagnostics) {
    diags.attr_warning(
        AttrPath::attr("name"),
        format!("The new account keeps the name {:?}", planned.name),
        "Without `create_before_destroy`, a replacement deletes the old account and then creates the new one: \
         nothing more to do. With `lifecycle { create_before_destroy = true }` (the account's own, or given to it \
         by a resource referring to it) the new account is created first, a second account of the name, which \
         the apply refuses unless `allow_duplicate_name = true`: set it for this apply. Refused, the apply keeps \
         the old account, but what is replaced with it (its zones, members, subscriptions) may be destroyed by \
         then.",
    );
}

/// A replacement deletes the old account with every zone in it. The zones
/// this configuration manages by a reference to the account are replaced
/// with it; any other makes the apply refuse the delete, as a destroy does
/// (unless `force_destroy`). The zones' own plans come after this one (they
/// wait for the account's new id), so the plan cannot tell which are
/// which: all are named.
async fn warn_of_the_zones_a_replacement_deletes(
    client: &Client,
    prior: &Account,
    diags: &mut Diagnostics,
) {
    let Some(id) = &prior.id else {
        return;
    };
    if prior.force_destroy == Some(true) {
        return;
    }
    // The apply looks again, and refuses then if it must.
    let Ok(zones) = zones_of(client, id).await else {
        return;
    };
    if zones.is_empty() {
        return;
    }
    diags.warning(
        format!("Replacing account {:?} deletes the zones in it", prior.name),
        format!(
            "Account {id} holds {}. Those this configuration manages with a reference to the account are replaced \
             with it. Any other zone makes the apply refuse to delete the account (`force_destroy` is false): it \
             keeps the account and that zone, after destroying what this configuration manages in it. Destroy or \
             move such zones first, or set `force_destroy = true` on the account and apply that before the \
             replacement, to delete them with it.",
            zone_list(&zones.iter().collect::<Vec<_>>())
        ),
    );
}

/// Deleting an account deletes every zone in it. Terraform destroys the
/// zones this configuration manages before their account when they refer
/// to it; a zone that names its account by a literal id (an imported one,
/// say) is destroyed alongside it, so zones still there are given a few
/// seconds to go. Any zone left then is not managed in this run (made by
/// the customer, or by another configuration): the account is kept, and
/// the zones named.
async fn keep_unmanaged_zones(
    client: &Client,
    id: &str,
    name: &str,
) -> Result<(), Failure<Account>> {
    const LOOKS: u32 = 8;
    let mut zones: Vec<ZoneName> = Vec::new();
    for look in 0..LOOKS {
        if look > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        zones = zones_of(client, id).await?;
        if zones.is_empty() {
            return Ok(());
        }
    }
    Err(Diagnostic::error(
        format!("Account {name:?} still has zones this configuration does not manage"),
        format!(
            "Deleting account {id} would delete {}. The account was not deleted, and those zones are kept; what this \
             configuration manages in the account was destroyed before it, as Terraform orders a destroy. Destroy \
             or move those zones, or, to delete them with the account, set `force_destroy = true` on the account, \
             apply, then destroy again. A replacement (`terraform taint`, `-replace`, another unit) deletes the \
             old account with the settings it has, which `force_destroy` set in the same apply does not reach: \
             untaint it (or undo the change), apply `force_destroy = true`, then replace it. An old account a \
             `create_before_destroy` replacement left \"deposed\" keeps its settings for good: destroy or move the \
             zones.",
            zone_list(&zones.iter().collect::<Vec<_>>())
        ),
    )
    .into())
}

/// A zone of an account, as a message names it.
#[derive(Deserialize)]
struct ZoneName {
    #[serde(deserialize_with = "crate::api::checked_id")]
    id: String,
    name: String,
}

/// The zones in account `id`, every page.
async fn zones_of(client: &Client, id: &str) -> Result<Vec<ZoneName>, Diagnostic> {
    client
        .list_all(ZONES, &[("account.id", id.to_string())], 50)
        .await
        .context(|| format!("listing the zones of account {id} before deleting it"))
}

/// "2 zone(s) with everything in them: a.com (id), b.com (id)", naming at
/// most 20.
fn zone_list(zones: &[&ZoneName]) -> String {
    let listed: Vec<String> = zones
        .iter()
        .take(20)
        .map(|z| format!("{} ({})", z.name, z.id))
        .collect();
    let more = zones.len().saturating_sub(listed.len());
    format!(
        "{} zone(s) with everything in them: {}{}",
        zones.len(),
        listed.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// After a failed profile update the account settings did change: record
/// them, with the KYC fields as they were.
fn prior_with_settings(prior: &Account, updated: &Account) -> Account {
    let mut s = updated.clone();
    s.set_profile(prior.profile());
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Id, Tag};

    const KYC_FIELDS: [&str; 5] = [
        "business_name",
        "business_address",
        "business_email",
        "business_phone",
        "external_metadata",
    ];

    #[test]
    fn kyc_fields_are_never_replacing_and_are_computed() {
        let s = <AccountResource as Resource>::schema();
        for f in KYC_FIELDS {
            let a = s.attributes.iter().find(|a| a.name == f).unwrap();
            assert!(a.optional && a.computed && !a.requires_replace, "{f}");
        }
    }

    #[test]
    fn merge_takes_api_values_and_unit_from_managed_by() {
        let mut a = Account {
            name: "old".into(),
            business_name: Some("Acme".into()),
            ..Default::default()
        };
        a.merge(ApiAccount {
            id: Id::try_from("0123456789abcdef0123456789abcdef".to_string()).unwrap(),
            name: "new".into(),
            account_type: Some(AccountType::Enterprise),
            created_on: Some("2026-01-01T00:00:00Z".into()),
            managed_by: Some(ManagedBy {
                parent_org_id: Some(Tag::try_from("unit1".to_string()).unwrap()),
                parent_org_name: Some("Unit One".into()),
            }),
            settings: None,
        });
        assert_eq!(a.name, "new");
        assert_eq!(a.unit_id.as_deref(), Some("unit1"));
        assert_eq!(
            a.managed_by
                .as_ref()
                .and_then(|m| m.parent_org_name.as_deref()),
            Some("Unit One")
        );
        assert_eq!(a.enforce_twofactor, Some(false));
        assert_eq!(a.business_name.as_deref(), Some("Acme"));
    }

    #[test]
    fn create_body_sends_only_documented_fields() {
        let body = CreateBody {
            name: "n",
            account_type: AccountType::Standard,
            unit: None,
            profile: Profile {
                business_name: Some("B".into()),
                ..Default::default()
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "n", "type": "standard", "business_name": "B"})
        );
    }
}
