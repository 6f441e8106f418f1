//! Live TCP connections per process, and which of them go to Microsoft 365.
//!
//! Sockets and their owning PIDs come from `netstat2` on Linux (netlink + /proc) and Windows
//! (IP Helper), and from `lsof -F` on macOS. A connection counts as Microsoft 365 when its
//! remote port is 443 and its remote address is in the shipped `data/m365_ranges.txt`.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use crate::report::ConnectionCounts;

const SHIPPED_RANGES: &str = include_str!("../data/m365_ranges.txt");

/// Errors reading the socket table.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionsError {
    #[error("cannot list TCP sockets: {0}")]
    /// The OS refused to list the sockets, with its words.
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
    /// The remote address.
    pub remote: IpAddr,
    /// The remote port.
    pub remote_port: u16,
    /// The processes holding the socket (0 when the OS did not say).
    pub pids: Vec<u32>,
}

/// All established TCP connections of this computer, IPv4 and IPv6.
#[cfg(any(target_os = "linux", windows))]
pub fn established_connections() -> Result<Vec<TcpConnection>, ConnectionsError> {
    use netstat2::{AddressFamilyFlags, ProtocolFlags, ProtocolSocketInfo, TcpState};
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

/// All established TCP connections of this computer, from `lsof` (macOS ships it).
#[cfg(target_os = "macos")]
pub fn established_connections() -> Result<Vec<TcpConnection>, ConnectionsError> {
    let runner = crate::command::SystemRunner::default();
    established_with_lsof(&runner)
}

/// Other systems: not supported yet.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub fn established_connections() -> Result<Vec<TcpConnection>, ConnectionsError> {
    Err(ConnectionsError::Sockets(
        "listing sockets is not supported on this OS".to_owned(),
    ))
}

/// Runs `lsof -nP -iTCP -sTCP:ESTABLISHED -F pn` and parses it.
pub fn established_with_lsof(
    runner: &dyn crate::command::CommandRunner,
) -> Result<Vec<TcpConnection>, ConnectionsError> {
    match runner.run("lsof", &["-nP", "-iTCP", "-sTCP:ESTABLISHED", "-F", "pn"]) {
        Ok(out) => Ok(parse_lsof(&String::from_utf8_lossy(&out))),
        // lsof exits 1 when nothing matches.
        Err(crate::command::ToolError::Failed { .. }) => Ok(Vec::new()),
        Err(e) => Err(ConnectionsError::Sockets(e.to_string())),
    }
}

/// Parses `lsof -F pn`: `p<pid>` starts a process, `n<local>-><remote>` is a connection.
pub fn parse_lsof(text: &str) -> Vec<TcpConnection> {
    let mut out = Vec::new();
    let mut pid: Option<u32> = None;
    for line in text.lines() {
        if let Some(p) = line.strip_prefix('p') {
            pid = p.trim().parse().ok();
        } else if let (Some(n), Some(pid)) = (line.strip_prefix('n'), pid)
            && let Some((_, remote)) = n.split_once("->")
            && let Some((ip, port)) = split_host_port(remote.trim())
        {
            out.push(TcpConnection {
                remote: ip,
                remote_port: port,
                pids: vec![pid],
            });
        }
    }
    out
}

/// `1.2.3.4:443` or `[2603:1026::1]:443`.
fn split_host_port(s: &str) -> Option<(IpAddr, u16)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once("]:")?;
        (h, p)
    } else {
        s.rsplit_once(':')?
    };
    Some((host.parse().ok()?, port.parse().ok()?))
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
            // PID 0 is "unknown owner" (or the idle process), never a client.
            if *pid == 0 || !seen.insert(*pid) {
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
    fn lsof_output() {
        let text = "p812\nf12\nn192.168.1.5:50123->52.97.1.2:443\nf13\nn[2a02::5]:50124->[2603:1026::1]:443\np900\nf4\nn127.0.0.1:5->127.0.0.1:6\nnbroken\n";
        let c = parse_lsof(text);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].pids, vec![812]);
        assert_eq!(c[1].remote_port, 443);
        assert!(M365Ranges::shipped().is_m365(c[1].remote, c[1].remote_port));
        assert_eq!(c[2].pids, vec![900]);
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
