//! Rate plans: Cloudflare's paid (and free) plans for zones and accounts.
//! How their ids are spelled and compared, the subscription answers that
//! carry them, and the rate plan a zone is on now.
//!
//! Cloudflare reads rate plans back in its own words: `PARTNERS_BIZ` comes
//! back as `business`, `partners_ent` as `enterprise`. Spellings of one rate
//! plan of one program are the same rate plan; a program's ids are never
//! taken for another's: `CF_PRO` (self-serve) is not `PARTNERS_PRO`, and a
//! partner tenant is refused it (observed-api.md row 11).

use crate::api::paths::{self, ZONES};
use crate::api::{Frequency, RatePlanFamily};
use crate::client::{ApiError, Children, Client};
use serde::Deserialize;

/// The rate plan a destroyed zone subscription puts the zone on.
pub const FREE_RATE_PLAN: &str = "PARTNERS_FREE";

/// The simulator's (and, we infer, the API's) code for a POST of a
/// subscription that already exists.
pub const SUBSCRIPTION_EXISTS: i64 = 1205;

/// Cloudflare's code for "this zone has no subscription record": a zone
/// on the free rate plan, not a zone deleted outside Terraform.
pub const NO_SUBSCRIPTION: i64 = 1207;

/// A rate plan id taken apart: the program its spelling names, if any, and
/// the kind of plan.
#[derive(Debug, PartialEq)]
pub struct RatePlanId {
    /// `PARTNERS`, `CF`, `MSP`; none for the API's read-back words
    /// (`business`) and for ids of their own (`TEAMS_STANDARD`).
    program: Option<&'static str>,
    pub family: RatePlanFamily,
}

impl RatePlanId {
    pub fn parse(id: &str) -> RatePlanId {
        let upper = id.trim().to_ascii_uppercase();
        let (program, plan) = ["PARTNERS", "CF", "MSP"]
            .iter()
            .find_map(|p| {
                upper
                    .strip_prefix(p)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .map(|rest| (Some(*p), rest))
            })
            .unwrap_or((None, upper.as_str()));
        let family = match plan {
            "FREE" => RatePlanFamily::Free,
            "PRO" | "PRO_20_20" => RatePlanFamily::Pro,
            "PRO_PLUS" => RatePlanFamily::ProPlus,
            "LITE" => RatePlanFamily::Lite,
            "BIZ" | "BUSINESS" => RatePlanFamily::Business,
            "ENT" | "ENTERPRISE" => RatePlanFamily::Enterprise,
            // Not a zone rate plan this code knows: the whole id is the plan.
            _ => {
                return RatePlanId {
                    program: None,
                    family: RatePlanFamily::of(&upper.to_ascii_lowercase()),
                }
            }
        };
        RatePlanId { program, family }
    }
}

/// The kind of plan a rate plan id stands for: `PARTNERS_BIZ`,
/// `partners_business`, `business` and `CF_BIZ` are all `Business`.
pub fn family(id: &str) -> RatePlanFamily {
    RatePlanId::parse(id).family
}

/// Whether two rate plan ids name the same rate plan: the same plan of the
/// same program (`PARTNERS_BIZ`, `partners_business`), or a program's id
/// and the API's read-back word for it (`PARTNERS_BIZ`, `business`). Ids of
/// two programs are never the same rate plan.
pub fn same_rate_plan(a: &str, b: &str) -> bool {
    let (a, b) = (RatePlanId::parse(a), RatePlanId::parse(b));
    a.family == b.family && (a.program == b.program || a.program.is_none() || b.program.is_none())
}

/// A subscription as the API answers it, for a zone or an account.
#[derive(Debug, Deserialize)]
pub struct ApiSubscription {
    #[serde(default, deserialize_with = "crate::api::checked_opt_id")]
    pub id: Option<String>,
    pub rate_plan: Option<ApiRatePlan>,
    pub frequency: Option<Frequency>,
    pub state: Option<String>,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub current_period_start: Option<String>,
    pub current_period_end: Option<String>,
    #[serde(default, deserialize_with = "crate::client::null_as_empty")]
    pub component_values: Vec<ApiComponentValue>,
}

