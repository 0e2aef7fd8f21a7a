//! A JSON document read straight off simd-json's stage-1 structural index, in one pass.
//!
//! Stage 1 (SIMD: AVX2/SSE4.2 on x86_64, NEON on Graviton) validates UTF-8, finds every string's
//! extent and rejects raw control characters inside strings, and records the byte offset of
//! every structural token: `{ } [ ] : ,`, each string's opening quote and each scalar's first
//! byte. The [`Cursor`] then walks those offsets with the grammar and the caller's schema at
//! once: no tape is built, numbers are never converted (their *text* is what exact money
//! needs), strings stay borrowed from the input and are unescaped only when a caller asks.
//! Every token is still checked, skipped ones included, so the full JSON grammar holds:
//! structure, numbers' syntax, literals, escapes (surrogate pairs too) and nesting depth.
//!
//! Each token ends where the next one starts: stage 1 indexes any non-whitespace byte that
//! follows whitespace or a structural character, so what lies between two offsets is one token
//! plus trailing whitespace. A string's closing quote is therefore the last non-whitespace byte
//! before the next offset, and `truex` or `1x` arrive as one token that fails its check.

use std::borrow::Cow;
use std::fmt;

use crate::domain::error::{ErrorCode, InputError};

/// Nesting deeper than this is refused (simdjson's and simd-json's default limit).
pub const MAX_DEPTH: usize = 1024;

/// Structural indexes kept between documents; a rare huge document's growth is given back.
const RETAINED_INDEXES: usize = 256 * 1024;

/// Reusable stage-1 buffer for one kind of document (the event, or an API Gateway body).
#[derive(Default)]
pub struct Parser {
    indexes: Vec<u32>,
}

impl Parser {
    /// Runs stage 1 over `source`. `what` names the document in errors ("payload", "body").
    pub fn parse<'s>(
        &'s mut self,
        source: &'s [u8],
        what: &'static str,
    ) -> Result<Document<'s>, InputError> {
        if let Err(kind) = simd_json::find_structural_indexes(source, &mut self.indexes) {
            return Err(stage1_error(source, &kind, what));
        }
        Ok(Document {
            source,
            indexes: &self.indexes,
            what,
            plain_until: memchr::memchr(b'\\', source).unwrap_or(source.len()),
        })
    }

    /// Keeps the buffer for typical events, frees what an unusually large one grew (and says
    /// whether it did).
    pub(crate) fn trim(&mut self) -> bool {
        let freed = self.indexes.capacity() > RETAINED_INDEXES;
        if freed {
            self.indexes = Vec::with_capacity(RETAINED_INDEXES);
        }
        freed
    }
}

/// A document whose structure stage 1 has indexed.
pub struct Document<'s> {
    source: &'s [u8],
    indexes: &'s [u32],
    what: &'static str,
    /// Offset of the first backslash (or the length): strings ending before it need no
    /// escape handling, which in a typical batch is every string.
    plain_until: usize,
}

impl<'s> Document<'s> {
    /// A cursor on the root value.
    pub(crate) fn cursor(&self) -> Cursor<'_, 's> {
        Cursor {
            doc: self,
            next: 0,
            depth: 0,
        }
    }

    /// Runs `read` on the root value, then requires the document to end there. A schema error
    /// gives way to a syntax error anywhere in the document, so malformed JSON is always
    /// reported as such, whatever its shape (as a parser that validates first would).
    pub(crate) fn read<T, E: From<InputError> + SchemaOrSyntax>(
        &self,
        read: impl FnOnce(&mut Cursor<'_, 's>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut cursor = self.cursor();
        match read(&mut cursor) {
            Ok(value) => {
                cursor.finish()?;
                Ok(value)
            }
            Err(err) if err.is_syntax() => Err(err),
            Err(err) => {
                self.validate()?;
                Err(err)
            }
        }
    }

    /// Checks the whole document against the JSON grammar.
    pub fn validate(&self) -> Result<(), InputError> {
        let mut cursor = self.cursor();
        cursor.skip()?;
        cursor.finish()
    }

    fn syntax(&self, at: usize, problem: impl fmt::Display) -> InputError {
        InputError::invalid_json(self.what, format_args!("{problem} near byte {at}"))
    }

    /// The byte offset of token `i`, or the document's length past the last one.
    #[inline(always)]
    fn offset(&self, i: usize) -> usize {
        self.indexes
            .get(i)
            .map_or(self.source.len(), |&at| at as usize)
    }
}

/// Errors a walk can end with: syntax errors win over schema errors (see [`Document::read`]).
pub(crate) trait SchemaOrSyntax {
    fn is_syntax(&self) -> bool;
}

impl SchemaOrSyntax for InputError {
    fn is_syntax(&self) -> bool {
        self.code == ErrorCode::InvalidJson
    }
}

/// A value as the walker sees it. Containers are entered by [`Cursor::value`]: their members
/// or elements follow through [`Cursor::members`] / [`Cursor::elements`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value<'s> {
    Object,
    Array,
    String(JsonStr<'s>),
    /// The number's JSON text exactly as written (its grammar already checked).
    Number(&'s [u8]),
    Bool(bool),
    Null,
}

impl Value<'_> {
    /// "found ..." wording for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Object => "an object",
            Value::Array => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
        }
    }
}

