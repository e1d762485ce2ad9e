//! The shape most data sources share: the id of one parent (a tenant, an
//! account) in, the list of what it holds out. Each such data source says
//! what it lists and how to fetch it ([`Listing`]); the schema, the model
//! and the read around it are written once, here.

use crate::checks;
use crate::client::Client;
use async_trait::async_trait;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;
use tfplugin::diag::{Diagnostic, Diagnostics};
use tfplugin::resource::DataSource;
use tfplugin::schema::{Attribute, Check, Schema};
use tfplugin::value::Type;

/// Whose list it is.
pub enum Parent {
    /// `tenant_id`: a tenant's tag.
    Tenant,
    /// `account_id`: an account's id.
    Account,
    /// `zone_id`: a zone's id.
    Zone,
}

impl Parent {
    fn attribute_name(&self) -> &'static str {
        match self {
            Parent::Tenant => "tenant_id",
            Parent::Account => "account_id",
            Parent::Zone => "zone_id",
        }
    }

    fn attribute(&self) -> Attribute {
        match self {
            Parent::Tenant => Attribute::required(
                self.attribute_name(),
                Type::String,
                "The tenant's id (`tenant_tag`).",
            )
            .check(Check::NotEmpty),
            Parent::Account => {
                Attribute::required(self.attribute_name(), Type::String, "The account's id.")
                    .check(checks::ID32)
            }
            Parent::Zone => {
                Attribute::required(self.attribute_name(), Type::String, "The zone's id.")
                    .check(checks::ID32)
            }
        }
    }
}

/// A data source that lists what one parent holds.
#[async_trait]
pub trait Listing: Send + Sync + 'static {
    const TYPE_NAME: &'static str;
    const DESCRIPTION: &'static str;
    const PARENT: Parent;
    /// The list's attribute: `memberships`, `roles`.
    const LIST: &'static str;

    /// One element of the list, as the state holds it.
    type Item: Serialize + DeserializeOwned + Send + Sync;

    /// The list's attribute (named [`Listing::LIST`]), with its elements'.
    fn list_attribute() -> Attribute;

    /// The list, in the API's order.
    async fn list(client: &Client, parent: &str) -> Result<Vec<Self::Item>, Diagnostic>;
}

/// A [`Listing`] as a data source.
pub struct ListingDataSource<L>(PhantomData<L>);

impl<L> Default for ListingDataSource<L> {
    fn default() -> Self {
        ListingDataSource(PhantomData)
    }
}

/// The model of a listing: the parent's id and its list, under the
/// attribute names the listing gives.
pub struct Listed<L: Listing> {
    pub parent: String,
    pub items: Option<Vec<L::Item>>,
}

impl<L: Listing> Serialize for Listed<L> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry(L::PARENT.attribute_name(), &self.parent)?;
        map.serialize_entry(L::LIST, &self.items)?;
        map.end()
    }
}

impl<'de, L: Listing> Deserialize<'de> for Listed<L> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Listed<L>, D::Error> {
        let mut object = serde_json::Map::deserialize(d)?;
        let parent = match object.remove(L::PARENT.attribute_name()) {
            Some(serde_json::Value::String(id)) => id,
            _ => return Err(D::Error::missing_field(L::PARENT.attribute_name())),
        };
        let items = match object.remove(L::LIST) {
            Some(list) => serde_json::from_value(list).map_err(D::Error::custom)?,
            None => None,
        };
        Ok(Listed { parent, items })
    }
}

#[async_trait]
impl<L: Listing> DataSource for ListingDataSource<L> {
    type Client = Client;
    type Model = Listed<L>;
    const TYPE_NAME: &'static str = L::TYPE_NAME;

    fn schema() -> Schema {
        Schema::new(
            L::DESCRIPTION,
            vec![L::PARENT.attribute(), L::list_attribute()],
        )
    }

    async fn read(&self, client: &Client, config: Listed<L>) -> Result<Listed<L>, Diagnostics> {
        let items = L::list(client, &config.parent).await?;
        Ok(Listed {
            parent: config.parent,
            items: Some(items),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Numbers;

    #[async_trait]
    impl Listing for Numbers {
        const TYPE_NAME: &'static str = "t_numbers";
        const DESCRIPTION: &'static str = "Numbers.";
        const PARENT: Parent = Parent::Account;
        const LIST: &'static str = "numbers";
        type Item = i64;
        fn list_attribute() -> Attribute {
            Attribute::computed(Self::LIST, Type::list(Type::Number), "The numbers.")
        }
        async fn list(_: &Client, _: &str) -> Result<Vec<i64>, Diagnostic> {
            Ok(vec![1, 2])
        }
    }

    #[test]
    fn the_model_reads_and_writes_under_the_listings_names() {
        let listed: Listed<Numbers> =
            serde_json::from_value(serde_json::json!({"account_id": "a", "numbers": null}))
                .unwrap();
        assert_eq!(
            (listed.parent.as_str(), listed.items.is_none()),
            ("a", true)
        );
        let full = Listed::<Numbers> {
            parent: "a".into(),
            items: Some(vec![1, 2]),
        };
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            serde_json::json!({"account_id": "a", "numbers": [1, 2]})
        );
        let missing = serde_json::from_value::<Listed<Numbers>>(serde_json::json!({"numbers": []}));
        assert!(missing.is_err_and(|e| e.to_string().contains("account_id")));
        let names: Vec<&str> = <ListingDataSource<Numbers> as DataSource>::schema()
            .attributes
            .iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["account_id", "numbers"]);
    }
}
