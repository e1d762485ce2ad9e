//! Zone plan subscriptions (reference §6) and account add-on subscriptions
//! (§7.1): the records, pricing and read-back, and the operations.
//!
//! Read-back quirks reproduced here: a zone subscription's `rate_plan.id` reads back as
//! the normalised lowercase plan (`PARTNERS_ENT` → `enterprise`), and free and
//! enterprise plans read back `frequency: "not-applicable"` whatever was sent.
//! In the observed dialect, a zone on a free or contract plan reads back
//! without `id`, billing period and components (docs/SIMULATOR.md, Dialects).

use super::catalog::{plan_by_id, resolve_plan, Program, RatePlan, Scope, CATALOG};
use crate::auth::Caller;
use crate::dialect::Dialect;
use crate::errors::{codes, ApiError};
use crate::store::{add_months, format_time, random_id, SimState};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;

/// A zone plan subscription or an account add-on subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    /// The zone id (zone subscriptions) or account id (account subscriptions).
    pub owner_id: String,
    /// Catalog id of the resolved rate plan (see `subscriptions::catalog`).
    pub plan_id: String,
    /// The frequency as read back (`not-applicable` for fixed-price plans).
    pub frequency: String,
    pub components: Vec<ComponentValue>,
    pub current_period_start: String,
    pub current_period_end: String,
    pub created_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComponentValue {
    pub name: String,
    pub value: u64,
}

/// Billing frequencies with their price factor (relative to monthly) and period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl Frequency {
    /// The definition's words, and `annual`, the Tenant guide's word for
    /// `yearly` (its example sends it, and a partner was recorded sending
    /// it), which is stored and read back as `yearly`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "weekly" => Some(Self::Weekly),
            "monthly" => Some(Self::Monthly),
            "quarterly" => Some(Self::Quarterly),
            "yearly" | "annual" => Some(Self::Yearly),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::Yearly => "yearly",
        }
    }

    fn price_factor(self) -> f64 {
        match self {
            Self::Weekly => 0.25,
            Self::Monthly => 1.0,
            Self::Quarterly => 3.0,
            Self::Yearly => 12.0,
        }
    }

    fn period_end(self, start: OffsetDateTime) -> OffsetDateTime {
        match self {
            Self::Weekly => start + time::Duration::days(7),
            Self::Monthly => add_months(start, 1),
            Self::Quarterly => add_months(start, 3),
            Self::Yearly => add_months(start, 12),
        }
    }
}

pub const NOT_APPLICABLE: &str = "not-applicable";

/// Largest accepted component quantity.
pub const MAX_COMPONENT_VALUE: u64 = 1_000_000;

/// A money amount as JSON: an integer when whole (`20`, like the API), else two decimals.
fn money(amount: f64) -> Value {
    let cents = (amount * 100.0).round();
    if cents % 100.0 == 0.0 && cents.abs() < 9.0e15 {
        json!((cents / 100.0) as i64)
    } else {
        json!(cents / 100.0)
    }
}

/// The subscription object of §6.2 (with `component_values`). In the
/// observed dialect a zone on a free or contract plan reads as
/// [`render_observed_fixed`].
pub fn render(sub: &Subscription, dialect: Dialect) -> Value {
    let Some(plan) = plan_by_id(&sub.plan_id) else {
        return json!({ "id": sub.id, "rate_plan": { "id": sub.plan_id } });
    };
    if dialect.is_observed() && plan.scope == Scope::Zone && plan.fixed_price {
        return render_observed_fixed(plan);
    }
    let factor = Frequency::parse(&sub.frequency).map_or(1.0, Frequency::price_factor);
    let mut total = if plan.fixed_price {
        0.0
    } else {
        plan.monthly_price * factor
    };
    // Every component of the plan, at its stored quantity or the default.
    let components: Vec<Value> = plan
        .components
        .iter()
        .map(|component| {
            let value = sub
                .components
                .iter()
                .find(|cv| cv.name == component.name)
                .map_or(component.default, |cv| cv.value);
            let price = if plan.fixed_price {
                0.0
            } else {
                value.saturating_sub(component.default) as f64 * component.unit_price * factor
            };
            total += price;
            json!({ "name": component.name, "value": value, "default": component.default, "price": money(price) })
        })
        .collect();
    json!({
        "id": sub.id,
        "currency": "USD",
        "price": money(total),
        "frequency": sub.frequency,
        "state": "Paid",
        "current_period_start": sub.current_period_start,
        "current_period_end": sub.current_period_end,
        "rate_plan": {
            "id": plan.id,
            "public_name": plan.public_name,
            "currency": "USD",
            "scope": plan.scope.as_str(),
            "externally_managed": false,
            "is_contract": plan.is_contract,
            "sets": [],
        },
        "component_values": components,
    })
}

