//! A workflow's steps as the table stores them: their JSON (unset fields left out), deflated,
//! in one binary attribute. Every write of a workflow pays for its whole item, and the steps are
//! most of it; their field names, emails and dates repeat from step to step, so they shrink to
//! about a third (AWS's advice for large attribute values). Nothing reads them inside DynamoDB:
//! no condition, filter or index uses them, and the detail route and the jobs read them whole.

use std::io::{Read, Write};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde_json::Value;

use crate::domain::workflow::Step;
use crate::ports::StoreError;

/// The steps as one binary attribute.
pub fn pack(steps: &[Step]) -> Result<AttributeValue, StoreError> {
    let mut json = serde_json::to_value(steps).map_err(unreadable)?;
    if let Value::Array(steps) = &mut json {
        for step in steps {
            if let Value::Object(fields) = step {
                fields.retain(|_, value| !value.is_null());
            }
        }
    }
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(json.to_string().as_bytes()).map_err(unreadable)?;
    Ok(AttributeValue::B(Blob::new(encoder.finish().map_err(unreadable)?)))
}

/// The steps as the list of maps the record deserializes from.
pub fn unpack(packed: &Blob) -> Result<AttributeValue, StoreError> {
    let mut json = Vec::new();
    DeflateDecoder::new(packed.as_ref()).read_to_end(&mut json).map_err(unreadable)?;
    let steps: Value = serde_json::from_slice(&json).map_err(unreadable)?;
    serde_dynamo::to_attribute_value(steps).map_err(unreadable)
}

fn unreadable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("unreadable steps: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::Email;
    use crate::domain::workflow::{Step, StepKind};

    #[test]
    fn steps_read_back_as_they_were_written() {
        let steps: Vec<Step> = (1..=9)
            .map(|order| Step {
                order,
                name: format!("Step {order}"),
                description: None,
                instructions: (order == 2).then(|| "Order the standard model.".to_owned()),
                completed: order == 1,
                assigned_to: Some(Email::parse("it@acme.example").unwrap()),
                started_at: None,
                completed_at: None,
                completed_by: (order == 1).then(|| "it@acme.example".to_owned()),
                kind: if order == 3 { StepKind::Approval } else { StepKind::Task },
                due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, order),
                estimated_hours: Some(0.5 * f64::from(order)),
                skipped: false,
                skip_reason: None,
                decision: None,
                notes: Vec::new(),
            })
            .collect();
        let packed = pack(&steps).unwrap();
        let AttributeValue::B(blob) = &packed else { panic!("packed steps are binary: {packed:?}") };
        let unpacked: Vec<Step> = serde_dynamo::from_attribute_value(unpack(blob).unwrap()).unwrap();
        assert_eq!(unpacked, steps);
        assert!(blob.as_ref().len() < serde_json::to_vec(&steps).unwrap().len() / 2, "{} bytes", blob.as_ref().len());
    }

    #[test]
    fn damaged_steps_are_an_error_not_a_panic() {
        assert!(unpack(&Blob::new(b"not deflate".to_vec())).is_err());
    }
}
