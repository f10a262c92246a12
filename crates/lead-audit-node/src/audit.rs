//! `auditLead`: convert the arguments, run the core on napi's tokio runtime, convert back.
//!
//! The function always returns a promise: bad arguments reject it (they never throw), an
//! `AbortSignal` cancels the core's token and rejects at once with `E_CANCELLED`, and every
//! progress stage is delivered before the promise settles.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use lead_audit_app::AuditSettings;
use lead_audit_core::{AuditContext, CancellationToken, Lead};
use napi::bindgen_prelude::{
    FnArgs, FromNapiValue, Function, FunctionRef, JsObjectValue, ObjectRef, PromiseRaw, Unknown,
};
use napi::{Env, ValueType};
use napi_derive::napi;

use crate::args::{as_bool, as_object, kind, present};
use crate::auditors::{auditor, Key};
use crate::error::{type_name, ApiError, ApiResult};
use crate::options::{read_audit_options, AuditOptions};
use crate::progress::Progress;
use crate::result::AuditResult;

/// Audits one lead: fetches the website, crawls its contact pages, extracts emails, phones
/// and socials, detects technologies, runs the quality checks, looks up the domain's age and
/// scores it HOT / WARM / COLD.
///
/// Resolves with an `AuditResult` for every lead it could look at, unreachable sites and
/// unparseable URLs included (see `error.kind`). Rejects only with `code`
/// `E_INVALID_ARG` (bad `lead`), `E_INVALID_OPTIONS` (bad `options`), `E_CANCELLED` (the
/// signal aborted) or `E_INTERNAL` (a bug).
#[napi(
    ts_args_type = "lead: LeadInput | string, options?: AuditOptions",
    ts_return_type = "Promise<AuditResult>"
)]
pub fn audit_lead<'env>(
    env: &'env Env,
    lead: Option<Unknown<'env>>,
    options: Option<Unknown<'env>>,
) -> napi::Result<PromiseRaw<'env, AuditResult>> {
    match start(env, lead.as_ref(), options.as_ref()) {
        Ok(promise) => Ok(promise),
        Err(e) => PromiseRaw::reject(env, e.to_js(env)),
    }
}

/// What the future hands back to the JS thread.
type Outcome = Result<AuditResult, ApiError>;

fn start<'env>(
    env: &'env Env,
    lead: Option<&Unknown<'env>>,
    options: Option<&Unknown<'env>>,
) -> ApiResult<PromiseRaw<'env, AuditResult>> {
    let lead: Lead = crate::lead::read_lead(lead)?;
    let (options, raw) = read_audit_options(options)?;
    let settings = AuditSettings::try_from(&options)?;
    let key = Key::new(&options, &settings.domain)?;
    let internal = |e: napi::Error| ApiError::internal(e.reason);

    let (signal, on_progress) = match &raw {
        Some(obj) => (
            Some(
                obj.get_named_property::<Unknown>(AuditOptions::SIGNAL)
                    .map_err(internal)?,
            ),
            Some(
                obj.get_named_property::<Unknown>(AuditOptions::ON_PROGRESS)
                    .map_err(internal)?,
            ),
        ),
        None => (None, None),
    };
    let token = CancellationToken::new();
    let listener = AbortListener::attach(env, signal, &token)?;
    let progress = Progress::new(env, on_progress)?;
    let (progress, report) = match progress {
        Some((p, f)) => (Some(p), Some(f)),
        None => (None, None),
    };
    let ctx = AuditContext {
        cancel: token.clone(),
        progress: report,
    };

    let run = async move {
        let auditor = tokio::select! {
            biased;
            _ = token.cancelled() => return Err(ApiError::cancelled()),
            a = auditor(key, settings) => a?,
        };
        let result = auditor.audit(&lead, &ctx).await?;
        Ok(AuditResult::from(result))
    };
    // A panic in the pipeline is a bug to report, not a reason to take the process down.
    let guarded = async move {
        let outcome: Outcome = AssertUnwindSafe(run)
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(ApiError::internal(panic_message(&panic))));
        Ok::<_, napi::Error>(outcome)
    };
    env.spawn_future_with_callback(guarded, move |env, outcome| {
        if let Some(listener) = listener {
            listener.detach(env);
        }
        if let Some(progress) = &progress {
            progress.flush(env);
        }
        outcome.map_err(|e| e.into_rejection(env))
    })
    .map_err(internal)
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("the audit failed unexpectedly: {what}")
}

/// `addEventListener` / `removeEventListener` called with `("abort", listener)`.
type ListenerMethod<'env> = Function<'env, FnArgs<(&'static str, Function<'env, (), ()>)>, ()>;

/// An `abort` listener on the caller's signal, removed when the call settles so a signal
/// shared by many calls does not collect listeners.
struct AbortListener {
    signal: ObjectRef,
    listener: FunctionRef<(), ()>,
}

impl AbortListener {
    /// Checks `value` is an `AbortSignal`; `Ok(None)` when absent. An already aborted
    /// signal is `E_CANCELLED` before anything starts.
    fn attach(
        env: &Env,
        value: Option<Unknown<'_>>,
        token: &CancellationToken,
    ) -> ApiResult<Option<Self>> {
        let Some(value) = present(value.as_ref()) else {
            return Ok(None);
        };
        let not_signal =
            |got: &str| ApiError::options(format!("signal must be an AbortSignal, got {got}"));
        let Some(signal) = as_object(&value) else {
            return Err(not_signal(type_name(&value)));
        };
        let internal = |e: napi::Error| ApiError::internal(format!("signal: {}", e.reason));
        let aborted: Unknown = signal.get_named_property("aborted").map_err(internal)?;
        let add: Unknown = signal
            .get_named_property("addEventListener")
            .map_err(internal)?;
        let Some(aborted) = as_bool(&aborted) else {
            return Err(not_signal("an object without aborted / addEventListener"));
        };
        if kind(&add) != ValueType::Function {
            return Err(not_signal("an object without aborted / addEventListener"));
        }
        if aborted {
            return Err(ApiError::cancelled());
        }
        let t = token.clone();
        let listener = env
            .create_function_from_closure::<(), (), _>("leadAuditAbort", move |_| {
                t.cancel();
                Ok(())
            })
            .map_err(internal)?;
        let add = ListenerMethod::from_unknown(add).map_err(internal)?;
        add.apply(signal, FnArgs::from(("abort", listener)))
            .map_err(internal)?;
        Ok(Some(Self {
            signal: signal.create_ref().map_err(internal)?,
            listener: listener.create_ref().map_err(internal)?,
        }))
    }

    /// Removes the listener (on the JS thread).
    fn detach(self, env: &Env) {
        let removed = (|| -> napi::Result<()> {
            let signal = self.signal.get_value(env)?;
            let listener = self.listener.borrow_back(env)?;
            let remove: ListenerMethod<'_> = signal.get_named_property("removeEventListener")?;
            remove.apply(signal, FnArgs::from(("abort", listener)))
        })();
        if let Err(e) = removed {
            tracing::debug!(error = %e, "removing the abort listener");
        }
        let _ = self.signal.unref(env);
    }
}
