//! Which code runs each kind of job. Payloads are stored as JSON, so each kind maps to a
//! type-erased runner that decodes the payload into its struct and runs it.

use std::collections::HashMap;

use anyhow::Context as _;
use futures_util::future::BoxFuture;

use super::{Job, JobContext};

type Runner = Box<
    dyn Fn(serde_json::Value, JobContext) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync,
>;

/// Job kinds a worker knows how to run.
#[derive(Default)]
pub struct Registry {
    runners: HashMap<&'static str, Runner>,
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds (or replaces) the runner of `J::KIND`.
    pub fn register<J: Job>(mut self) -> Self {
        let runner: Runner = Box::new(|payload, ctx| {
            Box::pin(async move {
                let job: J = serde_json::from_value(payload)
                    .with_context(|| format!("cannot decode the payload of a `{}` job", J::KIND))?;
                job.run(ctx).await
            })
        });
        self.runners.insert(J::KIND, runner);
        self
    }

    /// Whether jobs of `kind` can run here.
    pub fn knows(&self, kind: &str) -> bool {
        self.runners.contains_key(kind)
    }

    /// The kinds registered, in no particular order.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.runners.keys().copied()
    }

    /// The job's future, or `None` when the kind is unknown.
    pub(crate) fn start(
        &self,
        kind: &str,
        payload: serde_json::Value,
        ctx: JobContext,
    ) -> Option<BoxFuture<'static, anyhow::Result<()>>> {
        self.runners.get(kind).map(|runner| runner(payload, ctx))
    }
}
