//! A tiny Lambda custom runtime for lambda-bench's own tests: speaks the Runtime API over one
//! keep-alive HTTP/1.1 connection using only std, and misbehaves on request.
//!
//! Init behaviour comes from the environment:
//!   FAKE_INIT_MS=n        sleep n ms before the first `next`
//!   FAKE_INIT=error       post /init/error and exit 1
//!   FAKE_INIT=crash       print a line and exit 3 without calling the API
//!   FAKE_INIT=garbage     write non-HTTP bytes to the API, then wait
//!   FAKE_INIT=hang        never call the API
//!   FAKE_ALLOC_MB=n       touch n MiB during init (visible in peak RSS)
//!   AWS_LAMBDA_MAX_CONCURRENCY=n   serve with n threads, each polling on its own connection
//!                         (as a Lambda Managed Instances runtime does)
//!   FAKE_WORKERS=n        serve with n threads whatever AWS_LAMBDA_MAX_CONCURRENCY says
//! Invocation behaviour comes from the event, a JSON object:
//!   {"sleep_ms":n}        sleep, then echo the event back as the response
//!   {"spin_ms":n}         burn n ms of this thread's CPU time, then echo
//!   {"error":"Type"}      post a function error of that type
//!   {"crash":true}        print "crashing now" to stderr and abort
//!   {"hang":true}         never answer
//!   {"bad_id":true}       post the response under another request id
//!   {"big_mb":n}          answer with an n MiB JSON string
//!   anything else         echo the event

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

impl Conn {
    fn connect(host: &str) -> Conn {
        let stream = TcpStream::connect(host).expect("connect to runtime api");
        stream.set_nodelay(true).ok();
        Conn {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            host: host.to_owned(),
        }
    }

    /// Sends a request and reads the answer: (status, headers lowercased, body).
    fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        self.writer.write_all(head.as_bytes()).unwrap();
        self.writer.write_all(body).unwrap();
        let mut status_line = String::new();
        if self.reader.read_line(&mut status_line).unwrap() == 0 {
            eprintln!("runtime api closed the connection");
            std::process::exit(70);
        }
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut headers = Vec::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_owned());
                if k == "content-length" {
                    length = v.parse().unwrap_or(0);
                }
                headers.push((k, v));
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, headers, body)
    }
}

fn env_ms(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn main() {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").expect("AWS_LAMBDA_RUNTIME_API");
    println!(
        "fake bootstrap starting, memory {}",
        std::env::var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").unwrap_or_default()
    );
    if let Some(ms) = env_ms("FAKE_INIT_MS") {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let mut ballast = Vec::new();
    if let Some(mb) = env_ms("FAKE_ALLOC_MB") {
        ballast = vec![1u8; (mb as usize) << 20];
    }
    let mut conn = Conn::connect(&api);
    match std::env::var("FAKE_INIT").as_deref() {
        Ok("error") => {
            let body =
                br#"{"errorType":"Runtime.ConfigError","errorMessage":"missing TABLE_NAME"}"#;
            conn.request(
                "POST",
                "/2018-06-01/runtime/init/error",
                &[("Lambda-Runtime-Function-Error-Type", "Runtime.ConfigError")],
                body,
            );
            eprintln!("init failed: missing TABLE_NAME");
            std::process::exit(1);
        }
        Ok("crash") => {
            eprintln!("cannot start: boom");
            std::process::exit(3);
        }
        Ok("garbage") => {
            conn.writer.write_all(b"\x00\x01GARBAGE\r\n\r\n").unwrap();
            std::thread::sleep(Duration::from_secs(3600));
        }
        Ok("hang") => std::thread::sleep(Duration::from_secs(3600)),
        _ => {}
    }
    let workers = std::env::var("FAKE_WORKERS")
        .or_else(|_| std::env::var("AWS_LAMBDA_MAX_CONCURRENCY"))
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let ballast_len = ballast.len();
    for _ in 1..workers {
        let mut conn = Conn::connect(&api);
        std::thread::spawn(move || serve(&mut conn, ballast_len));
    }
    serve(&mut conn, ballast_len);
}

/// The invocation loop of one worker.
fn serve(conn: &mut Conn, ballast_len: usize) -> ! {
    loop {
        let (status, headers, event) =
            conn.request("GET", "/2018-06-01/runtime/invocation/next", &[], b"");
        if status != 200 {
            eprintln!("next answered {status}; retrying");
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let id = headers
            .iter()
            .find(|(k, _)| k == "lambda-runtime-aws-request-id")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let parsed: serde_json::Value =
            serde_json::from_slice(&event).unwrap_or(serde_json::Value::Null);
        println!(
            "handling {id} ({} bytes, ballast {})",
            event.len(),
            ballast_len
        );
        if let Some(ms) = parsed.get("sleep_ms").and_then(|v| v.as_u64()) {
            std::thread::sleep(Duration::from_millis(ms));
        }
        if let Some(ms) = parsed.get("spin_ms").and_then(|v| v.as_u64()) {
            spin(Duration::from_millis(ms));
        }
        let response_path = format!("/2018-06-01/runtime/invocation/{id}/response");
        if let Some(kind) = parsed.get("error").and_then(|v| v.as_str()) {
            let body = serde_json::json!({"errorType": kind, "errorMessage": format!("{kind} raised on purpose")}).to_string();
            let path = format!("/2018-06-01/runtime/invocation/{id}/error");
            conn.request(
                "POST",
                &path,
                &[("Lambda-Runtime-Function-Error-Type", "Runtime.Handled")],
                body.as_bytes(),
            );
        } else if parsed.get("crash").is_some() {
            eprintln!("crashing now");
            std::process::abort();
        } else if parsed.get("hang").is_some() {
            std::thread::sleep(Duration::from_secs(3600));
        } else if parsed.get("bad_id").is_some() {
            let (status, _, _) = conn.request(
                "POST",
                "/2018-06-01/runtime/invocation/not-a-real-id/response",
                &[],
                b"{}",
            );
            eprintln!("bad id post answered {status}");
        } else if let Some(mb) = parsed.get("big_mb").and_then(|v| v.as_u64()) {
            let body = format!("\"{}\"", "x".repeat((mb as usize) << 20));
            let (status, _, _) = conn.request("POST", &response_path, &[], body.as_bytes());
            eprintln!("big response answered {status}");
        } else {
            let (status, _, _) = conn.request("POST", &response_path, &[], &event);
            if status != 202 {
                eprintln!("response post answered {status}");
            }
        }
    }
}

/// Busy-loops until this thread has used `cpu` of CPU time (not wall time: a loaded machine
/// must not change how much CPU an event costs).
fn spin(cpu: Duration) {
    let start = thread_cpu_time();
    while thread_cpu_time() - start < cpu {
        std::hint::spin_loop();
    }
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid pointer to a local timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
