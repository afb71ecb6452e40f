//! The table's definition, for the local server (`STORE=dynamodb`) and the tests; `template.yaml`
//! declares the same table for AWS.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};

use super::keys::{EXPIRES_AT, GSI_SK, Index, PK, SK};
use super::unavailable;
use crate::ports::StoreError;

/// Creates the table unless it exists.
pub async fn ensure_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let exists = client.describe_table().table_name(table).send().await;
    if exists.is_ok() {
        return Ok(());
    }
    create_table(client, table).await
}

pub async fn create_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let built = |error: aws_sdk_dynamodb::error::BuildError| StoreError::Unavailable(error.to_string());
    let string_attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(built)
    };
    let key = |name: &str, key_type: KeyType| {
        KeySchemaElement::builder().attribute_name(name).key_type(key_type).build().map_err(built)
    };

    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .attribute_definitions(string_attribute(PK)?)
        .attribute_definitions(string_attribute(SK)?)
        .attribute_definitions(string_attribute(GSI_SK)?)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .map_err(built)?,
        );
    for index in Index::ALL {
        let (index_name, partition_attribute, sort_attribute) =
            (index.name(), index.attribute(), index.sort_attribute());
        if sort_attribute != GSI_SK {
            request = request.attribute_definitions(string_attribute(sort_attribute)?);
        }
        request = request.attribute_definitions(string_attribute(partition_attribute)?).global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(index_name)
                .key_schema(key(partition_attribute, KeyType::Hash)?)
                .key_schema(key(sort_attribute, KeyType::Range)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .set_non_key_attributes(Some(index.projected().iter().map(|name| (*name).to_owned()).collect()))
                        .build(),
                )
                .build()
                .map_err(built)?,
        );
    }
    request.send().await.map_err(unavailable)?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder().enabled(true).attribute_name(EXPIRES_AT).build().map_err(built)?,
        )
        .send()
        .await
        .map_err(unavailable)?;
    Ok(())
}
