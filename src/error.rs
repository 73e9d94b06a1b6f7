//! The one error type of webpar.
//!
//! Every fallible operation returns [`Error`]: an opaque struct with a [`ErrorKind`] and a
//! message that tells the user what to fix. The JS layer maps the kind to a stable
//! `Error.name` (see [`ErrorKind::js_name`]), so JS code can branch on `err.name`.

use std::fmt;

/// What went wrong, in the user's terms. Stable: the JS names derive from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A parameter or option is missing, unknown, of the wrong type or out of range.
    InvalidParams,
    /// The workload name is not in the catalogue.
    UnknownWorkload,
    /// The job would need more memory than the shared memory's ceiling leaves free.
    OverBudget,
    /// The job was cancelled by its caller.
    Aborted,
    /// The job ran past its deadline and was stopped.
    Timeout,
    /// The thread pool is not running yet (`initThreadPool` has not resolved).
    PoolNotReady,
    /// The engine trapped (a bug); it must be reloaded before it can run again.
    EngineCrashed,
    /// A callback the caller gave (`onProgress`, `onBatch`) threw, and the job was stopped;
    /// in JS, `err.cause` is what it threw.
    CallbackFailed,
    /// A method was called on a `Runner` that was freed (`runner.free()`).
    RunnerFreed,
}

impl ErrorKind {
    /// The stable `name` the JS `Error` carries for this kind.
    ///
    /// ```
    /// assert_eq!(webpar::ErrorKind::OverBudget.js_name(), "OverBudgetError");
    /// ```
    pub fn js_name(self) -> &'static str {
        match self {
            ErrorKind::InvalidParams => "InvalidParamsError",
            ErrorKind::UnknownWorkload => "UnknownWorkloadError",
            ErrorKind::OverBudget => "OverBudgetError",
            ErrorKind::Aborted => "AbortError",
            ErrorKind::Timeout => "TimeoutError",
            ErrorKind::PoolNotReady => "PoolNotReadyError",
            ErrorKind::EngineCrashed => "EngineCrashedError",
            ErrorKind::CallbackFailed => "CallbackError",
            ErrorKind::RunnerFreed => "RunnerFreedError",
        }
    }
}

/// A webpar error: a kind and a message that says what to fix.
///
/// ```
/// use webpar::{Error, ErrorKind};
/// let err = Error::new(ErrorKind::InvalidParams, "primes: param \"below\" must be at least 2");
/// assert_eq!(err.kind(), ErrorKind::InvalidParams);
/// assert!(err.to_string().contains("below"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    param: Option<String>,
}

impl Error {
    /// Creates an error of `kind` with a message for the user.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            param: None,
        }
    }

    /// Names the parameter or option the error is about, so a form can show it beside the
    /// right field.
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// The parameter or option the error is about, if it is about one.
    pub fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the kind's name.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// An [`ErrorKind::InvalidParams`] error: what the caller passed cannot run (say what,
    /// and what to pass instead).
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidParams, message)
    }
}

/// `word` with its indefinite article, for messages: "an object", "an Int32Array", "a string",
/// "a Uint8Array"; `null` and `undefined` stand alone.
///
/// ```
/// assert_eq!(webpar::with_article("object"), "an object");
/// assert_eq!(webpar::with_article("Uint8Array"), "a Uint8Array");
/// assert_eq!(webpar::with_article("undefined"), "undefined");
/// ```
pub fn with_article(word: &str) -> String {
    match word {
        "null" | "undefined" => word.to_string(),
        // "u" as in "Uint8Array" sounds like "you": "a".
        _ if word.starts_with(['a', 'e', 'i', 'o', 'A', 'E', 'I', 'O']) => format!("an {word}"),
        _ => format!("a {word}"),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.js_name(), self.message)
    }
}

impl std::error::Error for Error {}