/// A zone subscription on a free or contract plan as the live API was
/// recorded answering it (corpus 28, 29): no `id`, no billing period, no
/// `component_values`, the plan under its own public name, price 0.
fn render_observed_fixed(plan: &RatePlan) -> Value {
    let public_name = match plan.id {
        "free" => "Cloudflare Free Plan",
        "enterprise" => "Enterprise",
        other => other,
    };
    json!({
        "currency": "USD",
        "price": 0,
        "frequency": NOT_APPLICABLE,
        "state": "Paid",
        "rate_plan": {
            "id": plan.id,
            "public_name": public_name,
            "currency": "USD",
            "scope": plan.scope.as_str(),
            "externally_managed": false,
            "is_contract": plan.is_contract,
        },
    })
}

/// A validated subscription request body. `None` fields were not sent.
pub struct SubscriptionRequest {
    /// `rate_plan.id` as sent; which ids resolve depends on the tenant
    /// ([`Program`]), so it is resolved with the state.
    pub plan_id: Option<String>,
    /// `Some(None)` = `not-applicable` was sent.
    pub frequency: Option<Option<Frequency>>,
    pub components: Option<Vec<ComponentValue>>,
}

fn check_components(plan: &RatePlan, components: &[ComponentValue]) -> Result<(), ApiError> {
    for (i, cv) in components.iter().enumerate() {
        if !plan.components.iter().any(|c| c.name == cv.name) {
            let valid: Vec<&str> = plan.components.iter().map(|c| c.name).collect();
            return Err(ApiError::validation(format!(
                "component_values[{i}].name: '{}' is not a component of rate plan {} (valid: {})",
                cv.name,
                plan.id,
                if valid.is_empty() {
                    "none".to_string()
                } else {
                    valid.join(", ")
                }
            )));
        }
    }
    Ok(())
}

/// The plan a request asks for, if it names one: 400 / 1204 when the
/// tenant cannot take it in `scope`.
fn requested_plan(
    state: &SimState,
    request: &SubscriptionRequest,
    scope: Scope,
) -> Result<Option<&'static RatePlan>, ApiError> {
    request
        .plan_id
        .as_deref()
        .map(|id| resolve_plan(id, scope, Program::of(state)))
        .transpose()
}

/// Builds the stored subscription from a request (its plan resolved), on
/// top of `previous` for PUT.
fn apply_request(
    requested: Option<&'static RatePlan>,
    request: SubscriptionRequest,
    previous: Option<&Subscription>,
    owner_id: &str,
    now: OffsetDateTime,
) -> Result<Subscription, ApiError> {
    let previous_plan = previous.and_then(|p| plan_by_id(&p.plan_id));
    let plan = requested
        .or(previous_plan)
        .ok_or_else(|| ApiError::validation("rate_plan: is required"))?;
    let previous_frequency = previous.and_then(|p| Frequency::parse(&p.frequency));
    let frequency = if plan.fixed_price {
        None
    } else {
        Some(
            request
                .frequency
                .flatten()
                .or(previous_frequency)
                .unwrap_or(Frequency::Monthly),
        )
    };
    let components = match (request.components, previous) {
        (Some(components), _) => components,
        // Omitted on PUT: kept while the plan stays the same; a new plan starts from its
        // defaults.
        (None, Some(p)) if p.plan_id == plan.id => p.components.clone(),
        (None, _) => Vec::new(),
    };
    check_components(plan, &components)?;
    let frequency_text = frequency
        .map_or(NOT_APPLICABLE, Frequency::as_str)
        .to_string();

    let (start, end) = match previous {
        // Same plan and frequency: the billing period carries on.
        Some(p) if p.plan_id == plan.id && p.frequency == frequency_text => {
            (p.current_period_start.clone(), p.current_period_end.clone())
        }
        _ => {
            let end = frequency.unwrap_or(Frequency::Monthly).period_end(now);
            (format_time(now), format_time(end))
        }
    };
    Ok(Subscription {
        id: previous.map_or_else(random_id, |p| p.id.clone()),
        owner_id: owner_id.to_string(),
        plan_id: plan.id.to_string(),
        frequency: frequency_text,
        components,
        current_period_start: start,
        current_period_end: end,
        created_on: previous.map_or_else(|| format_time(now), |p| p.created_on.clone()),
    })
}

/// 404 / 1207, in the words the live API was recorded using (corpus 26).
fn no_zone_subscription() -> ApiError {
    ApiError::not_found(
        codes::NO_ZONE_SUBSCRIPTION,
        "Add a core subscription first and try again. The zone does not have an active core subscription.",
    )
}

/// The index of the zone's subscription record; 404 / 1207 if none.
fn find_zone_subscription(state: &SimState, zone_id: &str) -> Result<usize, ApiError> {
    state
        .zone_subscriptions
        .iter()
        .position(|s| s.owner_id == zone_id)
        .ok_or_else(no_zone_subscription)
}

