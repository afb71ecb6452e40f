//! HRIS events: their signatures (Standard Webhooks, BambooHR), their payloads mapped to one
//! event shape, and the workflows they start. Pure: the caller passes the clock and the bytes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Days, NaiveDate, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::directory::{Employee, EmployeeStatus, HRIS_ID_MAX_CHARS, NAME_MAX_CHARS, TITLE_MAX_CHARS};
use super::template::Template;
use super::tenant::Tenant;
use super::validation::{Email, TEAM_MAX_CHARS, Team};
use super::workflow::{self, TriggeredBy, WorkflowDraft};

type HmacSha256 = Hmac<Sha256>;

/// Deliveries older or newer than this are refused (replay protection).
pub const TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery was refused before it was read. Clients are told nothing more than 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("a signature header is missing or malformed")]
    MissingHeader,
    #[error("the timestamp is not a whole number of seconds")]
    MalformedTimestamp,
    #[error("the timestamp is outside the allowed window")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
    #[error("the signing secret is not usable")]
    BadSecret,
}

impl SignatureError {
    /// The reason, for logs and the rejection metric.
    pub fn reason(self) -> &'static str {
        match self {
            Self::MissingHeader => "missing_header",
            Self::MalformedTimestamp => "malformed_timestamp",
            Self::Stale => "stale_timestamp",
            Self::Mismatch => "bad_signature",
            Self::BadSecret => "bad_secret",
        }
    }
}

/// Whether `timestamp` (unix seconds, as the sender wrote it) is within the tolerance of `now`.
/// The header is unauthenticated input: any integer may arrive, `i64::MIN` included, so the
/// distance is computed without overflow.
fn fresh(timestamp: &str, now: DateTime<Utc>) -> Result<(), SignatureError> {
    let seconds: i64 = timestamp.trim().parse().map_err(|_| SignatureError::MalformedTimestamp)?;
    match now.timestamp().checked_sub(seconds) {
        Some(distance) if distance.unsigned_abs() <= TOLERANCE_SECONDS.unsigned_abs() => Ok(()),
        _ => Err(SignatureError::Stale),
    }
}

/// Standard Webhooks: `webhook-signature` lists `v1,<base64 HMAC-SHA256(key, "{id}.{ts}.{body}")>`
/// entries separated by spaces; any one may match (key rotation). The secret is `whsec_<base64 key>`.
pub fn verify_standard(
    secret: &str,
    id: Option<&str>,
    timestamp: Option<&str>,
    signatures: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let (id, timestamp, signatures) = match (id, timestamp, signatures) {
        (Some(id), Some(timestamp), Some(signatures)) => (id, timestamp, signatures),
        _ => return Err(SignatureError::MissingHeader),
    };
    fresh(timestamp, now)?;
    let key =
        secret.strip_prefix("whsec_").and_then(|key| STANDARD.decode(key).ok()).ok_or(SignatureError::BadSecret)?;
    let any_matches = signatures.split(' ').filter_map(|entry| entry.strip_prefix("v1,")).any(|candidate| {
        let Ok(candidate) = STANDARD.decode(candidate) else { return false };
        let mut mac = HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&candidate).is_ok()
    });
    if any_matches { Ok(()) } else { Err(SignatureError::Mismatch) }
}

/// BambooHR: `X-BambooHR-Signature` is the lowercase hex HMAC-SHA256 of the body bytes followed
/// directly by the `X-BambooHR-Timestamp` string.
pub fn verify_bamboohr(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else { return Err(SignatureError::MissingHeader) };
    fresh(timestamp, now)?;
    let expected = decode_hex(signature.trim()).ok_or(SignatureError::Mismatch)?;
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.update(timestamp.as_bytes());
    mac.verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok()).collect()
}

/// The longest delivery id accepted as an idempotency key (contract §5).
pub const MAX_DELIVERY_ID_BYTES: usize = 8 * 1024;

