//! An account's member as the API gives it, which the resource and the data
//! source both read.

use super::{checked_id, checked_opt_id, IdRef, MemberStatus};
use serde::{Deserialize, Serialize};

/// A member (`/accounts/{id}/members`): accepted, or a pending invitation;
/// its ids checked. The live API has been recorded giving the address only
/// under `user.email` (observed-api.md row 5): [`ApiMember::email`] reads
/// either.
#[derive(Debug, Deserialize)]
pub struct ApiMember {
    #[serde(deserialize_with = "checked_id")]
    pub id: String,
    pub email: Option<String>,
    pub status: Option<MemberStatus>,
    pub user: Option<ApiUser>,
    pub roles: Option<Vec<IdRef>>,
    pub policies: Option<Vec<ApiPolicy>>,
}

impl ApiMember {
    /// The member's address: its own, or its user's.
    pub fn email(&self) -> Option<&str> {
        self.email
            .as_deref()
            .or(self.user.as_ref().and_then(|u| u.email.as_deref()))
    }

    /// The member's Cloudflare user; none while an invitation is pending.
    pub fn user_id(&self) -> Option<&str> {
        self.user.as_ref()?.id.as_deref()
    }
}

#[derive(Debug, Deserialize)]
pub struct ApiUser {
    /// Null while an invitation is pending.
    #[serde(default, deserialize_with = "checked_opt_id")]
    pub id: Option<String>,
    pub email: Option<String>,
}

/// A policy as the API writes and reads it; groups are `{id, …}` objects.
#[derive(Debug, Deserialize, Serialize)]
pub struct ApiPolicy {
    pub access: String,
    pub permission_groups: Vec<IdRef>,
    pub resource_groups: Vec<IdRef>,
}
