//! Pricing a *local* run at Lambda memory sizes, for when no AWS account is at hand: what a
//! sweep would show if the function's time were all CPU and Lambda's CPU share the only
//! difference from this machine.
//!
//! Lambda gives a function `memory / 1769 MB` of a vCPU below 1769 MB (one full vCPU at 1769
//! MB), so a single-threaded, CPU-bound invocation measured at full speed here takes about
//! `local × max(1, 1769 / memory)` there. Init is stretched the same way (conservative: it may
//! get more CPU). Billed Duration is then `ceil(Duration)` warm and `ceil(Init + Duration)`
//! cold. What this leaves out, and a real sweep (`cloud --memory`) measures: the speed of a
//! Graviton core against this machine's, the sandbox's own overhead, memory-bound phases.

use crate::benchmark::{Kind, TargetResult};

/// Memory at which Lambda allocates one full vCPU.
pub const FULL_VCPU_MB: u64 = 1769;

/// How much slower CPU-bound work runs at `memory_mb` than on one full core.
pub fn slowdown(memory_mb: u64) -> f64 {
    (FULL_VCPU_MB as f64 / memory_mb.max(1) as f64).max(1.0)
}

/// `local`'s answered samples as they would be at `memory_mb`: durations and init stretched by
/// [`slowdown`], Billed Duration recomputed from them, Max Memory Used kept.
pub fn at_memory(local: &TargetResult, memory_mb: u64) -> TargetResult {
    let k = slowdown(memory_mb);
    let mut t = TargetResult::new(
        format!("{} at {memory_mb} MB", local.name),
        local.source.clone(),
        memory_mb,
    );
    t.samples = local
        .samples
        .iter()
        .filter(|s| s.status.answered())
        .map(|s| {
            let mut s = s.clone();
            s.duration_ms = s.duration_ms.map(|d| d * k);
            s.init_ms = s.init_ms.map(|i| i * k);
            let init = if s.kind == Kind::Cold {
                s.init_ms
            } else {
                None
            };
            s.billed_ms = s
                .duration_ms
                .map(|d| (d + init.unwrap_or(0.0)).ceil() as u64);
            s
        })
        .collect();
    t.summarize();
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::{Sample, Status};

    #[test]
    fn cpu_share_stretches_time_below_one_vcpu_only() {
        assert_eq!(slowdown(1769), 1.0);
        assert_eq!(slowdown(3538), 1.0);
        assert!((slowdown(256) - 6.91015625).abs() < 1e-12);
        let mut local = TargetResult::new("ours".into(), "bootstrap".into(), 128);
        for (kind, init, d) in [(Kind::Cold, Some(3.0), 0.2), (Kind::Warm, None, 0.1)] {
            local.samples.push(Sample {
                kind,
                event: "seed".into(),
                request_id: "r".into(),
                status: Status::Ok,
                init_ms: init,
                duration_ms: Some(d),
                billed_ms: Some(1),
                max_memory_bytes: Some(4 << 20),
                detail: None,
                log_tail: vec![],
            });
        }
        let at = at_memory(&local, 256);
        assert_eq!(at.memory_size_mb, 256);
        let (cold, warm) = (&at.samples[0], &at.samples[1]);
        // 0.1 ms × 6.91 = 0.69 ms: billed 1 ms; cold (3 + 0.2) × 6.91 = 22.1: billed 23 ms.
        assert_eq!((warm.billed_ms, cold.billed_ms), (Some(1), Some(23)));
        assert!((cold.init_ms.unwrap() - 20.73046875).abs() < 1e-9);
        assert_eq!(warm.max_memory_bytes, Some(4 << 20));
        assert_eq!(at_memory(&local, 3008).samples[1].duration_ms, Some(0.1));
    }
}
