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
    fn configure(&self, config: &Value) -> Result<Self::Client, Diagnostics>;

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
    client: RwLock<Option<P::Client>>,
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
            client: RwLock::new(None),
        }
    }

    pub fn validate_config(&self, config: &Value) -> Diagnostics {
        let mut diags = self.schema.validate(config);
        self.definition.validate_config(config, &mut diags);
        diags
    }

    pub fn configure(&self, config: &Value) -> Diagnostics {
        if !config.is_wholly_known() {
            let mut d = Diagnostics::default();
            d.error(
                "Provider configuration not known yet",
                format!(
                    "The provider \"{}\" block uses values that are only known after apply. Use values known at plan time (variables, literals, environment).",
                    P::TYPE_NAME
                ),
            );
            return d;
        }
        let mut diags = self.schema.validate(config);
        if diags.has_errors() {
            return diags;
        }
        match self.definition.configure(config) {
            Ok(client) => {
                *self.client.write().unwrap_or_else(|p| p.into_inner()) = Some(client);
            }
            Err(d) => diags.extend(d),
        }
        diags
    }

    /// The configured client, or a diagnostic if Terraform has not configured us.
    pub fn client(&self) -> Result<P::Client, Diagnostics> {
        self.client
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                let mut d = Diagnostics::default();
                d.error(
                    "Provider not configured",
                    format!(
                        "The {} provider was used before Terraform configured it.",
                        P::TYPE_NAME
                    ),
                );
                d
            })
    }
}