fn find_account_subscription<'a>(
    state: &'a SimState,
    account_id: &str,
    subscription_id: &str,
) -> Result<(usize, &'a Subscription), ApiError> {
    state
        .account_subscriptions
        .iter()
        .enumerate()
        .find(|(_, s)| s.owner_id == account_id && s.id == subscription_id)
        .ok_or_else(|| {
            ApiError::not_found(
                codes::SUBSCRIPTION_NOT_FOUND,
                format!("Subscription not found: {subscription_id}"),
            )
        })
}

fn check_plan_unique(
    state: &SimState,
    account_id: &str,
    plan_id: &str,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let taken = state
        .account_subscriptions
        .iter()
        .any(|s| s.owner_id == account_id && s.plan_id == plan_id && Some(s.id.as_str()) != except);
    if taken {
        return Err(ApiError::bad_request(
            codes::SUBSCRIPTION_EXISTS,
            format!("The account already has a subscription to {plan_id}"),
        ));
    }
    Ok(())
}

/// 404 / 1207 until the zone has a subscription record.
pub fn zone_subscription(
    state: &SimState,
    caller: &Caller,
    zone_id: &str,
) -> Result<Value, ApiError> {
    caller.check_zone(state, zone_id)?;
    let index = find_zone_subscription(state, zone_id)?;
    Ok(render(&state.zone_subscriptions[index], state.dialect))
}

/// Creates the record; 400 / 1205 if one exists.
pub fn create_zone_subscription(
    state: &mut SimState,
    caller: &Caller,
    zone_id: &str,
    request: SubscriptionRequest,
) -> Result<Value, ApiError> {
    caller.check_zone(state, zone_id)?;
    if state
        .zone_subscriptions
        .iter()
        .any(|s| s.owner_id == zone_id)
    {
        return Err(ApiError::bad_request(
            codes::SUBSCRIPTION_EXISTS,
            "The zone already has a subscription; change it with PUT",
        ));
    }
    let plan = requested_plan(state, &request, Scope::Zone)?;
    let sub = apply_request(plan, request, None, zone_id, state.now())?;
    let rendered = render(&sub, state.dialect);
    state.zone_subscriptions.push(sub);
    Ok(rendered)
}

/// Changes the record; 404 / 1207 if none.
pub fn update_zone_subscription(
    state: &mut SimState,
    caller: &Caller,
    zone_id: &str,
    request: SubscriptionRequest,
) -> Result<Value, ApiError> {
    caller.check_zone(state, zone_id)?;
    let index = find_zone_subscription(state, zone_id)?;
    let plan = requested_plan(state, &request, Scope::Zone)?;
    let updated = apply_request(
        plan,
        request,
        Some(&state.zone_subscriptions[index]),
        zone_id,
        state.now(),
    )?;
    let rendered = render(&updated, state.dialect);
    state.zone_subscriptions[index] = updated;
    Ok(rendered)
}

