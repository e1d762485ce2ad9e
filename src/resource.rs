//! What a resource and a data source implement, and the one adapter that
//! turns Terraform's untyped requests into calls on them.
//!
//! A resource works with its typed model; everything generic (decoding,
//! validation, planning, the "gone" convention, keeping partially created
//! objects in state) happens here once.

use crate::client::{ApiError, Client};
use crate::diag::{self, Diagnostic, Diagnostics};
use crate::plan::{self, PlannedChange};
use crate::schema::Schema;
use crate::value::{self, Value};
use async_trait::async_trait;
use serde::{de::DeserializeOwned, Serialize};

/// A failed operation. `state` is set when the object exists on the API
/// despite the failure, so that Terraform records it (tainted) instead of
/// losing track of it.
pub struct Failure<M> {
    pub diags: Diagnostics,
    pub state: Option<M>,
}

impl<M> From<Diagnostic> for Failure<M> {
    fn from(d: Diagnostic) -> Self {
        Failure {
            diags: d.into(),
            state: None,
        }
    }
}

impl<M> From<Diagnostics> for Failure<M> {
    fn from(diags: Diagnostics) -> Self {
        Failure { diags, state: None }
    }
}

pub type OpResult<T, M> = Result<T, Failure<M>>;

/// Turns an API error into a diagnostic saying what we were doing.
pub trait Context<T> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T, Diagnostic>;
}

impl<T> Context<T> for Result<T, ApiError> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T, Diagnostic> {
        self.map_err(|e| diag::api_error(&action(), &e))
    }
}

/// Splits an import id into its parts (`account_id/member_id` → two ids),
/// each a Cloudflare id, or says what the id should look like.
pub fn parse_import_id<'a, const N: usize>(
    resource_type: &str,
    id: &'a str,
    parts: [&str; N],
) -> Result<[&'a str; N], Diagnostic> {
    let pieces: Vec<&str> = id.split('/').collect();
    if let Ok(ids) = <[&str; N]>::try_from(pieces) {
        if ids.iter().all(|p| crate::schema::checks::is_id32(p)) {
            return Ok(ids);
        }
    }
    let example = vec!["023e105f4ecef8ad9ca31a8372d0c353"; N].join("/");
    let detail = match parts.as_slice() {
        [single] => {
            let noun = single.replace("_id", " id").replace('_', " ");
            let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{id:?} is not {article} {noun}: expected 32 lowercase hexadecimal characters")
        }
        _ => {
            let form: Vec<String> = parts.iter().map(|p| format!("<{p}>")).collect();
            format!(
                "{id:?} is not `{}`: expected {N} Cloudflare ids of 32 lowercase hexadecimal characters, separated by `/`",
                form.join("/")
            )
        }
    };
    Err(Diagnostic::error(
        format!("Invalid import id for {resource_type}"),
        format!("{detail}, e.g. `terraform import {resource_type}.example {example}`."),
    ))
}

/// The import of an object the API does not know: `what` is e.g.
/// "account with id 023e…".
pub fn import_not_found(resource_type: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Cannot import {resource_type}"),
        format!("No {what} exists, or the credentials cannot see it."),
    )
}

