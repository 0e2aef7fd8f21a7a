//! Exact decimal money: amounts are read from the JSON number's *text* (never through `f64`),
//! held as fixed-point `i128` with 18 decimal places, and summed with overflow checks. Anything
//! that cannot be held exactly is an error, never a rounded value.

use std::fmt;

/// Decimal places kept exactly. 18 covers every currency and crypto-asset unit in use.
pub const SCALE: u32 = 18;
/// Amounts must be below 10^15 in magnitude (a quadrillion): far above any real transaction,
/// and small enough that 10^33 units times any batch Lambda can carry stays inside `i128`.
pub const MAX_INTEGER_DIGITS: u32 = 15;

const UNIT: i128 = 10i128.pow(SCALE);
/// Powers of ten up to 10^38: a table lookup instead of `pow` in the per-digit loop.
const POW10: [u128; 39] = {
    let mut table = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};
const LIMIT: i128 = 10i128.pow(SCALE + MAX_INTEGER_DIGITS);
/// More significant digits than this cannot fit the limits above, whatever the exponent.
const MAX_SIGNIFICANT_DIGITS: u32 = SCALE + MAX_INTEGER_DIGITS;

/// An exact amount: `units / 10^18`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Amount {
    units: i128,
}

/// Why an amount was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountError {
    /// Not a JSON number (the parser vouches for the grammar; this is defence in depth).
    NotANumber,
    /// Non-zero digits beyond the 18th decimal place: exact representation impossible.
    TooPrecise,
    /// Magnitude of 10^15 or more.
    OutOfRange,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountError::NotANumber => "is not a valid decimal number",
            AmountError::TooPrecise => {
                "has more than 18 decimal places and cannot be represented exactly"
            }
            AmountError::OutOfRange => "is out of range: its magnitude must be below 1e15",
        })
    }
}

impl Amount {
    pub const ZERO: Amount = Amount { units: 0 };

    /// Parses the text of a JSON number (`-?int(.frac)?([eE][+-]?exp)?`) exactly.
    #[inline]
    pub fn parse(text: &[u8]) -> Result<Amount, AmountError> {
        match Self::parse_plain(text) {
            Some(amount) => Ok(amount),
            None => Self::parse_any(text),
        }
    }

    /// [`Amount::parse_plain`] for text that must also be a JSON number on its own (no leading
    /// zeros): the walker's fast path, which skips the separate grammar check.
    #[inline(always)]
    pub(crate) fn parse_json_plain(text: &[u8]) -> Option<Amount> {
        match Self::parse_json_prefix(text) {
            Some((amount, used)) if used == text.len() => Some(amount),
            _ => None,
        }
    }

