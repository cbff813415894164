//! `lianban`: telemetry, then the command (`cli`).

use std::process::ExitCode;

use backend::config::Cli;
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    match backend::cli::run(Cli::parse().command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lianban: {e:#}");
            ExitCode::FAILURE
        }
    }
}
