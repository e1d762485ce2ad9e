//! What a resource and a data source implement, and the adapters that turn
//! Terraform's untyped requests into calls on them.
//!
//! A resource works with its typed model; everything generic (decoding,
//! validation, planning, the "gone" convention, keeping partially created
//! objects in state, keeping equivalent spellings) happens here once.

use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::{self, PlannedChange};
use crate::schema::Schema;
use crate::value::{self, AttrPath, Type, Value};
use async_trait::async_trait;
use serde::{de::DeserializeOwned, Serialize};

/// A failed operation. `state` is set when the object exists despite the
/// failure, so that Terraform records it (tainted) instead of losing track
/// of it.
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

/// An imported object, with warnings to show beside it (a part of it that
/// could not be read, say).
pub struct Imported<M> {
    pub model: M,
    pub warnings: Diagnostics,
}

impl<M> From<M> for Imported<M> {
    fn from(model: M) -> Self {
        Imported {
            model,
            warnings: Diagnostics::default(),
        }
    }
}

/// A planned create, update or replacement, for a resource's review of it
/// ([`Resource::review_plan`]).
pub struct Change<'a, M> {
    /// The object as it is; `None` for a create (the new half of a
    /// replacement included).
    pub prior: Option<&'a M>,
    /// The object as planned. Computed values not known until apply read
    /// as `None`.
    pub planned: &'a M,
    /// The plan replaces the prior object: an attribute that replaces
    /// changed.
    pub replacing: bool,
    /// This create is the new half of a replacement (planned again from a
    /// null prior): one the provider planned, or `-replace`.
    pub new_half: bool,
    /// This create replaces an object although the provider planned no
    /// replacement for it: `terraform plan -replace`. (A tainted object's
    /// new half cannot be told from a create: Terraform passes it no
    /// private data.)
    pub forced: bool,
    /// The attributes whose planned values are not known yet (another
    /// resource's apply decides them). A required one reads as its type's
    /// empty value (`""`), an optional one as `None`: a review that needs
    /// a value asks [`Change::known`] first.
    pub unknown: Vec<&'static str>,
}

impl<M> Change<'_, M> {
    /// Whether the planned value of `attribute` is known.
    pub fn known(&self, attribute: &str) -> bool {
        !self.unknown.contains(&attribute)
    }

    /// A new object is made: a create, or a replacement.
    pub fn creates(&self) -> bool {
        self.prior.is_none() || self.replacing
    }

    /// The change replaces an object, in either of its halves.
    pub fn replaces(&self) -> bool {
        self.replacing || self.new_half
    }
}

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// What the provider hands every call once configured (an API client).
    type Client: Send + Sync + 'static;
    /// The state as a typed struct, its fields named as the schema's
    /// attributes (`Option<T>` for anything that may be null).
    type Model: Serialize + DeserializeOwned + Send + Sync;
    const TYPE_NAME: &'static str;

    fn schema() -> Schema;

    /// Reviews a planned change before Terraform shows it: what would fail
    /// at apply is refused (errors pointed at their attribute), so that a
    /// replacement is never planned towards something refused once the old
    /// object is gone; what the user must know is a warning. `client` is
    /// there once the provider is configured (not when its configuration is
    /// not known yet). Values another resource's apply decides are not
    /// known ([`Change::known`]): what depends on them is reviewed again
    /// when Terraform plans the change at apply. Called for every create and
    /// change whose planned values read as the model; refusals the schema can
    /// declare ([`Attribute::unchangeable`](crate::schema::Attribute::unchangeable),
    /// [`refused_on_create`](crate::schema::Attribute::refused_on_create))
    /// are made before it.
    async fn review_plan(
        &self,
        _client: Option<&Self::Client>,
        _change: &Change<'_, Self::Model>,
    ) -> Diagnostics {
        Diagnostics::default()
    }

    /// Told of the object as it is at every plan of it (kept, changed,
    /// replaced or destroyed), before any review: so a review of another
    /// object in the run can know which objects this configuration holds.
    /// A tainted object is not planned from (Terraform plans its
    /// replacement as a create), nor is any object a plan of the whole run
    /// leaves out (`-target`). `client` is `None` while the provider's
    /// configuration is unknown.
    async fn note_planned(&self, _client: Option<&Self::Client>, _prior: &Self::Model) {}

    /// Warnings for a planned destroy (what cannot be undone, what the
    /// apply will refuse). `client` is `None` while the provider's
    /// configuration is unknown. In a destroy-mode plan Terraform plans the
    /// destroys in dependency order, dependents first; in a normal plan the
    /// destroys of removed resources are planned side by side.
    async fn review_destroy(
        &self,
        _client: Option<&Self::Client>,
        _prior: &Self::Model,
    ) -> Diagnostics {
        Diagnostics::default()
    }

    async fn create(
        &self,
        client: &Self::Client,
        planned: Self::Model,
    ) -> OpResult<Self::Model, Self::Model>;
    /// `Ok(None)` when the object is gone: it was deleted outside Terraform.
    async fn read(
        &self,
        client: &Self::Client,
        state: Self::Model,
    ) -> OpResult<Option<Self::Model>, Self::Model>;
    async fn update(
        &self,
        client: &Self::Client,
        prior: Self::Model,
        planned: Self::Model,
    ) -> OpResult<Self::Model, Self::Model>;
    /// Returns warnings to show (e.g. for objects that cannot be deleted).
    async fn delete(
        &self,
        client: &Self::Client,
        state: Self::Model,
    ) -> OpResult<Diagnostics, Self::Model>;
    /// Builds the full state of an existing object from the user's import id.
    async fn import(
        &self,
        client: &Self::Client,
        id: &str,
    ) -> OpResult<Imported<Self::Model>, Self::Model>;
}

