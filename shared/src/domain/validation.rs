//! Validation newtypes: a value of one of these types has been checked once, at the edge.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// Field name → messages, the `errors` member of a 422 problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, so a validator can end with `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> = self.fields().collect();
        write!(f, "invalid fields: {}", fields.join(", "))
    }
}

/// Declares a string newtype whose only constructor is `parse`, and which deserializes through it.
/// Its OpenAPI schema is a string of at most `max_length` characters, described by its doc comment.
macro_rules! checked_string {
    ($(#[doc = $doc:expr])* $name:ident, max_length = $max:expr, $check:expr) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let description = [$($doc),*].map(str::trim).join(" ");
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .max_length(Some($max))
                    .description(Some(description))
                    .into()
            }
        }

        impl ToSchema for $name {}

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, String> {
                let check: fn(&str) -> Result<String, String> = $check;
                check(raw).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(raw: &str) -> Result<Self, String> {
                Self::parse(raw)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

checked_string!(
    /// A tenant id: `[a-z0-9][a-z0-9-]{1,62}`.
    TenantId,
    max_length = 63,
    |raw| {
        let valid_len = (2..=63).contains(&raw.len());
        let mut chars = raw.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if valid_len && first_ok && rest_ok {
            Ok(raw.to_owned())
        } else {
            Err("must match [a-z0-9][a-z0-9-]{1,62}".to_owned())
        }
    }
);

checked_string!(
    /// An email address, trimmed and lower-cased so that comparisons are case-insensitive.
    Email,
    max_length = 254,
    |raw| {
        let email = raw.trim().to_ascii_lowercase();
        let shape_ok = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
        let chars_ok = email.chars().all(|c| c.is_ascii_graphic());
        if shape_ok && chars_ok && email.len() <= 254 {
            Ok(email)
        } else {
            Err("must be an email address like name@example.com".to_owned())
        }
    }
);

/// The longest team name, in characters.
pub const TEAM_MAX_CHARS: usize = 100;

checked_string!(
    /// A team name: 1..=100 characters, no control characters, surrounding blanks trimmed.
    Team,
    max_length = TEAM_MAX_CHARS,
    |raw| text_within(raw, 1, TEAM_MAX_CHARS)
);

/// Trims `raw` and checks that it has `min..=max` characters and no control characters
/// other than newlines and tabs.
pub fn text_within(raw: &str, min: usize, max: usize) -> Result<String, String> {
    // The byte-order mark counts as white space here, as it does in JSON Schema patterns (`\s`).
    let text = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let count = text.chars().count();
    if count < min || count > max {
        return Err(if min > 0 {
            format!("must be {min} to {max} characters")
        } else {
            format!("must be at most {max} characters")
        });
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err("must not contain control characters".to_owned());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_follow_the_contract_pattern() {
        for good in ["ab", "acme", "acme-corp", "0day", &"a".repeat(63)] {
            assert!(TenantId::parse(good).is_ok(), "{good} should be valid");
        }
        for bad in ["", "a", "-acme", "Acme", "acme_corp", "acme corp", &"a".repeat(64)] {
            assert!(TenantId::parse(bad).is_err(), "{bad} should be invalid");
        }
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Jane.Doe@Example.COM ").unwrap().as_str(), "jane.doe@example.com");
        for bad in ["", "jane", "jane@", "@example.com", "jane@example", "ja ne@example.com", "a@b@c.com", "jane@.com"]
        {
            assert!(Email::parse(bad).is_err(), "{bad} should be invalid");
        }
    }

    #[test]
    fn text_bounds_count_characters_not_bytes() {
        assert!(text_within("ééé", 1, 3).is_ok());
        assert!(text_within("éééé", 1, 3).is_err());
        assert!(text_within("   ", 1, 3).is_err());
        assert!(text_within("a\u{0}b", 1, 3).is_err());
    }
}
