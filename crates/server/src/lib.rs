//! The `muhan` server: layered configuration, tracing, start-up and the CLI commands.

pub mod config;
pub mod secret;
pub mod seed_command;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;