/// What a plan is about, beyond the values themselves.
pub struct PlanContext<'a> {
    /// The state before the change; null when creating.
    pub prior: &'a Value,
    pub config: &'a Value,
    /// This plan creates the replacement of an object although the provider
    /// planned no replacement for it: `terraform plan -replace`, or the
    /// object is tainted. (Terraform plans a replacement's create half as a
    /// create, so without this a resource could not tell.)
    pub forced_replacement: bool,
}

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    type Model: Serialize + DeserializeOwned + Send + Sync;
    const TYPE_NAME: &'static str;

    fn schema() -> Schema;

    /// Checks across attributes, beyond the per-attribute schema checks.
    /// The configuration may hold unknown values.
    fn validate(_config: &Value, _diags: &mut Diagnostics) {}

    /// Adjusts the generic plan (which already applied defaults, unknowns,
    /// equivalent spellings and replacements from the schema), or refuses it.
    fn modify_plan(_ctx: &PlanContext, _plan: &mut PlannedChange, _diags: &mut Diagnostics) {}

    /// Warnings for a planned destroy (what cannot be undone).
    fn plan_destroy(_prior: &Value, _diags: &mut Diagnostics) {}

    /// Before a replacement is planned: asks the API whether the new object
    /// can be created, so that a replacement is never planned towards
    /// something the API is known to refuse after the old object is gone.
    /// Values unknown at plan time are `None` in `planned`.
    async fn check_replacement(
        &self,
        _client: &Client,
        _prior: &Self::Model,
        _planned: &Self::Model,
    ) -> Diagnostics {
        Diagnostics::default()
    }

    async fn create(
        &self,
        client: &Client,
        planned: Self::Model,
    ) -> OpResult<Self::Model, Self::Model>;
    /// `Ok(None)` when the object is gone: it was deleted outside Terraform.
    async fn read(
        &self,
        client: &Client,
        state: Self::Model,
    ) -> OpResult<Option<Self::Model>, Self::Model>;
    async fn update(
        &self,
        client: &Client,
        prior: Self::Model,
        planned: Self::Model,
    ) -> OpResult<Self::Model, Self::Model>;
    /// Returns warnings to show (e.g. for objects the API cannot delete).
    async fn delete(
        &self,
        client: &Client,
        state: Self::Model,
    ) -> OpResult<Diagnostics, Self::Model>;
    /// Builds the full state of an existing object from the user's import id.
    async fn import(&self, client: &Client, id: &str) -> OpResult<Self::Model, Self::Model>;
}

#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    type Model: Serialize + DeserializeOwned + Send + Sync;
    const TYPE_NAME: &'static str;

    fn schema() -> Schema;

    async fn read(&self, client: &Client, config: Self::Model) -> Result<Self::Model, Diagnostics>;
}

/// A plan request as the protocol gives it.
pub struct PlanRequest<'a> {
    pub prior: &'a Value,
    pub proposed: &'a Value,
    pub config: &'a Value,
    /// The private data Terraform keeps with the object (or passes from the
    /// first half of a replacement to its create half).
    pub prior_private: &'a [u8],
}

/// A plan as the protocol takes it back.
pub struct PlanResponse {
    pub change: PlannedChange,
    pub diags: Diagnostics,
    pub planned_private: Vec<u8>,
}

/// The private data of an object whose last plan from a prior state planned
/// no replacement. Terraform hands it to the create half of a replacement,
/// which is how [`PlanContext::forced_replacement`] is known.
const PLANNED_IN_PLACE: &str = "planned_in_place";

fn planned_in_place(private: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(private)
        .is_ok_and(|v| v[PLANNED_IN_PLACE] == serde_json::Value::Bool(true))
}

/// A resource as the protocol server sees it: untyped values in and out.
#[async_trait]
pub trait AnyResource: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn plan(&self, client: Option<&Client>, request: PlanRequest<'_>) -> PlanResponse;
    async fn apply(&self, client: &Client, prior: &Value, planned: &Value) -> (Value, Diagnostics);
    async fn read(&self, client: &Client, state: &Value) -> (Value, Diagnostics);
    async fn import(&self, client: &Client, id: &str) -> (Value, Diagnostics);
}

#[async_trait]
pub trait AnyDataSource: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn read(&self, client: &Client, config: &Value) -> (Value, Diagnostics);
}

/// Wraps a typed resource or data source with its schema, built once.
pub struct Registered<R> {
    inner: R,
    schema: Schema,
}

impl<R: Resource> Registered<R> {
    pub fn resource(inner: R) -> Box<dyn AnyResource> {
        Box::new(Registered {
            inner,
            schema: R::schema(),
        })
    }
}

