//! Zone plan subscriptions (reference §6) and account add-on subscriptions
//! (§7.1): pricing and read-back, and the operations, one set for both kinds
//! ([`Owner`], [`Target`]).
//!
//! Read-back quirks reproduced here: a zone subscription's `rate_plan.id` reads back as
//! the normalised lowercase rate plan (`PARTNERS_ENT` → `enterprise`), and free and
//! enterprise rate plans read back `frequency: "not-applicable"` whatever was sent.
//! In the observed dialect, a zone on a free or contract rate plan reads back
//! without `id`, billing period and components (docs/SIMULATOR.md, Dialects).

use super::catalog::{rate_plan_by_id, resolve_rate_plan, Program, RatePlan, Scope, CATALOG};
use super::records::{ComponentValue, Subscription};
use crate::dialect::Dialect;
use crate::errors::{codes, ApiError};
use crate::helpers::{add_months, format_time, random_id};
use crate::store::SimState;
use crate::table::Table;
use serde_json::{json, Value};
use time::OffsetDateTime;

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
/// observed dialect a zone on a free or contract rate plan reads as
/// [`render_observed_fixed`].
pub fn render(sub: &Subscription, dialect: Dialect) -> Value {
    let Some(rate_plan) = rate_plan_by_id(&sub.rate_plan_id) else {
        return json!({ "id": sub.id, "rate_plan": { "id": sub.rate_plan_id } });
    };
    if dialect.is_observed() && rate_plan.scope == Scope::Zone && rate_plan.fixed_price {
        return render_observed_fixed(rate_plan);
    }
    let factor = Frequency::parse(&sub.frequency).map_or(1.0, Frequency::price_factor);
    let mut total = if rate_plan.fixed_price {
        0.0
    } else {
        rate_plan.monthly_price * factor
    };
    // Every component of the rate plan, at its stored quantity or the default.
    let components: Vec<Value> = rate_plan
        .components
        .iter()
        .map(|component| {
            let value = sub
                .components
                .iter()
                .find(|cv| cv.name == component.name)
                .map_or(component.default, |cv| cv.value);
            let price = if rate_plan.fixed_price {
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
            "id": rate_plan.id,
            "public_name": rate_plan.public_name,
            "currency": "USD",
            "scope": rate_plan.scope.as_str(),
            "externally_managed": false,
            "is_contract": rate_plan.is_contract,
            "sets": [],
        },
        "component_values": components,
    })
}

/// A zone subscription on a free or contract rate plan as the live API was
/// recorded answering it (corpus 28, 29): no `id`, no billing period, no
/// `component_values`, the rate plan under its own public name, price 0.
fn render_observed_fixed(rate_plan: &RatePlan) -> Value {
    let public_name = match rate_plan.id {
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
            "id": rate_plan.id,
            "public_name": public_name,
            "currency": "USD",
            "scope": rate_plan.scope.as_str(),
            "externally_managed": false,
            "is_contract": rate_plan.is_contract,
        },
    })
}

/// A validated subscription request body. `None` fields were not sent.
pub struct SubscriptionRequest {
    /// `rate_plan.id` as sent; which ids resolve depends on the tenant
    /// ([`Program`]), so it is resolved with the state.
    pub rate_plan_id: Option<String>,
    /// `Some(None)` = `not-applicable` was sent.
    pub frequency: Option<Option<Frequency>>,
    pub components: Option<Vec<ComponentValue>>,
}

/// Whose subscriptions: a zone's (its rate plan; at most one) or an
/// account's (its add-ons; one per rate plan).
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Zone(&'a str),
    Account(&'a str),
}

impl<'a> Owner<'a> {
    fn id(self) -> &'a str {
        match self {
            Owner::Zone(id) | Owner::Account(id) => id,
        }
    }

    fn scope(self) -> Scope {
        match self {
            Owner::Zone(_) => Scope::Zone,
            Owner::Account(_) => Scope::Account,
        }
    }

    fn table(self, state: &SimState) -> &Table<Subscription> {
        match self {
            Owner::Zone(_) => &state.zone_subscriptions,
            Owner::Account(_) => &state.account_subscriptions,
        }
    }

    fn table_mut(self, state: &mut SimState) -> &mut Table<Subscription> {
        match self {
            Owner::Zone(_) => &mut state.zone_subscriptions,
            Owner::Account(_) => &mut state.account_subscriptions,
        }
    }
}

/// One existing subscription: a zone's, or one of an account's by its id.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Zone(&'a str),
    Account {
        account_id: &'a str,
        subscription_id: &'a str,
    },
}

