//! Amazon Cognito's pre-token-generation trigger (contract §11): the claims this API reads
//! (§2: `tenant`, `role`, optional `team`, `email`) are written into the ID and the access token
//! from the user's record, which the users API keeps in the user's attributes (`custom:tenant`,
//! `custom:role`, `custom:team`, `email`). A user whose record lacks a valid role, or a tenant
//! for a tenant role, gets no token at all: the sign-in fails instead of minting a token that
//! every route would refuse.

use std::collections::HashMap;

use aws_lambda_events::event::cognito::{
    ClaimsAndScopeOverrideDetailsV2, CognitoAccessTokenGenerationV2, CognitoEventUserPoolsPreTokenGenV2,
    CognitoIdTokenGenerationV2,
};
use serde_json::Value;
use shared::domain::caller::Role;
use shared::domain::validation::{Email, TenantId};

/// The user attributes the users API writes.
pub const TENANT_ATTRIBUTE: &str = "custom:tenant";
pub const ROLE_ATTRIBUTE: &str = "custom:role";
pub const TEAM_ATTRIBUTE: &str = "custom:team";

/// Why a user may not have a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnusableRecord {
    #[error("the user has no valid `{ROLE_ATTRIBUTE}` (admin, manager, user or platform_admin)")]
    Role,
    #[error("the user has no valid `{TENANT_ATTRIBUTE}`")]
    Tenant,
    #[error("the user has no valid email")]
    Email,
}

/// The claims of §2 for a user with these attributes.
pub fn claims_of(attributes: &HashMap<String, String>) -> Result<HashMap<String, Value>, UnusableRecord> {
    let attribute = |name: &str| attributes.get(name).map(|value| value.trim()).filter(|value| !value.is_empty());
    let role: Role = attribute(ROLE_ATTRIBUTE)
        .and_then(|role| serde_json::from_value(Value::String(role.to_owned())).ok())
        .ok_or(UnusableRecord::Role)?;
    let email = attribute("email").and_then(|email| Email::parse(email).ok()).ok_or(UnusableRecord::Email)?;
    let mut claims = HashMap::from([
        ("role".to_owned(), serde_json::to_value(role).expect("a role serializes")),
        ("email".to_owned(), Value::String(email.as_str().to_owned())),
    ]);
    if role != Role::PlatformAdmin {
        let tenant = attribute(TENANT_ATTRIBUTE)
            .and_then(|tenant| TenantId::parse(tenant).ok())
            .ok_or(UnusableRecord::Tenant)?;
        claims.insert("tenant".to_owned(), Value::String(tenant.as_str().to_owned()));
    }
    if let Some(team) = attribute(TEAM_ATTRIBUTE) {
        claims.insert("team".to_owned(), Value::String(team.to_owned()));
    }
    Ok(claims)
}

/// Answers the trigger: the same claims in the ID token and in the access token (the console
/// sends the access token to the API).
pub fn add_claims(
    mut event: CognitoEventUserPoolsPreTokenGenV2,
) -> Result<CognitoEventUserPoolsPreTokenGenV2, UnusableRecord> {
    let claims = claims_of(&event.request.user_attributes).inspect_err(|reason| {
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

    /// A V2_0 pre-token-generation event as Cognito sends it for a hosted-UI sign-in.
    const EVENT: &str = r#"{
        "version": "2",
        "triggerSource": "TokenGeneration_HostedAuth",
        "region": "eu-west-1",
        "userPoolId": "eu-west-1_Ab12Cd34E",
        "userName": "6f1c2a4e-9d0b-4c51-8f3e-2b7a9c1d0e5f",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "4k2j9s8d7f6g5h4j3k2l1"},
        "request": {
            "userAttributes": {
                "sub": "6f1c2a4e-9d0b-4c51-8f3e-2b7a9c1d0e5f",
                "email_verified": "true",
                "cognito:user_status": "CONFIRMED",
                "email": "Sam.Taylor@Acme.example",
                "custom:tenant": "acme",
                "custom:role": "manager",
                "custom:team": "design"
            },
            "groupConfiguration": {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null},
            "scopes": ["openid", "email", "profile"]
        },
        "response": {"claimsAndScopeOverrideDetails": null}
    }"#;

    fn event() -> CognitoEventUserPoolsPreTokenGenV2 {
        serde_json::from_str(EVENT).expect("Cognito's event parses")
    }

    #[test]
    fn the_tokens_carry_tenant_role_team_and_email() {
        let answered = serde_json::to_value(add_claims(event()).unwrap()).unwrap();
        let details = &answered["response"]["claimsAndScopeOverrideDetails"];
        let expected = serde_json::json!({"tenant": "acme", "role": "manager", "team": "design", "email": "sam.taylor@acme.example"});
        assert_eq!(details["accessTokenGeneration"]["claimsToAddOrOverride"], expected);
        assert_eq!(details["idTokenGeneration"]["claimsToAddOrOverride"], expected);
        assert_eq!(answered["userName"], "6f1c2a4e-9d0b-4c51-8f3e-2b7a9c1d0e5f", "the rest of the event is kept");
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
        assert!(
            add_claims({
                let mut event = event();
                event.request.user_attributes.remove(ROLE_ATTRIBUTE);
                event
            })
            .is_err()
        );
    }
}