#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    type Client: Send + Sync + 'static;
    type Model: Serialize + DeserializeOwned + Send + Sync;
    const TYPE_NAME: &'static str;

    fn schema() -> Schema;

    async fn read(
        &self,
        client: &Self::Client,
        config: Self::Model,
    ) -> Result<Self::Model, Diagnostics>;
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
/// no replacement. Terraform hands it to the create half of a `-replace`,
/// which is how [`Change::forced`] is known. (Not to that
/// of a tainted object: Terraform plans it as a plain create, without the
/// object's private data.)
const PLANNED_IN_PLACE: &str = "planned_in_place";

/// The private data of an object whose plan is a replacement the provider
/// planned (an attribute that replaces changed): its create half, planned
/// again from a null prior, is told apart from a plain create by it.
const PLANNED_REPLACEMENT: &str = "planned_replacement";

/// The records of the configuration ([`Schema`] attributes made with
/// `Attribute::configured_paths`) are the plan's, never the API's: an apply
/// stores what was planned, a read keeps what the state holds.
fn keep_records(schema: &Schema, from: &Value, to: &mut Value) {
    for a in schema.attributes.iter().filter(|a| a.records_configuration) {
        to.set_attr(a.name, from.attr(a.name).clone());
    }
}

fn marked(private: &[u8], key: &str) -> bool {
    serde_json::from_slice::<serde_json::Value>(private)
        .is_ok_and(|v| v[key] == serde_json::Value::Bool(true))
}

fn planned_in_place(private: &[u8]) -> bool {
    marked(private, PLANNED_IN_PLACE)
}

/// A resource as the protocol server sees it: untyped values in and out.
#[async_trait]
pub trait AnyResource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    /// Checks that the typed model has a field for every attribute of the
    /// schema and nothing else, so that no attribute is silently dropped
    /// or left null (for a test over every registered resource).
    fn check_model(&self) -> Result<(), String>;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn plan(&self, client: Option<&C>, request: PlanRequest<'_>) -> PlanResponse;
    async fn apply(&self, client: &C, prior: &Value, planned: &Value) -> (Value, Diagnostics);
    async fn read(&self, client: &C, state: &Value) -> (Value, Diagnostics);
    async fn import(&self, client: &C, id: &str) -> (Value, Diagnostics);
}

#[async_trait]
pub trait AnyDataSource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    /// See [`AnyResource::check_model`].
    fn check_model(&self) -> Result<(), String>;
    fn validate(&self, config: &Value) -> Diagnostics;
    async fn read(&self, client: &C, config: &Value) -> (Value, Diagnostics);
}

/// Adapts a typed resource to [`AnyResource`], with its schema built once.
pub struct ResourceAdapter<R> {
    inner: R,
    schema: Schema,
}

