//! Sourcing: choosing which locations ship which units of an order (work in progress).
