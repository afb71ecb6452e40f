//! The OpenAPI 3.1 document: each route group contributes the paths it serves (generated from its
//! handlers by utoipa); this module adds what they share.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

/// Merges the route groups' documents into the API's document.
pub fn document(groups: impl IntoIterator<Item = OpenApi>) -> OpenApi {
    let mut document = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Assetronics Workflows API")
                .version("1.0.0")
                .description(Some(
                    "IT workflows for hardware and people. Errors are RFC 9457 problem+json. \
                     Lists are newest first with opaque cursors. Mutations accept \
                     `If-Match: \"<version>\"`. A POST body may be empty (it reads as `{}`).",
                ))
                .build(),
        )
        .build();
    for group in groups {
        document.merge(group);
    }
    let components = document.components.get_or_insert_with(Default::default);
    let mut bearer = Http::new(HttpAuthScheme::Bearer);
    bearer.bearer_format = Some("JWT".to_owned());
    components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    document
}

/// The problem+json responses any API route may give, for `responses(...)` of `#[utoipa::path]`.
pub struct Problems;

impl utoipa::IntoResponses for Problems {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::response::Response>> {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let cases = [
            ("400", "Malformed JSON, bad query or bad cursor"),
            ("401", "Missing, invalid or expired credentials, or an inactive tenant"),
            ("403", "Tenant mismatch or a role that may not do this"),
            ("404", "Unknown id, or an id outside the caller's tenant or scope"),
            ("409", "Invalid state transition, or a lost race"),
            ("412", "The If-Match version is stale"),
            ("413", "The body is larger than 1 MiB"),
            ("415", "A non-empty body that is not application/json"),
            ("422", "Validation failed; `errors` names the fields"),
        ];
        cases
            .into_iter()
            .map(|(status, description)| {
                let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
                let response = ResponseBuilder::new()
                    .description(description)
                    .content("application/problem+json", content)
                    .build();
                (status.to_owned(), response.into())
            })
            .collect()
    }
}
