//! `cftenant_zone_subscription`: the zone's plan (`/zones/{zone_id}/subscription`).
//!
//! A zone has one plan. Creating this resource puts a free zone on the
//! configured plan; a zone already on a paid plan (made outside this
//! configuration, or the plan a `create_before_destroy` replacement is
//! about to destroy) is refused with the import that takes it over, never
//! silently overwritten. Destroying it puts the zone back on
//! `PARTNERS_FREE`, which stops the paid plan. A zone without a
//! subscription record answers 404 with code 1207; that means "free", not
//! "deleted outside Terraform".

use super::subscription::{self, ApiSubscription, Terms};
use crate::adopt::{Candidate, Creation, Origin};
use crate::api::paths::{self, ZONES};
use crate::checks;
use crate::client::{ApiError, Children, Client};
use crate::diagnostics::{import_not_found, parse_import_id, Context};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::resource::{Imported, OpResult, Resource};
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

/// Cloudflare's code for "this zone has no subscription record" (free zones).
const NO_SUBSCRIPTION: i64 = 1207;
const FREE_PLAN: &str = "PARTNERS_FREE";

fn path(zone_id: &str) -> String {
    paths::zone_subscription(zone_id)
}

/// A zone's plan, one GET per zone: read ahead once the plans of other
/// zones are read.
static ZONE_PLANS: Children<String> = Children {
    name: "zone plans",
    parents: ZONES,
    of: path,
};

fn no_record(e: &ApiError) -> bool {
    e.is_not_found() && e.has_code(NO_SUBSCRIPTION)
}

