//! Wappalyzer-format fingerprint files: parsing, loading from disk, the embedded set.

use crate::evidence::Kinds;
use crate::merge::{fill, normalize};
use crate::Error;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A category from `categories.json`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Category {
    pub name: String,
    /// Lower is more important; orders the result.
    #[serde(default = "default_priority")]
    pub priority: u32,
}

fn default_priority() -> u32 {
    5
}

/// One technology as written in a `technologies/*.json` file. Unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct RawTech {
    #[serde(deserialize_with = "numbers")]
    pub cats: Vec<u32>,
    #[serde(deserialize_with = "named")]
    pub headers: BTreeMap<String, Vec<String>>,
    #[serde(deserialize_with = "named")]
    pub cookies: BTreeMap<String, Vec<String>>,
    #[serde(deserialize_with = "named")]
    pub meta: BTreeMap<String, Vec<String>>,
    #[serde(deserialize_with = "named")]
    pub js: BTreeMap<String, Vec<String>>,
    #[serde(deserialize_with = "strings")]
    pub html: Vec<String>,
    #[serde(deserialize_with = "strings")]
    pub script_src: Vec<String>,
    #[serde(deserialize_with = "strings")]
    pub scripts: Vec<String>,
    #[serde(deserialize_with = "strings")]
    pub url: Vec<String>,
    pub dom: Option<Value>,
    #[serde(deserialize_with = "strings")]
    pub implies: Vec<String>,
    #[serde(deserialize_with = "strings")]
    pub excludes: Vec<String>,
    #[serde(deserialize_with = "strings")]
    pub requires: Vec<String>,
    #[serde(deserialize_with = "numbers")]
    pub requires_category: Vec<u32>,
    #[serde(deserialize_with = "strings")]
    pub robots: Vec<String>,
    #[serde(deserialize_with = "strings")]
    pub cert_issuer: Vec<String>,
    #[serde(deserialize_with = "strings")]
    pub text: Vec<String>,
    pub icon: Option<String>,
    pub website: Option<String>,
    pub cpe: Option<String>,
    /// Which fields came from the embedded set (nothing, as parsed).
    #[serde(skip)]
    pub builtin: Provenance,
}

/// The fields of an entry that the embedded set gave, after a merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Provenance {
    /// Rule kinds whose patterns are the embedded entry's.
    pub kinds: Kinds,
    /// The `excludes` are the embedded entry's.
    pub excludes: bool,
}

impl Provenance {
    /// Everything from the embedded set.
    pub fn builtin() -> Provenance {
        Provenance {
            kinds: Kinds::rules(),
            excludes: true,
        }
    }
}

/// Technologies by name (one per normalised name) and categories by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dataset {
    pub technologies: BTreeMap<String, RawTech>,
    pub categories: BTreeMap<u32, Category>,
    /// Normalised name → the name the entry is kept under.
    names: HashMap<String, String>,
    /// Entries left out because their name normalises to nothing.
    pub nameless: usize,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(x) => vec![x],
            OneOrMany::Many(v) => v,
        }
    }
}

fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<OneOrMany<String>>::deserialize(d)?.map_or_else(Vec::new, OneOrMany::into_vec))
}

fn numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
    Ok(Option::<OneOrMany<u32>>::deserialize(d)?.map_or_else(Vec::new, OneOrMany::into_vec))
}

fn named<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Vec<String>>, D::Error> {
    let map = Option::<BTreeMap<String, Option<OneOrMany<String>>>>::deserialize(d)?;
    Ok(map
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                v.map_or_else(|| vec![String::new()], OneOrMany::into_vec),
            )
        })
        .collect())
}

impl Dataset {
    /// Adds `other`, read after `self`: an entry whose name normalises like one of ours is
    /// merged into ours, ours winning field by field; our categories win by id.
    pub fn extend(&mut self, other: Dataset) {
        self.nameless += other.nameless;
        for (name, tech) in other.technologies {
            self.insert(name, tech);
        }
        for (id, cat) in other.categories {
            self.categories.entry(id).or_insert(cat);
        }
    }

    /// Adds one entry; one already kept under the same normalised name wins field by field
    /// and keeps its spelling. A name that normalises to nothing is left out.
    pub fn insert(&mut self, name: String, tech: RawTech) {
        let key = normalize(&name);
        if key.is_empty() {
            tracing::debug!(technology = %name, "technology without a usable name left out");
            self.nameless += 1;
            return;
        }
        match self.names.get(&key) {
            Some(kept) => {
                if let Some(first) = self.technologies.get_mut(kept) {
                    fill(first, tech);
                }
            }
            None => {
                self.names.insert(key, name.clone());
                self.technologies.insert(name, tech);
            }
        }
    }

