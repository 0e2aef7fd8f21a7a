//! A memory sweep: the cloud run at several memory sizes, the way AWS Lambda Power Tuning does
//! it, without deploying anything first.
//!
//! For each size: `$LATEST` gets the size (and a fresh cold-start variable), a version is
//! published and a temporary alias pointed at it, and the runs invoke the alias. A new version
//! has no warm environment, so each forced cold start is one more version; warm runs follow on
//! the last. The live alias is never touched, and whatever happens (the end, an error, the
//! `interrupt` future, i.e. Ctrl-C) the function is restored ([`super::restore`]).

use std::future::Future;
use std::sync::Mutex;

use aws_sdk_lambda::error::ProvideErrorMetadata as _;

use super::cold::COLD_START_VARIABLE;
use super::restore::{Changes, Snapshot};
use super::{CloudBench, CloudError};
use crate::benchmark::{Event, Progress, TargetResult};

/// The default name of the temporary alias.
pub const SWEEP_ALIAS: &str = "lambda-bench-sweep";

/// What one sweep measured.
#[derive(Debug, Clone)]
pub struct MemorySweep {
    pub function: String,
    /// `arm64` or `x86_64`, as the function's configuration says (`None` if it does not).
    pub architecture: Option<String>,
    /// The memory size the function had (and has again).
    pub original_memory_mb: u64,
    /// One result per size, in the order swept; `memory_size_mb` is the size.
    pub sizes: Vec<TargetResult>,
    /// What the restore did.
    pub restored: String,
}

