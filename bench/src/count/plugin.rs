//! The report the `insn_count` TCG plugin (tools/qemu-insn-count) writes at the guest's exit.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Counters of executed instructions (totals, or a snapshot of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub insns: u64,
    /// SIMD&FP instructions (Advanced SIMD / NEON, FP, SIMD&FP loads and stores).
    pub simd_fp: u64,
    pub sha256h: u64,
    pub sha256h2: u64,
    pub sha256su0: u64,
    pub sha256su1: u64,
    /// Instructions matched by disassembly (`mnemonic=NAME` plugin arguments).
    #[serde(default)]
    pub mnemonics: BTreeMap<String, u64>,
}

impl Counts {
    /// All four SHA-256 instructions.
    pub fn sha256_all(&self) -> u64 {
        self.sha256h + self.sha256h2 + self.sha256su0 + self.sha256su1
    }
}

/// Snapshot at the guest's first write to a connected socket (a runtime's first `GET /next`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    #[serde(flatten)]
    pub counts: Counts,
    /// The AArch64 syscall number of that write (64 write, 66 writev, 206 sendto, 211 sendmsg).
    pub syscall: i64,
    pub fd: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VcpuCount {
    pub index: u64,
    pub insns: u64,
}

/// One guest's whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginReport {
    pub total: Counts,
    pub first_connected_write: Option<Snapshot>,
    /// One entry per vCPU slot the guest used (one per thread in user mode).
    pub vcpus: Vec<VcpuCount>,
}

impl PluginReport {
    pub fn read(path: &Path) -> Result<PluginReport> {
        let bytes = std::fs::read(path).map_err(Error::file(path))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::Bootstrap(format!(
                "{}: not an insn_count plugin report: {e}",
                path.display()
            ))
        })
    }

    /// True when more than one guest thread ran code (counts then vary from run to run).
    pub fn threaded(&self) -> bool {
        self.vcpus.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_plugins_json() {
        let text = r#"{"plugin":"insn_count","version":1,"total":{"insns":77927,"simd_fp":294,"sha256h":2,"sha256h2":0,"sha256su0":0,"sha256su1":1,"mnemonics":{"ldr":12023}},"first_connected_write":{"insns":75823,"simd_fp":282,"sha256h":0,"sha256h2":0,"sha256su0":0,"sha256su1":0,"mnemonics":{"ldr":11716},"syscall":64,"fd":3,"vcpu":0},"vcpus":[{"index":0,"insns":77927}]}"#;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, text).unwrap();
        let r = PluginReport::read(&path).unwrap();
        assert_eq!(r.total.insns, 77927);
        assert_eq!(r.total.sha256_all(), 3);
        assert_eq!(r.total.mnemonics["ldr"], 12023);
        let snap = r.first_connected_write.unwrap();
        assert_eq!((snap.counts.insns, snap.syscall, snap.fd), (75823, 64, 3));
        assert!(!PluginReport::read(&path).unwrap().threaded());
        std::fs::write(&path, "{}").unwrap();
        let err = PluginReport::read(&path).unwrap_err().to_string();
        assert!(err.contains("not an insn_count plugin report"), "{err}");
    }
}
