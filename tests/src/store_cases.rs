//! The store contract: every case runs against the embedded store and against DynamoDB on moto
//! (see `tests/store.rs`), so both implementations of the port behave the same.

use chrono::{Days, NaiveDate};
use futures_util::future::join_all;
use serde_json::json;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Scope;
use shared::domain::template::Template;
use shared::domain::validation::{Email, Team, TenantId};
use shared::domain::workflow::{Priority, TriggeredBy, Workflow, WorkflowDraft, WorkflowStatus};
use shared::ports::{Store, StoreError, WorkflowFilter, WorkflowQuery};
use uuid::Uuid;

use crate::{Backend, new_store, tenant, test_now};

fn today() -> NaiveDate {
    test_now().date_naive()
}

fn tenant_id(id: &str) -> TenantId {
    TenantId::parse(id).unwrap()
}

/// A varied workflow: the template, team, assignee, priority and due date follow `n`.
fn sample(tenant: &str, n: usize) -> Workflow {
    let template = &Template::builtins()[n % 4];
    let mut draft = WorkflowDraft::from_template(template, TriggeredBy::Template);
    draft.title = format!("Workflow {n}");
    draft.team = Team::parse(["it", "design", "sales"][n % 3]).ok();
    draft.assigned_to =
        n.is_multiple_of(2).then(|| Email::parse(&format!("person{}@{tenant}.example", n % 5)).unwrap());
    draft.priority = [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent][n % 4];
    draft.due_date = today().checked_add_days(Days::new((n % 10) as u64));
    draft.metadata = json!({"n": n, "nested": {"list": [1, "two", null], "flag": true}}).as_object().unwrap().clone();
    Workflow::create(Uuid::now_v7(), tenant_id(tenant), draft, today(), test_now()).unwrap()
}

fn created(workflow: &Workflow) -> AuditEntry {
    AuditEntry::new(&workflow.tenant_id, "tester", "workflow.created", TargetType::Workflow, workflow.id, test_now())
        .with_diff(None, workflow)
}

async fn insert(store: &dyn Store, workflow: &Workflow) {
    store.insert_workflow(workflow, &created(workflow)).await.unwrap();
}

/// The stored audit entries of `workflow`, checking they come with the stored workflow itself.
async fn history(store: &dyn Store, workflow: &Workflow) -> Vec<AuditEntry> {
    let (stored, entries) =
        store.workflow_history(&workflow.tenant_id, workflow.id).await.unwrap().expect("the workflow exists");
    assert_eq!(stored.id, workflow.id);
    entries
}

fn query(scope: Scope, filter: WorkflowFilter, limit: usize) -> WorkflowQuery {
    WorkflowQuery { scope, filter, after: None, limit, today: today() }
}

/// Every match of `query`, page by page, as ids in list order.
async fn walk(store: &dyn Store, tenant: &str, mut query: WorkflowQuery) -> Vec<Uuid> {
    let mut ids = Vec::new();
    loop {
        let page = store.list_workflows(&tenant_id(tenant), &query).await.unwrap();
        assert!(page.items.len() <= query.limit);
        ids.extend(page.items.iter().map(|workflow| workflow.id));
        match page.next_after {
            Some(after) => query.after = Some(after),
            None => return ids,
        }
    }
}

pub async fn tenants_are_created_once_and_read_back(backend: Backend) {
    let store = new_store(backend).await;
    let acme = tenant("acme", test_now());
    let audit = AuditEntry::new(&acme.id, "t", "tenant.created", TargetType::Tenant, &acme.id, test_now())
        .with_diff(None, &acme);
    store.create_tenant(&acme, &audit).await.unwrap();
    assert_eq!(store.get_tenant(&acme.id).await.unwrap(), Some(acme.clone()));
    assert!(matches!(store.create_tenant(&acme, &audit).await, Err(StoreError::AlreadyExists)));
    assert_eq!(store.get_tenant(&tenant_id("globex")).await.unwrap(), None);

    let mut suspended = acme.clone();
    suspended.status = shared::domain::tenant::TenantStatus::Suspended;
    suspended.version = 2;
    assert!(matches!(store.update_tenant(&suspended, 7, &audit).await, Err(StoreError::Conflict)));
    let suspension = AuditEntry::new(&acme.id, "t", "tenant.updated", TargetType::Tenant, &acme.id, test_now())
        .with_diff(Some(&acme), &suspended);
    store.update_tenant(&suspended, 1, &suspension).await.unwrap();
    assert_eq!(store.get_tenant(&acme.id).await.unwrap(), Some(suspended));
}

