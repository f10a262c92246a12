//! `lead-audit-queue`: the BullMQ side that `lead-audit enqueue` and `lead-audit-worker` share:
//! where the queue is ([`QueueSettings`]) and adding audit jobs the way a Node backend's
//! `queue.add('audit', data)` does ([`enqueue()`]). The protocol itself is the BullMQ
//! maintainers' Rust port, crate `bullmq-official`.

pub mod enqueue;
pub mod settings;

pub use enqueue::{enqueue, job_data, EnqueueError, EnqueueOptions, JOB_NAME};
pub use settings::QueueSettings;
