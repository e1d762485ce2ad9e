//! `terraform-provider-cftenant-floor`: the cftenant provider's schemas,
//! served by the same framework, with resources that call no API. A create
//! makes up ids, a read returns the state, a plan is the framework's plan.
//! The benchmarks run it beside the real provider (bench/bench.py): the
//! difference is what our work costs, and the floor itself what any plugin
//! pays Terraform.

use async_trait::async_trait;
use cftenant::provider::CftenantProvider;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use tfplugin::diag::Diagnostics;
use tfplugin::plan;
use tfplugin::provider::{Plugin, ProviderDefinition};
use tfplugin::resource::{AnyDataSource, AnyResource, PlanRequest, PlanResponse};
use tfplugin::schema::Schema;
use tfplugin::value::Value;

/// A resource that keeps what Terraform plans, and nothing else.
struct Echo {
    type_name: &'static str,
    schema: Schema,
    ids: AtomicU64,
}

/// The planned value with every unknown made known: `id` a fresh id, the
/// rest null.
fn known(v: &Value, name: &str, ids: &AtomicU64) -> Value {
    match v {
        Value::Unknown if name == "id" => {
            Value::String(format!("{:032x}", ids.fetch_add(1, Ordering::Relaxed) + 1))
        }
        Value::Unknown => Value::Null,
        Value::Object(attrs) => Value::Object(
            attrs
                .iter()
                .map(|(k, v)| (k.clone(), known(v, k, ids)))
                .collect(),
        ),
        Value::List(items) => Value::List(items.iter().map(|i| known(i, "", ids)).collect()),
        Value::Set(items) => Value::Set(items.iter().map(|i| known(i, "", ids)).collect()),
        Value::Map(items) => Value::Map(
            items
                .iter()
                .map(|(k, v)| (k.clone(), known(v, "", ids)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[async_trait]
impl AnyResource<()> for Echo {
    fn type_name(&self) -> &'static str {
        self.type_name
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn check_model(&self) -> Result<(), String> {
        Ok(())
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        self.schema.validate(config)
    }
    async fn plan(&self, _: Option<&()>, request: PlanRequest<'_>) -> PlanResponse {
        PlanResponse {
            change: plan::plan(
                &self.schema,
                request.prior,
                request.proposed,
                request.config,
            ),
            diags: Diagnostics::default(),
            planned_private: Vec::new(),
        }
    }
    async fn apply(&self, _: &(), _prior: &Value, planned: &Value) -> (Value, Diagnostics) {
        (known(planned, "", &self.ids), Diagnostics::default())
    }
    async fn read(&self, _: &(), state: &Value) -> (Value, Diagnostics) {
        (state.clone(), Diagnostics::default())
    }
    async fn import(&self, _: &(), id: &str) -> (Value, Diagnostics) {
        let mut state = Value::Object(Default::default());
        state.set_attr("id", Value::String(id.to_string()));
        (state, Diagnostics::default())
    }
}

/// A data source whose computed attributes read as null.
struct EchoData {
    type_name: &'static str,
    schema: Schema,
}

#[async_trait]
impl AnyDataSource<()> for EchoData {
    fn type_name(&self) -> &'static str {
        self.type_name
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn check_model(&self) -> Result<(), String> {
        Ok(())
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        self.schema.validate(config)
    }
    async fn read(&self, _: &(), config: &Value) -> (Value, Diagnostics) {
        (config.clone(), Diagnostics::default())
    }
}

struct Floor(Plugin<CftenantProvider>);

impl ProviderDefinition for Floor {
    type Client = ();
    const TYPE_NAME: &'static str = "cftenant";

    fn schema(&self) -> Schema {
        self.0.schema.clone()
    }
    fn resources(&self) -> Vec<Box<dyn AnyResource<()>>> {
        self.0
            .resources
            .iter()
            .map(|(name, r)| {
                Box::new(Echo {
                    type_name: name,
                    schema: r.schema().clone(),
                    ids: AtomicU64::new(0),
                }) as Box<dyn AnyResource<()>>
            })
            .collect()
    }
    fn data_sources(&self) -> Vec<Box<dyn AnyDataSource<()>>> {
        self.0
            .data_sources
            .iter()
            .map(|(name, d)| {
                Box::new(EchoData {
                    type_name: name,
                    schema: d.schema().clone(),
                }) as Box<dyn AnyDataSource<()>>
            })
            .collect()
    }
    fn configure(&self, _config: &Value, _terraform_version: &str) -> Result<(), Diagnostics> {
        Ok(())
    }
}

fn main() -> ExitCode {
    tfplugin::logging::init("cftenant", &["terraform_provider_cftenant_floor"]);
    tfplugin::server::run(Floor(CftenantProvider::plugin()))
}
