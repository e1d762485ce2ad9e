//! The plugin protocol's `Provider` service: translates each RPC into calls
//! on the provider, its resources and data sources, and back.

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::provider::{Plugin, ProviderDefinition};
use crate::resource::{PlanRequest, PlanResponse};
use crate::schema::Schema;
use crate::value::{self, AttrPath, PathStep, Type, Value};
use std::sync::Arc;
use tonic::{Request, Response, Status};

pub struct ProviderService<P: ProviderDefinition> {
    provider: Arc<Plugin<P>>,
}

impl<P: ProviderDefinition> ProviderService<P> {
    pub fn new(provider: Arc<Plugin<P>>) -> Self {
        ProviderService { provider }
    }
}

fn path_to_pb(p: &AttrPath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attribute(a) => Selector::AttributeName(a.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

fn diag_to_pb(d: &Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: match d.severity {
            Severity::Error => pb::diagnostic::Severity::Error,
            Severity::Warning => pb::diagnostic::Severity::Warning,
        } as i32,
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d
            .path
            .as_ref()
            .filter(|p| !p.is_root())
            .map(|p| path_to_pb(&where_shown(p))),
    }
}

/// The part of a diagnostic's path Terraform can point at in the
/// configuration: its attribute. Terraform (1.11) finds the source line
/// of a deeper path (`soa.ttl`, `component_values[0].value`) only through
/// nested blocks, and falls back on the resource's first line for one
/// inside an attribute's object or list: the attribute's own line is the
/// nearer one. The diagnostic's text names the whole path.
fn where_shown(p: &AttrPath) -> AttrPath {
    AttrPath(p.0.iter().take(1).cloned().collect())
}

/// A plan request's prior state, proposed new state and configuration.
fn decode_plan(
    req: &pb::plan_resource_change::Request,
    ty: &Type,
) -> Result<(Value, Value, Value), Diagnostics> {
    Ok((
        decode_dynamic_value(req.prior_state.as_ref(), ty)?,
        decode_dynamic_value(req.proposed_new_state.as_ref(), ty)?,
        decode_dynamic_value(req.config.as_ref(), ty)?,
    ))
}

fn diags_to_pb(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.0.iter().map(diag_to_pb).collect()
}

/// A `DynamicValue` Terraform sent (msgpack, or JSON for stored state) as a
/// value of `ty`.
fn decode_dynamic_value(v: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, Diagnostics> {
    let result = match v {
        None => Ok(Value::Null),
        Some(dv) if !dv.msgpack.is_empty() => value::decode_msgpack(&dv.msgpack, ty),
        Some(dv) if !dv.json.is_empty() => value::decode_json_state(&dv.json, ty),
        Some(_) => Ok(Value::Null),
    };
    result.map_err(|e| {
        let mut d = Diagnostics::default();
        d.error("Cannot decode a value sent by Terraform", e.to_string());
        d
    })
}

fn encode_dynamic_value(v: &Value, ty: &Type, diags: &mut Diagnostics) -> Option<pb::DynamicValue> {
    match value::encode_msgpack(v, ty) {
        Ok(msgpack) => Some(pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        Err(e) => {
            diags.error(
                "Internal error encoding a value",
                format!("{e}. Please report this as a provider bug."),
            );
            None
        }
    }
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} {name:?}."),
    );
    d
}

type RpcResult<T> = Result<Response<T>, Status>;

/// One RPC about one resource or data source type.
struct Call<'a> {
    rpc: &'static str,
    type_name: &'a str,
    /// For messages: `reading`, `planning`.
    doing: &'static str,
}

