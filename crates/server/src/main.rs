//! `muhan`: serve (default), migrate, admin create, openapi.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use muhan_server::config::Config;
use muhan_server::startup::{create_admin, open_database, Application};
use muhan_server::telemetry;
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "muhan",
    version,
    about = "Muhan: shared-sales marketplace of the social economy"
)]
struct Cli {
    /// Configuration file (TOML). Default: ./muhan.toml when present.
    #[arg(long, global = true, env = "MUHAN_CONFIG")]
    config: Option<PathBuf>,
    /// Database URL (postgres://…, sqlite://PATH); overrides DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        bind: Option<String>,
        /// Number of HTTP worker threads.
        #[arg(long)]
        workers: Option<usize>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administer accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI document (JSON) to stdout.
    Openapi,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account; the password is read from stdin (one line).
    Create {
        #[arg(long)]
        email: String,
    },
}

// Allocation-heavy request handling (JSON in and out, many small buffers) spends noticeably
// less CPU in mimalloc than in glibc's malloc under concurrency.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref()).context("reading configuration")?;
    if let Some(url) = cli.database_url {
        config.database_url = Some(url);
    }
    let command = cli.command.unwrap_or(Command::Serve {
        bind: None,
        workers: None,
    });
    if let Command::Openapi = command {
        print!("{}", muhan_api::openapi::to_pretty_json()?);
        return Ok(());
    }
    telemetry::init(config.log_format, &config.log_level);
    match command {
        Command::Serve { bind, workers } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            if workers.is_some() {
                config.workers = workers;
            }
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(&config)?;
                app.run_until_stopped().await?;
                Ok(())
            })
        }
        Command::Migrate => {
            open_database(&config)?;
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::Create { email },
        } => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']);
            let pool = open_database(&config)?;
            if create_admin(&pool, &email, password)? {
                eprintln!("created admin {email}");
                Ok(())
            } else {
                bail!("an admin with e-mail {email} already exists")
            }
        }
        Command::Openapi => Ok(()),
    }
}