/// A JSON string as it appears between its quotes, escapes already validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct JsonStr<'s> {
    raw: &'s [u8],
    escaped: bool,
}

impl<'s> JsonStr<'s> {
    /// The string's value, unescaped (borrowed when it holds no escape).
    pub fn bytes(&self) -> Cow<'s, [u8]> {
        if self.escaped {
            let mut out = Vec::new();
            unescape_into(self.raw, &mut out);
            Cow::Owned(out)
        } else {
            Cow::Borrowed(self.raw)
        }
    }

    /// The string's value, unescaped into `out` (a reused buffer) only if it holds escapes.
    pub fn bytes_in<'a>(&self, out: &'a mut Vec<u8>) -> &'a [u8]
    where
        's: 'a,
    {
        if self.escaped {
            out.clear();
            unescape_into(self.raw, out);
            out
        } else {
            self.raw
        }
    }

    /// The value as text: stage 1 validated the document's UTF-8 and escapes decode to UTF-8.
    pub fn text(&self) -> Cow<'s, str> {
        match self.bytes() {
            Cow::Borrowed(b) => String::from_utf8_lossy(b),
            Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Compares the unescaped value with `name` (keys are compared this way).
    #[inline]
    pub fn eq_str(&self, name: &str) -> bool {
        if self.escaped {
            *self.bytes() == *name.as_bytes()
        } else {
            self.raw == name.as_bytes()
        }
    }
}

/// A value [`Cursor::compact_object`] read: a string's content (it has no escapes), or any
/// other scalar's token text, its grammar not yet checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scalar<'s> {
    Str(&'s [u8]),
    Other(&'s [u8]),
}

/// An object key as compact JSON writes it, `"key":`, kept as a little-endian 16-byte pattern
/// so that matching it costs one load and one compare.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CompactKey {
    bytes: u128,
    mask: u128,
    len: usize,
}

impl CompactKey {
    /// For use in constants: a key of more than 13 bytes fails to compile.
    pub const fn new(key: &str) -> CompactKey {
        let key = key.as_bytes();
        let len = key.len() + 3;
        assert!(len <= 16, "compact keys are at most 13 bytes");
        let mut bytes = b'"' as u128;
        let mut i = 0;
        while i < key.len() {
            bytes |= (key[i] as u128) << (8 * (i + 1));
            i += 1;
        }
        bytes |= (b'"' as u128) << (8 * (len - 2));
        bytes |= (b':' as u128) << (8 * (len - 1));
        let mask = if len == 16 {
            u128::MAX
        } else {
            (1u128 << (8 * len)) - 1
        };
        CompactKey { bytes, mask, len }
    }

    #[inline(always)]
    fn matches(&self, source: &[u8], at: usize) -> bool {
        let word = match source.get(at..at + 16) {
            Some(window) => <[u8; 16]>::try_from(window).map_or(0, u128::from_le_bytes),
            // Within 16 bytes of the end: assemble what there is.
            None => source.get(at..at + self.len).map_or(0, |s| {
                s.iter().rev().fold(0, |w, &b| (w << 8) | u128::from(b))
            }),
        };
        word & self.mask == self.bytes
    }
}

/// Walks a document token by token. Reading a value consumes its token; a container's members
/// or elements are then visited in order, and a value nobody wants is [`Cursor::skip`]ped,
/// still fully checked.
pub(crate) struct Cursor<'d, 's> {
    doc: &'d Document<'s>,
    /// Index of the next token in the structural index.
    next: usize,
    /// Containers entered and not yet closed.
    depth: usize,
}

