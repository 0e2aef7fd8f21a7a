//! SVG plot of the duration distributions: cumulative distribution (ECDF) per target, cold
//! starts (Init + Duration) on the left and warm Durations on the right, log-scale time axis.
//! An ECDF shows every sample without binning choices: the p50 is where a line crosses 0.5,
//! and a long tail is a line that creeps to 1.0 far to the right.

use std::path::Path;

use plotters::prelude::*;

use crate::benchmark::{Kind, RunResults, TargetResult};
use crate::error::{Error, Result};

/// Writes the plot. Targets without samples of a kind are left out of that panel.
pub fn write_svg(path: &Path, results: &RunResults) -> Result<()> {
    draw(path, results).map_err(|e| Error::Plot {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(path: &Path, results: &RunResults) -> DrawResult {
    let root = SVGBackend::new(path, (1200, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(&title(results), ("sans-serif", 20))?;
    let (left, right) = root.split_horizontally(600);
    let cold = series(results, Kind::Cold);
    let warm = series(results, Kind::Warm);
    panel(&left, "Cold start: Init Duration + Duration", &cold)?;
    panel(&right, "Warm: Duration", &warm)?;
    root.present()?;
    Ok(())
}

/// Which architecture ran, on what, and whether the timings are an emulator's: an arm64
/// bootstrap under qemu on an x86_64 host must not read as an x86_64 measurement.
fn title(results: &RunResults) -> String {
    let host = format!("{} {}", results.host.os, results.host.arch);
    let emulated: Vec<&TargetResult> = results.targets.iter().filter(|t| t.emulated).collect();
    let Some(first) = emulated.first() else {
        return format!(
            "lambda-bench ({} mode, {} bootstrap, native on {host})",
            results.mode, results.host.arch
        );
    };
    let archs: std::collections::BTreeSet<&str> =
        emulated.iter().map(|t| guest_arch(&t.source)).collect();
    let emulator = first
        .argv
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(p));
    format!(
        "lambda-bench ({} mode): {} bootstrap under {} on {host}, timings EMULATED (not Graviton)",
        results.mode,
        archs.into_iter().collect::<Vec<_>>().join(" + "),
        emulator.unwrap_or("an emulator")
    )
}

fn guest_arch(binary: &str) -> &'static str {
    match crate::process::elf_machine(Path::new(binary)) {
        Ok(Some(crate::process::ElfMachine::Aarch64)) => "arm64",
        Ok(Some(crate::process::ElfMachine::X86_64)) => "x86_64",
        _ => "foreign-architecture",
    }
}

/// Axis ticks at 1, 2 and 5 times the powers of ten between `lo` and `hi`.
pub(crate) fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut decade = 10f64.powi(lo.log10().floor() as i32);
    while decade <= hi && ticks.len() < 64 {
        for m in [1.0, 2.0, 5.0] {
            let v = decade * m;
            if v >= lo && v <= hi {
                ticks.push(v);
            }
        }
        decade *= 10.0;
    }
    ticks
}

/// Sorted values (ms) per target for one kind of sample.
fn series(results: &RunResults, kind: Kind) -> Vec<(String, Vec<f64>)> {
    results
        .targets
        .iter()
        .map(|t: &TargetResult| {
            let mut values: Vec<f64> = t
                .samples
                .iter()
                .filter(|s| s.kind == kind && s.status.answered())
                .filter_map(|s| {
                    Some(s.duration_ms? + if kind == Kind::Cold { s.init_ms? } else { 0.0 })
                })
                .filter(|v| *v > 0.0)
                .collect();
            values.sort_by(f64::total_cmp);
            (t.name.clone(), values)
        })
        .filter(|(_, values)| !values.is_empty())
        .collect()
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    caption: &str,
    series: &[(String, Vec<f64>)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let all = series.iter().flat_map(|(_, v)| v.iter().copied());
    let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if lo <= hi {
        (lo / 1.5, hi * 1.5)
    } else {
        (0.01, 10.0)
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(
            (lo..hi).log_scale().with_key_points(ticks(lo, hi)),
            0f64..1.02f64,
        )?;
    chart
        .configure_mesh()
        .x_desc("milliseconds (log scale)")
        .y_desc("share of invocations at or below")
        .x_label_formatter(&|v| crate::export::format_ms(*v))
        .draw()?;
    if series.is_empty() {
        return Ok(());
    }
    for (i, (name, values)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let n = values.len() as f64;
        // Steps of the empirical CDF.
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .flat_map(|(k, &v)| [(v, k as f64 / n), (v, (k + 1) as f64 / n)])
            .collect();
        let label = format!("{name} (n={})", values.len());
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::Sample;

    #[test]
    fn title_names_the_guest_architecture_and_emulated_timings() {
        let dir = tempfile::tempdir().unwrap();
        let arm = dir.path().join("bootstrap");
        let mut header = vec![0u8; 64];
        header[..6].copy_from_slice(b"\x7fELF\x02\x01");
        header[18..20].copy_from_slice(&0xb7u16.to_le_bytes());
        std::fs::write(&arm, header).unwrap();
        let mut t = TargetResult::new("ours".into(), arm.display().to_string(), 128);
        t.emulated = true;
        t.argv = vec![
            "/usr/bin/qemu-aarch64-static".into(),
            arm.display().to_string(),
        ];
        let results = RunResults::new(crate::benchmark::Mode::Local, vec![t.clone()]);
        let title = title(&results);
        assert!(
            title.contains("arm64 bootstrap under qemu-aarch64-static on linux ")
                && title.ends_with("timings EMULATED (not Graviton)"),
            "{title}"
        );
        t.emulated = false;
        let results = RunResults::new(crate::benchmark::Mode::Local, vec![t]);
        assert!(title_native(&results), "{}", super::title(&results));
        fn title_native(r: &RunResults) -> bool {
            super::title(r).ends_with(&format!("bootstrap, native on linux {})", r.host.arch))
        }
    }

    #[test]
    fn ticks_are_one_two_five() {
        let t = ticks(0.03, 3.0);
        let expected = [0.05, 0.1, 0.2, 0.5, 1.0, 2.0];
        assert_eq!(t.len(), expected.len(), "{t:?}");
        for (a, b) in t.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{t:?}");
        }
    }

    #[test]
    fn writes_an_svg_with_both_panels_and_every_target() {
        let mut a = TargetResult::new("ours".into(), "a".into(), 128);
        a.samples = vec![
            Sample::ok(Kind::Cold, Some(2.0), 0.5),
            Sample::ok(Kind::Warm, None, 0.1),
            Sample::ok(Kind::Warm, None, 0.2),
        ];
        let mut b = TargetResult::new("theirs".into(), "b".into(), 128);
        b.samples = vec![
            Sample::ok(Kind::Cold, Some(40.0), 3.0),
            Sample::ok(Kind::Warm, None, 1.5),
        ];
        let results = RunResults::new(crate::benchmark::Mode::Local, vec![a, b]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plot.svg");
        write_svg(&path, &results).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..100]);
        for text in [
            "Cold start: Init Duration + Duration",
            "Warm: Duration",
            "ours (n=2)",
            "theirs (n=1)",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert!(
            svg.matches("<polyline").count() >= 4,
            "one line per target per panel"
        );
    }
}
