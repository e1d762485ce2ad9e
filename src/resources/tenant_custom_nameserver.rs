//! `cftenant_tenant_custom_nameserver`: a nameserver hostname of the tenant
//! (`/tenants/{tenant_tag}/custom_ns`), under a zone of one of its accounts,
//! which Cloudflare gives addresses. The API cannot change one: every
//! configurable attribute replaces it. It is named by its hostname, and
//! carries no creation time.

use crate::adopt::{self, Candidate};
use crate::api::nameservers::{ApiNameserver, DnsRecord};
use crate::api::paths;
use crate::checks::{check_domain_name, DOMAIN_NAME};
use crate::client::{ApiError, Client, Collection};
use crate::diagnostics::Context;
use crate::tenants;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::{Diagnostic, Diagnostics};
use tfplugin::resource::{import_by_reading, Change, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::{AttrPath, Type, Value};

pub struct TenantCustomNameserverResource;

/// Cloudflare's code for "the tenant has a custom nameserver of this name".
const NAMESERVER_EXISTS: i64 = 1062;

/// The set a new nameserver joins when the configuration leaves it out.
const DEFAULT_NS_SET: i64 = 1;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct TenantCustomNameserver {
    pub id: Option<String>,
    pub tenant_id: String,
    pub ns_name: String,
    pub ns_set: Option<i64>,
    pub zone_tag: Option<String>,
    pub status: Option<String>,
    pub dns_records: Option<Vec<DnsRecord>>,
}

#[derive(Serialize)]
struct CreateBody<'a> {
    ns_name: &'a str,
    ns_set: i64,
}

impl TenantCustomNameserver {
    fn merge(&mut self, api: ApiNameserver) {
        self.id = Some(format!("{}/{}", self.tenant_id, api.ns_name));
        self.ns_name = api.ns_name;
        self.ns_set = api.ns_set.or(self.ns_set).or(Some(DEFAULT_NS_SET));
        self.zone_tag = api.zone_tag.map(String::from);
        self.status = api.status;
        self.dns_records = Some(api.dns_records);
    }
}

/// The tenant's nameserver of this name; `None` when it (or the tenant,
/// to these credentials) is not there.
async fn find(
    client: &Client,
    tenant_id: &str,
    ns_name: &str,
) -> Result<Option<ApiNameserver>, Diagnostic> {
    let listed =
        Collection::single_page(paths::tenant_custom_nameservers(tenant_id)).keyed_by("ns_name");
    client
        .read_one(None, ns_name, listed)
        .await
        .context(|| format!("reading custom nameserver {ns_name:?} of tenant {tenant_id:?}"))
}

#[async_trait]
impl Resource for TenantCustomNameserverResource {
    type Client = Client;
    type Model = TenantCustomNameserver;
    const TYPE_NAME: &'static str = "cftenant_tenant_custom_nameserver";

    fn schema() -> Schema {
        Schema::new(
            "A custom nameserver of the tenant: a hostname under a zone of one of its accounts, which Cloudflare gives addresses, so that the accounts' zones can use the partner's own nameserver names. \
             The API cannot change one: a new name or set replaces it.",
            vec![
                Attribute::computed("id", Type::String, "`<tenant_id>/<ns_name>`."),
                Attribute::required("tenant_id", Type::String, "The tenant's id (`tenant_tag`).")
                    .check(Check::NotEmpty)
                    .replaces(),
                Attribute::required(
                    "ns_name",
                    Type::String,
                    "The nameserver's hostname, e.g. `ns1.partner-example.com`: under a zone of one of the tenant's accounts.",
                )
                .check(DOMAIN_NAME)
                .replaces(),
                Attribute::optional_computed(
                    "ns_set",
                    Type::Number,
                    "Which set of nameservers (1 to 5) it belongs to; 1 when a new one leaves it out, a replacement too (the diff \
                     shows it, and a replacement that a change of the configuration causes warns). Cloudflare cannot move a nameserver to another set: another \
                     value replaces it. Removing it from the configuration keeps its set.",
                )
                .check(Check::Range(1, 5))
                .replaces()
                .default_on_create(Value::Number(DEFAULT_NS_SET.into())),
                Attribute::computed("zone_tag", Type::String, "Id of the zone the hostname lies under."),
                Attribute::computed("status", Type::String, "`pending`, `verified` or `moved` (deprecated by Cloudflare)."),
                Attribute::computed("dns_records", Type::String, "The addresses Cloudflare gives the nameserver: publish these as its A and AAAA records.")
                    .nested(
                        Nesting::List,
                        vec![
                            Attribute::computed("type", Type::String, "`A` or `AAAA`."),
                            Attribute::computed("value", Type::String, "The address."),
                        ],
                    ),
            ],
        )
    }

