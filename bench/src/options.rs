//! Interpreting the command line: from clap's values to the library's options, with every
//! check that clap cannot make (files exist, `KEY=VALUE`, positive durations) and a usage
//! error that names the flag.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lambda_bench::benchmark::{Event, LocalOptions, Target};
use lambda_bench::error::{Error, Result};
use lambda_bench::Wrapper;

use crate::cli::{CountArgs, LoadArgs, RunArgs};

/// `count` arguments as counting options.
pub fn count_options(args: &CountArgs) -> Result<lambda_bench::count::CountOptions> {
    let invocations = parse_invocations(&args.invocations)?;
    let plugin = args.plugin.clone().unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("target"));
        target.join("qemu-plugin/libinsncount.so")
    });
    // qemu runs in the function's task root: a relative path would not resolve there.
    let plugin = std::path::absolute(&plugin)?;
    let qemu = lambda_bench::process::find_in_path(&args.qemu).ok_or_else(|| {
        Error::usage(format!(
            "{} is not on PATH (Debian: apt-get install qemu-user; qemu-aarch64-static cannot \
             load plugins)",
            args.qemu
        ))
    })?;
    Ok(lambda_bench::count::CountOptions {
        qemu,
        plugin,
        cpu: args.cpu.clone(),
        invocations,
        repeat: args.repeat.max(1),
        threaded_repeat: args.threaded_repeat.max(1),
        mnemonics: args.mnemonics.clone(),
        timeout: seconds(args.timeout, "--timeout")?,
        init_timeout: seconds(args.init_timeout, "--init-timeout")?,
        ..lambda_bench::count::CountOptions::default()
    })
}

/// `N1,N2` with N1 < N2.
fn parse_invocations(spec: &str) -> Result<(usize, usize)> {
    let parsed = spec
        .split_once(',')
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
    match parsed {
        Some((a, b)) if a < b => Ok((a, b)),
        _ => Err(Error::usage(format!(
            "--invocations {spec:?}: expected N1,N2 with N1 < N2 (e.g. 1,3)"
        ))),
    }
}

/// `load` arguments as load-run options.
pub fn load_options(args: &LoadArgs) -> Result<lambda_bench::load::LoadOptions> {
    use lambda_bench::load::{LoadOptions, MAX_CONCURRENCY_VAR};
    let max_concurrency = &args.max_concurrency;
    if max_concurrency.is_empty() || max_concurrency.contains(&0) {
        return Err(Error::usage(
            "--max-concurrency: give one or more values of 1 or more (e.g. 1,2,4,8)",
        ));
    }
    for (i, n) in max_concurrency.iter().enumerate() {
        if max_concurrency[..i].contains(n) {
            return Err(Error::usage(format!("--max-concurrency lists {n} twice")));
        }
    }
    if args.runs == 0 {
        return Err(Error::usage("--runs must be at least 1"));
    }
    if args.warmup == 0 {
        return Err(Error::usage(
            "--warmup must be at least 1: the first answer is the one the others must equal",
        ));
    }
    if args.in_flight_per_poll == 0 {
        return Err(Error::usage("--in-flight-per-poll must be at least 1"));
    }
    let env = parse_env(&args.env)?;
    if env.iter().any(|(k, _)| k == MAX_CONCURRENCY_VAR) {
        return Err(Error::usage(format!(
            "--env {MAX_CONCURRENCY_VAR}: load sets it from --max-concurrency"
        )));
    }
    Ok(LoadOptions {
        max_concurrency: max_concurrency.clone(),
        events: args.runs,
        warmup: args.warmup,
        max_window: args
            .max_seconds
            .map(|s| seconds(s, "--max-seconds"))
            .transpose()?,
        in_flight_per_poll: args.in_flight_per_poll,
        timeout: seconds(args.timeout, "--timeout")?,
        init_timeout: seconds(args.init_timeout, "--init-timeout")?,
        poll_timeout: seconds(args.poll_timeout, "--poll-timeout")?,
        memory_mb: args.memory,
        wrapper: parse_wrapper(&args.wrapper),
        env,
        echo_logs: args.show_logs,
        expect_failure: args.expect_failure.clone(),
        volatile_fields: args
            .volatile_fields
            .iter()
            .filter(|k| !k.is_empty())
            .cloned()
            .collect(),
    })
}

