//! The hris-sync job, on its EventBridge schedule.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    jobs::serve(shared::domain::jobs::JobName::HrisSync).await
}
