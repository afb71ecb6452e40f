//! The identity provider of a deployment: the Amazon Cognito user pool that `template.yaml`
//! makes (`USER_POOL_ID`). Accounts are named by their email (the pool signs in by email, case
//! insensitively); the user's tenant, role and team are the account's custom attributes, which
//! the pre-token-generation trigger reads when the user's record is not there.

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType, UserType};
use uuid::Uuid;

use super::aws_sdk::OnFirstUse;
use crate::domain::user::{Invitation, User, UserRole};
use crate::domain::validation::{Email, Team, TenantId};
use crate::ports::{Account, IdentityError, IdentityProvider};

/// The account attributes the users API writes and the trigger reads.
pub const TENANT_ATTRIBUTE: &str = "custom:tenant";
pub const ROLE_ATTRIBUTE: &str = "custom:role";
pub const TEAM_ATTRIBUTE: &str = "custom:team";

pub struct CognitoIdentity {
    client: OnFirstUse<Client>,
    pool_id: String,
}

impl CognitoIdentity {
    pub fn new(client: Client, pool_id: impl Into<String>) -> Self {
        Self { client: OnFirstUse::ready(client), pool_id: pool_id.into() }
    }

    /// The deployed tenants function's provider: its client is built with the first call
    /// (most requests never reach the pool).
    pub fn on_first_use(sdk_config: &SdkConfig, pool_id: impl Into<String>) -> Self {
        let sdk_config = sdk_config.clone();
        Self { client: OnFirstUse::new(move || Client::new(&sdk_config)), pool_id: pool_id.into() }
    }

    fn client(&self) -> &Client {
        self.client.get()
    }
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, IdentityError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|error| IdentityError::Unavailable(error.to_string()))
}

/// The attributes that say where the user belongs; an empty team removes it.
fn placement(tenant: &TenantId, role: UserRole, team: Option<&Team>) -> Result<Vec<AttributeType>, IdentityError> {
    Ok(vec![
        attribute(TENANT_ATTRIBUTE, tenant.as_str())?,
        attribute(ROLE_ATTRIBUTE, role.as_str())?,
        attribute(TEAM_ATTRIBUTE, team.map_or("", Team::as_str))?,
    ])
}

fn value_of<'a>(attributes: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attributes.iter().find(|attribute| attribute.name() == name).and_then(AttributeType::value)
}

fn sub_of(attributes: &[AttributeType]) -> Result<Uuid, IdentityError> {
    value_of(attributes, "sub")
        .and_then(|sub| sub.parse().ok())
        .ok_or_else(|| IdentityError::Unavailable("the account has no sub".to_owned()))
}

/// What a failed call means.
fn failure<E>(error: SdkError<E, HttpResponse>) -> IdentityError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let code = error.as_service_error().and_then(ProvideErrorMetadata::code).map(str::to_owned);
    let message = DisplayErrorContext(&error).to_string();
    match code.as_deref() {
        Some("UsernameExistsException" | "AliasExistsException") => IdentityError::Exists,
        Some("UserNotFoundException") => IdentityError::Unknown,
        Some("TooManyRequestsException" | "LimitExceededException") => IdentityError::Busy(message),
        _ => match &error {
            SdkError::TimeoutError(_) | SdkError::ResponseError(_) => IdentityError::Busy(message),
            SdkError::DispatchFailure(failure) if failure.is_timeout() || failure.is_io() => {
                IdentityError::Busy(message)
            }
            _ => IdentityError::Unavailable(message),
        },
    }
}

fn account_of(user: &UserType) -> Option<Account> {
    let attributes = user.attributes();
    Some(Account {
        id: sub_of(attributes).ok()?,
        email: Email::parse(value_of(attributes, "email")?).ok()?,
        enabled: user.enabled(),
    })
}

#[async_trait]
impl IdentityProvider for CognitoIdentity {
    async fn invite(&self, invitation: &Invitation) -> Result<Uuid, IdentityError> {
        let email = invitation.email.as_str();
        let mut attributes = vec![attribute("email", email)?, attribute("email_verified", "true")?];
        attributes.extend(placement(&invitation.tenant_id, invitation.role, invitation.team.as_ref())?);
        if let Some(name) = &invitation.first_name {
            attributes.push(attribute("given_name", name)?);
        }
        if let Some(name) = &invitation.last_name {
            attributes.push(attribute("family_name", name)?);
        }
        let created = self
            .client()
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email)
            .set_user_attributes(Some(attributes))
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await
            .map_err(failure)?;
        sub_of(created.user().map(UserType::attributes).unwrap_or_default())
    }

    async fn update_attributes(&self, user: &User) -> Result<(), IdentityError> {
        self.client()
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(user.email.as_str())
            .set_user_attributes(Some(placement(&user.tenant_id, user.role, user.team.as_ref())?))
            .send()
            .await
            .map(|_| ())
            .map_err(failure)
    }

    async fn disable(&self, email: &Email) -> Result<(), IdentityError> {
        let call = self.client().admin_disable_user().user_pool_id(&self.pool_id).username(email.as_str());
        call.send().await.map(|_| ()).map_err(failure)
    }

    async fn enable(&self, email: &Email) -> Result<(), IdentityError> {
        let call = self.client().admin_enable_user().user_pool_id(&self.pool_id).username(email.as_str());
        call.send().await.map(|_| ()).map_err(failure)
    }

    async fn remove(&self, email: &Email) -> Result<(), IdentityError> {
        let call = self.client().admin_delete_user().user_pool_id(&self.pool_id).username(email.as_str());
        call.send().await.map(|_| ()).map_err(failure)
    }

    /// Cognito's `ListUsers` cannot filter on custom attributes, so this pages through the
    /// pool's accounts and keeps the tenant's: for reconciliation, never on a request's path.
    async fn tenant_accounts(&self, tenant: &TenantId) -> Result<Vec<Account>, IdentityError> {
        let mut accounts = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client()
                .list_users()
                .user_pool_id(&self.pool_id)
                .set_pagination_token(token)
                .send()
                .await
                .map_err(failure)?;
            let of_tenant = page
                .users()
                .iter()
                .filter(|user| value_of(user.attributes(), TENANT_ATTRIBUTE) == Some(tenant.as_str()));
            accounts.extend(of_tenant.filter_map(account_of));
            token = page.pagination_token().filter(|token| !token.is_empty()).map(str::to_owned);
            if token.is_none() {
                return Ok(accounts);
            }
        }
    }
}
