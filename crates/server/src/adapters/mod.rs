//! Adapters of the core's ports to the outside world.

pub mod rng;
