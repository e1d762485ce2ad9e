//! `cftenant_zone_dns_settings`: a zone's DNS settings
//! (`/zones/{zone_id}/dns_settings`): its nameservers, SOA record, NS TTL
//! and mode.
//!
//! The settings always exist, so a create changes them (a PATCH of what the
//! configuration sets) and a destroy returns those it set to Cloudflare's defaults.

use super::dns_settings::{self, whole, ApiSettings, DnsSettingsResource, Owner, Scope, Settings};
use crate::api::{paths, NameserverType};
use crate::checks;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tfplugin::diag::Diagnostics;
use tfplugin::resource::Change;
use tfplugin::schema::{Attribute, Check, Nesting, Schema};
use tfplugin::value::{AttrPath, PathStep, Type};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ZoneDnsSettings {
    pub id: Option<String>,
    pub zone_id: String,
    #[serde(flatten)]
    pub settings: Settings,
    pub nameservers: Option<Nameservers>,
    pub managed_settings: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Nameservers {
    #[serde(rename = "type")]
    pub kind: Option<NameserverType>,
    pub ns_set: Option<i64>,
}

/// `resource "cftenant_zone_dns_settings"`.
pub type ZoneDnsSettingsResource = DnsSettingsResource<ZoneDnsSettings>;

impl Scope for ZoneDnsSettings {
    const TYPE_NAME: &'static str = "cftenant_zone_dns_settings";
    const ID_ATTRIBUTE: &'static str = "zone_id";
    type Api = ApiSettings;

    fn schema() -> Schema {
        let mut attributes = vec![
            Attribute::computed("id", Type::String, "Same as `zone_id`."),
            Attribute::required(
                "zone_id",
                Type::String,
                "The zone whose settings these are.",
            )
            .check(checks::ID32)
            .replaces(),
        ];
        attributes.extend(dns_settings::attributes());
        attributes.push(
            Attribute::optional_computed("nameservers", Type::String, "The zone's nameservers. Each field left out keeps its value.")
                .nested(
                    Nesting::Single,
                    vec![
                        dns_settings::nameserver_type(NameserverType::OF_ZONE),
                        Attribute::optional_computed(
                            "ns_set",
                            Type::Number,
                            "The set of custom nameservers, for `custom.tenant` and `custom.account` only; 1 when left out. \
                             Null for the other types.",
                        )
                        .check(Check::Range(1, 5))
                        .unknown_when_changed(&["type"]),
                    ],
                ),
        );
        attributes.push(dns_settings::managed_settings_attribute(
            "The settings the configuration sets, as of its last apply (e.g. `soa.ttl`): those a destroy returns to \
             Cloudflare's defaults, unless another object set them in the same run (a replace with `create_before_destroy`). \
             Null after an import until an apply changes a setting (a destroy before then leaves every setting as it is); \
             from that apply on it lists each setting the configuration sets, the imported values too.",
        ));
        Schema::new(
            "A zone's DNS settings: its nameservers (Cloudflare's, or the tenant's custom nameservers), SOA record, NS TTL and mode. \
             The settings always exist: creating this resource changes those it configures, and each setting left out keeps \
             the value Cloudflare has (removing one from the configuration keeps its value, and once applied stops a destroy from resetting it: Terraform gives a destroy no configuration, only what the last apply recorded). \
             Destroying this resource returns the settings the configuration set as of its last apply (`managed_settings`) to Cloudflare's defaults and leaves the others as they are; `removed { lifecycle { destroy = false } }` keeps them all.",
            attributes,
        )
    }

    /// A set is chosen among custom nameservers only: Cloudflare refuses
    /// one with its own.
    fn review(change: &Change<'_, ZoneDnsSettings>) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let Some(ns) = &change.planned.nameservers else {
            return diags;
        };
        if let (Some(kind), Some(set)) = (&ns.kind, ns.ns_set) {
            if !kind.uses_set() {
                diags.attr_error(
                    AttrPath::attr("nameservers").push(PathStep::Attribute("ns_set".into())),
                    format!("nameservers.ns_set = {set} needs custom nameservers"),
                    format!(
                        "A set of nameservers is chosen for `custom.tenant` and `custom.account` only, not for `{kind}`: \
                         remove `ns_set`, or choose one of those types."
                    ),
                );
            }
        }
        diags
    }

    fn imported(zone_id: &str) -> Self {
        ZoneDnsSettings {
            id: Some(zone_id.to_string()),
            zone_id: zone_id.to_string(),
            ..Default::default()
        }
    }

    fn owner(&self) -> Owner<'_> {
        Owner {
            kind: "zone",
            id: &self.zone_id,
            path: paths::zone_dns_settings(&self.zone_id),
        }
    }

    fn managed(&self) -> Option<&[String]> {
        self.managed_settings.as_deref()
    }

    fn settings_json(&self) -> Json {
        let mut body = serde_json::to_value(&self.settings).unwrap_or(Json::Null);
        body["nameservers"] = serde_json::to_value(&self.nameservers).unwrap_or(Json::Null);
        body
    }

    fn merge(&mut self, api: ApiSettings) {
        self.id = Some(self.zone_id.clone());
        self.settings = Settings::read(&api);
        let ns = api.nameservers.unwrap_or_default();
        self.nameservers = Some(Nameservers {
            kind: ns.kind,
            ns_set: whole(ns.ns_set),
        });
    }
}
