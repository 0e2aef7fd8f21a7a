//! SVG plot of a load run: events per second against `AWS_LAMBDA_MAX_CONCURRENCY`, one line
//! per (bootstrap, event), both axes log scale (events of different sizes differ by orders of
//! magnitude; N doubles).

use std::path::Path;

use plotters::prelude::*;

use super::results::LoadResults;
use crate::error::{Error, Result};

pub fn write_svg(path: &Path, results: &LoadResults) -> Result<()> {
    draw(path, results).map_err(|e| Error::Plot {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// (label, [(N, events/s)]) per (bootstrap, event), in first-seen order; measurements without
/// answers are left out (a log axis has no zero).
pub(crate) fn lines(results: &LoadResults) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for r in results.results.iter().filter(|r| r.events_per_s > 0.0) {
        let label = format!("{} · {}", r.label, r.event);
        let point = (f64::from(r.max_concurrency), r.events_per_s);
        match lines.iter_mut().find(|(l, _)| *l == label) {
            Some((_, points)) => points.push(point),
            None => lines.push((label, vec![point])),
        }
    }
    for (_, points) in &mut lines {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    lines
}

fn draw(path: &Path, results: &LoadResults) -> Result<(), Box<dyn std::error::Error>> {
    let lines = lines(results);
    let all = lines.iter().flat_map(|(_, p)| p.iter());
    let (n_max, lo, hi) = all.fold((1f64, f64::MAX, f64::MIN), |(n, lo, hi), p| {
        (n.max(p.0), lo.min(p.1), hi.max(p.1))
    });
    let (lo, hi) = if lo <= hi {
        (lo / 1.5, hi * 1.5)
    } else {
        (1.0, 10.0)
    };
    let root = SVGBackend::new(path, (1000, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let title = format!(
        "events/s against AWS_LAMBDA_MAX_CONCURRENCY ({} {}, {} CPUs)",
        results.host.os, results.host.arch, results.host.cpus
    );
    let root = root.titled(&title, ("sans-serif", 22))?;
    let mut ns: Vec<f64> = results
        .results
        .iter()
        .map(|r| f64::from(r.max_concurrency))
        .collect();
    ns.sort_by(f64::total_cmp);
    ns.dedup();
    let mut chart = ChartBuilder::on(&root)
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(
            (0.8..n_max * 1.25).log_scale().with_key_points(ns),
            (lo..hi)
                .log_scale()
                .with_key_points(crate::plot::ticks(lo, hi)),
        )?;
    chart
        .configure_mesh()
        .x_desc("AWS_LAMBDA_MAX_CONCURRENCY (N)")
        .y_desc("events/s (log scale)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;
    for (i, (label, points)) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::render::tests::{result, results};

    #[test]
    fn one_line_per_bootstrap_and_event_sorted_by_n() {
        let mut big = result("ours", 2, 40.0);
        big.event = "p100k.json".into();
        let mut failed = result("go", 4, 0.0);
        failed.events = 0;
        let run = results(vec![
            result("ours", 2, 1650.0),
            result("ours", 1, 900.0),
            result("go", 1, 700.0),
            big,
            failed,
        ]);
        let lines = lines(&run);
        let labels: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "ours · seed-3tx.json",
                "go · seed-3tx.json",
                "ours · p100k.json"
            ]
        );
        assert_eq!(lines[0].1, [(1.0, 900.0), (2.0, 1650.0)]);
        assert_eq!(
            lines[1].1,
            [(1.0, 700.0)],
            "the run without answers is left out"
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("load.svg");
        write_svg(&path, &run).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..100.min(svg.len())]);
        for label in labels {
            assert!(svg.contains(label), "{label} missing from the legend");
        }
        assert!(svg.contains("AWS_LAMBDA_MAX_CONCURRENCY (N)"));
    }
}
