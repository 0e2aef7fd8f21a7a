//! Spawning a bootstrap the way Lambda does, and cleaning up after it.
//!
//! The process gets the Lambda environment ([`env`]), runs in its own process group (so a
//! kill reaches anything it forked, and a terminal's Ctrl-C reaches only us), dies with us
//! (`PR_SET_PDEATHSIG`), and is killed with its group when the [`FunctionProcess`] is dropped.
//! Its stdout and stderr are kept as a bounded tail. Peak RSS comes from `/proc` while it runs
//! and from `wait4` once it has exited. Under an emulator (qemu-user) that figure is the
//! emulator's process, guest plus translator: it overstates what the function would use.

mod env;
mod logs;
mod rss;
mod wrapper;

use std::fmt;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

pub use env::lambda_environment;
pub use logs::{LogLine, Stream, MAX_LINE_BYTES, TAIL_LINES};
pub use rss::vm_hwm_bytes;
pub use wrapper::{elf_machine, find_in_path, ElfMachine, Wrapper};

use logs::LogBuffer;

pub const DEFAULT_FUNCTION_NAME: &str = "lambda-bench";
pub const DEFAULT_REGION: &str = "us-east-1";

/// What to run and what Lambda would tell it about itself.
#[derive(Debug, Clone)]
pub struct SpawnConfig {
    /// The `bootstrap` executable.
    pub binary: PathBuf,
    pub wrapper: Wrapper,
    /// Extra environment variables, applied last (they override the Lambda ones).
    pub env: Vec<(String, String)>,
    /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`. Informational: nothing enforces it locally.
    pub memory_mb: u32,
    pub function_name: String,
    pub region: String,
    /// `_HANDLER`; custom runtimes usually ignore it.
    pub handler: String,
    /// `LAMBDA_TASK_ROOT` and the working directory; defaults to the binary's directory.
    pub task_root: Option<PathBuf>,
    /// Copy each log line to our stderr as it arrives (besides keeping the tail).
    pub echo_logs: bool,
}

impl SpawnConfig {
    pub fn new(binary: impl Into<PathBuf>) -> SpawnConfig {
        SpawnConfig {
            binary: binary.into(),
            ..SpawnConfig::default()
        }
    }
}

impl Default for SpawnConfig {
    fn default() -> Self {
        SpawnConfig {
            binary: PathBuf::from("bootstrap"),
            wrapper: Wrapper::Auto,
            env: Vec::new(),
            memory_mb: 128,
            function_name: DEFAULT_FUNCTION_NAME.to_owned(),
            region: DEFAULT_REGION.to_owned(),
            handler: "bootstrap".to_owned(),
            task_root: None,
            echo_logs: false,
        }
    }
}

/// The command line [`FunctionProcess::spawn`] would run for `cfg` (wrapper first, if any).
pub fn wrapper_argv(cfg: &SpawnConfig) -> Result<Vec<String>> {
    let binary = std::path::absolute(&cfg.binary)?;
    let mut argv = wrapper::resolve(&cfg.wrapper, &binary)?;
    argv.push(binary.display().to_string());
    Ok(argv)
}

/// How the process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitInfo {
    /// Exit code, if it exited normally.
    pub code: Option<i32>,
    /// Signal number, if a signal killed it.
    pub signal: Option<i32>,
    /// `ru_maxrss` from `wait4`: the peak RSS over its whole life, in bytes.
    pub peak_rss_bytes: Option<u64>,
    pub at: Instant,
}

impl fmt::Display for ExitInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code, self.signal) {
            (Some(code), _) => write!(f, "exited with code {code}"),
            (None, Some(signal)) => {
                write!(f, "killed by signal {signal} ({})", signal_name(signal))
            }
            (None, None) => f.write_str("ended"),
        }
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGILL => "SIGILL",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        libc::SIGPIPE => "SIGPIPE",
        _ => "signal",
    }
}

/// A running (or finished) bootstrap process.
pub struct FunctionProcess {
    pid: u32,
    spawned_at: Instant,
    argv: Vec<String>,
    emulated: bool,
    exit_rx: watch::Receiver<Option<ExitInfo>>,
    logs: Arc<LogBuffer>,
    pumps: Vec<JoinHandle<()>>,
    live_peak_rss: AtomicU64,
}

impl FunctionProcess {
    /// Spawns `cfg.binary` pointed at the Runtime API at `api`. Must be called within a tokio
    /// runtime (log capture runs as tasks on it).
    pub fn spawn(cfg: &SpawnConfig, api: SocketAddr) -> Result<FunctionProcess> {
        let binary = std::path::absolute(&cfg.binary)?;
        let meta = std::fs::metadata(&binary).map_err(Error::file(&binary))?;
        if !meta.is_file() {
            return Err(Error::Bootstrap(format!(
                "{} is not a file",
                binary.display()
            )));
        }
        let task_root = match &cfg.task_root {
            Some(root) => root.clone(),
            None => binary
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("/")),
        };
        let mut argv = wrapper::resolve(&cfg.wrapper, &binary)?;
        let emulated = !argv.is_empty();
        argv.push(binary.display().to_string());

        let mut command = std::process::Command::new(&argv[0]);
        command
            .args(&argv[1..])
            .env_clear()
            .envs(lambda_environment(cfg, api, &task_root))
            .current_dir(&task_root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                // Die with the thread that spawned us: a SIGKILLed bench leaves no orphans.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(1); // parent already died before prctl took effect
                }
                Ok(())
            });
        }
        let spawned_at = Instant::now();
        let mut child = command.spawn().map_err(|source| Error::Start {
            command: argv.join(" "),
            source,
        })?;
        let pid = child.id();

        let logs = Arc::new(LogBuffer::new(cfg.echo_logs));
        let mut pumps = Vec::new();
        let streams = [
            (Stream::Stdout, child.stdout.take().map(OwnedFd::from)),
            (Stream::Stderr, child.stderr.take().map(OwnedFd::from)),
        ];
        for (stream, fd) in streams {
            let Some(fd) = fd else { continue };
            match tokio::net::unix::pipe::Receiver::from_owned_fd(fd) {
                Ok(reader) => {
                    let logs = logs.clone();
                    pumps.push(tokio::spawn(async move { logs.pump(stream, reader).await }));
                }
                Err(e) => {
                    kill_group(pid);
                    return Err(e.into());
                }
            }
        }

        // Reap with wait4 on a plain thread: it yields the exit status *and* ru_maxrss, which
        // /proc no longer has once the process is a zombie. Dropping `child` does nothing.
        let (exit_tx, exit_rx) = watch::channel(None);
        drop(child);
        std::thread::Builder::new()
            .name(format!("reap-{pid}"))
            .spawn(move || {
                let info = wait4(pid);
                let _ = exit_tx.send(Some(info));
            })
            .inspect_err(|_| kill_group(pid))?;

        Ok(FunctionProcess {
            pid,
            spawned_at,
            argv,
            emulated,
            exit_rx,
            logs,
            pumps,
            live_peak_rss: AtomicU64::new(0),
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Just before `spawn(2)`: the start of Lambda's Init Duration.
    pub fn spawned_at(&self) -> Instant {
        self.spawned_at
    }

    /// The command line actually run (wrapper first, if any).
    pub fn argv(&self) -> &[String] {
        &self.argv
    }

    /// True when the binary runs under an emulator, whose time and memory are included.
    pub fn emulated(&self) -> bool {
        self.emulated
    }

    /// How it ended, if it has.
    pub fn exit(&self) -> Option<ExitInfo> {
        self.exit_rx.borrow().clone()
    }

    pub fn is_running(&self) -> bool {
        self.exit_rx.borrow().is_none()
    }

    /// Waits until the process has exited (and been reaped).
    pub async fn exited(&self) -> ExitInfo {
        let mut rx = self.exit_rx.clone();
        let waited = rx
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|info| info.clone());
        // The reaper thread never drops the sender without sending; be total anyway.
        waited.unwrap_or_else(|| ExitInfo {
            code: None,
            signal: None,
            peak_rss_bytes: None,
            at: Instant::now(),
        })
    }

    /// Peak RSS so far in bytes: `VmHWM` while running, `ru_maxrss` after exit.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        if let Some(exit) = self.exit() {
            return exit.peak_rss_bytes.or_else(|| self.cached_rss());
        }
        match vm_hwm_bytes(self.pid) {
            Some(now) => Some(
                self.live_peak_rss
                    .fetch_max(now, Ordering::Relaxed)
                    .max(now),
            ),
            None => self.cached_rss(),
        }
    }

    fn cached_rss(&self) -> Option<u64> {
        Some(self.live_peak_rss.load(Ordering::Relaxed)).filter(|&b| b > 0)
    }

    /// A point in the log to read from later with [`FunctionProcess::logs_since`].
    pub fn log_mark(&self) -> u64 {
        self.logs.mark()
    }

    pub fn logs_since(&self, mark: u64) -> Vec<LogLine> {
        self.logs.since(mark)
    }

    /// The last `lines` lines of stdout and stderr, interleaved as they arrived.
    pub fn log_tail(&self, lines: usize) -> Vec<LogLine> {
        let all = self.logs.since(0);
        all[all.len().saturating_sub(lines)..].to_vec()
    }

    /// Waits (bounded) until stdout and stderr are closed, so a crash report has the last words.
    pub async fn drain_logs(&mut self, timeout: Duration) {
        let pumps = std::mem::take(&mut self.pumps);
        let _ = tokio::time::timeout(timeout, async {
            for pump in pumps {
                let _ = pump.await;
            }
        })
        .await;
    }

    /// SIGKILLs the process group. Returns at once; see [`FunctionProcess::shutdown`].
    pub fn kill(&self) {
        if self.is_running() {
            kill_group(self.pid);
        }
    }

    /// Kills the process group and waits (up to 5 s) for the exit, returning it.
    pub async fn shutdown(&mut self) -> Option<ExitInfo> {
        self.kill();
        let exit = tokio::time::timeout(Duration::from_secs(5), self.exited())
            .await
            .ok();
        self.drain_logs(Duration::from_millis(500)).await;
        exit
    }
}

impl Drop for FunctionProcess {
    fn drop(&mut self) {
        // Also reaches grandchildren left in the group after the leader exited.
        kill_group(self.pid);
        for pump in &self.pumps {
            pump.abort();
        }
    }
}

fn kill_group(pgid: u32) {
    // SAFETY: plain syscall; ESRCH (already gone) is fine.
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

fn wait4(pid: u32) -> ExitInfo {
    let mut status: libc::c_int = 0;
    // SAFETY: zeroed rusage is a valid value; wait4 fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals.
        let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        let at = Instant::now();
        if rc == pid as libc::pid_t {
            let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
            let signal = libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status));
            // ru_maxrss is in KiB on Linux.
            let peak = u64::try_from(usage.ru_maxrss)
                .ok()
                .filter(|&k| k > 0)
                .map(|k| k * 1024);
            return ExitInfo {
                code,
                signal,
                peak_rss_bytes: peak,
                at,
            };
        }
        if rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        return ExitInfo {
            code: None,
            signal: None,
            peak_rss_bytes: None,
            at,
        };
    }
}
