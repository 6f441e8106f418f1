//! The server limits behind the error and the dates of EWS's retirement, from ONE data file
//! (`data/limits.json`), each with its source. Not to be confused with `limits.rs`, which
//! bounds what the UI and CLI hand in.
//!
//! Why a data file: the numbers are facts from Microsoft's documentation (or, where marked,
//! from user reports), and they change; kept next to their sources they can be checked and
//! updated without reading code, and a test holds every entry to having a source.
//!
//! Honest numbers: nobody can list Exchange Online's live sessions of a mailbox, so what the
//! app counts is connections from this PC. A number is shown against a limit ("N of LIMIT")
//! only where it is `documented` for that service; for Exchange Online MAPI Microsoft
//! publishes none, and the app says so.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::decoder::Limit;

/// The data file, compiled in.
const DATA: &str = include_str!("../data/limits.json");

/// Where a limit applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Exchange Online (Microsoft 365).
    ExchangeOnline,
    /// Exchange Server in the organisation's own data centre.
    ExchangeOnPremises,
}

/// How sure the number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LimitStatus {
    /// Microsoft documents the number for this service.
    Documented,
    /// Users and vendors report it; Microsoft does not document it. Shown as "about".
    Reported,
    /// Microsoft publishes no number for this service.
    NotPublished,
}

/// A document a fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct LimitSource {
    /// The source's title.
    pub title: String,
    /// Its address.
    pub url: String,
}

/// One limit for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct LimitEntry {
    /// The limit.
    pub limit: Limit,
    /// At which service.
    pub service: Service,
    /// The number; `None` when not published.
    pub number: Option<u32>,
    /// Documented, reported, or not published.
    pub status: LimitStatus,
    /// What the number means, in words.
    pub note: String,
    /// Where it comes from.
    pub source: LimitSource,
}

/// A calendar day, `YYYY-MM-DD` (UTC), ordered. Dates here are only ever compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: u16,
    month: u8,
    day: u8,
}

impl Day {
    /// `None` unless `text` is a real `YYYY-MM-DD` day (months of 31 days at most; the
    /// data file's dates are checked by a test, so rough validity is enough here).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let day = Self {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        ((1..=12).contains(&day.month) && (1..=31).contains(&day.day)).then_some(day)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Self {
        let stamp = platform::time::rfc3339(std::time::SystemTime::now());
        // rfc3339 starts with the date; a clock before 1970 gives 1970-01-01, never a panic.
        stamp.get(..10).and_then(Self::parse).unwrap_or(Self {
            year: 1970,
            month: 1,
            day: 1,
        })
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Microsoft's announced EWS retirement in Exchange Online.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct EwsRetirementData {
    blocked_by_default_from: String,
    off_for_everyone_from: String,
    note: String,
    source: LimitSource,
}

/// Where EWS stands in Exchange Online on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EwsPhase {
    /// Before the first date: EWS works as before.
    Allowed,
    /// Blocked unless an administrator allowed the app.
    BlockedByDefault,
    /// Off for everyone: no EWS client connects to Exchange Online.
    Off,
}

/// Microsoft's dates for retiring EWS in Exchange Online.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EwsRetirement {
    /// From this day EWS is blocked unless the tenant allows it.
    pub blocked_by_default_from: Day,
    /// From this day EWS is off for everyone.
    pub off_for_everyone_from: Day,
    /// What it means, in words.
    pub note: String,
    /// Where it comes from.
    pub source: LimitSource,
}

impl EwsRetirement {
    /// The phase on `today`: the rule takes the day so each phase can be tested.
    pub fn phase(&self, today: Day) -> EwsPhase {
        if today >= self.off_for_everyone_from {
            EwsPhase::Off
        } else if today >= self.blocked_by_default_from {
            EwsPhase::BlockedByDefault
        } else {
            EwsPhase::Allowed
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    /// The file's own description, for people reading it.
    #[serde(rename = "about")]
    _about: String,
    limits: Vec<LimitEntry>,
    ews_retirement: EwsRetirementData,
}

/// The parsed data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLimits {
    /// Every limit with its source.
    pub limits: Vec<LimitEntry>,
    /// EWS's retirement dates.
    pub ews: EwsRetirement,
}

/// Why the data file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// The file is not JSON of the expected shape.
    #[error("limits data is not valid JSON of the expected shape: {0}")]
    Shape(String),
    /// A date is not `YYYY-MM-DD`.
    #[error("limits data has a bad date {0:?} (expected YYYY-MM-DD)")]
    Date(String),
    /// The EWS dates are out of order.
    #[error("limits data: the EWS dates are out of order")]
    DatesOutOfOrder,
}