/// Puts a free zone on new terms: POST when the zone has no subscription
/// record, PUT over the free plan a record holds (what a destroy leaves).
/// A paid plan is someone's: the POST's refusal (1205) is returned.
async fn write_new_terms(
    client: &Client,
    zone_id: &str,
    terms: &Terms,
) -> Result<ApiSubscription, ApiError> {
    match client.post(&path(zone_id), &terms.body()).await {
        Err(e) if e.has_code(subscription::SUBSCRIPTION_EXISTS) => {
            match read_terms(client, zone_id).await? {
                Some(current) if is_free(&current) => {
                    client.put(&path(zone_id), &terms.body()).await
                }
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// A plan `GET /zones/{id}/available_rate_plans` offers.
#[derive(Deserialize)]
struct OfferedPlan {
    id: String,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    components: Vec<OfferedComponent>,
}

#[derive(Deserialize)]
struct OfferedComponent {
    name: String,
}

fn is_free(s: &ApiSubscription) -> bool {
    s.rate_plan
        .as_ref()
        .is_none_or(|r| subscription::plan_family(&r.id) == "free")
}

/// The zone's current plan; `Ok(None)` when the zone itself is gone.
async fn read_terms(client: &Client, zone_id: &str) -> Result<Option<ApiSubscription>, ApiError> {
    match client
        .get_child::<ApiSubscription>(&ZONE_PLANS, zone_id)
        .await
    {
        Ok(s) => Ok(Some(s)),
        // No record: the zone is on the free plan.
        Err(e) if no_record(&e) => Ok(Some(free_terms())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The plan family (`free`, `business`, …) a zone is on now; `Ok(None)`
/// when the zone is gone.
pub(crate) async fn plan_family_of(
    client: &Client,
    zone_id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(read_terms(client, zone_id).await?.map(|s| {
        s.rate_plan
            .map_or_else(|| "free".into(), |r| subscription::plan_family(&r.id))
    }))
}

fn free_terms() -> ApiSubscription {
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
                "Rate plan, sent as written: `PARTNERS_FREE`, `PARTNERS_PRO`, `PARTNERS_BIZ`, `PARTNERS_ENT` for a partner tenant (a `CF_*` id \
                 is another program's, which Cloudflare refuses a partner). Cloudflare reads plans back in its own words (`PARTNERS_BIZ` as \
                 `business`), and spellings of one plan of one program (`PARTNERS_BIZ`, `partners_business`) are the same: neither is a \
                 change. An import holds the API's word (`business`), which a configured `PARTNERS_BIZ` matches. A plan that \
                 `GET /zones/{id}/available_rate_plans` does not list is a warning at plan: Cloudflare decides at apply.",
            ),
        ];
        attributes.extend(subscription::attributes());
        Schema::new(
            "The plan of a zone. Destroying it puts the zone on `PARTNERS_FREE` at once (with PUT, as the Tenant guide does; Cloudflare's newer DELETE does not say whether it cancels now or at the end of the billing period): the paid plan stops.",
            attributes,
        )
    }

    /// What `GET /zones/{id}/available_rate_plans` says of the wanted plan
    /// and its components. Nobody has recorded that list holding contract
    /// or partner-only plans the subscription endpoints accept
    /// (observed-api.md rows 8 and 19), so it is not authoritative: a plan
    /// or a component it does not list is a warning, and the API decides at
    /// apply.
    async fn check_change(
        &self,
        client: &Client,
        prior: Option<&ZoneSubscription>,
        planned: &ZoneSubscription,
        _replacing: bool,
    ) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let same_terms = prior.is_some_and(|p| {
            p.terms.rate_plan_id == planned.terms.rate_plan_id
                && p.terms.component_values == planned.terms.component_values
        });
        if same_terms {
            return diags;
        }
        let wanted = &planned.terms.rate_plan_id;
        let path = paths::zone_available_rate_plans(&planned.zone_id);
        let offered: Vec<OfferedPlan> = match client.get(&path).await {
            Ok(plans) => plans,
            // A zone that does not exist yet, say: nothing to compare with.
            Err(e) => {
                tracing::debug!(error = %e, "cannot list the zone's plans to check them at plan");
                return diags;
            }
        };
        let Some(plan) = offered
            .iter()
            .find(|p| subscription::same_rate_plan(&p.id, wanted))
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
        let names: Vec<&str> = plan.components.iter().map(|c| c.name.as_str()).collect();
        for (i, c) in planned.terms.component_values.iter().flatten().enumerate() {
            if !names.contains(&c.name.as_str()) {
                diags.attr_warning(
                    AttrPath::attr("component_values")
                        .push(PathStep::Index(i as i64))
                        .push(PathStep::Attribute("name".into())),
                    format!("{:?} is not a listed component of {wanted}", c.name),
                    format!(
                        "GET /zones/{{id}}/available_rate_plans lists the components of {} as {}. The component is sent \
                         as written, and Cloudflare decides at apply.",
                        plan.id,
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                );
            }
        }
        diags
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
                planned.terms.rate_plan_id, planned.zone_id
            ),
            resource_type: Self::TYPE_NAME,
            import_id: Box::new(str::to_string),
            exists_codes: &[subscription::SUBSCRIPTION_EXISTS],
            unique: "one plan per zone",
        };
        let api = creation
            .run(
                || write_new_terms(client, &planned.zone_id, &planned.terms),
                || async {
                    // The zone on the wanted plan means the write went
                    // through; on another paid plan, it is not ours.
                    let current = read_terms(client, &planned.zone_id).await?;
                    Ok(current
                        .filter(|s| !is_free(s))
                        .map(|s| Candidate {
                            id: planned.zone_id.clone(),
                            origin: if planned.terms.is_satisfied_by(&s) {
                                Origin::Written
                            } else {
                                Origin::Differs
                            },
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
        state.terms.merge(api);
        Ok(state)
    }

    async fn read(
        &self,
        client: &Client,
        mut state: ZoneSubscription,
    ) -> OpResult<Option<ZoneSubscription>, ZoneSubscription> {
        let zone_id = state.zone_id.clone();
        match read_terms(client, &zone_id)
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
            Err(e) if no_record(&e) => return self.create(client, planned).await,
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
    ) -> OpResult<Imported<ZoneSubscription>, ZoneSubscription> {
        let [id] = parse_import_id(Self::TYPE_NAME, id, ["zone_id"])?;
        let Some(api) = read_terms(client, id)
            .await
            .context(|| format!("reading the plan of zone {id}"))?
        else {
            return Err(import_not_found(Self::TYPE_NAME, &format!("zone with id {id}")).into());
        };
        Ok(ZoneSubscription {
            id: Some(id.to_string()),
            zone_id: id.to_string(),
            terms: Terms::imported(api),
        }
        .into())
    }
}
