//! The function's previous parser, kept as a test oracle: simd-json's full tape, walked in
//! lockstep with the stage-1 indexes to recover each number's text, then the batch schema read
//! off it. The shipped walker (lambda/src/document.rs) must agree with it on every input
//! except where the tape itself was wrong: valid numbers beyond u64/i64/f64, which it refused.
//! Used by lambda/tests/properties.rs and, through fuzz/src/lib.rs, by the `differential`
//! fuzz target and lambda/tests/hostile.rs.
#![allow(dead_code)]

use std::fmt;

use sha2::{Digest, Sha256};
use simd_json::{fill_tape_padded, Buffers, Node, StaticNode, Tape, INPUT_PADDING};
use transactions_lambda::domain::money::{Amount, Total};
use transactions_lambda::{ErrorCode, InputError};

/// What the reference makes of a direct batch: the figures the answer carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceSummary {
    pub total: String,
    pub signature: String,
    pub credit_count: usize,
    pub request_id: Option<String>,
}

/// The previous implementation's reading of a direct batch.
pub fn reference_batch(data: &[u8]) -> Result<ReferenceSummary, InputError> {
    let mut parser = Parser::default();
    let document = parser.parse(data, "payload")?;
    let mut total = Total::default();
    let mut digest = Sha256::new();
    let mut credit_count = 0;
    let info = read_batch(&document, |index, tx| {
        if tx.kind == "CREDIT" {
            total.add(tx.amount).map_err(|_| {
                InputError::new(
                    ErrorCode::TotalOutOfRange,
                    format!(
                        "totalCredit: the exact sum leaves the supported range at transactions[{index}]"
                    ),
                )
            })?;
            digest.update(tx.id.as_bytes());
            credit_count += 1;
        }
        Ok(())
    })?;
    Ok(ReferenceSummary {
        total: total.to_string(),
        signature: digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        credit_count,
        request_id: info.request_id.map(str::to_owned),
    })
}

/// Reusable parse buffers for one kind of document (the event, or an API Gateway body).
#[derive(Default)]
pub struct Parser {
    buffers: Option<Buffers>,
    input: Vec<u8>,
    tape: Vec<Node<'static>>,
}

/// A value as the walker sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'s> {
    Object {
        len: usize,
    },
    Array {
        len: usize,
    },
    String(&'s str),
    /// The number's JSON text exactly as it appeared in the source.
    Number(&'s [u8]),
    Bool(bool),
    Null,
}

impl Value<'_> {
    /// "found ..." wording for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Object { .. } => "an object",
            Value::Array { .. } => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
        }
    }
}

impl Parser {
    /// Parses `source` (copied into the padded, reused buffer; simd-json unescapes strings in
    /// place there). `what` names the document in error messages ("payload", "body").
    pub fn parse<'s>(
        &'s mut self,
        source: &'s [u8],
        what: &str,
    ) -> Result<Document<'s>, InputError> {
        let Parser {
            buffers,
            input,
            tape,
        } = self;
        let len = source.len();
        if len > u32::MAX as usize {
            return Err(InputError::new(
                ErrorCode::PayloadTooLarge,
                format!("{what} is too large"),
            ));
        }
        input.clear();
        input.reserve(len + INPUT_PADDING);
        input.extend_from_slice(source);
        input.resize(len + INPUT_PADDING, 0);
        let buffers = buffers.get_or_insert_with(|| Buffers::new(len));
        let mut parsed = Tape(std::mem::take(tape)).reset();
        let result = fill_tape_padded(input, len, buffers, &mut parsed);
        let document = Document {
            tape: parsed,
            structurals: buffers.structural_indexes(),
            source,
            home: tape,
        };
        match result {
            Ok(()) => Ok(document),
            Err(err) => Err(json_error(&err, what)),
        }
    }
}

/// A parsed document; hands its tape allocation back to the [`Parser`] when dropped.
pub struct Document<'s> {
    tape: Tape<'s>,
    structurals: &'s [u32],
    source: &'s [u8],
    home: &'s mut Vec<Node<'static>>,
}

impl Drop for Document<'_> {
    fn drop(&mut self) {
        let tape = std::mem::replace(&mut self.tape, Tape::null());
        *self.home = tape.reset().0;
    }
}

impl<'s> Document<'s> {
    pub fn cursor(&self) -> Cursor<'_, 's> {
        Cursor {
            nodes: &self.tape.0,
            structurals: self.structurals,
            source: self.source,
            node: 0,
            structural: 0,
        }
    }
}

/// Walks the document in order. Each value read or skipped advances both the tape position and
/// the structural position; the separators (`:` and `,`) and closing brackets are structurals
/// with no tape node, accounted for by [`Cursor::members`] and [`Cursor::elements`].
pub struct Cursor<'d, 's> {
    nodes: &'d [Node<'s>],
    structurals: &'d [u32],
    source: &'s [u8],
    node: usize,
    structural: usize,
}