#[derive(Debug, Deserialize)]
pub struct ApiRatePlan {
    pub id: String,
    pub public_name: Option<String>,
    pub is_contract: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct ApiComponentValue {
    pub name: String,
    pub value: serde_json::Number,
    /// The rate plan's default quantity, where the API tells it.
    pub default: Option<serde_json::Number>,
}

impl ApiComponentValue {
    /// Whether this quantity differs from the rate plan's default (a paid
    /// extra, or a reduction). Without a known default it cannot be told,
    /// and is taken as the default.
    pub fn deviates(&self) -> bool {
        self.default
            .as_ref()
            .is_some_and(|d| d.as_f64() != self.value.as_f64())
    }
}

impl ApiSubscription {
    /// The kind of rate plan; none given is the free one.
    pub fn family(&self) -> RatePlanFamily {
        self.rate_plan
            .as_ref()
            .map_or(RatePlanFamily::Free, |r| family(&r.id))
    }

    /// What a zone without a subscription record is on.
    fn free() -> ApiSubscription {
        ApiSubscription {
            id: None,
            // Nothing the API said: no name or contract flag is made up.
            rate_plan: Some(ApiRatePlan {
                id: RatePlanFamily::Free.to_string(),
                public_name: None,
                is_contract: None,
            }),
            frequency: Some(Frequency::NotApplicable),
            state: Some("Paid".into()),
            price: Some(0.0),
            currency: Some("USD".into()),
            current_period_start: None,
            current_period_end: None,
            component_values: Vec::new(),
        }
    }
}

/// A zone's subscription, one GET per zone: read ahead once the rate plans
/// of other zones are read.
static ZONE_SUBSCRIPTIONS: Children<String> = Children {
    name: "zone subscriptions",
    parents: ZONES,
    of: paths::zone_subscription,
};

/// Whether the API refused because the zone has no subscription record.
pub fn no_record(e: &ApiError) -> bool {
    e.is_not_found() && e.has_code(NO_SUBSCRIPTION)
}

/// The subscription of a zone as it is now (a zone without a record is on
/// the free rate plan); `Ok(None)` when the zone itself is gone.
pub async fn zone_subscription(
    client: &Client,
    zone_id: &str,
) -> Result<Option<ApiSubscription>, ApiError> {
    match client
        .get_child::<ApiSubscription>(&ZONE_SUBSCRIPTIONS, zone_id)
        .await
    {
        Ok(s) => Ok(Some(s)),
        Err(e) if no_record(&e) => Ok(Some(ApiSubscription::free())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_one_rate_plan_are_the_same_and_programs_differ() {
        assert!(same_rate_plan("PARTNERS_BIZ", "business"));
        assert!(same_rate_plan("PARTNERS_BIZ", "partners_business"));
        assert!(same_rate_plan("partners_free", "PARTNERS_FREE"));
        assert!(same_rate_plan("CF_PRO", "pro"));
        assert!(same_rate_plan("teams_standard", "TEAMS_STANDARD"));
        assert!(!same_rate_plan("CF_PRO", "PARTNERS_PRO"), "two programs");
        assert!(!same_rate_plan("CF_ENT", "PARTNERS_ENT"), "two programs");
        assert!(!same_rate_plan("PARTNERS_BIZ", "PARTNERS_PRO"));
        assert!(!same_rate_plan("TEAMS_ENT", "enterprise"));
        assert_eq!(family("CF_BIZ"), RatePlanFamily::Business);
        assert_eq!(family("PARTNERS_ENTERPRISE"), RatePlanFamily::Enterprise);
        assert_eq!(
            family("TEAMS_ENT"),
            RatePlanFamily::Other("teams_ent".into())
        );
    }

    #[test]
    fn a_subscription_without_a_rate_plan_is_free() {
        let s: ApiSubscription = serde_json::from_value(serde_json::json!({"id": null})).unwrap();
        assert_eq!(s.family(), RatePlanFamily::Free);
        assert_eq!(ApiSubscription::free().family(), RatePlanFamily::Free);
    }
}
