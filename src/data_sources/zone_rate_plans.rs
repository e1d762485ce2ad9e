//! `data "cftenant_zone_rate_plans"`: the rate plans a zone can be put on
//! (`GET /zones/{zone_id}/available_rate_plans`, one page).
//!
//! The list is not known to hold every plan the API accepts: no record shows
//! it listing contract plans such as `PARTNERS_ENT`, which a real `POST`
//! took (observed-api.md rows 8, 19). It says what is offered, not what is
//! refused.

use super::listing::{Listing, Parent};
use crate::api::paths;
use crate::client::{lenient_number, null_as_empty, Client};
use crate::diagnostics::Context;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostic;
use tfplugin::schema::{Attribute, Nesting};
use tfplugin::value::Type;

/// One rate plan, as the state holds it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RatePlan {
    pub id: Option<String>,
    pub name: Option<String>,
    pub currency: Option<String>,
    pub frequency: Option<String>,
    pub duration: Option<f64>,
    pub components: Option<Vec<Component>>,
}

/// One add-on component of a rate plan.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Component {
    pub name: Option<String>,
    pub default: Option<f64>,
    pub unit_price: Option<f64>,
}

/// A rate plan as the API gives it: the id required, the rest as given.
#[derive(Debug, Deserialize)]
struct ApiRatePlan {
    id: String,
    name: Option<String>,
    currency: Option<String>,
    frequency: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    duration: Option<f64>,
    #[serde(default, deserialize_with = "null_as_empty")]
    components: Vec<ApiComponent>,
}

#[derive(Debug, Deserialize)]
struct ApiComponent {
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    default: Option<f64>,
    #[serde(default, deserialize_with = "lenient_number")]
    unit_price: Option<f64>,
}

/// `data "cftenant_zone_rate_plans"`.
pub struct ZoneRatePlans;

#[async_trait]
impl Listing for ZoneRatePlans {
    const TYPE_NAME: &'static str = "cftenant_zone_rate_plans";
    const DESCRIPTION: &'static str = "Lists the rate plans Cloudflare offers for a zone, with their add-on components: what \
         `cftenant_zone_subscription` can put it on. Contract plans (e.g. `PARTNERS_ENT`) may be accepted without being \
         listed.";
    const PARENT: Parent = Parent::Zone;
    const LIST: &'static str = "rate_plans";
    type Item = RatePlan;

    fn list_attribute() -> Attribute {
        Attribute::computed(Self::LIST, Type::String, "The zone's rate plans, in the API's order.").nested(
            Nesting::List,
            vec![
                Attribute::computed("id", Type::String, "The rate plan's id: what `rate_plan_id` of `cftenant_zone_subscription` takes."),
                Attribute::computed("name", Type::String, "The rate plan's name."),
                Attribute::computed("currency", Type::String, "The currency of its prices."),
                Attribute::computed("frequency", Type::String, "How often it is billed."),
                Attribute::computed("duration", Type::Number, "How many periods of `frequency` one billing covers."),
                Attribute::computed(
                    "components",
                    Type::list(Type::object([
                        ("name", Type::String),
                        ("default", Type::Number),
                        ("unit_price", Type::Number),
                    ])),
                    "Its add-on components: `name` (what `component_values` take), the `default` quantity, and the `unit_price` of each one more.",
                ),
            ],
        )
    }

    async fn list(client: &Client, zone: &str) -> Result<Vec<RatePlan>, Diagnostic> {
        let plans: Option<Vec<ApiRatePlan>> = client
            .get(&paths::zone_available_rate_plans(zone))
            .await
            .context(|| format!("listing the rate plans of zone {zone:?}"))?;
        Ok(plans
            .unwrap_or_default()
            .into_iter()
            .map(|p| RatePlan {
                id: Some(p.id),
                name: p.name,
                currency: p.currency,
                frequency: p.frequency,
                duration: p.duration,
                components: Some(
                    p.components
                        .into_iter()
                        .map(|c| Component {
                            name: c.name,
                            default: c.default,
                            unit_price: c.unit_price,
                        })
                        .collect(),
                ),
            })
            .collect())
    }
}