impl ServiceLimits {
    /// Parses a data file's text (the shipped one is [`ServiceLimits::shipped`]).
    pub fn parse(text: &str) -> Result<Self, DataError> {
        let data: Data = serde_json::from_str(text).map_err(|e| DataError::Shape(e.to_string()))?;
        let day = |s: &str| Day::parse(s).ok_or_else(|| DataError::Date(s.to_owned()));
        let ews = EwsRetirement {
            blocked_by_default_from: day(&data.ews_retirement.blocked_by_default_from)?,
            off_for_everyone_from: day(&data.ews_retirement.off_for_everyone_from)?,
            note: data.ews_retirement.note,
            source: data.ews_retirement.source,
        };
        if ews.blocked_by_default_from >= ews.off_for_everyone_from {
            return Err(DataError::DatesOutOfOrder);
        }
        Ok(Self {
            limits: data.limits,
            ews,
        })
    }

    /// The shipped data, parsed once. Its test guarantees it parses; were it ever broken,
    /// the app would show no numbers at all (every limit "not published") rather than panic
    /// or show a wrong one.
    pub fn shipped() -> &'static Self {
        static SHIPPED: LazyLock<ServiceLimits> = LazyLock::new(|| {
            ServiceLimits::parse(DATA).unwrap_or_else(|_| ServiceLimits {
                limits: Vec::new(),
                ews: EwsRetirement {
                    // Far future: with broken data, nothing is called retired.
                    blocked_by_default_from: Day {
                        year: 9998,
                        month: 1,
                        day: 1,
                    },
                    off_for_everyone_from: Day {
                        year: 9999,
                        month: 1,
                        day: 1,
                    },
                    note: String::new(),
                    source: LimitSource {
                        title: String::new(),
                        url: String::new(),
                    },
                },
            })
        });
        &SHIPPED
    }

    /// The entry for `limit` at `service`, if the file has one.
    pub fn entry(&self, limit: Limit, service: Service) -> Option<&LimitEntry> {
        self.limits
            .iter()
            .find(|e| e.limit == limit && e.service == service)
    }

    /// The number to show against `limit` at `service`: only a documented one.
    pub fn documented_number(&self, limit: Limit, service: Service) -> Option<u32> {
        self.entry(limit, service)
            .filter(|e| e.status == LimitStatus::Documented)
            .and_then(|e| e.number)
    }

    /// The number known for `limit` at `service`, documented or reported (the decoder names
    /// it for a message that came from that service).
    pub fn known_number(&self, limit: Limit, service: Service) -> Option<u32> {
        self.entry(limit, service)
            .filter(|e| e.status != LimitStatus::NotPublished)
            .and_then(|e| e.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> ServiceLimits {
        ServiceLimits::parse(DATA).expect("the shipped limits data parses")
    }

    #[test]
    fn every_entry_has_a_source() {
        let data = shipped();
        assert!(!data.limits.is_empty());
        for e in &data.limits {
            assert!(
                !e.source.title.trim().is_empty(),
                "{e:?} has no source title"
            );
            assert!(
                e.source.url.starts_with("https://"),
                "{e:?} has no https source"
            );
            assert!(!e.note.trim().is_empty(), "{e:?} has no note");
            match e.status {
                // A documented number comes from Microsoft's own documentation.
                LimitStatus::Documented => {
                    let host = e.source.url["https://".len()..]
                        .split('/')
                        .next()
                        .unwrap_or_default();
                    assert!(
                        host == "learn.microsoft.com"
                            || host == "support.microsoft.com"
                            || host == "techcommunity.microsoft.com",
                        "{e:?}: a documented number needs a Microsoft source"
                    );
                    assert!(e.number.is_some(), "{e:?}");
                }
                LimitStatus::Reported => assert!(e.number.is_some(), "{e:?}"),
                LimitStatus::NotPublished => assert_eq!(e.number, None, "{e:?}"),
            }
        }
        assert!(data.ews.source.url.starts_with("https://"));
        assert!(!data.ews.source.title.is_empty());
    }

    #[test]
    fn one_entry_per_limit_and_service() {
        let data = shipped();
        for (i, a) in data.limits.iter().enumerate() {
            for b in &data.limits[i + 1..] {
                assert!(
                    !(a.limit == b.limit && a.service == b.service),
                    "{a:?} twice"
                );
            }
        }
    }

    #[test]
    fn the_numbers_the_issue_names() {
        let data = shipped();
        use Service::*;
        assert_eq!(
            data.documented_number(Limit::MapiSessionsPerUser, ExchangeOnPremises),
            Some(32)
        );
        // Not published for Exchange Online: no number to count against.
        assert_eq!(
            data.documented_number(Limit::MapiSessionsPerUser, ExchangeOnline),
            None
        );
        assert_eq!(
            data.entry(Limit::MapiSessionsPerUser, ExchangeOnline)
                .map(|e| e.status),
            Some(LimitStatus::NotPublished)
        );
        assert_eq!(
            data.documented_number(Limit::EwsConcurrency, ExchangeOnline),
            Some(27)
        );
        assert_eq!(
            data.documented_number(Limit::MobileDevicePartnerships, ExchangeOnline),
            Some(100)
        );
        // IMAP: as reported, never as documented.
        assert_eq!(
            data.documented_number(Limit::ImapConnections, ExchangeOnline),
            None
        );
        assert_eq!(
            data.known_number(Limit::ImapConnections, ExchangeOnline),
            Some(20)
        );
    }

    #[test]
    fn ews_phases_follow_the_announced_dates() {
        let ews = &shipped().ews;
        let day = |s| Day::parse(s).expect("day");
        assert_eq!(ews.phase(day("2026-09-30")), EwsPhase::Allowed);
        assert_eq!(ews.phase(day("2026-10-01")), EwsPhase::BlockedByDefault);
        // The issue's today.
        assert_eq!(ews.phase(day("2026-12-02")), EwsPhase::BlockedByDefault);
        assert_eq!(ews.phase(day("2027-03-31")), EwsPhase::BlockedByDefault);
        assert_eq!(ews.phase(day("2027-04-01")), EwsPhase::Off);
    }

    #[test]
    fn bad_data_is_an_error_not_a_panic() {
        assert!(matches!(
            ServiceLimits::parse("{"),
            Err(DataError::Shape(_))
        ));
        let bad_date = DATA.replace("2026-10-01", "1 October 2026");
        assert_eq!(
            ServiceLimits::parse(&bad_date),
            Err(DataError::Date("1 October 2026".to_owned()))
        );
        let swapped = DATA
            .replace("2026-10-01", "XXXX")
            .replace("2027-04-01", "2026-10-01")
            .replace("XXXX", "2027-04-01");
        assert_eq!(
            ServiceLimits::parse(&swapped),
            Err(DataError::DatesOutOfOrder)
        );
        let unknown_field = DATA.replace(
            "\"note\": \"The Exchange store",
            "\"note2\": \"x\", \"note\": \"The Exchange store",
        );
        assert!(matches!(
            ServiceLimits::parse(&unknown_field),
            Err(DataError::Shape(_))
        ));
    }

    #[test]
    fn days_parse_strictly_and_order() {
        assert!(Day::parse("2026-12-02").is_some());
        for bad in [
            "",
            "2026-1-02",
            "2026-13-01",
            "2026-12-32",
            "20a6-12-02",
            "2026-12-02x",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert!(Day::parse("2026-12-02") < Day::parse("2027-01-01"));
        assert_eq!(
            Day::parse("2026-12-02").expect("day").to_string(),
            "2026-12-02"
        );
        // The clock's day is a real day.
        assert!(Day::parse(&Day::today().to_string()).is_some());
    }
}
