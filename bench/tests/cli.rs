//! The `lambda-bench` binary end to end, against the crate's fake bootstrap.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BENCH: &str = env!("CARGO_BIN_EXE_lambda-bench");
const FAKE: &str = env!("CARGO_BIN_EXE_fake-bootstrap");

fn events_dir(dir: &Path, events: &[(&str, &str)]) -> std::path::PathBuf {
    for (name, body) in events {
        std::fs::write(dir.join(format!("{name}.json")), body).unwrap();
    }
    dir.to_path_buf()
}

/// Processes whose environment carries `tag` (the fake bootstraps of one test).
fn processes_tagged(tag: &str) -> Vec<u32> {
    let needle = format!("LAMBDA_BENCH_TEST_TAG={tag}");
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()))
                .unwrap_or(false)
        })
        .collect()
}

#[test]
fn run_prints_answers_table_and_writes_json_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let events = events_dir(
        dir.path(),
        &[
            ("a-sleep", r#"{"sleep_ms":20}"#),
            ("b-error", r#"{"error":"InvalidPayload"}"#),
        ],
    );
    let json = dir.path().join("out.json");
    let svg = dir.path().join("plot.svg");
    let out = Command::new(BENCH)
        .args(["run", FAKE, "-e"])
        .arg(&events)
        .args(["-c", "3", "-r", "6", "-m", "256", "--verbose", "--json"])
        .arg(&json)
        .arg("--plot")
        .arg(&svg)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "Answers of fake-bootstrap:",
        "a-sleep",
        "InvalidPayload: InvalidPayload raised on purpose",
        "Init Duration",
        "Duration (warm)",
        "Max Memory Used (warm)",
        "9/9 answered, 4 function errors",
        "Memory Size: 256 MB",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in\n{stdout}");
    }
    let report_lines = stdout
        .lines()
        .filter(|l| l.starts_with("REPORT RequestId: "))
        .count();
    assert_eq!(report_lines, 9, "{stdout}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let target = &doc["targets"][0];
    assert_eq!(target["samples"].as_array().unwrap().len(), 9);
    assert_eq!(target["summaries"]["warm_duration_ms"]["count"], 6);
    // Half the warm events sleep 20 ms: the p90 sees it, the min does not.
    let warm = &target["summaries"]["warm_duration_ms"];
    assert!(
        warm["p90"].as_f64().unwrap() >= 20.0 && warm["min"].as_f64().unwrap() < 20.0,
        "{warm}"
    );
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
}

#[test]
fn compare_of_a_binary_with_itself_is_near_one() {
    let dir = tempfile::tempdir().unwrap();
    let events = events_dir(dir.path(), &[("sleep", r#"{"sleep_ms":5}"#)]);
    let out = Command::new(BENCH)
        .args(["compare", &format!("a={FAKE}"), &format!("b={FAKE}"), "-e"])
        .arg(&events)
        .args(["-c", "4", "-r", "30", "-q", "--json", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let human = String::from_utf8_lossy(&out.stderr);
    assert!(human.contains("times faster than"), "{human}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warm = doc["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["figure"] == "warm_duration_ms")
        .unwrap();
    let ratio = warm["ratios"][0][1]["value"].as_f64().unwrap();
    assert!((0.8..1.25).contains(&ratio), "ratio {ratio}");
}

#[test]
fn crashes_and_hangs_are_reported_with_log_tail_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let events = events_dir(
        dir.path(),
        &[("crash", r#"{"crash":true}"#), ("hang", r#"{"hang":true}"#)],
    );
    let tag = uuid_like();
    let started = Instant::now();
    let out = Command::new(BENCH)
        .args(["run", FAKE, "-e"])
        .arg(&events)
        .args(["-c", "2", "-r", "4", "--timeout", "0.3", "--env"])
        .arg(format!("LAMBDA_BENCH_TEST_TAG={tag}"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("(Crash): process killed by signal 6 (SIGABRT)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("| crashing now"),
        "log tail shown: {stderr}"
    );
    assert!(stderr.contains("(Timeout): timed out"), "{stderr}");
    assert!(
        stdout.contains("crashes") && stdout.contains("timeouts"),
        "{stdout}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(processes_tagged(&tag).is_empty());
}

#[test]
fn init_error_stops_cold_runs_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let events = events_dir(dir.path(), &[("e", "{}")]);
    let out = Command::new(BENCH)
        .args(["run", FAKE, "-e"])
        .arg(&events)
        .args(["-c", "10", "-r", "3", "--env", "FAKE_INIT=error"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("init error Runtime.ConfigError: missing TABLE_NAME"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cold runs stopped: init failed 3 times in a row"),
        "{stderr}"
    );
    assert!(stderr.contains("warm process failed to start"), "{stderr}");
    assert!(stdout.contains("3 init errors"), "{stdout}");
}

#[test]
fn ctrl_c_leaves_no_process_behind() {
    let dir = tempfile::tempdir().unwrap();
    let events = events_dir(dir.path(), &[("hang", r#"{"hang":true}"#)]);
    let tag = uuid_like();
    let mut child = Command::new(BENCH)
        .args(["run", FAKE, "-e"])
        .arg(&events)
        .args([
            "-c",
            "0",
            "-r",
            "5",
            "--warmup",
            "0",
            "--timeout",
            "60",
            "--env",
        ])
        .arg(format!("LAMBDA_BENCH_TEST_TAG={tag}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while processes_tagged(&tag).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "function never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let started = Instant::now();
    while !processes_tagged(&tag).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "function left behind"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn usage_errors_are_clear() {
    let out = Command::new(BENCH)
        .args(["compare", FAKE, "-e", "/nonexistent.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("compare needs at least two bootstraps"));
    let out = Command::new(BENCH)
        .args(["run", "/no/such/bootstrap", "-e", "x.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/bootstrap: no such file"));
}

#[test]
fn load_prints_the_table_and_writes_json_markdown_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let events = events_dir(dir.path(), &[("seed", r#"{"n":1}"#)]);
    let (json, md, svg) = (
        dir.path().join("load.json"),
        dir.path().join("load.md"),
        dir.path().join("load.svg"),
    );
    let out = Command::new(BENCH)
        .arg("load")
        .arg(format!("ours={FAKE}"))
        .arg(format!("other={FAKE}"))
        .arg("-e")
        .arg(&events)
        .args(["--max-concurrency", "1,2", "-r", "40", "-w", "4"])
        .arg("--export-json")
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
    assert!(
        stderr.contains("measuring other on seed.json at N=2"),
        "{stderr}"
    );
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("ours ") || l.starts_with("other "))
        .collect();
    assert_eq!(rows.len(), 4, "{stdout}");
    assert!(rows.iter().all(|r| r.ends_with("0 / 40")), "{stdout}");

    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(doc["load_average_before"].is_array() && doc["host"]["cpus"].is_u64());
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    // The fields a cost model reads, by these names.
    for (r, (label, n)) in
        results
            .iter()
            .zip([("ours", 1), ("other", 1), ("ours", 2), ("other", 2)])
    {
        assert_eq!(
            (r["label"].as_str(), r["max_concurrency"].as_u64()),
            (Some(label), Some(n))
        );
        assert_eq!(r["event"], "seed.json");
        assert_eq!(r["event_bytes"], 7);
        assert_eq!(r["events"], 40);
        assert_eq!(r["polls_open_max"], n);
        assert_eq!(r["errors"], 0);
        for key in ["wall_s", "events_per_s", "cpu_ms_per_event", "peak_rss_mb"] {
            assert!(r[key].is_f64(), "{key}: {r}");
        }
        assert!(
            r["latency_ms"]["p50"].is_f64() && r["latency_ms"]["p99"].is_f64(),
            "{r}"
        );
    }
    let markdown = std::fs::read_to_string(&md).unwrap();
    assert_eq!(
        markdown
            .lines()
            .filter(|l| l.starts_with("| ours |"))
            .count(),
        2
    );
    let plot = std::fs::read_to_string(&svg).unwrap();
    assert!(plot.contains("ours · seed.json") && plot.contains("other · seed.json"));
}

#[test]
fn load_usage_errors_name_the_flag() {
    for (args, message) in [
        (
            &["-n", "0"][..],
            "--max-concurrency: give one or more values of 1 or more",
        ),
        (&["-n", "2,2"][..], "--max-concurrency lists 2 twice"),
        (&["-w", "0"][..], "--warmup must be at least 1"),
        (
            &["--env", "AWS_LAMBDA_MAX_CONCURRENCY=4"][..],
            "load sets it from --max-concurrency",
        ),
    ] {
        let out = Command::new(BENCH)
            .args(["load", FAKE, "-e", "/dev/null"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

fn uuid_like() -> String {
    format!("{}-{:?}", std::process::id(), Instant::now())
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}
