//! `lambda-bench lmi-cost`: reads the contenders' figures, prices them on Lambda Managed
//! Instances and on per-request Lambda, and writes the table, exports and plot.

use std::io::Write;
use std::path::Path;

use lambda_bench::benchmark::RunResults;
use lambda_bench::error::{Error, Result};
use lambda_bench::managed_instances::inputs::{self, LoadReport, LoadSelection};
use lambda_bench::managed_instances::{compare, render, CostComparison};

use crate::cli::LmiCostArgs;
use crate::options;

/// `lmi-cost`; `Ok(true)`.
pub fn cost(args: &LmiCostArgs) -> Result<bool> {
    let (settings, lambda) = options::lmi_settings(args)?;
    let run = match &args.run {
        Some(path) => Some((
            read::<RunResults>(path, "a lambda-bench run export")?,
            path.display().to_string(),
        )),
        None => None,
    };
    let mut contenders = Vec::new();
    let mut sources = Vec::new();
    if let Some(path) = &args.load {
        let doc: LoadReport = read(path, "a lambda-bench load document")?;
        let selection = LoadSelection {
            event: args.event.clone(),
            concurrency: args.concurrency,
        };
        let name = path.display().to_string();
        let run = run.as_ref().map(|(r, n)| (r, n.as_str()));
        contenders.extend(inputs::from_load(&doc, &name, &selection, run, &lambda)?);
        sources.push(name);
    } else if let Some((run, name)) = &run {
        contenders.extend(inputs::from_run(run, name, &lambda)?);
    }
    if let Some((_, name)) = &run {
        sources.push(name.clone());
    }
    for spec in &args.contenders {
        contenders.push(inputs::from_spec(spec, &lambda)?);
    }
    if !args.contenders.is_empty() {
        sources.push("--contender".into());
    }
    let title = format!("Modeled from {}", sources.join(" + "));
    let comparison = compare(title, contenders, settings)?;
    write_outputs(&comparison, args)?;
    Ok(true)
}

fn read<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let bytes = std::fs::read(path).map_err(Error::file(path))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::usage(format!("{}: not {what} ({e})", path.display())))
}

/// The table (to stderr when the JSON goes to stdout), then JSON, Markdown and the plot.
fn write_outputs(cmp: &CostComparison, args: &LmiCostArgs) -> Result<()> {
    let table = render::table(cmp);
    if args.json.as_deref() == Some(Path::new("-")) {
        std::io::stderr().write_all(table.as_bytes())?;
    } else {
        std::io::stdout().write_all(table.as_bytes())?;
    }
    if let Some(path) = &args.json {
        let mut json = serde_json::to_vec_pretty(cmp)?;
        json.push(b'\n');
        crate::write_bytes(path, &json)?;
    }
    if let Some(path) = &args.markdown {
        crate::write_bytes(path, render::markdown(cmp).as_bytes())?;
    }
    if let Some(path) = &args.plot {
        plot(path, cmp)?;
    }
    Ok(())
}

#[cfg(feature = "plot")]
fn plot(path: &Path, cmp: &CostComparison) -> Result<()> {
    lambda_bench::managed_instances::plot::write_svg(path, cmp)?;
    eprintln!("plot written to {}", path.display());
    Ok(())
}

#[cfg(not(feature = "plot"))]
fn plot(_: &Path, _: &CostComparison) -> Result<()> {
    Err(Error::usage(
        "this lambda-bench was built without the `plot` feature",
    ))
}