impl<R: Resource> ResourceAdapter<R> {
    /// The resource's review of a planned change, its values read as the
    /// model: a required value not known yet reads as its type's empty
    /// value, and is named in [`Change::unknown`].
    async fn review(
        &self,
        client: Option<&R::Client>,
        prior: &Value,
        planned: &Value,
        (replacing, new_half, forced): (bool, bool, bool),
    ) -> Diagnostics {
        let unknown: Vec<&'static str> = self
            .schema
            .attributes
            .iter()
            .filter(|a| !planned.attr(a.name).is_wholly_known())
            .map(|a| a.name)
            .collect();
        let readable = self.with_placeholders(planned);
        let prior_model = match prior.is_null() {
            true => Ok(None),
            false => to_model::<R::Model>("state", prior).map(Some),
        };
        match (prior_model, to_model::<R::Model>("plan", &readable)) {
            (Ok(prior), Ok(planned)) => {
                let change = Change {
                    prior: prior.as_ref(),
                    planned: &planned,
                    replacing,
                    new_half,
                    forced,
                    unknown,
                };
                self.inner.review_plan(client, &change).await
            }
            (Err(d), _) | (_, Err(d)) => d,
        }
    }

    /// `planned` with each attribute not wholly known yet (unknown, or a
    /// list or object with an unknown inside) set to what reads as the
    /// model: its type's empty value when it is required, else null.
    fn with_placeholders(&self, planned: &Value) -> Value {
        let Value::Object(attrs) = planned else {
            return planned.clone();
        };
        let mut attrs = attrs.clone();
        for a in &self.schema.attributes {
            if attrs.get(a.name).is_some_and(|v| !v.is_wholly_known()) {
                let placeholder = match a.required {
                    true => empty_value(&a.ty),
                    false => Value::Null,
                };
                attrs.insert(a.name.to_string(), placeholder);
            }
        }
        Value::Object(attrs)
    }

    pub fn boxed(inner: R) -> Box<dyn AnyResource<R::Client>> {
        Box::new(ResourceAdapter {
            inner,
            schema: R::schema(),
        })
    }
}

/// Adapts a typed data source to [`AnyDataSource`], with its schema built once.
pub struct DataSourceAdapter<D> {
    inner: D,
    schema: Schema,
}

impl<D: DataSource> DataSourceAdapter<D> {
    pub fn boxed(inner: D) -> Box<dyn AnyDataSource<D::Client>> {
        Box::new(DataSourceAdapter {
            inner,
            schema: D::schema(),
        })
    }
}

/// An import whose id gives the object's identity: `state` holds it, and a
/// read fills in the rest. An object the read does not find is an error
/// naming it (`what`: `zone with id …`).
pub async fn import_by_reading<R: Resource>(
    resource: &R,
    client: &R::Client,
    state: R::Model,
    what: &str,
) -> OpResult<Imported<R::Model>, R::Model> {
    match resource.read(client, state).await? {
        Some(model) => Ok(model.into()),
        None => Err(import_not_found(R::TYPE_NAME, what).into()),
    }
}

/// An import that found nothing: `what` names it (`zone with id …`).
pub fn import_not_found(type_name: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Cannot import {type_name}"),
        format!("No {what} exists, or the credentials cannot see it."),
    )
}

/// The empty value of a type: what a required value not known yet reads as.
fn empty_value(ty: &Type) -> Value {
    match ty {
        Type::Bool => Value::Bool(false),
        Type::Number => Value::Number(0.into()),
        Type::String => Value::String(String::new()),
        Type::List(_) => Value::List(Vec::new()),
        Type::Set(_) => Value::Set(Vec::new()),
        Type::Map(_) => Value::Map(Default::default()),
        Type::Object(attrs) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), empty_value(t)))
                .collect(),
        ),
    }
}

/// A value as the typed model, or a diagnostic at the attribute that does
/// not fit (`what` says which value: state, plan, configuration).
fn to_model<M: DeserializeOwned>(what: &str, v: &Value) -> Result<M, Diagnostics> {
    value::from_value(v).map_err(|e| {
        let mut d = Diagnostics::default();
        d.attr_error(e.path.clone(), format!("Invalid {what}"), format!("{e}"));
        d
    })
}

