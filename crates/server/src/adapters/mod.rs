//! Adapters of the core's ports to the outside world.

pub mod compute;
pub mod console;
pub mod lambda;
pub mod outbox_worker;
pub mod rng;
pub mod router;
pub mod sms_webhook;
pub mod smtp;
