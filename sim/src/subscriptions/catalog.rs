//! The rate-plan catalog (reference §8): the zone plans and account add-ons a
//! subscription resolves to, their request ids, prices and components.
//!
//! A zone plan has ids in two programs. `PARTNERS_*` ids belong to the
//! partner programs a Tenant partner sells through; `CF_*` ids belong to
//! Cloudflare's self-serve program. They are different programs, not
//! spellings of one plan: the live API refused `CF_PRO` to a partner with
//! 1204 (docs/SIMULATOR.md, Dialects, row 11). So which ids resolve depends
//! on the tenant's [`Program`]: a partner may use the `PARTNERS_*` ids and
//! the bare ids a plan reads back as (`free`, `pro`, …), but neither a
//! `CF_*` id nor a plan that has no `PARTNERS_*` id (lite, pro plus). The
//! simulated tenant is always a partner. Account add-ons have one id each,
//! which any tenant may use.

use crate::errors::{codes, ApiError};
use crate::tenants::records::Tenant;

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
    /// Request ids (compared case-insensitively) that resolve to this plan:
    /// its partner-program (`PARTNERS_*`) and self-serve (`CF_*`) ids, and
    /// other spellings. Which of them a tenant may use: [`resolve_rate_plan`].
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

const fn zone_rate_plan(
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

/// Account rate plans are addressed by their own (uppercase) id; contract
/// (`*_ENT…`) rate plans are fixed-price.
const fn account_rate_plan(
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
    zone_rate_plan(
        "free",
        "Free Plan",
        0.0,
        true,
        &["PARTNERS_FREE", "CF_FREE", "FREE"],
        &FREE_COMPONENTS,
    ),
    zone_rate_plan(
        "lite",
        "Lite Plan",
        5.0,
        false,
        &["CF_LITE", "LITE"],
        &FREE_COMPONENTS,
    ),
    zone_rate_plan(
        "pro",
        "Pro Plan",
        20.0,
        false,
        &["PARTNERS_PRO", "CF_PRO", "CF_PRO_20_20", "PRO"],
        &PRO_COMPONENTS,
    ),
    zone_rate_plan(
        "pro_plus",
        "Pro Plus Plan",
        25.0,
        false,
        &["CF_PRO_PLUS", "PRO_PLUS"],
        &PRO_COMPONENTS,
    ),
    zone_rate_plan(
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
        ..zone_rate_plan(
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
    account_rate_plan("PARTNERS_ACCESS_BASIC", "Access Basic", 3.0, false, &SEATS),
    account_rate_plan(
        "PARTNERS_ACCESS_ENT",
        "Access Enterprise",
        0.0,
        true,
        &SEATS,
    ),
    account_rate_plan(
        "PARTNERS_ACCESS_PREMIUM",
        "Access Premium",
        7.0,
        false,
        &SEATS,
    ),
    account_rate_plan("TEAMS_ACCESS_ENT", "Access Enterprise", 0.0, true, &SEATS),
    account_rate_plan("TEAMS_ACCESS", "Access", 3.0, false, &SEATS),
    account_rate_plan("TEAMS_GATEWAY_ENT", "Gateway Enterprise", 0.0, true, &SEATS),
    account_rate_plan("TEAMS_GATEWAY", "Gateway", 7.0, false, &SEATS),
    account_rate_plan("TEAMS_ENT", "Zero Trust Enterprise", 0.0, true, &SEATS),
    account_rate_plan("TEAMS_FREE", "Zero Trust Free", 0.0, false, &SEATS),
    account_rate_plan("TEAMS_STANDARD", "Zero Trust Standard", 7.0, false, &SEATS),
    account_rate_plan("IMAGES_ENT", "Images Enterprise", 0.0, true, &[]),
    account_rate_plan("IMAGES_BASIC", "Images Basic", 5.0, false, &[]),
    account_rate_plan(
        "IMAGE_RESIZING_ENT",
        "Image Resizing Enterprise",
        0.0,
        true,
        &[],
    ),
    account_rate_plan(
        "IMAGE_RESIZING_BASIC",
        "Image Resizing Basic",
        9.0,
        false,
        &[],
    ),
    account_rate_plan("PARTNERS_STREAM_ENT", "Stream Enterprise", 0.0, true, &[]),
    account_rate_plan("PARTNERS_STREAM_BASIC", "Stream Basic", 5.0, false, &[]),
    account_rate_plan("STREAM_BASIC", "Stream Basic", 5.0, false, &[]),
    account_rate_plan("PARTNERS_WORKERS_ENT", "Workers Enterprise", 0.0, true, &[]),
    account_rate_plan("WORKERS_PAID", "Workers Paid", 5.0, false, &[]),
    account_rate_plan("PARTNERS_WORKERS_SS", "Workers Self-Serve", 5.0, false, &[]),
    account_rate_plan("PARTNERS_WORKERS_BASIC", "Workers Basic", 5.0, false, &[]),
    account_rate_plan("API_SHIELD_ZONE", "API Shield", 0.0, true, &[]),
    account_rate_plan(
        "ADVANCED_CERT_MANAGER_FREE",
        "Advanced Certificate Manager Free",
        0.0,
        false,
        &[],
    ),
    account_rate_plan(
        "ADVANCED_CERT_MANAGER",
        "Advanced Certificate Manager",
        10.0,
        false,
        &[],
    ),
    account_rate_plan("PARTNERS_ZONE_ARGO", "Argo Smart Routing", 5.0, false, &[]),
    account_rate_plan(
        "ARGO_ZONE_BASIC",
        "Argo Smart Routing Basic",
        5.0,
        false,
        &[],
    ),
    account_rate_plan(
        "WEB3_ETHEREUM_ENT",
        "Web3 Ethereum Gateway Enterprise",
        0.0,
        true,
        &[],
    ),
    account_rate_plan(
        "WEB3_ETHEREUM_ENT_CONTRACT",
        "Web3 Ethereum Gateway Contract",
        0.0,
        true,
        &[],
    ),
    account_rate_plan(
        "WEB3_ETHEREUM_ENT_PAYGO",
        "Web3 Ethereum Gateway Pay-as-you-go",
        0.0,
        false,
        &[],
    ),
    account_rate_plan(
        "WEB3_IPFS_ENT",
        "Web3 IPFS Gateway Enterprise",
        0.0,
        true,
        &[],
    ),
    account_rate_plan(
        "WEB3_IPFS_ENT_CONTRACT",
        "Web3 IPFS Gateway Contract",
        0.0,
        true,
        &[],
    ),
    account_rate_plan(
        "WEB3_IPFS_ENT_PAYGO",
        "Web3 IPFS Gateway Pay-as-you-go",
        0.0,
        false,
        &[],
    ),
    account_rate_plan(
        "PARTNERS_LOAD_BALANCING",
        "Load Balancing",
        5.0,
        false,
        &LB_ENDPOINTS,
    ),
    account_rate_plan(
        "PARTNERS_LOAD_BALANCING_ENT",
        "Load Balancing Enterprise",
        0.0,
        true,
        &LB_ENDPOINTS,
    ),
    account_rate_plan(
        "LOAD_BALANCING_BASIC_PLUS",
        "Load Balancing Basic Plus",
        10.0,
        false,
        &LB_ENDPOINTS,
    ),
    account_rate_plan("PARTNERS_RATE_LIMITING", "Rate Limiting", 5.0, false, &[]),
    account_rate_plan("PARTNERS_SPECTRUM", "Spectrum", 1.0, false, &[]),
    account_rate_plan(
        "WAITING_ROOMS_BASIC",
        "Waiting Room Basic",
        50.0,
        false,
        &[],
    ),
    account_rate_plan(
        "WAITING_ROOMS_ADV",
        "Waiting Room Advanced",
        100.0,
        false,
        &[],
    ),
    account_rate_plan(
        "MAGIC_FIREWALL_BASIC",
        "Magic Firewall Basic",
        0.0,
        true,
        &[],
    ),
    account_rate_plan(
        "MAGIC_FIREWALL_ADVANCED",
        "Magic Firewall Advanced",
        0.0,
        true,
        &[],
    ),
    account_rate_plan("MAGIC_WAN", "Magic WAN", 0.0, true, &[]),
];

impl RatePlan {
    /// The plan's id in the partner programs (`PARTNERS_*`), if it has one.
    pub fn partner_id(&self) -> Option<&'static str> {
        self.aliases
            .iter()
            .copied()
            .find(|a| a.starts_with(PARTNER_PREFIX))
    }

    /// The plan's id in the self-serve program (`CF_*`), if it has one.
    pub fn self_serve_id(&self) -> Option<&'static str> {
        self.aliases
            .iter()
            .copied()
            .find(|a| a.starts_with(SELF_SERVE_PREFIX))
    }

    /// The id a tenant of `program` finds this plan under among the plans it
    /// may take (`GET /zones/{id}/available_rate_plans`); `None` when it may
    /// not take it. Account add-ons go by their own id.
    pub fn offered_id(&self, program: Program) -> Option<&'static str> {
        match (self.scope, program) {
            (Scope::Account, _) => Some(self.id),
            (Scope::Zone, Program::Partner) => self.partner_id(),
            (Scope::Zone, Program::SelfServe) => self.self_serve_id(),
        }
    }
}

