//! Peak resident memory of a live process, from `/proc/<pid>/status` (`VmHWM`, the
//! high-water mark of RSS). After exit the figure comes from `wait4`'s `ru_maxrss` instead.

/// `VmHWM` of `pid` in bytes, or `None` if the process is gone or the field is missing
/// (zombies have no memory map).
pub fn vm_hwm_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status() {
        let status =
            "Name:\tbootstrap\nVmPeak:\t  10000 kB\nVmHWM:\t    3072 kB\nVmRSS:\t 2048 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(3072 * 1024));
        assert_eq!(parse_vm_hwm("Name:\tzombie\n"), None);
    }

    #[test]
    fn reads_own_process() {
        let hwm = vm_hwm_bytes(std::process::id()).unwrap();
        assert!(hwm > 1024 * 1024, "{hwm}");
    }
}
