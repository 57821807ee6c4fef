//! `muhan`: serve (default), migrate, admin create, seed demo|bench, openapi.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use muhan_server::config::Config;
use muhan_server::seed_command::{seed_bench, seed_demo, seed_demo_if_empty};
use muhan_server::startup::{create_admin, open_database, Application};
use muhan_server::telemetry;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// Seed the demo data set first when the database is empty (default seed).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administer accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write generated data: a demo data set or a benchmark data set.
    Seed {
        #[command(subcommand)]
        command: SeedCommand,
    },
    /// Print the OpenAPI document (JSON) to stdout.
    Openapi,
}

#[derive(Subcommand)]
enum SeedCommand {
    /// The deterministic Daegu demo data set (refuses a database with data unless --force).
    Demo {
        #[arg(long, default_value_t = muhan_stats::seed::DEFAULT_SEED)]
        seed: u64,
        /// Delete the existing enterprises, agencies, products, orders, requests and non-admin
        /// users first.
        #[arg(long)]
        force: bool,
    },
    /// A large synthetic data set for benchmarks.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        #[arg(long, default_value_t = 1_000_000)]
        order_lines: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account; the password is read from stdin (one line).
    Create {
        #[arg(long)]
        email: String,
    },
}

/// A database URL as the logs may show it (no password).
fn redacted_url(url: &str) -> String {
    muhan_db::DbUrl::parse(url).map_or_else(|_| url.to_owned(), |u| u.redacted())
}

// Allocation-heavy request handling (JSON in and out, many small buffers) spends noticeably
// less CPU in mimalloc than in glibc's malloc under concurrency.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Errors end the process with one line on stderr and exit status 1, never a backtrace
/// (whatever `RUST_BACKTRACE` says): they are the user's to act on, not a crash.
fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("muhan: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref()).context("reading configuration")?;
    let database_flag = cli.database_url.as_deref().map(redacted_url);
    if let Some(url) = cli.database_url {
        config.database_url = Some(url);
    }
    let command = cli.command.unwrap_or(Command::Serve {
        bind: None,
        workers: None,
        demo: false,
    });
    if let Command::Openapi = command {
        print!("{}", muhan_api::openapi::to_pretty_json()?);
        return Ok(());
    }
    telemetry::init(config.log_format, &config.log_level);
    match command {
        Command::Serve {
            bind,
            workers,
            demo,
        } => {
            if let Some(bind) = bind {
                config.bind = bind;
            }
            if workers.is_some() {
                config.workers = workers;
            }
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(&config)?;
                if demo {
                    let pool = app.pool().clone();
                    actix_web::rt::task::spawn_blocking(move || seed_demo_if_empty(&pool))
                        .await??;
                }
                app.announce(database_flag.as_deref()).await?;
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
        Command::Seed { command } => {
            let pool = open_database(&config)?;
            match command {
                SeedCommand::Demo { seed, force } => seed_demo(&pool, seed, force),
                SeedCommand::Bench {
                    products,
                    order_lines,
                    seed,
                    force,
                } => seed_bench(&pool, seed, products, order_lines, force),
            }
        }
        Command::Openapi => Ok(()),
    }
}