/// `run`/`compare` arguments as local-run options.
pub fn local_options(args: &RunArgs) -> Result<LocalOptions> {
    Ok(LocalOptions {
        cold_runs: args.cold,
        warm_runs: args.runs,
        warmup: args.warmup,
        timeout: seconds(args.timeout, "--timeout")?,
        init_timeout: seconds(args.init_timeout, "--init-timeout")?,
        memory_mb: args.memory,
        wrapper: parse_wrapper(&args.wrapper),
        env: parse_env(&args.env)?,
        echo_logs: args.show_logs,
        ..LocalOptions::default()
    })
}

#[cfg(feature = "cloud")]
pub fn cloud_options(args: &crate::cli::CloudArgs) -> Result<lambda_bench::cloud::CloudOptions> {
    Ok(lambda_bench::cloud::CloudOptions {
        function: args.function.clone(),
        qualifier: args.qualifier.clone(),
        region: args.region.clone(),
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        cold_runs: args.cold,
        warmup: args.warmup,
        warm_runs: args.runs,
        concurrency: args.concurrency.max(1),
        max_attempts: args.max_attempts.max(1),
        initial_backoff: Duration::from_millis(args.initial_backoff_ms),
        logs_timeout: seconds(args.logs_timeout, "--logs-timeout")?,
        update_timeout: seconds(args.update_timeout, "--update-timeout")?,
    })
}

/// `--memory` checked: Lambda's range, each size once, in the order given.
pub fn sweep_sizes(sizes: &[u64]) -> Result<Vec<u64>> {
    for (i, &mb) in sizes.iter().enumerate() {
        if !(128..=10240).contains(&mb) {
            return Err(Error::usage(format!(
                "--memory {mb}: Lambda memory sizes are 128 to 10240 MB"
            )));
        }
        if sizes[..i].contains(&mb) {
            return Err(Error::usage(format!("--memory lists {mb} twice")));
        }
    }
    Ok(sizes.to_vec())
}

/// How a sweep's sizes are priced and judged: the flags, with the prices of `architecture`
/// (the function's, unless `--architecture` says otherwise) where none are given.
pub fn judging(
    args: &crate::cli::JudgingArgs,
    architecture: Option<&str>,
) -> Result<lambda_bench::tuning::Judging> {
    use lambda_bench::tuning::{cost::Pricing, Judging};
    let share = |value: f64, flag: &str, max: f64| {
        if value.is_finite() && (0.0..=max).contains(&value) {
            Ok(value)
        } else {
            Err(Error::usage(format!("{flag} must be from 0 to {max}")))
        }
    };
    let architecture = match args.architecture.as_deref().or(architecture) {
        Some(a @ ("arm64" | "x86_64")) => a,
        Some(other) => {
            return Err(Error::usage(format!(
                "--architecture {other}: expected arm64 or x86_64"
            )))
        }
        // The function did not say (an emulator): price what this project deploys.
        None => "arm64",
    };
    let mut pricing = Pricing::defaults(architecture);
    if let Some(price) = args.price_gb_second {
        pricing.per_gb_second = share(price, "--price-gb-second", 1.0)?;
    }
    if let Some(price) = args.price_per_million_requests {
        pricing.per_million_requests = share(price, "--price-per-million-requests", 1000.0)?;
    }
    if args.price_gb_second.is_some() || args.price_per_million_requests.is_some() {
        pricing.source = format!(
            "given on the command line; defaults from {}",
            pricing.source
        );
    }
    Ok(Judging {
        pricing,
        cold_share: share(args.cold_share, "--cold-share", 100.0)? / 100.0,
        headroom: share(args.headroom, "--headroom", 99.0)? / 100.0,
        balance_weight: share(args.balance_weight, "--balance-weight", 1.0)?,
    })
}

