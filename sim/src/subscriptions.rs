//! Zone plan subscriptions (reference §6), account add-on subscriptions (§7.1) and the
//! rate-plan catalog (§8).
//!
//! Read-back quirks reproduced here: a zone subscription's `rate_plan.id` reads back as
//! the normalised lowercase plan (`PARTNERS_ENT` → `enterprise`), and free and
//! enterprise plans read back `frequency: "not-applicable"` whatever was sent.

use axum::extract::{Path, State};
use axum::Extension;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::auth::Caller;
use super::envelope::{codes, ok, ok_list, ApiError, ApiResult};
use super::input::{opt_array, opt_object, opt_str, type_name, JsonObject};
use super::store::{add_months, format_time, random_id, ComponentValue, SimState, Subscription};
use super::App;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Zone,
    Account,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Zone => "zone",
            Scope::Account => "account",
        }
    }
}

/// A purchasable quantity of a plan, priced per unit above the included `default`.
#[derive(Debug)]
pub struct Component {
    pub name: &'static str,
    pub default: u64,
    pub unit_price: f64,
}

/// One catalog entry.
#[derive(Debug)]
pub struct RatePlan {
    /// The id a subscription reads back (lowercase for zone plans, the uppercase catalog
    /// id for account plans).
    pub id: &'static str,
    pub public_name: &'static str,
    pub scope: Scope,
    /// Monthly list price in USD before components.
    pub monthly_price: f64,
    /// Free and contract plans: price 0 and frequency `not-applicable`.
    pub fixed_price: bool,
    pub is_contract: bool,
    /// Request ids (compared case-insensitively) that resolve to this plan.
    pub aliases: &'static [&'static str],
    pub components: &'static [Component],
}

const fn zone_components(page_rules: u64) -> [Component; 4] {
    [
        Component {
            name: "page_rules",
            default: page_rules,
            unit_price: 1.0,
        },
        Component {
            name: "zones",
            default: 1,
            unit_price: 0.0,
        },
        Component {
            name: "dedicated_certificates",
            default: 0,
            unit_price: 10.0,
        },
        Component {
            name: "dedicated_certificates_custom",
            default: 0,
            unit_price: 10.0,
        },
    ]
}

const FREE_COMPONENTS: [Component; 4] = zone_components(3);
const PRO_COMPONENTS: [Component; 4] = zone_components(20);
const BUSINESS_COMPONENTS: [Component; 4] = zone_components(50);
const ENTERPRISE_COMPONENTS: [Component; 4] = zone_components(125);
const SEATS: [Component; 1] = [Component {
    name: "users",
    default: 50,
    unit_price: 7.0,
}];
const LB_ENDPOINTS: [Component; 2] = [
    Component {
        name: "endpoints",
        default: 2,
        unit_price: 5.0,
    },
    Component {
        name: "regions",
        default: 0,
        unit_price: 10.0,
    },
];

const fn zone_plan(
    id: &'static str,
    public_name: &'static str,
    monthly_price: f64,
    fixed_price: bool,
    aliases: &'static [&'static str],
    components: &'static [Component],
) -> RatePlan {
    RatePlan {
        id,
        public_name,
        scope: Scope::Zone,
        monthly_price,
        fixed_price,
        is_contract: false,
        aliases,
        components,
    }
}

/// Account plans are addressed by their own (uppercase) id; contract (`*_ENT…`) plans
/// are fixed-price.
const fn account_plan(
    id: &'static str,
    public_name: &'static str,
    monthly_price: f64,
    contract: bool,
    components: &'static [Component],
) -> RatePlan {
    RatePlan {
        id,
        public_name,
        scope: Scope::Account,
        monthly_price,
        fixed_price: contract,
        is_contract: contract,
        aliases: &[],
        components,
    }
}

