//! `cftenant_zone_subscription`: the zone's plan (`/zones/{zone_id}/subscription`).
//!
//! There is no DELETE: destroying this resource puts the zone back on
//! `PARTNERS_FREE`, which stops the paid plan. A zone without a paid
//! subscription record answers 404 with code 1207; that means "free", not
//! "deleted outside Terraform".

use super::subscription::{self, ApiSubscription, Plan};
use crate::adopt::{Candidate, Creation, Origin};
use crate::checks;
use crate::client::{ApiError, Client};
use crate::diagnostics::{import_not_found, parse_import_id, Context};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::{OpResult, Resource};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::value::Type;

pub struct ZoneSubscriptionResource;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ZoneSubscription {
    pub id: Option<String>,
    pub zone_id: String,
    #[serde(flatten)]
    pub plan: Plan,
}

/// Cloudflare's code for "this zone has no subscription record" (free zones).
const NO_SUBSCRIPTION: i64 = 1207;
const FREE_PLAN: &str = "PARTNERS_FREE";

fn path(zone_id: &str) -> String {
    format!("/zones/{zone_id}/subscription")
}

fn no_record(e: &ApiError) -> bool {
    e.is_not_found() && e.has_code(NO_SUBSCRIPTION)
}

/// Sends the plan: POST when the zone has no subscription record, PUT when it has one.
async fn write_plan(
    client: &Client,
    zone_id: &str,
    plan: &Plan,
) -> Result<ApiSubscription, ApiError> {
    match client.post(&path(zone_id), &plan.body()).await {
        Err(e) if e.has_code(subscription::SUBSCRIPTION_EXISTS) => {
            client.put(&path(zone_id), &plan.body()).await
        }
        other => other,
    }
}

/// The zone's current plan; `Ok(None)` when the zone itself is gone.
async fn read_plan(client: &Client, zone_id: &str) -> Result<Option<ApiSubscription>, ApiError> {
    match client.get::<ApiSubscription>(&path(zone_id)).await {
        Ok(s) => Ok(Some(s)),
        // No record: the zone is on the free plan.
        Err(e) if no_record(&e) => Ok(Some(free_plan())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn free_plan() -> ApiSubscription {
    ApiSubscription {
        id: None,
        rate_plan: Some(subscription::ApiRatePlan { id: "free".into() }),
        frequency: Some("not-applicable".into()),
        state: Some("Paid".into()),
        price: Some(0.0),
        currency: Some("USD".into()),
        current_period_start: None,
        current_period_end: None,
        component_values: Vec::new(),
    }
}

#[async_trait]
impl Resource for ZoneSubscriptionResource {
    type Client = Client;
    type Model = ZoneSubscription;
    const TYPE_NAME: &'static str = "cftenant_zone_subscription";

    fn schema() -> Schema {
        let mut attributes = vec![
            Attribute::computed("id", Type::String, "Same as `zone_id`."),
            Attribute::required("zone_id", Type::String, "The zone whose plan this is.").check(checks::ID32).replaces(),
            subscription::rate_plan_attribute(
                "Rate plan, e.g. `PARTNERS_FREE`, `PARTNERS_PRO`, `PARTNERS_BIZ`, `PARTNERS_ENT` (see `GET /zones/{id}/available_rate_plans`). \
                 Cloudflare reads plans back normalised (`PARTNERS_BIZ` as `business`), and ids of one plan are the same to it \
                 (`PARTNERS_BIZ`, `partners_biz`, `CF_BIZ`): neither is a change.",
            ),
        ];
        attributes.extend(subscription::attributes());
        Schema::new(
            "The plan of a zone. Destroying it returns the zone to `PARTNERS_FREE` (the API has no DELETE): the paid plan stops.",
            attributes,
        )
    }

    async fn create(
        &self,
        client: &Client,
        planned: ZoneSubscription,
    ) -> OpResult<ZoneSubscription, ZoneSubscription> {
        let creation = Creation {
            client,
            what: format!(
                "the {} plan of zone {}",
                planned.plan.rate_plan_id, planned.zone_id
            ),
            resource_type: Self::TYPE_NAME,
            import_id: Box::new(str::to_string),
            exists_codes: &[],
            unique: "one plan per zone",
        };
        let api = creation
            .run(
                || write_plan(client, &planned.zone_id, &planned.plan),
                || async {
                    // The zone already on the wanted plan means the write went through.
                    let current = read_plan(client, &planned.zone_id).await?;
                    Ok(current
                        .filter(|s| planned.plan.is_satisfied_by(s))
                        .map(|s| Candidate {
                            id: planned.zone_id.clone(),
                            origin: Origin::Written,
                            object: s,
                        })
                        .into_iter()
                        .collect())
                },
                |_| None,
            )
            .await?;
        let mut state = planned;
        state.id = Some(state.zone_id.clone());
        state.plan.merge(api);
        Ok(state)
    }

    async fn read(
        &self,
        client: &Client,
        mut state: ZoneSubscription,
    ) -> OpResult<Option<ZoneSubscription>, ZoneSubscription> {
        let zone_id = state.zone_id.clone();
        match read_plan(client, &zone_id)
            .await
            .context(|| format!("reading the plan of zone {zone_id}"))?
        {
            Some(api) => {
                state.plan.merge(api);
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
            .put(&path(&planned.zone_id), &planned.plan.body())
            .await
        {
            Err(e) if no_record(&e) => return self.create(client, planned).await,
            other => other.context(|| {
                format!(
                    "changing zone {} to the {} plan",
                    planned.zone_id, planned.plan.rate_plan_id
                )
            })?,
        };
        let mut state = planned;
        state.plan.merge(api);
        Ok(state)
    }

    async fn delete(
        &self,
        client: &Client,
        state: ZoneSubscription,
    ) -> OpResult<Diagnostics, ZoneSubscription> {
        let free = Plan {
            rate_plan_id: FREE_PLAN.into(),
            frequency: Some("monthly".into()),
            ..Default::default()
        };
        match client
            .put::<_, serde_json::Value>(&path(&state.zone_id), &free.body())
            .await
        {
            // Already free (no record), or the zone is gone: nothing to stop.
            Err(e) if e.is_not_found() => Ok(Diagnostics::default()),
            other => {
                other.context(|| format!("returning zone {} to {FREE_PLAN}", state.zone_id))?;
                Ok(Diagnostics::default())
            }
        }
    }

    async fn import(
        &self,
        client: &Client,
        id: &str,
    ) -> OpResult<ZoneSubscription, ZoneSubscription> {
        let [id] = parse_import_id(Self::TYPE_NAME, id, ["zone_id"])?;
        let Some(api) = read_plan(client, id)
            .await
            .context(|| format!("reading the plan of zone {id}"))?
        else {
            return Err(import_not_found(Self::TYPE_NAME, &format!("zone with id {id}")).into());
        };
        Ok(ZoneSubscription {
            id: Some(id.to_string()),
            zone_id: id.to_string(),
            plan: Plan::imported(api),
        })
    }
}
