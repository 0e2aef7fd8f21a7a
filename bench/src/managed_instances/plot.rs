//! SVG plot: $ per month against the sustained request rate, both axes logarithmic, every
//! contender on one chart: LMI as a solid staircase (instances come whole), per-request Lambda
//! as a dashed straight line (a constant $ per request), the break-even marked on each.

use std::path::Path;

use plotters::prelude::*;

use super::CostComparison;
use crate::error::{Error, Result};

/// A curve: (requests/s, $ per month).
type Curve = Vec<(f64, f64)>;

/// Points per curve: enough for the staircase to show its steps at the rates that matter.
const POINTS: usize = 600;

pub fn write_svg(path: &Path, cmp: &CostComparison) -> Result<()> {
    draw(path, cmp).map_err(|e| Error::Plot {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// The rate range: from 0.1 requests/s to well past the highest break-even (and the table's
/// rates).
pub fn rate_range(cmp: &CostComparison) -> (f64, f64) {
    let highest = cmp
        .contenders
        .iter()
        .filter_map(|c| c.break_even.map(|b| b.for_good))
        .chain(cmp.settings.rates.iter().copied())
        .fold(1000.0, f64::max);
    (0.1, (highest * 10.0).min(1e9))
}

fn draw(path: &Path, cmp: &CostComparison) -> Result<(), Box<dyn std::error::Error>> {
    let (lo, hi) = rate_range(cmp);
    let rates: Vec<f64> = (0..POINTS)
        .map(|i| lo * (hi / lo).powf(i as f64 / (POINTS - 1) as f64))
        .collect();
    let curves: Vec<(Curve, Curve)> = cmp
        .contenders
        .iter()
        .map(|c| {
            let costs: Vec<_> = rates.iter().map(|&r| c.at(r, &cmp.settings)).collect();
            (
                costs.iter().map(|r| (r.rate, r.lmi.total)).collect(),
                costs.iter().map(|r| (r.rate, r.lambda_per_month)).collect(),
            )
        })
        .collect();
    let (ymin, ymax) = curves
        .iter()
        .flat_map(|(a, b)| a.iter().chain(b))
        .fold((f64::MAX, f64::MIN), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let (ymin, ymax) = if ymin > 0.0 && ymin <= ymax {
        (ymin / 1.5, ymax * 1.5)
    } else {
        (0.01, 1e6)
    };
    let root = SVGBackend::new(path, (1100, 650)).into_drawing_area();
    root.fill(&WHITE)?;
    let s = &cmp.settings;
    let title = format!(
        "$ per month: LMI on {} (${}/h) vs per-request Lambda at {} MB, {:.0} % target utilisation",
        s.lmi.instance.name,
        s.lmi.instance.on_demand_per_hour,
        s.lambda_memory_mb,
        100.0 * s.sizing.target_utilization
    );
    let root = root.titled(&title, ("sans-serif", 20))?;
    let mut chart = ChartBuilder::on(&root)
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(
            (lo..hi)
                .log_scale()
                .with_key_points(crate::plot::ticks(lo, hi)),
            (ymin..ymax)
                .log_scale()
                .with_key_points(crate::plot::ticks(ymin, ymax)),
        )?;
    chart
        .configure_mesh()
        .x_desc("sustained requests per second (log scale)")
        .y_desc("$ per month (log scale)")
        .x_label_formatter(&|v| super::render::format_rate(*v))
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;
    for (i, (c, (lmi, lambda))) in cmp.contenders.iter().zip(&curves).enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let label = &c.contender.label;
        chart
            .draw_series(LineSeries::new(lmi.iter().copied(), color.stroke_width(2)))?
            .label(format!("{label}: LMI"))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(DashedLineSeries::new(
                lambda.iter().copied(),
                6,
                4,
                color.stroke_width(2),
            ))?
            .label(format!("{label}: per-request Lambda"))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 8, y)], color.stroke_width(2))
            });
        if let Some(be) = c.break_even {
            let at = c.at(be.first, s);
            let y = at.lambda_per_month;
            chart.draw_series([Circle::new((be.first, y), 6, color.filled())])?;
            chart.draw_series([Text::new(
                format!("{label}: {} req/s", super::render::format_rate(be.first)),
                (be.first, y),
                ("sans-serif", 15).into_font(),
            )])?;
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::managed_instances::tests::sample;

    #[test]
    fn both_models_per_contender_and_the_break_even_marked() {
        let cmp = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lmi.svg");
        write_svg(&path, &cmp).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"));
        for text in [
            "LMI on c7g.xlarge",
            "ours: LMI",
            "ours: per-request Lambda",
            "go: LMI",
            "go: per-request Lambda",
            "$ per month (log scale)",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        let marked = cmp
            .contenders
            .iter()
            .filter(|c| c.break_even.is_some())
            .count();
        assert!(marked >= 1);
        assert_eq!(
            svg.matches("<circle").count(),
            marked,
            "one marker per break-even"
        );
        let be = cmp.contenders[0].break_even.unwrap();
        assert!(svg.contains(&format!(
            "ours: {} req/s",
            super::super::render::format_rate(be.first)
        )));
        let (lo, hi) = rate_range(&cmp);
        assert_eq!(lo, 0.1);
        assert!(hi >= 10.0 * be.for_good);
    }
}