/// A delivery id over `MAX_DELIVERY_ID_BYTES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be at most {MAX_DELIVERY_ID_BYTES} bytes")]
pub struct DeliveryIdTooLong;

/// A delivery's idempotency key: the id as the sender wrote it (echoed as `event_id`), and the
/// SHA-256 of it that the stores key the delivery by, since a raw id may be longer than a
/// DynamoDB partition key (2,048 bytes) allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryId {
    raw: String,
    digest: String,
}

impl DeliveryId {
    pub fn new(raw: &str) -> Result<Self, DeliveryIdTooLong> {
        if raw.len() > MAX_DELIVERY_ID_BYTES {
            return Err(DeliveryIdTooLong);
        }
        Ok(Self { raw: raw.to_owned(), digest: hex(&Sha256::digest(raw.as_bytes())) })
    }

    /// The id as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Lowercase hex SHA-256 of the id: 64 characters, whatever the id's length.
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

/// A BambooHR delivery's id: the SHA-256 of its timestamp and body.
pub fn bamboohr_delivery_id(timestamp: &str, body: &[u8]) -> DeliveryId {
    let mut digest = Sha256::new();
    digest.update(timestamp.as_bytes());
    digest.update(body);
    DeliveryId::new(&hex(&digest.finalize())).expect("64 hex digits are within the limit")
}

/// The SHA-256 of a body, to tell a redelivery from a different body under the same id.
pub fn body_hash(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HrisEventKind {
    Created,
    Updated,
    Terminated,
    /// A valid event the system does not act on (a deletion, an unknown type).
    Ignored,
}

impl HrisEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "employee.created",
            Self::Updated => "employee.updated",
            Self::Terminated => "employee.terminated",
            Self::Ignored => "ignored",
        }
    }
}

/// An employee as an HRIS describes it; absent fields stay unchanged on upsert. An event names
/// the employee by `hris_id`, `email` or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HrisEmployee {
    pub hris_id: Option<String>,
    pub email: Option<Email>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub team: Option<Team>,
    pub title: Option<String>,
    pub manager_email: Option<Email>,
    pub start_date: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrisEvent {
    pub kind: HrisEventKind,
    pub employee: HrisEmployee,
}

