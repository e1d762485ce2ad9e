//! What zone and account subscriptions share: the rate plan / frequency /
//! component values model, its schema attributes, the API shapes, and the
//! read-back normalisation that keeps plans free of perpetual diffs.
//!
//! Cloudflare reads plans back in its own words: `PARTNERS_BIZ` comes back
//! as `business`, `partners_ent` as `enterprise`, and free and enterprise
//! plans report `frequency = "not-applicable"`. Reads compare those
//! normalised forms and keep the user's spelling when they mean the same.

use crate::schema::{Attribute, Check, Nesting};
use crate::value::{Type, Value};
use serde::{Deserialize, Serialize};

pub const FREQUENCIES: &[&str] = &["weekly", "monthly", "quarterly", "yearly"];
const NOT_APPLICABLE: &str = "not-applicable";
/// The simulator's (and, we infer, the API's) code for a POST of a
/// subscription that already exists.
pub const SUBSCRIPTION_EXISTS: i64 = 1205;

/// `frequency`, with a hint for the partner guide's own `annual`.
pub const FREQUENCY_CHECK: Check = Check::Custom {
    allowed: "one of `weekly`, `monthly`, `quarterly`, `yearly`",
    check: |s| {
        if FREQUENCIES.contains(&s) {
            Ok(())
        } else if s.eq_ignore_ascii_case("annual") || s.eq_ignore_ascii_case("annually") {
            Err(format!("{s:?} is not a frequency Cloudflare accepts; did you mean \"yearly\"? Allowed: \"weekly\", \"monthly\", \"quarterly\", \"yearly\""))
        } else {
            Err(format!("{s:?} is not allowed; expected one of: \"weekly\", \"monthly\", \"quarterly\", \"yearly\""))
        }
    },
};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ComponentValue {
    pub name: String,
    /// Kept as JSON's number so quantities go out as integers (`50`, not `50.0`).
    pub value: serde_json::Number,
}

/// The attributes both subscription resources have, after their own ids.
pub fn attributes() -> Vec<Attribute> {
    const PRICED_BY: &[&str] = &["rate_plan_id", "frequency", "component_values"];
    vec![
        Attribute::optional("frequency", Type::String, "Billing frequency. Cloudflare reports free and enterprise plans as `not-applicable`; that never shows as a change.")
            .default(Value::String("monthly".into()))
            .check(FREQUENCY_CHECK),
        Attribute::optional("component_values", Type::String, "Quantities of the plan's add-on components, e.g. `{ name = \"page_rules\", value = 50 }`. Omit for the plan's defaults.").nested(
            Nesting::List,
            vec![
                Attribute::required("name", Type::String, "Component name, e.g. `page_rules`, `dedicated_certificates`, `zones`.").check(Check::NotEmpty),
                Attribute::required("value", Type::Number, "Quantity of the component."),
            ],
        ),
        Attribute::computed("state", Type::String, "Subscription state, e.g. `Paid`, `Provisioned`, `Trial`.").unknown_when_changed(PRICED_BY),
        Attribute::computed("price", Type::Number, "Price per billing period.").unknown_when_changed(PRICED_BY),
        Attribute::computed("currency", Type::String, "Currency of `price`.").unknown_when_changed(PRICED_BY),
        Attribute::computed("current_period_start", Type::String, "Start of the current billing period (RFC 3339).").unknown_when_changed(PRICED_BY),
        Attribute::computed("current_period_end", Type::String, "End of the current billing period (RFC 3339).").unknown_when_changed(PRICED_BY),
    ]
}

/// The part of the model both resources share (flattened into theirs).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    pub rate_plan_id: String,
    pub frequency: Option<String>,
    pub component_values: Option<Vec<ComponentValue>>,
    pub state: Option<String>,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub current_period_start: Option<String>,
    pub current_period_end: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ApiSubscription {
    pub id: Option<String>,
    pub rate_plan: Option<ApiRatePlan>,
    pub frequency: Option<String>,
    pub state: Option<String>,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub current_period_start: Option<String>,
    pub current_period_end: Option<String>,
    #[serde(default)]
    pub component_values: Vec<ApiComponentValue>,
}

#[derive(Debug, Deserialize)]
pub struct ApiRatePlan {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub struct ApiComponentValue {
    pub name: String,
    pub value: serde_json::Number,
}

#[derive(Debug, Serialize)]
pub struct Body<'a> {
    pub rate_plan: RatePlanRef<'a>,
    pub frequency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_values: Option<&'a [ComponentValue]>,
}

#[derive(Debug, Serialize)]
pub struct RatePlanRef<'a> {
    pub id: &'a str,
}

