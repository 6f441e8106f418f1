//! The simulated tenant as its own process, for tests that drive a separately built
//! program against it (the Windows CLI under Wine). Prints one JSON line with the
//! endpoints, serves until its standard input closes, then prints one JSON line with what
//! the tenant saw (live refresh tokens per demo user) and exits.
//!
//! `session-doctor-sandbox [--approve UPN] [--access-len N] [--refresh-len N]`

use std::io::{BufRead, Write};
use std::process::ExitCode;

use sandbox::{
    DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, DEMO_PERSONAL_UPN, DeviceFlowPlan, DeviceOutcome, Sandbox,
    Tenant, TokenLengths,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("session-doctor-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut approve = DEMO_ADMIN_UPN.to_owned();
    let mut lengths = TokenLengths::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--approve" => approve = value("--approve")?,
            "--access-len" => lengths.access = number(&value("--access-len")?)?,
            "--refresh-len" => lengths.refresh = number(&value("--refresh-len")?)?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let tenant = Tenant::demo().with_token_lengths(lengths.access, lengths.refresh);
    let sb = Sandbox::start_with(tenant).map_err(|e| e.to_string())?;
    sb.set_device_flow(DeviceFlowPlan {
        pending_polls: 1,
        slow_down_polls: 0,
        outcome: DeviceOutcome::Approve(approve),
        interval_secs: 1,
        expires_in_secs: 300,
    });
    let ready = serde_json::json!({
        "authority": sb.authority(),
        "graph_base": sb.graph_base(),
        "client_id": sb.client_id(),
    });
    let mut out = std::io::stdout();
    writeln!(out, "{ready}").map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;

    // Serve until the caller closes our stdin.
    let mut sink = String::new();
    let stdin = std::io::stdin();
    while stdin
        .lock()
        .read_line(&mut sink)
        .map_err(|e| e.to_string())?
        > 0
    {
        sink.clear();
    }
    let seen = serde_json::json!({
        "live_refresh_tokens": {
            DEMO_ADMIN_UPN: sb.live_refresh_tokens(DEMO_ADMIN_UPN),
            DEMO_MEMBER_UPN: sb.live_refresh_tokens(DEMO_MEMBER_UPN),
            DEMO_PERSONAL_UPN: sb.live_refresh_tokens(DEMO_PERSONAL_UPN),
        }
    });
    writeln!(out, "{seen}").map_err(|e| e.to_string())?;
    Ok(())
}

fn number(text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .map_err(|_| format!("{text} is not a length"))
        .map(|n| n.min(TokenLengths::MAX))
}
