//! SVG plot of a sweep: cost per million invocations against warm Duration, one point per
//! size for the p50 and one for the p99, log-scale time axis as in [`crate::plot`]. The lower
//! left is cheap and fast; the p50 line shows what more memory buys, the p99 line how far the
//! tail sits from it.

use std::path::Path;

use plotters::prelude::*;

use super::SweepResults;
use crate::error::{Error, Result};

pub fn write_svg(path: &Path, results: &SweepResults) -> Result<()> {
    draw(path, results).map_err(|e| Error::Plot {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// (memory MB, p50, p99, $ per million) of the sizes with all three.
fn points(results: &SweepResults) -> Vec<(u64, f64, f64, f64)> {
    results
        .sizes
        .iter()
        .filter_map(|s| {
            let d = s.warm_duration_ms?;
            let cost = s.cost_per_million?;
            (d.p50 > 0.0).then_some((s.memory_mb, d.p50, d.p99.max(d.p50), cost))
        })
        .collect()
}

fn draw(path: &Path, results: &SweepResults) -> Result<(), Box<dyn std::error::Error>> {
    let points = points(results);
    let root = SVGBackend::new(path, (1000, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let j = &results.judging;
    let title = format!(
        "{} ({}, cold-start share {} %)",
        results.title,
        j.pricing.architecture,
        100.0 * j.cold_share
    );
    let root = root.titled(&title, ("sans-serif", 22))?;
    let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.2))
    });
    let (lo, hi) = if lo <= hi {
        (lo / 1.5, hi * 1.5)
    } else {
        (0.01, 10.0)
    };
    let top = points.iter().map(|p| p.3).fold(0.0, f64::max) * 1.15;
    let top = if top > 0.0 { top } else { 1.0 };
    let mut chart = ChartBuilder::on(&root)
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(
            (lo..hi)
                .log_scale()
                .with_key_points(crate::plot::ticks(lo, hi)),
            0f64..top,
        )?;
    chart
        .configure_mesh()
        .x_desc("warm Duration (log scale)")
        .y_desc("$ per million invocations")
        .x_label_formatter(&|v| crate::export::format_ms(*v))
        .y_label_formatter(&|v| format!("{v:.3}"))
        .draw()?;
    let p50 = Palette99::pick(0).to_rgba();
    let p99 = Palette99::pick(1).to_rgba();
    chart
        .draw_series(LineSeries::new(
            points.iter().map(|p| (p.1, p.3)),
            p50.stroke_width(2),
        ))?
        .label("p50")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], p50.stroke_width(2)));
    chart.draw_series(
        points
            .iter()
            .map(|p| Circle::new((p.1, p.3), 5, p50.filled())),
    )?;
    chart
        .draw_series(DashedLineSeries::new(
            points.iter().map(|p| (p.2, p.3)),
            6,
            4,
            p99.stroke_width(2),
        ))?
        .label("p99")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], p99.stroke_width(2)));
    chart.draw_series(
        points
            .iter()
            .map(|p| TriangleMarker::new((p.2, p.3), 6, p99.filled())),
    )?;
    let picks = &results.recommendation;
    chart.draw_series(points.iter().map(|p| {
        let mut label = format!("{} MB", p.0);
        for (name, pick) in [
            ("cheapest", picks.cheapest),
            ("fastest", picks.fastest),
            ("balanced", picks.balanced),
        ] {
            if pick == Some(p.0) {
                label.push_str(&format!(" ({name})"));
            }
        }
        Text::new(label, (p.1, p.3), ("sans-serif", 15).into_font())
    }))?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::{Kind, Sample, TargetResult};
    use crate::tuning::cost::Pricing;
    use crate::tuning::Judging;

    #[test]
    fn one_point_per_size_for_p50_and_p99_with_the_picks_named() {
        let targets = [(128, 40.0), (256, 20.0), (512, 10.0)]
            .into_iter()
            .map(|(mb, ms)| {
                let mut t = TargetResult::new(format!("{mb} MB"), "f".into(), mb);
                for d in [ms, ms * 1.1, ms * 3.0] {
                    t.samples.push(Sample {
                        max_memory_bytes: Some(20 << 20),
                        ..Sample::ok(Kind::Warm, None, d)
                    });
                }
                t.summarize();
                t
            })
            .collect();
        let judging = Judging {
            pricing: Pricing::defaults("arm64"),
            cold_share: 0.01,
            headroom: 0.2,
            balance_weight: 0.5,
        };
        let results = SweepResults::new(
            "Memory sweep of txfn".into(),
            "txfn".into(),
            256,
            targets,
            judging,
            String::new(),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sweep.svg");
        write_svg(&path, &results).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"));
        for text in [
            "Memory sweep of txfn (arm64, cold-start share 1 %)",
            "128 MB (cheapest)",
            "512 MB (fastest) (balanced)",
            "256 MB",
            "p50",
            "p99",
            "$ per million invocations",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        assert_eq!(svg.matches("<circle").count(), 3, "one p50 point per size");
    }
}