pub async fn workflows_round_trip_every_field(backend: Backend) {
    let store = new_store(backend).await;
    let mut workflow = sample("acme", 4);
    workflow.start(test_now()).unwrap();
    workflow.advance(None, "it@acme.example", test_now()).unwrap();
    workflow.cancel("The hire withdrew", test_now()).unwrap();
    insert(store.as_ref(), &workflow).await;
    assert_eq!(store.get_workflow(&workflow.tenant_id, workflow.id).await.unwrap(), Some(workflow.clone()));
    assert!(matches!(store.insert_workflow(&workflow, &created(&workflow)).await, Err(StoreError::AlreadyExists)));
}

pub async fn a_stale_version_changes_nothing(backend: Backend) {
    let store = new_store(backend).await;
    let original = sample("acme", 1);
    insert(store.as_ref(), &original).await;
    let mut started = original.clone();
    started.start(test_now()).unwrap();
    let audit =
        AuditEntry::new(&started.tenant_id, "t", "workflow.started", TargetType::Workflow, started.id, test_now())
            .with_diff(Some(&original), &started);
    let mut stale = original.clone();
    stale.version = 5;
    assert!(matches!(store.update_workflow(&started, &stale, &audit, &[]).await, Err(StoreError::Conflict)));
    assert_eq!(store.get_workflow(&original.tenant_id, original.id).await.unwrap(), Some(original.clone()));
    assert_eq!(history(store.as_ref(), &original).await.len(), 1, "no audit entry without its change");

    store.update_workflow(&started, &original, &audit, &[]).await.unwrap();
    assert_eq!(store.get_workflow(&original.tenant_id, original.id).await.unwrap(), Some(started));
    let history = history(store.as_ref(), &original).await;
    let actions: Vec<&str> = history.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions, ["workflow.created", "workflow.started"]);
}

pub async fn tenants_never_see_each_other(backend: Backend) {
    let store = new_store(backend).await;
    let acme = sample("acme", 0);
    insert(store.as_ref(), &acme).await;
    insert(store.as_ref(), &sample("globex", 0)).await;
    assert_eq!(store.get_workflow(&tenant_id("globex"), acme.id).await.unwrap(), None);
    assert_eq!(store.workflow_history(&tenant_id("globex"), acme.id).await.unwrap(), None);
    let listed = walk(store.as_ref(), "globex", query(Scope::Tenant, WorkflowFilter::default(), 100)).await;
    assert_eq!(listed.len(), 1);
    assert_ne!(listed[0], acme.id);
}

pub async fn pages_list_everything_once_newest_first(backend: Backend) {
    let store = new_store(backend).await;
    let mut ids = Vec::new();
    for n in 0..23 {
        let workflow = sample("acme", n);
        insert(store.as_ref(), &workflow).await;
        ids.push(workflow.id);
    }
    ids.reverse();
    for limit in [1, 7, 23, 100] {
        assert_eq!(
            walk(store.as_ref(), "acme", query(Scope::Tenant, WorkflowFilter::default(), limit)).await,
            ids,
            "limit {limit}"
        );
    }
    let last_page =
        store.list_workflows(&tenant_id("acme"), &query(Scope::Tenant, WorkflowFilter::default(), 23)).await.unwrap();
    assert_eq!(last_page.next_after, None, "an exactly full last page has no next cursor");
}

