//! AWS's Runtime Interface Emulator (RIE) running a bootstrap, contained:
//! - both addresses on 127.0.0.1, on ports free when it starts (RIE's defaults listen on every
//!   interface and collide on 9001);
//! - in its own PID namespace (`unshare --pid --fork --kill-child`), so that ending the one child
//!   started here ends RIE and the bootstrap it started in a process group of its own;
//! - in Managed Instances mode, in a private mount namespace with a tmpfs over /var holding
//!   var/task/bootstrap: that mode only runs /var/runtime/bootstrap, /var/task/bootstrap or
//!   /opt/bootstrap, and the machine's /var/task is never written. As root `unshare --mount`;
//!   otherwise `--user --map-root-user` first (an unprivileged user namespace).
//!
//! RIE's own log (stdout and stderr, the bootstrap's lines included) is collected, to tell how
//! many `/next` polls the bootstrap keeps open and to show what happened when a check fails.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the bootstrap under test is started.
#[derive(Clone, Debug)]
pub enum Bootstrap {
    /// A binary for this host.
    Native(PathBuf),
    /// An arm64 binary, through `qemu-aarch64-static -cpu neoverse-n1` (Graviton2's core).
    Arm64UnderQemu(PathBuf),
}

impl Bootstrap {
    fn binary(&self) -> &Path {
        match self {
            Bootstrap::Native(p) | Bootstrap::Arm64UnderQemu(p) => p,
        }
    }
}

/// Which RIE mode runs: only RIE's environment decides it.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// AWS_LAMBDA_MAX_CONCURRENCY unset: one invoke at a time, never overlapping.
    Classic,
    /// AWS_LAMBDA_MAX_CONCURRENCY=N: up to N invokes at once, one per open `/next` poll.
    ManagedInstances { max_concurrency: usize },
}

/// The line RIE's Managed Instances mode logs (at debug level) for each `/next` it receives.
const NEXT_RECEIVED: &str = "InvokeRouter: received runtime /next";

/// The shell that runs inside the namespaces: $1 RIE, $2 the bootstrap, $3 `qemu` or `native`,
/// then RIE's arguments. In Managed Instances mode both files are opened before the tmpfs hides
/// /var (they may live under it), copied into it, and RIE is executed from there.
const MANAGED_INSTANCES_SH: &str = r#"set -eu
rie=$1 bootstrap=$2 how=$3
shift 3
exec 3<"$rie" 4<"$bootstrap"
mount -t tmpfs -o size=256m,mode=0755 rie-var /var
mkdir -p /var/task /var/rie
cat <&3 >/var/rie/aws-lambda-rie
chmod 0755 /var/rie/aws-lambda-rie
if [ "$how" = qemu ]; then
  cat <&4 >/var/task/bootstrap.aarch64
  chmod 0755 /var/task/bootstrap.aarch64
  printf '#!/bin/sh\nexec qemu-aarch64-static -cpu neoverse-n1 /var/task/bootstrap.aarch64 "$@"\n' >/var/task/bootstrap
else
  cat <&4 >/var/task/bootstrap
fi
chmod 0755 /var/task/bootstrap
exec 3<&- 4<&-
cd /var/task
exec /var/rie/aws-lambda-rie "$@"
"#;

/// A running RIE; dropping it ends RIE and everything it started.
pub struct Emulator {
    child: Child,
    pub invoke_addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    mode: Mode,
}

