//! The batch schema: `{"requestId": string, "transactions": [{"id", "amount", "type"}]}`.
//! Reads a parsed [`Document`] and hands each transaction, borrowed from the input, to a sink in
//! input order. Unknown fields are ignored; duplicate known fields are refused, since two
//! `amount`s would make any total a guess.

use std::fmt;

use crate::document::{Cursor, Document, Value};
use crate::error::{ErrorCode, InputError};
use crate::money::Amount;

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