impl<'s> Cursor<'_, 's> {
    /// Reads the value at the cursor. A container is entered: its members or elements follow.
    pub fn value(&mut self) -> Result<Value<'s>, InputError> {
        self.value_of(None)
    }

    /// Like [`Cursor::value`] for the value of a known field: a bad escape in it is reported
    /// with the field's path (`transactions[3].id: invalid \u escape ...`).
    pub fn field_value(&mut self, path: &dyn fmt::Display) -> Result<Value<'s>, InputError> {
        self.value_of(Some(path))
    }

    #[inline(always)]
    fn value_of(&mut self, field: Option<&dyn fmt::Display>) -> Result<Value<'s>, InputError> {
        let (i, at, byte) = self.bump();
        match byte {
            b'{' => self.enter(at).map(|()| Value::Object),
            b'[' => self.enter(at).map(|()| Value::Array),
            b'"' => self.string(i, at, field).map(Value::String),
            _ => self.scalar(i, at, byte),
        }
    }

    /// Visits the members of the object just entered; `visit` must read or skip the value.
    /// The error type is the visitor's, so a walk can also stop early on purpose.
    pub fn members<E: From<InputError>>(
        &mut self,
        mut visit: impl FnMut(&mut Self, JsonStr<'s>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.peek().2 == b'}' {
            self.bump();
            self.depth -= 1;
            return Ok(());
        }
        loop {
            let key = self.key()?;
            visit(self, key)?;
            match self.bump() {
                (_, _, b',') => {}
                (_, _, b'}') => {
                    self.depth -= 1;
                    return Ok(());
                }
                (_, at, byte) => return Err(self.unexpected(at, byte, "',' or '}'").into()),
            }
        }
    }

    /// Visits the elements of the array just entered; `visit` must read or skip each.
    pub fn elements(
        &mut self,
        mut visit: impl FnMut(&mut Self, usize) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        if self.peek().2 == b']' {
            self.bump();
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            visit(self, index)?;
            index += 1;
            match self.bump() {
                (_, _, b',') => {}
                (_, _, b']') => {
                    self.depth -= 1;
                    return Ok(());
                }
                (_, at, byte) => return Err(self.unexpected(at, byte, "',' or ']'")),
            }
        }
    }

    /// Skips the value at the cursor, nested or not, checking every token on the way. Iterative:
    /// nesting costs one bit per level, never stack frames.
    pub fn skip(&mut self) -> Result<(), InputError> {
        let base = self.depth;
        // Bit `d` says whether the container at depth `d` is an object.
        let mut objects = [0u64; MAX_DEPTH / 64];
        loop {
            // A value is expected here.
            let (i, at, byte) = self.bump();
            match byte {
                b'{' | b'[' => {
                    self.enter(at)?;
                    let d = self.depth - 1;
                    let object = byte == b'{';
                    let bit = 1u64 << (d % 64);
                    if object {
                        objects[d / 64] |= bit;
                    } else {
                        objects[d / 64] &= !bit;
                    }
                    let close = if object { b'}' } else { b']' };
                    if self.peek().2 == close {
                        self.bump();
                        self.depth -= 1;
                    } else {
                        if object {
                            self.key()?;
                        }
                        continue;
                    }
                }
                _ => {
                    self.scalar(i, at, byte)?;
                }
            }
            // A value is complete: close containers until one has a next member or element.
            loop {
                if self.depth == base {
                    return Ok(());
                }
                let d = self.depth - 1;
                let object = objects[d / 64] & (1u64 << (d % 64)) != 0;
                match (self.bump(), object) {
                    ((_, _, b','), true) => {
                        self.key()?;
                        break;
                    }
                    ((_, _, b','), false) => break,
                    ((_, _, b'}'), true) | ((_, _, b']'), false) => self.depth -= 1,
                    ((_, at, byte), true) => return Err(self.unexpected(at, byte, "',' or '}'")),
                    ((_, at, byte), false) => return Err(self.unexpected(at, byte, "',' or ']'")),
                }
            }
        }
    }

    /// The fast path for an object written the common way: exactly `keys`, in that order,
    /// no whitespace, scalar values, no escapes. Returns the values without moving;
    /// [`Cursor::skip_compact_object`] then moves past the object. `None` means "not this
    /// layout": read the object the general way, which also reports whatever is wrong with it.
    #[inline(always)]
    pub fn compact_object<const N: usize>(
        &self,
        keys: &[CompactKey; N],
    ) -> Option<[Scalar<'s>; N]> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let source = self.doc.source;
        let offsets = self.doc.indexes.get(self.next..self.next + 4 * N + 1)?;
        if source.get(offsets[0] as usize) != Some(&b'{') {
            return None;
        }
        let mut values = [Scalar::Other(&source[..0]); N];
        for (m, key) in keys.iter().enumerate() {
            let key_at = offsets[1 + 4 * m] as usize;
            let value_at = offsets[3 + 4 * m] as usize;
            let after = offsets[4 + 4 * m] as usize;
            let separator = if m + 1 < N { b',' } else { b'}' };
            // `"key":` then the value at once: the `:` token is the pattern's last byte.
            if value_at != key_at + key.len
                || offsets[2 + 4 * m] as usize + 1 != value_at
                || !key.matches(source, key_at)
                || source.get(after) != Some(&separator)
            {
                return None;
            }
            values[m] = match source.get(value_at..after)? {
                [b'"', content @ .., b'"'] if after <= self.doc.plain_until => Scalar::Str(content),
                [b'"' | b'{' | b'[', ..] | [] => return None,
                value => Scalar::Other(value),
            };
        }
        Some(values)
    }

    /// Moves past an object [`Cursor::compact_object`] matched with `N` keys.
    #[inline(always)]
    pub fn skip_compact_object<const N: usize>(&mut self) {
        self.next += 4 * N + 1;
    }

    /// Skips what is left of a value [`Cursor::value`] returned: a container's contents.
    pub fn skip_entered(&mut self, value: Value<'s>) -> Result<(), InputError> {
        if matches!(value, Value::Object | Value::Array) {
            // Step back onto the opening bracket and skip the container whole.
            self.next -= 1;
            self.depth -= 1;
            self.skip()?;
        }
        Ok(())
    }

    /// The root value has been read: nothing may follow it.
    pub fn finish(&self) -> Result<(), InputError> {
        match self.peek() {
            (_, at, _) if at < self.doc.source.len() => Err(self
                .doc
                .syntax(at, "trailing characters after the JSON value")),
            _ => Ok(()),
        }
    }

    /// The next token without consuming it: (index, byte offset, first byte; 0 at the end).
    #[inline(always)]
    fn peek(&self) -> (usize, usize, u8) {
        let at = self.doc.offset(self.next);
        (self.next, at, self.doc.source.get(at).copied().unwrap_or(0))
    }

    #[inline(always)]
    fn bump(&mut self) -> (usize, usize, u8) {
        let token = self.peek();
        self.next += 1;
        token
    }

    fn enter(&mut self, at: usize) -> Result<(), InputError> {
        if self.depth >= MAX_DEPTH {
            return Err(self
                .doc
                .syntax(at, format_args!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        Ok(())
    }

    /// An object key and the `:` after it.
    fn key(&mut self) -> Result<JsonStr<'s>, InputError> {
        let (i, at, byte) = self.bump();
        if byte != b'"' {
            return Err(self.unexpected(at, byte, "a string key"));
        }
        let key = self.string(i, at, None)?;
        match self.bump() {
            (_, _, b':') => Ok(key),
            (_, at, byte) => Err(self.unexpected(at, byte, "':' after an object key")),
        }
    }

    #[inline]
    fn scalar(&self, i: usize, at: usize, byte: u8) -> Result<Value<'s>, InputError> {
        match byte {
            b'"' => self.string(i, at, None).map(Value::String),
            b'-' | b'0'..=b'9' => {
                let text = self.token(i, at);
                if is_json_number(text) {
                    Ok(Value::Number(text))
                } else {
                    Err(self.doc.syntax(at, "invalid number"))
                }
            }
            b't' | b'f' | b'n' => match self.token(i, at) {
                b"true" => Ok(Value::Bool(true)),
                b"false" => Ok(Value::Bool(false)),
                b"null" => Ok(Value::Null),
                _ => Err(self
                    .doc
                    .syntax(at, "invalid literal (expected true, false or null)")),
            },
            _ => Err(self.unexpected(at, byte, "a value")),
        }
    }

    /// Token `i`'s bytes: up to the next token, less the whitespace between them.
    #[inline(always)]
    fn token(&self, i: usize, at: usize) -> &'s [u8] {
        let source = self.doc.source;
        let mut end = self.doc.offset(i + 1);
        while end > at && matches!(source[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
            end -= 1;
        }
        &source[at..end]
    }

    /// The string whose opening quote is token `i`; its escapes are checked here.
    #[inline]
    fn string(
        &self,
        i: usize,
        at: usize,
        field: Option<&dyn fmt::Display>,
    ) -> Result<JsonStr<'s>, InputError> {
        let token = self.token(i, at);
        // Stage 1 vouches that the string closes before the next token; anything else would be
        // a bug in this walker, reported as an error rather than a panic.
        let raw = match token {
            [b'"', raw @ .., b'"'] => raw,
            _ => {
                return Err(self
                    .doc
                    .syntax(at, "internal error: unterminated string token"))
            }
        };
        let escaped = at + token.len() > self.doc.plain_until && raw.contains(&b'\\');
        if escaped {
            if let Err((offset, problem)) = check_escapes(raw) {
                let at = at + 1 + offset;
                return Err(match field {
                    Some(path) => self.doc.syntax(at, format_args!("{path}: {problem}")),
                    None => self.doc.syntax(at, problem),
                });
            }
        }
        Ok(JsonStr { raw, escaped })
    }

    #[cold]
    fn unexpected(&self, at: usize, byte: u8, expected: &str) -> InputError {
        if at >= self.doc.source.len() {
            self.doc.syntax(at, "unexpected end of input")
        } else if byte.is_ascii_graphic() {
            self.doc.syntax(
                at,
                format_args!("expected {expected}, found '{}'", byte as char),
            )
        } else {
            self.doc.syntax(
                at,
                format_args!("expected {expected}, found byte 0x{byte:02x}"),
            )
        }
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the whole token.
#[inline]
pub(crate) fn is_json_number(text: &[u8]) -> bool {
    let mut i = usize::from(text.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < text.len() && text[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    match text.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if text.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == text.len()
}

const LONE_SURROGATE: &str = "invalid \\u escape (lone surrogate or bad code point)";
const BAD_ESCAPE: &str = "invalid escape sequence in a string";

/// Checks every escape of a string's raw content; the error carries the offending offset.
fn check_escapes(raw: &[u8]) -> Result<(), (usize, &'static str)> {
    let mut i = 0;
    while let Some(found) = raw[i..].iter().position(|&b| b == b'\\') {
        let at = i + found;
        match raw.get(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i = at + 2,
            Some(b'u') => i = at + unicode_escape(raw, at)?.1,
            _ => return Err((at, BAD_ESCAPE)),
        }
    }
    Ok(())
}

/// The code point of the `\uXXXX` escape (or surrogate pair) at `at`, and its length in bytes.
fn unicode_escape(raw: &[u8], at: usize) -> Result<(char, usize), (usize, &'static str)> {
    let first = hex4(raw, at + 2).ok_or((at, BAD_ESCAPE))?;
    let (code, len) = match first {
        0xD800..=0xDBFF => {
            if raw.get(at + 6) != Some(&b'\\') || raw.get(at + 7) != Some(&b'u') {
                return Err((at, LONE_SURROGATE));
            }
            let low = hex4(raw, at + 8).ok_or((at + 6, BAD_ESCAPE))?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err((at, LONE_SURROGATE));
            }
            (0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00), 12)
        }
        0xDC00..=0xDFFF => return Err((at, LONE_SURROGATE)),
        code => (code, 6),
    };
    char::from_u32(code)
        .map(|c| (c, len))
        .ok_or((at, LONE_SURROGATE))
}

fn hex4(raw: &[u8], at: usize) -> Option<u32> {
    let digits = raw.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some(acc * 16 + char::from(d).to_digit(16)?))
}

