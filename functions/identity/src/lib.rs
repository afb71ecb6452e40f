//! Amazon Cognito's pre-token-generation trigger (contract §11): the claims this API reads
//! (§2: `tenant`, `role`, optional `team`, `email`) are written into the ID and the access token
//! from the user's record (the users API's, read by the account's `sub` and tenant). An account
//! without a record (the platform administrator that `scripts/create-platform-admin` makes) gets
//! them from its attributes (`custom:tenant`, `custom:role`, `custom:team`, `email`), which the
//! users API keeps equal to the record. A disabled user, or an account whose attributes lack a
//! valid role, or a tenant for a tenant role, gets no token at all: the sign-in fails instead of
//! minting a token that every route would refuse.

use std::collections::HashMap;

use aws_lambda_events::event::cognito::{
    ClaimsAndScopeOverrideDetailsV2, CognitoAccessTokenGenerationV2, CognitoEventUserPoolsPreTokenGenV2,
    CognitoIdTokenGenerationV2,
};
use serde_json::Value;
use shared::adapters::cognito::{ROLE_ATTRIBUTE, TEAM_ATTRIBUTE, TENANT_ATTRIBUTE};
use shared::domain::caller::Role;
use shared::domain::user::User;
use shared::domain::validation::{Email, TenantId};
use shared::ports::{StoreError, UserStore};
use uuid::Uuid;

/// Why a user may not have a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnusableRecord {
    #[error("the user has no valid `{ROLE_ATTRIBUTE}` (admin, manager, user or platform_admin)")]
    Role,
    #[error("the user has no valid `{TENANT_ATTRIBUTE}`")]
    Tenant,
    #[error("the user has no valid email")]
    Email,
    #[error("the user is disabled")]
    Disabled,
    #[error("the user's record could not be read: {0}")]
    Store(#[from] StoreError),
}

type Claims = HashMap<String, Value>;

fn text(value: &str) -> Value {
    Value::String(value.to_owned())
}

/// The claims of §2 for an account with these attributes and no user record.
pub fn claims_of(attributes: &HashMap<String, String>) -> Result<Claims, UnusableRecord> {
    let attribute = |name: &str| attributes.get(name).map(|value| value.trim()).filter(|value| !value.is_empty());
    let role: Role = attribute(ROLE_ATTRIBUTE)
        .and_then(|role| serde_json::from_value(text(role)).ok())
        .ok_or(UnusableRecord::Role)?;
    let email = attribute("email").and_then(|email| Email::parse(email).ok()).ok_or(UnusableRecord::Email)?;
    let mut claims = HashMap::from([
        ("role".to_owned(), serde_json::to_value(role).expect("a role serializes")),
        ("email".to_owned(), text(email.as_str())),
    ]);
    if role != Role::PlatformAdmin {
        let tenant = attribute(TENANT_ATTRIBUTE)
            .and_then(|tenant| TenantId::parse(tenant).ok())
            .ok_or(UnusableRecord::Tenant)?;
        claims.insert("tenant".to_owned(), text(tenant.as_str()));
    }
    if let Some(team) = attribute(TEAM_ATTRIBUTE) {
        claims.insert("team".to_owned(), text(team));
    }
    Ok(claims)
}

/// The claims of §2 from a user's record; none for a disabled user.
pub fn claims_of_user(user: &User) -> Result<Claims, UnusableRecord> {
    if !user.is_active() {
        return Err(UnusableRecord::Disabled);
    }
    let mut claims = HashMap::from([
        ("tenant".to_owned(), text(user.tenant_id.as_str())),
        ("role".to_owned(), text(user.role.as_str())),
        ("email".to_owned(), text(user.email.as_str())),
    ]);
    if let Some(team) = &user.team {
        claims.insert("team".to_owned(), text(team.as_str()));
    }
    Ok(claims)
}

/// The claims for the account these attributes describe: from its user record when there is
/// one (found by the account's `sub` in its tenant), else from the attributes.
pub async fn claims_for(store: &dyn UserStore, attributes: &HashMap<String, String>) -> Result<Claims, UnusableRecord> {
    let sub = attributes.get("sub").and_then(|sub| Uuid::parse_str(sub).ok());
    let tenant = attributes.get(TENANT_ATTRIBUTE).and_then(|tenant| TenantId::parse(tenant.trim()).ok());
    let record = match (tenant, sub) {
        (Some(tenant), Some(sub)) => store.get_user(&tenant, sub).await?,
        _ => None,
    };
    match record {
        Some(user) => claims_of_user(&user),
        None => claims_of(attributes),
    }
}