/// A typed model as a value of the schema's type.
fn from_model<M: Serialize>(schema: &Schema, m: &M, diags: &mut Diagnostics) -> Value {
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

/// A value of `ty` in which nothing is null and every collection has an
/// element: what a model must carry through unchanged.
fn full_sample(ty: &crate::value::Type) -> Value {
    use crate::value::Type;
    match ty {
        Type::Bool => Value::Bool(true),
        Type::Number => Value::Number(7.into()),
        Type::String => Value::String("sample".into()),
        Type::List(t) => Value::List(vec![full_sample(t)]),
        Type::Set(t) => Value::Set(vec![full_sample(t)]),
        Type::Map(t) => Value::Map([("key".to_string(), full_sample(t))].into()),
        Type::Object(attrs) => Value::Object(
            attrs
                .iter()
                .map(|(name, t)| (name.clone(), full_sample(t)))
                .collect(),
        ),
    }
}

/// Round-trips a full sample of the schema's type through the model `M`.
fn check_model_of<M: Serialize + DeserializeOwned>(schema: &Schema) -> Result<(), String> {
    let sample = full_sample(&schema.ty());
    let model: M = value::from_value(&sample)
        .map_err(|e| format!("the model cannot hold the schema's values: {e}"))?;
    let back = value::to_value(&model, &schema.ty())
        .map_err(|e| format!("the model does not fit the schema: {e}"))?;
    for a in &schema.attributes {
        let (sent, kept) = (sample.attr(a.name), back.attr(a.name));
        if !kept.semantically_equal(sent) {
            return Err(format!(
                "attribute `{}` does not survive the model: {sent:?} became {kept:?} (no field, another name, or another shape)",
                a.name
            ));
        }
    }
    Ok(())
}

/// The new state an operation's outcome leaves: its model, the partially
/// created object a failure reports, or `unchanged` when there is neither.
fn state_after<M: Serialize>(
    schema: &Schema,
    outcome: OpResult<M, M>,
    unchanged: Value,
) -> (Value, Diagnostics) {
    let mut diags = Diagnostics::default();
    match outcome {
        Ok(m) => {
            let v = from_model(schema, &m, &mut diags);
            (v, diags)
        }
        Err(f) => {
            diags.extend(f.diags);
            let v = match f.state {
                Some(m) => from_model(schema, &m, &mut diags),
                None => unchanged,
            };
            (v, diags)
        }
    }
}

#[async_trait]
impl<R: Resource> AnyResource<R::Client> for ResourceAdapter<R> {
    fn type_name(&self) -> &'static str {
        R::TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_model(&self) -> Result<(), String> {
        check_model_of::<R::Model>(&self.schema)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        self.schema.validate(config)
    }

    async fn plan(&self, client: Option<&R::Client>, request: PlanRequest<'_>) -> PlanResponse {
        let PlanRequest {
            prior,
            proposed,
            config,
            prior_private,
        } = request;
        let mut diags = Diagnostics::default();
        let change = plan::plan(&self.schema, prior, proposed, config);
        let prior_model = match prior.is_null() {
            true => None,
            false => to_model::<R::Model>("state", prior).ok(),
        };
        if let Some(prior) = &prior_model {
            self.inner.note_planned(client, prior).await;
        }
        if proposed.is_null() {
            if let Some(prior) = &prior_model {
                diags.extend(self.inner.review_destroy(client, prior).await);
            }
        } else {
            // Values from variables and other resources are unknown while
            // Terraform validates, and known now: check them again, so that
            // nothing the checks refuse is ever planned.
            diags.extend(self.validate(config));
        }
        if proposed.is_null() || diags.has_errors() {
            return PlanResponse {
                change,
                diags,
                planned_private: prior_private.to_vec(),
            };
        }
        let replacing = !prior.is_null() && !change.requires_replace.is_empty();
        let forced = prior.is_null() && planned_in_place(prior_private);
        // The create half of a replacement, planned again from a null prior.
        let new_half = forced || (prior.is_null() && marked(prior_private, PLANNED_REPLACEMENT));
        if replacing {
            diags.extend(plan::replacement_drops(&self.schema, prior, config));
        }
        diags.extend(plan::refusals(&self.schema, prior, &change, config));
        if !diags.has_errors() && !change.planned.semantically_equal(prior) {
            diags.extend(
                self.review(
                    client,
                    prior,
                    &change.planned,
                    (replacing, new_half, forced),
                )
                .await,
            );
        }
        let planned_private = match (prior.is_null(), replacing) {
            (true, _) => Vec::new(),
            (false, true) => serde_json::json!({ PLANNED_REPLACEMENT: true })
                .to_string()
                .into_bytes(),
            (false, false) => serde_json::json!({ PLANNED_IN_PLACE: true })
                .to_string()
                .into_bytes(),
        };
        PlanResponse {
            change,
            diags,
            planned_private,
        }
    }

    async fn apply(
        &self,
        client: &R::Client,
        prior: &Value,
        planned: &Value,
    ) -> (Value, Diagnostics) {
        if planned.is_null() {
            // Destroy. On failure the object is still there: keep its state.
            let state = match to_model::<R::Model>("state", prior) {
                Ok(m) => m,
                Err(d) => return (prior.clone(), d),
            };
            return match self.inner.delete(client, state).await {
                Ok(warnings) => (Value::Null, warnings),
                Err(f) => (prior.clone(), f.diags),
            };
        }
        let planned_model = match to_model::<R::Model>("plan", planned) {
            Ok(m) => m,
            Err(d) => return (prior.clone(), d),
        };
        let (mut state, diags) = if prior.is_null() {
            let outcome = self.inner.create(client, planned_model).await;
            state_after(&self.schema, outcome, Value::Null)
        } else {
            let prior_model = match to_model::<R::Model>("state", prior) {
                Ok(m) => m,
                Err(d) => return (prior.clone(), d),
            };
            let outcome = self.inner.update(client, prior_model, planned_model).await;
            state_after(&self.schema, outcome, prior.clone())
        };
        // What the API answers in its own words is what was planned.
        plan::keep_planned(&self.schema, planned, &mut state);
        let mut diags = diags;
        if !state.is_null() && !diags.has_errors() {
            let root = AttrPath::root();
            plan::keep_what_was_sent(
                &self.schema.attributes,
                &root,
                prior,
                planned,
                &mut state,
                &mut diags,
            );
        }
        if !state.is_null() && !diags.has_errors() {
            keep_records(&self.schema, planned, &mut state);
        }
        (state, diags)
    }

    async fn read(&self, client: &R::Client, state: &Value) -> (Value, Diagnostics) {
        let model = match to_model::<R::Model>("state", state) {
            Ok(m) => m,
            Err(d) => return (state.clone(), d),
        };
        match self.inner.read(client, model).await {
            Ok(Some(m)) => {
                let (mut new, diags) = state_after(&self.schema, Ok(m), state.clone());
                plan::keep_state(&self.schema, state, &mut new);
                keep_records(&self.schema, state, &mut new);
                (new, diags)
            }
            // Gone: a null new state tells Terraform to plan a create.
            Ok(None) => (Value::Null, Diagnostics::default()),
            Err(f) => state_after(&self.schema, Err(f), state.clone()),
        }
    }

    async fn import(&self, client: &R::Client, id: &str) -> (Value, Diagnostics) {
        match self.inner.import(client, id).await {
            Ok(imported) => {
                let (state, mut diags) = state_after(&self.schema, Ok(imported.model), Value::Null);
                diags.extend(imported.warnings);
                (state, diags)
            }
            Err(f) => state_after(&self.schema, Err(f), Value::Null),
        }
    }
}

#[async_trait]
impl<D: DataSource> AnyDataSource<D::Client> for DataSourceAdapter<D> {
    fn type_name(&self) -> &'static str {
        D::TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_model(&self) -> Result<(), String> {
        check_model_of::<D::Model>(&self.schema)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        self.schema.validate(config)
    }

    async fn read(&self, client: &D::Client, config: &Value) -> (Value, Diagnostics) {
        // As for resources: values unknown at validation are known now.
        let checked = self.schema.validate(config);
        if checked.has_errors() {
            return (Value::Null, checked);
        }
        let model = match to_model::<D::Model>("configuration", config) {
            Ok(m) => m,
            Err(d) => return (Value::Null, d),
        };
        match self.inner.read(client, model).await {
            Ok(m) => {
                let mut diags = Diagnostics::default();
                let v = from_model(&self.schema, &m, &mut diags);
                (v, diags)
            }
            Err(d) => (Value::Null, d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;
    use crate::value::Type;
    use serde::Deserialize;
    use std::sync::Mutex;

    /// A resource over an in-memory store, to test the adapter alone.
    struct Widgets {
        store: Mutex<Vec<Widget>>,
    }

    #[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
    struct Widget {
        id: Option<String>,
        name: String,
        size: Option<i64>,
    }

    /// Sizes above this fail the create after the object exists.
    const BREAKS_AFTER_CREATE: i64 = 100;

    #[async_trait]
    impl Resource for Widgets {
        type Client = ();
        type Model = Widget;
        const TYPE_NAME: &'static str = "test_widget";

        fn schema() -> Schema {
            Schema::new(
                "Widgets.",
                vec![
                    Attribute::computed("id", Type::String, "Id."),
                    Attribute::required("name", Type::String, "Name.")
                        .equivalent(|a, b| a.eq_ignore_ascii_case(b)),
                    Attribute::optional("size", Type::Number, "Size."),
                ],
            )
        }

        async fn create(&self, _: &(), mut planned: Widget) -> OpResult<Widget, Widget> {
            let mut store = self.store.lock().unwrap();
            planned.id = Some(format!("w{}", store.len()));
            // The API reports names in lower case.
            planned.name = planned.name.to_lowercase();
            store.push(planned.clone());
            if planned.size.unwrap_or(0) > BREAKS_AFTER_CREATE {
                return Err(Failure {
                    diags: Diagnostic::error("second step failed", "").into(),
                    state: Some(planned),
                });
            }
            Ok(planned)
        }

        async fn read(&self, _: &(), state: Widget) -> OpResult<Option<Widget>, Widget> {
            Ok(self
                .store
                .lock()
                .unwrap()
                .iter()
                .find(|w| w.id == state.id)
                .cloned())
        }

        async fn update(&self, _: &(), _: Widget, planned: Widget) -> OpResult<Widget, Widget> {
            Ok(planned)
        }

        async fn delete(&self, _: &(), state: Widget) -> OpResult<Diagnostics, Widget> {
            self.store.lock().unwrap().retain(|w| w.id != state.id);
            Ok(Diagnostics::default())
        }

        async fn import(&self, c: &(), id: &str) -> OpResult<Imported<Widget>, Widget> {
            let state = Widget {
                id: Some(id.into()),
                ..Default::default()
            };
            self.read(c, state)
                .await?
                .map(Into::into)
                .ok_or_else(|| Diagnostic::error("no such widget", id).into())
        }
    }

    fn adapter() -> Box<dyn AnyResource<()>> {
        ResourceAdapter::boxed(Widgets {
            store: Mutex::new(Vec::new()),
        })
    }

    fn widget(name: &str, size: Option<i64>) -> Value {
        let w = Widget {
            id: None,
            name: name.into(),
            size,
        };
        value::to_value(&w, &Widgets::schema().ty()).unwrap()
    }

    async fn create(a: &dyn AnyResource<()>, config: &Value) -> (Value, Diagnostics) {
        let planned = a
            .plan(
                Some(&()),
                PlanRequest {
                    prior: &Value::Null,
                    proposed: config,
                    config,
                    prior_private: &[],
                },
            )
            .await
            .change
            .planned;
        a.apply(&(), &Value::Null, &planned).await
    }

    #[test]
    fn a_model_without_a_field_of_the_schema_is_found_out() {
        assert_eq!(adapter().check_model(), Ok(()));
        #[derive(Serialize, Deserialize)]
        struct Short {
            id: Option<String>,
            name: String,
        }
        let e = check_model_of::<Short>(&Widgets::schema()).unwrap_err();
        assert!(e.contains("`size`"), "{e}");
        #[derive(Serialize, Deserialize)]
        struct Renamed {
            id: Option<String>,
            name: String,
            #[serde(rename = "sizes")]
            size: Option<i64>,
        }
        assert!(check_model_of::<Renamed>(&Widgets::schema()).is_err());
    }

    #[tokio::test]
    async fn an_object_gone_reads_as_null_state() {
        let a = adapter();
        let (state, diags) = create(a.as_ref(), &widget("one", None)).await;
        assert!(!diags.has_errors());
        let (read, _) = a.read(&(), &state).await;
        assert_eq!(read.attr("id"), state.attr("id"));
        a.apply(&(), &state, &Value::Null).await;
        let (gone, diags) = a.read(&(), &state).await;
        assert!(
            gone.is_null(),
            "a deleted object must plan a create: {gone:?}"
        );
        assert!(diags.0.is_empty());
    }

    #[tokio::test]
    async fn a_failed_create_keeps_what_exists_in_state() {
        let a = adapter();
        let (state, diags) =
            create(a.as_ref(), &widget("big", Some(BREAKS_AFTER_CREATE + 1))).await;
        assert!(diags.has_errors());
        assert_eq!(state.attr("id"), &Value::String("w0".into()), "{state:?}");
    }

    #[tokio::test]
    async fn the_planned_spelling_survives_the_apis_own() {
        let a = adapter();
        let (state, _) = create(a.as_ref(), &widget("Mixed Case", None)).await;
        assert_eq!(state.attr("name"), &Value::String("Mixed Case".into()));
        let (read, _) = a.read(&(), &state).await;
        assert_eq!(read.attr("name"), &Value::String("Mixed Case".into()));
    }

    #[tokio::test]
    async fn a_replacement_the_provider_did_not_plan_is_flagged_to_its_create_half() {
        let a = adapter();
        let (state, _) = create(a.as_ref(), &widget("w", None)).await;
        let config = widget("w", None);
        let first = a
            .plan(
                Some(&()),
                PlanRequest {
                    prior: &state,
                    proposed: &state,
                    config: &config,
                    prior_private: &[],
                },
            )
            .await;
        assert!(first.change.requires_replace.is_empty());
        assert!(planned_in_place(&first.planned_private));
        // With a size: an in-place change; a plain create knows no prior.
        assert!(!planned_in_place(b""));
    }

    #[tokio::test]
    async fn a_replacement_towards_values_unknown_at_plan_is_planned() {
        struct Replaced;
        #[async_trait]
        impl Resource for Replaced {
            type Client = ();
            type Model = Widget;
            const TYPE_NAME: &'static str = "test_replaced";
            fn schema() -> Schema {
                Schema::new(
                    "",
                    vec![
                        Attribute::computed("id", Type::String, ""),
                        Attribute::required("name", Type::String, "").replaces(),
                        Attribute::optional("size", Type::Number, ""),
                    ],
                )
            }
            async fn review_plan(
                &self,
                _: Option<&()>,
                change: &Change<'_, Widget>,
            ) -> Diagnostics {
                // The review is told which value it cannot use yet; the
                // name reads as empty, not as a value to check.
                assert!(!change.known("name"), "the new name is unknown");
                assert!(change.known("size"));
                assert_eq!(change.planned.name, "");
                Diagnostics::default()
            }
            async fn create(&self, _: &(), p: Widget) -> OpResult<Widget, Widget> {
                Ok(p)
            }
            async fn read(&self, _: &(), s: Widget) -> OpResult<Option<Widget>, Widget> {
                Ok(Some(s))
            }
            async fn update(&self, _: &(), _: Widget, p: Widget) -> OpResult<Widget, Widget> {
                Ok(p)
            }
            async fn delete(&self, _: &(), _: Widget) -> OpResult<Diagnostics, Widget> {
                Ok(Diagnostics::default())
            }
            async fn import(&self, _: &(), _: &str) -> OpResult<Imported<Widget>, Widget> {
                Err(Diagnostic::error("", "").into())
            }
        }
        let a = ResourceAdapter::boxed(Replaced);
        let mut prior = widget("old", None);
        prior.set_attr("id", Value::String("w0".into()));
        // The name comes from a resource being replaced: unknown.
        let mut config = widget("x", None);
        config.set_attr("name", Value::Unknown);
        let mut proposed = prior.clone();
        proposed.set_attr("name", Value::Unknown);
        let plan = a
            .plan(
                Some(&()),
                PlanRequest {
                    prior: &prior,
                    proposed: &proposed,
                    config: &config,
                    prior_private: &[],
                },
            )
            .await;
        assert!(!plan.diags.has_errors(), "{:?}", plan.diags);
        assert_eq!(plan.change.requires_replace.len(), 1);
    }

    #[tokio::test]
    async fn every_plan_from_an_object_is_noted_and_no_create() {
        struct Noted;
        #[async_trait]
        impl Resource for Noted {
            type Client = std::sync::Mutex<Vec<String>>;
            type Model = Widget;
            const TYPE_NAME: &'static str = "test_noted";
            fn schema() -> Schema {
                Schema::new(
                    "",
                    vec![
                        Attribute::computed("id", Type::String, ""),
                        Attribute::required("name", Type::String, "").replaces(),
                        Attribute::optional("size", Type::Number, ""),
                    ],
                )
            }
            async fn note_planned(&self, noted: Option<&Self::Client>, prior: &Widget) {
                let id = prior.id.clone().unwrap_or_default();
                noted.expect("configured").lock().unwrap().push(id);
            }
            async fn create(&self, _: &Self::Client, p: Widget) -> OpResult<Widget, Widget> {
                Ok(p)
            }
            async fn read(&self, _: &Self::Client, s: Widget) -> OpResult<Option<Widget>, Widget> {
                Ok(Some(s))
            }
            async fn update(
                &self,
                _: &Self::Client,
                _: Widget,
                p: Widget,
            ) -> OpResult<Widget, Widget> {
                Ok(p)
            }
            async fn delete(&self, _: &Self::Client, _: Widget) -> OpResult<Diagnostics, Widget> {
                Ok(Diagnostics::default())
            }
            async fn import(
                &self,
                _: &Self::Client,
                _: &str,
            ) -> OpResult<Imported<Widget>, Widget> {
                Err(Diagnostic::error("", "").into())
            }
        }
        let a = ResourceAdapter::boxed(Noted);
        let noted = std::sync::Mutex::new(Vec::new());
        let object = |id: &str, name: &str, size: Option<i64>| {
            let mut w = widget(name, size);
            w.set_attr("id", Value::String(id.into()));
            w
        };
        let kept = object("kept", "a", None);
        let changed = object("changed", "a", None);
        let replaced = object("replaced", "a", None);
        let destroyed = object("destroyed", "a", None);
        let null = Value::Null;
        for (prior, proposed, config) in [
            (&kept, kept.clone(), widget("a", None)),
            (
                &changed,
                object("changed", "a", Some(2)),
                widget("a", Some(2)),
            ),
            (&replaced, object("replaced", "b", None), widget("b", None)),
            (&destroyed, Value::Null, Value::Null),
            (&null, widget("new", None), widget("new", None)),
        ] {
            let plan = a
                .plan(
                    Some(&noted),
                    PlanRequest {
                        prior,
                        proposed: &proposed,
                        config: &config,
                        prior_private: &[],
                    },
                )
                .await;
            assert!(!plan.diags.has_errors(), "{:?}", plan.diags);
        }
        assert_eq!(
            *noted.lock().unwrap(),
            ["kept", "changed", "replaced", "destroyed"]
        );
    }

    #[tokio::test]
    async fn values_known_only_at_plan_are_checked_then() {
        struct Checked;
        #[async_trait]
        impl Resource for Checked {
            type Client = ();
            type Model = Widget;
            const TYPE_NAME: &'static str = "test_checked";
            fn schema() -> Schema {
                Schema::new(
                    "",
                    vec![
                        Attribute::computed("id", Type::String, ""),
                        Attribute::required("name", Type::String, "")
                            .check(crate::schema::Check::MaxLen(3)),
                        Attribute::optional("size", Type::Number, ""),
                    ],
                )
            }
            async fn create(&self, _: &(), p: Widget) -> OpResult<Widget, Widget> {
                Ok(p)
            }
            async fn read(&self, _: &(), s: Widget) -> OpResult<Option<Widget>, Widget> {
                Ok(Some(s))
            }
            async fn update(&self, _: &(), _: Widget, p: Widget) -> OpResult<Widget, Widget> {
                Ok(p)
            }
            async fn delete(&self, _: &(), _: Widget) -> OpResult<Diagnostics, Widget> {
                Ok(Diagnostics::default())
            }
            async fn import(&self, _: &(), _: &str) -> OpResult<Imported<Widget>, Widget> {
                Err(Diagnostic::error("", "").into())
            }
        }
        let a = ResourceAdapter::boxed(Checked);
        let config = widget("too long", None);
        let mut unknown = config.clone();
        unknown.set_attr("name", Value::Unknown);
        assert!(!a.validate(&unknown).has_errors(), "unknown at validation");
        let plan = a
            .plan(
                Some(&()),
                PlanRequest {
                    prior: &Value::Null,
                    proposed: &config,
                    config: &config,
                    prior_private: &[],
                },
            )
            .await;
        assert!(plan.diags.has_errors(), "refused once known");
    }
}
