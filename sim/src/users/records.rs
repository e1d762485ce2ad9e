//! Users' stored records (the tenant admin and the service users), and
//! finding them.

use crate::table::Table;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub username: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub telephone: Option<String>,
    pub country: Option<String>,
    pub zipcode: Option<String>,
    pub created_on: String,
    pub modified_on: String,
    /// The service user's global API key; `None` for the tenant admin, whose credentials
    /// come from the command line.
    pub api_key: Option<String>,
}

impl User {
    /// The profile field `PATCH /user` may set (or, with `None`, clear).
    pub fn profile_field_mut(&mut self, name: &str) -> Option<&mut Option<String>> {
        match name {
            "first_name" => Some(&mut self.first_name),
            "last_name" => Some(&mut self.last_name),
            "telephone" => Some(&mut self.telephone),
            "country" => Some(&mut self.country),
            "zipcode" => Some(&mut self.zipcode),
            _ => None,
        }
    }
}

impl Table<User> {
    /// The service user with this email, in any case.
    pub fn by_email(&self, email: &str) -> Option<&User> {
        self.iter().find(|u| u.email.eq_ignore_ascii_case(email))
    }
}
