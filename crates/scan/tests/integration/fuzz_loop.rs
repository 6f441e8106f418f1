//! The oracle of the `registry` fuzz target (`fuzz/fuzz_targets/registry.rs`) on stable Rust: a deterministic
//! mutation loop (byte flips, inserts of format tokens, truncation, splicing) over the seed
//! exports, in both encodings. `SCAN_FUZZ_ITERS` sets the number of executions (default
//! 20,000, about a second in release).

use std::path::PathBuf;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "\\\r\n",
    "\\\n",
    "[",
    "]",
    "[-",
    "\"",
    "\\\"",
    "=",
    "@=",
    "hex:",
    "hex(7):",
    "hex(2):",
    "hex(b):",
    "hex(ffffffff):",
    "dword:",
    "dword:fffffffff",
    ",",
    "=-",
    "\r\n",
    "\0",
    "\u{feff}",
    "9375CFF0413111d3B88A00104B2A6676",
    "clsid",
    "Service UID",
    "00036601",
    "LoadBehavior",
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\",
];

fn seeds() -> Vec<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/fixtures", "../../fuzz/seeds/registry"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "reg")
                    && let Ok(b) = std::fs::read(e.path())
                {
                    out.push(b);
                }
            }
        }
    }
    out
}

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        match rng.below(6) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let i = rng.below(b.len() + 1);
                // Insert as UTF-16 half the time so tokens land in UTF-16 files too.
                if rng.below(2) == 0 {
                    let w: Vec<u8> = t.iter().flat_map(|&c| [c, 0]).collect();
                    b.splice(i..i, w);
                } else {
                    b.splice(i..i, t.iter().copied());
                }
            }
            2 if !b.is_empty() => {
                let n = rng.below(b.len());
                b.truncate(n);
            }
            3 if !b.is_empty() => {
                let i = rng.below(b.len());
                let n = rng.below(64).min(b.len() - i);
                b.drain(i..i + n);
            }
            4 if !other.is_empty() => {
                let i = rng.below(b.len() + 1);
                let s = rng.below(other.len());
                let n = rng.below(256).min(other.len() - s);
                b.splice(i..i, other[s..s + n].iter().copied());
            }
            _ => {
                let i = rng.below(b.len() + 1);
                let byte = (rng.next() & 0xff) as u8;
                b.insert(i, byte);
            }
        }
    }
    b
}

#[test]
fn mutation_loop_never_panics_or_breaks_invariants() {
    let seeds = seeds();
    assert!(seeds.len() >= 3, "seed exports present");
    let iters: usize = std::env::var("SCAN_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mut rng = Rng(0x5eed_0f5e_5510);
    let mut corpus = seeds.clone();
    for n in 0..iters {
        let a = rng.below(corpus.len());
        let o = rng.below(corpus.len());
        let input = mutate(&mut rng, &corpus[a], &corpus[o]);
        if let Err(e) = scan::registry::fuzz_check(&input) {
            let path = std::env::temp_dir().join(format!("scan-fuzz-crash-{n}.reg"));
            let _ = std::fs::write(&path, &input);
            panic!("iteration {n}: {e} (input saved to {})", path.display());
        }
        // Keep some mutants so mutations stack, bounded in size and count.
        if input.len() < 64 * 1024 && rng.below(8) == 0 {
            if corpus.len() < 256 {
                corpus.push(input);
            } else {
                let i = seeds.len() + rng.below(corpus.len() - seeds.len());
                corpus[i] = input;
            }
        }
    }
    eprintln!("fuzz loop: {iters} executions");
}
