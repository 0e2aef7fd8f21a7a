//! The business rule: keep the `CREDIT` transactions, total them exactly, sign their IDs.

use crate::domain::error::{ErrorCode, InputError};
use crate::domain::money::{Amount, Total};
use crate::domain::payload::Transaction;
use crate::domain::signature::Signer;

/// The only transaction type that counts, compared case-sensitively.
pub(crate) const CREDIT: &[u8; 6] = b"CREDIT";

#[derive(Default)]
pub struct CreditSummary {
    total: Total,
    signer: Signer,
    count: usize,
}

/// The finished summary, ready to render.
pub struct Summary {
    pub total: Total,
    pub signature: [u8; 64],
    pub credit_count: usize,
}

impl CreditSummary {
    #[inline]
    pub fn add(&mut self, index: usize, tx: &Transaction<'_>) -> Result<(), InputError> {
        // A fixed-size compare: no call into memcmp for a six-byte word.
        if <[u8; 6]>::try_from(&*tx.kind).map_or(true, |kind| kind != *CREDIT) {
            return Ok(());
        }
        self.add_credit(index, &tx.id, tx.id.len(), tx.amount)
    }

    /// Counts transaction `index`, already known to be a credit, whose ID is `id[..id_len]`
    /// (`id` may go on with the document's bytes after it: see [`Signer::update_prefix`]).
    #[inline(always)]
    pub(crate) fn add_credit(
        &mut self,
        index: usize,
        id: &[u8],
        id_len: usize,
        amount: Amount,
    ) -> Result<(), InputError> {
        self.total.add(amount).map_err(|_| {
            InputError::new(
                ErrorCode::TotalOutOfRange,
                format!(
                    "totalCredit: the exact sum leaves the supported range at transactions[{index}]"
                ),
            )
        })?;
        self.signer.update_prefix(id, id_len);
        self.count += 1;
        Ok(())
    }

    pub fn finish(self) -> Summary {
        Summary {
            total: self.total,
            signature: self.signer.finish(),
            credit_count: self.count,
        }
    }
}