impl<D: DataSource> Registered<D> {
    pub fn data_source(inner: D) -> Box<dyn AnyDataSource> {
        Box::new(Registered {
            inner,
            schema: D::schema(),
        })
    }
}

fn decode<M: DeserializeOwned>(what: &str, v: &Value) -> Result<M, Diagnostics> {
    value::from_value(v).map_err(|e| {
        let mut d = Diagnostics::default();
        d.attr_error(e.path.clone(), format!("Invalid {what}"), format!("{e}"));
        d
    })
}

fn encode<M: Serialize>(schema: &Schema, m: &M, diags: &mut Diagnostics) -> Value {
    match value::to_value(m, &schema.ty()) {
        Ok(v) => v,
        Err(e) => {
            diags.error(
                "Internal error encoding state",
                format!("{e}. Please report this as a provider bug."),
            );
            Value::Null
        }
    }
}

/// Converts an operation's outcome into (new state, diagnostics), keeping a
/// partially created object's state when the operation reports one.
fn settle<M: Serialize>(
    schema: &Schema,
    outcome: OpResult<M, M>,
    fallback: Value,
) -> (Value, Diagnostics) {
    let mut diags = Diagnostics::default();
    match outcome {
        Ok(m) => {
            let v = encode(schema, &m, &mut diags);
            (v, diags)
        }
        Err(f) => {
            diags.extend(f.diags);
            let v = match f.state {
                Some(m) => encode(schema, &m, &mut diags),
                None => fallback,
            };
            (v, diags)
        }
    }
}

#[async_trait]
impl<R: Resource> AnyResource for Registered<R> {
    fn type_name(&self) -> &'static str {
        R::TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = self.schema.validate(config);
        R::validate(config, &mut diags);
        diags
    }

    async fn plan(&self, client: Option<&Client>, request: PlanRequest<'_>) -> PlanResponse {
        let PlanRequest {
            prior,
            proposed,
            config,
            prior_private,
        } = request;
        let mut diags = Diagnostics::default();
        let mut change = plan::plan(&self.schema, prior, proposed, config);
        if !proposed.is_null() {
            // Values from variables and other resources are unknown while
            // Terraform validates, and known now: check them again, so that
            // nothing the checks refuse is ever planned.
            diags.extend(self.validate(config));
            if diags.has_errors() {
                return PlanResponse {
                    change,
                    diags,
                    planned_private: prior_private.to_vec(),
                };
            }
        }
        if proposed.is_null() {
            R::plan_destroy(prior, &mut diags);
            return PlanResponse {
                change,
                diags,
                planned_private: prior_private.to_vec(),
            };
        }
        let ctx = PlanContext {
            prior,
            config,
            forced_replacement: prior.is_null() && planned_in_place(prior_private),
        };
        R::modify_plan(&ctx, &mut change, &mut diags);
        let replacing = !prior.is_null() && !change.requires_replace.is_empty();
        if let (true, false, Some(client)) = (replacing, diags.has_errors(), client) {
            match (
                decode::<R::Model>("state", prior),
                decode::<R::Model>("plan", &change.planned),
            ) {
                (Ok(prior), Ok(planned)) => {
                    diags.extend(self.inner.check_replacement(client, &prior, &planned).await)
                }
                (Err(d), _) | (_, Err(d)) => diags.extend(d),
            }
        }
        let planned_private = if prior.is_null() || replacing {
            Vec::new()
        } else {
            serde_json::json!({ PLANNED_IN_PLACE: true })
                .to_string()
                .into_bytes()
        };
        PlanResponse {
            change,
            diags,
            planned_private,
        }
    }

    async fn apply(&self, client: &Client, prior: &Value, planned: &Value) -> (Value, Diagnostics) {
        if planned.is_null() {
            // Destroy. On failure the object is still there: keep its state.
            let state = match decode::<R::Model>("state", prior) {
                Ok(m) => m,
                Err(d) => return (prior.clone(), d),
            };
            return match self.inner.delete(client, state).await {
                Ok(warnings) => (Value::Null, warnings),
                Err(f) => (prior.clone(), f.diags),
            };
        }
        let planned_model = match decode::<R::Model>("plan", planned) {
            Ok(m) => m,
            Err(d) => {
                return (
                    if prior.is_null() {
                        Value::Null
                    } else {
                        prior.clone()
                    },
                    d,
                )
            }
        };
        let (mut state, diags) = if prior.is_null() {
            let outcome = self.inner.create(client, planned_model).await;
            settle(&self.schema, outcome, Value::Null)
        } else {
            let prior_model = match decode::<R::Model>("state", prior) {
                Ok(m) => m,
                Err(d) => return (prior.clone(), d),
            };
            let outcome = self.inner.update(client, prior_model, planned_model).await;
            settle(&self.schema, outcome, prior.clone())
        };
        // What the API answers in its own words is what was planned.
        plan::keep_equivalent(&self.schema, planned, &mut state);
        (state, diags)
    }

    async fn read(&self, client: &Client, state: &Value) -> (Value, Diagnostics) {
        let model = match decode::<R::Model>("state", state) {
            Ok(m) => m,
            Err(d) => return (state.clone(), d),
        };
        match self.inner.read(client, model).await {
            Ok(Some(m)) => {
                let (mut new, diags) = settle(&self.schema, Ok(m), state.clone());
                plan::keep_equivalent(&self.schema, state, &mut new);
                (new, diags)
            }
            // Gone: a null new state tells Terraform to plan a create.
            Ok(None) => (Value::Null, Diagnostics::default()),
            Err(f) => settle(&self.schema, Err(f), state.clone()),
        }
    }

    async fn import(&self, client: &Client, id: &str) -> (Value, Diagnostics) {
        settle(
            &self.schema,
            self.inner.import(client, id).await,
            Value::Null,
        )
    }
}

