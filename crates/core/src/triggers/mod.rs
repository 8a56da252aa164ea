//! Lambda triggers: the events the service sends and what it makes of the answers. The
//! invocation itself goes through the `TriggerInvoker` port.

pub mod custom_message;