    /// A create (or a replacement, which deletes the old one first) in a
    /// tenant these credentials do not have would fail at apply.
    async fn review_plan(
        &self,
        client: Option<&Client>,
        change: &Change<'_, TenantCustomNameserver>,
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let planned = change.planned;
        if !change.known("tenant_id")
            || change
                .prior
                .is_some_and(|p| p.tenant_id == planned.tenant_id)
        {
            return diags;
        }
        let Some(tenants) = client.map(tenants::of_caller) else {
            return diags;
        };
        let Some(tenants) = tenants.await else {
            return diags;
        };
        let tags = tenants.tags();
        if !tags.is_empty() && !tags.contains(&planned.tenant_id.as_str()) {
            let consequence = match change.prior {
                Some(p) => format!(
                    "Replacing custom nameserver {:?} would delete it and then fail",
                    p.ns_name
                ),
                None => "Creating it would fail".to_string(),
            };
            diags.attr_error(
                AttrPath::attr("tenant_id"),
                format!(
                    "{:?} is not a tenant of these credentials",
                    planned.tenant_id
                ),
                match tags.iter().find(|t| t.eq_ignore_ascii_case(&planned.tenant_id)) {
                    Some(tag) => format!(
                        "{consequence}: the credentials' tenant is {tag:?}, which the API spells in lowercase. \
                         Set `tenant_id = {tag:?}`."
                    ),
                    None => format!(
                        "{consequence}: the credentials' tenants are {}.",
                        tags.join(", ")
                    ),
                },
            );
        }
        diags
    }

    async fn create(
        &self,
        client: &Client,
        planned: TenantCustomNameserver,
    ) -> OpResult<TenantCustomNameserver, TenantCustomNameserver> {
        let created = adopt::create(client, &planned).await?;
        let mut state = planned.clone();
        state.merge(created);
        Ok(state)
    }

    async fn read(
        &self,
        client: &Client,
        state: TenantCustomNameserver,
    ) -> OpResult<Option<TenantCustomNameserver>, TenantCustomNameserver> {
        let found = find(client, &state.tenant_id, &state.ns_name).await?;
        Ok(super::read_back(
            state,
            found,
            TenantCustomNameserver::merge,
        ))
    }

    async fn update(
        &self,
        _client: &Client,
        prior: TenantCustomNameserver,
        _planned: TenantCustomNameserver,
    ) -> OpResult<TenantCustomNameserver, TenantCustomNameserver> {
        // Every configurable attribute replaces it: nothing to update.
        Ok(prior)
    }

    async fn delete(
        &self,
        client: &Client,
        state: TenantCustomNameserver,
    ) -> OpResult<Diagnostics, TenantCustomNameserver> {
        let path = paths::tenant_custom_nameserver(&state.tenant_id, &state.ns_name);
        client.delete_if_exists(&path).await.context(|| {
            format!(
                "deleting custom nameserver {:?} of tenant {:?}",
                state.ns_name, state.tenant_id
            )
        })?;
        Ok(Diagnostics::default())
    }

    async fn import(
        &self,
        client: &Client,
        import_id: &str,
    ) -> OpResult<Imported<TenantCustomNameserver>, TenantCustomNameserver> {
        let invalid = |why: String| {
            Diagnostic::error(
                format!("Invalid import id for {}", Self::TYPE_NAME),
                format!(
                    "{import_id:?} {why}. The id is `<tenant_id>/<ns_name>`: the tenant's id, `/`, and the nameserver's \
                     hostname, e.g. `terraform import {}.example 7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c/ns1.partner-example.com`.",
                    Self::TYPE_NAME
                ),
            )
        };
        let (tenant_id, ns_name) = import_id
            .split_once('/')
            .filter(|(tenant, _)| !tenant.is_empty())
            .ok_or_else(|| invalid("has no tenant id before a `/`".into()))?;
        // The shape is right; say what is wrong with the name itself.
        check_domain_name(ns_name)
            .map_err(|why| invalid(format!("does not end in a hostname: {why}")))?;
        let state = TenantCustomNameserver {
            tenant_id: tenant_id.to_string(),
            ns_name: ns_name.to_string(),
            ..Default::default()
        };
        import_by_reading(
            self,
            client,
            state,
            &format!("custom nameserver {ns_name:?} in tenant {tenant_id:?}"),
        )
        .await
    }
}

/// Custom nameservers carry no creation time: a POST that lost its answer
/// is settled by an import when the tenant has the name.
#[async_trait]
impl adopt::Create for TenantCustomNameserver {
    type Made = ApiNameserver;
    const RESOURCE_TYPE: &'static str = TenantCustomNameserverResource::TYPE_NAME;
    const UNIQUE: &'static str = "one nameserver of a name per tenant";
    const EXISTS_CODES: &'static [i64] = &[NAMESERVER_EXISTS];

    fn what(&self) -> String {
        format!(
            "custom nameserver {:?} of tenant {:?}",
            self.ns_name, self.tenant_id
        )
    }

    fn import_id(&self, name: &str) -> String {
        format!("{}/{name}", self.tenant_id)
    }

    async fn post(&self, client: &Client) -> Result<ApiNameserver, ApiError> {
        let body = CreateBody {
            ns_name: &self.ns_name,
            ns_set: self.ns_set.unwrap_or(DEFAULT_NS_SET),
        };
        client
            .post(&paths::tenant_custom_nameservers(&self.tenant_id), &body)
            .await
    }

    async fn lookup(&self, client: &Client) -> Result<Vec<Candidate<ApiNameserver>>, ApiError> {
        let path = paths::tenant_custom_nameservers(&self.tenant_id);
        let all: Option<Vec<ApiNameserver>> = client.get(&path).await?;
        Ok(all
            .into_iter()
            .flatten()
            .filter(|ns| ns.ns_name == self.ns_name)
            .map(|ns| Candidate::created(ns.ns_name.clone(), None, ns))
            .collect())
    }
}
