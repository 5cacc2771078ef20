//! The engine stays pure.