    /// The JSON number `-?(0|[1-9]d{0,14})(.d{1,18})?` at the start of `text`, and how many
    /// bytes it took. What follows is the caller's to check: a number ends at `,`, `}` or `]`,
    /// so `1e5`, `1.5.` or `12a` after this prefix are the caller's refusal, not this one's.
    #[inline(always)]
    pub(crate) fn parse_json_prefix(text: &[u8]) -> Option<(Amount, usize)> {
        let digits = text.strip_prefix(b"-").unwrap_or(text);
        if digits.first() == Some(&b'0') && digits.get(1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        Self::plain_prefix(text)
    }

    /// The common case, `-?d{1,15}(.d{1,18})?`, in two machine-word loops. Anything else
    /// (exponents, more digits, malformed text) is left to [`Amount::parse_any`], which has the
    /// final word, so this path only needs to be right about what it accepts.
    #[inline(always)]
    fn parse_plain(text: &[u8]) -> Option<Amount> {
        match Self::plain_prefix(text) {
            Some((amount, used)) if used == text.len() => Some(amount),
            _ => None,
        }
    }

    /// `-?d{1,15}(.d{1,18})?` at the start of `text` (leading zeros allowed), and its length.
    #[inline(always)]
    fn plain_prefix(text: &[u8]) -> Option<(Amount, usize)> {
        let (negative, digits) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        // Digits accumulate with wrapping arithmetic; the counts checked after each loop
        // reject any run long enough to have wrapped.
        let run = |from: usize| {
            let mut value: u64 = 0;
            let mut i = from;
            while let Some(digit) = digits.get(i).map(|c| c.wrapping_sub(b'0')) {
                if digit > 9 {
                    break;
                }
                value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
                i += 1;
            }
            (value, i - from)
        };
        let (integer, integer_digits) = run(0);
        if integer_digits == 0 || integer_digits > MAX_INTEGER_DIGITS as usize {
            return None;
        }
        let (fraction, fraction_digits) = match digits.get(integer_digits) {
            Some(b'.') => run(integer_digits + 1),
            _ => (0, 0),
        };
        let dot = digits.get(integer_digits) == Some(&b'.');
        if (dot && fraction_digits == 0) || fraction_digits > SCALE as usize {
            return None;
        }
        let used = usize::from(negative) + integer_digits + usize::from(dot) + fraction_digits;
        // integer < 10^15 and fraction < 10^18: the sum stays far below LIMIT and i128::MAX.
        let units = i128::from(integer) * UNIT
            + i128::from(fraction) * POW10[SCALE as usize - fraction_digits] as i128;
        Some((
            Amount {
                units: if negative { -units } else { units },
            },
            used,
        ))
    }

    /// Any JSON number's text, exactly: exponents, trailing zeros beyond 18 places, and the
    /// precise reason for a refusal.
    fn parse_any(text: &[u8]) -> Result<Amount, AmountError> {
        let mut i = 0;
        let negative = text.first() == Some(&b'-');
        if negative {
            i += 1;
        }
        let mut mantissa: u128 = 0;
        let mut significant: u32 = 0;
        // Zeros seen since the last non-zero digit, not yet multiplied into `mantissa`.
        let mut pending_zeros: u32 = 0;
        let mut fraction_digits: i64 = 0;
        let mut any_digit = false;
        let mut in_fraction = false;

        while i < text.len() {
            let c = text[i];
            match c {
                b'0'..=b'9' => {
                    any_digit = true;
                    if in_fraction {
                        fraction_digits += 1;
                    }
                    if c == b'0' {
                        if significant > 0 {
                            pending_zeros = pending_zeros.saturating_add(1);
                        }
                    } else {
                        let grow = pending_zeros + 1;
                        if significant + grow > MAX_SIGNIFICANT_DIGITS {
                            return Err(too_many_digits(text));
                        }
                        mantissa = mantissa * POW10[grow as usize] + u128::from(c - b'0');
                        significant += grow;
                        pending_zeros = 0;
                    }
                }
                b'.' if !in_fraction && any_digit => in_fraction = true,
                b'e' | b'E' if any_digit => break,
                _ => return Err(AmountError::NotANumber),
            }
            i += 1;
        }
        if !any_digit {
            return Err(AmountError::NotANumber);
        }
        let exponent = if i < text.len() {
            parse_exponent(&text[i + 1..])?
        } else {
            0
        };
        if mantissa == 0 {
            return Ok(Amount::ZERO); // 0, -0, 0.000, 0e999: all exactly zero
        }
        // value = mantissa * 10^(pending_zeros + exponent - fraction_digits)
        let shift = i64::from(pending_zeros) + exponent - fraction_digits + i64::from(SCALE);
        if shift < 0 {
            return Err(AmountError::TooPrecise);
        }
        // mantissa < 10^33; a shift that would push it past 10^33 is out of range.
        if shift > i64::from(MAX_SIGNIFICANT_DIGITS) {
            return Err(AmountError::OutOfRange);
        }
        let magnitude = mantissa
            .checked_mul(POW10[shift as usize])
            .ok_or(AmountError::OutOfRange)?;
        if magnitude >= LIMIT as u128 {
            return Err(AmountError::OutOfRange);
        }
        let units = magnitude as i128;
        Ok(Amount {
            units: if negative { -units } else { units },
        })
    }
}

/// The exponent part after `e`/`E`, saturated far beyond any exponent that could be accepted.
fn parse_exponent(text: &[u8]) -> Result<i64, AmountError> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(AmountError::NotANumber);
    }
    let mut value: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Err(AmountError::NotANumber);
        }
        value = (value * 10 + i64::from(c - b'0')).min(1_000_000);
    }
    Ok(if negative { -value } else { value })
}