impl Plan {
    pub fn body(&self) -> Body<'_> {
        Body {
            rate_plan: RatePlanRef {
                id: &self.rate_plan_id,
            },
            frequency: self.frequency.as_deref().unwrap_or("monthly"),
            component_values: self.component_values.as_deref(),
        }
    }

    /// The plan of an object being imported: there is no configured spelling
    /// to keep, so plans read back normalised take their partner id.
    pub fn imported(api: ApiSubscription) -> Plan {
        let components: Vec<ComponentValue> = api
            .component_values
            .iter()
            .map(|c| ComponentValue {
                name: c.name.clone(),
                value: c.value.clone(),
            })
            .collect();
        let mut plan = Plan {
            rate_plan_id: canonical_plan_id(
                api.rate_plan.as_ref().map_or("free", |r| r.id.as_str()),
            ),
            component_values: (!components.is_empty()).then_some(components),
            ..Default::default()
        };
        plan.merge(api);
        plan
    }

    /// Whether a subscription the API reports is this plan: same plan (in
    /// Cloudflare's words), same frequency where one applies, and the
    /// configured component quantities.
    pub fn is_satisfied_by(&self, api: &ApiSubscription) -> bool {
        let same_plan = api
            .rate_plan
            .as_ref()
            .is_some_and(|r| plan_family(&r.id) == plan_family(&self.rate_plan_id));
        let same_frequency = match api.frequency.as_deref() {
            None | Some(NOT_APPLICABLE) => true,
            Some(f) => f == self.frequency.as_deref().unwrap_or("monthly"),
        };
        let same_components = self.component_values.iter().flatten().all(|c| {
            api.component_values
                .iter()
                .any(|a| a.name == c.name && a.value.as_f64() == c.value.as_f64())
        });
        same_plan && same_frequency && same_components
    }

    /// Takes what the API reports, keeping the configured spelling of the
    /// plan id, frequency and components wherever the API's words mean the same.
    pub fn merge(&mut self, api: ApiSubscription) {
        if let Some(rp) = api.rate_plan {
            if plan_family(&rp.id) != plan_family(&self.rate_plan_id) {
                self.rate_plan_id = canonical_plan_id(&rp.id);
            }
        }
        match api.frequency.as_deref() {
            Some(f) if f != NOT_APPLICABLE && !f.is_empty() => self.frequency = Some(f.to_string()),
            _ => self.frequency = self.frequency.take().or(Some("monthly".into())),
        }
        // Only the components the configuration manages: the API may also
        // report defaults for the rest.
        if let Some(mine) = self.component_values.as_mut() {
            for c in mine.iter_mut() {
                if let Some(theirs) = api
                    .component_values
                    .iter()
                    .find(|a| a.name == c.name && a.value.as_f64() != c.value.as_f64())
                {
                    c.value = theirs.value.clone();
                }
            }
        }
        self.state = api.state;
        self.price = api.price;
        self.currency = api.currency;
        self.current_period_start = api.current_period_start;
        self.current_period_end = api.current_period_end;
    }
}

/// The plan a rate plan id stands for, in Cloudflare's read-back words:
/// `PARTNERS_BIZ`, `CF_BIZ`, `partners_business` and `business` are all
/// `business`. Unknown ids compare case-insensitively.
pub fn plan_family(id: &str) -> String {
    let upper = id.trim().to_ascii_uppercase();
    let family = match upper.as_str() {
        "PARTNERS_FREE" | "CF_FREE" | "FREE" => "free",
        "PARTNERS_PRO" | "CF_PRO" | "CF_PRO_20_20" | "PRO" => "pro",
        "CF_PRO_PLUS" | "PRO_PLUS" => "pro_plus",
        "CF_LITE" | "LITE" => "lite",
        "PARTNERS_BIZ" | "PARTNERS_BUSINESS" | "CF_BIZ" | "BUSINESS" | "MSP_BIZ" => "business",
        "PARTNERS_ENT" | "PARTNERS_ENTERPRISE" | "CF_ENT" | "ENTERPRISE" => "enterprise",
        _ => return upper.to_ascii_lowercase(),
    };
    family.to_string()
}

