//! What zone and account subscriptions share: their terms (rate plan,
//! frequency, component values), its schema attributes, the API shapes, and the
//! read-back normalisation that keeps plans free of perpetual diffs.
//!
//! Cloudflare reads rate plans back in its own words (see
//! [`crate::rate_plans`]), and free and enterprise rate plans report
//! `frequency = "not-applicable"`. Reads compare those normalised forms and
//! keep the user's spelling when they mean the same; where there is no
//! spelling to keep (import, a rate plan changed elsewhere) the state holds
//! the API's own words.

use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Check, Nesting};
use tfplugin::value::{Type, Value};

use crate::api::{Frequency, RatePlanFamily};
use crate::rate_plans::{same_rate_plan, ApiComponentValue, ApiSubscription};

/// `frequency`: one of the API's words, or the Tenant guide's `annual`.
pub const FREQUENCY_CHECK: Check = Check::Custom {
    allowed:
        "one of `weekly`, `monthly`, `quarterly`, `yearly` (or `annual`, the same as `yearly`)",
    check: |s| {
        const ALLOWED: &str = "\"weekly\", \"monthly\", \"quarterly\", \"yearly\" (or \"annual\", the same as \"yearly\")";
        if Frequency::CONFIGURABLE.contains(&s) {
            Ok(())
        } else if let Some(meant) = Frequency::CONFIGURABLE
            .iter()
            .find(|f| f.eq_ignore_ascii_case(s))
            .or_else(|| s.eq_ignore_ascii_case("annually").then_some(&"yearly"))
        {
            Err(format!(
                "{s:?} is not allowed; did you mean {meant:?}? Allowed: {ALLOWED}"
            ))
        } else {
            Err(format!("{s:?} is not allowed; expected one of: {ALLOWED}"))
        }
    },
};

/// Two configured frequencies bill alike (`annual` is `yearly`).
fn same_frequency(a: &str, b: &str) -> bool {
    Frequency::of(a).sent() == Frequency::of(b).sent()
}

/// `rate_plan_id`, compared the way Cloudflare reads it back: `PARTNERS_BIZ`,
/// `partners_biz` and `business` are one plan; `CF_BIZ` is another program's.
pub fn rate_plan_attribute(description: &'static str) -> Attribute {
    Attribute::required("rate_plan_id", Type::String, description)
        .check(Check::NotEmpty)
        .equivalent(same_rate_plan)
}

/// Largest component quantity the API takes.
const MAX_COMPONENT_VALUE: i64 = 1_000_000;

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
        Attribute::optional("frequency", Type::String, "Billing frequency. Cloudflare reports free and enterprise plans as `not-applicable`; that never shows as a change. `annual` (the Tenant guide's word) is the same as `yearly`.")
            .default(Value::String(Frequency::DEFAULT.to_string()))
            .check(FREQUENCY_CHECK)
            .equivalent(same_frequency),
        Attribute::optional(
            "component_values",
            Type::String,
            "Quantities of the plan's add-on components, e.g. `{ name = \"page_rules\", value = 60 }` on a zone's plan, \
             `{ name = \"users\", value = 75 }` on an account's. A component not listed \
             is at the plan's default quantity: removing a component, or the whole attribute, returns it to the default \
             (and stops paying for the extra). A component changed outside Terraform shows as a change. An import holds only the \
             components away from their default: a configuration that lists one at its default quantity plans one update after \
             it, which changes nothing at Cloudflare. Their order means nothing: Cloudflare answering in its own order is no change, and \
             listing them in another order plans one update, which changes nothing either.",
        )
        .unordered()
        .nested(
            Nesting::List,
            vec![
                Attribute::required("name", Type::String, "Component name, e.g. `page_rules` or `dedicated_certificates` (a zone's plan), `users` (an account's).").check(Check::NotEmpty),
                Attribute::required("value", Type::Number, "Quantity of the component.").check(Check::Range(0, MAX_COMPONENT_VALUE)),
            ],
        )
        .check(Check::UniqueBy("name")),
        Attribute::computed("state", Type::String, "Subscription state, e.g. `Paid`, `Provisioned`, `Trial`.").unknown_when_changed(PRICED_BY),
        Attribute::computed("price", Type::Number, "Price per billing period.").unknown_when_changed(PRICED_BY),
        Attribute::computed("currency", Type::String, "Currency of `price`.").unknown_when_changed(PRICED_BY),
        Attribute::computed("current_period_start", Type::String, "Start of the current billing period (RFC 3339).").unknown_when_changed(PRICED_BY),
        Attribute::computed("current_period_end", Type::String, "End of the current billing period (RFC 3339).").unknown_when_changed(PRICED_BY),
        Attribute::computed("public_name", Type::String, "The rate plan's name as Cloudflare shows it, e.g. `Business Plan`; null where the API does not say.").unknown_when_changed(PRICED_BY),
        Attribute::computed("is_contract", Type::Bool, "Whether the rate plan is billed under a contract (enterprise plans); null where the API does not say.").unknown_when_changed(PRICED_BY),
    ]
}