/// Answers the trigger: the same claims in the ID token and in the access token (the console
/// sends the access token to the API).
pub async fn add_claims(
    store: &dyn UserStore,
    mut event: CognitoEventUserPoolsPreTokenGenV2,
) -> Result<CognitoEventUserPoolsPreTokenGenV2, UnusableRecord> {
    let claims = claims_for(store, &event.request.user_attributes).await.inspect_err(|reason| {
        tracing::warn!(user = ?event.cognito_event_user_pools_header.user_name, %reason, "no token for this user");
    })?;
    let mut id_token = CognitoIdTokenGenerationV2::default();
    id_token.claims_to_add_or_override = claims.clone();
    let mut access_token = CognitoAccessTokenGenerationV2::default();
    access_token.claims_to_add_or_override = claims;
    let mut details = ClaimsAndScopeOverrideDetailsV2::default();
    details.id_token_generation = Some(id_token);
    details.access_token_generation = Some(access_token);
    event.response.claims_and_scope_override_details = Some(details);
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    use shared::domain::audit::{AuditEntry, TargetType};
    use shared::domain::user::{Invitation, UserChange, UserRole, UserStatus};
    use shared::store::memory::MemoryStore;

    /// A V2_0 pre-token-generation event as Cognito sends it for a hosted-UI sign-in.
    const EVENT: &str = include_str!("../../../tests/fixtures/cognito-pre-token-generation-v2.json");

    fn event() -> CognitoEventUserPoolsPreTokenGenV2 {
        serde_json::from_str(EVENT).expect("Cognito's event parses")
    }

    fn added(answered: &CognitoEventUserPoolsPreTokenGenV2) -> (Value, Value) {
        let answered = serde_json::to_value(answered).unwrap();
        let details = &answered["response"]["claimsAndScopeOverrideDetails"];
        (
            details["accessTokenGeneration"]["claimsToAddOrOverride"].clone(),
            details["idTokenGeneration"]["claimsToAddOrOverride"].clone(),
        )
    }

    /// Stores the event's account as a user of acme (an admin of no team, unlike its attributes).
    async fn store_with_record(status: UserStatus) -> MemoryStore {
        let store = MemoryStore::new();
        let sub: Uuid = event().request.user_attributes["sub"].parse().unwrap();
        let invitation = Invitation {
            tenant_id: TenantId::parse("acme").unwrap(),
            email: Email::parse("sam.taylor@acme.example").unwrap(),
            role: UserRole::Admin,
            team: None,
            first_name: None,
            last_name: None,
        };
        let now = "2026-11-25T09:00:00Z".parse().unwrap();
        let mut user = invitation.accepted(sub, now);
        user = user.changed(&UserChange { status: Some(status), ..Default::default() }, "admin", now).unwrap();
        let audit = AuditEntry::new(&user.tenant_id, "t", "user.invited", TargetType::User, user.id, now);
        store.insert_user(&user, &audit).await.unwrap();
        store
    }

    #[tokio::test]
    async fn an_account_without_a_record_gets_its_attributes_as_claims() {
        let answered = add_claims(&MemoryStore::new(), event()).await.unwrap();
        let expected = serde_json::json!({"tenant": "acme", "role": "manager", "team": "design", "email": "sam.taylor@acme.example"});
        assert_eq!(added(&answered), (expected.clone(), expected));
        assert_eq!(
            serde_json::to_value(&answered).unwrap()["userName"],
            "6f1c2a4e-9d0b-4c51-8f3e-2b7a9c1d0e5f",
            "the rest of the event is kept"
        );
    }

    #[tokio::test]
    async fn the_users_record_decides_and_a_disabled_user_gets_no_token() {
        let answered = add_claims(&store_with_record(UserStatus::Active).await, event()).await.unwrap();
        let expected = serde_json::json!({"tenant": "acme", "role": "admin", "email": "sam.taylor@acme.example"});
        assert_eq!(added(&answered), (expected.clone(), expected), "the record's role, and no team");
        let refused = add_claims(&store_with_record(UserStatus::Disabled).await, event()).await;
        assert_eq!(refused.unwrap_err(), UnusableRecord::Disabled);
    }

    #[test]
    fn a_platform_admin_needs_no_tenant_and_no_one_else_goes_without() {
        let mut platform = event();
        let attributes = &mut platform.request.user_attributes;
        attributes.insert(ROLE_ATTRIBUTE.to_owned(), "platform_admin".to_owned());
        attributes.remove(TENANT_ATTRIBUTE);
        attributes.remove(TEAM_ATTRIBUTE);
        let claims = claims_of(attributes).unwrap();
        assert_eq!(claims.get("role"), Some(&Value::from("platform_admin")));
        assert!(!claims.contains_key("tenant"));

        let refused = |change: fn(&mut HashMap<String, String>)| {
            let mut attributes = event().request.user_attributes;
            change(&mut attributes);
            claims_of(&attributes).unwrap_err()
        };
        assert_eq!(refused(|a| drop(a.remove(TENANT_ATTRIBUTE))), UnusableRecord::Tenant);
        assert_eq!(refused(|a| drop(a.insert(TENANT_ATTRIBUTE.into(), "Not A Tenant".into()))), UnusableRecord::Tenant);
        assert_eq!(refused(|a| drop(a.insert(ROLE_ATTRIBUTE.into(), "owner".into()))), UnusableRecord::Role);
        assert_eq!(refused(|a| drop(a.remove(ROLE_ATTRIBUTE))), UnusableRecord::Role);
        assert_eq!(refused(|a| drop(a.remove("email"))), UnusableRecord::Email);
        let mut no_role = event();
        no_role.request.user_attributes.remove(ROLE_ATTRIBUTE);
        let refused = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(add_claims(&MemoryStore::new(), no_role));
        assert_eq!(refused.unwrap_err(), UnusableRecord::Role);
    }
}