impl<'a> Target<'a> {
    pub fn owner(self) -> Owner<'a> {
        match self {
            Target::Zone(zone_id) => Owner::Zone(zone_id),
            Target::Account { account_id, .. } => Owner::Account(account_id),
        }
    }

    /// Where the subscription is in its table: 404 / 1207 when the zone has
    /// none, 404 / 1206 when the account has none of that id.
    fn index(self, state: &SimState) -> Result<usize, ApiError> {
        let table = self.owner().table(state);
        match self {
            Target::Zone(zone_id) => table
                .iter()
                .position(|s| s.owner_id == zone_id)
                .ok_or_else(no_zone_subscription),
            Target::Account {
                account_id,
                subscription_id,
            } => table
                .iter()
                .position(|s| s.owner_id == account_id && s.id == subscription_id)
                .ok_or_else(|| {
                    ApiError::not_found(
                        codes::SUBSCRIPTION_NOT_FOUND,
                        format!("Subscription not found: {subscription_id}"),
                    )
                }),
        }
    }
}

/// 404 / 1207, in the words the live API was recorded using (corpus 26).
fn no_zone_subscription() -> ApiError {
    ApiError::not_found(
        codes::NO_ZONE_SUBSCRIPTION,
        "Add a core subscription first and try again. The zone does not have an active core subscription.",
    )
}

/// The legacy id (`free`, `pro`, …) of a zone's rate plan: its
/// subscription's, or `free`.
pub fn zone_rate_plan_legacy_id(state: &SimState, zone_id: &str) -> &'static str {
    state
        .zone_subscriptions
        .of_owner(zone_id)
        .and_then(|s| rate_plan_by_id(&s.rate_plan_id))
        .map(|p| p.id)
        .unwrap_or("free")
}

