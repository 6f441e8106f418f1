//! Secrets longer than one keyring entry holds, kept as numbered parts under a header.
//!
//! Windows Credential Manager keeps at most 2,560 bytes per credential (1,280 UTF-16 code
//! units, as the keyring crate stores passwords), and Microsoft does not bound its token
//! lengths: refresh tokens of 3,000 to 4,000 characters are common. So every value is
//! stored as `NAME` = a header naming how many parts there are and how long the whole is,
//! and `NAME.part1` .. `NAME.partN` holding the text. Parts are written before the header,
//! so a crash mid-save leaves either the old header (whose length check then fails and the
//! sign-in reads as damaged, never as a wrong token) or the new one.

/// What starts a header value. Tokens never start so (they are base64url or JWTs).
const HEADER_PREFIX: &str = "session-doctor-parts:v1:";

/// More parts than this is a damaged header, not a token (64 x 1,200 = 76,800 chars).
pub(super) const MAX_PARTS: usize = 64;

/// A parsed header: how many parts, and how many chars the joined value has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    pub parts: usize,
    pub chars: usize,
}

/// What a stored `NAME` value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Stored {
    /// A header: read the parts.
    Parts(Header),
    /// A value written before parts existed (one entry): the value itself.
    Whole(String),
    /// Looks like a header but cannot be one.
    Damaged,
}

pub(super) fn header(parts: usize, chars: usize) -> String {
    format!("{HEADER_PREFIX}{parts}:{chars}")
}

pub(super) fn parse(value: String) -> Stored {
    let Some(rest) = value.strip_prefix(HEADER_PREFIX) else {
        return Stored::Whole(value);
    };
    let mut fields = rest.split(':');
    let (Some(parts), Some(chars), None) = (fields.next(), fields.next(), fields.next()) else {
        return Stored::Damaged;
    };
    match (parts.parse::<usize>(), chars.parse::<usize>()) {
        (Ok(parts), Ok(chars)) if (1..=MAX_PARTS).contains(&parts) => {
            Stored::Parts(Header { parts, chars })
        }
        _ => Stored::Damaged,
    }
}

pub(super) fn part_name(name: &str, index: usize) -> String {
    format!("{name}.part{index}")
}

/// Splits `value` on char boundaries into parts of at most `max_utf16` UTF-16 code units
/// (what Windows counts). An empty value is one empty part.
pub(super) fn split(value: &str, max_utf16: usize) -> Vec<&str> {
    let max = max_utf16.max(2); // room for one surrogate pair
    let mut parts = Vec::new();
    let mut start = 0;
    let mut units = 0;
    for (i, c) in value.char_indices() {
        if units + c.len_utf16() > max {
            parts.push(&value[start..i]);
            start = i;
            units = 0;
        }
        units += c.len_utf16();
    }
    parts.push(&value[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_respects_the_limit_and_joins_back() {
        let token = "0.AXoA".repeat(600); // 3,600 chars
        let parts = split(&token, 1200);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= 1200));
        assert_eq!(parts.concat(), token);
        assert_eq!(split("", 1200), vec![""]);
        assert_eq!(split("abc", 1200), vec!["abc"]);
    }

    #[test]
    fn split_never_cuts_a_char_or_a_surrogate_pair() {
        let text = "é😀a".repeat(500);
        let parts = split(&text, 7);
        assert!(parts.iter().all(|p| p.encode_utf16().count() <= 7));
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn headers_round_trip_and_bad_ones_are_damaged() {
        assert_eq!(
            parse(header(3, 3600)),
            Stored::Parts(Header {
                parts: 3,
                chars: 3600
            })
        );
        assert_eq!(
            parse("0.AXoA-old".into()),
            Stored::Whole("0.AXoA-old".into())
        );
        for bad in ["0", "x:1", "1", "1:2:3", "65:10", "-1:4", "3:"] {
            assert_eq!(
                parse(format!("{HEADER_PREFIX}{bad}")),
                Stored::Damaged,
                "{bad}"
            );
        }
    }
}