/// Too many significant digits: say whether the integer part or the fraction is to blame.
fn too_many_digits(text: &[u8]) -> AmountError {
    let integer_digits = text
        .iter()
        .skip_while(|&&c| c == b'-' || c == b'0')
        .take_while(|c| c.is_ascii_digit())
        .count();
    let has_exponent = text.iter().any(|&c| c == b'e' || c == b'E');
    if integer_digits as u32 > MAX_INTEGER_DIGITS && !has_exponent {
        AmountError::OutOfRange
    } else {
        AmountError::TooPrecise
    }
}

/// A running exact sum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Total {
    units: i128,
}

/// The sum left `i128` (only reachable with about 170,000 amounts near 10^15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TotalOverflow;

impl Total {
    pub fn add(&mut self, amount: Amount) -> Result<(), TotalOverflow> {
        self.units = self.units.checked_add(amount.units).ok_or(TotalOverflow)?;
        Ok(())
    }
}

impl fmt::Display for Total {
    /// A JSON number with no exponent and no trailing zeros: `1301`, `650.5`, `0.3`, `-2.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.units)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.units)
    }
}

fn write_decimal(f: &mut fmt::Formatter<'_>, units: i128) -> fmt::Result {
    if units < 0 {
        f.write_str("-")?;
    }
    let magnitude = units.unsigned_abs();
    let unit = UNIT as u128;
    write!(f, "{}", magnitude / unit)?;
    let mut fraction = magnitude % unit;
    if fraction == 0 {
        return Ok(());
    }
    let mut width = SCALE as usize;
    while fraction.is_multiple_of(10) {
        fraction /= 10;
        width -= 1;
    }
    write!(f, ".{fraction:0width$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Amount, AmountError> {
        Amount::parse(s.as_bytes())
    }
    fn show(s: &str) -> String {
        parse(s).unwrap().to_string()
    }
    fn sum(items: &[&str]) -> String {
        let mut t = Total::default();
        for s in items {
            t.add(parse(s).unwrap()).unwrap();
        }
        t.to_string()
    }

    #[test]
    fn sums_exactly_in_decimal() {
        assert_eq!(sum(&["0.1", "0.2"]), "0.3");
        assert_eq!(sum(&["150.50", "1150.50"]), "1301");
        assert_eq!(sum(&["150.5", "500"]), "650.5");
        assert_eq!(sum(&[]), "0");
        assert_eq!(sum(&["-2.5", "0.25"]), "-2.25");
        assert_eq!(
            sum(&["0.000000000000000001", "0.000000000000000002"]),
            "0.000000000000000003"
        );
    }

    #[test]
    fn reads_every_json_number_form() {
        assert_eq!(show("0"), "0");
        assert_eq!(show("-0"), "0");
        assert_eq!(show("-0.0e7"), "0");
        assert_eq!(show("150.50"), "150.5");
        assert_eq!(show("1e2"), "100");
        assert_eq!(show("1.5E+3"), "1500");
        assert_eq!(show("12345e-4"), "1.2345");
        assert_eq!(show("0.1000000000000000000000"), "0.1");
        assert_eq!(
            show("999999999999999.999999999999999999"),
            "999999999999999.999999999999999999"
        );
        assert_eq!(show("-999999999999999"), "-999999999999999");
        assert_eq!(show("0e99999999999999999999"), "0");
        assert_eq!(show("100000000000000e0"), "100000000000000");
        // Leading zeros are not significant digits, however many there are.
        assert_eq!(
            show("0.000000000000000000000000000000000001e30"),
            "0.000001"
        );
        assert_eq!(
            show("-0.0000000000000000000000000000000000000012e39"),
            "-1.2"
        );
    }

    #[test]
    fn refuses_what_it_cannot_hold_exactly() {
        assert_eq!(parse("0.1000000000000000001"), Err(AmountError::TooPrecise));
        assert_eq!(parse("1e-19"), Err(AmountError::TooPrecise));
        assert_eq!(parse("1e-400"), Err(AmountError::TooPrecise));
        assert_eq!(parse("1e400"), Err(AmountError::OutOfRange));
        assert_eq!(parse("1e15"), Err(AmountError::OutOfRange));
        assert_eq!(parse("1000000000000000"), Err(AmountError::OutOfRange));
        assert_eq!(
            parse("123456789012345678901234567890123456789"),
            Err(AmountError::OutOfRange)
        );
        assert_eq!(
            parse("0.123456789012345678901234567890123456789"),
            Err(AmountError::TooPrecise)
        );
        assert_eq!(
            parse("-1e99999999999999999999"),
            Err(AmountError::OutOfRange)
        );
        // Too many digits: the integer part is to blame when it has more than 15 of them,
        // whatever they are and whatever the sign; otherwise (or with an exponent, which can
        // bring it into range) the precision is.
        for (text, reason) in [
            (
                "11111111111111111111111111111111111",
                AmountError::OutOfRange,
            ),
            (
                "-11111111111111111111111111111111111",
                AmountError::OutOfRange,
            ),
            (
                "123456789012345.1234567890123456789",
                AmountError::TooPrecise,
            ),
            (
                "1234567890123456789012345678901234e-30",
                AmountError::TooPrecise,
            ),
            (
                "1234567890123456789012345678901234E-30",
                AmountError::TooPrecise,
            ),
        ] {
            assert_eq!(parse(text), Err(reason), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for bad in [
            "", "-", ".5", "1.2.3", "NaN", "Infinity", "1e", "1e+", "0x10", "1 ",
        ] {
            assert_eq!(parse(bad), Err(AmountError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn plain_fast_path_agrees_with_the_general_reader() {
        for text in [
            "0",
            "-0",
            "7",
            "150.5",
            "150.50",
            "0.000000000000000001",
            "-75.25",
            "999999999999999",
            "999999999999999.999999999999999999",
            "1000000000000000",
            "1.0000000000000000001",
            "00.5",
            "1.",
            "-",
            "",
            ".5",
            "1e5",
            "12a",
        ] {
            let fast = Amount::parse_plain(text.as_bytes());
            let full = Amount::parse_any(text.as_bytes());
            if let Some(amount) = fast {
                assert_eq!(Ok(amount), full, "{text}");
            }
            assert_eq!(Amount::parse(text.as_bytes()), full, "{text}");
        }
        assert!(Amount::parse_plain(b"150.5").is_some());
        for (text, plain) in [
            ("0", true),
            ("-0.5", true),
            ("10", true),
            ("01", false),
            ("-00", false),
            ("1e2", false),
        ] {
            assert_eq!(
                Amount::parse_json_plain(text.as_bytes()).is_some(),
                plain,
                "{text}"
            );
        }
        assert!(Amount::parse_plain(b"1e5").is_none());
    }

    /// The fast path must take every amount written the common way (falling back would still be
    /// right, but slow), and leave everything else to the general reader.
    #[test]
    fn plain_fast_path_takes_every_common_amount() {
        for text in [
            "0",
            "-0",
            "7",
            "-7",
            "9",
            "90",
            "150.5",
            "-75.25",
            "0.09",
            "999999999999999",
            "-999999999999999.999999999999999999",
            "0.000000000000000001",
            "123456789012345.678901234567890123",
        ] {
            let plain = Amount::parse_plain(text.as_bytes());
            assert!(plain.is_some(), "{text} left the fast path");
            assert_eq!(
                plain.map(Ok),
                Some(Amount::parse_any(text.as_bytes())),
                "{text}"
            );
        }
        for text in [
            "1e5",
            "1000000000000000",
            "0.1000000000000000000",
            "1.",
            "1.5.",
            "-",
            "",
            ".5",
            "12a",
            "--1",
            "1.-5",
        ] {
            assert_eq!(Amount::parse_plain(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn total_overflow_is_an_error_not_a_wrap() {
        let big = parse("999999999999999.999999999999999999").unwrap();
        let mut t = Total::default();
        let mut overflowed = false;
        for _ in 0..200_000 {
            if t.add(big).is_err() {
                overflowed = true;
                break;
            }
        }
        assert!(overflowed);
    }
}