/// The part of the model both resources share (flattened into theirs).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Terms {
    pub rate_plan_id: String,
    pub frequency: Option<Frequency>,
    pub component_values: Option<Vec<ComponentValue>>,
    pub state: Option<String>,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub current_period_start: Option<String>,
    pub current_period_end: Option<String>,
    pub public_name: Option<String>,
    pub is_contract: Option<bool>,
}

impl ComponentValue {
    fn of(api: &ApiComponentValue) -> ComponentValue {
        ComponentValue {
            name: api.name.clone(),
            value: api.value.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Body<'a> {
    pub rate_plan: RatePlanRef<'a>,
    pub frequency: Frequency,
    /// Always sent: components left out are at the plan's default, so an
    /// empty list takes back every extra (omitting it would keep them).
    pub component_values: &'a [ComponentValue],
}

#[derive(Debug, Serialize)]
pub struct RatePlanRef<'a> {
    pub id: &'a str,
}

impl Terms {
    /// The configured frequency; monthly when left out.
    fn frequency(&self) -> Frequency {
        self.frequency.clone().unwrap_or(Frequency::DEFAULT)
    }

    pub fn body(&self) -> Body<'_> {
        Body {
            rate_plan: RatePlanRef {
                id: &self.rate_plan_id,
            },
            frequency: self.frequency().sent(),
            component_values: self.component_values.as_deref().unwrap_or_default(),
        }
    }

    /// Whether a subscription the API reports is this plan: same plan (in
    /// Cloudflare's words), same frequency where one applies, the listed
    /// component quantities, and the others at their defaults.
    pub fn is_satisfied_by(&self, api: &ApiSubscription) -> bool {
        let same_plan = api
            .rate_plan
            .as_ref()
            .is_some_and(|r| same_rate_plan(&r.id, &self.rate_plan_id));
        let same_frequency = api
            .frequency
            .as_ref()
            .is_none_or(|f| !f.applies() || f.sent() == self.frequency().sent());
        let listed = self.component_values.as_deref().unwrap_or_default();
        let same_components = listed.iter().all(|c| {
            api.component_values
                .iter()
                .any(|a| a.name == c.name && a.value.as_f64() == c.value.as_f64())
        }) && api
            .component_values
            .iter()
            .all(|a| !a.deviates() || listed.iter().any(|c| c.name == a.name));
        same_plan && same_frequency && same_components
    }