impl Emulator {
    /// Starts RIE with `bootstrap` and waits until it accepts invokes (classic mode starts the
    /// bootstrap on the first invoke; Managed Instances mode at once).
    pub fn start(rie: &Path, bootstrap: &Bootstrap, mode: Mode, env: &[(&str, &str)]) -> Self {
        assert!(rie.is_file(), "RIE not found at {}", rie.display());
        let binary = bootstrap.binary();
        assert!(
            binary.is_file(),
            "bootstrap not found at {}",
            binary.display()
        );
        let invoke_addr = free_loopback_addr();
        let runtime_api_addr = free_loopback_addr();
        let rie_args = [
            "--runtime-interface-emulator-address".to_owned(),
            invoke_addr.to_string(),
            "--runtime-api-address".to_owned(),
            runtime_api_addr.to_string(),
            // Debug level: the Managed Instances router logs each `/next` it receives.
            "--log-level".to_owned(),
            "debug".to_owned(),
        ];

        let mut cmd = Command::new("unshare");
        if !running_as_root() {
            cmd.args(["--user", "--map-root-user"]);
        }
        cmd.args(["--pid", "--fork", "--kill-child"]);
        match mode {
            Mode::Classic => {
                cmd.arg(rie).args(&rie_args);
                match bootstrap {
                    Bootstrap::Native(p) => cmd.arg(p),
                    Bootstrap::Arm64UnderQemu(p) => cmd
                        .args(["qemu-aarch64-static", "-cpu", "neoverse-n1"])
                        .arg(p),
                };
                cmd.env_remove("AWS_LAMBDA_MAX_CONCURRENCY");
            }
            Mode::ManagedInstances { max_concurrency } => {
                let how = match bootstrap {
                    Bootstrap::Native(_) => "native",
                    Bootstrap::Arm64UnderQemu(_) => "qemu",
                };
                cmd.args(["--mount", "sh", "-c", MANAGED_INSTANCES_SH, "rie-sh"])
                    .arg(rie)
                    .arg(binary)
                    .arg(how)
                    .args(&rie_args);
                cmd.env("AWS_LAMBDA_MAX_CONCURRENCY", max_concurrency.to_string());
            }
        }
        // RIE passes its environment on to the bootstrap.
        cmd.env_remove("LOG_LEVEL").envs(env.iter().copied());
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn unshare (util-linux) for RIE: {e}"));
        let log = Arc::new(Mutex::new(Vec::new()));
        collect_lines(child.stdout.take().expect("stdout"), &log);
        collect_lines(child.stderr.take().expect("stderr"), &log);
        let mut emulator = Emulator {
            child,
            invoke_addr,
            log,
            mode,
        };
        emulator.wait_listening(Duration::from_secs(20));
        emulator
    }

    fn wait_listening(&mut self, timeout: Duration) {
        let started = Instant::now();
        while TcpStream::connect_timeout(&self.invoke_addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "RIE exited ({status}) before listening on {}:\n{}",
                    self.invoke_addr,
                    self.log_text()
                );
            }
            assert!(
                started.elapsed() < timeout,
                "RIE not listening on {} after {timeout:?}:\n{}",
                self.invoke_addr,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Managed Instances mode: waits until the bootstrap keeps `max_concurrency` `/next` polls
    /// open, or until their number has stopped growing for `settle` after the first one, and
    /// returns how many it keeps open (a runtime with one poll is seen as such without waiting
    /// for `first_poll_timeout`).
    pub fn wait_for_polls(&self, first_poll_timeout: Duration, settle: Duration) -> usize {
        let Mode::ManagedInstances { max_concurrency } = self.mode else {
            panic!("classic mode starts the bootstrap on the first invoke");
        };
        let started = Instant::now();
        let (mut seen, mut changed) = (0, Instant::now());
        loop {
            let polls = self.polls_received();
            if polls != seen {
                (seen, changed) = (polls, Instant::now());
            }
            if seen >= max_concurrency
                || (seen > 0 && changed.elapsed() >= settle)
                || (seen == 0 && started.elapsed() >= first_poll_timeout)
            {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `/next` requests RIE has received so far (Managed Instances mode).
    pub fn polls_received(&self) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(NEXT_RECEIVED))
            .count()
    }

    /// Whether RIE (PID 1 of its namespace, and so everything in it) is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// RIE's log so far, without its per-request debug lines: for failure messages.
    pub fn log_text(&self) -> String {
        let lines = self.log.lock().unwrap();
        let kept: Vec<&str> = lines
            .iter()
            .filter(|l| !l.contains("level=DEBUG"))
            .map(String::as_str)
            .collect();
        let from = kept.len().saturating_sub(60);
        kept[from..].join("\n")
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // SIGKILL to unshare; --kill-child ends its child, PID 1 of the namespace, and with it
        // every process in the namespace (the bootstrap's own process group included).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect_lines(stream: impl Read + Send + 'static, log: &Arc<Mutex<Vec<String>>>) {
    let log = Arc::clone(log);
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            log.lock().unwrap().push(line);
        }
    });
}

/// A loopback address whose port was free a moment ago (the OS picks it).
fn free_loopback_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
}

fn running_as_root() -> bool {
    // The effective uid from /proc: no libc call needed for one number.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}