pub async fn filters_and_scopes_match_the_reference_semantics(backend: Backend) {
    let store = new_store(backend).await;
    let mut all = Vec::new();
    for n in 0..30 {
        let mut workflow = sample("acme", n);
        match n % 6 {
            1 => workflow.start(test_now()).unwrap(),
            2 => workflow.cancel("no longer needed", test_now()).unwrap(),
            3 => workflow.archive(test_now()),
            _ => {}
        }
        if n % 7 == 0 {
            // Overdue: an open workflow due before today.
            workflow.due_date = today().checked_sub_days(Days::new(3)).unwrap();
        }
        insert(store.as_ref(), &workflow).await;
        all.push(workflow);
    }
    all.reverse();
    let email = |n: usize| Email::parse(&format!("person{n}@acme.example")).unwrap();
    let team = |name: &str| Team::parse(name).unwrap();
    let filters = [
        WorkflowFilter::default(),
        WorkflowFilter { include_archived: true, ..Default::default() },
        WorkflowFilter { status: Some(WorkflowStatus::InProgress), ..Default::default() },
        WorkflowFilter { status: Some(WorkflowStatus::Pending), priority: Some(Priority::High), ..Default::default() },
        WorkflowFilter { team: Some(team("design")), ..Default::default() },
        WorkflowFilter { assigned_to: Some(email(2)), ..Default::default() },
        WorkflowFilter { overdue: true, ..Default::default() },
        WorkflowFilter {
            due_before: today().checked_add_days(Days::new(4)),
            due_after: Some(today()),
            ..Default::default()
        },
        WorkflowFilter {
            workflow_type: Some(shared::domain::workflow::WorkflowType::Offboarding),
            ..Default::default()
        },
    ];
    let scopes = [
        Scope::Tenant,
        Scope::TeamOrAssignee { team: Some(team("it")), email: Some(email(4)) },
        Scope::TeamOrAssignee { team: None, email: Some(email(0)) },
        Scope::Assignee(Some(email(2))),
        Scope::Assignee(None),
    ];
    for scope in &scopes {
        for filter in &filters {
            let expected: Vec<Uuid> = all
                .iter()
                .filter(|workflow| scope.includes(workflow) && filter.matches(workflow, today()))
                .map(|workflow| workflow.id)
                .collect();
            for limit in [2, 50] {
                let found = walk(store.as_ref(), "acme", query(scope.clone(), filter.clone(), limit)).await;
                assert_eq!(found, expected, "scope {scope:?}, filter {filter:?}, limit {limit}");
            }
        }
    }
}

pub async fn racing_writers_of_one_version_have_one_winner(backend: Backend) {
    let store = new_store(backend).await;
    let original = sample("acme", 1);
    insert(store.as_ref(), &original).await;
    let attempts = (0..16).map(|n| {
        let store = store.clone();
        let before = original.clone();
        let mut changed = original.clone();
        changed.title = format!("Renamed by writer {n}");
        changed.version += 1;
        async move {
            let audit = AuditEntry::new(
                &changed.tenant_id,
                "t",
                "workflow.updated",
                TargetType::Workflow,
                changed.id,
                test_now(),
            )
            .with_diff(None, &changed);
            store.update_workflow(&changed, &before, &audit, &[]).await
        }
    });
    let results = join_all(attempts.map(tokio::spawn)).await;
    let wins = results.iter().filter(|result| matches!(result, Ok(Ok(())))).count();
    let conflicts = results.iter().filter(|result| matches!(result, Ok(Err(StoreError::Conflict)))).count();
    assert_eq!((wins, conflicts), (1, 15));
    let history = history(store.as_ref(), &original).await;
    assert_eq!(history.len(), 2, "one audit entry for the creation, one for the single winner");
    let stored = store.get_workflow(&original.tenant_id, original.id).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
}

fn employee_draft(n: usize) -> shared::domain::directory::EmployeeDraft {
    use shared::domain::directory::{EmployeeDraft, EmployeeStatus};
    EmployeeDraft {
        email: Email::parse(&format!("person{n}@acme.example")).unwrap(),
        first_name: format!("Person {n}"),
        last_name: "Example".into(),
        team: Team::parse(["it", "design", "sales"][n % 3]).ok(),
        title: None,
        manager_email: None,
        start_date: None,
        termination_date: None,
        status: if n.is_multiple_of(4) { EmployeeStatus::Terminated } else { EmployeeStatus::Active },
        hris_id: Some(format!("H{n}")),
    }
}

fn new_employee(n: usize) -> shared::domain::directory::Employee {
    shared::domain::directory::Employee::create(Uuid::now_v7(), tenant_id("acme"), employee_draft(n), None, test_now())
        .unwrap()
}

fn audit_of(target: TargetType, id: Uuid) -> AuditEntry {
    AuditEntry::new(&tenant_id("acme"), "tester", "test", target, id, test_now())
}