/// Runs a resource's or data source's own code. A panic in it becomes an
/// error diagnostic, with `fallback` as the outcome, instead of taking the
/// whole plugin down (Terraform would then lose track of every operation in
/// flight, not only this one).
///
/// Its log lines carry the call's fields, as the plugin SDKs' do: the RPC
/// (`tf_rpc`), a request id of its own (`tf_req_id`) and the type
/// (`tf_resource_type`).
async fn guarded<T>(
    call: Call<'_>,
    work: impl std::future::Future<Output = (T, Diagnostics)>,
    fallback: impl FnOnce() -> T,
) -> (T, Diagnostics) {
    use futures::FutureExt;
    use tracing::Instrument;
    // At error level so that every line logged inside carries the fields,
    // whatever level is on.
    let span = tracing::error_span!(
        "call",
        tf_rpc = call.rpc,
        tf_req_id = %uuid::Uuid::new_v4(),
        tf_resource_type = call.type_name,
    );
    let doing = format!("{} {}", call.doing, call.type_name);
    match std::panic::AssertUnwindSafe(work.instrument(span))
        .catch_unwind()
        .await
    {
        Ok(outcome) => outcome,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            let mut diags = Diagnostics::default();
            diags.error(
                format!("Internal error {doing}"),
                format!(
                    "The provider failed unexpectedly ({why}). Please report this as a provider bug. If this was a \
                     create, the object may exist without being in the state: check, and import it."
                ),
            );
            (fallback(), diags)
        }
    }
}