pub const CATALOG: &[RatePlan] = &[
    zone_plan(
        "free",
        "Free Plan",
        0.0,
        true,
        &["PARTNERS_FREE", "CF_FREE", "FREE"],
        &FREE_COMPONENTS,
    ),
    zone_plan(
        "lite",
        "Lite Plan",
        5.0,
        false,
        &["CF_LITE", "LITE"],
        &FREE_COMPONENTS,
    ),
    zone_plan(
        "pro",
        "Pro Plan",
        20.0,
        false,
        &["PARTNERS_PRO", "CF_PRO", "CF_PRO_20_20", "PRO"],
        &PRO_COMPONENTS,
    ),
    zone_plan(
        "pro_plus",
        "Pro Plus Plan",
        25.0,
        false,
        &["CF_PRO_PLUS", "PRO_PLUS"],
        &PRO_COMPONENTS,
    ),
    zone_plan(
        "business",
        "Business Plan",
        200.0,
        false,
        &[
            "PARTNERS_BIZ",
            "PARTNERS_BUSINESS",
            "CF_BIZ",
            "BUSINESS",
            "MSP_BIZ",
        ],
        &BUSINESS_COMPONENTS,
    ),
    RatePlan {
        is_contract: true,
        ..zone_plan(
            "enterprise",
            "Enterprise Plan",
            0.0,
            true,
            &[
                "PARTNERS_ENT",
                "PARTNERS_ENTERPRISE",
                "CF_ENT",
                "ENTERPRISE",
            ],
            &ENTERPRISE_COMPONENTS,
        )
    },
    account_plan("PARTNERS_ACCESS_BASIC", "Access Basic", 3.0, false, &SEATS),
    account_plan(
        "PARTNERS_ACCESS_ENT",
        "Access Enterprise",
        0.0,
        true,
        &SEATS,
    ),
    account_plan(
        "PARTNERS_ACCESS_PREMIUM",
        "Access Premium",
        7.0,
        false,
        &SEATS,
    ),
    account_plan("TEAMS_ACCESS_ENT", "Access Enterprise", 0.0, true, &SEATS),
    account_plan("TEAMS_ACCESS", "Access", 3.0, false, &SEATS),
    account_plan("TEAMS_GATEWAY_ENT", "Gateway Enterprise", 0.0, true, &SEATS),
    account_plan("TEAMS_GATEWAY", "Gateway", 7.0, false, &SEATS),
    account_plan("TEAMS_ENT", "Zero Trust Enterprise", 0.0, true, &SEATS),
    account_plan("TEAMS_FREE", "Zero Trust Free", 0.0, false, &SEATS),
    account_plan("TEAMS_STANDARD", "Zero Trust Standard", 7.0, false, &SEATS),
    account_plan("IMAGES_ENT", "Images Enterprise", 0.0, true, &[]),
    account_plan("IMAGES_BASIC", "Images Basic", 5.0, false, &[]),
    account_plan(
        "IMAGE_RESIZING_ENT",
        "Image Resizing Enterprise",
        0.0,
        true,
        &[],
    ),
    account_plan(
        "IMAGE_RESIZING_BASIC",
        "Image Resizing Basic",
        9.0,
        false,
        &[],
    ),
    account_plan("PARTNERS_STREAM_ENT", "Stream Enterprise", 0.0, true, &[]),
    account_plan("PARTNERS_STREAM_BASIC", "Stream Basic", 5.0, false, &[]),
    account_plan("STREAM_BASIC", "Stream Basic", 5.0, false, &[]),
    account_plan("PARTNERS_WORKERS_ENT", "Workers Enterprise", 0.0, true, &[]),
    account_plan("WORKERS_PAID", "Workers Paid", 5.0, false, &[]),
    account_plan("PARTNERS_WORKERS_SS", "Workers Self-Serve", 5.0, false, &[]),
    account_plan("PARTNERS_WORKERS_BASIC", "Workers Basic", 5.0, false, &[]),
    account_plan("API_SHIELD_ZONE", "API Shield", 0.0, true, &[]),
    account_plan(
        "ADVANCED_CERT_MANAGER_FREE",
        "Advanced Certificate Manager Free",
        0.0,
        false,
        &[],
    ),
    account_plan(
        "ADVANCED_CERT_MANAGER",
        "Advanced Certificate Manager",
        10.0,
        false,
        &[],
    ),
    account_plan("PARTNERS_ZONE_ARGO", "Argo Smart Routing", 5.0, false, &[]),
    account_plan(
        "ARGO_ZONE_BASIC",
        "Argo Smart Routing Basic",
        5.0,
        false,
        &[],
    ),
    account_plan(
        "WEB3_ETHEREUM_ENT",
        "Web3 Ethereum Gateway Enterprise",
        0.0,
        true,
        &[],
    ),
    account_plan(
        "WEB3_ETHEREUM_ENT_CONTRACT",
        "Web3 Ethereum Gateway Contract",
        0.0,
        true,
        &[],
    ),
    account_plan(
        "WEB3_ETHEREUM_ENT_PAYGO",
        "Web3 Ethereum Gateway Pay-as-you-go",
        0.0,
        false,
        &[],
    ),
    account_plan(
        "WEB3_IPFS_ENT",
        "Web3 IPFS Gateway Enterprise",
        0.0,
        true,
        &[],
    ),
    account_plan(
        "WEB3_IPFS_ENT_CONTRACT",
        "Web3 IPFS Gateway Contract",
        0.0,
        true,
        &[],
    ),
    account_plan(
        "WEB3_IPFS_ENT_PAYGO",
        "Web3 IPFS Gateway Pay-as-you-go",
        0.0,
        false,
        &[],
    ),
    account_plan(
        "PARTNERS_LOAD_BALANCING",
        "Load Balancing",
        5.0,
        false,
        &LB_ENDPOINTS,
    ),
    account_plan(
        "PARTNERS_LOAD_BALANCING_ENT",
        "Load Balancing Enterprise",
        0.0,
        true,
        &LB_ENDPOINTS,
    ),
    account_plan(
        "LOAD_BALANCING_BASIC_PLUS",
        "Load Balancing Basic Plus",
        10.0,
        false,
        &LB_ENDPOINTS,
    ),
    account_plan("PARTNERS_RATE_LIMITING", "Rate Limiting", 5.0, false, &[]),
    account_plan("PARTNERS_SPECTRUM", "Spectrum", 1.0, false, &[]),
    account_plan(
        "WAITING_ROOMS_BASIC",
        "Waiting Room Basic",
        50.0,
        false,
        &[],
    ),
    account_plan(
        "WAITING_ROOMS_ADV",
        "Waiting Room Advanced",
        100.0,
        false,
        &[],
    ),
    account_plan(
        "MAGIC_FIREWALL_BASIC",
        "Magic Firewall Basic",
        0.0,
        true,
        &[],
    ),
    account_plan(
        "MAGIC_FIREWALL_ADVANCED",
        "Magic Firewall Advanced",
        0.0,
        true,
        &[],
    ),
    account_plan("MAGIC_WAN", "Magic WAN", 0.0, true, &[]),
];

