//! Embeds `data/categories.json` and every `data/technologies/*.json`, so adding a
//! fingerprint file needs no code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: a path compiled into the build script would go stale when another
    // checkout shares the target directory (cargo hashes workspace paths relatively).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("data");
    let tech_dir = dir.join("technologies");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed={}", tech_dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&tech_dir)
        .expect("data/technologies exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut code = String::from("/// Embedded technology files: (file name, contents).\n");
    code.push_str("pub(crate) const TECHNOLOGY_FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("write to String");
    }
    code.push_str("];\n");
    let categories = dir.join("categories.json");
    println!("cargo:rerun-if-changed={}", categories.display());
    writeln!(
        code,
        "/// Embedded `categories.json`.\npub(crate) const CATEGORIES: &str = include_str!({:?});",
        categories.display().to_string()
    )
    .expect("write to String");
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR set by cargo")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
}
