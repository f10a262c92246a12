//! One parse of a page, every analysis on it.
