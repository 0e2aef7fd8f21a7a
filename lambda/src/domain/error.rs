//! Input errors: a stable machine code, the HTTP status an API caller sees, the `errorType` a
//! direct caller sees, and a message that names the field and what was wrong with it.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The bytes are not JSON (syntax, bad escapes, invalid UTF-8, numbers JSON parsers refuse).
    InvalidJson,
    /// Valid JSON of the wrong shape: missing field, wrong type, empty id, duplicate key.
    InvalidPayload,
    /// An amount that cannot be held exactly (too precise, out of range).
    InvalidAmount,
    /// The exact total does not fit.
    TotalOutOfRange,
    /// The request body exceeds Lambda's 6 MB synchronous payload limit.
    PayloadTooLarge,
    /// An API Gateway body that cannot be decoded (bad base64).
    InvalidBody,
    /// An API Gateway request whose content-type is not JSON.
    UnsupportedMediaType,
}

impl ErrorCode {
    /// The `error.code` field of an HTTP error body.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::InvalidPayload => "INVALID_PAYLOAD",
            ErrorCode::InvalidAmount => "INVALID_AMOUNT",
            ErrorCode::TotalOutOfRange => "TOTAL_OUT_OF_RANGE",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::InvalidBody => "INVALID_BODY",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
        }
    }

    /// The Lambda `errorType` of a direct invocation that fails.
    pub fn error_type(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "InvalidJson",
            ErrorCode::InvalidPayload => "InvalidPayload",
            ErrorCode::InvalidAmount => "InvalidAmount",
            ErrorCode::TotalOutOfRange => "TotalOutOfRange",
            ErrorCode::PayloadTooLarge => "PayloadTooLarge",
            ErrorCode::InvalidBody => "InvalidBody",
            ErrorCode::UnsupportedMediaType => "UnsupportedMediaType",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            _ => 400,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub code: ErrorCode,
    pub message: String,
}

impl InputError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        InputError {
            code,
            message: message.into(),
        }
    }

    /// A shape error at a field path such as `transactions[3].amount`.
    pub fn payload(path: impl fmt::Display, problem: impl fmt::Display) -> Self {
        InputError::new(ErrorCode::InvalidPayload, format!("{path}: {problem}"))
    }

    /// `path: expected a string, found a number` (`found` is the value's kind).
    pub(crate) fn expected(path: impl fmt::Display, what: &str, found: &str) -> Self {
        InputError::payload(path, format_args!("expected {what}, found {found}"))
    }

    /// A field given twice: refused, since either value would be a guess.
    pub(crate) fn duplicate(path: impl fmt::Display) -> Self {
        InputError::payload(path, "duplicate field")
    }

    /// `what is not valid JSON: problem`, what being the document ("payload", "body").
    pub(crate) fn invalid_json(what: &str, problem: impl fmt::Display) -> Self {
        InputError::new(
            ErrorCode::InvalidJson,
            format!("{what} is not valid JSON: {problem}"),
        )
    }
}

/// Marks `field` as seen; an [`InputError::duplicate`] if it already was.
pub(crate) fn once(seen: &mut bool, field: &str) -> Result<(), InputError> {
    if std::mem::replace(seen, true) {
        return Err(InputError::duplicate(field));
    }
    Ok(())
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.error_type(), self.message)
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_http_status_error_type_and_wire_name() {
        for (code, status, error_type, wire) in [
            (ErrorCode::InvalidJson, 400, "InvalidJson", "INVALID_JSON"),
            (
                ErrorCode::InvalidPayload,
                400,
                "InvalidPayload",
                "INVALID_PAYLOAD",
            ),
            (
                ErrorCode::InvalidAmount,
                400,
                "InvalidAmount",
                "INVALID_AMOUNT",
            ),
            (
                ErrorCode::TotalOutOfRange,
                400,
                "TotalOutOfRange",
                "TOTAL_OUT_OF_RANGE",
            ),
            (
                ErrorCode::PayloadTooLarge,
                413,
                "PayloadTooLarge",
                "PAYLOAD_TOO_LARGE",
            ),
            (ErrorCode::InvalidBody, 400, "InvalidBody", "INVALID_BODY"),
            (
                ErrorCode::UnsupportedMediaType,
                415,
                "UnsupportedMediaType",
                "UNSUPPORTED_MEDIA_TYPE",
            ),
        ] {
            assert_eq!(code.http_status(), status, "{code:?}");
            assert_eq!(code.error_type(), error_type, "{code:?}");
            assert_eq!(code.as_str(), wire, "{code:?}");
        }
    }

    #[test]
    fn an_input_error_reads_as_its_error_type_then_its_message() {
        let err = InputError::expected("transactions[2].amount", "a number", "a string");
        assert_eq!(
            err.to_string(),
            "InvalidPayload: transactions[2].amount: expected a number, found a string"
        );
        let err = InputError::invalid_json("body", "unexpected end of input near byte 9");
        assert_eq!(
            err.to_string(),
            "InvalidJson: body is not valid JSON: unexpected end of input near byte 9"
        );
    }
}