/// The partner rate plan id for a read-back id, used when there is no
/// configured spelling to keep (import, or a plan changed elsewhere).
pub fn canonical_plan_id(api_id: &str) -> String {
    match plan_family(api_id).as_str() {
        "free" => "PARTNERS_FREE".into(),
        "pro" => "PARTNERS_PRO".into(),
        "business" => "PARTNERS_BIZ".into(),
        "enterprise" => "PARTNERS_ENT".into(),
        _ => api_id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(id: &str, frequency: &str) -> ApiSubscription {
        ApiSubscription {
            id: Some("s".into()),
            rate_plan: Some(ApiRatePlan { id: id.into() }),
            frequency: Some(frequency.into()),
            state: Some("Paid".into()),
            price: Some(200.0),
            currency: Some("USD".into()),
            current_period_start: None,
            current_period_end: None,
            component_values: vec![
                ApiComponentValue {
                    name: "page_rules".into(),
                    value: 50.into(),
                },
                ApiComponentValue {
                    name: "zones".into(),
                    value: 1.into(),
                },
            ],
        }
    }

    #[test]
    fn normalised_read_back_keeps_the_configured_spelling() {
        for (configured, read_back) in [
            ("PARTNERS_BIZ", "business"),
            ("partners_ent", "enterprise"),
            ("PARTNERS_FREE", "free"),
            ("CF_PRO_20_20", "pro"),
            ("TEAMS_ENT", "TEAMS_ENT"),
        ] {
            let mut p = Plan {
                rate_plan_id: configured.into(),
                frequency: Some("monthly".into()),
                ..Default::default()
            };
            p.merge(api(read_back, "monthly"));
            assert_eq!(p.rate_plan_id, configured, "{read_back}");
        }
    }

    #[test]
    fn a_different_plan_shows_as_the_partner_id() {
        let mut p = Plan {
            rate_plan_id: "PARTNERS_BIZ".into(),
            ..Default::default()
        };
        p.merge(api("pro", "monthly"));
        assert_eq!(p.rate_plan_id, "PARTNERS_PRO");
    }

    #[test]
    fn not_applicable_frequency_keeps_the_configured_one() {
        let mut p = Plan {
            rate_plan_id: "PARTNERS_ENT".into(),
            frequency: Some("yearly".into()),
            ..Default::default()
        };
        p.merge(api("enterprise", "not-applicable"));
        assert_eq!(p.frequency.as_deref(), Some("yearly"));
        let mut p = Plan {
            rate_plan_id: "PARTNERS_BIZ".into(),
            frequency: Some("monthly".into()),
            ..Default::default()
        };
        p.merge(api("business", "quarterly"));
        assert_eq!(
            p.frequency.as_deref(),
            Some("quarterly"),
            "a real change is seen"
        );
    }

    #[test]
    fn only_managed_components_are_tracked() {
        let mut p = Plan {
            rate_plan_id: "PARTNERS_BIZ".into(),
            component_values: Some(vec![ComponentValue {
                name: "page_rules".into(),
                value: 20.into(),
            }]),
            ..Default::default()
        };
        p.merge(api("business", "monthly"));
        assert_eq!(
            p.component_values,
            Some(vec![ComponentValue {
                name: "page_rules".into(),
                value: 50.into()
            }])
        );
        let mut p = Plan {
            rate_plan_id: "PARTNERS_BIZ".into(),
            ..Default::default()
        };
        p.merge(api("business", "monthly"));
        assert_eq!(p.component_values, None);
    }

    #[test]
    fn satisfied_by_compares_plan_frequency_and_components() {
        let p = Plan {
            rate_plan_id: "PARTNERS_BIZ".into(),
            frequency: Some("monthly".into()),
            component_values: Some(vec![ComponentValue {
                name: "page_rules".into(),
                value: 50.into(),
            }]),
            ..Default::default()
        };
        assert!(p.is_satisfied_by(&api("business", "monthly")));
        assert!(!p.is_satisfied_by(&api("business", "yearly")));
        assert!(!p.is_satisfied_by(&api("pro", "monthly")));
        let more = Plan {
            component_values: Some(vec![ComponentValue {
                name: "page_rules".into(),
                value: 60.into(),
            }]),
            ..p.clone()
        };
        assert!(!more.is_satisfied_by(&api("business", "monthly")));
        let ent = Plan {
            rate_plan_id: "PARTNERS_ENT".into(),
            frequency: Some("monthly".into()),
            ..Default::default()
        };
        assert!(ent.is_satisfied_by(&api("enterprise", "not-applicable")));
    }

    #[test]
    fn imported_plans_take_partner_ids_and_components() {
        let p = Plan::imported(api("business", "monthly"));
        assert_eq!(p.rate_plan_id, "PARTNERS_BIZ");
        assert_eq!(p.frequency.as_deref(), Some("monthly"));
        assert_eq!(p.component_values.as_ref().map(Vec::len), Some(2));
        assert_eq!(
            Plan::imported(api("enterprise", "not-applicable"))
                .frequency
                .as_deref(),
            Some("monthly")
        );
        assert_eq!(
            Plan::imported(api("TEAMS_ENT", "yearly")).rate_plan_id,
            "TEAMS_ENT"
        );
    }

    #[test]
    fn frequency_check_suggests_yearly() {
        let Check::Custom { check, .. } = FREQUENCY_CHECK else {
            unreachable!()
        };
        assert!(check("monthly").is_ok());
        assert!(check("annual")
            .unwrap_err()
            .contains("did you mean \"yearly\""));
        assert!(check("daily").unwrap_err().contains("expected one of"));
    }
}