impl<'s> Cursor<'_, 's> {
    /// Reads the value at the cursor. A container is entered: its members or elements follow.
    pub fn value(&mut self) -> Result<Value<'s>, InputError> {
        let node = *self.nodes.get(self.node).ok_or_else(out_of_step)?;
        let value = match node {
            Node::Object { len, .. } => Value::Object { len },
            Node::Array { len, .. } => Value::Array { len },
            Node::String(s) => Value::String(s),
            Node::Static(StaticNode::Bool(b)) => Value::Bool(b),
            Node::Static(StaticNode::Null) => Value::Null,
            Node::Static(_) => Value::Number(self.number_text()?),
        };
        self.node += 1;
        self.structural += 1;
        Ok(value)
    }

    /// Skips the value at the cursor, nested or not.
    pub fn skip(&mut self) -> Result<(), InputError> {
        let first = self.node;
        let count = match self.nodes.get(first).ok_or_else(out_of_step)? {
            Node::Object { count, .. } | Node::Array { count, .. } => *count,
            _ => 0,
        };
        let subtree = self
            .nodes
            .get(first..=first + count)
            .ok_or_else(out_of_step)?;
        self.structural += subtree.iter().map(structurals_of).sum::<usize>();
        self.node += count + 1;
        Ok(())
    }

    /// Visits the `len` members of the object just entered; `visit` must read or skip the value.
    /// The error type is the visitor's, so a walk can also stop early on purpose.
    pub fn members<E: From<InputError>>(
        &mut self,
        len: usize,
        mut visit: impl FnMut(&mut Self, &'s str) -> Result<(), E>,
    ) -> Result<(), E> {
        for i in 0..len {
            let key = match self.nodes.get(self.node) {
                Some(Node::String(key)) => *key,
                _ => return Err(out_of_step().into()),
            };
            self.node += 1;
            self.structural += 2; // the key's opening quote, then `:`
            visit(self, key)?;
            if i + 1 < len {
                self.structural += 1; // `,`
            }
        }
        self.structural += 1; // `}`
        Ok(())
    }

    /// Visits the `len` elements of the array just entered; `visit` must read or skip each.
    pub fn elements(
        &mut self,
        len: usize,
        mut visit: impl FnMut(&mut Self, usize) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        for i in 0..len {
            visit(self, i)?;
            if i + 1 < len {
                self.structural += 1; // `,`
            }
        }
        self.structural += 1; // `]`
        Ok(())
    }

    fn number_text(&self) -> Result<&'s [u8], InputError> {
        let start = *self
            .structurals
            .get(self.structural)
            .ok_or_else(out_of_step)? as usize;
        let rest = self.source.get(start..).ok_or_else(out_of_step)?;
        let len = rest
            .iter()
            .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(rest.len());
        Ok(&rest[..len])
    }
}

/// Structural characters a tape node accounts for, separators included.
fn structurals_of(node: &Node<'_>) -> usize {
    match node {
        // `{` `}`, one `:` per member, `,` between members (keys count as string nodes).
        Node::Object { len, .. } => 2 + len + len.saturating_sub(1),
        Node::Array { len, .. } => 2 + len.saturating_sub(1),
        _ => 1,
    }
}

/// The tape and the structural indexes disagree: a bug here, never the caller's input. Reported
/// as an error rather than a panic so the process keeps serving.
fn out_of_step() -> InputError {
    InputError::new(
        ErrorCode::InvalidJson,
        "internal error: document walker out of step with the parser",
    )
}

/// One transaction, borrowed from the parsed input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transaction<'s> {
    pub id: &'s str,
    pub amount: Amount,
    /// The `type` field (`CREDIT`, `DEBIT`, ...), compared case-sensitively.
    pub kind: &'s str,
}

/// What the batch says about itself, besides its transactions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchInfo<'s> {
    pub request_id: Option<&'s str>,
    pub transactions: usize,
}

