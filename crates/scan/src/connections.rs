//! Live TCP connections per process, and which of them go to Microsoft 365.
//!
//! Sockets and their owning PIDs come from `netstat2` (netlink + /proc on Linux, IP Helper on
//! Windows, libproc on macOS). A connection counts as Microsoft 365 when its remote port is
//! 443 and its remote address is in the shipped `data/m365_ranges.txt`.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use netstat2::{AddressFamilyFlags, ProtocolFlags, ProtocolSocketInfo, TcpState};

use crate::report::ConnectionCounts;

const SHIPPED_RANGES: &str = include_str!("../data/m365_ranges.txt");

/// Errors reading the socket table.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionsError {
    #[error("cannot list TCP sockets: {0}")]
    Sockets(String),
}

/// Published Microsoft 365 address ranges with the date of the list.
#[derive(Debug, Clone, Default)]
pub struct M365Ranges {
    date: String,
    v4: Vec<(u32, u32)>,   // (network, mask)
    v6: Vec<(u128, u128)>, // (network, mask)
    bad_lines: usize,
}

impl M365Ranges {
    /// The list shipped in `data/m365_ranges.txt`.
    pub fn shipped() -> Self {
        Self::parse(SHIPPED_RANGES)
    }

    /// Parses the data file format: `# date: YYYY-MM-DD`, then one CIDR per line.
    pub fn parse(text: &str) -> Self {
        let mut r = Self::default();
        for line in text.lines() {
            let line = line.trim();
            if let Some(comment) = line.strip_prefix('#') {
                if let Some(d) = comment.trim().strip_prefix("date:") {
                    r.date = d.trim().to_owned();
                }
                continue;
            }
            let cidr = line.split('#').next().unwrap_or("").trim();
            if cidr.is_empty() {
                continue;
            }
            if !r.add(cidr) {
                r.bad_lines += 1;
            }
        }
        r
    }

    fn add(&mut self, cidr: &str) -> bool {
        let (addr, len) = cidr.split_once('/').unwrap_or((cidr, ""));
        let Ok(ip) = addr.trim().parse::<IpAddr>() else {
            return false;
        };
        match ip {
            IpAddr::V4(a) => {
                let len: u32 = if len.is_empty() {
                    32
                } else {
                    len.parse().unwrap_or(99)
                };
                if len > 32 {
                    return false;
                }
                let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
                self.v4.push((u32::from(a) & mask, mask));
            }
            IpAddr::V6(a) => {
                let len: u32 = if len.is_empty() {
                    128
                } else {
                    len.parse().unwrap_or(999)
                };
                if len > 128 {
                    return false;
                }
                let mask = if len == 0 {
                    0
                } else {
                    u128::MAX << (128 - len)
                };
                self.v6.push((u128::from(a) & mask, mask));
            }
        }
        true
    }

    /// Date of the list.
    pub fn date(&self) -> &str {
        &self.date
    }

    /// Number of ranges.
    pub fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// True when no range was read.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lines that were not a CIDR.
    pub fn bad_lines(&self) -> usize {
        self.bad_lines
    }

    /// Whether the address is in a range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match ip {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                self.v4.iter().any(|&(net, mask)| a & mask == net)
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                self.v6.iter().any(|&(net, mask)| a & mask == net)
            }
        }
    }

    /// A connection to `ip:port` is Microsoft 365 when it is HTTPS to a listed address.
    pub fn is_m365(&self, ip: IpAddr, port: u16) -> bool {
        port == 443 && self.contains(ip)
    }
}

/// One established TCP connection and the processes that hold it.
#[derive(Debug, Clone)]
pub struct TcpConnection {
    pub remote: IpAddr,
    pub remote_port: u16,
    pub pids: Vec<u32>,
}

/// All established TCP connections of this computer, IPv4 and IPv6.
pub fn established_connections() -> Result<Vec<TcpConnection>, ConnectionsError> {
    let sockets = netstat2::get_sockets_info(
        AddressFamilyFlags::IPV4 | AddressFamilyFlags::IPV6,
        ProtocolFlags::TCP,
    )
    .map_err(|e| ConnectionsError::Sockets(e.to_string()))?;
    Ok(sockets
        .into_iter()
        .filter_map(|s| match s.protocol_socket_info {
            ProtocolSocketInfo::Tcp(t) if t.state == TcpState::Established => Some(TcpConnection {
                remote: t.remote_addr,
                remote_port: t.remote_port,
                pids: s.associated_pids,
            }),
            _ => None,
        })
        .collect())
}

/// Counts connections per PID, for the PIDs asked about only.
pub fn count_by_pid(
    connections: &[TcpConnection],
    pids: &HashSet<u32>,
    ranges: &M365Ranges,
) -> HashMap<u32, ConnectionCounts> {
    let mut out: HashMap<u32, ConnectionCounts> = pids
        .iter()
        .map(|&p| (p, ConnectionCounts::default()))
        .collect();
    for c in connections {
        let m365 = ranges.is_m365(c.remote, c.remote_port);
        // A socket inherited by a child is listed under both: count it once per process.
        let mut seen = HashSet::new();
        for pid in &c.pids {
            if !seen.insert(*pid) {
                continue;
            }
            if let Some(counts) = out.get_mut(pid) {
                counts.established += 1;
                if m365 {
                    counts.microsoft_365 += 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_list_is_dated_and_classifies() {
        let r = M365Ranges::shipped();
        assert!(!r.date().is_empty());
        assert_eq!(r.bad_lines(), 0);
        assert!(r.len() > 20);
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        let Some(exo) = ip("52.97.1.2") else {
            panic!("ip")
        };
        assert!(r.is_m365(exo, 443));
        assert!(!r.is_m365(exo, 80));
        let Some(local) = ip("127.0.0.1") else {
            panic!("ip")
        };
        assert!(!r.is_m365(local, 443));
        let Some(v6) = ip("2603:1026:c0b::1") else {
            panic!("ip")
        };
        assert!(r.contains(v6));
        let Some(mapped) = ip("::ffff:40.97.1.1") else {
            panic!("ip")
        };
        assert!(r.contains(mapped));
    }

    #[test]
    fn bad_lines_are_counted() {
        let r = M365Ranges::parse("# date: x\n1.2.3.0/24\nnot-an-ip\n1.2.3.4/40\n::/0\n");
        assert_eq!(r.bad_lines(), 2);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn counts_per_pid() {
        let r = M365Ranges::parse("10.0.0.0/8");
        let conns = vec![
            TcpConnection {
                remote: IpAddr::from([10, 1, 1, 1]),
                remote_port: 443,
                pids: vec![1, 1],
            },
            TcpConnection {
                remote: IpAddr::from([10, 1, 1, 1]),
                remote_port: 993,
                pids: vec![1, 2],
            },
            TcpConnection {
                remote: IpAddr::from([8, 8, 8, 8]),
                remote_port: 443,
                pids: vec![3],
            },
        ];
        let counts = count_by_pid(&conns, &HashSet::from([1, 2]), &r);
        assert_eq!(
            counts.get(&1),
            Some(&ConnectionCounts {
                established: 2,
                microsoft_365: 1
            })
        );
        assert_eq!(
            counts.get(&2),
            Some(&ConnectionCounts {
                established: 1,
                microsoft_365: 0
            })
        );
        assert!(!counts.contains_key(&3));
    }
}
