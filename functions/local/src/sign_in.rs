//! The local sign-in (contract §11, local only): `GET /local/sign-in` lists the active users of
//! every active tenant, each with a fresh token whose claims are their record's (what the
//! Cognito trigger writes when deployed); the console signs in as the one picked. The demo
//! tenant's people are seeded as its users; users invited through the API appear beside them.

use axum::extract::State;
use chrono::{DateTime, Utc};
use shared::auth::{Claims, sign_hs256};
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Role;
use shared::domain::user::{Invitation, User, UserRole};
use shared::domain::validation::{Email, Team, TenantId};
use shared::http::response::{Data, data};
use shared::http::{AppError, AppState};
use shared::ports::{Store, StoreError};
use uuid::Uuid;

/// A person of the demo tenant.
pub struct DemoPerson {
    pub email: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    role: UserRole,
    team: Option<&'static str>,
}

/// The demo tenant's people, one of each role: the manager leads the design team (the seeded
/// onboarding of Maria Lopez is theirs) and the user is the IT engineer receiving the ThinkPad.
pub const DEMO_PEOPLE: [DemoPerson; 3] = [
    DemoPerson {
        email: "admin@demo.example",
        first_name: "Alex",
        last_name: "Admin",
        role: UserRole::Admin,
        team: None,
    },
    DemoPerson {
        email: "sam.taylor@demo.example",
        first_name: "Sam",
        last_name: "Taylor",
        role: UserRole::Manager,
        team: Some("design"),
    },
    DemoPerson {
        email: "priya.nair@demo.example",
        first_name: "Priya",
        last_name: "Nair",
        role: UserRole::User,
        team: None,
    },
];

/// Stores each demo person missing from `tenant` as its user (a data file of an older run may
/// have the tenant without them); answers the admin.
pub async fn seed_people(store: &dyn Store, tenant: &TenantId, now: DateTime<Utc>) -> Result<User, StoreError> {
    let mut people = Vec::new();
    for person in &DEMO_PEOPLE {
        let email = Email::parse(person.email).expect("a valid demo email");
        let user = match store.user_by_email(&email).await? {
            Some(user) => user,
            None => {
                let invitation = Invitation {
                    tenant_id: tenant.clone(),
                    email,
                    role: person.role,
                    team: person.team.map(|team| Team::parse(team).expect("a valid demo team")),
                    first_name: Some(person.first_name.to_owned()),
                    last_name: Some(person.last_name.to_owned()),
                };
                let user = invitation.accepted(Uuid::now_v7(), now);
                let audit = AuditEntry::new(tenant, "system:seed", "user.invited", TargetType::User, user.id, now)
                    .with_diff(None, &user);
                store.insert_user(&user, &audit).await?;
                user
            }
        };
        people.push(user);
    }
    Ok(people.swap_remove(0))
}

/// How long a local sign-in lasts.
const SIGN_IN_HOURS: i64 = 12;

/// A token of `user` with the claims of their record.
pub fn token(user: &User, jwt_secret: &str, expires: DateTime<Utc>) -> String {
    let claims = Claims {
        sub: user.id.to_string(),
        email: Some(user.email.to_string()),
        tenant: Some(user.tenant_id.to_string()),
        role: user.role.role(),
        team: user.team.as_ref().map(ToString::to_string),
        exp: expires.timestamp().unsigned_abs(),
        nbf: None,
        iat: None,
        iss: None,
        aud: None,
    };
    sign_hs256(jwt_secret.as_bytes(), &claims)
}

#[derive(Debug, serde::Serialize)]
pub struct SignInChoice {
    id: Uuid,
    tenant_id: TenantId,
    email: Email,
    name: String,
    role: Role,
    team: Option<Team>,
    /// A fresh token for this person, valid for [`SIGN_IN_HOURS`].
    token: String,
}

/// `GET /local/sign-in`: every active user of every active tenant, by tenant, then role (admin,
/// manager, user), then name; each with a ready token.
pub async fn choices(
    State(state): State<AppState>,
    jwt_secret: String,
) -> Result<axum::Json<Data<Vec<SignInChoice>>>, AppError> {
    let mut users = Vec::new();
    for tenant in state.store.tenants().await?.into_iter().filter(|tenant| tenant.is_active()) {
        let mut after = None;
        loop {
            let page = state.store.list_users(&tenant.id, after, 100).await?;
            users.extend(page.items.into_iter().filter(User::is_active));
            match page.next_after {
                Some(next) => after = Some(next),
                None => break,
            }
        }
    }
    let name = |user: &User| match (&user.first_name, &user.last_name) {
        (None, None) => user.email.to_string(),
        (first, last) => [first, last].into_iter().flatten().cloned().collect::<Vec<_>>().join(" "),
    };
    users.sort_by_cached_key(|user| (user.tenant_id.clone(), user.role as u8, name(user)));
    // Tokens are checked against the real clock, whatever the app's clock says.
    let expires = Utc::now() + chrono::Duration::hours(SIGN_IN_HOURS);
    let choices = users
        .into_iter()
        .map(|user| SignInChoice {
            token: token(&user, &jwt_secret, expires),
            name: name(&user),
            id: user.id,
            role: user.role.role(),
            tenant_id: user.tenant_id,
            email: user.email,
            team: user.team,
        })
        .collect();
    Ok(data(choices))
}