/// Decodes a string whose escapes [`check_escapes`] accepted, appending to `out`.
fn unescape_into(raw: &[u8], out: &mut Vec<u8>) {
    out.reserve(raw.len());
    let mut i = 0;
    while let Some(found) = raw[i..].iter().position(|&b| b == b'\\') {
        out.extend_from_slice(&raw[i..i + found]);
        let at = i + found;
        let simple = match raw.get(at + 1) {
            Some(b'b') => Some(b'\x08'),
            Some(b'f') => Some(b'\x0c'),
            Some(b'n') => Some(b'\n'),
            Some(b'r') => Some(b'\r'),
            Some(b't') => Some(b'\t'),
            Some(b'u') => None,
            Some(&other) => Some(other), // `"`, `\`, `/`
            None => return,
        };
        match simple {
            Some(byte) => {
                out.push(byte);
                i = at + 2;
            }
            None => match unicode_escape(raw, at) {
                Ok((c, len)) => {
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    i = at + len;
                }
                Err(_) => return, // unreachable: checked when the string was read
            },
        }
    }
    out.extend_from_slice(&raw[i..]);
}

/// Names the first problem stage 1 found, with its byte offset (a scalar re-scan: error path
/// only, stage 1 itself only says which kind of problem).
#[cold]
fn stage1_error(source: &[u8], kind: &simd_json::ErrorType, what: &str) -> InputError {
    use simd_json::ErrorType as T;
    let invalid = |problem: fmt::Arguments<'_>| InputError::invalid_json(what, problem);
    match kind {
        T::InputTooLarge => {
            InputError::new(ErrorCode::PayloadTooLarge, format!("{what} is too large"))
        }
        T::Eof => invalid(format_args!("unexpected end of input")),
        T::InvalidUtf8 => {
            let at = std::str::from_utf8(source)
                .err()
                .map_or(0, |e| e.valid_up_to());
            invalid(format_args!("invalid UTF-8 near byte {at}"))
        }
        _ => {
            // Either a raw control character inside a string, or a string left open.
            let (mut in_string, mut start, mut i) = (false, 0, 0);
            while i < source.len() {
                match (in_string, source[i]) {
                    (true, b'\\') => i += 1,
                    (true, b'"') => in_string = false,
                    (true, c) if c < 0x20 => {
                        return invalid(format_args!(
                            "raw control character 0x{c:02x} inside a string near byte {i}"
                        ))
                    }
                    (false, b'"') => {
                        in_string = true;
                        start = i;
                    }
                    _ => {}
                }
                i += 1;
            }
            if in_string {
                invalid(format_args!(
                    "unexpected end of input inside the string starting near byte {start}"
                ))
            } else {
                invalid(format_args!("syntax error"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every number's text, in document order.
    fn numbers(json: &str) -> Vec<String> {
        fn walk(c: &mut Cursor<'_, '_>, out: &mut Vec<String>) -> Result<(), InputError> {
            match c.value()? {
                Value::Object => c.members(|c, _| walk(c, out)),
                Value::Array => c.elements(|c, _| walk(c, out)),
                Value::Number(text) => {
                    out.push(String::from_utf8(text.to_vec()).unwrap());
                    Ok(())
                }
                _ => Ok(()),
            }
        }
        let mut parser = Parser::default();
        let doc = parser.parse(json.as_bytes(), "payload").unwrap();
        let mut out = Vec::new();
        doc.read(|c| walk(c, &mut out)).unwrap();
        out
    }

    fn error(json: &[u8]) -> String {
        let mut parser = Parser::default();
        match parser.parse(json, "payload") {
            Err(err) => err.message,
            Ok(doc) => doc.validate().unwrap_err().message,
        }
    }

    #[test]
    fn number_text_survives_escapes_nesting_and_whitespace() {
        let json = r#" { "a\n\"q" : [ 1 , {"b": "x\u00e9\n", "c": [[], {}, -0.10]} ], "d": 1e-3,
            "e": {"f": null, "g": true}, "h": 0.30000000000000001, "i": 18446744073709551616,
            "j": 1e400 } "#;
        assert_eq!(
            numbers(json),
            [
                "1",
                "-0.10",
                "1e-3",
                "0.30000000000000001",
                "18446744073709551616",
                "1e400"
            ]
        );
    }

    #[test]
    fn skipping_keeps_the_cursor_in_step() {
        let json = r#"{"skip": {"x": [1, 2, {"y": [3]}], "z": {}}, "keep": 42.50}"#;
        let mut parser = Parser::default();
        let doc = parser.parse(json.as_bytes(), "payload").unwrap();
        let mut seen = Vec::new();
        doc.read(|c| {
            assert_eq!(c.value()?, Value::Object);
            c.members(|c, key| {
                if key.eq_str("skip") {
                    c.skip()
                } else {
                    seen.push((key.text().into_owned(), c.value()?));
                    Ok(())
                }
            })
        })
        .unwrap();
        assert_eq!(seen, [("keep".to_owned(), Value::Number(b"42.50"))]);
    }

    #[test]
    fn strings_are_unescaped_on_request() {
        let json = br#"["plain", "a\"b\\c\/d\b\f\n\r\t", "\u00e9\ud83e\udd80\u0000"]"#;
        let mut parser = Parser::default();
        let doc = parser.parse(json, "payload").unwrap();
        let mut out = Vec::new();
        doc.read(|c| {
            c.value()?;
            c.elements(|c, _| match c.value()? {
                Value::String(s) => {
                    out.push(s.bytes().into_owned());
                    Ok(())
                }
                _ => unreachable!(),
            })
        })
        .unwrap();
        assert_eq!(out[0], b"plain");
        assert_eq!(out[1], b"a\"b\\c/d\x08\x0c\n\r\t");
        assert_eq!(out[2], "é🦀\0".as_bytes());
        assert!(matches!(doc.cursor().value(), Ok(Value::Array)));
    }

    #[test]
    fn grammar_is_checked_everywhere_with_positions() {
        for (json, expected) in [
            (&b"[1,]"[..], "expected a value, found ']' near byte 3"),
            (b"[01]", "invalid number near byte 1"),
            (b"[1.]", "invalid number near byte 1"),
            (b"[-]", "invalid number near byte 1"),
            (b"[1e]", "invalid number near byte 1"),
            (b"[1x]", "invalid number near byte 1"),
            (b"[tru]", "invalid literal"),
            (b"[truex]", "invalid literal"),
            (
                b"{\"a\" 1}",
                "expected ':' after an object key, found '1' near byte 5",
            ),
            (b"{1:2}", "expected a string key, found '1' near byte 1"),
            (b"[1 2]", "expected ',' or ']', found '2' near byte 3"),
            (
                b"{\"a\":1 \"b\":2}",
                "expected ',' or '}', found '\"' near byte 7",
            ),
            (
                b"[1] [2]",
                "trailing characters after the JSON value near byte 4",
            ),
            (
                b"[\"a\\x\"]",
                "invalid escape sequence in a string near byte 3",
            ),
            (
                b"[\"ab\\ud800\"]",
                "lone surrogate or bad code point) near byte 4",
            ),
            (b"[\"\\udc00\\ud800\"]", "lone surrogate"),
            (b"[\"\\u12g4\"]", "invalid escape sequence"),
            (
                b"[\"a\x01\"]",
                "raw control character 0x01 inside a string near byte 3",
            ),
            (b"[\"abc", "inside the string starting near byte 1"),
            (b"[1,\xff]", "invalid UTF-8 near byte 3"),
            (b"", "unexpected end of input"),
            (b"  ", "unexpected end of input"),
            (b"[1,", "unexpected end of input"),
            (b"[\x00]", "expected a value, found byte 0x00 near byte 1"),
        ] {
            let message = error(json);
            assert!(
                message.contains(expected),
                "{:?}: {message}",
                String::from_utf8_lossy(json)
            );
        }
    }

    #[test]
    fn depth_limit_matches_simd_json() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let mut parser = Parser::default();
        parser
            .parse(ok.as_bytes(), "payload")
            .unwrap()
            .validate()
            .unwrap();
        let message = error(deep.as_bytes());
        assert!(
            message.contains("nesting deeper than 1024 levels near byte 1024"),
            "{message}"
        );
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        for good in [
            "0",
            "-0",
            "1",
            "-12",
            "0.5",
            "1e5",
            "1E+5",
            "1e-5",
            "-0.0e0",
            "123.456e789",
        ] {
            assert!(is_json_number(good.as_bytes()), "{good}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "+1", "1e", "1e+", "1.e5", "0x1", "1 ", "--1", "NaN",
        ] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn parser_is_reusable_and_trims_huge_buffers() {
        let mut parser = Parser::default();
        let big = format!("[{}0]", "0,".repeat(RETAINED_INDEXES));
        parser
            .parse(big.as_bytes(), "payload")
            .unwrap()
            .validate()
            .unwrap();
        assert!(parser.indexes.capacity() > RETAINED_INDEXES);
        parser.trim();
        assert!(parser.indexes.capacity() <= RETAINED_INDEXES);
        assert!(parser
            .parse(b"[1,]", "payload")
            .unwrap()
            .validate()
            .is_err());
        assert_eq!(numbers("[3]"), ["3"]);
        parser.parse(b"{}", "payload").unwrap().validate().unwrap();
        // Trimmed back to the retained size, the buffer has nothing more to give.
        assert!(!parser.trim());
    }

    #[test]
    fn a_typical_batch_keeps_its_index_buffer() {
        // 100,000 tokens: a batch of ~8,000 transactions, well inside what is kept.
        let batch = format!("[{}0]", "0,".repeat(50_000));
        let mut parser = Parser::default();
        parser.parse(batch.as_bytes(), "payload").unwrap();
        let capacity = parser.indexes.capacity();
        assert!(!parser.trim());
        assert_eq!(parser.indexes.capacity(), capacity);
    }

    #[test]
    fn compact_keys_match_the_whole_quoted_key_and_its_colon() {
        let source = br#""amount":1,"id":"tx-1","amount":2,"Amount":3,"amount":4"#;
        let amount = CompactKey::new("amount");
        // At the start, in the middle (16 bytes readable at once), within 16 bytes of the end.
        assert_eq!(source.len(), 55);
        for at in [0, 23, 45] {
            assert!(source[at..].starts_with(b"\"amount\":"));
            assert!(amount.matches(source, at), "at {at}");
        }
        assert!(!amount.matches(source, 11)); // "id"
        assert!(!amount.matches(source, 34)); // "Amount": keys are case-sensitive
        assert!(!CompactKey::new("amounts").matches(source, 0));
        assert!(!CompactKey::new("amoun").matches(source, 0));
        assert!(!amount.matches(br#""amount""#, 0)); // no colon: the input ends
        let longest = CompactKey::new("transactionId");
        assert!(longest.matches(br#""transactionId":"x""#, 0));
        assert!(!longest.matches(br#""transactionID":"x""#, 0));
    }

    const TRANSACTION: [CompactKey; 3] = [
        CompactKey::new("id"),
        CompactKey::new("amount"),
        CompactKey::new("type"),
    ];

    fn shown(values: [Scalar<'_>; 3]) -> Vec<String> {
        values
            .iter()
            .map(|v| match v {
                Scalar::Str(s) => format!("str {}", String::from_utf8_lossy(s)),
                Scalar::Other(s) => format!("other {}", String::from_utf8_lossy(s)),
            })
            .collect()
    }

    /// What the compact fast path reads from each element of a root array, `None` where it
    /// leaves an element to the general path (which then reads it, to move on).
    fn compact_elements(json: &str) -> Vec<Option<Vec<String>>> {
        let mut out = Vec::new();
        each_element(json, |c| {
            match c.compact_object(&TRANSACTION) {
                Some(values) => {
                    out.push(Some(shown(values)));
                    c.skip_compact_object::<3>();
                }
                None => {
                    out.push(None);
                    c.skip()?;
                }
            }
            Ok(())
        });
        out
    }

    /// Parses `json`, a root array, and has `visit` read or skip each element.
    fn each_element(
        json: &str,
        mut visit: impl FnMut(&mut Cursor<'_, '_>) -> Result<(), InputError>,
    ) {
        let mut parser = Parser::default();
        let doc = parser.parse(json.as_bytes(), "payload").unwrap();
        doc.read(|c| {
            assert_eq!(c.value()?, Value::Array);
            c.elements(|c, _| visit(c))
        })
        .unwrap();
    }

    #[test]
    fn compact_objects_are_read_in_one_step_and_the_rest_left_to_the_general_path() {
        let read = compact_elements(concat!(
            r#"[{"id":"tx-1","amount":150.5,"type":"CREDIT"},"#,
            r#"{"id":"b","amount":-1e3,"type":""},"#,
            r#"{"id": "c","amount":1,"type":"x"},"#, // whitespace
            r#"{"amount":1,"id":"d","type":"x"},"#,  // another order
            r#"{"id":"e" ,"amount":1,"type":"x"},"#, // whitespace before a separator
            r#"{"id":["f"],"amount":1,"type":"x"},"#, // a container value
            r#"{"id":"g","amount":1,"type":"x","more":1},"#, // a fourth key
            r#"[1,2,3,4,5,6,7,8,9,10,11,12,13],"#,   // not an object
            r#"{"id":"h","amount":2,"type":"DEBIT"},"#,
            r#"{"id":"i\n","amount":1,"type":"x"},"#, // an escape: no plain strings from here
            r#"{"id":"j","amount":3,"type":"CREDIT"}]"#,
        ));
        let compact = |id: &str, amount: &str, kind: &str| {
            Some(vec![
                format!("str {id}"),
                format!("other {amount}"),
                format!("str {kind}"),
            ])
        };
        assert_eq!(
            read,
            vec![
                compact("tx-1", "150.5", "CREDIT"),
                compact("b", "-1e3", ""),
                None,
                None,
                None,
                None,
                None,
                None,
                compact("h", "2", "DEBIT"),
                None,
                None,
            ]
        );
    }

    /// Walks every container through `members` and `elements`, as the readers do.
    fn walk_all(c: &mut Cursor<'_, '_>) -> Result<(), InputError> {
        match c.value()? {
            Value::Object => c.members(|c, _| walk_all(c)),
            Value::Array => c.elements(|c, _| walk_all(c)),
            _ => Ok(()),
        }
    }

    #[test]
    fn nesting_counts_open_containers_not_the_ones_already_closed() {
        // More siblings than MAX_DEPTH, each visited, empty or not, then a value nested to
        // exactly the limit: every closed container must have given its level back.
        for sibling in ["{}", "[]", r#"{"a":1}"#, "[1]"] {
            let siblings = vec![sibling; MAX_DEPTH + 100].join(",");
            let deepest = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
            let json = format!("[{siblings},{deepest}]");
            let mut parser = Parser::default();
            let doc = parser.parse(json.as_bytes(), "payload").unwrap();
            let mut c = doc.cursor();
            walk_all(&mut c).unwrap_or_else(|e| panic!("{sibling}: {}", e.message));
            assert_eq!(c.depth, 0, "{sibling}");
        }
    }

    #[test]
    fn skipping_an_entered_container_moves_past_all_of_it() {
        // Each element read (a container is entered), then skipped: what a reader does with a
        // value of the wrong kind (API Gateway's content-type header as an object).
        let json = r#"[{"a":[1,{"b":2}],"c":{}},[[],[3]],{},[],"s",4]"#;
        let mut parser = Parser::default();
        let doc = parser.parse(json.as_bytes(), "payload").unwrap();
        let mut kinds = Vec::new();
        let mut c = doc.cursor();
        assert_eq!(c.value().unwrap(), Value::Array);
        c.elements(|c, _| {
            let value = c.value()?;
            kinds.push(value.kind());
            c.skip_entered(value)
        })
        .unwrap();
        c.finish().unwrap();
        assert_eq!(c.depth, 0);
        let object = "an object";
        let array = "an array";
        assert_eq!(
            kinds,
            [object, array, object, array, "a string", "a number"]
        );
    }

    /// The strings of a root array, as read: each value, and whether it was used in place.
    fn strings(json: &str) -> Vec<(Vec<u8>, bool)> {
        let mut out = Vec::new();
        each_element(json, |c| match c.value()? {
            Value::String(s) => {
                let bytes = s.bytes();
                out.push((bytes.to_vec(), matches!(bytes, Cow::Borrowed(_))));
                Ok(())
            }
            other => panic!("{}", other.kind()),
        });
        out
    }

    #[test]
    fn only_strings_with_escapes_are_unescaped_wherever_they_stand() {
        let read = strings(r#"["plain","a\nb","after",""]"#);
        let expected: [(&[u8], bool); 4] = [
            (b"plain", true),
            (b"a\nb", false),
            // After the document's first backslash, a string without one is still used in place.
            (b"after", true),
            (b"", true),
        ];
        let expected: Vec<_> = expected.iter().map(|(b, p)| (b.to_vec(), *p)).collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn a_root_string_has_its_escapes_checked() {
        // The string token at offset 0 is the one that holds the first backslash.
        assert!(
            error(br#""\x""#).contains(BAD_ESCAPE),
            "{}",
            error(br#""\x""#)
        );
        let mut parser = Parser::default();
        let doc = parser.parse(br#""a\u0041""#, "payload").unwrap();
        let text = doc
            .read(|c| match c.value()? {
                Value::String(s) => Ok::<_, InputError>(s.text().into_owned()),
                other => panic!("{}", other.kind()),
            })
            .unwrap();
        assert_eq!(text, "aA");
    }

    #[test]
    fn surrogate_pairs_decode_to_their_code_point_and_nothing_else_pairs() {
        let read = strings(r#"["\uD83D\uDE00","\uD800\uDC00","\uDBFF\uDFFF","x\u00e9"]"#);
        let text: Vec<String> = read
            .into_iter()
            .map(|(b, _)| String::from_utf8(b).unwrap())
            .collect();
        assert_eq!(text, ["\u{1F600}", "\u{10000}", "\u{10FFFF}", "x\u{e9}"]);
        // A high surrogate must be followed by `\u` and a low one: another escape does not pair.
        for lone in [
            br#"["\uD800\nDC00"]"#.as_slice(),
            br#"["\uD800xuDC00"]"#,
            br#"["\uD800\u0041"]"#,
        ] {
            let message = error(lone);
            assert!(message.contains(LONE_SURROGATE), "{message}");
        }
        // A bad low half is reported where it starts (the second `\u`, byte 8).
        let message = error(br#"["\uD800\uZZZZ"]"#);
        assert!(
            message.ends_with(&format!("{BAD_ESCAPE} near byte 8")),
            "{message}"
        );
    }

    #[test]
    fn stage1_errors_name_the_string_that_holds_the_problem() {
        for (json, expected) in [
            // An escaped quote does not close the string: the control character is inside it.
            (
                &b"[\"a\\\"b\x01\"]"[..],
                "raw control character 0x01 inside a string near byte 6",
            ),
            // A closing quote does: the open string is the second one.
            (
                b"[\"a\",\"b",
                "unexpected end of input inside the string starting near byte 5",
            ),
            // A space is not a control character: the string is merely left open.
            (
                b"[\"a b",
                "unexpected end of input inside the string starting near byte 1",
            ),
        ] {
            let message = error(json);
            assert!(
                message.ends_with(expected),
                "{}: {message}",
                String::from_utf8_lossy(json)
            );
        }
    }
}
