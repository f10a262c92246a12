//! `onProgress`: stages reported from the tokio threads without blocking, delivered on the JS
//! thread in order, all of them before the promise settles.
//!
//! The core's callback pushes the stage onto a queue and pokes a non-blocking, weak
//! threadsafe function; whichever runs first on the JS thread (that poke, or the settling of
//! the promise) drains the queue into the user's function. A poke that finds the queue
//! empty does nothing, so no stage is delivered twice or after the result.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use lead_audit_core::{ProgressFn, Stage as CoreStage};
use napi::bindgen_prelude::{FromNapiValue, Function, FunctionRef, Unknown};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, ValueType};
use napi_derive::napi;

use crate::args::{kind, present};
use crate::error::{type_name, ApiError, ApiResult};

/// The stages of an audit, in order (`rendering` and `domain` only when they happen).
#[napi(string_enum)]
pub enum Stage {
    #[napi(value = "fetching")]
    Fetching,
    #[napi(value = "crawling")]
    Crawling,
    #[napi(value = "rendering")]
    Rendering,
    #[napi(value = "analyzing")]
    Analyzing,
    #[napi(value = "domain")]
    Domain,
    #[napi(value = "scoring")]
    Scoring,
    #[napi(value = "done")]
    Done,
}

type Queue = Arc<Mutex<VecDeque<CoreStage>>>;
type UserFn = Arc<FunctionRef<Stage, ()>>;

/// The JS side of one call's progress reporting.
pub struct Progress {
    queue: Queue,
    user: UserFn,
}

impl Progress {
    /// Wraps `value` (the `onProgress` option); `None` when it is absent.
    /// Returns the core's callback beside the JS side.
    pub fn new(env: &Env, value: Option<Unknown<'_>>) -> ApiResult<Option<(Self, ProgressFn)>> {
        let Some(value) = present(value.as_ref()) else {
            return Ok(None);
        };
        if kind(&value) != ValueType::Function {
            return Err(ApiError::options(format!(
                "onProgress must be a function, got {}",
                type_name(&value)
            )));
        }
        let internal = |e: napi::Error| ApiError::internal(format!("onProgress: {}", e.reason));
        let user_fn = Function::<'_, Stage, ()>::from_unknown(value).map_err(internal)?;
        let user: UserFn = Arc::new(user_fn.create_ref().map_err(internal)?);
        let queue: Queue = Arc::default();

        let (q, u) = (queue.clone(), user.clone());
        let wake_fn = env
            .create_function_from_closure::<(), (), _>("leadAuditProgress", move |ctx| {
                drain(ctx.env, &q, &u);
                Ok(())
            })
            .map_err(internal)?;
        // Weak: a pending poke must not keep the process alive; the promise does that.
        let wake = wake_fn
            .build_threadsafe_function::<()>()
            .callee_handled::<false>()
            .weak::<true>()
            .build()
            .map_err(internal)?;
        let wake = Arc::new(wake);
        let q = queue.clone();
        let report: ProgressFn = Arc::new(move |stage| {
            q.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push_back(stage);
            // A closing environment refuses the call: nothing is left to tell.
            let _ = wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
        });
        Ok(Some((Self { queue, user }, report)))
    }

    /// Delivers every stage not yet delivered; call on the JS thread before settling.
    pub fn flush(&self, env: &Env) {
        drain(env, &self.queue, &self.user);
    }
}

/// Calls the user's function once per queued stage. What it throws is dropped: a failing
/// progress handler must not fail the audit, nor crash the process from a callback.
fn drain(env: &Env, queue: &Queue, user: &UserFn) {
    let Ok(f) = user.borrow_back(env) else { return };
    loop {
        let next = queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        let Some(stage) = next else { break };
        let _ = f.call(stage.into());
    }
}

impl From<CoreStage> for Stage {
    fn from(s: CoreStage) -> Self {
        match s {
            CoreStage::Fetching => Self::Fetching,
            CoreStage::Crawling => Self::Crawling,
            CoreStage::Rendering => Self::Rendering,
            CoreStage::Analyzing => Self::Analyzing,
            CoreStage::Domain => Self::Domain,
            CoreStage::Scoring => Self::Scoring,
            CoreStage::Done => Self::Done,
        }
    }
}
