//! One counted process: a bootstrap under qemu-user with the counting plugin, behind the bench's
//! own Runtime API, given `n` invocations of one event and then told "no more events" (its
//! `GET /next` closed unanswered) so that it exits and the plugin writes its report.
//!
//! What a count depends on besides the code is held fixed: the CPU model (`-cpu`), the
//! environment (cleared, then Lambda's variables with fixed values), argv[0] (`-0 bootstrap`) and
//! the binary's path (every bootstrap is copied to [`FIXED_DIR`]`/task/bootstrap`, so the
//! strings on the guest's initial stack have the same length whatever was measured).

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::future::join_all;

use super::plugin::PluginReport;
use super::CountOptions;
use crate::benchmark::Event;
use crate::error::{Error, Result};
use crate::invocation::Outcome;
use crate::process::SpawnConfig;
use crate::runtime_api::{ApiConfig, Fault};
use crate::session::{InitStatus, LocalFunction};
use crate::Wrapper;

/// Where every counted bootstrap runs from (one fixed path on every machine).
pub const FIXED_DIR: &str = "/tmp/lambda-bench-count";
/// The guest's argv[0].
pub const FIXED_ARGV0: &str = "bootstrap";
/// The API's clock for deadlines and trace ids: 2100-01-01T00:00:00Z, so deadlines lie in the
/// future (a runtime may skip an event past its deadline) and keep their 13 digits.
const FIXED_EPOCH: Duration = Duration::from_secs(4_102_444_800);
/// `AWS_LAMBDA_LOG_STREAM_NAME` (Lambda's is dated and random).
const FIXED_LOG_STREAM: &str = "2026/01/01/[$LATEST]00000000000000000000000000000000";

/// The fixed directory, held exclusively (an advisory lock) while counts run: two counting
/// commands at once would otherwise overwrite each other's bootstrap.
pub struct Workspace {
    dir: PathBuf,
    _lock: File,
    runs: u64,
}

impl Workspace {
    pub fn acquire() -> Result<Workspace> {
        let dir = PathBuf::from(FIXED_DIR);
        std::fs::create_dir_all(dir.join("task")).map_err(Error::file(&dir))?;
        let lock_path = dir.join("lock");
        let lock = File::create(&lock_path).map_err(Error::file(&lock_path))?;
        // SAFETY: flock on a file descriptor we own; blocks until the other holder is done.
        if unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(Error::file(&lock_path)(std::io::Error::last_os_error()));
        }
        Ok(Workspace {
            dir,
            _lock: lock,
            runs: 0,
        })
    }

    /// Copies `binary` to the fixed path; returns that path.
    pub fn install(&self, binary: &Path) -> Result<PathBuf> {
        let fixed = self.dir.join("task").join(FIXED_ARGV0);
        let _ = std::fs::remove_file(&fixed);
        std::fs::copy(binary, &fixed).map_err(Error::file(binary))?;
        Ok(fixed)
    }

    fn report_path(&mut self) -> PathBuf {
        self.runs += 1;
        self.dir.join(format!("report-{}.json", self.runs))
    }
}

/// The qemu command line before the bootstrap's path.
pub fn qemu_argv(opts: &CountOptions, report: &Path) -> Vec<String> {
    let mut plugin = format!("{},out={}", opts.plugin.display(), report.display());
    for m in &opts.mnemonics {
        plugin.push_str(",mnemonic=");
        plugin.push_str(m);
    }
    let mut argv = vec![
        opts.qemu.display().to_string(),
        "-cpu".to_owned(),
        opts.cpu.clone(),
    ];
    if let Some(sysroot) = &opts.sysroot {
        argv.extend(["-L".to_owned(), sysroot.display().to_string()]);
    }
    argv.extend([
        "-0".to_owned(),
        FIXED_ARGV0.to_owned(),
        "-plugin".to_owned(),
        plugin,
    ]);
    argv
}

/// Runs the installed bootstrap `fixed` with `n` invocations of `event` (none if `None`).
pub async fn counted_run(
    ws: &mut Workspace,
    fixed: &Path,
    opts: &CountOptions,
    event: Option<&Event>,
    n: usize,
) -> Result<PluginReport> {
    let report = ws.report_path();
    let _ = std::fs::remove_file(&report);
    let cfg = SpawnConfig {
        wrapper: Wrapper::Command(qemu_argv(opts, &report)),
        env: vec![(
            "AWS_LAMBDA_LOG_STREAM_NAME".to_owned(),
            FIXED_LOG_STREAM.to_owned(),
        )],
        ..SpawnConfig::new(fixed)
    };
    let n = if event.is_some() { n } else { 0 };
    // The GET after the last event is closed unanswered: the runtime's loop ends and it exits.
    let last = Fault::NextDropFrom(n as u64 + 1);
    let api = ApiConfig {
        fixed_epoch: Some(FIXED_EPOCH),
        flush_pipelined_together: true,
        ..ApiConfig::default()
    };
    let f = LocalFunction::start_with_api(&cfg, opts.init_timeout, api, &[last]).await?;
    match &f.init().status {
        InitStatus::Ready => {}
        other => return Err(failure(&f, &format!("init did not finish: {other:?}"))),
    }
    if let Some(event) = event {
        // Every invocation is queued at once, so each `GET next` after the first is answered the
        // moment it arrives. A runtime that pipelines its next poll behind its result post then
        // reads the post's answer and the next event together, every time: handed out one by
        // one, the event would race the runtime's read and the count would vary from run to run.
        let api = f.api();
        let invocations = (0..n).map(|i| {
            // Fixed ids: the runtime parses and echoes them, so they are part of its input.
            let id = format!("00000000-0000-4000-8000-{:012}", i + 1);
            api.invoke_as(id, event.payload.clone(), opts.timeout)
        });
        let done = tokio::select! {
            done = join_all(invocations) => done,
            exit = f.process().exited() => {
                return Err(failure(&f, &format!("exited during the invocations: {exit}")));
            }
        };
        for (i, done) in done.into_iter().enumerate() {
            match done.outcome {
                Outcome::Response(_) | Outcome::FunctionError(_) => {}
                other => {
                    return Err(failure(
                        &f,
                        &format!("invocation {} of {}: {}", i + 1, event.name, other.label()),
                    ))
                }
            }
        }
    }
    let exited = tokio::time::timeout(opts.timeout, f.process().exited()).await;
    let exit =
        match exited {
            Ok(exit) => exit,
            Err(_) => return Err(failure(
                &f,
                "did not exit after its GET /next was closed (a runtime must exit, not be killed, \
                 for the plugin to report)",
            )),
        };
    let read = PluginReport::read(&report);
    let _ = std::fs::remove_file(&report);
    read.map_err(|e| failure(&f, &format!("{exit}, no plugin report: {e}")))
}

fn failure(f: &LocalFunction, what: &str) -> Error {
    let tail: Vec<String> = f
        .process()
        .log_tail(10)
        .iter()
        .map(|l| format!("  | {}", l.text))
        .collect();
    Error::Bootstrap(format!(
        "{}: {what}\n{}",
        f.process().argv().join(" "),
        tail.join("\n")
    ))
}
