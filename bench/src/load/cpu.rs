//! CPU time a function used, from `/proc/<pid>/stat`: user + system time of every process in
//! its process group (the bootstrap, or its wrapper such as qemu-user and whatever that runs),
//! plus the time of children they have already reaped. Every thread is included: the kernel
//! sums a process's threads into its own line.

use std::time::Duration;

/// The CPU-time fields of one `/proc/<pid>/stat` line, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatTimes {
    pub pgrp: i64,
    pub utime: u64,
    pub stime: u64,
    /// Reaped children's user and system time.
    pub cutime: u64,
    pub cstime: u64,
}

impl StatTimes {
    pub fn total_ticks(&self) -> u64 {
        self.utime + self.stime + self.cutime + self.cstime
    }
}

/// Parses a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may
/// itself hold spaces and parentheses, so the fields are counted from the last `)`.
pub fn parse_stat(line: &str) -> Option<StatTimes> {
    let after_comm = &line[line.rfind(')')? + 1..];
    // Fields 3.. : state(3) ppid(4) pgrp(5) ... utime(14) stime(15) cutime(16) cstime(17).
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).copied();
    Some(StatTimes {
        pgrp: field(5)?.parse().ok()?,
        utime: field(14)?.parse().ok()?,
        stime: field(15)?.parse().ok()?,
        cutime: field(16)?.parse().ok()?,
        cstime: field(17)?.parse().ok()?,
    })
}

/// Clock ticks per second (`USER_HZ`) for the `/proc` time fields.
pub fn ticks_per_second() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(hz).ok().filter(|&hz| hz > 0).unwrap_or(100)
}

pub fn ticks_to_duration(ticks: u64, per_second: u64) -> Duration {
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

/// CPU time used so far by the processes of group `pgid` (a function is spawned as the leader
/// of its own group, so this is it and everything it started). `None` if none is left.
pub fn group_cpu_time(pgid: u32) -> Option<Duration> {
    let ticks = group_ticks(pgid)?;
    Some(ticks_to_duration(ticks, ticks_per_second()))
}

fn group_ticks(pgid: u32) -> Option<u64> {
    let mut total = 0;
    let mut found = false;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        // A process may exit between the listing and the read: skip it.
        let Ok(line) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if let Some(times) = parse_stat(&line).filter(|t| t.pgrp == i64::from(pgid)) {
            total += times.total_ticks();
            found = true;
        }
    }
    found.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A real line from a bootstrap, with a command name that has spaces and a parenthesis.
    const LINE: &str = "4242 (boot (strap) x) S 4200 4242 4200 0 -1 4194560 812 0 0 0 \
                        137 29 5 3 20 0 3 0 123456 12345678 1500 18446744073709551615 \
                        1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    #[test]
    fn parses_the_time_fields_after_the_command_name() {
        let t = parse_stat(LINE).unwrap();
        assert_eq!(
            t,
            StatTimes {
                pgrp: 4242,
                utime: 137,
                stime: 29,
                cutime: 5,
                cstime: 3
            }
        );
        assert_eq!(t.total_ticks(), 174);
    }

    #[test]
    fn refuses_lines_that_are_cut_or_not_numbers() {
        assert_eq!(parse_stat("4242 (bootstrap) S 1 4242"), None);
        assert_eq!(parse_stat("no parenthesis at all"), None);
        let garbled = LINE.replace(" 137 ", " x ");
        assert_eq!(parse_stat(&garbled), None);
    }

    #[test]
    fn ticks_convert_at_the_given_rate() {
        assert_eq!(ticks_to_duration(250, 100), Duration::from_millis(2500));
        assert_eq!(ticks_to_duration(3, 1000), Duration::from_millis(3));
    }

    #[test]
    fn own_group_is_found_and_counts_time_spent() {
        // SAFETY: getpgrp has no preconditions.
        let own = unsafe { libc::getpgrp() } as u32;
        let before = group_cpu_time(own).unwrap();
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(60) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let after = group_cpu_time(own).unwrap();
        assert!(after >= before, "{before:?} -> {after:?}");
        assert!(group_cpu_time(u32::MAX / 2).is_none());
    }
}
