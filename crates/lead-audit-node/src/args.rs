//! JS arguments read without `unsafe`: a value's type is checked, then napi's checked
//! conversions (`FromNapiValue::from_unknown`) turn it into a Rust value. Objects become
//! `serde_json::Value` and are deserialized with serde, so the struct a function takes is the
//! only list of the keys it accepts.

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{type_name, ApiError, ApiResult};

/// The JS type of `value` (`Unknown` when napi cannot tell).
pub fn kind(value: &Unknown<'_>) -> ValueType {
    value.get_type().unwrap_or(ValueType::Unknown)
}

/// `value` unless it is absent, `undefined` or `null`.
pub fn present<'env>(value: Option<&Unknown<'env>>) -> Option<Unknown<'env>> {
    value
        .filter(|v| !matches!(kind(v), ValueType::Undefined | ValueType::Null))
        .copied()
}

/// `value` as an object when it is one, arrays and functions excluded.
pub fn as_object<'env>(value: &Unknown<'env>) -> Option<Object<'env>> {
    if kind(value) != ValueType::Object || value.is_array().unwrap_or(true) {
        return None;
    }
    Object::from_unknown(*value).ok()
}

/// `value` as a string when it is one.
pub fn as_string(value: &Unknown<'_>) -> Option<String> {
    (kind(value) == ValueType::String)
        .then(|| String::from_unknown(*value).ok())
        .flatten()
}

/// `value` as a boolean when it is one.
pub fn as_bool(value: &Unknown<'_>) -> Option<bool> {
    (kind(value) == ValueType::Boolean)
        .then(|| bool::from_unknown(*value).ok())
        .flatten()
}

/// `value` as JSON; `Err` names what JSON cannot hold (a function, a symbol, NaN…).
pub fn to_json(value: &Unknown<'_>) -> Result<Value, String> {
    Value::from_unknown(*value).map_err(|e| match kind(value) {
        ValueType::Number => "a number that is not finite".to_owned(),
        ValueType::Function => "a function".to_owned(),
        ValueType::Symbol => "a symbol".to_owned(),
        ValueType::Object => format!("an object that is not plain data ({})", e.reason),
        _ => format!("a {} ({})", type_name(value), e.reason),
    })
}

/// The properties of an object as JSON.
pub struct Fields {
    /// Every property JSON can hold; `undefined` ones are left out, as `JSON.stringify` does.
    pub json: Map<String, Value>,
    /// The properties JSON cannot hold, by key, with what they are instead.
    pub not_json: Vec<(String, String)>,
}

/// Reads the enumerable properties of `obj` except those in `skip`.
pub fn fields(obj: &Object<'_>, skip: &[&str]) -> napi::Result<Fields> {
    let mut out = Fields {
        json: Map::new(),
        not_json: Vec::new(),
    };
    for key in Object::keys(obj)? {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let value: Unknown<'_> = obj.get_named_property(&key)?;
        if kind(&value) == ValueType::Undefined {
            continue;
        }
        match to_json(&value) {
            Ok(json) => {
                out.json.insert(key, json);
            }
            Err(what) => out.not_json.push((key, what)),
        }
    }
    Ok(out)
}

/// Reads an options argument into `T`. `undefined` and `null` give `None`; anything but a
/// plain object, a key `T` does not have and a value of the wrong type are
/// `E_INVALID_OPTIONS` naming the key (serde's unknown-field message lists the known ones).
/// The keys in `js_values` are not read: the caller takes them from the returned object.
pub fn read_object<'env, T: DeserializeOwned>(
    what: &str,
    value: Option<&Unknown<'env>>,
    js_values: &[&str],
) -> ApiResult<Option<(T, Object<'env>)>> {
    let Some(value) = present(value) else {
        return Ok(None);
    };
    let Some(obj) = as_object(&value) else {
        return Err(ApiError::options(format!(
            "{what} must be an object, got {}",
            type_name(&value)
        )));
    };
    let Fields { mut json, not_json } =
        fields(&obj, js_values).map_err(|e| ApiError::options(format!("{what}: {}", e.reason)))?;
    // A key holding a function still has to be a known key: serde says so (with the list)
    // before the function itself is refused.
    for (key, _) in &not_json {
        json.insert(key.clone(), Value::Null);
    }
    let parsed = deserialize(what, Value::Object(json))?;
    if let Some((key, got)) = not_json.first() {
        return Err(ApiError::options(format!(
            "{what}.{key} must be plain data, got {got}"
        )));
    }
    Ok(Some((parsed, obj)))
}

/// Deserializes `value`, naming the path of a bad value (`options.score.hotThreshold: …`).
pub fn deserialize<T: DeserializeOwned>(what: &str, value: Value) -> ApiResult<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ApiError::options(if path == "." {
            format!("{what}: {inner}")
        } else {
            format!("{what}.{path}: {inner}")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::AuditOptions;

    fn message(v: Value) -> String {
        let e = deserialize::<AuditOptions>("options", v).expect_err("refused");
        assert_eq!(e.code, crate::error::Code::InvalidOptions);
        e.message
    }

    #[test]
    fn errors_name_the_key() {
        let m = message(serde_json::json!({"maxpages": 2}));
        assert!(m.contains("`maxpages`") && m.contains("`maxPages`"), "{m}");
        let m = message(serde_json::json!({"maxPages": 2.5}));
        assert!(m.starts_with("options.maxPages: "), "{m}");
        let m = message(serde_json::json!({"score": {"hotThreshold": "hot"}}));
        assert!(m.starts_with("options.score.hotThreshold: "), "{m}");
    }
}