    /// The name an entry normalising like `name` is kept under.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.names.get(&normalize(name)).map(String::as_str)
    }

    /// Removes the entry kept under exactly `name`.
    pub fn remove(&mut self, name: &str) -> Option<RawTech> {
        let tech = self.technologies.remove(name)?;
        self.names.remove(&normalize(name));
        Some(tech)
    }

    /// Marks every field of every entry as the embedded set's.
    pub fn mark_builtin(&mut self) {
        for tech in self.technologies.values_mut() {
            tech.builtin = Provenance::builtin();
        }
    }

    /// Parses one technologies file (an object keyed by technology name).
    pub fn parse_technologies(path: &str, text: &str) -> Result<Dataset, Error> {
        let value = parse_json(path, text)?;
        let mut out = Dataset::default();
        out.add_technologies(path, value)?;
        Ok(out)
    }

    /// Parses a `categories.json` (id → {name, priority}).
    pub fn parse_categories(path: &str, text: &str) -> Result<Dataset, Error> {
        let value = parse_json(path, text)?;
        let mut out = Dataset::default();
        out.add_categories(path, value)?;
        Ok(out)
    }

    /// Loads a directory (`technologies/*.json` + `categories.json`, also under `src/`, or
    /// `*.json` files directly) or one JSON file (`{technologies, categories}` or just
    /// technologies).
    pub fn load(path: &Path) -> Result<Dataset, Error> {
        let meta = std::fs::metadata(path).map_err(|source| io(path, source))?;
        if meta.is_dir() {
            return Dataset::load_dir(path);
        }
        let text = read(path)?;
        let name = path.display().to_string();
        let value = parse_json(&name, &text)?;
        let mut out = Dataset::default();
        match value {
            Value::Object(mut map) if is_bundle(&map) => {
                if let Some(cats) = map.remove("categories") {
                    out.add_categories(&name, cats)?;
                }
                let techs = map
                    .remove("technologies")
                    .or_else(|| map.remove("apps"))
                    .unwrap_or(Value::Object(Map::new()));
                out.add_technologies(&name, techs)?;
            }
            other => out.add_technologies(&name, other)?,
        }
        Ok(out)
    }

    fn load_dir(dir: &Path) -> Result<Dataset, Error> {
        let roots = [dir.to_path_buf(), dir.join("src")];
        let tech_dir = roots
            .iter()
            .map(|r| r.join("technologies"))
            .find(|d| d.is_dir())
            .unwrap_or_else(|| dir.to_path_buf());
        let mut out = Dataset::default();
        let categories = roots
            .iter()
            .chain([&tech_dir])
            .map(|r| r.join("categories.json"))
            .find(|f| f.is_file());
        if let Some(file) = &categories {
            let text = read(file)?;
            out.extend(Dataset::parse_categories(
                &file.display().to_string(),
                &text,
            )?);
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&tech_dir)
            .map_err(|source| io(&tech_dir, source))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter(|p| Some(p) != categories.as_ref())
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::Parse {
                path: tech_dir.display().to_string(),
                message: "no technologies/*.json files".into(),
            });
        }
        for file in files {
            let text = read(&file)?;
            out.extend(Dataset::parse_technologies(
                &file.display().to_string(),
                &text,
            )?);
        }
        Ok(out)
    }

    fn add_technologies(&mut self, path: &str, value: Value) -> Result<(), Error> {
        let Value::Object(map) = value else {
            return Err(parse_error(
                path,
                "expected an object keyed by technology name",
            ));
        };
        for (name, tech) in map {
            let tech = RawTech::deserialize(tech)
                .map_err(|e| parse_error(path, &format!("technology {name:?}: {e}")))?;
            self.insert(name, tech);
        }
        Ok(())
    }

    fn add_categories(&mut self, path: &str, value: Value) -> Result<(), Error> {
        let map = BTreeMap::<String, Category>::deserialize(value)
            .map_err(|e| parse_error(path, &format!("categories: {e}")))?;
        for (id, cat) in map {
            let id = id
                .parse::<u32>()
                .map_err(|_| parse_error(path, &format!("category id {id:?} is not a number")))?;
            self.categories.entry(id).or_insert(cat);
        }
        Ok(())
    }
}

/// A single file holding both parts, rather than technologies only.
fn is_bundle(map: &Map<String, Value>) -> bool {
    ["technologies", "apps"]
        .iter()
        .any(|k| map.get(*k).is_some_and(Value::is_object))
        && map.values().all(Value::is_object)
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "technologies" | "apps" | "categories"))
}

fn parse_json(path: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| parse_error(path, &e.to_string()))
}

fn parse_error(path: &str, message: &str) -> Error {
    Error::Parse {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| io(path, source))
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source,
    }
}
