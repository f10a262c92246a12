//! napi addon