/// Every component sent must be one of the rate plan's.
fn validate_components(
    rate_plan: &RatePlan,
    components: &[ComponentValue],
) -> Result<(), ApiError> {
    for (i, cv) in components.iter().enumerate() {
        if !rate_plan.components.iter().any(|c| c.name == cv.name) {
            let valid: Vec<&str> = rate_plan.components.iter().map(|c| c.name).collect();
            return Err(ApiError::validation(format!(
                "component_values[{i}].name: '{}' is not a component of rate plan {} (valid: {})",
                cv.name,
                rate_plan.id,
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

/// The rate plan a request asks for, if it names one: 400 / 1204 when the
/// tenant cannot take it in `scope`.
fn requested_rate_plan(
    state: &SimState,
    request: &SubscriptionRequest,
    scope: Scope,
) -> Result<Option<&'static RatePlan>, ApiError> {
    request
        .rate_plan_id
        .as_deref()
        .map(|id| resolve_rate_plan(id, scope, Program::of(&state.tenant)))
        .transpose()
}

/// Builds the stored subscription from a request (its rate plan resolved),
/// on top of `previous` for PUT.
fn apply_request(
    requested: Option<&'static RatePlan>,
    request: SubscriptionRequest,
    previous: Option<&Subscription>,
    owner_id: &str,
    now: OffsetDateTime,
) -> Result<Subscription, ApiError> {
    let previous_rate_plan = previous.and_then(|p| rate_plan_by_id(&p.rate_plan_id));
    let rate_plan = requested
        .or(previous_rate_plan)
        .ok_or_else(|| ApiError::validation("rate_plan: is required"))?;
    let previous_frequency = previous.and_then(|p| Frequency::parse(&p.frequency));
    let frequency = if rate_plan.fixed_price {
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
        // Omitted on PUT: kept while the rate plan stays the same; a new rate
        // plan starts from its defaults.
        (None, Some(p)) if p.rate_plan_id == rate_plan.id => p.components.clone(),
        (None, _) => Vec::new(),
    };
    validate_components(rate_plan, &components)?;
    let frequency_text = frequency
        .map_or(NOT_APPLICABLE, Frequency::as_str)
        .to_string();

    let (start, end) = match previous {
        // Same rate plan and frequency: the billing period carries on.
        Some(p) if p.rate_plan_id == rate_plan.id && p.frequency == frequency_text => {
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
        rate_plan_id: rate_plan.id.to_string(),
        frequency: frequency_text,
        components,
        current_period_start: start,
        current_period_end: end,
        created_on: previous.map_or_else(|| format_time(now), |p| p.created_on.clone()),
    })
}

/// One subscription per rate plan per account: 400 / 1205 when another
/// than `except` has it.
fn require_rate_plan_not_taken(
    state: &SimState,
    account_id: &str,
    rate_plan_id: &str,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let taken = state.account_subscriptions.iter().any(|s| {
        s.owner_id == account_id && s.rate_plan_id == rate_plan_id && Some(s.id.as_str()) != except
    });
    if taken {
        return Err(ApiError::bad_request(
            codes::SUBSCRIPTION_EXISTS,
            format!("The account already has a subscription to {rate_plan_id}"),
        ));
    }
    Ok(())
}

/// Builds the subscription a request asks for, on top of the one at `index`
/// (PUT) or anew (POST), and stores it there.
fn save(
    state: &mut SimState,
    owner: Owner,
    index: Option<usize>,
    request: SubscriptionRequest,
) -> Result<Value, ApiError> {
    let rate_plan = requested_rate_plan(state, &request, owner.scope())?;
    let previous = index.map(|i| &owner.table(state)[i]);
    let sub = apply_request(rate_plan, request, previous, owner.id(), state.clock.now())?;
    if let Owner::Account(account_id) = owner {
        let except = index.map(|_| sub.id.as_str());
        require_rate_plan_not_taken(state, account_id, &sub.rate_plan_id, except)?;
    }
    let rendered = render(&sub, state.dialect);
    let table = owner.table_mut(state);
    match index {
        Some(i) => table[i] = sub,
        None => table.push(sub),
    }
    Ok(rendered)
}

/// A zone's subscription (404 / 1207 until it has one), or one of an
/// account's.
pub fn get(state: &SimState, target: Target) -> Result<Value, ApiError> {
    let index = target.index(state)?;
    Ok(render(&target.owner().table(state)[index], state.dialect))
}

/// Every add-on of the account.
pub fn list_of_account(state: &SimState, account_id: &str) -> Vec<Value> {
    state
        .account_subscriptions
        .iter()
        .filter(|s| s.owner_id == account_id)
        .map(|s| render(s, state.dialect))
        .collect()
}

/// A zone's subscription (400 / 1205 if it has one), or an account's add-on
/// (400 / 1205 if it has one of that rate plan).
pub fn create(
    state: &mut SimState,
    owner: Owner,
    request: SubscriptionRequest,
) -> Result<Value, ApiError> {
    if let Owner::Zone(zone_id) = owner {
        if state.zone_subscriptions.of_owner(zone_id).is_some() {
            return Err(ApiError::bad_request(
                codes::SUBSCRIPTION_EXISTS,
                "The zone already has a subscription; change it with PUT",
            ));
        }
    }
    save(state, owner, None, request)
}

/// Changes the subscription; what the request leaves out stays as it is.
pub fn update(
    state: &mut SimState,
    target: Target,
    request: SubscriptionRequest,
) -> Result<Value, ApiError> {
    let index = target.index(state)?;
    save(state, target.owner(), Some(index), request)
}

/// Cancels the subscription at once: the record goes (a zone is then on the
/// free rate plan, and its GET answers 404 / 1207).
pub fn delete(state: &mut SimState, target: Target) -> Result<Value, ApiError> {
    let index = target.index(state)?;
    let removed = target.owner().table_mut(state).remove(index);
    Ok(json!({ "subscription_id": removed.id }))
}

/// Removes the zone's subscription (the zone is being deleted).
pub fn delete_all_of_zone(state: &mut SimState, zone_id: &str) {
    state
        .zone_subscriptions
        .remove_where(|s| s.owner_id == zone_id);
}

/// Removes every add-on of the account (the account is being deleted).
pub fn delete_all_of_account(state: &mut SimState, account_id: &str) {
    state
        .account_subscriptions
        .remove_where(|s| s.owner_id == account_id);
}

/// Every zone rate plan this tenant can put a zone on, each under the id of
/// the tenant's program: for a partner `PARTNERS_FREE`, `PARTNERS_PRO`,
/// `PARTNERS_BIZ`, `PARTNERS_ENT` (lite and pro plus have self-serve ids
/// only, and are not offered). Each id listed is one the subscription
/// endpoints accept.
pub fn available_rate_plans(state: &SimState) -> Vec<Value> {
    let program = Program::of(&state.tenant);
    CATALOG
        .iter()
        .filter(|rate_plan| rate_plan.scope == Scope::Zone)
        .filter_map(|rate_plan| rate_plan.offered_id(program).map(|id| (id, rate_plan)))
        .map(|(id, rate_plan)| {
            json!({
                "id": id,
                "name": rate_plan.public_name,
                "currency": "USD",
                "duration": 1,
                // Free plans too, as the definition's enum and a recorded
                // answer (ninech/cloudflair's fixture) have it.
                "frequency": "monthly",
                "components": rate_plan.components.iter().map(|c| json!({
                    "name": c.name,
                    "default": c.default,
                    "unit_price": money(c.unit_price),
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
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
            rate_plan_id: plan_id.into(),
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