/// `lmi-cost` flags checked: LMI's instance, sizing and prices, and per-request Lambda's size
/// and prices.
pub fn lmi_settings(
    args: &crate::cli::LmiCostArgs,
) -> Result<(
    lambda_bench::managed_instances::Settings,
    lambda_bench::managed_instances::inputs::PerRequestPricing,
)> {
    use lambda_bench::managed_instances::capacity::Sizing;
    use lambda_bench::managed_instances::cost::{
        LmiPricing, LMI_PER_MILLION_REQUESTS, MANAGEMENT_FEE,
    };
    use lambda_bench::managed_instances::inputs::PerRequestPricing;
    use lambda_bench::managed_instances::instances::{resolve, InstanceChoice};
    use lambda_bench::managed_instances::Settings;
    use lambda_bench::tuning::cost::Pricing;
    let percent = |value: f64, flag: &str, low_open: bool| {
        let ok = value.is_finite()
            && value <= 100.0
            && if low_open { value > 0.0 } else { value >= 0.0 };
        if ok {
            Ok(value / 100.0)
        } else {
            let low = if low_open { "above 0" } else { "from 0" };
            Err(Error::usage(format!(
                "{flag} must be a percentage {low} up to 100"
            )))
        }
    };
    let instance = resolve(&InstanceChoice {
        name: args.instance_type.clone(),
        region: args.region.clone(),
        price_per_hour: args.instance_price,
        vcpus: args.instance_vcpus,
        memory_gib: args.instance_memory,
    })
    .map_err(Error::usage)?;
    if !matches!(args.memory_per_vcpu, 2 | 4 | 8) {
        return Err(Error::usage(format!(
            "--memory-per-vcpu {}: LMI offers 2, 4 or 8 GiB per vCPU",
            args.memory_per_vcpu
        )));
    }
    if !(args.buffer.is_finite() && args.buffer >= 1.0) {
        return Err(Error::usage("--buffer must be a number ≥ 1"));
    }
    if args.min_instances == 0 {
        return Err(Error::usage("--min-instances must be at least 1"));
    }
    sweep_sizes(&[args.memory])?;
    if args.rates.is_empty() || args.rates.iter().any(|r| !(r.is_finite() && *r > 0.0)) {
        return Err(Error::usage(
            "--rate takes positive requests per second, e.g. 1,10,100",
        ));
    }
    let mut pricing = Pricing::defaults("arm64");
    if let Some(price) = args.price_gb_second {
        if !(price.is_finite() && price > 0.0 && price < 1.0) {
            return Err(Error::usage(
                "--price-gb-second must be a positive $ below 1",
            ));
        }
        pricing.per_gb_second = price;
    }
    let per_million_requests = args
        .price_per_million_requests
        .unwrap_or(LMI_PER_MILLION_REQUESTS);
    if !(per_million_requests.is_finite() && per_million_requests >= 0.0) {
        return Err(Error::usage(
            "--price-per-million-requests must be a $ amount ≥ 0",
        ));
    }
    pricing.per_million_requests = per_million_requests;
    if args.price_gb_second.is_some() || args.price_per_million_requests.is_some() {
        pricing.source = format!(
            "given on the command line; defaults from {}",
            pricing.source
        );
    }
    let cold_share = percent(args.cold_share, "--cold-share", false)?;
    let settings = Settings {
        region: args.region.clone(),
        lmi: LmiPricing {
            instance,
            savings_plan: percent(args.savings_plan, "--savings-plan", false)?,
            management_fee: MANAGEMENT_FEE,
            per_million_requests,
        },
        sizing: Sizing {
            target_utilization: percent(args.target_utilization, "--target-utilization", true)?,
            buffer: args.buffer,
            min_instances: args.min_instances,
            memory_per_vcpu_gib: args.memory_per_vcpu,
            environment_memory_mb: args.env_memory,
        },
        lambda_pricing: pricing.clone(),
        lambda_memory_mb: args.memory,
        cold_share,
        rates: args.rates.clone(),
    };
    let lambda = PerRequestPricing {
        memory_mb: args.memory,
        pricing,
        cold_share,
    };
    Ok((settings, lambda))
}

/// A positive number of seconds.
pub fn seconds(value: f64, flag: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| Error::usage(format!("{flag} must be a positive number of seconds")))
}

