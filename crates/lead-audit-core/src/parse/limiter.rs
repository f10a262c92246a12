//! The token filter between html5ever's tokenizer and its tree builder, where the depth and
//! node caps are applied.
//!
//! The tree builder's scope checks walk its stack of open elements on most start and end
//! tags, so 100 000 nested `<div>`s cost 10¹⁰ steps before any tree sink is called: the only
//! way to bound them is to keep the stack short, by deciding per tag before the tree builder
//! sees it. A text pre-pass cannot decide that (it would need the tree builder's implied end
//! tags to know the depth); this filter asks the sink where the last insertion went.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use html5ever::tokenizer::{EndTag, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult};
use html5ever::tree_builder::TreeBuilder;
use html5ever::{local_name, LocalName};

use super::sink::{Handle, Sink};
use super::{Limits, MAX_ATTRS, MAX_DEPTH, MAX_NODES, STOP_NODES};

/// Elements whose contents the tokenizer reads as text: at the depth cap they still open
/// (one level past it, never more, since they hold no tags).
fn is_raw_text(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("script")
            | local_name!("style")
            | local_name!("textarea")
            | local_name!("title")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("plaintext")
    )
}

/// `</p>` end tags in a row kept before the rest of the run is dropped.
const END_P_RUN: u32 = 8;

pub(super) struct Limiter {
    pub(super) tree: TreeBuilder<Handle, Sink>,
    /// End tags still to drop, by name: those of elements closed at once at the depth cap,
    /// or never opened past the node cap.
    skip_ends: RefCell<HashMap<LocalName, u32>>,
    /// `</p>` end tags in a row (whitespace, comments and NULs aside).
    end_p_run: Cell<u32>,
    pub(super) limits: Cell<Limits>,
}

impl Limiter {
    pub(super) fn new(tree: TreeBuilder<Handle, Sink>) -> Self {
        Limiter {
            tree,
            skip_ends: RefCell::default(),
            end_p_run: Cell::new(0),
            limits: Cell::default(),
        }
    }

    fn note(&self, f: impl FnOnce(&mut Limits)) {
        let mut l = self.limits.get();
        f(&mut l);
        self.limits.set(l);
    }

    /// Whether the node count reached the point where parsing stops.
    pub(super) fn stopped(&self) -> bool {
        self.tree.sink.nodes() >= STOP_NODES
    }

    fn skip_end(&self, name: LocalName) {
        *self.skip_ends.borrow_mut().entry(name).or_default() += 1;
    }

    fn start_tag(&self, mut tag: Tag, line: u64) -> TokenSinkResult<Handle> {
        if tag.attrs.len() > MAX_ATTRS {
            tag.attrs.truncate(MAX_ATTRS);
            self.note(|l| l.attributes_dropped = true);
        }
        let sink = &self.tree.sink;
        if sink.nodes() >= MAX_NODES {
            self.note(|l| l.nodes_capped = true);
            self.skip_end(tag.name);
            return TokenSinkResult::Continue;
        }
        if sink.open_depth() < MAX_DEPTH || is_raw_text(&tag.name) {
            return self.tree.process_token(TagToken(tag), line);
        }
        // At the cap an element opens and closes at once: it keeps its name and attributes
        // (a link's href, a form) and its contents follow it in the element at the cap, as
        // browsers flatten what is nested past their own limit.
        let before = sink.nodes();
        let name = tag.name.clone();
        let opened = self.tree.process_token(TagToken(tag), line);
        if sink.nodes() > before && sink.inserted_element() && sink.open_depth() > MAX_DEPTH {
            let end = Tag {
                kind: EndTag,
                name: name.clone(),
                self_closing: false,
                attrs: Vec::new(),
                had_duplicate_attributes: false,
            };
            let closed = self.tree.process_token(TagToken(end), line);
            self.skip_end(name);
            self.note(|l| l.depth_flattened = true);
            if matches!(opened, TokenSinkResult::Continue) {
                return closed;
            }
        }
        opened
    }

    /// False for an end tag to drop.
    fn keep_end_tag(&self, name: &LocalName) -> bool {
        let mut skip = self.skip_ends.borrow_mut();
        // Empty on a page within the limits: no hashing per end tag there.
        if let Some(n) = (!skip.is_empty()).then(|| skip.get_mut(name)).flatten() {
            *n -= 1;
            if *n == 0 {
                skip.remove(name);
            }
            return false;
        }
        // `</p>` and `</br>` with nothing to close create an element. A `</p>` right after
        // another always has nothing to close (a `</p>` leaves no `<p>` in scope) and only
        // adds an empty paragraph: past a few in a row they are dropped, so a page made of
        // them does not become a million nodes.
        let end_p = *name == local_name!("p");
        if end_p && self.end_p_run.get() >= END_P_RUN {
            return false;
        }
        if (end_p || *name == local_name!("br")) && self.tree.sink.nodes() >= MAX_NODES {
            self.note(|l| l.nodes_capped = true);
            return false;
        }
        true
    }
}

impl TokenSink for Limiter {
    type Handle = Handle;

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<Handle> {
        let end_p_run = self.end_p_run.replace(0);
        if self.stopped() && token != Token::EOFToken {
            self.note(|l| l.stopped = true);
            return TokenSinkResult::Continue;
        }
        match token {
            // Tokenizer errors only reach the sink's `parse_error`, which drops them.
            Token::ParseError(_) => {
                self.end_p_run.set(end_p_run);
                TokenSinkResult::Continue
            }
            Token::NullCharacterToken => {
                self.end_p_run.set(end_p_run);
                self.tree.process_token(token, line)
            }
            Token::CharacterTokens(ref t) if t.trim().is_empty() => {
                self.end_p_run.set(end_p_run);
                self.tree.process_token(token, line)
            }
            Token::CommentToken(_) => {
                self.end_p_run.set(end_p_run);
                if self.tree.sink.nodes() >= MAX_NODES {
                    self.note(|l| l.nodes_capped = true);
                    return TokenSinkResult::Continue;
                }
                self.tree.process_token(token, line)
            }
            TagToken(tag) if tag.kind == StartTag => self.start_tag(tag, line),
            TagToken(tag) => {
                self.end_p_run.set(end_p_run);
                if !self.keep_end_tag(&tag.name) {
                    return TokenSinkResult::Continue;
                }
                if tag.name == local_name!("p") {
                    self.end_p_run.set(end_p_run + 1);
                }
                self.tree.process_token(TagToken(tag), line)
            }
            token => self.tree.process_token(token, line),
        }
    }

    fn end(&self) {
        self.tree.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.tree
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}
