//! `cftenant_account_subscription`: an account-level add-on subscription
//! (Zero Trust seats, Workers, Stream, …) under `/accounts/{id}/subscriptions`.

use super::subscription::{self, Terms};
use crate::adopt::{self, Candidate, Origin};
use crate::api::paths::{self, ACCOUNTS};
use crate::checks;
use crate::client::{ApiError, Children, Client, Collection};
use crate::diagnostics::{parse_import_id, state_id, Context};
use crate::rate_plans::{same_rate_plan, ApiSubscription, SUBSCRIPTION_EXISTS};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::diag::{Diagnostic, Diagnostics};
use tfplugin::resource::{import_by_reading, Imported, OpResult, Resource};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::value::Type;

pub struct AccountSubscriptionResource;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountSubscription {
    pub id: Option<String>,
    pub account_id: String,
    #[serde(flatten)]
    pub terms: Terms,
}

fn collection(account_id: &str) -> String {
    paths::account_subscriptions(account_id)
}

/// An account's add-ons, one list per account: read ahead once the add-ons
/// of other accounts are read.
static ADD_ON_LISTS: Children<Collection> = Children {
    name: "add-on lists",
    parents: ACCOUNTS,
    of: |account_id| Collection::single_page(collection(account_id)),
};

fn item(account_id: &str, id: &str) -> String {
    paths::account_subscription(account_id, id)
}

/// One subscription, from the account's list: the read both Cloudflare's
/// definition and our reference document (the single GET is only in the
/// latter). `None` when it, or its account, is gone.
async fn find(
    client: &Client,
    account_id: &str,
    id: &str,
) -> Result<Option<ApiSubscription>, Diagnostic> {
    client
        .read_child(&ADD_ON_LISTS, account_id, None, id)
        .await
        .context(|| format!("reading subscription {id} of account {account_id}"))
}

impl AccountSubscription {
    fn from_api(account_id: &str, mut terms: Terms, api: ApiSubscription) -> AccountSubscription {
        let id = api.id.clone();
        terms.merge(api);
        AccountSubscription {
            id,
            account_id: account_id.to_string(),
            terms,
        }
    }
}

#[async_trait]
impl Resource for AccountSubscriptionResource {
    type Client = Client;
    type Model = AccountSubscription;
    const TYPE_NAME: &'static str = "cftenant_account_subscription";

    fn schema() -> Schema {
        let mut attributes = vec![
            Attribute::computed("id", Type::String, "Subscription id."),
            Attribute::required("account_id", Type::String, "The account the subscription belongs to.").check(checks::ID32).replaces(),
            subscription::rate_plan_attribute("Rate plan, e.g. `TEAMS_STANDARD`, `PARTNERS_WORKERS_BASIC`, `PARTNERS_STREAM_BASIC`. Compared case-insensitively."),
        ];
        attributes.extend(subscription::attributes());
        Schema::new(
            "An account-level subscription (add-on). Destroying it cancels the subscription.",
            attributes,
        )
    }

    async fn create(
        &self,
        client: &Client,
        planned: AccountSubscription,
    ) -> OpResult<AccountSubscription, AccountSubscription> {
        let api = adopt::create(client, &planned).await?;
        Ok(AccountSubscription::from_api(
            &planned.account_id,
            planned.terms,
            api,
        ))
    }

    async fn read(
        &self,
        client: &Client,
        state: AccountSubscription,
    ) -> OpResult<Option<AccountSubscription>, AccountSubscription> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        let found = find(client, &state.account_id, &id).await?;
        Ok(found.map(|api| AccountSubscription::from_api(&state.account_id, state.terms, api)))
    }

    async fn update(
        &self,
        client: &Client,
        prior: AccountSubscription,
        planned: AccountSubscription,
    ) -> OpResult<AccountSubscription, AccountSubscription> {
        let id = state_id(Self::TYPE_NAME, &prior.id)?.to_string();
        let api: ApiSubscription = client
            .put(&item(&planned.account_id, &id), &planned.terms.body())
            .await
            .context(|| {
                format!(
                    "updating subscription {id} of account {}",
                    planned.account_id
                )
            })?;
        Ok(AccountSubscription::from_api(
            &planned.account_id,
            planned.terms,
            api,
        ))
    }

    async fn delete(
        &self,
        client: &Client,
        state: AccountSubscription,
    ) -> OpResult<Diagnostics, AccountSubscription> {
        let id = state_id(Self::TYPE_NAME, &state.id)?.to_string();
        client
            .delete_if_exists(&item(&state.account_id, &id))
            .await
            .context(|| {
                format!(
                    "cancelling subscription {id} of account {}",
                    state.account_id
                )
            })?;
        Ok(Diagnostics::default())
    }

    async fn import(
        &self,
        client: &Client,
        import_id: &str,
    ) -> OpResult<Imported<AccountSubscription>, AccountSubscription> {
        let [account_id, id] = parse_import_id(
            Self::TYPE_NAME,
            import_id,
            ["account_id", "subscription_id"],
        )?;
        let state = AccountSubscription {
            id: Some(id.to_string()),
            account_id: account_id.to_string(),
            terms: Terms::default(),
        };
        import_by_reading(
            self,
            client,
            state,
            &format!("subscription with id {id} in account {account_id}"),
        )
        .await
    }
}

/// Subscriptions carry no creation time: a POST that lost its answer is
/// settled by an import when the account has the add-on.
#[async_trait]
impl adopt::Create for AccountSubscription {
    type Made = ApiSubscription;
    const RESOURCE_TYPE: &'static str = AccountSubscriptionResource::TYPE_NAME;
    const UNIQUE: &'static str = "one subscription per rate plan in an account";
    const EXISTS_CODES: &'static [i64] = &[SUBSCRIPTION_EXISTS];

    fn what(&self) -> String {
        format!(
            "subscription {} of account {}",
            self.terms.rate_plan_id, self.account_id
        )
    }

    fn import_id(&self, id: &str) -> String {
        format!("{}/{id}", self.account_id)
    }

    async fn post(&self, client: &Client) -> Result<ApiSubscription, ApiError> {
        client
            .post(&collection(&self.account_id), &self.terms.body())
            .await
    }

    /// The account's subscriptions to this rate plan (what the API keeps
    /// unique): one on other terms is never ours, but is named when the
    /// API refuses the create as existing.
    async fn lookup(&self, client: &Client) -> Result<Vec<Candidate<ApiSubscription>>, ApiError> {
        let all: Vec<ApiSubscription> = client.get(&collection(&self.account_id)).await?;
        Ok(all
            .into_iter()
            .filter(|s| {
                s.rate_plan
                    .as_ref()
                    .is_some_and(|r| same_rate_plan(&r.id, &self.terms.rate_plan_id))
            })
            .map(|s| {
                let id = s.id.clone().unwrap_or_default();
                match self.terms.is_satisfied_by(&s) {
                    true => Candidate::created(id, None, s),
                    false => Candidate {
                        id,
                        origin: Origin::Differs,
                        object: s,
                    },
                }
            })
            .collect())
    }
}
