//! Links the `livewindow` binary with packed relative relocations (DT_RELR, glibc 2.36 and
//! GNU ld 2.38 on): the position-independent binary's relocation table shrinks from about
//! 2.7 MB, which the loader reads into every process at start, to a few KB (BENCHMARKS.md,
//! console memory). Older linkers ignore the option with a warning.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
