//! Functions: the concurrency domain whose versions share one `max_instance_num` (§5.6.8), and
//! deploying a version (resolving its entry point, linking it once).

use std::sync::Arc;

use crate::engine::Executor;
use crate::error::Result;
use crate::kind::resolve;
use crate::limit::InstanceLimit;
use crate::pool::Version;
use crate::spec::{Code, OverLimit, VersionSpec};
use crate::store::StoreBuilder;

impl Executor {
    /// A new concurrency domain for one function: its versions share its max-instance limit.
    pub fn function(&self, name: impl Into<String>) -> Function {
        Function {
            exec: self.clone(),
            limit: Arc::new(InstanceLimit::new(name.into())),
        }
    }
}

/// A function as the executor sees it: the concurrency domain whose versions share one
/// `max_instance_num`. Cheap to clone.
#[derive(Clone)]
pub struct Function {
    exec: Executor,
    limit: Arc<InstanceLimit>,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function")
            .field("name", &self.limit.name())
            .finish()
    }
}

impl Function {
    /// The function's name.
    pub fn name(&self) -> &str {
        self.limit.name()
    }

    /// At most `max` invocations of this function (all versions) run at once, each on its own
    /// instance; `None` (the default) is no limit. Idle warm instances do not count.
    pub fn set_max_instances(&self, max: Option<u32>) {
        self.limit.set_max(max);
    }

    /// What a call beyond the limit does. Default [`OverLimit::Reject`].
    pub fn set_over_limit(&self, policy: OverLimit) {
        self.limit.set_policy(policy);
    }

    /// Invocations running now.
    pub fn running(&self) -> u32 {
        self.limit.running()
    }

    /// Deploys a version: resolves the entry point and links the module once (one
    /// `InstancePre`). A module whose imports the host does not provide is refused here
    /// ([`Error::Link`](crate::Error::Link)); a missing handler file or export is not an error until invoked.
    pub fn deploy(&self, code: Code, spec: VersionSpec) -> Result<Version> {
        let exec = &self.exec.inner;
        // The version holds its compiled module: the executor's cache only holds it weakly.
        let module = match &code {
            Code::Module(m) => Some(m.clone()),
            _ => None,
        };
        let kind = resolve(&exec.linkers(), code, &spec)?;
        let stores = StoreBuilder::new(exec.engine.clone(), exec.shared.clone(), spec);
        let version = Version::new(self.limit.clone(), stores, kind, module);
        exec.versions.lock().push(version.downgrade());
        Ok(version)
    }
}
