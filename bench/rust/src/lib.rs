//! Shared parts of the benchmark binaries.

pub mod corpus;
