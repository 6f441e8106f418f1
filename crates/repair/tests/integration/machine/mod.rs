//! The registry a crash test changes: a `.reg` file store on Linux and macOS, the live
//! registry under a scratch key on Windows (and Wine). Both seen through the same calls.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use registry::RegTree;
use repair::RegistryLayout;

/// The shared parent of every scratch key.
const PARENT: &str = "HKEY_CURRENT_USER\\Software\\SessionDoctorTest";

#[cfg(not(windows))]
pub type Writer = repair::registry::RegFileStore;
#[cfg(windows)]
pub type Writer = repair::registry::LiveRegistry;

pub struct Machine {
    root: String,
    file: PathBuf,
    /// Removes the scratch key on drop (the parent's handle, not the child's).
    owner: bool,
}

impl Machine {
    /// A new machine seeded with `seed(layout)`, unique to `tag` and this process.
    pub fn create(dir: &Path, tag: &str, seed: &dyn Fn(&RegistryLayout) -> RegTree) -> Machine {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let root = format!("{PARENT}\\{tag}-{}-{nanos}", std::process::id());
        let m = Machine {
            root,
            file: dir.join("pc.reg"),
            owner: true,
        };
        let layout = m.layout();
        let tree = seed(&layout);
        m.seed(&layout, &tree);
        m
    }

    /// The machine a parent created, seen from the child.
    pub fn attach(dir: &Path, root: &str) -> Machine {
        Machine {
            root: root.to_owned(),
            file: dir.join("pc.reg"),
            owner: false,
        }
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    pub fn layout(&self) -> RegistryLayout {
        RegistryLayout::under(&self.root)
    }
}

#[cfg(not(windows))]
impl Machine {
    fn seed(&self, _layout: &RegistryLayout, tree: &RegTree) {
        repair::registry::RegFileStore::create(&self.file, tree).expect("store");
    }

    pub fn writer(&self) -> Writer {
        repair::registry::RegFileStore::open(&self.file).expect("store")
    }

    /// The bytes of the whole registry file.
    pub fn state(&self, _tmp: &Path) -> Vec<u8> {
        std::fs::read(&self.file).expect("read store")
    }
}

#[cfg(windows)]
impl Machine {
    fn seed(&self, layout: &RegistryLayout, tree: &RegTree) {
        use repair::registry::RegistryWriter;
        Writer::new()
            .replace_tree(&layout.office_root, Some(tree))
            .expect("seed the live registry");
    }

    pub fn writer(&self) -> Writer {
        Writer::new()
    }

    /// `reg export` of the scratch key: what regedit would show, read by another program.
    pub fn state(&self, tmp: &Path) -> Vec<u8> {
        let file = tmp.join("state.reg");
        for attempt in 0..5 {
            let _ = std::fs::remove_file(&file);
            let ok = std::process::Command::new("reg")
                .args(["export", &self.root])
                .arg(&file)
                .arg("/y")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok && let Ok(bytes) = std::fs::read(&file) {
                return bytes;
            }
            // Under Wine the first start of a tool sometimes fails although the call is valid.
            std::thread::sleep(std::time::Duration::from_millis(300 * (attempt + 1)));
        }
        panic!("reg export {} failed", self.root);
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        #[cfg(windows)]
        if self.owner {
            use repair::registry::RegistryWriter;
            let mut live = Writer::new();
            let _ = live.replace_tree(&self.root, None);
            if live
                .subkeys(PARENT)
                .ok()
                .flatten()
                .is_some_and(|k| k.is_empty())
            {
                let _ = live.replace_tree(PARENT, None);
            }
        }
    }
}
