//! Every real export fixture, imported for real.
