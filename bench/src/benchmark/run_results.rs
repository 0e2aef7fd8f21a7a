//! A whole run: every target's results, the comparisons between them, and where they were
//! measured. The JSON export's document.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::relative_speed::{compare_all, Comparison};
use super::result::TargetResult;

/// Where the figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Bootstraps run on this machine against the local Runtime API.
    Local,
    /// A deployed function's own reports.
    Cloud,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Local => "local",
            Mode::Cloud => "cloud",
        })
    }
}

/// Host facts that matter for reading the numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Host {
    pub arch: String,
    pub os: String,
    pub cpus: usize,
}

impl Host {
    pub fn current() -> Host {
        Host {
            arch: std::env::consts::ARCH.to_owned(),
            os: std::env::consts::OS.to_owned(),
            cpus: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        }
    }
}

/// A whole run: the JSON document `--json` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunResults {
    pub tool: String,
    pub version: String,
    pub mode: Mode,
    pub host: Host,
    pub targets: Vec<TargetResult>,
    pub comparisons: Vec<Comparison>,
}

impl RunResults {
    pub fn new(mode: Mode, targets: Vec<TargetResult>) -> RunResults {
        let comparisons = compare_all(&targets);
        RunResults {
            tool: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            mode,
            host: Host::current(),
            targets,
            comparisons,
        }
    }

    /// True when every sample was answered and no target stopped early.
    pub fn clean(&self) -> bool {
        self.targets
            .iter()
            .all(|t| t.aborted.is_empty() && t.failures().next().is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_keep_their_json_names() {
        assert_eq!(serde_json::to_string(&Mode::Local).unwrap(), r#""local""#);
        assert_eq!(serde_json::to_string(&Mode::Cloud).unwrap(), r#""cloud""#);
        assert_eq!(Mode::Cloud.to_string(), "cloud");
    }
}
