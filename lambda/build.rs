//! Only for static musl builds, linked by zig through cargo-lambda: the shipped arm64 bootstrap
//! (`aarch64-unknown-linux-musl`) and the x86_64 one measured beside it. Their binaries get
//! musl's own `memcpy` and `memset`, which are assembly in musl (for AArch64, Arm's
//! optimized-routines), taken from the Rust toolchain's self-contained musl (the target's
//! `rust-std`, so no file is vendored).
//!
//! Why: zig links its own libc, whose `memcpy`/`memset` are compiler_rt's generic versions (one
//! 16-byte load and store a loop pass; the glibc build calls glibc's tuned ones). Counted with
//! `lambda-bench count` (docs/design.md, "A static arm64 binary"), the static build executed ~2.8 % more instructions
//! per seed event and ~0.9 % more per byte of a 100k batch than the glibc build, nearly all in
//! those two functions. compiler_rt's symbols are weak, so these definitions take their place.
//! Every other build (host tests, the glibc arm64 floor) is left alone.

use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// Members of musl's libc.a to link: both are assembly in musl (src/string/{aarch64,x86_64}/).
const MEMBERS: [&str; 2] = ["memcpy.lo", "memset.lo"];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let arch = var("CARGO_CFG_TARGET_ARCH");
    if !matches!(arch.as_str(), "aarch64" | "x86_64") || var("CARGO_CFG_TARGET_ENV") != "musl" {
        return;
    }
    let target = var("TARGET");
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        .unwrap_or_else(|| panic!("cannot ask {rustc:?} for its sysroot"));
    let libc = sysroot.join(format!("lib/rustlib/{target}/lib/self-contained/libc.a"));
    println!("cargo:rerun-if-changed={}", libc.display());
    let file = fs::File::open(&libc).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the {target} target's rust-std: rust-toolchain.toml lists it)",
            libc.display()
        )
    });
    let out_dir = PathBuf::from(var("OUT_DIR"));
    let mut archive = ar::Archive::new(file);
    let mut found = Vec::new();
    while let Some(entry) = archive.next_entry() {
        let mut entry = entry.unwrap_or_else(|e| panic!("{}: {e}", libc.display()));
        let name = String::from_utf8_lossy(entry.header().identifier()).into_owned();
        if !MEMBERS.contains(&name.as_str()) || found.contains(&name) {
            continue;
        }
        let object = out_dir.join(name.replace(".lo", ".o"));
        let mut out = fs::File::create(&object).expect("writing to OUT_DIR");
        std::io::copy(&mut entry, &mut out).expect("writing to OUT_DIR");
        println!("cargo:rustc-link-arg-bins={}", object.display());
        found.push(name);
    }
    for member in MEMBERS {
        assert!(
            found.iter().any(|name| name == member),
            "{} has no {member}",
            libc.display()
        );
    }
}
