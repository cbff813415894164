//! Command line and environment configuration.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Lianban 联办 — joint handling of business licences and operating permits.
#[derive(Debug, Parser)]
#[command(name = "lianban", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the web server: the API and the built frontend.
    Serve(ServeArgs),
    /// Works with the catalogue data files.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LIANBAN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// `sqlite:<file>` (the default, created if missing) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/lianban.db?mode=rwc"
    )]
    pub database_url: String,
    /// Folder of the built frontend (Trunk's output).
    #[arg(long, env = "LIANBAN_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Folder of the catalogue data files.
    #[arg(long, env = "LIANBAN_CATALOGUE_DIR", default_value = "catalogue")]
    pub catalogue_dir: PathBuf,
    /// Applications one client address may file per minute.
    #[arg(long, env = "LIANBAN_SUBMIT_LIMIT_PER_MINUTE", default_value_t = 20)]
    pub submit_limit_per_minute: u32,
}

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Loads and checks the catalogue without starting the server.
    Check {
        /// Folder of the catalogue data files.
        #[arg(default_value = "catalogue")]
        dir: PathBuf,
    },
}
