//! The batch schema: `{"requestId": string, "transactions": [{"id", "amount", "type"}]}`.
//! Reads an indexed [`Document`] in one pass and hands each transaction, borrowed from the input,
//! to a sink in input order. Unknown fields are ignored; duplicate known fields are refused, since two
//! `amount`s would make any total a guess.

use std::borrow::Cow;
use std::fmt;

use crate::domain::document::{CompactKey, Cursor, Document, Scalar, Value};
use crate::domain::error::{once, ErrorCode, InputError};
use crate::domain::money::Amount;

/// One transaction, borrowed from the input (unescaped copies only where it had escapes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction<'s> {
    pub id: Cow<'s, [u8]>,
    pub amount: Amount,
    /// The `type` field (`CREDIT`, `DEBIT`, ...), compared case-sensitively.
    pub kind: Cow<'s, [u8]>,
}

/// What the batch says about itself, besides its transactions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchInfo<'s> {
    pub request_id: Option<Cow<'s, str>>,
    pub transactions: usize,
}

/// Reads the batch, calling `sink(index, transaction)` for every transaction in order.
pub fn read_batch<'s>(
    document: &Document<'s>,
    mut sink: impl FnMut(usize, Transaction<'s>) -> Result<(), InputError>,
) -> Result<BatchInfo<'s>, InputError> {
    document.read(|cursor| {
        match cursor.value()? {
            Value::Object => {}
            other => return Err(expected("payload", "a JSON object", other)),
        }
        let mut request_id = None;
        let mut seen_request_id = false;
        let mut count: Option<usize> = None;
        cursor.members(|c, key| {
            if key.eq_str("requestId") {
                once(&mut seen_request_id, "requestId")?;
                request_id = match c.field_value(&"requestId")? {
                    Value::String(s) => Some(s.text()),
                    Value::Null => None,
                    other => return Err(expected("requestId", "a string", other)),
                };
                Ok(())
            } else if key.eq_str("transactions") {
                if count.is_some() {
                    return Err(InputError::duplicate("transactions"));
                }
                match c.value()? {
                    Value::Array => {}
                    other => return Err(expected("transactions", "an array", other)),
                }
                let mut n = 0;
                c.elements(|c, i| {
                    n = i + 1;
                    sink(i, read_transaction(c, i)?)
                })?;
                count = Some(n);
                Ok(())
            } else {
                c.skip()
            }
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
    })
}

#[inline(always)]
fn read_transaction<'s>(
    c: &mut Cursor<'_, 's>,
    index: usize,
) -> Result<Transaction<'s>, InputError> {
    // Nearly every transaction is written `{"id":"..","amount":..,"type":".."}`: read that
    // layout straight off the token offsets; anything else takes the general path below.
    if let Some([Scalar::Str(id), Scalar::Other(amount), Scalar::Str(kind)]) =
        c.compact_object(&TRANSACTION_KEYS)
    {
        if let (false, Some(amount)) = (id.is_empty(), Amount::parse_json_plain(amount)) {
            c.skip_compact_object::<3>();
            return Ok(Transaction {
                id: Cow::Borrowed(id),
                amount,
                kind: Cow::Borrowed(kind),
            });
        }
    }
    read_any_transaction(c, index)
}

const TRANSACTION_KEYS: [CompactKey; 3] = [
    CompactKey::new("id"),
    CompactKey::new("amount"),
    CompactKey::new("type"),
];

#[inline(never)]
fn read_any_transaction<'s>(
    c: &mut Cursor<'_, 's>,
    index: usize,
) -> Result<Transaction<'s>, InputError> {
    match c.value()? {
        Value::Object => {}
        other => return Err(expected(Path(index, ""), "an object", other)),
    }
    let (mut id, mut amount, mut kind) = (None, None, None);
    c.members(|c, key| {
        if key.eq_str("id") {
            set_once(&id, index, "id")?;
            let path = Path(index, ".id");
            id = Some(match c.field_value(&path)? {
                Value::String(s) if s.is_empty() => {
                    return Err(InputError::payload(path, "must not be empty"))
                }
                Value::String(s) => s.bytes(),
                other => return Err(expected(path, "a string", other)),
            });
        } else if key.eq_str("amount") {
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
        } else if key.eq_str("type") {
            set_once(&kind, index, "type")?;
            let path = Path(index, ".type");
            kind = Some(match c.field_value(&path)? {
                Value::String(s) => s.bytes(),
                other => return Err(expected(path, "a string", other)),
            });
        } else {
            c.skip()?;
        }
        Ok(())
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
    InputError::expected(path, what, found.kind())
}

fn missing(index: usize, field: &str) -> InputError {
    InputError::payload(
        format_args!("{}.{field}", Path(index, "")),
        "missing required field",
    )
}

fn set_once<T>(slot: &Option<T>, index: usize, field: &str) -> Result<(), InputError> {
    if slot.is_some() {
        return Err(InputError::duplicate(format_args!(
            "{}.{field}",
            Path(index, "")
        )));
    }
    Ok(())
}
