//! Parsing a page into scraper's [`Html`] at a cost bounded by its size, whatever it holds.
//!
//! The same html5ever tokenizer and tree builder as `Html::parse_document`, with four
//! differences, none of which changes the tree of a page within the limits below:
//!
//! - **Attributes**: a tag keeps its first [`MAX_ATTRS`]; the rest are removed from the
//!   markup by a linear pre-pass (`prepass.rs`), because the tokenizer compares each new
//!   attribute with the tag's earlier ones (200 000 attributes: 24 s). A repeated `<html>` or
//!   `<body>` merges attributes into the first up to the same cap.
//! - **Depth**: past [`MAX_DEPTH`] levels an element opens and closes at once, keeping its
//!   name and attributes, and its contents go into the element at the cap (browsers flatten
//!   past 512 levels too). The tree builder walks its stack of open elements on most tags,
//!   so an unbounded stack is quadratic (100 000 nested `<div>`s: 25 s). The depth is that
//!   of the node each element was inserted into; elements the tree builder later moves on
//!   its own (misnested formatting tags) can take their descendants a few levels further.
//! - **Nodes**: past [`MAX_NODES`] nodes start tags and comments are dropped (their text is
//!   kept); past [`STOP_NODES`] parsing stops. A run of `</p>` end tags with nothing to close
//!   adds a few empty paragraphs, not one per tag.
//! - **Errors**: parse errors are not kept (scraper stores each as a string: a page of NUL
//!   bytes or stray end tags cost memory per error).
//!
//! The markup is fed in chunks of [`CHUNK`] bytes, and the [`Budget`] is checked between
//! them: a parse whose budget runs out returns the tree of what was read so far.
//!
//! The depth and node caps are applied between the tokenizer and the tree builder
//! (`limiter.rs`) rather than in a pre-pass over the text, because only the tree builder
//! knows the depth (implied end tags, tables, formatting elements); the tree sink tells the
//! filter where the last insertion went (`sink.rs`). A streaming rewriter (`lol_html`) was not
//! used: every analysis reads the tree (contacts walk text with their ancestors, fingerprints
//! use selectors), so a stream would only add a second pass.

mod limiter;
pub(crate) mod prepass;
mod sink;

use std::time::Instant;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::TokenizerResult;
use scraper::Html;
use tokio_util::sync::CancellationToken;

use limiter::Limiter;
use sink::Sink;

/// Deepest nesting of elements kept; deeper elements open and close at this depth.
pub const MAX_DEPTH: usize = 512;
/// Attributes kept per element; the rest are dropped.
pub const MAX_ATTRS: usize = 256;
/// Nodes (elements, text, comments) after which start tags and comments are dropped.
pub const MAX_NODES: usize = 200_000;
/// Nodes after which parsing stops (elements the tree builder recreates on its own, such as
/// formatting elements reopened by text, can pass [`MAX_NODES`]).
pub const STOP_NODES: usize = 2 * MAX_NODES;
/// Bytes of markup fed to the parser between two checks of the budget.
pub const CHUNK: usize = 64 * 1024;

/// When an analysis has to stop: a deadline, a cancellation, both or neither.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    deadline: Option<Instant>,
    cancel: Option<CancellationToken>,
}

impl Budget {
    /// No limit.
    pub fn unlimited() -> Self {
        Self::default()
    }

    /// Stops at `deadline`.
    pub fn until(deadline: Instant) -> Self {
        Budget {
            deadline: Some(deadline),
            cancel: None,
        }
    }

    /// Also stops once `cancel` is cancelled.
    pub fn or_cancelled(mut self, cancel: CancellationToken) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// The deadline passed or the token was cancelled.
    pub fn exhausted(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
            || self.cancel.as_ref().is_some_and(|c| c.is_cancelled())
    }
}

/// Which limits a parse ran into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Some tag had more than [`MAX_ATTRS`] attributes.
    pub attributes_dropped: bool,
    /// Some element was nested past [`MAX_DEPTH`].
    pub depth_flattened: bool,
    /// The tree reached [`MAX_NODES`] nodes.
    pub nodes_capped: bool,
    /// The tree reached [`STOP_NODES`] nodes and the rest of the page was not parsed.
    pub stopped: bool,
}

/// A parsed page.
#[derive(Debug)]
pub struct Parsed {
    /// The tree.
    pub doc: Html,
    /// The budget ran out before the end of the markup: `doc` holds what came before.
    pub cut_short: bool,
    /// The limits the page ran into.
    pub limits: Limits,
}

/// Parses `html` as a document within the limits of this module, stopping early when
/// `budget` runs out.
pub fn parse_document(html: &str, budget: &Budget) -> Parsed {
    let capped = prepass::cap_attributes(html, MAX_ATTRS);
    let tree = TreeBuilder::new(Sink::new(), TreeBuilderOpts::default());
    let tokenizer = Tokenizer::new(Limiter::new(tree), TokenizerOpts::default());
    let input = BufferQueue::default();
    let mut rest: &str = &capped;
    let mut cut_short = false;
    while !rest.is_empty() && !tokenizer.sink.stopped() {
        if budget.exhausted() {
            cut_short = true;
            break;
        }
        let mut at = rest.len().min(CHUNK);
        while !rest.is_char_boundary(at) {
            at -= 1;
        }
        let (chunk, tail) = rest.split_at(at);
        input.push_back(StrTendril::from_slice(chunk));
        // A `Script` answer only pauses the tokenizer for a script to run; none does here.
        while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
        rest = tail;
    }
    tokenizer.end();
    let limiter = tokenizer.sink;
    let mut limits = limiter.limits.get();
    limits.attributes_dropped |= matches!(capped, std::borrow::Cow::Owned(_));
    Parsed {
        doc: limiter.tree.sink.finish(),
        cut_short,
        limits,
    }
}

#[cfg(test)]
mod tests;