pub async fn employees_are_found_by_email_and_hris_id_and_keep_them_unique(backend: Backend) {
    use shared::ports::EmployeeKey;
    let store = new_store(backend).await;
    let ana = new_employee(1);
    store.insert_employee(&ana, &audit_of(TargetType::Employee, ana.id)).await.unwrap();
    let found = store.find_employee(&ana.tenant_id, EmployeeKey::Email(&ana.email)).await.unwrap();
    assert_eq!(found.as_ref(), Some(&ana));
    assert_eq!(store.find_employee(&ana.tenant_id, EmployeeKey::HrisId("H1")).await.unwrap(), Some(ana.clone()));
    assert_eq!(store.find_employee(&tenant_id("globex"), EmployeeKey::HrisId("H1")).await.unwrap(), None);

    let mut twin = new_employee(2);
    twin.email = ana.email.clone();
    let result = store.insert_employee(&twin, &audit_of(TargetType::Employee, twin.id)).await;
    assert_eq!(result, Err(StoreError::Taken("email")));
    let mut same_hris = new_employee(3);
    same_hris.hris_id = Some("H1".into());
    let result = store.insert_employee(&same_hris, &audit_of(TargetType::Employee, same_hris.id)).await;
    assert_eq!(result, Err(StoreError::Taken("hris_id")));

    let mut renamed = ana.clone();
    renamed.email = Email::parse("ana.new@acme.example").unwrap();
    renamed.hris_id = Some("H1-new".into());
    renamed.touch(test_now());
    store.update_employee(&renamed, &ana, &audit_of(TargetType::Employee, ana.id)).await.unwrap();
    assert_eq!(store.find_employee(&ana.tenant_id, EmployeeKey::Email(&ana.email)).await.unwrap(), None);
    assert_eq!(
        store.find_employee(&ana.tenant_id, EmployeeKey::HrisId("H1-new")).await.unwrap(),
        Some(renamed.clone())
    );
    assert_eq!(
        store.update_employee(&renamed, &ana, &audit_of(TargetType::Employee, ana.id)).await,
        Err(StoreError::Conflict)
    );
    twin.email = ana.email.clone();
    store.insert_employee(&twin, &audit_of(TargetType::Employee, twin.id)).await.expect("the old email is free");
}

pub async fn directory_lists_match_the_reference_semantics(backend: Backend) {
    use shared::domain::directory::EmployeeStatus;
    use shared::ports::{DirectoryQuery, EmployeeFilter};
    let store = new_store(backend).await;
    let mut all = Vec::new();
    for n in 0..20 {
        let employee = new_employee(n);
        store.insert_employee(&employee, &audit_of(TargetType::Employee, employee.id)).await.unwrap();
        all.push(employee);
    }
    all.reverse();
    let filters = [
        EmployeeFilter::default(),
        EmployeeFilter { status: Some(EmployeeStatus::Active), team: None },
        EmployeeFilter { status: Some(EmployeeStatus::Terminated), team: Team::parse("it").ok() },
        EmployeeFilter { status: None, team: Team::parse("sales").ok() },
    ];
    for filter in filters {
        let expected: Vec<Uuid> = all.iter().filter(|e| filter.matches(e)).map(|e| e.id).collect();
        let mut found = Vec::new();
        let mut query = DirectoryQuery { filter: filter.clone(), after: None, limit: 3 };
        loop {
            let page = store.list_employees(&tenant_id("acme"), &query).await.unwrap();
            found.extend(page.items.iter().map(|e| e.id));
            match page.next_after {
                Some(after) => query.after = Some(after),
                None => break,
            }
        }
        assert_eq!(found, expected, "{filter:?}");
    }
}

fn invitation(tenant: &str, email: &str) -> shared::domain::user::Invitation {
    use shared::domain::user::{Invitation, UserRole};
    Invitation {
        tenant_id: tenant_id(tenant),
        email: Email::parse(email).unwrap(),
        role: UserRole::Manager,
        team: Team::parse("design").ok(),
        first_name: Some("Sam".into()),
        last_name: None,
    }
}

/// An id as an identity provider gives it: random, not in creation order (Cognito's `sub`).
fn provider_id() -> Uuid {
    Uuid::from_u128(Uuid::now_v7().as_u128().reverse_bits())
}

fn user_audit(user: &shared::domain::user::User, action: &str) -> AuditEntry {
    AuditEntry::new(&user.tenant_id, "admin@acme.example", action, TargetType::User, user.id, test_now())
        .with_diff(None, user)
}

/// The audit entries about users in `tenant`, newest first.
async fn user_audit_trail(store: &dyn Store, tenant: &str) -> Vec<AuditEntry> {
    use shared::ports::{AuditFilter, AuditQuery};
    let filter = AuditFilter { target_type: Some(TargetType::User), ..Default::default() };
    let query = AuditQuery { filter, after: None, limit: 100 };
    store.list_audit(&tenant_id(tenant), &query).await.unwrap().items
}