/// What a delivery's body says: events ready to apply, or (BambooHR's event-based format)
/// employee ids whose data must be read from the HRIS API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Events(Vec<HrisEvent>),
    Lookups(Vec<(HrisEventKind, String)>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PayloadError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardBody {
    #[serde(rename = "type")]
    kind: String,
    data: StandardData,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardData {
    employee: StandardEmployee,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardEmployee {
    hris_id: Option<String>,
    email: Option<Email>,
    first_name: Option<String>,
    last_name: Option<String>,
    team: Option<String>,
    title: Option<String>,
    manager_email: Option<Email>,
    start_date: Option<NaiveDate>,
    termination_date: Option<NaiveDate>,
}

fn kind_of(name: &str) -> HrisEventKind {
    match name {
        "employee.created" => HrisEventKind::Created,
        "employee.updated" => HrisEventKind::Updated,
        "employee.terminated" => HrisEventKind::Terminated,
        _ => HrisEventKind::Ignored,
    }
}

/// An update that sets a termination date is a termination.
fn refine(kind: HrisEventKind, employee: &HrisEmployee) -> HrisEventKind {
    if kind == HrisEventKind::Updated && employee.termination_date.is_some() { HrisEventKind::Terminated } else { kind }
}

/// HRIS text as it is kept: control characters dropped, surrounding blanks trimmed, cut to
/// `max` characters; `None` when nothing is left. The HRIS is the source of truth, so its text
/// is truncated to the directory's limits rather than refused.
fn hris_text(raw: &str, max: usize) -> Option<String> {
    let kept: String = raw.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect();
    let kept = kept.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let cut = cut_to(kept, max);
    (!cut.is_empty()).then_some(cut)
}

/// `text` cut to at most `max` characters, without blanks left at the cut.
fn cut_to(text: &str, max: usize) -> String {
    let cut: String = text.chars().take(max).collect();
    cut.trim_end().to_owned()
}

fn hris_team(raw: &str) -> Option<Team> {
    hris_text(raw, TEAM_MAX_CHARS).and_then(|team| Team::parse(&team).ok())
}

pub fn parse_standard(body: &Value) -> Result<Payload, PayloadError> {
    let parsed: StandardBody = serde_json::from_value(body.clone()).map_err(|error| PayloadError(error.to_string()))?;
    let e = parsed.data.employee;
    let employee = HrisEmployee {
        hris_id: e.hris_id.as_deref().and_then(|id| hris_text(id, HRIS_ID_MAX_CHARS)),
        email: e.email,
        first_name: e.first_name.as_deref().and_then(|name| hris_text(name, NAME_MAX_CHARS)),
        last_name: e.last_name.as_deref().and_then(|name| hris_text(name, NAME_MAX_CHARS)),
        team: e.team.as_deref().and_then(hris_team),
        title: e.title.as_deref().and_then(|title| hris_text(title, TITLE_MAX_CHARS)),
        manager_email: e.manager_email,
        start_date: e.start_date,
        termination_date: e.termination_date,
    };
    if employee.hris_id.is_none() && employee.email.is_none() {
        return Err(PayloadError("data.employee needs hris_id or email".to_owned()));
    }
    let kind = refine(kind_of(&parsed.kind), &employee);
    Ok(Payload::Events(vec![HrisEvent { kind, employee }]))
}

/// BambooHR's field names, English and camelCase alias, for each employee attribute, with the
/// longest text kept (`usize::MAX` where another rule applies: dates and emails).
const FIELDS: [(&str, &str, usize); 8] = [
    ("First Name", "firstName", NAME_MAX_CHARS),
    ("Last Name", "lastName", NAME_MAX_CHARS),
    ("Work Email", "workEmail", usize::MAX),
    ("Department", "department", TEAM_MAX_CHARS),
    ("Job Title", "jobTitle", TITLE_MAX_CHARS),
    ("Hire Date", "hireDate", usize::MAX),
    ("Termination Date", "terminationDate", usize::MAX),
    ("Reporting to Email", "supervisorEmail", usize::MAX),
];

/// Reads a BambooHR employee from its fields (either naming); empty and "0000-00-00" dates are absent.
pub fn bamboohr_employee(hris_id: &str, fields: &Map<String, Value>) -> Result<HrisEmployee, PayloadError> {
    let text = |index: usize| {
        let (english, alias, max) = FIELDS[index];
        fields
            .get(english)
            .or_else(|| fields.get(alias))
            .and_then(Value::as_str)
            .and_then(|value| hris_text(value, max))
    };
    let date = |index: usize| -> Result<Option<NaiveDate>, PayloadError> {
        match text(index).filter(|value| value != "0000-00-00") {
            None => Ok(None),
            Some(value) => {
                value.parse().map(Some).map_err(|_| PayloadError(format!("{} is not a date: {value}", FIELDS[index].1)))
            }
        }
    };
    let email = |index: usize| -> Result<Option<Email>, PayloadError> {
        text(index)
            .map(|value| {
                Email::parse(&value).map_err(|message| PayloadError(format!("{}: {message}", FIELDS[index].1)))
            })
            .transpose()
    };
    Ok(HrisEmployee {
        hris_id: hris_text(hris_id, HRIS_ID_MAX_CHARS),
        first_name: text(0),
        last_name: text(1),
        email: email(2)?,
        team: text(3).and_then(|team| Team::parse(&team).ok()),
        title: text(4),
        start_date: date(5)?,
        termination_date: date(6)?,
        manager_email: email(7)?,
    })
}

#[derive(Deserialize)]
struct BambooFieldBased {
    employees: Vec<BambooEmployeeChange>,
}

#[derive(Deserialize)]
struct BambooEmployeeChange {
    id: Value,
    action: String,
    #[serde(default)]
    fields: Map<String, Value>,
}

#[derive(Deserialize)]
struct BambooEventBased {
    #[serde(rename = "type")]
    kind: String,
    data: BambooEventData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BambooEventData {
    employee_id: Value,
}

/// An id that BambooHR sends as a number or a string.
fn id_text(id: &Value) -> Result<String, PayloadError> {
    match id {
        Value::String(id) if !id.trim().is_empty() => Ok(id.trim().to_owned()),
        Value::Number(id) => Ok(id.to_string()),
        _ => Err(PayloadError("an employee id is missing".to_owned())),
    }
}

pub fn parse_bamboohr(body: &Value) -> Result<Payload, PayloadError> {
    if body.get("employees").is_some() {
        let parsed: BambooFieldBased =
            serde_json::from_value(body.clone()).map_err(|error| PayloadError(error.to_string()))?;
        let events = parsed
            .employees
            .into_iter()
            .map(|change| {
                let employee = bamboohr_employee(&id_text(&change.id)?, &change.fields)?;
                let kind = match change.action.as_str() {
                    "Created" | "Inserted" => HrisEventKind::Created,
                    "Updated" => HrisEventKind::Updated,
                    _ => HrisEventKind::Ignored,
                };
                Ok(HrisEvent { kind: refine(kind, &employee), employee })
            })
            .collect::<Result<Vec<_>, PayloadError>>()?;
        return Ok(Payload::Events(events));
    }
    let parsed: BambooEventBased =
        serde_json::from_value(body.clone()).map_err(|error| PayloadError(error.to_string()))?;
    let kind = match parsed.kind.as_str() {
        "employee.created" => HrisEventKind::Created,
        "employee.updated" => HrisEventKind::Updated,
        _ => HrisEventKind::Ignored,
    };
    Ok(Payload::Lookups(vec![(kind, id_text(&parsed.data.employee_id)?)]))
}

/// Why a withdrawn hire's onboarding is cancelled (kept in `metadata.cancellation_reason`).
pub const WITHDRAWN_HIRE_REASON: &str = "withdrawn hire: terminated before the start date";

/// A terminated employee whose termination date is before the start date: the hire never
/// happened. The HRIS is the source of truth, so this is not refused: the onboarding is
/// cancelled, and equipment is collected only if some was handed out (contract §5).
pub fn is_withdrawn_hire(employee: &Employee) -> bool {
    employee.status == EmployeeStatus::Terminated
        && matches!((employee.start_date, employee.termination_date), (Some(start), Some(end)) if end < start)
}

/// A workflow started by an HRIS event, and the key that makes it happen once: one workflow per
/// (tenant, employee, event type, effective date), whatever the number of deliveries and syncs.
pub struct HrisWorkflow {
    pub draft: WorkflowDraft,
    pub natural_key: String,
}

/// The key of the template an event starts, if any (contract §10): the tenant's onboarding
/// template for a hire, its offboarding template for a termination.
pub fn template_key_for(tenant: &Tenant, kind: HrisEventKind) -> Option<&str> {
    match kind {
        HrisEventKind::Created => Some(tenant.onboarding_template()),
        HrisEventKind::Terminated => Some(tenant.offboarding_template()),
        HrisEventKind::Updated | HrisEventKind::Ignored => None,
    }
}

/// The workflow an event starts for `employee` from `template` (the event's, see
/// [`template_key_for`]), if any: onboarding for a hire (scheduled 5 days before the start date,
/// never before today), equipment return for a termination (scheduled on the termination date,
/// never before today; for a withdrawn hire only when it holds assets), both assigned to IT.
pub fn workflow_for(
    tenant: &Tenant,
    template: &Template,
    kind: HrisEventKind,
    employee: &Employee,
    asset_ids: &[uuid::Uuid],
    triggered_by: TriggeredBy,
    today: NaiveDate,
) -> Option<HrisWorkflow> {
    let employee_id = employee.id;
    let effective = match kind {
        HrisEventKind::Created => employee.start_date.unwrap_or(today),
        HrisEventKind::Terminated if is_withdrawn_hire(employee) && asset_ids.is_empty() => return None,
        HrisEventKind::Terminated => employee.termination_date.unwrap_or(today),
        HrisEventKind::Updated | HrisEventKind::Ignored => return None,
    };
    let mut draft = WorkflowDraft::from_template(template, triggered_by);
    let name = format!("{} {}", employee.first_name, employee.last_name);
    let title = match kind {
        HrisEventKind::Created => format!("Onboard {name}"),
        _ => format!("Collect equipment from {name}"),
    };
    // Two names at their longest make a title past the workflow's limit.
    draft.title = cut_to(&title, workflow::TITLE_MAX_CHARS);
    let scheduled = match kind {
        HrisEventKind::Created => effective.checked_sub_days(Days::new(5)).unwrap_or(effective),
        _ => effective,
    };
    draft.scheduled_start = Some(scheduled.max(today));
    draft.employee_id = Some(employee_id);
    draft.team = employee.team.clone();
    draft.assigned_to = Some(tenant.it_email.clone());
    draft.people = workflow::StepPeople::of(&tenant.it_email, Some(employee));
    if kind == HrisEventKind::Terminated {
        let ids: Vec<Value> = asset_ids.iter().map(|id| Value::String(id.to_string())).collect();
        draft.metadata.insert("asset_ids".to_owned(), Value::Array(ids));
    }
    let natural_key = format!("{employee_id}#{}#{effective}", kind.as_str());
    Some(HrisWorkflow { draft, natural_key })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn standard_webhooks_published_test_vector() {
        // From the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let verify = |signatures: &str, now: i64| {
            verify_standard(
                secret,
                Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
                Some("1614265330"),
                Some(signatures),
                body,
                at(now),
            )
        };
        assert_eq!(verify(signature, 1614265330), Ok(()));
        assert_eq!(
            verify(&format!("v1,bm90LXRoaXM= {signature}"), 1614265330),
            Ok(()),
            "any listed signature may match"
        );
        assert_eq!(verify("v1,bm90LXRoaXM=", 1614265330), Err(SignatureError::Mismatch));
        assert_eq!(verify(signature, 1614265330 + 301), Err(SignatureError::Stale));
        assert_eq!(verify(signature, 1614265330 - 301), Err(SignatureError::Stale));
        assert_eq!(verify(signature, 1614265330 + 300), Ok(()));
        let tampered = br#"{"test": 2432232315}"#;
        let result = verify_standard(
            secret,
            Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
            Some("1614265330"),
            Some(signature),
            tampered,
            at(1614265330),
        );
        assert_eq!(result, Err(SignatureError::Mismatch));
        assert_eq!(
            verify_standard(secret, None, Some("1614265330"), Some(signature), body, at(1614265330)),
            Err(SignatureError::MissingHeader)
        );
    }

    #[test]
    fn absurd_or_non_integer_timestamps_are_refused_without_overflow() {
        let now = at(1_700_000_000);
        for absurd in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX, 1_700_000_000 - 301, 1_700_000_000 + 301] {
            assert_eq!(fresh(&absurd.to_string(), now), Err(SignatureError::Stale), "{absurd}");
        }
        for malformed in
            ["", " ", "1.7e9", "1700000000.0", "0x6553f100", "１７００００００００", "17000000000000000000000"]
        {
            assert_eq!(fresh(malformed, now), Err(SignatureError::MalformedTimestamp), "{malformed:?}");
        }
        assert_eq!(fresh("1700000300", now), Ok(()), "the window's edge is inside");
        assert_eq!(fresh(" 1699999700 ", now), Ok(()));
        // The same check guards both providers.
        let minimum = i64::MIN.to_string();
        assert_eq!(verify_bamboohr("secret", Some(&minimum), Some("00"), b"{}", now), Err(SignatureError::Stale));
        assert_eq!(
            verify_standard("whsec_AAAA", Some("id"), Some(&minimum), Some("v1,AA=="), b"{}", now),
            Err(SignatureError::Stale)
        );
    }

    proptest::proptest! {
        #[test]
        fn freshness_is_the_true_distance_for_any_integer(
            seconds in proptest::num::i64::ANY,
            now in -8_000_000_000_000i64..8_000_000_000_000,
        ) {
            let expected = if (i128::from(now) - i128::from(seconds)).abs() <= i128::from(TOLERANCE_SECONDS) {
                Ok(())
            } else {
                Err(SignatureError::Stale)
            };
            proptest::prop_assert_eq!(fresh(&seconds.to_string(), at(now)), expected);
        }

        #[test]
        fn any_timestamp_header_is_judged_without_panicking(header in "\\PC{0,40}") {
            let _ = fresh(&header, at(1_700_000_000));
        }
    }

    #[test]
    fn bamboohr_signs_the_body_followed_by_the_timestamp() {
        let body = br#"{"employees":[]}"#;
        let mut mac = HmacSha256::new_from_slice(b"bamboo-secret").unwrap();
        mac.update(body);
        mac.update(b"1700000000");
        let signature = hex(&mac.finalize().into_bytes());
        assert_eq!(
            verify_bamboohr("bamboo-secret", Some("1700000000"), Some(&signature), body, at(1700000100)),
            Ok(())
        );
        assert_eq!(
            verify_bamboohr("other", Some("1700000000"), Some(&signature), body, at(1700000100)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_bamboohr("bamboo-secret", Some("1700000000"), Some("zz"), body, at(1700000100)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_bamboohr("bamboo-secret", Some("1700000000"), Some(&signature), body, at(1700000400)),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_bamboohr("bamboo-secret", None, Some(&signature), body, at(1700000000)),
            Err(SignatureError::MissingHeader)
        );
    }

    #[test]
    fn bamboohr_payloads_map_to_the_same_events() {
        let field_based = serde_json::json!({"employees": [
            {"id": "41", "action": "Created", "timestamp": "2026-11-25T09:00:00+00:00", "changedFields": ["First Name"],
             "fields": {"First Name": "Ana", "Last Name": "Silva", "Work Email": "Ana@Acme.example", "Department": "Design", "Hire Date": "2026-12-07"}},
            {"id": 42, "action": "Updated", "changedFields": ["terminationDate"], "fields": {"firstName": "Bo", "terminationDate": "2026-12-31"}},
            {"id": "43", "action": "Deleted", "fields": {}}
        ]});
        let Payload::Events(events) = parse_bamboohr(&field_based).unwrap() else { panic!("events") };
        assert_eq!(
            events.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [HrisEventKind::Created, HrisEventKind::Terminated, HrisEventKind::Ignored]
        );
        assert_eq!(events[0].employee.email.as_ref().unwrap().as_str(), "ana@acme.example");
        assert_eq!(events[0].employee.start_date, NaiveDate::from_ymd_opt(2026, 12, 7));
        assert_eq!(events[1].employee.hris_id.as_deref(), Some("42"));
        let event_based = serde_json::json!({"type": "employee.updated", "timestamp": "2026-01-31T18:42:00+0000", "data": {"companyId": "1", "employeeId": "67890", "changedFields": ["firstName"]}});
        assert_eq!(
            parse_bamboohr(&event_based).unwrap(),
            Payload::Lookups(vec![(HrisEventKind::Updated, "67890".into())])
        );
        assert!(parse_bamboohr(&serde_json::json!({"employees": [{"action": "Created"}]})).is_err());
    }
}
