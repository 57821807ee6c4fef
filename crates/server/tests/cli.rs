//! The `muhan` binary as a newcomer meets it: errors are one line and a non-zero exit (never a
//! backtrace, whatever RUST_BACKTRACE says), and the first start says where the dashboard
//! and the docs are and prints the exact command that creates the first admin — which works.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SECRET: &str = "cli-test-secret-0123456789abcdef0123456789";

fn muhan(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_muhan"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MUHAN_DATA_DIR", data_dir)
        .env("MUHAN_JWT_SECRET", SECRET)
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LIB_BACKTRACE", "1")
        .env("NO_COLOR", "1")
        .current_dir(data_dir);
    cmd
}

/// Text without ANSI colour sequences.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn assert_one_line_error(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("muhan: error: "))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {stderr}");
    assert!(errors[0].contains(expected), "{stderr}");
    assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");
    assert!(!stderr.contains("   0: "), "no stack frames: {stderr}");
}

#[test]
fn cli_errors_are_one_line_without_a_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    let bad_url = muhan(dir.path())
        .args(["--database-url", "mysql://db/muhan", "migrate"])
        .output()
        .unwrap();
    assert_one_line_error(&bad_url, "DATABASE_URL");

    let mut short = muhan(dir.path())
        .args(["admin", "create", "--email", "admin@example.org"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    short.stdin.take().unwrap().write_all(b"short\n").unwrap();
    assert_one_line_error(&short.wait_with_output().unwrap(), "password");
}

/// Starts `serve` and returns it with its log lines (ANSI removed) as they come.
fn serve(data_dir: &std::path::Path) -> (Child, mpsc::Receiver<String>) {
    let mut child = muhan(data_dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(plain(&line)).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// The log lines up to the first that contains `until`, plus what follows within `grace`.
fn lines_until(rx: &mpsc::Receiver<String>, until: &str, grace: Duration) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no log line with {until:?}; got {lines:#?}"));
        let found = line.contains(until);
        lines.push(line);
        if found {
            break;
        }
    }
    while let Ok(line) = rx.recv_timeout(grace) {
        lines.push(line);
    }
    lines
}

#[test]
fn the_first_start_prints_the_front_door_and_the_first_admin_command() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, rx) = serve(dir.path());
    let lines = lines_until(&rx, "no admin account yet", Duration::from_millis(200));
    server.kill().unwrap();
    server.wait().unwrap();
    let listening = lines
        .iter()
        .find(|l| l.contains("Muhan listening on http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(listening.contains("/dashboard/"), "{listening}");
    assert!(listening.contains("/docs/"), "{listening}");
    let hint = lines.last().unwrap();
    let command = hint
        .split_once("create the first with: ")
        .unwrap_or_else(|| panic!("{hint}"))
        .1
        .trim();
    assert!(command.contains("admin create --email"), "{command}");

    // The command works exactly as printed, on the same database.
    let created = Command::new("sh")
        .args(["-c", command])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MUHAN_DATA_DIR", dir.path())
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stderr).contains("created admin admin@example.org"));

    // With an admin, the next start prints no such hint.
    let (mut server, rx) = serve(dir.path());
    let lines = lines_until(&rx, "Muhan listening on", Duration::from_millis(500));
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        !lines.iter().any(|l| l.contains("no admin account yet")),
        "{lines:#?}"
    );
}
