//! A list of users from a CSV file for admin mode: an export from the Entra admin center,
//! Exchange or a spreadsheet. Forgiving about the shape (header or none, `,` `;` or tab,
//! quotes, a BOM, CRLF, blank lines, `Name <address>`), strict about the addresses, and
//! bounded: at most [`CSV_MAX_ROWS`] rows are read, the rest are counted and reported.
//! Nothing here fails: every line that is not used says why.

use std::collections::HashMap;

use serde::Serialize;
use words::{Lang, Words};

pub use crate::limits::{CSV_MAX_BYTES, CSV_MAX_ROWS, CSV_MAX_SKIPPED};
/// The quoted text of a skipped line is cut to this many characters.
const TEXT_MAX: usize = 200;

/// Entra ID limits a user principal name to 113 characters, 64 of them before the `@`.
const UPN_MAX: usize = 113;
const LOCAL_MAX: usize = 64;

/// Why a line gave no user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// The same address (ignoring case) came earlier.
    Duplicate,
    /// The cell is not a valid user name (`user@domain`).
    InvalidAddress,
    /// The line has no value in the column read.
    MissingAddress,
    /// A quoted field never closes (the file is cut or malformed).
    UnclosedQuote,
}

/// A line of the file that gave no user, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct SkippedLine {
    /// 1-based line number in the file (where the row starts).
    pub line: u32,
    /// The line as written (cut to 200 characters).
    pub text: String,
    /// Why it was skipped, as a code.
    pub kind: SkipKind,
    /// In words, for the UI and the CLI.
    pub reason: String,
}

/// What a CSV of users gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UpnImport {
    /// Valid, distinct addresses in file order, as written (case kept).
    pub upns: Vec<String>,
    /// The lines skipped, with why (the first 1,000).
    pub skipped: Vec<SkippedLine>,
    /// Skipped lines beyond the first 1,000, not listed.
    pub more_skipped: u32,
    /// The column read: its header, or "column 1" when the file has none (in the
    /// language the file was read in).
    pub column: String,
    /// Whether the first line was a header.
    pub had_header: bool,
    /// Rows after the first 10,000 that were not read.
    pub rows_not_read: u32,
    /// One sentence for the UI.
    pub summary: String,
}

/// Header names of a user column, best first (compared without case, spaces, `_`, `-`).
const UPN_HEADERS: [&str; 5] = ["userprincipalname", "upn", "signinname", "username", "user"];
const MAIL_HEADERS: [&str; 6] = [
    "emailaddress",
    "email",
    "mail",
    "primarysmtpaddress",
    "windowsemailaddress",
    "address",
];

/// Why a value is not a valid user principal name: typed, worded in the reader's language
/// by [`UpnProblem::words`] (its `Display` is the English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpnProblem {
    /// Nothing at all.
    Empty,
    /// Longer than the 113 characters Entra ID allows.
    TooLong,
    /// Has spaces in it.
    Spaces,
    /// Has characters outside ASCII.
    NotAscii,
    /// No `@`.
    NotAddress,
    /// More than one `@`.
    ManyAt,
    /// The part before `@` is empty or longer than 64 characters.
    LocalLength,
    /// The part before `@` has characters or dots that are not allowed.
    LocalCharacters,
    /// The domain is not a valid domain name.
    Domain(String),
}

impl UpnProblem {
    /// The problem in words, in `lang`.
    pub fn words(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        match self {
            Self::Empty => w.t("cloud.upn.empty", &[]),
            Self::TooLong => w.t("cloud.upn.too_long", &[("max", &UPN_MAX)]),
            Self::Spaces => w.t("cloud.upn.spaces", &[]),
            Self::NotAscii => w.t("cloud.upn.not_ascii", &[]),
            Self::NotAddress => w.t("cloud.upn.not_address", &[]),
            Self::ManyAt => w.t("cloud.upn.many_at", &[]),
            Self::LocalLength => w.t("cloud.upn.local_length", &[("max", &LOCAL_MAX)]),
            Self::LocalCharacters => w.t("cloud.upn.local_characters", &[]),
            Self::Domain(domain) => w.t("cloud.upn.domain", &[("domain", domain)]),
        }
    }
}

