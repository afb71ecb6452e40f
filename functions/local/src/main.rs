//! `assetronics-local`: the whole API on 127.0.0.1:${PORT:-3000}, no AWS account needed.

use std::sync::Arc;

use shared::clock::SystemClock;
use shared::config::ApiConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    shared::telemetry::init_text();
    let config = ApiConfig::local_from_env()?;
    let (store, feed) = assetronics_local::store_from_env().await?;
    let clock = Arc::new(SystemClock);
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    let address = listener.local_addr()?;
    if std::env::var("SEED").as_deref() != Ok("0") {
        let token = assetronics_local::seed_demo(
            store.as_ref(),
            clock.as_ref(),
            config.auth.hs256_secret.as_deref().unwrap_or_default(),
        )
        .await?;
        println!(
            "Demo tenant `{}` ready. Admin token (30 days):\n\nexport TOKEN={token}\n",
            assetronics_local::DEMO_TENANT
        );
        println!("Try: curl -H \"Authorization: Bearer $TOKEN\" http://{address}/api/v1/workflows\n");
    }
    println!("Console: http://{address}/   API: http://{address}/api/v1");
    tracing::info!("listening on http://{address}");
    let local = assetronics_local::Local::new(clock.clone());
    if let Some(feed) = feed {
        assetronics_local::live::spawn_feed(feed, store.clone(), local.hub.clone());
    }
    let app = assetronics_local::app(assetronics_local::state(store, &config, clock, &local), &config, &local);
    axum::serve(listener, app).with_graceful_shutdown(async { tokio::signal::ctrl_c().await.unwrap_or(()) }).await?;
    Ok(())
}
