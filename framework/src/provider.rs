//! What a provider gives the framework ([`ProviderDefinition`]), and what
//! the framework keeps of it while serving ([`Plugin`]).

use crate::diag::Diagnostics;
use crate::resource::{AnyDataSource, AnyResource};
use crate::schema::Schema;
use crate::value::Value;
use std::collections::BTreeMap;
use std::sync::RwLock;

pub trait ProviderDefinition: Send + Sync + 'static {
    /// What resources and data sources get once Terraform has configured
    /// the provider (an API client).
    type Client: Clone + Send + Sync + 'static;
    /// The provider's name, the prefix of its resource types (`cftenant`).
    const TYPE_NAME: &'static str;

    fn schema(&self) -> Schema;
    fn resources(&self) -> Vec<Box<dyn AnyResource<Self::Client>>>;
    fn data_sources(&self) -> Vec<Box<dyn AnyDataSource<Self::Client>>>;

    /// Checks across attributes beyond the schema's. The configuration may
    /// hold values not known yet (variables during `terraform validate`).
    fn validate_config(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Builds the client from a configuration whose values are all known.
    /// `terraform_version` is the version of the Terraform CLI calling (for
    /// the User-Agent, as the HashiCorp providers send it).
    fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
    ) -> Result<Self::Client, Diagnostics>;

    /// Terraform asked the provider to stop: end what waits or is in flight.
    fn stop(&self) {}
}

/// A provider as the server holds it: its definition, schemas built once,
/// resources and data sources by type name, and (once Terraform has
/// configured it) the client.
pub struct Plugin<P: ProviderDefinition> {
    pub definition: P,
    pub schema: Schema,
    pub resources: BTreeMap<&'static str, Box<dyn AnyResource<P::Client>>>,
    pub data_sources: BTreeMap<&'static str, Box<dyn AnyDataSource<P::Client>>>,
    configured: RwLock<Configured<P::Client>>,
}

/// What Terraform's `ConfigureProvider` left the plugin with.
enum Configured<C> {
    /// Not configured yet.
    No,
    /// The configuration holds values not known until apply (a provider
    /// configured from a resource of the same configuration): there is no
    /// client. A plan is made without the API: reads keep the prior state,
    /// and what needs the API is unknown until apply.
    Unknown,
    Client(C),
}

impl<P: ProviderDefinition> Plugin<P> {
    pub fn new(definition: P) -> Self {
        Plugin {
            schema: definition.schema(),
            resources: definition
                .resources()
                .into_iter()
                .map(|r| (r.type_name(), r))
                .collect(),
            data_sources: definition
                .data_sources()
                .into_iter()
                .map(|d| (d.type_name(), d))
                .collect(),
            definition,
            configured: RwLock::new(Configured::No),
        }
    }

    pub fn validate_config(&self, config: &Value) -> Diagnostics {
        let mut diags = self.schema.validate(config);
        self.definition.validate_config(config, &mut diags);
        diags
    }

    pub fn configure(&self, config: &Value, terraform_version: &str) -> Diagnostics {
        let mut diags = self.schema.validate(config);
        if diags.has_errors() {
            return diags;
        }
        if !config.is_wholly_known() {
            *self.configured.write().unwrap_or_else(|p| p.into_inner()) = Configured::Unknown;
            diags.warning(
                "Provider configuration not known yet",
                format!(
                    "The provider \"{}\" block uses values only known after apply (from a resource of this \
                     configuration, say). This plan is made without reading from the API: resources keep the \
                     values of their last state, and what only the API can tell is known after apply. Apply \
                     configures the provider with the real values.",
                    P::TYPE_NAME
                ),
            );
            return diags;
        }
        match self.definition.configure(config, terraform_version) {
            Ok(client) => {
                *self.configured.write().unwrap_or_else(|p| p.into_inner()) =
                    Configured::Client(client);
            }
            Err(d) => diags.extend(d),
        }
        diags
    }

    /// Whether the provider was configured with values not known yet: a
    /// plan without the API.
    pub fn configuration_unknown(&self) -> bool {
        matches!(
            *self.configured.read().unwrap_or_else(|p| p.into_inner()),
            Configured::Unknown
        )
    }

    /// The configured client, or a diagnostic saying why there is none.
    /// `doing` names what needed it (`reading data.x`), for the case of a
    /// configuration not known yet.
    pub fn client_for(&self, doing: &str) -> Result<P::Client, Diagnostics> {
        let mut d = Diagnostics::default();
        match &*self.configured.read().unwrap_or_else(|p| p.into_inner()) {
            Configured::Client(c) => return Ok(c.clone()),
            Configured::Unknown => d.error(
                format!("Cannot plan {doing} before the provider configuration is known"),
                format!(
                    "The provider \"{}\" block uses values only known after apply, and {doing} needs the API now. \
                     Apply what the provider configuration depends on first (`terraform apply -target=...`), or \
                     configure this provider with values known at plan time.",
                    P::TYPE_NAME
                ),
            ),
            Configured::No => d.error(
                "Provider not configured",
                format!(
                    "The {} provider was used before Terraform configured it.",
                    P::TYPE_NAME
                ),
            ),
        }
        Err(d)
    }

    /// The configured client, or a diagnostic if there is none.
    pub fn client(&self) -> Result<P::Client, Diagnostics> {
        self.client_for("this")
    }
}