/// Every zone plan this tenant can put a zone on, each under the id of the
/// tenant's program: for a partner `PARTNERS_FREE`, `PARTNERS_PRO`,
/// `PARTNERS_BIZ`, `PARTNERS_ENT` (lite and pro plus have self-serve ids
/// only, and are not offered). Each id listed is one the subscription
/// endpoints accept.
pub fn available_rate_plans(
    state: &SimState,
    caller: &Caller,
    zone_id: &str,
) -> Result<Vec<Value>, ApiError> {
    caller.check_zone(state, zone_id)?;
    let program = Program::of(state);
    let plans = CATALOG
        .iter()
        .filter(|plan| plan.scope == Scope::Zone)
        .filter_map(|plan| plan.offered_id(program).map(|id| (id, plan)))
        .map(|(id, plan)| {
            json!({
                "id": id,
                "name": plan.public_name,
                "currency": "USD",
                "duration": 1,
                "frequency": if plan.fixed_price { NOT_APPLICABLE } else { "monthly" },
                "components": plan.components.iter().map(|c| json!({
                    "name": c.name,
                    "default": c.default,
                    "unit_price": money(c.unit_price),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(plans)
}

pub fn account_subscriptions(
    state: &SimState,
    caller: &Caller,
    account_id: &str,
) -> Result<Vec<Value>, ApiError> {
    caller.check_account(state, account_id)?;
    Ok(state
        .account_subscriptions
        .iter()
        .filter(|s| s.owner_id == account_id)
        .map(|s| render(s, state.dialect))
        .collect())
}

pub fn account_subscription(
    state: &SimState,
    caller: &Caller,
    account_id: &str,
    subscription_id: &str,
) -> Result<Value, ApiError> {
    caller.check_account(state, account_id)?;
    let (_, sub) = find_account_subscription(state, account_id, subscription_id)?;
    Ok(render(sub, state.dialect))
}

/// One subscription per plan per account.
pub fn create_account_subscription(
    state: &mut SimState,
    caller: &Caller,
    account_id: &str,
    request: SubscriptionRequest,
) -> Result<Value, ApiError> {
    caller.check_account(state, account_id)?;
    let plan = requested_plan(state, &request, Scope::Account)?;
    let sub = apply_request(plan, request, None, account_id, state.now())?;
    check_plan_unique(state, account_id, &sub.plan_id, None)?;
    let rendered = render(&sub, state.dialect);
    state.account_subscriptions.push(sub);
    Ok(rendered)
}

pub fn update_account_subscription(
    state: &mut SimState,
    caller: &Caller,
    account_id: &str,
    subscription_id: &str,
    request: SubscriptionRequest,
) -> Result<Value, ApiError> {
    caller.check_account(state, account_id)?;
    let (index, previous) = find_account_subscription(state, account_id, subscription_id)?;
    let plan = requested_plan(state, &request, Scope::Account)?;
    let updated = apply_request(plan, request, Some(previous), account_id, state.now())?;
    check_plan_unique(state, account_id, &updated.plan_id, Some(subscription_id))?;
    let rendered = render(&updated, state.dialect);
    state.account_subscriptions[index] = updated;
    Ok(rendered)
}

/// Cancels the zone's subscription at once: the record goes, and the zone
/// is on the free plan (its GET answers 404 / 1207); 404 / 1207 if none.
pub fn delete_zone_subscription(
    state: &mut SimState,
    caller: &Caller,
    zone_id: &str,
) -> Result<Value, ApiError> {
    caller.check_zone(state, zone_id)?;
    let index = find_zone_subscription(state, zone_id)?;
    let removed = state.zone_subscriptions.remove(index);
    Ok(json!({ "subscription_id": removed.id }))
}

pub fn delete_account_subscription(
    state: &mut SimState,
    caller: &Caller,
    account_id: &str,
    subscription_id: &str,
) -> Result<Value, ApiError> {
    caller.check_account(state, account_id)?;
    let (index, _) = find_account_subscription(state, account_id, subscription_id)?;
    state.account_subscriptions.remove(index);
    Ok(json!({ "subscription_id": subscription_id }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_format() {
        assert_eq!(money(20.0), json!(20));
        assert_eq!(money(5.25), json!(5.25));
    }

    #[test]
    fn annual_is_yearly() {
        assert_eq!(Frequency::parse("annual"), Some(Frequency::Yearly));
        assert_eq!(
            Frequency::parse("annual").map(Frequency::as_str),
            Some("yearly")
        );
        assert_eq!(Frequency::parse("Annual"), None);
        assert_eq!(Frequency::parse("annually"), None);
    }

    fn subscription(plan_id: &str, frequency: &str) -> Subscription {
        Subscription {
            id: "0123456789abcdef0123456789abcdef".into(),
            owner_id: "fedcba9876543210fedcba9876543210".into(),
            plan_id: plan_id.into(),
            frequency: frequency.into(),
            components: Vec::new(),
            current_period_start: "2026-01-01T00:00:00Z".into(),
            current_period_end: "2026-02-01T00:00:00Z".into(),
            created_on: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn observed_free_and_contract_zone_plans_read_without_id_period_and_components() {
        let free = render(&subscription("free", NOT_APPLICABLE), Dialect::Observed);
        assert_eq!(
            free,
            json!({
                "currency": "USD", "price": 0, "frequency": "not-applicable", "state": "Paid",
                "rate_plan": {
                    "id": "free", "public_name": "Cloudflare Free Plan", "currency": "USD",
                    "scope": "zone", "externally_managed": false, "is_contract": false,
                },
            })
        );
        let ent = render(
            &subscription("enterprise", NOT_APPLICABLE),
            Dialect::Observed,
        );
        assert_eq!(ent["rate_plan"]["public_name"], json!("Enterprise"));
        assert_eq!(ent["rate_plan"]["is_contract"], json!(true));
        assert!(ent.get("id").is_none() && ent.get("component_values").is_none());
        // Paid plans, contract add-ons and the documented dialect keep the full shape.
        for (plan, dialect) in [
            ("pro", Dialect::Observed),
            ("TEAMS_ENT", Dialect::Observed),
            ("free", Dialect::Documented),
        ] {
            let full = render(&subscription(plan, NOT_APPLICABLE), dialect);
            for key in [
                "id",
                "current_period_start",
                "current_period_end",
                "component_values",
            ] {
                assert!(full.get(key).is_some(), "{plan} {dialect}: {key}");
            }
        }
    }
}
