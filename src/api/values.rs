//! The API's closed sets of words, as types: what an account, a zone, a
//! member or a subscription can be. Resources compare these, never strings;
//! the words exist only where a value is read or written (the API's JSON,
//! Terraform's state). A word outside the set — one the API added later —
//! is kept as it is, in `Other`, so that nothing it says is lost.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! api_words {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A word the provider does not know, kept as the API gave it.
            Other(String),
        }

        impl $name {
            /// Every word the provider knows, in order (for the schema's checks).
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $word,)+
                    $name::Other(word) => word,
                }
            }

            /// The value a word stands for (compared as written).
            pub fn of(word: &str) -> $name {
                match word {
                    $($word => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl From<&str> for $name {
            fn from(word: &str) -> $name {
                $name::of(word)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                String::deserialize(d).map(|w| $name::of(&w))
            }
        }
    };
}

api_words! {
    /// An account's type, set when the account is created.
    AccountType {
        Standard = "standard",
        Enterprise = "enterprise",
    }
}

api_words! {
    /// How a zone's DNS is set up.
    ZoneType {
        /// Cloudflare is the authoritative DNS.
        Full = "full",
        /// CNAME setup: the zone's DNS stays with its own nameservers.
        Partial = "partial",
        Secondary = "secondary",
        /// Resolvable only inside the account.
        Internal = "internal",
    }
}

api_words! {
    /// Where a zone's activation stands.
    ZoneStatus {
        /// Being set up.
        Initializing = "initializing",
        /// Waiting for its nameservers (or verification) to point to Cloudflare.
        Pending = "pending",
        Active = "active",
        /// Its nameservers point away from Cloudflare.
        Moved = "moved",
    }
}

api_words! {
    /// Where a member's access stands.
    MemberStatus {
        /// Granted.
        Accepted = "accepted",
        /// Invited, not yet accepted.
        Pending = "pending",
    }
}

api_words! {
    /// How often a subscription is billed, as configured and as read back.
    Frequency {
        Weekly = "weekly",
        Monthly = "monthly",
        Quarterly = "quarterly",
        Yearly = "yearly",
        /// The Tenant guide's word for `yearly`; sent as `yearly`.
        Annual = "annual",
        /// What free and contract plans read back: no billing period.
        NotApplicable = "not-applicable",
    }
}

impl Frequency {
    /// The frequencies a subscription can be configured with.
    pub const CONFIGURABLE: &'static [&'static str] =
        &["weekly", "monthly", "quarterly", "yearly", "annual"];

    /// What a subscription gets when the configuration leaves it out.
    pub const DEFAULT: Frequency = Frequency::Monthly;

    /// The frequency as the API's definition spells it (`annual` is `yearly`).
    pub fn sent(&self) -> Frequency {
        match self {
            Frequency::Annual => Frequency::Yearly,
            other => other.clone(),
        }
    }

    /// Whether the API reads back a billing frequency at all.
    pub fn applies(&self) -> bool {
        *self != Frequency::NotApplicable
    }
}

api_words! {
    /// The kind of plan a rate plan id stands for, in Cloudflare's read-back
    /// words: `PARTNERS_BIZ`, `partners_business` and `business` are all
    /// `Business`. Ids that name no zone plan are `Other`, lowercased.
    RatePlanFamily {
        Free = "free",
        Lite = "lite",
        Pro = "pro",
        ProPlus = "pro_plus",
        Business = "business",
        Enterprise = "enterprise",
    }
}

impl RatePlanFamily {
    /// The rate plans on which Cloudflare allows vanity nameservers.
    pub fn allows_vanity_name_servers(&self) -> bool {
        matches!(self, RatePlanFamily::Business | RatePlanFamily::Enterprise)
    }
}

api_words! {
    /// Which nameservers a zone is served from (DNS settings).
    NameserverType {
        /// Cloudflare's nameservers, the zone's usual pair.
        Standard = "cloudflare.standard",
        /// Foundation DNS (advanced) nameservers.
        Advanced = "cloudflare.advanced",
        /// A random pair of Cloudflare's (an account's zone defaults only).
        StandardRandom = "cloudflare.standard.random",
        /// The account's custom nameservers.
        CustomAccount = "custom.account",
        /// The tenant's custom nameservers (`/tenants/{id}/custom_ns`).
        CustomTenant = "custom.tenant",
        /// The zone's own custom nameservers (a zone only).
        CustomZone = "custom.zone",
    }
}

impl NameserverType {
    /// The types an account's zone defaults take.
    pub const OF_ACCOUNT: &'static [&'static str] = &[
        "cloudflare.standard",
        "cloudflare.advanced",
        "cloudflare.standard.random",
        "custom.account",
        "custom.tenant",
    ];

    /// The types a zone takes.
    pub const OF_ZONE: &'static [&'static str] = &[
        "cloudflare.standard",
        "cloudflare.advanced",
        "custom.account",
        "custom.tenant",
        "custom.zone",
    ];

    /// Whether the nameservers come from a numbered set (`ns_set`) of
    /// custom nameservers.
    pub fn uses_set(&self) -> bool {
        matches!(
            self,
            NameserverType::CustomAccount | NameserverType::CustomTenant
        )
    }
}

api_words! {
    /// What Cloudflare does for a zone (DNS settings).
    ZoneMode {
        /// DNS and proxying.
        Standard = "standard",
        /// Proxying only, the DNS elsewhere.
        CdnOnly = "cdn_only",
        /// DNS only.
        DnsOnly = "dns_only",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_and_write_as_themselves_and_unknown_ones_are_kept() {
        assert_eq!(AccountType::of("enterprise"), AccountType::Enterprise);
        assert_eq!(
            serde_json::to_value(ZoneType::Partial).unwrap(),
            serde_json::json!("partial")
        );
        let other: MemberStatus = serde_json::from_value(serde_json::json!("rejected")).unwrap();
        assert_eq!(other, MemberStatus::Other("rejected".into()));
        assert_eq!(other.as_str(), "rejected");
        assert_eq!(Frequency::Annual.sent(), Frequency::Yearly);
        assert!(!Frequency::NotApplicable.applies());
        assert_eq!(AccountType::WORDS, &["standard", "enterprise"]);
        assert!(RatePlanFamily::Enterprise.allows_vanity_name_servers());
        assert!(!RatePlanFamily::Pro.allows_vanity_name_servers());
    }
}
