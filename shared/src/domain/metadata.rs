//! The limits of a workflow's free-form `metadata` (contract §1), the same on both stores and
//! checked before anything is written: nothing a client sends may make a stored item unreadable
//! (DynamoDB refuses numbers outside its range and its SDK reader stops at a nesting depth).

use serde_json::{Map, Number, Value};

/// Compact UTF-8 JSON of the whole object, after a PATCH's merge.
pub const MAX_METADATA_BYTES: usize = 16_384;
/// The object itself is level 1; each nested object or array adds one.
pub const MAX_METADATA_DEPTH: usize = 8;
/// DynamoDB numbers: 0, or a magnitude in [1e-130, 1e126) with at most 38 significant digits.
const MIN_MAGNITUDE: f64 = 1e-130;
const MAX_MAGNITUDE: f64 = 1e126;
const MAX_SIGNIFICANT_DIGITS: usize = 38;

/// Why a metadata object is refused (one message for the `metadata` field of a 422).
pub fn check_metadata_limits(metadata: &Map<String, Value>) -> Result<(), String> {
    let depth = object_depth(metadata);
    if depth > MAX_METADATA_DEPTH {
        return Err(format!("nests {depth} levels deep; at most {MAX_METADATA_DEPTH} are allowed"));
    }
    if let Some(number) = first_out_of_range(metadata.values()) {
        return Err(format!(
            "holds the number {number}; numbers must be 0 or between 1e-130 and 1e126 in magnitude, \
             with at most {MAX_SIGNIFICANT_DIGITS} significant digits"
        ));
    }
    let size = serde_json::to_vec(metadata).map_or(usize::MAX, |bytes| bytes.len());
    if size > MAX_METADATA_BYTES {
        return Err(format!("is {size} bytes as compact JSON; at most {MAX_METADATA_BYTES} are allowed"));
    }
    Ok(())
}

fn object_depth(object: &Map<String, Value>) -> usize {
    1 + object.values().map(value_depth).max().unwrap_or(0)
}

/// Iterative, so a hostile 10,000-deep body cannot exhaust the stack here (serde_json's own
/// parser stops at 128 levels before this runs).
fn value_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 1)];
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Object(object) => Box::new(object.values()),
            Value::Array(items) => Box::new(items.iter()),
            _ => continue,
        };
        deepest = deepest.max(depth);
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    deepest
}

fn first_out_of_range<'a>(values: impl Iterator<Item = &'a Value>) -> Option<Number> {
    let mut pending: Vec<&Value> = values.collect();
    while let Some(value) = pending.pop() {
        match value {
            Value::Number(number) if !storable(number) => return Some(number.clone()),
            Value::Object(object) => pending.extend(object.values()),
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    None
}

fn storable(number: &Number) -> bool {
    let digits =
        number.to_string().trim_start_matches('-').split(['e', 'E']).next().unwrap_or_default().replace('.', "");
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    let magnitude = number.as_f64().map_or(f64::INFINITY, f64::abs);
    significant <= MAX_SIGNIFICANT_DIGITS && (magnitude == 0.0 || (MIN_MAGNITUDE..MAX_MAGNITUDE).contains(&magnitude))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(value: Value) -> Result<(), String> {
        check_metadata_limits(value.as_object().expect("an object"))
    }

    fn nested(levels: usize) -> Value {
        (1..levels).fold(json!({}), |inner, _| json!({ "a": inner }))
    }

    #[test]
    fn depth_counts_the_object_as_level_one() {
        assert_eq!(check(nested(8)), Ok(()));
        assert!(check(nested(9)).unwrap_err().contains("9 levels"));
        assert_eq!(check(json!({"a": [[[[[[[1]]]]]]]})), Ok(()), "the object and 7 arrays: 8 levels");
        assert!(check(json!({"a": [[[[[[[[1]]]]]]]]})).is_err(), "arrays count as levels too");
        assert!(check(nested(64)).is_err());
    }

    #[test]
    fn numbers_stay_in_dynamodbs_range() {
        for fine in [json!(0), json!(-0.0), json!(1e-130), json!(9.99e125), json!(u64::MAX), json!(-12.5)] {
            assert_eq!(check(json!({ "n": fine })), Ok(()), "{fine}");
        }
        for refused in [json!(1e300), json!(1e126), json!(-1e126), json!(1e-131), json!(f64::MIN_POSITIVE)] {
            assert!(check(json!({ "deep": [{ "n": refused }] })).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_compact_size_is_at_most_16_kib() {
        let fits = "x".repeat(MAX_METADATA_BYTES - r#"{"k":""}"#.len());
        assert_eq!(check(json!({ "k": fits })), Ok(()));
        assert!(check(json!({ "k": format!("{fits}y") })).unwrap_err().contains("16385 bytes"));
    }
}