/// The English words (logs, the CLI).
impl std::fmt::Display for UpnProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.words(Lang::En))
    }
}

/// Why `value` is not a valid user principal name, or `None` when it is one. Checks the
/// shape Entra ID accepts: `local@domain.tld`, ASCII, at most 113 characters.
pub fn upn_problem(value: &str) -> Option<UpnProblem> {
    if value.is_empty() {
        return Some(UpnProblem::Empty);
    }
    if value.chars().count() > UPN_MAX {
        return Some(UpnProblem::TooLong);
    }
    if value.chars().any(char::is_whitespace) {
        return Some(UpnProblem::Spaces);
    }
    if !value.is_ascii() {
        return Some(UpnProblem::NotAscii);
    }
    let Some((local, domain)) = value.split_once('@') else {
        return Some(UpnProblem::NotAddress);
    };
    if domain.contains('@') {
        return Some(UpnProblem::ManyAt);
    }
    if local.is_empty() || local.len() > LOCAL_MAX {
        return Some(UpnProblem::LocalLength);
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-'!#^~+$%&*/=?{|}`".contains(c));
    if !local_ok || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some(UpnProblem::LocalCharacters);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let labels_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
    if !labels_ok {
        return Some(UpnProblem::Domain(domain.to_owned()));
    }
    None
}

/// A directory object id (a GUID), which Graph accepts wherever a UPN goes.
pub fn is_object_id(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The address in a cell: trimmed, without `mailto:`, and the part in `<...>` of
/// `Lee Gu <lee.gu@contoso.com>`.
fn address_in(cell: &str) -> String {
    let mut v = cell.trim();
    if let (Some(open), true) = (v.rfind('<'), v.ends_with('>')) {
        v = v[open + 1..v.len() - 1].trim();
    }
    if v.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
    {
        v = v[7..].trim();
    }
    v.to_owned()
}

fn header_rank(cell: &str) -> Option<usize> {
    let norm: String = cell
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    UPN_HEADERS
        .iter()
        .chain(MAIL_HEADERS.iter())
        .position(|h| *h == norm)
}

/// One CSV record (a row), with where it starts.
#[derive(Debug)]
struct Record {
    line: u32,
    fields: Vec<String>,
    raw: String,
    unclosed: bool,
}

/// RFC 4180 records, with quoted fields that may hold the delimiter, `""` and newlines.
struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    delim: char,
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let start_line = self.line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = self.text[start..].char_indices().peekable();
        let mut end = self.text.len();
        let mut next_pos = self.text.len();
        while let Some((i, c)) = chars.next() {
            let at = start + i;
            if quoted {
                match c {
                    '"' if chars.peek().is_some_and(|(_, n)| *n == '"') => {
                        field.push('"');
                        chars.next();
                    }
                    '"' => quoted = false,
                    '\n' => {
                        self.line += 1;
                        field.push(c);
                    }
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.trim().is_empty() => {
                    field.clear();
                    quoted = true;
                }
                c if c == self.delim => fields.push(std::mem::take(&mut field)),
                '\r' if chars.peek().is_some_and(|(_, n)| *n == '\n') => {}
                '\n' | '\r' => {
                    self.line += 1;
                    end = at;
                    next_pos = at + c.len_utf8();
                    break;
                }
                c => field.push(c),
            }
        }
        fields.push(field);
        self.pos = next_pos;
        let raw = self.text[start..end].trim_end_matches('\r').to_owned();
        Some(Record {
            line: start_line,
            fields,
            raw,
            unclosed: quoted,
        })
    }
}

/// The delimiter of the first line: the most frequent of `,` `;` and tab outside quotes.
fn detect_delimiter(first_line: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in first_line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
            entry.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map(|(d, _)| *d)
        .unwrap_or(',')
}

fn cut(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= TEXT_MAX {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(TEXT_MAX).collect();
    out.push('…');
    out
}

fn is_blank(r: &Record) -> bool {
    r.fields.iter().all(|f| f.trim().is_empty())
}

/// Reads the users of a CSV (or plain list, one per line), its sentences in `lang`. See
/// the module docs. [`parse_upn_csv`] for text handed in over IPC or read from a file:
/// refused past [`CSV_MAX_BYTES`] with `input_too_large` before any of it is parsed.
pub fn import_upn_csv(text: &str, lang: Lang) -> Result<UpnImport, crate::CloudError> {
    crate::limits::check(crate::error::Oversized::CsvFile, text, CSV_MAX_BYTES)?;
    Ok(parse_upn_csv(text, lang))
}

/// Reads the users of a CSV (or plain list, one per line); the summary, the skipped lines' reasons
/// and a column without a header ("column 1") are worded in `lang`.
pub fn parse_upn_csv(text: &str, lang: Lang) -> UpnImport {
    let w = Words::of(lang);
    let nth_column = |i: usize| w.t("cloud.csv.column", &[("n", &(i + 1))]);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let delim = detect_delimiter(first_line);
    let mut records = Records {
        text,
        pos: 0,
        line: 1,
        delim,
    }
    .filter(|r| !is_blank(r))
    .peekable();

    // Which column, and is the first row a header?
    let mut column = 0usize;
    let mut had_header = false;
    let mut label = nth_column(0);
    let mut lookahead: Vec<Record> = Vec::new();
    if let Some(first) = records.next() {
        let ranked = first
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| header_rank(f).map(|r| (r, i)))
            .min();
        let address_at = first
            .fields
            .iter()
            .position(|f| upn_problem(&address_in(f)).is_none());
        match (ranked, address_at) {
            (Some((_, i)), _) => {
                had_header = true;
                column = i;
                label = first.fields[i].trim().to_owned();
            }
            (None, Some(i)) => {
                column = i;
                label = nth_column(i);
                lookahead.push(first);
            }
            (None, None) if first.fields.len() > 1 && !first.unclosed => {
                // A header we do not know: take the first column holding addresses.
                had_header = true;
                while lookahead.len() < 50 {
                    match records.next() {
                        Some(r) => lookahead.push(r),
                        None => break,
                    }
                }
                column = (0..first.fields.len())
                    .find(|&c| {
                        lookahead.iter().any(|r| {
                            r.fields
                                .get(c)
                                .is_some_and(|f| upn_problem(&address_in(f)).is_none())
                        })
                    })
                    .unwrap_or(0);
                label = first
                    .fields
                    .get(column)
                    .map(|f| f.trim().to_owned())
                    .filter(|f| !f.is_empty())
                    .unwrap_or_else(|| nth_column(column));
            }
            (None, None) if !first.unclosed && !first.raw.contains('@') => {
                // One column whose first row is a word ("Users"): its header.
                had_header = true;
                label = first.fields[0].trim().to_owned();
            }
            (None, None) => {
                // A broken first row, not a header: reported like any other.
                lookahead.push(first);
            }
        }
    }

    let mut upns = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut skipped = Vec::new();
    let mut more_skipped = 0u32;
    let mut skip = |line: &Record, kind: SkipKind, reason: String| {
        if skipped.len() < CSV_MAX_SKIPPED {
            skipped.push(SkippedLine {
                line: line.line,
                text: cut(&line.raw),
                kind,
                reason,
            });
        } else {
            more_skipped = more_skipped.saturating_add(1);
        }
    };
    let mut all = lookahead.into_iter().chain(records);
    for record in all.by_ref().take(CSV_MAX_ROWS) {
        if record.unclosed {
            skip(
                &record,
                SkipKind::UnclosedQuote,
                w.t("cloud.csv.unclosed_quote", &[]),
            );
            continue;
        }
        let cell = record.fields.get(column).map(String::as_str).unwrap_or("");
        let value = address_in(cell);
        if value.is_empty() {
            skip(
                &record,
                SkipKind::MissingAddress,
                w.t("cloud.csv.no_address", &[("column", &label)]),
            );
            continue;
        }
        if let Some(problem) = upn_problem(&value) {
            skip(
                &record,
                SkipKind::InvalidAddress,
                w.t(
                    "cloud.csv.invalid",
                    &[("value", &cut(&value)), ("problem", &problem.words(lang))],
                ),
            );
            continue;
        }
        let key = value.to_ascii_lowercase();
        if let Some(first) = seen.get(&key) {
            skip(
                &record,
                SkipKind::Duplicate,
                w.t("cloud.csv.duplicate", &[("line", first)]),
            );
            continue;
        }
        seen.insert(key, record.line);
        upns.push(value);
    }
    // Count what was left unread without keeping it.
    let rows_not_read: u32 = all.count().try_into().unwrap_or(u32::MAX);
    let total_skipped = skipped.len() as u32 + more_skipped;
    let mut parts = vec![w.count("cloud.csv.read", upns.len() as u64, &[("column", &label)])];
    if total_skipped > 0 {
        parts.push(w.count("cloud.csv.skipped", u64::from(total_skipped), &[]));
    }
    if rows_not_read > 0 {
        parts.push(w.t(
            "cloud.csv.rows_not_read",
            &[("max", &CSV_MAX_ROWS), ("n", &rows_not_read)],
        ));
    }
    let summary = format!("{}.", parts.join("; "));
    UpnImport {
        upns,
        skipped,
        more_skipped,
        column: label,
        had_header,
        rows_not_read,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_user_names() {
        for ok in [
            "lee.gu@contoso.com",
            "o'neil@contoso.co.uk",
            "a+b@x.io",
            "john_fabrikam.com#EXT#@contoso.onmicrosoft.com",
        ] {
            assert_eq!(upn_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "lee",
            "lee@",
            "@contoso.com",
            "lee gu@contoso.com",
            "lee@@contoso.com",
            "lee@contoso",
            "lee@contoso.",
            "lee@-contoso.com",
            ".lee@contoso.com",
            "le..e@contoso.com",
            "lée@contoso.com",
            "lee@contoso.123",
        ] {
            assert!(upn_problem(bad).is_some(), "{bad}");
        }
        let long = format!("{}@contoso.com", "a".repeat(65));
        assert!(upn_problem(&long).is_some());
        assert!(is_object_id("b0000001-5a1e-4c00-8000-000000000001"));
        assert!(!is_object_id("lee@contoso.com"));
    }

    #[test]
    fn user_name_problems_are_worded_in_spanish() {
        for bad in [
            "",
            "lee",
            "lee gu@contoso.com",
            "lee@@contoso.com",
            "lee@contoso",
            ".lee@contoso.com",
            "lée@contoso.com",
            &"a".repeat(120),
            &format!("{}@contoso.com", "a".repeat(65)),
        ] {
            let problem = upn_problem(bad).expect("a problem");
            let es = problem.words(Lang::Es);
            assert!(
                words::english_left(&es, Lang::Es).is_empty() && es != problem.to_string(),
                "{bad}: {es}"
            );
        }
        assert_eq!(
            upn_problem("lee@contoso").map(|p| p.words(Lang::Es)),
            Some("«contoso» no es un dominio válido".to_owned())
        );
        assert_eq!(
            upn_problem("lee@contoso").map(|p| p.to_string()),
            Some("'contoso' is not a valid domain".to_owned())
        );
    }

    #[test]
    fn a_plain_list_without_header() {
        let r = parse_upn_csv("lee.gu@contoso.com\nadele@contoso.com\n", Lang::En);
        assert_eq!(r.upns, ["lee.gu@contoso.com", "adele@contoso.com"]);
        assert!(!r.had_header);
        assert_eq!(r.column, "column 1");
        assert!(r.skipped.is_empty());
        assert_eq!(r.summary, "2 users read from column 1.");
    }

    #[test]
    fn a_header_picks_the_upn_column_and_quotes_bom_and_crlf_are_handled() {
        let text = "\u{feff}DisplayName,Mail,UserPrincipalName\r\n\
                    \"Gu, Lee\",lee@mail.example,lee.gu@contoso.com\r\n\
                    \r\n\
                    \"Vance, \"\"Adele\"\"\",,ADELE@contoso.com\r\n";
        let r = parse_upn_csv(text, Lang::En);
        assert!(r.had_header);
        assert_eq!(r.column, "UserPrincipalName");
        assert_eq!(r.upns, ["lee.gu@contoso.com", "ADELE@contoso.com"]);
        assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    }

    #[test]
    fn an_email_header_and_semicolons() {
        let r = parse_upn_csv(
            "Name;E-mail\nLee;lee@contoso.com\nAdele;Adele Vance <adele@contoso.com>\n",
            Lang::En,
        );
        assert_eq!(r.column, "E-mail");
        assert_eq!(r.upns, ["lee@contoso.com", "adele@contoso.com"]);
    }

    #[test]
    fn a_one_word_header_on_a_single_column() {
        let r = parse_upn_csv("Users\nlee@contoso.com\n", Lang::En);
        assert!(r.had_header);
        assert_eq!(r.column, "Users");
        assert_eq!(r.upns, ["lee@contoso.com"]);
        assert!(r.skipped.is_empty());
    }

    #[test]
    fn an_unknown_header_takes_the_first_column_with_addresses() {
        let r = parse_upn_csv(
            "Who\tLogin\nLee\tlee@contoso.com\nAdele\tadele@contoso.com\n",
            Lang::En,
        );
        assert!(r.had_header);
        assert_eq!(r.column, "Login");
        assert_eq!(r.upns.len(), 2);
    }

    #[test]
    fn duplicates_invalid_and_missing_are_skipped_with_line_numbers() {
        let text = "upn,note\n\
                    lee@contoso.com,first\n\
                    LEE@Contoso.com,again\n\
                    not-an-address,x\n\
                    ,empty\n\
                    \n\
                    adele@contoso.com\n";
        let r = parse_upn_csv(text, Lang::En);
        assert_eq!(r.upns, ["lee@contoso.com", "adele@contoso.com"]);
        let kinds: Vec<(u32, SkipKind)> = r.skipped.iter().map(|s| (s.line, s.kind)).collect();
        assert_eq!(
            kinds,
            [
                (3, SkipKind::Duplicate),
                (4, SkipKind::InvalidAddress),
                (5, SkipKind::MissingAddress)
            ]
        );
        assert_eq!(r.skipped[0].reason, "duplicate of line 2");
        assert_eq!(r.skipped[0].text, "LEE@Contoso.com,again");
        assert!(r.skipped[1].reason.contains("not-an-address"));
        assert!(r.summary.contains("3 lines skipped"), "{}", r.summary);
    }

    #[test]
    fn quoted_newlines_keep_line_numbers_and_an_unclosed_quote_is_reported() {
        let text =
            "upn,comment\n\"lee@contoso.com\",\"two\nlines\"\nbad@contoso.com,\"never closed\n";
        let r = parse_upn_csv(text, Lang::En);
        assert_eq!(r.upns, ["lee@contoso.com"]);
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.skipped[0].line, 4, "the row after a two-line row");
        assert_eq!(r.skipped[0].kind, SkipKind::UnclosedQuote);
    }

    #[test]
    fn empty_and_blank_inputs_give_nothing_without_error() {
        for text in ["", "\u{feff}", "\n\n\r\n", " , \n"] {
            let r = parse_upn_csv(text, Lang::En);
            assert!(r.upns.is_empty() && r.skipped.is_empty(), "{text:?}: {r:?}");
        }
    }

    #[test]
    fn huge_inputs_are_bounded_and_the_rest_is_counted() {
        let mut text = String::from("UserPrincipalName\n");
        for i in 0..12_500 {
            text.push_str(&format!("user{i}@contoso.com\n"));
        }
        // Invalid rows in bulk: listed up to the cap, counted beyond.
        let r = parse_upn_csv(&text, Lang::En);
        assert_eq!(r.upns.len(), CSV_MAX_ROWS);
        assert_eq!(r.rows_not_read, 2_500);
        assert!(r.summary.contains("2500 more were not"), "{}", r.summary);
        let bad: String = (0..3_000).map(|i| format!("bad{i}\n")).collect();
        let r = parse_upn_csv(&format!("upn\n{bad}"), Lang::En);
        assert_eq!(r.skipped.len(), CSV_MAX_SKIPPED);
        assert_eq!(r.more_skipped, 2_000);
        let long = format!("upn\n{}\n", "x".repeat(5_000));
        let r = parse_upn_csv(&long, Lang::En);
        assert!(r.skipped[0].text.chars().count() <= TEXT_MAX + 1);
    }
}
