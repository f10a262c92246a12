//! scraper's tree sink, wrapped: parse errors are dropped, nodes are counted, and the depth
//! of the node the parser is inserting into is known to the token filter.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};

use super::MAX_ATTRS;

/// scraper's node id (an `ego_tree` id).
type NodeId = <HtmlTreeSink as TreeSink>::Handle;

/// A node of the tree being built, with its index in [`Sink::depths`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Handle {
    id: NodeId,
    ix: u32,
}

/// Marks a node that the parser never inserts into (text, comment, processing instruction).
const LEAF: u16 = 1 << 15;

pub(super) struct Sink {
    html: HtmlTreeSink,
    /// Each handed-out node's depth below the document, with [`LEAF`] for leaves. Set when the
    /// node is inserted; a later move of an ancestor is not reflected (an approximation that
    /// only matters past the depth cap, which any insertion corrects).
    depths: RefCell<Vec<u16>>,
    /// Depth of the node new content goes into: the last element inserted (the parser pushes
    /// it on its stack of open elements), the parent of the last element popped, or the
    /// parent of the last text or comment inserted.
    open_depth: Cell<u16>,
    /// Whether the last thing done was inserting an element (so it is the current node).
    inserted_element: Cell<bool>,
    /// Nodes in the tree: elements, comments, text nodes, doctypes, instructions.
    nodes: Cell<usize>,
}

impl Sink {
    pub(super) fn new() -> Self {
        Sink {
            html: HtmlTreeSink::new(Html::new_document()),
            depths: RefCell::new(vec![0]),
            open_depth: Cell::new(0),
            inserted_element: Cell::new(false),
            nodes: Cell::new(1),
        }
    }

    /// Depth of the node new content goes into.
    pub(super) fn open_depth(&self) -> usize {
        usize::from(self.open_depth.get())
    }

    /// Whether the last thing done was inserting an element.
    pub(super) fn inserted_element(&self) -> bool {
        self.inserted_element.get()
    }

    /// Nodes created so far.
    pub(super) fn nodes(&self) -> usize {
        self.nodes.get()
    }

    fn handle(&self, id: NodeId, depth: u16) -> Handle {
        let mut depths = self.depths.borrow_mut();
        // Past 4 G nodes the index wraps: impossible under the node caps.
        let ix = u32::try_from(depths.len()).unwrap_or(u32::MAX);
        depths.push(depth);
        Handle { id, ix }
    }

    fn depth(&self, h: &Handle) -> u16 {
        self.depths
            .borrow()
            .get(h.ix as usize)
            .map_or(0, |d| d & !LEAF)
    }

    /// Records that `h` now sits at `depth`; true when it is an element.
    fn place(&self, h: &Handle, depth: u16) -> bool {
        let mut depths = self.depths.borrow_mut();
        let Some(d) = depths.get_mut(h.ix as usize) else {
            return false;
        };
        let leaf = *d & LEAF;
        *d = depth.min(LEAF - 1) | leaf;
        leaf == 0
    }

    /// Records the insertion of an element at `depth`: the parser pushes it, so it becomes
    /// the node new content goes into.
    fn opened(&self, depth: u16) {
        self.open_depth.set(depth.min(LEAF - 1));
        self.inserted_element.set(true);
    }

    fn count(&self) {
        self.nodes.set(self.nodes.get() + 1);
    }
}

fn unwrap(child: NodeOrText<Handle>) -> NodeOrText<NodeId> {
    match child {
        NodeOrText::AppendNode(h) => NodeOrText::AppendNode(h.id),
        NodeOrText::AppendText(t) => NodeOrText::AppendText(t),
    }
}

impl TreeSink for Sink {
    type Output = Html;
    type Handle = Handle;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Html {
        self.html.finish()
    }

    /// Dropped: scraper keeps each as a string, so a page made of errors (NULs, stray end
    /// tags) cost memory per error.
    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        Handle {
            id: self.html.get_document(),
            ix: 0,
        }
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> Ref<'a, QualName> {
        self.html.elem_name(&target.id)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        self.count();
        let id = self.html.create_element(name, attrs, flags);
        self.handle(id, 0)
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        self.count();
        let id = self.html.create_comment(text);
        self.handle(id, LEAF)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Handle {
        self.count();
        let id = self.html.create_pi(target, data);
        self.handle(id, LEAF)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        let depth = self.depth(parent);
        self.inserted_element.set(false);
        match &child {
            NodeOrText::AppendNode(h) => {
                if self.place(h, depth.saturating_add(1)) {
                    self.opened(depth.saturating_add(1));
                } else {
                    self.open_depth.set(depth);
                }
            }
            NodeOrText::AppendText(_) => {
                let joins = self
                    .html
                    .0
                    .borrow()
                    .tree
                    .get(parent.id)
                    .and_then(|p| p.last_child())
                    .is_some_and(|c| c.value().is_text());
                if !joins {
                    self.count();
                }
                self.open_depth.set(depth);
            }
        }
        self.html.append(&parent.id, unwrap(child));
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        let has_parent = self
            .html
            .0
            .borrow()
            .tree
            .get(element.id)
            .is_some_and(|n| n.parent().is_some());
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.count();
        self.html
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Handle) {
        self.html.mark_script_already_started(&node.id);
    }

    fn pop(&self, node: &Handle) {
        self.open_depth.set(self.depth(node).saturating_sub(1));
        self.inserted_element.set(false);
    }

    fn get_template_contents(&self, target: &Handle) -> Handle {
        let id = self.html.get_template_contents(&target.id);
        self.handle(id, self.depth(target).saturating_add(1))
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.html.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let depth = self.depth(sibling);
        self.inserted_element.set(false);
        // Foster-parented text and comments leave the current node (a table part) as it is.
        match &new_node {
            NodeOrText::AppendNode(h) => {
                if self.place(h, depth) {
                    self.opened(depth);
                }
            }
            NodeOrText::AppendText(_) => {
                let joins = self
                    .html
                    .0
                    .borrow()
                    .tree
                    .get(sibling.id)
                    .and_then(|s| s.prev_sibling())
                    .is_some_and(|c| c.value().is_text());
                if !joins {
                    self.count();
                }
            }
        }
        self.html
            .append_before_sibling(&sibling.id, unwrap(new_node));
    }

    /// Attributes of a repeated `<html>` or `<body>` merged in, up to the cap: scraper inserts
    /// each into a sorted list, so an unbounded merge is quadratic.
    fn add_attrs_if_missing(&self, target: &Handle, mut attrs: Vec<Attribute>) {
        let have = self
            .html
            .0
            .borrow()
            .tree
            .get(target.id)
            .and_then(|n| n.value().as_element().map(|e| e.attrs().count()))
            .unwrap_or(0);
        attrs.truncate(MAX_ATTRS.saturating_sub(have));
        if !attrs.is_empty() {
            self.html.add_attrs_if_missing(&target.id, attrs);
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        self.html.remove_from_parent(&target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        self.html.reparent_children(&node.id, &new_parent.id);
    }
}