#[tonic::async_trait]
impl<P: ProviderDefinition> ProviderRpc for ProviderService<P> {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        let p = &self.provider;
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: p
                .resources
                .keys()
                .map(|n| pb::get_metadata::ResourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            data_sources: p
                .data_sources
                .keys()
                .map(|n| pb::get_metadata::DataSourceMetadata {
                    type_name: n.to_string(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        let p = &self.provider;
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(p.schema.to_proto()),
            resource_schemas: p
                .resources
                .iter()
                .map(|(n, r)| (n.to_string(), r.schema().to_proto()))
                .collect(),
            data_source_schemas: p
                .data_sources
                .iter()
                .map(|(n, d)| (n.to_string(), d.schema().to_proto()))
                .collect(),
            provider_meta: Some(Schema::new("", vec![]).to_proto()),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        let req = req.into_inner();
        let diags = match decode_dynamic_value(req.config.as_ref(), &self.provider.schema.ty()) {
            Ok(config) => self.provider.validate_config(&config),
            Err(d) => d,
        };
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags_to_pb(&diags),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.provider.resources.get(req.type_name.as_str()) {
            None => unknown_type("resource", &req.type_name),
            Some(r) => match decode_dynamic_value(req.config.as_ref(), &r.schema().ty()) {
                Ok(config) => r.validate(&config),
                Err(d) => d,
            },
        };
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags_to_pb(&diags),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.provider.data_sources.get(req.type_name.as_str()) {
            None => unknown_type("data source", &req.type_name),
            Some(d) => match decode_dynamic_value(req.config.as_ref(), &d.schema().ty()) {
                Ok(config) => d.validate(&config),
                Err(d) => d,
            },
        };
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags_to_pb(&diags),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let mut diags = Diagnostics::default();
        let Some(r) = self.provider.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::upgrade_resource_state::Response {
                diagnostics: diags_to_pb(&unknown_type("resource", &req.type_name)),
                ..Default::default()
            }));
        };
        let ty = r.schema().ty();
        // Schema version 0 is the only one so far: stored JSON is read with
        // the current type (attributes no longer in the schema are dropped).
        let json = req.raw_state.map(|s| s.json).unwrap_or_default();
        let state = if json.is_empty() {
            Ok(Value::Null)
        } else {
            value::decode_json_state(&json, &ty)
        };
        let upgraded = match state {
            Ok(v) => encode_dynamic_value(&v, &ty, &mut diags),
            Err(e) => {
                diags.error("Cannot read the stored state", format!("{e}"));
                None
            }
        };
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diags_to_pb(&diags),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> RpcResult<pb::get_resource_identity_schemas::Response> {
        Ok(Response::new(Default::default()))
    }

    async fn upgrade_resource_identity(
        &self,
        _: Request<pb::upgrade_resource_identity::Request>,
    ) -> RpcResult<pb::upgrade_resource_identity::Response> {
        let mut d = Diagnostics::default();
        d.error(
            "Resource identity is not supported",
            "This provider does not define resource identities.",
        );
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            diagnostics: diags_to_pb(&d),
            ..Default::default()
        }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        let req = req.into_inner();
        let diags = match decode_dynamic_value(req.config.as_ref(), &self.provider.schema.ty()) {
            Ok(config) => self.provider.configure(&config, &req.terraform_version),
            Err(d) => d,
        };
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags_to_pb(&diags),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> RpcResult<pb::read_resource::Response> {
        let req = req.into_inner();
        let Some(r) = self.provider.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::read_resource::Response {
                diagnostics: diags_to_pb(&unknown_type("resource", &req.type_name)),
                ..Default::default()
            }));
        };
        let ty = r.schema().ty();
        let mut diags = Diagnostics::default();
        let new_state = match decode_dynamic_value(req.current_state.as_ref(), &ty) {
            Ok(state) if state.is_null() => Value::Null,
            // A plan without the API: the state stands as it is.
            Ok(state) if self.provider.configuration_unknown() => state,
            Ok(state) => match self.provider.client() {
                Ok(client) => {
                    let (v, d) = guarded(
                        Call {
                            rpc: "ReadResource",
                            type_name: &req.type_name,
                            doing: "reading",
                        },
                        r.read(&client, &state),
                        || state.clone(),
                    )
                    .await;
                    diags.extend(d);
                    v
                }
                Err(d) => {
                    diags.extend(d);
                    state
                }
            },
            Err(d) => {
                diags.extend(d);
                Value::Null
            }
        };
        // An object that is gone takes nothing of its past with it: its
        // private data must not make the create Terraform now plans look
        // like a replacement.
        let private = if new_state.is_null() {
            Vec::new()
        } else {
            req.private
        };
        let new_state = encode_dynamic_value(&new_state, &ty, &mut diags);
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diags_to_pb(&diags),
            private,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        let refused = |d: &Diagnostics| {
            Ok(Response::new(pb::plan_resource_change::Response {
                diagnostics: diags_to_pb(d),
                ..Default::default()
            }))
        };
        let Some(r) = self.provider.resources.get(req.type_name.as_str()) else {
            return refused(&unknown_type("resource", &req.type_name));
        };
        let ty = r.schema().ty();
        let (prior, proposed, config) = match decode_plan(&req, &ty) {
            Ok(v) => v,
            Err(d) => return refused(&d),
        };
        let client = self.provider.client().ok();
        let request = PlanRequest {
            prior: &prior,
            proposed: &proposed,
            config: &config,
            prior_private: &req.prior_private,
        };
        let planned = async {
            let response = r.plan(client.as_ref(), request).await;
            (Some(response), Diagnostics::default())
        };
        let (response, panicked) = guarded(
            Call {
                rpc: "PlanResourceChange",
                type_name: &req.type_name,
                doing: "planning",
            },
            planned,
            || None,
        )
        .await;
        let Some(PlanResponse {
            change,
            mut diags,
            planned_private,
        }) = response
        else {
            return refused(&panicked);
        };
        let planned_state = encode_dynamic_value(&change.planned, &ty, &mut diags);
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_state,
            requires_replace: change.requires_replace.iter().map(path_to_pb).collect(),
            planned_private,
            diagnostics: diags_to_pb(&diags),
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        let Some(r) = self.provider.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::apply_resource_change::Response {
                diagnostics: diags_to_pb(&unknown_type("resource", &req.type_name)),
                ..Default::default()
            }));
        };
        let ty = r.schema().ty();
        let mut diags = Diagnostics::default();
        let (prior, planned) = match (
            decode_dynamic_value(req.prior_state.as_ref(), &ty),
            decode_dynamic_value(req.planned_state.as_ref(), &ty),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(d), _) | (_, Err(d)) => {
                return Ok(Response::new(pb::apply_resource_change::Response {
                    new_state: req.prior_state,
                    diagnostics: diags_to_pb(&d),
                    ..Default::default()
                }))
            }
        };
        let new_state = match self
            .provider
            .client_for(&format!("the apply of {}", req.type_name))
        {
            Ok(client) => {
                let (v, d) = guarded(
                    Call {
                        rpc: "ApplyResourceChange",
                        type_name: &req.type_name,
                        doing: "applying",
                    },
                    r.apply(&client, &prior, &planned),
                    || prior.clone(),
                )
                .await;
                diags.extend(d);
                v
            }
            Err(d) => {
                diags.extend(d);
                prior
            }
        };
        let new_state = encode_dynamic_value(&new_state, &ty, &mut diags);
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state,
            private: req.planned_private,
            diagnostics: diags_to_pb(&diags),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        let req = req.into_inner();
        let Some(r) = self.provider.resources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::import_resource_state::Response {
                diagnostics: diags_to_pb(&unknown_type("resource", &req.type_name)),
                ..Default::default()
            }));
        };
        let ty = r.schema().ty();
        let mut diags = Diagnostics::default();
        let state = match self
            .provider
            .client_for(&format!("the import of {} {:?}", req.type_name, req.id))
        {
            Ok(client) => {
                let (v, d) = guarded(
                    Call {
                        rpc: "ImportResourceState",
                        type_name: &req.type_name,
                        doing: "importing",
                    },
                    r.import(&client, &req.id),
                    || Value::Null,
                )
                .await;
                diags.extend(d);
                v
            }
            Err(d) => {
                diags.extend(d);
                Value::Null
            }
        };
        let imported = if diags.has_errors() || state.is_null() {
            Vec::new()
        } else {
            vec![pb::import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: encode_dynamic_value(&state, &ty, &mut diags),
                ..Default::default()
            }]
        };
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diags_to_pb(&diags),
            ..Default::default()
        }))
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        let req = req.into_inner();
        let mut d = Diagnostics::default();
        d.error(
            "Moving resource state is not supported",
            format!(
                "{} cannot move state from {:?} to {:?}.",
                P::TYPE_NAME,
                req.source_type_name,
                req.target_type_name
            ),
        );
        Ok(Response::new(pb::move_resource_state::Response {
            diagnostics: diags_to_pb(&d),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        let req = req.into_inner();
        let Some(ds) = self.provider.data_sources.get(req.type_name.as_str()) else {
            return Ok(Response::new(pb::read_data_source::Response {
                diagnostics: diags_to_pb(&unknown_type("data source", &req.type_name)),
                ..Default::default()
            }));
        };
        let ty = ds.schema().ty();
        let mut diags = Diagnostics::default();
        let state = match (
            decode_dynamic_value(req.config.as_ref(), &ty),
            self.provider
                .client_for(&format!("the read of data source {}", req.type_name)),
        ) {
            (Ok(config), Ok(client)) => {
                let (v, d) = guarded(
                    Call {
                        rpc: "ReadDataSource",
                        type_name: &req.type_name,
                        doing: "reading data source",
                    },
                    ds.read(&client, &config),
                    || Value::Null,
                )
                .await;
                diags.extend(d);
                v
            }
            (Err(d), _) | (_, Err(d)) => {
                diags.extend(d);
                Value::Null
            }
        };
        let state = if diags.has_errors() {
            None
        } else {
            encode_dynamic_value(&state, &ty, &mut diags)
        };
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics: diags_to_pb(&diags),
            ..Default::default()
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response {
                diagnostics: diags_to_pb(&unknown_type(
                    "ephemeral resource",
                    &req.into_inner().type_name,
                )),
            },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: diags_to_pb(&unknown_type(
                "ephemeral resource",
                &req.into_inner().type_name,
            )),
            ..Default::default()
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            diagnostics: diags_to_pb(&unknown_type(
                "ephemeral resource",
                &req.into_inner().type_name,
            )),
            ..Default::default()
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics: diags_to_pb(&unknown_type(
                "ephemeral resource",
                &req.into_inner().type_name,
            )),
        }))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> RpcResult<pb::get_functions::Response> {
        Ok(Response::new(Default::default()))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> RpcResult<pb::call_function::Response> {
        Ok(Response::new(pb::call_function::Response {
            error: Some(pb::FunctionError {
                text: format!(
                    "{} has no function {:?}",
                    P::TYPE_NAME,
                    req.into_inner().name
                ),
                function_argument: None,
            }),
            ..Default::default()
        }))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> RpcResult<pb::stop_provider::Response> {
        tracing::info!("Terraform asked the provider to stop: cancelling waits and retries");
        self.provider.definition.stop();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        // Destroys are planned by the provider too, so that a resource can
        // warn about what a destroy cannot undo.
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
    }
}

#[cfg(test)]
mod tests {
    //! The protocol layer over a fake provider: requests in Terraform's
    //! wire form (msgpack dynamic values), answers decoded back.

    use super::*;
    use crate::resource::{
        AnyDataSource, AnyResource, Imported, OpResult, Resource, ResourceAdapter,
    };
    use crate::schema::{Attribute, Check};
    use async_trait::async_trait;
    use serde::{Deserialize, Serialize};
    use std::sync::Mutex;

    #[derive(Clone, Debug, Default, Serialize, Deserialize)]
    struct Note {
        id: Option<String>,
        text: String,
    }

    /// Notes kept in memory; a note's text changes in place.
    struct Notes(Mutex<Vec<Note>>);

    #[async_trait]
    impl Resource for Notes {
        type Client = ();
        type Model = Note;
        const TYPE_NAME: &'static str = "fake_note";

        fn schema() -> Schema {
            Schema::new(
                "A note.",
                vec![
                    Attribute::computed("id", Type::String, "Id."),
                    Attribute::required("text", Type::String, "Text.").check(Check::MaxLen(10)),
                ],
            )
        }

        async fn create(&self, _: &(), mut n: Note) -> OpResult<Note, Note> {
            let mut notes = self.0.lock().unwrap();
            n.id = Some(format!("n{}", notes.len()));
            notes.push(n.clone());
            Ok(n)
        }
        async fn read(&self, _: &(), n: Note) -> OpResult<Option<Note>, Note> {
            Ok(self
                .0
                .lock()
                .unwrap()
                .iter()
                .find(|x| x.id == n.id)
                .cloned())
        }
        async fn update(&self, _: &(), _: Note, n: Note) -> OpResult<Note, Note> {
            Ok(n)
        }
        async fn delete(&self, _: &(), n: Note) -> OpResult<Diagnostics, Note> {
            self.0.lock().unwrap().retain(|x| x.id != n.id);
            Ok(Diagnostics::default())
        }
        async fn import(&self, c: &(), id: &str) -> OpResult<Imported<Note>, Note> {
            let probe = Note {
                id: Some(id.into()),
                ..Default::default()
            };
            self.read(c, probe)
                .await?
                .map(Into::into)
                .ok_or_else(|| Diagnostic::error("no such note", id).into())
        }
    }

    struct Fake;

    impl ProviderDefinition for Fake {
        type Client = ();
        const TYPE_NAME: &'static str = "fake";
        fn schema(&self) -> Schema {
            Schema::new("Fake.", vec![])
        }
        fn resources(&self) -> Vec<Box<dyn AnyResource<()>>> {
            vec![ResourceAdapter::boxed(Notes(Mutex::new(Vec::new())))]
        }
        fn data_sources(&self) -> Vec<Box<dyn AnyDataSource<()>>> {
            Vec::new()
        }
        fn configure(&self, _: &Value, _: &str) -> Result<(), Diagnostics> {
            Ok(())
        }
    }

    fn service() -> ProviderService<Fake> {
        ProviderService::new(Arc::new(Plugin::new(Fake)))
    }

    fn ty() -> Type {
        Notes::schema().ty()
    }

    fn note(id: Option<&str>, text: &str) -> Option<pb::DynamicValue> {
        let mut v = Value::Object(Default::default());
        v.set_attr("id", id.map_or(Value::Unknown, |i| Value::String(i.into())));
        v.set_attr("text", Value::String(text.into()));
        Some(pb::DynamicValue {
            msgpack: value::encode_msgpack(&v, &ty()).unwrap(),
            json: Vec::new(),
        })
    }

    fn null() -> Option<pb::DynamicValue> {
        Some(pb::DynamicValue {
            msgpack: value::encode_msgpack(&Value::Null, &ty()).unwrap(),
            json: Vec::new(),
        })
    }

    fn decoded(v: Option<pb::DynamicValue>) -> Value {
        value::decode_msgpack(&v.expect("a value").msgpack, &ty()).unwrap()
    }

    async fn configure(s: &ProviderService<Fake>) {
        let config = Some(pb::DynamicValue {
            msgpack: value::encode_msgpack(
                &Value::Object(Default::default()),
                &Schema::new("", vec![]).ty(),
            )
            .unwrap(),
            json: Vec::new(),
        });
        let r = s
            .configure_provider(Request::new(pb::configure_provider::Request {
                config,
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }

    #[tokio::test]
    async fn a_panic_in_a_resource_is_an_error_not_a_crash() {
        let (v, d) = guarded(
            Call {
                rpc: "ApplyResourceChange",
                type_name: "test_thing",
                doing: "applying",
            },
            async {
                let parsed: u8 = "a value the code was sure of"
                    .parse()
                    .unwrap_or_else(|_| panic!("a value the code was sure of"));
                (parsed, Diagnostics::default())
            },
            || 7,
        )
        .await;
        assert_eq!(v, 7);
        assert!(d.has_errors());
        assert_eq!(d.0[0].summary, "Internal error applying test_thing");
        assert!(
            d.0[0].detail.contains("a value the code was sure of"),
            "{}",
            d.0[0].detail
        );
    }

    #[tokio::test]
    async fn the_schema_lists_the_resource() {
        let r = service()
            .get_provider_schema(Request::new(Default::default()))
            .await
            .unwrap()
            .into_inner();
        let note = &r.resource_schemas["fake_note"];
        let names: Vec<&str> = note
            .block
            .as_ref()
            .unwrap()
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["id", "text"]);
        assert!(r.server_capabilities.unwrap().plan_destroy);
    }

    #[tokio::test]
    async fn a_bad_value_is_a_diagnostic_at_its_attribute() {
        let r = service()
            .validate_resource_config(Request::new(pb::validate_resource_config::Request {
                type_name: "fake_note".into(),
                config: note(None, "far too long a note"),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.diagnostics.len(), 1);
        let step = &r.diagnostics[0].attribute.as_ref().unwrap().steps[0];
        assert_eq!(
            step.selector,
            Some(pb::attribute_path::step::Selector::AttributeName(
                "text".into()
            ))
        );
        let unknown = service()
            .validate_resource_config(Request::new(pb::validate_resource_config::Request {
                type_name: "fake_nope".into(),
                config: note(None, "x"),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(unknown.diagnostics[0]
            .summary
            .contains("Unknown resource type"));
    }

    #[tokio::test]
    async fn create_read_and_delete_through_the_protocol() {
        let s = service();
        configure(&s).await;
        let plan = s
            .plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: "fake_note".into(),
                prior_state: null(),
                proposed_new_state: note(None, "hello"),
                config: note(None, "hello"),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
        assert!(decoded(plan.planned_state.clone()).attr("id").is_unknown());
        let applied = s
            .apply_resource_change(Request::new(pb::apply_resource_change::Request {
                type_name: "fake_note".into(),
                prior_state: null(),
                planned_state: plan.planned_state,
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let state = decoded(applied.new_state.clone());
        assert_eq!(state.attr("id"), &Value::String("n0".into()));
        // Deleted behind Terraform's back: the read answers a null state and
        // no private data to carry into the create Terraform then plans.
        s.apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "fake_note".into(),
            prior_state: applied.new_state.clone(),
            planned_state: null(),
            ..Default::default()
        }))
        .await
        .unwrap();
        let read = s
            .read_resource(Request::new(pb::read_resource::Request {
                type_name: "fake_note".into(),
                current_state: applied.new_state,
                private: b"{\"planned_in_place\":true}".to_vec(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(decoded(read.new_state).is_null());
        assert!(read.private.is_empty());
    }
}
