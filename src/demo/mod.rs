//! The embedded demo network (placeholder until the generator lands).