    /// Takes what the API reports. The rate plan id is the API's (the
    /// adapter keeps the configured spelling when they mean the same; an
    /// import, with no spelling to keep, holds the API's word, which a
    /// configured `PARTNERS_ENT` then matches); the frequency stays the
    /// configured one where the API says `not-applicable`. Components: the
    /// listed ones with the API's quantities, then any other the API has
    /// away from its default, so that extras added or left behind show as
    /// a change.
    pub fn merge(&mut self, api: ApiSubscription) {
        self.public_name = api.rate_plan.as_ref().and_then(|rp| rp.public_name.clone());
        self.is_contract = api.rate_plan.as_ref().and_then(|rp| rp.is_contract);
        match api.rate_plan {
            Some(rp) => self.rate_plan_id = rp.id,
            None if self.rate_plan_id.is_empty() => {
                self.rate_plan_id = RatePlanFamily::Free.to_string()
            }
            None => {}
        }
        self.frequency = match api.frequency {
            Some(f) if f.applies() && !f.as_str().is_empty() => Some(f),
            _ => Some(self.frequency()),
        };
        let mut components = self.component_values.take();
        if let Some(listed) = components.as_mut() {
            for c in listed.iter_mut() {
                if let Some(theirs) = api.component_values.iter().find(|a| a.name == c.name) {
                    c.value = theirs.value.clone();
                }
            }
        }
        let extras: Vec<ComponentValue> = api
            .component_values
            .iter()
            .filter(|a| a.deviates())
            .filter(|a| {
                components
                    .as_ref()
                    .is_none_or(|listed| listed.iter().all(|c| c.name != a.name))
            })
            .map(ComponentValue::of)
            .collect();
        if !extras.is_empty() {
            components.get_or_insert_with(Vec::new).extend(extras);
        }
        self.component_values = components;
        self.state = api.state;
        self.price = api.price;
        self.currency = api.currency;
        self.current_period_start = api.current_period_start;
        self.current_period_end = api.current_period_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_plans::ApiRatePlan;

    fn component(name: &str, value: u64, default: u64) -> ApiComponentValue {
        ApiComponentValue {
            name: name.into(),
            value: value.into(),
            default: Some(default.into()),
        }
    }

    /// A subscription the API reports: 60 page rules (default 50) and one
    /// zone (its default).
    fn api(id: &str, frequency: &str) -> ApiSubscription {
        ApiSubscription {
            id: Some("s".into()),
            rate_plan: Some(ApiRatePlan {
                id: id.into(),
                public_name: Some("Business Plan".into()),
                is_contract: Some(false),
            }),
            frequency: Some(Frequency::of(frequency)),
            state: Some("Paid".into()),
            price: Some(210.0),
            currency: Some("USD".into()),
            current_period_start: None,
            current_period_end: None,
            component_values: vec![component("page_rules", 60, 50), component("zones", 1, 1)],
        }
    }

    fn listed(pairs: &[(&str, u64)]) -> Option<Vec<ComponentValue>> {
        Some(
            pairs
                .iter()
                .map(|(name, value)| ComponentValue {
                    name: (*name).into(),
                    value: (*value).into(),
                })
                .collect(),
        )
    }

    #[test]
    fn read_back_keeps_the_apis_own_id() {
        for read_back in ["business", "enterprise", "free", "pro", "TEAMS_ENT"] {
            let mut p = Terms {
                rate_plan_id: "anything".into(),
                frequency: Some(Frequency::Monthly),
                ..Default::default()
            };
            p.merge(api(read_back, "monthly"));
            assert_eq!(p.rate_plan_id, read_back);
            assert_eq!(p.public_name.as_deref(), Some("Business Plan"));
            assert_eq!(p.is_contract, Some(false));
        }
    }

    #[test]
    fn a_subscription_without_a_rate_plan_name_reads_as_null() {
        let mut answer = api("enterprise", "not-applicable");
        answer.rate_plan = None;
        let mut p = Terms {
            rate_plan_id: "PARTNERS_ENT".into(),
            ..Default::default()
        };
        p.merge(answer);
        assert_eq!((p.public_name, p.is_contract), (None, None));
    }

    #[test]
    fn not_applicable_frequency_keeps_the_configured_one() {
        let mut p = Terms {
            rate_plan_id: "PARTNERS_ENT".into(),
            frequency: Some(Frequency::Yearly),
            ..Default::default()
        };
        p.merge(api("enterprise", "not-applicable"));
        assert_eq!(p.frequency, Some(Frequency::Yearly));
        let mut p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            frequency: Some(Frequency::Monthly),
            ..Default::default()
        };
        p.merge(api("business", "quarterly"));
        assert_eq!(
            p.frequency,
            Some(Frequency::Quarterly),
            "a real change is seen"
        );
    }