/// `label=path` or `path`; the same label twice gets `#1`, `#2`. Every path must be a file.
pub fn parse_targets(specs: &[String]) -> Result<Vec<Target>> {
    let mut targets: Vec<Target> = specs
        .iter()
        .map(|spec| match spec.split_once('=') {
            Some((label, path)) if !label.is_empty() && !label.contains('/') => Target {
                name: label.to_owned(),
                binary: PathBuf::from(path),
            },
            _ => {
                let binary = PathBuf::from(spec);
                let name = binary.file_name().map(|n| n.to_string_lossy().into_owned());
                Target {
                    name: name.unwrap_or_else(|| spec.clone()),
                    binary,
                }
            }
        })
        .collect();
    for t in &targets {
        if !t.binary.is_file() {
            return Err(Error::usage(format!(
                "{}: no such file (build it first?)",
                t.binary.display()
            )));
        }
    }
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    for (i, t) in targets.iter_mut().enumerate() {
        if names.iter().filter(|n| **n == t.name).count() > 1 {
            let nth = names[..=i].iter().filter(|n| **n == t.name).count();
            t.name = format!("{} #{nth}", t.name);
        }
    }
    Ok(targets)
}

/// Files as given; directories expand to their `*.json` files, sorted. An event is named
/// after its file stem.
pub fn load_events(paths: &[PathBuf]) -> Result<Vec<Event>> {
    event_files(paths)?
        .into_iter()
        .map(|path| load_event(&path, false))
        .collect()
}

/// [`load_events`] with each event named after its file name, extension included (as `load`
/// reports them).
pub fn load_event_files(paths: &[PathBuf]) -> Result<Vec<Event>> {
    event_files(paths)?
        .into_iter()
        .map(|path| load_event(&path, true))
        .collect()
}

fn event_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(Error::file(path))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::usage(format!("{}: no .json files", path.display())));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn load_event(path: &Path, with_extension: bool) -> Result<Event> {
    let payload = std::fs::read(path).map_err(Error::file(path))?;
    let name = if with_extension {
        path.file_name()
    } else {
        path.file_stem()
    };
    let name = name
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Event {
        name,
        payload: payload.into(),
    })
}

/// `auto`, `none` (or empty), or a command line to put before the bootstrap.
pub fn parse_wrapper(spec: &str) -> Wrapper {
    match spec {
        "auto" => Wrapper::Auto,
        "none" | "" => Wrapper::None,
        command => Wrapper::Command(command.split_whitespace().map(str::to_owned).collect()),
    }
}