/// Reads the batch, calling `sink(index, transaction)` for every transaction in order.
pub fn read_batch<'s>(
    document: &Document<'s>,
    mut sink: impl FnMut(usize, Transaction<'s>) -> Result<(), InputError>,
) -> Result<BatchInfo<'s>, InputError> {
    let mut cursor = document.cursor();
    let len = match cursor.value()? {
        Value::Object { len } => len,
        other => {
            return Err(InputError::payload(
                "payload",
                format_args!("expected a JSON object, found {}", other.kind()),
            ))
        }
    };
    let mut request_id: Option<&'s str> = None;
    let mut seen_request_id = false;
    let mut count: Option<usize> = None;
    cursor.members(len, |c, key| match key {
        "requestId" => {
            once(&mut seen_request_id, "requestId")?;
            request_id = match c.value()? {
                Value::String(s) => Some(s),
                Value::Null => None,
                other => return Err(expected("requestId", "a string", other)),
            };
            Ok(())
        }
        "transactions" => {
            if count.is_some() {
                return Err(duplicate("transactions"));
            }
            let n = match c.value()? {
                Value::Array { len } => len,
                other => return Err(expected("transactions", "an array", other)),
            };
            c.elements(n, |c, i| sink(i, read_transaction(c, i)?))?;
            count = Some(n);
            Ok(())
        }
        _ => c.skip(),
    })?;
    let transactions = count.ok_or_else(|| {
        InputError::payload(
            "transactions",
            "missing required field (an array of transactions)",
        )
    })?;
    Ok(BatchInfo {
        request_id,
        transactions,
    })
}

fn read_transaction<'s>(
    c: &mut Cursor<'_, 's>,
    index: usize,
) -> Result<Transaction<'s>, InputError> {
    let len = match c.value()? {
        Value::Object { len } => len,
        other => return Err(expected(Path(index, ""), "an object", other)),
    };
    let (mut id, mut amount, mut kind) = (None, None, None);
    c.members(len, |c, key| match key {
        "id" => {
            set_once(&id, index, "id")?;
            id = Some(match c.value()? {
                Value::String("") => {
                    return Err(InputError::payload(Path(index, ".id"), "must not be empty"))
                }
                Value::String(s) => s,
                other => return Err(expected(Path(index, ".id"), "a string", other)),
            });
            Ok(())
        }
        "amount" => {
            set_once(&amount, index, "amount")?;
            amount = Some(match c.value()? {
                Value::Number(text) => Amount::parse(text).map_err(|e| {
                    InputError::new(
                        ErrorCode::InvalidAmount,
                        format!("{}: {e}", Path(index, ".amount")),
                    )
                })?,
                other => return Err(expected(Path(index, ".amount"), "a number", other)),
            });
            Ok(())
        }
        "type" => {
            set_once(&kind, index, "type")?;
            kind = Some(match c.value()? {
                Value::String(s) => s,
                other => return Err(expected(Path(index, ".type"), "a string", other)),
            });
            Ok(())
        }
        _ => c.skip(),
    })?;
    Ok(Transaction {
        id: id.ok_or_else(|| missing(index, "id"))?,
        amount: amount.ok_or_else(|| missing(index, "amount"))?,
        kind: kind.ok_or_else(|| missing(index, "type"))?,
    })
}

/// `transactions[3]` followed by a field suffix such as `.amount`.
struct Path(usize, &'static str);

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "transactions[{}]{}", self.0, self.1)
    }
}

fn expected(path: impl fmt::Display, what: &str, found: Value<'_>) -> InputError {
    InputError::payload(
        path,
        format_args!("expected {what}, found {}", found.kind()),
    )
}

fn missing(index: usize, field: &str) -> InputError {
    InputError::payload(
        format_args!("{}.{field}", Path(index, "")),
        "missing required field",
    )
}

fn duplicate(path: impl fmt::Display) -> InputError {
    InputError::payload(path, "duplicate field")
}

fn once(seen: &mut bool, field: &str) -> Result<(), InputError> {
    if std::mem::replace(seen, true) {
        return Err(duplicate(field));
    }
    Ok(())
}

fn set_once<T>(slot: &Option<T>, index: usize, field: &str) -> Result<(), InputError> {
    if slot.is_some() {
        return Err(duplicate(format_args!("{}.{field}", Path(index, ""))));
    }
    Ok(())
}

/// Turns a simd-json failure into a message a caller can act on (`byte` is an offset into the
/// document that failed: the request body for API Gateway events).
pub fn json_error(err: &simd_json::Error, what: &str) -> InputError {
    use simd_json::ErrorType as T;
    let problem = match err.error() {
        T::Eof | T::UnterminatedString => "unexpected end of input",
        T::InvalidUtf8 => "invalid UTF-8",
        T::InvalidNumber | T::InvalidExponent | T::Overflow => {
            "invalid number, or a number too large for JSON parsers"
        }
        T::InvalidUnicodeCodepoint => "invalid \\u escape (lone surrogate or bad code point)",
        T::InvalidEscape | T::InvalidUnicodeEscape => "invalid escape sequence in a string",
        T::DepthLimitExceeded => "nesting deeper than 1024 levels",
        T::TrailingData => "trailing characters after the JSON value",
        _ => "syntax error",
    };
    let message = match err.index() {
        0 if matches!(err.error(), T::Eof) => format!("{what} is not valid JSON: {problem}"),
        at => format!("{what} is not valid JSON: {problem} near byte {at}"),
    };
    InputError::new(ErrorCode::InvalidJson, message)
}
