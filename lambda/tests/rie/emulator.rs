//! AWS's Runtime Interface Emulator (RIE) running a bootstrap, contained:
//! - both addresses on 127.0.0.1, on ports free when it starts (RIE's defaults listen on every
//!   interface and collide on 9001);
//! - in its own PID namespace (`unshare --pid --fork --kill-child`), under a shell that is PID 1
//!   there and ends when the test closes its stdin (or the test process dies): PID 1 ending ends
//!   RIE and the bootstrap, which RIE starts in a process group of its own;
//! - in Managed Instances mode, in a private mount namespace too, with a tmpfs over /var holding
//!   var/task/bootstrap: that mode only runs /var/runtime/bootstrap, /var/task/bootstrap or
//!   /opt/bootstrap, and the machine's /var/task is never written.
//!
//! Managed Instances mode starts the bootstrap as uid 993, gid 990 (as Lambda runs functions),
//! which a user namespace mapping only root (`unshare --user --map-root-user`) refuses with
//! EPERM. So the namespaces are made as root: directly, or through `sudo -n` for another user.
//!
//! RIE's own log (stdout and stderr, the bootstrap's lines included) is collected, to tell how
//! many `/next` polls the bootstrap keeps open and to show what happened when a check fails.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
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

/// PID 1 of the namespace. $1 RIE, $2 the bootstrap, $3 the mode (`classic` or `managed`), $4
/// how the bootstrap runs (`native` or `qemu`), $5 AWS_LAMBDA_MAX_CONCURRENCY (Managed Instances
/// mode), then RIE's arguments. In Managed
/// Instances mode both files are opened before the tmpfs hides /var (they may live under it) and
/// copied into it. RIE runs in the background; the shell waits for it and, beside it, for the
/// end of its stdin, which kills RIE. Either way the shell, PID 1, then exits.
const PID1_SH: &str = r#"set -eu
rie=$1 bootstrap=$2 mode=$3 how=$4 max_concurrency=$5
shift 5
exec 5<&0
if [ "$mode" = classic ]; then
  unset AWS_LAMBDA_MAX_CONCURRENCY
  if [ "$how" = qemu ]; then set -- "$@" qemu-aarch64-static -cpu neoverse-n1; fi
  set -- "$@" "$bootstrap"
else
  exec 3<"$rie" 4<"$bootstrap"
  mount -t tmpfs -o size=256m,mode=0755 rie-var /var
  mkdir -p /var/task /var/rie
  cat <&3 >/var/rie/aws-lambda-rie
  chmod 0755 /var/rie/aws-lambda-rie
  rie=/var/rie/aws-lambda-rie
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
  export AWS_LAMBDA_MAX_CONCURRENCY="$max_concurrency"
fi
"$rie" "$@" </dev/null &
rie_pid=$!
{ read -r _ <&5 || true; kill -KILL "$rie_pid" 2>/dev/null || true; } &
wait "$rie_pid"
"#;

/// A running RIE; dropping it ends RIE and everything it started.
pub struct Emulator {
    child: Child,
    /// Closing it ends PID 1 of the namespace.
    lifeline: Option<ChildStdin>,
    pub invoke_addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    mode: Mode,
}

impl Emulator {
    /// Starts RIE with `bootstrap` and waits until it accepts invokes (classic mode starts the
    /// bootstrap on the first invoke; Managed Instances mode at once).
    pub fn start(rie: &Path, bootstrap: &Bootstrap, mode: Mode) -> Self {
        assert!(rie.is_file(), "RIE not found at {}", rie.display());
        let binary = bootstrap.binary();
        assert!(
            binary.is_file(),
            "bootstrap not found at {}",
            binary.display()
        );
        let invoke_addr = free_loopback_addr();
        let runtime_api_addr = free_loopback_addr();
        let (mode_arg, max_concurrency) = match mode {
            Mode::Classic => ("classic", String::new()),
            Mode::ManagedInstances { max_concurrency } => ("managed", max_concurrency.to_string()),
        };
        let how = match bootstrap {
            Bootstrap::Native(_) => "native",
            Bootstrap::Arm64UnderQemu(_) => "qemu",
        };

        let mut cmd = if running_as_root() {
            Command::new("unshare")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "unshare"]);
            sudo
        };
        cmd.args(["--pid", "--fork", "--kill-child"]);
        if let Mode::ManagedInstances { .. } = mode {
            cmd.arg("--mount");
        }
        cmd.args(["sh", "-c", PID1_SH, "rie-pid1"])
            .arg(rie)
            .arg(binary)
            .args([mode_arg, how, &max_concurrency])
            .args([
                "--runtime-interface-emulator-address",
                &invoke_addr.to_string(),
                "--runtime-api-address",
                &runtime_api_addr.to_string(),
                // Debug level: the Managed Instances router logs each `/next` it receives.
                "--log-level",
                "debug",
            ]);
        cmd.env_remove("LOG_LEVEL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {:?} for RIE: {e}", cmd.get_program()));
        let lifeline = child.stdin.take();
        let log = Arc::new(Mutex::new(Vec::new()));
        collect_lines(child.stdout.take().expect("stdout"), &log);
        collect_lines(child.stderr.take().expect("stderr"), &log);
        let mut emulator = Emulator {
            child,
            lifeline,
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

    /// Whether RIE, and so the namespace's PID 1, is still running.
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
        // End of stdin: PID 1 kills RIE and exits, and the kernel ends every other process in
        // the namespace (the bootstrap's own process group included).
        drop(self.lifeline.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Only if PID 1 did not end (it always has so far): SIGKILL to unshare, whose
        // --kill-child ends it (not permitted through sudo for another user, hence second).
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
