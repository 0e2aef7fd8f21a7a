//! How many invocations one process serves at once, and on how many threads.
//!
//! Lambda Managed Instances send one execution environment several invocations at once and say
//! how many in `AWS_LAMBDA_MAX_CONCURRENCY` (the function's `PerExecutionEnvironmentMaxConcurrency`,
//! 1 to 1,600; Rust's default is 8 per vCPU). Per-request Lambda leaves it unset: one at a time.
//!
//! N workers each keep one `GET next` poll open (the platform hands an invocation only to a
//! waiting poll, and refuses it when none waits), spread over as many threads as the process
//! may run on at once (`available_parallelism` honours cgroup CPU quotas and affinity), never
//! more threads than workers: CPU-bound work gains nothing from more threads than vCPUs.

use std::num::NonZeroUsize;

/// The variable Lambda Managed Instances set.
pub const MAX_CONCURRENCY_VAR: &str = "AWS_LAMBDA_MAX_CONCURRENCY";
/// `PerExecutionEnvironmentMaxConcurrency`'s upper bound in the Lambda API.
pub const PLATFORM_MAX: usize = 1600;
/// Sockets kept free for anything else when the open-file limit caps the workers.
const SPARE_DESCRIPTORS: u64 = 32;

/// Workers (open polls, invocations in flight) and the threads they run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrency {
    pub workers: usize,
    pub threads: usize,
}

impl Concurrency {
    /// One invocation at a time on the main thread: per-request Lambda.
    pub const SINGLE: Concurrency = Concurrency {
        workers: 1,
        threads: 1,
    };

    /// Workers per thread, as evenly as they divide: thread `i` of `threads` runs this many.
    pub fn workers_on(&self, thread: usize) -> usize {
        self.workers / self.threads + usize::from(thread < self.workers % self.threads)
    }
}

/// What the environment asked for, and why the choice differs from it when it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub concurrency: Concurrency,
    /// A sentence for the log when the value was refused or capped.
    pub warning: Option<String>,
}

/// Reads `AWS_LAMBDA_MAX_CONCURRENCY`, the vCPUs the process may use and its open-file limit.
/// Unset, the variable costs nothing more than the lookup.
pub fn from_env() -> Choice {
    let Some(raw) = std::env::var_os(MAX_CONCURRENCY_VAR) else {
        return Choice {
            concurrency: Concurrency::SINGLE,
            warning: None,
        };
    };
    let vcpus = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    choose(&raw.to_string_lossy(), vcpus, open_file_limit())
}

/// The choice for the variable's text `raw`, `vcpus` usable CPUs and an open-file limit.
/// Empty, `0` and `1` mean one at a time; anything that is not a positive integer is refused
/// with a warning and served one at a time (never a crash); more than Lambda allows, or than
/// the process can hold sockets for, is capped with a warning.
pub fn choose(raw: &str, vcpus: usize, open_files: Option<u64>) -> Choice {
    let text = raw.trim();
    let requested = match text {
        "" | "0" => 1,
        // Digits only: a number too big for u64 is simply more than any cap.
        _ if text.bytes().all(|b| b.is_ascii_digit()) => text.parse::<u64>().unwrap_or(u64::MAX),
        _ => {
            return Choice {
                concurrency: Concurrency::SINGLE,
                warning: Some(format!(
                    "{MAX_CONCURRENCY_VAR}={raw:?} is not a positive integer: serving one invocation at a time"
                )),
            }
        }
    };
    let socket_room = open_files.map_or(u64::MAX, |limit| {
        limit.saturating_sub(SPARE_DESCRIPTORS).max(1)
    });
    let cap = (PLATFORM_MAX as u64).min(socket_room);
    let workers = requested.min(cap) as usize;
    let warning = (requested > cap).then(|| {
        let why = if cap == PLATFORM_MAX as u64 {
            format!("Lambda's maximum is {PLATFORM_MAX}")
        } else {
            format!("the open-file limit leaves room for {cap} connections")
        };
        format!("{MAX_CONCURRENCY_VAR}={requested} is more than this process serves ({why}): serving {workers} at a time")
    });
    Choice {
        concurrency: Concurrency {
            workers,
            threads: workers.min(vcpus.max(1)),
        },
        warning,
    }
}

/// The soft `RLIMIT_NOFILE`: each worker holds one socket.
fn open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct it is given and nothing else.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    // `rlim_t` is u64 on every Linux target, and the limit is never RLIM_INFINITY: Linux
    // refuses one above fs.nr_open.
    ok.then_some(limit.rlim_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workers(raw: &str, vcpus: usize) -> (usize, usize, bool) {
        let choice = choose(raw, vcpus, Some(65_536));
        (
            choice.concurrency.workers,
            choice.concurrency.threads,
            choice.warning.is_some(),
        )
    }

    #[test]
    fn unset_empty_zero_and_one_serve_one_at_a_time_silently() {
        for raw in ["", "0", "1", " 1 "] {
            assert_eq!(workers(raw, 4), (1, 1, false), "{raw:?}");
        }
    }

    #[test]
    fn threads_are_the_vcpus_never_more_than_the_workers() {
        assert_eq!(workers("8", 2), (8, 2, false));
        assert_eq!(workers("2", 16), (2, 2, false));
        assert_eq!(workers("64", 8), (64, 8, false));
        assert_eq!(workers("3", 0), (3, 1, false));
    }

    #[test]
    fn values_that_are_not_positive_integers_are_refused_with_a_reason() {
        for raw in ["abc", "-3", "2.5", "8 per vcpu", "0x10"] {
            let choice = choose(raw, 2, None);
            assert_eq!(choice.concurrency, Concurrency::SINGLE, "{raw:?}");
            let warning = choice.warning.expect(raw);
            assert!(warning.contains("not a positive integer"), "{warning}");
            assert!(warning.contains(&format!("{raw:?}")), "{warning}");
        }
    }

    #[test]
    fn more_than_lambda_allows_or_sockets_fit_is_capped_with_a_reason() {
        let choice = choose("99999", 2, Some(1 << 20));
        assert_eq!(choice.concurrency.workers, PLATFORM_MAX);
        let warning = choice.warning.unwrap();
        assert!(warning.contains("Lambda's maximum is 1600"), "{warning}");
        assert!(warning.contains("serving 1600"), "{warning}");
        let choice = choose("1600", 2, Some(1024));
        assert_eq!(choice.concurrency.workers, 1024 - 32);
        assert!(choice.warning.unwrap().contains("open-file limit"));
        assert_eq!(choose("1600", 2, Some(1 << 20)).warning, None);
        let huge = choose("99999999999999999999", 2, None);
        assert_eq!(huge.concurrency.workers, PLATFORM_MAX);
        assert!(huge.warning.is_some());
    }

    /// The limit read through getrlimit is the one the kernel reports for this process.
    #[test]
    fn the_open_file_limit_is_the_soft_limit_the_kernel_reports() {
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .unwrap();
        let soft = line.split_whitespace().nth(3).unwrap();
        let expected = soft.parse::<u64>().ok(); // "unlimited" reads as no limit
        assert_eq!(open_file_limit(), expected, "{line}");
    }

    #[test]
    fn workers_spread_evenly_over_threads() {
        let c = Concurrency {
            workers: 8,
            threads: 3,
        };
        let spread: Vec<usize> = (0..3).map(|t| c.workers_on(t)).collect();
        assert_eq!(spread, [3, 3, 2]);
        assert_eq!(Concurrency::SINGLE.workers_on(0), 1);
    }
}
