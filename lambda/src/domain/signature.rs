//! The batch signature: lowercase hex SHA-256 of the credit IDs concatenated in input order.
//! AWS-LC picks the hardware path at run time (ARMv8 SHA2 instructions on Graviton, SHA-NI or
//! AVX2 on x86_64). IDs are gathered into a small stack buffer and hashed a block run at a
//! time: one FFI call per ~10-byte ID cost more than the hashing itself (see the `sha256`
//! criterion group), while no copy of the whole concatenation is ever built.

use aws_lc_rs::digest::{Context, SHA256};

/// 64 SHA-256 blocks: large enough to amortise each call into AWS-LC.
const CHUNK: usize = 4096;

pub struct Signer {
    context: Context,
    pending: [u8; CHUNK],
    len: usize,
}

impl Default for Signer {
    fn default() -> Self {
        Signer {
            context: Context::new(&SHA256),
            pending: [0; CHUNK],
            len: 0,
        }
    }
}

impl Signer {
    #[inline]
    pub fn update(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > CHUNK {
            self.flush();
            if bytes.len() >= CHUNK {
                self.context.update(bytes);
                return;
            }
        }
        self.pending[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    /// Hashes `text[..len]`; `text` may go on past it (a document's bytes after an ID), which
    /// lets an ID of up to 16 bytes be copied as one 16-byte word rather than through a
    /// variable-length copy. The bytes copied past `len` are overwritten by what comes next.
    #[inline(always)]
    pub fn update_prefix(&mut self, text: &[u8], len: usize) {
        const WORD: usize = 16;
        if len <= WORD {
            let word = text.first_chunk::<WORD>();
            let slot = self
                .pending
                .get_mut(self.len..)
                .and_then(<[u8]>::first_chunk_mut);
            if let (Some(word), Some(slot)) = (word, slot) {
                *slot = *word;
                self.len += len;
                return;
            }
        }
        self.update(&text[..len]);
    }

    fn flush(&mut self) {
        self.context.update(&self.pending[..self.len]);
        self.len = 0;
    }

    /// The 64-character lowercase hex digest.
    pub fn finish(mut self) -> [u8; 64] {
        self.flush();
        hex_lower(self.context.finish().as_ref())
    }
}

fn hex_lower(digest: &[u8]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn sign(ids: &[&str]) -> String {
        let mut s = Signer::default();
        ids.iter().for_each(|id| s.update(id.as_bytes()));
        String::from_utf8(s.finish().to_vec()).unwrap()
    }

    /// IDs handed over with the bytes that follow them, at every fill of the buffer (the word
    /// copy near its end, and IDs of 15 to 17 bytes around the word's size), sign as the IDs.
    #[test]
    fn ids_followed_by_more_text_sign_as_the_ids() {
        let ids: Vec<String> = (0..3000)
            .map(|i| "k".repeat(1 + i % 19) + &i.to_string())
            .collect();
        let mut signer = Signer::default();
        for id in &ids {
            let text = format!("{id}\",\"amount\":12.5,\"type\":\"CREDIT\"}}");
            signer.update_prefix(text.as_bytes(), id.len());
        }
        signer.update_prefix(b"end", 3);
        let expected = sha2::Sha256::digest((ids.concat() + "end").as_bytes());
        let expected: String = expected.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            String::from_utf8(signer.finish().to_vec()).unwrap(),
            expected
        );
    }

    #[test]
    fn seed_vector() {
        assert_eq!(
            sign(&["tx-1", "tx-3"]),
            "15f6e99f77968b2e9d2fadcf37ba573a10d0fa53adbed145af145ab44841c69f"
        );
    }

    #[test]
    fn no_credits_is_the_hash_of_nothing() {
        assert_eq!(
            sign(&[]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn matches_sha2_on_unicode_and_long_input() {
        let long = "é🦀".repeat(10_000);
        let near_chunk = "x".repeat(CHUNK - 3);
        let mut ids = vec![
            "tx-1",
            "ключ",
            long.as_str(),
            "\u{0}nul",
            near_chunk.as_str(),
            "abcd",
        ];
        let many: Vec<String> = (0..5_000).map(|i| format!("tx-{i}")).collect();
        ids.extend(many.iter().map(String::as_str));
        ids.push(near_chunk.as_str());
        let expected = sha2::Sha256::digest(ids.concat().as_bytes());
        let expected: String = expected.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(sign(&ids), expected);
    }
}
