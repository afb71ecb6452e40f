//! The people who sign in to a tenant (contract §11). A user's `id` is the `sub` of their tokens,
//! given by the identity provider when it invites them; their email is theirs in one tenant only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::caller::Role;
use super::validation::{Email, FieldErrors, Team, TenantId, text_within};

/// The longest first or last name, in characters.
pub const NAME_MAX_CHARS: usize = 100;

/// The roles a tenant's user may have (platform administrators are not a tenant's users).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    Admin,
    Manager,
    User,
}

impl UserRole {
    pub fn role(self) -> Role {
        match self {
            Self::Admin => Role::Admin,
            Self::Manager => Role::Manager,
            Self::User => Role::User,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Manager => "manager",
            Self::User => "user",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    /// Cannot sign in; tokens issued before are refused (within the status cache's minute).
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// The `sub` of the user's tokens.
    pub id: Uuid,
    #[schema(value_type = String)]
    pub tenant_id: TenantId,
    #[schema(value_type = String)]
    pub email: Email,
    pub role: UserRole,
    #[schema(value_type = Option<String>)]
    pub team: Option<Team>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub status: UserStatus,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A person to invite: what `POST /api/v1/users` takes, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub tenant_id: TenantId,
    pub email: Email,
    pub role: UserRole,
    pub team: Option<Team>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// A name field: absent or 1..=100 characters.
pub fn check_name(field: &str, raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    raw.and_then(|raw| text_within(raw, 1, NAME_MAX_CHARS).map_err(|message| errors.add(field, message)).ok())
}

impl Invitation {
    /// The user the invitation makes, once the identity provider has given them `id`.
    pub fn accepted(&self, id: Uuid, now: DateTime<Utc>) -> User {
        User {
            id,
            tenant_id: self.tenant_id.clone(),
            email: self.email.clone(),
            role: self.role,
            team: self.team.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            status: UserStatus::Active,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A change of `PATCH /api/v1/users/{id}`: `team: Some(None)` removes the team.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    pub role: Option<UserRole>,
    pub team: Option<Option<Team>>,
    pub status: Option<UserStatus>,
}

impl User {
    /// The user with `change` applied by `actor` (a user id): an administrator may neither
    /// disable nor demote themselves, so a tenant always keeps the admin who is acting (422).
    pub fn changed(&self, change: &UserChange, actor: &str, now: DateTime<Utc>) -> Result<User, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.id.to_string() == actor {
            if change.role.is_some_and(|role| role != self.role && self.role == UserRole::Admin) {
                errors.add("role", "an administrator cannot demote themselves");
            }
            if change.status == Some(UserStatus::Disabled) {
                errors.add("status", "an administrator cannot disable themselves");
            }
        }
        errors.into_result()?;
        let mut after = self.clone();
        after.role = change.role.unwrap_or(self.role);
        after.team = change.team.clone().unwrap_or_else(|| self.team.clone());
        after.status = change.status.unwrap_or(self.status);
        if after != *self {
            after.version = self.version + 1;
            after.updated_at = now;
        }
        Ok(after)
    }

    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        let invitation = Invitation {
            tenant_id: TenantId::parse("acme").unwrap(),
            email: Email::parse("Ann@Acme.example").unwrap(),
            role: UserRole::Admin,
            team: None,
            first_name: Some("Ann".into()),
            last_name: None,
        };
        invitation.accepted(Uuid::now_v7(), "2026-11-25T09:00:00Z".parse().unwrap())
    }

    #[test]
    fn an_admin_cannot_demote_or_disable_themselves_but_others_can() {
        let ann = user();
        let me = ann.id.to_string();
        let now = "2026-11-26T09:00:00Z".parse().unwrap();
        let demote = UserChange { role: Some(UserRole::User), ..Default::default() };
        let disable = UserChange { status: Some(UserStatus::Disabled), ..Default::default() };
        let refused = ann.changed(&demote, &me, now).unwrap_err();
        assert_eq!(refused.fields().collect::<Vec<_>>(), ["role"]);
        assert_eq!(ann.changed(&disable, &me, now).unwrap_err().fields().collect::<Vec<_>>(), ["status"]);
        let demoted = ann.changed(&demote, "someone-else", now).unwrap();
        assert_eq!((demoted.role, demoted.version, demoted.updated_at), (UserRole::User, 2, now));
        let team = UserChange { team: Some(Team::parse("it").ok()), ..Default::default() };
        assert_eq!(ann.changed(&team, &me, now).unwrap().team, Team::parse("it").ok(), "their own team is fine");
    }

    #[test]
    fn a_change_to_the_same_values_is_no_new_version() {
        let ann = user();
        let same = UserChange { role: Some(UserRole::Admin), team: Some(None), status: Some(UserStatus::Active) };
        assert_eq!(ann.changed(&same, "x", "2026-11-26T09:00:00Z".parse().unwrap()).unwrap(), ann);
    }

    #[test]
    fn names_are_bounded() {
        let mut errors = FieldErrors::default();
        assert_eq!(check_name("first_name", Some(" Ann "), &mut errors), Some("Ann".to_owned()));
        assert_eq!(check_name("last_name", Some(&"x".repeat(101)), &mut errors), None);
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["last_name"]);
    }
}