/// The catalog entry with read-back id `id`.
pub fn plan_by_id(id: &str) -> Option<&'static RatePlan> {
    CATALOG.iter().find(|p| p.id == id)
}

/// Resolves a requested rate plan id (case-insensitive) within `scope`; 400 / 1204 otherwise.
pub fn resolve_plan(requested: &str, scope: Scope) -> Result<&'static RatePlan, ApiError> {
    let wanted = requested.trim().to_ascii_uppercase();
    CATALOG
        .iter()
        .filter(|p| p.scope == scope)
        .find(|p| p.id.eq_ignore_ascii_case(&wanted) || p.aliases.contains(&wanted.as_str()))
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::UNKNOWN_RATE_PLAN,
                format!("failed to resolve provided rate plan: '{requested}'"),
            )
        })
}

/// The legacy plan id (`free`, `pro`, …) of a zone: its subscription's plan, or `free`.
pub fn zone_plan_legacy_id(state: &SimState, zone_id: &str) -> &'static str {
    state
        .zone_subscriptions
        .iter()
        .find(|s| s.owner_id == zone_id)
        .and_then(|s| plan_by_id(&s.plan_id))
        .map(|p| p.id)
        .unwrap_or("free")
}

/// Billing frequencies with their price factor (relative to monthly) and period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frequency {
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl Frequency {
    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "weekly" => Some(Self::Weekly),
            "monthly" => Some(Self::Monthly),
            "quarterly" => Some(Self::Quarterly),
            "yearly" => Some(Self::Yearly),
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

const NOT_APPLICABLE: &str = "not-applicable";

/// Largest accepted component quantity.
const MAX_COMPONENT_VALUE: u64 = 1_000_000;

/// A money amount as JSON: an integer when whole (`20`, like the API), else two decimals.
fn money(amount: f64) -> Value {
    let cents = (amount * 100.0).round();
    if cents % 100.0 == 0.0 && cents.abs() < 9.0e15 {
        json!((cents / 100.0) as i64)
    } else {
        json!(cents / 100.0)
    }
}

/// The subscription object of §6.2 (with `component_values`).
pub fn render(sub: &Subscription) -> Value {
    let Some(plan) = plan_by_id(&sub.plan_id) else {
        return json!({ "id": sub.id, "rate_plan": { "id": sub.plan_id } });
    };
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

/// A validated subscription request body. `None` fields were not sent.
struct SubscriptionRequest {
    plan: Option<&'static RatePlan>,
    /// `Some(None)` = `not-applicable` was sent.
    frequency: Option<Option<Frequency>>,
    components: Option<Vec<ComponentValue>>,
}

fn parse_request(
    body: &Map<String, Value>,
    scope: Scope,
    plan_required: bool,
) -> Result<SubscriptionRequest, ApiError> {
    let plan = match opt_object(body, "rate_plan")? {
        Some(rate_plan) => match rate_plan.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => Some(resolve_plan(id, scope)?),
            _ => {
                return Err(ApiError::validation(
                    "rate_plan.id: is required and must be a string",
                ))
            }
        },
        None if plan_required => {
            return Err(ApiError::validation(
                "rate_plan: is required (e.g. {\"id\": \"PARTNERS_PRO\"})",
            ))
        }
        None => None,
    };
    let frequency = match opt_str(body, "frequency")? {
        None => None,
        Some(NOT_APPLICABLE) => Some(None),
        Some(raw) => Some(Some(Frequency::parse(raw).ok_or_else(|| {
            ApiError::validation(format!(
                "frequency: '{raw}' is not one of weekly, monthly, quarterly, yearly"
            ))
        })?)),
    };
    let components = match opt_array(body, "component_values")? {
        None => None,
        Some(items) => {
            let mut parsed: Vec<ComponentValue> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let Value::Object(obj) = item else {
                    return Err(ApiError::validation(format!(
                        "component_values[{i}]: expected an object {{\"name\", \"value\"}}, got {}",
                        type_name(item)
                    )));
                };
                let name = match obj.get("name") {
                    Some(Value::String(n)) if !n.is_empty() => n.clone(),
                    _ => {
                        return Err(ApiError::validation(format!(
                            "component_values[{i}].name: is required"
                        )))
                    }
                };
                let value = obj
                    .get("value")
                    .and_then(Value::as_u64)
                    .filter(|v| *v <= MAX_COMPONENT_VALUE)
                    .ok_or_else(|| {
                        ApiError::validation(format!(
                            "component_values[{i}].value: must be an integer between 0 and {MAX_COMPONENT_VALUE}"
                        ))
                    })?;
                if parsed.iter().any(|c| c.name == name) {
                    return Err(ApiError::validation(format!(
                        "component_values[{i}].name: '{name}' is listed twice"
                    )));
                }
                parsed.push(ComponentValue { name, value });
            }
            Some(parsed)
        }
    };
    Ok(SubscriptionRequest {
        plan,
        frequency,
        components,
    })
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

/// Builds the stored subscription from a request, on top of `previous` for PUT.
fn apply_request(
    request: SubscriptionRequest,
    previous: Option<&Subscription>,
    owner_id: &str,
    now: OffsetDateTime,
) -> Result<Subscription, ApiError> {
    let previous_plan = previous.and_then(|p| plan_by_id(&p.plan_id));
    let plan = request
        .plan
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

fn no_zone_subscription() -> ApiError {
    ApiError::not_found(
        codes::NO_ZONE_SUBSCRIPTION,
        "The zone has no active subscription",
    )
}

/// `GET /zones/{zone_id}/subscription` — 404 / 1207 until one is created.
pub async fn get_zone(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(zone_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_zone(&state, &zone_id)?;
    let sub = state
        .zone_subscriptions
        .iter()
        .find(|s| s.owner_id == zone_id)
        .ok_or_else(no_zone_subscription)?;
    Ok(ok(render(sub)))
}

/// `POST /zones/{zone_id}/subscription` — creates the record; 400 / 1205 if one exists.
pub async fn create_zone(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(zone_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, Scope::Zone, true)?;
    let mut state = app.state.lock().await;
    caller.check_zone(&state, &zone_id)?;
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
    let sub = apply_request(request, None, &zone_id, state.now())?;
    let rendered = render(&sub);
    state.zone_subscriptions.push(sub);
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `PUT /zones/{zone_id}/subscription` — changes the record; 404 / 1207 if none.
pub async fn update_zone(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(zone_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, Scope::Zone, false)?;
    let mut state = app.state.lock().await;
    caller.check_zone(&state, &zone_id)?;
    let index = state
        .zone_subscriptions
        .iter()
        .position(|s| s.owner_id == zone_id)
        .ok_or_else(no_zone_subscription)?;
    let updated = apply_request(
        request,
        Some(&state.zone_subscriptions[index]),
        &zone_id,
        state.now(),
    )?;
    let rendered = render(&updated);
    state.zone_subscriptions[index] = updated;
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `GET /zones/{zone_id}/available_rate_plans` — every zone plan a subscription can be
/// put on, each under its first request id (`PARTNERS_FREE`, `CF_LITE`, `PARTNERS_PRO`,
/// `CF_PRO_PLUS`, `PARTNERS_BIZ`, `PARTNERS_ENT`): what the subscription endpoints accept.
pub async fn available_rate_plans(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(zone_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_zone(&state, &zone_id)?;
    let plans = CATALOG
        .iter()
        .filter(|plan| plan.scope == Scope::Zone)
        .map(|plan| (plan.aliases.first().copied().unwrap_or(plan.id), plan))
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
    Ok(ok_list(plans))
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

/// `GET /accounts/{account_id}/subscriptions` — single page.
pub async fn list_account(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let subs = state
        .account_subscriptions
        .iter()
        .filter(|s| s.owner_id == account_id)
        .map(render)
        .collect();
    Ok(ok_list(subs))
}

/// `GET /accounts/{account_id}/subscriptions/{subscription_id}`
pub async fn get_account(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((account_id, subscription_id)): Path<(String, String)>,
) -> ApiResult {
    let state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let (_, sub) = find_account_subscription(&state, &account_id, &subscription_id)?;
    Ok(ok(render(sub)))
}

/// `POST /accounts/{account_id}/subscriptions` — one subscription per plan per account.
pub async fn create_account(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path(account_id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, Scope::Account, true)?;
    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let sub = apply_request(request, None, &account_id, state.now())?;
    check_plan_unique(&state, &account_id, &sub.plan_id, None)?;
    let rendered = render(&sub);
    state.account_subscriptions.push(sub);
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `PUT /accounts/{account_id}/subscriptions/{subscription_id}`
pub async fn update_account(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((account_id, subscription_id)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult {
    let request = parse_request(&body, Scope::Account, false)?;
    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let (index, previous) = find_account_subscription(&state, &account_id, &subscription_id)?;
    let updated = apply_request(request, Some(previous), &account_id, state.now())?;
    check_plan_unique(
        &state,
        &account_id,
        &updated.plan_id,
        Some(&subscription_id),
    )?;
    let rendered = render(&updated);
    state.account_subscriptions[index] = updated;
    app.commit(&state)?;
    Ok(ok(rendered))
}

/// `DELETE /accounts/{account_id}/subscriptions/{subscription_id}` → `{subscription_id}`.
pub async fn delete_account(
    State(app): State<App>,
    Extension(caller): Extension<Caller>,
    Path((account_id, subscription_id)): Path<(String, String)>,
    body: axum::body::Body,
) -> ApiResult {
    super::input::discard_body(body).await;
    let mut state = app.state.lock().await;
    caller.check_account(&state, &account_id)?;
    let (index, _) = find_account_subscription(&state, &account_id, &subscription_id)?;
    state.account_subscriptions.remove(index);
    app.commit(&state)?;
    Ok(ok(json!({ "subscription_id": subscription_id })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_is_case_insensitive_and_normalising() {
        assert_eq!(
            resolve_plan("PARTNERS_ENT", Scope::Zone).unwrap().id,
            "enterprise"
        );
        assert_eq!(
            resolve_plan("partners_ent", Scope::Zone).unwrap().id,
            "enterprise"
        );
        assert_eq!(
            resolve_plan("partners_business", Scope::Zone).unwrap().id,
            "business"
        );
        assert_eq!(resolve_plan("cf_pro_20_20", Scope::Zone).unwrap().id, "pro");
        assert_eq!(
            resolve_plan("teams_ent", Scope::Account).unwrap().id,
            "TEAMS_ENT"
        );
        assert!(resolve_plan("TEAMS_ENT", Scope::Zone).is_err());
        assert!(resolve_plan("PARTNERS_BIZ", Scope::Account).is_err());
    }

    #[test]
    fn money_format() {
        assert_eq!(money(20.0), json!(20));
        assert_eq!(money(5.25), json!(5.25));
    }
}
