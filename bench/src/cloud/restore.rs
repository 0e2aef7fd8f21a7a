//! What a memory sweep changes on a function, and putting it back.
//!
//! A sweep changes `$LATEST`'s memory and environment (the cold-start variable), publishes
//! versions and points a temporary alias at them. [`Changes`] records each change *before* the
//! call that makes it, so a sweep cut short (an error, Ctrl-C) still knows what to undo; the
//! versions are also found by their description, which carries a per-sweep marker, in case a
//! `PublishVersion` answer was lost with the interrupted call. The live alias and the versions
//! that existed before are never touched.
//!
//! Restoring deletes the alias, then the versions (a version an alias points to cannot be
//! deleted), then sets `$LATEST`'s memory and variables back and checks them. Every step that
//! fails is reported with the AWS CLI command that does it by hand.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_lambda::error::ProvideErrorMetadata;

use super::{CloudBench, CloudError};

/// The function as the sweep found it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub memory_mb: u64,
    pub variables: HashMap<String, String>,
    /// The temporary alias's name (checked absent before the sweep starts).
    pub alias: String,
    /// The description given to every version the sweep publishes.
    pub marker: String,
}

/// What the sweep has changed so far (or was about to).
#[derive(Debug, Default, Clone)]
pub(crate) struct Changes {
    pub latest_changed: bool,
    pub alias_created: bool,
    pub versions: Vec<String>,
}

impl CloudBench {
    /// Undoes `changes`; `Ok` says what was restored, `Err` what failed with the commands to
    /// finish by hand.
    pub(crate) async fn restore(
        &self,
        snapshot: &Snapshot,
        changes: &Changes,
    ) -> Result<String, (Vec<String>, Vec<String>)> {
        let function = self.options.function.as_str();
        let cli = self.cli_suffix();
        let mut failures = Vec::new();
        let mut commands = Vec::new();
        if changes.latest_changed {
            // An update cut short by Ctrl-C may still be running; a new one would be refused.
            let _ = self.wait_for_update(None).await;
        }
        if changes.alias_created {
            let deleted = self
                .lambda
                .delete_alias()
                .function_name(function)
                .name(&snapshot.alias)
                .send()
                .await;
            if let Err(e) = deleted.map_err(|e| e.into_service_error()) {
                if e.code() != Some("ResourceNotFoundException") {
                    failures.push(format!("DeleteAlias {}: {}", snapshot.alias, describe(&e)));
                    commands.push(format!(
                        "aws lambda delete-alias --function-name {function} --name {}{cli}",
                        snapshot.alias
                    ));
                }
            }
        }
        let mut versions: BTreeSet<String> = changes.versions.iter().cloned().collect();
        versions.extend(self.marked_versions(&snapshot.marker).await);
        let mut versions: Vec<String> = versions.into_iter().collect();
        versions.sort_by_key(|v| v.parse::<u64>().unwrap_or(u64::MAX));
        for version in &versions {
            let deleted = self
                .lambda
                .delete_function()
                .function_name(function)
                .qualifier(version)
                .send()
                .await;
            if let Err(e) = deleted.map_err(|e| e.into_service_error()) {
                if e.code() != Some("ResourceNotFoundException") {
                    failures.push(format!(
                        "DeleteFunction version {version}: {}",
                        describe(&e)
                    ));
                    commands.push(format!(
                        "aws lambda delete-function --function-name {function} --qualifier {version}{cli}"
                    ));
                }
            }
        }
        if changes.latest_changed {
            let command = format!(
                "aws lambda update-function-configuration --function-name {function} --memory-size {} --environment {}{cli}",
                snapshot.memory_mb,
                shell_quote(&environment_json(&snapshot.variables)),
            );
            match self.check_latest(snapshot).await {
                Ok(()) => {}
                Err(e) => {
                    failures.push(e.to_string());
                    commands.push(command);
                }
            }
        }
        if failures.is_empty() {
            let versions = match versions.as_slice() {
                [] => String::new(),
                [one] => format!(", version {one} deleted"),
                many => format!(", versions {} deleted", many.join(", ")),
            };
            let alias = if changes.alias_created {
                format!(", alias {} deleted", snapshot.alias)
            } else {
                String::new()
            };
            Ok(format!(
                "{function} restored: memory {} MB and its {} environment variable(s) as found{alias}{versions}",
                snapshot.memory_mb,
                snapshot.variables.len()
            ))
        } else {
            Err((failures, commands))
        }
    }

    /// Sets `$LATEST` back and reads it again to be sure.
    async fn check_latest(&self, snapshot: &Snapshot) -> Result<(), CloudError> {
        self.update_latest(Some(snapshot.memory_mb), snapshot.variables.clone())
            .await?;
        let now = self.configuration().await?;
        if now.memory_mb != snapshot.memory_mb || now.variables != snapshot.variables {
            return Err(CloudError::Aws {
                operation: "UpdateFunctionConfiguration",
                message: format!(
                    "after the restore, $LATEST has {} MB and {} variable(s), not {} MB and {}",
                    now.memory_mb,
                    now.variables.len(),
                    snapshot.memory_mb,
                    snapshot.variables.len()
                ),
            });
        }
        Ok(())
    }

    /// Versions whose description is this sweep's marker (empty if they cannot be listed:
    /// the versions recorded as published are deleted all the same).
    async fn marked_versions(&self, marker: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut pages = self
            .lambda
            .list_versions_by_function()
            .function_name(&self.options.function)
            .into_paginator()
            .send();
        while let Some(Ok(page)) = pages.next().await {
            found.extend(
                page.versions()
                    .iter()
                    .filter(|v| v.description() == Some(marker))
                    .filter_map(|v| v.version().map(str::to_owned)),
            );
        }
        found
    }

    /// `--region`/`--profile`/`--endpoint-url` as this run used them, for the printed commands.
    fn cli_suffix(&self) -> String {
        let o = &self.options;
        let mut suffix = String::new();
        for (flag, value) in [
            ("--region", &o.region),
            ("--profile", &o.profile),
            ("--endpoint-url", &o.endpoint_url),
        ] {
            if let Some(value) = value {
                suffix.push_str(&format!(" {flag} {}", shell_quote(value)));
            }
        }
        suffix
    }
}

fn describe(e: &(impl ProvideErrorMetadata + std::fmt::Display)) -> String {
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => e.to_string(),
    }
}

/// `{"Variables":{...}}`, keys sorted, as `--environment` takes it.
fn environment_json(variables: &HashMap<String, String>) -> String {
    let sorted: std::collections::BTreeMap<&String, &String> = variables.iter().collect();
    serde_json::json!({ "Variables": sorted }).to_string()
}

/// Single-quoted for a POSIX shell.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,".contains(c))
    {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_copy_paste_ready() {
        let vars = HashMap::from([
            ("B".to_owned(), "it's".to_owned()),
            ("A".to_owned(), "1".to_owned()),
        ]);
        assert_eq!(
            shell_quote(&environment_json(&vars)),
            r#"'{"Variables":{"A":"1","B":"it'\''s"}}'"#
        );
        assert_eq!(
            shell_quote("http://127.0.0.1:4566"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(shell_quote(""), "''");
        assert_eq!(environment_json(&HashMap::new()), r#"{"Variables":{}}"#);
    }
}
