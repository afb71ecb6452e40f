//! Write units as DynamoDB bills them, per API operation, read off the real SDK client: an
//! interceptor notes which items each request writes, and after the operation the meter reads
//! those items back (through a client without it) and bills them by AWS's rules:
//! - a put, update or delete: one unit per started KB of the larger of the item before and after
//!   (an update pays for the whole item, not for what it adds); a condition check: the item it
//!   checks; everything inside `TransactWriteItems` twice;
//! - each index: a new entry pays its size, a removed one pays its old size (a delete), a moved
//!   key pays both, an entry whose keys and projected attributes are unchanged pays nothing.
//!
//! The state "before" is what the meter saw after the previous operation; an item it has not
//! seen counts as new, so meter a fresh table from its first write on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use shared::store::dynamo::keys::{self, Index};

type Item = HashMap<String, AttributeValue>;
type Key = (String, String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Write,
    Check,
}

#[derive(Debug, Clone)]
struct Touch {
    key: Key,
    kind: Kind,
    transactional: bool,
}

/// What one item cost in one operation.
#[derive(Debug, Clone)]
pub struct Billed {
    pub sort_key: String,
    /// The item's size after the operation (before it, for a delete).
    pub bytes: usize,
    pub table_units: usize,
    /// Per index the item is or was in: the units its entry cost.
    pub index_units: Vec<(&'static str, usize)>,
}

impl Billed {
    pub fn units(&self) -> usize {
        self.table_units + self.index_units.iter().map(|(_, units)| units).sum::<usize>()
    }
}

#[derive(Debug, Default, Clone)]
pub struct WriteMeter {
    touched: Arc<Mutex<Vec<Touch>>>,
    /// Every item as the meter last read it.
    seen: Arc<Mutex<HashMap<Key, Item>>>,
}

fn units(bytes: usize) -> usize {
    bytes.div_ceil(1024).max(1)
}

/// DynamoDB's item size rules: names plus values; a number is about one byte per two digits
/// plus one; a map or list adds three bytes and one per element.
fn value_bytes(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::N(number) => number.len() / 2 + 1,
        AttributeValue::B(blob) => blob.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::M(map) => {
            3 + map.iter().map(|(name, value)| name.len() + value_bytes(value) + 1).sum::<usize>()
        }
        AttributeValue::L(list) => 3 + list.iter().map(|value| value_bytes(value) + 1).sum::<usize>(),
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(|number| number.len() / 2 + 1).sum(),
        other => format!("{other:?}").len(),
    }
}

fn bytes_of(item: &Item, names: &[&str]) -> usize {
    names.iter().filter_map(|name| item.get(*name).map(|value| name.len() + value_bytes(value))).sum()
}

pub fn item_bytes(item: &Item) -> usize {
    item.iter().map(|(name, value)| name.len() + value_bytes(value)).sum()
}

/// An item's entry in an index: its keys, what the index projects, and its size.
struct Entry<'a> {
    keys: Vec<Option<&'a AttributeValue>>,
    projected: Vec<Option<&'a AttributeValue>>,
    size: usize,
}

fn entry(item: &Item, index: Index) -> Option<Entry<'_>> {
    item.get(index.attribute())?;
    let key_names = [keys::PK, keys::SK, index.attribute(), index.sort_attribute()];
    Some(Entry {
        keys: key_names.iter().map(|name| item.get(*name)).collect(),
        projected: index.projected().iter().map(|name| item.get(*name)).collect(),
        size: bytes_of(item, &key_names) + bytes_of(item, index.projected()),
    })
}

fn index_units(before: Option<&Item>, after: Option<&Item>, index: Index) -> usize {
    let before = before.and_then(|item| entry(item, index));
    let after = after.and_then(|item| entry(item, index));
    match (before, after) {
        (None, None) => 0,
        (None, Some(entry)) | (Some(entry), None) => units(entry.size),
        (Some(old), Some(new)) if old.keys != new.keys => units(old.size) + units(new.size),
        (Some(old), Some(new)) if old.projected == new.projected => 0,
        (Some(old), Some(new)) => units(old.size.max(new.size)),
    }
}

fn string_at(value: &Value, name: &str) -> String {
    value[name]["S"].as_str().unwrap_or_default().to_owned()
}

impl WriteMeter {
    /// Bills what was written since the last call, and remembers the items as they are now.
    pub async fn settle(&self, client: &Client, table: &str) -> Vec<Billed> {
        let touched = std::mem::take(&mut *self.touched.lock().unwrap());
        let mut billed = Vec::new();
        for touch in touched {
            let (pk, sk) = touch.key.clone();
            let now = client
                .get_item()
                .table_name(table)
                .key(keys::PK, AttributeValue::S(pk))
                .key(keys::SK, AttributeValue::S(sk.clone()))
                .consistent_read(true)
                .send()
                .await
                .expect("read a metered item back")
                .item;
            let mut seen = self.seen.lock().unwrap();
            let before = seen.get(&touch.key).cloned();
            let size = |item: &Option<Item>| item.as_ref().map(item_bytes).unwrap_or(0);
            let factor = if touch.transactional { 2 } else { 1 };
            let (table_units, index_units) = match touch.kind {
                Kind::Check => (units(size(&now)) * factor, Vec::new()),
                Kind::Write => (
                    units(size(&before).max(size(&now))) * factor,
                    Index::ALL
                        .iter()
                        .map(|index| (index.name(), index_units(before.as_ref(), now.as_ref(), *index)))
                        .filter(|(_, units)| *units > 0)
                        .collect(),
                ),
            };
            billed.push(Billed {
                sort_key: sk,
                bytes: if now.is_some() { size(&now) } else { size(&before) },
                table_units,
                index_units,
            });
            match now {
                Some(item) => seen.insert(touch.key, item),
                None => seen.remove(&touch.key),
            };
        }
        billed
    }

    fn note(&self, key: &Value, kind: Kind, transactional: bool) {
        let key = (string_at(key, keys::PK), string_at(key, keys::SK));
        self.touched.lock().unwrap().push(Touch { key, kind, transactional });
    }
}

impl Intercept for WriteMeter {
    fn name(&self) -> &'static str {
        "WriteMeter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
        let body: Value = serde_json::from_slice(request.body().bytes().unwrap_or_default()).unwrap_or_default();
        match operation.as_str() {
            "TransactWriteItems" => {
                for action in body["TransactItems"].as_array().into_iter().flatten() {
                    if let Some(put) = action.get("Put") {
                        self.note(&put["Item"], Kind::Write, true);
                    } else if let Some(check) = action.get("ConditionCheck") {
                        self.note(&check["Key"], Kind::Check, true);
                    } else if let Some(write) = action.get("Update").or_else(|| action.get("Delete")) {
                        self.note(&write["Key"], Kind::Write, true);
                    }
                }
            }
            "PutItem" => self.note(&body["Item"], Kind::Write, false),
            "UpdateItem" | "DeleteItem" => self.note(&body["Key"], Kind::Write, false),
            "BatchWriteItem" => {
                for requests in body["RequestItems"].as_object().into_iter().flat_map(|tables| tables.values()) {
                    for request in requests.as_array().into_iter().flatten() {
                        if let Some(put) = request.get("PutRequest") {
                            self.note(&put["Item"], Kind::Write, false);
                        } else if let Some(delete) = request.get("DeleteRequest") {
                            self.note(&delete["Key"], Kind::Write, false);
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}
