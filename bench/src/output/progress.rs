use indicatif::{ProgressBar, ProgressStyle};

use lambda_bench::benchmark::{Progress, Sample, TargetResult};
use lambda_bench::report::ReportLine;

/// An indicatif bar on stderr (hidden when stderr is not a terminal); with `verbose`, a REPORT
/// line per sample is printed to stdout above it.
pub struct BarProgress {
    bar: ProgressBar,
    verbose: bool,
}

impl BarProgress {
    pub fn new(verbose: bool) -> BarProgress {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>5} [{bar:30.cyan/blue}] {pos}/{len} {msg} ({eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        BarProgress { bar, verbose }
    }
}

impl Progress for BarProgress {
    fn phase(&self, name: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_prefix(name.to_owned());
    }

    fn sample(&self, target: &TargetResult, sample: &Sample) {
        self.bar.inc(1);
        self.bar.set_message(target.name.clone());
        if self.verbose {
            let line = match ReportLine::of_sample(sample, target.memory_size_mb) {
                Some(report) => format!(
                    "{}  [{} {} {}]",
                    report,
                    target.name,
                    sample.event,
                    label(sample)
                ),
                None => format!(
                    "INIT FAILED [{} {}]: {}",
                    target.name,
                    sample.event,
                    sample.detail.as_deref().unwrap_or("")
                ),
            };
            self.bar.suspend(|| println!("{line}"));
        }
        if !sample.status.answered() {
            let detail = sample.detail.as_deref().unwrap_or("");
            let mut text = format!(
                "warning: {} {} ({:?}): {detail}",
                target.name, sample.event, sample.status
            );
            for line in &sample.log_tail {
                text.push_str(&format!("\n  | {line}"));
            }
            self.bar.suspend(|| eprintln!("{text}"));
        }
    }

    fn warn(&self, message: &str) {
        self.bar.suspend(|| eprintln!("warning: {message}"));
    }

    fn note(&self, message: &str) {
        self.bar.suspend(|| eprintln!("{message}"));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn label(sample: &Sample) -> String {
    format!("{:?}", sample.kind).to_lowercase()
        + " "
        + &format!("{:?}", sample.status).to_lowercase()
}
