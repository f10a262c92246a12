//! The process environment the front ends' settings are parsed from: `.env` files loaded
//! under the real environment, and empty variables treated as unset.

/// Loads each `.env`-style file of `files` that exists, in order: a later file overrides an
/// earlier one, and the real environment wins over all of them. Then removes every variable
/// whose value is empty, so `LEAD_AUDIT_WHOIS_SERVERS=` in a `.env` means "not set" rather
/// than a bad value.
///
/// Call it first thing in `main`, before any thread is started.
pub fn prepare(files: &[&str]) {
    let real: std::collections::HashSet<_> = std::env::vars_os().map(|(k, _)| k).collect();
    for path in files {
        if let Ok(iter) = dotenvy::from_path_iter(path) {
            for (key, value) in iter.flatten() {
                if !real.contains(std::ffi::OsStr::new(&key)) {
                    std::env::set_var(key, value);
                }
            }
        }
    }
    let empty: Vec<_> = std::env::vars_os()
        .filter(|(_, v)| v.is_empty())
        .map(|(k, _)| k)
        .collect();
    for key in empty {
        std::env::remove_var(key);
    }
}