/// `KEY=VALUE` pairs; the value may be empty or contain `=`, the key may not be empty.
pub fn parse_env(pairs: &[String]) -> Result<Vec<(String, String)>> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
            _ => Err(Error::usage(format!("--env {pair:?}: expected KEY=VALUE"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn targets_are_labelled_and_duplicates_numbered() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bootstrap");
        std::fs::write(&bin, b"").unwrap();
        let path = bin.display().to_string();
        let targets = parse_targets(&strings(&[
            &path,
            &format!("ours={path}"),
            &format!("ours={path}"),
        ]))
        .unwrap();
        let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["bootstrap", "ours #1", "ours #2"]);
        assert!(targets.iter().all(|t| t.binary == bin));
        // A `=` in a path is not a label when the part before it has a slash.
        let odd = dir.path().join("a=b");
        std::fs::write(&odd, b"").unwrap();
        let targets = parse_targets(&strings(&[&odd.display().to_string()])).unwrap();
        assert_eq!(
            (targets[0].name.as_str(), &targets[0].binary),
            ("a=b", &odd)
        );
    }

    #[test]
    fn missing_bootstraps_are_usage_errors() {
        let err = parse_targets(&strings(&["x=/no/such/bootstrap"])).unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert_eq!(
            err.to_string(),
            "/no/such/bootstrap: no such file (build it first?)"
        );
    }

    #[test]
    fn events_from_files_and_sorted_directories() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("invalid");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("b.json"), b"{\"b\":1}").unwrap();
        std::fs::write(sub.join("a.json"), b"{}").unwrap();
        std::fs::write(sub.join("notes.txt"), b"no").unwrap();
        let seed = dir.path().join("seed-3tx.json");
        std::fs::write(&seed, b"[]").unwrap();
        let events = load_events(&[seed, sub]).unwrap();
        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["seed-3tx", "a", "b"]);
        assert_eq!(&events[2].payload[..], b"{\"b\":1}");

        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        let err = load_events(&[empty]).unwrap_err();
        assert!(err.to_string().ends_with("empty: no .json files"), "{err}");
        let err = load_events(&[dir.path().join("nope.json")]).unwrap_err();
        assert!(matches!(err, Error::File { .. }), "{err:?}");
        assert!(err.to_string().contains("nope.json: "), "{err}");
    }

    #[test]
    fn invocations() {
        assert_eq!(parse_invocations("1,3").unwrap(), (1, 3));
        assert_eq!(parse_invocations(" 0 , 2").unwrap(), (0, 2));
        for bad in ["3,1", "2,2", "1", "a,b", "1,3,5"] {
            let err = parse_invocations(bad).unwrap_err().to_string();
            assert!(err.contains("expected N1,N2 with N1 < N2"), "{bad}: {err}");
        }
    }

    #[test]
    fn env_pairs() {
        assert_eq!(
            parse_env(&strings(&["A=1", "B=", "C=x=y"])).unwrap(),
            [
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), String::new()),
                ("C".to_owned(), "x=y".to_owned())
            ]
        );
        for bad in ["A", "=1"] {
            let err = parse_env(&strings(&[bad])).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("--env {bad:?}: expected KEY=VALUE")
            );
        }
    }

    #[test]
    fn wrappers() {
        assert_eq!(parse_wrapper("auto"), Wrapper::Auto);
        assert_eq!(parse_wrapper("none"), Wrapper::None);
        assert_eq!(parse_wrapper(""), Wrapper::None);
        assert_eq!(
            parse_wrapper("taskset -c 1"),
            Wrapper::Command(strings(&["taskset", "-c", "1"]))
        );
    }

    #[cfg(feature = "cloud")]
    #[test]
    fn sweep_sizes_and_judging_flags_are_checked() {
        use crate::cli::{Cli, Command};
        use clap::Parser;
        assert_eq!(sweep_sizes(&[512, 128, 10240]).unwrap(), [512, 128, 10240]);
        assert_eq!(
            sweep_sizes(&[128, 64]).unwrap_err().to_string(),
            "--memory 64: Lambda memory sizes are 128 to 10240 MB"
        );
        assert_eq!(
            sweep_sizes(&[256, 512, 256]).unwrap_err().to_string(),
            "--memory lists 256 twice"
        );
        let parse = |extra: &[&str]| {
            let base = [
                "lambda-bench",
                "cloud",
                "-f",
                "fn",
                "-e",
                "e.json",
                "--memory",
                "128,256",
            ];
            let cli = Cli::try_parse_from(base.iter().chain(extra)).unwrap();
            let Command::Cloud(args) = cli.command else {
                panic!()
            };
            args
        };
        let args = parse(&[]);
        assert_eq!(args.sweep.memory, [128, 256]);
        let j = judging(&args.sweep.judging, Some("x86_64")).unwrap();
        assert_eq!(j.pricing.architecture, "x86_64");
        assert_eq!(j.pricing.per_gb_second, 0.000_016_666_7);
        assert_eq!(
            (j.cold_share, j.headroom, j.balance_weight),
            (0.01, 0.2, 0.5)
        );
        // The function's architecture unless the flag says otherwise; prices overridable.
        let args = parse(&[
            "--architecture",
            "arm64",
            "--price-gb-second",
            "0.00002",
            "--cold-share",
            "5",
        ]);
        let j = judging(&args.sweep.judging, Some("x86_64")).unwrap();
        assert_eq!(
            (j.pricing.architecture.as_str(), j.pricing.per_gb_second),
            ("arm64", 0.00002)
        );
        assert!(j.pricing.source.starts_with("given on the command line"));
        assert_eq!(j.cold_share, 0.05);
        for (flags, message) in [
            (
                &["--cold-share", "101"][..],
                "--cold-share must be from 0 to 100",
            ),
            (&["--headroom=-1"], "--headroom must be from 0 to 99"),
            (
                &["--balance-weight", "2"],
                "--balance-weight must be from 0 to 1",
            ),
            (
                &["--architecture", "mips"],
                "--architecture mips: expected arm64 or x86_64",
            ),
        ] {
            let err = judging(&parse(flags).sweep.judging, None).unwrap_err();
            assert_eq!(err.to_string(), message);
        }
        // The sweep flags need --memory; a sweep invokes its own alias, not --qualifier.
        let base = ["lambda-bench", "cloud", "-f", "fn", "-e", "e.json"];
        assert!(Cli::try_parse_from(base.iter().chain(&["--cold-share", "5"])).is_err());
        assert!(Cli::try_parse_from(base.iter().chain(&[
            "--memory",
            "128",
            "--qualifier",
            "live"
        ]))
        .is_err());
    }

    #[test]
    fn lmi_cost_flags_are_checked() {
        use crate::cli::{Cli, Command};
        use clap::Parser;
        let parse = |extra: &[&str]| {
            let base = [
                "lambda-bench",
                "lmi-cost",
                "--contender",
                "a:cpu-ms=1,rss-mb=1",
            ];
            let cli = Cli::try_parse_from(base.iter().chain(extra)).unwrap();
            let Command::LmiCost(args) = cli.command else {
                panic!()
            };
            args
        };
        let (s, lambda) =
            lmi_settings(&parse(&["--savings-plan", "32", "--cold-share", "5"])).unwrap();
        assert_eq!(s.lmi.instance.on_demand_per_hour, 0.145);
        assert_eq!(
            (s.lmi.savings_plan, s.cold_share, lambda.cold_share),
            (0.32, 0.05, 0.05)
        );
        assert_eq!(
            (s.sizing.target_utilization, s.sizing.min_instances),
            (0.5, 3)
        );
        assert_eq!(
            (lambda.memory_mb, lambda.pricing.architecture.as_str()),
            (256, "arm64")
        );
        let (s, _) = lmi_settings(&parse(&[
            "--instance-type",
            "c8g.large",
            "--instance-price",
            "0.08",
        ]))
        .unwrap();
        assert_eq!(
            (s.lmi.instance.vcpus, s.lmi.instance.on_demand_per_hour),
            (2, 0.08)
        );
        for (flags, message) in [
            (
                &["--instance-type", "m8g.xlarge"][..],
                "--instance-type m8g.xlarge: no default price",
            ),
            (
                &["--region", "eu-west-1"],
                "--region eu-west-1: default prices are us-east-1's only",
            ),
            (
                &["--memory-per-vcpu", "3"],
                "--memory-per-vcpu 3: LMI offers 2, 4 or 8 GiB per vCPU",
            ),
            (
                &["--target-utilization", "0"],
                "--target-utilization must be a percentage above 0 up to 100",
            ),
            (
                &["--savings-plan", "120"],
                "--savings-plan must be a percentage from 0 up to 100",
            ),
            (&["--buffer", "0.5"], "--buffer must be a number ≥ 1"),
            (
                &["--min-instances", "0"],
                "--min-instances must be at least 1",
            ),
            (
                &["--memory", "64"],
                "--memory 64: Lambda memory sizes are 128 to 10240 MB",
            ),
            (
                &["--rate", "0"],
                "--rate takes positive requests per second",
            ),
            (
                &["--price-gb-second", "2"],
                "--price-gb-second must be a positive $ below 1",
            ),
        ] {
            let err = lmi_settings(&parse(flags)).unwrap_err();
            assert!(err.to_string().starts_with(message), "{flags:?}: {err}");
        }
    }

    #[test]
    fn seconds_must_be_positive() {
        assert_eq!(
            seconds(0.25, "--timeout").unwrap(),
            Duration::from_millis(250)
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                seconds(bad, "--timeout").unwrap_err().to_string(),
                "--timeout must be a positive number of seconds"
            );
        }
    }
}
