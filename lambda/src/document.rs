//! A parsed JSON document: simd-json's tape (structure, unescaped strings borrowed in place)
//! walked in lockstep with its stage-1 structural indexes, so that a number's *original text*
//! can be read back from the source bytes. That text is what exact decimal parsing needs: the
//! tape only keeps an `f64`, which cannot tell 0.3 from 0.30000000000000001.
//!
//! Buffers (padded input copy, structural indexes, tape) live in a [`Parser`] and are reused
//! from one event to the next, so a warm invocation allocates nothing here.

use simd_json::{fill_tape_padded, Buffers, Node, StaticNode, Tape, INPUT_PADDING};

use crate::error::{json_error, ErrorCode, InputError};

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads every number in document order through the cursor.
    fn numbers(json: &str) -> Vec<String> {
        fn walk(c: &mut Cursor<'_, '_>, out: &mut Vec<String>) -> Result<(), InputError> {
            match c.value()? {
                Value::Object { len } => c.members(len, |c, _| walk(c, out)),
                Value::Array { len } => c.elements(len, |c, _| walk(c, out)),
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
        walk(&mut doc.cursor(), &mut out).unwrap();
        out
    }

    #[test]
    fn number_text_survives_escapes_nesting_and_whitespace() {
        let json = r#" { "a\n\"q" : [ 1 , {"b": "x\u00e9\n", "c": [[], {}, -0.10]} ], "d": 1e-3,
            "e": {"f": null, "g": true}, "h": 0.30000000000000001 } "#;
        assert_eq!(numbers(json), ["1", "-0.10", "1e-3", "0.30000000000000001"]);
    }

    #[test]
    fn skipping_keeps_the_cursor_in_step() {
        let json = r#"{"skip": {"x": [1, 2, {"y": [3]}], "z": {}}, "keep": 42.50}"#;
        let mut parser = Parser::default();
        let doc = parser.parse(json.as_bytes(), "payload").unwrap();
        let mut c = doc.cursor();
        let Value::Object { len } = c.value().unwrap() else {
            panic!()
        };
        let mut seen = Vec::new();
        c.members(len, |c, key| {
            if key == "skip" {
                c.skip()
            } else {
                seen.push((key.to_owned(), c.value()?));
                Ok(())
            }
        })
        .unwrap();
        assert_eq!(seen, [("keep".to_owned(), Value::Number(b"42.50"))]);
    }

    #[test]
    fn parser_is_reusable_across_documents() {
        let mut parser = Parser::default();
        for (json, first) in [
            ("[1.5]", "1.5"),
            (r#"{"k":"v","n":[7]}"#, "7"),
            ("[3]", "3"),
        ] {
            let doc = parser.parse(json.as_bytes(), "payload").unwrap();
            let mut c = doc.cursor();
            let mut found = None;
            fn first_number<'s>(
                c: &mut Cursor<'_, 's>,
                found: &mut Option<&'s [u8]>,
            ) -> Result<(), InputError> {
                match c.value()? {
                    Value::Object { len } => c.members(len, |c, _| first_number(c, found)),
                    Value::Array { len } => c.elements(len, |c, _| first_number(c, found)),
                    Value::Number(t) => {
                        found.get_or_insert(t);
                        Ok(())
                    }
                    _ => Ok(()),
                }
            }
            first_number(&mut c, &mut found).unwrap();
            assert_eq!(found.unwrap(), first.as_bytes());
        }
    }

    #[test]
    fn malformed_json_is_reported_with_a_position() {
        let mut parser = Parser::default();
        let err = parser.parse(b"[1,]", "payload").err().unwrap();
        assert_eq!(err.code, ErrorCode::InvalidJson);
        assert!(
            err.message.starts_with("payload is not valid JSON"),
            "{}",
            err.message
        );
        let err = parser.parse(b"", "body").err().unwrap();
        assert_eq!(
            err.message,
            "body is not valid JSON: unexpected end of input"
        );
        // The parser still works after a failure.
        assert!(parser.parse(b"{}", "payload").is_ok());
    }
}
