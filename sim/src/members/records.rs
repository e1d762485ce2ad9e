//! Members' stored records, and finding them.

use crate::errors::{codes, ApiError};
use crate::table::Table;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub account_id: String,
    pub email: String,
    pub status: String,
    pub user_id: String,
    /// Role ids (roles form). Empty when the member was created with policies.
    pub role_ids: Vec<String>,
    /// Policies as given (policies form); `None` means "derived from roles".
    pub policies: Option<Vec<Value>>,
    pub created_on: String,
}

impl Table<Member> {
    /// The member `member_id` of the account; 404 / 1004 when there is none.
    pub fn by_id(&self, account_id: &str, member_id: &str) -> Result<&Member, ApiError> {
        self.iter()
            .find(|m| m.account_id == account_id && m.id == member_id)
            .ok_or_else(|| not_found(member_id))
    }

    /// See [`Table::<Member>::by_id`].
    pub fn by_id_mut(
        &mut self,
        account_id: &str,
        member_id: &str,
    ) -> Result<&mut Member, ApiError> {
        self.iter_mut()
            .find(|m| m.account_id == account_id && m.id == member_id)
            .ok_or_else(|| not_found(member_id))
    }

    /// Whether `email` (in any case) is a member of the account.
    pub fn has_email(&self, account_id: &str, email: &str) -> bool {
        self.iter()
            .any(|m| m.account_id == account_id && m.email.eq_ignore_ascii_case(email))
    }
}

fn not_found(member_id: &str) -> ApiError {
    ApiError::not_found(
        codes::MEMBER_NOT_FOUND,
        format!("Member not found: {member_id}"),
    )
}
