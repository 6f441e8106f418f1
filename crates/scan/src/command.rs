//! Running a system tool (`tasklist`, `security`, `lsof`) behind a trait, so the parsers of
//! their output are tested on recorded text and the scan never hangs on a stuck tool.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs a program and returns its standard output.
pub trait CommandRunner {
    /// Output bytes, or why the program could not be run or failed.
    fn run(&self, program: &str, args: &[&str]) -> Result<Vec<u8>, String>;
}

/// Runs real programs with a time limit.
#[derive(Debug, Clone, Copy)]
pub struct SystemRunner {
    pub timeout: Duration,
}

impl Default for SystemRunner {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
        }
    }
}

impl CommandRunner for SystemRunner {
    fn run(&self, program: &str, args: &[&str]) -> Result<Vec<u8>, String> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        let mut stdout = child
            .stdout
            .take()
            .ok_or_else(|| format!("{program}: no output pipe"))?;
        // Read on a thread so a tool that fills the pipe cannot deadlock the wait below.
        let reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.read_to_end(&mut buf);
            buf
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("{program} did not finish in {:?}", self.timeout));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(format!("{program}: {e}")),
            }
        };
        let out = reader
            .join()
            .map_err(|_| format!("{program}: output reader failed"))?;
        if status.success() {
            Ok(out)
        } else {
            Err(format!("{program} exited with {status}"))
        }
    }
}

/// Decodes a tool's output: UTF-16LE when it looks like it (wmic, some Windows tools),
/// else UTF-8 with bad bytes replaced (the OEM code page of cmdkey is close enough for
/// the ASCII target names we look for).
pub fn decode_output(bytes: &[u8]) -> String {
    let body = bytes.strip_prefix(&[0xFF, 0xFE]);
    let looks_utf16 = body.is_some() || (bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0);
    if looks_utf16 {
        crate::registry::utf16le_to_string(body.unwrap_or(bytes))
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}