pub async fn users_live_in_one_tenant_and_an_email_is_one_user_anywhere(backend: Backend) {
    use shared::domain::user::{UserChange, UserStatus};
    let store = new_store(backend).await;
    let sam = invitation("acme", "sam@acme.example").accepted(provider_id(), test_now());
    store.insert_user(&sam, &user_audit(&sam, "user.invited")).await.unwrap();
    assert_eq!(store.get_user(&sam.tenant_id, sam.id).await.unwrap(), Some(sam.clone()));
    assert_eq!(store.get_user(&tenant_id("globex"), sam.id).await.unwrap(), None, "never through another tenant");
    let by_email = store.user_by_email(&Email::parse("SAM@Acme.Example").unwrap()).await.unwrap();
    assert_eq!(by_email, Some(sam.clone()));

    let elsewhere = invitation("globex", "Sam@ACME.example").accepted(provider_id(), test_now());
    assert_eq!(
        store.insert_user(&elsewhere, &user_audit(&elsewhere, "user.invited")).await,
        Err(StoreError::Taken("email"))
    );
    let mut same_id = invitation("acme", "other@acme.example").accepted(sam.id, test_now());
    same_id.first_name = None;
    assert_eq!(
        store.insert_user(&same_id, &user_audit(&same_id, "user.invited")).await,
        Err(StoreError::AlreadyExists)
    );
    assert_eq!(store.user_by_email(&same_id.email).await.unwrap(), None, "a failed insert claims nothing");

    let mut others = Vec::new();
    for n in 0..5 {
        let user = invitation("acme", &format!("person{n}@acme.example")).accepted(provider_id(), test_now());
        store.insert_user(&user, &user_audit(&user, "user.invited")).await.unwrap();
        others.push(user.id);
    }
    let mut listed = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_users(&tenant_id("acme"), after, 2).await.unwrap();
        assert!(page.items.len() <= 2);
        listed.extend(page.items.iter().map(|user| user.id));
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut expected: Vec<Uuid> = others.iter().copied().chain([sam.id]).collect();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(listed, expected, "every user once, by id descending");
    assert!(store.list_users(&tenant_id("globex"), None, 10).await.unwrap().items.is_empty());

    let change = UserChange { status: Some(UserStatus::Disabled), ..Default::default() };
    let disabled = sam.changed(&change, "someone", test_now()).unwrap();
    store.update_user(&disabled, sam.version, &user_audit(&disabled, "user.changed")).await.unwrap();
    assert_eq!(store.get_user(&sam.tenant_id, sam.id).await.unwrap(), Some(disabled.clone()));
    let stale = store.update_user(&disabled, sam.version, &user_audit(&disabled, "user.changed")).await;
    assert_eq!(stale, Err(StoreError::Conflict), "a stale version changes nothing");
    let trail = user_audit_trail(store.as_ref(), "acme").await;
    assert_eq!(trail.len(), 7, "six invitations and one change, each with its entry: {trail:?}");
    assert!(trail.iter().all(|entry| entry.target_type == TargetType::User));
    assert!(user_audit_trail(store.as_ref(), "globex").await.is_empty(), "the refused invitation left no entry");
}

pub async fn racing_invitations_of_one_email_have_one_winner(backend: Backend) {
    let store = new_store(backend).await;
    let attempts = (0..8).map(|n| {
        let store = store.clone();
        let tenant = ["acme", "globex"][n % 2];
        let email = ["ann@example.com", "ANN@example.com"][n / 2 % 2];
        let user = invitation(tenant, email).accepted(provider_id(), test_now());
        async move { store.insert_user(&user, &user_audit(&user, "user.invited")).await }
    });
    let results = join_all(attempts.map(tokio::spawn)).await;
    let wins = results.iter().filter(|result| matches!(result, Ok(Ok(())))).count();
    let taken = results.iter().filter(|result| matches!(result, Ok(Err(StoreError::Taken("email"))))).count();
    assert_eq!((wins, taken), (1, 7), "{results:?}");
    let acme = store.list_users(&tenant_id("acme"), None, 10).await.unwrap().items.len();
    let globex = store.list_users(&tenant_id("globex"), None, 10).await.unwrap().items.len();
    assert_eq!(acme + globex, 1);
    let audited =
        user_audit_trail(store.as_ref(), "acme").await.len() + user_audit_trail(store.as_ref(), "globex").await.len();
    assert_eq!(audited, 1, "only the winner's entry");
}
