//! One place to run a system tool (`tasklist`, `taskkill`, `security`, `lsof`, `osascript`):
//! a time limit, the output read on its own thread so a chatty tool cannot fill the pipe and
//! block the wait, stderr discarded, and a typed error. Behind [`CommandRunner`] so the parsers
//! of tool output are tested on recorded text.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Why a tool gave no usable output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The program could not be started (not installed, not allowed).
    #[error("cannot run {program}: {reason}")]
    Spawn {
        /// The program.
        program: String,
        /// What the OS said.
        reason: String,
    },
    /// It ran past its time limit and was stopped.
    #[error("{program} did not finish in {timeout:?}")]
    Timeout {
        /// The program.
        program: String,
        /// The limit it ran past.
        timeout: Duration,
    },
    /// It ended with a failure status.
    #[error("{program} exited with {status}")]
    Failed {
        /// The program.
        program: String,
        /// Its exit status, as the OS describes it.
        status: String,
    },
    /// Waiting for it or reading its output failed.
    #[error("{program}: {reason}")]
    Io {
        /// The program.
        program: String,
        /// What went wrong.
        reason: String,
    },
}

/// Runs a program and returns its standard output.
pub trait CommandRunner {
    /// Output bytes, or why the program could not be run or failed.
    fn run(&self, program: &str, args: &[&str]) -> Result<Vec<u8>, ToolError>;
}

/// Runs real programs with a time limit.
#[derive(Debug, Clone, Copy)]
pub struct SystemRunner {
    /// How long a tool may run before it is stopped.
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
    fn run(&self, program: &str, args: &[&str]) -> Result<Vec<u8>, ToolError> {
        run_tool(program, args, self.timeout)
    }
}

/// Runs `program` with `args`, stdin and stderr closed, for at most `timeout`; its standard
/// output when it exits successfully.
pub fn run_tool(program: &str, args: &[&str], timeout: Duration) -> Result<Vec<u8>, ToolError> {
    let io = |reason: String| ToolError::Io {
        program: program.to_owned(),
        reason,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ToolError::Spawn {
            program: program.to_owned(),
            reason: e.to_string(),
        })?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| io("no output pipe".to_owned()))?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ToolError::Timeout {
                    program: program.to_owned(),
                    timeout,
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(io(e.to_string())),
        }
    };
    let out = reader
        .join()
        .map_err(|_| io("output reader failed".to_owned()))?;
    if status.success() {
        Ok(out)
    } else {
        Err(ToolError::Failed {
            program: program.to_owned(),
            status: status.to_string(),
        })
    }
}

/// Decodes a tool's output: UTF-16LE when it looks like it (wmic, some Windows tools),
/// else UTF-8 with bad bytes replaced (the OEM code page of cmdkey is close enough for
/// the ASCII target names looked for).
pub fn decode_output(bytes: &[u8]) -> String {
    let body = bytes.strip_prefix(&[0xFF, 0xFE]);
    let looks_utf16 = body.is_some() || (bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0);
    if looks_utf16 {
        crate::text::utf16le_to_string(body.unwrap_or(bytes))
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn output_failure_and_timeout_are_told_apart() {
        let out = run_tool("sh", &["-c", "printf hello"], Duration::from_secs(10)).expect("runs");
        assert_eq!(out, b"hello");
        assert!(matches!(
            run_tool("sh", &["-c", "exit 3"], Duration::from_secs(10)),
            Err(ToolError::Failed { .. })
        ));
        assert!(matches!(
            run_tool("sh", &["-c", "sleep 5"], Duration::from_millis(200)),
            Err(ToolError::Timeout { .. })
        ));
        assert!(matches!(
            run_tool("/nonexistent/tool", &[], Duration::from_secs(1)),
            Err(ToolError::Spawn { .. })
        ));
        // A tool that writes more than a pipe holds is read while it runs, not deadlocked.
        let big = run_tool(
            "sh",
            &["-c", "head -c 300000 /dev/zero"],
            Duration::from_secs(10),
        )
        .expect("big output");
        assert_eq!(big.len(), 300_000);
    }

    #[test]
    fn utf16_output_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("tasklist".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_output(&bytes), "tasklist");
        assert_eq!(decode_output(b"plain"), "plain");
    }
}
