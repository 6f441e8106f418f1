//! Many ordinary users for admin mode: `user001@domain`... with real-looking names, a PC
//! each, a phone for every other one, and a few recent sign-ins, so search, activity and
//! bulk revokes have something to show in tests and in the demo.

use std::time::Duration;

use crate::tenant::{HOUR, Tenant, demo_sign_ins, device};
use crate::users::{User, UserKind};

/// First names of Microsoft's own demo tenants; none of them is "Lee", so a search for
/// "lee" finds Lee Gu alone.
const FIRST: [&str; 15] = [
    "Adele",
    "Alex",
    "Diego",
    "Grady",
    "Henrietta",
    "Isaiah",
    "Joni",
    "Lidia",
    "Lynne",
    "Miriam",
    "Nestor",
    "Patti",
    "Pradeep",
    "Johanna",
    "Irvin",
];
const LAST: [&str; 9] = [
    "Vance",
    "Wilber",
    "Siciliani",
    "Archie",
    "Mueller",
    "Langer",
    "Sherman",
    "Holloway",
    "Robinson",
];

/// The display name of bulk user `i` (1-based). Unique for the first 135 users: the
/// surname steps by 7 (coprime with 9) each time the first names wrap round.
pub(crate) fn bulk_display_name(i: usize) -> String {
    let k = i.saturating_sub(1);
    format!(
        "{} {}",
        FIRST[k % FIRST.len()],
        LAST[(k / FIRST.len() + k) % LAST.len()]
    )
}

impl Tenant {
    /// Adds `n` ordinary work users `user001@domain`... (use this *or*
    /// [`with_extra_users`](Self::with_extra_users), which adds bare users with the same
    /// UPNs). Each has a display name ("Adele Vance"), a Windows PC, a phone for every
    /// other user, and 3 to 8 sign-ins on those devices.
    pub fn with_bulk_users(mut self, n: usize) -> Self {
        for i in 1..=n {
            // GUID-shaped, and unique in the first 8 characters (sign-in ids use them).
            let id = format!("b{i:07}-5a1e-4c00-8000-{i:012}");
            let upn = format!("user{i:03}@{}", self.domain);
            let name = bulk_display_name(i);
            let user = User::new(&id, &upn, &name, UserKind::Member);
            let first = name
                .split(' ')
                .next()
                .unwrap_or("USER")
                .to_ascii_uppercase();
            let pc = format!("{first}-PC{i:03}");
            let n_dev = 1000 + 2 * i as u32;
            self.devices.push(device(
                &id,
                n_dev,
                &pc,
                ("Windows", "10.0.22631.4460"),
                if i % 3 == 0 { "ServerAd" } else { "AzureAd" },
                Duration::from_secs((1 + i as u64 % 30) * HOUR),
                true,
                true,
            ));
            let phone = (i % 2 == 1).then(|| {
                let (label, os) = if i % 4 == 1 {
                    ("iPhone", ("iOS", "18.1"))
                } else {
                    ("Pixel 8", ("Android", "15.0"))
                };
                let name = format!("{} {label}", name.split(' ').next().unwrap_or("User"));
                self.devices.push(device(
                    &id,
                    n_dev + 1,
                    &name,
                    os,
                    "Workplace",
                    Duration::from_secs((2 + i as u64 % 40) * HOUR),
                    false,
                    true,
                ));
                name
            });
            let mut sign_ins = demo_sign_ins(&user, 3 + i % 6);
            for s in &mut sign_ins {
                // The generator names the demo admin's devices; use this user's own.
                if s.device_name.is_empty() {
                    continue;
                }
                let mobile = s.operating_system.starts_with("Ios")
                    || s.operating_system.starts_with("Android");
                s.device_name = match (&phone, mobile) {
                    (Some(p), true) => p.clone(),
                    (None, true) => String::new(),
                    _ => pc.clone(),
                };
            }
            self.sign_ins.extend(sign_ins);
            self.users.push(user);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn bulk_users_are_unique_and_have_devices_and_sign_ins() {
        let t = Tenant::demo().with_bulk_users(135);
        let names: HashSet<String> = (1..=135).map(bulk_display_name).collect();
        assert_eq!(names.len(), 135, "display names are unique");
        let ids: HashSet<&str> = t.users.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids.len(), t.users.len());
        let sign_in_ids: HashSet<&str> = t.sign_ins.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(sign_in_ids.len(), t.sign_ins.len());
        let device_ids: HashSet<&str> = t.devices.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(device_ids.len(), t.devices.len());
        let u1 = t.user_by_upn("user001@contoso.example").expect("user001");
        assert_eq!(u1.display_name, "Adele Vance");
        assert_eq!(
            t.devices
                .iter()
                .filter(|d| d.owner_user_id == u1.id)
                .count(),
            2
        );
        assert!(t.sign_ins.iter().any(|s| s.user_id == u1.id));
        assert!(
            !t.sign_ins
                .iter()
                .filter(|s| s.user_id == u1.id)
                .any(|s| s.device_name.contains("MEGAN")),
            "bulk users sign in on their own devices"
        );
    }
}