const PARTNER_PREFIX: &str = "PARTNERS_";
const SELF_SERVE_PREFIX: &str = "CF_";

/// The program a tenant subscribes zones through, which decides the rate
/// plan ids it may use (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// A Tenant partner (`tenant_type` `PARTNER`): `PARTNERS_*` ids.
    Partner,
    /// Any other tenant: Cloudflare's self-serve ids (`CF_*`).
    SelfServe,
}

impl Program {
    /// The program of a tenant, from its `tenant_type`.
    pub fn of(tenant: &Tenant) -> Program {
        if tenant.tenant_type.eq_ignore_ascii_case("PARTNER") {
            Program::Partner
        } else {
            Program::SelfServe
        }
    }
}

/// The catalog entry with read-back id `id`.
pub fn rate_plan_by_id(id: &str) -> Option<&'static RatePlan> {
    CATALOG.iter().find(|p| p.id == id)
}

/// Resolves a requested rate plan id (case-insensitive) within `scope`, for
/// a tenant of `program`; 400 / 1204 otherwise. A zone plan resolves only
/// when the tenant's program offers it, and not under the other program's
/// ids: for a partner, `CF_PRO` is refused while `PARTNERS_PRO` and `pro`
/// resolve.
pub fn resolve_rate_plan(
    requested: &str,
    scope: Scope,
    program: Program,
) -> Result<&'static RatePlan, ApiError> {
    let wanted = requested.trim().to_ascii_uppercase();
    let other_program = match program {
        Program::Partner => SELF_SERVE_PREFIX,
        Program::SelfServe => PARTNER_PREFIX,
    };
    CATALOG
        .iter()
        .filter(|p| p.scope == scope)
        .filter(|p| p.offered_id(program).is_some())
        .filter(|_| scope == Scope::Account || !wanted.starts_with(other_program))
        .find(|p| p.id.eq_ignore_ascii_case(&wanted) || p.aliases.contains(&wanted.as_str()))
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::UNKNOWN_RATE_PLAN,
                format!("failed to resolve provided rate plan: '{requested}'"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(id: &str, scope: Scope) -> Result<&'static str, u32> {
        resolve_rate_plan(id, scope, Program::Partner)
            .map(|p| p.id)
            .map_err(|e| e.code)
    }

    #[test]
    fn resolution_is_case_insensitive_and_normalising() {
        assert_eq!(partner("PARTNERS_ENT", Scope::Zone), Ok("enterprise"));
        assert_eq!(partner("partners_ent", Scope::Zone), Ok("enterprise"));
        assert_eq!(partner("partners_business", Scope::Zone), Ok("business"));
        assert_eq!(partner("PARTNERS_FREE", Scope::Zone), Ok("free"));
        assert_eq!(partner("teams_ent", Scope::Account), Ok("TEAMS_ENT"));
        assert!(partner("TEAMS_ENT", Scope::Zone).is_err());
        assert!(partner("PARTNERS_BIZ", Scope::Account).is_err());
    }

    #[test]
    fn bare_read_back_ids_resolve_for_a_partner() {
        for (id, plan) in [
            ("free", "free"),
            ("pro", "pro"),
            ("BUSINESS", "business"),
            ("enterprise", "enterprise"),
            ("msp_biz", "business"),
        ] {
            assert_eq!(partner(id, Scope::Zone), Ok(plan), "{id}");
        }
    }

    /// A `CF_*` id names the self-serve program, not the partner plan of the
    /// same name; plans without a partner id are not a partner's to take.
    #[test]
    fn self_serve_ids_are_refused_to_a_partner() {
        for id in [
            "CF_PRO",
            "cf_pro",
            "CF_PRO_20_20",
            "CF_FREE",
            "CF_BIZ",
            "Cf_Ent",
            "CF_LITE",
            "lite",
            "CF_PRO_PLUS",
            "pro_plus",
        ] {
            assert_eq!(
                partner(id, Scope::Zone),
                Err(codes::UNKNOWN_RATE_PLAN),
                "{id}"
            );
        }
        let e = resolve_rate_plan(" cf_pro", Scope::Zone, Program::Partner).unwrap_err();
        assert_eq!(e.message, "failed to resolve provided rate plan: ' cf_pro'");
    }

    #[test]
    fn a_self_serve_tenant_uses_the_cf_ids() {
        let self_serve = |id| resolve_rate_plan(id, Scope::Zone, Program::SelfServe).map(|p| p.id);
        assert_eq!(self_serve("CF_PRO_20_20").ok(), Some("pro"));
        assert_eq!(self_serve("cf_lite").ok(), Some("lite"));
        assert!(self_serve("PARTNERS_PRO").is_err());
    }

    #[test]
    fn a_partner_is_offered_each_zone_plan_under_its_partner_id() {
        let offered: Vec<&str> = CATALOG
            .iter()
            .filter(|p| p.scope == Scope::Zone)
            .filter_map(|p| p.offered_id(Program::Partner))
            .collect();
        assert_eq!(
            offered,
            [
                "PARTNERS_FREE",
                "PARTNERS_PRO",
                "PARTNERS_BIZ",
                "PARTNERS_ENT"
            ]
        );
        for id in offered {
            assert!(partner(id, Scope::Zone).is_ok(), "{id}");
        }
    }
}