#[async_trait]
impl<D: DataSource> AnyDataSource for Registered<D> {
    fn type_name(&self) -> &'static str {
        D::TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        self.schema.validate(config)
    }

    async fn read(&self, client: &Client, config: &Value) -> (Value, Diagnostics) {
        // As for resources: values unknown at validation are known now.
        let checked = self.schema.validate(config);
        if checked.has_errors() {
            return (Value::Null, checked);
        }
        let model = match decode::<D::Model>("configuration", config) {
            Ok(m) => m,
            Err(d) => return (Value::Null, d),
        };
        match self.inner.read(client, model).await {
            Ok(m) => {
                let mut diags = Diagnostics::default();
                let v = encode(&self.schema, &m, &mut diags);
                (v, diags)
            }
            Err(d) => (Value::Null, d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    const B: &str = "4536bcfad5faccb111b47003c79917fa";

    #[test]
    fn import_ids_are_split_and_checked() {
        assert_eq!(parse_import_id("t", A, ["zone_id"]).unwrap(), [A]);
        assert_eq!(
            parse_import_id("t", &format!("{A}/{B}"), ["account_id", "member_id"]).unwrap(),
            [A, B]
        );
        let e =
            parse_import_id("cftenant_account_member", A, ["account_id", "member_id"]).unwrap_err();
        assert!(
            e.detail.contains("`<account_id>/<member_id>`"),
            "{}",
            e.detail
        );
        assert!(e.detail.contains("terraform import cftenant_account_member.example 023e105f4ecef8ad9ca31a8372d0c353/023e105f4ecef8ad9ca31a8372d0c353"));
        assert!(parse_import_id("t", &format!("{A}/{B}/{A}"), ["a", "b"]).is_err());
        assert!(parse_import_id("t", "acme", ["account_id"])
            .unwrap_err()
            .detail
            .contains("32 lowercase hexadecimal"));
        assert!(parse_import_id("t", &format!("{A}/"), ["a", "b"]).is_err());
    }
}
