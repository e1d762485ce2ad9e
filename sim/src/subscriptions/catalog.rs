//! The rate-plan catalog (reference §8): the zone plans and account add-ons a
//! subscription resolves to, their request ids, prices and components.

use crate::errors::{codes, ApiError};
use crate::store::SimState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Zone,
    Account,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
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
}
