//! Log lines the way Lambda's advanced logging controls expect from a custom runtime: JSON
//! objects when `AWS_LAMBDA_LOG_FORMAT=JSON`, plain text otherwise, filtered by
//! `AWS_LAMBDA_LOG_LEVEL`. Read once at init; one `write` per line, nothing on the success path.
//! Payload values (IDs, amounts) are logged only at DEBUG: error messages name fields, not values.

use std::io::Write;
use std::time::SystemTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        Some(match s.to_ascii_uppercase().as_str() {
            "TRACE" => Level::Trace,
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARN" => Level::Warn,
            "ERROR" => Level::Error,
            "FATAL" => Level::Fatal,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Logger {
    json: bool,
    min: Level,
}

impl Logger {
    pub fn from_env() -> Logger {
        let json =
            std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
        let min = std::env::var("AWS_LAMBDA_LOG_LEVEL")
            .ok()
            .and_then(|v| Level::parse(&v))
            .unwrap_or(Level::Info);
        Logger { json, min }
    }

    pub fn enabled(&self, level: Level) -> bool {
        level >= self.min
    }

    /// Logs `message` with extra `fields` (JSON-encoded values in JSON mode).
    pub fn log(
        &self,
        level: Level,
        request_id: Option<&str>,
        message: &str,
        fields: &[(&str, &str)],
    ) {
        if !self.enabled(level) {
            return;
        }
        let line = self.format(level, request_id, message, fields, SystemTime::now());
        let _ = std::io::stdout().lock().write_all(line.as_bytes());
    }

    pub fn format(
        &self,
        level: Level,
        request_id: Option<&str>,
        message: &str,
        fields: &[(&str, &str)],
        now: SystemTime,
    ) -> String {
        let timestamp = humantime::format_rfc3339_millis(now).to_string();
        if self.json {
            let mut line = format!(
                r#"{{"timestamp":"{timestamp}","level":"{}","message":{}"#,
                level.as_str(),
                json(message)
            );
            if let Some(id) = request_id {
                line.push_str(&format!(r#","requestId":{}"#, json(id)));
            }
            for (key, value) in fields {
                line.push_str(&format!(",{}:{}", json(key), json(value)));
            }
            line.push_str("}\n");
            line
        } else {
            let mut line = format!(
                "{timestamp} {} {}",
                level.as_str(),
                request_id.unwrap_or("-")
            );
            line.push(' ');
            line.push_str(message);
            for (key, value) in fields {
                line.push_str(&format!(" {key}={value}"));
            }
            line.push('\n');
            line
        }
    }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn json_lines_are_valid_json_with_the_request_id() {
        let logger = Logger {
            json: true,
            min: Level::Info,
        };
        let now = UNIX_EPOCH + Duration::from_millis(1_767_225_600_123);
        let line = logger.format(
            Level::Warn,
            Some("abc"),
            "bad \"input\"",
            &[("code", "INVALID_JSON")],
            now,
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["timestamp"], "2026-01-01T00:00:00.123Z");
        assert_eq!(v["level"], "WARN");
        assert_eq!(v["requestId"], "abc");
        assert_eq!(v["message"], "bad \"input\"");
        assert_eq!(v["code"], "INVALID_JSON");
    }

    #[test]
    fn levels_are_read_from_any_case_and_unknown_ones_ignored() {
        for (text, level) in [
            ("TRACE", Level::Trace),
            ("debug", Level::Debug),
            ("Info", Level::Info),
            ("WARN", Level::Warn),
            ("error", Level::Error),
            ("FATAL", Level::Fatal),
        ] {
            assert_eq!(Level::parse(text), Some(level), "{text}");
            assert_eq!(level.as_str(), text.to_ascii_uppercase());
        }
        assert_eq!(Level::parse("verbose"), None);
        assert_eq!(Level::parse(""), None);
    }

    #[test]
    fn text_lines_carry_level_request_id_message_and_fields() {
        let logger = Logger {
            json: false,
            min: Level::Info,
        };
        let now = UNIX_EPOCH + Duration::from_millis(1_767_225_600_123);
        let line = logger.format(Level::Error, None, "stopped", &[("error", "gone")], now);
        assert_eq!(
            line,
            "2026-01-01T00:00:00.123Z ERROR - stopped error=gone\n"
        );
    }

    #[test]
    fn level_filter() {
        let logger = Logger {
            json: false,
            min: Level::Warn,
        };
        assert!(!logger.enabled(Level::Debug));
        assert!(!logger.enabled(Level::Info));
        assert!(logger.enabled(Level::Warn));
        assert!(logger.enabled(Level::Error));
    }
}
