//! `cftenant_zone_subscription`: the zone's rate plan (`/zones/{zone_id}/subscription`).
//!
//! A zone has one rate plan. Creating this resource puts a free zone on the
//! configured rate plan; a zone already on a paid one (made outside this
//! configuration, or the one a `create_before_destroy` replacement is
//! about to destroy) is refused with the import that takes it over, never
//! silently overwritten. Destroying it puts the zone back on
//! `PARTNERS_FREE`, which stops the paid rate plan.

use super::subscription::{self, Terms};
use crate::adopt::{self, Candidate, Origin};
use crate::api::{paths, Frequency, RatePlanFamily};
use crate::checks;
use crate::client::{ApiError, Client};
use crate::diagnostics::{parse_import_id, Context};
use crate::rate_plans::{self, ApiSubscription, FREE_RATE_PLAN, SUBSCRIPTION_EXISTS};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::{import_by_reading, Change, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::value::{AttrPath, PathStep, Type};

pub struct ZoneSubscriptionResource;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ZoneSubscription {
    pub id: Option<String>,
    pub zone_id: String,
    #[serde(flatten)]
    pub terms: Terms,
}

fn path(zone_id: &str) -> String {
    paths::zone_subscription(zone_id)
}

/// Puts a free zone on new terms: POST when the zone has no subscription
/// record, PUT over the free rate plan a record holds (what a destroy
/// leaves). A paid rate plan is someone's: the POST's refusal (1205) is
/// returned.
async fn write_new_terms(
    client: &Client,
    zone_id: &str,
    terms: &Terms,
) -> Result<ApiSubscription, ApiError> {
    match client.post(&path(zone_id), &terms.body()).await {
        Err(e) if e.has_code(SUBSCRIPTION_EXISTS) => {
            match rate_plans::zone_subscription(client, zone_id).await? {
                Some(current) if current.family() == RatePlanFamily::Free => {
                    client.put(&path(zone_id), &terms.body()).await
                }
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// A rate plan `GET /zones/{id}/available_rate_plans` offers.
#[derive(Deserialize)]
struct OfferedRatePlan {
    id: String,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    components: Vec<OfferedComponent>,
}

#[derive(Deserialize)]
struct OfferedComponent {
    name: String,
}

#[async_trait]
impl Resource for ZoneSubscriptionResource {
    type Client = Client;
    type Model = ZoneSubscription;
    const TYPE_NAME: &'static str = "cftenant_zone_subscription";

    fn schema() -> Schema {
        let mut attributes = vec![
            Attribute::computed("id", Type::String, "Same as `zone_id`."),
            Attribute::required("zone_id", Type::String, "The zone whose rate plan this is.").check(checks::ID32).replaces(),
            subscription::rate_plan_attribute(
                "Rate plan, sent as written: `PARTNERS_FREE`, `PARTNERS_PRO`, `PARTNERS_BIZ`, `PARTNERS_ENT` for a partner tenant (a `CF_*` id \
                 is another program's, which Cloudflare refuses a partner). Cloudflare reads plans back in its own words (`PARTNERS_BIZ` as \
                 `business`), and spellings of one plan of one program (`PARTNERS_BIZ`, `partners_business`) are the same: neither is a \
                 change. An import holds the API's word (`business`), which a configured `PARTNERS_BIZ` matches. A plan that \
                 `GET /zones/{id}/available_rate_plans` does not list is a warning at plan: Cloudflare decides at apply.",
            ),
        ];
        attributes.extend(subscription::attributes());
        Schema::new(
            "The rate plan of a zone. Destroying it puts the zone on `PARTNERS_FREE` at once (with PUT, as the Tenant guide does; Cloudflare's newer DELETE does not say whether it cancels now or at the end of the billing period): the paid rate plan stops.",
            attributes,
        )
    }

    /// What `GET /zones/{id}/available_rate_plans` says of the wanted rate
    /// plan and its components. Nobody has recorded that list holding
    /// contract or partner-only rate plans the subscription endpoints accept
    /// (observed-api.md rows 8 and 19), so it is not authoritative: a rate
    /// plan or a component it does not list is a warning, and the API
    /// decides at apply.
    async fn review_plan(
        &self,
        client: Option<&Client>,
        change: &Change<'_, ZoneSubscription>,
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let planned = change.planned;
        let same_terms = change.prior.is_some_and(|p| {
            p.terms.rate_plan_id == planned.terms.rate_plan_id
                && p.terms.component_values == planned.terms.component_values
        });
        let known = change.known("zone_id") && change.known("rate_plan_id");
        let Some(client) = client.filter(|_| !same_terms && known) else {
            return diags;
        };
        let wanted = &planned.terms.rate_plan_id;
        let path = paths::zone_available_rate_plans(&planned.zone_id);
        let offered: Vec<OfferedRatePlan> = match client.get(&path).await {
            Ok(plans) => plans,
            // A zone that does not exist yet, say: nothing to compare with.
            Err(e) => {
                tracing::debug!(error = %e, "cannot list the zone's rate plans to review the plan");
                return diags;
            }
        };
        let Some(offered_plan) = offered
            .iter()
            .find(|p| rate_plans::same_rate_plan(&p.id, wanted))
        else {
            let ids: Vec<&str> = offered.iter().map(|p| p.id.as_str()).collect();
            diags.attr_warning(
                AttrPath::attr("rate_plan_id"),
                format!("Zone {} does not list the plan {wanted:?}", planned.zone_id),
                format!(
                    "GET /zones/{{id}}/available_rate_plans lists {}. That list is not known to hold every plan \
                     Cloudflare accepts (contract plans such as PARTNERS_ENT have been accepted without being listed), \
                     so the plan is sent as written and Cloudflare decides at apply: a plan it does not have is refused \
                     there (error 1204), and the zone stays on its current plan.",
                    if ids.is_empty() { "no plan".to_string() } else { ids.join(", ") }
                ),
            );
            return diags;
        };
        warn_of_unlisted_components(offered_plan, planned, &mut diags);
        diags
    }

    async fn create(
        &self,
        client: &Client,
        planned: ZoneSubscription,
    ) -> OpResult<ZoneSubscription, ZoneSubscription> {
        let api = adopt::create(client, &planned).await?;
        let mut state = planned;
        state.id = Some(state.zone_id.clone());
        state.terms.merge(api);
        Ok(state)
    }

    async fn read(
        &self,
        client: &Client,
        mut state: ZoneSubscription,
    ) -> OpResult<Option<ZoneSubscription>, ZoneSubscription> {
        let zone_id = state.zone_id.clone();
        match rate_plans::zone_subscription(client, &zone_id)
            .await
            .context(|| format!("reading the plan of zone {zone_id}"))?
        {
            Some(api) => {
                state.terms.merge(api);
                Ok(Some(state))
            }
            None => Ok(None),
        }
    }

    async fn update(
        &self,
        client: &Client,
        _prior: ZoneSubscription,
        planned: ZoneSubscription,
    ) -> OpResult<ZoneSubscription, ZoneSubscription> {
        // A zone in state usually has its record already: change it with one
        // PUT. A zone on the free plan has none (1207), and gets a create.
        let api = match client
            .put(&path(&planned.zone_id), &planned.terms.body())
            .await
        {
            Err(e) if rate_plans::no_record(&e) => return self.create(client, planned).await,
            other => other.context(|| {
                format!(
                    "changing zone {} to the {} plan",
                    planned.zone_id, planned.terms.rate_plan_id
                )
            })?,
        };
        let mut state = planned;
        state.terms.merge(api);
        Ok(state)
    }

    async fn delete(
        &self,
        client: &Client,
        state: ZoneSubscription,
    ) -> OpResult<Diagnostics, ZoneSubscription> {
        let free = Terms {
            rate_plan_id: FREE_RATE_PLAN.into(),
            frequency: Some(Frequency::DEFAULT),
            ..Default::default()
        };
        match client
            .put::<_, serde_json::Value>(&path(&state.zone_id), &free.body())
            .await
        {
            // Already free (no record), or the zone is gone: nothing to stop.
            Err(e) if e.is_not_found() => Ok(Diagnostics::default()),
            other => {
                other
                    .context(|| format!("returning zone {} to {FREE_RATE_PLAN}", state.zone_id))?;
                Ok(Diagnostics::default())
            }
        }
    }

    async fn import(
        &self,
        client: &Client,
        id: &str,
    ) -> OpResult<Imported<ZoneSubscription>, ZoneSubscription> {
        let [zone_id] = parse_import_id(Self::TYPE_NAME, id, ["zone_id"])?;
        let state = ZoneSubscription {
            id: Some(zone_id.to_string()),
            zone_id: zone_id.to_string(),
            terms: Terms::default(),
        };
        import_by_reading(self, client, state, &format!("zone with id {zone_id}")).await
    }
}

/// A zone's rate plan is a singleton: the write of it took effect when the
/// zone is on the wanted terms, whoever made it so; on another paid rate
/// plan, it is someone else's.
#[async_trait]
impl adopt::Create for ZoneSubscription {
    type Made = ApiSubscription;
    const RESOURCE_TYPE: &'static str = ZoneSubscriptionResource::TYPE_NAME;
    const UNIQUE: &'static str = "one rate plan per zone";
    const EXISTS_CODES: &'static [i64] = &[SUBSCRIPTION_EXISTS];

    fn what(&self) -> String {
        format!(
            "the {} rate plan of zone {}",
            self.terms.rate_plan_id, self.zone_id
        )
    }

    async fn post(&self, client: &Client) -> Result<ApiSubscription, ApiError> {
        write_new_terms(client, &self.zone_id, &self.terms).await
    }

    async fn lookup(&self, client: &Client) -> Result<Vec<Candidate<ApiSubscription>>, ApiError> {
        let current = rate_plans::zone_subscription(client, &self.zone_id).await?;
        Ok(current
            .filter(|s| s.family() != RatePlanFamily::Free)
            .map(|s| Candidate {
                id: self.zone_id.clone(),
                origin: if self.terms.is_satisfied_by(&s) {
                    Origin::Written
                } else {
                    Origin::Differs
                },
                object: s,
            })
            .into_iter()
            .collect())
    }
}

/// Components the offered rate plan does not list: warnings, since the
/// list is not authoritative.
fn warn_of_unlisted_components(
    offered: &OfferedRatePlan,
    planned: &ZoneSubscription,
    diags: &mut Diagnostics,
) {
    let names: Vec<&str> = offered.components.iter().map(|c| c.name.as_str()).collect();
    let listed = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let wanted = &planned.terms.rate_plan_id;
    for (i, c) in planned.terms.component_values.iter().flatten().enumerate() {
        if !names.contains(&c.name.as_str()) {
            diags.attr_warning(
                AttrPath::attr("component_values")
                    .push(PathStep::Index(i as i64))
                    .push(PathStep::Attribute("name".into())),
                format!("{:?} is not a listed component of {wanted}", c.name),
                format!(
                    "GET /zones/{{id}}/available_rate_plans lists the components of {} as {listed}. The component is sent \
                     as written, and Cloudflare decides at apply.",
                    offered.id
                ),
            );
        }
    }
}
