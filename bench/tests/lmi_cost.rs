//! `lambda-bench lmi-cost` end to end on a fixture in the shape of `load --export-json`.

use std::path::PathBuf;
use std::process::Command;

const BENCH: &str = env!("CARGO_BIN_EXE_lambda-bench");

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lmi-load.json")
}

/// The break-even the documented formulas give for a contender of the fixture, priced on
/// c7g.xlarge ($0.145/h) against per-request Lambda at 256 MB, arm64, cold share 0: the floor's
/// 3 instance-months over what Lambda costs per request/s beyond LMI's request charge.
fn expected_break_even(p50_at_1_ms: f64) -> f64 {
    let billed_ms = (p50_at_1_ms * 1769.0 / 256.0).ceil();
    let gb_second_per_million = 1e6 * billed_ms / 1000.0 * 0.25 * 0.000_013_333_4;
    let s = 730.0 * 3600.0 * gb_second_per_million / 1e6;
    3.0 * 0.145 * 730.0 * 1.15 / s
}

#[test]
fn prints_the_comparison_and_break_even_and_writes_json_markdown_svg() {
    let dir = tempfile::tempdir().unwrap();
    let (json, md, svg) = (
        dir.path().join("lmi.json"),
        dir.path().join("lmi.md"),
        dir.path().join("lmi.svg"),
    );
    let out = Command::new(BENCH)
        .arg("lmi-cost")
        .arg("--load")
        .arg(fixture())
        .args([
            "--event",
            "seed-3tx",
            "--rate",
            "1,100,20000",
            "--cold-share",
            "0",
            "--export-json",
        ])
        .arg(&json)
        .arg("--export-markdown")
        .arg(&md)
        .arg("--plot")
        .arg(&svg)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for needle in [
        "LMI on c7g.xlarge (4 vCPUs, 8 GiB, $0.145/h on-demand in us-east-1) against per-request Lambda at 256 MB (arm64)",
        "\nours\n",
        "\ngo\n",
        "0.1100 CPU-ms per event, 6.4 MB peak RSS at N = 4",
        "1 vCPU, 2048 MB (1 busy at N = 4), 3 per instance",
        "floor 3 instances, $365.18 per month",
        "per-request Lambda at 256 MB: Billed 4 ms warm",
        "latency p50 at N = 1",
        "requests/s  LMI instances",
        "break-even ",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in\n{stdout}");
    }
    assert!(stderr.contains("plot written to"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let contenders = doc["contenders"].as_array().unwrap();
    assert_eq!(contenders.len(), 2);
    for (c, label, p50) in [(&contenders[0], "ours", 0.45), (&contenders[1], "go", 0.9)] {
        assert_eq!(c["contender"]["label"], label);
        assert_eq!(c["contender"]["max_concurrency"], 4);
        let be = c["break_even"]["first"].as_f64().unwrap();
        let expected = expected_break_even(p50);
        assert!(
            (be - expected).abs() < 1e-6 * expected,
            "{label}: {be} vs {expected}"
        );
        assert!(
            stdout.contains(&format!("break-even {be:.0} requests/s (3 instances)")),
            "{stdout}"
        );
        // Below the break-even per-request Lambda is cheaper, well above it LMI.
        let rates = c["rates"].as_array().unwrap();
        assert_eq!(rates.len(), 3);
        assert!(rates[0]["lambda_per_month"].as_f64() < rates[0]["lmi"]["total"].as_f64());
        let top = &rates[2];
        assert_eq!(top["rate"], 20000.0);
        if be < 20000.0 {
            assert!(
                top["lmi"]["total"].as_f64() < top["lambda_per_month"].as_f64(),
                "{top}"
            );
        }
    }
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("| contender | CPU-ms per event |"), "{md}");
    assert!(md.contains("| ours | 0.1100 | 6.4 MB | 4 |"), "{md}");
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("ours: LMI") && svg.contains("go: per-request Lambda"));
}

#[test]
fn json_to_stdout_and_a_chosen_concurrency() {
    let out = Command::new(BENCH)
        .arg("lmi-cost")
        .arg("--load")
        .arg(fixture())
        .args([
            "--event",
            "p100k.json",
            "--concurrency",
            "1",
            "--instance-type",
            "m7g.xlarge",
            "--json",
            "-",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["settings"]["lmi"]["instance"]["on_demand_per_hour"],
        0.1632
    );
    let ours = &doc["contenders"][0];
    assert_eq!(
        (
            ours["contender"]["cpu_ms_per_event"].as_f64(),
            ours["contender"]["max_concurrency"].as_u64()
        ),
        (Some(78.0), Some(1))
    );
    // The table went to stderr.
    assert!(String::from_utf8_lossy(&out.stderr).contains("LMI on m7g.xlarge"));
}

#[test]
fn missing_prices_and_ambiguous_inputs_are_clear_errors() {
    for (args, message) in [
        (
            &["--event", "seed-3tx", "--instance-type", "c8g.xlarge"][..],
            "--instance-type c8g.xlarge: no default price",
        ),
        (
            &[],
            "has several events (seed-3tx.json, p100k.json): pick one with --event",
        ),
        (
            &["--event", "seed-3tx", "--concurrency", "8"],
            "was not measured at N = 8 (measured: 1, 2, 4)",
        ),
        (
            &["--event", "seed-3tx", "--region", "eu-west-1"],
            "default prices are us-east-1's only",
        ),
    ] {
        let out = Command::new(BENCH)
            .arg("lmi-cost")
            .arg("--load")
            .arg(fixture())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let out = Command::new(BENCH)
        .args(["lmi-cost", "--load", "/no/such/load.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/load.json: "));
}

#[test]
fn a_run_export_prices_per_request_lambda_with_its_cold_starts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sleep.json"), r#"{"sleep_ms":2}"#).unwrap();
    let run = dir.path().join("run.json");
    let fake = env!("CARGO_BIN_EXE_fake-bootstrap");
    let out = Command::new(BENCH)
        .args(["run", &format!("ours={fake}"), "-e"])
        .arg(dir.path().join("sleep.json"))
        .args(["-c", "3", "-r", "10", "-q", "--json"])
        .arg(&run)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run_doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&run).unwrap()).unwrap();
    let warm_mean = run_doc["targets"][0]["summaries"]["warm_duration_ms"]["mean"]
        .as_f64()
        .unwrap();

    // Alone: the warm Duration mean is the CPU-ms per event, at N = 1.
    let out = Command::new(BENCH)
        .args(["lmi-cost", "--run"])
        .arg(&run)
        .args(["--json", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = &doc["contenders"][0]["contender"];
    assert_eq!(ours["label"], "ours");
    assert_eq!(ours["max_concurrency"], 1);
    assert_eq!(ours["cpu_ms_per_event"].as_f64(), Some(warm_mean));
    // Cold starts billed with their Init: dearer than a warm invocation.
    let per_request = &ours["per_request"];
    assert!(
        per_request["cold_billed_ms"].as_f64().unwrap()
            > per_request["warm_billed_ms"].as_f64().unwrap()
    );

    // With the load document: LMI from it, per-request Lambda from the run where it has the label.
    let out = Command::new(BENCH)
        .arg("lmi-cost")
        .arg("--load")
        .arg(fixture())
        .args(["--event", "seed-3tx.json", "--run"])
        .arg(&run)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("0.1100 CPU-ms per event, 6.4 MB peak RSS at N = 4"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{}: ours)", run.display())),
        "{stdout}"
    );
    assert!(stdout.contains("go: no Init Duration measured"), "{stdout}");
    assert!(
        !stdout.contains("ours: no Init Duration measured"),
        "{stdout}"
    );
}