impl CloudBench {
    /// Sweeps `memory_mb` (each in 128..=10240) on `alias`, which must not exist yet.
    /// `interrupt` ends the sweep early (the function is restored, then
    /// [`CloudError::Interrupted`]).
    pub async fn sweep(
        &self,
        events: &[Event],
        memory_mb: &[u64],
        alias: &str,
        progress: &dyn Progress,
        interrupt: impl Future<Output = ()>,
    ) -> Result<MemorySweep, CloudError> {
        if self.options.qualifier.is_some() {
            return Err(CloudError::Refused(
                "a sweep invokes its own temporary alias: drop --qualifier".into(),
            ));
        }
        let config = self.configuration().await?;
        self.refuse_existing_alias(alias).await?;
        let snapshot = Snapshot {
            memory_mb: config.memory_mb,
            variables: config.variables.clone(),
            alias: alias.to_owned(),
            marker: format!("lambda-bench memory sweep {}", uuid::Uuid::new_v4()),
        };
        let changes = Mutex::new(Changes::default());
        let body = self.sweep_sizes(
            events,
            memory_mb,
            &snapshot,
            &config.arn,
            &config.log_group,
            &changes,
            progress,
        );
        let outcome = tokio::select! {
            result = body => result.map_err(Some),
            () = interrupt => Err(None),
        };
        progress.finish();
        let changes = changes.lock().unwrap_or_else(|p| p.into_inner()).clone();
        progress.note(&format!("restoring {} ...", self.options.function));
        let restored = self.restore(&snapshot, &changes).await;
        match (outcome, restored) {
            (Ok(sizes), Ok(restored)) => Ok(MemorySweep {
                function: self.options.function.clone(),
                architecture: config.architecture,
                original_memory_mb: config.memory_mb,
                sizes,
                restored,
            }),
            (Err(None), Ok(restored)) => Err(CloudError::Interrupted { restored }),
            (Err(Some(cause)), Ok(restored)) => Err(CloudError::SweepStopped {
                cause: Box::new(cause),
                restored,
            }),
            (outcome, Err((failures, commands))) => Err(CloudError::RestoreFailed {
                function: self.options.function.clone(),
                stopped_by: match outcome {
                    Ok(_) => None,
                    Err(None) => Some("interrupted".into()),
                    Err(Some(cause)) => Some(cause.to_string()),
                },
                failures,
                commands,
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn sweep_sizes(
        &self,
        events: &[Event],
        memory_mb: &[u64],
        snapshot: &Snapshot,
        arn: &str,
        log_group: &str,
        changes: &Mutex<Changes>,
        progress: &dyn Progress,
    ) -> Result<Vec<TargetResult>, CloudError> {
        let mut invoker = self.clone_handles();
        invoker.options.qualifier = Some(snapshot.alias.clone());
        let mut sizes = Vec::new();
        for &memory in memory_mb {
            // Memory 0: the REPORT lines' Memory Size fills it in, and is checked below.
            let mut result = TargetResult::new(
                format!("{memory} MB"),
                format!("{arn}:{}", snapshot.alias),
                0,
            );
            let deploy = || self.deploy_size(memory, snapshot, changes, progress);
            if self.options.cold_runs == 0 {
                deploy().await?;
            }
            invoker
                .measure(events, progress, &mut result, log_group, deploy)
                .await?;
            match result.memory_size_mb {
                0 => result.memory_size_mb = memory,
                m if m != memory => {
                    return Err(CloudError::Refused(format!(
                        "the REPORT lines say Memory Size {m} MB where {memory} MB was set: \
                         the alias does not run the version just published?"
                    )))
                }
                _ => {}
            }
            sizes.push(result);
        }
        Ok(sizes)
    }

    /// `$LATEST` at `memory` MB with a fresh cold-start variable, published, the alias moved to
    /// the new version: the next invocation of the alias is a cold start at that size.
    async fn deploy_size(
        &self,
        memory: u64,
        snapshot: &Snapshot,
        changes: &Mutex<Changes>,
        progress: &dyn Progress,
    ) -> Result<(), CloudError> {
        let attempts = self.options.max_attempts;
        let function = self.options.function.as_str();
        let change =
            |f: &dyn Fn(&mut Changes)| f(&mut changes.lock().unwrap_or_else(|p| p.into_inner()));
        let mut variables = snapshot.variables.clone();
        variables.insert(
            COLD_START_VARIABLE.to_owned(),
            uuid::Uuid::new_v4().to_string(),
        );
        change(&|c| c.latest_changed = true);
        self.update_latest(Some(memory), variables).await?;
        let published = self
            .lambda
            .publish_version()
            .function_name(function)
            .description(&snapshot.marker)
            .send()
            .await
            .map_err(|e| CloudError::from_sdk("PublishVersion", attempts, e))?;
        let version = published.version().unwrap_or_default().to_owned();
        if version.is_empty() || version == "$LATEST" {
            return Err(CloudError::Aws {
                operation: "PublishVersion",
                message: format!("no version number in the answer ({version:?})"),
            });
        }
        change(&|c| c.versions.push(version.clone()));
        self.wait_for_update(Some(&version)).await?;
        let alias = snapshot.alias.as_str();
        let created = changes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .alias_created;
        if created {
            self.lambda
                .update_alias()
                .function_name(function)
                .name(alias)
                .function_version(&version)
                .send()
                .await
                .map_err(|e| CloudError::from_sdk("UpdateAlias", attempts, e))?;
        } else {
            change(&|c| c.alias_created = true);
            self.lambda
                .create_alias()
                .function_name(function)
                .name(alias)
                .function_version(&version)
                .description(&snapshot.marker)
                .send()
                .await
                .map_err(|e| CloudError::from_sdk("CreateAlias", attempts, e))?;
        }
        progress.note(&format!(
            "{memory} MB: version {version} behind alias {alias}"
        ));
        Ok(())
    }

    /// The temporary alias must be new: an existing one may be someone's (or a sweep's that
    /// could not clean up), and the restore deletes the alias.
    async fn refuse_existing_alias(&self, alias: &str) -> Result<(), CloudError> {
        let found = self
            .lambda
            .get_alias()
            .function_name(&self.options.function)
            .name(alias)
            .send()
            .await;
        match found {
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(()),
            Err(e) => Err(CloudError::from_sdk(
                "GetAlias",
                self.options.max_attempts,
                e,
            )),
            Ok(existing) => Err(CloudError::Refused(format!(
                "alias {alias} of {} already exists (version {}): a sweep needs a new alias, \
                 which it deletes at the end; pick another with --sweep-alias, or delete it if a \
                 sweep left it: aws lambda delete-alias --function-name {} --name {alias}",
                self.options.function,
                existing.function_version().unwrap_or("?"),
                self.options.function,
            ))),
        }
    }
}