    #[test]
    fn annual_is_yearly() {
        assert!(same_frequency("annual", "yearly"));
        assert!(!same_frequency("annual", "monthly"));
        let p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            frequency: Some(Frequency::Annual),
            ..Default::default()
        };
        assert_eq!(p.body().frequency, Frequency::Yearly);
    }

    #[test]
    fn listed_components_take_the_apis_quantities_and_extras_show() {
        let mut p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            component_values: listed(&[("page_rules", 20)]),
            ..Default::default()
        };
        p.merge(api("business", "monthly"));
        assert_eq!(p.component_values, listed(&[("page_rules", 60)]));
        // Not configured: the extra page rules are still paid for, so they show.
        let mut p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            ..Default::default()
        };
        p.merge(api("business", "monthly"));
        assert_eq!(p.component_values, listed(&[("page_rules", 60)]));
        // Everything at its default: nothing to show, and `[]` stays `[]`.
        let mut defaults = api("business", "monthly");
        defaults.component_values = vec![component("page_rules", 50, 50), component("zones", 1, 1)];
        let mut p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            ..Default::default()
        };
        p.merge(defaults);
        assert_eq!(p.component_values, None);
        let mut defaults = api("business", "monthly");
        defaults.component_values = vec![component("page_rules", 50, 50)];
        let mut p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            component_values: Some(Vec::new()),
            ..Default::default()
        };
        p.merge(defaults);
        assert_eq!(p.component_values, Some(Vec::new()));
    }

    #[test]
    fn the_body_always_carries_the_components() {
        let p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            ..Default::default()
        };
        let json = serde_json::to_value(p.body()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"rate_plan": {"id": "PARTNERS_BIZ"}, "frequency": "monthly", "component_values": []})
        );
    }

    #[test]
    fn satisfied_by_compares_plan_frequency_and_components() {
        let p = Terms {
            rate_plan_id: "PARTNERS_BIZ".into(),
            frequency: Some(Frequency::Monthly),
            component_values: listed(&[("page_rules", 60)]),
            ..Default::default()
        };
        assert!(p.is_satisfied_by(&api("business", "monthly")));
        assert!(!p.is_satisfied_by(&api("business", "yearly")));
        assert!(!p.is_satisfied_by(&api("pro", "monthly")));
        let more = Terms {
            component_values: listed(&[("page_rules", 70)]),
            ..p.clone()
        };
        assert!(!more.is_satisfied_by(&api("business", "monthly")));
        let defaults_only = Terms {
            component_values: None,
            ..p.clone()
        };
        assert!(
            !defaults_only.is_satisfied_by(&api("business", "monthly")),
            "extra page rules are not the plan's defaults"
        );
        let ent = Terms {
            rate_plan_id: "PARTNERS_ENT".into(),
            frequency: Some(Frequency::Monthly),
            ..Default::default()
        };
        let mut ent_api = api("enterprise", "not-applicable");
        ent_api.component_values.clear();
        assert!(ent.is_satisfied_by(&ent_api));
    }

    /// An import reads into empty terms: nothing configured to keep.
    fn imported(api: ApiSubscription) -> Terms {
        let mut terms = Terms::default();
        terms.merge(api);
        terms
    }

    #[test]
    fn imported_plans_keep_the_apis_id_and_take_the_extras() {
        let p = imported(api("business", "monthly"));
        assert_eq!(p.rate_plan_id, "business");
        assert_eq!(p.frequency, Some(Frequency::Monthly));
        assert_eq!(p.component_values, listed(&[("page_rules", 60)]));
        assert_eq!(
            imported(api("enterprise", "not-applicable")).frequency,
            Some(Frequency::Monthly)
        );
        assert_eq!(
            imported(api("TEAMS_ENT", "yearly")).rate_plan_id,
            "TEAMS_ENT"
        );
    }

    #[test]
    fn frequency_check_accepts_the_guides_annual() {
        let Check::Custom { check, .. } = FREQUENCY_CHECK else {
            unreachable!()
        };
        assert!(check("monthly").is_ok());
        assert!(check("annual").is_ok());
        assert!(check("daily").unwrap_err().contains("expected one of"));
    }
}
